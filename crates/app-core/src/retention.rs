//! An org's retention periods (Settings → Data, owners and admins): read like every page
//! (remembered, readable offline with its time), changed only with the server. A period
//! decides what the server deletes for good, so it is never left waiting in the outbox to
//! apply later than the person who set it expects; offline the change says so at once.

use std::sync::Arc;

use orgdesk_client::{Client, OrgData, OrgRead, ReadKey, ReadScope};
use orgdesk_model::retention::{RetentionPolicy, RetentionSettings};
use orgdesk_model::OrgId;

use crate::error::AppError;
use crate::reads::{Fresh, Reads};

pub struct Retention {
    reads: Arc<Reads>,
}

impl Retention {
    pub fn new(reads: Arc<Reads>) -> Self {
        Self { reads }
    }

    /// Each kind's period with the plan's bounds.
    pub async fn get(&self, org_id: OrgId) -> Result<Fresh<RetentionSettings>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Retention);
        let read = move |c: Client| async move { c.retention(org_id).await };
        self.reads.read(key, read).await
    }

    /// Sets every period; one outside the plan's bounds is refused naming its field.
    pub async fn update(
        &self,
        org_id: OrgId,
        policy: RetentionPolicy,
    ) -> Result<RetentionSettings, AppError> {
        let update = |c: Client| async move { c.update_retention(org_id, &policy).await };
        let settings = self
            .reads
            .online("Changing how long data is kept", update)
            .await?;
        let scope = |data| ReadScope::OrgData { org_id, data };
        self.reads
            .changed(vec![scope(OrgData::Retention), scope(OrgData::Audit)]);
        Ok(settings)
    }
}
