//! The client's team routes against the real server: projects through their lifecycle,
//! invitations from invite to accept (by the id listed for the invitee), members, the
//! audit log and its streamed export to a file.

use crate::common;

use common::mailed_token;
use orgdesk_client::{Client, ClientError, ProjectTransition};
use orgdesk_model::account::VERIFY_LINK_PREFIX;
use orgdesk_model::audit::{AuditFilter, ExportFormat};
use orgdesk_model::auth::SignupRequest;
use orgdesk_model::invitation::CreateInvitationsRequest;
use orgdesk_model::member::MemberFilter;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::{CreateProjectRequest, ProjectScope, ProjectStatus};
use orgdesk_model::{ErrorCode, Role};

async fn signed_up(base: &str, email: &str, name: &str) -> Client {
    let client = Client::new(base).unwrap();
    let request = SignupRequest {
        email: email.into(),
        password: "correct horse battery".into(),
        display_name: name.into(),
    };
    let grant = client.signup(&request).await.unwrap();
    client.with_token(grant.token)
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

#[tokio::test]
async fn projects_invitations_members_and_audit() {
    let dir = tempfile::tempdir().unwrap();
    let server = orgdesk_server::spawn(orgdesk_server::Config::local(dir.path()))
        .await
        .unwrap();
    let base = server.base_url();
    let owner = signed_up(&base, "ana@example.com", "Ana Owner").await;
    let org = owner
        .create_org(&CreateOrgRequest {
            name: "Acme".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .org
        .id;

    // Projects: create two, suspend one, archive and restore the other.
    let new = |name: &str| CreateProjectRequest {
        name: name.into(),
        ..Default::default()
    };
    let site = owner.create_project(org, &new("Site")).await.unwrap();
    let app = owner.create_project(org, &new("App")).await.unwrap();
    let suspended = owner
        .suspend_project(org, site.id, "Unpaid invoice")
        .await
        .unwrap();
    assert_eq!(suspended.status, ProjectStatus::Suspended);
    assert_eq!(
        suspended.suspended_reason.as_deref(),
        Some("Unpaid invoice")
    );
    assert_eq!(
        code(
            owner
                .transition_project(org, app.id, ProjectTransition::Unsuspend)
                .await
        ),
        ErrorCode::InvalidState
    );
    owner
        .transition_project(org, app.id, ProjectTransition::Archive)
        .await
        .unwrap();
    owner
        .transition_project(org, app.id, ProjectTransition::Restore)
        .await
        .unwrap();
    assert_eq!(owner.all_projects(org).await.unwrap().value.len(), 2);

    // Invite a member limited to the site project; they accept the listed invitation.
    let input = CreateInvitationsRequest {
        emails: vec!["bo@example.com".into()],
        role: Role::Member,
        project_scope: ProjectScope::Projects { ids: vec![site.id] },
    };
    let issued = owner.invite(org, &input).await.unwrap();
    assert!(issued.invitations[0].link.starts_with("orgdesk://invite/"));
    assert_eq!(
        code(owner.invite(org, &input).await),
        ErrorCode::InvitationPending
    );
    let bo = signed_up(&base, "bo@example.com", "Bo Member").await;
    // Invitations are listed (and accepted by id) once the email is verified.
    assert!(bo.my_invitations().await.unwrap().value.is_empty());
    let token = mailed_token(dir.path(), "bo@example.com", VERIFY_LINK_PREFIX).await;
    bo.verify_email(&token).await.unwrap();
    let waiting = bo.my_invitations().await.unwrap().value;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].org.name, "Acme");
    let joined = bo
        .accept_invitation(&waiting[0].id.to_string())
        .await
        .unwrap();
    assert_eq!(joined.role, Role::Member);
    let seen: Vec<_> = bo
        .all_projects(org)
        .await
        .unwrap()
        .value
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(seen, [site.id], "a scoped member sees only their projects");

    // Members: search, leaving, rejoining as admin by the link, ownership transfer.
    let found = owner
        .list_members(
            org,
            &MemberFilter {
                q: Some("bo".into()),
                role: None,
            },
            None,
            50,
        )
        .await
        .unwrap();
    assert_eq!(found.value.items.len(), 1);
    let bo_id = found.value.items[0].user.id;
    bo.leave_org(org).await.unwrap();
    let rejoin = CreateInvitationsRequest {
        emails: vec!["bo@example.com".into()],
        role: Role::Admin,
        project_scope: ProjectScope::All,
    };
    let again = owner.invite(org, &rejoin).await.unwrap();
    let token = again.invitations[0]
        .link
        .trim_start_matches("orgdesk://invite/")
        .to_owned();
    assert_eq!(
        bo.preview_invitation(&token).await.unwrap().role,
        Role::Admin
    );
    bo.accept_invitation(&token).await.unwrap();
    let now_owner_is = owner.transfer_ownership(org, bo_id).await.unwrap();
    assert_eq!(now_owner_is.role, Role::Admin);
    assert_eq!(code(bo.leave_org(org).await), ErrorCode::OwnerMustTransfer);

    // The audit log saw it all, and exports to a file.
    let page = owner
        .audit_log(org, &AuditFilter::default(), None, 100)
        .await
        .unwrap();
    let actions: Vec<&str> = page.value.items.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "org.created",
        "project.suspended",
        "invitation.accepted",
        "member.left",
        "org.ownership_transferred",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let out = dir.path().join("audit.csv");
    let mut reported = 0;
    let bytes = owner
        .export_audit_log(org, &AuditFilter::default(), ExportFormat::Csv, &out, |n| {
            reported = n
        })
        .await
        .unwrap();
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(bytes, csv.len() as u64);
    assert_eq!(reported, bytes);
    assert!(
        csv.lines().count() > actions.len(),
        "a header and a line per event"
    );
    assert!(csv.contains("project.suspended"));
    server.shutdown().await;
}
