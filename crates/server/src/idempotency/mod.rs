//! Idempotent mutations, with Stripe's semantics, for every `POST`, `PUT`, `PATCH` and
//! `DELETE` under `/v1` (the app's offline outbox replays its writes with the keys it
//! made them with).
//!
//! # Design
//!
//! * **One layer** ([`layer::idempotency`]), put around every route by [`crate::router`]
//!   as a route layer: it runs after routing (an unknown path is 404, a method the route
//!   does not serve 405) and inside the route's body limit (413 before anything is
//!   buffered past it). A mutation without an `Idempotency-Key` header passes straight
//!   through (`POST /v1/usage` then refuses it itself: 400 `idempotency_key_required`).
//! * **Scope.** A key belongs to its caller: `user:<id>` for a session (so signing in again
//!   keeps it) or `key:<id>` for an API key ([`caller`]). The caller is found before the
//!   key is read: requests that name no valid caller (sign-up, sign-in, a bad token) are
//!   not recorded and answer as without a key (so a secured route answers 401, whatever
//!   the key looks like).
//! * **Fingerprint.** The request is `method`, path with query, and the SHA-256 of the body
//!   ([`request_hash`]). The same key with another fingerprint answers 422
//!   `idempotency_key_reused`.
//! * **State in the database** (`idempotency_records`, primary key (scope, key)), so
//!   several instances share it. The first request inserts the record *in flight*
//!   (`status` NULL) with a lease (`locked_until`, [`store::LEASE_MS`]); a second request
//!   while it runs answers 409 `idempotency_key_in_flight`. When the handler answers, the
//!   status, the relevant headers and the body are stored and replayed to every retry for
//!   [`store::TTL_MS`] (24 h) with `Idempotent-Replayed: true`. Answers of 5xx and 429 are
//!   not stored: the record is deleted, so a retry runs again. A lease that runs out (the
//!   process died mid-request) lets the next retry take the record over and run again.
//! * **Money is exactly-once even across a crash.** Top-ups and usage store the scope,
//!   key and fingerprint on the ledger entry itself, under a unique index, in the
//!   transaction that moves the balance. If the process dies after that commit but before
//!   the answer is stored, the retry (after the lease) runs the handler again, which finds
//!   the entry and answers with it instead of writing a second one; a concurrent
//!   re-execution loses on the unique index and answers the same way. Money entries keep
//!   their key forever, so this holds even after the record expired.
//! * **An answer kept with its work.** A handler may store its answer itself, in the
//!   transaction that did the work ([`store::complete_in`]), and mark the response
//!   [`AnswerKept`]: the metering route does, so a debit and its answer commit together
//!   and the layer writes nothing after it (one write fewer per debit).
//! * **Secrets are not kept.** String fields named `token`, `secret` or `link` (session
//!   tokens, API key secrets, invitation links) are blanked in the stored copy of any
//!   answer, and a handler can name more with [`Sensitive`]: a replay repeats everything
//!   but the secret, which is shown once. Other answers are kept byte for byte.

pub mod caller;
pub mod error;
pub mod layer;
pub mod store;

pub use error::IdempotencyError;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Set on replayed answers.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// The idempotency context of a request, put in its extensions by the layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// `user:<id>` or `key:<id>`.
    pub scope: String,
    pub key: String,
    /// Hex SHA-256 of method, path with query, and body.
    pub request_hash: String,
}

/// The fingerprint of a request.
pub fn request_hash(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b" ");
    hasher.update(path_and_query.as_bytes());
    hasher.update(b"\n");
    hasher.update(Sha256::digest(body));
    hex::encode(hasher.finalize())
}

/// On a response whose answer its handler already stored for replays, in the transaction
/// that did the work ([`store::complete_in`]): the layer sends it on as it is.
#[derive(Debug, Clone, Copy)]
pub struct AnswerKept;

/// The request's idempotency context, if it carried a key and a caller.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<Idempotency>);

impl IdempotencyKey {
    /// Fails with 400 `idempotency_key_required` when the request had no key.
    pub fn required(self) -> Result<Idempotency, AppError> {
        self.0.ok_or_else(|| IdempotencyError::Required.into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        Ok(Self(parts.extensions.get::<Idempotency>().cloned()))
    }
}

pub use crate::http::Sensitive;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_differ_by_method_path_and_body() {
        let base = request_hash("POST", "/v1/usage", b"{}");
        assert_eq!(base.len(), 64);
        assert_eq!(base, request_hash("POST", "/v1/usage", b"{}"));
        assert_ne!(base, request_hash("PUT", "/v1/usage", b"{}"));
        assert_ne!(base, request_hash("POST", "/v1/usage?x=1", b"{}"));
        assert_ne!(base, request_hash("POST", "/v1/usage", b"{ }"));
    }
}
