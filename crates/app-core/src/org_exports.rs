//! Exports of a whole org (Settings → Data, owners and admins): the server writes one ZIP
//! in the background; the app starts it, follows it (quick looks at first, then less
//! often) until it is ready or failed, and keeps a copy of the finished ZIP in the
//! account's local folder, so "Save…" works again offline. Saving asks where through the
//! native save dialog, like every export; the copy is checked against the SHA-256 the
//! server states. The account's folder is the owner's only and is erased at sign-out.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use orgdesk_client::{Client, OrgData, OrgRead, ReadKey, ReadScope};
use orgdesk_model::export::{ExportStatus, OrgExport};
use orgdesk_model::{ExportId, OrgId};
use serde::Serialize;
use sha2::{Digest, Sha256};
use specta::Type;
use tokio::io::AsyncReadExt;

use crate::error::AppError;
use crate::exports::{done, suggested_name, ExportDone};
use crate::host::{SaveDialog, SaveRequest};
use crate::reads::{Fresh, Reads};
use crate::signed_in::SignedIn;

/// How long a running export is followed before the app stops looking (the server goes
/// on; the page can follow it again).
const FOLLOW_BUDGET: Duration = Duration::from_secs(30 * 60);
/// Finished exports kept on this computer, newest first.
const COPIES_KEPT: usize = 3;
/// The folder of the copies, inside the account's local folder.
const COPIES: &str = "exports";

/// One export as Settings → Data lists it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportEntry {
    pub export: OrgExport,
    /// A copy of its ZIP is on this computer: it can be saved offline.
    pub kept: bool,
}

pub struct OrgExports {
    reads: Arc<Reads>,
    signed_in: Arc<SignedIn>,
    dialog: Arc<dyn SaveDialog>,
}

impl OrgExports {
    pub fn new(reads: Arc<Reads>, signed_in: Arc<SignedIn>, dialog: Arc<dyn SaveDialog>) -> Self {
        Self {
            reads,
            signed_in,
            dialog,
        }
    }

