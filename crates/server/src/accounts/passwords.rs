//! Passwords where an account changes something: the rules a new one must meet, and
//! confirming the current one (limited per account, counted before it is checked).

use orgdesk_model::{validate, FieldError, UserId};
use sqlx::AnyConnection;

use crate::accounts::checked;
use crate::accounts::error::AccountError;
use crate::auth::{account, password, policy, quotas};
use crate::cpu::Gate;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::limits;

/// The minimum length of a new password for `user`.
///
/// SEAM (org security policy, helper t9-signin): an organization may ask its members for
/// longer passwords; that helper exposes `policy::min_password_length(conn, user)`. On
/// merge, return the larger of it and [`validate::PASSWORD_MIN`] here: the change-password
/// and reset paths both reach the policy through [`check_new`] only.
async fn min_length_for(conn: &mut AnyConnection, user: UserId) -> Result<usize, AppError> {
    Ok(policy::min_password_length(conn, user).await?)
}

/// Checks `new_password` for `user`: the model's bounds and the minimum length the account
/// is held to; a refusal names `field`.
pub async fn check_new(
    conn: &mut AnyConnection,
    user: UserId,
    new_password: &str,
    field: &str,
) -> Result<(), AppError> {
    checked(validate::password, new_password, field)?;
    let min = min_length_for(conn, user).await?;
    if new_password.chars().count() < min {
        return Err(AppError::Validation(vec![FieldError {
            field: field.to_owned(),
            message: format!("Use at least {min} characters."),
        }]));
    }
    Ok(())
}

/// Confirms that `given` is `user`'s password. Each attempt is counted before argon2 runs
/// and given back when right, so at most [`quotas::PASSWORD_CONFIRM`]`.max` wrong ones an
/// hour get checked (then 429); a wrong one is 422 naming `field`.
pub async fn confirm_current(
    db: &Db,
    gate: &Gate,
    user: UserId,
    given: &str,
    field: &'static str,
) -> Result<(), AppError> {
    let subject = user.to_string();
    let mut tx = db.write().await?;
    let hit = limits::reserve(&mut tx, &quotas::PASSWORD_CONFIRM, &subject, now_ms()).await?;
    let stored = account::password_hash(&mut tx, user).await?;
    tx.commit().await?;
    if !password::verify(gate, given.to_owned(), stored).await? {
        return Err(AccountError::WrongPassword { field }.into());
    }
    let mut tx = db.write().await?;
    limits::release(&mut tx, hit).await?;
    tx.commit().await?;
    Ok(())
}
