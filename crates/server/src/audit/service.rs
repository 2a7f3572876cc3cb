//! Reading the audit log: who may (`view_audit_log`), and what they see: events within the
//! org's audit-log retention (its setting held inside its plan's bounds:
//! [`membership::retention`]), matching the filters, newest first.

use chrono::{DateTime, Utc};
use orgdesk_model::audit::{AuditAction, AuditEvent, AuditQuery};
use orgdesk_model::org::Org;
use orgdesk_model::{Capability, Page, ProjectId, UserId};

use crate::audit::repo::{self, Filter, Key};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::membership::OrgKey;
use crate::membership::{self, require};

/// The filters of a request, before the plan's retention is applied.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    pub project: Option<ProjectId>,
}

impl From<&AuditQuery> for Filters {
    fn from(q: &AuditQuery) -> Self {
        Self {
            from: q.from,
            to: q.to,
            actor: q.actor,
            action: q.action,
            project: q.project,
        }
    }
}

impl Filters {
    /// The stored filter: nothing older than `days` before `now`.
    fn within_retention(self, days: u32, now: i64) -> Filter {
        let oldest = membership::retention::cutoff(now, days);
        Filter {
            since: self
                .from
                .map_or(oldest, |from| from.timestamp_millis().max(oldest)),
            until: self.to.map(|to| to.timestamp_millis()),
            actor: self.actor,
            action: self.action,
            project: self.project,
        }
    }
}

/// The org and the stored filter, once the caller may read the log.
pub async fn authorize(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    filters: Filters,
) -> Result<(Org, Filter), AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, org, user).await?;
    require(&view, Capability::ViewAuditLog)?;
    let days = membership::retention::effective(&mut conn, view.org.id, view.org.plan)
        .await?
        .audit_log;
    let filter = filters.within_retention(days, now_ms());
    Ok((view.org, filter))
}

pub async fn list(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    query: &AuditQuery,
) -> Result<Page<AuditEvent>, AppError> {
    let page: PageRequest<Key> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let (org, filter) = authorize(db, user, org, Filters::from(query)).await?;
    let mut conn = db.pool().acquire().await?;
    let rows = repo::page(&mut conn, org.id, &filter, &page).await?;
    Ok(page.page(rows))
}
