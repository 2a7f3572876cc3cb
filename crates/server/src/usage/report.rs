//! Usage reports: the usage entries of a time range grouped by project, person or UTC
//! day, as JSON or as a CSV file.

use chrono::{DateTime, Duration, Utc};
use orgdesk_model::usage::{UsageGroup, UsageQuery, UsageReport, UsageRow};
use orgdesk_model::{Capability, FieldError, OrgId, ProjectId};
use sqlx::AnyConnection;

use crate::db::{Db, Params};
use crate::error::AppError;
use crate::membership::{self, OrgKey, Reader};
use crate::usage::error::UsageError;

const DAY_MS: i64 = 86_400_000;
/// The default range: this many days back from now.
const DEFAULT_DAYS: i64 = 30;

/// The range a query asks for: `[from, to)`, by default the last 30 days.
pub fn range(
    query: &UsageQuery,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let to = query.to.unwrap_or(now);
    let from = query.from.unwrap_or(to - Duration::days(DEFAULT_DAYS));
    if from >= to {
        return Err(AppError::Validation(vec![FieldError {
            field: "from".to_owned(),
            message: "`from` must be before `to`.".to_owned(),
        }]));
    }
    Ok((from, to))
}

/// The report `reader` may see (those who see billing), with the org's slug: of the
/// projects in the reader's reach only (a key limited to a project: that project's usage).
pub async fn report(
    db: &Db,
    reader: &Reader,
    org: &OrgKey,
    query: &UsageQuery,
) -> Result<(UsageReport, String), AppError> {
    let (from, to) = range(query, Utc::now())?;
    let mut conn = db.pool().acquire().await?;
    let reading = membership::reading(&mut conn, org, reader).await?;
    reading.require(Capability::ViewBilling)?;
    let scope = reading.scope(&mut conn).await?;
    let view = reading.view;
    let rows = rows(
        &mut conn,
        view.org.id,
        scope.as_deref(),
        query.group_by,
        from,
        to,
    )
    .await?;
    let total_credits = rows.iter().map(|r| r.credits).sum();
    let report = UsageReport {
        org_id: view.org.id,
        from,
        to,
        group_by: query.group_by,
        rows,
        total_credits,
    };
    Ok((report, view.org.slug))
}

async fn rows(
    conn: &mut AnyConnection,
    org: OrgId,
    scope: Option<&[ProjectId]>,
    group: UsageGroup,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<UsageRow>, AppError> {
    let (key, label, join) = match group {
        UsageGroup::Project => (
            "l.project_id",
            "p.name",
            "LEFT JOIN projects p ON p.id = l.project_id",
        ),
        UsageGroup::User => (
            "l.user_id",
            "u.display_name",
            "LEFT JOIN users u ON u.id = l.user_id",
        ),
        UsageGroup::Day => (
            "CAST(l.created_at / 86400000 AS TEXT)",
            "CAST(NULL AS TEXT)",
            "",
        ),
    };
    let mut params = Params::default();
    let (org, from, to) = (
        params.text(org.to_string()),
        params.int(from.timestamp_millis()),
        params.int(to.timestamp_millis()),
    );
    let within = match scope {
        None => String::new(),
        Some([]) => " AND 1 = 0".to_owned(),
        Some(ids) => {
            let ids: Vec<String> = ids.iter().map(|id| params.text(id.to_string())).collect();
            format!(" AND l.project_id IN ({})", ids.join(", "))
        }
    };
    let sql = format!(
        "SELECT {key} AS k, MAX({label}) AS label, CAST(SUM(-l.amount) AS BIGINT) AS credits, \
         COUNT(*) AS events FROM ledger_entries l {join} \
         WHERE l.org_id = {org} AND l.kind = 'usage' AND l.created_at >= {from} \
         AND l.created_at < {to}{within} GROUP BY {key}"
    );
    let found: Vec<(Option<String>, Option<String>, i64, i64)> =
        params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    let mut out: Vec<UsageRow> = found
        .into_iter()
        .map(|(key, label, credits, events)| {
            let (key, label) = match group {
                UsageGroup::Project => {
                    let label = label.unwrap_or_else(|| "Deleted project".to_owned());
                    (key.unwrap_or_default(), label)
                }
                UsageGroup::User => match key {
                    Some(key) => (key, label.unwrap_or_else(|| "Deleted account".to_owned())),
                    None => (String::new(), "Not attributed".to_owned()),
                },
                UsageGroup::Day => {
                    let day = key.and_then(|k| k.parse::<i64>().ok()).unwrap_or_default();
                    let date = crate::db::to_datetime(day * DAY_MS)
                        .format("%Y-%m-%d")
                        .to_string();
                    (date.clone(), date)
                }
            };
            UsageRow {
                key,
                label,
                credits,
                events,
            }
        })
        .collect();
    match group {
        UsageGroup::Day => out.sort_by(|a, b| a.key.cmp(&b.key)),
        UsageGroup::Project | UsageGroup::User => out.sort_by(|a, b| {
            b.credits
                .cmp(&a.credits)
                .then_with(|| a.label.cmp(&b.label))
                .then_with(|| a.key.cmp(&b.key))
        }),
    }
    Ok(out)
}

/// The report as CSV (see [`UsageReport::to_csv`]), as of now.
pub fn csv(report: &UsageReport) -> Result<Vec<u8>, AppError> {
    report
        .to_csv(chrono::Utc::now())
        .map_err(|e| UsageError::Report(e.to_string()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let report = UsageReport {
            org_id: OrgId::new(),
            from: Utc::now(),
            to: Utc::now(),
            group_by: UsageGroup::Project,
            rows: vec![
                UsageRow {
                    key: "p1".into(),
                    label: "Web, \"new\"".into(),
                    credits: 10,
                    events: 2,
                },
                UsageRow {
                    key: "p2".into(),
                    label: "=HYPERLINK(1)".into(),
                    credits: 4,
                    events: 1,
                },
            ],
            total_credits: 14,
        };
        let text = String::from_utf8(csv(&report).unwrap()).unwrap();
        let (body, as_of) = text.trim_end().rsplit_once('\n').unwrap();
        assert_eq!(
            body,
            "project_id,project,credits,events\np1,\"Web, \"\"new\"\"\",10,2\np2,'=HYPERLINK(1),4,1\ntotal,,14,3"
        );
        assert!(
            as_of.starts_with("as_of,20") && as_of.ends_with("Z,,"),
            "{as_of}"
        );
    }
}
