//! Running the server: open the database, bind, serve the router in a task, stop.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::cpu::Gate;
use crate::db::Db;
use crate::error::ServerError;
use crate::mail::delivery::{self, DeliveryTask, Sink};
use crate::mail::Mailer;
use crate::router::router;
use crate::state::AppState;
use crate::{auth, demo};

/// A server running in a tokio task.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    delivery: Option<DeliveryTask>,
    db: Db,
}

impl RunningServer {
    /// The bound address (the real port when `listen` asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets requests in flight finish, closes the database.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "server stopped with an error"),
                Err(error) => tracing::error!(%error, "server task failed"),
            }
        }
        if let Some(delivery) = self.delivery.take() {
            delivery.stop().await;
        }
        self.db.close().await;
        tracing::info!(addr = %self.addr, "server stopped");
    }
}

impl Drop for RunningServer {
    /// Dropping without `shutdown` still stops the server (without waiting for it).
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Opens (and migrates) the database, seeds the demo if asked, binds and serves in a task.
pub async fn spawn(config: Config) -> Result<RunningServer, ServerError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| ServerError::DataDir {
        path: config.data_dir.clone(),
        source,
    })?;
    let from = config
        .mail
        .from
        .parse()
        .map_err(|e| ServerError::Mail(format!("the sender {:?}: {e}", config.mail.from)))?;
    let sink = Sink::from_config(&config)?;
    let db = Db::connect(&config.resolved_database_url()).await?;
    db.migrate().await?;
    let cpu = Gate::for_cores();
    if config.demo {
        demo::seed(&db, &cpu).await.map_err(ServerError::Demo)?;
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: config.listen,
        source,
    })?;
    let mail = Mailer::new(from);
    let delivery = delivery::start(db.clone(), sink, mail.waker());
    let state = AppState {
        db: db.clone(),
        mail,
        trust_proxy: config.trust_proxy,
        payments: config.payments.provider(),
        sessions: config.sessions,
        cpu: cpu.clone(),
    };
    let (app, _doc) = router(state);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        tokio::spawn(auth::password::warm_up(cpu));
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        })
        .await
    });
    tracing::info!(%addr, backend = ?db.backend(), "serving");
    Ok(RunningServer {
        addr,
        stop: Some(stop),
        task: Some(task),
        delivery: Some(delivery),
        db,
    })
}
