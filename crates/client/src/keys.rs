//! The names reads are remembered under, in one place: the app asks the same store for
//! them (to answer at once, before the network) and to know what a change makes stale.

use orgdesk_model::audit::AuditFilter;
use orgdesk_model::billing::LedgerFilter;
use orgdesk_model::usage::UsageGroup;
use orgdesk_model::{OrgId, Role};

use crate::Period;

pub fn me() -> String {
    "me".into()
}

pub fn orgs() -> String {
    "orgs".into()
}

/// Everything remembered about one org starts with this.
pub fn org_prefix(org: OrgId) -> String {
    format!("org/{org}")
}

pub fn org(org: OrgId) -> String {
    org_prefix(org)
}

pub fn overview(org: OrgId) -> String {
    format!("org/{org}/overview")
}

pub fn projects(org: OrgId) -> String {
    format!("org/{org}/projects")
}

pub fn members(org: OrgId, q: Option<&str>, role: Option<Role>, cursor: Option<&str>) -> String {
    let role = role.map(Role::as_str).unwrap_or("");
    format!(
        "org/{org}/members?q={}&role={role}&cursor={}",
        q.unwrap_or(""),
        cursor.unwrap_or("")
    )
}

pub fn invitations(org: OrgId) -> String {
    format!("org/{org}/invitations")
}

pub fn my_invitations() -> String {
    "me/invitations".into()
}

pub fn billing(org: OrgId) -> String {
    format!("org/{org}/billing")
}

pub fn ledger(org: OrgId, filter: &LedgerFilter, cursor: Option<&str>) -> String {
    format!(
        "org/{org}/ledger?{filter:?}&cursor={}",
        cursor.unwrap_or("")
    )
}

pub fn usage(org: OrgId, period: Period, group: UsageGroup) -> String {
    format!("org/{org}/usage?{group:?}&{period:?}")
}

pub fn invoices(org: OrgId) -> String {
    format!("org/{org}/invoices")
}

pub fn invoice(org: OrgId, month: &str) -> String {
    format!("org/{org}/invoices/{month}")
}

/// The statement's PDF bytes (kept in the store's files).
pub fn invoice_pdf(org: OrgId, month: &str) -> String {
    format!("org/{org}/invoices/{month}.pdf")
}

pub fn audit(org: OrgId, filter: &AuditFilter, cursor: Option<&str>) -> String {
    format!("org/{org}/audit?{filter:?}&cursor={}", cursor.unwrap_or(""))
}

pub fn api_keys(org: OrgId) -> String {
    format!("org/{org}/api-keys")
}

pub fn rates() -> String {
    "rates".into()
}
