//! Payment modes and the operator's commands. In `none` mode an owner can neither top up
//! nor pick a paid plan (409 `payments_not_configured`, the Free plan stays open) and the
//! billing summary says so; credits and plans then come from `grant-credits` and
//! `set-plan`, tested here through the same functions the binary calls (and once as the
//! binary itself): the ledger entry, the alert and the audit event as the operator in one
//! transaction, under the org's lock.

use orgdesk_model::Plan;
use orgdesk_server::operator::{self, OperatorError};
use orgdesk_server::PaymentsConfig;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
};
use crate::money::{assert_ledger_consistent, audit_actions, balance};

on_both_backends!(
    none_mode_refuses_top_ups_and_paid_plans,
    local_mode_says_so_and_records_top_ups,
    operator_grants_credits_audited_as_the_operator,
    operator_grants_are_bounded,
    concurrent_grants_all_land,
    operator_sets_plans_within_limits,
);

async fn none_mode(backend: Backend) -> TestApp {
    spawn_app_with(backend, |mut config| {
        config.payments = PaymentsConfig::None;
        config
    })
    .await
}

async fn put_plan(app: &TestApp, token: &str, plan: &str) -> reqwest::Response {
    app.request(Method::PUT, "/v1/orgs/acme/plan", Some(token))
        .json(&json!({ "plan": plan }))
        .send()
        .await
        .unwrap()
}

async fn top_up(app: &TestApp, token: &str, amount: i64) -> reqwest::Response {
    app.post_json(
        "/v1/orgs/acme/credits/top-ups",
        Some(token),
        &json!({ "amount": amount }),
    )
    .await
}

async fn none_mode_refuses_top_ups_and_paid_plans(backend: Backend) {
    let app = none_mode(backend).await;
    let (ana, org) = acme(&app).await;
    let summary = expect_json(app.get("/v1/orgs/acme/billing", &ana).await, StatusCode::OK).await;
    assert_eq!(summary["payment_mode"], "none");

    let refused = expect_problem(
        top_up(&app, &ana, 500).await,
        StatusCode::CONFLICT,
        "payments_not_configured",
    )
    .await;
    assert!(
        refused["detail"].as_str().unwrap().contains("operator"),
        "{refused}"
    );
    // Bounds still answer first; a non-member still sees nothing.
    expect_problem(
        top_up(&app, &ana, 0).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let eve = app.signup("eve@example.com").await;
    expect_problem(
        top_up(&app, &eve.token, 500).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(balance(&app, &org).await, 0);

    // Acme is on Team (paid): Business is refused, Team again changes nothing, Free works,
    // and back to Team is refused.
    expect_problem(
        put_plan(&app, &ana, "business").await,
        StatusCode::CONFLICT,
        "payments_not_configured",
    )
    .await;
    let same = expect_json(put_plan(&app, &ana, "team").await, StatusCode::OK).await;
    assert_eq!(same["plan"], "team");
    let free = expect_json(put_plan(&app, &ana, "free").await, StatusCode::OK).await;
    assert_eq!(free["plan"], "free");
    assert_eq!(free["payment_mode"], "none");
    expect_problem(
        put_plan(&app, &ana, "team").await,
        StatusCode::CONFLICT,
        "payments_not_configured",
    )
    .await;
    let actions = audit_actions(&app, &org).await;
    assert!(
        !actions.iter().any(|a| a == "billing.top_up"),
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "org.plan_changed").count(),
        1
    );
}

async fn local_mode_says_so_and_records_top_ups(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ana, org) = acme(&app).await;
    let summary = expect_json(app.get("/v1/orgs/acme/billing", &ana).await, StatusCode::OK).await;
    assert_eq!(summary["payment_mode"], "local");
    expect_json(top_up(&app, &ana, 500).await, StatusCode::CREATED).await;
    expect_json(put_plan(&app, &ana, "business").await, StatusCode::OK).await;
    assert_eq!(balance(&app, &org).await, 500);
}

