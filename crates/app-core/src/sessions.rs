//! The account's sessions (where it is signed in: list, end one, sign out everywhere else)
//! and its security log. Both are shown only as the server has them now: nothing is kept
//! in the local store, and offline they say they need the server.

use std::sync::Arc;

use orgdesk_client::Client;
use orgdesk_model::auth::{RevokedSessions, SessionList};
use orgdesk_model::security::AccountEvent;
use orgdesk_model::{Page, SessionId};

use crate::error::AppError;
use crate::reads::Reads;

/// Security-log events per page.
const EVENTS_PER_PAGE: u32 = 50;

pub struct Sessions {
    reads: Arc<Reads>,
}

impl Sessions {
    pub fn new(reads: Arc<Reads>) -> Self {
        Self { reads }
    }

    /// The account's live sessions, most recently used first; this one is marked `current`.
    pub async fn list(&self) -> Result<SessionList, AppError> {
        let list = |c: Client| async move { c.sessions().await };
        self.reads.live("Listing your sessions", list).await
    }

    /// Ends one session (another device or app; the server refuses nothing here, so ending
    /// this one signs this app out at its next request).
    pub async fn revoke(&self, id: SessionId) -> Result<(), AppError> {
        let revoke = |c: Client| async move { c.revoke_session(id).await };
        self.reads.live("Ending a session", revoke).await
    }

    /// Signs out everywhere else: every session but this app's ends.
    pub async fn revoke_others(&self) -> Result<RevokedSessions, AppError> {
        let revoke = |c: Client| async move { c.revoke_all_sessions(true).await };
        self.reads.live("Signing out everywhere else", revoke).await
    }

    /// One page of the account's security log, newest first.
    pub async fn events(&self, cursor: Option<String>) -> Result<Page<AccountEvent>, AppError> {
        let read =
            |c: Client| async move { c.security_events(cursor.as_deref(), EVENTS_PER_PAGE).await };
        self.reads.live("Reading your security log", read).await
    }
}
