//! The OpenAPI 3.1 document, generated from the handlers themselves: every route is added
//! through `utoipa_axum::routes!`, so a route cannot exist without its documentation.

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use orgdesk_model::{ErrorCode, FieldError, Problem};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, RefOr, Response};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::problem::PROBLEM_JSON;
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
    components(schemas(Problem, FieldError, ErrorCode)),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "orgs", description = "Organizations and personal contexts"),
        (name = "projects", description = "Projects of an org and their lifecycle"),
        (name = "members", description = "Members, roles, project scopes, leaving and ownership"),
        (name = "invitations", description = "Inviting people by email, and answering invitations"),
        (name = "audit", description = "The audit log and its export"),
        (name = "billing", description = "Balance, plan, top-ups, ledger, usage reports, statements, alerts, spend policy, rates"),
        (name = "metering", description = "Recording metered usage with an API key"),
        (name = "api_keys", description = "API keys of an org"),
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

/// Completes the collected document: bearer security and the problem body of every error.
pub fn finish(doc: &mut Document) {
    ProblemResponses.modify(doc);
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

/// Gives each 4xx/5xx response the problem document as its body, adds 401 to every
/// authenticated operation and 500 to all.
struct ProblemResponses;

fn problem_content() -> Content {
    Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
        "Problem",
    ))))
}

fn problem_response(description: &str) -> Response {
    Response::builder()
        .description(description)
        .content(PROBLEM_JSON, problem_content())
        .build()
}

impl Modify for ProblemResponses {
    fn modify(&self, doc: &mut Document) {
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let responses = &mut op.responses.responses;
                if secured {
                    responses.entry("401".to_owned()).or_insert_with(|| {
                        RefOr::T(problem_response("`unauthenticated`: no valid session"))
                    });
                }
                responses.entry("500".to_owned()).or_insert_with(|| {
                    RefOr::T(problem_response("`internal`: see the server log"))
                });
                for (status, response) in responses.iter_mut() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(response)) = (is_error, response) {
                        if response.content.is_empty() {
                            response
                                .content
                                .insert(PROBLEM_JSON.to_owned(), problem_content());
                        }
                    }
                }
            }
        }
    }
}

/// The raw bytes of an image (logos).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageBytes(pub Vec<u8>);

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
