//! The export worker: a task per server instance that does what [`job::step`] does while
//! exports are waiting, looks again every [`POLL`], and at once when woken (the start
//! route nudges it after queueing one). [`Worker::stop`] stops the run in hand at once and
//! gives its export back ([`claim::release`]), so the next instance to look restarts it
//! without waiting for the lease; dropping the worker aborts the run as a crash would:
//! its lease runs out, then any instance starts it again from scratch.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::config::ExportConfig;
use crate::db::{now_ms, Db};
use crate::exports::archive::Clock;
use crate::exports::claim;
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
    /// Takes nothing more; the export in hand is stopped and given back.
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
        let busy = match waiting(&db, now_ms()).await {
            Ok(true) => match work(&db, config, &mut stopped).await {
                Ok(busy) => busy,
                Err(error) => {
                    tracing::warn!(%error, "exports unavailable");
                    false
                }
            },
            Ok(false) => false,
            Err(error) => {
                tracing::warn!(%error, "exports unavailable");
                false
            }
        };
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

/// [`job::step`], stopped (and the export given back) when the worker is. Answers whether
/// it wrote one.
async fn work(
    db: &Db,
    config: ExportConfig,
    stopped: &mut watch::Receiver<bool>,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    claim::expire(db, now).await?;
    let Some(claimed) = claim::next(db, now, config.lease).await? else {
        return Ok(false);
    };
    tokio::select! {
        outcome = job::run(db, &claimed, Clock::starting_at(now), config.lease) => {
            if let Outcome::Failed(_) = outcome {
                tracing::warn!(?outcome, "export step");
            } else {
                tracing::info!(?outcome, "export step");
            }
            Ok(true)
        }
        _ = stopped.changed() => {
            claim::release(db, &claimed, now_ms()).await?;
            tracing::info!(export = %claimed.id, "an export was given back at shutdown");
            Ok(false)
        }
    }
}
