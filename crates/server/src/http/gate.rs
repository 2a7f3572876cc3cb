//! The outermost middleware: refuses, before routing or reading a body, a request for a
//! `Host` the server does not answer, or without the app secret it was configured with
//! ([`crate::access`]). Off (not even installed) for a server configured with neither.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use orgdesk_model::built_in::APP_SECRET_HEADER;
use orgdesk_model::ErrorCode;

use crate::access::{AllowedHosts, AppSecret};
use crate::error::{AppError, DomainError};

/// What the gate lets through.
#[derive(Debug, Clone)]
pub struct Gate {
    pub hosts: AllowedHosts,
    pub secret: Option<AppSecret>,
    /// The port the server listens on (what [`AllowedHosts::Loopback`] allows).
    pub port: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("the request names a host this server does not answer")]
    UnknownHost,
    #[error("the request does not carry the app secret")]
    NoAppSecret,
}

impl DomainError for GateError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Forbidden
    }

    fn detail(&self) -> String {
        match self {
            Self::UnknownHost => "This server does not answer requests for that host name.",
            Self::NoAppSecret => "This server answers only the app that started it.",
        }
        .to_owned()
    }
}

/// `router` behind the gate, or unchanged when the gate would let everything through.
pub fn guard(router: Router, gate: Gate) -> Router {
    if gate.hosts == AllowedHosts::Any && gate.secret.is_none() {
        return router;
    }
    router.layer(middleware::from_fn_with_state(Arc::new(gate), check))
}

async fn check(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    if let Err(refused) = admit(&gate, &request) {
        tracing::warn!(reason = %refused, "refused a request at the gate");
        return AppError::from(refused).into_response();
    }
    next.run(request).await
}

fn admit(gate: &Gate, request: &Request) -> Result<(), GateError> {
    if gate.hosts != AllowedHosts::Any {
        // The Host header, and the authority of an absolute-form or HTTP/2 request: each
        // one present must be allowed, and one at least must be.
        let mut headers = request.headers().get_all(HOST).iter();
        let header = match (headers.next(), headers.next()) {
            (None, _) => None,
            (Some(value), None) => Some(value.to_str().map_err(|_| GateError::UnknownHost)?),
            (Some(_), Some(_)) => return Err(GateError::UnknownHost),
        };
        let authority = request.uri().authority().map(|a| a.as_str());
        let named = [header, authority];
        let allowed =
            |host: &Option<&str>| host.is_none_or(|host| gate.hosts.permits(Some(host), gate.port));
        if named.iter().all(Option::is_none) || !named.iter().all(allowed) {
            return Err(GateError::UnknownHost);
        }
    }
    if let Some(secret) = &gate.secret {
        let mut presented = request.headers().get_all(APP_SECRET_HEADER).iter();
        match (presented.next(), presented.next()) {
            (Some(value), None) if secret.matches(value.as_bytes()) => {}
            _ => return Err(GateError::NoAppSecret),
        }
    }
    Ok(())
}
