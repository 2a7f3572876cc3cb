//! The low-balance alert: open exactly while a threshold is set and the balance is below
//! it. Crossing it downward (by any debit, or by raising the threshold above the balance)
//! records an alert row, the audit event `billing.low_balance` (which webhooks carry out)
//! and a mail to the org's owner and admins, all in the transaction of the change; getting
//! back to or above it clears the alert. So each crossing is told once.

use lettre::Address;
use orgdesk_model::audit::AuditAction;
use orgdesk_model::OrgId;
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::billing::repo;
use crate::error::AppError;
use crate::invitations::email::inert;
use crate::ledger::Posted;
use crate::mail::{Mailer, Outgoing};
use crate::membership::rows;

/// The subject of every low-balance mail.
pub const SUBJECT: &str = "Your organization's Orgdesk credits are running low";

/// Records a crossing, once the balance fell below `threshold`. `mail` is `None` only for
/// history written without telling anyone (the demo's seeded past).
async fn crossed(
    conn: &mut AnyConnection,
    mail: Option<&Mailer>,
    org: OrgId,
    threshold: i64,
    balance: i64,
    actor: Option<&Actor>,
    now: i64,
) -> Result<(), AppError> {
    repo::insert_alert(conn, org, threshold, balance, now).await?;
    Entry::org(org, AuditAction::BillingLowBalance)
        .details(json!({ "threshold": threshold, "balance": balance }))
        .write_by(conn, actor, now)
        .await?;
    if let Some(mailer) = mail {
        tell_admins(conn, mailer, org, threshold, balance).await?;
    }
    Ok(())
}

/// After a ledger entry: opens or clears the alert when the balance crossed the threshold.
/// Wake `mail` after the commit: a crossing leaves mail in the outbox.
pub async fn after_post(
    conn: &mut AnyConnection,
    posted: &Posted,
    actor: Option<&Actor>,
    mail: Option<&Mailer>,
    now: i64,
) -> Result<(), AppError> {
    let Some(threshold) = posted.threshold else {
        return Ok(());
    };
    let org = posted.entry.org_id;
    let after = posted.entry.balance_after;
    let before = after - posted.entry.amount;
    if before >= threshold && after < threshold {
        crossed(conn, mail, org, threshold, after, actor, now).await?;
    } else if before < threshold && after >= threshold {
        repo::clear_alerts(conn, org, now).await?;
    }
    Ok(())
}

/// After an entry that added credits (a top-up, a grant, a settled card payment), which
/// can only clear the alert, never open one.
pub async fn after_credit(
    conn: &mut AnyConnection,
    posted: &Posted,
    now: i64,
) -> Result<(), AppError> {
    debug_assert!(posted.entry.amount >= 0, "a debit needs after_post");
    after_post(conn, posted, None, None, now).await
}

/// After the threshold changed: the alert reflects the new one at once.
pub async fn after_threshold_change(
    conn: &mut AnyConnection,
    org: OrgId,
    balance: i64,
    threshold: Option<i64>,
    actor: &Actor,
    mail: Option<&Mailer>,
    now: i64,
) -> Result<(), AppError> {
    repo::clear_alerts(conn, org, now).await?;
    match threshold {
        Some(t) if balance < t => crossed(conn, mail, org, t, balance, Some(actor), now).await,
        _ => Ok(()),
    }
}

/// Mails the owner and admins (the people who can top up).
async fn tell_admins(
    conn: &mut AnyConnection,
    mailer: &Mailer,
    org: OrgId,
    threshold: i64,
    balance: i64,
) -> Result<(), AppError> {
    let (name,): (String,) = sqlx::query_as("SELECT name FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_one(&mut *conn)
        .await?;
    let text = text(&name, threshold, balance);
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
    Ok(())
}

fn text(org_name: &str, threshold: i64, balance: i64) -> String {
    format!(
        "Hello,\n\n\
         The credit balance of {org} fell below the alert threshold of {threshold} \
         credits: {balance} credits are left.\n\n\
         Usage stops once the balance runs out. Top up in the Orgdesk app (Billing), or \
         change the threshold there.\n\n\
         You get this message as an owner or admin of {org}, once each time the balance \
         falls below the threshold.\n",
        org = inert(org_name),
        threshold = crate::billing::format_credits(threshold),
        balance = crate::billing::format_credits(balance),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_says_how_low_and_what_to_do() {
        let text = text("Acme.io", 5000, 1200);
        for part in [
            "The credit balance of Acme[.]io fell below the alert threshold of 5,000",
            "1,200 credits are left",
            "Top up in the Orgdesk app (Billing)",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
    }
}
