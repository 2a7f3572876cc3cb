//! What the outbox holds, as the UI lists it, and what a write answers.

use chrono::{DateTime, Utc};
use orgdesk_model::{ApiError, OrgId};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::change::Change;
use crate::store::StoredChange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeState {
    /// Waiting to be sent.
    Pending,
    /// The server has a newer version: keep mine (sent again on top of it) or take theirs.
    Conflict,
    /// The server refused it: read why, then discard it.
    Refused,
}

impl ChangeState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Conflict => "conflict",
            Self::Refused => "refused",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "conflict" => Self::Conflict,
            "refused" => Self::Refused,
            _ => Self::Pending,
        }
    }
}

/// Why a change waits for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ChangeProblem {
    pub error: ApiError,
    /// For a conflict: the org or project as saved meanwhile.
    pub theirs: Option<serde_json::Value>,
}

/// A change in the outbox, as the UI lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct QueuedChange {
    pub id: i64,
    pub org_id: OrgId,
    pub change: Change,
    pub summary: String,
    pub created_at: DateTime<Utc>,
    pub state: ChangeState,
    pub attempts: i64,
    pub problem: Option<ChangeProblem>,
}

impl QueuedChange {
    pub(crate) fn from_stored(stored: StoredChange) -> Option<(Self, String)> {
        let change: Change = serde_json::from_value(stored.payload).ok()?;
        let problem = stored.detail.and_then(|d| serde_json::from_value(d).ok());
        let queued = Self {
            id: stored.id,
            org_id: change.org_id(),
            summary: change.summary(),
            change,
            created_at: stored.created_at,
            state: ChangeState::parse(&stored.state),
            attempts: stored.attempts,
            problem,
        };
        Some((queued, stored.idempotency_key))
    }
}

/// What a write command answers: applied now, or waiting in the outbox.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome<T> {
    Applied { value: T },
    Queued { change: Box<QueuedChange> },
}
