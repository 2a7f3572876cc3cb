//! Monthly statements made from the ledger: one per UTC calendar month with activity, id
//! `YYYY-MM`. Opening + added − spent = closing, where the closing balance is the
//! `balance_after` of the month's last entry.

use chrono::{Datelike, Months, NaiveDate};
use orgdesk_model::billing::{Modality, RateCard};
use orgdesk_model::page::PageQuery;
use orgdesk_model::usage::{Invoice, InvoiceLine, InvoiceSummary};
use orgdesk_model::{OrgId, Page, UserId};
use sqlx::AnyConnection;

use crate::billing::rates;
use crate::billing::service::viewer;
use crate::db::{now_ms, to_datetime, Db, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};
use crate::ledger::{parse_period, period_of};
use crate::membership::OrgKey;

fn summarize(
    org: OrgId,
    period: String,
    added: i64,
    spent: i64,
    closing: i64,
    current: &str,
) -> Result<InvoiceSummary, AppError> {
    let start = parse_period(&period).ok_or(AppError::CorruptRow("ledger period"))?;
    let end = start
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    Ok(InvoiceSummary {
        closed: period.as_str() != current,
        id: period,
        org_id: org,
        period_start: start,
        period_end: end,
        opening_balance: closing - added + spent,
        credits_added: added,
        credits_spent: spent,
        closing_balance: closing,
    })
}

/// Statements are listed newest first; the key is the month, `YYYY-MM`.
const ORDER: Order<'static> = Order::descending(&["period"]);

/// One page of statements, or just the month `only`.
async fn summaries(
    conn: &mut AnyConnection,
    org: OrgId,
    page: &PageRequest<String>,
    only: Option<&str>,
) -> Result<Vec<(InvoiceSummary, String)>, AppError> {
    let mut params = Params::default();
    let org_param = params.text(org.to_string());
    let mut filter = String::new();
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        filter += &format!(" AND {after}");
    }
    if let Some(only) = only {
        filter += &format!(" AND period = {}", params.text(only));
    }
    let sql = format!(
        "SELECT g.period, g.added, g.spent, e.balance_after FROM (\
           SELECT period, \
             CAST(SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS BIGINT) AS added, \
             CAST(SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS BIGINT) AS spent, \
             MAX(seq) AS last_seq \
           FROM ledger_entries WHERE org_id = {org_param}{filter} \
           GROUP BY period {}) g \
         JOIN ledger_entries e ON e.org_id = {org_param} AND e.seq = g.last_seq \
         ORDER BY g.period DESC",
        page.order_sql(ORDER, &mut params)
    );
    let rows: Vec<(String, i64, i64, i64)> =
        params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    let current = period_of(now_ms());
    rows.into_iter()
        .map(|(period, added, spent, closing)| {
            let summary = summarize(org, period, added, spent, closing, &current)?;
            let key = summary.id.clone();
            Ok((summary, key))
        })
        .collect()
}

pub async fn list(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    query: &PageQuery,
) -> Result<Page<InvoiceSummary>, AppError> {
    let page: PageRequest<String> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let view = viewer(&mut conn, org, user).await?;
    let rows = summaries(&mut conn, view.org.id, &page, None).await?;
    Ok(page.page(rows))
}

/// One month's statement with its lines; 404 for a month without activity.
pub async fn get(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    id: &str,
) -> Result<(Invoice, String), AppError> {
    let start: NaiveDate = parse_period(id).ok_or(AppError::NotFound)?;
    let mut conn = db.pool().acquire().await?;
    let view = viewer(&mut conn, org, user).await?;
    let period = format!("{:04}-{:02}", start.year(), start.month());
    let summary = summaries(
        &mut conn,
        view.org.id,
        &PageRequest::first(1),
        Some(&period),
    )
    .await?
    .pop()
    .map(|(summary, _)| summary)
    .ok_or(AppError::NotFound)?;
    let card = rates::current(&mut conn, now_ms()).await?;
    let lines = lines(&mut conn, view.org.id, &period, &card).await?;
    let invoice = Invoice {
        summary,
        org_name: view.org.name,
        lines,
    };
    Ok((invoice, view.org.slug))
}

/// (project id, project name, modality, quantity, amount)
type UsageGroupRow = (Option<String>, Option<String>, String, i64, i64);

/// Top-ups and other credits one by one (in ledger order), then usage per project and
/// modality (by project name).
async fn lines(
    conn: &mut AnyConnection,
    org: OrgId,
    period: &str,
    card: &RateCard,
) -> Result<Vec<InvoiceLine>, AppError> {
    let singles: Vec<(String, i64, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT kind, amount, reference, description, created_at FROM ledger_entries \
         WHERE org_id = $1 AND period = $2 AND kind <> 'usage' ORDER BY seq",
    )
    .bind(org.to_string())
    .bind(period)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<InvoiceLine> = singles
        .into_iter()
        .map(|(kind, amount, reference, description, at)| {
            let date = to_datetime(at).format("%Y-%m-%d");
            let description = match (kind.as_str(), reference) {
                ("top_up", Some(reference)) => format!("Top-up {date} ({reference})"),
                ("top_up", None) => format!("Top-up {date}"),
                _ => format!("{description} ({date})"),
            };
            InvoiceLine {
                description,
                quantity: None,
                amount,
            }
        })
        .collect();
    let usage: Vec<UsageGroupRow> = sqlx::query_as(
        "SELECT l.project_id, MAX(p.name), l.modality, CAST(SUM(l.quantity) AS BIGINT), \
         CAST(SUM(l.amount) AS BIGINT) FROM ledger_entries l \
         LEFT JOIN projects p ON p.id = l.project_id \
         WHERE l.org_id = $1 AND l.period = $2 AND l.kind = 'usage' \
         GROUP BY l.project_id, l.modality",
    )
    .bind(org.to_string())
    .bind(period)
    .fetch_all(conn)
    .await?;
    let mut grouped: Vec<(String, usize, InvoiceLine)> = usage
        .into_iter()
        .map(|(_, name, modality, quantity, amount)| {
            let project = name.unwrap_or_else(|| "Deleted project".to_owned());
            let modality = Modality::parse(&modality).ok_or(AppError::CorruptRow("modality"))?;
            let order = Modality::ALL
                .iter()
                .position(|m| *m == modality)
                .unwrap_or(0);
            let unit = rates::unit_label(card, modality);
            let line = InvoiceLine {
                description: format!("Usage: {project}, {} (per {unit})", modality.as_str()),
                quantity: Some(quantity),
                amount,
            };
            Ok((project, order, line))
        })
        .collect::<Result<_, AppError>>()?;
    grouped.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    out.extend(grouped.into_iter().map(|(_, _, line)| line));
    Ok(out)
}

/// `orgdesk-statement-<slug>-<YYYY-MM>.pdf`
pub fn filename(slug: &str, id: &str) -> String {
    format!("orgdesk-statement-{slug}-{id}.pdf")
}
