//! Errors. [`AppError`] is what a request can fail with: each variant maps to one stable
//! [`ErrorCode`] and becomes an `application/problem+json` answer. [`ServerError`] is what
//! starting a server can fail with.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orgdesk_model::{Capability, ErrorCode, FieldError, Problem};

use crate::problem::problem_response;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed on {} field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("unreadable JSON body: {0}")]
    Json(#[from] JsonRejection),
    #[error("unreadable query: {0}")]
    Query(#[from] QueryRejection),
    #[error("unreadable path: {0}")]
    Path(#[from] PathRejection),
    #[error("unreadable body: {0}")]
    Body(#[from] BytesRejection),
    /// A cursor in the documented alphabet that this server did not issue (422, field
    /// `cursor`: the request has the documented form, its content is refused).
    #[error("the cursor is not one this server issued")]
    BadCursor,
    #[error("no valid session")]
    Unauthenticated,
    #[error("email and password do not match")]
    InvalidCredentials,
    #[error("the role lacks {0:?}")]
    Forbidden(Capability),
    #[error("not found")]
    NotFound,
    #[error("the email is taken")]
    EmailTaken,
    #[error("the slug is taken")]
    SlugTaken,
    #[error("stale version; current is {current}")]
    VersionConflict { current: i64 },
    #[error("the plan allows {limit} owned organizations")]
    OwnedOrgLimit { limit: u32 },
    #[error("not possible in a personal context")]
    PersonalContext,
    #[error("the plan allows {limit} projects")]
    ProjectLimit { limit: u32 },
    #[error("the project slug is taken in this org")]
    ProjectSlugTaken,
    #[error("the plan's {seats} seats are taken")]
    SeatLimit { seats: u32 },
    #[error("already a member")]
    AlreadyMember(String),
    #[error("an invitation is pending")]
    InvitationPending(String),
    #[error("the invitation is no longer valid")]
    InvitationExpired,
    #[error("the invitation is for another account")]
    InvitationForAnotherAccount { masked_email: String },
    #[error("the owner must transfer ownership first")]
    OwnerMustTransfer,
    #[error("the owner cannot be changed or removed this way")]
    OwnerProtected,
    #[error("the typed confirmation does not match")]
    ConfirmationMismatch { expected: &'static str },
    #[error("invalid state: {0}")]
    InvalidState(String),
    #[error("mail: {0}")]
    Mail(String),
    #[error("export: {0}")]
    Export(String),
    #[error("throttled for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("the body exceeds {max_bytes} bytes")]
    PayloadTooLarge { max_bytes: usize },
    #[error("refused media: {0}")]
    UnsupportedMedia(MediaRefusal),
    #[error("no route for this path")]
    NoRoute,
    #[error("the route does not accept this method")]
    MethodNotAllowed,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("password hashing: {0}")]
    PasswordHash(argon2::password_hash::Error),
    #[error("background task: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("stored {0} is not valid")]
    CorruptRow(&'static str),
    #[error("a handler panicked")]
    Panic,
    #[error("no valid API key")]
    InvalidApiKey,
    #[error("the API key lacks the {0} scope")]
    MissingScope(&'static str),
    #[error("the API key is limited to another project")]
    KeyProjectMismatch,
    #[error("balance {balance} is below {needed}")]
    InsufficientCredits { balance: i64, needed: i64 },
    #[error("the project is {status}")]
    ProjectNotActive {
        status: &'static str,
        reason: Option<String>,
    },
    #[error("the spend policy refuses: {0}")]
    SpendNotAllowed(&'static str),
    #[error("the plan change is blocked on {} limit(s)", .0.len())]
    PlanDowngradeBlocked(Vec<FieldError>),
    #[error("an Idempotency-Key header is required")]
    IdempotencyKeyRequired,
    #[error("the Idempotency-Key was used for another request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is in flight")]
    IdempotencyKeyInFlight,
    #[error("the Idempotency-Key is not valid")]
    BadIdempotencyKey,
    #[error("payment: {0}")]
    PaymentDeclined(String),
    #[error("payment processor: {0}")]
    PaymentUnavailable(String),
    #[error("rendering: {0}")]
    Render(String),
}

/// Why an upload's media type was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MediaRefusal {
    #[error("the Content-Type is not PNG, JPEG or SVG")]
    NotAccepted,
    #[error("the bytes are not what the Content-Type says")]
    Mismatch,
    #[error("the SVG contains active content")]
    ActiveSvg,
    #[error("the body is not JSON")]
    NotJson,
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation(_) | Self::BadCursor => ErrorCode::ValidationFailed,
            Self::Json(rejection) => match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
                _ => ErrorCode::MalformedRequest,
            },
            Self::Body(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ErrorCode::PayloadTooLarge
            }
            Self::Query(_)
            | Self::Path(_)
            | Self::Body(_)
            | Self::MethodNotAllowed
            | Self::BadIdempotencyKey => ErrorCode::MalformedRequest,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound | Self::NoRoute => ErrorCode::NotFound,
            Self::EmailTaken => ErrorCode::EmailTaken,
            Self::SlugTaken => ErrorCode::SlugTaken,
            Self::VersionConflict { .. } => ErrorCode::VersionConflict,
            Self::OwnedOrgLimit { .. } => ErrorCode::PlanLimitReached,
            Self::PersonalContext => ErrorCode::PersonalContext,
            Self::ProjectLimit { .. } => ErrorCode::PlanLimitReached,
            Self::ProjectSlugTaken => ErrorCode::SlugTaken,
            Self::SeatLimit { .. } => ErrorCode::SeatLimitReached,
            Self::AlreadyMember(_) => ErrorCode::AlreadyMember,
            Self::InvitationPending(_) => ErrorCode::InvitationPending,
            Self::InvitationExpired => ErrorCode::InvitationExpired,
            Self::InvitationForAnotherAccount { .. } => ErrorCode::InvitationForAnotherAccount,
            Self::OwnerMustTransfer => ErrorCode::OwnerMustTransfer,
            Self::OwnerProtected => ErrorCode::Forbidden,
            Self::ConfirmationMismatch { .. } => ErrorCode::ConfirmationMismatch,
            Self::InvalidState(_) => ErrorCode::InvalidState,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMedia(_) => ErrorCode::UnsupportedMediaType,
            Self::InvalidApiKey => ErrorCode::Unauthenticated,
            Self::MissingScope(_) | Self::KeyProjectMismatch => ErrorCode::Forbidden,
            Self::InsufficientCredits { .. } => ErrorCode::InsufficientCredits,
            Self::ProjectNotActive { .. } => ErrorCode::ProjectNotActive,
            Self::SpendNotAllowed(_) => ErrorCode::SpendNotAllowed,
            Self::PlanDowngradeBlocked(_) => ErrorCode::PlanDowngradeBlocked,
            Self::IdempotencyKeyRequired => ErrorCode::IdempotencyKeyRequired,
            Self::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Self::IdempotencyKeyInFlight => ErrorCode::IdempotencyKeyInFlight,
            Self::PaymentDeclined(_) => ErrorCode::InvalidState,
            Self::Database(_)
            | Self::PasswordHash(_)
            | Self::Task(_)
            | Self::CorruptRow(_)
            | Self::Mail(_)
            | Self::Export(_)
            | Self::Render(_)
            | Self::PaymentUnavailable(_)
            | Self::Panic => ErrorCode::Internal,
        }
    }

    /// What the caller is told. Internal failures get a generic sentence: their details
    /// go to the log only.
    fn problem(&self) -> Problem {
        let code = self.code();
        let detail = match self {
            Self::Validation(errors) => {
                return Problem::new(code, "Some fields need another look.")
                    .with_fields(errors.clone())
            }
            Self::Json(rejection) if code == ErrorCode::MalformedRequest => rejection.body_text(),
            Self::Json(_) if code == ErrorCode::UnsupportedMediaType => {
                MediaRefusal::NotJson.to_string() + "; send Content-Type: application/json."
            }
            Self::Query(rejection) => rejection.body_text(),
            Self::Path(rejection) => rejection.body_text(),
            Self::Json(_) | Self::Body(_) if code == ErrorCode::PayloadTooLarge => {
                "The request body is too large.".to_owned()
            }
            Self::Body(rejection) => rejection.body_text(),
            Self::BadCursor => {
                return Problem::new(code, "The cursor is not valid; start again without one.")
                    .with_fields(vec![FieldError {
                        field: "cursor".to_owned(),
                        message: "Start again without a cursor.".to_owned(),
                    }])
            }
            Self::Unauthenticated => "Sign in and send the session as a Bearer token.".to_owned(),
            Self::InvalidCredentials => "The email or the password is wrong.".to_owned(),
            Self::Forbidden(_) => "Your role in this organization does not allow this.".to_owned(),
            Self::NotFound => "There is nothing here, or you are not a member.".to_owned(),
            Self::EmailTaken => "An account with this email already exists. Sign in instead.".to_owned(),
            Self::SlugTaken => {
                return Problem::new(code, "This slug is used by another organization.").with_fields(
                    vec![FieldError {
                        field: "slug".to_owned(),
                        message: "This slug is taken. Pick another one.".to_owned(),
                    }],
                )
            }
            Self::VersionConflict { current } => format!(
                "Someone changed this meanwhile (now version {current}). Reload and try again."
            ),
            Self::OwnedOrgLimit { limit } => format!(
                "Your plan lets you own at most {limit} organizations. Upgrade, or delete one first."
            ),
            Self::PersonalContext => {
                "This is not possible in a personal context.".to_owned()
            }
            Self::ProjectLimit { limit } => format!(
                "Your plan allows {limit} active or suspended projects. Archive one, or upgrade."
            ),
            Self::ProjectSlugTaken => {
                return Problem::new(code, "Another project in this organization uses this slug.")
                    .with_fields(vec![FieldError {
                        field: "slug".to_owned(),
                        message: "This slug is taken in this organization. Pick another one."
                            .to_owned(),
                    }])
            }
            Self::SeatLimit { seats } => format!(
                "All {seats} seats of the plan are taken by members and pending invitations. \
                 Revoke an invitation, remove a member, or upgrade."
            ),
            Self::AlreadyMember(email) if email.is_empty() => {
                "You are already a member of this organization.".to_owned()
            }
            Self::AlreadyMember(email) => {
                format!("{email} is already a member of this organization.")
            }
            Self::InvitationPending(email) => format!(
                "An invitation for {email} is already pending. Resend it instead."
            ),
            Self::InvitationExpired => {
                "This invitation was used, declined or revoked, or it has expired. Ask for a new one."
                    .to_owned()
            }
            Self::InvitationForAnotherAccount { masked_email } => format!(
                "This invitation was sent to {masked_email}. Sign in with that account to accept it."
            ),
            Self::OwnerMustTransfer => {
                "The owner cannot leave. Transfer ownership to another member first.".to_owned()
            }
            Self::OwnerProtected => {
                "The owner cannot be changed or removed; ownership moves only by transfer."
                    .to_owned()
            }
            Self::ConfirmationMismatch { expected } => {
                format!("Type the {expected} exactly to confirm.")
            }
            Self::InvalidState(why) => why.clone(),
            Self::RateLimited { retry_after_secs } => {
                format!("Too many attempts. Try again in {retry_after_secs} seconds.")
            }
            Self::PayloadTooLarge { max_bytes } => {
                format!("The upload is larger than {max_bytes} bytes.")
            }
            Self::UnsupportedMedia(refusal) => refusal.to_string(),
            Self::NoRoute => "This API has no such route.".to_owned(),
            Self::MethodNotAllowed => "This route does not accept this method.".to_owned(),
            Self::Json(_) => "The request body could not be read.".to_owned(),
            Self::InvalidApiKey => {
                "Send a live API key as `Authorization: Bearer odk_…`; this one is unknown or \
                 revoked, or its creator left the organization."
                    .to_owned()
            }
            Self::MissingScope(scope) => format!("This API key lacks the `{scope}` scope."),
            Self::KeyProjectMismatch => {
                "This API key is limited to another project.".to_owned()
            }
            Self::InsufficientCredits { balance, needed } => format!(
                "This needs {needed} credits and the balance is {balance}. Top up, then retry \
                 with a new Idempotency-Key."
            ),
            Self::ProjectNotActive { status, reason } => match reason {
                Some(reason) => format!("The project is {status}: {reason}"),
                None => format!("The project is {status}; it cannot spend credits."),
            },
            Self::SpendNotAllowed(why) => (*why).to_owned(),
            Self::PlanDowngradeBlocked(errors) => {
                return Problem::new(
                    code,
                    "Current usage is over the new plan's limits. Reduce it first, or pick a \
                     larger plan.",
                )
                .with_fields(errors.clone())
            }
            Self::IdempotencyKeyRequired => {
                "Send an `Idempotency-Key` header (a unique string per operation, e.g. a UUID)."
                    .to_owned()
            }
            Self::IdempotencyKeyReused => {
                "This Idempotency-Key was used for a different request. Use a new key for a new \
                 request."
                    .to_owned()
            }
            Self::IdempotencyKeyInFlight => {
                "A request with this Idempotency-Key is still being processed. Retry in a moment."
                    .to_owned()
            }
            Self::BadIdempotencyKey => {
                "The Idempotency-Key must be 1 to 255 visible ASCII characters.".to_owned()
            }
            Self::PaymentDeclined(why) => format!("The payment was declined: {why}"),
            Self::Database(_)
            | Self::PasswordHash(_)
            | Self::Task(_)
            | Self::CorruptRow(_)
            | Self::Mail(_)
            | Self::Export(_)
            | Self::Render(_)
            | Self::PaymentUnavailable(_)
            | Self::Panic => "Something went wrong on our side. It has been logged.".to_owned(),
        };
        let mut problem = Problem::new(code, detail);
        if matches!(self, Self::MethodNotAllowed) {
            problem.status = StatusCode::METHOD_NOT_ALLOWED.as_u16();
            "Method not allowed".clone_into(&mut problem.title);
        }
        problem
    }
}

/// Marks answers made by the router's fallbacks, so that "no such route" can be told apart
/// from "no such resource" on an existing route.
pub const FALLBACK_HEADER: &str = "x-orgdesk-fallback";

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.code() == ErrorCode::Internal {
            tracing::error!(error = %self, detail = ?self, "request failed");
        }
        let mut response = problem_response(self.problem());
        let headers = response.headers_mut();
        match &self {
            Self::Unauthenticated | Self::InvalidApiKey => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::RateLimited { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            Self::NoRoute | Self::MethodNotAllowed => {
                headers.insert(FALLBACK_HEADER, HeaderValue::from_static("route"));
            }
            _ => {}
        }
        response
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedDatabaseUrl,
    #[error("cannot open the database: {0}")]
    Connect(sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot seed the demo data: {0}")]
    Demo(AppError),
    #[error("mail settings: {0}")]
    Mail(String),
}
