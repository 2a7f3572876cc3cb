//! A project's status: active ⇄ suspended (with a reason shown to members), either of
//! them → archived (no longer counted toward the plan's limit), archived → active
//! (counted again, so the limit is checked).

use orgdesk_model::audit::AuditAction;
use orgdesk_model::project::{Project, ProjectStatus};
use orgdesk_model::validate::{self, Lines};
use orgdesk_model::{Capability, FieldError};
use serde_json::json;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::membership::OrgKey;
use crate::membership::{self, require};
use crate::projects::error::ProjectError;
use crate::projects::repo::{self, ProjectKey};
use crate::projects::service::{check_limit, visible};

/// A suspension reason's length, in characters.
pub const REASON_MAX: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Suspend { reason: String },
    Unsuspend,
    Archive,
    Restore,
}

impl Transition {
    /// Checks a suspension reason: 1–300 characters in its stored form
    /// ([`validate::clean`]), without control, text-direction or invisible characters.
    pub fn suspend(reason: &str) -> Result<Self, AppError> {
        let reason = validate::clean(reason);
        let n = reason.chars().count();
        let mut errors = Vec::new();
        if n == 0 || n > REASON_MAX {
            errors.push(FieldError {
                field: "reason".to_owned(),
                message: format!("Give a reason of 1 to {REASON_MAX} characters."),
            });
        }
        validate::plain_text("reason", &reason, Lines::Many, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Self::Suspend { reason })
    }

    fn action(&self) -> AuditAction {
        match self {
            Self::Suspend { .. } => AuditAction::ProjectSuspended,
            Self::Unsuspend => AuditAction::ProjectUnsuspended,
            Self::Archive => AuditAction::ProjectArchived,
            Self::Restore => AuditAction::ProjectRestored,
        }
    }

    /// The status after the transition, if it applies to `from`.
    fn target(&self, from: ProjectStatus) -> Option<ProjectStatus> {
        use ProjectStatus as S;
        match (self, from) {
            (Self::Suspend { .. }, S::Active) => Some(S::Suspended),
            (Self::Unsuspend, S::Suspended) => Some(S::Active),
            (Self::Archive, S::Active | S::Suspended) => Some(S::Archived),
            (Self::Restore, S::Archived) => Some(S::Active),
            _ => None,
        }
    }
}

pub async fn apply(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    key: &ProjectKey,
    transition: Transition,
) -> Result<Project, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    let current = visible(&mut tx, &view, actor.user_id, key).await?;
    require(&view, Capability::ManageProjects)?;
    let status = transition
        .target(current.status)
        .ok_or_else(|| ProjectError::Transition {
            status: current.status.as_str(),
            action: transition.action().as_str().trim_start_matches("project."),
        })?;
    if transition == Transition::Restore {
        check_limit(&mut tx, &view).await?;
    }
    let mut next = current.clone();
    next.status = status;
    next.suspended_reason = match &transition {
        Transition::Suspend { reason } => Some(reason.clone()),
        _ => None,
    };
    if !repo::update(&mut tx, &next, current.version, now).await? {
        return Err(AppError::VersionConflict {
            current: current.version + 1,
        });
    }
    let mut details = json!({ "from": current.status, "to": status });
    if let Transition::Suspend { reason } = &transition {
        details["reason"] = json!(reason);
    }
    Entry::project(view.org.id, transition.action(), current.id)
        .details(details)
        .write(&mut tx, actor, now)
        .await?;
    let updated = repo::find(&mut tx, view.org.id, &ProjectKey::Id(current.id))
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProjectStatus as S;

    #[test]
    fn transitions_follow_the_lifecycle() {
        let suspend = Transition::suspend(" late payment ").unwrap();
        assert_eq!(suspend.target(S::Active), Some(S::Suspended));
        assert_eq!(suspend.target(S::Archived), None);
        assert_eq!(Transition::Unsuspend.target(S::Suspended), Some(S::Active));
        assert_eq!(Transition::Unsuspend.target(S::Active), None);
        assert_eq!(Transition::Archive.target(S::Suspended), Some(S::Archived));
        assert_eq!(Transition::Restore.target(S::Archived), Some(S::Active));
        assert_eq!(Transition::Restore.target(S::Active), None);
        assert!(Transition::suspend("  ").is_err());
        assert!(Transition::suspend(&"x".repeat(301)).is_err());
    }
}
