//! What every handler and extractor can reach. It sits low: storage, mail, payments and
//! the CPU gate, never a route, so any module may take it.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::config::AccountLimits;
use crate::config::SessionLifetimes;
use crate::cpu::Gate;
use crate::db::Db;
use crate::mail::Mailer;
use crate::payments::Payments;
use crate::sealing::Sealing;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Puts mail in the outbox and wakes its delivery.
    pub mail: Mailer,
    /// Whether `X-Forwarded-For` names the client (see [`crate::Config::trust_proxy`]).
    pub trust_proxy: bool,
    /// How top-ups and paid plans are paid for (and whether they may be).
    pub payments: Payments,
    /// Daily limits on sign-ups and account mail.
    pub account_limits: AccountLimits,
    /// How long sessions live (the server's setting; orgs may shorten the idle timeout).
    pub sessions: SessionLifetimes,
    /// Requests one API key may make a minute (`None`: no limit; see
    /// [`crate::auth::key_limit`]).
    pub api_key_rate_limit: Option<u32>,
    /// Password hashing waits here for a core (503 `server_busy` when the line is full).
    pub cpu: Gate,
    /// Seals the secrets the server must read back (two-factor secrets).
    pub sealing: Sealing,
    /// Sign-ups count as verified (the desktop app's built-in server only).
    pub trust_signup_email: bool,
    /// The base of links this server hands out (no trailing slash).
    pub public_url: String,
    /// Which webhook endpoints are allowed, and the delivery worker's timing.
    pub webhooks: crate::outbound::WebhookConfig,
    /// Whether OpenID issuers may be `http://` and on inner addresses (see
    /// [`crate::config::Config::allow_insecure_sso`]).
    pub allow_insecure_sso: bool,
    /// Wakes this instance's webhook worker: `notify_one()` after committing a delivery
    /// that should go at once (a test event, a redelivery) rather than at its next look.
    pub webhook_wake: Arc<Notify>,
    /// Wakes this instance's export worker after an export was queued.
    pub export_wake: Arc<Notify>,
    /// The resolver that looks up domains' verification records.
    pub dns: crate::dns::Dns,
}
