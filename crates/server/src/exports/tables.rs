//! The files of the archive that hold an org's records, each read from the database in
//! pages by key (keyset pagination, never OFFSET) and written as it is read: CSV (every
//! text cell formula-safe, see `orgdesk_model::spreadsheet`) or JSON lines.
//!
//! What is never read, so never written: password hashes, token hashes, API key hashes,
//! webhook signing secrets (sealed or not), sessions, idempotency keys and request hashes.

use orgdesk_model::spreadsheet::cell;
use orgdesk_model::OrgId;
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::Row as _;

use crate::config::Backend;
use crate::db::{to_datetime, Db};
use crate::exports::archive::{Archive, RunError};

/// Records read per page.
pub const PAGE: i64 = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

/// How a column is stored, and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    /// Unix milliseconds, written as RFC 3339.
    Time,
    /// 0 or 1, written as `false` or `true`.
    Flag,
    /// JSON text, written as JSON (in JSON lines) or as its text (in CSV).
    Json,
}

/// Which columns are the page key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A text id in this column: `$2` is the last one read.
    Text(usize),
    /// A number in this column: `$2` is the last one read.
    Int(usize),
    /// A time and a text id: `$2`, `$3` are the last ones read.
    TimeThenText(usize, usize),
}

/// One file of records.
pub struct Table {
    pub file: &'static str,
    pub format: Format,
    pub columns: &'static [(&'static str, Kind)],
    /// `$1` the org, then the key (see [`Key`]), then the page size; `{agg}` is the
    /// backend's string aggregate.
    pub select: &'static str,
    pub count: &'static str,
    pub key: Key,
}

use Kind::{Flag, Int, Json, Text, Time};

pub const TABLES: [Table; 8] = [
    Table {
        file: "members.csv",
        format: Format::Csv,
        columns: &[
            ("user_id", Text),
            ("email", Text),
            ("display_name", Text),
            ("role", Text),
            ("project_scoped", Flag),
            ("project_ids", Text),
            ("joined_at", Time),
        ],
        select: "SELECT m.user_id, u.email, u.display_name, \
                 CASE WHEN o.owner_user_id = m.user_id THEN 'owner' ELSE m.role END, \
                 m.project_scoped, \
                 (SELECT {agg} FROM membership_projects p \
                  WHERE p.org_id = m.org_id AND p.user_id = m.user_id), \
                 m.created_at \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 JOIN orgs o ON o.id = m.org_id \
                 WHERE m.org_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3",
        count: "SELECT COUNT(*) FROM memberships WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "invitations.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("email", Text),
            ("role", Text),
            ("project_scoped", Flag),
            ("status", Text),
            ("invited_by", Text),
            ("created_at", Time),
            ("expires_at", Time),
            ("updated_at", Time),
        ],
        select: "SELECT id, email, role, project_scoped, status, invited_by, created_at, \
                 expires_at, updated_at FROM invitations \
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM invitations WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "projects.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("slug", Text),
            ("name", Text),
            ("description", Text),
            ("status", Text),
            ("suspended_reason", Text),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        select: "SELECT id, slug, name, description, status, suspended_reason, created_at, \
                 updated_at FROM projects WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM projects WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "ledger.csv",
        format: Format::Csv,
        columns: &[
            ("seq", Int),
            ("id", Text),
            ("created_at", Time),
            ("kind", Text),
            ("amount", Int),
            ("balance_after", Int),
            ("project_id", Text),
            ("user_id", Text),
            ("api_key_id", Text),
            ("modality", Text),
            ("quantity", Int),
            ("rate_version", Int),
            ("reference", Text),
            ("description", Text),
            ("period", Text),
        ],
        select: "SELECT seq, id, created_at, kind, amount, balance_after, project_id, \
                 user_id, api_key_id, modality, quantity, rate_version, reference, \
                 description, period FROM ledger_entries \
                 WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        count: "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1",
        key: Key::Int(0),
    },
    Table {
        file: "usage.csv",
        format: Format::Csv,
        columns: &[
            ("ledger_seq", Int),
            ("created_at", Time),
            ("project_id", Text),
            ("user_id", Text),
            ("api_key_id", Text),
            ("modality", Text),
            ("quantity", Int),
            ("rate_version", Int),
            ("credits", Int),
            ("description", Text),
        ],
        select: "SELECT seq, created_at, project_id, user_id, api_key_id, modality, quantity, \
                 rate_version, -amount, description FROM ledger_entries \
                 WHERE org_id = $1 AND kind = 'usage' AND seq > $2 ORDER BY seq LIMIT $3",
        count: "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'usage'",
        key: Key::Int(0),
    },
    Table {
        file: "audit-log.jsonl",
        format: Format::JsonLines,
        columns: &[
            ("id", Text),
            ("created_at", Time),
            ("actor_id", Text),
            ("actor_kind", Text),
            ("action", Text),
            ("target_type", Text),
            ("target_id", Text),
            ("project_id", Text),
            ("ip", Text),
            ("user_agent", Text),
            ("details", Json),
        ],
        select: "SELECT id, created_at, actor_id, actor_kind, action, target_type, target_id, \
                 project_id, ip, user_agent, details FROM audit_events \
                 WHERE org_id = $1 AND (created_at, id) > ($2, $3) \
                 ORDER BY created_at, id LIMIT $4",
        count: "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
        key: Key::TimeThenText(1, 0),
    },
    Table {
        file: "api-keys.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("name", Text),
            ("prefix", Text),
            ("scopes", Text),
            ("project_id", Text),
            ("created_by", Text),
            ("created_at", Time),
            ("expires_at", Time),
            ("last_used_at", Time),
            ("revoked_at", Time),
        ],
        select: "SELECT id, name, prefix, scopes, project_id, created_by, created_at, \
                 expires_at, last_used_at, revoked_at FROM api_keys \
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM api_keys WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "webhooks.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("url", Text),
            ("description", Text),
            ("all_events", Flag),
            ("events", Text),
            ("enabled", Flag),
            ("disabled_reason", Text),
            ("created_at", Time),
            ("updated_at", Time),
            ("last_attempt_at", Time),
            ("last_status_code", Int),
            ("last_success_at", Time),
            ("failure_streak", Int),
        ],
        select: "SELECT id, url, description, all_events, events, enabled, disabled_reason, \
                 created_at, updated_at, last_attempt_at, last_status_code, last_success_at, \
                 failure_streak FROM webhooks \
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM webhooks WHERE org_id = $1",
        key: Key::Text(0),
    },
];

