//! What Stripe's events about subscriptions and their invoices do. Each handler reads the
//! object back from Stripe by id and applies its current state ([`record::apply`]), so a
//! late, repeated or reordered event changes nothing that a newer one already said.

use orgdesk_model::OrgId;
use serde::Deserialize;

use crate::cards::customer::org_of_customer;
use crate::db::Db;
use crate::error::AppError;
use crate::stripe::client::object_id;
use crate::stripe::Stripe;
use crate::subscriptions::invoices::{self, StripeInvoice};
use crate::subscriptions::record::{self, StripeSubscription};

#[derive(Debug, Deserialize)]
struct Invoice {
    #[serde(flatten)]
    fields: StripeInvoice,
    #[serde(default)]
    subscription: Option<serde_json::Value>,
    #[serde(default)]
    parent: Option<serde_json::Value>,
}

impl Invoice {
    /// The subscription the invoice bills (`subscription`, or in newer API versions
    /// `parent.subscription_details.subscription`).
    fn subscription(&self) -> Option<String> {
        self.subscription.as_ref().and_then(object_id).or_else(|| {
            self.parent
                .as_ref()?
                .get("subscription_details")?
                .get("subscription")
                .and_then(object_id)
        })
    }
}

/// `customer.subscription.created|updated|deleted`: applies the subscription as Stripe has
/// it now. Returns the org it belonged to, if it was one of ours.
pub async fn on_subscription(
    db: &Db,
    stripe: &Stripe,
    subscription: &str,
) -> Result<Option<OrgId>, AppError> {
    Ok(applied(db, stripe, subscription).await?.map(|(org, _)| org))
}

async fn applied(
    db: &Db,
    stripe: &Stripe,
    subscription: &str,
) -> Result<Option<(OrgId, StripeSubscription)>, AppError> {
    let sub: StripeSubscription = stripe
        .client
        .get(&format!("/v1/subscriptions/{subscription}"))
        .await?;
    let Some(org) = owner(db, &sub).await? else {
        tracing::info!(subscription, "subscription of no org here: ignored");
        return Ok(None);
    };
    record::apply(db, org, &sub, None).await?;
    Ok(Some((org, sub)))
}

/// `invoice.paid|payment_succeeded|payment_failed`: applies the invoice's subscription (a
/// failed renewal leaves it past due) and records the invoice as a payment.
pub async fn on_invoice(
    db: &Db,
    stripe: &Stripe,
    invoice: &str,
) -> Result<Option<OrgId>, AppError> {
    let found: Invoice = stripe
        .client
        .get(&format!("/v1/invoices/{invoice}"))
        .await?;
    let Some(subscription) = found.subscription() else {
        return Ok(None);
    };
    let Some((org, sub)) = applied(db, stripe, &subscription).await? else {
        return Ok(None);
    };
    if let Some(plan) = sub.plan() {
        invoices::record(db, stripe, org, plan, &found.fields).await?;
    }
    Ok(Some(org))
}

/// The org a subscription is for: its customer must be the org's, and its metadata (set by
/// us) must name the same org.
async fn owner(db: &Db, sub: &StripeSubscription) -> Result<Option<OrgId>, AppError> {
    let Some(customer) = sub.customer.as_deref() else {
        return Ok(None);
    };
    let mut conn = db.pool().acquire().await?;
    let by_customer = org_of_customer(&mut conn, customer).await?;
    let by_metadata = sub
        .metadata
        .get("org_id")
        .and_then(|id| id.parse::<OrgId>().ok());
    Ok(match (by_customer, by_metadata) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(a), None) => Some(a),
        _ => None,
    })
}
