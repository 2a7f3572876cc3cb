//! Rows of `payments`, and reading them back as [`Payment`]s.

use orgdesk_model::payment::{BillingProfile, CardSummary, Payment, PaymentPurpose, PaymentStatus};
use orgdesk_model::{OrgId, Page, PaymentId, Plan, UserId};
use sqlx::AnyConnection;

use crate::db::{to_datetime, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};

const SELECT_PAYMENT: &str = "SELECT id, org_id, purpose, status, credits, refunded_credits, \
     price, refunded_price, currency, plan, card_brand, card_last4, card_exp_month, \
     card_exp_year, failure_message, created_by, created_at, settled_at, receipt_number, \
     bill_to, processor_id, idempotency_key FROM payments";

/// Newest first; `id` (time-ordered) breaks ties.
const ORDER: Order<'static> = Order::descending(&["created_at", "id"]);

/// One `payments` row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: String,
    pub org_id: String,
    pub purpose: String,
    pub status: String,
    pub credits: i64,
    pub refunded_credits: i64,
    pub price: i64,
    pub refunded_price: i64,
    pub currency: String,
    pub plan: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub card_exp_month: Option<i64>,
    pub card_exp_year: Option<i64>,
    pub failure_message: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub settled_at: Option<i64>,
    pub receipt_number: Option<String>,
    pub bill_to: Option<String>,
    pub processor_id: Option<String>,
    pub idempotency_key: Option<String>,
}

fn corrupt(_: impl std::fmt::Debug) -> AppError {
    AppError::CorruptRow("payment")
}

impl PaymentRow {
    pub fn status(&self) -> Result<PaymentStatus, AppError> {
        PaymentStatus::parse(&self.status).ok_or(AppError::CorruptRow("payment status"))
    }

    pub fn payment_id(&self) -> Result<PaymentId, AppError> {
        self.id.parse().map_err(corrupt)
    }

    pub fn org(&self) -> Result<OrgId, AppError> {
        self.org_id.parse().map_err(corrupt)
    }

    pub fn created_by(&self) -> Result<Option<UserId>, AppError> {
        self.created_by
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(corrupt)
    }

    /// The billing profile the receipt is made out to (empty when none was set).
    pub fn bill_to(&self) -> BillingProfile {
        self.bill_to
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    pub fn to_payment(&self) -> Result<Payment, AppError> {
        let card = match (
            &self.card_brand,
            &self.card_last4,
            self.card_exp_month,
            self.card_exp_year,
        ) {
            (Some(brand), Some(last4), Some(m), Some(y)) => Some(CardSummary {
                brand: brand.clone(),
                last4: last4.clone(),
                exp_month: u8::try_from(m).map_err(corrupt)?,
                exp_year: u16::try_from(y).map_err(corrupt)?,
            }),
            _ => None,
        };
        Ok(Payment {
            id: self.payment_id()?,
            org_id: self.org()?,
            purpose: PaymentPurpose::parse(&self.purpose)
                .ok_or(AppError::CorruptRow("payment purpose"))?,
            status: self.status()?,
            credits: self.credits,
            refunded_credits: self.refunded_credits,
            price: self.price,
            currency: self.currency.clone(),
            plan: self.plan.as_deref().and_then(Plan::parse),
            card,
            failure_message: self.failure_message.clone(),
            created_by: self.created_by()?,
            created_at: to_datetime(self.created_at),
            settled_at: self.settled_at.map(to_datetime),
            receipt_number: self.receipt_number.clone(),
        })
    }
}

/// The payment `id`, if it exists.
pub async fn by_id(
    conn: &mut AnyConnection,
    id: PaymentId,
) -> Result<Option<PaymentRow>, AppError> {
    Ok(sqlx::query_as(&format!("{SELECT_PAYMENT} WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?)
}

/// The payment `id` of `org`; `None` for another org's payment, as for a missing one.
pub async fn of_org(
    conn: &mut AnyConnection,
    org: OrgId,
    id: PaymentId,
) -> Result<Option<PaymentRow>, AppError> {
    Ok(
        sqlx::query_as(&format!("{SELECT_PAYMENT} WHERE id = $1 AND org_id = $2"))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?,
    )
}

/// The payment started with the Idempotency-Key `key` (scope and key) in `org`.
pub async fn by_key(
    conn: &mut AnyConnection,
    org: OrgId,
    key: &str,
) -> Result<Option<PaymentRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{SELECT_PAYMENT} WHERE org_id = $1 AND idempotency_key = $2"
    ))
    .bind(org.to_string())
    .bind(key)
    .fetch_optional(conn)
    .await?)
}

/// The payment of the PaymentIntent `processor_id`.
pub async fn by_processor_id(
    conn: &mut AnyConnection,
    processor_id: &str,
) -> Result<Option<PaymentRow>, AppError> {
    Ok(
        sqlx::query_as(&format!("{SELECT_PAYMENT} WHERE processor_id = $1"))
            .bind(processor_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Records the PaymentIntent of a payment that has none yet.
pub async fn set_processor_id(
    conn: &mut AnyConnection,
    id: &str,
    processor_id: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE payments SET processor_id = $1 WHERE id = $2 AND processor_id IS NULL")
        .bind(processor_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a pending payment to `failed` with the processor's reason; false when it was not
/// pending any more.
pub async fn fail(
    conn: &mut AnyConnection,
    id: &str,
    message: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE payments SET status = 'failed', failure_message = $1, settled_at = $2 \
         WHERE id = $3 AND status = 'pending'",
    )
    .bind(message)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One page of `org`'s payments, newest first.
pub async fn page(
    conn: &mut AnyConnection,
    org: OrgId,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<Page<Payment>, AppError> {
    let page: PageRequest<(i64, String)> = PageRequest::parse(cursor, limit)?;
    let mut params = Params::default();
    let mut sql = format!(
        "{SELECT_PAYMENT} WHERE org_id = {}",
        params.text(org.to_string())
    );
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let rows: Vec<PaymentRow> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let key = (row.created_at, row.id.clone());
            row.to_payment().map(|payment| (payment, key))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.page(rows))
}
