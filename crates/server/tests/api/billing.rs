//! The billing summary, plan changes (downgrades naming what is over), the low-balance
//! alert, the spend policy's validation and the rate card.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{acme, invite_one};
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::{audit_actions, text, top_up, usage, usage_key};

on_both_backends!(
    summary_counts_usage_and_only_owners_and_admins_see_it,
    plan_changes_are_the_owners_and_downgrades_name_what_is_over,
    personal_downgrade_names_owned_orgs,
    low_balance_alert_opens_on_crossing_and_clears_above,
    spend_policy_lists_only_the_orgs_projects,
    rate_card_is_versioned_and_for_signed_in_callers,
);

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.request(Method::PUT, path, Some(token))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn summary_counts_usage_and_only_owners_and_admins_see_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    let member = app.signup("member@example.com").await;
    let outsider = app.signup("outsider@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    app.add_member(&org, &member.user_id, "member").await;
    for name in ["One", "Two", "Three"] {
        app.new_project(&owner, "acme", name).await;
    }
    let suspend = json!({ "reason": "paused" });
    app.post_json("/v1/orgs/acme/projects/two/suspend", Some(&owner), &suspend)
        .await;
    app.post("/v1/orgs/acme/projects/three/archive", &owner)
        .await;
    invite_one(&app, &owner, "new@example.com").await;

    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["org_id"], org.as_str());
    assert_eq!(summary["balance"], 0);
    assert_eq!(summary["plan"], "team");
    assert_eq!(summary["limits"]["projects"], 25);
    assert_eq!(summary["usage"], json!({ "projects": 2, "seats": 4 }));
    assert_eq!(summary["spent_this_month"], 0);
    assert_eq!(summary["spend_policy"], json!({ "kind": "everyone" }));
    assert!(summary["low_balance_threshold"].is_null() && summary["low_balance_alert"].is_null());

    expect_json(
        app.get("/v1/orgs/acme/billing", &admin.token).await,
        StatusCode::OK,
    )
    .await;
    for path in [
        "/v1/orgs/acme/billing",
        "/v1/orgs/acme/ledger",
        "/v1/orgs/acme/usage?group_by=day",
        "/v1/orgs/acme/invoices",
        "/v1/orgs/acme/reports/usage.csv?group_by=project",
    ] {
        expect_problem(
            app.get(path, &member.token).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        expect_problem(
            app.get(path, &outsider.token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let top = app
        .post_json(
            "/v1/orgs/acme/credits/top-ups",
            Some(&member.token),
            &json!({ "amount": 5 }),
        )
        .await;
    expect_problem(top, StatusCode::FORBIDDEN, "forbidden").await;

    top_up(&app, &owner, "acme", 500).await;
    let secret = usage_key(&app, &owner, &org).await;
    let project = app.new_project(&owner, "acme", "Four").await;
    let id = project["id"].as_str().unwrap();
    expect_json(
        usage(&app, &secret, "u1", &text(id, 21)).await,
        StatusCode::CREATED,
    )
    .await;
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["balance"], 458);
    assert_eq!(summary["spent_this_month"], 42);
}

fn fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn plan_changes_are_the_owners_and_downgrades_name_what_is_over(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    for n in 0..4 {
        let person = app.signup(&format!("m{n}@example.com")).await;
        app.add_member(&org, &person.user_id, "member").await;
    }
    let (invitation, _) = invite_one(&app, &owner, "late@example.com").await;
    for n in 0..5 {
        app.new_project(&owner, "acme", &format!("Proj {n}")).await;
    }
    let free = json!({ "plan": "free" });
    let response = put(&app, "/v1/orgs/acme/plan", &admin.token, &free).await;
    expect_problem(response, StatusCode::FORBIDDEN, "forbidden").await;

    // 5 projects and 7 seats (6 members + 1 invitation) against Free's 3 and 5.
    let response = put(&app, "/v1/orgs/acme/plan", &owner, &free).await;
    let problem = expect_problem(response, StatusCode::CONFLICT, "plan_downgrade_blocked").await;
    let over = fields(&problem);
    assert_eq!(over.len(), 2, "{problem}");
    assert_eq!(over[0].0, "projects");
    assert!(
        over[0]
            .1
            .starts_with("5 projects in use; the Free plan allows 3"),
        "{problem}"
    );
    assert_eq!(over[1].0, "seats");
    assert!(over[1].1.starts_with("7 seats in use"), "{problem}");
    assert!(over[1].1.contains("the Free plan allows 5"), "{problem}");

    for n in 0..2 {
        app.post(&format!("/v1/orgs/acme/projects/proj-{n}/archive"), &owner)
            .await;
    }
    let response = put(&app, "/v1/orgs/acme/plan", &owner, &free).await;
    let problem = expect_problem(response, StatusCode::CONFLICT, "plan_downgrade_blocked").await;
    assert_eq!(fields(&problem).len(), 1);
    assert_eq!(fields(&problem)[0].0, "seats");

    let id = invitation["id"].as_str().unwrap();
    app.delete(&format!("/v1/orgs/acme/invitations/{id}"), &owner)
        .await;
    app.delete(&format!("/v1/orgs/acme/members/{}", admin.user_id), &owner)
        .await;
    let summary = expect_json(
        put(&app, "/v1/orgs/acme/plan", &owner, &free).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["plan"], "free");
    assert_eq!(summary["limits"]["seats"], 5);
    assert_eq!(summary["usage"], json!({ "projects": 3, "seats": 5 }));
    let org_json = expect_json(app.get("/v1/orgs/acme", &owner).await, StatusCode::OK).await;
    assert_eq!(org_json["org"]["plan"], "free");

    let business = json!({ "plan": "business" });
    let summary = expect_json(
        put(&app, "/v1/orgs/acme/plan", &owner, &business).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["plan"], "business");
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "org.plan_changed").count(),
        2,
        "{actions:?}"
    );
    let bad = put(
        &app,
        "/v1/orgs/acme/plan",
        &owner,
        &json!({ "plan": "gold" }),
    )
    .await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "malformed_request").await;
}

