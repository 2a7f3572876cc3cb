//! The webhook commands through Tauri's mock IPC against a real server that lets webhooks
//! reach loopback: every command answers what the UI expects, and a refused URL names its
//! field. (What they do is tested without Tauri in `crates/app-core/tests/webhooks.rs`.)

use crate::common;

use std::sync::Arc;

use common::{app, invoke};
use orgdesk_app_core::secrets::MemorySecrets;
use orgdesk_server::webhooks::WebhookConfig;
use serde_json::{json, Value};

/// Port 9 on loopback: nothing listens there.
const NOWHERE: &str = "http://127.0.0.1:9/hook";

fn value(answer: &Value) -> Value {
    match answer.get("value") {
        Some(v) => v.clone(),
        None => panic!("no value in {answer}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_commands_are_wired() {
    let server_dir = tempfile::tempdir().unwrap();
    let config = orgdesk_server::Config {
        webhooks: WebhookConfig::open(),
        ..orgdesk_server::Config::local(server_dir.path())
    };
    let server = orgdesk_server::spawn(config).await.unwrap();
    let app_dir = tempfile::tempdir().unwrap();
    let app = app(app_dir.path(), Arc::new(MemorySecrets::default()));
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let input = json!({"server_url": server.base_url(), "email": "ana@example.com",
        "password": "correct horse battery", "display_name": "Ana Lima"});
    invoke(&window, "sign_up", json!({ "input": input })).expect("signed up");
    let org = invoke(&window, "create_org", json!({"input": {"name": "Acme"}})).unwrap();
    let org_id = org["org"]["id"].clone();

    let events = invoke(&window, "webhook_events", json!({})).unwrap();
    let first = &value(&events)[0];
    assert!(
        first["type"].is_string() && first["area_label"].is_string(),
        "{first}"
    );

    let err = invoke(
        &window,
        "create_webhook",
        json!({"orgId": org_id, "input": {"url": "ftp://127.0.0.1/hook", "all_events": true}}),
    )
    .unwrap_err();
    assert_eq!(err["field"], "url", "{err}");

    let created = invoke(
        &window,
        "create_webhook",
        json!({"orgId": org_id, "input": {"url": NOWHERE, "events": ["project.created"]}}),
    )
    .unwrap();
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    let hook = created["webhook"]["id"].clone();
    let list = invoke(&window, "list_webhooks", json!({"orgId": org_id})).unwrap();
    assert_eq!(value(&list)[0]["id"], hook, "{list}");
    let one = invoke(
        &window,
        "get_webhook",
        json!({"orgId": org_id, "webhookId": hook}),
    )
    .unwrap();
    assert_eq!(value(&one)["events"], json!(["project.created"]));

    let changed = invoke(
        &window,
        "update_webhook",
        json!({"orgId": org_id, "webhookId": hook, "input": {"description": "CRM"}}),
    )
    .unwrap();
    assert_eq!(changed["description"], "CRM");

    let test = invoke(
        &window,
        "send_test_webhook",
        json!({"orgId": org_id, "webhookId": hook}),
    )
    .unwrap();
    assert_eq!(test["event_type"], "webhook.test");
    let page = invoke(
        &window,
        "list_webhook_deliveries",
        json!({"orgId": org_id, "webhookId": hook, "cursor": null}),
    )
    .unwrap();
    assert_eq!(value(&page)["items"][0]["id"], test["id"], "{page}");
    let detail = invoke(
        &window,
        "get_webhook_delivery",
        json!({"orgId": org_id, "deliveryId": test["id"]}),
    )
    .unwrap();
    assert_eq!(value(&detail)["payload"]["type"], "webhook.test");
    let again = invoke(
        &window,
        "redeliver_webhook",
        json!({"orgId": org_id, "deliveryId": test["id"]}),
    )
    .unwrap();
    assert_eq!(again["id"], test["id"]);
    let rotated = invoke(
        &window,
        "rotate_webhook_secret",
        json!({"orgId": org_id, "webhookId": hook}),
    )
    .unwrap();
    assert_ne!(rotated["secret"], created["secret"]);
    assert!(rotated["previous_expires_at"].is_string());

    invoke(
        &window,
        "delete_webhook",
        json!({"orgId": org_id, "webhookId": hook}),
    )
    .unwrap();
    let list = invoke(&window, "list_webhooks", json!({"orgId": org_id})).unwrap();
    assert_eq!(value(&list), json!([]));
}
