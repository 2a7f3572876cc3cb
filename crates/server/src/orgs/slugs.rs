//! Slug reservations. `org_slugs` holds every slug an org has had; its primary key makes a
//! reservation race-free on both backends (`ON CONFLICT DO NOTHING` waits for a concurrent
//! reservation of the same slug and then reports it taken, without aborting the transaction).
//! A deleted org's slugs stay held in `retired_slugs` for [`RETIRED_FOR_MS`].

use argon2::password_hash::rand_core::{OsRng, RngCore};
use orgdesk_model::{slug, OrgId};
use sqlx::AnyConnection;

use crate::error::AppError;
use crate::orgs::error::OrgError;

/// How many candidates a generated slug tries before giving up.
const MAX_CANDIDATES: u32 = 500;

/// How long a deleted org's slugs stay held: 90 days.
pub const RETIRED_FOR_MS: i64 = 90 * 24 * 60 * 60 * 1000;

/// Reserves `slug` for `org`; `false` if any org uses or used it, or a deleted org held it
/// less than [`RETIRED_FOR_MS`] ago.
pub async fn reserve(
    conn: &mut AnyConnection,
    slug: &str,
    org: OrgId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO org_slugs (slug, org_id, created_at) SELECT $1, $2, $3 \
         WHERE NOT EXISTS (SELECT 1 FROM retired_slugs WHERE slug = $1 AND until > $3) \
         ON CONFLICT (slug) DO NOTHING",
    )
    .bind(slug)
    .bind(org.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Holds every slug of `org` (about to be deleted) back until `now` + [`RETIRED_FOR_MS`],
/// and forgets retirements that ran out.
pub async fn retire(conn: &mut AnyConnection, org: OrgId, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM retired_slugs WHERE until <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO retired_slugs (slug, org_id, until) \
         SELECT slug, org_id, $1 FROM org_slugs WHERE org_id = $2",
    )
    .bind(now.saturating_add(RETIRED_FOR_MS))
    .bind(org.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Reserves `base`, or the first free `base-2`, `base-3`, … for `org`.
pub async fn reserve_generated(
    conn: &mut AnyConnection,
    base: &str,
    org: OrgId,
    now: i64,
) -> Result<String, AppError> {
    let pattern = format!("{base}-%");
    let taken: Vec<(String,)> =
        sqlx::query_as("SELECT slug FROM org_slugs WHERE slug = $1 OR slug LIKE $2")
            .bind(base)
            .bind(&pattern)
            .fetch_all(&mut *conn)
            .await?;
    let taken: std::collections::HashSet<String> = taken.into_iter().map(|(s,)| s).collect();
    for n in 1..=MAX_CANDIDATES {
        let candidate = if n == 1 {
            base.to_owned()
        } else {
            slug::with_suffix(base, n)
        };
        if taken.contains(&candidate) || orgdesk_model::slug::looks_like_id(&candidate) {
            continue;
        }
        // Someone may have taken it since the look-up; then try the next one.
        if reserve(conn, &candidate, org, now).await? {
            return Ok(candidate);
        }
    }
    Err(OrgError::SlugTaken.into())
}

/// A `personal-<8 hex>` slug for a new personal context.
pub async fn reserve_personal(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
) -> Result<String, AppError> {
    for _ in 0..8 {
        let candidate = format!("personal-{:08x}", OsRng.next_u32());
        if reserve(conn, &candidate, org, now).await? {
            return Ok(candidate);
        }
    }
    Err(OrgError::SlugTaken.into())
}
