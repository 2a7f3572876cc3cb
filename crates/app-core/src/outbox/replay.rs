//! The outbox service: submitting changes, replaying what waits, and what the user decides
//! about a conflict or a refusal.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use orgdesk_client::ReadScope;
use orgdesk_model::OrgId;
use tokio::sync::Notify;

use super::attempt::{attempt, Attempt};
use super::change::Change;
use super::edit::Edit;
use super::queue::{ChangeState, Outcome, QueuedChange};
use crate::connectivity::Connectivity;
use crate::error::AppError;
use crate::host::{ConnectivityStatus, Spawner, UiEvents};
use crate::signed_in::SignedIn;
use crate::staleness::Staleness;
use crate::store::LocalStore;

/// After a server error (5xx), the replay waits this long before trying again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

pub struct Outbox {
    signed_in: Arc<SignedIn>,
    connectivity: Arc<Connectivity>,
    stale: Arc<Staleness>,
    ui: Arc<dyn UiEvents>,
    spawner: Arc<dyn Spawner>,
    /// Wakes the replay.
    signal: Notify,
}

impl Outbox {
    pub fn new(
        signed_in: Arc<SignedIn>,
        connectivity: Arc<Connectivity>,
        stale: Arc<Staleness>,
        ui: Arc<dyn UiEvents>,
        spawner: Arc<dyn Spawner>,
    ) -> Self {
        Self {
            signed_in,
            connectivity,
            stale,
            ui,
            spawner,
            signal: Notify::new(),
        }
    }

    /// Every change in the outbox, oldest first.
    pub async fn changes(&self) -> Result<Vec<QueuedChange>, AppError> {
        let Some(store) = self.signed_in.store().await else {
            return Ok(Vec::new());
        };
        Ok(store
            .changes()?
            .into_iter()
            .filter_map(QueuedChange::from_stored)
            .map(|(q, _)| q)
            .collect())
    }

    async fn counts(&self) -> (u32, u32) {
        let all = self.changes().await.unwrap_or_default();
        let attention = all
            .iter()
            .filter(|c| c.state != ChangeState::Pending)
            .count();
        (
            u32::try_from(all.len()).unwrap_or(u32::MAX),
            u32::try_from(attention).unwrap_or(u32::MAX),
        )
    }

    /// What the offline banner shows: connectivity, and what waits here.
    pub async fn status(&self) -> ConnectivityStatus {
        let (queued, attention) = self.counts().await;
        ConnectivityStatus {
            online: self.connectivity.is_online(),
            since: self.connectivity.since(),
            queued,
            attention,
            durable: self.signed_in.store().await.is_some(),
        }
    }

    /// Tells the UI the status, in the background.
    pub fn announce_status(self: &Arc<Self>) {
        let this = self.clone();
        self.spawner.run(async move {
            let status = this.status().await;
            this.ui.connectivity(&status);
        });
    }

    async fn announce_outbox(&self) {
        let (queued, attention) = self.counts().await;
        self.ui.outbox(queued, attention);
    }

    /// Stores the change, then sends it at once when the server answers and nothing of the
    /// same org waits before it. `key` lets a retried request (the same top-up) be the same
    /// change. A refusal on the first attempt is answered as the error, and the change is
    /// dropped: the user sees it where they made it.
    pub async fn submit<E>(
        self: &Arc<Self>,
        edit: E,
        key: Option<String>,
    ) -> Result<Outcome<E::Output>, AppError>
    where
        E: Edit,
        Change: From<E>,
    {
        let (client, store) = self.signed_in.client_and_store().await?;
        let key = key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let Some(store) = store else {
            // No local store (no keychain): nothing can wait, so send it now.
            let sent = edit.send(&client.idempotent(&key)).await;
            self.connectivity.observe(&sent);
            return Ok(Outcome::Applied { value: sent? });
        };
        let change = Change::from(edit.clone());
        let existing = store
            .changes()?
            .into_iter()
            .filter_map(QueuedChange::from_stored);
        let mut waiting_before = false;
        for (queued, queued_key) in existing {
            if queued_key == key {
                return Ok(Outcome::Queued {
                    change: Box::new(queued),
                });
            }
            waiting_before |= queued.org_id == change.org_id();
        }
        let id = store.push_change(&change.org_id().to_string(), &key, &change)?;
        if waiting_before || !self.connectivity.is_online() {
            self.changed().await;
            return queued(&store, id);
        }
        let edit = &edit;
        let send = |c| async move { edit.send(&c).await };
        let (outcome, error) = attempt(&client, &change, &key, send).await;
        if error.is_some() {
            self.connectivity.went_offline();
        }
        match outcome {
            Attempt::Applied(value) => {
                store.remove_change(id)?;
                self.connectivity.came_online();
                self.mark_org_stale(change.org_id());
                Ok(Outcome::Applied { value })
            }
            Attempt::Later => {
                self.changed().await;
                queued(&store, id)
            }
            Attempt::Stopped(_, problem) => {
                store.remove_change(id)?;
                Err(AppError::Refused(problem.error))
            }
        }
    }

