//! What a debit is decided on, read in one statement inside the debit's transaction: the
//! key's creator as they are now (role, and whether the project is within their reach),
//! the org's spend policy and whether it lists the project, whether the named person is a
//! member, and the price of the modality on the rate card in force.
//!
//! One statement instead of six: on SQLite each statement is a round trip to the
//! connection's worker thread, and the debit's transaction holds the write lock while it
//! runs, so every statement here is one that all debits wait for in turn.

use orgdesk_model::billing::Modality;
use orgdesk_model::{OrgId, ProjectId, Role, UserId};
use sqlx::AnyConnection;

use crate::error::AppError;
use crate::membership::rows::role_of;

/// The creator of a key, as they are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creator {
    pub role: Role,
    /// False when they are limited to some projects and this is not one of them.
    pub reaches_project: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
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

type Row = (
    Option<String>,
    Option<i64>,
    String,
    i64,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

/// The terms of a debit in `project` (`None`: no such project; what depends on it reads
/// as false) by a key `creator` made, for `user`, at `now`.
pub async fn read(
    conn: &mut AnyConnection,
    org: OrgId,
    creator: UserId,
    project: Option<ProjectId>,
    user: Option<UserId>,
    modality: Modality,
    now: i64,
) -> Result<Terms, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT m.role, m.project_scoped, o.owner_user_id, \
         (SELECT COUNT(*) FROM membership_projects mp WHERE mp.org_id = o.id \
          AND mp.user_id = $2 AND mp.project_id = $3), \
         COALESCE((SELECT b.spend_policy FROM billing_accounts b WHERE b.org_id = o.id), \
          'everyone'), \
         (SELECT COUNT(*) FROM spend_policy_projects sp WHERE sp.org_id = o.id \
          AND sp.project_id = $3), \
         (SELECT COUNT(*) FROM memberships u WHERE u.org_id = o.id AND u.user_id = $4), \
         r.version, r.credits_per_unit \
         FROM orgs o \
         LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = $2 \
         LEFT JOIN rates r ON r.modality = $5 AND r.version = \
          (SELECT MAX(c.version) FROM rate_cards c WHERE c.effective_from <= $6) \
         WHERE o.id = $1",
    )
    .bind(org.to_string())
    .bind(creator.to_string())
    .bind(project.map_or_else(String::new, |p| p.to_string()))
    .bind(user.map_or_else(String::new, |u| u.to_string()))
    .bind(modality.as_str())
    .bind(now)
    .fetch_optional(conn)
    .await?;
    let (role, scoped, owner, in_scope, policy, listed, users, version, per_unit) =
        row.ok_or(AppError::NotFound)?;
    let owner: UserId = owner
        .parse()
        .map_err(|_| AppError::CorruptRow("org owner"))?;
    let creator = match (role, scoped) {
        (Some(stored), Some(scoped)) => Some(Creator {
            role: role_of(&stored, creator, owner)?,
            reaches_project: scoped != 1 || in_scope > 0,
        }),
        _ => None,
    };
    Ok(Terms {
        creator,
        policy,
        policy_lists: listed > 0,
        user_is_member: user.is_none() || users > 0,
        rate: version.zip(per_unit),
    })
}
