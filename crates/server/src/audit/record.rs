//! Writing audit events, always on the connection of the transaction that makes the change
//! (so an event exists exactly when its change does), with the webhook deliveries the
//! event causes ([`crate::audit::fanout`]).

use orgdesk_model::audit::{AuditAction, AuditActorKind, AuditTarget};
use orgdesk_model::{AuditEventId, OrgId, ProjectId};
use serde_json::{json, Map, Value};
use sqlx::AnyConnection;

use crate::audit::fanout;
use crate::auth::Actor;

/// One event, built up and then written with [`Entry::write`].
#[must_use]
pub struct Entry {
    org: OrgId,
    action: AuditAction,
    target_id: Option<String>,
    project: Option<ProjectId>,
    details: Value,
}

impl Entry {
    /// An event about `target_id`, of the kind `action` is about.
    pub fn new(org: OrgId, action: AuditAction, target_id: impl ToString) -> Self {
        Self {
            org,
            action,
            target_id: Some(target_id.to_string()),
            project: None,
            details: json!({}),
        }
    }

    /// An event about the org itself.
    pub fn org(org: OrgId, action: AuditAction) -> Self {
        debug_assert_eq!(action.target(), AuditTarget::Org);
        Self::new(org, action, org)
    }

    /// An event about a project (also filed under that project).
    pub fn project(org: OrgId, action: AuditAction, project: ProjectId) -> Self {
        debug_assert_eq!(action.target(), AuditTarget::Project);
        let mut entry = Self::new(org, action, project);
        entry.project = Some(project);
        entry
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub async fn write(
        self,
        conn: &mut AnyConnection,
        actor: &Actor,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.write_by(conn, Some(actor), now).await
    }

    /// Writes the event with `actor`, or as the system (no person) when `None`: e.g. a
    /// low-balance crossing caused by an API key.
    pub async fn write_by(
        self,
        conn: &mut AnyConnection,
        actor: Option<&Actor>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let kind = match actor {
            Some(_) => AuditActorKind::Person,
            None => AuditActorKind::System,
        };
        self.insert(conn, kind, actor, now).await
    }

    /// Writes the event as the server's operator (its command line), naming no person.
    pub async fn write_as_operator(
        self,
        conn: &mut AnyConnection,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.insert(conn, AuditActorKind::Operator, None, now).await
    }

    async fn insert(
        self,
        conn: &mut AnyConnection,
        kind: AuditActorKind,
        actor: Option<&Actor>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        // Debug builds (every test) hold each event's details to its published type.
        #[cfg(debug_assertions)]
        if let Err(error) = orgdesk_model::event_data::check(self.action, &self.details) {
            panic!(
                "{} details are not a {}: {error}: {}",
                self.action.as_str(),
                orgdesk_model::event_data::details_type(self.action),
                self.details
            );
        }
        let id = AuditEventId::new();
        sqlx::query(
            "INSERT INTO audit_events (id, org_id, actor_id, actor_kind, action, target_type, \
             target_id, project_id, ip, user_agent, details, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id.to_string())
        .bind(self.org.to_string())
        .bind(actor.map(|a| a.user_id.to_string()))
        .bind(kind.as_str())
        .bind(self.action.as_str())
        .bind(self.action.target().as_str())
        .bind(self.target_id.clone())
        .bind(self.project.map(|p| p.to_string()))
        .bind(actor.and_then(|a| a.ip.clone()))
        .bind(actor.and_then(|a| a.user_agent.clone()))
        .bind(self.details.to_string())
        .bind(now)
        .execute(&mut *conn)
        .await?;
        let event = fanout::Event {
            id,
            org: self.org,
            action: self.action,
            actor_kind: kind,
            actor: actor.map(|a| a.user_id),
            target_id: self.target_id.as_deref(),
            project: self.project,
            details: &self.details,
            at: now,
        };
        fanout::event(conn, &event).await?;
        Ok(())
    }
}

/// Changed fields as `{"field": {"old": …, "new": …}}`; unchanged ones are left out.
#[derive(Debug, Default)]
pub struct Changes(Map<String, Value>);

impl Changes {
    pub fn field<T: serde::Serialize + PartialEq>(mut self, name: &str, old: T, new: T) -> Self {
        if old != new {
            self.0
                .insert(name.to_owned(), json!({ "old": old, "new": new }));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_details(self) -> Value {
        json!({ "changes": Value::Object(self.0) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_keep_only_what_changed() {
        let changes = Changes::default()
            .field("name", "Acme", "Acme Labs")
            .field("slug", "acme", "acme");
        assert_eq!(
            changes.into_details(),
            json!({ "changes": { "name": { "old": "Acme", "new": "Acme Labs" } } })
        );
        assert!(Changes::default().field("x", 1, 1).is_empty());
    }
}
