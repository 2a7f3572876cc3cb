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

    /// How many windows WebDriver sees.
    pub async fn window_count(&self) -> Result<usize> {
        Ok(self.client()?.windows().await?.len())
    }
}
