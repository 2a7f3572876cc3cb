//! One error vocabulary for every boundary: the server answers `application/problem+json`
//! (RFC 9457) carrying an [`ErrorCode`]; the client turns that back into the same code;
//! the desktop app hands `{code, message, field}` to the UI over IPC.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code. Codes are never renamed: clients match on them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A field failed validation; `field` names it.
    ValidationFailed,
    /// The request body or a parameter could not be parsed at all.
    MalformedRequest,
    /// No session, or the session is unknown or expired.
    Unauthenticated,
    /// Email and password do not match an account.
    InvalidCredentials,
    /// Signed in, a member of the organization, but the role does not allow this.
    Forbidden,
    /// The resource does not exist, or belongs to a tenant the caller cannot see.
    NotFound,
    /// An account with this email already exists.
    EmailTaken,
    /// The account has not verified its email yet (invitations by id need it).
    EmailNotVerified,
    /// A mailed link's token is unknown, was used already, or has expired.
    InvalidToken,
    /// The slug is used (now or formerly) by another organization.
    SlugTaken,
    /// `If-Match` named a version that is no longer current.
    VersionConflict,
    /// The plan does not allow more of this (organizations, projects, seats).
    PlanLimitReached,
    /// The operation does not apply to a personal context.
    PersonalContext,
    /// The plan's seats (members plus pending invitations) are all taken.
    SeatLimitReached,
    /// The person is already a member of the organization.
    AlreadyMember,
    /// An invitation for this email is already pending.
    InvitationPending,
    /// The invitation was used, declined, revoked, or has expired.
    InvitationExpired,
    /// The invitation was sent to another email than the signed-in account's.
    InvitationForAnotherAccount,
    /// The owner cannot leave; ownership must be transferred first.
    OwnerMustTransfer,
    /// The account still owns organizations; they must be transferred or deleted first.
    OwnsOrganizations,
    /// A typed confirmation (such as the slug of what is deleted) did not match.
    ConfirmationMismatch,
    /// Not possible in the resource's current state (e.g. suspending an archived project).
    InvalidState,
    /// The balance is too low for this debit.
    InsufficientCredits,
    /// The project is suspended or archived: it cannot spend credits.
    ProjectNotActive,
    /// The org's spend policy does not let this key or project spend credits.
    SpendNotAllowed,
    /// The plan change would leave current usage over the new plan's limits.
    PlanDowngradeBlocked,
    /// This server takes no payments (`--payments none`): credits and paid plans come from
    /// its operator.
    PaymentsNotConfigured,
    /// The card was declined; the message gives the processor's reason. No credits.
    PaymentDeclined,
    /// A card payment needs a saved card first (Billing → Payment method).
    CardRequired,
    /// The payment processor could not be reached or failed; nothing was charged twice,
    /// retry with the same Idempotency-Key.
    PaymentProcessorUnavailable,
    /// This route needs an `Idempotency-Key` header.
    IdempotencyKeyRequired,
    /// The `Idempotency-Key` was used before with a different request.
    IdempotencyKeyReused,
    /// A request with this `Idempotency-Key` is still being processed.
    IdempotencyKeyInFlight,
    /// Too many attempts; retry after the time given.
    RateLimited,
    /// A webhook URL that this server will not send to: not `https://`, or a host that
    /// resolves to a loopback, private, link-local, multicast or metadata address.
    WebhookUrlNotAllowed,
    /// The organization is scheduled for deletion: it is read-only until the owner cancels.
    OrgPendingDeletion,
    /// The organization requires its single sign-on for this account: sign in through it
    /// (`POST /v1/auth/sso/start` with the org's slug). Its owner may still use a password.
    SsoRequired,
    /// No single sign-on is set up for this email's domain or this org.
    SsoNotConfigured,
    /// The identity provider's answer was refused (state, nonce, audience, expiry,
    /// signature or an unverified email), or the sign-in code is unknown, used or expired.
    SsoFailed,
    /// The issuer's discovery document could not be fetched or is not a valid OpenID
    /// provider's.
    SsoDiscoveryFailed,
    /// Another organization has verified this domain.
    DomainTaken,
    /// The domain's `_orgdesk` TXT record was not found or holds another value.
    DomainNotVerified,
    /// The domain's DNS gave no definitive answer (a timeout, a server failure): nothing
    /// is known about its record; try again later.
    DnsUnavailable,
    /// The export is still being written; its progress says how far it is.
    ExportNotReady,
    /// The export's file was removed (kept 7 days) or the export failed: start a new one.
    ExportExpired,
    /// The uploaded body is larger than allowed.
    PayloadTooLarge,
    /// The uploaded content type is not accepted.
    UnsupportedMediaType,
    /// The request (its body, or the work on it) took longer than the server allows.
    RequestTimeout,
    /// The password was right and the account has two-factor sign-in: finish with a code
    /// (`POST /v1/auth/login/two-factor`, with the problem's `two_factor` challenge).
    MfaRequired,
    /// The two-factor sign-in step is unknown, used or expired: sign in again.
    MfaChallengeExpired,
    /// The two-factor or recovery code is wrong, or was already used.
    InvalidTwoFactorCode,
    /// The organization requires two-factor sign-in and the account has not turned it on.
    MfaRequiredByOrg,
    /// The server is busy with expensive work (password hashing); retry after the time given.
    ServerBusy,
    /// Something failed on the server; details are in its log, never in the response.
    Internal,
    /// The server could not be reached (client side).
    ServerUnreachable,
    /// The server answered something the client could not understand (client side).
    BadResponse,
    /// The operation needs a signed-in session in the app.
    NotSignedIn,
    /// The OS keychain could not be used (app side).
    KeychainUnavailable,
    /// Reading or writing the app's local files failed (app side).
    LocalStorage,
}

