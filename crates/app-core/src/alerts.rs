//! Alerts as desktop notifications. The server records each time an org's balance falls
//! below its threshold; the app announces every such crossing once (the last one announced
//! per org is remembered across restarts), whether it learns of it from the billing page or
//! from the watch that checks every few minutes. Likewise, owners and admins are told once
//! when the server turned one of their org's webhook endpoints off after its deliveries
//! kept failing (from the Webhooks page or the watch), and members once when an org they
//! belong to is scheduled for deletion (not the person who scheduled it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use orgdesk_model::billing::BillingSummary;
use orgdesk_model::org::Membership;
use orgdesk_model::webhook::{Webhook, WebhookDisabledReason};
use orgdesk_model::{AppPage, Capability, OrgId};

use crate::host::{Notice, Notifier, Spawner};
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
        self.notifier.notify(Notice {
            title: "Low credit balance",
            body,
            opens: Some((org, AppPage::Billing)),
        });
    }

    /// Announces each endpoint the server turned off after failures, once per time it did
    /// (an endpoint turned on again and off again later is announced again).
    pub fn note_disabled_webhooks(&self, org: OrgId, webhooks: &[Webhook]) {
        for hook in webhooks {
            if hook.enabled || hook.disabled_reason != Some(WebhookDisabledReason::Failing) {
                continue;
            }
            // The run of failures that ended in it: a later edit of the endpoint (its
            // description, say) is not a new occurrence.
            let at = hook
                .health
                .failing_since
                .unwrap_or(hook.updated_at)
                .timestamp_millis();
            let key = format!("webhook_disabled_notified/{}", hook.id);
            if self.prefs.get_i64(&key) == Some(at) {
                continue;
            }
            if let Err(e) = self.prefs.set_i64(&key, at) {
                tracing::warn!(error = %e, "could not remember a webhook notice");
            }
            let name = self
                .org_name(org)
                .unwrap_or_else(|| "an organization".into());
            let body = format!(
                "The webhook to {} in {name} was turned off: its deliveries kept failing. Fix the receiver, then turn it on again under Settings → Webhooks.",
                hook.url
            );
            self.notifier.notify(Notice {
                title: "Webhook turned off",
                body,
                opens: Some((org, AppPage::SettingsWebhooks)),
            });
        }
    }

    /// Announces each org of `memberships` scheduled for deletion, once per time it was
    /// scheduled, except to the person who scheduled it.
    pub async fn note_pending_deletions(&self, memberships: &[Membership]) {
        let me = self.signed_in.user().await.ok();
        for m in memberships {
            let Some(pending) = &m.org.pending_deletion else {
                continue;
            };
            if me.is_some() && pending.scheduled_by == me {
                continue;
            }
            let at = pending.scheduled_at.timestamp_millis();
            let key = format!("deletion_notified/{}", m.org.id);
            if self.prefs.get_i64(&key) == Some(at) {
                continue;
            }
            if let Err(e) = self.prefs.set_i64(&key, at) {
                tracing::warn!(error = %e, "could not remember a deletion notice");
            }
            let body = format!(
                "{} is scheduled for deletion on {}. It is read-only until then; its owner can cancel.",
                m.org.name,
                pending.purge_at.format("%b %-d, %Y")
            );
            self.notifier.notify(Notice {
                title: "Organization scheduled for deletion",
                body,
                opens: Some((m.org.id, AppPage::Overview)),
            });
        }
    }

    /// The watch: while signed in, checks the billing of every org the account may see
    /// billing for, and the webhooks of every org whose webhooks it manages.
    pub async fn check(&self) {
        let Ok(client) = self.signed_in.client().await else {
            return;
        };
        let Ok(orgs) = client.all_orgs().await else {
            return;
        };
        self.note_pending_deletions(&orgs.value).await;
        for m in orgs.value {
            self.remember_org_names(std::slice::from_ref(&m));
            let org = m.org.id;
            if m.capabilities.contains(&Capability::ViewBilling) {
                if let Ok(summary) = client.billing(org).await {
                    self.note_low_balance(org, &summary.value);
                }
            }
            if AppPage::SettingsWebhooks.allowed_in(m.org.kind, &m.capabilities) {
                if let Ok(hooks) = client.webhooks(org).await {
                    self.note_disabled_webhooks(org, &hooks.value);
                }
            }
        }
    }

    /// Runs the watch every few minutes, for as long as the app runs.
    pub fn watch(self: &Arc<Self>) {
        let this = self.clone();
        self.spawner.run(async move {
            loop {
                tokio::time::sleep(WATCH_EVERY).await;
                this.check().await;
            }
        });
    }
}
