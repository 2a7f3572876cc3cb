//! The shared vocabulary of Orgdesk: wire types, error codes, the role and permission
//! table, plan limits and slug rules. No I/O lives here; the server, the HTTP client and
//! the desktop app (and, through specta, the UI) all depend on this one definition.

pub mod account;
pub mod api_key;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod built_in;
pub mod error;
pub mod event;
pub mod event_data;
pub mod export;
pub mod ids;
pub mod invitation;
pub mod kind;
pub mod member;
pub mod navigation;
pub mod org;
pub mod page;
pub mod payment;
pub mod plan;
pub mod policy;
pub mod portfolio;
pub mod project;
pub mod retention;
pub mod role;
pub mod security;
pub mod slug;
pub mod spreadsheet;
pub mod sso;
pub mod two_factor;
pub mod usage;
pub mod validate;
pub mod webhook;

pub use error::{ApiError, ErrorCode, FieldError, Problem, TwoFactorChallenge};
pub use ids::{
    ApiKeyId, AuditEventId, ExportId, InvitationId, LedgerEntryId, OrgId, PaymentId, ProjectId,
    SessionId, UserId, WebhookDeliveryId, WebhookId,
};
pub use navigation::AppPage;
pub use page::Page;
pub use plan::{Plan, PlanLimits};
pub use role::{Capability, Role};
