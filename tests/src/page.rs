//! What a test does with the app's window: wait for elements, click, type, press keys, read
//! text and take screenshots. Waits poll until the app's timeout and then fail with a
//! screenshot and the `data-testid`s that were on the page.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::{CmdError, ErrorStatus};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::app::App;

/// Errors that may go away by themselves while the page settles.
fn transient(error: &CmdError) -> bool {
    match error {
        CmdError::Standard(e) => {
            matches!(
                e.error,
                ErrorStatus::NoSuchElement
                    | ErrorStatus::StaleElementReference
                    | ErrorStatus::ElementNotInteractable
                    | ErrorStatus::ElementClickIntercepted
            )
            // WebKitWebDriver's word for an element the page re-rendered away, when it
            // was handed to a script.
            || e.message.contains("was not found")
        }
        _ => false,
    }
}

/// Whether a person would see `element`. WebKitWebDriver's own check calls an element with
/// `overflow: hidden` and only text inside (e.g. an ellipsised name) hidden, so when it says
/// no, this asks the page: laid out with a size, and no ancestor hidden or transparent.
async fn visible(client: &Client, element: &Element) -> Result<bool, CmdError> {
    if element.is_displayed().await? {
        return Ok(true);
    }
    let script = "const e = arguments[0];
        const r = e.getBoundingClientRect();
        if (!e.isConnected || r.width === 0 || r.height === 0) return false;
        for (let n = e; n; n = n.parentElement) {
            const s = getComputedStyle(n);
            if (s.display === 'none' || s.visibility !== 'visible' || s.opacity === '0') return false;
        }
        return true;";
    let argument = serde_json::to_value(element).map_err(CmdError::Json)?;
    Ok(client.execute(script, vec![argument]).await? == serde_json::Value::Bool(true))
}

/// The first element matching `selector`, if it is visible.
async fn displayed(client: &Client, selector: &str) -> Result<Option<Element>, CmdError> {
    let element = client.find(Locator::Css(selector)).await?;
    Ok(visible(client, &element).await?.then_some(element))
}

/// The element's rendered text (`innerText`), trimmed. WebKitWebDriver's own text reads ""
/// for the elements its visibility check gets wrong.
async fn rendered_text(client: &Client, element: &Element) -> Result<String, CmdError> {
    let argument = serde_json::to_value(element).map_err(CmdError::Json)?;
    let text = client
        .execute("return arguments[0].innerText;", vec![argument])
        .await?;
    Ok(text.as_str().unwrap_or_default().trim().to_owned())
}

