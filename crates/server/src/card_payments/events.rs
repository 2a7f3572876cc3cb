//! Stripe's webhook deliveries (`POST /v1/payments/stripe/webhook`).
//!
//! A delivery is checked against the endpoint's secret (`Stripe-Signature`, see
//! [`crate::stripe::signature`]) before anything is read or written: a forged, stale or
//! unsigned one is refused with 400 and leaves no trace but a log line. A signed event is
//! recorded by id in `stripe_events`: a second delivery of the same id is acknowledged and
//! does nothing. Then [`dispatch`] hands it to its domain by type. Handlers never trust
//! the payload: they take the object's id and read it back from Stripe.
//!
//! When a handler fails (Stripe unreachable while reading back, say), the event's record
//! is removed again and the delivery answered with an error, so Stripe delivers it again.
//! Every handler is idempotent on its own (payments settle once, refunds count once), so a
//! re-run after such a failure changes nothing twice.

use serde::Deserialize;

use crate::card_payments::{refund, settle};
use crate::cards::{setup, CardError};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::mail::Mailer;
use crate::payments::Payments;
use crate::stripe::client::object_id;
use crate::stripe::{signature, Stripe};
use crate::subscriptions;

/// The fields of an event we use.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

impl Event {
    /// The id of the object the event is about (read it back; do not trust the rest).
    pub fn object_id(&self) -> Result<String, AppError> {
        object_id(&self.data.object).ok_or_else(|| CardError::NotAnEvent.into())
    }
}

/// Verifies, records and handles one delivery.
pub async fn receive(
    db: &Db,
    payments: &Payments,
    mailer: &Mailer,
    signature_header: Option<&str>,
    body: &[u8],
) -> Result<(), AppError> {
    if signature_header.is_none() {
        return Err(CardError::Signature(signature::SignatureError::Missing).into());
    }
    let stripe = payments.card_processor().map_err(CardError::from)?;
    let now_secs = now_ms() / 1000;
    if let Err(why) = signature::verify(
        signature_header,
        body,
        &stripe.config.webhook_secret,
        now_secs,
    ) {
        tracing::warn!(error = %why, "a webhook delivery refused: bad signature");
        return Err(CardError::Signature(why).into());
    }
    let event: Event = serde_json::from_slice(body).map_err(|_| CardError::NotAnEvent)?;
    if !record(db, &event).await? {
        tracing::info!(event = %event.id, kind = %event.kind, "a webhook event delivered again: already handled");
        return Ok(());
    }
    if let Err(error) = dispatch(db, stripe, mailer, &event).await {
        forget(db, &event.id).await?;
        return Err(error);
    }
    Ok(())
}

/// Hands an event to its domain. Add a domain's events here: each arm reads the object
/// back by id and makes its change idempotently.
pub async fn dispatch(
    db: &Db,
    stripe: &Stripe,
    mailer: &Mailer,
    event: &Event,
) -> Result<(), AppError> {
    match event.kind.as_str() {
        "payment_intent.succeeded" | "payment_intent.payment_failed" => {
            settle::settle(db, stripe, &event.object_id()?).await?;
        }
        "charge.refunded" => {
            refund::refund(db, stripe, mailer, &event.object_id()?).await?;
        }
        "setup_intent.succeeded" => {
            setup::complete_intent(db, stripe, &event.object_id()?).await?;
        }
        "customer.subscription.created"
        | "customer.subscription.updated"
        | "customer.subscription.deleted" => {
            subscriptions::events::on_subscription(db, stripe, &event.object_id()?).await?;
        }
        "invoice.paid" | "invoice.payment_succeeded" | "invoice.payment_failed" => {
            subscriptions::events::on_invoice(db, stripe, &event.object_id()?).await?;
        }
        other => {
            tracing::info!(event = %event.id, kind = %other, "a Stripe event acknowledged, not handled");
        }
    }
    Ok(())
}

/// Records the event; false when it was recorded before.
async fn record(db: &Db, event: &Event) -> Result<bool, AppError> {
    let mut tx = db.write().await?;
    let done = sqlx::query(
        "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&event.id)
    .bind(&event.kind)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Removes an event's record, so its next delivery is handled.
async fn forget(db: &Db, id: &str) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM stripe_events WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
