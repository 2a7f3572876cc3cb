//! The `org_exports` and `export_chunks` tables.

use orgdesk_model::export::{ExportProgress, ExportStatus, OrgExport};
use orgdesk_model::{ExportId, OrgId, UserId};
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;

/// Exports a list shows, newest first.
pub const LIST_LIMIT: i64 = 20;

const COLUMNS: &str = "id, status, step, done, total, requested_by, created_at, finished_at, \
                       expires_at, size, sha256, file_name, error";

type Row = (
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
);

pub fn status_str(status: ExportStatus) -> &'static str {
    match status {
        ExportStatus::Queued => "queued",
        ExportStatus::Running => "running",
        ExportStatus::Ready => "ready",
        ExportStatus::Failed => "failed",
        ExportStatus::Expired => "expired",
    }
}

fn parse_status(raw: &str) -> Result<ExportStatus, AppError> {
    Ok(match raw {
        "queued" => ExportStatus::Queued,
        "running" => ExportStatus::Running,
        "ready" => ExportStatus::Ready,
        "failed" => ExportStatus::Failed,
        "expired" => ExportStatus::Expired,
        _ => return Err(AppError::CorruptRow("export status")),
    })
}

fn to_export(row: Row) -> Result<OrgExport, AppError> {
    let (id, status, step, done, total, by, created, finished, expires, size, sha, name, error) =
        row;
    let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(OrgExport {
        id: id.parse().map_err(|_| AppError::CorruptRow("export id"))?,
        status: parse_status(&status)?,
        progress: ExportProgress {
            step,
            done: unsigned(done),
            total: unsigned(total),
        },
        requested_by: by
            .map(|by| by.parse::<UserId>())
            .transpose()
            .map_err(|_| AppError::CorruptRow("export requester"))?,
        created_at: to_datetime(created),
        finished_at: finished.map(to_datetime),
        expires_at: expires.map(to_datetime),
        size: size.map(unsigned),
        sha256: sha,
        file_name: name,
        error,
    })
}

pub async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    id: ExportId,
    by: UserId,
    file_name: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_exports (id, org_id, requested_by, status, file_name, created_at) \
         VALUES ($1, $2, $3, 'queued', $4, $5)",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(by.to_string())
    .bind(file_name)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    id: ExportId,
) -> Result<Option<OrgExport>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_exports WHERE org_id = $1 AND id = $2"
    ))
    .bind(org.to_string())
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(to_export).transpose()
}

/// The org's queued or running export, if any.
pub async fn active(conn: &mut AnyConnection, org: OrgId) -> Result<Option<OrgExport>, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_exports \
         WHERE org_id = $1 AND status IN ('queued', 'running')"
    ))
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(to_export).transpose()
}

pub async fn list(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<OrgExport>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_exports WHERE org_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(org.to_string())
    .bind(LIST_LIMIT)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(to_export).collect()
}

/// The bytes of chunk `seq` of an export, if it has one.
pub async fn chunk(
    conn: &mut AnyConnection,
    id: ExportId,
    seq: i64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT bytes FROM export_chunks WHERE export_id = $1 AND seq = $2")
            .bind(id.to_string())
            .bind(seq)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(bytes,)| bytes))
}
