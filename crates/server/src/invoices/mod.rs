//! Monthly credit statements ("invoices") made from the ledger, as JSON or PDF.

pub mod pdf;
pub mod routes;
pub mod statement;
