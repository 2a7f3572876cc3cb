//! Starting the built-in server as the app starts, when the saved account lives on it: the
//! page's first command (resuming the session) needs it, and comes only once WebKit has
//! loaded and run the page, some 300 ms after launch on a 2-core machine. Started on
//! demand instead, its start-up (about 100–400 ms) came after that, on the way to the
//! signed-in overview. A session on a remote server, or none, leaves it to start when
//! asked: no work competes with the sign-in screen's first paint.

use std::sync::Arc;

use crate::host::{BuiltInServer, Spawner};
use crate::prefs::{Prefs, ServerChoice};

pub struct EarlyServer {
    pub prefs: Prefs,
    pub server: Arc<dyn BuiltInServer>,
    pub spawner: Arc<dyn Spawner>,
}

impl EarlyServer {
    /// Starts the built-in server in the background if the saved account is on it. Whoever
    /// asks for its address meanwhile waits for this same start.
    pub fn begin(&self) -> bool {
        if self.prefs.account_server() != Some(ServerChoice::Embedded) {
            return false;
        }
        let server = self.server.clone();
        self.spawner.run(async move {
            if let Err(e) = server.address().await {
                // Said again, to the user, when the session is resumed.
                tracing::warn!(error = %e, "the built-in server did not start");
            }
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use serde_json::{json, Value};

    use super::*;
    use crate::error::AppError;
    use crate::host::{BoxFuture, BuiltInAddress, TokioSpawner};
    use crate::prefs::PrefStore;

    #[derive(Default)]
    struct Counted(AtomicUsize);

    impl BuiltInServer for Counted {
        fn address(&self) -> BoxFuture<'_, Result<BuiltInAddress, AppError>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Err(AppError::EmbeddedServer("counted only".into())) })
        }
    }

    #[derive(Default)]
    struct Memory(Mutex<HashMap<String, Value>>);

    impl PrefStore for Memory {
        fn get(&self, key: &str) -> Option<Value> {
            self.0.lock().unwrap().get(key).cloned()
        }
        fn set(&self, key: &str, value: Value) -> Result<(), AppError> {
            self.0.lock().unwrap().insert(key.to_owned(), value);
            Ok(())
        }
        fn remove(&self, key: &str) -> Result<(), AppError> {
            self.0.lock().unwrap().remove(key);
            Ok(())
        }
    }

    /// How many times the server was asked for, after `begin` with `account` saved.
    async fn starts_with(account: Option<Value>) -> usize {
        let store = Memory::default();
        if let Some(account) = account {
            store.set("account", account).unwrap();
        }
        let server = Arc::new(Counted::default());
        let early = EarlyServer {
            prefs: Prefs::new(Arc::new(store)),
            server: server.clone(),
            spawner: Arc::new(TokioSpawner::current()),
        };
        let began = early.begin();
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        let asked = server.0.load(Ordering::SeqCst);
        assert_eq!(began, asked == 1, "begin's answer matches what it did");
        asked
    }

    #[tokio::test]
    async fn an_account_on_the_built_in_server_starts_it_at_once() {
        let saved = json!({ "server": { "kind": "embedded" }, "me": {} });
        assert_eq!(starts_with(Some(saved)).await, 1);
    }

    #[tokio::test]
    async fn a_remote_account_or_none_leaves_it_alone() {
        let remote = json!({ "server": { "kind": "remote", "url": "https://orgdesk.example" } });
        assert_eq!(starts_with(Some(remote)).await, 0);
        assert_eq!(starts_with(None).await, 0);
    }
}
