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

/// The account's email and whether it proved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailState {
    pub email: String,
    pub verified: bool,
}

pub async fn email_state(
    conn: &mut AnyConnection,
    user_id: UserId,
) -> Result<Option<EmailState>, AppError> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT email, email_verified_at FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(email, verified_at)| EmailState {
        email,
        verified: verified_at.is_some(),
    }))
}

/// Marks `email` verified if it is still the account's and was not verified yet; `true`
/// when this changed it.
pub async fn mark_verified(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET email_verified_at = $1 \
         WHERE id = $2 AND email = $3 AND email_verified_at IS NULL",
    )
    .bind(now)
    .bind(user_id.to_string())
    .bind(email)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The account's password hash.
pub async fn password_hash(
    conn: &mut AnyConnection,
    user_id: UserId,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(hash,)| hash))
}

pub async fn set_password_hash(
    conn: &mut AnyConnection,
    user_id: UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_display_name(
    conn: &mut AnyConnection,
    user_id: UserId,
    display_name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
        .bind(display_name)
        .bind(user_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves the account to `email`, verified now (a mailed link proved it); `false` when
/// another account holds that email.
pub async fn set_verified_email(
    conn: &mut AnyConnection,
    user_id: UserId,
    email: &str,
    now: i64,
) -> Result<bool, AppError> {
    if id_by_email(conn, email)
        .await?
        .is_some_and(|holder| holder != user_id)
    {
        return Ok(false);
    }
    let done = sqlx::query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
        .bind(email)
        .bind(now)
        .bind(user_id.to_string())
        .execute(conn)
        .await;
    match done {
        Ok(_) => Ok(true),
        // Taken between the check and the update (PostgreSQL, concurrent change).
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Deletes the account: its sessions, tokens, security log, memberships and personal
/// context go with it (the references cascade). Orgs it owns must have gone first (the
/// owner reference would fail the commit).
pub async fn delete(conn: &mut AnyConnection, user_id: UserId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
