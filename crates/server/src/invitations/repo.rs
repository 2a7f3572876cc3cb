//! Invitations in the database. The stored status is one of pending, accepted, declined,
//! revoked and expired; a pending one past its expiry is shown (and counted) as expired.

use orgdesk_model::invitation::{Invitation, InvitationStatus};
use orgdesk_model::member::PersonRef;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::{InvitationId, OrgId, ProjectId, Role, UserId};
use sqlx::AnyConnection;

use crate::db::{to_datetime, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};
use crate::invitations::token::InvitationRef;

/// Newest first: the keyset position (created_at, id).
pub type ListKey = (i64, String);

/// Invitation lists, the org's and the invitee's: newest first.
pub(crate) const ORDER: Order<'static> = Order::descending(&["i.created_at", "i.id"]);

pub(crate) const SELECT: &str = "SELECT i.id, i.org_id, i.email, i.role, i.project_scoped, \
     i.status, i.created_at, i.expires_at, i.invited_by, u.email AS inviter_email, \
     u.display_name AS inviter_name FROM invitations i LEFT JOIN users u ON u.id = i.invited_by";

/// An invitation as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub role: String,
    pub project_scoped: i64,
    pub status: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub invited_by: Option<String>,
    pub inviter_email: Option<String>,
    pub inviter_name: Option<String>,
}

impl Stored {
    pub fn id(&self) -> Result<InvitationId, AppError> {
        self.id
            .parse()
            .map_err(|_| AppError::CorruptRow("invitation id"))
    }

    pub fn org(&self) -> Result<OrgId, AppError> {
        self.org_id
            .parse()
            .map_err(|_| AppError::CorruptRow("org id"))
    }

    pub fn role(&self) -> Result<Role, AppError> {
        Role::parse(&self.role).ok_or(AppError::CorruptRow("invitation role"))
    }

    /// The status as shown at `now`.
    pub fn status(&self, now: i64) -> InvitationStatus {
        match self.status.as_str() {
            "pending" if self.expires_at > now => InvitationStatus::Pending,
            "accepted" => InvitationStatus::Accepted,
            "declined" => InvitationStatus::Declined,
            "revoked" => InvitationStatus::Revoked,
            _ => InvitationStatus::Expired,
        }
    }

    pub fn inviter(&self) -> Result<Option<PersonRef>, AppError> {
        match (&self.invited_by, &self.inviter_email, &self.inviter_name) {
            (Some(id), Some(email), Some(name)) => Ok(Some(PersonRef {
                id: id.parse().map_err(|_| AppError::CorruptRow("user id"))?,
                email: email.clone(),
                display_name: name.clone(),
            })),
            _ => Ok(None),
        }
    }

    /// The wire form, with the scope read from `invitation_projects` when it has one.
    pub async fn into_wire(
        self,
        conn: &mut AnyConnection,
        now: i64,
    ) -> Result<Invitation, AppError> {
        let project_scope = if self.project_scoped == 1 {
            ProjectScope::Projects {
                ids: scope(conn, self.id()?).await?,
            }
        } else {
            ProjectScope::All
        };
        Ok(Invitation {
            id: self.id()?,
            org_id: self.org()?,
            email: self.email.clone(),
            role: self.role()?,
            project_scope,
            status: self.status(now),
            invited_by: self.inviter()?,
            created_at: to_datetime(self.created_at),
            expires_at: to_datetime(self.expires_at),
        })
    }
}

/// The invitation a route names (by token hash or id), in whatever org.
pub async fn find(
    conn: &mut AnyConnection,
    by: &InvitationRef,
) -> Result<Option<Stored>, AppError> {
    let (column, value) = match by {
        InvitationRef::Id(id) => ("i.id", id.to_string()),
        InvitationRef::TokenHash(hash) => ("i.token_hash", hash.clone()),
    };
    let sql = format!("{SELECT} WHERE {column} = $1");
    Ok(sqlx::query_as(&sql)
        .bind(value)
        .fetch_optional(conn)
        .await?)
}

pub async fn find_in_org(
    conn: &mut AnyConnection,
    org: OrgId,
    id: InvitationId,
) -> Result<Option<Stored>, AppError> {
    let sql = format!("{SELECT} WHERE i.org_id = $1 AND i.id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?)
}

/// The stored-pending invitation of `org` for `email` (expired or not).
pub async fn pending_for(
    conn: &mut AnyConnection,
    org: OrgId,
    email: &str,
) -> Result<Option<Stored>, AppError> {
    let sql = format!("{SELECT} WHERE i.org_id = $1 AND i.email = $2 AND i.status = 'pending'");
    Ok(sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(email)
        .fetch_optional(conn)
        .await?)
}

pub async fn scope(conn: &mut AnyConnection, id: InvitationId) -> Result<Vec<ProjectId>, AppError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT project_id FROM invitation_projects WHERE invitation_id = $1 ORDER BY project_id",
    )
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(p,)| p.parse().map_err(|_| AppError::CorruptRow("project id")))
        .collect()
}

/// One page of the org's live (pending, unexpired) invitations, newest first.
pub async fn list_pending(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
    page: &PageRequest<ListKey>,
) -> Result<Vec<(Invitation, ListKey)>, AppError> {
    let mut params = Params::default();
    let mut sql = format!(
        "{SELECT} WHERE i.org_id = {} AND i.status = 'pending' AND i.expires_at > {}",
        params.text(org.to_string()),
        params.int(now)
    );
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let rows: Vec<Stored> = params
        .bind(sqlx::query_as(&sql))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let key = (row.created_at, row.id.clone());
        out.push((row.into_wire(conn, now).await?, key));
    }
    Ok(out)
}

/// Pending invitations that still hold a seat (not past their expiry).
pub async fn pending_count(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM invitations WHERE org_id = $1 AND status = 'pending' \
         AND expires_at > $2",
    )
    .bind(org.to_string())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// The fields of a new invitation.
pub struct NewInvitation<'a> {
    pub id: InvitationId,
    pub org: OrgId,
    pub email: &'a str,
    pub role: Role,
    pub scope: Option<&'a [ProjectId]>,
    pub token_hash: &'a str,
    pub invited_by: UserId,
    pub expires_at: i64,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewInvitation<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invitations (id, org_id, email, role, project_scoped, token_hash, status, \
         invited_by, created_at, expires_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $8)",
    )
    .bind(new.id.to_string())
    .bind(new.org.to_string())
    .bind(new.email)
    .bind(new.role.as_str())
    .bind(i64::from(new.scope.is_some()))
    .bind(new.token_hash)
    .bind(new.invited_by.to_string())
    .bind(now)
    .bind(new.expires_at)
    .execute(&mut *conn)
    .await?;
    for project in new.scope.unwrap_or_default() {
        sqlx::query(
            "INSERT INTO invitation_projects (org_id, invitation_id, project_id) \
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(new.org.to_string())
        .bind(new.id.to_string())
        .bind(project.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Moves a stored-pending invitation to `status`; `false` if it was not pending.
pub async fn finish(
    conn: &mut AnyConnection,
    id: InvitationId,
    status: &'static str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE invitations SET status = $1, updated_at = $2 WHERE id = $3 AND status = 'pending'",
    )
    .bind(status)
    .bind(now)
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new token and expiry; the invitation is pending again and the old token dead.
pub async fn renew(
    conn: &mut AnyConnection,
    id: InvitationId,
    token_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE invitations SET token_hash = $1, expires_at = $2, status = 'pending', \
         updated_at = $3 WHERE id = $4",
    )
    .bind(token_hash)
    .bind(expires_at)
    .bind(now)
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
