//! The payment commands through Tauri's mock IPC against a real server in the built-in
//! `local` payment mode: billing details kept (a wrong field named), no payments, and the
//! card page refused as `payments_not_configured` before any window opens. Needs the
//! server's payment routes (issue 10).

use crate::common;

use std::sync::Arc;

use common::{app, invoke, server};
use orgdesk_app_core::secrets::MemorySecrets;
use serde_json::{json, Value};

fn value(answer: &Value) -> Value {
    match answer.get("value") {
        Some(v) => v.clone(),
        None => panic!("no value in {answer}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn payment_commands_are_wired() {
    let (server, _server_dir) = server().await;
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

    let profile = invoke(&window, "get_billing_profile", json!({"orgId": org_id})).unwrap();
    assert_eq!(value(&profile)["company_name"], Value::Null, "{profile}");
    let wanted = json!({"billing_email": "billing@acme.example", "company_name": "Acme GmbH",
        "address_line1": null, "address_line2": null, "city": "Berlin", "postal_code": null,
        "country": "DE", "tax_id": null});
    let saved = invoke(
        &window,
        "update_billing_profile",
        json!({"orgId": org_id, "profile": wanted}),
    )
    .unwrap();
    assert_eq!(saved["status"], "applied", "{saved}");
    assert_eq!(saved["value"]["company_name"], "Acme GmbH");
    let mut wrong = wanted.clone();
    wrong["country"] = json!("Germany");
    let err = invoke(
        &window,
        "update_billing_profile",
        json!({"orgId": org_id, "profile": wrong}),
    )
    .unwrap_err();
    assert_eq!(err["field"], "country", "{err}");

    let payments = invoke(
        &window,
        "list_payments",
        json!({"orgId": org_id, "cursor": null}),
    )
    .unwrap();
    assert_eq!(value(&payments)["items"], json!([]));

    let err = invoke(
        &window,
        "add_card",
        json!({"orgId": org_id, "current": null}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "payments_not_configured", "{err}");
    assert!(
        tauri::Manager::get_webview_window(&app, orgdesk_app::card_window::LABEL).is_none(),
        "no card window without a card page"
    );
    invoke(&window, "close_card_window", json!({})).unwrap();
}
