//! Offline through the services the commands call: pages seen before answer from the local
//! store with their "as of" time, pages never seen and online-only operations fail at once
//! with a clear message, and billing exports are made from the store with their time in
//! the file.

use crate::common;

use std::time::Duration;

use common::proxy::Fault;
use common::world::{restore, sign_up_with_org, top_up, App, World};
use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::AppError;
use orgdesk_client::Period;
use orgdesk_model::org::UpdateOrgRequest;
use orgdesk_model::usage::UsageGroup;
use orgdesk_model::{ApiError, ErrorCode, OrgId, Plan};
use serde_json::json;

async fn go_offline(world: &World, app: &App) {
    world.proxy.set(Fault::Refuse);
    assert!(
        !app.connectivity.check_now().await,
        "the server is out of reach"
    );
    assert!(!app.outbox.status().await.online);
}

/// The error as the UI receives it.
fn answered<T: std::fmt::Debug>(result: Result<T, AppError>) -> ApiError {
    ApiError::from(result.expect_err("fails"))
}

fn rename(name: &str) -> UpdateOrgRequest {
    UpdateOrgRequest {
        name: Some(name.into()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_seen_before_answer_offline_and_online_only_work_fails_at_once() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;
    let seen = app.projects.list(org).await.unwrap();
    assert!(!seen.from_cache);
    app.orgs.contexts().await.unwrap();

    go_offline(&world, &app).await;
    let cached = app.projects.list(org).await.unwrap();
    assert!(cached.from_cache);
    assert_eq!(cached.as_of, seen.as_of, "says when the server said it");
    let contexts = app.orgs.contexts().await.unwrap();
    assert_eq!(contexts.value.len(), 2, "Personal and Acme");

    let unseen = answered(app.orgs.overview(org).await);
    assert_eq!(unseen.code, ErrorCode::ServerUnreachable);
    assert!(unseen.message.contains("not been opened"));
    let online_only = [
        (
            answered(app.invitations.accept("x".into()).await),
            "Accepting an invitation",
        ),
        (
            answered(app.members.leave(org).await),
            "Leaving an organization",
        ),
        (
            answered(app.billing.change_plan(org, Plan::Team).await),
            "Changing the plan",
        ),
    ];
    for (err, what) in online_only {
        assert_eq!(err.code, ErrorCode::ServerUnreachable, "{what}");
        assert!(err.message.contains(what), "{what}: {}", err.message);
    }

    // A queued write answers at once too, and says so.
    let queued = app.orgs.update(org, 1, rename("Acme Two")).await.unwrap();
    let Outcome::Queued { change } = queued else {
        panic!("queued: {queued:?}");
    };
    assert_eq!(
        change.summary,
        "Change the organization's name to “Acme Two”"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_after_a_change_asks_the_server_first_but_keeps_the_old_answer_offline() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "bo@example.com").await;
    let before = app.billing.summary(org).await.unwrap();
    assert_eq!(before.value.balance, 0);

    let added = app.outbox.submit(top_up(org, 70), None).await.unwrap();
    assert!(matches!(added, Outcome::Applied { ref value } if value.balance == 70));
    let after = app.billing.summary(org).await.unwrap();
    assert_eq!(
        after.value.balance, 70,
        "not the answer from before the top-up"
    );
    assert!(!after.from_cache);

    app.outbox.submit(top_up(org, 5), None).await.unwrap();
    go_offline(&world, &app).await;
    let offline = app.billing.summary(org).await.unwrap();
    assert_eq!(
        offline.value.balance, 70,
        "the last answer is still there offline"
    );
    assert!(offline.from_cache);
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
                expires_at: None,
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
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "cy@example.com").await;
    app.outbox.submit(top_up(org, 500), None).await.unwrap();
    meter(&world, org).await;
    let period = Period::default();
    let report = app
        .billing
        .usage(org, period, UsageGroup::Project)
        .await
        .unwrap();
    assert!(report.value.total_credits > 0);
    let invoices = app.billing.invoices(org).await.unwrap();
    let month = invoices.value[0].period_start.format("%Y-%m").to_string();

    // The statement's PDF is kept in the background once statements were listed.
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("statement.pdf");
    let mut kept = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        go_offline(&world, &app).await;
        world.dialog.will_answer(Some(pdf_path.clone()));
        match app
            .exports
            .invoice_pdf(org, &month, "statement.pdf", |_| {})
            .await
        {
            Ok(done) => {
                kept = Some(done);
                break;
            }
            Err(_) => {
                world.proxy.set(Fault::None);
                assert!(app.connectivity.check_now().await);
            }
        }
    }
    let done = kept
        .expect("the statement PDF was kept for offline use")
        .expect("a place was chosen");
    assert!(done.as_of.is_some(), "made from the store");
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a whole PDF");

    let csv_path = dir.path().join("usage.csv");
    world.dialog.will_answer(Some(csv_path.clone()));
    let mut heard = Vec::new();
    let done = app
        .exports
        .usage_csv(org, period, UsageGroup::Project, "acme-usage", |n| {
            heard.push(n)
        })
        .await
        .unwrap()
        .expect("a place was chosen");
    assert_eq!(
        heard.first(),
        Some(&0),
        "writing starts once a place is chosen"
    );
    let asked = world.dialog.asked.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (asked.title, asked.file_name.as_str(), asked.extension),
        ("Export usage", "acme-usage.csv", "csv")
    );
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
    world.dialog.will_answer(Some(dir.path().join("days.csv")));
    let unseen = app
        .exports
        .usage_csv(org, period, UsageGroup::Day, "days.csv", |_| {})
        .await;
    assert!(unseen.is_err());
    assert!(!dir.path().join("days.csv").exists());

    // Cancelled: nothing written, nothing to report.
    world.dialog.will_answer(None);
    let mut heard = Vec::new();
    let cancelled = app
        .exports
        .usage_csv(org, period, UsageGroup::Project, "usage.csv", |n| {
            heard.push(n)
        })
        .await
        .unwrap();
    assert!(cancelled.is_none());
    assert!(heard.is_empty(), "no progress for a cancelled export");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "only the PDF and the CSV saved before"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relaunch_offline_still_lists_every_context() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "di@example.com").await;
    app.orgs.contexts().await.unwrap();
    go_offline(&world, &app).await;
    let queued = app.orgs.update(org, 1, rename("Acme Two")).await.unwrap();
    assert!(matches!(queued, Outcome::Queued { .. }), "{queued:?}");
    drop(app);

    let app = world.launch();
    app.outbox.run();
    let startup = restore(&app).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(startup.session.unwrap().me.user.email, "di@example.com");
    let contexts = app.orgs.contexts().await.unwrap();
    assert!(contexts.from_cache);
    assert_eq!(contexts.value.len(), 2, "{:?}", contexts.value);
}
