//! Low-balance alerts as desktop notifications. The server records each time an org's
//! balance falls below its threshold; the app announces every such crossing once (the
//! last one announced per org is remembered across restarts), whether it learns of it
//! from the billing page or from the watch that checks every few minutes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use orgdesk_model::billing::BillingSummary;
use orgdesk_model::org::Membership;
use orgdesk_model::{Capability, OrgId};

use crate::host::{Notifier, Spawner};
use crate::prefs::Prefs;
use crate::signed_in::SignedIn;

const WATCH_EVERY: Duration = Duration::from_secs(120);

pub struct Alerts {
    signed_in: Arc<SignedIn>,
    prefs: Prefs,
    notifier: Arc<dyn Notifier>,
    spawner: Arc<dyn Spawner>,
    /// Org names by id, for notifications.
    org_names: Mutex<HashMap<OrgId, String>>,
}

impl Alerts {
    pub fn new(
        signed_in: Arc<SignedIn>,
        prefs: Prefs,
        notifier: Arc<dyn Notifier>,
        spawner: Arc<dyn Spawner>,
    ) -> Self {
        Self {
            signed_in,
            prefs,
            notifier,
            spawner,
            org_names: Mutex::new(HashMap::new()),
        }
    }

    /// Remembers the orgs' names, for notifications.
    pub fn remember_org_names(&self, memberships: &[Membership]) {
        if let Ok(mut names) = self.org_names.lock() {
            for m in memberships {
                names.insert(m.org.id, m.org.name.clone());
            }
        }
    }

    fn org_name(&self, org: OrgId) -> Option<String> {
        self.org_names.lock().ok()?.get(&org).cloned()
    }

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
        self.notifier.notify("Low credit balance", &body);
    }

    /// The watch: while signed in, checks the billing of every org the account may see
    /// billing for.
    pub async fn check_low_balances(&self) {
        let Ok(client) = self.signed_in.client().await else {
            return;
        };
        let Ok(orgs) = client.all_orgs().await else {
            return;
        };
        for m in orgs.value {
            if !m.capabilities.contains(&Capability::ViewBilling) {
                continue;
            }
            self.remember_org_names(std::slice::from_ref(&m));
            if let Ok(summary) = client.billing(m.org.id).await {
                self.note_low_balance(m.org.id, &summary.value);
            }
        }
    }

    /// Runs the watch every few minutes, for as long as the app runs.
    pub fn watch(self: &Arc<Self>) {
        let this = self.clone();
        self.spawner.run(async move {
            loop {
                tokio::time::sleep(WATCH_EVERY).await;
                this.check_low_balances().await;
            }
        });
    }
}