impl ErrorCode {
    /// Every code, for tests and documentation.
    pub const ALL: [ErrorCode; 59] = [
        Self::ValidationFailed,
        Self::MalformedRequest,
        Self::Unauthenticated,
        Self::InvalidCredentials,
        Self::Forbidden,
        Self::NotFound,
        Self::EmailTaken,
        Self::EmailNotVerified,
        Self::InvalidToken,
        Self::SlugTaken,
        Self::VersionConflict,
        Self::PlanLimitReached,
        Self::PersonalContext,
        Self::SeatLimitReached,
        Self::AlreadyMember,
        Self::InvitationPending,
        Self::InvitationExpired,
        Self::InvitationForAnotherAccount,
        Self::OwnerMustTransfer,
        Self::OwnsOrganizations,
        Self::ConfirmationMismatch,
        Self::InvalidState,
        Self::InsufficientCredits,
        Self::ProjectNotActive,
        Self::SpendNotAllowed,
        Self::PlanDowngradeBlocked,
        Self::PaymentsNotConfigured,
        Self::PaymentDeclined,
        Self::CardRequired,
        Self::PaymentProcessorUnavailable,
        Self::IdempotencyKeyRequired,
        Self::IdempotencyKeyReused,
        Self::IdempotencyKeyInFlight,
        Self::RateLimited,
        Self::WebhookUrlNotAllowed,
        Self::OrgPendingDeletion,
        Self::SsoRequired,
        Self::SsoNotConfigured,
        Self::SsoFailed,
        Self::SsoDiscoveryFailed,
        Self::DomainTaken,
        Self::DomainNotVerified,
        Self::DnsUnavailable,
        Self::ExportNotReady,
        Self::ExportExpired,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::RequestTimeout,
        Self::MfaRequired,
        Self::MfaChallengeExpired,
        Self::InvalidTwoFactorCode,
        Self::MfaRequiredByOrg,
        Self::ServerBusy,
        Self::Internal,
        Self::ServerUnreachable,
        Self::BadResponse,
        Self::NotSignedIn,
        Self::KeychainUnavailable,
        Self::LocalStorage,
    ];

    /// The HTTP status the server answers with for this code.
    pub const fn http_status(self) -> u16 {
        match self {
            Self::ValidationFailed => 422,
            Self::MalformedRequest => 400,
            Self::Unauthenticated
            | Self::InvalidCredentials
            | Self::MfaRequired
            | Self::MfaChallengeExpired => 401,
            Self::InvalidTwoFactorCode => 422,
            Self::MfaRequiredByOrg => 403,
            Self::ServerBusy => 503,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::EmailTaken
            | Self::SlugTaken
            | Self::PlanLimitReached
            | Self::PersonalContext
            | Self::SeatLimitReached
            | Self::AlreadyMember
            | Self::InvitationPending
            | Self::OwnerMustTransfer
            | Self::OwnsOrganizations
            | Self::InvalidState
            | Self::ProjectNotActive
            | Self::PlanDowngradeBlocked
            | Self::PaymentsNotConfigured
            | Self::CardRequired
            | Self::IdempotencyKeyInFlight => 409,
            Self::PaymentDeclined => 402,
            Self::PaymentProcessorUnavailable => 502,
            Self::InsufficientCredits => 402,
            Self::SpendNotAllowed => 403,
            Self::IdempotencyKeyRequired => 400,
            Self::IdempotencyKeyReused => 422,
            Self::InvitationExpired => 410,
            Self::InvitationForAnotherAccount => 403,
            Self::EmailNotVerified => 403,
            Self::InvalidToken => 422,
            Self::ConfirmationMismatch => 422,
            Self::VersionConflict => 412,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::RequestTimeout => 408,
            Self::RateLimited => 429,
            Self::WebhookUrlNotAllowed => 422,
            Self::OrgPendingDeletion | Self::ExportNotReady => 409,
            Self::SsoRequired => 403,
            Self::SsoNotConfigured => 404,
            Self::SsoFailed => 401,
            Self::SsoDiscoveryFailed | Self::DomainNotVerified => 422,
            Self::DomainTaken => 409,
            Self::DnsUnavailable => 503,
            Self::ExportExpired => 410,
            Self::Internal
            | Self::BadResponse
            | Self::NotSignedIn
            | Self::KeychainUnavailable
            | Self::LocalStorage => 500,
            Self::ServerUnreachable => 503,
        }
    }

