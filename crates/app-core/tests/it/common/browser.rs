//! The system browser as a test plays it: every page the app opens is recorded, and, when
//! the test names who signs in, played over real HTTP ([`super::browser_flow::play`]).
//! Shared with the shell's tests (`src-tauri/tests/common`), which include this file and
//! `browser_flow.rs`.

use std::sync::Mutex;

use orgdesk_app_core::host::Browser;
use orgdesk_app_core::AppError;

/// Records what the app opens and, once told who signs in, plays the flow.
#[derive(Default)]
pub struct PlayedBrowser {
    pub opened: Mutex<Vec<String>>,
    /// The provider's login to sign in with; `None`: the page is left open, unplayed.
    login: Mutex<Option<String>>,
    /// The last page the loopback address answered (status and body), once played.
    pub last_page: std::sync::Arc<Mutex<Option<(u16, String)>>>,
}

impl PlayedBrowser {
    /// Pages opened from now on are signed in as `login` at the provider.
    pub fn sign_in_as(&self, login: &str) {
        *self.login.lock().unwrap() = Some(login.to_owned());
    }

    pub fn opened(&self) -> Vec<String> {
        self.opened.lock().unwrap().clone()
    }

    /// The page the last played flow ended on (status, body), waiting for it; taken, so
    /// the next call waits for the next flow's.
    pub async fn page(&self) -> (u16, String) {
        for _ in 0..200 {
            if let Some(page) = self.last_page.lock().unwrap().take() {
                return page;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no played flow ended on a page within 10 s");
    }
}

impl Browser for PlayedBrowser {
    fn open(&self, url: &str) -> Result<(), AppError> {
        self.opened.lock().unwrap().push(url.to_owned());
        if let Some(login) = self.login.lock().unwrap().clone() {
            let (url, last_page) = (url.to_owned(), self.last_page.clone());
            tokio::spawn(async move {
                let page = super::browser_flow::play(&url, &login).await;
                *last_page.lock().unwrap() = Some(page);
            });
        }
        Ok(())
    }
}
