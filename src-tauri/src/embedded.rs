//! The built-in server: orgdesk-server running in-process on loopback with SQLite in the
//! app data folder, started the first time an account on it is used. It answers only
//! requests for its own loopback address that carry the secret made for this launch,
//! which only this process knows (a web page rebinding a name to 127.0.0.1, or another
//! program on the machine, is refused).

use std::path::PathBuf;

use orgdesk_app_core::host::{BoxFuture, BuiltInAddress, BuiltInServer};
use orgdesk_app_core::AppError;
use orgdesk_server::access::AppSecret;
use orgdesk_server::{Config, RunningServer};
use tokio::sync::Mutex;

pub struct Embedded {
    data_dir: PathBuf,
    secret: AppSecret,
    running: Mutex<Option<RunningServer>>,
}

impl Embedded {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            secret: AppSecret::generate(),
            running: Mutex::new(None),
        }
    }

    /// The server's address and secret, starting it if needed.
    async fn start(&self) -> Result<BuiltInAddress, AppError> {
        let mut running = self.running.lock().await;
        let address = |server: &RunningServer| BuiltInAddress {
            url: server.base_url(),
            secret: self.secret.expose().to_owned(),
        };
        if let Some(server) = running.as_ref() {
            return Ok(address(server));
        }
        let config = Config {
            demo: std::env::var_os("ORGDESK_DEMO").is_some(),
            ..Config::built_in(&self.data_dir, self.secret.clone())
        };
        let server = orgdesk_server::spawn(config)
            .await
            .map_err(|e| AppError::EmbeddedServer(e.to_string()))?;
        tracing::info!(url = %server.base_url(), "built-in server started");
        let started = address(&server);
        *running = Some(server);
        Ok(started)
    }

    pub async fn stop(&self) {
        if let Some(server) = self.running.lock().await.take() {
            server.shutdown().await;
        }
    }
}

impl BuiltInServer for Embedded {
    fn address(&self) -> BoxFuture<'_, Result<BuiltInAddress, AppError>> {
        Box::pin(self.start())
    }
}
