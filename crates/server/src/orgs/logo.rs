//! Org logos: PNG, JPEG or SVG, at most 2 MB, judged by their bytes, stored in the
//! database so every instance serves the same image. An SVG is drawn to a PNG on upload
//! ([`crate::orgs::svg`]) and only the PNG is kept: what is served is PNG or JPEG.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::org::Org;
use orgdesk_model::{validate, Capability, OrgId, UserId};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::membership::OrgKey;
use crate::membership::{self, require};
use crate::orgs::error::{LogoRefusal, OrgError};
use crate::orgs::repo;
use crate::orgs::svg;

const PNG: &str = "image/png";
const SVG: &str = "image/svg+xml";

/// A stored logo, ready to serve.
pub struct Logo {
    pub content_type: String,
    pub etag: String,
    pub bytes: Vec<u8>,
}

/// The media type named by a `Content-Type` header, without parameters.
pub fn declared_type(header: Option<&str>) -> Option<String> {
    let value = header?.split(';').next()?.trim().to_ascii_lowercase();
    (!value.is_empty()).then_some(value)
}

/// Checks an upload: an accepted declared type, and bytes of that type.
pub fn check_upload(declared: Option<&str>, bytes: &[u8]) -> Result<&'static str, AppError> {
    if bytes.len() > validate::LOGO_MAX_BYTES {
        return Err(AppError::PayloadTooLarge {
            max_bytes: validate::LOGO_MAX_BYTES,
        });
    }
    let declared = declared
        .filter(|d| validate::LOGO_TYPES.contains(d))
        .ok_or(OrgError::Logo(LogoRefusal::NotAccepted))?;
    let sniffed = validate::sniff_logo(bytes)
        .filter(|s| *s == declared)
        .ok_or(OrgError::Logo(LogoRefusal::Mismatch))?;
    Ok(sniffed)
}

/// The image to keep for a checked upload: PNG and JPEG as they are, an SVG drawn to PNG
/// (on a blocking thread: drawing is CPU work).
async fn stored_image(
    content_type: &'static str,
    bytes: Vec<u8>,
) -> Result<(&'static str, Vec<u8>), AppError> {
    if content_type != SVG {
        return Ok((content_type, bytes));
    }
    let drawn = tokio::task::spawn_blocking(move || svg::to_png(&bytes))
        .await
        .map_err(|_| AppError::Panic)?;
    match drawn {
        Ok(png) => Ok((PNG, png)),
        Err(error) => {
            tracing::info!(%error, "SVG logo refused");
            Err(OrgError::Logo(LogoRefusal::UnreadableSvg).into())
        }
    }
}

/// A content hash: the first 16 hex digits of the SHA-256.
fn content_etag(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))[..16].to_owned()
}

pub async fn put(
    db: &Db,
    actor: &Actor,
    key: &OrgKey,
    declared: Option<&str>,
    bytes: Vec<u8>,
) -> Result<Org, AppError> {
    // Who may, and what it is, before any drawing; the drawing before the write lock.
    {
        let mut conn = db.pool().acquire().await?;
        let view = membership::find(&mut conn, key, actor.user_id).await?;
        require(&view, Capability::EditSettings)?;
    }
    let uploaded = check_upload(declared, &bytes)?;
    let (content_type, bytes) = stored_image(uploaded, bytes).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, key, actor.user_id).await?;
    require(&view, Capability::EditSettings)?;
    let etag = content_etag(&bytes);
    store(&mut tx, view.org.id, content_type, &etag, &bytes, now).await?;
    repo::bump_version(&mut tx, view.org.id, now).await?;
    Entry::org(view.org.id, AuditAction::OrgLogoUpdated)
        .details(json!({
            "content_type": content_type,
            "uploaded_as": uploaded,
            "etag": etag,
            "size": bytes.len(),
        }))
        .write(&mut tx, actor, now)
        .await?;
    let updated = membership::find(&mut tx, &OrgKey::Id(view.org.id), actor.user_id).await?;
    tx.commit().await?;
    Ok(updated.org)
}