impl App {
    /// Calls `probe` until it yields a value, the timeout passes, or a lasting error occurs.
    async fn poll<T>(
        &mut self,
        what: &str,
        mut probe: impl AsyncFnMut(&Client) -> Result<Option<T>, CmdError>,
    ) -> Result<T> {
        let timeout = self.timeout;
        let deadline = Instant::now() + timeout;
        let mut last_error = String::new();
        loop {
            match probe(self.client()?).await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                Err(e) if e.is_no_such_element() => {}
                Err(e) if transient(&e) => last_error = format!(" (last error: {e})"),
                Err(e) => return Err(self.failure(&format!("{what}: {e}")).await),
            }
            if Instant::now() > deadline {
                let message = format!("timed out after {timeout:?} {what}{last_error}");
                return Err(self.failure(&message).await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// An error naming a screenshot of the moment and the test ids on the page.
    async fn failure(&mut self, message: &str) -> anyhow::Error {
        let shot = match self.screenshot("failed-wait").await {
            Ok(path) => path.display().to_string(),
            Err(e) => format!("none ({e:#})"),
        };
        let ids = match self.test_ids().await {
            Ok(ids) if ids.is_empty() => "none".to_owned(),
            Ok(ids) => ids.join(", "),
            Err(e) => format!("unknown ({e:#})"),
        };
        anyhow!("{message}\n  screenshot: {shot}\n  data-testid on the page: {ids}")
    }

    /// Every `data-testid` in the document, in document order.
    pub async fn test_ids(&self) -> Result<Vec<String>> {
        let script =
            "return Array.from(document.querySelectorAll('[data-testid]'), e => e.dataset.testid);";
        let value = self.client()?.execute(script, vec![]).await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Waits until an element matching the CSS `selector` is displayed.
    pub async fn wait_for(&mut self, selector: &str) -> Result<Element> {
        self.poll(&format!("waiting for `{selector}`"), async |client| {
            displayed(client, selector).await
        })
        .await
    }

    /// Waits until no element matching `selector` is displayed.
    pub async fn wait_gone(&mut self, selector: &str) -> Result<()> {
        self.poll(
            &format!("waiting for `{selector}` to go away"),
            async |client| match displayed(client, selector).await {
                Ok(Some(_)) => Ok(None),
                Ok(None) => Ok(Some(())),
                Err(e) if e.is_no_such_element() || e.is_stale_element_reference() => Ok(Some(())),
                Err(e) => Err(e),
            },
        )
        .await
    }

    /// Whether an element matching `selector` is visible right now (no waiting).
    pub async fn is_displayed(&self, selector: &str) -> Result<bool> {
        match displayed(self.client()?, selector).await {
            Ok(found) => Ok(found.is_some()),
            Err(e) if transient(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// All elements matching `selector` now, in document order.
    pub async fn find_all(&self, selector: &str) -> Result<Vec<Element>> {
        Ok(self.client()?.find_all(Locator::Css(selector)).await?)
    }

    /// Waits until exactly `count` elements match `selector`, and returns them.
    pub async fn wait_for_count(&mut self, selector: &str, count: usize) -> Result<Vec<Element>> {
        let mut seen = 0;
        let what = format!("waiting for {count} of `{selector}`");
        let result = self
            .poll(&what, async |client| {
                let found = client.find_all(Locator::Css(selector)).await?;
                seen = found.len();
                Ok((seen == count).then_some(found))
            })
            .await;
        result.with_context(|| format!("{seen} matched last"))
    }

    /// Waits for `selector` and scrolls it to the top of its scrolling area, so that the
    /// next screenshot shows it (they show the window, not the whole page).
    pub async fn scroll_to(&mut self, selector: &str) -> Result<()> {
        let element = self.wait_for(selector).await?;
        let argument = serde_json::to_value(&element)?;
        self.client()?
            .execute(
                "arguments[0].scrollIntoView({block: 'start', behavior: 'instant'});",
                vec![argument],
            )
            .await
            .with_context(|| format!("scrolling to `{selector}`"))?;
        Ok(())
    }

    /// Waits for `selector` and clicks it, retrying while something covers it.
    pub async fn click(&mut self, selector: &str) -> Result<()> {
        self.poll(&format!("clicking `{selector}`"), async |client| {
            let Some(element) = displayed(client, selector).await? else {
                return Ok(None);
            };
            element.click().await?;
            Ok(Some(()))
        })
        .await
    }

    /// Replaces the text of the input matching `selector` by typing, as a person would.
    pub async fn fill(&mut self, selector: &str, text: &str) -> Result<()> {
        self.poll(&format!("typing into `{selector}`"), async |client| {
            let Some(element) = displayed(client, selector).await? else {
                return Ok(None);
            };
            let old = element.prop("value").await?.unwrap_or_default();
            let mut keys = String::from(char::from(Key::End));
            keys.extend(std::iter::repeat_n(
                char::from(Key::Backspace),
                old.chars().count(),
            ));
            keys.push_str(text);
            element.send_keys(&keys).await?;
            Ok(Some(()))
        })
        .await
    }

    /// The visible text of `selector`, trimmed, once it is displayed.
    pub async fn text(&mut self, selector: &str) -> Result<String> {
        let element = self.wait_for(selector).await?;
        Ok(rendered_text(self.client()?, &element).await?)
    }

    /// The current value of the input matching `selector`.
    pub async fn value(&mut self, selector: &str) -> Result<String> {
        let element = self.wait_for(selector).await?;
        Ok(element.prop("value").await?.unwrap_or_default())
    }

    /// Waits until the trimmed text of `selector` is `expected`.
    pub async fn wait_for_text(&mut self, selector: &str, expected: &str) -> Result<()> {
        self.wait_for_text_where(selector, &format!("to read {expected:?}"), |text| {
            text == expected
        })
        .await
    }

    /// Waits until the trimmed text of `selector` contains `needle`.
    pub async fn wait_for_text_containing(&mut self, selector: &str, needle: &str) -> Result<()> {
        self.wait_for_text_where(selector, &format!("to contain {needle:?}"), |text| {
            text.contains(needle)
        })
        .await
    }

    /// Waits until `accept` holds for the trimmed text of `selector`; `description` says
    /// what was awaited (e.g. "to read \"admin\"") in the error, with the text last seen.
    pub async fn wait_for_text_where(
        &mut self,
        selector: &str,
        description: &str,
        accept: impl Fn(&str) -> bool,
    ) -> Result<()> {
        let mut seen = String::from("(not displayed)");
        let what = format!("waiting for `{selector}` {description}");
        let result = self
            .poll(&what, async |client| {
                let Some(element) = displayed(client, selector).await? else {
                    return Ok(None);
                };
                seen = rendered_text(client, &element).await?;
                Ok(accept(&seen).then_some(()))
            })
            .await;
        result.with_context(|| format!("`{selector}` last read {seen:?}"))
    }

    /// The rendered text of every element matching `selector` now, in document order.
    /// Read in one script, so an element that goes away meanwhile (a toast timing out)
    /// cannot fail it.
    pub async fn texts(&self, selector: &str) -> Result<Vec<String>> {
        let script = "return Array.from(document.querySelectorAll(arguments[0]), \
                      e => e.innerText.trim());";
        let value = self
            .client()?
            .execute(script, vec![serde_json::json!(selector)])
            .await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Waits until an element matching `selector` shows a text that is not in `before`
    /// (taken with [`App::texts`]), e.g. a new toast among older ones; returns that text.
    pub async fn wait_for_new_text(&mut self, selector: &str, before: &[String]) -> Result<String> {
        let what = format!("waiting for a new `{selector}` besides {before:?}");
        self.poll(&what, async |client| {
            for element in client.find_all(Locator::Css(selector)).await? {
                let text = rendered_text(client, &element).await?;
                if !before.contains(&text) && visible(client, &element).await? {
                    return Ok(Some(text));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Presses a key with modifiers held, e.g. `press(&[Key::Control], 'k')` for Ctrl+K.
    pub async fn press(&mut self, modifiers: &[Key], key: char) -> Result<()> {
        let mut keyboard = KeyActions::new("keyboard".to_owned());
        for modifier in modifiers {
            keyboard = keyboard.then(KeyAction::Down {
                value: char::from(*modifier),
            });
        }
        keyboard = keyboard
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        for modifier in modifiers.iter().rev() {
            keyboard = keyboard.then(KeyAction::Up {
                value: char::from(*modifier),
            });
        }
        let client = self.client()?;
        client
            .perform_actions(keyboard)
            .await
            .context("pressing keys")?;
        client.release_actions().await.context("releasing keys")?;
        Ok(())
    }

    /// Saves the window as `tests/screenshots/<test>/<NN-step>.png` and returns the path.
    ///
    /// It first lets the page paint two frames: WebKit's screenshot shows the last painted
    /// frame, which can lag behind a DOM the waits have already seen (half-typed text, a
    /// list still showing its placeholder).
    pub async fn screenshot(&mut self, step: &str) -> Result<PathBuf> {
        let settle = self.client()?.execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        );
        // Best effort: a page that never paints (hidden window) still gets its screenshot.
        let _ = tokio::time::timeout(Duration::from_secs(2), settle).await;
        let png = self
            .client()?
            .screenshot()
            .await
            .context("taking a screenshot")?;
        let path = self.artifacts.next_screenshot(step);
        std::fs::write(&path, png).with_context(|| format!("saving {}", path.display()))?;
        eprintln!("[e2e] screenshot {}", path.display());
        Ok(path)
    }
}
