//! Managing one's own account on the wire: the display name, the password (changed with the
//! current one, or reset through a mailed link), the email (verified through a mailed link,
//! changed only once the new address is confirmed) and deleting the account.
//!
//! Mailed links carry a single-use token: `orgdesk://verify-email/<token>` (sign-up and a
//! change of email) and `orgdesk://reset-password/<token>`. The server keeps only their
//! SHA-256.

use serde::{Deserialize, Serialize};

/// How long a verification link (sign-up, change of email) stays valid.
pub const VERIFY_TTL_HOURS: i64 = 24;
/// How long a password-reset link stays valid.
pub const RESET_TTL_MINUTES: i64 = 15;
/// The deep link of a verification mail.
pub const VERIFY_LINK_PREFIX: &str = "orgdesk://verify-email/";
/// The deep link of a password-reset mail.
pub const RESET_LINK_PREFIX: &str = "orgdesk://reset-password/";

/// `PATCH /v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UpdateProfileRequest {
    /// 1 to 80 characters once trimmed.
    pub display_name: String,
}

/// `POST /v1/me/password`: every other session of the account ends.
#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 10 to 200 characters (an organization's policy may ask for more).
    #[schema(min_length = 10, max_length = 200)]
    pub new_password: String,
}

/// `POST /v1/auth/password-reset`: mails a reset link if an account has this email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /v1/auth/password-reset/confirm`: every session of the account ends.
#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PasswordResetConfirm {
    /// The token from the mailed link.
    pub token: String,
    /// 10 to 200 characters (an organization's policy may ask for more).
    #[schema(min_length = 10, max_length = 200)]
    pub new_password: String,
}

/// `POST /v1/auth/verify-email`.
#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct VerifyEmailRequest {
    /// The token from the mailed link.
    pub token: String,
}

/// What a verification link did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct EmailVerified {
    /// The account's (now verified) email.
    pub email: String,
    /// `true` when the link confirmed a change of email: `email` is the new address.
    pub changed: bool,
}

/// `POST /v1/me/email`: the new address gets a link; the change takes effect when it is
/// followed.
#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChangeEmailRequest {
    pub new_email: String,
    /// The account's current password.
    pub password: String,
}

/// `DELETE /v1/me`.
#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DeleteAccountRequest {
    /// The account's current password.
    pub password: String,
}

// Passwords and tokens never reach logs through Debug.
macro_rules! redacted_debug {
    ($($ty:ident { $($shown:ident),* }),* $(,)?) => {$(
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($shown), &self.$shown))*
                    .finish_non_exhaustive()
            }
        }
    )*};
}

redacted_debug!(
    ChangePasswordRequest {},
    PasswordResetConfirm {},
    VerifyEmailRequest {},
    ChangeEmailRequest { new_email },
    DeleteAccountRequest {},
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug() {
        let shown = format!(
            "{:?} {:?} {:?}",
            ChangePasswordRequest {
                current_password: "old secret pw".into(),
                new_password: "new secret pw".into(),
            },
            PasswordResetConfirm {
                token: "tok-secret".into(),
                new_password: "new secret pw".into(),
            },
            ChangeEmailRequest {
                new_email: "ana@example.com".into(),
                password: "old secret pw".into(),
            },
        );
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("ana@example.com"), "{shown}");
    }
}
