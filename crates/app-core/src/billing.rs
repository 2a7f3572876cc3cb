//! Billing: the summary (announcing a low balance), the plan, top-ups, the ledger, usage,
//! statements (whose PDFs are kept for offline use), alert settings, spend policy and the
//! rate card.

use std::sync::Arc;

use orgdesk_client::{Client, OrgRead, Period, ReadKey};
use orgdesk_model::billing::{
    BillingSummary, LedgerEntry, LedgerFilter, RateCard, SpendPolicy, TopUp, TopUpRequest,
};
use orgdesk_model::usage::{Invoice, InvoiceSummary, UsageGroup, UsageReport};
use orgdesk_model::{OrgId, Page, Plan};

use crate::alerts::Alerts;
use crate::error::AppError;
use crate::exports::Exports;
use crate::outbox::edits::{SetLowBalanceThreshold, SetSpendPolicy, TopUpCredits};
use crate::outbox::{Outbox, Outcome};
use crate::reads::{Fresh, Reads};

pub struct Billing {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
    alerts: Arc<Alerts>,
    exports: Arc<Exports>,
}

impl Billing {
    pub fn new(
        reads: Arc<Reads>,
        outbox: Arc<Outbox>,
        alerts: Arc<Alerts>,
        exports: Arc<Exports>,
    ) -> Self {
        Self {
            reads,
            outbox,
            alerts,
            exports,
        }
    }

    /// The summary; a low balance the server reports is announced (once).
    pub async fn summary(&self, org_id: OrgId) -> Result<Fresh<BillingSummary>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Billing);
        let read = move |c: Client| async move { c.billing(org_id).await };
        let summary = self.reads.read(key, read).await?;
        if !summary.from_cache {
            self.alerts.note_low_balance(org_id, &summary.value);
        }
        Ok(summary)
    }

    /// Owner only; a downgrade below current usage fails with `plan_downgrade_blocked`.
    /// Needs the server (what is over the new plan's limits is known only there).
    pub async fn change_plan(&self, org_id: OrgId, plan: Plan) -> Result<BillingSummary, AppError> {
        let change = |c: Client| async move { c.change_plan(org_id, plan).await };
        self.reads.online("Changing the plan", change).await
    }

    /// Adds credits. `request_id` is made once when the user asks for this top-up and sent
    /// again on every retry (and by the outbox), so the server applies it exactly once.
    pub async fn top_up(
        &self,
        org_id: OrgId,
        input: TopUpRequest,
        request_id: String,
    ) -> Result<Outcome<TopUp>, AppError> {
        let edit = TopUpCredits { org_id, input };
        self.outbox.submit(edit, Some(request_id)).await
    }

    /// One page of the ledger, newest first.
    pub async fn ledger(
        &self,
        org_id: OrgId,
        filter: LedgerFilter,
        cursor: Option<String>,
    ) -> Result<Fresh<Page<LedgerEntry>>, AppError> {
        let key = ReadKey::of(
            org_id,
            OrgRead::Ledger {
                filter: filter.clone(),
                cursor: cursor.clone(),
            },
        );
        let read =
            move |c: Client| async move { c.ledger(org_id, &filter, cursor.as_deref(), 100).await };
        self.reads.read(key, read).await
    }

    pub async fn usage(
        &self,
        org_id: OrgId,
        period: Period,
        group: UsageGroup,
    ) -> Result<Fresh<UsageReport>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Usage { period, group });
        let read = move |c: Client| async move { c.usage_report(org_id, period, group).await };
        self.reads.read(key, read).await
    }

    /// The org's monthly statements; their PDFs are kept for offline use in the background.
    pub async fn invoices(&self, org_id: OrgId) -> Result<Fresh<Vec<InvoiceSummary>>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Invoices);
        let read = move |c: Client| async move { c.invoices(org_id).await };
        let invoices = self.reads.read(key, read).await?;
        if !invoices.from_cache {
            self.exports.keep_invoice_pdfs(org_id, &invoices.value);
        }
        Ok(invoices)
    }

    /// A monthly statement; `month` is `YYYY-MM`.
    pub async fn invoice(&self, org_id: OrgId, month: String) -> Result<Fresh<Invoice>, AppError> {
        let read_month = month.clone();
        let key = ReadKey::of(org_id, OrgRead::Invoice { month });
        let read = move |c: Client| async move { c.invoice(org_id, &read_month).await };
        self.reads.read(key, read).await
    }

    /// Sets (or, with `None`, turns off) the low-balance threshold.
    pub async fn set_low_balance_threshold(
        &self,
        org_id: OrgId,
        threshold: Option<i64>,
    ) -> Result<Outcome<BillingSummary>, AppError> {
        let edit = SetLowBalanceThreshold { org_id, threshold };
        self.outbox.submit(edit, None).await
    }

    pub async fn set_spend_policy(
        &self,
        org_id: OrgId,
        policy: SpendPolicy,
    ) -> Result<Outcome<BillingSummary>, AppError> {
        let edit = SetSpendPolicy { org_id, policy };
        self.outbox.submit(edit, None).await
    }

    /// What each modality costs now.
    pub async fn rate_card(&self) -> Result<Fresh<RateCard>, AppError> {
        let read = |c: Client| async move { c.rates().await };
        self.reads.read(ReadKey::Rates, read).await
    }
}
