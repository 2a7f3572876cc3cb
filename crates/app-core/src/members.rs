//! Members: the list, roles and project scopes, removal, leaving, and ownership.

use std::sync::Arc;

use orgdesk_client::{Client, OrgRead, ReadKey};
use orgdesk_model::member::{Member, MemberFilter};
use orgdesk_model::org::Membership;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::{OrgId, Page, Role, UserId};

use crate::error::AppError;
use crate::outbox::edits::{ChangeMemberRole, SetMemberScope};
use crate::outbox::{Outbox, Outcome};
use crate::reads::{Fresh, Reads};

pub struct Members {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
}

impl Members {
    pub fn new(reads: Arc<Reads>, outbox: Arc<Outbox>) -> Self {
        Self { reads, outbox }
    }

    /// One page of members, filtered; pass the previous page's `next_cursor` for the next.
    pub async fn list(
        &self,
        org_id: OrgId,
        filter: MemberFilter,
        cursor: Option<String>,
    ) -> Result<Fresh<Page<Member>>, AppError> {
        let key = ReadKey::of(
            org_id,
            OrgRead::Members {
                filter: filter.clone(),
                cursor: cursor.clone(),
            },
        );
        let read = move |c: Client| async move {
            c.list_members(org_id, &filter, cursor.as_deref(), 100)
                .await
        };
        self.reads.read(key, read).await
    }

    pub async fn change_role(
        &self,
        org_id: OrgId,
        user_id: UserId,
        role: Role,
    ) -> Result<Outcome<Member>, AppError> {
        let edit = ChangeMemberRole {
            org_id,
            user_id,
            role,
        };
        self.outbox.submit(edit, None).await
    }

    pub async fn set_scope(
        &self,
        org_id: OrgId,
        user_id: UserId,
        scope: ProjectScope,
    ) -> Result<Outcome<Member>, AppError> {
        let edit = SetMemberScope {
            org_id,
            user_id,
            scope,
        };
        self.outbox.submit(edit, None).await
    }

    /// Needs the server: removing someone is never queued.
    pub async fn remove(&self, org_id: OrgId, user_id: UserId) -> Result<(), AppError> {
        let remove = |c: Client| async move { c.remove_member(org_id, user_id).await };
        self.reads.online("Removing a member", remove).await
    }

    /// Leaves the org (owners must transfer ownership first). Needs the server.
    pub async fn leave(&self, org_id: OrgId) -> Result<(), AppError> {
        let leave = |c: Client| async move { c.leave_org(org_id).await };
        self.reads.online("Leaving an organization", leave).await
    }

    /// Makes another member the owner; answers the caller's membership, now as admin.
    pub async fn transfer_ownership(
        &self,
        org_id: OrgId,
        user_id: UserId,
    ) -> Result<Membership, AppError> {
        let transfer = |c: Client| async move { c.transfer_ownership(org_id, user_id).await };
        self.reads.online("Transferring ownership", transfer).await
    }
}
