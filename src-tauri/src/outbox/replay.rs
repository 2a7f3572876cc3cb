//! Submitting changes and replaying the outbox.

use std::sync::Arc;
use std::time::Duration;

use orgdesk_client::{keys, Client, ClientError};
use orgdesk_model::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;

use super::{Change, ChangeProblem, ChangeState, Outcome, QueuedChange};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::LocalStore;

/// After a server error (5xx), the replay waits this long before trying again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

enum Attempt {
    Applied(serde_json::Value),
    /// Not sent: offline, or the server failed; try again later.
    Later,
    /// The server answered no; the change waits for the user.
    Stopped(ChangeState, ChangeProblem),
}

/// A connection that broke before the answer (a pooled connection the network dropped)
/// is tried once more at once: with the idempotency key a second send is always safe.
const QUICK_RETRY: Duration = Duration::from_millis(200);

async fn attempt(client: &Client, change: &Change, key: &str) -> (Attempt, Option<ClientError>) {
    let client = client.idempotent(key);
    let mut sent = change.send(&client).await;
    if matches!(&sent, Err(e) if e.is_connectivity()) {
        tokio::time::sleep(QUICK_RETRY).await;
        sent = change.send(&client).await;
    }
    match sent {
        Ok(value) => (Attempt::Applied(value), None),
        Err(e) if e.is_connectivity() => (Attempt::Later, Some(e)),
        Err(ClientError::Api(api)) => match api.code {
            ErrorCode::Internal | ErrorCode::IdempotencyKeyInFlight | ErrorCode::RateLimited => {
                (Attempt::Later, None)
            }
            ErrorCode::VersionConflict => {
                let theirs = change.current_version(&client).await;
                (
                    Attempt::Stopped(ChangeState::Conflict, ChangeProblem { error: api, theirs }),
                    None,
                )
            }
            _ => (
                Attempt::Stopped(
                    ChangeState::Refused,
                    ChangeProblem {
                        error: api,
                        theirs: None,
                    },
                ),
                None,
            ),
        },
        Err(other) => {
            let error = ApiError::from(other);
            (
                Attempt::Stopped(
                    ChangeState::Refused,
                    ChangeProblem {
                        error,
                        theirs: None,
                    },
                ),
                None,
            )
        }
    }
}

impl AppState {
    async fn outbox_parts(&self) -> Result<(Client, Option<Arc<LocalStore>>), AppError> {
        let session = self.session.read().await;
        let s = session.as_ref().ok_or(AppError::NotSignedIn)?;
        Ok((s.client.clone(), s.store.clone()))
    }

    pub(crate) async fn has_durable_outbox(&self) -> bool {
        matches!(self.outbox_parts().await, Ok((_, Some(_))))
    }

    /// Every change in the outbox, oldest first.
    pub async fn outbox(&self) -> Result<Vec<QueuedChange>, AppError> {
        let Ok((_, Some(store))) = self.outbox_parts().await else {
            return Ok(Vec::new());
        };
        Ok(store
            .changes()?
            .into_iter()
            .filter_map(QueuedChange::from_stored)
            .map(|(q, _)| q)
            .collect())
    }

    pub(crate) async fn outbox_counts(&self) -> (u32, u32) {
        let all = self.outbox().await.unwrap_or_default();
        let attention = all
            .iter()
            .filter(|c| c.state != ChangeState::Pending)
            .count();
        (
            u32::try_from(all.len()).unwrap_or(u32::MAX),
            u32::try_from(attention).unwrap_or(u32::MAX),
        )
    }

    async fn announce_outbox(&self) {
        let (queued, attention) = self.outbox_counts().await;
        if let Some(ui) = self.ui.get() {
            ui.outbox(queued, attention);
        }
    }

