//! Who does something, and from where: the signed-in account plus the client's address and
//! user agent ([`Actor`]; every change is made by one, the audit log records it as its
//! actor), or only the address and agent before anyone is signed in ([`Client`]).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use orgdesk_model::UserId;

use crate::auth::extractor::CurrentSession;
use crate::error::AppError;
use crate::state::AppState;

/// User agents are cut to this many characters.
const USER_AGENT_MAX: usize = 300;

/// The signed-in caller of a mutation. Extracting it authenticates the request (401 like
/// [`CurrentSession`]).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    /// An actor acting from inside the server (the demo seed): no address, no agent.
    pub fn internal(user_id: UserId) -> Self {
        Self {
            user_id,
            ip: None,
            user_agent: None,
        }
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = CurrentSession::from_request_parts(parts, state).await?;
        let Client { ip, user_agent } = Client::of(parts, state.trust_proxy);
        Ok(Self {
            user_id: session.user_id(),
            ip,
            user_agent,
        })
    }
}

/// Where a request comes from, signed in or not (sign-in and sign-up have no session
/// yet): the client's address as [`client_ip`] reads it, and its user agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Client {
    fn of(parts: &Parts, trust_proxy: bool) -> Self {
        Self {
            ip: client_ip(parts, trust_proxy).map(|ip| ip.to_string()),
            user_agent: parts
                .headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(USER_AGENT_MAX).collect()),
        }
    }

    /// The address as limits key it (`unknown` when the server cannot tell).
    pub fn ip_or_unknown(&self) -> &str {
        self.ip.as_deref().unwrap_or("unknown")
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(Self::of(parts, state.trust_proxy))
    }
}

impl From<&Actor> for Client {
    fn from(actor: &Actor) -> Self {
        Self {
            ip: actor.ip.clone(),
            user_agent: actor.user_agent.clone(),
        }
    }
}

/// The TCP peer, or (behind a trusted proxy) the address that proxy appended last to
/// `X-Forwarded-For`; earlier entries are whatever the client claimed and are ignored.
fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|v| v.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(forwarded: Option<&str>) -> Parts {
        let mut builder = Request::builder();
        if let Some(value) = forwarded {
            builder = builder.header("x-forwarded-for", value);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))));
        parts
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let p = parts(Some("6.6.6.6, 203.0.113.7"));
        assert_eq!(client_ip(&p, false).unwrap().to_string(), "10.0.0.1");
        assert_eq!(client_ip(&p, true).unwrap().to_string(), "203.0.113.7");
        let p = parts(Some("garbage"));
        assert_eq!(client_ip(&p, true).unwrap().to_string(), "10.0.0.1");
    }
}
