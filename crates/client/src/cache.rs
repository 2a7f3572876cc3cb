//! The read-cache seam. Every read of the client goes through [`read_through`]: fetch from
//! the server, remember the answer with its time, and when the server cannot be reached,
//! answer from what was remembered (saying how old it is). Today the store is in memory;
//! the offline store (encrypted, on disk, per account) implements the same trait.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use chrono::{DateTime, SubsecRound, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::keys::ReadKey;
use crate::Result;

/// A value with the time the server gave it, and whether it came from the cache.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached<T> {
    pub value: T,
    pub fetched_at: DateTime<Utc>,
    pub from_cache: bool,
}

/// Where reads are remembered, by [`ReadKey`]. Keys are per session: each signed-in account
/// has its own cache.
pub trait ReadCache: Send + Sync {
    fn load(&self, key: &ReadKey) -> Option<(serde_json::Value, DateTime<Utc>)>;
    fn store(&self, key: &ReadKey, value: serde_json::Value, fetched_at: DateTime<Utc>);
    /// Forgets one key, e.g. after the resource was deleted.
    fn forget(&self, key: &ReadKey);
}

/// A cache that lives as long as the session.
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: Mutex<HashMap<String, (serde_json::Value, DateTime<Utc>)>>,
}

impl ReadCache for MemoryCache {
    fn load(&self, key: &ReadKey) -> Option<(serde_json::Value, DateTime<Utc>)> {
        self.entries.lock().ok()?.get(&key.storage_key()).cloned()
    }

    fn store(&self, key: &ReadKey, value: serde_json::Value, fetched_at: DateTime<Utc>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key.storage_key(), (value, fetched_at));
        }
    }

    fn forget(&self, key: &ReadKey) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&key.storage_key());
        }
    }
}

/// Fetches and remembers; on a connectivity failure answers from the cache if it can.
pub async fn read_through<T, F>(cache: &dyn ReadCache, key: ReadKey, fetch: F) -> Result<Cached<T>>
where
    T: Serialize + DeserializeOwned,
    F: Future<Output = Result<T>>,
{
    match fetch.await {
        Ok(value) => {
            // Milliseconds, as stores keep them: the same answer says the same time later.
            let fetched_at = Utc::now().trunc_subsecs(3);
            match serde_json::to_value(&value) {
                Ok(json) => cache.store(&key, json, fetched_at),
                Err(e) => tracing::warn!(key = %key, error = %e, "not cached"),
            }
            Ok(Cached {
                value,
                fetched_at,
                from_cache: false,
            })
        }
        Err(err) if err.is_connectivity() => match cache.load(&key) {
            Some((json, fetched_at)) => match serde_json::from_value(json) {
                Ok(value) => Ok(Cached {
                    value,
                    fetched_at,
                    from_cache: true,
                }),
                Err(_) => {
                    cache.forget(&key);
                    Err(err)
                }
            },
            None => Err(err),
        },
        Err(err) => Err(err),
    }
}

/// Keeps the cache honest after a write: the new value replaces what was remembered.
pub(crate) fn remember<T: Serialize>(cache: &dyn ReadCache, key: ReadKey, value: &T) {
    if let Ok(json) = serde_json::to_value(value) {
        cache.store(&key, json, Utc::now());
    }
}
