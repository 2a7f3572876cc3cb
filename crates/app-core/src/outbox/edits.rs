//! The changes that may wait in the outbox, what each sends and answers, and how it reads
//! to people. Accepting an invitation, transferring ownership, deleting, leaving, removing
//! people, creating API keys and changing the plan are not here: they need the server at
//! once.

use orgdesk_client::{Client, ClientError, ProjectTransition};
use orgdesk_model::billing::{AlertSettings, BillingSummary, SpendPolicy, TopUp, TopUpRequest};
use orgdesk_model::invitation::{CreateInvitationsRequest, IssuedInvitations};
use orgdesk_model::member::{Member, UpdateMemberRequest};
use orgdesk_model::org::{Membership, UpdateOrgRequest};
use orgdesk_model::project::{CreateProjectRequest, Project, ProjectScope, UpdateProjectRequest};
use orgdesk_model::{InvitationId, OrgId, ProjectId, Role, UserId};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::edit::{Describe, Edit};
pub use super::payment_edits::{PayByCard, SetBillingProfile};

/// Saves org settings if nobody changed the org since `expected_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct UpdateOrg {
    pub org_id: OrgId,
    pub expected_version: i64,
    pub patch: UpdateOrgRequest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CreateProject {
    pub org_id: OrgId,
    pub input: CreateProjectRequest,
}

/// Renames or edits a project if nobody changed it since `expected_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct UpdateProject {
    pub org_id: OrgId,
    pub project_id: ProjectId,
    pub expected_version: i64,
    pub patch: UpdateProjectRequest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SuspendProject {
    pub org_id: OrgId,
    pub project_id: ProjectId,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct UnsuspendProject {
    pub org_id: OrgId,
    pub project_id: ProjectId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ArchiveProject {
    pub org_id: OrgId,
    pub project_id: ProjectId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RestoreProject {
    pub org_id: OrgId,
    pub project_id: ProjectId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ChangeMemberRole {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SetMemberScope {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub scope: ProjectScope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct InviteMembers {
    pub org_id: OrgId,
    pub input: CreateInvitationsRequest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RevokeInvitation {
    pub org_id: OrgId,
    pub invitation_id: InvitationId,
}

/// Adds credits; the change's idempotency key is the top-up's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TopUpCredits {
    pub org_id: OrgId,
    pub input: TopUpRequest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SetLowBalanceThreshold {
    pub org_id: OrgId,
    pub threshold: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SetSpendPolicy {
    pub org_id: OrgId,
    pub policy: SpendPolicy,
}

impl Describe for UpdateOrg {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        let patch = &self.patch;
        let mut what = Vec::new();
        if let Some(name) = &patch.name {
            what.push(format!("name to “{name}”"));
        }
        if let Some(slug) = &patch.slug {
            what.push(format!("slug to “{slug}”"));
        }
        if patch.description.is_some() {
            what.push("description".into());
        }
        if patch.website.is_some() {
            what.push("website".into());
        }
        format!("Change the organization's {}", what.join(", "))
    }
}

impl Edit for UpdateOrg {
    type Output = Membership;

    async fn send(&self, client: &Client) -> Result<Membership, ClientError> {
        let version = Some(self.expected_version);
        client.update_org(self.org_id, version, &self.patch).await
    }
}

impl Describe for CreateProject {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        format!("Create project “{}”", self.input.name)
    }
}

impl Edit for CreateProject {
    type Output = Project;

    async fn send(&self, client: &Client) -> Result<Project, ClientError> {
        client.create_project(self.org_id, &self.input).await
    }
}

impl Describe for UpdateProject {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        match &self.patch.name {
            Some(name) => format!("Rename a project to “{name}”"),
            None => "Edit a project".into(),
        }
    }
}

impl Edit for UpdateProject {
    type Output = Project;

    async fn send(&self, client: &Client) -> Result<Project, ClientError> {
        let version = Some(self.expected_version);
        let (org, project) = (self.org_id, self.project_id);
        client
            .update_project(org, project, version, &self.patch)
            .await
    }
}

impl Describe for SuspendProject {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        format!("Suspend a project: {}", self.reason)
    }
}

impl Edit for SuspendProject {
    type Output = Project;

    async fn send(&self, client: &Client) -> Result<Project, ClientError> {
        let (org, project) = (self.org_id, self.project_id);
        client.suspend_project(org, project, &self.reason).await
    }
}

/// The three plain moves of a project share their shape: one transition each.
macro_rules! transition {
    ($edit:ident, $transition:expr, $summary:literal) => {
        impl Describe for $edit {
            fn org_id(&self) -> OrgId {
                self.org_id
            }

            fn summary(&self) -> String {
                $summary.into()
            }
        }

        impl Edit for $edit {
            type Output = Project;

            async fn send(&self, client: &Client) -> Result<Project, ClientError> {
                let (org, project) = (self.org_id, self.project_id);
                client.transition_project(org, project, $transition).await
            }
        }
    };
}

transition!(
    UnsuspendProject,
    ProjectTransition::Unsuspend,
    "Resume a suspended project"
);
transition!(
    ArchiveProject,
    ProjectTransition::Archive,
    "Archive a project"
);
transition!(
    RestoreProject,
    ProjectTransition::Restore,
    "Restore an archived project"
);

impl Describe for ChangeMemberRole {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        format!("Make a member {}", self.role.as_str())
    }
}

impl Edit for ChangeMemberRole {
    type Output = Member;

    async fn send(&self, client: &Client) -> Result<Member, ClientError> {
        let change = UpdateMemberRequest {
            role: Some(self.role),
            project_scope: None,
        };
        client
            .update_member(self.org_id, self.user_id, &change)
            .await
    }
}

impl Describe for SetMemberScope {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        "Change a member's projects".into()
    }
}

impl Edit for SetMemberScope {
    type Output = Member;

    async fn send(&self, client: &Client) -> Result<Member, ClientError> {
        let change = UpdateMemberRequest {
            role: None,
            project_scope: Some(self.scope.clone()),
        };
        client
            .update_member(self.org_id, self.user_id, &change)
            .await
    }
}

impl Describe for InviteMembers {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        format!("Invite {}", self.input.emails.join(", "))
    }
}

impl Edit for InviteMembers {
    type Output = IssuedInvitations;

    async fn send(&self, client: &Client) -> Result<IssuedInvitations, ClientError> {
        client.invite(self.org_id, &self.input).await
    }
}

impl Describe for RevokeInvitation {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        "Revoke an invitation".into()
    }
}