async fn personal_downgrade_names_owned_orgs(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.set_plan(&ana.personal_org_id, "team").await;
    for n in 0..4 {
        app.new_org(&ana.token, &format!("Client {n}")).await;
    }
    let path = format!("/v1/orgs/{}/plan", ana.personal_org_id);
    let response = put(&app, &path, &ana.token, &json!({ "plan": "free" })).await;
    let problem = expect_problem(response, StatusCode::CONFLICT, "plan_downgrade_blocked").await;
    let over = fields(&problem);
    assert_eq!(over.len(), 1, "{problem}");
    assert_eq!(over[0].0, "owned_orgs");
    assert!(
        over[0]
            .1
            .starts_with("4 organizations owned; the Free plan allows 3"),
        "{problem}"
    );
}

async fn low_balance_alert_opens_on_crossing_and_clears_above(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let project = project["id"].as_str().unwrap().to_owned();
    top_up(&app, &owner, "acme", 100).await;
    let alerts = "/v1/orgs/acme/billing/alerts";
    let threshold = |t: Value| json!({ "low_balance_threshold": t });
    let response = put(&app, alerts, &member.token, &threshold(json!(50))).await;
    expect_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = put(&app, alerts, &owner, &threshold(json!(-1))).await;
    let problem = expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "low_balance_threshold");
    let summary = expect_json(
        put(&app, alerts, &owner, &threshold(json!(50))).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["low_balance_threshold"], 50);
    assert!(summary["low_balance_alert"].is_null());

    let secret = usage_key(&app, &owner, &org).await;
    let spend = |key: &'static str, units: i64| {
        let (app, secret, project) = (&app, secret.clone(), project.clone());
        async move {
            expect_json(
                usage(app, &secret, key, &text(&project, units)).await,
                StatusCode::CREATED,
            )
            .await
        }
    };
    spend("a", 15).await; // 100 → 70
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert!(summary["low_balance_alert"].is_null());
    spend("b", 15).await; // 70 → 40: crosses 50
    spend("c", 5).await; // 40 → 30: no new crossing
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["low_balance_alert"]["threshold"], 50);
    assert_eq!(summary["low_balance_alert"]["balance"], 40);
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "billing.low_balance")
            .count(),
        1,
        "{actions:?}"
    );
    let (actor,): (Option<String>,) = sqlx::query_as(
        "SELECT actor_id FROM audit_events WHERE org_id = $1 AND action = 'billing.low_balance'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actor, None, "an API key's debit is the system's doing");

    top_up(&app, &owner, "acme", 100).await; // 130
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert!(summary["low_balance_alert"].is_null());
    let summary = expect_json(
        put(&app, alerts, &owner, &threshold(json!(200))).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["low_balance_alert"]["balance"], 130);
    let summary = expect_json(
        put(&app, alerts, &owner, &threshold(Value::Null)).await,
        StatusCode::OK,
    )
    .await;
    assert!(summary["low_balance_alert"].is_null() && summary["low_balance_threshold"].is_null());
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "billing.alerts_updated")
            .count(),
        3
    );
}

async fn spend_policy_lists_only_the_orgs_projects(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let other = app.new_org(&owner, "Other").await;
    let foreign = app
        .new_project(&owner, other["org"]["id"].as_str().unwrap(), "Elsewhere")
        .await;
    let path = "/v1/orgs/acme/billing/spend-policy";
    let listed = json!({ "kind": "projects", "ids": [project["id"]] });
    expect_problem(
        put(&app, path, &member.token, &listed).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let summary = expect_json(put(&app, path, &owner, &listed).await, StatusCode::OK).await;
    assert_eq!(summary["spend_policy"], listed);
    let bad = json!({ "kind": "projects", "ids": [project["id"], foreign["id"]] });
    let problem = expect_problem(
        put(&app, path, &owner, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "ids");
    let admins = json!({ "kind": "admins_only" });
    let summary = expect_json(put(&app, path, &owner, &admins).await, StatusCode::OK).await;
    assert_eq!(summary["spend_policy"], admins);
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "billing.spend_policy_updated")
            .count(),
        2
    );
}

async fn rate_card_is_versioned_and_for_signed_in_callers(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let card = expect_json(app.get("/v1/rates", &ana.token).await, StatusCode::OK).await;
    assert_eq!(card["version"], 1);
    assert_eq!(card["effective_from"], "2026-01-01T00:00:00Z");
    let rates: Vec<(String, i64)> = card["rates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["modality"].as_str().unwrap().to_owned(),
                r["credits_per_unit"].as_i64().unwrap(),
            )
        })
        .collect();
    let want = [("text", 2), ("image", 40), ("audio", 6), ("embedding", 1)];
    assert_eq!(rates, want.map(|(m, c)| (m.to_owned(), c)));
    let anonymous = app
        .request(Method::GET, "/v1/rates", None)
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
