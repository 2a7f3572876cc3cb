//! One attempt at sending a change, and what its answer means for the outbox.

use std::future::Future;
use std::time::Duration;

use orgdesk_client::{Client, ClientError};
use orgdesk_model::{ApiError, ErrorCode};

use super::change::Change;
use super::queue::{ChangeProblem, ChangeState};

pub(super) enum Attempt<T> {
    Applied(T),
    /// Not sent: offline, or the server failed; try again later.
    Later,
    /// The server answered no; the change waits for the user.
    Stopped(ChangeState, ChangeProblem),
}

/// A connection that broke before the answer (a pooled connection the network dropped)
/// is tried once more at once: with the idempotency key a second send is always safe.
const QUICK_RETRY: Duration = Duration::from_millis(200);

/// Sends `change` (through `send`, which answers its result) under the idempotency `key`.
/// The error comes back too when the server could not be reached.
pub(super) async fn attempt<T, F, Fut>(
    client: &Client,
    change: &Change,
    key: &str,
    send: F,
) -> (Attempt<T>, Option<ClientError>)
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let client = client.idempotent(key);
    let mut sent = send(client.clone()).await;
    if matches!(&sent, Err(e) if e.is_connectivity()) {
        tokio::time::sleep(QUICK_RETRY).await;
        sent = send(client.clone()).await;
    }
    let stopped = |state, error, theirs| Attempt::Stopped(state, ChangeProblem { error, theirs });
    match sent {
        Ok(value) => (Attempt::Applied(value), None),
        Err(e) if e.is_connectivity() => (Attempt::Later, Some(e)),
        Err(ClientError::Api(api)) => match api.code {
            ErrorCode::Internal
            | ErrorCode::IdempotencyKeyInFlight
            | ErrorCode::RateLimited
            | ErrorCode::RequestTimeout
            | ErrorCode::ServerBusy
            // The payment service did not answer: nothing was charged, and the same key
            // is charged once when it does.
            | ErrorCode::PaymentProcessorUnavailable => (Attempt::Later, None),
            ErrorCode::VersionConflict => {
                let theirs = change.current_version(&client).await;
                (stopped(ChangeState::Conflict, api, theirs), None)
            }
            _ => (stopped(ChangeState::Refused, api, None), None),
        },
        Err(other) => (
            stopped(ChangeState::Refused, ApiError::from(other), None),
            None,
        ),
    }
}
