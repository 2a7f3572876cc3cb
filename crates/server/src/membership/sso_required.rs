//! The rule of an org's "require SSO", in one place: an org requires its single sign-on
//! of a member when its connection has `require_sso` on, the member is not its owner, and
//! the member's email is in one of the org's **verified** domains. Where it is enforced:
//! [`crate::sso::enforcement`]; here also for the membership list, so the app can show it
//! without meeting a 403.

use std::collections::HashSet;

use orgdesk_model::{OrgId, UserId};
use sqlx::AnyConnection;

/// The rule as SQL, on `o` (the org), `m` (the membership) and `u` (the member's user).
pub const REQUIRES_SSO: &str = "EXISTS (SELECT 1 FROM sso_connections c \
         WHERE c.org_id = o.id AND c.require_sso = 1) \
     AND o.owner_user_id <> m.user_id \
     AND EXISTS (SELECT 1 FROM org_domains d WHERE d.org_id = o.id \
         AND d.verified_at IS NOT NULL AND LOWER(u.email) LIKE ('%@' || d.domain))";

/// The orgs of `user` that require their SSO of them.
pub async fn orgs_of(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<HashSet<OrgId>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT o.id FROM memberships m JOIN orgs o ON o.id = m.org_id \
         JOIN users u ON u.id = m.user_id WHERE m.user_id = $1 AND {REQUIRES_SSO}"
    ))
    .bind(user.to_string())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id,)| id.parse().ok())
        .collect())
}

/// Whether `org` requires its SSO of `user`.
pub async fn applies(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(&format!(
        "SELECT o.id FROM memberships m JOIN orgs o ON o.id = m.org_id \
         JOIN users u ON u.id = m.user_id WHERE m.user_id = $1 AND o.id = $2 \
         AND {REQUIRES_SSO}"
    ))
    .bind(user.to_string())
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}
