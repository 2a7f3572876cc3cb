//! An org's end: deleting it on purpose with a grace period ([`deletion`]), and for good
//! once the grace period is over ([`purge`]).

pub mod deletion;
pub mod purge;
pub mod routes;
