//! An endpoint's signing secrets at rest: sealed ([`crate::sealing`]) and bound to the
//! endpoint's id, since the server must read them back to sign every delivery.

use orgdesk_model::WebhookId;
use sqlx::AnyConnection;

use crate::sealing::{Sealing, SealingError};

fn context(webhook: WebhookId) -> String {
    format!("webhook-secret:{webhook}")
}

pub fn seal(sealing: &Sealing, webhook: WebhookId, secret: &str) -> String {
    sealing.seal(secret, &context(webhook))
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("a webhook secret does not open with this server's key: {0}")]
    Sealing(#[from] SealingError),
}

/// The secrets that sign a delivery to `webhook` at `now`: the current one, then the
/// previous one while its grace period after a rotation lasts. Empty when the endpoint is
/// gone.
pub async fn in_force(
    conn: &mut AnyConnection,
    sealing: &Sealing,
    webhook: WebhookId,
    now: i64,
) -> Result<Vec<String>, SecretsError> {
    let row: Option<(String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT secret_sealed, previous_secret_sealed, previous_secret_expires_at \
         FROM webhooks WHERE id = $1",
    )
    .bind(webhook.to_string())
    .fetch_optional(conn)
    .await?;
    let Some((current, previous, until)) = row else {
        return Ok(Vec::new());
    };
    let mut secrets = vec![sealing.open(&current, &context(webhook))?];
    if let (Some(previous), Some(until)) = (previous, until) {
        if until > now {
            secrets.push(sealing.open(&previous, &context(webhook))?);
        }
    }
    Ok(secrets)
}
