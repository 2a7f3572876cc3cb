//! Errors. [`AppError`] is what a request can fail with, and the one way any error becomes
//! an `application/problem+json` answer carrying a stable [`ErrorCode`]. It holds what
//! every route shares (validation, unreadable requests, not found, version conflicts,
//! storage and other internal failures); each domain's own refusals are that domain's
//! `thiserror` enum implementing [`DomainError`] (its code, its sentence), which `?` turns
//! into an [`AppError`]. [`ServerError`] is what starting a server can fail with.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orgdesk_model::{ErrorCode, FieldError, Problem};

use crate::problem::problem_response;

/// The sentence every internal failure is answered with; its cause goes to the log only.
pub const INTERNAL_DETAIL: &str = "Something went wrong on our side. It has been logged.";

/// A domain's error as the wire sees it. Each domain has one `thiserror` enum that
/// implements it next to the domain's code; `?` turns it into an [`AppError`].
pub trait DomainError: std::error::Error + Send + Sync + 'static {
    /// The wire code; its HTTP status comes with it. [`ErrorCode::Internal`] means the
    /// error is logged and answered with [`INTERNAL_DETAIL`].
    fn code(&self) -> ErrorCode;

    /// What the caller is told (never asked of an internal error).
    fn detail(&self) -> String;

    /// The invalid fields, when the problem names some.
    fn fields(&self) -> Vec<FieldError> {
        Vec::new()
    }

    /// Headers the answer carries besides the document (`Retry-After`, say).
    fn headers(&self, _headers: &mut HeaderMap) {}

    /// Extension members of the document (RFC 9457 §3.2), such as the second step of a
    /// sign-in that needs a two-factor code.
    fn extend(&self, _problem: &mut Problem) {}
}

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
    #[error("the Idempotency-Key is not valid")]
    BadIdempotencyKey,
    #[error("not found")]
    NotFound,
    #[error("stale version; current is {current}")]
    VersionConflict { current: i64 },
    #[error("the body exceeds {max_bytes} bytes")]
    PayloadTooLarge { max_bytes: usize },
    #[error("no route for this path")]
    NoRoute,
    #[error("the route does not accept this method")]
    MethodNotAllowed,
    /// The request (its body, or the work on it) outlasted the server's request timeout.
    #[error("the request took longer than {secs} s")]
    RequestTimeout { secs: u64 },
    #[error("{0}")]
    Domain(Box<dyn DomainError>),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("background task: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("stored {0} is not valid")]
    CorruptRow(&'static str),
    #[error("rendering: {0}")]
    Render(String),
    #[error("a handler panicked")]
    Panic,
}

impl<E: DomainError> From<E> for AppError {
    fn from(error: E) -> Self {
        Self::Domain(Box::new(error))
    }
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
            Self::NotFound | Self::NoRoute => ErrorCode::NotFound,
            Self::VersionConflict { .. } => ErrorCode::VersionConflict,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::RequestTimeout { .. } => ErrorCode::RequestTimeout,
            Self::Domain(error) => error.code(),
            Self::Database(_)
            | Self::Task(_)
            | Self::CorruptRow(_)
            | Self::Render(_)
            | Self::Panic => ErrorCode::Internal,
        }
    }

    /// The domain error inside, if it is one of type `E`.
    pub fn domain<E: DomainError>(&self) -> Option<&E> {
        match self {
            Self::Domain(error) => (error.as_ref() as &dyn std::error::Error).downcast_ref(),
            _ => None,
        }
    }

    /// What the caller is told. Internal failures get a generic sentence: their details
    /// go to the log only.
    fn problem(&self) -> Problem {
        let code = self.code();
        if code == ErrorCode::Internal {
            return Problem::new(code, INTERNAL_DETAIL);
        }
        let detail = match self {
            Self::Validation(errors) => {
                return Problem::new(code, "Some fields need another look.")
                    .with_fields(errors.clone())
            }
            Self::Domain(error) => {
                let mut problem = Problem::new(code, error.detail()).with_fields(error.fields());
                error.extend(&mut problem);
                return problem;
            }
            Self::Json(_) if code == ErrorCode::UnsupportedMediaType => {
                "the body is not JSON; send Content-Type: application/json.".to_owned()
            }
            Self::Json(_) | Self::Body(_) if code == ErrorCode::PayloadTooLarge => {
                "The request body is too large.".to_owned()
            }
            Self::Json(rejection) => rejection.body_text(),
            Self::Query(rejection) => rejection.body_text(),
            Self::Path(rejection) => rejection.body_text(),
            Self::Body(rejection) => rejection.body_text(),
            Self::BadCursor => {
                return Problem::new(code, "The cursor is not valid; start again without one.")
                    .with_fields(vec![FieldError {
                        field: "cursor".to_owned(),
                        message: "Start again without a cursor.".to_owned(),
                    }])
            }
            Self::BadIdempotencyKey => {
                "The Idempotency-Key must be 1 to 255 visible ASCII characters.".to_owned()
            }
            Self::NotFound => "There is nothing here, or you are not a member.".to_owned(),
            Self::VersionConflict { current } => format!(
                "Someone changed this meanwhile (now version {current}). Reload and try again."
            ),
            Self::PayloadTooLarge { max_bytes } => {
                format!("The upload is larger than {max_bytes} bytes.")
            }
            Self::NoRoute => "This API has no such route.".to_owned(),
            Self::MethodNotAllowed => "This route does not accept this method.".to_owned(),
            Self::RequestTimeout { secs } => format!(
                "The request was not received and answered within {secs} seconds; send it \
                 again."
            ),
            Self::Database(_)
            | Self::Task(_)
            | Self::CorruptRow(_)
            | Self::Render(_)
            | Self::Panic => INTERNAL_DETAIL.to_owned(),
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
            Self::Domain(error) => error.headers(headers),
            Self::NoRoute | Self::MethodNotAllowed => {
                headers.insert(FALLBACK_HEADER, HeaderValue::from_static("route"));
            }
            // The body may be half read: the connection cannot carry another request.
            Self::RequestTimeout { .. } => {
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
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
    #[error("cannot redraw the logos stored as SVG: {0}")]
    Logos(AppError),
    #[error("mail settings: {0}")]
    Mail(String),
    #[error(transparent)]
    Sealing(#[from] crate::sealing::SealingError),
    #[error(
        "this database's two-factor secrets are sealed with another key (id {expected}); \
         give this server the key file the others use (--secret-key-file)"
    )]
    SealingKeyMismatch { expected: String },
    #[error("cannot check the sealing key against the database: {0}")]
    SealingCheck(sqlx::Error),
}
