//! The commands through Tauri's mock IPC, against a real server on loopback: what the UI
//! sends is parsed, run and answered exactly as in the app. (What the commands do is tested
//! without Tauri in `crates/app-core/tests`; these prove the commands are wired to it.)

use crate::common;

use std::sync::Arc;

use common::{app, invoke, server};
use orgdesk_app_core::secrets::{MemorySecrets, SecretStore};
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, WebviewWindow};

struct Harness {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    server_url: String,
    server_dir: std::path::PathBuf,
    _server: orgdesk_server::RunningServer,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

async fn harness(secrets: Arc<dyn SecretStore>) -> Harness {
    let (server, server_dir) = server().await;
    let app_dir = tempfile::tempdir().unwrap();
    let app = app(app_dir.path(), secrets);
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        server_url: server.base_url(),
        server_dir: server_dir.path().to_path_buf(),
        _app: app,
        window,
        _server: server,
        _dirs: (server_dir, app_dir),
    }
}

fn sign_up(h: &Harness, email: &str) -> Value {
    let input = json!({"server_url": h.server_url, "email": email,
        "password": "correct horse battery", "display_name": "Ana Lima"});
    invoke(&h.window, "sign_up", json!({ "input": input })).expect("signed up")
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_create_switch_and_sign_out() {
    let secrets = Arc::new(MemorySecrets::default());
    let h = harness(secrets.clone()).await;
    let session = sign_up(&h, "ana@example.com");
    assert_eq!(session["me"]["user"]["email"], "ana@example.com");
    assert_eq!(session["token_storage"]["kind"], "memory_only");
    let user_id = session["me"]["user"]["id"].as_str().unwrap().to_owned();
    let key = format!("{}#{}", h.server_url, user_id);
    assert!(
        secrets.get(&key).unwrap().is_some(),
        "token kept under {key}"
    );

    let created = invoke(
        &h.window,
        "create_org",
        json!({"input": {"name": "Café Zürich"}}),
    )
    .expect("org created");
    assert_eq!(created["org"]["slug"], "cafe-zurich");
    assert_eq!(created["role"], "owner");

    let contexts = fresh(invoke(&h.window, "list_contexts", json!({})).unwrap());
    let kinds: Vec<&str> = contexts
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["org"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["personal", "organization"]);

    let org_id = created["org"]["id"].clone();
    let location = json!({"org_id": org_id, "page": "settings/general"});
    invoke(&h.window, "save_location", json!({ "location": location })).unwrap();
    let startup = invoke(&h.window, "restore_session", json!({})).unwrap();
    assert_eq!(startup["session"]["location"], location);

    // The portfolio: both contexts, and the org just visited says so.
    let rows = fresh(invoke(&h.window, "portfolio", json!({})).unwrap());
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["org"]["membership"]["org"]["id"], org_id);
    assert_eq!(rows[1]["org"]["balance"], 0);
    assert_eq!(rows[1]["queued_changes"], 0);
    assert!(rows[1]["last_visited"].is_string(), "{}", rows[1]);
    assert!(rows[0]["last_visited"].is_null(), "{}", rows[0]);

    invoke(&h.window, "sign_out", json!({})).unwrap();
    assert!(
        secrets.get(&key).unwrap().is_none(),
        "token removed at sign-out"
    );
    let err = invoke(&h.window, "list_contexts", json!({})).unwrap_err();
    assert_eq!(err["code"], "not_signed_in");
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_update_is_a_version_conflict_and_errors_name_their_field() {
    let h = harness(Arc::new(MemorySecrets::default())).await;
    sign_up(&h, "bo@example.com");
    let org = invoke(&h.window, "create_org", json!({"input": {"name": "Acme"}})).unwrap();
    let id = org["org"]["id"].clone();
    let v = org["org"]["version"].as_i64().unwrap();
    let first = json!({"orgId": id, "expectedVersion": v, "patch": {"name": "Acme One"}});
    let updated = applied(invoke(&h.window, "update_org", first).unwrap());
    assert_eq!(updated["org"]["name"], "Acme One");

    let stale = json!({"orgId": id, "expectedVersion": v, "patch": {"name": "Acme Two"}});
    let err = invoke(&h.window, "update_org", stale).unwrap_err();
    assert_eq!(err["code"], "version_conflict");

    let bad_slug = json!({"input": {"name": "X", "slug": "billing"}});
    let err = invoke(&h.window, "create_org", bad_slug).unwrap_err();
    assert_eq!(err["code"], "validation_failed");
    assert_eq!(err["field"], "slug");

    let gif = json!({"orgId": id, "contentType": "image/gif", "dataBase64": "R0lGODlh"});
    let err = invoke(&h.window, "upload_logo", gif).unwrap_err();
    assert_eq!(err["field"], "logo");

    let wrong = json!({"input": {"server_url": h.server_url, "email": "bo@example.com",
        "password": "not the password"}});
    let err = invoke(&h.window, "sign_in", wrong).unwrap_err();
    assert_eq!(err["code"], "invalid_credentials");
}

#[test]
fn the_theme_is_kept_in_the_preferences_file_for_the_next_launch() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), Arc::new(MemorySecrets::default()));
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    assert_eq!(invoke(&window, "get_theme", json!({})).unwrap(), "system");
    invoke(&window, "set_theme", json!({"theme": "dark"})).unwrap();
    assert_eq!(invoke(&window, "get_theme", json!({})).unwrap(), "dark");
    let err = invoke(&window, "set_theme", json!({"theme": "sepia"})).unwrap_err();
    assert!(
        err.to_string().contains("sepia"),
        "an unknown theme is refused: {err}"
    );
    let prefs: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("prefs.json")).unwrap()).unwrap();
    assert_eq!(prefs["theme"], "dark");
}

