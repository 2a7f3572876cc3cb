//! An account's security log on the wire: what happened to the account (sign-ins, password,
//! email and two-factor changes, sessions ended), from where.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything an account's security log records. [`SecurityEvent::label`] is how people
/// read it; adding one means adding it here, where every match must name it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SecurityEvent {
    SignedIn,
    SignInFailed,
    SignedOut,
    PasswordChanged,
    PasswordReset,
    EmailVerified,
    EmailChanged,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodeUsed,
    RecoveryCodesRegenerated,
    SessionRevoked,
    SignedOutEverywhere,
    DisplayNameChanged,
    EmailChangeRequested,
    PasswordResetRequested,
}

impl SecurityEvent {
    pub const ALL: [Self; 16] = [
        Self::SignedIn,
        Self::SignInFailed,
        Self::SignedOut,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::EmailVerified,
        Self::EmailChanged,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::RecoveryCodeUsed,
        Self::RecoveryCodesRegenerated,
        Self::SessionRevoked,
        Self::SignedOutEverywhere,
        Self::DisplayNameChanged,
        Self::EmailChangeRequested,
        Self::PasswordResetRequested,
    ];

    /// The wire and database form, e.g. `password_changed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignedOut => "signed_out",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::EmailVerified => "email_verified",
            Self::EmailChanged => "email_changed",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            Self::SessionRevoked => "session_revoked",
            Self::SignedOutEverywhere => "signed_out_everywhere",
            Self::DisplayNameChanged => "display_name_changed",
            Self::EmailChangeRequested => "email_change_requested",
            Self::PasswordResetRequested => "password_reset_requested",
        }
    }

    /// How people read it: "Password changed".
    pub const fn label(self) -> &'static str {
        match self {
            Self::SignedIn => "Signed in",
            Self::SignInFailed => "Sign-in failed",
            Self::SignedOut => "Signed out",
            Self::PasswordChanged => "Password changed",
            Self::PasswordReset => "Password reset by email",
            Self::EmailVerified => "Email verified",
            Self::EmailChanged => "Email changed",
            Self::TwoFactorEnabled => "Two-factor sign-in turned on",
            Self::TwoFactorDisabled => "Two-factor sign-in turned off",
            Self::RecoveryCodeUsed => "Recovery code used",
            Self::RecoveryCodesRegenerated => "New recovery codes made",
            Self::SessionRevoked => "Session ended",
            Self::SignedOutEverywhere => "Signed out everywhere",
            Self::DisplayNameChanged => "Name changed",
            Self::EmailChangeRequested => "Change of email asked for",
            Self::PasswordResetRequested => "Password reset link mailed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// One entry of an account's security log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AccountEvent {
    pub id: String,
    pub event: SecurityEvent,
    /// The client's address as the server saw it (behind a trusted proxy: the forwarded one).
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Event-specific facts (which session ended, the old email…).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_wire_form() {
        for event in SecurityEvent::ALL {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(json, format!("\"{}\"", event.as_str()));
            assert_eq!(SecurityEvent::parse(event.as_str()), Some(event));
            assert!(!event.label().is_empty());
        }
    }
}
