//! One's own account (`/v1/me…`, and the mailed links of `/v1/auth/…`): the display name,
//! the password (changed with the current one, or reset through a mailed link), the email
//! (verified through a mailed link; a new one takes effect once confirmed) and deleting the
//! account. Each change is written to the account's security log in its transaction.
//!
//! It sits above [`crate::orgs`] (an owner cannot leave with the orgs) and
//! [`crate::api_keys`] (a reset that takes over an unverified account revokes its keys);
//! tokens, mails and the account row are [`crate::auth`]'s.

pub mod email;
pub mod erasure;
pub mod error;
pub mod passwords;
pub mod profile;
pub mod recovery;
pub mod routes;

pub use error::AccountError;

use orgdesk_model::FieldError;

use crate::error::AppError;

/// Runs a field rule of `orgdesk_model::validate` on `value`: 422 naming `field` (the
/// request's name for it) with every problem the rule finds.
fn checked(rule: fn(&str, &mut Vec<FieldError>), value: &str, field: &str) -> Result<(), AppError> {
    let mut errors = Vec::new();
    rule(value, &mut errors);
    if errors.is_empty() {
        return Ok(());
    }
    for error in &mut errors {
        field.clone_into(&mut error.field);
    }
    Err(AppError::Validation(errors))
}
