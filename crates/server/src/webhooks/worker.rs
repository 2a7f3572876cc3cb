//! The delivery worker: a task per server instance that claims due deliveries from the
//! database ([`claim`]), sends each ([`send`]) and records how it went ([`attempt`]).
//!
//! It looks every second — deliveries are written by any instance, in the transaction of
//! the change that caused them — and at once when woken ([`Worker`]'s `Notify`, which the
//! routes nudge after a test or a redelivery), and sleeps no longer than until the next
//! retry is due. Up to [`PARALLEL`] attempts run at a time, each claimed only when a slot
//! is free, so one slow receiver holds one slot, not the rest.
//!
//! [`Worker::stop`] lets the attempts in flight finish and records them; dropping the
//! worker aborts them, as a crash would: their deliveries are claimed again, with the same
//! `webhook-id`, once their leases run out.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};

use crate::db::{now_ms, Db};
use crate::mail::Mailer;
use crate::outbound::WebhookConfig;
use crate::sealing::Sealing;
use crate::webhooks::attempt::{self, Next};
use crate::webhooks::claim::{self, Claimed};
use crate::webhooks::secrets;
use crate::webhooks::send::{self, Clients, Message, Outcome};

/// Attempts in flight per instance.
pub const PARALLEL: usize = 8;
/// How often the worker looks for due deliveries when nothing wakes it.
pub const POLL: Duration = Duration::from_secs(1);
/// The shortest nap, so a retry due "now" does not spin.
const MIN_NAP: Duration = Duration::from_millis(5);

/// What the worker needs of the server.
pub struct Context {
    pub db: Db,
    pub sealing: Sealing,
    pub mailer: Mailer,
    pub config: WebhookConfig,
    pub clients: Clients,
}

/// The running worker.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

pub fn start(context: Context, wake: Arc<Notify>) -> Worker {
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(Arc::new(context), wake, stopped));
    Worker {
        stop,
        task: Some(task),
    }
}

impl Worker {
    /// Claims nothing more, waits for the attempts in flight (at most their timeout) and
    /// their records, then ends.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Worker {
    /// Without [`Worker::stop`]: the attempts in flight are abandoned, as in a crash.
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn run(context: Arc<Context>, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
    let mut in_flight: JoinSet<()> = JoinSet::new();
    loop {
        let free = PARALLEL.saturating_sub(in_flight.len());
        let mut nap = POLL;
        if free > 0 {
            // A read first: an idle worker never takes the write lock.
            let wait = until_next_due(&context.db).await;
            if wait.is_zero() {
                let lease = context.config.timing.lease;
                match claim::due(&context.db, now_ms(), free, lease).await {
                    Ok(batch) => {
                        let full = batch.len() == free;
                        for claimed in batch {
                            in_flight.spawn(deliver(Arc::clone(&context), claimed));
                        }
                        if !full {
                            nap = until_next_due(&context.db).await.max(MIN_NAP);
                        }
                    }
                    Err(error) => tracing::warn!(%error, "webhook deliveries unavailable"),
                }
            } else {
                nap = wait;
            }
        }
        tokio::select! {
            biased;
            _ = stopped.changed() => break,
            Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                if let Err(error) = done {
                    tracing::error!(%error, "a webhook attempt failed to run");
                }
            }
            () = wake.notified() => {}
            () = tokio::time::sleep(nap) => {}
        }
    }
    while in_flight.join_next().await.is_some() {}
}

/// How long until the next delivery is due (zero: now), at most [`POLL`].
async fn until_next_due(db: &Db) -> Duration {
    match claim::next_due(db).await {
        Ok(Some(at)) => {
            let wait = u64::try_from(at.saturating_sub(now_ms())).unwrap_or(0);
            Duration::from_millis(wait).min(POLL)
        }
        Ok(None) => POLL,
        Err(error) => {
            tracing::warn!(%error, "webhook deliveries unavailable");
            POLL
        }
    }
}

/// One attempt: signed with the secrets in force, sent, recorded.
async fn deliver(context: Arc<Context>, claimed: Claimed) {
    let at = now_ms();
    let secrets = {
        let found = match context.db.pool().acquire().await {
            Ok(mut conn) => secrets::in_force(&mut conn, &context.sealing, claimed.webhook, at)
                .await
                .map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        match found {
            Ok(secrets) if secrets.is_empty() => return, // the endpoint was deleted
            Ok(secrets) => Ok(secrets),
            Err(error) => Err(error),
        }
    };
    let outcome = match secrets {
        Ok(secrets) => {
            let message = Message {
                url: &claimed.url,
                id: &claimed.id,
                body: &claimed.payload,
                secrets: &secrets,
                timestamp: at.div_euclid(1000),
            };
            send::send(&message, context.config, &context.clients).await
        }
        Err(error) => {
            tracing::error!(%error, webhook = %claimed.webhook, "cannot read a webhook's secret");
            Outcome::unsent(
                "not sent: the signing secret could not be read".to_owned(),
                Duration::ZERO,
            )
        }
    };
    let retry_base = context.config.timing.retry_base;
    let recorded = attempt::record(
        &context.db,
        &context.mailer,
        &claimed,
        at,
        &outcome,
        retry_base,
        now_ms(),
    )
    .await;
    match recorded {
        Ok(Next::Delivered) => {
            tracing::debug!(delivery = %claimed.id, attempts = claimed.attempts, "webhook delivered");
        }
        Ok(Next::RetryAt(when)) => tracing::info!(
            delivery = %claimed.id,
            attempts = claimed.attempts,
            error = outcome.error.as_deref().unwrap_or_default(),
            retry_in_ms = when - now_ms(),
            "webhook attempt failed; will retry"
        ),
        Ok(Next::GivenUp) => tracing::warn!(
            delivery = %claimed.id,
            attempts = claimed.attempts,
            error = outcome.error.as_deref().unwrap_or_default(),
            "webhook delivery given up"
        ),
        Ok(Next::Gone) => {}
        Err(error) => tracing::warn!(
            %error,
            delivery = %claimed.id,
            "a webhook attempt was not recorded; it is tried again when its lease runs out"
        ),
    }
}
