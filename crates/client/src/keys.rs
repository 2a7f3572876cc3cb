//! What reads are remembered under, in one place. A [`ReadKey`] names one read exactly (which
//! org, which filters, which page); the string a store files it under is derived here and
//! nowhere else ([`ReadKey::storage_key`]). A [`ReadScope`] names a set of reads (one kind of
//! read of an org whatever its filters, everything of an org, everything): what a change
//! makes stale, and what the app tells the UI was refreshed.

use std::fmt;

use orgdesk_model::audit::AuditFilter;
use orgdesk_model::billing::LedgerFilter;
use orgdesk_model::member::MemberFilter;
use orgdesk_model::usage::UsageGroup;
use orgdesk_model::{OrgId, Role, WebhookDeliveryId, WebhookId};
use serde::{Deserialize, Serialize};

/// One read, with everything that tells it apart from another.
/// The time range of a usage report; `None` ends are the server's defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadKey {
    /// The signed-in account.
    Me,
    /// Personal and every organization of the account (the contexts).
    Orgs,
    /// Invitations waiting for the account.
    MyInvitations,
    /// Every org of the account with the figures the account's role sees in each.
    Portfolio,
    /// What each modality costs.
    Rates,
    /// The events webhooks may be sent (the catalogue).
    WebhookEvents,
    /// Something of one org.
    Org { org_id: OrgId, read: OrgRead },
}

/// The reads of one org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgRead {
    /// The org itself, with the account's role and capabilities in it.
    Membership,
    Overview,
    Projects,
    Members {
        filter: MemberFilter,
        cursor: Option<String>,
    },
    Invitations,
    Billing,
    Ledger {
        filter: LedgerFilter,
        cursor: Option<String>,
    },
    Usage {
        period: Period,
        group: UsageGroup,
    },
    Invoices,
    /// One monthly statement; `month` is `YYYY-MM`.
    Invoice {
        month: String,
    },
    Audit {
        filter: AuditFilter,
        cursor: Option<String>,
    },
    ApiKeys,
    /// Who the org's receipts are made out to.
    BillingProfile,
    /// One page of the org's card payments, newest first.
    Payments {
        cursor: Option<String>,
    },
    /// The org's webhook endpoints.
    Webhooks,
    /// One endpoint.
    Webhook {
        webhook: WebhookId,
    },
    /// One page of an endpoint's deliveries, newest first.
    WebhookDeliveries {
        webhook: WebhookId,
        cursor: Option<String>,
    },
    /// One delivery with its payload and attempts.
    WebhookDelivery {
        delivery: WebhookDeliveryId,
    },
    /// The org's recent whole-org exports.
    Exports,
    /// The org's retention periods with the plan's bounds.
    Retention,
}

/// A kind of read of one org, whatever its filters: what a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum OrgData {
    Membership,
    Overview,
    Projects,
    Members,
    Invitations,
    Billing,
    Ledger,
    Usage,
    /// The statements and each statement.
    Invoices,
    Audit,
    ApiKeys,
    BillingProfile,
    /// The card payments, every page.
    Payments,
    /// The webhook endpoints, together and each.
    Webhooks,
    /// Every endpoint's deliveries, pages and details.
    WebhookDeliveries,
    /// The whole-org exports.
    Exports,
    Retention,
}

/// A set of reads: what a change makes stale, what a refresh brought news of, and what a
/// page listens for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadScope {
    /// Everything remembered.
    All,
    Me,
    Orgs,
    MyInvitations,
    /// The portfolio: it holds a figure of every org, so whatever makes something of any
    /// org (or the list of orgs) stale makes it stale too (see [`ReadScope::covers`]).
    Portfolio,
    Rates,
    WebhookEvents,
    /// Everything remembered about one org: the org itself and all it holds.
    Org {
        org_id: OrgId,
    },
    /// One kind of read of one org.
    OrgData {
        org_id: OrgId,
        data: OrgData,
    },
}

impl ReadKey {
    pub fn of(org_id: OrgId, read: OrgRead) -> Self {
        Self::Org { org_id, read }
    }

    /// The string stores file this read under. Stores written by earlier versions used the
    /// same strings, so what they remember stays readable.
    pub fn storage_key(&self) -> String {
        self.to_string()
    }

