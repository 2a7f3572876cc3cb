//! Signing up, in and out, and resuming the last session at start ([`resume`]).

mod resume;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use orgdesk_client::{Client, LoginStep};
use orgdesk_model::auth::{LoginRequest, Me, SessionGrant, SignupRequest};
use orgdesk_model::two_factor::LoginTwoFactorRequest;
use orgdesk_model::{ApiError, ErrorCode, TwoFactorChallenge};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::AppError;
use crate::host::BuiltInServer;
use crate::logo::Logos;
use crate::navigation::Location;
use crate::outbox::Outbox;
use crate::prefs::{Prefs, SavedAccount, ServerChoice, SignInHint};
use crate::secrets::{MemorySecrets, SecretError, SecretStore};
use crate::signed_in::{self, Session, SignedIn, TokenStorage};
use crate::staleness::Staleness;
use crate::store::LocalStore;

#[derive(Debug, Clone, Serialize, Type)]
pub struct SessionInfo {
    pub me: Me,
    pub server: ServerChoice,
    pub token_storage: TokenStorage,
    /// Where this account was last, to reopen there.
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct StartupState {
    pub session: Option<SessionInfo>,
    pub hint: SignInHint,
    /// Something the user should know about the resume, e.g. a keychain that was locked.
    pub notice: Option<String>,
}

#[derive(Clone, Deserialize, Type)]
pub struct SignUpInput {
    pub server_url: Option<String>,
    pub email: String,
    pub password: String,
    pub display_name: String,
}

#[derive(Clone, Deserialize, Type)]
pub struct SignInInput {
    pub server_url: Option<String>,
    pub email: String,
    pub password: String,
}

/// What signing in with email and password led to.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignInOutcome {
    SignedIn {
        session: SessionInfo,
    },
    /// The account signs in with two-factor: ask for a code
    /// ([`SessionService::sign_in_two_factor`]) before `expires_at`.
    TwoFactor {
        email: String,
        expires_at: DateTime<Utc>,
    },
}

/// The second step of a sign-in: a code from the authenticator app, or a recovery code.
#[derive(Clone, Deserialize, Type)]
pub struct TwoFactorInput {
    pub code: Option<String>,
    pub recovery_code: Option<String>,
}

/// A sign-in waiting for its second step. The challenge stays here, never in the webview.
struct PendingTwoFactor {
    server: ServerChoice,
    client: Client,
    challenge: TwoFactorChallenge,
}

/// A local store being opened on a blocking thread.
type Opening = tokio::task::JoinHandle<Result<LocalStore, crate::store::StoreError>>;

async fn blocking<T: Send + 'static>(
    store: Arc<dyn SecretStore>,
    f: impl FnOnce(&dyn SecretStore) -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .unwrap_or_else(|e| Err(SecretError::Unavailable(e.to_string())))
}

/// What the session service works with.
pub struct SessionParts {
    pub data_dir: PathBuf,
    /// The OS keychain (or, in tests, whatever store was given).
    pub keychain: Arc<dyn SecretStore>,
    pub prefs: Prefs,
    pub server: Arc<dyn BuiltInServer>,
    pub signed_in: Arc<SignedIn>,
    /// Woken when a session begins, so what waits is sent.
    pub outbox: Arc<Outbox>,
    /// Forgotten when the account changes.
    pub logos: Arc<Logos>,
    pub stale: Arc<Staleness>,
}

/// Signs up, in and out, resumes the last session, and remembers where the account was.
pub struct SessionService {
    parts: SessionParts,
    /// Where tokens go when the keychain cannot be used: gone when the app quits.
    fallback: MemorySecrets,
    two_factor: tokio::sync::Mutex<Option<PendingTwoFactor>>,
    /// The answer of a resume begun as the app started ([`SessionService::resume_early`]),
    /// kept for the page's first [`SessionService::restore`]; locked while it runs.
    early: Arc<tokio::sync::Mutex<Option<StartupState>>>,
}

