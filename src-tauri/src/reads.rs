//! Reads are stale-while-revalidate: a read answers at once from the local store (saying
//! how old the answer is), refreshes in the background, and tells the UI through
//! `DataRefreshed` when the server said something new. Switching context never waits on
//! the network; only a page never seen before does (and fails at once when offline).

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orgdesk_client::{CacheKey, Cached, Client, ClientError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::state::AppState;

/// An answer only this fresh is not refreshed again in the background.
const FRESH_ENOUGH: Duration = Duration::from_secs(3);

/// A read's answer and how old it is.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Fresh<T> {
    pub value: T,
    /// When the server gave this answer.
    pub as_of: DateTime<Utc>,
    /// True when it came from the local store (a refresh may follow).
    pub from_cache: bool,
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
        if let Some((json, as_of)) = client.cache().load(&CacheKey::new(&key)) {
            if let Ok(value) = serde_json::from_value::<T>(json.clone()) {
                let age = (Utc::now() - as_of).to_std().unwrap_or_default();
                if age > FRESH_ENOUGH && self.connectivity.is_online() {
                    self.refresh(key, json, client, fetch);
                }
                return Ok(Fresh {
                    value,
                    as_of,
                    from_cache: true,
                });
            }
        }
        if !self.connectivity.is_online() {
            return Err(AppError::OfflineUnseen);
        }
        let result = fetch(client).await;
        self.observe(&result);
        let cached = result?;
        Ok(Fresh {
            value: cached.value,
            as_of: cached.fetched_at,
            from_cache: cached.from_cache,
        })
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
}
