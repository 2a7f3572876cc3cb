//! Reading the ledger: newest first by `seq`, filtered by kind, project and time, in
//! keyset pages (the cursor is the last `seq` shown); limited to some projects' lines for
//! a reader who may see only those.

use orgdesk_model::billing::{LedgerEntry, LedgerQuery};
use orgdesk_model::{OrgId, Page, ProjectId};
use sqlx::AnyConnection;

use crate::db::Params;
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};
use crate::ledger::repo::{EntryRow, SELECT_ENTRY};

/// Newest first: by `seq`, which numbers an org's entries.
const ORDER: Order<'static> = Order::descending(&["seq"]);

/// One page of `org`'s ledger: of the lines of the projects in `scope` only, when given.
pub async fn page(
    conn: &mut AnyConnection,
    org: OrgId,
    scope: Option<&[ProjectId]>,
    query: &LedgerQuery,
) -> Result<Page<LedgerEntry>, AppError> {
    let page: PageRequest<i64> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut params = Params::default();
    let mut sql = format!(
        "{SELECT_ENTRY} WHERE org_id = {}",
        params.text(org.to_string())
    );
    if let Some(kind) = query.kind {
        sql += &format!(" AND kind = {}", params.text(kind.as_str()));
    }
    if let Some(scope) = scope {
        let ids: Vec<String> = scope.iter().map(|id| params.text(id.to_string())).collect();
        sql += &if ids.is_empty() {
            " AND 1 = 0".to_owned()
        } else {
            format!(" AND project_id IN ({})", ids.join(", "))
        };
    }
    if let Some(project) = query.project {
        sql += &format!(" AND project_id = {}", params.text(project.to_string()));
    }
    if let Some(from) = query.from {
        sql += &format!(" AND created_at >= {}", params.int(from.timestamp_millis()));
    }
    if let Some(to) = query.to {
        sql += &format!(" AND created_at < {}", params.int(to.timestamp_millis()));
    }
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let rows: Vec<EntryRow> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let seq = row.seq;
            row.into_entry().map(|entry| (entry, seq))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.page(rows))
}
