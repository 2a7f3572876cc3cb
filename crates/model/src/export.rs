//! Exports of a whole org: one ZIP written in the background, kept for a week.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ExportId, UserId};

/// Where an export is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExportStatus {
    /// Waiting for a worker.
    Queued,
    /// Being written; `progress` says how far.
    Running,
    /// The ZIP can be downloaded until `expires_at`.
    Ready,
    /// It could not be written; `error` says why.
    Failed,
    /// Its file was removed after its week.
    Expired,
}

/// How far a running export is: `done` of `total` records, and the file being written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ExportProgress {
    /// The file being written (`members.csv`), empty before the first.
    pub step: String,
    pub done: u64,
    pub total: u64,
}

/// One export of an org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OrgExport {
    pub id: ExportId,
    pub status: ExportStatus,
    pub progress: ExportProgress,
    /// Who asked for it (`null` once their account is deleted).
    pub requested_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// When the file is removed (ready exports only).
    pub expires_at: Option<DateTime<Utc>>,
    /// The ZIP's size in bytes (ready exports only).
    pub size: Option<u64>,
    /// The ZIP's SHA-256, hex (ready exports only).
    pub sha256: Option<String>,
    /// A name to save it under: `<slug>-export-<date>.zip`.
    pub file_name: String,
    /// Why it failed, in words.
    pub error: Option<String>,
}