impl SessionService {
    pub fn new(parts: SessionParts) -> Self {
        Self {
            parts,
            fallback: MemorySecrets::default(),
            two_factor: tokio::sync::Mutex::default(),
            early: Arc::default(),
        }
    }

    /// A client for `server`: the built-in one's carries its secret, no other does.
    pub(crate) async fn client_for(&self, server: &ServerChoice) -> Result<Client, AppError> {
        signed_in::client_for(server, self.parts.server.as_ref()).await
    }

    pub async fn sign_up(&self, input: SignUpInput) -> Result<SessionInfo, AppError> {
        let server = ServerChoice::from_input(input.server_url.as_deref())?;
        let client = self.client_for(&server).await?;
        let request = SignupRequest {
            email: input.email,
            password: input.password,
            display_name: input.display_name,
        };
        let grant = client.signup(&request).await?;
        self.begin(server, client, grant).await
    }

    /// Signs in with email and password; an account with two-factor on answers the code
    /// step instead, and the sign-in waits here for it.
    pub async fn sign_in(&self, input: SignInInput) -> Result<SignInOutcome, AppError> {
        let server = ServerChoice::from_input(input.server_url.as_deref())?;
        let client = self.client_for(&server).await?;
        let request = LoginRequest {
            email: input.email,
            password: input.password,
        };
        let mut pending = self.two_factor.lock().await;
        *pending = None;
        match client.login_step(&request).await? {
            LoginStep::SignedIn(grant) => {
                drop(pending);
                let session = self.begin(server, client, grant).await?;
                Ok(SignInOutcome::SignedIn { session })
            }
            LoginStep::TwoFactor(challenge) => {
                let expires_at = challenge.expires_at;
                *pending = Some(PendingTwoFactor {
                    server,
                    client,
                    challenge,
                });
                Ok(SignInOutcome::TwoFactor {
                    email: request.email,
                    expires_at,
                })
            }
        }
    }

    /// Finishes a sign-in waiting for its second step. A wrong code may be tried again;
    /// an expired sign-in (`mfa_challenge_expired`) must start over with the password.
    pub async fn sign_in_two_factor(&self, input: TwoFactorInput) -> Result<SessionInfo, AppError> {
        let mut pending = self.two_factor.lock().await;
        let Some(waiting) = pending.as_ref() else {
            return Err(AppError::Refused(ApiError::new(
                ErrorCode::MfaChallengeExpired,
                "This sign-in is no longer waiting for a code. Sign in again.",
            )));
        };
        let request = LoginTwoFactorRequest {
            challenge: waiting.challenge.challenge.clone(),
            code: input.code.filter(|c| !c.trim().is_empty()),
            recovery_code: input.recovery_code.filter(|c| !c.trim().is_empty()),
        };
        match waiting.client.login_two_factor(&request).await {
            Ok(grant) => {
                let PendingTwoFactor { server, client, .. } =
                    pending.take().expect("the sign-in was waiting");
                drop(pending);
                self.begin(server, client, grant).await
            }
            Err(e) => {
                if e.code() == ErrorCode::MfaChallengeExpired {
                    *pending = None;
                }
                Err(e.into())
            }
        }
    }

    /// Makes a granted session the app's: the token in the keychain (or in memory where
    /// there is none), the account remembered, its local store opened. Every way in ends
    /// here — a password, a second factor, a single sign-on (`sso_sign_in`).
    pub(crate) async fn begin(
        &self,
        server: ServerChoice,
        client: Client,
        grant: SessionGrant,
    ) -> Result<SessionInfo, AppError> {
        let account = SavedAccount {
            server,
            me: grant.me,
        };
        let key = account.keychain_key();
        let token = grant.token;
        let saved = {
            let (key, token) = (key.clone(), token.clone());
            blocking(self.parts.keychain.clone(), move |k| k.set(&key, &token)).await
        };
        let token_storage = match saved {
            Ok(()) if self.parts.keychain.persistent() => TokenStorage::Keychain,
            Ok(()) => TokenStorage::MemoryOnly {
                reason: "no keychain is configured".into(),
            },
            Err(SecretError::Unavailable(reason)) => {
                tracing::warn!(%reason, "keychain unavailable; keeping the session in memory");
                self.fallback.set(&key, &token).ok();
                TokenStorage::MemoryOnly { reason }
            }
        };
        self.parts.prefs.set_account(&account)?;
        let info = self.session_info(&account, &token_storage);
        self.install(client.with_token(token), account, token_storage)
            .await;
        self.parts.logos.clear();
        Ok(info)
    }

