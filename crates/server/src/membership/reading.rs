//! Who reads an org, and what they may see of it: the one place every read route of an org
//! asks. A reader is a member's session or a live API key with the `read` scope
//! ([`Reader`]).
//!
//! A key reads as its creator may now, never more: their current role and project scope,
//! and the org's two-factor policy as it applies to them. Then it is narrowed:
//! - to its own org: any other org answers 404, exactly as to a stranger (the org is
//!   resolved before anything about the creator's standing there is looked at);
//! - to reading: of the capabilities only [`KEY_CAPABILITIES`] (the org, its projects and
//!   members; the balance, ledger and usage when the creator may see billing);
//! - to its project, when it has one: other projects are 404 and lists hold that one only,
//!   usage and ledger lines are that project's, and what concerns the whole org beyond any
//!   one project (the balance, the plan's spending) is refused with 403
//!   ([`Reading::require_org_wide`]);
//! - to no contact data: people are shown by name, never by email address
//!   ([`Reading::shows_contacts`]).

use orgdesk_model::org::{Membership, OrgKind};
use orgdesk_model::role::allows_in;
use orgdesk_model::{Capability, OrgId, ProjectId, UserId};
use sqlx::AnyConnection;

use crate::error::AppError;
use crate::membership::error::AccessError;
use crate::membership::rows::scope_of;
use crate::membership::view::{find, resolve, MemberView};
use crate::membership::OrgKey;

/// What a key may use of its creator's capabilities: reading, nothing else.
pub const KEY_CAPABILITIES: [Capability; 2] = [Capability::ViewOrg, Capability::ViewBilling];

/// Who reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reader {
    /// A signed-in member.
    Member(UserId),
    /// A live API key with the `read` scope.
    Key(KeyReader),
}

/// A reading API key: its org, its creator and its project, if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyReader {
    pub org: OrgId,
    pub creator: UserId,
    pub project: Option<ProjectId>,
}

/// An org as one reader may see it.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The org with the member's (or the key's creator's) current role.
    pub view: MemberView,
    /// The member, or the key's creator.
    person: UserId,
    key: Option<KeyReader>,
}

/// The org named by `org` as `reader` may see it: 404 for a stranger and for a key of
/// another org, 403 `mfa_required_by_org` when the org's policy shuts the person out.
pub async fn reading(
    conn: &mut AnyConnection,
    org: &OrgKey,
    reader: &Reader,
) -> Result<Reading, AppError> {
    match reader {
        Reader::Member(user) => Ok(Reading {
            view: find(conn, org, *user).await?,
            person: *user,
            key: None,
        }),
        Reader::Key(key) => {
            let id = resolve(conn, org).await?.ok_or(AppError::NotFound)?;
            if id != key.org {
                return Err(AppError::NotFound);
            }
            Ok(Reading {
                view: find(conn, &OrgKey::Id(id), key.creator).await?,
                person: key.creator,
                key: Some(key.clone()),
            })
        }
    }
}

impl Reading {
    pub fn org_id(&self) -> OrgId {
        self.view.org.id
    }

    /// Whether this reader may use `capability` here.
    pub fn allows(&self, capability: Capability) -> bool {
        allows_in(self.view.org.kind, self.view.role, capability)
            && (self.key.is_none() || KEY_CAPABILITIES.contains(&capability))
    }

    /// Fails with 403 unless this reader may use `capability` here.
    pub fn require(&self, capability: Capability) -> Result<(), AppError> {
        match (self.allows(capability), &self.key) {
            (true, _) => Ok(()),
            (false, None) => Err(AccessError::Forbidden(capability).into()),
            (false, Some(_)) => Err(AccessError::KeyForbidden(capability).into()),
        }
    }

    /// Like [`Self::require`], for what needs other people (the member list): a personal
    /// context answers 409 `personal_context` first.
    pub fn require_team(&self, capability: Capability) -> Result<(), AppError> {
        if self.view.org.kind == OrgKind::Personal {
            return Err(AccessError::PersonalContext.into());
        }
        self.require(capability)
    }

    /// Like [`Self::require`], for what concerns the whole org rather than one project
    /// (its balance and spending): a key limited to a project is refused (403).
    pub fn require_org_wide(&self, capability: Capability) -> Result<(), AppError> {
        self.require(capability)?;
        if self.key.as_ref().is_some_and(|k| k.project.is_some()) {
            return Err(AccessError::KeyLimitedToProject.into());
        }
        Ok(())
    }

    /// The projects this reader may see: `None` for all of them. A member's project
    /// scope; for a key its creator's, narrowed to the key's project.
    pub async fn scope(
        &self,
        conn: &mut AnyConnection,
    ) -> Result<Option<Vec<ProjectId>>, AppError> {
        let person = scope_of(conn, &self.view, self.person).await?;
        Ok(narrow(person, self.key.as_ref().and_then(|k| k.project)))
    }

    /// Which projects may be named in other people's project scopes: any, for a member
    /// (who sees the team as the app shows it); for a key, those in its reach.
    pub async fn nameable_projects(
        &self,
        conn: &mut AnyConnection,
    ) -> Result<Option<Vec<ProjectId>>, AppError> {
        match self.key {
            None => Ok(None),
            Some(_) => self.scope(conn).await,
        }
    }

    /// Whether people's email addresses may be shown (and searched): to members, never to
    /// keys.
    pub fn shows_contacts(&self) -> bool {
        self.key.is_none()
    }

    /// The wire form: the org, the role, and what this reader may do there (for a key,
    /// what it may read).
    pub fn into_membership(self) -> Membership {
        let capabilities = Capability::ALL
            .into_iter()
            .filter(|c| self.allows(*c))
            .collect();
        Membership {
            org: self.view.org,
            role: self.view.role,
            capabilities,
            sso_required: false,
        }
    }
}

/// A person's scope narrowed to a key's project: the project alone, and nothing when the
/// person can no longer reach it.
fn narrow(person: Option<Vec<ProjectId>>, project: Option<ProjectId>) -> Option<Vec<ProjectId>> {
    match (person, project) {
        (person, None) => person,
        (None, Some(project)) => Some(vec![project]),
        (Some(ids), Some(project)) => Some(ids.into_iter().filter(|id| *id == project).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keys_project_narrows_its_creators_scope_and_never_widens_it() {
        let (a, b) = (ProjectId::new(), ProjectId::new());
        assert_eq!(narrow(None, None), None);
        assert_eq!(narrow(Some(vec![a]), None), Some(vec![a]));
        assert_eq!(narrow(None, Some(a)), Some(vec![a]));
        assert_eq!(narrow(Some(vec![a, b]), Some(b)), Some(vec![b]));
        assert_eq!(narrow(Some(vec![a]), Some(b)), Some(vec![]));
    }
}
