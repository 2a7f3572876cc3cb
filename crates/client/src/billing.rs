//! Billing routes: the summary, plan, top-ups, ledger, usage reports, statements, alerts,
//! spend policy and the rate card. Money-moving requests carry an `Idempotency-Key` made
//! once by the caller, so a retry never charges twice.

use std::path::Path;

use orgdesk_model::billing::{
    AlertSettings, BillingSummary, ChangePlanRequest, LedgerEntry, LedgerFilter, RateCard,
    SpendPolicy, TopUp, TopUpRequest,
};
use orgdesk_model::usage::{Invoice, InvoiceSummary, UsageGroup, UsageReport};
use orgdesk_model::{OrgId, Page, Plan};
use reqwest::header::ACCEPT;
use reqwest::{Method, RequestBuilder};

use crate::cache::Cached;
use crate::download::stream_to_file;
use crate::keys::{OrgRead, Period, ReadKey};
use crate::{Client, Result};

fn with_period(mut req: RequestBuilder, period: Period) -> RequestBuilder {
    if let Some(from) = period.from {
        req = req.query(&[("from", from.to_rfc3339())]);
    }
    if let Some(to) = period.to {
        req = req.query(&[("to", to.to_rfc3339())]);
    }
    req
}

fn group_name(group: UsageGroup) -> &'static str {
    match group {
        UsageGroup::Project => "project",
        UsageGroup::User => "user",
        UsageGroup::Day => "day",
    }
}

impl Client {
    fn org_path<'a>(org: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec!["orgs", org];
        path.extend_from_slice(rest);
        path
    }

    pub async fn billing(&self, org: OrgId) -> Result<Cached<BillingSummary>> {
        let id = org.to_string();
        let req = self.request(Method::GET, &Self::org_path(&id, &["billing"]));
        self.cached(ReadKey::of(org, OrgRead::Billing), self.json(req))
            .await
    }

    pub async fn change_plan(&self, org: OrgId, plan: Plan) -> Result<BillingSummary> {
        let id = org.to_string();
        let req = self.request(Method::PUT, &Self::org_path(&id, &["plan"]));
        self.json(req.json(&ChangePlanRequest { plan })).await
    }

    /// Adds credits. Send it through [`Client::idempotent`] with a key made once per
    /// top-up the user asked for (and reused on every retry of it), so it is applied once.
    pub async fn top_up(&self, org: OrgId, input: &TopUpRequest) -> Result<TopUp> {
        let id = org.to_string();
        let req = self.request(Method::POST, &Self::org_path(&id, &["credits", "top-ups"]));
        self.json(req.json(input)).await
    }

    pub async fn ledger(
        &self,
        org: OrgId,
        filter: &LedgerFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Cached<Page<LedgerEntry>>> {
        let id = org.to_string();
        let key = ReadKey::of(
            org,
            OrgRead::Ledger {
                filter: filter.clone(),
                cursor: cursor.map(str::to_owned),
            },
        );
        let mut req = self
            .request(Method::GET, &Self::org_path(&id, &["ledger"]))
            .query(&[("limit", limit.to_string())]);
        if let Some(kind) = filter.kind {
            req = req.query(&[("kind", kind.as_str())]);
        }
        if let Some(project) = filter.project {
            req = req.query(&[("project", project.to_string())]);
        }
        req = with_period(
            req,
            Period {
                from: filter.from,
                to: filter.to,
            },
        );
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.cached(key, self.json(req)).await
    }

    pub async fn usage_report(
        &self,
        org: OrgId,
        period: Period,
        group: UsageGroup,
    ) -> Result<Cached<UsageReport>> {
        let id = org.to_string();
        let req = self
            .request(Method::GET, &Self::org_path(&id, &["usage"]))
            .query(&[("group_by", group_name(group))]);
        let key = ReadKey::of(org, OrgRead::Usage { period, group });
        self.cached(key, self.json(with_period(req, period))).await
    }

    /// Streams the usage CSV report into `dest`.
    pub async fn usage_csv(
        &self,
        org: OrgId,
        period: Period,
        group: UsageGroup,
        dest: &Path,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        let id = org.to_string();
        let req = self
            .request(Method::GET, &Self::org_path(&id, &["reports", "usage.csv"]))
            .query(&[("group_by", group_name(group))]);
        stream_to_file(with_period(req, period), dest, progress).await
    }

    pub async fn invoices(&self, org: OrgId) -> Result<Cached<Vec<InvoiceSummary>>> {
        let fetch = async {
            let id = org.to_string();
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut req = self
                    .request(Method::GET, &Self::org_path(&id, &["invoices"]))
                    .query(&[("limit", "200")]);
                if let Some(c) = &cursor {
                    req = req.query(&[("cursor", c)]);
                }
                let page: Page<InvoiceSummary> = self.json(req).await?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break Ok(all),
                }
            }
        };
        self.cached(ReadKey::of(org, OrgRead::Invoices), fetch)
            .await
    }

    pub async fn invoice(&self, org: OrgId, month: &str) -> Result<Cached<Invoice>> {
        let id = org.to_string();
        let req = self.request(Method::GET, &Self::org_path(&id, &["invoices", month]));
        let key = ReadKey::of(
            org,
            OrgRead::Invoice {
                month: month.to_owned(),
            },
        );
        self.cached(key, self.json(req)).await
    }

    /// Streams the statement as a PDF into `dest`.
    pub async fn invoice_pdf(
        &self,
        org: OrgId,
        month: &str,
        dest: &Path,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        let id = org.to_string();
        let req = self
            .request(Method::GET, &Self::org_path(&id, &["invoices", month]))
            .header(ACCEPT, "application/pdf");
        stream_to_file(req, dest, progress).await
    }

    pub async fn set_alerts(&self, org: OrgId, settings: &AlertSettings) -> Result<BillingSummary> {
        let id = org.to_string();
        let req = self.request(Method::PUT, &Self::org_path(&id, &["billing", "alerts"]));
        self.json(req.json(settings)).await
    }

    pub async fn set_spend_policy(
        &self,
        org: OrgId,
        policy: &SpendPolicy,
    ) -> Result<BillingSummary> {
        let id = org.to_string();
        let req = self.request(
            Method::PUT,
            &Self::org_path(&id, &["billing", "spend-policy"]),
        );
        self.json(req.json(policy)).await
    }

    pub async fn rates(&self) -> Result<Cached<RateCard>> {
        self.cached(
            ReadKey::Rates,
            self.json(self.request(Method::GET, &["rates"])),
        )
        .await
    }
}
