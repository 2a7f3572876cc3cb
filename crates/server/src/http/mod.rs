//! HTTP plumbing shared by every domain: preconditions (ETag and If-Match), keyset paging
//! with opaque cursors, and extractors whose rejections are problem documents
//! ([`crate::problem`]).

pub mod cursor;
pub mod extract;
pub mod precondition;
pub mod raw;