/// A value read from a row.
#[derive(Debug, Clone)]
enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
}

impl Cell {
    fn text(&self, kind: Kind) -> String {
        match (self, kind) {
            (Cell::Text(None) | Cell::Int(None), _) => String::new(),
            (Cell::Text(Some(text)), _) => cell(text),
            (Cell::Int(Some(n)), Time) => to_datetime(*n).to_rfc3339(),
            (Cell::Int(Some(n)), Flag) => (*n != 0).to_string(),
            (Cell::Int(Some(n)), _) => n.to_string(),
        }
    }

    fn json(&self, kind: Kind) -> Value {
        match (self, kind) {
            (Cell::Text(None) | Cell::Int(None), _) => Value::Null,
            (Cell::Text(Some(text)), Json) => {
                serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
            }
            (Cell::Text(Some(text)), _) => Value::String(text.clone()),
            (Cell::Int(Some(n)), Time) => Value::String(to_datetime(*n).to_rfc3339()),
            (Cell::Int(Some(n)), Flag) => Value::Bool(*n != 0),
            (Cell::Int(Some(n)), _) => Value::from(*n),
        }
    }
}

fn read(row: &AnyRow, columns: &[(&str, Kind)]) -> Result<Vec<Cell>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Text | Json => Cell::Text(row.try_get(i)?),
                Int | Time | Flag => Cell::Int(row.try_get(i)?),
            })
        })
        .collect()
}

/// Where the next page starts.
#[derive(Debug, Clone)]
enum After {
    Text(String),
    Int(i64),
    TimeThenText(i64, String),
}

impl After {
    fn first(key: Key) -> Self {
        match key {
            Key::Text(_) => Self::Text(String::new()),
            Key::Int(_) => Self::Int(i64::MIN),
            Key::TimeThenText(..) => Self::TimeThenText(i64::MIN, String::new()),
        }
    }