impl Edit for RevokeInvitation {
    type Output = ();

    async fn send(&self, client: &Client) -> Result<(), ClientError> {
        client
            .revoke_invitation(self.org_id, self.invitation_id)
            .await
    }
}

impl Describe for TopUpCredits {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        format!("Top up {} credits", self.input.amount)
    }
}

impl Edit for TopUpCredits {
    type Output = TopUp;

    async fn send(&self, client: &Client) -> Result<TopUp, ClientError> {
        client.top_up(self.org_id, &self.input).await
    }
}

impl Describe for SetLowBalanceThreshold {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        match self.threshold {
            Some(t) => format!("Warn below {t} credits"),
            None => "Turn the low-balance warning off".into(),
        }
    }
}

impl Edit for SetLowBalanceThreshold {
    type Output = BillingSummary;

    async fn send(&self, client: &Client) -> Result<BillingSummary, ClientError> {
        let settings = AlertSettings {
            low_balance_threshold: self.threshold,
        };
        client.set_alerts(self.org_id, &settings).await
    }
}

impl Describe for SetSpendPolicy {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        "Change who may spend credits".into()
    }
}

impl Edit for SetSpendPolicy {
    type Output = BillingSummary;

    async fn send(&self, client: &Client) -> Result<BillingSummary, ClientError> {
        client.set_spend_policy(self.org_id, &self.policy).await
    }
}
