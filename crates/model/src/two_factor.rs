//! Two-factor sign-in (TOTP, RFC 6238) on the wire: enrolment, the codes that confirm,
//! disable and regenerate, and the second step of a sign-in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest code the server reads (a TOTP code is 6 digits, a recovery code 11
/// characters); longer ones are refused unread.
pub const CODE_MAX: usize = 64;
/// How many recovery codes an account gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// Whether the account signs in with a second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    /// Unused recovery codes left (0 while two-factor is off).
    pub recovery_codes_left: u32,
}

/// A started enrolment: add the secret to an authenticator app (scan the QR code or type
/// the secret), then confirm with a code it shows. The secret is never shown again once
/// two-factor is on.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TwoFactorEnrolment {
    /// Base32 (RFC 4648, no padding), for typing into an app.
    pub secret: String,
    /// `otpauth://totp/Orgdesk:<email>?secret=…&issuer=Orgdesk` (SHA-1, 6 digits, 30 s).
    pub otpauth_uri: String,
    /// The URI as a QR code: a standalone SVG document.
    pub qr_svg: String,
}

impl std::fmt::Debug for TwoFactorEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorEnrolment").finish_non_exhaustive()
    }
}

/// A code from the authenticator app (confirms an enrolment).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ConfirmTwoFactorRequest {
    /// The 6 digits the app shows now (spaces are ignored).
    #[schema(max_length = 64)]
    pub code: String,
}

/// Proof of the second factor for a change (turning it off, new recovery codes): a code
/// from the app, or one of the recovery codes (which is used up). Exactly one.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TwoFactorProof {
    #[serde(default)]
    #[schema(max_length = 64)]
    pub code: Option<String>,
    #[serde(default)]
    #[schema(max_length = 64)]
    pub recovery_code: Option<String>,
}

/// The second step of a sign-in: the challenge of the `mfa_required` answer, and a code
/// from the app or a recovery code (exactly one).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LoginTwoFactorRequest {
    #[schema(max_length = 64)]
    pub challenge: String,
    #[serde(default)]
    #[schema(max_length = 64)]
    pub code: Option<String>,
    #[serde(default)]
    #[schema(max_length = 64)]
    pub recovery_code: Option<String>,
}

/// Fresh recovery codes, shown this once (only their hashes are kept). Each works once,
/// in place of a code from the app.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

// Codes never reach logs through Debug.
impl std::fmt::Debug for ConfirmTwoFactorRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmTwoFactorRequest")
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for TwoFactorProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorProof").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for LoginTwoFactorRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginTwoFactorRequest")
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryCodes")
            .field("count", &self.codes.len())
            .finish()
    }
}
