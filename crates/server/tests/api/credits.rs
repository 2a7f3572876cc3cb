//! Top-ups and the ledger: validation, references, who may top up, listing newest first
//! with filters and cursors, and balances that never mix between orgs.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};
use crate::money::{
    assert_ledger_consistent, audit_actions, balance, text, top_up, usage, usage_key,
};

on_both_backends!(
    top_ups_are_validated_recorded_and_audited,
    ledger_lists_newest_first_with_filters_and_cursors,
    credits_never_move_between_orgs,
);

async fn top_ups_are_validated_recorded_and_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    let path = "/v1/orgs/acme/credits/top-ups";
    for amount in [json!(0), json!(-5), json!(10_000_001)] {
        let response = app
            .post_json(path, Some(&owner), &json!({ "amount": amount }))
            .await;
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], "amount");
    }
    let response = app
        .post_json(path, Some(&owner), &json!({ "amount": 1.5 }))
        .await;
    expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;

    let body = json!({ "amount": 10_000_000, "payment_reference": " INV-2026-001 " });
    let done = expect_json(
        app.post_json(path, Some(&owner), &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(done["balance"], 10_000_000);
    let entry = &done["entry"];
    assert_eq!(entry["kind"], "top_up");
    assert_eq!(entry["amount"], 10_000_000);
    assert_eq!(entry["balance_after"], 10_000_000);
    assert_eq!(entry["reference"], "INV-2026-001");
    assert_eq!(entry["org_id"], org.as_str());
    assert!(entry["modality"].is_null() && entry["api_key_id"].is_null());

    let by_admin = top_up(&app, &admin.token, "acme", 5).await;
    assert_eq!(by_admin["balance"], 10_000_005);
    assert!(by_admin["entry"]["reference"]
        .as_str()
        .unwrap()
        .starts_with("manual-"));
    assert_eq!(by_admin["entry"]["user_id"], admin.user_id.as_str());
    let actions = audit_actions(&app, &org).await;
    assert_eq!(actions.iter().filter(|a| *a == "billing.top_up").count(), 2);
    assert_ledger_consistent(&app, &org).await;
}

fn seqs(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["balance_after"].as_i64().unwrap())
        .collect()
}

async fn ledger_lists_newest_first_with_filters_and_cursors(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let p1 = app.new_project(&owner, "acme", "One").await;
    let p2 = app.new_project(&owner, "acme", "Two").await;
    let (p1, p2) = (p1["id"].as_str().unwrap(), p2["id"].as_str().unwrap());
    let secret = usage_key(&app, &owner, &org).await;
    top_up(&app, &owner, "acme", 100).await;
    expect_json(
        usage(&app, &secret, "a", &text(p1, 5)).await,
        StatusCode::CREATED,
    )
    .await;
    top_up(&app, &owner, "acme", 50).await;
    expect_json(
        usage(&app, &secret, "b", &text(p2, 10)).await,
        StatusCode::CREATED,
    )
    .await;
    expect_json(
        usage(&app, &secret, "c", &text(p1, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    // Balances after each entry: 100, 90, 140, 120, 118.
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/v1/orgs/acme/ledger?limit=2".to_owned();
        if let Some(c) = &cursor {
            path += &format!("&cursor={c}");
        }
        let page = expect_json(app.get(&path, &owner).await, StatusCode::OK).await;
        assert!(page["items"].as_array().unwrap().len() <= 2);
        all.extend(seqs(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(all, [118, 120, 140, 90, 100]);
    let usage_only = expect_json(
        app.get("/v1/orgs/acme/ledger?kind=usage", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seqs(&usage_only), [118, 120, 90]);
    let in_p1 = expect_json(
        app.get(&format!("/v1/orgs/acme/ledger?project={p1}"), &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seqs(&in_p1), [118, 90]);
    let future = expect_json(
        app.get("/v1/orgs/acme/ledger?from=2099-01-01T00:00:00Z", &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(future["items"].as_array().unwrap().is_empty());
    let past = expect_json(
        app.get(
            "/v1/orgs/acme/ledger?to=2099-01-01T00:00:00Z&kind=top_up",
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seqs(&past), [140, 100]);
    let bad = app
        .get("/v1/orgs/acme/ledger?cursor=nonsense!", &owner)
        .await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "malformed_request").await;
    let bad = app.get("/v1/orgs/acme/ledger?kind=gift", &owner).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "malformed_request").await;
    assert_ledger_consistent(&app, &org).await;
}

async fn credits_never_move_between_orgs(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, a) = acme(&app).await;
    let personal = app.signup("solo@example.com").await;
    let other = app.new_org(&owner, "Beta").await;
    let b = other["org"]["id"].as_str().unwrap().to_owned();
    let in_b = app.new_project(&owner, &b, "Beta site").await;
    let in_b = in_b["id"].as_str().unwrap();
    top_up(&app, &owner, "acme", 100).await;
    let a_key = usage_key(&app, &owner, &a).await;
    let response = usage(&app, &a_key, "x", &text(in_b, 1)).await;
    expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    let slug = usage(&app, &a_key, "y", &text("beta-site", 1)).await;
    expect_problem(slug, StatusCode::NOT_FOUND, "not_found").await;
    let b_key = usage_key(&app, &owner, &b).await;
    let response = usage(&app, &b_key, "z", &text(in_b, 1)).await;
    expect_problem(
        response,
        StatusCode::PAYMENT_REQUIRED,
        "insufficient_credits",
    )
    .await;
    assert_eq!(balance(&app, &a).await, 100);
    assert_eq!(balance(&app, &b).await, 0);

    // The personal context has its own balance.
    let mine = personal.personal_org_id.clone();
    let done = top_up(&app, &personal.token, &mine, 7).await;
    assert_eq!(done["balance"], 7);
    let summary = expect_json(
        app.get(&format!("/v1/orgs/{mine}/billing"), &personal.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["balance"], 7);
    assert_eq!(summary["usage"]["seats"], 1);
    assert_eq!(balance(&app, &a).await, 100);
    for org in [&a, &b, &mine] {
        assert_ledger_consistent(&app, org).await;
    }
}