#[test]
fn slug_preview_and_field_checks_use_the_shared_rules() {
    let app = app(
        tempfile::tempdir().unwrap().path(),
        Arc::new(MemorySecrets::default()),
    );
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let slug = invoke(&window, "preview_slug", json!({"name": "Café Zürich"})).unwrap();
    assert_eq!(slug, "cafe-zurich");
    let input = json!({"name": "", "slug": "a", "website": "ftp://x"});
    let errors = invoke(&window, "check_org_fields", json!({ "input": input })).unwrap();
    let fields: Vec<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "slug", "website"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn team_commands_invite_accept_and_scope() {
    let h = harness(Arc::new(MemorySecrets::default())).await;
    sign_up(&h, "ana@example.com");
    let org = invoke(&h.window, "create_org", json!({"input": {"name": "Acme"}})).unwrap();
    let org_id = org["org"]["id"].clone();
    let site = applied(
        invoke(
            &h.window,
            "create_project",
            json!({"orgId": org_id, "input": {"name": "Site"}}),
        )
        .unwrap(),
    );
    applied(
        invoke(
            &h.window,
            "create_project",
            json!({"orgId": org_id, "input": {"name": "App"}}),
        )
        .unwrap(),
    );
    let reason = json!({"orgId": org_id, "projectId": site["id"], "reason": "Unpaid invoice"});
    let suspended = applied(invoke(&h.window, "suspend_project", reason).unwrap());
    assert_eq!(suspended["status"], "suspended");

    let input = json!({"emails": ["bo@example.com"], "role": "member",
        "project_scope": {"kind": "projects", "ids": [site["id"]]}});
    let issued = applied(
        invoke(
            &h.window,
            "invite_members",
            json!({"orgId": org_id, "input": input}),
        )
        .unwrap(),
    );
    assert!(issued["invitations"][0]["link"]
        .as_str()
        .unwrap()
        .starts_with("orgdesk://invite/"));
    let pending = fresh(invoke(&h.window, "list_invitations", json!({"orgId": org_id})).unwrap());
    assert_eq!(pending.as_array().unwrap().len(), 1);
    invoke(&h.window, "sign_out", json!({})).unwrap();

    let input = json!({"server_url": h.server_url, "email": "bo@example.com",
        "password": "correct horse battery", "display_name": "Bo"});
    invoke(&h.window, "sign_up", json!({ "input": input })).unwrap();
    // Invitations are shown to proven addresses only: Bo follows his verification link.
    common::verify_mailed_address(&h.server_url, &h.server_dir, "bo@example.com").await;
    let waiting = fresh(invoke(&h.window, "my_invitations", json!({})).unwrap());
    let id = waiting[0]["id"].as_str().unwrap().to_owned();
    let joined = invoke(&h.window, "accept_invitation", json!({"tokenOrId": id})).unwrap();
    assert_eq!(joined["role"], "member");
    let projects = fresh(invoke(&h.window, "list_projects", json!({"orgId": org_id})).unwrap());
    let names: Vec<&str> = projects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Site"], "a scoped member sees only their project");
    assert_eq!(projects[0]["suspended_reason"], "Unpaid invoice");
    let err = invoke(&h.window, "list_invitations", json!({"orgId": org_id})).unwrap_err();
    assert_eq!(err["code"], "forbidden");
    invoke(&h.window, "leave_org", json!({"orgId": org_id})).unwrap();
    let contexts = fresh(invoke(&h.window, "list_contexts", json!({})).unwrap());
    assert_eq!(
        contexts.as_array().unwrap().len(),
        1,
        "only Personal is left"
    );
}

#[test]
fn a_deep_link_waits_until_the_ui_takes_it() {
    let app = app(
        tempfile::tempdir().unwrap().path(),
        Arc::new(MemorySecrets::default()),
    );
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    assert_eq!(
        invoke(&window, "take_deep_link", json!({})).unwrap(),
        Value::Null
    );
    let url = "orgdesk://org/acme/members".parse().unwrap();
    orgdesk_app::deeplink::arrived(app.handle(), &[url]);
    let link = invoke(&window, "take_deep_link", json!({})).unwrap();
    assert_eq!(
        link,
        json!({"kind": "org", "slug": "acme", "page": "members"})
    );
    assert_eq!(
        invoke(&window, "take_deep_link", json!({})).unwrap(),
        Value::Null,
        "taken once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn billing_api_key_audit_and_outbox_commands_are_wired() {
    let h = harness(Arc::new(MemorySecrets::default())).await;
    sign_up(&h, "ana@example.com");
    let org = invoke(&h.window, "create_org", json!({"input": {"name": "Acme"}})).unwrap();
    let org_id = org["org"]["id"].clone();

    let top_up = json!({"orgId": org_id, "input": {"amount": 300, "payment_reference": null},
        "requestId": "retry-me"});
    let first = applied(invoke(&h.window, "top_up", top_up.clone()).unwrap());
    let retried = applied(invoke(&h.window, "top_up", top_up).unwrap());
    assert_eq!(first, retried, "a retried top-up is the same top-up");
    let threshold = json!({"orgId": org_id, "threshold": 250});
    let summary = applied(invoke(&h.window, "set_low_balance_threshold", threshold).unwrap());
    assert_eq!(summary["low_balance_threshold"], 250, "{summary}");
    let billing = fresh(invoke(&h.window, "get_billing", json!({"orgId": org_id})).unwrap());
    assert_eq!(billing["balance"], 300);
    let filter = json!({"orgId": org_id, "filter": {}, "cursor": null});
    let ledger = fresh(invoke(&h.window, "ledger", filter).unwrap());
    assert_eq!(ledger["items"].as_array().unwrap().len(), 1);
    let rates = fresh(invoke(&h.window, "rate_card", json!({})).unwrap());
    assert!(!rates["rates"].as_array().unwrap().is_empty());

    let input = json!({"name": "CI", "project_id": null, "scopes": ["usage:write"]});
    let key = invoke(
        &h.window,
        "create_api_key",
        json!({"orgId": org_id, "input": input}),
    )
    .unwrap();
    assert!(key["secret"].is_string());
    let keys = fresh(invoke(&h.window, "list_api_keys", json!({"orgId": org_id})).unwrap());
    assert_eq!(keys.as_array().unwrap().len(), 1);
    let filter = json!({"orgId": org_id, "filter": {}, "cursor": null});
    let events = fresh(invoke(&h.window, "audit_log", filter).unwrap());
    assert!(!events["items"].as_array().unwrap().is_empty());

    let status = invoke(&h.window, "check_connection", json!({})).unwrap();
    assert_eq!(status["online"], true);
    assert_eq!(status["durable"], true);
    let status = invoke(&h.window, "connectivity_status", json!({})).unwrap();
    assert_eq!(status["queued"], 0);
    let waiting = invoke(&h.window, "list_outbox", json!({})).unwrap();
    assert_eq!(waiting, json!([]));
    let err = invoke(&h.window, "keep_mine", json!({"id": 1})).unwrap_err();
    assert_eq!(err["field"], "change");
}

/// A read's value (reads answer `Fresh { value, as_of, from_cache }`).
fn fresh(answer: Value) -> Value {
    assert!(answer["as_of"].is_string(), "{answer}");
    answer["value"].clone()
}

/// A write applied at once (online writes are not queued).
fn applied(answer: Value) -> Value {
    assert_eq!(answer["status"], "applied", "{answer}");
    answer["value"].clone()
}
