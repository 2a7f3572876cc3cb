//! One typed command per operation. Each takes the core service it needs, parses, calls it
//! and maps the error; nothing else happens here.

pub mod account;
pub mod account_mail;
pub mod api_keys;
pub mod appearance;
pub mod audit;
pub mod billing;
pub mod data;
pub mod forms;
pub mod invitations;
pub mod links;
pub mod members;
pub mod navigation;
pub mod orgs;
pub mod outbox;
pub mod payments;
pub mod portfolio;
pub mod projects;
pub mod security;
pub mod session;
pub mod sso;
pub mod startup;
pub mod two_factor;
pub mod webhooks;
pub mod windows;

/// What every command returns: the value, or the `{code, message, field}` the server speaks.
pub type CmdResult<T> = Result<T, orgdesk_model::ApiError>;