/// The audit log as Ana reads it.
async fn audit_items(app: &TestApp, token: &str) -> Vec<Value> {
    let page = expect_json(
        app.get("/v1/orgs/acme/audit-log", token).await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

async fn operator_grants_credits_audited_as_the_operator(backend: Backend) {
    let app = none_mode(backend).await;
    let (ana, org) = acme(&app).await;
    // A threshold above the balance: the grant clears the open alert.
    expect_json(
        app.request(Method::PUT, "/v1/orgs/acme/billing/alerts", Some(&ana))
            .json(&json!({ "low_balance_threshold": 1000 }))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;

    let granted = operator::grant_credits(&app.store, "ACME ", 5000, "  INV-2026-001 ")
        .await
        .unwrap();
    assert_eq!(granted.org_id.to_string(), org);
    assert_eq!(granted.entry.balance_after, 5000);
    assert_eq!(granted.entry.reference.as_deref(), Some("INV-2026-001"));
    assert_eq!(balance(&app, &org).await, 5000);
    assert_ledger_consistent(&app, &org).await;

    let summary = expect_json(app.get("/v1/orgs/acme/billing", &ana).await, StatusCode::OK).await;
    assert_eq!(summary["balance"], 5000);
    assert!(summary["low_balance_alert"].is_null(), "{summary}");
    let ledger = expect_json(app.get("/v1/orgs/acme/ledger", &ana).await, StatusCode::OK).await;
    assert_eq!(ledger["items"][0]["kind"], "grant");
    assert!(ledger["items"][0]["user_id"].is_null(), "{ledger}");

    let events = audit_items(&app, &ana).await;
    let grant = &events[0];
    assert_eq!(grant["action"], "billing.credits_granted");
    assert_eq!(grant["actor_kind"], "operator");
    assert!(grant["actor"].is_null(), "{grant}");
    assert_eq!(grant["details"]["amount"], 5000);
    assert_eq!(grant["details"]["reference"], "INV-2026-001");
    // What people did is still theirs.
    let alerts = events
        .iter()
        .find(|e| e["action"] == "billing.alerts_updated")
        .unwrap();
    assert_eq!(alerts["actor_kind"], "person");
    assert_eq!(alerts["actor"]["email"], "ana@example.com");

    // By id and by a former slug too.
    operator::grant_credits(&app.store, &org, 1, "by id")
        .await
        .unwrap();
    expect_json(
        app.patch_json("/v1/orgs/acme", &ana, &json!({ "slug": "acme-labs" }))
            .await,
        StatusCode::OK,
    )
    .await;
    let again = operator::grant_credits(&app.store, "acme", 2, "old slug")
        .await
        .unwrap();
    assert_eq!(again.entry.balance_after, 5003);
}

async fn operator_grants_are_bounded(backend: Backend) {
    let app = none_mode(backend).await;
    let (_ana, org) = acme(&app).await;
    let refused = |result: Result<operator::Granted, OperatorError>| {
        let error = result.expect_err("refused");
        assert!(error.is_refusal(), "{error}");
        error
    };
    let unknown = refused(operator::grant_credits(&app.store, "nobody", 5, "x").await);
    assert!(matches!(unknown, OperatorError::UnknownOrg(ref s) if s == "nobody"));
    let unknown_id = refused(
        operator::grant_credits(&app.store, &orgdesk_model::OrgId::new().to_string(), 5, "x").await,
    );
    assert!(matches!(unknown_id, OperatorError::UnknownOrg(_)));
    for credits in [0, -5] {
        let error = refused(operator::grant_credits(&app.store, "acme", credits, "x").await);
        assert!(matches!(error, OperatorError::CreditsOutOfRange), "{error}");
    }
    let error = refused(operator::grant_credits(&app.store, "acme", 5, "   ").await);
    assert!(matches!(error, OperatorError::ReferenceMissing));
    let long = "é".repeat(201);
    let error = refused(operator::grant_credits(&app.store, "acme", 5, &long).await);
    assert!(matches!(error, OperatorError::ReferenceTooLong(201)));
    operator::grant_credits(&app.store, "acme", 5, &"é".repeat(200))
        .await
        .unwrap();
    // The ledger's cap holds: the balance never exceeds it.
    let cap = orgdesk_server::ledger::MAX_BALANCE;
    let error = refused(operator::grant_credits(&app.store, "acme", cap, "too much").await);
    assert!(matches!(error, OperatorError::BalanceLimit), "{error}");
    assert_eq!(balance(&app, &org).await, 5);
    assert_ledger_consistent(&app, &org).await;
    let grants = audit_actions(&app, &org)
        .await
        .into_iter()
        .filter(|a| a == "billing.credits_granted")
        .count();
    assert_eq!(grants, 1);
}

async fn concurrent_grants_all_land(backend: Backend) {
    let app = none_mode(backend).await;
    let (_ana, org) = acme(&app).await;
    let grants = (1..=12).map(|n| {
        let store = app.store.clone();
        tokio::spawn(async move {
            operator::grant_credits(&store, "acme", n, &format!("grant {n}")).await
        })
    });
    for grant in futures::future::join_all(grants).await {
        grant.unwrap().unwrap();
    }
    assert_eq!(balance(&app, &org).await, (1..=12).sum::<i64>());
    assert_ledger_consistent(&app, &org).await;
}

async fn operator_sets_plans_within_limits(backend: Backend) {
    let app = none_mode(backend).await;
    let (ana, org) = acme(&app).await;
    let set = operator::set_plan(&app.store, "acme", Plan::Business)
        .await
        .unwrap();
    assert_eq!((set.old, set.new), (Plan::Team, Plan::Business));
    let summary = expect_json(app.get("/v1/orgs/acme/billing", &ana).await, StatusCode::OK).await;
    assert_eq!(summary["plan"], "business");
    let same = operator::set_plan(&app.store, "acme", Plan::Business)
        .await
        .unwrap();
    assert_eq!(same.old, same.new);
    let events = audit_items(&app, &ana).await;
    let changes: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "org.plan_changed")
        .collect();
    assert_eq!(changes.len(), 1, "{events:?}");
    assert_eq!(changes[0]["actor_kind"], "operator");
    assert_eq!(
        changes[0]["details"],
        json!({ "old": "team", "new": "business" })
    );

    // Over the Free plan's project limit: refused, naming what is over.
    for n in 0..4 {
        app.new_project(&ana, "acme", &format!("Project {n}")).await;
    }
    let error = operator::set_plan(&app.store, "acme", Plan::Free)
        .await
        .expect_err("over the limits");
    assert!(error.is_refusal());
    assert!(
        matches!(error, OperatorError::OverLimits { plan: Plan::Free, ref over } if over[0].field == "projects")
    );
    assert!(error.to_string().contains("projects"), "{error}");
    let unknown = operator::set_plan(&app.store, "nobody", Plan::Team)
        .await
        .expect_err("unknown");
    assert!(matches!(unknown, OperatorError::UnknownOrg(_)));
    assert_eq!(
        audit_actions(&app, &org)
            .await
            .iter()
            .filter(|a| *a == "org.plan_changed")
            .count(),
        1
    );
}

/// `orgdesk-server <flags> <command>` as its own process, on the SQLite data folder of a
/// running test server: its exit code, stdout and stderr.
async fn run_binary(data_dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_orgdesk-server"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("ORGDESK_DATABASE_URL")
        .env_remove("ORGDESK_DATA_DIR");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_grants_credits_and_sets_plans_on_sqlite() {
    let app = none_mode(Backend::Sqlite).await;
    let (ana, org) = acme(&app).await;
    let data = app.data_dir();

    let (code, out, err) = run_binary(
        &data,
        &[
            "grant-credits",
            "--org",
            "acme",
            "--credits",
            "2500",
            "--reference",
            "INV-7",
        ],
    )
    .await;
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("Granted 2,500 credits to acme"), "{out}");
    assert!(out.contains("the balance is 2,500 credits"), "{out}");
    let summary = expect_json(app.get("/v1/orgs/acme/billing", &ana).await, StatusCode::OK).await;
    assert_eq!(summary["balance"], 2500);

    let (code, out, err) =
        run_binary(&data, &["set-plan", "--org", "acme", "--plan", "business"]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("moved from the team plan to the business plan"),
        "{out}"
    );
    let summary = expect_json(app.get("/v1/orgs/acme/billing", &ana).await, StatusCode::OK).await;
    assert_eq!(summary["plan"], "business");

    // Refusals exit with 2 and say why; nothing is written.
    let (code, out, err) = run_binary(
        &data,
        &[
            "grant-credits",
            "--org",
            "nobody",
            "--credits",
            "5",
            "--reference",
            "x",
        ],
    )
    .await;
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("no organization has the slug or id \"nobody\""),
        "{err}"
    );
    let (code, _, err) = run_binary(
        &data,
        &[
            "grant-credits",
            "--org",
            "acme",
            "--credits",
            "0",
            "--reference",
            "x",
        ],
    )
    .await;
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run_binary(&data, &["set-plan", "--org", "acme", "--plan", "gold"]).await;
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(balance(&app, &org).await, 2500);
    let events = audit_items(&app, &ana).await;
    assert_eq!(events[0]["action"], "org.plan_changed");
    assert_eq!(events[0]["actor_kind"], "operator");
    assert_eq!(events[1]["action"], "billing.credits_granted");
}