    fn of(key: Key, cells: &[Cell]) -> Result<Self, RunError> {
        let text = |i: usize| match &cells[i] {
            Cell::Text(Some(text)) => Ok(text.clone()),
            _ => Err(RunError::Corrupt("page key")),
        };
        let int = |i: usize| match &cells[i] {
            Cell::Int(Some(n)) => Ok(*n),
            _ => Err(RunError::Corrupt("page key")),
        };
        Ok(match key {
            Key::Text(i) => Self::Text(text(i)?),
            Key::Int(i) => Self::Int(int(i)?),
            Key::TimeThenText(t, i) => Self::TimeThenText(int(t)?, text(i)?),
        })
    }
}

fn sql(table: &Table, backend: Backend) -> String {
    let agg = match backend {
        Backend::Sqlite => "group_concat(p.project_id, ' ')",
        Backend::Postgres => "string_agg(p.project_id, ' ')",
    };
    table.select.replace("{agg}", agg)
}

async fn page(db: &Db, sql: &str, org: OrgId, after: &After) -> Result<Vec<AnyRow>, sqlx::Error> {
    let query = sqlx::query(sql).bind(org.to_string());
    let query = match after {
        After::Text(id) => query.bind(id.clone()),
        After::Int(n) => query.bind(*n),
        After::TimeThenText(at, id) => query.bind(*at).bind(id.clone()),
    };
    query.bind(PAGE).fetch_all(db.pool()).await
}

/// The records of every table: the export's total.
pub async fn total(db: &Db, org: OrgId) -> Result<u64, sqlx::Error> {
    let mut total = 0_u64;
    for table in &TABLES {
        let (count,): (i64,) = sqlx::query_as(table.count)
            .bind(org.to_string())
            .fetch_one(db.pool())
            .await?;
        total += u64::try_from(count).unwrap_or(0);
    }
    Ok(total)
}

fn csv_error(error: csv::Error) -> RunError {
    RunError::Io(std::io::Error::other(error))
}

fn csv_line(cells: impl IntoIterator<Item = String>) -> Result<Vec<u8>, RunError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(cells).map_err(csv_error)?;
    writer
        .into_inner()
        .map_err(|e| RunError::Io(e.into_error()))
}

/// Writes `table`'s file of the org's records, page by page.
pub async fn write(
    db: &Db,
    archive: &mut Archive,
    org: OrgId,
    table: &Table,
) -> Result<(), RunError> {
    let started = std::time::Instant::now();
    let sql = sql(table, db.backend());
    let mut file = archive.file(table.file).await?;
    if table.format == Format::Csv {
        let header = csv_line(table.columns.iter().map(|(name, _)| (*name).to_owned()))?;
        file.write(&header, 0).await?;
    }
    let mut after = After::first(table.key);
    loop {
        let rows = page(db, &sql, org, &after).await?;
        let Some(last) = rows.last() else { break };
        after = After::of(table.key, &read(last, table.columns)?)?;
        let bytes = match table.format {
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(Vec::new());
                for row in &rows {
                    let cells = read(row, table.columns)?;
                    let line = cells
                        .iter()
                        .zip(table.columns)
                        .map(|(cell, (_, kind))| cell.text(*kind));
                    writer.write_record(line).map_err(csv_error)?;
                }
                writer
                    .into_inner()
                    .map_err(|e| RunError::Io(e.into_error()))?
            }
            Format::JsonLines => {
                let mut bytes = Vec::new();
                for row in &rows {
                    let cells = read(row, table.columns)?;
                    let object: Map<String, Value> = cells
                        .iter()
                        .zip(table.columns)
                        .map(|(cell, (name, kind))| ((*name).to_owned(), cell.json(*kind)))
                        .collect();
                    serde_json::to_writer(&mut bytes, &object)
                        .map_err(|e| RunError::Io(std::io::Error::other(e)))?;
                    bytes.push(b'\n');
                }
                bytes
            }
        };
        file.write(&bytes, rows.len() as u64).await?;
        if i64::try_from(rows.len()).unwrap_or(i64::MAX) < PAGE {
            break;
        }
    }
    file.close().await?;
    tracing::debug!(
        file = table.file,
        elapsed_ms = started.elapsed().as_millis(),
        "export file written"
    );
    Ok(())
}