    /// Makes the session current, with the account's local store behind its reads, and
    /// replays whatever the outbox still holds.
    async fn install(&self, client: Client, account: SavedAccount, token_storage: TokenStorage) {
        let opening = self.open_store(&account);
        self.install_opened(client, account, token_storage, opening)
            .await;
    }

    /// Opens the account's local store on a blocking thread (its key is in the keychain).
    fn open_store(&self, account: &SavedAccount) -> Opening {
        let (data_dir, name) = (self.parts.data_dir.clone(), account.keychain_key());
        let keychain = self.parts.keychain.clone();
        tokio::task::spawn_blocking(move || LocalStore::open(&data_dir, &name, keychain.as_ref()))
    }

    /// Begins the session with the store `opening` gives.
    async fn install_opened(
        &self,
        client: Client,
        account: SavedAccount,
        token_storage: TokenStorage,
        opening: Opening,
    ) {
        let opened = opening.await;
        let store = match opened {
            Ok(Ok(store)) => Some(Arc::new(store)),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "no local store: reads are kept in memory, changes are not queued");
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "the local store could not be opened");
                None
            }
        };
        let client = match &store {
            Some(store) => client.with_cache(store.clone()),
            None => client,
        };
        let session = Session {
            client,
            account,
            token_storage,
            store,
        };
        self.parts.signed_in.begin(session).await;
        self.parts.outbox.wake();
        self.parts.outbox.announce_status();
    }

    fn session_info(&self, account: &SavedAccount, storage: &TokenStorage) -> SessionInfo {
        SessionInfo {
            me: account.me.clone(),
            server: account.server.clone(),
            token_storage: storage.clone(),
            location: self.parts.prefs.location(account.me.user.id),
        }
    }

    async fn forget_token(&self, account: &SavedAccount) {
        let key = account.keychain_key();
        self.fallback.delete(&key).ok();
        if let Err(SecretError::Unavailable(reason)) =
            blocking(self.parts.keychain.clone(), move |k| k.delete(&key)).await
        {
            tracing::warn!(%reason, "could not delete the session token from the keychain");
        }
    }

    /// Ends the session on the server (when reachable) and removes every local trace of
    /// the token. The sign-in form stays prefilled with the email.
    pub async fn sign_out(&self) -> Result<(), AppError> {
        let Some(session) = self.parts.signed_in.end().await else {
            return Ok(());
        };
        if let Err(e) = session.client.logout().await {
            tracing::warn!(error = %e, "server-side sign-out failed; the token expires on its own");
        }
        self.forget_token(&session.account).await;
        drop(session.client);
        drop(session.store);
        let (data_dir, name) = (self.parts.data_dir.clone(), session.account.keychain_key());
        let keychain = self.parts.keychain.clone();
        // The account's cached data and queued changes go with it.
        let _ = tokio::task::spawn_blocking(move || {
            LocalStore::erase(&data_dir, &name, keychain.as_ref())
        })
        .await;
        self.parts.logos.clear();
        self.parts.stale.clear();
        self.parts.prefs.forget_account()
    }

    /// Remembers where the signed-in account is, to reopen there next time, and when it
    /// was last in that org (the portfolio's "last visited").
    pub async fn save_location(&self, location: &Location) -> Result<(), AppError> {
        let user = self.parts.signed_in.user().await?;
        self.parts.prefs.set_location(user, location)?;
        self.parts
            .prefs
            .record_visit(user, location.org_id, chrono::Utc::now())
    }
}
