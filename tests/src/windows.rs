//! The app's other windows, as WebDriver sees them: each is a window handle. The card page
//! opens in a window of its own (titled "Add a card" by the app; WebDriver reads the
//! page's own title and address); a test switches to it, works in it, and switches back
//! to the main window.

use std::time::Instant;

use anyhow::{bail, Result};
use fantoccini::wd::WindowHandle;

use crate::App;

impl App {
    /// Waits for the card page's window (an address under `/pay/card/`) and switches to
    /// it; answers the handle of the window it left, to come back with [`App::switch_to`].
    pub async fn switch_to_card_window(&self) -> Result<WindowHandle> {
        self.switch_to_window_where("the card page", |_, url| {
            url.path().starts_with("/pay/card/")
        })
        .await
    }

    /// Waits for a window (other than the current one) whose page title and address
    /// `matches`, and switches to it; answers the handle of the window it left.
    pub async fn switch_to_window_where(
        &self,
        what: &str,
        matches: impl Fn(&str, &url::Url) -> bool,
    ) -> Result<WindowHandle> {
        let client = self.client()?;
        let home = client.window().await?;
        let started = Instant::now();
        loop {
            for handle in client.windows().await? {
                if handle == home {
                    continue;
                }
                client.switch_to_window(handle).await?;
                let title = client.title().await.unwrap_or_default();
                if let Ok(url) = client.current_url().await {
                    if matches(&title, &url) {
                        return Ok(home);
                    }
                }
            }
            client.switch_to_window(home.clone()).await?;
            if started.elapsed() > self.timeout {
                let count = client.windows().await?.len();
                bail!("no window with {what} appeared ({count} window handles)");
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }

    /// Switches to the window `handle` names (the main window, after another).
    pub async fn switch_to(&self, handle: WindowHandle) -> Result<()> {
        self.client()?.switch_to_window(handle).await?;
        Ok(())
    }

    /// Runs `script` (with `args`) in the current window until it returns `true`, or fails
    /// with `what` after the timeout. In a second window WebKitWebDriver cannot resolve
    /// the element references it hands out ("Cannot check the displayedness of a
    /// non-Element argument"), so work there goes through scripts alone.
    pub async fn until_script(
        &self,
        what: &str,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> Result<()> {
        let client = self.client()?;
        let started = Instant::now();
        loop {
            if client.execute(script, args.clone()).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if started.elapsed() > self.timeout {
                bail!("{what}: not done within {:?}", self.timeout);
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// Types `value` into the input `selector` of the current window as a person would
    /// leave it (its `input` event fires), by script (see [`App::until_script`]).
    pub async fn type_by_script(&self, selector: &str, value: &str) -> Result<()> {
        self.until_script(
            &format!("typing into `{selector}`"),
            "const [selector, value] = arguments;
             const input = document.querySelector(selector);
             if (!input) return false;
             input.focus();
             input.value = value;
             input.dispatchEvent(new Event('input', { bubbles: true }));
             return true;",
            vec![selector.into(), value.into()],
        )
        .await
    }

    /// Clicks `selector` in the current window by script (see [`App::until_script`]).
    pub async fn click_by_script(&self, selector: &str) -> Result<()> {
        self.until_script(
            &format!("clicking `{selector}`"),
            "const target = document.querySelector(arguments[0]);
             if (!target || target.disabled) return false;
             target.click();
             return true;",
            vec![selector.into()],
        )
        .await
    }

    /// Waits until the current window's text contains `text` (by script).
    pub async fn wait_for_page_text(&self, text: &str) -> Result<()> {
        self.until_script(
            &format!("waiting for {text:?} on the page"),
            "return document.body.innerText.includes(arguments[0]);",
            vec![text.into()],
        )
        .await
    }

    /// How many windows WebDriver sees.
    pub async fn window_count(&self) -> Result<usize> {
        Ok(self.client()?.windows().await?.len())
    }
}
