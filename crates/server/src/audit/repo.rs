//! Reading the audit log: newest first, keyset-paginated on (created_at, id).

use orgdesk_model::audit::{AuditAction, AuditActorKind, AuditEvent, AuditTarget};
use orgdesk_model::member::PersonRef;
use orgdesk_model::{OrgId, ProjectId, UserId};
use sqlx::AnyConnection;

use crate::db::{to_datetime, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};

/// Which events to read. `since` already includes the plan's retention.
#[derive(Debug, Clone)]
pub struct Filter {
    pub since: i64,
    pub until: Option<i64>,
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    pub project: Option<ProjectId>,
}

/// The keyset position of an event: its time and id.
pub type Key = (i64, String);

/// Newest first.
const ORDER: Order<'static> = Order::descending(&["e.created_at", "e.id"]);

#[derive(Debug, sqlx::FromRow)]
struct EventRow {
    id: String,
    org_id: String,
    actor_id: Option<String>,
    actor_email: Option<String>,
    actor_name: Option<String>,
    actor_kind: String,
    action: String,
    target_type: String,
    target_id: Option<String>,
    project_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    details: String,
    created_at: i64,
}

impl EventRow {
    fn into_event(self) -> Result<(AuditEvent, Key), AppError> {
        let key = (self.created_at, self.id.clone());
        let actor = match (self.actor_id, self.actor_email, self.actor_name) {
            (Some(id), Some(email), Some(display_name)) => Some(PersonRef {
                id: id
                    .parse()
                    .map_err(|_| AppError::CorruptRow("audit actor"))?,
                email,
                display_name,
            }),
            _ => None,
        };
        let project_id = self
            .project_id
            .map(|p| p.parse().map_err(|_| AppError::CorruptRow("audit project")))
            .transpose()?;
        let event = AuditEvent {
            id: self
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("audit id"))?,
            org_id: self
                .org_id
                .parse()
                .map_err(|_| AppError::CorruptRow("audit org"))?,
            actor,
            actor_kind: AuditActorKind::parse(&self.actor_kind)
                .ok_or(AppError::CorruptRow("audit actor kind"))?,
            action: AuditAction::parse(&self.action).ok_or(AppError::CorruptRow("audit action"))?,
            target_type: AuditTarget::parse(&self.target_type)
                .ok_or(AppError::CorruptRow("audit target"))?,
            target_id: self.target_id,
            project_id,
            ip: self.ip,
            user_agent: self.user_agent,
            details: serde_json::from_str(&self.details)
                .map_err(|_| AppError::CorruptRow("audit details"))?,
            created_at: to_datetime(self.created_at),
        };
        Ok((event, key))
    }
}

/// One page of the events of `org` matching `filter`, newest first.
pub async fn page(
    conn: &mut AnyConnection,
    org: OrgId,
    filter: &Filter,
    page: &PageRequest<Key>,
) -> Result<Vec<(AuditEvent, Key)>, AppError> {
    let mut params = Params::default();
    let mut sql = format!(
        "SELECT e.id, e.org_id, e.actor_id, u.email AS actor_email, \
         u.display_name AS actor_name, e.actor_kind, e.action, e.target_type, e.target_id, e.project_id, \
         e.ip, e.user_agent, e.details, e.created_at \
         FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id \
         WHERE e.org_id = {} AND e.created_at >= {}",
        params.text(org.to_string()),
        params.int(filter.since),
    );
    if let Some(until) = filter.until {
        sql += &format!(" AND e.created_at < {}", params.int(until));
    }
    if let Some(actor) = filter.actor {
        sql += &format!(" AND e.actor_id = {}", params.text(actor.to_string()));
    }
    if let Some(action) = &filter.action {
        sql += &format!(
            " AND e.action = {}",
            params.text(action.as_str().to_owned())
        );
    }
    if let Some(project) = filter.project {
        sql += &format!(" AND e.project_id = {}", params.text(project.to_string()));
    }
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let rows: Vec<EventRow> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    rows.into_iter().map(EventRow::into_event).collect()
}
