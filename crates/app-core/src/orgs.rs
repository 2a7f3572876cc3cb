//! The contexts (personal and every org) and the org itself: reading, resolving a slug,
//! creating, saving settings, and scheduling
//! (or cancelling) its deletion.

use std::sync::Arc;

use orgdesk_client::{Client, OrgRead, OrgRef, ReadKey};
use orgdesk_model::org::{
    CreateOrgRequest, Membership, OrgOverview, ScheduleDeletionRequest, UpdateOrgRequest,
};
use orgdesk_model::OrgId;

use crate::alerts::Alerts;
use crate::error::AppError;
use crate::outbox::edits::UpdateOrg;
use crate::outbox::{Outbox, Outcome};
use crate::reads::{Fresh, Reads};

pub struct Orgs {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
    alerts: Arc<Alerts>,
}

impl Orgs {
    pub fn new(reads: Arc<Reads>, outbox: Arc<Outbox>, alerts: Arc<Alerts>) -> Self {
        Self {
            reads,
            outbox,
            alerts,
        }
    }

    /// Personal and every organization of the account, with role and capabilities.
    pub async fn contexts(&self) -> Result<Fresh<Vec<Membership>>, AppError> {
        let read = |c: Client| async move { c.all_orgs().await };
        let contexts = self.reads.read(ReadKey::Orgs, read).await?;
        self.alerts.remember_org_names(&contexts.value);
        self.alerts.note_pending_deletions(&contexts.value).await;
        Ok(contexts)
    }

    pub async fn get(&self, org_id: OrgId) -> Result<Fresh<Membership>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Membership);
        let read = move |c: Client| async move { c.get_org(&OrgRef::Id(org_id)).await };
        self.reads.read(key, read).await
    }

    /// Finds an org by a current or former slug (deep links, typed addresses). Offline,
    /// only current slugs of orgs seen before are known.
    pub async fn resolve(&self, slug: String) -> Result<Membership, AppError> {
        if !self.reads.is_online() {
            let known: Vec<Membership> = self
                .reads
                .remembered(&ReadKey::Orgs)
                .await?
                .unwrap_or_default();
            return known
                .into_iter()
                .find(|m| m.org.slug == slug)
                .ok_or(AppError::NeedsServer("Opening this link"));
        }
        let resolve = |c: Client| async move { c.get_org(&OrgRef::Slug(slug)).await };
        Ok(self.reads.online("Opening this link", resolve).await?.value)
    }

    pub async fn overview(&self, org_id: OrgId) -> Result<Fresh<OrgOverview>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Overview);
        let read = move |c: Client| async move { c.overview(org_id).await };
        self.reads.read(key, read).await
    }

    /// Needs the server: the slug and the plan's org allowance are decided there.
    pub async fn create(&self, input: CreateOrgRequest) -> Result<Membership, AppError> {
        let create = |c: Client| async move { c.create_org(&input).await };
        self.reads.online("Creating an organization", create).await
    }

    /// Saves settings if nobody changed the org since `expected_version`; a stale version
    /// comes back as a conflict (mine vs theirs) to resolve.
    pub async fn update(
        &self,
        org_id: OrgId,
        expected_version: i64,
        patch: UpdateOrgRequest,
    ) -> Result<Outcome<Membership>, AppError> {
        let edit = UpdateOrg {
            org_id,
            expected_version,
            patch,
        };
        self.outbox.submit(edit, None).await
    }

    /// Schedules the org's deletion (the owner, with the slug typed and the password, and
    /// a code where the account has two-factor). Never queued: offline it says so at once.
    pub async fn schedule_deletion(
        &self,
        org_id: OrgId,
        input: ScheduleDeletionRequest,
    ) -> Result<Membership, AppError> {
        let schedule = |c: Client| async move { c.schedule_deletion(org_id, &input).await };
        self.reads
            .online("Deleting an organization", schedule)
            .await
    }

    /// Cancels a scheduled deletion (the owner): the org can be changed again.
    pub async fn cancel_deletion(&self, org_id: OrgId) -> Result<Membership, AppError> {
        let cancel = |c: Client| async move { c.cancel_deletion(org_id).await };
        self.reads.online("Cancelling the deletion", cancel).await
    }
}
