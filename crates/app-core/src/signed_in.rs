//! The signed-in session: its client (whose reads go through the account's local store), the
//! account, where its token is kept, and the store. Services that talk to the server or the
//! store ask here; only `session` signs in and out.

use std::sync::Arc;

use orgdesk_client::Client;
use orgdesk_model::auth::Me;
use orgdesk_model::UserId;
use serde::Serialize;
use specta::Type;
use tokio::sync::{RwLock, RwLockReadGuard};

use crate::error::AppError;
use crate::prefs::SavedAccount;
use crate::store::LocalStore;

pub struct Session {
    /// Reads go through the account's local store (or memory, without one).
    pub client: Client,
    pub account: SavedAccount,
    pub token_storage: TokenStorage,
    /// The account's encrypted local store; `None` when no keychain holds its key.
    pub store: Option<Arc<LocalStore>>,
}

/// Where this session's token is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenStorage {
    Keychain,
    /// Not saved anywhere: the next start asks to sign in again.
    MemoryOnly {
        reason: String,
    },
}

/// The current session, if any.
#[derive(Default)]
pub struct SignedIn(RwLock<Option<Session>>);

impl SignedIn {
    pub async fn current(&self) -> RwLockReadGuard<'_, Option<Session>> {
        self.0.read().await
    }

    /// The signed-in client, or `NotSignedIn`.
    pub async fn client(&self) -> Result<Client, AppError> {
        let session = self.0.read().await;
        session
            .as_ref()
            .map(|s| s.client.clone())
            .ok_or(AppError::NotSignedIn)
    }

    /// The client and, when there is one, the account's local store.
    pub async fn client_and_store(&self) -> Result<(Client, Option<Arc<LocalStore>>), AppError> {
        let session = self.0.read().await;
        let s = session.as_ref().ok_or(AppError::NotSignedIn)?;
        Ok((s.client.clone(), s.store.clone()))
    }

    pub async fn store(&self) -> Option<Arc<LocalStore>> {
        let session = self.0.read().await;
        session.as_ref().and_then(|s| s.store.clone())
    }

    pub async fn user(&self) -> Result<UserId, AppError> {
        let session = self.0.read().await;
        let s = session.as_ref().ok_or(AppError::NotSignedIn)?;
        Ok(s.account.me.user.id)
    }

    /// The account changed on the server (its name): the session shows it as it is now.
    pub(crate) async fn set_me(&self, me: Me) {
        if let Some(session) = self.0.write().await.as_mut() {
            if session.account.me.user.id == me.user.id {
                session.account.me = me;
            }
        }
    }

    /// Makes `session` the current one.
    pub(crate) async fn begin(&self, session: Session) {
        *self.0.write().await = Some(session);
    }

    /// Ends the current session, answering it.
    pub(crate) async fn end(&self) -> Option<Session> {
        self.0.write().await.take()
    }
}
