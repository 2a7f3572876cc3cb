//! Accounts in the database.

use orgdesk_model::auth::User;
use orgdesk_model::{OrgId, UserId};
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;

#[derive(Debug)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    created_at: i64,
}

impl UserRow {
    fn into_user(self) -> Result<User, AppError> {
        Ok(User {
            id: self
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("user id"))?,
            email: self.email,
            display_name: self.display_name,
            created_at: to_datetime(self.created_at),
        })
    }
}

/// Inserts an account; `None` when the (normalized) email is taken.
pub async fn insert(
    conn: &mut AnyConnection,
    email: &str,
    display_name: &str,
    password_hash: &str,
    now: i64,
) -> Result<Option<UserId>, sqlx::Error> {
    let id = UserId::new();
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok((inserted.rows_affected() == 1).then_some(id))
}

/// The account id and password hash for a normalized email.
pub async fn credentials(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<(UserId, String)>, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(conn)
            .await?;
    row.map(|(id, hash)| {
        Ok((
            id.parse().map_err(|_| AppError::CorruptRow("user id"))?,
            hash,
        ))
    })
    .transpose()
}

/// The account and its personal context.
pub async fn profile(
    conn: &mut AnyConnection,
    user_id: UserId,
) -> Result<Option<(User, OrgId)>, AppError> {
    let row: Option<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.created_at, o.id \
         FROM users u JOIN orgs o ON o.personal_user_id = u.id WHERE u.id = $1",
    )
    .bind(user_id.to_string())
    .fetch_optional(conn)
    .await?;
    let Some((id, email, display_name, created_at, personal)) = row else {
        return Ok(None);
    };
    let user = UserRow {
        id,
        email,
        display_name,
        created_at,
    }
    .into_user()?;
    let personal = personal
        .parse()
        .map_err(|_| AppError::CorruptRow("org id"))?;
    Ok(Some((user, personal)))
}

pub async fn id_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<UserId>, AppError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?;
    row.map(|(id,)| id.parse().map_err(|_| AppError::CorruptRow("user id")))
        .transpose()
}
