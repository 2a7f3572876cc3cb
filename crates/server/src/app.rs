//! Assembling and running the server: state, router, middleware, lifecycle.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{HeaderName, Request, Response};
use axum::{middleware, Extension, Router};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::billing::payments::{PaymentProvider, RecordedPayments};
use crate::config::Config;
use crate::db::Db;
use crate::error::ServerError;
use crate::http::problem::{method_not_allowed, no_route, panic_response};
use crate::mail::delivery::{self, DeliveryTask, Sink};
use crate::mail::Mailer;
use crate::openapi::{self, RenderedDoc};
use crate::{
    api_keys, audit, auth, billing, demo, idempotency, invitations, invoices, members, orgs,
    projects, usage,
};

/// JSON bodies are small; the logo route sets its own, larger limit.
const JSON_BODY_LIMIT: usize = 64 * 1024;
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Puts mail in the outbox and wakes its delivery.
    pub mail: Mailer,
    /// Whether `X-Forwarded-For` names the client (see [`Config::trust_proxy`]).
    pub trust_proxy: bool,
    /// Where top-ups are paid.
    pub payments: Arc<dyn PaymentProvider>,
}

/// Every route, documented; returns the router and the rendered OpenAPI document.
pub fn router(state: AppState) -> (Router, String) {
    let (routes, mut doc) = openapi::base()
        .merge(auth::routes::router())
        .merge(orgs::routes::router())
        .merge(orgs::logo_routes::router())
        .merge(projects::routes::router())
        .merge(members::routes::router())
        .merge(invitations::routes::router())
        .merge(audit::routes::router())
        .merge(billing::routes::router())
        .merge(usage::routes::router())
        .merge(invoices::routes::router())
        .merge(api_keys::routes::router())
        .merge(openapi::router())
        .split_for_parts();
    openapi::finish(&mut doc);
    let rendered = doc.to_pretty_json().unwrap_or_default();
    let router = routes
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone())
        .layer(Extension(RenderedDoc(Arc::new(rendered.clone()))))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        // Outside the panic catcher, so that a panic's 500 releases the idempotency key.
        .layer(middleware::from_fn_with_state(
            state,
            idempotency::layer::idempotency,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(record_response)
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid));
    (router, rendered)
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

/// A server running in a tokio task.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    delivery: Option<DeliveryTask>,
    db: Db,
}

impl RunningServer {
    /// The bound address (the real port when `listen` asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets requests in flight finish, closes the database.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "server stopped with an error"),
                Err(error) => tracing::error!(%error, "server task failed"),
            }
        }
        if let Some(delivery) = self.delivery.take() {
            delivery.stop().await;
        }
        self.db.close().await;
        tracing::info!(addr = %self.addr, "server stopped");
    }
}

impl Drop for RunningServer {
    /// Dropping without `shutdown` still stops the server (without waiting for it).
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Opens (and migrates) the database, seeds the demo if asked, binds and serves in a task.
pub async fn spawn(config: Config) -> Result<RunningServer, ServerError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| ServerError::DataDir {
        path: config.data_dir.clone(),
        source,
    })?;
    let from = config
        .mail
        .from
        .parse()
        .map_err(|e| ServerError::Mail(format!("the sender {:?}: {e}", config.mail.from)))?;
    let sink = Sink::from_config(&config)?;
    let db = Db::connect(&config.resolved_database_url()).await?;
    db.migrate().await?;
    if config.demo {
        demo::seed(&db).await.map_err(ServerError::Demo)?;
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: config.listen,
        source,
    })?;
    let mail = Mailer::new(from);
    let delivery = delivery::start(db.clone(), sink, mail.waker());
    let state = AppState {
        db: db.clone(),
        mail,
        trust_proxy: config.trust_proxy,
        payments: Arc::new(RecordedPayments),
    };
    let (app, _doc) = router(state);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        tokio::spawn(auth::password::warm_up());
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        })
        .await
    });
    tracing::info!(%addr, backend = ?db.backend(), "serving");
    Ok(RunningServer {
        addr,
        stop: Some(stop),
        task: Some(task),
        delivery: Some(delivery),
        db,
    })
}
