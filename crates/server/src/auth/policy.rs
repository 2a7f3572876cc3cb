//! What the orgs a person belongs to demand of their sign-in, from their security policies
//! (`org_security_policies`, set through [`crate::orgs::security`]): the longest minimum
//! password length among them. (The strictest idle timeout is read with the session
//! itself, [`crate::auth::session`]; "two-factor required" where a member's view of an org
//! is built, [`crate::membership::view`].)

use orgdesk_model::validate::{PASSWORD_MAX, PASSWORD_MIN};
use orgdesk_model::{FieldError, UserId};
use sqlx::AnyConnection;

/// The shortest password `user` may set: the platform's minimum, or longer where one of
/// their orgs asks for more. For every path that sets a password of an existing account
/// (change, reset).
pub async fn min_password_length(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<usize, sqlx::Error> {
    let (longest,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(p.min_password_length) FROM memberships m \
         JOIN org_security_policies p ON p.org_id = m.org_id WHERE m.user_id = $1",
    )
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    let longest = longest.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    Ok(longest.clamp(PASSWORD_MIN, PASSWORD_MAX))
}

/// Adds a validation error for `field` to `out` when `password` is shorter than `user`'s
/// orgs allow (the platform's own bounds are `orgdesk_model::validate::password`'s).
pub async fn check_password_length(
    conn: &mut AnyConnection,
    user: UserId,
    password: &str,
    field: &str,
    out: &mut Vec<FieldError>,
) -> Result<(), sqlx::Error> {
    let min = min_password_length(conn, user).await?;
    if password.chars().count() < min {
        out.push(FieldError {
            field: field.to_owned(),
            message: format!(
                "Use at least {min} characters (an organization you belong to asks for it)."
            ),
        });
    }
    Ok(())
}
