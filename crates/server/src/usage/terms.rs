//! What a debit is decided on, read in one statement inside the debit's transaction:
//! whether an entry under the request's idempotency key exists already, whether the key is
//! still live (not revoked or expired since the request's gate read it), the project, the
//! key's creator as they are now (role, and whether the project is within their reach),
//! the org's spend policy and whether it lists the project, whether the named person is a
//! member, and the price of the modality on the rate card in force.
//!
//! One statement instead of nine: on SQLite each statement is a round trip to the
//! connection's worker thread, and the debit's transaction holds the write lock while it
//! runs, so every statement here is one that all debits wait for in turn.

use orgdesk_model::billing::Modality;
use orgdesk_model::project::ProjectStatus;
use orgdesk_model::{ApiKeyId, OrgId, ProjectId, Role, UserId};
use sqlx::AnyConnection;

use crate::billing::rates;
use crate::error::AppError;
use crate::idempotency::Idempotency;
use crate::membership::rows::role_of;
use crate::projects::ProjectKey;

/// The project a debit is for, as much of it as the debit needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebitProject {
    pub id: ProjectId,
    pub name: String,
    pub status: ProjectStatus,
    pub suspended_reason: Option<String>,
}

/// The creator of a key, as they are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creator {
    pub role: Role,
    /// False when they are limited to some projects and this is not one of them.
    pub reaches_project: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// Whether a ledger entry carries the request's idempotency scope and key already.
    pub earlier_entry: bool,
    /// Whether the key is neither revoked nor expired. Every revocation locks the key's org
    /// (or, on SQLite, the database), which the debit holds in share mode from before this
    /// read until it commits, so a key live here stays live until then.
    pub key_live: bool,
    /// `None`: no such project in the org.
    pub project: Option<DebitProject>,
    /// `None` when the creator is no longer a member.
    pub creator: Option<Creator>,
    /// The spend policy's kind (`everyone`, `admins_only`, `projects`).
    pub policy: String,
    /// Whether the spend policy lists the project.
    pub policy_lists: bool,
    /// Whether the person the usage is for is a member (true when none is named).
    pub user_is_member: bool,
    /// The rate card's version and the modality's price per unit.
    pub rate: Option<(i64, i64)>,
}

/// The statement's one row, by column.
#[derive(Debug, sqlx::FromRow)]
struct Row {
    earlier_entries: i64,
    key_live: i64,
    project_id: Option<String>,
    project_name: Option<String>,
    project_status: Option<String>,
    suspended_reason: Option<String>,
    creator_role: Option<String>,
    creator_scoped: Option<i64>,
    owner_user_id: String,
    creator_reaches: i64,
    spend_policy: String,
    policy_lists: i64,
    user_memberships: i64,
    rate_version: Option<i64>,
    credits_per_unit: Option<i64>,
}

/// What a debit asks for.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub idempotency: &'a Idempotency,
    pub key: ApiKeyId,
    pub project: &'a ProjectKey,
    pub creator: UserId,
    pub user: Option<UserId>,
    pub modality: Modality,
}

/// The terms of a debit in `org` at `now` (what depends on a project that does not exist
/// reads as false).
pub async fn read(
    conn: &mut AnyConnection,
    org: OrgId,
    ask: Ask<'_>,
    now: i64,
) -> Result<Terms, AppError> {
    let (filter, project) = match ask.project {
        ProjectKey::Id(id) => ("id", id.to_string()),
        ProjectKey::Slug(slug) => ("slug", slug.clone()),
    };
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM ledger_entries e WHERE e.idempotency_scope = $7 \
          AND e.idempotency_key = $8) AS earlier_entries, \
         (SELECT COUNT(*) FROM api_keys k WHERE k.id = $9 AND k.org_id = o.id \
          AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $6)) AS key_live, \
         p.id AS project_id, p.name AS project_name, p.status AS project_status, \
         p.suspended_reason, m.role AS creator_role, m.project_scoped AS creator_scoped, \
         o.owner_user_id, \
         (SELECT COUNT(*) FROM membership_projects mp WHERE mp.org_id = o.id \
          AND mp.user_id = $2 AND mp.project_id = p.id) AS creator_reaches, \
         COALESCE((SELECT b.spend_policy FROM billing_accounts b WHERE b.org_id = o.id), \
          'everyone') AS spend_policy, \
         (SELECT COUNT(*) FROM spend_policy_projects sp WHERE sp.org_id = o.id \
          AND sp.project_id = p.id) AS policy_lists, \
         (SELECT COUNT(*) FROM memberships u WHERE u.org_id = o.id AND u.user_id = $4) \
          AS user_memberships, \
         r.version AS rate_version, r.credits_per_unit \
         FROM orgs o \
         LEFT JOIN projects p ON p.org_id = o.id AND p.{filter} = $3 \
         LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = $2 \
         LEFT JOIN rates r ON r.modality = $5 AND r.version = {} \
         WHERE o.id = $1",
        rates::version_in_force("$6")
    );
    let row: Row = sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(ask.creator.to_string())
        .bind(project)
        .bind(ask.user.map_or_else(String::new, |u| u.to_string()))
        .bind(ask.modality.as_str())
        .bind(now)
        .bind(&ask.idempotency.scope)
        .bind(&ask.idempotency.key)
        .bind(ask.key.to_string())
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let project = match (row.project_id, row.project_name, row.project_status) {
        (Some(id), Some(name), Some(status)) => Some(DebitProject {
            id: id.parse().map_err(|_| AppError::CorruptRow("project id"))?,
            name,
            status: ProjectStatus::parse(&status).ok_or(AppError::CorruptRow("project status"))?,
            suspended_reason: row.suspended_reason,
        }),
        _ => None,
    };
    let owner: UserId = row
        .owner_user_id
        .parse()
        .map_err(|_| AppError::CorruptRow("org owner"))?;
    let creator = match (row.creator_role, row.creator_scoped) {
        (Some(stored), Some(scoped)) => Some(Creator {
            role: role_of(&stored, ask.creator, owner)?,
            reaches_project: scoped != 1 || row.creator_reaches > 0,
        }),
        _ => None,
    };
    Ok(Terms {
        earlier_entry: row.earlier_entries > 0,
        key_live: row.key_live > 0,
        project,
        creator,
        policy: row.spend_policy,
        policy_lists: row.policy_lists > 0,
        user_is_member: ask.user.is_none() || row.user_memberships > 0,
        rate: row.rate_version.zip(row.credits_per_unit),
    })
}
