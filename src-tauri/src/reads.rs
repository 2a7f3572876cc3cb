//! Reads are stale-while-revalidate: a read answers at once from the local store (saying
//! how old the answer is), refreshes in the background, and tells the UI through
//! `DataRefreshed` when the server said something new. Switching context never waits on
//! the network; only a page never seen before does (and fails at once when offline).
//!
//! After a change is applied, what was remembered about its org is kept (it is all there
//! is offline) but marked stale: while online, the next read of it asks the server first.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orgdesk_client::{keys, CacheKey, Cached, Client, ClientError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::state::AppState;

/// An answer only this fresh is not refreshed again in the background: the UI's re-read
/// right after a refresh (or a burst of reads of one key) costs no second request.
const FRESH_ENOUGH: Duration = Duration::from_millis(500);

/// A read's answer and how old it is.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Fresh<T> {
    pub value: T,
    /// When the server gave this answer.
    pub as_of: DateTime<Utc>,
    /// True when it came from the local store (a refresh may follow).
    pub from_cache: bool,
}

impl<T> From<Cached<T>> for Fresh<T> {
    fn from(c: Cached<T>) -> Self {
        Self {
            value: c.value,
            as_of: c.fetched_at,
            from_cache: c.from_cache,
        }
    }
}

/// Key prefixes and when what is remembered under them went stale.
#[derive(Debug, Default)]
pub struct Staleness(Mutex<HashMap<String, DateTime<Utc>>>);

impl Staleness {
    pub(crate) fn mark(&self, prefix: String) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(prefix, Utc::now());
        }
    }

    /// Whether an answer for `key` fetched at `as_of` predates a change.
    fn outdated(&self, key: &str, as_of: DateTime<Utc>) -> bool {
        let Ok(map) = self.0.lock() else { return false };
        map.iter()
            .any(|(prefix, since)| key.starts_with(prefix.as_str()) && as_of <= *since)
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

impl AppState {
    /// Answers `key` from the store if it can (refreshing in the background), else fetches.
    /// `fetch` must go through the client's cache under the same key.
    pub(crate) async fn read<T, F, Fut>(&self, key: String, fetch: F) -> Result<Fresh<T>, AppError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Cached<T>, ClientError>> + Send + 'static,
    {
        let client = self.client().await?;
        let online = self.connectivity.is_online();
        if let Some((json, as_of)) = client.cache().load(&CacheKey::new(&key)) {
            let outdated = online && self.stale.outdated(&key, as_of);
            if let (false, Ok(value)) = (outdated, serde_json::from_value::<T>(json.clone())) {
                let age = (Utc::now() - as_of).to_std().unwrap_or_default();
                if age > FRESH_ENOUGH && online {
                    self.refresh(key, json, client, fetch);
                }
                return Ok(Fresh {
                    value,
                    as_of,
                    from_cache: true,
                });
            }
        } else if !online {
            return Err(AppError::OfflineUnseen);
        } else {
            tracing::debug!(key = %key, "not in the local store: asking the server");
        }
        // Never seen, or changed since: ask the server (the client falls back to the
        // store when it does not answer).
        let result = fetch(client).await;
        match &result {
            Ok(cached) if cached.from_cache => self.went_offline(),
            _ => self.observe(&result),
        }
        Ok(result?.into())
    }

    fn refresh<T, F, Fut>(&self, key: String, before: serde_json::Value, client: Client, fetch: F)
    where
        T: Serialize + Send + 'static,
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Cached<T>, ClientError>> + Send + 'static,
    {
        let Some(this) = self.handle() else { return };
        tauri::async_runtime::spawn(async move {
            let result = fetch(client).await;
            match &result {
                // The client fell back to the store: the server did not answer.
                Ok(cached) if cached.from_cache => this.went_offline(),
                Ok(cached) => {
                    this.came_online();
                    let changed = serde_json::to_value(&cached.value).ok() != Some(before);
                    if changed {
                        if let Some(ui) = this.ui.get() {
                            ui.refreshed(vec![key]);
                        }
                    }
                }
                Err(_) => this.observe(&result),
            }
        });
    }

    /// Runs a request that needs the server now (never queued): offline it fails at once
    /// with a message naming `what`, never a spinner. Once it succeeded, what was
    /// remembered is read from the server first.
    pub(crate) async fn online<T, F, Fut>(&self, what: &'static str, call: F) -> Result<T, AppError>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        if !self.connectivity.is_online() {
            return Err(AppError::NeedsServer(what));
        }
        let client = self.client().await?;
        let result = call(client).await;
        self.observe(&result);
        match result {
            Err(e) if e.is_connectivity() => Err(AppError::NeedsServer(what)),
            Err(e) => Err(e.into()),
            Ok(value) => {
                // Who belongs where, and what an org holds, may have changed anywhere:
                // every remembered read is asked of the server again before it is shown.
                self.stale.mark(String::new());
                if let Some(ui) = self.ui.get() {
                    ui.refreshed(vec![keys::orgs(), keys::my_invitations()]);
                }
                Ok(value)
            }
        }
    }
}
