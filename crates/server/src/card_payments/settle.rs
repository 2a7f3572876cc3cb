//! Settling a payment exactly once: [`settle`] is the one way a card payment's outcome is
//! written, whether a signed `payment_intent.*` webhook, the top-up itself or a read of a
//! pending payment asks. It never trusts what it is told: the PaymentIntent is read back
//! from Stripe, must name one of our payments in its metadata, of the org that metadata
//! names, and match its amount and currency.
//!
//! Credits are written in one transaction, under the org's lock, with the row moving
//! `pending` → `succeeded` (guarded by its status: a second settlement finds nothing to
//! move and writes nothing), the `top_up` ledger entry (reference: the receipt number),
//! the receipt number (`OD-YYYY-NNNNNN`, gapless per year, `receipt_counters`), the bill-to
//! snapshot of the billing profile, the low-balance check and the audit event
//! `billing.payment_succeeded` (as the system: the processor said so).

use orgdesk_model::audit::AuditAction;
use orgdesk_model::billing::LedgerKind;
use orgdesk_model::{OrgId, PaymentId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::billing::{alerts, format_credits, profile, receipts};
use crate::card_payments::repo::{self, PaymentRow};
use crate::cards::CardError;
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::ledger::{self, Posting};
use crate::stripe::client::PaymentIntent;
use crate::stripe::Stripe;

/// What settling found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The PaymentIntent is none of our payments (or does not match the row).
    NotOurs,
    /// Nothing to change: still processing, or settled before.
    Unchanged,
    Succeeded,
    Failed,
}

/// Reads the PaymentIntent `intent` back from Stripe and settles its payment once.
pub async fn settle(db: &Db, stripe: &Stripe, intent: &str) -> Result<Settled, AppError> {
    let intent: PaymentIntent = stripe
        .client
        .get(&format!("/v1/payment_intents/{intent}"))
        .await
        .map_err(CardError::from)?;
    let named = |key: &str| intent.metadata.get(key).map(String::as_str);
    let org: Option<OrgId> = named("org_id").and_then(|v| v.parse().ok());
    let payment: Option<PaymentId> = named("payment_id").and_then(|v| v.parse().ok());
    let (Some(org), Some(payment)) = (org, payment) else {
        tracing::info!(intent = %intent.id, "a PaymentIntent that names no payment of ours");
        return Ok(Settled::NotOurs);
    };
    let now = now_ms();
    let mut tx = db.write().await?;
    lock_org(&mut tx, org).await?;
    let Some(row) = repo::of_org(&mut tx, org, payment).await? else {
        tracing::warn!(intent = %intent.id, "a PaymentIntent whose metadata names no payment of that org");
        return Ok(Settled::NotOurs);
    };
    if row.processor_id.as_deref().is_some_and(|p| p != intent.id) {
        tracing::warn!(intent = %intent.id, payment = %row.id, "a second PaymentIntent for one payment");
        return Ok(Settled::NotOurs);
    }
    repo::set_processor_id(&mut tx, &row.id, &intent.id).await?;
    let outcome = match intent.status.as_str() {
        "succeeded" => {
            if intent.amount != row.price || !intent.currency.eq_ignore_ascii_case(&row.currency) {
                tracing::error!(intent = %intent.id, payment = %row.id,
                    "the PaymentIntent's amount differs from the payment's price");
                return Ok(Settled::NotOurs);
            }
            if succeed(&mut tx, &row, org, now).await? {
                Settled::Succeeded
            } else {
                Settled::Unchanged
            }
        }
        "requires_payment_method" | "canceled" => {
            let reason = intent
                .last_payment_error
                .as_ref()
                .and_then(|e| e.message.clone())
                .unwrap_or_else(|| "The payment was canceled.".to_owned());
            if fail_payment(&mut tx, &row, org, &reason, None, now).await? {
                Settled::Failed
            } else {
                Settled::Unchanged
            }
        }
        _ => Settled::Unchanged,
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Credits a pending payment; false when it was settled before.
async fn succeed(
    conn: &mut AnyConnection,
    row: &PaymentRow,
    org: OrgId,
    now: i64,
) -> Result<bool, AppError> {
    let moved = sqlx::query(
        "UPDATE payments SET status = 'succeeded', settled_at = $1 \
         WHERE id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    let number = receipts::next_number(conn, now).await?;
    let bill_to = profile::read(conn, org).await?;
    let mut posting = Posting::new(
        LedgerKind::TopUp,
        row.credits,
        format!(
            "Credit pack of {} credits, paid by card",
            format_credits(row.credits)
        ),
    );
    posting.user_id = row.created_by()?;
    posting.reference = Some(number.clone());
    let posted = ledger::post(conn, org, &posting, now).await?;
    sqlx::query(
        "UPDATE payments SET receipt_number = $1, bill_to = $2, ledger_entry_id = $3 WHERE id = $4",
    )
    .bind(&number)
    .bind(serde_json::to_string(&bill_to).unwrap_or_default())
    .bind(posted.entry.id.to_string())
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    alerts::after_credit(conn, &posted, now).await?;
    Entry::org(org, AuditAction::BillingPaymentSucceeded)
        .details(json!({
            "payment_id": row.id,
            "credits": row.credits,
            "price": row.price,
            "currency": row.currency,
            "receipt_number": number,
            "entry_id": posted.entry.id,
            "balance": posted.entry.balance_after,
        }))
        .write_by(conn, None, now)
        .await?;
    Ok(true)
}

/// Fails a pending payment with the processor's reason, audited as `actor` (the system
/// when the processor told us); false when it was settled before.
pub(crate) async fn fail_payment(
    conn: &mut AnyConnection,
    row: &PaymentRow,
    org: OrgId,
    reason: &str,
    actor: Option<&Actor>,
    now: i64,
) -> Result<bool, AppError> {
    if !repo::fail(conn, &row.id, reason, now).await? {
        return Ok(false);
    }
    Entry::org(org, AuditAction::BillingPaymentFailed)
        .details(json!({
            "payment_id": row.id,
            "credits": row.credits,
            "price": row.price,
            "currency": row.currency,
            "reason": reason,
        }))
        .write_by(conn, actor, now)
        .await?;
    Ok(true)
}
