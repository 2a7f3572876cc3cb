//! The middleware: one place that makes every mutation idempotent (see the module
//! documentation of [`crate::idempotency`]). It is a route layer ([`crate::router`]): it
//! runs only for a request that matched a route and method, inside that route's body limit,
//! and only once the caller is known, so a wrong path is 404, a wrong method 405 and a
//! missing or invalid session 401 before any key is looked at.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::auth::api_key::KeyRecord;
use crate::auth::extractor::remembered;
use crate::db::now_ms;
use crate::error::AppError;
use crate::idempotency::store::{self, Claim, Stored, STORED_HEADERS};
use crate::idempotency::{caller, request_hash, AnswerKept, Idempotency, Sensitive, HEADER};
use crate::state::AppState;

/// Answers of mutations are small; a larger one is answered but not stored.
const RESPONSE_LIMIT: usize = 8 * 1024 * 1024;
const MAX_KEY_LEN: usize = 255;

fn is_mutation(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// The key, if the header is present: 1–255 visible ASCII characters.
fn parse_key(value: &HeaderValue) -> Result<String, AppError> {
    let key = value
        .to_str()
        .map_err(|_| AppError::BadIdempotencyKey)?
        .trim();
    let visible = key.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if key.is_empty() || key.len() > MAX_KEY_LEN || !visible {
        return Err(AppError::BadIdempotencyKey);
    }
    Ok(key.to_owned())
}

pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_mutation(request.method()) {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    match prepare(&state, value, request).await {
        Ok(Prepared::Pass(request)) => next.run(request).await,
        Ok(Prepared::Answer(response)) => response,
        Ok(Prepared::Run(request, ctx)) => {
            let response = next.run(request).await;
            finish(&state, &ctx, response).await
        }
        Err(error) => error.into_response(),
    }
}

enum Prepared {
    /// No caller to scope the key to: run as if there were no key.
    Pass(Request),
    /// A replay.
    Answer(Response),
    Run(Request, Idempotency),
}

async fn prepare(
    state: &AppState,
    value: HeaderValue,
    request: Request,
) -> Result<Prepared, AppError> {
    // The caller first: a request that names nobody is the route's to refuse (401), or to
    // answer as without a key (sign-up, sign-in), whatever its key looks like.
    // A live API key was looked up (and counted) by the rate limit's gate already, and
    // an org route's session by the SSO guard.
    let extensions = request.extensions();
    let known = extensions
        .get::<KeyRecord>()
        .map(|key| caller::Caller::Key(key.clone()))
        .or_else(|| remembered(extensions).map(|s| caller::Caller::User(s.user_id)));
    let caller = match known {
        Some(caller) => Some(caller),
        None => caller::find(&state.db, &state.sessions, request.headers()).await?,
    };
    let Some(caller) = caller else {
        return Ok(Prepared::Pass(request));
    };
    let key = parse_key(&value)?;
    // Read whole to fingerprint it, within the route's own body limit (413 beyond it).
    let (mut parts, body) = request.into_parts();
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await?;
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str());
    let ctx = Idempotency {
        scope: caller.scope(),
        key,
        request_hash: request_hash(parts.method.as_str(), path, &bytes),
    };
    match store::claim(&state.db, &ctx, now_ms()).await? {
        Claim::Replay(stored) => Ok(Prepared::Answer(stored.into_response())),
        Claim::Run => {
            parts.extensions.insert(ctx.clone());
            if let caller::Caller::Key(key) = caller {
                parts.extensions.insert(key);
            }
            Ok(Prepared::Run(
                Request::from_parts(parts, Body::from(bytes)),
                ctx,
            ))
        }
    }
}

