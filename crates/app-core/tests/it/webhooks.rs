//! Webhooks through the core, against a real server on loopback: endpoints and their
//! deliveries read like any page (and answered from the local store offline), every change
//! made with the server only (offline it says so at once), and the notification when the
//! server turned an endpoint off after failures: once per time it did, across restarts.
//! Endpoints point at port 9 on loopback, where nothing listens.

use crate::common;

use common::proxy::Fault;
use common::world::{restore, sign_up_with_org, App, World};
use orgdesk_app_core::AppError;
use orgdesk_client::{OrgData, ReadScope};
use orgdesk_model::event::AuditAction;
use orgdesk_model::project::CreateProjectRequest;
use orgdesk_model::webhook::{CreateWebhookRequest, UpdateWebhookRequest};
use orgdesk_model::{ApiError, ErrorCode, OrgId, WebhookId};
use rusqlite::{params, Connection};

const NOWHERE: &str = "http://127.0.0.1:9/hook";

fn answered<T: std::fmt::Debug>(result: Result<T, AppError>) -> ApiError {
    ApiError::from(result.expect_err("fails"))
}

fn to_nowhere(events: Vec<AuditAction>) -> CreateWebhookRequest {
    CreateWebhookRequest {
        url: NOWHERE.into(),
        description: "CRM".into(),
        all_events: events.is_empty(),
        events,
        enabled: true,
    }
}

