//! Invitations: sending, listing, revoking and resending them, and those waiting for me.

use std::sync::Arc;

use orgdesk_client::{Client, OrgRead, ReadKey};
use orgdesk_model::invitation::{
    CreateInvitationsRequest, Invitation, IssuedInvitation, IssuedInvitations, ReceivedInvitation,
};
use orgdesk_model::org::Membership;
use orgdesk_model::{InvitationId, OrgId};

use crate::error::AppError;
use crate::outbox::edits::{InviteMembers, RevokeInvitation};
use crate::outbox::{Outbox, Outcome};
use crate::reads::{Fresh, Reads};

pub struct Invitations {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
}

impl Invitations {
    pub fn new(reads: Arc<Reads>, outbox: Arc<Outbox>) -> Self {
        Self { reads, outbox }
    }

    /// Invites one or several emails. Applied now, it answers each invitation with its link
    /// (shown once); queued offline, the invitations are mailed once the server has them.
    pub async fn invite(
        &self,
        org_id: OrgId,
        input: CreateInvitationsRequest,
    ) -> Result<Outcome<IssuedInvitations>, AppError> {
        let edit = InviteMembers { org_id, input };
        self.outbox.submit(edit, None).await
    }

    /// Pending invitations of the org (owners and admins).
    pub async fn list(&self, org_id: OrgId) -> Result<Fresh<Vec<Invitation>>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Invitations);
        let read = move |c: Client| async move { c.all_invitations(org_id).await };
        self.reads.read(key, read).await
    }

    pub async fn revoke(
        &self,
        org_id: OrgId,
        invitation_id: InvitationId,
    ) -> Result<Outcome<()>, AppError> {
        let edit = RevokeInvitation {
            org_id,
            invitation_id,
        };
        self.outbox.submit(edit, None).await
    }

    /// Sends again with a fresh link (the previous link stops working) and answers it; the
    /// link is shown once, so this needs the server.
    pub async fn resend(
        &self,
        org_id: OrgId,
        invitation_id: InvitationId,
    ) -> Result<IssuedInvitation, AppError> {
        let resend = |c: Client| async move { c.resend_invitation(org_id, invitation_id).await };
        self.reads
            .online("Sending an invitation again", resend)
            .await
    }

    /// Invitations waiting for the signed-in account.
    pub async fn mine(&self) -> Result<Fresh<Vec<ReceivedInvitation>>, AppError> {
        let read = |c: Client| async move { c.my_invitations().await };
        self.reads.read(ReadKey::MyInvitations, read).await
    }

    /// What an `orgdesk://invite/<token>` link is for, before accepting it.
    pub async fn preview(&self, token: String) -> Result<ReceivedInvitation, AppError> {
        let preview = |c: Client| async move { c.preview_invitation(&token).await };
        self.reads.online("Opening an invitation", preview).await
    }

    /// Accepts by link token or by the id of an invitation listed for me. Needs the server:
    /// it is never queued.
    pub async fn accept(&self, token_or_id: String) -> Result<Membership, AppError> {
        let accept = |c: Client| async move { c.accept_invitation(&token_or_id).await };
        self.reads.online("Accepting an invitation", accept).await
    }

    pub async fn decline(&self, token_or_id: String) -> Result<(), AppError> {
        let decline = |c: Client| async move { c.decline_invitation(&token_or_id).await };
        self.reads.online("Declining an invitation", decline).await
    }
}
