use std::path::PathBuf;

use chrono::{DateTime, Utc};
use orgdesk_client::Period;
use orgdesk_model::billing::{
    AlertSettings, BillingSummary, LedgerEntry, LedgerFilter, RateCard, SpendPolicy, TopUp,
    TopUpRequest,
};
use orgdesk_model::usage::{Invoice, InvoiceSummary, UsageGroup, UsageReport};
use orgdesk_model::{OrgId, Page, Plan};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CmdResult;
use crate::export::ExportDone;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn get_billing(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<BillingSummary> {
    let summary = state.client().await?.billing(org_id).await?.value;
    state.note_low_balance(org_id, &summary);
    Ok(summary)
}

/// Owner only; a downgrade below current usage fails with `plan_downgrade_blocked`.
#[tauri::command]
#[specta::specta]
pub async fn change_plan(
    state: State<'_, AppState>,
    org_id: OrgId,
    plan: Plan,
) -> CmdResult<BillingSummary> {
    Ok(state.client().await?.change_plan(org_id, plan).await?)
}

/// Adds credits. `request_id` is made once when the user asks for this top-up and sent
/// again on every retry, so the server applies it exactly once.
#[tauri::command]
#[specta::specta]
pub async fn top_up(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: TopUpRequest,
    request_id: String,
) -> CmdResult<TopUp> {
    let client = state.client().await?.idempotent(request_id);
    Ok(client.top_up(org_id, &input).await?)
}

/// One page of the ledger, newest first.
#[tauri::command]
#[specta::specta]
pub async fn ledger(
    state: State<'_, AppState>,
    org_id: OrgId,
    filter: LedgerFilter,
    cursor: Option<String>,
) -> CmdResult<Page<LedgerEntry>> {
    let client = state.client().await?;
    Ok(client
        .ledger(org_id, &filter, cursor.as_deref(), 100)
        .await?
        .value)
}

#[tauri::command]
#[specta::specta]
pub async fn usage_report(
    state: State<'_, AppState>,
    org_id: OrgId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    group_by: UsageGroup,
) -> CmdResult<UsageReport> {
    let client = state.client().await?;
    Ok(client
        .usage_report(org_id, Period { from, to }, group_by)
        .await?
        .value)
}

/// Streams the usage CSV to `path` (picked in a save dialog).
#[tauri::command]
#[specta::specta]
pub async fn export_usage_csv(
    state: State<'_, AppState>,
    org_id: OrgId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    group_by: UsageGroup,
    path: String,
    progress: Channel<u64>,
) -> CmdResult<ExportDone> {
    let client = state.client().await?;
    let dest = PathBuf::from(&path);
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    let bytes = client
        .usage_csv(org_id, Period { from, to }, group_by, &dest, report)
        .await?;
    Ok(ExportDone { path, bytes })
}

#[tauri::command]
#[specta::specta]
pub async fn list_invoices(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Vec<InvoiceSummary>> {
    Ok(state.client().await?.invoices(org_id).await?.value)
}

/// A monthly statement; `month` is `YYYY-MM`.
#[tauri::command]
#[specta::specta]
pub async fn get_invoice(
    state: State<'_, AppState>,
    org_id: OrgId,
    month: String,
) -> CmdResult<Invoice> {
    Ok(state.client().await?.invoice(org_id, &month).await?.value)
}

/// Saves the statement's PDF to `path` (picked in a save dialog).
#[tauri::command]
#[specta::specta]
pub async fn save_invoice_pdf(
    state: State<'_, AppState>,
    org_id: OrgId,
    month: String,
    path: String,
    progress: Channel<u64>,
) -> CmdResult<ExportDone> {
    let client = state.client().await?;
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    let bytes = client
        .invoice_pdf(org_id, &month, &PathBuf::from(&path), report)
        .await?;
    Ok(ExportDone { path, bytes })
}

/// Sets (or, with `None`, turns off) the low-balance threshold.
#[tauri::command]
#[specta::specta]
pub async fn set_low_balance_threshold(
    state: State<'_, AppState>,
    org_id: OrgId,
    threshold: Option<i64>,
) -> CmdResult<BillingSummary> {
    let settings = AlertSettings {
        low_balance_threshold: threshold,
    };
    Ok(state.client().await?.set_alerts(org_id, &settings).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_spend_policy(
    state: State<'_, AppState>,
    org_id: OrgId,
    policy: SpendPolicy,
) -> CmdResult<BillingSummary> {
    Ok(state
        .client()
        .await?
        .set_spend_policy(org_id, &policy)
        .await?)
}

/// What each modality costs now.
#[tauri::command]
#[specta::specta]
pub async fn rate_card(state: State<'_, AppState>) -> CmdResult<RateCard> {
    Ok(state.client().await?.rates().await?.value)
}