    /// Stores `change`, then sends it at once when the server answers and nothing of the
    /// same org waits before it. `key` lets a retried request (the same top-up) be the same
    /// change. A refusal on the first attempt is answered as the error, and the change is
    /// dropped: the user sees it where they made it.
    pub async fn submit<T: DeserializeOwned>(
        &self,
        change: Change,
        key: Option<String>,
    ) -> Result<Outcome<T>, AppError> {
        let (client, store) = self.outbox_parts().await?;
        let key = key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let Some(store) = store else {
            // No local store (no keychain): nothing can wait, so send it now.
            let sent = change.send(&client.idempotent(&key)).await;
            self.observe(&sent);
            return Ok(Outcome::Applied {
                value: decode(sent?)?,
            });
        };
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
            self.changed_outbox().await;
            return self.queued(&store, id);
        }
        let (outcome, error) = attempt(&client, &change, &key).await;
        if error.is_some() {
            self.went_offline();
        }
        match outcome {
            Attempt::Applied(value) => {
                store.remove_change(id)?;
                self.came_online();
                self.mark_org_stale(&change);
                Ok(Outcome::Applied {
                    value: decode(value)?,
                })
            }
            Attempt::Later => {
                self.changed_outbox().await;
                self.queued(&store, id)
            }
            Attempt::Stopped(_, problem) => {
                store.remove_change(id)?;
                Err(AppError::Refused(problem.error))
            }
        }
    }

    fn queued<T>(&self, store: &LocalStore, id: i64) -> Result<Outcome<T>, AppError> {
        let change = store
            .changes()?
            .into_iter()
            .filter_map(QueuedChange::from_stored)
            .map(|(q, _)| q)
            .find(|q| q.id == id)
            .ok_or(AppError::Prefs("the queued change vanished".into()))?;
        Ok(Outcome::Queued {
            change: Box::new(change),
        })
    }

    async fn changed_outbox(&self) {
        self.announce_outbox().await;
        self.announce_connectivity();
        self.outbox_wake();
    }

    /// After a change applied: what was remembered about its org is stale.
    /// What was remembered about the org is now older than the server's: kept for
    /// offline use, but read from the server first while online.
    fn mark_org_stale(&self, change: &Change) {
        let org = change.org_id();
        self.stale.mark(keys::orgs());
        self.stale.mark(keys::org_prefix(org));
        if let Some(ui) = self.ui.get() {
            ui.refreshed(vec![keys::orgs(), format!("{}/", keys::org_prefix(org))]);
        }
    }

    /// Asks the replay to run.
    pub(crate) fn outbox_wake(&self) {
        self.outbox_signal.notify_one();
    }

    /// Sends what waits, org by org in order, until the server stops answering.
    pub async fn replay_outbox(&self) {
        let Ok((client, Some(store))) = self.outbox_parts().await else {
            return;
        };
        let Ok(stored) = store.changes() else { return };
        let mut blocked_orgs = std::collections::HashSet::new();
        for (queued, key) in stored.into_iter().filter_map(QueuedChange::from_stored) {
            if queued.state != ChangeState::Pending || blocked_orgs.contains(&queued.org_id) {
                blocked_orgs.insert(queued.org_id);
                continue;
            }
            let (outcome, error) = attempt(&client, &queued.change, &key).await;
            match outcome {
                Attempt::Applied(_) => {
                    if store.remove_change(queued.id).is_ok() {
                        self.mark_org_stale(&queued.change);
                    }
                    self.came_online();
                }
                Attempt::Later => {
                    if error.is_some() {
                        self.went_offline();
                    } else {
                        let this = self.clone();
                        tauri::async_runtime::spawn(async move {
                            tokio::time::sleep(RETRY_AFTER_FAILURE).await;
                            this.outbox_wake();
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
        self.announce_connectivity();
    }

    /// Drops a change (a refused one, or "take theirs" on a conflict).
    pub async fn discard_change(&self, id: i64) -> Result<(), AppError> {
        let (_, store) = self.outbox_parts().await?;
        if let Some(store) = store {
            let dropped = store
                .changes()?
                .into_iter()
                .filter_map(QueuedChange::from_stored)
                .find(|(q, _)| q.id == id);
            store.remove_change(id)?;
            if let Some((queued, _)) = dropped {
                // What was shown may have included the dropped change: read it again.
                self.mark_org_stale(&queued.change);
            }
        }
        self.changed_outbox().await;
        Ok(())
    }

    /// "Keep mine" on a conflict: the same edit, sent again on top of the version saved
    /// meanwhile, in the same place in the queue and under a new idempotency key.
    pub async fn keep_mine(&self, id: i64) -> Result<(), AppError> {
        let (_, store) = self.outbox_parts().await?;
        let store = store.ok_or(AppError::NotSignedIn)?;
        let (queued, _) = store
            .changes()?
            .into_iter()
            .filter_map(QueuedChange::from_stored)
            .find(|(q, _)| q.id == id)
            .ok_or(AppError::invalid(
                "change",
                "This change is no longer waiting.",
            ))?;
        let version = queued
            .problem
            .as_ref()
            .and_then(|p| p.theirs.as_ref())
            .and_then(|t| t["version"].as_i64())
            .ok_or(AppError::invalid(
                "change",
                "Only a conflicting edit can be kept.",
            ))?;
        let again = queued.change.on_version(version).ok_or(AppError::invalid(
            "change",
            "Only a conflicting edit can be kept.",
        ))?;
        store.replace_change(id, &uuid::Uuid::new_v4().to_string(), &again)?;
        self.changed_outbox().await;
        Ok(())
    }

    /// Runs the replay whenever it is woken, for as long as the app runs.
    pub fn run_outbox(&self) {
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            loop {
                this.outbox_signal.notified().await;
                if this.connectivity.is_online() {
                    this.replay_outbox().await;
                }
            }
        });
    }
}

fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| {
        AppError::Client(ClientError::BadResponse {
            status: 200,
            detail: e.to_string(),
        })
    })
}
