//! Errors. [`AppError`] is what a request can fail with: each variant maps to one stable
//! [`ErrorCode`] and becomes an `application/problem+json` answer. [`ServerError`] is what
//! starting a server can fail with.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orgdesk_model::{Capability, ErrorCode, FieldError, Problem};

use crate::http::problem::problem_response;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed on {} field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("unreadable JSON body: {0}")]
    Json(#[from] JsonRejection),
    #[error("unreadable query: {0}")]
    Query(#[from] QueryRejection),
    #[error("unreadable body: {0}")]
    Body(#[from] BytesRejection),
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
            Self::Validation(_) => ErrorCode::ValidationFailed,
            Self::Json(rejection) => match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
                _ => ErrorCode::MalformedRequest,
            },
            Self::Body(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ErrorCode::PayloadTooLarge
            }
            Self::Query(_) | Self::Body(_) | Self::BadCursor | Self::MethodNotAllowed => {
                ErrorCode::MalformedRequest
            }
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound | Self::NoRoute => ErrorCode::NotFound,
            Self::EmailTaken => ErrorCode::EmailTaken,
            Self::SlugTaken => ErrorCode::SlugTaken,
            Self::VersionConflict { .. } => ErrorCode::VersionConflict,
            Self::OwnedOrgLimit { .. } => ErrorCode::PlanLimitReached,
            Self::PersonalContext => ErrorCode::PersonalContext,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMedia(_) => ErrorCode::UnsupportedMediaType,
            Self::Database(_)
            | Self::PasswordHash(_)
            | Self::Task(_)
            | Self::CorruptRow(_)
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
            Self::Json(_) | Self::Body(_) if code == ErrorCode::PayloadTooLarge => {
                "The request body is too large.".to_owned()
            }
            Self::Body(rejection) => rejection.body_text(),
            Self::BadCursor => "The cursor is not valid; start again without one.".to_owned(),
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
            Self::Database(_)
            | Self::PasswordHash(_)
            | Self::Task(_)
            | Self::CorruptRow(_)
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
            Self::Unauthenticated => {
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
}
