//! Billing accounts (balance, low-balance threshold, spend policy) and low-balance alerts
//! in the database. The balance itself only moves through [`crate::ledger::post`].

use orgdesk_model::billing::{LowBalanceAlert, SpendPolicy};
use orgdesk_model::payment::{CardSummary, SubscriptionState, SubscriptionStatus};
use orgdesk_model::{OrgId, Plan, ProjectId};
use sqlx::{AnyConnection, Row};

use crate::db::to_datetime;
use crate::error::AppError;

/// An org's billing account.
#[derive(Debug, Clone)]
pub struct Account {
    pub balance: i64,
    pub low_balance_threshold: Option<i64>,
    pub spend_policy: SpendPolicy,
}

pub async fn account(conn: &mut AnyConnection, org: OrgId) -> Result<Account, AppError> {
    let row: Option<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT balance, low_balance_threshold, spend_policy FROM billing_accounts \
         WHERE org_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let (balance, low_balance_threshold, policy) = row.unwrap_or((0, None, "everyone".to_owned()));
    let spend_policy = match policy.as_str() {
        "everyone" => SpendPolicy::Everyone,
        "admins_only" => SpendPolicy::AdminsOnly,
        "projects" => SpendPolicy::Projects {
            ids: policy_projects(conn, org).await?,
        },
        _ => return Err(AppError::CorruptRow("spend policy")),
    };
    Ok(Account {
        balance,
        low_balance_threshold,
        spend_policy,
    })
}

async fn policy_projects(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<ProjectId>, AppError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT project_id FROM spend_policy_projects WHERE org_id = $1 ORDER BY project_id",
    )
    .bind(org.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id,)| id.parse().map_err(|_| AppError::CorruptRow("project id")))
        .collect()
}

pub async fn set_threshold(
    conn: &mut AnyConnection,
    org: OrgId,
    threshold: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE billing_accounts SET low_balance_threshold = $1, updated_at = $2 WHERE org_id = $3",
    )
    .bind(threshold)
    .bind(now)
    .bind(org.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_policy(
    conn: &mut AnyConnection,
    org: OrgId,
    policy: &SpendPolicy,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (kind, ids): (&str, &[ProjectId]) = match policy {
        SpendPolicy::Everyone => ("everyone", &[]),
        SpendPolicy::AdminsOnly => ("admins_only", &[]),
        SpendPolicy::Projects { ids } => ("projects", ids),
    };
    sqlx::query("UPDATE billing_accounts SET spend_policy = $1, updated_at = $2 WHERE org_id = $3")
        .bind(kind)
        .bind(now)
        .bind(org.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM spend_policy_projects WHERE org_id = $1")
        .bind(org.to_string())
        .execute(&mut *conn)
        .await?;
    for id in ids {
        sqlx::query("INSERT INTO spend_policy_projects (org_id, project_id) VALUES ($1, $2)")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The open low-balance alert, if any.
pub async fn open_alert(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Option<LowBalanceAlert>, sqlx::Error> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT threshold, balance, created_at FROM low_balance_alerts \
         WHERE org_id = $1 AND cleared_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(threshold, balance, at)| LowBalanceAlert {
        threshold,
        balance,
        at: to_datetime(at),
    }))
}

pub async fn insert_alert(
    conn: &mut AnyConnection,
    org: OrgId,
    threshold: i64,
    balance: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO low_balance_alerts (id, org_id, threshold, balance, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(org.to_string())
    .bind(threshold)
    .bind(balance)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Clears the open alert; `true` if there was one.
pub async fn clear_alerts(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE low_balance_alerts SET cleared_at = $1 WHERE org_id = $2 AND cleared_at IS NULL",
    )
    .bind(now)
    .bind(org.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Credits spent (the negative entries) since `since`, in unix milliseconds.
pub async fn spent_since(
    conn: &mut AnyConnection,
    org: OrgId,
    since: i64,
) -> Result<i64, sqlx::Error> {
    let (spent,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(CAST(SUM(-amount) AS BIGINT), 0) FROM ledger_entries \
         WHERE org_id = $1 AND kind = 'usage' AND created_at >= $2",
    )
    .bind(org.to_string())
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(spent)
}

/// The org's customer at Stripe and its default card (`stripe` mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCard {
    pub customer_id: String,
    pub payment_method_id: String,
    pub card: CardSummary,
}

type CustomerRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// The org's saved card, if any.
pub async fn saved_card(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Option<SavedCard>, AppError> {
    let row: Option<CustomerRow> = sqlx::query_as(
        "SELECT customer_id, payment_method_id, card_brand, card_last4, card_exp_month, \
         card_exp_year FROM stripe_customers WHERE org_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    let Some((customer_id, Some(payment_method_id), Some(brand), Some(last4), Some(m), Some(y))) =
        row
    else {
        return Ok(None);
    };
    Ok(Some(SavedCard {
        customer_id,
        payment_method_id,
        card: CardSummary {
            brand,
            last4,
            exp_month: u8::try_from(m).map_err(|_| AppError::CorruptRow("card expiry"))?,
            exp_year: u16::try_from(y).map_err(|_| AppError::CorruptRow("card expiry"))?,
        },
    }))
}

/// The card of [`saved_card`], as the billing summary shows it.
pub async fn card_on_file(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Option<CardSummary>, AppError> {
    Ok(saved_card(conn, org).await?.map(|saved| saved.card))
}

/// The org's paid-plan subscription (`stripe` mode), if any.
pub async fn subscription(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Option<SubscriptionState>, AppError> {
    let row =
        sqlx::query("SELECT plan, status, past_due_since FROM subscriptions WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let plan: String = row.try_get(0)?;
    let status: String = row.try_get(1)?;
    let past_due_since: Option<i64> = row.try_get(2)?;
    Ok(Some(SubscriptionState {
        plan: Plan::parse(&plan).ok_or(AppError::CorruptRow("subscription plan"))?,
        status: SubscriptionStatus::parse(&status)
            .ok_or(AppError::CorruptRow("subscription status"))?,
        past_due_since: past_due_since.map(to_datetime),
    }))
}

/// Credits a refund took back beyond the balance (see `card_payments::refund`).
pub async fn credits_owed(conn: &mut AnyConnection, org: OrgId) -> Result<i64, AppError> {
    let (owed,): (i64,) = sqlx::query_as("SELECT credits_owed FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Ok(owed)
}
