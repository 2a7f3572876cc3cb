//! What a change that may wait in the outbox is: the org it belongs to, how it reads to
//! people, and what applying it answers.

use std::future::Future;

use orgdesk_client::{Client, ClientError};
use orgdesk_model::OrgId;

pub trait Describe {
    fn org_id(&self) -> OrgId;
    /// A line for the outbox list.
    fn summary(&self) -> String;
}

/// A change with a typed answer. Submitting an `E: Edit` answers `Outcome<E::Output>`, so
/// a command gets exactly what its change answers, checked by the compiler.
pub trait Edit: Describe + Clone + Send + Sync + 'static {
    type Output: Send + 'static;

    /// Sends it once; `client` carries the change's idempotency key, so a resend after a
    /// lost answer is applied once.
    fn send(
        &self,
        client: &Client,
    ) -> impl Future<Output = Result<Self::Output, ClientError>> + Send;
}
