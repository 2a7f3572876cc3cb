//! HTTP plumbing shared by every domain: preconditions (ETag and If-Match), keyset paging
//! with opaque cursors, extractors whose rejections are problem documents
//! ([`crate::problem`]), the [`Sensitive`] marker of answers holding secrets, and the gate
//! in front of the router ([`crate::access`]).

pub mod cursor;
pub mod extract;
pub mod gate;
pub mod precondition;
pub mod raw;

/// Marks an answer whose JSON holds secrets under these field names (anywhere in the
/// document): the idempotency layer ([`crate::idempotency`]) keeps a copy with them
/// blanked. Here, below every domain, so that any route may set it.
#[derive(Debug, Clone, Copy)]
pub struct Sensitive(pub &'static [&'static str]);