    /// The narrowest scope holding this read.
    pub fn scope(&self) -> ReadScope {
        match self {
            Self::Me => ReadScope::Me,
            Self::Orgs => ReadScope::Orgs,
            Self::MyInvitations => ReadScope::MyInvitations,
            Self::Portfolio => ReadScope::Portfolio,
            Self::Rates => ReadScope::Rates,
            Self::WebhookEvents => ReadScope::WebhookEvents,
            Self::Org { org_id, read } => ReadScope::OrgData {
                org_id: *org_id,
                data: read.data(),
            },
        }
    }
}

impl fmt::Display for ReadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (org, read) = match self {
            Self::Me => return f.write_str("me"),
            Self::Orgs => return f.write_str("orgs"),
            Self::MyInvitations => return f.write_str("me/invitations"),
            Self::Portfolio => return f.write_str("me/portfolio"),
            Self::Rates => return f.write_str("rates"),
            Self::WebhookEvents => return f.write_str("webhook-events"),
            Self::Org { org_id, read } => (org_id, read),
        };
        let cursor = |c: &Option<String>| c.clone().unwrap_or_default();
        match read {
            OrgRead::Membership => write!(f, "org/{org}"),
            OrgRead::Overview => write!(f, "org/{org}/overview"),
            OrgRead::Projects => write!(f, "org/{org}/projects"),
            OrgRead::Members { filter, cursor: c } => write!(
                f,
                "org/{org}/members?q={}&role={}&cursor={}",
                filter.q.as_deref().unwrap_or(""),
                filter.role.map(Role::as_str).unwrap_or(""),
                cursor(c)
            ),
            OrgRead::Invitations => write!(f, "org/{org}/invitations"),
            OrgRead::Billing => write!(f, "org/{org}/billing"),
            OrgRead::Ledger { filter, cursor: c } => {
                write!(f, "org/{org}/ledger?{filter:?}&cursor={}", cursor(c))
            }
            OrgRead::Usage { period, group } => write!(f, "org/{org}/usage?{group:?}&{period:?}"),
            OrgRead::Invoices => write!(f, "org/{org}/invoices"),
            OrgRead::Invoice { month } => write!(f, "org/{org}/invoices/{month}"),
            OrgRead::Audit { filter, cursor: c } => {
                write!(f, "org/{org}/audit?{filter:?}&cursor={}", cursor(c))
            }
            OrgRead::ApiKeys => write!(f, "org/{org}/api-keys"),
            OrgRead::BillingProfile => write!(f, "org/{org}/billing/profile"),
            OrgRead::Payments { cursor: c } => {
                write!(f, "org/{org}/payments?cursor={}", cursor(c))
            }
            OrgRead::Webhooks => write!(f, "org/{org}/webhooks"),
            OrgRead::Webhook { webhook } => write!(f, "org/{org}/webhooks/{webhook}"),
            OrgRead::WebhookDeliveries { webhook, cursor: c } => write!(
                f,
                "org/{org}/webhooks/{webhook}/deliveries?cursor={}",
                cursor(c)
            ),
            OrgRead::WebhookDelivery { delivery } => {
                write!(f, "org/{org}/webhooks/deliveries/{delivery}")
            }
            OrgRead::Exports => write!(f, "org/{org}/exports"),
            OrgRead::Retention => write!(f, "org/{org}/retention"),
        }
    }
}

impl OrgRead {
    pub fn data(&self) -> OrgData {
        match self {
            Self::Membership => OrgData::Membership,
            Self::Overview => OrgData::Overview,
            Self::Projects => OrgData::Projects,
            Self::Members { .. } => OrgData::Members,
            Self::Invitations => OrgData::Invitations,
            Self::Billing => OrgData::Billing,
            Self::Ledger { .. } => OrgData::Ledger,
            Self::Usage { .. } => OrgData::Usage,
            Self::Invoices | Self::Invoice { .. } => OrgData::Invoices,
            Self::Audit { .. } => OrgData::Audit,
            Self::ApiKeys => OrgData::ApiKeys,
            Self::BillingProfile => OrgData::BillingProfile,
            Self::Payments { .. } => OrgData::Payments,
            Self::Webhooks | Self::Webhook { .. } => OrgData::Webhooks,
            Self::WebhookDeliveries { .. } | Self::WebhookDelivery { .. } => {
                OrgData::WebhookDeliveries
            }
            Self::Exports => OrgData::Exports,
            Self::Retention => OrgData::Retention,
        }
    }
}