    /// The org's recent exports, newest first, each saying whether a copy is kept here.
    /// From the server, copies of exports it no longer offers are deleted.
    pub async fn list(&self, org_id: OrgId) -> Result<Fresh<Vec<ExportEntry>>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Exports);
        let read = move |c: Client| async move { c.exports(org_id).await };
        let exports = self.reads.read(key, read).await?;
        let dir = self.copies_dir().await;
        if let (Some(dir), false) = (&dir, exports.from_cache) {
            prune(dir, &exports.value).await;
        }
        let entries = exports
            .value
            .into_iter()
            .map(|export| ExportEntry {
                kept: dir
                    .as_deref()
                    .is_some_and(|d| copy_path(d, export.id).is_file()),
                export,
            })
            .collect();
        Ok(Fresh {
            value: entries,
            as_of: exports.as_of,
            from_cache: exports.from_cache,
        })
    }

    /// Queues an export (needs the server), then follows it like [`Self::follow`].
    pub async fn start(
        &self,
        org_id: OrgId,
        progress: impl FnMut(&OrgExport) + Send,
    ) -> Result<OrgExport, AppError> {
        let start = |c: Client| async move { c.start_export(org_id).await };
        let export = self.reads.live("Exporting the organization", start).await?;
        self.changed(org_id);
        self.follow_from(org_id, export, follow_delays(), progress)
            .await
    }

    /// Follows an export until it is ready, failed or expired (or the app stops looking,
    /// answering it as last seen); `progress` hears each look. A ready export's ZIP is
    /// then copied to this computer.
    pub async fn follow(
        &self,
        org_id: OrgId,
        id: ExportId,
        progress: impl FnMut(&OrgExport) + Send,
    ) -> Result<OrgExport, AppError> {
        let export = self.look(org_id, id).await?;
        self.follow_from(org_id, export, follow_delays(), progress)
            .await
    }

    /// [`Self::follow`] from an export already read, waiting `delays` between looks.
    pub async fn follow_from(
        &self,
        org_id: OrgId,
        mut export: OrgExport,
        delays: impl Iterator<Item = Duration>,
        mut progress: impl FnMut(&OrgExport) + Send,
    ) -> Result<OrgExport, AppError> {
        progress(&export);
        for wait in delays {
            if !in_progress(export.status) {
                break;
            }
            tokio::time::sleep(wait).await;
            export = self.look(org_id, export.id).await?;
            progress(&export);
        }
        // The copy first: the list read again once told must find it there (and a list
        // read meanwhile prunes only finished copies, never one being written).
        let kept = match export.status {
            ExportStatus::Ready => self.keep_copy(org_id, &export).await,
            _ => Ok(()),
        };
        if !in_progress(export.status) {
            self.changed(org_id);
        }
        kept.map(|()| export)
    }

    /// Asks where (suggesting `file_name`), then saves the export's ZIP there: from the
    /// copy on this computer when there is one (offline too), else from the server
    /// (keeping a copy). `None`: the user cancelled.
    pub async fn save(
        &self,
        org_id: OrgId,
        id: ExportId,
        file_name: &str,
        mut progress: impl FnMut(u64) + Send,
    ) -> Result<Option<ExportDone>, AppError> {
        let copy = self.copies_dir().await.map(|d| copy_path(&d, id));
        let kept = copy.as_ref().filter(|p| p.is_file()).cloned();
        if kept.is_none() && !self.reads.is_online() {
            return Err(AppError::NeedsServer(
                "Saving an export not kept on this computer",
            ));
        }
        let request = SaveRequest {
            title: "Save the export",
            file_name: suggested_name(file_name, "zip"),
            file_type: "ZIP",
            extension: "zip",
        };
        let Some(dest) = self.dialog.ask(request).await? else {
            return Ok(None);
        };
        progress(0);
        let source = match kept {
            Some(path) => path,
            None => {
                let export = self.look(org_id, id).await?;
                self.keep_copy(org_id, &export).await?;
                match copy {
                    Some(path) if path.is_file() => path,
                    // No local folder (no keychain): straight to the chosen file.
                    _ => {
                        return self
                            .download_to(org_id, &export, &dest, progress)
                            .await
                            .map(Some)
                    }
                }
            }
        };
        let bytes = copy_whole(&source, &dest).await?;
        progress(bytes);
        Ok(Some(done(&dest, bytes, None)))
    }

    async fn look(&self, org_id: OrgId, id: ExportId) -> Result<OrgExport, AppError> {
        let read = |c: Client| async move { c.export(org_id, id).await };
        self.reads.live("Following the export", read).await
    }

    /// Downloads a ready export into the local folder, unless a copy is there already;
    /// keeps the newest few.
    async fn keep_copy(&self, org_id: OrgId, export: &OrgExport) -> Result<(), AppError> {
        let Some(dir) = self.copies_dir().await else {
            return Ok(());
        };
        let path = copy_path(&dir, export.id);
        if path.is_file() {
            return Ok(());
        }
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| AppError::Export(e.to_string()))?;
        self.download_to(org_id, export, &path, |_| {}).await?;
        Ok(())
    }

    /// Streams the ZIP to `dest` and checks it against the server's SHA-256.
    async fn download_to(
        &self,
        org_id: OrgId,
        export: &OrgExport,
        dest: &Path,
        progress: impl FnMut(u64) + Send,
    ) -> Result<ExportDone, AppError> {
        let id = export.id;
        let dest_owned = dest.to_owned();
        let download =
            |c: Client| async move { c.download_export(org_id, id, &dest_owned, progress).await };
        let bytes = self.reads.live("Downloading the export", download).await?;
        if let Some(expected) = &export.sha256 {
            let actual = sha256_of(dest).await?;
            if !actual.eq_ignore_ascii_case(expected) {
                let _ = tokio::fs::remove_file(dest).await;
                return Err(AppError::Export(
                    "the downloaded ZIP does not match the server's checksum; try again".into(),
                ));
            }
        }
        Ok(done(dest, bytes, None))
    }

    async fn copies_dir(&self) -> Option<PathBuf> {
        let store = self.signed_in.store().await?;
        Some(store.dir().join(COPIES))
    }

    fn changed(&self, org_id: OrgId) {
        let exports = ReadScope::OrgData {
            org_id,
            data: OrgData::Exports,
        };
        let audit = ReadScope::OrgData {
            org_id,
            data: OrgData::Audit,
        };
        self.reads.changed(vec![exports, audit]);
    }
}

