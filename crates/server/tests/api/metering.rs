//! `POST /v1/usage`: API-key authentication and scopes, the Idempotency-Key it requires,
//! pricing from the rate card, project checks, spend policies and the 402.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};
use crate::money::{assert_ledger_consistent, balance, new_key, text, top_up, usage, usage_key};

on_both_backends!(
    usage_needs_a_live_key_with_its_scope_and_an_idempotency_key,
    usage_is_priced_from_the_rate_card_and_debited,
    usage_checks_the_project,
    spend_policies_decide_who_may_spend,
    a_debit_and_its_answer_are_kept_together,
);

async fn usage_needs_a_live_key_with_its_scope_and_an_idempotency_key(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let body = text(project["id"].as_str().unwrap(), 1);
    top_up(&app, &owner, "acme", 10).await;
    let anonymous = app
        .request(Method::POST, "/v1/usage", None)
        .header("idempotency-key", "k")
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert!(problem["detail"].as_str().unwrap().contains("odk_"));
    expect_problem(
        usage(&app, &owner, "k", &body).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let made_up = format!("odk_{}", "A".repeat(43));
    expect_problem(
        usage(&app, &made_up, "k", &body).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    let secret = usage_key(&app, &owner, &org).await;
    let no_key = app
        .request(Method::POST, "/v1/usage", Some(&secret))
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_problem(no_key, StatusCode::BAD_REQUEST, "idempotency_key_required").await;

    let (_, read_only) = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "r", "scopes": ["read"] }),
    )
    .await;
    expect_problem(
        usage(&app, &read_only, "r1", &body).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let (id, revoked) = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "x", "scopes": ["usage:write"] }),
    )
    .await;
    expect_json(
        usage(&app, &revoked, "v1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    app.delete(&format!("/v1/orgs/acme/api-keys/{id}"), &owner)
        .await;
    expect_problem(
        usage(&app, &revoked, "v2", &body).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    // A key stops working when its creator leaves the org.
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    let admins = usage_key(&app, &admin.token, &org).await;
    expect_json(usage(&app, &admins, "w1", &body).await, StatusCode::CREATED).await;
    app.delete(&format!("/v1/orgs/acme/members/{}", admin.user_id), &owner)
        .await;
    expect_problem(
        usage(&app, &admins, "w2", &body).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_eq!(balance(&app, &org).await, 6);
}

async fn usage_is_priced_from_the_rate_card_and_debited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let member = app.signup("member@example.com").await;
    let stranger = app.signup("stranger@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let id = project["id"].as_str().unwrap();
    let (key_id, secret) = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "m", "scopes": ["usage:write"] }),
    )
    .await;
    top_up(&app, &owner, "acme", 1000).await;
    let cases = [
        ("text", 10, 20),
        ("image", 2, 80),
        ("audio", 3, 18),
        ("embedding", 5, 5),
    ];
    let mut expected = 1000;
    for (n, (modality, quantity, price)) in cases.into_iter().enumerate() {
        let body = json!({ "project": "site", "modality": modality, "quantity": quantity, "user": member.user_id });
        let done = expect_json(
            usage(&app, &secret, &format!("u{n}"), &body).await,
            StatusCode::CREATED,
        )
        .await;
        expected -= price;
        assert_eq!(done["balance"], expected, "{done}");
        let entry = &done["entry"];
        assert_eq!(entry["kind"], "usage");
        assert_eq!(entry["amount"], -price);
        assert_eq!(entry["balance_after"], expected);
        assert_eq!(entry["modality"], modality);
        assert_eq!(entry["quantity"], quantity);
        assert_eq!(entry["rate_version"], 1);
        assert_eq!(entry["project_id"], id);
        assert_eq!(entry["api_key_id"], key_id.as_str());
        assert_eq!(entry["user_id"], member.user_id.as_str());
    }
    let keys = expect_json(
        app.get("/v1/orgs/acme/api-keys", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert!(keys["items"][0]["last_used_at"].is_string(), "{keys}");

    let outsider =
        json!({ "project": id, "modality": "text", "quantity": 1, "user": stranger.user_id });
    let problem = expect_problem(
        usage(&app, &secret, "bad-user", &outsider).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "user");
    for quantity in [json!(0), json!(-3), json!(i64::MAX / 2)] {
        let body = json!({ "project": id, "modality": "image", "quantity": quantity });
        let problem = expect_problem(
            usage(&app, &secret, &format!("q{quantity}"), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], "quantity");
    }
    let too_much = json!({ "project": id, "modality": "image", "quantity": 22 });
    let problem = expect_problem(
        usage(&app, &secret, "big", &too_much).await,
        StatusCode::PAYMENT_REQUIRED,
        "insufficient_credits",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("880"),
        "{problem}"
    );
    assert_eq!(balance(&app, &org).await, expected);
    let exact = json!({ "project": id, "modality": "embedding", "quantity": expected });
    let done = expect_json(
        usage(&app, &secret, "all", &exact).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(done["balance"], 0);
    assert_ledger_consistent(&app, &org).await;
}

async fn usage_checks_the_project(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let one = app.new_project(&owner, "acme", "One").await;
    let two = app.new_project(&owner, "acme", "Two").await;
    let (one, two) = (one["id"].as_str().unwrap(), two["id"].as_str().unwrap());
    top_up(&app, &owner, "acme", 100).await;
    let secret = usage_key(&app, &owner, &org).await;
    let limited = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "one", "project_id": one, "scopes": ["usage:write"] }),
    )
    .await
    .1;
    expect_problem(
        usage(&app, &secret, "a", &text("nope", 1)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        usage(&app, &limited, "b", &text(two, 1)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_json(
        usage(&app, &limited, "c", &text("one", 1)).await,
        StatusCode::CREATED,
    )
    .await;
    let reason = json!({ "reason": "Budget review" });
    app.post_json("/v1/orgs/acme/projects/two/suspend", Some(&owner), &reason)
        .await;
    let problem = expect_problem(
        usage(&app, &secret, "d", &text(two, 1)).await,
        StatusCode::CONFLICT,
        "project_not_active",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Budget review"),
        "{problem}"
    );
    app.post("/v1/orgs/acme/projects/one/archive", &owner).await;
    expect_problem(
        usage(&app, &secret, "e", &text(one, 1)).await,
        StatusCode::CONFLICT,
        "project_not_active",
    )
    .await;
    assert_eq!(balance(&app, &org).await, 98);
}

async fn spend_policies_decide_who_may_spend(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let one = app.new_project(&owner, "acme", "One").await;
    let two = app.new_project(&owner, "acme", "Two").await;
    let (one, two) = (one["id"].as_str().unwrap(), two["id"].as_str().unwrap());
    let member = app.signup("member@example.com").await;
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    top_up(&app, &owner, "acme", 100).await;
    let scoped = json!({ "name": "m", "project_id": one, "scopes": ["usage:write"] });
    let members_key = new_key(&app, &member.token, "acme", scoped).await.1;
    let admins_key = usage_key(&app, &admin.token, &org).await;
    let set = |policy: Value| {
        let (app, owner) = (&app, owner.clone());
        async move {
            let response = app
                .request(
                    Method::PUT,
                    "/v1/orgs/acme/billing/spend-policy",
                    Some(&owner),
                )
                .json(&policy)
                .send()
                .await
                .unwrap();
            expect_json(response, StatusCode::OK).await
        }
    };
    expect_json(
        usage(&app, &members_key, "a", &text(one, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    set(json!({ "kind": "admins_only" })).await;
    let refused = usage(&app, &members_key, "b", &text(one, 1)).await;
    expect_problem(refused, StatusCode::FORBIDDEN, "spend_not_allowed").await;
    expect_json(
        usage(&app, &admins_key, "c", &text(one, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    set(json!({ "kind": "projects", "ids": [two] })).await;
    let refused = usage(&app, &admins_key, "d", &text(one, 1)).await;
    expect_problem(refused, StatusCode::FORBIDDEN, "spend_not_allowed").await;
    expect_json(
        usage(&app, &admins_key, "e", &text(two, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    set(json!({ "kind": "everyone" })).await;
    expect_json(
        usage(&app, &members_key, "f", &text(one, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(balance(&app, &org).await, 92);
    assert_ledger_consistent(&app, &org).await;
}

/// A new debit stores its answer in its own transaction (the layer stores nothing after
/// it): the record holds exactly the bytes sent, and a retry replays them. A refusal is
/// still kept by the layer, so a retry after a top-up replays the 402.
async fn a_debit_and_its_answer_are_kept_together(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let body = text(project["id"].as_str().unwrap(), 1);
    top_up(&app, &owner, "acme", 100).await;
    let secret = usage_key(&app, &owner, &org).await;

    let first = usage(&app, &secret, "d-1", &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    assert_eq!(first.headers()["content-type"], "application/json");
    let sent = first.bytes().await.unwrap().to_vec();
    let (status, kept): (i64, Vec<u8>) =
        sqlx::query_as("SELECT status, body FROM idempotency_records WHERE idem_key = $1")
            .bind("d-1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status, &kept), (201, &sent));
    let recorded: Value = serde_json::from_slice(&sent).unwrap();
    let left = recorded["balance"].as_i64().unwrap();
    assert_eq!(left, 100 + recorded["entry"]["amount"].as_i64().unwrap());
    assert!(left < 100);
    for _ in 0..2 {
        let again = usage(&app, &secret, "d-1", &body).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.headers()["content-type"], "application/json");
        assert_eq!(again.bytes().await.unwrap().to_vec(), sent);
    }

    let large = text(project["id"].as_str().unwrap(), 1_000_000);
    let short = usage(&app, &secret, "d-2", &large).await;
    expect_problem(short, StatusCode::PAYMENT_REQUIRED, "insufficient_credits").await;
    top_up(&app, &owner, "acme", 10).await;
    let again = usage(&app, &secret, "d-2", &large).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    expect_problem(again, StatusCode::PAYMENT_REQUIRED, "insufficient_credits").await;
    assert_eq!(balance(&app, &org).await, left + 10);
    assert_ledger_consistent(&app, &org).await;
}
