//! Card payments (`--payments stripe`): credit packs bought with the org's saved card
//! ([`charge`]), settled exactly once by the processor's word ([`settle`]), refunds taken
//! back ([`refund`]), Stripe's webhook ([`events`], the one place events are dispatched by
//! type), the list, reads and receipts ([`reads`], [`pdf`]). The org's customer and card
//! are [`crate::cards`].

pub mod charge;
pub mod events;
pub mod pdf;
pub mod reads;
pub mod refund;
pub mod repo;
pub mod routes;
pub mod settle;