/// What the delivery worker does after three days of failures: the endpoint off, and why.
fn turned_off_by_the_server(world: &World, hook: WebhookId, failing_since_ms: i64) {
    let db = Connection::open(world.server_dir().join("orgdesk.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let changed = db
        .execute(
            "UPDATE webhooks SET enabled = 0, disabled_reason = 'failing', failure_streak = 40, \
             failing_since = ?1 WHERE id = ?2",
            params![failing_since_ms, hook.to_string()],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

fn notified(app: &App) -> Vec<String> {
    app.notified.0.lock().unwrap().clone()
}

async fn go_offline(world: &World, app: &App) {
    world.proxy.set(Fault::Refuse);
    assert!(!app.connectivity.check_now().await, "offline");
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoints_and_deliveries_through_the_core() {
    let world = World::new().await;
    let app = world.launch();
    let org: OrgId = sign_up_with_org(&world, &app, "ana@example.com").await;

    let catalogue = app.webhooks.events().await.unwrap();
    assert_eq!(catalogue.value.len(), AuditAction::ALL.len());
    assert!(app.webhooks.list(org).await.unwrap().value.is_empty());

    let created = app
        .webhooks
        .create(org, to_nowhere(vec![AuditAction::ProjectCreated]))
        .await
        .unwrap();
    assert!(created.secret.starts_with("whsec_"));
    let id = created.webhook.id;
    // The page showing the endpoints hears of it.
    let heard = app.heard.refreshed.lock().unwrap().clone();
    let webhooks_scope = ReadScope::OrgData {
        org_id: org,
        data: OrgData::Webhooks,
    };
    assert!(heard.iter().any(|scopes| scopes.contains(&webhooks_scope)));
    let listed = app.webhooks.list(org).await.unwrap();
    assert!(!listed.from_cache, "a change is read back from the server");
    assert_eq!(listed.value.len(), 1);
    assert_eq!(app.webhooks.get(org, id).await.unwrap().value.url, NOWHERE);

    let site = CreateProjectRequest {
        name: "Site".into(),
        ..Default::default()
    };
    world
        .direct("ana@example.com")
        .await
        .create_project(org, &site)
        .await
        .unwrap();
    let test = app.webhooks.send_test(org, id).await.unwrap();
    assert_eq!(test.event_type, AuditAction::WebhookTest);
    let page = app.webhooks.deliveries(org, id, None).await.unwrap();
    let types: Vec<_> = page.value.items.iter().map(|d| d.event_type).collect();
    assert_eq!(
        types,
        [AuditAction::WebhookTest, AuditAction::ProjectCreated]
    );
    let detail = app.webhooks.delivery(org, test.id).await.unwrap();
    assert_eq!(detail.value.payload["type"], "webhook.test");
    assert_eq!(
        app.webhooks.redeliver(org, test.id).await.unwrap().id,
        test.id
    );
    let rotated = app.webhooks.rotate_secret(org, id).await.unwrap();
    assert_ne!(rotated.secret, created.secret);
    let off = UpdateWebhookRequest {
        enabled: Some(false),
        ..Default::default()
    };
    assert!(!app.webhooks.update(org, id, off).await.unwrap().enabled);

    // Offline: what was seen answers from the store; changes say they need the server.
    app.webhooks.list(org).await.unwrap();
    go_offline(&world, &app).await;
    let remembered = app.webhooks.list(org).await.unwrap();
    assert!(remembered.from_cache);
    assert_eq!(remembered.value[0].id, id);
    assert!(
        app.webhooks
            .deliveries(org, id, None)
            .await
            .unwrap()
            .from_cache
    );
    assert!(
        app.webhooks
            .delivery(org, test.id)
            .await
            .unwrap()
            .from_cache
    );
    for (err, what) in [
        (
            answered(app.webhooks.create(org, to_nowhere(vec![])).await),
            "Adding a webhook",
        ),
        (
            answered(app.webhooks.send_test(org, id).await),
            "Sending a test event",
        ),
        (
            answered(app.webhooks.rotate_secret(org, id).await),
            "Rotating a webhook secret",
        ),
        (
            answered(app.webhooks.redeliver(org, test.id).await),
            "Redelivering an event",
        ),
        (
            answered(app.webhooks.delete(org, id).await),
            "Deleting a webhook",
        ),
    ] {
        assert_eq!(err.code, ErrorCode::ServerUnreachable, "{what}");
        assert!(err.message.contains(what), "{what}: {}", err.message);
    }

    world.proxy.set(Fault::None);
    assert!(app.connectivity.check_now().await);
    app.webhooks.delete(org, id).await.unwrap();
    assert!(app.webhooks.list(org).await.unwrap().value.is_empty());
    let refused = answered(app.webhooks.get(org, id).await);
    assert_eq!(refused.code, ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_turned_off_after_failures_is_announced_once_per_time() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;
    app.orgs.contexts().await.unwrap(); // the org's name, for the notification
    let id = app
        .webhooks
        .create(org, to_nowhere(vec![]))
        .await
        .unwrap()
        .webhook
        .id;
    app.webhooks.list(org).await.unwrap();
    assert!(notified(&app).is_empty(), "a working endpoint is no news");

    let three_days_ago = chrono::Utc::now().timestamp_millis() - 3 * 24 * 3600 * 1000;
    turned_off_by_the_server(&world, id, three_days_ago);
    // The page reads: the remembered list first, then what the background refresh brought.
    let mut tries = 0;
    while app.webhooks.list(org).await.unwrap().value[0].enabled {
        tries += 1;
        assert!(tries < 50, "the list never showed the endpoint off");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let once = notified(&app);
    assert_eq!(once.len(), 1, "{once:?}");
    assert!(once[0].contains(NOWHERE), "{}", once[0]);
    assert!(once[0].contains("Acme"), "{}", once[0]);
    assert!(once[0].contains("turn it on again"), "{}", once[0]);
    let opens = app.notified.1.lock().unwrap().clone();
    let webhooks_page = orgdesk_model::AppPage::SettingsWebhooks;
    assert_eq!(
        opens,
        [Some((org, webhooks_page))],
        "a click opens the org's webhooks"
    );

    // Read again, by the page or the watch, and after a restart: not told twice.
    app.webhooks.list(org).await.unwrap();
    app.alerts.check().await;
    assert_eq!(notified(&app).len(), 1);
    let later = world.launch();
    restore(&later).await;
    later.alerts.check().await;
    later.webhooks.list(org).await.unwrap();
    assert!(notified(&later).is_empty(), "announced before the restart");

    // Turned on again, failing again, turned off again: a new time, told again — by the
    // watch this time.
    let on = UpdateWebhookRequest {
        enabled: Some(true),
        ..Default::default()
    };
    let back = later.webhooks.update(org, id, on).await.unwrap();
    assert!(back.enabled && back.disabled_reason.is_none());
    assert_eq!(
        back.health.failure_streak, 0,
        "turning it on clears the streak"
    );
    turned_off_by_the_server(&world, id, three_days_ago + 60_000);
    later.alerts.check().await;
    assert_eq!(notified(&later).len(), 1, "{:?}", notified(&later));
}

/// The endpoints and the deliveries are two reads; a delivery made between them left the
/// endpoint's health behind ("No deliveries yet" beside a failed or delivered row) with
/// nothing to read it again. The deliveries now bring the endpoints along.
#[tokio::test(flavor = "multi_thread")]
async fn deliveries_newer_than_the_endpoint_bring_its_health_along() {
    let world = World::new().await;
    let app = world.launch();
    let org: OrgId = sign_up_with_org(&world, &app, "ana@example.com").await;
    let id = app
        .webhooks
        .create(org, to_nowhere(vec![AuditAction::ProjectCreated]))
        .await
        .unwrap()
        .webhook
        .id;
    let before = app.webhooks.list(org).await.unwrap();
    assert!(before.value[0].health.last_attempt_at.is_none());

    // A change made elsewhere: the server tries the endpoint (nothing listens on port 9).
    let direct = world.direct("ana@example.com").await;
    let site = CreateProjectRequest {
        name: "Site".into(),
        ..Default::default()
    };
    direct.create_project(org, &site).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let hooks = direct.webhooks(org).await.unwrap().value;
        if hooks[0].health.last_attempt_at.is_some() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no attempt in 20 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    app.heard.refreshed.lock().unwrap().clear();
    let page = app.webhooks.deliveries(org, id, None).await.unwrap();
    let attempt = page.value.items[0]
        .last_attempt
        .clone()
        .expect("an attempt");
    let webhooks_scope = ReadScope::OrgData {
        org_id: org,
        data: OrgData::Webhooks,
    };
    let heard = app.heard.refreshed.lock().unwrap().clone();
    assert!(
        heard.iter().any(|scopes| scopes.contains(&webhooks_scope)),
        "the endpoints' page is not told: {heard:?}"
    );
    let after = app.webhooks.list(org).await.unwrap();
    assert!(!after.from_cache, "the endpoints are read from the server");
    assert_eq!(after.value[0].health.last_attempt_at, Some(attempt.at));

    // Now the two agree: reading the deliveries again tells nobody.
    app.heard.refreshed.lock().unwrap().clear();
    app.webhooks.deliveries(org, id, None).await.unwrap();
    let heard = app.heard.refreshed.lock().unwrap().clone();
    assert!(
        !heard.iter().any(|scopes| scopes.contains(&webhooks_scope)),
        "told again: {heard:?}"
    );
}
