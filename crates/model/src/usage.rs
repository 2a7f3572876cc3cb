//! Metered usage, usage reports and monthly statements on the wire.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::{LedgerEntry, Modality};
use crate::ids::{OrgId, UserId};
use crate::spreadsheet::cell;

/// `POST /v1/usage`, authenticated with an API key and an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UsageRequest {
    /// The project's id or slug (in the key's org).
    pub project: String,
    pub modality: Modality,
    /// Units of the modality's rate, at least 1.
    #[schema(minimum = 1)]
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

impl UsageReport {
    /// The report as CSV: a header, one line per row (quoted where needed), a total line,
    /// and a last line saying when the figures are from, so an export made offline from
    /// the app's store says how old it is.
    pub fn to_csv(&self, as_of: DateTime<Utc>) -> Result<Vec<u8>, csv::Error> {
        let (key_name, label_name) = match self.group_by {
            UsageGroup::Project => ("project_id", "project"),
            UsageGroup::User => ("user_id", "person"),
            UsageGroup::Day => ("date", "day"),
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([key_name, label_name, "credits", "events"])?;
        for row in &self.rows {
            let (credits, events) = (row.credits.to_string(), row.events.to_string());
            writer.write_record([row.key.clone(), cell(&row.label), credits, events])?;
        }
        let events: i64 = self.rows.iter().map(|r| r.events).sum();
        let total = self.total_credits.to_string();
        writer.write_record(["total".to_owned(), String::new(), total, events.to_string()])?;
        let as_of = as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        writer.write_record(["as_of", &as_of, "", ""])?;
        writer.into_inner().map_err(|e| e.into_error().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_defuses_formulas_and_says_when() {
        let report = UsageReport {
            org_id: OrgId::new(),
            from: Utc::now(),
            to: Utc::now(),
            group_by: UsageGroup::Project,
            rows: vec![UsageRow {
                key: "p1".into(),
                label: "=HYPERLINK(\"x\"), \"Site\"".into(),
                credits: 40,
                events: 2,
            }],
            total_credits: 40,
        };
        let at = DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .to_utc();
        let text = String::from_utf8(report.to_csv(at).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "project_id,project,credits,events");
        assert_eq!(lines[1], "p1,\"'=HYPERLINK(\"\"x\"\"), \"\"Site\"\"\",40,2");
        assert_eq!(lines[2], "total,,40,2");
        assert_eq!(lines[3], "as_of,2026-11-25T10:00:00Z,,");
    }
}
