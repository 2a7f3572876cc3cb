//! Questions a test asks the page that WebDriver has no command for (a select's options, a
//! checkbox, whether a canvas has been painted), and how the app writes numbers and months.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Result};
use serde_json::json;

use crate::app::{testid, App};

/// `[data-testid=<id>][<attribute>="<value>"]`.
pub fn with(id: &str, attribute: &str, value: &str) -> String {
    format!("{}[{attribute}=\"{value}\"]", testid(id))
}

impl App {
    /// The value of the option of `select` whose text is `text`, once the options have loaded.
    pub async fn option_value(&mut self, select: &str, text: &str) -> Result<String> {
        let script = "return Array.from(document.querySelectorAll(arguments[0] + ' option'), \
                      o => [o.value, o.textContent.trim()]);";
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let value = self.client()?.execute(script, vec![json!(select)]).await?;
            let options: Vec<(String, String)> = serde_json::from_value(value)?;
            if let Some((value, _)) = options.iter().find(|(v, t)| !v.is_empty() && t == text) {
                return Ok(value.clone());
            }
            if Instant::now() > deadline {
                bail!("`{select}` offers no option {text:?} after 20 s; options: {options:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn is_checked(&mut self, selector: &str) -> Result<bool> {
        let checked = self.wait_for(selector).await?.prop("checked").await?;
        Ok(checked.as_deref() == Some("true"))
    }

    /// Waits until the canvas `selector` has a good part of its pixels painted.
    pub async fn wait_until_painted(&mut self, selector: &str) -> Result<()> {
        let canvas = self.wait_for(selector).await?;
        let argument = serde_json::to_value(&canvas)?;
        let script = "const c = arguments[0];
            const ctx = c.getContext('2d');
            if (!ctx || c.width === 0 || c.height === 0) return 0;
            const d = ctx.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
            return n;";
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let painted = self
                .client()?
                .execute(script, vec![argument.clone()])
                .await?
                .as_u64()
                .unwrap_or_default();
            if painted > 2_000 {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("`{selector}` has only {painted} painted pixels after 20 s");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// `n` with thousands separators, as the app writes credits: 1,234.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// This month in UTC as `YYYY-MM`, the id of its statement.
pub fn current_month() -> Result<String> {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let days = i64::try_from(seconds / 86_400)?;
    // Days since 1970-01-01 to a civil date (H. Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Ok(format!("{year:04}-{month:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_months_as_the_app_writes_them() {
        assert_eq!(thousands(560), "560");
        assert_eq!(thousands(4_440), "4,440");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let month = current_month().unwrap();
        assert!(month.len() == 7 && month.starts_with("20"), "{month}");
    }
}
