//! An org's data lifecycle: whole-org exports (a ZIP written by the server in the
//! background, downloaded as a stream), retention periods, and deletion with a grace period.

use std::path::Path;

use orgdesk_model::export::OrgExport;
use orgdesk_model::org::{Membership, ScheduleDeletionRequest};
use orgdesk_model::retention::{RetentionPolicy, RetentionSettings};
use orgdesk_model::{ExportId, OrgId};
use reqwest::Method;

use crate::cache::{remember, Cached};
use crate::download::stream_to_file;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

impl Client {
    fn lifecycle_path<'a>(org: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec!["orgs", org];
        path.extend_from_slice(rest);
        path
    }

    /// Queues an export of everything the org holds (owners and admins); answers it queued.
    pub async fn start_export(&self, org: OrgId) -> Result<OrgExport> {
        let id = org.to_string();
        let req = self.request(Method::POST, &Self::lifecycle_path(&id, &["exports"]));
        let export: OrgExport = self.json(req).await?;
        self.cache.forget(&ReadKey::of(org, OrgRead::Exports));
        Ok(export)
    }

    /// The org's recent exports, newest first.
    pub async fn exports(&self, org: OrgId) -> Result<Cached<Vec<OrgExport>>> {
        let id = org.to_string();
        let req = self.request(Method::GET, &Self::lifecycle_path(&id, &["exports"]));
        self.cached(ReadKey::of(org, OrgRead::Exports), self.json(req))
            .await
    }

    /// One export as the server has it now (never from the cache: it is followed).
    pub async fn export(&self, org: OrgId, export: ExportId) -> Result<OrgExport> {
        let (id, export) = (org.to_string(), export.to_string());
        let path = Self::lifecycle_path(&id, &["exports", &export]);
        self.json(self.request(Method::GET, &path)).await
    }

    /// Streams a ready export's ZIP to `dest` (written beside it and renamed at the end);
    /// `progress` hears the bytes written. Not ready yet: `export_not_ready`; past its
    /// week: `export_expired`.
    pub async fn download_export(
        &self,
        org: OrgId,
        export: ExportId,
        dest: &Path,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        let (id, export) = (org.to_string(), export.to_string());
        let path = Self::lifecycle_path(&id, &["exports", &export, "download"]);
        stream_to_file(self.request(Method::GET, &path), dest, progress).await
    }

    /// The org's retention periods, each with the plan's bounds.
    pub async fn retention(&self, org: OrgId) -> Result<Cached<RetentionSettings>> {
        let id = org.to_string();
        let req = self.request(Method::GET, &Self::lifecycle_path(&id, &["retention"]));
        self.cached(ReadKey::of(org, OrgRead::Retention), self.json(req))
            .await
    }

    /// Sets every period; one outside the plan's bounds is `validation_failed` naming it.
    pub async fn update_retention(
        &self,
        org: OrgId,
        policy: &RetentionPolicy,
    ) -> Result<RetentionSettings> {
        let id = org.to_string();
        let req = self
            .request(Method::PUT, &Self::lifecycle_path(&id, &["retention"]))
            .json(policy);
        let settings: RetentionSettings = self.json(req).await?;
        remember(
            self.cache.as_ref(),
            ReadKey::of(org, OrgRead::Retention),
            &settings,
        );
        Ok(settings)
    }

    /// Schedules the org's deletion (the owner, with the slug typed and a proof of who
    /// they are); it is read-only from now on and deleted for good after the grace period.
    pub async fn schedule_deletion(
        &self,
        org: OrgId,
        input: &ScheduleDeletionRequest,
    ) -> Result<Membership> {
        let id = org.to_string();
        let req = self
            .request(Method::POST, &Self::lifecycle_path(&id, &["deletion"]))
            .json(input);
        let membership: Membership = self.json(req).await?;
        self.deletion_changed(org, &membership);
        Ok(membership)
    }

    /// Cancels a scheduled deletion (the owner): the org is as it was.
    pub async fn cancel_deletion(&self, org: OrgId) -> Result<Membership> {
        let id = org.to_string();
        let req = self.request(Method::DELETE, &Self::lifecycle_path(&id, &["deletion"]));
        let membership: Membership = self.json(req).await?;
        self.deletion_changed(org, &membership);
        Ok(membership)
    }

    fn deletion_changed(&self, org: OrgId, membership: &Membership) {
        let key = ReadKey::of(org, OrgRead::Membership);
        remember(self.cache.as_ref(), key, membership);
        self.cache.forget(&ReadKey::Orgs);
    }
}
