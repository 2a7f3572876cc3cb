//! An org's customer at Stripe and its default card. The customer is made on first need
//! (Stripe deduplicates the creation by an idempotency key per org); the card is what a
//! confirmed SetupIntent attached, read back from Stripe and checked to belong to the
//! org's customer before it is stored.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::payment::{BillingProfile, CardSummary};
use orgdesk_model::OrgId;
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::billing::profile;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::stripe::client::{form, Created, PaymentMethod};
use crate::stripe::Stripe;

/// The org's customer id at Stripe, if it has one.
pub async fn customer_id(conn: &mut AnyConnection, org: OrgId) -> Result<Option<String>, AppError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT customer_id FROM stripe_customers WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// The org whose customer `customer` is.
pub async fn org_of_customer(
    conn: &mut AnyConnection,
    customer: &str,
) -> Result<Option<OrgId>, AppError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT org_id FROM stripe_customers WHERE customer_id = $1")
            .bind(customer)
            .fetch_optional(conn)
            .await?;
    row.map(|(id,)| id.parse().map_err(|_| AppError::CorruptRow("customer org")))
        .transpose()
}

/// The org's customer, made at Stripe (named after the org, billed to the profile's email)
/// when it has none yet.
pub async fn ensure_customer(
    db: &Db,
    stripe: &Stripe,
    org: OrgId,
    org_name: &str,
) -> Result<String, AppError> {
    let billing_email = {
        let mut conn = db.pool().acquire().await?;
        if let Some(id) = customer_id(&mut conn, org).await? {
            return Ok(id);
        }
        profile::read(&mut conn, org).await?.billing_email
    };
    let mut fields = form([
        ("name", org_name.to_owned()),
        ("metadata[org_id]", org.to_string()),
    ]);
    if let Some(email) = billing_email {
        fields.push(("email".to_owned(), email));
    }
    let created: Created = stripe
        .client
        .post(
            "/v1/customers",
            &fields,
            Some(&format!("orgdesk-customer-{org}")),
        )
        .await?;
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
    let id = customer_id(&mut tx, org)
        .await?
        .ok_or(AppError::CorruptRow("stripe customer"))?;
    tx.commit().await?;
    Ok(id)
}

/// Copies the billing profile to the org's customer at Stripe (its receipts go to the
/// billing email), when the org has a customer.
pub async fn sync_profile(
    db: &Db,
    stripe: &Stripe,
    org: OrgId,
    profile: &BillingProfile,
) -> Result<(), AppError> {
    let customer = {
        let mut conn = db.pool().acquire().await?;
        customer_id(&mut conn, org).await?
    };
    let Some(customer) = customer else {
        return Ok(());
    };
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let mut fields = form([
        ("email", text(&profile.billing_email)),
        ("address[line1]", text(&profile.address_line1)),
        ("address[line2]", text(&profile.address_line2)),
        ("address[city]", text(&profile.city)),
        ("address[postal_code]", text(&profile.postal_code)),
        ("address[country]", text(&profile.country)),
    ]);
    if let Some(company) = &profile.company_name {
        fields.push(("name".to_owned(), company.clone()));
    }
    let _: Created = stripe
        .client
        .post(&format!("/v1/customers/{customer}"), &fields, None)
        .await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The payment method is not attached to this org's customer.
    #[error("the payment method belongs to another customer")]
    NotTheOrgsCard,
    /// It is not a card.
    #[error("the payment method is not a card")]
    NotACard,
}

impl crate::error::DomainError for CardError {
    fn code(&self) -> orgdesk_model::ErrorCode {
        orgdesk_model::ErrorCode::InvalidState
    }

    fn detail(&self) -> String {
        "This card could not be saved for the organization. Start again from Billing → \
         Payment method."
            .to_owned()
    }
}

/// Makes `payment_method` the org's default card: read back from Stripe, checked to be a
/// card of the org's customer (or attached to it, when it is nobody's yet: callers pass
/// only the card of the org's own confirmed SetupIntent), set as the customer's default for invoices, then
/// stored (brand, last four digits, expiry) and audited as `by`, who started it (as the
/// system when unknown).
pub async fn save_card(
    db: &Db,
    stripe: &Stripe,
    org: OrgId,
    payment_method: &str,
    by: Option<orgdesk_model::UserId>,
) -> Result<CardSummary, AppError> {
    let customer = {
        let mut conn = db.pool().acquire().await?;
        customer_id(&mut conn, org).await?
    }
    .ok_or(CardError::NotTheOrgsCard)?;
    let method: PaymentMethod = stripe
        .client
        .get(&format!("/v1/payment_methods/{payment_method}"))
        .await?;
    match method.customer.as_deref() {
        Some(owner) if owner == customer => {}
        // Confirmed for the org's SetupIntent but not attached (Stripe attaches it when
        // the SetupIntent names a customer; its stand-in does not): attach it.
        None => {
            let _: PaymentMethod = stripe
                .client
                .post(
                    &format!("/v1/payment_methods/{}/attach", method.id),
                    &form([("customer", customer.clone())]),
                    None,
                )
                .await?;
        }
        Some(_) => return Err(CardError::NotTheOrgsCard.into()),
    }
    let card = method.card.ok_or(CardError::NotACard)?;
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
        .await?;
    let summary = CardSummary {
        brand: card.brand,
        last4: card.last4,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
    };
    let now = now_ms();
    let mut tx = db.write().await?;
    let changed = sqlx::query(
        "UPDATE stripe_customers SET payment_method_id = $1, card_brand = $2, card_last4 = $3, \
         card_exp_month = $4, card_exp_year = $5, updated_at = $6 \
         WHERE org_id = $7 AND (payment_method_id IS NULL OR payment_method_id <> $1)",
    )
    .bind(&method.id)
    .bind(&summary.brand)
    .bind(&summary.last4)
    .bind(i64::from(summary.exp_month))
    .bind(i64::from(summary.exp_year))
    .bind(now)
    .bind(org.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed > 0 {
        Entry::org(org, AuditAction::BillingCardSaved)
            .details(json!({ "brand": summary.brand, "last4": summary.last4 }))
            .write_by(&mut tx, by.map(Actor::internal).as_ref(), now)
            .await?;
    }
    tx.commit().await?;
    Ok(summary)
}
