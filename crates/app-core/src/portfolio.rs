//! The portfolio page: every org of the account at a glance. The server's figures are read
//! stale-while-revalidate like any page (so the last answer shows offline, with its "as
//! of"); this computer adds what only it knows: the changes queued in the outbox for each
//! org, and when the account last opened each org here.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use orgdesk_client::{Client, ReadKey};
use orgdesk_model::portfolio::PortfolioOrg;
use orgdesk_model::OrgId;
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::outbox::Outbox;
use crate::prefs::Prefs;
use crate::reads::{Fresh, Reads};
use crate::signed_in::SignedIn;

/// One row of the portfolio: the server's figures and this computer's.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PortfolioRow {
    /// The org, my role there and the figures my role may see.
    pub org: PortfolioOrg,
    /// Changes to this org waiting in the outbox (sent when the server answers again, or
    /// waiting for a decision).
    pub queued_changes: u32,
    /// When the account last opened this org on this computer.
    pub last_visited: Option<DateTime<Utc>>,
}

pub struct Portfolio {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
    signed_in: Arc<SignedIn>,
    prefs: Prefs,
}

impl Portfolio {
    pub fn new(
        reads: Arc<Reads>,
        outbox: Arc<Outbox>,
        signed_in: Arc<SignedIn>,
        prefs: Prefs,
    ) -> Self {
        Self {
            reads,
            outbox,
            signed_in,
            prefs,
        }
    }

    /// Every org of the account, personal context first: from the local store at once
    /// when seen before (refreshed in the background), with the queued changes and last
    /// visits of this computer. Offline and never seen: `OfflineUnseen`.
    pub async fn rows(&self) -> Result<Fresh<Vec<PortfolioRow>>, AppError> {
        let read = |c: Client| async move { c.portfolio().await };
        let portfolio = self.reads.read(ReadKey::Portfolio, read).await?;
        let mut queued: HashMap<OrgId, u32> = HashMap::new();
        for change in self.outbox.changes().await? {
            *queued.entry(change.org_id).or_default() += 1;
        }
        let visits = self.prefs.visits(self.signed_in.user().await?);
        let rows = portfolio
            .value
            .orgs
            .into_iter()
            .map(|org| {
                let id = org.membership.org.id;
                PortfolioRow {
                    queued_changes: queued.get(&id).copied().unwrap_or(0),
                    last_visited: visits.get(&id).copied(),
                    org,
                }
            })
            .collect();
        Ok(Fresh {
            value: rows,
            as_of: portfolio.as_of,
            from_cache: portfolio.from_cache,
        })
    }
}
