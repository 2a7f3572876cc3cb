//! The audit log: pages to browse, and the streamed export written to a file.

use std::path::Path;

use orgdesk_model::audit::{AuditEvent, AuditFilter, ExportFormat};
use orgdesk_model::{OrgId, Page};
use reqwest::{Method, RequestBuilder};

use crate::cache::Cached;
use crate::download::stream_to_file;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

/// Adds the filters as query parameters.
fn with_filter(mut req: RequestBuilder, filter: &AuditFilter) -> RequestBuilder {
    if let Some(from) = filter.from {
        req = req.query(&[("from", from.to_rfc3339())]);
    }
    if let Some(to) = filter.to {
        req = req.query(&[("to", to.to_rfc3339())]);
    }
    if let Some(actor) = filter.actor {
        req = req.query(&[("actor", actor.to_string())]);
    }
    if let Some(action) = filter.action {
        req = req.query(&[("action", action.as_str())]);
    }
    if let Some(project) = filter.project {
        req = req.query(&[("project", project.to_string())]);
    }
    req
}

impl Client {
    pub async fn audit_log(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Cached<Page<AuditEvent>>> {
        let key = ReadKey::of(
            org,
            OrgRead::Audit {
                filter: filter.clone(),
                cursor: cursor.map(str::to_owned),
            },
        );
        let mut req = self
            .request(Method::GET, &["orgs", &org.to_string(), "audit-log"])
            .query(&[("limit", limit.to_string())]);
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.cached(key, self.json(with_filter(req, filter))).await
    }

    /// Streams the export into `dest` (written to a temporary file next to it, then renamed,
    /// so a failed download never leaves half a file). `progress` hears the bytes so far.
    pub async fn export_audit_log(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        format: ExportFormat,
        dest: &Path,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        let format = match format {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        };
        let req = self
            .request(
                Method::GET,
                &["orgs", &org.to_string(), "audit-log", "export"],
            )
            .query(&[("format", format)]);
        stream_to_file(with_filter(req, filter), dest, progress).await
    }
}
