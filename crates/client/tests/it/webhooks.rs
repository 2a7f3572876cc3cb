//! The client's webhook routes against the real server on loopback: the catalogue, an
//! endpoint from creation to deletion (its secret once, a change writing a delivery, a
//! test, the deliveries list and a delivery's detail, redelivery, rotation), the outbound
//! guard's refusal on the `url` field, and who may do what. Endpoints point at port 9 on
//! loopback, where nothing listens: nothing leaves the machine.

use crate::common;

use orgdesk_client::{Client, ClientError};
use orgdesk_model::auth::SignupRequest;
use orgdesk_model::event::{AuditAction, EventArea};
use orgdesk_model::invitation::CreateInvitationsRequest;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::{CreateProjectRequest, ProjectScope};
use orgdesk_model::webhook::{CreateWebhookRequest, DeliveryStatus, UpdateWebhookRequest};
use orgdesk_model::{ErrorCode, OrgId, Role};
use orgdesk_server::webhooks::WebhookConfig;
use orgdesk_server::{Config, RunningServer};
use tempfile::TempDir;

const NOWHERE: &str = "http://127.0.0.1:9/hook";

async fn server(webhooks: WebhookConfig) -> (TempDir, RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        webhooks,
        ..Config::local(dir.path())
    };
    (dir, orgdesk_server::spawn(config).await.unwrap())
}

async fn signed_up(base: &str, email: &str, name: &str) -> Client {
    let client = Client::new(base).unwrap();
    let request = SignupRequest {
        email: email.into(),
        password: common::PASSWORD.into(),
        display_name: name.into(),
    };
    let grant = client.signup(&request).await.unwrap();
    client.with_token(grant.token)
}

