//! The email domains an org claims and proves by a DNS TXT record
//! (`_orgdesk.<domain>` holding `orgdesk-verification=<token>`): `GET/POST
//! /v1/orgs/{org}/domains`, `POST …/domains/{domain}/verify`, `DELETE …/domains/{domain}`
//! (owners and admins, [`orgdesk_model::Capability::ManageSecurity`]), and the daily look
//! that drops a verification whose record is gone ([`recheck`]).
//!
//! Any number of orgs may claim a domain; at most one has it verified (the unique partial
//! index `org_domains_verified` decides when two verify at once). Only verified domains
//! route sign-ins and bring members under an org's "require SSO"
//! ([`crate::sso::enforcement`]).
//!
//! `routes` (thin) ← `service` (who may, the rules, the audit events) ← `repo` (the
//! `org_domains` table) and `check` (what a TXT answer means for a claim).

pub mod check;
pub mod error;
pub mod recheck;
pub mod repo;
pub mod routes;
pub mod service;

pub use error::DomainClaimError;
