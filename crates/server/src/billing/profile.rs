//! The billing profile: who the org's receipts are made out to. Read by everyone who sees
//! billing, changed by owners and admins; each receipt keeps a copy of it as it read when
//! the payment succeeded.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::payment::BillingProfile;
use orgdesk_model::validate::{self, Lines};
use orgdesk_model::{Capability, FieldError, OrgId};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::membership::{self, require, OrgKey};

/// The longest a line of the profile may be.
pub const LINE_MAX: usize = 200;
/// The longest a tax number may be.
pub const TAX_ID_MAX: usize = 40;

const COLUMNS: &str = "billing_email, company_name, address_line1, address_line2, city, \
                       postal_code, country, tax_id";

/// The org's profile (every field empty when none was saved).
pub async fn read(conn: &mut AnyConnection, org: OrgId) -> Result<BillingProfile, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM billing_profiles WHERE org_id = $1"
    ))
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(BillingProfile::default());
    };
    let text = |i: usize| row.try_get::<Option<String>, _>(i);
    Ok(BillingProfile {
        billing_email: text(0)?,
        company_name: text(1)?,
        address_line1: text(2)?,
        address_line2: text(3)?,
        city: text(4)?,
        postal_code: text(5)?,
        country: text(6)?,
        tax_id: text(7)?,
    })
}

pub async fn get(
    db: &Db,
    user: orgdesk_model::UserId,
    org: &OrgKey,
) -> Result<BillingProfile, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, org, user).await?;
    require(&view, Capability::ViewBilling)?;
    read(&mut conn, view.org.id).await
}

/// One field: trimmed and normalised, empty as none, checked for length and characters.
fn line(field: &str, value: Option<&str>, max: usize, out: &mut Vec<FieldError>) -> Option<String> {
    let value = validate::clean(value?);
    if value.is_empty() {
        return None;
    }
    validate::plain_text(field, &value, Lines::One, out);
    if value.chars().count() > max {
        out.push(FieldError {
            field: field.to_owned(),
            message: format!("At most {max} characters."),
        });
    }
    Some(value)
}

/// The profile as it will be stored, or every field that is not valid.
pub fn validated(req: &BillingProfile) -> Result<BillingProfile, AppError> {
    let mut errors = Vec::new();
    let billing_email = line(
        "billing_email",
        req.billing_email.as_deref(),
        validate::EMAIL_MAX,
        &mut errors,
    )
    .map(|email| validate::normalize_email(&email));
    if let Some(email) = &billing_email {
        let mut wrong = Vec::new();
        validate::email(email, &mut wrong);
        errors.extend(wrong.into_iter().map(|e| FieldError {
            field: "billing_email".to_owned(),
            message: e.message,
        }));
    }
    let country =
        line("country", req.country.as_deref(), LINE_MAX, &mut errors).map(|c| c.to_uppercase());
    if country
        .as_deref()
        .is_some_and(|c| c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()))
    {
        errors.push(FieldError {
            field: "country".to_owned(),
            message: "Give the two-letter country code, e.g. DE or US.".to_owned(),
        });
    }
    let profile = BillingProfile {
        billing_email,
        company_name: line(
            "company_name",
            req.company_name.as_deref(),
            LINE_MAX,
            &mut errors,
        ),
        address_line1: line(
            "address_line1",
            req.address_line1.as_deref(),
            LINE_MAX,
            &mut errors,
        ),
        address_line2: line(
            "address_line2",
            req.address_line2.as_deref(),
            LINE_MAX,
            &mut errors,
        ),
        city: line("city", req.city.as_deref(), LINE_MAX, &mut errors),
        postal_code: line("postal_code", req.postal_code.as_deref(), 20, &mut errors),
        country,
        tax_id: line("tax_id", req.tax_id.as_deref(), TAX_ID_MAX, &mut errors),
    };
    if errors.is_empty() {
        Ok(profile)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Saves the profile (owners and admins) and audits what changed.
pub async fn update(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    req: &BillingProfile,
) -> Result<(OrgId, BillingProfile), AppError> {
    let profile = validated(req)?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::TopUp)?;
    let old = read(&mut tx, view.org.id).await?;
    if old != profile {
        sqlx::query(&format!(
            "INSERT INTO billing_profiles (org_id, {COLUMNS}, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (org_id) DO UPDATE SET billing_email = $2, company_name = $3, \
             address_line1 = $4, address_line2 = $5, city = $6, postal_code = $7, \
             country = $8, tax_id = $9, updated_at = $10"
        ))
        .bind(view.org.id.to_string())
        .bind(&profile.billing_email)
        .bind(&profile.company_name)
        .bind(&profile.address_line1)
        .bind(&profile.address_line2)
        .bind(&profile.city)
        .bind(&profile.postal_code)
        .bind(&profile.country)
        .bind(&profile.tax_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Entry::org(view.org.id, AuditAction::BillingProfileUpdated)
            .details(json!({ "changed": changed_fields(&old, &profile) }))
            .write(&mut tx, actor, now)
            .await?;
    }
    tx.commit().await?;
    Ok((view.org.id, profile))
}

/// The names of the fields that differ (the audit log names fields, not addresses).
fn changed_fields(old: &BillingProfile, new: &BillingProfile) -> Vec<&'static str> {
    let pairs = [
        ("billing_email", &old.billing_email, &new.billing_email),
        ("company_name", &old.company_name, &new.company_name),
        ("address_line1", &old.address_line1, &new.address_line1),
        ("address_line2", &old.address_line2, &new.address_line2),
        ("city", &old.city, &new.city),
        ("postal_code", &old.postal_code, &new.postal_code),
        ("country", &old.country, &new.country),
        ("tax_id", &old.tax_id, &new.tax_id),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(name, _, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_cleaned_and_checked() {
        let profile = validated(&BillingProfile {
            billing_email: Some("  Billing@Acme.Example ".to_owned()),
            company_name: Some(" Acme GmbH ".to_owned()),
            country: Some("de".to_owned()),
            city: Some("   ".to_owned()),
            ..BillingProfile::default()
        })
        .unwrap();
        assert_eq!(
            profile.billing_email.as_deref(),
            Some("billing@acme.example")
        );
        assert_eq!(profile.company_name.as_deref(), Some("Acme GmbH"));
        assert_eq!(profile.country.as_deref(), Some("DE"));
        assert_eq!(profile.city, None);

        let Err(AppError::Validation(errors)) = validated(&BillingProfile {
            billing_email: Some("not an email".to_owned()),
            country: Some("Germany".to_owned()),
            company_name: Some("x".repeat(LINE_MAX + 1)),
            tax_id: Some("DE\u{202E}123".to_owned()),
            ..BillingProfile::default()
        }) else {
            panic!("invalid profile accepted");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["billing_email", "country", "company_name", "tax_id"] {
            assert!(fields.contains(&field), "{field} not refused: {errors:?}");
        }
    }
}
