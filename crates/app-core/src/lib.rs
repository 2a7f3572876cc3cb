//! The Orgdesk desktop app's logic, without Tauri: the session, connectivity, reads
//! (stale-while-revalidate), the encrypted local store and the outbox, and one narrow
//! service per domain over them. The desktop shell (`src-tauri`) implements the few things
//! the core asks of its host ([`host`]: background work, notifications, UI events, the
//! built-in server; [`secrets::SecretStore`]; [`prefs::PrefStore`]), builds the
//! [`Services`] and hands each command the service it needs.
//!
//! Layers, from the bottom: `error`, `host`, `secrets`, `navigation`, `owner_only`, `prefs`,
//! `store`; `signed_in` (the current session) and `appearance` (the theme, over the
//! preferences); `connectivity`, `staleness`; `reads`, `outbox`;
//! `alerts`, `exports`, `loopback` (the app's half of a single sign-on: PKCE and the
//! listener the browser comes back to); the domain services (`session`, `orgs`, `projects`,
//! `members`, `invitations`, `billing`, `payments`, `audit`, `api_keys`, `sessions`, `two_factor`,
//! `security`, `account_mail`, `webhooks`, `org_exports`, `retention`, `org_sso`); `account`
//! (over the session: deleting the account signs out) and `sso_sign_in` (over the
//! session: a single sign-on begins one); `services` (wiring). A module only imports from layers below it.

pub mod account;
pub mod account_mail;
pub mod alerts;
pub mod api_keys;
pub mod appearance;
pub mod audit;
pub mod billing;
pub mod connectivity;
pub mod error;
pub mod exports;
pub mod host;
pub mod invitations;
pub mod logo;
pub mod loopback;
pub mod members;
pub mod navigation;
pub mod org_exports;
pub mod org_sso;
pub mod orgs;
pub mod outbox;
pub mod owner_only;
pub mod payments;
pub mod portfolio;
pub mod prefs;
pub mod projects;
pub mod reads;
pub mod retention;
pub mod secrets;
pub mod security;
pub mod services;
pub mod session;
pub mod sessions;
pub mod signed_in;
pub mod sso_sign_in;
pub mod staleness;
pub mod store;
pub mod tray;
pub mod two_factor;
pub mod webhooks;

pub use error::AppError;
pub use services::{Host, Services};
