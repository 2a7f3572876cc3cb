//! Invitation routes: the inviter's side (create, list, revoke, resend) and the invitee's
//! (what waits for me, preview, accept, decline).

use orgdesk_model::invitation::{
    CreateInvitationsRequest, Invitation, IssuedInvitation, IssuedInvitations, ReceivedInvitation,
};
use orgdesk_model::org::Membership;
use orgdesk_model::{InvitationId, OrgId, Page};
use reqwest::Method;

use crate::cache::Cached;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

impl Client {
    pub async fn invite(
        &self,
        org: OrgId,
        input: &CreateInvitationsRequest,
    ) -> Result<IssuedInvitations> {
        let req = self
            .request(Method::POST, &["orgs", &org.to_string(), "invitations"])
            .json(input);
        self.json(req).await
    }

    /// Every pending invitation of the org.
    pub async fn all_invitations(&self, org: OrgId) -> Result<Cached<Vec<Invitation>>> {
        let fetch = async {
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page = self.list_invitations(org, cursor.as_deref(), 200).await?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break Ok(all),
                }
            }
        };
        self.cached(ReadKey::of(org, OrgRead::Invitations), fetch)
            .await
    }

    pub async fn list_invitations(
        &self,
        org: OrgId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Invitation>> {
        let mut req = self
            .request(Method::GET, &["orgs", &org.to_string(), "invitations"])
            .query(&[("limit", limit.to_string())]);
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.json(req).await
    }

    pub async fn revoke_invitation(&self, org: OrgId, id: InvitationId) -> Result<()> {
        let path = ["orgs", &org.to_string(), "invitations", &id.to_string()];
        self.empty(self.request(Method::DELETE, &path)).await
    }

    /// Sends the invitation again with a new link; the old link stops working.
    pub async fn resend_invitation(
        &self,
        org: OrgId,
        id: InvitationId,
    ) -> Result<IssuedInvitation> {
        let path = [
            "orgs",
            &org.to_string(),
            "invitations",
            &id.to_string(),
            "resend",
        ];
        self.json(self.request(Method::POST, &path)).await
    }

    /// Invitations waiting for the signed-in account, all pages.
    pub async fn my_invitations(&self) -> Result<Cached<Vec<ReceivedInvitation>>> {
        let fetch = async {
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut req = self
                    .request(Method::GET, &["me", "invitations"])
                    .query(&[("limit", "200")]);
                if let Some(c) = &cursor {
                    req = req.query(&[("cursor", c)]);
                }
                let page: Page<ReceivedInvitation> = self.json(req).await?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break Ok(all),
                }
            }
        };
        self.cached(ReadKey::MyInvitations, fetch).await
    }

    /// What an invitation link is for. `token` may also be an invitation id of mine.
    pub async fn preview_invitation(&self, token: &str) -> Result<ReceivedInvitation> {
        self.json(self.request(Method::GET, &["invitations", token]))
            .await
    }

    pub async fn accept_invitation(&self, token: &str) -> Result<Membership> {
        let membership: Membership = self
            .json(self.request(Method::POST, &["invitations", token, "accept"]))
            .await?;
        self.cache.forget(&ReadKey::Orgs);
        Ok(membership)
    }

    pub async fn decline_invitation(&self, token: &str) -> Result<()> {
        self.empty(self.request(Method::POST, &["invitations", token, "decline"]))
            .await
    }
}
