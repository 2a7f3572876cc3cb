//! The outbox: every change is stored before it is sent, with an `Idempotency-Key` made
//! once, and replayed in order per org after a reconnect or a restart until the server
//! has applied it exactly once. A change the server refuses (permission lost, org
//! deleted, invalid) or finds stale (`version_conflict`) stays, marked, until the user
//! decides: nothing is overwritten or dropped silently. An org's later changes wait
//! behind such a change, so none is applied out of order.
//!
//! Each kind of change is its own type ([`edits`]) implementing [`Edit`], whose `Output`
//! is what applying it answers: `Outbox::submit` of an `E: Edit` answers
//! `Outcome<E::Output>`, so no command can ask for another type than its change gives.

mod attempt;
mod change;
mod edit;
pub mod edits;
mod payment_edits;
mod queue;
mod replay;

pub use change::Change;
pub use edit::{Describe, Edit};
pub use queue::{ChangeProblem, ChangeState, Outcome, QueuedChange};
pub use replay::Outbox;
