//! The member list for a reader who is not shown people's contact data (an API key, see
//! [`crate::membership::reading`]): each member by name, without the email address, a
//! search that matches names only (so which members a search finds tells nothing of their
//! emails), and project scopes that name only projects in the reader's reach.

use chrono::{DateTime, Utc};
use orgdesk_model::member::{Member, PersonRef};
use orgdesk_model::project::ProjectScope;
use orgdesk_model::{OrgId, Page, ProjectId, Role, UserId};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::members::list::{self, Filter, ListKey};

/// Rows read at a time while a search skips members whose email alone matched.
const BATCH: usize = 200;

/// A member as [`Member`] shows them, without any contact data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedMember {
    pub user: NamedPerson,
    pub role: Role,
    pub project_scope: ProjectScope,
    pub joined_at: DateTime<Utc>,
}

/// A person as [`PersonRef`] shows them, without the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedPerson {
    pub id: UserId,
    pub display_name: String,
}

impl NamedMember {
    /// `member` without contact data, its scope naming only `nameable` projects (all when
    /// `None`). Every field is named: a field added to [`Member`] or [`PersonRef`] must be
    /// decided on here before this compiles.
    pub fn of(member: Member, nameable: Option<&[ProjectId]>) -> Self {
        let Member {
            user:
                PersonRef {
                    id,
                    email: _,
                    display_name,
                },
            role,
            project_scope,
            joined_at,
        } = member;
        let project_scope = match (project_scope, nameable) {
            (ProjectScope::Projects { ids }, Some(nameable)) => ProjectScope::Projects {
                ids: ids.into_iter().filter(|id| nameable.contains(id)).collect(),
            },
            (scope, _) => scope,
        };
        Self {
            user: NamedPerson { id, display_name },
            role,
            project_scope,
            joined_at,
        }
    }
}

/// A page of the member list, as the reader may see it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Listed {
    WithContacts(Page<Member>),
    Named(Page<NamedMember>),
}

/// Like [`list::page`], with a search matching names only: reads on from the request's
/// position in batches until the page (and one more, to tell whether another follows) is
/// full of members whose name matches, or the list ends. The cursor the page gets is a
/// kept member's, never one the search found by email alone.
pub async fn page(
    conn: &mut AnyConnection,
    org: OrgId,
    owner: UserId,
    filter: &Filter,
    request: &PageRequest<ListKey>,
) -> Result<Vec<(Member, ListKey)>, AppError> {
    let Some(search) = &filter.search else {
        return list::page(conn, org, owner, filter, request).await;
    };
    let wanted = request.limit + 1;
    let mut kept = Vec::new();
    let mut batch = PageRequest {
        after: request.after.clone(),
        limit: request.limit.max(BATCH),
    };
    loop {
        let mut rows = list::page(conn, org, owner, filter, &batch).await?;
        let more = rows.len() > batch.limit;
        rows.truncate(batch.limit);
        batch.after = rows.last().map(|(_, key)| key.clone());
        kept.extend(
            rows.into_iter()
                .filter(|(member, _)| search.matches_name(&member.user.display_name)),
        );
        if kept.len() >= wanted || !more {
            kept.truncate(wanted);
            return Ok(kept);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_member_has_no_email_and_names_only_reachable_projects() {
        let (a, b) = (ProjectId::new(), ProjectId::new());
        let member = Member {
            user: PersonRef {
                id: UserId::new(),
                email: "ana@example.com".to_owned(),
                display_name: "Ana".to_owned(),
            },
            role: Role::Member,
            project_scope: ProjectScope::Projects { ids: vec![a, b] },
            joined_at: Utc::now(),
        };
        let full = serde_json::to_value(&member).unwrap();
        let named = serde_json::to_value(NamedMember::of(member.clone(), Some(&[b]))).unwrap();
        assert!(!named.to_string().contains("email") && !named.to_string().contains("ana@"));
        assert_eq!(named["user"]["display_name"], "Ana");
        assert_eq!(named["project_scope"]["ids"], serde_json::json!([b]));
        // Otherwise the same shape as a member, field for field.
        let mut expected = full;
        expected["user"].as_object_mut().unwrap().remove("email");
        expected["project_scope"]["ids"] = serde_json::json!([b]);
        assert_eq!(named, expected);
        let all = serde_json::to_value(NamedMember::of(member, None)).unwrap();
        assert_eq!(all["project_scope"]["ids"], serde_json::json!([a, b]));
    }
}
