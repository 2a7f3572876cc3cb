//! Running the server: open the database, bind, serve the router in a task (beside the
//! mail delivery, the webhook worker and the periodic jobs), stop.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

use crate::config::{Config, SQLITE_FILE};
use crate::cpu::Gate as CpuGate;
use crate::db::Db;
use crate::dns::Dns;
use crate::error::ServerError;
use crate::http::gate::{self, Gate};
use crate::mail::delivery::{self, DeliveryTask, Sink};
use crate::mail::Mailer;
use crate::periodic::{self, Periodic};
use crate::router::router;
use crate::sealing::Sealing;
use crate::state::AppState;
use crate::webhooks::worker::{self, Worker};
use crate::{auth, connections, demo, exports, orgs, owner_only};

/// A server running in a tokio task.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    delivery: Option<DeliveryTask>,
    webhooks: Option<Worker>,
    periodic: Option<Periodic>,
    exports: Option<exports::worker::Worker>,
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

    /// Stops accepting connections, lets requests and webhook attempts in flight finish,
    /// closes the database.
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
        if let Some(periodic) = self.periodic.take() {
            periodic.stop().await;
        }
        if let Some(webhooks) = self.webhooks.take() {
            webhooks.stop().await;
        }
        if let Some(exports) = self.exports.take() {
            exports.stop().await;
        }
        if let Some(delivery) = self.delivery.take() {
            delivery.stop().await;
        }
        self.db.close().await;
        tracing::info!(addr = %self.addr, "server stopped");
    }
}

impl Drop for RunningServer {
    /// Dropping without `shutdown` still stops the server (without waiting for it); webhook
    /// attempts in flight are abandoned as in a crash (their leases run out and they are
    /// sent again).
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Opens (and migrates) the database a server with `config` serves, without serving it:
/// for the operator's commands ([`crate::operator`]).
pub async fn open_database(config: &Config) -> Result<Db, ServerError> {
    private_data_dir(config)?;
    let db = Db::connect(&config.resolved_database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

/// Opens (and migrates) the database, seeds the demo if asked, binds and serves in a task.
pub async fn spawn(config: Config) -> Result<RunningServer, ServerError> {
    private_data_dir(&config)?;
    let from = config
        .mail
        .from
        .parse()
        .map_err(|e| ServerError::Mail(format!("the sender {:?}: {e}", config.mail.from)))?;
    let sink = Sink::from_config(&config)?;
    let sealing = Sealing::load_or_create(&config.resolved_secret_key_file())?;
    let db = Db::connect(&config.resolved_database_url()).await?;
    db.migrate().await?;
    same_sealing_key(&db, &sealing).await?;
    orgs::logo::redraw_stored_svgs(&db)
        .await
        .map_err(ServerError::Logos)?;
    let cpu = CpuGate::for_cores();
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
    let webhook_wake = Arc::new(Notify::new());
    let webhooks = config.webhooks.deliver.then(|| {
        worker::start(
            worker::Context {
                db: db.clone(),
                sealing: sealing.clone(),
                mailer: mail.clone(),
                config: config.webhooks,
                clients: Default::default(),
            },
            Arc::clone(&webhook_wake),
        )
    });
    let dns = Dns::new(config.dns_resolver);
    let periodic = config.periodic.run.then(|| {
        periodic::start(
            periodic::Context {
                db: db.clone(),
                dns: dns.clone(),
            },
            config.periodic.interval,
            periodic::STEPS,
        )
    });
    let export_wake = Arc::new(Notify::new());
    let exports = config
        .exports
        .work
        .then(|| exports::worker::start(db.clone(), config.exports, Arc::clone(&export_wake)));
    let state = AppState {
        db: db.clone(),
        mail,
        trust_proxy: config.trust_proxy,
        payments: config.payments.payments(),
        account_limits: config.account_limits,
        sessions: config.sessions,
        api_key_rate_limit: config.api_key_rate_limit,
        cpu: cpu.clone(),
        sealing,
        trust_signup_email: config.trust_signup_email,
        public_url: config
            .public_url
            .as_deref()
            .map(|url| url.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{addr}")),
        webhooks: config.webhooks,
        allow_insecure_sso: config.allow_insecure_sso,
        webhook_wake,
        export_wake,
        dns,
    };
    let mut limits = config.connections;
    if config.trust_proxy {
        // Every connection comes from the proxy: it limits its own clients.
        limits.max_per_ip = None;
    }
    let (app, _doc) = router(state, limits.request_timeout);
    let app = gate::guard(
        app,
        Gate {
            hosts: config.allowed_hosts.clone(),
            secret: config.app_secret.clone(),
            port: addr.port(),
        },
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        tokio::spawn(auth::password::warm_up(cpu));
        connections::serve(listener, app, limits, async move {
            let _ = stopped.await;
        })
        .await;
        Ok(())
    });
    tracing::info!(%addr, backend = ?db.backend(), "serving");
    Ok(RunningServer {
        addr,
        stop: Some(stop),
        task: Some(task),
        delivery: Some(delivery),
        webhooks,
        periodic,
        exports,
        db,
    })
}

/// Makes the data folder and what it holds the owner's only (see [`owner_only`]): the
/// folder and its mail folder, the default SQLite file (created 0600 before SQLite opens
/// it, so that its `-wal` and `-shm` files are 0600 too), and what an earlier version left.
fn private_data_dir(config: &Config) -> Result<(), ServerError> {
    let failed = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| ServerError::DataDir { path, source }
    };
    let data_dir = &config.data_dir;
    owner_only::dir(data_dir).map_err(failed(data_dir))?;
    if config
        .database_url
        .as_deref()
        .is_none_or(|url| url.trim().is_empty())
    {
        let db = data_dir.join(SQLITE_FILE);
        owner_only::create(&db).map_err(failed(&db))?;
        for suffix in ["-wal", "-shm", "-journal"] {
            let companion = data_dir.join(format!("{SQLITE_FILE}{suffix}"));
            owner_only::tighten(&companion).map_err(failed(&companion))?;
        }
    }
    let mail = config.mail_dir();
    if mail.exists() {
        owner_only::dir(&mail).map_err(failed(&mail))?;
        owner_only::tighten_files_in(&mail).map_err(failed(&mail))?;
    }
    Ok(())
}

/// Makes sure every server of one database seals with one key: the first to start records
/// its key's id; a server with another key refuses to start (its sign-ins would fail).
async fn same_sealing_key(db: &Db, sealing: &Sealing) -> Result<(), ServerError> {
    let mut tx = db.write().await.map_err(ServerError::SealingCheck)?;
    sqlx::query(
        "INSERT INTO sealing_keys (purpose, key_id, created_at) VALUES ('secrets', $1, $2) \
         ON CONFLICT (purpose) DO NOTHING",
    )
    .bind(sealing.key_id())
    .bind(crate::db::now_ms())
    .execute(&mut *tx)
    .await
    .map_err(ServerError::SealingCheck)?;
    let (recorded,): (String,) =
        sqlx::query_as("SELECT key_id FROM sealing_keys WHERE purpose = 'secrets'")
            .fetch_one(&mut *tx)
            .await
            .map_err(ServerError::SealingCheck)?;
    tx.commit().await.map_err(ServerError::SealingCheck)?;
    if recorded == sealing.key_id() {
        Ok(())
    } else {
        Err(ServerError::SealingKeyMismatch { expected: recorded })
    }
}
