use std::path::PathBuf;

use chrono::{DateTime, Utc};
use orgdesk_client::{keys, Period};
use orgdesk_model::billing::{
    BillingSummary, LedgerEntry, LedgerFilter, RateCard, SpendPolicy, TopUp, TopUpRequest,
};
use orgdesk_model::usage::{Invoice, InvoiceSummary, UsageGroup, UsageReport};
use orgdesk_model::{OrgId, Page, Plan};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CmdResult;
use crate::export::ExportDone;
use crate::outbox::{Change, Outcome};
use crate::reads::Fresh;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn get_billing(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Fresh<BillingSummary>> {
    let read = state.read(keys::billing(org_id), move |c| async move {
        c.billing(org_id).await
    });
    let summary = read.await?;
    if !summary.from_cache {
        state.note_low_balance(org_id, &summary.value);
    }
    Ok(summary)
}

/// Owner only; a downgrade below current usage fails with `plan_downgrade_blocked`.
/// Needs the server (what is over the new plan's limits is known only there).
#[tauri::command]
#[specta::specta]
pub async fn change_plan(
    state: State<'_, AppState>,
    org_id: OrgId,
    plan: Plan,
) -> CmdResult<BillingSummary> {
    let change = state.online("Changing the plan", |c| async move {
        c.change_plan(org_id, plan).await
    });
    Ok(change.await?)
}

/// Adds credits. `request_id` is made once when the user asks for this top-up and sent
/// again on every retry (and by the outbox), so the server applies it exactly once.
#[tauri::command]
#[specta::specta]
pub async fn top_up(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: TopUpRequest,
    request_id: String,
) -> CmdResult<Outcome<TopUp>> {
    let change = Change::TopUp { org_id, input };
    Ok(state.submit(change, Some(request_id)).await?)
}

/// One page of the ledger, newest first.
#[tauri::command]
#[specta::specta]
pub async fn ledger(
    state: State<'_, AppState>,
    org_id: OrgId,
    filter: LedgerFilter,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<LedgerEntry>>> {
    let key = keys::ledger(org_id, &filter, cursor.as_deref());
    let read = state.read(key, move |c| async move {
        c.ledger(org_id, &filter, cursor.as_deref(), 100).await
    });
    Ok(read.await?)
}

#[tauri::command]
#[specta::specta]
pub async fn usage_report(
    state: State<'_, AppState>,
    org_id: OrgId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    group_by: UsageGroup,
) -> CmdResult<Fresh<UsageReport>> {
    let period = Period { from, to };
    let read = state.read(keys::usage(org_id, period, group_by), move |c| async move {
        c.usage_report(org_id, period, group_by).await
    });
    Ok(read.await?)
}

/// Writes the usage CSV to `path` (picked in a save dialog): streamed from the server,
/// or offline made from the report last seen, with its "as of" time in the file.
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
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    let period = Period { from, to };
    let dest = PathBuf::from(&path);
    Ok(state
        .export_usage(org_id, period, group_by, dest, report)
        .await?)
}

/// The org's monthly statements; their PDFs are kept for offline use in the background.
#[tauri::command]
#[specta::specta]
pub async fn list_invoices(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<InvoiceSummary>>> {
    let read = state.read(keys::invoices(org_id), move |c| async move {
        c.invoices(org_id).await
    });
    let invoices = read.await?;
    if !invoices.from_cache {
        state.keep_invoice_pdfs(org_id, &invoices.value);
    }
    Ok(invoices)
}

/// A monthly statement; `month` is `YYYY-MM`.
#[tauri::command]
#[specta::specta]
pub async fn get_invoice(
    state: State<'_, AppState>,
    org_id: OrgId,
    month: String,
) -> CmdResult<Fresh<Invoice>> {
    let key = keys::invoice(org_id, &month);
    let read = state.read(key, move |c| async move { c.invoice(org_id, &month).await });
    Ok(read.await?)
}

/// Saves the statement's PDF to `path` (picked in a save dialog); offline, the copy kept
/// when it was last seen.
#[tauri::command]
#[specta::specta]
pub async fn save_invoice_pdf(
    state: State<'_, AppState>,
    org_id: OrgId,
    month: String,
    path: String,
    progress: Channel<u64>,
) -> CmdResult<ExportDone> {
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    let dest = PathBuf::from(&path);
    Ok(state
        .export_invoice_pdf(org_id, &month, dest, report)
        .await?)
}

/// Sets (or, with `None`, turns off) the low-balance threshold.
#[tauri::command]
#[specta::specta]
pub async fn set_low_balance_threshold(
    state: State<'_, AppState>,
    org_id: OrgId,
    threshold: Option<i64>,
) -> CmdResult<Outcome<BillingSummary>> {
    let change = Change::SetLowBalanceThreshold { org_id, threshold };
    Ok(state.submit(change, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_spend_policy(
    state: State<'_, AppState>,
    org_id: OrgId,
    policy: SpendPolicy,
) -> CmdResult<Outcome<BillingSummary>> {
    let change = Change::SetSpendPolicy { org_id, policy };
    Ok(state.submit(change, None).await?)
}

/// What each modality costs now.
#[tauri::command]
#[specta::specta]
pub async fn rate_card(state: State<'_, AppState>) -> CmdResult<Fresh<RateCard>> {
    let read = state.read(keys::rates(), |c| async move { c.rates().await });
    Ok(read.await?)
}
