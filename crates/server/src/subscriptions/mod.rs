//! Paid plans as Stripe subscriptions (`--payments stripe`). The owner asks for a plan
//! ([`change`]); Stripe charges the saved card and says whether the subscription is
//! active. The org's plan changes only when Stripe says so — in its answer or in a later
//! event read back from it ([`events`]) — and a failed renewal marks the subscription
//! past due (visible in the billing summary) before Stripe ends it and the org falls back
//! to the Free plan. In other payment modes [`change`] is the plain plan change of
//! [`crate::billing::service`].

pub mod change;
pub mod error;
pub mod events;
pub mod invoices;
pub mod plans;
pub mod record;
pub mod routes;

pub use error::SubscriptionError;
