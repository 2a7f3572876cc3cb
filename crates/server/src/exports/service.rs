//! The rules of the export routes: owners and admins (the `manage_security` capability:
//! the archive holds the org's API keys and webhooks), one queued or running export per
//! org at a time, the download only of a ready one within its week.

use chrono::Utc;
use orgdesk_model::event::AuditAction;
use orgdesk_model::export::{ExportStatus, OrgExport};
use orgdesk_model::{Capability, ExportId, OrgId, UserId};
use serde_json::json;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::exports::error::ExportError;
use crate::exports::repo;
use crate::membership::{self, require, OrgKey};

/// The capability the export routes need.
pub const CAPABILITY: Capability = Capability::ManageSecurity;

/// An export that was asked for: a new one, or the one already queued or running.
pub struct Started {
    pub export: OrgExport,
    pub created: bool,
}

/// Queues an export of the org, or answers the one already queued or running (a burst of
/// requests makes one), also while the org is scheduled for deletion. A new one is audited (`org.export_created`) in its transaction.
pub async fn start(db: &Db, actor: &Actor, org: &OrgKey) -> Result<Started, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    // An org scheduled for deletion is read-only, and may still be taken out whole.
    let view = membership::view::lock_even_pending(&mut tx, org, actor.user_id).await?;
    require(&view, CAPABILITY)?;
    if let Some(export) = repo::active(&mut tx, view.org.id).await? {
        return Ok(Started {
            export,
            created: false,
        });
    }
    let id = ExportId::new();
    let file_name = format!(
        "{}-export-{}.zip",
        view.org.slug,
        to_datetime(now).format("%Y-%m-%d")
    );
    repo::insert(&mut tx, view.org.id, id, actor.user_id, &file_name, now).await?;
    Entry::org(view.org.id, AuditAction::OrgExportCreated)
        .details(json!({ "export_id": id }))
        .write(&mut tx, actor, now)
        .await?;
    let export = repo::find(&mut tx, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Started {
        export,
        created: true,
    })
}

async fn managed_org(db: &Db, user: UserId, org: &OrgKey) -> Result<OrgId, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, org, user).await?;
    require(&view, CAPABILITY)?;
    Ok(view.org.id)
}

/// The org's last exports, newest first.
pub async fn list(db: &Db, user: UserId, org: &OrgKey) -> Result<Vec<OrgExport>, AppError> {
    let org = managed_org(db, user, org).await?;
    let mut conn = db.pool().acquire().await?;
    repo::list(&mut conn, org).await
}

pub async fn get(db: &Db, user: UserId, org: &OrgKey, id: ExportId) -> Result<OrgExport, AppError> {
    let org = managed_org(db, user, org).await?;
    let mut conn = db.pool().acquire().await?;
    repo::find(&mut conn, org, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The export, when its file may be downloaded now (ready, and within its week).
pub async fn downloadable(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    id: ExportId,
) -> Result<OrgExport, AppError> {
    let export = get(db, user, org, id).await?;
    match export.status {
        ExportStatus::Queued | ExportStatus::Running => Err(ExportError::NotReady.into()),
        ExportStatus::Failed => Err(ExportError::Failed(
            export
                .error
                .unwrap_or_else(|| "no reason was recorded".to_owned()),
        )
        .into()),
        ExportStatus::Expired => Err(ExportError::Expired.into()),
        ExportStatus::Ready if export.expires_at.is_some_and(|at| at <= Utc::now()) => {
            Err(ExportError::Expired.into())
        }
        ExportStatus::Ready => Ok(export),
    }
}
