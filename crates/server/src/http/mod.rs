//! HTTP plumbing shared by every domain: preconditions (ETag and If-Match), opaque
//! cursors, and extractors whose rejections are problem documents ([`crate::problem`]).

pub mod cursor;
pub mod extract;
pub mod precondition;
