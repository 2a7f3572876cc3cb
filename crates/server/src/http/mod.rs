//! HTTP plumbing shared by every domain: preconditions (ETag and If-Match), keyset paging
//! with opaque cursors, extractors whose rejections are problem documents
//! ([`crate::problem`]), and the gate in front of the router ([`crate::access`]).

pub mod cursor;
pub mod extract;
pub mod gate;
pub mod precondition;
pub mod raw;
