//! An endpoint that has failed every attempt for three days is turned off: its pending
//! deliveries are given up, the audit event `webhook.disabled` is written as the system's
//! doing (so other endpoints of the org hear of it), and the org's owner and admins are
//! mailed — all in the transaction that records the attempt that tipped it over.

use lettre::Address;
use orgdesk_model::event::AuditAction;
use orgdesk_model::{OrgId, WebhookId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::db::to_datetime;
use crate::error::AppError;
use crate::invitations::email::inert;
use crate::mail::{Mailer, Outgoing};
use crate::membership::rows;

/// How long a run of failures lasts before the endpoint is turned off.
pub const FAILING_FOR_MS: i64 = 3 * 24 * 60 * 60 * 1000;

/// The subject of the mail, whatever the org and endpoint.
pub const SUBJECT: &str = "A webhook of your organization was turned off";

type Row = (String, String, String, i64, Option<i64>, i64, Option<i64>);

/// Turns `webhook` off when it is on and its failures began [`FAILING_FOR_MS`] or more
/// before `now` (a success ends a run, so every attempt since failed). Answers whether it
/// did; then mail is waiting in the outbox (wake the mailer after the commit).
pub async fn turn_off_if_failing(
    conn: &mut AnyConnection,
    mailer: &Mailer,
    webhook: WebhookId,
    now: i64,
) -> Result<bool, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT org_id, url, description, enabled, failing_since, failure_streak, \
         last_status_code FROM webhooks WHERE id = $1",
    )
    .bind(webhook.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((org, url, description, enabled, since, streak, last_status)) = row else {
        return Ok(false);
    };
    let Some(since) = since else {
        return Ok(false);
    };
    if enabled == 0 || since > now - FAILING_FOR_MS {
        return Ok(false);
    }
    let org: OrgId = org
        .parse()
        .map_err(|_| AppError::CorruptRow("webhook org"))?;
    sqlx::query(
        "UPDATE webhooks SET enabled = 0, disabled_reason = 'failing', updated_at = $1 \
         WHERE id = $2",
    )
    .bind(now)
    .bind(webhook.to_string())
    .execute(&mut *conn)
    .await?;
    let given_up = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL \
         WHERE webhook_id = $1 AND status = 'pending'",
    )
    .bind(webhook.to_string())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Entry::new(org, AuditAction::WebhookDisabled, webhook)
        .details(json!({
            "reason": "failing",
            "failing_since": to_datetime(since),
            "failure_streak": streak,
            "deliveries_given_up": given_up,
        }))
        .write_by(conn, None, now)
        .await?;
    let notice = Notice {
        org_name: org_name(conn, org).await?,
        description,
        host: url::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default(),
        since,
        streak,
        last_status,
    };
    let text = notice.text();
    for email in rows::admin_emails(conn, org).await? {
        let Ok(to) = email.parse::<Address>() else {
            tracing::warn!(%org, "an admin's email address does not parse; not mailed");
            continue;
        };
        let mail = Outgoing {
            org: Some(org),
            to: &to,
            subject: SUBJECT,
            text: &text,
        };
        mailer.enqueue(conn, &mail).await?;
    }
    tracing::warn!(%org, %webhook, failing_since = since, "webhook turned off after failing");
    Ok(true)
}

async fn org_name(conn: &mut AnyConnection, org: OrgId) -> Result<String, sqlx::Error> {
    let (name,): (String,) = sqlx::query_as("SELECT name FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Ok(name)
}

/// The mail's facts. The URL itself is left out (some carry a token): its host names it.
struct Notice {
    org_name: String,
    description: String,
    host: String,
    since: i64,
    streak: i64,
    last_status: Option<i64>,
}

impl Notice {
    fn text(&self) -> String {
        let since = to_datetime(self.since).format("%Y-%m-%d %H:%M UTC");
        let name = if self.description.trim().is_empty() {
            String::new()
        } else {
            format!(" \"{}\"", inert(self.description.trim()))
        };
        let last = match self.last_status {
            Some(status) => format!(" The last answer was HTTP {status}."),
            None => " The last attempt got no answer.".to_owned(),
        };
        format!(
            "Hello,\n\n\
             Orgdesk turned off the webhook{name} of {org}, which sends to {host}: \
             every attempt to deliver to it has failed since {since} ({streak} in a \
             row).{last}\n\n\
             Events are no longer sent to it, and those that were waiting were given \
             up. Once the receiver works again, turn the webhook on in the Orgdesk app \
             (Settings → Webhooks) and redeliver what it missed from its deliveries.\n\n\
             You get this message as an owner or admin of {org}.\n",
            org = inert(&self.org_name),
            host = inert(&self.host),
            streak = self.streak,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_names_the_endpoint_by_host_and_says_how_to_recover() {
        let notice = Notice {
            org_name: "Acme".into(),
            description: "CRM sync".into(),
            host: "hooks.example.com".into(),
            since: 1_800_000_000_000,
            streak: 40,
            last_status: Some(500),
        };
        let text = notice.text();
        for part in [
            "the webhook \"CRM sync\" of Acme, which sends to hooks[.]example[.]com",
            "since 2027-01-15 08:00 UTC (40 in a row)",
            "HTTP 500",
            "Settings → Webhooks",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
    }
}
