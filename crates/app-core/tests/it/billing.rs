//! Billing through the services: retried top-ups, and low-balance notifications.

use crate::common;

use common::world::{sign_up, World};
use orgdesk_app_core::outbox::Outcome;
use orgdesk_model::api_key::{ApiKeyScope, CreateApiKeyRequest};
use orgdesk_model::billing::TopUpRequest;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::CreateProjectRequest;
use serde_json::json;

fn applied<T: std::fmt::Debug>(outcome: Outcome<T>) -> T {
    match outcome {
        Outcome::Applied { value } => value,
        queued => panic!("not applied at once: {queued:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn top_up_is_retry_safe_and_a_low_balance_is_announced_once() {
    let world = World::new().await;
    let app = world.launch();
    let url = world.server.base_url();
    sign_up(&app, &url, "ana@example.com").await;
    let acme = CreateOrgRequest {
        name: "Acme".into(),
        ..Default::default()
    };
    let org = app.orgs.create(acme).await.unwrap().org.id;
    app.orgs.contexts().await.unwrap();
    let site = CreateProjectRequest {
        name: "Site".into(),
        ..Default::default()
    };
    applied(app.projects.create(org, site).await.unwrap());

    let top_up = TopUpRequest {
        amount: 300,
        payment_reference: None,
    };
    let first = applied(
        app.billing
            .top_up(org, top_up.clone(), "retry-me".into())
            .await
            .unwrap(),
    );
    let retried = applied(
        app.billing
            .top_up(org, top_up, "retry-me".into())
            .await
            .unwrap(),
    );
    assert_eq!(
        serde_json::to_value(first).unwrap(),
        serde_json::to_value(retried).unwrap(),
        "a retried top-up is the same top-up"
    );
    applied(
        app.billing
            .set_low_balance_threshold(org, Some(250))
            .await
            .unwrap(),
    );

    let input = CreateApiKeyRequest {
        name: "CI".into(),
        project_id: None,
        scopes: vec![ApiKeyScope::UsageWrite],
        expires_at: None,
    };
    let key = app.api_keys.create(org, input).await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{url}/v1/usage"))
        .bearer_auth(key.secret)
        .header("Idempotency-Key", "u-1")
        .json(&json!({"project": "site", "modality": "image", "quantity": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);

    let billing = app.billing.summary(org).await.unwrap().value;
    assert!(billing.balance < 250);
    assert!(billing.low_balance_alert.is_some());
    app.billing.summary(org).await.unwrap();
    let shown = app.notified.0.lock().unwrap().clone();
    assert_eq!(shown.len(), 1, "announced once: {shown:?}");
    assert!(shown[0].contains("Acme"), "{shown:?}");
    let opens = app.notified.1.lock().unwrap().clone();
    assert_eq!(
        opens,
        [Some((org, orgdesk_model::AppPage::Billing))],
        "a click opens its billing"
    );

    // The tray marks it, from what this computer remembers.
    app.orgs.contexts().await.unwrap();
    let tray = app.tray.list().await;
    let names: Vec<&str> = tray.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Personal", "Acme"]);
    assert!(tray[1].low_balance && !tray[0].low_balance, "{tray:?}");
    assert_eq!(tray[1].text(), "Acme — Owner · ⚠ low balance");
}
