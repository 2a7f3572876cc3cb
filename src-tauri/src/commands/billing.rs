use std::sync::Arc;

use chrono::{DateTime, Utc};
use orgdesk_app_core::billing::Billing;
use orgdesk_app_core::exports::{ExportDone, Exports};
use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::reads::Fresh;
use orgdesk_client::Period;
use orgdesk_model::billing::{
    BillingSummary, LedgerEntry, LedgerFilter, RateCard, SpendPolicy, TopUp, TopUpRequest,
};
use orgdesk_model::usage::{Invoice, InvoiceSummary, UsageGroup, UsageReport};
use orgdesk_model::{OrgId, Page, Plan};
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;

#[tauri::command]
#[specta::specta]
pub async fn get_billing(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
) -> CmdResult<Fresh<BillingSummary>> {
    Ok(billing.summary(org_id).await?)
}

/// Owner only; a downgrade below current usage fails with `plan_downgrade_blocked`.
/// Needs the server (what is over the new plan's limits is known only there).
#[tauri::command]
#[specta::specta]
pub async fn change_plan(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
    plan: Plan,
) -> CmdResult<BillingSummary> {
    Ok(billing.change_plan(org_id, plan).await?)
}

/// Adds credits. `request_id` is made once when the user asks for this top-up and sent
/// again on every retry (and by the outbox), so the server applies it exactly once.
#[tauri::command]
#[specta::specta]
pub async fn top_up(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
    input: TopUpRequest,
    request_id: String,
) -> CmdResult<Outcome<TopUp>> {
    Ok(billing.top_up(org_id, input, request_id).await?)
}

/// One page of the ledger, newest first.
#[tauri::command]
#[specta::specta]
pub async fn ledger(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
    filter: LedgerFilter,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<LedgerEntry>>> {
    Ok(billing.ledger(org_id, filter, cursor).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn usage_report(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    group_by: UsageGroup,
) -> CmdResult<Fresh<UsageReport>> {
    Ok(billing.usage(org_id, Period { from, to }, group_by).await?)
}

/// Asks where in the native save dialog (suggesting `file_name`, a name and never a
/// path), then writes the usage CSV there: streamed from the server, or offline made from
/// the report last seen, with its "as of" time in the file. `progress` hears 0 once a
/// place is chosen, then the bytes written. `null` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_usage_csv(
    exports: State<'_, Arc<Exports>>,
    org_id: OrgId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    group_by: UsageGroup,
    file_name: String,
    progress: Channel<u64>,
) -> CmdResult<Option<ExportDone>> {
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    let period = Period { from, to };
    Ok(exports
        .usage_csv(org_id, period, group_by, &file_name, report)
        .await?)
}

/// The org's monthly statements; their PDFs are kept for offline use in the background.
#[tauri::command]
#[specta::specta]
pub async fn list_invoices(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<InvoiceSummary>>> {
    Ok(billing.invoices(org_id).await?)
}

/// A monthly statement; `month` is `YYYY-MM`.
#[tauri::command]
#[specta::specta]
pub async fn get_invoice(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
    month: String,
) -> CmdResult<Fresh<Invoice>> {
    Ok(billing.invoice(org_id, month).await?)
}

/// Asks where in the native save dialog (suggesting `file_name`), then saves the
/// statement's PDF there; offline, the copy kept when it was last seen. `null` when the
/// dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_invoice_pdf(
    exports: State<'_, Arc<Exports>>,
    org_id: OrgId,
    month: String,
    file_name: String,
    progress: Channel<u64>,
) -> CmdResult<Option<ExportDone>> {
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    Ok(exports
        .invoice_pdf(org_id, &month, &file_name, report)
        .await?)
}

/// Sets (or, with `None`, turns off) the low-balance threshold.
#[tauri::command]
#[specta::specta]
pub async fn set_low_balance_threshold(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
    threshold: Option<i64>,
) -> CmdResult<Outcome<BillingSummary>> {
    Ok(billing.set_low_balance_threshold(org_id, threshold).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_spend_policy(
    billing: State<'_, Arc<Billing>>,
    org_id: OrgId,
    policy: SpendPolicy,
) -> CmdResult<Outcome<BillingSummary>> {
    Ok(billing.set_spend_policy(org_id, policy).await?)
}

/// What each modality costs now.
#[tauri::command]
#[specta::specta]
pub async fn rate_card(billing: State<'_, Arc<Billing>>) -> CmdResult<Fresh<RateCard>> {
    Ok(billing.rate_card().await?)
}
