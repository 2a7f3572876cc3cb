//! The background task that delivers the outbox: promptly when woken after a commit, and
//! every few seconds for retries and for mail written by other instances. Failures are
//! retried with exponential backoff; logs name the file or recipient, never the message.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::db::{now_ms, Db};
use crate::error::ServerError;
use crate::mail::outbox::{self, Pending};
use crate::owner_only;

/// How often the outbox is looked at when nobody wakes the task.
const POLL: Duration = Duration::from_secs(3);
const BATCH: i64 = 20;
/// Attempts before a message is given up (the last waits about an hour).
pub const MAX_ATTEMPTS: i64 = 12;
const MAX_BACKOFF_MS: i64 = 60 * 60 * 1000;

/// Where delivered mail goes.
pub enum Sink {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this folder.
    Files(PathBuf),
}

impl Sink {
    pub fn from_config(config: &Config) -> Result<Self, ServerError> {
        match config.mail.smtp_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => {
                let url = with_default_tls(url);
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .map_err(|e| ServerError::Mail(e.to_string()))?
                    .build();
                Ok(Self::Smtp(transport))
            }
            _ => Ok(Self::Files(config.mail_dir())),
        }
    }

    async fn send(&self, mail: &Pending) -> Result<(), String> {
        match self {
            Self::Smtp(transport) => {
                let from = mail.sender.parse().map_err(|e| format!("sender: {e}"))?;
                let to = mail
                    .recipient
                    .parse()
                    .map_err(|e| format!("recipient: {e}"))?;
                let envelope = Envelope::new(Some(from), vec![to]).map_err(|e| e.to_string())?;
                transport
                    .send_raw(&envelope, &mail.message)
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::info!(recipient = %mail.recipient, "mail sent");
                Ok(())
            }
            Self::Files(dir) => {
                owner_only::dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let path = dir.join(format!("{}.eml", mail.id));
                let partial = dir.join(format!(".{}.eml.partial", mail.id));
                owner_only::write(&partial, &mail.message)
                    .await
                    .map_err(|e| format!("{}: {e}", partial.display()))?;
                tokio::fs::rename(&partial, &path)
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                tracing::info!(path = %path.display(), recipient = %mail.recipient, "mail written");
                Ok(())
            }
        }
    }
}

/// `smtp://` without a `tls` parameter upgrades with STARTTLS when the server offers it.
fn with_default_tls(url: &str) -> String {
    let plain = url.starts_with("smtp://");
    let has_tls = url
        .split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|pair| pair.starts_with("tls=")));
    match (plain, has_tls, url.contains('?')) {
        (true, false, true) => format!("{url}&tls=opportunistic"),
        (true, false, false) => format!("{url}?tls=opportunistic"),
        _ => url.to_owned(),
    }
}

/// The running task; stop it with [`DeliveryTask::stop`].
pub struct DeliveryTask {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

pub fn start(db: Db, sink: Sink, wake: Arc<Notify>) -> DeliveryTask {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        loop {
            deliver_due(&db, &sink).await;
            tokio::select! {
                _ = stopped.changed() => break,
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    });
    DeliveryTask {
        stop,
        task: Some(task),
    }
}

impl DeliveryTask {
    /// Lets the attempt in progress finish, then ends the task.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DeliveryTask {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Waits after the `attempts`-th failure: 2 s, 4 s, 8 s, … at most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 30)).unwrap_or(30);
    2_i64
        .saturating_pow(exponent)
        .saturating_mul(1000)
        .min(MAX_BACKOFF_MS)
}

async fn deliver_due(db: &Db, sink: &Sink) {
    loop {
        match deliver_batch(db, sink).await {
            Ok(full) if full => continue,
            Ok(_) => break,
            Err(error) => {
                tracing::warn!(%error, "mail outbox unavailable");
                break;
            }
        }
    }
}

/// Delivers one batch; `true` when the batch was full (more may be due).
async fn deliver_batch(db: &Db, sink: &Sink) -> Result<bool, sqlx::Error> {
    let batch = {
        let mut conn = db.pool().acquire().await?;
        outbox::due(&mut conn, now_ms(), BATCH).await?
    };
    let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= BATCH;
    for mail in batch {
        let mut conn = db.pool().acquire().await?;
        if !outbox::claim(&mut conn, &mail, now_ms()).await? {
            continue;
        }
        drop(conn);
        let result = sink.send(&mail).await;
        let mut conn = db.pool().acquire().await?;
        let attempts = mail.attempts + 1;
        match result {
            Ok(()) => outbox::delivered(&mut conn, &mail.id, now_ms()).await?,
            Err(error) if attempts >= MAX_ATTEMPTS => {
                tracing::error!(recipient = %mail.recipient, %error, attempts, "mail given up");
                outbox::give_up(&mut conn, &mail.id, now_ms(), &error).await?;
            }
            Err(error) => {
                let wait = backoff_ms(attempts);
                tracing::warn!(recipient = %mail.recipient, %error, attempts, wait_ms = wait, "mail delivery failed; will retry");
                outbox::retry_at(&mut conn, &mail.id, now_ms() + wait, &error).await?;
            }
        }
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 2_000);
        assert_eq!(backoff_ms(2), 4_000);
        assert_eq!(backoff_ms(11), 2_048_000);
        assert_eq!(backoff_ms(12), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(40), MAX_BACKOFF_MS);
    }

    #[test]
    fn plain_smtp_upgrades_when_offered() {
        assert_eq!(
            with_default_tls("smtp://u:p@host:587"),
            "smtp://u:p@host:587?tls=opportunistic"
        );
        assert_eq!(
            with_default_tls("smtp://host?tls=required"),
            "smtp://host?tls=required"
        );
        assert_eq!(with_default_tls("smtps://host"), "smtps://host");
    }
}
