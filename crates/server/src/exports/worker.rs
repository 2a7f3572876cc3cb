//! The export worker: a task per server instance that runs [`job::step`] while exports
//! are waiting, looks again every [`POLL`], and at once when woken (the start route
//! nudges it after queueing one). [`Worker::stop`] lets the export in hand finish its
//! current run; dropping the worker aborts it, as a crash would: its lease runs out and
//! any instance starts it again from scratch.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::config::ExportConfig;
use crate::db::{now_ms, Db};
use crate::exports::job::{self, Outcome};

/// How often an idle worker looks for exports.
pub const POLL: Duration = Duration::from_secs(2);

pub struct Worker {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

pub fn start(db: Db, config: ExportConfig, wake: Arc<Notify>) -> Worker {
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(db, config, wake, stopped));
    Worker {
        stop,
        task: Some(task),
    }
}

impl Worker {
    /// Takes nothing more and waits for the export in hand.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Whether an export is waiting at `now` (a read: an idle worker takes no write lock).
async fn waiting(db: &Db, now: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM org_exports WHERE status = 'queued' \
         OR (status = 'running' AND lease_until <= $1) \
         OR (status = 'ready' AND expires_at <= $1)",
    )
    .bind(now)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

async fn run(db: Db, config: ExportConfig, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
    loop {
        if *stopped.borrow() {
            break;
        }
        let now = now_ms();
        let mut busy = false;
        match waiting(&db, now).await {
            Ok(true) => match job::step(&db, now, config.lease).await {
                Ok(Outcome::Idle) => {}
                Ok(outcome) => {
                    tracing::info!(?outcome, "export step");
                    busy = true;
                }
                Err(error) => tracing::warn!(%error, "exports unavailable"),
            },
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "exports unavailable"),
        }
        if busy {
            continue;
        }
        tokio::select! {
            biased;
            _ = stopped.changed() => break,
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}