    /// The snake_case name, as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValidationFailed => "validation_failed",
            Self::MalformedRequest => "malformed_request",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::EmailTaken => "email_taken",
            Self::EmailNotVerified => "email_not_verified",
            Self::InvalidToken => "invalid_token",
            Self::SlugTaken => "slug_taken",
            Self::VersionConflict => "version_conflict",
            Self::PlanLimitReached => "plan_limit_reached",
            Self::PersonalContext => "personal_context",
            Self::SeatLimitReached => "seat_limit_reached",
            Self::AlreadyMember => "already_member",
            Self::InvitationPending => "invitation_pending",
            Self::InvitationExpired => "invitation_expired",
            Self::InvitationForAnotherAccount => "invitation_for_another_account",
            Self::OwnerMustTransfer => "owner_must_transfer",
            Self::OwnsOrganizations => "owns_organizations",
            Self::ConfirmationMismatch => "confirmation_mismatch",
            Self::InvalidState => "invalid_state",
            Self::InsufficientCredits => "insufficient_credits",
            Self::ProjectNotActive => "project_not_active",
            Self::SpendNotAllowed => "spend_not_allowed",
            Self::PlanDowngradeBlocked => "plan_downgrade_blocked",
            Self::PaymentsNotConfigured => "payments_not_configured",
            Self::PaymentDeclined => "payment_declined",
            Self::CardRequired => "card_required",
            Self::PaymentProcessorUnavailable => "payment_processor_unavailable",
            Self::IdempotencyKeyRequired => "idempotency_key_required",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::IdempotencyKeyInFlight => "idempotency_key_in_flight",
            Self::RateLimited => "rate_limited",
            Self::WebhookUrlNotAllowed => "webhook_url_not_allowed",
            Self::OrgPendingDeletion => "org_pending_deletion",
            Self::SsoRequired => "sso_required",
            Self::SsoNotConfigured => "sso_not_configured",
            Self::SsoFailed => "sso_failed",
            Self::SsoDiscoveryFailed => "sso_discovery_failed",
            Self::DomainTaken => "domain_taken",
            Self::DomainNotVerified => "domain_not_verified",
            Self::DnsUnavailable => "dns_unavailable",
            Self::ExportNotReady => "export_not_ready",
            Self::ExportExpired => "export_expired",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RequestTimeout => "request_timeout",
            Self::MfaRequired => "mfa_required",
            Self::MfaChallengeExpired => "mfa_challenge_expired",
            Self::InvalidTwoFactorCode => "invalid_two_factor_code",
            Self::MfaRequiredByOrg => "mfa_required_by_org",
            Self::ServerBusy => "server_busy",
            Self::Internal => "internal",
            Self::ServerUnreachable => "server_unreachable",
            Self::BadResponse => "bad_response",
            Self::NotSignedIn => "not_signed_in",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::LocalStorage => "local_storage",
        }
    }

    /// A short human title for the problem document.
    pub fn title(self) -> &'static str {
        match self {
            Self::ValidationFailed => "Some fields are not valid",
            Self::MalformedRequest => "The request could not be read",
            Self::Unauthenticated => "Sign in to continue",
            Self::InvalidCredentials => "Email or password is wrong",
            Self::Forbidden => "Your role does not allow this",
            Self::NotFound => "Not found",
            Self::EmailTaken => "An account with this email exists",
            Self::EmailNotVerified => "Verify your email first",
            Self::InvalidToken => "This link is no longer valid",
            Self::SlugTaken => "This slug is taken",
            Self::VersionConflict => "Changed by someone else meanwhile",
            Self::PlanLimitReached => "Your plan's limit is reached",
            Self::PersonalContext => "Not available in a personal context",
            Self::SeatLimitReached => "All seats of the plan are taken",
            Self::AlreadyMember => "Already a member",
            Self::InvitationPending => "An invitation is already pending",
            Self::InvitationExpired => "This invitation is no longer valid",
            Self::InvitationForAnotherAccount => "This invitation is for another account",
            Self::OwnerMustTransfer => "Transfer ownership first",
            Self::OwnsOrganizations => "You still own organizations",
            Self::ConfirmationMismatch => "The confirmation does not match",
            Self::InvalidState => "Not possible right now",
            Self::InsufficientCredits => "Not enough credits",
            Self::ProjectNotActive => "The project is not active",
            Self::SpendNotAllowed => "The spend policy does not allow this",
            Self::PlanDowngradeBlocked => "Current usage is over the new plan's limits",
            Self::PaymentsNotConfigured => "This server takes no payments",
            Self::PaymentDeclined => "The card was declined",
            Self::CardRequired => "Add a card first",
            Self::PaymentProcessorUnavailable => "The payment processor is not answering",
            Self::IdempotencyKeyRequired => "An Idempotency-Key header is required",
            Self::IdempotencyKeyReused => "This Idempotency-Key was used for another request",
            Self::IdempotencyKeyInFlight => "This request is still being processed",
            Self::RateLimited => "Too many attempts",
            Self::WebhookUrlNotAllowed => "Webhook address not allowed",
            Self::OrgPendingDeletion => "This organization is scheduled for deletion",
            Self::SsoRequired => "This organization requires its single sign-on",
            Self::SsoNotConfigured => "Single sign-on is not set up for this address",
            Self::SsoFailed => "Single sign-on failed",
            Self::SsoDiscoveryFailed => "The identity provider could not be read",
            Self::DomainTaken => "Another organization has verified this domain",
            Self::DomainNotVerified => "The domain's TXT record was not found",
            Self::DnsUnavailable => "The domain's DNS could not be reached",
            Self::ExportNotReady => "The export is not ready yet",
            Self::ExportExpired => "This export is no longer available",
            Self::PayloadTooLarge => "The upload is too large",
            Self::UnsupportedMediaType => "This file type is not accepted",
            Self::RequestTimeout => "The request took too long",
            Self::MfaRequired => "Enter the code from your authenticator app",
            Self::MfaChallengeExpired => "Sign in again",
            Self::InvalidTwoFactorCode => "The code is not valid",
            Self::MfaRequiredByOrg => "This organization requires two-factor sign-in",
            Self::ServerBusy => "The server is busy",
            Self::Internal => "Something went wrong on the server",
            Self::ServerUnreachable => "The server cannot be reached",
            Self::BadResponse => "The server's answer could not be read",
            Self::NotSignedIn => "You are signed out",
            Self::KeychainUnavailable => "The system keychain is not available",
            Self::LocalStorage => "Local files could not be read or written",
        }
    }
}

