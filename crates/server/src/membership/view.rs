//! Who may reach an org, and how: every org-scoped route starts here. A non-member gets
//! exactly what a missing org gets (404); a member of an org whose security policy
//! requires two-factor sign-in, without it on, gets 403 `mfa_required_by_org` (for that
//! org only: the view of another org, or of their personal context, is built apart); a
//! member whose role lacks the capability gets 403; people-management in a personal
//! context gets 409.

use orgdesk_model::org::{LogoInfo, Membership, Org, OrgKind, PendingDeletion};
use orgdesk_model::role::{allows_in, capabilities};
use orgdesk_model::{Capability, OrgId, Plan, Role, UserId};
use sqlx::AnyConnection;

use crate::db::{lock_org, to_datetime};
use crate::error::AppError;
use crate::membership::error::AccessError;
use crate::membership::OrgKey;

/// The org row with its logo, as every reader of an org selects it.
pub(crate) const SELECT_ORG: &str = "SELECT o.id, o.kind, o.slug, o.name, o.sort_name, \
     o.description, o.website, o.plan, o.version, o.created_at, l.content_type AS logo_type, \
     l.etag AS logo_etag, l.size AS logo_size, o.deletion_scheduled_at, o.deletion_purge_at, \
     o.deletion_scheduled_by";
pub(crate) const FROM_ORG: &str = "FROM orgs o LEFT JOIN org_logos l ON l.org_id = o.id";
/// The role the API shows: the org's one owner, else the stored `admin` or `member`.
pub(crate) const ROLE: &str =
    "CASE WHEN o.owner_user_id = m.user_id THEN 'owner' ELSE m.role END AS role";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OrgRecord {
    pub id: String,
    pub kind: String,
    slug: String,
    name: String,
    pub sort_name: String,
    description: Option<String>,
    website: Option<String>,
    plan: String,
    version: i64,
    created_at: i64,
    logo_type: Option<String>,
    logo_etag: Option<String>,
    logo_size: Option<i64>,
    deletion_scheduled_at: Option<i64>,
    deletion_purge_at: Option<i64>,
    deletion_scheduled_by: Option<String>,
}

/// An org row joined with one membership (`SELECT_ORG, ROLE FROM_ORG JOIN memberships m`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct MemberRecord {
    #[sqlx(flatten)]
    pub org: OrgRecord,
    role: String,
}

/// An org as one member sees it.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub org: Org,
    pub role: Role,
}

impl MemberView {
    /// The wire form: the org, the role and what the role may do there.
    pub fn into_membership(self) -> Membership {
        let capabilities = capabilities(self.org.kind, self.role);
        Membership {
            org: self.org,
            role: self.role,
            capabilities,
            sso_required: false,
        }
    }
}

impl MemberRecord {
    pub(crate) fn into_view(self) -> Result<MemberView, AppError> {
        let role = Role::parse(&self.role).ok_or(AppError::CorruptRow("membership role"))?;
        Ok(MemberView {
            org: self.org.into_org()?,
            role,
        })
    }
}

/// The logo of an org from the columns of its `org_logos` row (all `NULL` without one).
pub(crate) fn logo_info(
    content_type: Option<String>,
    etag: Option<String>,
    size: Option<i64>,
) -> Result<Option<LogoInfo>, AppError> {
    match (content_type, etag, size) {
        (Some(content_type), Some(etag), Some(size)) => Ok(Some(LogoInfo {
            content_type,
            etag,
            size: u32::try_from(size).map_err(|_| AppError::CorruptRow("logo size"))?,
        })),
        _ => Ok(None),
    }
}

impl OrgRecord {
    fn into_org(self) -> Result<Org, AppError> {
        let logo = logo_info(self.logo_type, self.logo_etag, self.logo_size)?;
        Ok(Org {
            id: self
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("org id"))?,
            kind: OrgKind::parse(&self.kind).ok_or(AppError::CorruptRow("org kind"))?,
            slug: self.slug,
            name: self.name,
            description: self.description,
            website: self.website,
            logo,
            plan: Plan::parse(&self.plan).ok_or(AppError::CorruptRow("org plan"))?,
            version: self.version,
            created_at: to_datetime(self.created_at),
            pending_deletion: match (self.deletion_scheduled_at, self.deletion_purge_at) {
                (Some(at), Some(purge_at)) => Some(PendingDeletion {
                    scheduled_at: to_datetime(at),
                    purge_at: to_datetime(purge_at),
                    scheduled_by: self.deletion_scheduled_by.and_then(|id| id.parse().ok()),
                }),
                _ => None,
            },
        })
    }
}

/// Which org holds `slug`, now or formerly.
pub async fn holder(conn: &mut AnyConnection, slug: &str) -> Result<Option<OrgId>, AppError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT org_id FROM org_slugs WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    row.map(|(id,)| id.parse().map_err(|_| AppError::CorruptRow("org id")))
        .transpose()
}

/// Whether an org has this id.
pub async fn exists(conn: &mut AnyConnection, org: OrgId) -> Result<bool, AppError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// The id of the org named by `key`, whoever may see it.
pub async fn resolve(conn: &mut AnyConnection, key: &OrgKey) -> Result<Option<OrgId>, AppError> {
    match key {
        OrgKey::Id(id) => Ok(Some(*id)),
        OrgKey::Slug(slug) => holder(conn, slug).await,
    }
}

