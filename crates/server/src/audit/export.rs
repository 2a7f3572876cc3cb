//! Streaming exports of the audit log as CSV or a JSON array: pages are fetched by keyset
//! as the client reads, so the whole log is never in memory.

use axum::body::Bytes;
use futures::Stream;
use orgdesk_model::audit::{AuditActorKind, AuditEvent, ExportFormat};
use orgdesk_model::spreadsheet::cell;
use orgdesk_model::OrgId;

use crate::audit::error::AuditError;
use crate::audit::repo::{self, Filter, Key};
use crate::db::Db;
use crate::error::AppError;
use crate::http::cursor::PageRequest;

/// Events fetched per step of the stream.
const PAGE: usize = 500;

pub const CSV_HEADER: [&str; 13] = [
    "id",
    "created_at",
    "actor_id",
    "actor_email",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "project_id",
    "ip",
    "user_agent",
    "details",
    "org_id",
];

pub fn content_type(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Json => "application/json",
    }
}

pub fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    }
}

enum Stage {
    Head,
    Rows { after: Option<Key>, first: bool },
    Tail,
    Done,
}

/// The end of the document.
fn tail(format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Csv => Vec::new(),
        ExportFormat::Json => b"]".to_vec(),
    }
}

/// The export as a stream of chunks: the header, one chunk per page, the closing bracket.
pub fn stream(
    db: Db,
    org: OrgId,
    filter: Filter,
    format: ExportFormat,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    futures::stream::try_unfold(Stage::Head, move |stage| {
        let (db, filter) = (db.clone(), filter.clone());
        async move {
            let step = match stage {
                Stage::Done => return Ok(None),
                Stage::Tail => (Ok(tail(format)), Stage::Done),
                Stage::Head => {
                    let head = match format {
                        ExportFormat::Csv => {
                            csv_rows(std::iter::once(CSV_HEADER.map(str::to_owned)))
                        }
                        ExportFormat::Json => Ok(b"[".to_vec()),
                    };
                    (
                        head,
                        Stage::Rows {
                            after: None,
                            first: true,
                        },
                    )
                }
                Stage::Rows { after, first } => {
                    let mut conn = db.pool().acquire().await.map_err(failed)?;
                    let page = PageRequest { after, limit: PAGE };
                    let rows = repo::page(&mut conn, org, &filter, &page)
                        .await
                        .map_err(failed)?;
                    let (events, more) = page.split(rows);
                    if events.is_empty() {
                        return Ok(Some((Bytes::from(tail(format)), Stage::Done)));
                    }
                    let next = match more {
                        Some(key) => Stage::Rows {
                            after: Some(key),
                            first: false,
                        },
                        None => Stage::Tail,
                    };
                    let chunk = match format {
                        ExportFormat::Csv => csv_rows(events.iter().map(csv_record)),
                        ExportFormat::Json => json_items(events.iter(), first),
                    };
                    (chunk, next)
                }
            };
            let (chunk, next) = step;
            Ok(Some((Bytes::from(chunk.map_err(failed)?), next)))
        }
    })
}

fn failed(error: impl Into<AppError>) -> std::io::Error {
    let error: AppError = error.into();
    tracing::error!(%error, "audit export failed mid-stream");
    std::io::Error::other("the export could not be completed")
}

/// One event as CSV cells, each defused as the usage report's are
/// ([`orgdesk_model::spreadsheet::cell`]): names, user agents and details are free text
/// that could otherwise start a formula.
fn csv_record(event: &AuditEvent) -> [String; 13] {
    let actor = event.actor.as_ref();
    let cells = [
        event.id.to_string(),
        event.created_at.to_rfc3339(),
        actor.map(|a| a.id.to_string()).unwrap_or_default(),
        actor.map(|a| a.email.clone()).unwrap_or_default(),
        match (actor, event.actor_kind) {
            (Some(a), _) => a.display_name.clone(),
            (None, AuditActorKind::Operator) => AuditActorKind::Operator.label().to_owned(),
            (None, _) => String::new(),
        },
        event.action.as_str().to_owned(),
        event.target_type.as_str().to_owned(),
        event.target_id.clone().unwrap_or_default(),
        event.project_id.map(|p| p.to_string()).unwrap_or_default(),
        event.ip.clone().unwrap_or_default(),
        event.user_agent.clone().unwrap_or_default(),
        event.details.to_string(),
        event.org_id.to_string(),
    ];
    cells.map(|text| cell(&text))
}

/// CSV lines, quoted where needed (commas, quotes, line breaks) by the `csv` crate.
fn csv_rows(records: impl Iterator<Item = [String; 13]>) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer
            .write_record(&record)
            .map_err(|e| AuditError::Export(e.to_string()))?;
    }
    writer
        .into_inner()
        .map_err(|e| AuditError::Export(e.to_string()).into())
}

/// Array items, each preceded by a comma except the very first of the export.
fn json_items<'a>(
    events: impl Iterator<Item = &'a AuditEvent>,
    first: bool,
) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    for (n, event) in events.enumerate() {
        if !(first && n == 0) {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, event).map_err(|e| AuditError::Export(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let record = [
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "{}",
            "x",
        ]
        .map(str::to_owned);
        let bytes = csv_rows(std::iter::once(record)).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",,,,,,,,,{},x\n"
        );
    }
}
