//! The changes that may wait in the outbox, what each sends, and how it reads to people.
//! Accepting an invitation, transferring ownership, deleting, leaving, removing people,
//! creating API keys and changing the plan are not here: they need the server at once.

use orgdesk_client::{Client, ClientError, OrgRef, ProjectTransition};
use orgdesk_model::billing::{AlertSettings, SpendPolicy, TopUpRequest};
use orgdesk_model::invitation::CreateInvitationsRequest;
use orgdesk_model::member::UpdateMemberRequest;
use orgdesk_model::org::UpdateOrgRequest;
use orgdesk_model::project::{CreateProjectRequest, ProjectScope, UpdateProjectRequest};
use orgdesk_model::{InvitationId, OrgId, ProjectId, Role, UserId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    UpdateOrg {
        org_id: OrgId,
        expected_version: i64,
        patch: UpdateOrgRequest,
    },
    CreateProject {
        org_id: OrgId,
        input: CreateProjectRequest,
    },
    UpdateProject {
        org_id: OrgId,
        project_id: ProjectId,
        expected_version: i64,
        patch: UpdateProjectRequest,
    },
    SuspendProject {
        org_id: OrgId,
        project_id: ProjectId,
        reason: String,
    },
    UnsuspendProject {
        org_id: OrgId,
        project_id: ProjectId,
    },
    ArchiveProject {
        org_id: OrgId,
        project_id: ProjectId,
    },
    RestoreProject {
        org_id: OrgId,
        project_id: ProjectId,
    },
    ChangeMemberRole {
        org_id: OrgId,
        user_id: UserId,
        role: Role,
    },
    SetMemberScope {
        org_id: OrgId,
        user_id: UserId,
        scope: ProjectScope,
    },
    InviteMembers {
        org_id: OrgId,
        input: CreateInvitationsRequest,
    },
    RevokeInvitation {
        org_id: OrgId,
        invitation_id: InvitationId,
    },
    TopUp {
        org_id: OrgId,
        input: TopUpRequest,
    },
    SetLowBalanceThreshold {
        org_id: OrgId,
        threshold: Option<i64>,
    },
    SetSpendPolicy {
        org_id: OrgId,
        policy: SpendPolicy,
    },
}

fn json<T: Serialize>(value: T) -> Result<Value, ClientError> {
    serde_json::to_value(value).map_err(|e| ClientError::BadResponse {
        status: 200,
        detail: e.to_string(),
    })
}

impl Change {
    pub fn org_id(&self) -> OrgId {
        match self {
            Self::UpdateOrg { org_id, .. }
            | Self::CreateProject { org_id, .. }
            | Self::UpdateProject { org_id, .. }
            | Self::SuspendProject { org_id, .. }
            | Self::UnsuspendProject { org_id, .. }
            | Self::ArchiveProject { org_id, .. }
            | Self::RestoreProject { org_id, .. }
            | Self::ChangeMemberRole { org_id, .. }
            | Self::SetMemberScope { org_id, .. }
            | Self::InviteMembers { org_id, .. }
            | Self::RevokeInvitation { org_id, .. }
            | Self::TopUp { org_id, .. }
            | Self::SetLowBalanceThreshold { org_id, .. }
            | Self::SetSpendPolicy { org_id, .. } => *org_id,
        }
    }

