//! One typed command per operation. Each parses, calls the domain code and maps the
//! error; nothing else happens here.

pub mod api_keys;
pub mod audit;
pub mod billing;
pub mod forms;
pub mod invitations;
pub mod links;
pub mod members;
pub mod navigation;
pub mod orgs;
pub mod outbox;
pub mod projects;
pub mod session;
