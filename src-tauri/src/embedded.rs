//! The built-in server: orgdesk-server running in-process on loopback with SQLite in the
//! app data folder, started the first time an account on it is used.

use std::path::PathBuf;

use orgdesk_app_core::host::{BoxFuture, BuiltInServer};
use orgdesk_app_core::AppError;
use orgdesk_server::{Config, RunningServer};
use tokio::sync::Mutex;

pub struct Embedded {
    data_dir: PathBuf,
    running: Mutex<Option<RunningServer>>,
}

impl Embedded {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            running: Mutex::new(None),
        }
    }

    /// The server's base URL, starting it if needed.
    async fn start(&self) -> Result<String, AppError> {
        let mut running = self.running.lock().await;
        if let Some(server) = running.as_ref() {
            return Ok(server.base_url());
        }
        let config = Config {
            demo: std::env::var_os("ORGDESK_DEMO").is_some(),
            ..Config::local(&self.data_dir)
        };
        let server = orgdesk_server::spawn(config)
            .await
            .map_err(|e| AppError::EmbeddedServer(e.to_string()))?;
        tracing::info!(url = %server.base_url(), "built-in server started");
        let url = server.base_url();
        *running = Some(server);
        Ok(url)
    }

    pub async fn stop(&self) {
        if let Some(server) = self.running.lock().await.take() {
            server.shutdown().await;
        }
    }
}

impl BuiltInServer for Embedded {
    fn url(&self) -> BoxFuture<'_, Result<String, AppError>> {
        Box::pin(self.start())
    }
}