/// Stores the answer (or releases the key for answers not to keep) and sends it on.
async fn finish(state: &AppState, ctx: &Idempotency, response: Response) -> Response {
    let status = response.status();
    let db = &state.db;
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        if let Err(error) = store::release(db, ctx).await {
            tracing::error!(%error, "cannot release an idempotency key");
        }
        return response;
    }
    if response.extensions().get::<AnswerKept>().is_some() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, RESPONSE_LIMIT).await else {
        if let Err(error) = store::release(db, ctx).await {
            tracing::error!(%error, "cannot release an idempotency key");
        }
        return AppError::Render("an answer too large to keep".to_owned()).into_response();
    };
    let headers = STORED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = parts.headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let fields = parts.extensions.get::<Sensitive>().map_or(&[][..], |s| s.0);
    let kept = redact(&bytes, fields);
    let stored = Stored {
        status: status.as_u16(),
        headers,
        body: kept,
    };
    if let Err(error) = store::complete(db, ctx, &stored).await {
        tracing::error!(%error, "cannot store an idempotent answer");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Fields that hold secrets in any answer (session tokens, API key secrets, invitation
/// links): never kept, whatever the route says.
const ALWAYS_SENSITIVE: [&str; 3] = ["token", "secret", "link"];

/// The body to keep: a JSON document with every string field named in `fields` (or in
/// [`ALWAYS_SENSITIVE`]) blanked, and every string in an array so named (recovery codes);
/// anything else as it is.
pub(crate) fn redact(body: &[u8], fields: &[&str]) -> Vec<u8> {
    fn blank(value: &mut Value) -> bool {
        match value {
            Value::String(s) if !s.is_empty() => {
                s.clear();
                true
            }
            Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
                let blanked = matches!(item, Value::String(_)) && blank(item);
                changed | blanked
            }),
            _ => false,
        }
    }
    fn walk(value: &mut Value, fields: &[&str]) -> bool {
        let mut changed = false;
        match value {
            Value::Object(map) => {
                for (name, inner) in map.iter_mut() {
                    let named = fields.contains(&name.as_str())
                        || ALWAYS_SENSITIVE.contains(&name.as_str());
                    let secret = inner.as_str().is_some_and(|s| !s.is_empty())
                        || inner
                            .as_array()
                            .is_some_and(|items| items.iter().any(Value::is_string));
                    if named && secret {
                        changed |= blank(inner);
                    } else {
                        changed |= walk(inner, fields);
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    changed |= walk(item, fields);
                }
            }
            _ => {}
        }
        changed
    }
    let Ok(mut doc) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    if walk(&mut doc, fields) {
        serde_json::to_vec(&doc).unwrap_or_default()
    } else {
        body.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_255() {
        assert_eq!(
            parse_key(&HeaderValue::from_static(" k-1 ")).unwrap(),
            "k-1"
        );
        assert!(parse_key(&HeaderValue::from_static("")).is_err());
        let long = "x".repeat(256);
        assert!(parse_key(&HeaderValue::from_str(&long).unwrap()).is_err());
        assert!(parse_key(&HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()).is_err());
    }

    #[test]
    fn redaction_blanks_named_strings_anywhere() {
        let body = br#"{"key":{"id":"1"},"pin":"0000","items":[{"link":"l","n":1}]}"#;
        let out: Value = serde_json::from_slice(&redact(body, &["pin"])).unwrap();
        assert_eq!(
            out,
            serde_json::json!({"key":{"id":"1"},"pin":"","items":[{"link":"","n":1}]})
        );
        let codes = br#"{"codes":["abcde-fghjk","mnpqr-stvwx"],"other":["kept"]}"#;
        let out: Value = serde_json::from_slice(&redact(codes, &["codes"])).unwrap();
        assert_eq!(out, serde_json::json!({"codes":["",""],"other":["kept"]}));
        let untouched = br#"{"b":1,"a":{"token":""}}"#;
        assert_eq!(redact(untouched, &[]), untouched.to_vec());
        assert_eq!(redact(b"\x89PNG", &[]), b"\x89PNG".to_vec());
    }
}
