use orgdesk_model::{ApiError, ErrorCode, Problem};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ClientError {
    /// The server answered with a problem document.
    #[error("{}", .0.message)]
    Api(ApiError),
    /// The server could not be reached, or the connection broke.
    #[error("cannot reach the server: {0}")]
    Network(#[source] reqwest::Error),
    /// The server answered, but not with what this client understands.
    #[error("unexpected answer from the server ({status}): {detail}")]
    BadResponse { status: u16, detail: String },
    #[error("invalid server address: {0}")]
    BadUrl(#[from] url::ParseError),
    /// Writing a downloaded file failed.
    #[error("the file could not be written: {0}")]
    File(#[source] std::io::Error),
}

impl ClientError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Api(e) => e.code,
            Self::Network(_) => ErrorCode::ServerUnreachable,
            Self::BadResponse { .. } => ErrorCode::BadResponse,
            Self::BadUrl(_) => ErrorCode::ValidationFailed,
            Self::File(_) => ErrorCode::LocalStorage,
        }
    }

    /// True when the failure says nothing about the request itself: the server was not
    /// reached or did not answer. Such reads may be answered from a cache.
    pub fn is_connectivity(&self) -> bool {
        matches!(self, Self::Network(_))
    }

    pub(crate) fn from_problem(status: u16, body: &[u8]) -> Self {
        match serde_json::from_slice::<Problem>(body) {
            Ok(problem) => Self::Api(problem.into()),
            Err(_) => Self::BadResponse {
                status,
                detail: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
            },
        }
    }
}

impl From<ClientError> for ApiError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Api(api) => api,
            ClientError::BadUrl(err) => {
                ApiError::field("server_url", format!("This is not a valid address: {err}."))
            }
            ClientError::Network(err) => ApiError::new(
                ErrorCode::ServerUnreachable,
                format!(
                    "The server cannot be reached ({}). Check your connection and try again.",
                    network_reason(&err)
                ),
            ),
            other => ApiError::new(other.code(), other.to_string()),
        }
    }
}

fn network_reason(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "it did not answer in time"
    } else if err.is_connect() {
        "the connection was refused"
    } else {
        "the connection broke"
    }
}
