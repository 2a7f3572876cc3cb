//! What every operation shares, added to the collected document in one place rather than
//! on each annotation: the answers the server's common machinery can give (extractors,
//! authentication, the idempotency layer, the body limits, the error handler) and the
//! `Idempotency-Key` header. A route documents only what is its own.
//!
//! | Status | When | Added to |
//! |---|---|---|
//! | 400 `malformed_request` | a parameter or the body cannot be read; a bad `Idempotency-Key` | operations with parameters or a body, and secured mutations |
//! | 401 `unauthenticated` | no valid session or API key | secured operations |
//! | 403 `mfa_required_by_org` | the org requires two-factor sign-in and the caller (or the API key's creator) has not turned it on | operations under `/v1/orgs/{org}` |
//! | 403 `forbidden` | the API key lacks the scope the operation needs | operations an API key may call |
//! | 404 `not_found` | the path names nothing the caller can see | operations with path parameters |
//! | 408 `request_timeout` | the body did not arrive, or the answer did not start, within the server's request timeout (30 s by default) | every operation |
//! | 409 `idempotency_key_in_flight` | the key's first request still runs | secured mutations |
//! | 413 `payload_too_large` | the body is over the route's limit | operations with a body, and secured mutations |
//! | 415 `unsupported_media_type` | the body is not of the documented type | operations with a body |
//! | 422 `validation_failed` | a `cursor` in the documented alphabet that this server did not issue | list operations |
//! | 422 `idempotency_key_reused` | the key was used with another request | secured mutations |
//! | 429 `rate_limited` | the API key is over its requests a minute (`Retry-After`) | operations an API key may call |
//! | 500 `internal` | see the server log | every operation |
//!
//! Every 4xx/5xx answer is a problem document (`application/problem+json`).

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Required, Response};

use crate::idempotency;
use crate::problem::PROBLEM_JSON;

/// The `Idempotency-Key` header as the idempotency layer reads it: 1–255 visible ASCII
/// characters (spaces inside; HTTP drops them at the ends).
const IDEMPOTENCY_KEY_PATTERN: &str = "^[ -~]*[!-~][ -~]*$";
const IDEMPOTENCY_KEY_MAX: usize = 255;

/// Adds the shared answers and header to every operation of `doc`.
pub fn add(doc: &mut Document) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let org_scoped = path.starts_with(ORG_SCOPED);
        let operations = [
            (false, &mut item.get),
            (true, &mut item.put),
            (true, &mut item.post),
            (true, &mut item.delete),
            (true, &mut item.patch),
        ];
        for (mutation, op) in operations {
            if let Some(op) = op.as_mut() {
                add_to_operation(op, mutation, org_scoped);
            }
        }
    }
}

/// Operations under this prefix reach an org through a member's view of it, which an org
/// requiring two-factor sign-in refuses to members without it.
const ORG_SCOPED: &str = "/v1/orgs/{org}";

fn add_to_operation(op: &mut Operation, mutation: bool, org_scoped: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    // Operations that list the `api_key` scheme (the metering route, the read routes).
    let api_key = SecurityRequirement::new("api_key", Vec::<String>::new());
    let keyed = op.security.as_ref().is_some_and(|s| s.contains(&api_key));
    let has_body = op.request_body.is_some();
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_params = !params.is_empty();
    let has_path_params = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let paged = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query) && p.name == "cursor");
    // The idempotency layer works for a known caller only (see `crate::idempotency`).
    let idempotent = secured && mutation;

    if idempotent {
        add_idempotency_key(op);
    }
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    };
    if idempotent {
        add(
            "400",
            "`malformed_request`: a parameter or the body cannot be read, or the \
             `Idempotency-Key` is not 1–255 visible ASCII characters",
        );
    } else if has_params || has_body {
        add(
            "400",
            "`malformed_request`: a parameter or the body cannot be read",
        );
    }
    if keyed {
        add(
            "401",
            "`unauthenticated`: no valid session or API key (unknown, revoked or expired, or \
             its creator left the org)",
        );
    } else if secured {
        add("401", "`unauthenticated`: no valid session");
    }
    if has_path_params {
        add(
            "404",
            "`not_found`: no such resource, or not one the caller can see",
        );
    }
    if has_body || idempotent {
        add(
            "413",
            "`payload_too_large`: the body is over this route's limit",
        );
    }
    if has_body {
        add(
            "415",
            "`unsupported_media_type`: the body is not of the documented type",
        );
    }
    add(
        "408",
        "`request_timeout`: the request was not received and answered within the server's \
         request timeout; the connection is closed",
    );
    add("500", "`internal`: see the server log");
    if org_scoped {
        also(
            responses,
            "403",
            "`mfa_required_by_org`: the org requires two-factor sign-in, which the caller \
             has not turned on",
        );
    }
    if keyed {
        also(
            responses,
            "403",
            "`forbidden`: the API key lacks the scope this operation needs",
        );
        responses
            .entry("429".to_owned())
            .or_insert_with(|| RefOr::T(rate_limited_response()));
    }
    if paged {
        also(
            responses,
            "422",
            "`validation_failed` (field `cursor`): a cursor this server did not issue",
        );
    }
    if idempotent {
        also(
            responses,
            "409",
            "`idempotency_key_in_flight`: the first request with this `Idempotency-Key` \
             still runs",
        );
        also(
            responses,
            "422",
            "`idempotency_key_reused`: this `Idempotency-Key` was used with another request",
        );
    }
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

/// Adds `description` to the answer for `status`, or the answer itself if there is none.
fn also(
    responses: &mut std::collections::BTreeMap<String, RefOr<Response>>,
    status: &str,
    description: &str,
) {
    match responses.get_mut(status) {
        Some(RefOr::T(existing)) => {
            existing.description = format!("{}; or {description}", existing.description);
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert(status.to_owned(), RefOr::T(problem_response(description)));
        }
    }
}

/// Documents the optional `Idempotency-Key` header; a route that documents it itself
/// (`POST /v1/usage` requires it) keeps its description and gets the shared schema.
fn add_idempotency_key(op: &mut Operation) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    let own = params.iter_mut().find(|p| {
        matches!(p.parameter_in, ParameterIn::Header)
            && p.name.eq_ignore_ascii_case(idempotency::HEADER)
    });
    match own {
        Some(param) => param.schema = Some(idempotency_key_schema()),
        None => params.push(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Makes the request safe to retry: the first answer is replayed for 24 \
                     hours with `Idempotent-Replayed: true`. One key per operation, e.g. a \
                     UUID.",
                ))
                .schema(Some(idempotency_key_schema()))
                .build(),
        ),
    }
}

fn idempotency_key_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(IDEMPOTENCY_KEY_MAX))
        .pattern(Some(IDEMPOTENCY_KEY_PATTERN))
        .into()
}

fn problem_content() -> Content {
    Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
}

/// 429 for a key over its rate limit, with the `Retry-After` it carries.
fn rate_limited_response() -> Response {
    let seconds = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .build();
    Response::builder()
        .description(
            "`rate_limited`: the API key made more requests this minute than the server \
             allows (`--api-key-rate-limit`)",
        )
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(seconds)
                .description(Some("Whole seconds until the key's minute ends"))
                .build(),
        )
        .content(PROBLEM_JSON, problem_content())
        .build()
}

fn problem_response(description: &str) -> Response {
    Response::builder()
        .description(description)
        .content(PROBLEM_JSON, problem_content())
        .build()
}
