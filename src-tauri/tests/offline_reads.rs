//! Offline through the commands the UI calls: pages seen before answer from the local
//! store with their "as of" time, pages never seen and online-only operations fail at once
//! with a clear message, and billing exports are made from the store with their time in
//! the file.

mod common;

use std::time::Duration;

use common::proxy::Fault;
use common::world::{sign_up_with_org, top_up, World};
use common::{invoke, window};
use orgdesk_app::outbox::Outcome;
use orgdesk_app::state::AppState;
use orgdesk_client::Period;
use orgdesk_model::usage::UsageGroup;
use orgdesk_model::OrgId;
use serde_json::{json, Value};

async fn go_offline(world: &World, state: &AppState) {
    world.proxy.set(Fault::Refuse);
    assert!(
        !state.check_connection().await,
        "the server is out of reach"
    );
    assert!(!state.connectivity_status().await.online);
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_seen_before_answer_offline_and_online_only_work_fails_at_once() {
    let world = World::new().await;
    let (app, state) = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com");
    let w = window(&app);
    let org_arg = json!({ "orgId": org });
    let seen = invoke(&w, "list_projects", org_arg.clone()).unwrap();
    assert_eq!(seen["from_cache"], false);
    invoke(&w, "list_contexts", json!({})).unwrap();

    go_offline(&world, &state).await;
    let cached = invoke(&w, "list_projects", org_arg.clone()).unwrap();
    assert_eq!(cached["from_cache"], true);
    assert_eq!(
        cached["as_of"], seen["as_of"],
        "says when the server said it"
    );
    let contexts = invoke(&w, "list_contexts", json!({})).unwrap();
    assert_eq!(
        contexts["value"].as_array().unwrap().len(),
        2,
        "Personal and Acme"
    );

    let unseen = invoke(&w, "get_overview", org_arg.clone()).unwrap_err();
    assert_eq!(unseen["code"], "server_unreachable");
    assert!(unseen["message"]
        .as_str()
        .unwrap()
        .contains("not been opened"));
    for (cmd, args, what) in [
        (
            "accept_invitation",
            json!({"tokenOrId": "x"}),
            "Accepting an invitation",
        ),
        ("leave_org", org_arg.clone(), "Leaving an organization"),
        (
            "change_plan",
            json!({"orgId": org, "plan": "team"}),
            "Changing the plan",
        ),
    ] {
        let err = invoke(&w, cmd, args).unwrap_err();
        assert_eq!(err["code"], "server_unreachable", "{cmd}");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains(what), "{cmd}: {message}");
    }

    // A queued write answers at once too, and says so.
    let renamed = json!({"orgId": org, "expectedVersion": 1, "patch": {"name": "Acme Two"}});
    let queued = invoke(&w, "update_org", renamed).unwrap();
    assert_eq!(queued["status"], "queued", "{queued}");
    assert_eq!(
        queued["change"]["summary"],
        "Change the organization's name to “Acme Two”"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_after_a_change_asks_the_server_first_but_keeps_the_old_answer_offline() {
    let world = World::new().await;
    let (app, state) = world.launch();
    let org = sign_up_with_org(&world, &app, "bo@example.com");
    let w = window(&app);
    let before = invoke(&w, "get_billing", json!({ "orgId": org })).unwrap();
    assert_eq!(before["value"]["balance"], 0);

    let added: Outcome<Value> = state.submit(top_up(org, 70), None).await.unwrap();
    assert!(matches!(added, Outcome::Applied { .. }));
    let after = invoke(&w, "get_billing", json!({ "orgId": org })).unwrap();
    assert_eq!(
        after["value"]["balance"], 70,
        "not the answer from before the top-up"
    );
    assert_eq!(after["from_cache"], false);

    let _: Outcome<Value> = state.submit(top_up(org, 5), None).await.unwrap();
    go_offline(&world, &state).await;
    let offline = invoke(&w, "get_billing", json!({ "orgId": org })).unwrap();
    assert_eq!(
        offline["value"]["balance"], 70,
        "the last answer is still there offline"
    );
    assert_eq!(offline["from_cache"], true);
}

/// Records metered usage through an API key, as a customer's service would.
async fn meter(world: &World, org: OrgId) {
    let direct = world.direct("cy@example.com").await;
    let project = direct
        .create_project(
            org,
            &orgdesk_model::project::CreateProjectRequest {
                name: "Site".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let key = direct
        .create_api_key(
            org,
            &orgdesk_model::api_key::CreateApiKeyRequest {
                name: "CI".into(),
                project_id: None,
                scopes: vec![orgdesk_model::api_key::ApiKeyScope::UsageWrite],
            },
        )
        .await
        .unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/usage", world.server.base_url()))
        .bearer_auth(key.secret)
        .header("Idempotency-Key", "u-1")
        .json(&json!({"project": project.slug, "modality": "image", "quantity": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
}

#[tokio::test(flavor = "multi_thread")]
async fn billing_exports_are_made_from_the_store_offline_with_their_time() {
    let world = World::new().await;
    let (app, state) = world.launch();
    let org = sign_up_with_org(&world, &app, "cy@example.com");
    let _: Outcome<Value> = state.submit(top_up(org, 500), None).await.unwrap();
    meter(&world, org).await;
    let w = window(&app);
    let report = invoke(
        &w,
        "usage_report",
        json!({"orgId": org, "from": null, "to": null, "groupBy": "project"}),
    )
    .unwrap();
    assert!(report["value"]["total_credits"].as_i64().unwrap() > 0);
    let invoices = invoke(&w, "list_invoices", json!({ "orgId": org })).unwrap();
    let month = invoices["value"][0]["period_start"].as_str().unwrap()[..7].to_owned();

    // The statement's PDF is kept in the background once statements were listed.
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("statement.pdf");
    let mut kept = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        go_offline(&world, &state).await;
        match state
            .export_invoice_pdf(org, &month, pdf_path.clone(), |_| {})
            .await
        {
            Ok(done) => {
                kept = Some(done);
                break;
            }
            Err(_) => {
                world.proxy.set(Fault::None);
                assert!(state.check_connection().await);
            }
        }
    }
    let done = kept.expect("the statement PDF was kept for offline use");
    assert!(done.as_of.is_some(), "made from the store");
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a whole PDF");

    let csv_path = dir.path().join("usage.csv");
    let period = Period::default();
    let done = state
        .export_usage(org, period, UsageGroup::Project, csv_path.clone(), |_| {})
        .await
        .unwrap();
    let as_of = done.as_of.expect("made from the store");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(
        csv.starts_with("project_id,project,credits,events\n"),
        "{csv}"
    );
    assert!(csv.contains(",Site,"), "{csv}");
    let last = csv.trim_end().lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "as_of,{},,",
            as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    );

    // Never seen: no file, and nothing half-written.
    let unseen = state
        .export_usage(
            org,
            period,
            UsageGroup::Day,
            dir.path().join("days.csv"),
            |_| {},
        )
        .await;
    assert!(unseen.is_err());
    assert!(!dir.path().join("days.csv").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relaunch_offline_still_lists_every_context() {
    let world = World::new().await;
    let (app, state) = world.launch();
    let org = sign_up_with_org(&world, &app, "di@example.com");
    let w = window(&app);
    invoke(&w, "list_contexts", json!({})).unwrap();
    go_offline(&world, &state).await;
    let renamed = json!({"orgId": org, "expectedVersion": 1, "patch": {"name": "Acme Two"}});
    let queued = invoke(&w, "update_org", renamed).unwrap();
    assert_eq!(queued["status"], "queued", "{queued}");
    drop(w);
    drop(state);
    drop(app);

    let (app, state) = world.launch();
    state.run_outbox();
    let startup = common::world::restore(&app);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(startup["session"]["me"]["user"]["email"], "di@example.com");
    let contexts = invoke(&window(&app), "list_contexts", json!({})).unwrap();
    assert_eq!(contexts["from_cache"], true);
    assert_eq!(contexts["value"].as_array().unwrap().len(), 2, "{contexts}");
}
