//! Resuming the last session at start: the token from the keychain, checked with the
//! server (`GET /v1/me`), the account's local store opened meanwhile. A built-in server
//! the account lives on starts alongside the keychain read.
//!
//! The app begins it as it launches ([`SessionService::resume_early`]), while WebKit
//! loads and runs the page: the page's first command, [`SessionService::restore`], comes
//! some 300 ms after launch on a 2-core machine, and then finds the answer ready (or waits
//! for the rest of it) instead of starting the keychain, the server round trip and the
//! store only then, one after the other.

use std::sync::Arc;

use orgdesk_model::ErrorCode;

use super::{blocking, SessionService, StartupState};
use crate::host::Spawner;
use crate::prefs::SavedAccount;
use crate::secrets::SecretError;
use crate::session::SessionInfo;
use crate::signed_in::TokenStorage;

impl SessionService {
    /// Begins resuming the saved account in the background, if there is one; the page's
    /// first [`SessionService::restore`] answers with what it found.
    pub fn resume_early(self: &Arc<Self>, spawner: &Arc<dyn Spawner>) -> bool {
        if self.parts.prefs.account().is_none() {
            return false;
        }
        // Locked before the task runs, so that a restore asked meanwhile waits for it.
        let Ok(mut slot) = self.early.clone().try_lock_owned() else {
            return false;
        };
        let service = self.clone();
        spawner.run(async move {
            *slot = Some(service.restore_now().await);
        });
        true
    }

    /// Resumes the last account if its token is still in the keychain and still valid:
    /// what a resume begun at launch found, the first time it is asked.
    pub async fn restore(&self) -> StartupState {
        if let Some(early) = self.early.lock().await.take() {
            return early;
        }
        self.restore_now().await
    }

    async fn restore_now(&self) -> StartupState {
        let hint = self.parts.prefs.sign_in_hint();
        if let Some(session) = self.parts.signed_in.current().await.as_ref() {
            let info = self.session_info(&session.account, &session.token_storage);
            return StartupState {
                session: Some(info),
                hint,
                notice: None,
            };
        }
        let Some(account) = self.parts.prefs.account() else {
            return StartupState {
                session: None,
                hint,
                notice: None,
            };
        };
        match self.resume(account).await {
            Ok(info) => StartupState {
                session: Some(info),
                hint,
                notice: None,
            },
            Err(notice) => StartupState {
                session: None,
                hint,
                notice,
            },
        }
    }

    async fn resume(&self, mut account: SavedAccount) -> Result<SessionInfo, Option<String>> {
        let key = account.keychain_key();
        // The built-in server, when the account lives on it, starts while the keychain is
        // read (both finish: a start is not abandoned halfway).
        let (token, client) = tokio::join!(
            blocking(self.parts.keychain.clone(), move |k| k.get(&key)),
            self.client_for(&account.server)
        );
        let token = match token {
            Ok(Some(token)) => token,
            Ok(None) => return Err(None),
            Err(SecretError::Unavailable(reason)) => {
                return Err(Some(format!(
                    "Your saved sign-in could not be read because {reason}. Sign in again."
                )))
            }
        };
        // Opened while the server is asked (and left unused if the session has ended).
        let opening = self.open_store(&account);
        let client = client.map_err(|e| Some(e.to_string()))?.with_token(token);
        match client.me().await {
            Ok(me) => {
                if me.value != account.me {
                    account.me = me.value;
                    self.parts
                        .prefs
                        .set_account(&account)
                        .map_err(|e| Some(e.to_string()))?;
                }
            }
            Err(e) if e.code() == ErrorCode::Unauthenticated => {
                self.forget_token(&account).await;
                return Err(Some("Your session has ended. Sign in again.".into()));
            }
            // Offline: resume with what we knew; reads will say the server is unreachable.
            Err(e) if e.is_connectivity() => {}
            Err(e) => return Err(Some(e.to_string())),
        }
        let storage = TokenStorage::Keychain;
        let info = self.session_info(&account, &storage);
        self.install_opened(client, account, storage, opening).await;
        Ok(info)
    }
}
