//! Accessibility, checked by axe-core (the engine browsers' accessibility tools use),
//! injected over WebDriver into the page the app shows: a test fails on any serious or
//! critical violation of WCAG 2.1 A and AA, naming the rule and the elements.
//! axe-core comes from the UI's dev dependencies (`ui/node_modules/axe-core`).

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{workspace, App};

/// The rules' tags checked: WCAG 2.0 and 2.1, levels A and AA.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

fn axe_source() -> Result<String> {
    let path = workspace::root().join("ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "axe-core is not installed ({}): run npm ci --prefix ui",
            path.display()
        )
    })
}

impl App {
    /// Runs axe-core on what the window shows now; fails on serious or critical
    /// violations, naming `what` was shown.
    pub async fn assert_accessible(&self, what: &str) -> Result<()> {
        let client = self.client()?;
        let loaded = client
            .execute("return typeof window.axe === 'object';", Vec::new())
            .await?;
        if loaded != Value::Bool(true) {
            // Run as the WebDriver script itself (the page's CSP allows no eval).
            client
                .execute(&format!("{}\nreturn true;", axe_source()?), Vec::new())
                .await
                .context("axe-core could not be injected")?;
        }
        let script = format!(
            "const done = arguments[arguments.length - 1];
             window.axe
               .run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, resultTypes: ['violations'] }})
               .then((r) => done(JSON.stringify(r.violations
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => ({{ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.split('\\n').slice(1, 2).join('')) }})))))
               .catch((e) => done('error: ' + e));"
        );
        let answer = client.execute_async(&script, Vec::new()).await?;
        let text = answer.as_str().unwrap_or_default();
        if let Some(error) = text.strip_prefix("error: ") {
            bail!("axe-core failed on {what}: {error}");
        }
        let violations: Vec<Value> =
            serde_json::from_str(text).with_context(|| format!("axe-core answered {answer}"))?;
        if violations.is_empty() {
            return Ok(());
        }
        let list = violations
            .iter()
            .map(|v| {
                let nodes: Vec<&str> = v["nodes"]
                    .as_array()
                    .map(|n| n.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                format!(
                    "  {} ({}): {}\n    {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or("?"),
                    nodes.join("\n    ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        bail!(
            "{what}: {} serious or critical accessibility violation(s):\n{list}",
            violations.len()
        )
    }
}