    async fn changed(self: &Arc<Self>) {
        self.announce_outbox().await;
        self.announce_status();
        self.wake();
    }

    /// After a change applied (or dropped): what was remembered about its org is older than
    /// the server's. Kept for offline use, but read from the server first while online.
    fn mark_org_stale(&self, org_id: OrgId) {
        let scopes = [ReadScope::Orgs, ReadScope::Org { org_id }];
        for scope in &scopes {
            self.stale.mark(scope.clone());
        }
        self.ui.refreshed(scopes.to_vec());
    }

    /// Asks the replay to run.
    pub fn wake(&self) {
        self.signal.notify_one();
    }

    /// Sends what waits, org by org in order, until the server stops answering.
    pub async fn replay(self: &Arc<Self>) {
        let Ok((client, Some(store))) = self.signed_in.client_and_store().await else {
            return;
        };
        let Ok(stored) = store.changes() else { return };
        let mut blocked_orgs = HashSet::new();
        for (queued, key) in stored.into_iter().filter_map(QueuedChange::from_stored) {
            if queued.state != ChangeState::Pending || blocked_orgs.contains(&queued.org_id) {
                blocked_orgs.insert(queued.org_id);
                continue;
            }
            let change = &queued.change;
            let send = |c| async move { change.send(&c).await };
            let (outcome, error) = attempt(&client, change, &key, send).await;
            match outcome {
                Attempt::Applied(()) => {
                    if store.remove_change(queued.id).is_ok() {
                        self.mark_org_stale(queued.org_id);
                    }
                    self.connectivity.came_online();
                }
                Attempt::Later => {
                    if error.is_some() {
                        self.connectivity.went_offline();
                    } else {
                        let this = self.clone();
                        self.spawner.run(async move {
                            tokio::time::sleep(RETRY_AFTER_FAILURE).await;
                            this.wake();
                        });
                    }
                    break;
                }
                Attempt::Stopped(state, problem) => {
                    if let Err(e) = store.mark_change(queued.id, state.as_str(), Some(&problem)) {
                        tracing::warn!(error = %e, "an outbox outcome could not be saved");
                    }
                    blocked_orgs.insert(queued.org_id);
                }
            }
            self.announce_outbox().await;
        }
        self.announce_outbox().await;
        self.announce_status();
    }

    /// Drops a change (a refused one, or "take theirs" on a conflict).
    pub async fn discard(self: &Arc<Self>, id: i64) -> Result<(), AppError> {
        if let Some(store) = self.signed_in.client_and_store().await?.1 {
            let dropped = find(&store, id)?;
            store.remove_change(id)?;
            if let Some(queued) = dropped {
                // What was shown may have included the dropped change: read it again.
                self.mark_org_stale(queued.org_id);
            }
        }
        self.changed().await;
        Ok(())
    }

    /// "Keep mine" on a conflict: the same edit, sent again on top of the version saved
    /// meanwhile, in the same place in the queue and under a new idempotency key.
    pub async fn keep_mine(self: &Arc<Self>, id: i64) -> Result<(), AppError> {
        let store = self.signed_in.store().await;
        let store = store.ok_or(AppError::NotSignedIn)?;
        let only_conflicts = || AppError::invalid("change", "Only a conflicting edit can be kept.");
        let queued = find(&store, id)?.ok_or(AppError::invalid(
            "change",
            "This change is no longer waiting.",
        ))?;
        let version = queued
            .problem
            .as_ref()
            .and_then(|p| p.theirs.as_ref())
            .and_then(|t| t["version"].as_i64())
            .ok_or_else(only_conflicts)?;
        let again = queued
            .change
            .on_version(version)
            .ok_or_else(only_conflicts)?;
        store.replace_change(id, &uuid::Uuid::new_v4().to_string(), &again)?;
        self.changed().await;
        Ok(())
    }

    /// Runs the replay whenever it is woken or the server answers again, and tells the UI
    /// of every change of connectivity, for as long as the app runs.
    pub fn run(self: &Arc<Self>) {
        let this = self.clone();
        let mut online = self.connectivity.subscribe();
        self.spawner.run(async move {
            loop {
                tokio::select! {
                    () = this.signal.notified() => {}
                    changed = online.changed() => if changed.is_err() { break },
                }
                if this.connectivity.is_online() {
                    this.replay().await;
                }
            }
        });
        let this = self.clone();
        let mut changes = self.connectivity.subscribe();
        self.spawner.run(async move {
            while changes.changed().await.is_ok() {
                let status = this.status().await;
                this.ui.connectivity(&status);
            }
        });
    }
}

fn find(store: &LocalStore, id: i64) -> Result<Option<QueuedChange>, AppError> {
    Ok(store
        .changes()?
        .into_iter()
        .filter_map(QueuedChange::from_stored)
        .map(|(q, _)| q)
        .find(|q| q.id == id))
}

/// The answer for a change that waits.
fn queued<T>(store: &LocalStore, id: i64) -> Result<Outcome<T>, AppError> {
    let change = find(store, id)?.ok_or(AppError::QueuedChangeMissing(id))?;
    Ok(Outcome::Queued {
        change: Box::new(change),
    })
}