async fn store(
    conn: &mut AnyConnection,
    org: OrgId,
    content_type: &str,
    etag: &str,
    bytes: &[u8],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_logos (org_id, content_type, etag, size, bytes, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (org_id) DO UPDATE SET content_type = excluded.content_type, \
         etag = excluded.etag, size = excluded.size, bytes = excluded.bytes, \
         updated_at = excluded.updated_at",
    )
    .bind(org.to_string())
    .bind(content_type)
    .bind(etag)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(bytes.to_vec())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Draws the logos stored as SVG (by a server from before SVGs were drawn on upload) to
/// PNG, once: afterwards none is left. One that cannot be drawn is removed, and logged.
pub async fn redraw_stored_svgs(db: &Db) -> Result<(), AppError> {
    let orgs: Vec<(String,)> =
        sqlx::query_as("SELECT org_id FROM org_logos WHERE content_type = $1")
            .bind(SVG)
            .fetch_all(db.pool())
            .await?;
    for (org,) in orgs {
        let org_id: OrgId = org.parse().map_err(|_| AppError::CorruptRow("org id"))?;
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT bytes FROM org_logos WHERE org_id = $1 AND content_type = $2")
                .bind(&org)
                .bind(SVG)
                .fetch_optional(db.pool())
                .await?;
        let Some((bytes,)) = row else { continue };
        let drawn = tokio::task::spawn_blocking(move || svg::to_png(&bytes)).await?;
        let now = now_ms();
        let mut tx = db.write().await?;
        match drawn {
            Ok(png) => store(&mut tx, org_id, PNG, &content_etag(&png), &png, now).await?,
            Err(error) => {
                tracing::warn!(%org, %error, "a stored SVG logo cannot be drawn: removed");
                sqlx::query("DELETE FROM org_logos WHERE org_id = $1")
                    .bind(&org)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The logo of an org `user` belongs to; 404 when there is none.
pub async fn get(db: &Db, user: UserId, key: &OrgKey) -> Result<Logo, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, key, user).await?;
    require(&view, Capability::ViewOrg)?;
    let row: Option<(String, String, Vec<u8>)> =
        sqlx::query_as("SELECT content_type, etag, bytes FROM org_logos WHERE org_id = $1")
            .bind(view.org.id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    let (content_type, etag, bytes) = row.ok_or(AppError::NotFound)?;
    Ok(Logo {
        content_type,
        etag,
        bytes,
    })
}

/// Removes the logo; removing none is fine too.
pub async fn delete(db: &Db, actor: &Actor, key: &OrgKey) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, key, actor.user_id).await?;
    require(&view, Capability::EditSettings)?;
    let removed = sqlx::query("DELETE FROM org_logos WHERE org_id = $1")
        .bind(view.org.id.to_string())
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() > 0 {
        repo::bump_version(&mut tx, view.org.id, now).await?;
        Entry::org(view.org.id, AuditAction::OrgLogoRemoved)
            .write(&mut tx, actor, now)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn uploads_are_judged_by_their_bytes() {
        assert_eq!(check_upload(Some("image/png"), PNG).unwrap(), "image/png");
        assert!(matches!(
            check_upload(Some("image/jpeg"), PNG),
            Err(e) if matches!(e.domain(), Some(OrgError::Logo(LogoRefusal::Mismatch)))
        ));
        assert!(matches!(
            check_upload(Some("image/gif"), b"GIF89a"),
            Err(e) if matches!(e.domain(), Some(OrgError::Logo(LogoRefusal::NotAccepted)))
        ));
        assert_eq!(
            check_upload(Some("image/svg+xml"), b"<svg onload=\"x()\"></svg>").unwrap(),
            "image/svg+xml"
        );
        assert_eq!(
            declared_type(Some("Image/PNG; q=1")).as_deref(),
            Some("image/png")
        );
        assert_eq!(content_etag(PNG).len(), 16);
    }
}