    /// A line for the outbox list.
    pub fn summary(&self) -> String {
        match self {
            Self::UpdateOrg { patch, .. } => {
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
            Self::CreateProject { input, .. } => format!("Create project “{}”", input.name),
            Self::UpdateProject { patch, .. } => match &patch.name {
                Some(name) => format!("Rename a project to “{name}”"),
                None => "Edit a project".into(),
            },
            Self::SuspendProject { reason, .. } => format!("Suspend a project: {reason}"),
            Self::UnsuspendProject { .. } => "Resume a suspended project".into(),
            Self::ArchiveProject { .. } => "Archive a project".into(),
            Self::RestoreProject { .. } => "Restore an archived project".into(),
            Self::ChangeMemberRole { role, .. } => format!("Make a member {}", role.as_str()),
            Self::SetMemberScope { .. } => "Change a member's projects".into(),
            Self::InviteMembers { input, .. } => format!("Invite {}", input.emails.join(", ")),
            Self::RevokeInvitation { .. } => "Revoke an invitation".into(),
            Self::TopUp { input, .. } => format!("Top up {} credits", input.amount),
            Self::SetLowBalanceThreshold {
                threshold: Some(t), ..
            } => {
                format!("Warn below {t} credits")
            }
            Self::SetLowBalanceThreshold {
                threshold: None, ..
            } => "Turn the low-balance warning off".into(),
            Self::SetSpendPolicy { .. } => "Change who may spend credits".into(),
        }
    }

    /// Sends it once; `client` carries the change's idempotency key, so a resend after a
    /// lost answer is applied once. Answers the server's result as JSON.
    pub async fn send(&self, client: &Client) -> Result<Value, ClientError> {
        use ProjectTransition as T;
        match self {
            Self::UpdateOrg {
                org_id,
                expected_version,
                patch,
            } => json(
                client
                    .update_org(*org_id, Some(*expected_version), patch)
                    .await?,
            ),
            Self::CreateProject { org_id, input } => {
                json(client.create_project(*org_id, input).await?)
            }
            Self::UpdateProject {
                org_id,
                project_id,
                expected_version,
                patch,
            } => json(
                client
                    .update_project(*org_id, *project_id, Some(*expected_version), patch)
                    .await?,
            ),
            Self::SuspendProject {
                org_id,
                project_id,
                reason,
            } => json(client.suspend_project(*org_id, *project_id, reason).await?),
            Self::UnsuspendProject { org_id, project_id } => json(
                client
                    .transition_project(*org_id, *project_id, T::Unsuspend)
                    .await?,
            ),
            Self::ArchiveProject { org_id, project_id } => json(
                client
                    .transition_project(*org_id, *project_id, T::Archive)
                    .await?,
            ),
            Self::RestoreProject { org_id, project_id } => json(
                client
                    .transition_project(*org_id, *project_id, T::Restore)
                    .await?,
            ),
            Self::ChangeMemberRole {
                org_id,
                user_id,
                role,
            } => {
                let change = UpdateMemberRequest {
                    role: Some(*role),
                    project_scope: None,
                };
                json(client.update_member(*org_id, *user_id, &change).await?)
            }
            Self::SetMemberScope {
                org_id,
                user_id,
                scope,
            } => {
                let change = UpdateMemberRequest {
                    role: None,
                    project_scope: Some(scope.clone()),
                };
                json(client.update_member(*org_id, *user_id, &change).await?)
            }
            Self::InviteMembers { org_id, input } => json(client.invite(*org_id, input).await?),
            Self::RevokeInvitation {
                org_id,
                invitation_id,
            } => json(client.revoke_invitation(*org_id, *invitation_id).await?),
            Self::TopUp { org_id, input } => {
                // The client's idempotency key is the top-up's own.
                json(client.top_up(*org_id, input).await?)
            }
            Self::SetLowBalanceThreshold { org_id, threshold } => {
                let settings = AlertSettings {
                    low_balance_threshold: *threshold,
                };
                json(client.set_alerts(*org_id, &settings).await?)
            }
            Self::SetSpendPolicy { org_id, policy } => {
                json(client.set_spend_policy(*org_id, policy).await?)
            }
        }
    }

    /// For a change refused as stale (`version_conflict`): the version saved meanwhile.
    pub async fn current_version(&self, client: &Client) -> Option<Value> {
        match self {
            Self::UpdateOrg { org_id, .. } => {
                let m = client.get_org(&OrgRef::Id(*org_id)).await.ok()?;
                serde_json::to_value(m.value.org).ok()
            }
            Self::UpdateProject {
                org_id, project_id, ..
            } => {
                let all = client.all_projects(*org_id).await.ok()?;
                let p = all.value.into_iter().find(|p| p.id == *project_id)?;
                serde_json::to_value(p).ok()
            }
            _ => None,
        }
    }

    /// The same change, to be sent on top of `version` (keep mine after a conflict).
    pub fn on_version(&self, version: i64) -> Option<Self> {
        match self {
            Self::UpdateOrg { org_id, patch, .. } => Some(Self::UpdateOrg {
                org_id: *org_id,
                expected_version: version,
                patch: patch.clone(),
            }),
            Self::UpdateProject {
                org_id,
                project_id,
                patch,
                ..
            } => Some(Self::UpdateProject {
                org_id: *org_id,
                project_id: *project_id,
                expected_version: version,
                patch: patch.clone(),
            }),
            _ => None,
        }
    }
}
