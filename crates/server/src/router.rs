//! The documented router: every domain's routes merged with the API's own, the fallbacks
//! and the middleware around them, and the OpenAPI document they make together.
//!
//! Every answer carries `X-Content-Type-Options: nosniff` and, unless its route says
//! otherwise, `Cache-Control: no-store`: answers hold tokens, secrets and people's data,
//! which no browser, proxy or disk cache should keep. The one route that sets its own is
//! the logo (`private, no-cache` with an `ETag`: kept by the caller only, and checked
//! with the server before each use, so a changed or removed logo is never shown stale).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{header, HeaderName, HeaderValue, Request, Response};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::{middleware, Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa_axum::router::OpenApiRouter;

use crate::error::AppError;
use crate::openapi::{self, RenderedDoc};
use crate::state::AppState;
use crate::{
    accounts, api_keys, audit, auth, billing, card_payments, cards, exports, idempotency,
    invitations, invoices, members, orgs, portfolio, projects, retention, signup, sso,
    subscriptions, usage, webhooks,
};

/// JSON bodies are small; the logo route has its own, larger limit.
const JSON_BODY_LIMIT: usize = 64 * 1024;
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route, documented; returns the router and the rendered OpenAPI document. A
/// request (its body included) must be answered within `request_timeout`.
pub fn router(state: AppState, request_timeout: Duration) -> (Router, String) {
    let json_routes = openapi::base()
        .merge(auth::routes::router())
        .merge(auth::session_routes::router())
        .merge(auth::two_factor::routes::router())
        .merge(signup::routes::router())
        .merge(accounts::routes::router())
        .merge(orgs::routes::router())
        .merge(portfolio::routes::router())
        .merge(crate::lifecycle::routes::router())
        .merge(orgs::security_routes::router())
        .merge(projects::routes::router())
        .merge(members::routes::router())
        .merge(invitations::routes::router())
        .merge(audit::routes::router())
        .merge(billing::routes::router())
        .merge(cards::routes::router())
        .merge(subscriptions::routes::router())
        .merge(usage::routes::router())
        .merge(invoices::routes::router())
        .merge(card_payments::routes::router())
        .merge(api_keys::routes::router())
        .merge(webhooks::routes::router())
        .merge(retention::routes::router())
        .merge(exports::routes::router())
        .merge(sso::domains::routes::router())
        .merge(crate::sso::routes::router())
        .merge(openapi::router());
    let (routes, mut doc) =
        around_each_route(json_routes, JSON_BODY_LIMIT, &state, request_timeout)
            .merge(around_each_route(
                cards::page::router(),
                JSON_BODY_LIMIT,
                &state,
                request_timeout,
            ))
            .merge(around_each_route(
                orgs::logo_routes::router(),
                orgs::logo_routes::BODY_LIMIT,
                &state,
                request_timeout,
            ))
            .split_for_parts();
    openapi::finish(&mut doc);
    let rendered = doc.to_pretty_json().unwrap_or_default();
    let router = routes
        // Set after the route layers, so that a 405 does not pass through them.
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(Extension(RenderedDoc(Arc::new(rendered.clone()))))
        // The fallbacks and the middleware below; each route has its own catcher.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(record_response)
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        // Outermost, so fallbacks and panics carry them too.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ));
    (router, rendered)
}

/// What runs around each route once it matched (path and method), outermost first: the
/// request timeout (around everything that reads the body, the idempotency layer
/// included: a body that trickles in is cut off like a slow handler), the route's body
/// limit, the API keys' rate limit (every request with a live key counts, a replayed one
/// too; see [`auth::key_limit`]), then an org's "require SSO" for the sessions it refuses
/// ([`sso::enforcement`]: before idempotency, so a refused request claims no key), then
/// idempotency (inside the limit, so an oversized body
/// is 413 before anything is buffered; authentication comes before the key, see
/// [`idempotency::layer`]), then the panic catcher (inside idempotency, so a panic's 500
/// releases the key). A request cut off by the timeout after its key was claimed leaves
/// the key in flight until its lease runs out, as a request of a process that died would.
fn around_each_route(
    routes: OpenApiRouter<AppState>,
    body_limit: usize,
    state: &AppState,
    request_timeout: Duration,
) -> OpenApiRouter<AppState> {
    routes
        .route_layer(CatchPanicLayer::custom(panic_response))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer::idempotency,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            sso::enforcement::guard,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::key_limit::gate,
        ))
        .route_layer(DefaultBodyLimit::max(body_limit))
        .route_layer(middleware::from_fn_with_state(
            request_timeout,
            within_request_timeout,
        ))
}

/// Answers 408 `request_timeout` (and closes the connection) when the request is not
/// read and answered within `limit`; what it was doing is dropped (its transaction rolls
/// back).
async fn within_request_timeout(
    State(limit): State<Duration>,
    request: axum::extract::Request,
    next: Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::RequestTimeout {
            secs: limit.as_secs().max(1),
        }
        .into_response(),
    }
}

/// Answers paths no route matches.
async fn no_route() -> AppError {
    AppError::NoRoute
}

/// Answers a known path asked with a method it does not serve.
async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// Turns a panic inside a handler into a logged, generic 500.
fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    AppError::Panic.into_response()
}

/// One span per request: method, the route's template (never the raw path, which may one
/// day carry a token) and request id; the answer is logged with status and latency.
/// Headers and bodies are never logged.
fn request_span<B>(request: &Request<B>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<no route>", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        request_id = %request_id,
    )
}

fn record_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    let status = response.status().as_u16();
    let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
    tracing::info!(status, latency_ms, "answered");
}
