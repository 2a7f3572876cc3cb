//! The audit log, page by page (its export is in `exports`).

use std::sync::Arc;

use orgdesk_client::{Client, OrgRead, ReadKey};
use orgdesk_model::audit::{AuditEvent, AuditFilter};
use orgdesk_model::{OrgId, Page};

use crate::error::AppError;
use crate::reads::{Fresh, Reads};

pub struct Audit {
    reads: Arc<Reads>,
}

impl Audit {
    pub fn new(reads: Arc<Reads>) -> Self {
        Self { reads }
    }

    /// One page of the audit log, newest first.
    pub async fn log(
        &self,
        org_id: OrgId,
        filter: AuditFilter,
        cursor: Option<String>,
    ) -> Result<Fresh<Page<AuditEvent>>, AppError> {
        let key = ReadKey::of(
            org_id,
            OrgRead::Audit {
                filter: filter.clone(),
                cursor: cursor.clone(),
            },
        );
        let read = move |c: Client| async move {
            c.audit_log(org_id, &filter, cursor.as_deref(), 100).await
        };
        self.reads.read(key, read).await
    }
}
