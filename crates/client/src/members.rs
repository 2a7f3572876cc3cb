//! Member routes: list and search, role and scope changes, removal, leaving, ownership.

use orgdesk_model::member::{Member, MemberFilter, TransferOwnershipRequest, UpdateMemberRequest};
use orgdesk_model::org::Membership;
use orgdesk_model::{OrgId, Page, UserId};
use reqwest::Method;

use crate::cache::Cached;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

impl Client {
    pub async fn list_members(
        &self,
        org: OrgId,
        filter: &MemberFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Cached<Page<Member>>> {
        let key = ReadKey::of(
            org,
            OrgRead::Members {
                filter: filter.clone(),
                cursor: cursor.map(str::to_owned),
            },
        );
        let mut req = self
            .request(Method::GET, &["orgs", &org.to_string(), "members"])
            .query(&[("limit", limit.to_string())]);
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            req = req.query(&[("q", q.trim())]);
        }
        if let Some(role) = filter.role {
            req = req.query(&[("role", role.as_str())]);
        }
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.cached(key, self.json(req)).await
    }

    pub async fn update_member(
        &self,
        org: OrgId,
        user: UserId,
        change: &UpdateMemberRequest,
    ) -> Result<Member> {
        let path = ["orgs", &org.to_string(), "members", &user.to_string()];
        self.json(self.request(Method::PATCH, &path).json(change))
            .await
    }

    pub async fn remove_member(&self, org: OrgId, user: UserId) -> Result<()> {
        let path = ["orgs", &org.to_string(), "members", &user.to_string()];
        self.empty(self.request(Method::DELETE, &path)).await
    }

    /// Leaves the org; the caller's own view of it is forgotten.
    pub async fn leave_org(&self, org: OrgId) -> Result<()> {
        self.empty(self.request(Method::POST, &["orgs", &org.to_string(), "leave"]))
            .await?;
        self.cache.forget(&ReadKey::of(org, OrgRead::Membership));
        self.cache.forget(&ReadKey::Orgs);
        Ok(())
    }

    /// Makes `to` the owner; answers the caller's membership, now as admin.
    pub async fn transfer_ownership(&self, org: OrgId, to: UserId) -> Result<Membership> {
        let path = ["orgs", &org.to_string(), "transfer-ownership"];
        let body = TransferOwnershipRequest { user_id: to };
        self.json(self.request(Method::POST, &path).json(&body))
            .await
    }
}