async fn org_of(owner: &Client, name: &str) -> OrgId {
    let input = CreateOrgRequest {
        name: name.into(),
        ..Default::default()
    };
    owner.create_org(&input).await.unwrap().org.id
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

fn to(url: &str, events: Vec<AuditAction>) -> CreateWebhookRequest {
    CreateWebhookRequest {
        url: url.into(),
        description: "CRM".into(),
        all_events: events.is_empty(),
        events,
        enabled: true,
    }
}

#[tokio::test]
async fn an_endpoint_from_creation_to_deletion() {
    let (_dir, server) = server(WebhookConfig::open()).await;
    let base = server.base_url();
    let ana = signed_up(&base, "ana@example.com", "Ana").await;
    let org = org_of(&ana, "Acme").await;

    let catalogue = ana.webhook_events().await.unwrap().value;
    assert_eq!(catalogue.len(), AuditAction::ALL.len());
    let created_info = catalogue
        .iter()
        .find(|e| e.event == AuditAction::ProjectCreated)
        .unwrap();
    assert_eq!(created_info.area, EventArea::Project);
    assert_eq!(created_info.label, "Project created");

    let created = ana
        .create_webhook(org, &to(NOWHERE, vec![AuditAction::ProjectCreated]))
        .await
        .unwrap();
    assert!(created.secret.starts_with("whsec_"), "{}", created.secret);
    let hook = created.webhook;
    assert_eq!(hook.url, NOWHERE);
    assert_eq!(hook.events, vec![AuditAction::ProjectCreated]);
    assert!(hook.enabled && !hook.all_events);
    let listed = ana.webhooks(org).await.unwrap().value;
    assert_eq!(listed.iter().map(|h| h.id).collect::<Vec<_>>(), [hook.id]);
    assert_eq!(ana.webhook(org, hook.id).await.unwrap().value, hook);

    // A change it is subscribed to writes a delivery, with the event's type.
    let site = CreateProjectRequest {
        name: "Site".into(),
        ..Default::default()
    };
    ana.create_project(org, &site).await.unwrap();
    let test = ana.test_webhook(org, hook.id).await.unwrap();
    assert_eq!(test.event_type, AuditAction::WebhookTest);
    assert_eq!(test.webhook_id, hook.id);
    let page = ana
        .webhook_deliveries(org, hook.id, None, 50)
        .await
        .unwrap()
        .value;
    let types: Vec<_> = page.items.iter().map(|d| d.event_type).collect();
    assert_eq!(
        types,
        [AuditAction::WebhookTest, AuditAction::ProjectCreated],
        "newest first"
    );
    // Paged: one at a time, the cursor leads to the next.
    let first = ana
        .webhook_deliveries(org, hook.id, None, 1)
        .await
        .unwrap()
        .value;
    assert_eq!(first.items.len(), 1);
    let cursor = first.next_cursor.expect("a second page");
    let second = ana
        .webhook_deliveries(org, hook.id, Some(&cursor), 1)
        .await
        .unwrap()
        .value;
    assert_eq!(second.items[0].event_type, AuditAction::ProjectCreated);

    let detail = ana.webhook_delivery(org, test.id).await.unwrap().value;
    assert_eq!(detail.delivery.id, test.id);
    assert_eq!(detail.payload["type"], "webhook.test");
    assert_eq!(detail.payload["data"]["org_id"], org.to_string());
    let again = ana.redeliver_webhook(org, test.id).await.unwrap();
    assert_eq!(again.id, test.id, "a redelivery keeps its webhook-id");
    assert_eq!(again.status, DeliveryStatus::Pending);

    let rotated = ana.rotate_webhook_secret(org, hook.id).await.unwrap();
    assert!(rotated.secret.starts_with("whsec_"));
    assert_ne!(rotated.secret, created.secret);
    assert_eq!(
        rotated.webhook.previous_secret_expires_at,
        Some(rotated.previous_expires_at)
    );

    let change = UpdateWebhookRequest {
        description: Some("Finance".into()),
        all_events: Some(true),
        enabled: Some(false),
        ..Default::default()
    };
    let changed = ana.update_webhook(org, hook.id, &change).await.unwrap();
    assert_eq!(changed.description, "Finance");
    assert!(changed.all_events && !changed.enabled);
    assert_eq!(changed.url, NOWHERE, "what was not sent stays");

    ana.delete_webhook(org, hook.id).await.unwrap();
    assert!(ana.webhooks(org).await.unwrap().value.is_empty());
    assert_eq!(code(ana.webhook(org, hook.id).await), ErrorCode::NotFound);
    assert_eq!(
        code(ana.delete_webhook(org, hook.id).await),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn refusals_name_their_field_and_only_owners_and_admins_manage_endpoints() {
    let (dir, server) = server(WebhookConfig::default()).await;
    let base = server.base_url();
    let ana = signed_up(&base, "ana@example.com", "Ana").await;
    let org = org_of(&ana, "Acme").await;

    // A server that is not opened sends to no plain-http or loopback address.
    for url in [NOWHERE, "https://127.0.0.1/hook"] {
        let refused = ana
            .create_webhook(org, &to(url, vec![]))
            .await
            .expect_err(url);
        let ClientError::Api(problem) = refused else {
            panic!("{url}: {refused:?}");
        };
        assert_eq!(problem.code, ErrorCode::WebhookUrlNotAllowed, "{url}");
        assert_eq!(problem.field.as_deref(), Some("url"), "{url}");
    }
    let none_chosen = CreateWebhookRequest {
        all_events: false,
        ..to("https://127.0.0.1/hook", vec![])
    };
    assert_eq!(
        code(ana.create_webhook(org, &none_chosen).await),
        ErrorCode::ValidationFailed
    );

    // Bo joins as a member: no webhooks for him. Cy, of another org, is told it is not there.
    let invite = CreateInvitationsRequest {
        emails: vec!["bo@example.com".into()],
        role: Role::Member,
        project_scope: ProjectScope::All,
    };
    let issued = ana.invite(org, &invite).await.unwrap();
    let bo = signed_up(&base, "bo@example.com", "Bo").await;
    let token = issued.invitations[0]
        .link
        .trim_start_matches("orgdesk://invite/")
        .to_owned();
    bo.accept_invitation(&token).await.unwrap();
    assert_eq!(code(bo.webhooks(org).await), ErrorCode::Forbidden);
    assert_eq!(
        code(bo.create_webhook(org, &to(NOWHERE, vec![])).await),
        ErrorCode::Forbidden
    );
    let cy = signed_up(&base, "cy@example.com", "Cy").await;
    assert_eq!(code(cy.webhooks(org).await), ErrorCode::NotFound);
    // Anyone signed in reads the catalogue.
    assert!(!bo.webhook_events().await.unwrap().value.is_empty());
    drop(dir);
}
