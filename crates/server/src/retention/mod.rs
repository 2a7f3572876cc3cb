//! Retention: how long an org keeps each kind of data, within its plan's bounds.
//!
//! - [`settings`] and [`routes`]: `GET/PUT /v1/orgs/{org}/retention` (owners and admins),
//!   one `org_retention` row per org (none: the plan's defaults), audited as
//!   `org.retention_updated`. The stored periods and what applies under the plan are read
//!   through [`crate::membership::retention`], which the audit log's reads use too.
//! - [`purge`]: the periodic step deleting, per org and kind, what is past its period, in
//!   batches ([`kinds`]), and writing `org.data_purged` per kind as the system.
//!
//! What each kind means: the audit log's events; finished webhook deliveries (with their
//! attempts; never a pending one); the kept copies of mail sent about the org (rows of
//! `mail_outbox` with `sent_at` or `gave_up_at`); projects archived longer than the
//! period (deleted with `project.deleted` written by the system, and counted in the purge
//! event); and usage events: usage lives in the ledger, which is money and never loses a
//! line or changes an amount, so past the period a usage line only loses its per-request
//! detail (who made it, with which key, the caller's reference, the idempotency key and
//! request hash); amounts, balances, sequence numbers and statements stay as they were.

pub mod kinds;
pub mod purge;
pub mod routes;
pub mod settings;
