//! Low-balance alerts as desktop notifications. The server records each time an org's
//! balance falls below its threshold; the app announces every such crossing once (the
//! last one announced per org is remembered across restarts), whether it learns of it
//! from the billing page or from the watch that checks every few minutes.

use std::time::Duration;

use orgdesk_model::billing::BillingSummary;
use orgdesk_model::{Capability, OrgId};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::state::AppState;

const WATCH_EVERY: Duration = Duration::from_secs(120);

/// Shows a desktop notification.
pub trait Notifier: Send + Sync {
    fn notify(&self, title: &str, body: &str);
}

pub struct DesktopNotifier<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Notifier for DesktopNotifier<R> {
    fn notify(&self, title: &str, body: &str) {
        if let Err(e) = self
            .0
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
        {
            tracing::warn!(error = %e, "the desktop notification could not be shown");
        }
    }
}

impl AppState {
    /// Announces the summary's low-balance alert unless it was announced before.
    pub fn note_low_balance(&self, org: OrgId, summary: &BillingSummary) {
        let Some(alert) = &summary.low_balance_alert else {
            return;
        };
        let at = alert.at.timestamp_millis();
        let key = format!("low_balance_notified/{org}");
        if self.prefs.get_i64(&key) == Some(at) {
            return;
        }
        if let Err(e) = self.prefs.set_i64(&key, at) {
            tracing::warn!(error = %e, "could not remember a low-balance notice");
        }
        let name = self
            .org_name(org)
            .unwrap_or_else(|| "An organization".into());
        let body = format!(
            "{name} has {} credits left, below its alert threshold of {}. Top up to keep usage running.",
            summary.balance, alert.threshold
        );
        if let Some(notifier) = self.notifier.get() {
            notifier.notify("Low credit balance", &body);
        }
    }

    /// The watch: while signed in, checks the billing of every org the account may see
    /// billing for.
    pub async fn check_low_balances(&self) {
        let Ok(client) = self.client().await else {
            return;
        };
        let Ok(orgs) = client.all_orgs().await else {
            return;
        };
        for m in orgs.value {
            if !m.capabilities.contains(&Capability::ViewBilling) {
                continue;
            }
            self.remember_org_name(m.org.id, &m.org.name);
            if let Ok(summary) = client.billing(m.org.id).await {
                self.note_low_balance(m.org.id, &summary.value);
            }
        }
    }
}

pub fn watch_low_balances<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            app.state::<AppState>().check_low_balances().await;
        }
    });
}
