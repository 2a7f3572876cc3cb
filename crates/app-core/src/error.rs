//! The app's errors. Every command answers `Result<T, ApiError>`: the same
//! `{code, message, field}` the server speaks, so the UI branches on one vocabulary.

use orgdesk_client::ClientError;
use orgdesk_model::{ApiError, ErrorCode};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("You are signed out. Sign in to continue.")]
    NotSignedIn,
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("The built-in server could not start: {0}")]
    EmbeddedServer(String),
    #[error("The app's settings file could not be written: {0}")]
    Prefs(String),
    #[error("The system keychain is not available: {0}")]
    Keychain(String),
    #[error("You are offline, and this has not been opened on this computer before. It will load once the server answers.")]
    OfflineUnseen,
    #[error("You are offline. {0} needs a connection to the server; try again when you are back online.")]
    NeedsServer(&'static str),
    /// The server refused a change on its first attempt.
    #[error("{}", .0.message)]
    Refused(ApiError),
    #[error("The file could not be written: {0}")]
    Export(String),
    #[error("The save dialog could not open: {0}")]
    SaveDialog(String),
    /// A change was stored in the outbox, and then it was not there to answer with.
    #[error("A change was queued but is no longer in the outbox (change {0}).")]
    QueuedChangeMissing(i64),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Client(c) => c.into(),
            AppError::Invalid { field, message } => ApiError::field(field, message),
            AppError::NotSignedIn => ApiError::new(ErrorCode::NotSignedIn, e.to_string()),
            AppError::EmbeddedServer(_) => ApiError::new(ErrorCode::Internal, e.to_string()),
            AppError::Prefs(_) => ApiError::new(ErrorCode::LocalStorage, e.to_string()),
            AppError::Keychain(_) => ApiError::new(ErrorCode::KeychainUnavailable, e.to_string()),
            AppError::OfflineUnseen | AppError::NeedsServer(_) => {
                ApiError::new(ErrorCode::ServerUnreachable, e.to_string())
            }
            AppError::Refused(api) => api,
            AppError::Export(_) | AppError::SaveDialog(_) => {
                ApiError::new(ErrorCode::LocalStorage, e.to_string())
            }
            AppError::Store(_) | AppError::QueuedChangeMissing(_) => {
                ApiError::new(ErrorCode::LocalStorage, e.to_string())
            }
        }
    }
}
