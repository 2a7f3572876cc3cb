//! The OpenAPI 3.1 document, generated from the handlers themselves: every route is added
//! through `utoipa_axum::routes!`, so a route cannot exist without its documentation.

mod common;

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use orgdesk_model::audit::ExportFormat;
use orgdesk_model::webhook::WebhookPayload;
use orgdesk_model::{ErrorCode, FieldError, Problem};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Orgdesk API",
        description = "Organizations, members and billing for people who work for many clients. \
            Errors are `application/problem+json` (RFC 9457) with a stable `code`. \
            Every POST, PUT, PATCH and DELETE accepts an `Idempotency-Key` header (1–255 visible \
            ASCII characters), scoped to the caller: the first answer is replayed for 24 hours \
            with `Idempotent-Replayed: true`; the key with another request answers 422 \
            `idempotency_key_reused`, and while the first still runs 409 \
            `idempotency_key_in_flight`.",
        version = "1"
    ),
    components(schemas(Problem, FieldError, ErrorCode, ExportFormat, WebhookPayload)),
    tags(
        (name = "auth", description = "Sign-up, sign-in and sessions"),
        (name = "account", description = "One's own account: name, password, email (verified through mailed links), deleting it"),
        (name = "orgs", description = "Organizations and personal contexts"),
        (name = "projects", description = "Projects of an org and their lifecycle"),
        (name = "members", description = "Members, roles, project scopes, leaving and ownership"),
        (name = "invitations", description = "Inviting people by email, and answering invitations"),
        (name = "audit", description = "The audit log and its export"),
        (name = "billing", description = "Balance, plan, top-ups, ledger, usage reports, statements, alerts, spend policy, rates"),
        (name = "metering", description = "Recording metered usage with an API key"),
        (name = "api_keys", description = "API keys of an org"),
        (name = "webhooks", description = "Webhook endpoints of an org, their deliveries (signed by the Standard Webhooks specification), and the event catalogue"),
        (name = "sso", description = "Single sign-on with OpenID Connect: an org's connection, the email domains it proves by DNS, and the native-app sign-in flow (RFC 8252)"),
        (name = "exports", description = "Exports of a whole org as one ZIP, written in the background and kept for a week"),
        (name = "meta", description = "Health and this document"),
    )
)]
struct ApiDoc;

/// An empty router carrying the document's header (info, tags, shared schemas).
pub fn base() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
}

/// The routes about the API itself.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(openapi_json))
}

/// Completes the collected document: the answers and header every operation shares
/// ([`common`]), and the security schemes.
pub fn finish(doc: &mut Document) {
    common::add(doc);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("ods_…")
                .build(),
        ),
    );
    components.add_security_scheme(
        "api_key",
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("odk_…")
                .build(),
        ),
    );
}

#[derive(Serialize, ToSchema)]
struct Health {
    /// Always `ok` while the server answers.
    status: &'static str,
}

/// Liveness.
#[utoipa::path(get, path = "/v1/health", tag = "meta", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The served document, rendered once at start-up.
#[derive(Clone)]
pub struct RenderedDoc(pub Arc<String>);

/// This document.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
async fn openapi_json(Extension(doc): Extension<RenderedDoc>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.0.as_str().to_owned(),
    )
}
