//! Metered usage, usage reports and monthly statements on the wire.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::{LedgerEntry, Modality};
use crate::ids::{OrgId, UserId};

/// `POST /v1/usage`, authenticated with an API key and an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UsageRequest {
    /// The project's id or slug (in the key's org).
    pub project: String,
    pub modality: Modality,
    /// Units of the modality's rate, at least 1.
    pub quantity: i64,
    /// The member this usage is for, if the caller knows.
    #[serde(default)]
    pub user: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UsageRecorded {
    pub entry: LedgerEntry,
    pub balance: i64,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UsageGroup {
    Project,
    User,
    Day,
}

/// Query parameters of usage reports (JSON and CSV).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// From this time, inclusive; default 30 days ago.
    pub from: Option<DateTime<Utc>>,
    /// Before this time, exclusive; default now.
    pub to: Option<DateTime<Utc>>,
    pub group_by: UsageGroup,
}

/// One group of a usage report: a project, a person or a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UsageRow {
    /// The project id, the user id (empty for usage without a user) or the date (YYYY-MM-DD).
    pub key: String,
    /// What to show: the project's name, the person's name, or the date.
    pub label: String,
    pub credits: i64,
    pub events: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UsageReport {
    pub org_id: OrgId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub group_by: UsageGroup,
    pub rows: Vec<UsageRow>,
    pub total_credits: i64,
}

/// A monthly statement, made from the ledger. Its id is the month, `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct InvoiceSummary {
    pub id: String,
    pub org_id: OrgId,
    pub period_start: NaiveDate,
    /// The last day of the month.
    pub period_end: NaiveDate,
    pub opening_balance: i64,
    pub credits_added: i64,
    pub credits_spent: i64,
    pub closing_balance: i64,
    /// The current month is still open and changes as usage comes in.
    pub closed: bool,
}

/// One line of a statement: top-ups one by one, usage per project and modality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity: Option<i64>,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Invoice {
    pub summary: InvoiceSummary,
    pub org_name: String,
    pub lines: Vec<InvoiceLine>,
}
