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
use crate::host::BuiltInServer;
use crate::prefs::{SavedAccount, ServerChoice};
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

    /// The account as the server now has it (a verified email, a new name), kept for the
    /// rest of the session if it is still this account's; answers the account it replaced
    /// `me` on.
    pub(crate) async fn set_me(&self, me: Me) -> Option<SavedAccount> {
        let mut session = self.0.write().await;
        let s = session
            .as_mut()
            .filter(|s| s.account.me.user.id == me.user.id)?;
        s.account.me = me;
        Some(s.account.clone())
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

/// A client for `server`, signed in to nothing: the built-in one's carries its secret, no
/// other does.
pub async fn client_for(
    server: &ServerChoice,
    built_in: &dyn BuiltInServer,
) -> Result<Client, AppError> {
    match server {
        ServerChoice::Embedded => {
            let address = built_in.address().await?;
            Ok(Client::new(&address.url)?.with_app_secret(address.secret))
        }
        ServerChoice::Remote { url } => Ok(Client::new(url)?),
    }
}
