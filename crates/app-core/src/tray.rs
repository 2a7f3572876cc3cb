//! What the tray menu lists: every context of the signed-in account with its role, a mark
//! when its balance is low and the count of changes queued for it. Only from what this
//! computer remembers, never the network: the menu is rebuilt whenever data or the outbox
//! change, and works offline.

use std::collections::HashMap;
use std::sync::Arc;

use orgdesk_client::{OrgRead, ReadKey};
use orgdesk_model::billing::BillingSummary;
use orgdesk_model::kind::OrgKind;
use orgdesk_model::org::Membership;
use orgdesk_model::{OrgId, Role};

use crate::outbox::{ChangeState, Outbox};
use crate::reads::Reads;

/// One context as the tray shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayContext {
    pub org_id: OrgId,
    /// "Personal", or the org's name.
    pub name: String,
    /// None for the personal context.
    pub role: Option<Role>,
    /// The balance is below the org's low-balance threshold (as last seen).
    pub low_balance: bool,
    /// Changes made offline for this context, not yet applied.
    pub queued: u32,
}

impl TrayContext {
    /// The menu item's text: "Acme — Admin · low balance · 2 queued".
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(role) = self.role {
            parts.push(
                match role {
                    Role::Owner => "Owner",
                    Role::Admin => "Admin",
                    Role::Member => "Member",
                }
                .to_owned(),
            );
        }
        if self.low_balance {
            parts.push("⚠ low balance".to_owned());
        }
        if self.queued > 0 {
            parts.push(format!("{} queued", self.queued));
        }
        if parts.is_empty() {
            self.name.clone()
        } else {
            format!("{} — {}", self.name, parts.join(" · "))
        }
    }
}

/// Builds the tray's list from the local store and the outbox.
pub struct TrayContexts {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
}

impl TrayContexts {
    pub fn new(reads: Arc<Reads>, outbox: Arc<Outbox>) -> Self {
        Self { reads, outbox }
    }

    /// The contexts in switcher order (Personal first); empty when signed out or nothing
    /// has been read yet.
    pub async fn list(&self) -> Vec<TrayContext> {
        let Ok(Some(mut contexts)) = self
            .reads
            .remembered::<Vec<Membership>>(&ReadKey::Orgs)
            .await
        else {
            return Vec::new();
        };
        contexts.sort_by(|a, b| {
            let personal = |m: &Membership| m.org.kind != OrgKind::Personal;
            personal(a)
                .cmp(&personal(b))
                .then_with(|| a.org.name.to_lowercase().cmp(&b.org.name.to_lowercase()))
        });
        let queued = self.queued().await;
        let mut list = Vec::with_capacity(contexts.len());
        for m in contexts {
            let personal = m.org.kind == OrgKind::Personal;
            list.push(TrayContext {
                org_id: m.org.id,
                name: if personal {
                    "Personal".to_owned()
                } else {
                    m.org.name.clone()
                },
                role: (!personal).then_some(m.role),
                low_balance: self.low_balance(m.org.id).await,
                queued: queued.get(&m.org.id).copied().unwrap_or(0),
            });
        }
        list
    }

    async fn queued(&self) -> HashMap<OrgId, u32> {
        let mut counts = HashMap::new();
        for change in self.outbox.changes().await.unwrap_or_default() {
            if change.state == ChangeState::Pending {
                *counts.entry(change.org_id).or_default() += 1;
            }
        }
        counts
    }

    async fn low_balance(&self, org: OrgId) -> bool {
        let key = ReadKey::of(org, OrgRead::Billing);
        matches!(
            self.reads.remembered::<BillingSummary>(&key).await,
            Ok(Some(summary)) if summary.low_balance_alert.is_some()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(role: Option<Role>, low_balance: bool, queued: u32) -> TrayContext {
        TrayContext {
            org_id: OrgId::new(),
            name: "Acme".into(),
            role,
            low_balance,
            queued,
        }
    }

    #[test]
    fn the_text_says_role_low_balance_and_queued_changes() {
        assert_eq!(context(None, false, 0).text(), "Acme");
        assert_eq!(context(Some(Role::Admin), false, 0).text(), "Acme — Admin");
        assert_eq!(
            context(Some(Role::Member), true, 2).text(),
            "Acme — Member · ⚠ low balance · 2 queued"
        );
    }
}
