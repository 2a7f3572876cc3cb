//! One typed command per operation. Each parses, calls the domain code and maps the
//! error; nothing else happens here.

pub mod forms;
pub mod navigation;
pub mod orgs;
pub mod session;
