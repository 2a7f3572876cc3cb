//! The org's customer at Stripe seen from the other side: which org a customer is (events
//! name customers), and keeping the customer's billing details in step with the profile.

use orgdesk_model::payment::BillingProfile;
use orgdesk_model::OrgId;
use sqlx::AnyConnection;

use crate::cards::{customer_of, CardError};
use crate::db::Db;
use crate::error::AppError;
use crate::stripe::client::{form, Created};
use crate::stripe::Stripe;

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
        customer_of(&mut conn, org).await?
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
        .await
        .map_err(CardError::from)?;
    Ok(())
}