/// A membership with whether the org's policy shuts it out for want of two-factor.
#[derive(Debug, sqlx::FromRow)]
struct CheckedRecord {
    #[sqlx(flatten)]
    member: MemberRecord,
    /// 1 when the org requires two-factor sign-in and the member has not turned it on.
    two_factor_missing: i64,
}

/// Whether the org requires two-factor sign-in of a member who has not turned it on
/// (`p`: the org's policy, `t`: the member's two-factor row, both left-joined).
pub(crate) const TWO_FACTOR_MISSING: &str = "CASE WHEN COALESCE(p.require_two_factor, 0) = 1      AND t.enabled_at IS NULL THEN 1 ELSE 0 END AS two_factor_missing";

/// The org named by `key` as `user` sees it, and whether its policy shuts them out.
async fn lookup(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<Option<(MemberView, bool)>, AppError> {
    let (filter, value) = match key {
        OrgKey::Id(id) => ("o.id = $2", id.to_string()),
        OrgKey::Slug(slug) => (
            "o.id = (SELECT org_id FROM org_slugs WHERE slug = $2)",
            slug.clone(),
        ),
    };
    let sql = format!(
        "{SELECT_ORG}, {ROLE}, {TWO_FACTOR_MISSING} {FROM_ORG} \
         JOIN memberships m ON m.org_id = o.id AND m.user_id = $1 \
         LEFT JOIN org_security_policies p ON p.org_id = o.id \
         LEFT JOIN two_factor t ON t.user_id = m.user_id \
         WHERE {filter}"
    );
    let record: Option<CheckedRecord> = sqlx::query_as(&sql)
        .bind(user.to_string())
        .bind(value)
        .fetch_optional(conn)
        .await?;
    record
        .map(|r| Ok((r.member.into_view()?, r.two_factor_missing == 1)))
        .transpose()
}

/// The org named by `key`, if `user` is a member; otherwise `None`, exactly as for an org
/// that does not exist. The org's security policy is not applied: for a membership just
/// made (an accepted invitation) or re-read after a change the caller was allowed to make.
pub async fn find_for_member(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<Option<MemberView>, AppError> {
    Ok(lookup(conn, key, user).await?.map(|(view, _)| view))
}

/// The org as `user` sees it, for reading: 404 for a non-member, 403
/// `mfa_required_by_org` for a member the org's security policy shuts out.
pub async fn find(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    match lookup(conn, key, user).await? {
        None => Err(AppError::NotFound),
        Some((_, true)) => Err(AccessError::TwoFactorRequired.into()),
        Some((view, false)) => Ok(view),
    }
}

/// The org as `user` sees it, with its row locked for the rest of the transaction, so
/// that concurrent changes to its members, seats and projects happen one after the other.
/// The membership is read after the lock is taken, so it is the current one. Every change
/// to an org starts here, so an org scheduled for deletion answers 409
/// `org_pending_deletion` (it is read-only until the owner cancels).
pub async fn lock_for_member(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    let view = lock_even_pending(conn, key, user).await?;
    if view.org.pending_deletion.is_some() {
        return Err(AccessError::PendingDeletion.into());
    }
    Ok(view)
}

/// 409 `org_pending_deletion` if `org` is scheduled for deletion: for changes that reach
/// an org without [`lock_for_member`] (accepting an invitation to it).
pub async fn refuse_if_pending(conn: &mut AnyConnection, org: OrgId) -> Result<(), AppError> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT deletion_purge_at FROM orgs WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    match row {
        Some((Some(_),)) => Err(AccessError::PendingDeletion.into()),
        _ => Ok(()),
    }
}

/// Like [`lock_for_member`], for what an org scheduled for deletion still allows: its
/// cancellation, and exporting it.
pub async fn lock_even_pending(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    let id = resolve(conn, key).await?.ok_or(AppError::NotFound)?;
    lock_org(conn, id).await?;
    find(conn, &OrgKey::Id(id), user).await
}

/// Fails with 403 unless the caller's role may do `capability` in this org.
pub fn require(view: &MemberView, capability: Capability) -> Result<(), AppError> {
    if allows_in(view.org.kind, view.role, capability) {
        Ok(())
    } else {
        Err(AccessError::Forbidden(capability).into())
    }
}

/// Like [`require`], for what needs other people (members, invitations, leaving,
/// transfers): a personal context answers 409 `personal_context` first.
pub fn require_team(view: &MemberView, capability: Capability) -> Result<(), AppError> {
    if view.org.kind == OrgKind::Personal {
        return Err(AccessError::PersonalContext.into());
    }
    require(view, capability)
}

/// The plan of an org (for a caller who is not yet its member, such as an invitee).
pub async fn plan_of(conn: &mut AnyConnection, org: OrgId) -> Result<Plan, AppError> {
    let (plan,): (String,) = sqlx::query_as("SELECT plan FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Plan::parse(&plan).ok_or(AppError::CorruptRow("org plan"))
}
