//! Reading payments (owners and admins: `view_billing`): the list, one payment (a pending
//! one is read back from Stripe and settled first, exactly once), and its receipt.

use orgdesk_model::page::PageQuery;
use orgdesk_model::payment::{Payment, PaymentPurpose, PaymentReceipt, PaymentStatus};
use orgdesk_model::{Capability, OrgId, Page, PaymentId, UserId};

use crate::billing::format_credits;
use crate::billing::service::plan_name;
use crate::card_payments::repo::{self, PaymentRow};
use crate::card_payments::settle;
use crate::cards::CardError;
use crate::db::{to_datetime, Db};
use crate::error::AppError;
use crate::membership::{self, require, MemberView, OrgKey};
use crate::payments::Payments;

async fn view(db: &Db, user: UserId, org: &OrgKey) -> Result<MemberView, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, org, user).await?;
    require(&view, Capability::ViewBilling)?;
    Ok(view)
}

/// `org`'s payments, newest first.
pub async fn list(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    query: &PageQuery,
) -> Result<Page<Payment>, AppError> {
    let view = view(db, user, org).await?;
    let mut conn = db.pool().acquire().await?;
    repo::page(&mut conn, view.org.id, query.cursor.as_deref(), query.limit).await
}

/// The payment `id` of `org` (another org's id is 404, as is a malformed one).
async fn row(db: &Db, org: OrgId, id: &str) -> Result<PaymentRow, AppError> {
    let id: PaymentId = id.parse().map_err(|_| AppError::NotFound)?;
    let mut conn = db.pool().acquire().await?;
    repo::of_org(&mut conn, org, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// One payment. A pending one that Stripe knows is read back and settled first; when
/// Stripe cannot be reached it is answered as stored (still pending).
pub async fn get(
    db: &Db,
    payments: &Payments,
    user: UserId,
    org: &OrgKey,
    id: &str,
) -> Result<Payment, AppError> {
    let view = view(db, user, org).await?;
    let found = row(db, view.org.id, id).await?;
    if let (PaymentStatus::Pending, Some(intent), Ok(stripe)) = (
        found.status()?,
        found.processor_id.as_deref(),
        payments.card_processor(),
    ) {
        match settle::settle(db, stripe, intent).await {
            Ok(_) => return row(db, view.org.id, id).await?.to_payment(),
            Err(error) => {
                tracing::warn!(payment = %found.id, %error, "reading a pending payment back failed");
            }
        }
    }
    found.to_payment()
}

/// The receipt of a paid payment (409 `invalid_state` before it is paid).
pub async fn receipt(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    id: &str,
) -> Result<(PaymentReceipt, String), AppError> {
    let view = view(db, user, org).await?;
    let found = row(db, view.org.id, id).await?;
    let (Some(number), Some(paid_at)) = (found.receipt_number.clone(), found.settled_at) else {
        return Err(CardError::NotPaid.into());
    };
    let payment = found.to_payment()?;
    if matches!(
        payment.status,
        PaymentStatus::Pending | PaymentStatus::Failed
    ) {
        return Err(CardError::NotPaid.into());
    }
    let description = match (payment.purpose, payment.plan) {
        (PaymentPurpose::Subscription, Some(plan)) => {
            format!("Orgdesk {} plan: one month", plan_name(plan))
        }
        _ => format!("Credit pack: {} credits", format_credits(payment.credits)),
    };
    Ok((
        PaymentReceipt {
            number,
            bill_to: found.bill_to(),
            payment,
            org_name: view.org.name.clone(),
            description,
            paid_at: to_datetime(paid_at),
        },
        view.org.slug.clone(),
    ))
}
