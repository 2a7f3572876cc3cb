//! HTTP plumbing shared by every domain: problem responses, preconditions (ETag and
//! If-Match), opaque cursors, and extractors whose rejections are problem documents.

pub mod cursor;
pub mod extract;
pub mod precondition;
pub mod problem;
