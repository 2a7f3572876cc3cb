//! The org's customer at the card processor and its saved card (`--payments stripe`):
//! [`ensure_customer`] makes the customer once per org (`stripe_customers`), [`save_card`]
//! records a PaymentMethod already attached to that customer as the org's card, read back
//! from Stripe (brand, last four digits and expiry are all we keep). Cards are saved
//! through a SetupIntent on a page this server serves ([`setup`], [`page`]), where Stripe.js
//! hands the card to Stripe directly: the number never reaches us. Subscriptions and card
//! top-ups read [`saved`].
//!
//! [`CardError`] is what every card-payment route fails with (this module and
//! [`crate::card_payments`]).

pub mod customer;
pub mod error;
pub mod page;
pub mod routes;
pub mod setup;

pub use error::CardError;

pub use crate::billing::repo::{saved_card as saved, SavedCard};

use orgdesk_model::audit::AuditAction;
use orgdesk_model::payment::CardSummary;
use orgdesk_model::OrgId;
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::stripe::client::{form, Created, PaymentMethod};
use crate::stripe::Stripe;

/// The org's customer id, if it has one.
pub async fn customer_of(conn: &mut AnyConnection, org: OrgId) -> Result<Option<String>, AppError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT customer_id FROM stripe_customers WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// The org's customer at Stripe, created (with the org's id in its metadata) the first
/// time. Two concurrent first calls may both create one at Stripe; the first stored wins
/// and is what every later call answers.
pub async fn ensure_customer(db: &Db, stripe: &Stripe, org: OrgId) -> Result<String, AppError> {
    {
        let mut conn = db.pool().acquire().await?;
        if let Some(id) = customer_of(&mut conn, org).await? {
            return Ok(id);
        }
    }
    let created: Created = stripe
        .client
        .post(
            "/v1/customers",
            &form([("metadata[org_id]", org.to_string())]),
            Some(&format!("orgdesk-customer-{org}")),
        )
        .await
        .map_err(CardError::from)?;
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO stripe_customers (org_id, customer_id, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id) DO NOTHING",
    )
    .bind(org.to_string())
    .bind(&created.id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let stored = customer_of(&mut tx, org)
        .await?
        .ok_or(AppError::CorruptRow("stripe customer"))?;
    tx.commit().await?;
    Ok(stored)
}

/// Makes `payment_method_id` (attached to the org's customer at Stripe) the org's card:
/// read back from Stripe, refused unless it belongs to the org's customer and is a card,
/// made the customer's default for invoices (subscriptions), stored, and audited
/// (`billing.card_saved`, by `actor`, or as the system when the card page completes).
pub async fn save_card(
    db: &Db,
    stripe: &Stripe,
    org: OrgId,
    payment_method_id: &str,
    actor: Option<&Actor>,
) -> Result<CardSummary, AppError> {
    let customer = ensure_customer(db, stripe, org).await?;
    let method: PaymentMethod = stripe
        .client
        .get(&format!("/v1/payment_methods/{payment_method_id}"))
        .await
        .map_err(CardError::from)?;
    if method.customer.as_deref() != Some(customer.as_str()) {
        return Err(CardError::NotTheOrgsCard.into());
    }
    let card = method.card.ok_or(CardError::NotTheOrgsCard)?;
    let _: Created = stripe
        .client
        .post(
            &format!("/v1/customers/{customer}"),
            &form([(
                "invoice_settings[default_payment_method]",
                method.id.clone(),
            )]),
            None,
        )
        .await
        .map_err(CardError::from)?;
    let summary = CardSummary {
        brand: card.brand,
        last4: card.last4,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
    };
    let now = now_ms();
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE stripe_customers SET payment_method_id = $1, card_brand = $2, card_last4 = $3, \
         card_exp_month = $4, card_exp_year = $5, updated_at = $6 WHERE org_id = $7",
    )
    .bind(&method.id)
    .bind(&summary.brand)
    .bind(&summary.last4)
    .bind(i64::from(summary.exp_month))
    .bind(i64::from(summary.exp_year))
    .bind(now)
    .bind(org.to_string())
    .execute(&mut *tx)
    .await?;
    Entry::org(org, AuditAction::BillingCardSaved)
        .details(json!({ "brand": summary.brand, "last4": summary.last4 }))
        .write_by(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(summary)
}
