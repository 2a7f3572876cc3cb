//! Reads are stale-while-revalidate: a read answers at once from the local store (saying
//! how old the answer is), refreshes in the background, and tells the UI through
//! `DataRefreshed` when the server said something new. Switching context never waits on
//! the network; only a page never seen before does (and fails at once when offline).
//!
//! After a change is applied, what was remembered about its org is kept (it is all there
//! is offline) but marked stale (see `staleness`): while online, the next read of it asks
//! the server first.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orgdesk_client::{Cached, Client, ClientError, ReadKey, ReadScope};
use orgdesk_model::ErrorCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use specta::Type;

use crate::connectivity::Connectivity;
use crate::error::AppError;
use crate::host::{Spawner, UiEvents};
use crate::signed_in::SignedIn;
use crate::staleness::Staleness;

/// An answer only this fresh is not refreshed again in the background: the UI's re-read
/// right after a refresh (or a burst of reads of one key) costs no second request.
const FRESH_ENOUGH: Duration = Duration::from_millis(500);

/// An answer from the store older than this is shown with its age ("As of …") while
/// online. The UI reads it as `STALE_AFTER_MS`; a background refresh that confirms such an
/// answer unchanged still tells the UI, so the page re-reads and drops the mark.
pub const SHOWN_AS_STALE_AFTER: Duration = Duration::from_secs(60);

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

/// Reads stale-while-revalidate, and requests that need the server now.
pub struct Reads {
    signed_in: Arc<SignedIn>,
    connectivity: Arc<Connectivity>,
    stale: Arc<Staleness>,
    ui: Arc<dyn UiEvents>,
    spawner: Arc<dyn Spawner>,
}

impl Reads {
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
        }
    }

    /// Answers `key` from the store if it can (refreshing in the background), else fetches.
    /// `fetch` must go through the client's cache under the same key.
    pub async fn read<T, F, Fut>(&self, key: ReadKey, fetch: F) -> Result<Fresh<T>, AppError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Cached<T>, ClientError>> + Send + 'static,
    {
        let client = self.signed_in.client().await?;
        let online = self.connectivity.is_online();
        if let Some((json, as_of)) = client.cache().load(&key) {
            let outdated = online && self.stale.outdated(&key, as_of);
            if let (false, Ok(value)) = (outdated, serde_json::from_value::<T>(json.clone())) {
                let age = (Utc::now() - as_of).to_std().unwrap_or_default();
                if age > FRESH_ENOUGH && online {
                    let shown_as_stale = age > SHOWN_AS_STALE_AFTER;
                    self.refresh(key, json, shown_as_stale, client, fetch);
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
            Ok(cached) if cached.from_cache => self.connectivity.went_offline(),
            _ => self.connectivity.observe(&result),
        }
        Ok(result?.into())
    }

    /// Asks the server in the background; the UI hears of it when the answer changed, or
    /// when the page was shown the old one as stale (its "as of" must go).
    fn refresh<T, F, Fut>(
        &self,
        key: ReadKey,
        before: serde_json::Value,
        shown_as_stale: bool,
        client: Client,
        fetch: F,
    ) where
        T: Serialize + Send + 'static,
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Cached<T>, ClientError>> + Send + 'static,
    {
        let (connectivity, ui) = (self.connectivity.clone(), self.ui.clone());
        let stale = self.stale.clone();
        self.spawner.run(async move {
            let result = fetch(client).await;
            match &result {
                // The client fell back to the store: the server did not answer.
                Ok(cached) if cached.from_cache => connectivity.went_offline(),
                Ok(cached) => {
                    connectivity.came_online();
                    let changed = serde_json::to_value(&cached.value).ok() != Some(before);
                    if changed || shown_as_stale {
                        ui.refreshed(vec![key.scope()]);
                    }
                }
                // The org now requires two-factor sign-in: what was remembered must not
                // be shown again; the page reads anew and meets the refusal.
                Err(e) if e.code() == ErrorCode::MfaRequiredByOrg => {
                    stale.mark(key.scope());
                    ui.refreshed(vec![key.scope()]);
                }
                Err(_) => connectivity.observe(&result),
            }
        });
    }

    /// What the store remembers under `key`, without asking the server (offline lookups).
    pub async fn remembered<T: DeserializeOwned>(
        &self,
        key: &ReadKey,
    ) -> Result<Option<T>, AppError> {
        let client = self.signed_in.client().await?;
        Ok(client
            .cache()
            .load(key)
            .and_then(|(json, _)| serde_json::from_value(json).ok()))
    }

    /// Something changed on the server outside a read or a change of the outbox (a card
    /// payment went through, a card was saved): what was remembered under `scopes` is read
    /// from the server first, and pages showing it read again.
    pub fn changed(&self, scopes: Vec<ReadScope>) {
        for scope in &scopes {
            self.stale.mark(scope.clone());
        }
        self.ui.refreshed(scopes);
    }

    pub fn is_online(&self) -> bool {
        self.connectivity.is_online()
    }

    /// Asks the server now, and only it: nothing is remembered or marked stale (the
    /// account's own security state and an org's security settings, shown only as they
    /// are now). Offline it fails at once
    /// with a message naming `what`.
    pub async fn live<T, F, Fut>(&self, what: &'static str, call: F) -> Result<T, AppError>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        if !self.connectivity.is_online() {
            return Err(AppError::NeedsServer(what));
        }
        let client = self.signed_in.client().await?;
        let result = call(client).await;
        self.connectivity.observe(&result);
        match result {
            Err(e) if e.is_connectivity() => Err(AppError::NeedsServer(what)),
            Err(e) => Err(e.into()),
            Ok(value) => Ok(value),
        }
    }

    /// Runs a request that needs the server now (never queued): offline it fails at once
    /// with a message naming `what`, never a spinner. Once it succeeded, what was
    /// remembered is read from the server first.
    pub async fn online<T, F, Fut>(&self, what: &'static str, call: F) -> Result<T, AppError>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let value = self.live(what, call).await?;
        // Who belongs where, and what an org holds, may have changed anywhere: every
        // remembered read is asked of the server again before it is shown.
        self.stale.mark(ReadScope::All);
        self.ui
            .refreshed(vec![ReadScope::Orgs, ReadScope::MyInvitations]);
        Ok(value)
    }
}
