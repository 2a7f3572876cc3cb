//! A paid plan's invoices as payments: each invoice Stripe charges for the subscription
//! becomes one `payments` row (purpose `subscription`, unique by invoice id) — succeeded
//! with a receipt number and the bill-to snapshot once Stripe says it is paid, or failed
//! with the card's reason — so plan payments show in Billing → Payments with receipts
//! like credit packs do. The invoice is read back from Stripe; recording it again changes
//! nothing.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::{OrgId, PaymentId, Plan};
use serde::Deserialize;
use serde_json::json;

use crate::audit::Entry;
use crate::billing::{profile, receipts};
use crate::cards::{self, CardError};
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::stripe::client::{object_id, PaymentIntent};
use crate::stripe::Stripe;

/// The fields of a Stripe invoice we read.
#[derive(Debug, Clone, Deserialize)]
pub struct StripeInvoice {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub amount_paid: i64,
    #[serde(default)]
    pub amount_due: i64,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payment_intent: Option<serde_json::Value>,
}

/// What an invoice says of its payment.
enum Outcome {
    Paid,
    Failed(String),
    Open,
}

async fn outcome(stripe: &Stripe, invoice: &StripeInvoice) -> Result<Outcome, AppError> {
    if invoice.status.as_deref() == Some("paid") {
        return Ok(Outcome::Paid);
    }
    let Some(intent) = invoice.payment_intent.as_ref().and_then(object_id) else {
        return Ok(Outcome::Open);
    };
    let intent: PaymentIntent = stripe
        .client
        .get(&format!("/v1/payment_intents/{intent}"))
        .await
        .map_err(CardError::from)?;
    Ok(match intent.last_payment_error.and_then(|e| e.message) {
        Some(reason) if intent.status == "requires_payment_method" => Outcome::Failed(reason),
        _ => Outcome::Open,
    })
}

/// Records `invoice` (of `org`'s subscription to `plan`) as a payment.
pub async fn record(
    db: &Db,
    stripe: &Stripe,
    org: OrgId,
    plan: Plan,
    invoice: &StripeInvoice,
) -> Result<(), AppError> {
    if invoice.amount_due <= 0 && invoice.amount_paid <= 0 {
        return Ok(());
    }
    let outcome = outcome(stripe, invoice).await?;
    if matches!(outcome, Outcome::Open) {
        return Ok(());
    }
    let now = now_ms();
    let mut tx = db.write().await?;
    lock_org(&mut tx, org).await?;
    let existing: Option<(String, String)> =
        sqlx::query_as("SELECT id, status FROM payments WHERE invoice_id = $1")
            .bind(&invoice.id)
            .fetch_optional(&mut *tx)
            .await?;
    if existing
        .as_ref()
        .is_some_and(|(_, status)| status == "succeeded")
    {
        return Ok(());
    }
    let id = match &existing {
        Some((id, _)) => id.clone(),
        None => {
            let id = PaymentId::new().to_string();
            let card = cards::saved(&mut tx, org).await?.map(|saved| saved.card);
            sqlx::query(
                "INSERT INTO payments (id, org_id, purpose, status, credits, price, currency, plan, \
                 card_brand, card_last4, card_exp_month, card_exp_year, created_at, invoice_id) \
                 VALUES ($1, $2, 'subscription', 'pending', 0, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&id)
            .bind(org.to_string())
            .bind(invoice.amount_due.max(invoice.amount_paid))
            .bind(invoice.currency.clone().unwrap_or_else(|| "eur".to_owned()))
            .bind(plan.as_str())
            .bind(card.as_ref().map(|c| c.brand.clone()))
            .bind(card.as_ref().map(|c| c.last4.clone()))
            .bind(card.as_ref().map(|c| i64::from(c.exp_month)))
            .bind(card.as_ref().map(|c| i64::from(c.exp_year)))
            .bind(now)
            .bind(&invoice.id)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    match outcome {
        Outcome::Paid => {
            let number = receipts::next_number(&mut tx, now).await?;
            let bill_to = profile::read(&mut tx, org).await?;
            sqlx::query(
                "UPDATE payments SET status = 'succeeded', settled_at = $1, failure_message = NULL, \
                 receipt_number = $2, bill_to = $3, price = $4 WHERE id = $5",
            )
            .bind(now)
            .bind(&number)
            .bind(serde_json::to_string(&bill_to).unwrap_or_default())
            .bind(invoice.amount_paid)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            Entry::org(org, AuditAction::BillingPaymentSucceeded)
                .details(json!({ "payment_id": id, "plan": plan, "price": invoice.amount_paid, "receipt_number": number }))
                .write_by(&mut tx, None, now)
                .await?;
        }
        Outcome::Failed(reason) => {
            if existing.is_some() {
                return Ok(());
            }
            sqlx::query(
                "UPDATE payments SET status = 'failed', settled_at = $1, failure_message = $2 WHERE id = $3",
            )
            .bind(now)
            .bind(&reason)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            Entry::org(org, AuditAction::BillingPaymentFailed)
                .details(json!({ "payment_id": id, "plan": plan, "reason": reason }))
                .write_by(&mut tx, None, now)
                .await?;
        }
        Outcome::Open => {}
    }
    tx.commit().await?;
    Ok(())
}
