//! Invitations as their invitee sees them: the inviting org's name, slug and logo, the
//! role, who invited and until when.

use orgdesk_model::invitation::{InvitingOrg, ReceivedInvitation};
use orgdesk_model::{InvitationId, Role};
use sqlx::AnyConnection;

use crate::db::{to_datetime, Params};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::invitations::repo::{ListKey, ORDER};
use crate::membership::view::logo_info;

const SELECT: &str = "SELECT i.id, i.email, i.role, i.created_at, i.expires_at, \
     u.display_name AS inviter_name, o.id AS org_id, o.name AS org_name, o.slug AS org_slug, \
     l.content_type AS logo_type, l.etag AS logo_etag, l.size AS logo_size \
     FROM invitations i JOIN orgs o ON o.id = i.org_id \
     LEFT JOIN org_logos l ON l.org_id = o.id LEFT JOIN users u ON u.id = i.invited_by";

#[derive(Debug, sqlx::FromRow)]
struct ReceivedRow {
    id: String,
    email: String,
    role: String,
    created_at: i64,
    expires_at: i64,
    inviter_name: Option<String>,
    org_id: String,
    org_name: String,
    org_slug: String,
    logo_type: Option<String>,
    logo_etag: Option<String>,
    logo_size: Option<i64>,
}

impl ReceivedRow {
    fn into_wire(self) -> Result<(ReceivedInvitation, ListKey), AppError> {
        let key = (self.created_at, self.id.clone());
        let logo = logo_info(self.logo_type, self.logo_etag, self.logo_size)?;
        let invitation = ReceivedInvitation {
            id: self
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("invitation id"))?,
            org: InvitingOrg {
                id: self
                    .org_id
                    .parse()
                    .map_err(|_| AppError::CorruptRow("org id"))?,
                name: self.org_name,
                slug: self.org_slug,
                logo,
            },
            email: self.email,
            role: Role::parse(&self.role).ok_or(AppError::CorruptRow("invitation role"))?,
            invited_by: self.inviter_name,
            expires_at: to_datetime(self.expires_at),
        };
        Ok((invitation, key))
    }
}

/// One page of the live invitations sent to `email`, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    email: &str,
    now: i64,
    page: &PageRequest<ListKey>,
) -> Result<Vec<(ReceivedInvitation, ListKey)>, AppError> {
    let mut params = Params::default();
    let mut sql = format!(
        "{SELECT} WHERE i.email = {} AND i.status = 'pending' AND i.expires_at > {}",
        params.text(email),
        params.int(now)
    );
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let rows: Vec<ReceivedRow> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    rows.into_iter().map(ReceivedRow::into_wire).collect()
}

pub async fn one(
    conn: &mut AnyConnection,
    id: InvitationId,
) -> Result<Option<ReceivedInvitation>, AppError> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    let row: Option<ReceivedRow> = sqlx::query_as(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row
        .map(ReceivedRow::into_wire)
        .transpose()?
        .map(|(invitation, _)| invitation))
}
