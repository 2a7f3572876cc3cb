//! Reading a file's records from the database in pages by key (keyset pagination, never
//! OFFSET) and writing each page into the archive as it is read: CSV (every text cell
//! formula-safe, see `orgdesk_model::spreadsheet`) or JSON lines.

use orgdesk_model::spreadsheet::cell;
use orgdesk_model::OrgId;
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::Row as _;

use crate::config::Backend;
use crate::db::{to_datetime, Db};
use crate::exports::archive::{Archive, RunError};
use crate::exports::tables::{Format, Key, Kind, Table, TABLES};

/// Records read per page.
pub const PAGE: i64 = 2_000;

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
            (Cell::Int(Some(n)), Kind::Time) => to_datetime(*n).to_rfc3339(),
            (Cell::Int(Some(n)), Kind::Flag) => (*n != 0).to_string(),
            (Cell::Int(Some(n)), _) => n.to_string(),
        }
    }

    fn json(&self, kind: Kind) -> Value {
        match (self, kind) {
            (Cell::Text(None) | Cell::Int(None), _) => Value::Null,
            (Cell::Text(Some(text)), Kind::Json) => {
                serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
            }
            (Cell::Text(Some(text)), _) => Value::String(text.clone()),
            (Cell::Int(Some(n)), Kind::Time) => Value::String(to_datetime(*n).to_rfc3339()),
            (Cell::Int(Some(n)), Kind::Flag) => Value::Bool(*n != 0),
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
                Kind::Text | Kind::Json => Cell::Text(row.try_get(i)?),
                Kind::Int | Kind::Time | Kind::Flag => Cell::Int(row.try_get(i)?),
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