impl ReadScope {
    /// Whether `key` is one of the reads this scope names. The portfolio shows something
    /// of every org, so every org's scopes, and the list of orgs, cover it.
    pub fn covers(&self, key: &ReadKey) -> bool {
        match (self, key.scope()) {
            (Self::All, _) => true,
            (Self::Orgs | Self::Org { .. } | Self::OrgData { .. }, ReadScope::Portfolio) => true,
            (Self::Org { org_id }, ReadScope::OrgData { org_id: of, .. }) => *org_id == of,
            (scope, narrowest) => *scope == narrowest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> OrgId {
        "0190f4c2-5b8e-7000-8000-000000000001".parse().unwrap()
    }

    /// The on-disk vocabulary: a store written before keeps answering after an upgrade.
    #[test]
    fn storage_keys_are_the_strings_stores_were_written_with() {
        let o = org();
        let at = |read| ReadKey::of(o, read).storage_key();
        assert_eq!(ReadKey::Me.storage_key(), "me");
        assert_eq!(ReadKey::Orgs.storage_key(), "orgs");
        assert_eq!(ReadKey::MyInvitations.storage_key(), "me/invitations");
        assert_eq!(ReadKey::Rates.storage_key(), "rates");
        assert_eq!(ReadKey::Portfolio.storage_key(), "me/portfolio");
        assert_eq!(at(OrgRead::Membership), format!("org/{o}"));
        assert_eq!(at(OrgRead::Overview), format!("org/{o}/overview"));
        assert_eq!(at(OrgRead::Projects), format!("org/{o}/projects"));
        let filter = MemberFilter {
            q: Some("ana".into()),
            role: Some(Role::Admin),
        };
        let members = OrgRead::Members {
            filter,
            cursor: Some("c1".into()),
        };
        assert_eq!(
            at(members),
            format!("org/{o}/members?q=ana&role=admin&cursor=c1")
        );
        let all_members = OrgRead::Members {
            filter: MemberFilter::default(),
            cursor: None,
        };
        assert_eq!(at(all_members), format!("org/{o}/members?q=&role=&cursor="));
        assert_eq!(at(OrgRead::Invitations), format!("org/{o}/invitations"));
        assert_eq!(at(OrgRead::Billing), format!("org/{o}/billing"));
        let ledger = OrgRead::Ledger {
            filter: LedgerFilter::default(),
            cursor: None,
        };
        assert_eq!(
            at(ledger),
            format!("org/{o}/ledger?{:?}&cursor=", LedgerFilter::default())
        );
        let usage = OrgRead::Usage {
            period: Period::default(),
            group: UsageGroup::Day,
        };
        assert_eq!(
            at(usage),
            format!("org/{o}/usage?Day&Period {{ from: None, to: None }}")
        );
        assert_eq!(at(OrgRead::Invoices), format!("org/{o}/invoices"));
        let month = OrgRead::Invoice {
            month: "2026-11".into(),
        };
        assert_eq!(at(month), format!("org/{o}/invoices/2026-11"));
        let audit = OrgRead::Audit {
            filter: AuditFilter::default(),
            cursor: Some("x".into()),
        };
        assert_eq!(
            at(audit),
            format!("org/{o}/audit?{:?}&cursor=x", AuditFilter::default())
        );
        assert_eq!(at(OrgRead::ApiKeys), format!("org/{o}/api-keys"));
        assert_eq!(
            at(OrgRead::BillingProfile),
            format!("org/{o}/billing/profile")
        );
        let payments = OrgRead::Payments {
            cursor: Some("p2".into()),
        };
        assert_eq!(at(payments), format!("org/{o}/payments?cursor=p2"));
        assert_eq!(ReadKey::WebhookEvents.storage_key(), "webhook-events");
        assert_eq!(at(OrgRead::Webhooks), format!("org/{o}/webhooks"));
        let hook: WebhookId = "0190f4c2-5b8e-7000-8000-0000000000a1".parse().unwrap();
        assert_eq!(
            at(OrgRead::Webhook { webhook: hook }),
            format!("org/{o}/webhooks/{hook}")
        );
        let deliveries = OrgRead::WebhookDeliveries {
            webhook: hook,
            cursor: Some("d2".into()),
        };
        assert_eq!(
            at(deliveries),
            format!("org/{o}/webhooks/{hook}/deliveries?cursor=d2")
        );
        let delivery: WebhookDeliveryId = "0190f4c2-5b8e-7000-8000-0000000000b1".parse().unwrap();
        assert_eq!(
            at(OrgRead::WebhookDelivery { delivery }),
            format!("org/{o}/webhooks/deliveries/{delivery}")
        );
        assert_eq!(at(OrgRead::Exports), format!("org/{o}/exports"));
        assert_eq!(at(OrgRead::Retention), format!("org/{o}/retention"));
    }

    #[test]
    fn scopes_cover_their_reads_only() {
        let (a, b) = (org(), OrgId::new());
        let members = ReadKey::of(
            a,
            OrgRead::Members {
                filter: MemberFilter::default(),
                cursor: Some("next".into()),
            },
        );
        let statement = ReadKey::of(
            a,
            OrgRead::Invoice {
                month: "2026-11".into(),
            },
        );
        let of_a = ReadScope::Org { org_id: a };
        assert!(ReadScope::All.covers(&members) && ReadScope::All.covers(&ReadKey::Rates));
        assert!(of_a.covers(&members));
        assert!(of_a.covers(&ReadKey::of(a, OrgRead::Membership)));
        assert!(!of_a.covers(&ReadKey::Orgs));
        assert!(!ReadScope::Org { org_id: b }.covers(&members));
        let data = |data| ReadScope::OrgData { org_id: a, data };
        assert!(data(OrgData::Members).covers(&members));
        assert!(!data(OrgData::Projects).covers(&members));
        assert!(data(OrgData::Invoices).covers(&statement));
        assert!(ReadScope::Orgs.covers(&ReadKey::Orgs));
        assert!(!ReadScope::Orgs.covers(&ReadKey::of(a, OrgRead::Membership)));
        assert!(!ReadScope::Me.covers(&ReadKey::MyInvitations));
        assert_eq!(members.scope(), data(OrgData::Members));
        let detail = ReadKey::of(
            a,
            OrgRead::WebhookDelivery {
                delivery: WebhookDeliveryId::new(),
            },
        );
        assert!(data(OrgData::WebhookDeliveries).covers(&detail));
        assert!(!data(OrgData::Webhooks).covers(&detail));
        assert!(data(OrgData::Webhooks).covers(&ReadKey::of(a, OrgRead::Webhooks)));
        assert!(ReadScope::WebhookEvents.covers(&ReadKey::WebhookEvents));
        assert!(!of_a.covers(&ReadKey::WebhookEvents));
    }

    #[test]
    fn the_portfolio_goes_stale_with_anything_of_any_org() {
        let (a, b) = (org(), OrgId::new());
        let portfolio = ReadKey::Portfolio;
        assert_eq!(portfolio.scope(), ReadScope::Portfolio);
        assert!(ReadScope::Portfolio.covers(&portfolio));
        assert!(ReadScope::All.covers(&portfolio));
        assert!(ReadScope::Orgs.covers(&portfolio));
        assert!(ReadScope::Org { org_id: a }.covers(&portfolio));
        assert!(ReadScope::Org { org_id: b }.covers(&portfolio));
        let billing = ReadScope::OrgData {
            org_id: b,
            data: OrgData::Billing,
        };
        assert!(billing.covers(&portfolio));
        // It does not go the other way: the portfolio's refresh is not an org's.
        assert!(!ReadScope::Portfolio.covers(&ReadKey::Orgs));
        assert!(!ReadScope::Portfolio.covers(&ReadKey::of(a, OrgRead::Billing)));
        assert!(!ReadScope::Me.covers(&portfolio));
        assert!(!ReadScope::MyInvitations.covers(&portfolio));
    }
}
