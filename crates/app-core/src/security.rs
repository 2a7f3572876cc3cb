//! An org's security policy (owners and admins): two-factor sign-in required of members,
//! how long their sessions may sit idle, how long their passwords must be. Security
//! settings are shown as the server has them now and changed only with it: nothing is
//! remembered or queued, and offline both say so at once.

use std::sync::Arc;

use orgdesk_client::Client;
use orgdesk_model::policy::{OrgSecurityPolicy, UpdateOrgSecurityPolicy};
use orgdesk_model::OrgId;

use crate::error::AppError;
use crate::reads::Reads;

pub struct OrgSecurity {
    reads: Arc<Reads>,
}

impl OrgSecurity {
    pub fn new(reads: Arc<Reads>) -> Self {
        Self { reads }
    }

    /// The policy as it is now, with how many members have not turned on two-factor.
    pub async fn get(&self, org_id: OrgId) -> Result<OrgSecurityPolicy, AppError> {
        let read = |c: Client| async move { c.org_security(org_id).await };
        self.reads.live("Security settings", read).await
    }

    /// Replaces the policy whole; answers it as the server now has it.
    pub async fn update(
        &self,
        org_id: OrgId,
        input: UpdateOrgSecurityPolicy,
    ) -> Result<OrgSecurityPolicy, AppError> {
        let update = |c: Client| async move { c.update_org_security(org_id, &input).await };
        self.reads
            .online("Changing the security settings", update)
            .await
    }
}