/// One invalid field in a validation failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The error as the app and the UI see it: a code to branch on, a message for people, and
/// (for validation failures) the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::ValidationFailed,
            message: message.into(),
            field: Some(field.into()),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

/// An RFC 9457 problem document, as the server sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: ErrorCode,
    /// The first invalid field, for clients that show one message per form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every invalid field, for validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With `mfa_required` only: the second step of this sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor: Option<TwoFactorChallenge>,
}

/// The second step of a sign-in with two-factor on: send `challenge` with a code to
/// `POST /v1/auth/login/two-factor` before `expires_at` (5 minutes). It works once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TwoFactorChallenge {
    pub challenge: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for TwoFactorChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorChallenge")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Problem {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            type_uri: format!("https://orgdesk.dev/problems/{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.http_status(),
            detail: detail.into(),
            code,
            field: None,
            errors: Vec::new(),
            two_factor: None,
        }
    }

    pub fn with_fields(mut self, errors: Vec<FieldError>) -> Self {
        self.field = errors.first().map(|e| e.field.clone());
        self.errors = errors;
        self
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        // Several problems (e.g. everything a plan downgrade would put over its limits)
        // are all named; one is shown as it is.
        let message = match p.errors.as_slice() {
            [] => p.detail,
            [one] => one.message.clone(),
            many => many
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        };
        Self {
            code: p.code,
            message,
            field: p.field,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_name_matches_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn problem_keeps_code_and_first_field() {
        let p = Problem::new(ErrorCode::ValidationFailed, "bad").with_fields(vec![FieldError {
            field: "slug".into(),
            message: "too short".into(),
        }]);
        assert_eq!(p.status, 422);
        let back: Problem = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        let api: ApiError = back.into();
        assert_eq!(api.code, ErrorCode::ValidationFailed);
        assert_eq!(api.field.as_deref(), Some("slug"));
        assert_eq!(api.message, "too short");
    }
}
