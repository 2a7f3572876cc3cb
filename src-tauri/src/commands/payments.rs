//! Card payments (a server in `stripe` payment mode): billing details, the card page, top
//! ups by card followed until they settle, the payment history and receipts.

use std::sync::Arc;

use orgdesk_app_core::exports::{ExportDone, Exports};
use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::payments::{CardTopUp, PaymentProgress, Payments};
use orgdesk_app_core::reads::Fresh;
use orgdesk_model::payment::{BillingProfile, CardSetup, CardSummary, Payment, PaymentReceipt};
use orgdesk_model::{ApiError, ErrorCode, OrgId, Page, PaymentId};
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;
use crate::card_window::CardWindow;

/// Who the org's receipts are made out to.
#[tauri::command]
#[specta::specta]
pub async fn get_billing_profile(
    payments: State<'_, Arc<Payments>>,
    org_id: OrgId,
) -> CmdResult<Fresh<BillingProfile>> {
    Ok(payments.profile(org_id).await?)
}

/// Saves the billing details (queued while offline); a refused field names itself.
#[tauri::command]
#[specta::specta]
pub async fn update_billing_profile(
    payments: State<'_, Arc<Payments>>,
    org_id: OrgId,
    profile: BillingProfile,
) -> CmdResult<Outcome<BillingProfile>> {
    Ok(payments.set_profile(org_id, profile).await?)
}

/// Opens the server's card page in the app's "Add a card" window (a remote page with no
/// access to commands) and watches for the card it saves: the billing pages hear of it
/// (`DataRefreshed`) once it shows, or when the window is closed. Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn add_card(
    window: State<'_, Arc<dyn CardWindow>>,
    payments: State<'_, Arc<Payments>>,
    org_id: OrgId,
    current: Option<CardSummary>,
) -> CmdResult<CardSetup> {
    let setup = payments.card_setup(org_id).await?;
    let url = url::Url::parse(&setup.url).map_err(|_| {
        ApiError::new(
            ErrorCode::BadResponse,
            "The server's card page has no valid address.",
        )
    })?;
    window.open(url).map_err(|e| {
        tracing::warn!(error = %e, "the card window could not open");
        ApiError::new(ErrorCode::Internal, "The card window could not open.")
    })?;
    let window = Arc::clone(&window);
    payments.watch_card(org_id, current, move || window.is_open());
    Ok(setup)
}

/// Closes the "Add a card" window, if open (the UI saw the card arrive).
#[tauri::command]
#[specta::specta]
pub fn close_card_window(window: State<'_, Arc<dyn CardWindow>>) {
    window.close();
}

/// Buys a credit pack with the saved card. `request_id` is made once when the user asks
/// for this payment and sent again on every retry (and by the outbox after a restart), so
/// the card is charged once. `progress` hears each look at the payment while the processor
/// settles it. A decline is `payment_declined` with the processor's reason.
#[tauri::command]
#[specta::specta]
pub async fn top_up_by_card(
    payments: State<'_, Arc<Payments>>,
    org_id: OrgId,
    credits: i64,
    request_id: String,
    progress: Channel<PaymentProgress>,
) -> CmdResult<Outcome<CardTopUp>> {
    let report = move |p: PaymentProgress| {
        let _ = progress.send(p);
    };
    Ok(payments.top_up(org_id, credits, request_id, report).await?)
}

/// One page of the org's card payments, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_payments(
    payments: State<'_, Arc<Payments>>,
    org_id: OrgId,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<Payment>>> {
    Ok(payments.list(org_id, cursor).await?)
}

/// One payment as the server has it now (it settles a pending one with the processor).
#[tauri::command]
#[specta::specta]
pub async fn check_payment(
    payments: State<'_, Arc<Payments>>,
    org_id: OrgId,
    payment_id: PaymentId,
) -> CmdResult<Payment> {
    Ok(payments.check(org_id, payment_id).await?)
}

/// A paid payment's receipt.
#[tauri::command]
#[specta::specta]
pub async fn payment_receipt(
    payments: State<'_, Arc<Payments>>,
    org_id: OrgId,
    payment_id: PaymentId,
) -> CmdResult<PaymentReceipt> {
    Ok(payments.receipt(org_id, payment_id).await?)
}

/// Asks where in the native save dialog (suggesting `file_name`), then saves the
/// receipt's PDF there. `null` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_receipt_pdf(
    exports: State<'_, Arc<Exports>>,
    org_id: OrgId,
    payment_id: PaymentId,
    file_name: String,
    progress: Channel<u64>,
) -> CmdResult<Option<ExportDone>> {
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    Ok(exports
        .receipt_pdf(org_id, payment_id, &file_name, report)
        .await?)
}