fn in_progress(status: ExportStatus) -> bool {
    matches!(status, ExportStatus::Queued | ExportStatus::Running)
}

/// The waits between looks at a running export: half a second, doubling to five, for at
/// most [`FOLLOW_BUDGET`] in all.
pub fn follow_delays() -> impl Iterator<Item = Duration> {
    let mut next = Duration::from_millis(500);
    let mut total = Duration::ZERO;
    std::iter::from_fn(move || {
        if total >= FOLLOW_BUDGET {
            return None;
        }
        let wait = next;
        total += wait;
        next = (next * 2).min(Duration::from_secs(5));
        Some(wait)
    })
}

fn copy_path(dir: &Path, id: ExportId) -> PathBuf {
    dir.join(format!("{id}.zip"))
}

/// Deletes the copies of exports no longer ready on the server, and all but the newest
/// [`COPIES_KEPT`] of the rest. Only finished copies (`.zip`): a download under way writes
/// beside its copy and must not lose its file.
async fn prune(dir: &Path, exports: &[OrgExport]) {
    let now = Utc::now();
    let keep: Vec<String> = exports
        .iter()
        .filter(|e| e.status == ExportStatus::Ready && e.expires_at.is_none_or(|t| t > now))
        .take(COPIES_KEPT)
        .map(|e| format!("{}.zip", e.id))
        .collect();
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".zip") && !keep.contains(&name) {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

/// Copies beside `dest` and renames, so a failed copy never leaves half a file.
async fn copy_whole(source: &Path, dest: &Path) -> Result<u64, AppError> {
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let copied = async {
        let bytes = tokio::fs::copy(source, &partial).await?;
        tokio::fs::rename(&partial, dest).await?;
        Ok::<_, std::io::Error>(bytes)
    };
    match copied.await {
        Ok(bytes) => Ok(bytes),
        Err(e) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(AppError::Export(e.to_string()))
        }
    }
}

async fn sha256_of(path: &Path) -> Result<String, AppError> {
    let fail = |e: std::io::Error| AppError::Export(e.to_string());
    let mut file = tokio::fs::File::open(path).await.map_err(fail)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).await.map_err(fail)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(status: ExportStatus) -> OrgExport {
        OrgExport {
            id: ExportId::new(),
            status,
            progress: orgdesk_model::export::ExportProgress {
                step: String::new(),
                done: 0,
                total: 0,
            },
            requested_by: None,
            created_at: Utc::now(),
            finished_at: None,
            expires_at: None,
            size: None,
            sha256: None,
            file_name: "acme-export.zip".into(),
            error: None,
        }
    }

    #[tokio::test]
    async fn pruning_keeps_the_newest_ready_copies_and_any_download_under_way() {
        let dir = tempfile::tempdir().unwrap();
        let ready: Vec<OrgExport> = (0..4).map(|_| export(ExportStatus::Ready)).collect();
        let expired = export(ExportStatus::Expired);
        let mut listed = ready.clone();
        listed.push(expired.clone());
        for e in &listed {
            std::fs::write(copy_path(dir.path(), e.id), b"PK").unwrap();
        }
        let partial = dir.path().join(format!("{}.part", ready[0].id));
        std::fs::write(&partial, b"P").unwrap();
        prune(dir.path(), &listed).await;
        for e in &ready[..COPIES_KEPT] {
            assert!(copy_path(dir.path(), e.id).is_file(), "a newest copy stays");
        }
        assert!(!copy_path(dir.path(), ready[COPIES_KEPT].id).is_file());
        assert!(!copy_path(dir.path(), expired.id).is_file());
        assert!(partial.is_file(), "a download under way keeps its file");
    }

    #[test]
    fn looks_slow_down_to_five_seconds_within_the_budget() {
        let delays: Vec<Duration> = follow_delays().collect();
        assert_eq!(delays[0], Duration::from_millis(500));
        assert_eq!(delays[1], Duration::from_secs(1));
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(5)));
        let total: Duration = delays.iter().sum();
        assert!(total >= FOLLOW_BUDGET && total < FOLLOW_BUDGET + Duration::from_secs(5));
    }
}
