//! Idempotency-Key on every mutation: replays, 422 for another request under a key, 409
//! while the first runs, per-caller scopes that survive signing in again, 5xx not kept,
//! and expiry (see also `idempotency_recovery`).

use orgdesk_server::idempotency::request_hash;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp, PASSWORD,
};
use crate::money::{assert_ledger_consistent, balance, text, top_up, usage, usage_key};

on_both_backends!(
    a_key_replays_the_first_answer,
    another_request_under_a_key_is_refused,
    a_key_in_flight_answers_409_until_its_lease_runs_out,
    keys_belong_to_their_caller_and_survive_signing_in_again,
    server_errors_are_not_kept,
);

pub const TOP_UPS: &str = "/v1/orgs/acme/credits/top-ups";

pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> Response {
    app.request(method, path, Some(token))
        .header("idempotency-key", key)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .send()
        .await
        .unwrap()
}

pub fn replayed(response: &Response) -> bool {
    response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

async fn a_key_replays_the_first_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let body = json!({ "amount": 250 });
    let first = send(&app, Method::POST, TOP_UPS, &owner, "top-1", &body).await;
    assert!(!replayed(&first));
    let first = expect_json(first, StatusCode::CREATED).await;
    for _ in 0..2 {
        let again = send(&app, Method::POST, TOP_UPS, &owner, "top-1", &body).await;
        assert!(replayed(&again));
        assert_eq!(again.headers()["content-type"], "application/json");
        assert_eq!(expect_json(again, StatusCode::CREATED).await, first);
    }
    assert_eq!(balance(&app, &org).await, 250);

    // Any mutation: a PATCH answers with its ETag again; a 4xx is kept too.
    app.new_project(&owner, "acme", "Site").await;
    let patch = json!({ "description": "new" });
    let path = "/v1/orgs/acme/projects/site";
    let first = send(&app, Method::PATCH, path, &owner, "patch-1", &patch).await;
    assert_eq!(first.headers()["etag"], "\"2\"");
    let again = send(&app, Method::PATCH, path, &owner, "patch-1", &patch).await;
    assert!(replayed(&again));
    assert_eq!(again.headers()["etag"], "\"2\"");
    let project = expect_json(app.get(path, &owner).await, StatusCode::OK).await;
    assert_eq!(project["version"], 2);
    let bad = json!({ "amount": 0 });
    let first = send(&app, Method::POST, TOP_UPS, &owner, "bad-1", &bad).await;
    expect_problem(first, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let again = send(&app, Method::POST, TOP_UPS, &owner, "bad-1", &bad).await;
    assert!(replayed(&again));
    assert_eq!(again.headers()["content-type"], "application/problem+json");
    let long = "k".repeat(256);
    let response = send(&app, Method::POST, TOP_UPS, &owner, &long, &body).await;
    expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
}

async fn another_request_under_a_key_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    top_up(&app, &owner, "acme", 100).await;
    let first = send(
        &app,
        Method::POST,
        TOP_UPS,
        &owner,
        "k",
        &json!({ "amount": 10 }),
    )
    .await;
    expect_json(first, StatusCode::CREATED).await;
    let other_body = send(
        &app,
        Method::POST,
        TOP_UPS,
        &owner,
        "k",
        &json!({ "amount": 11 }),
    )
    .await;
    expect_problem(
        other_body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    let other_path = send(
        &app,
        Method::POST,
        "/v1/orgs/acme/projects",
        &owner,
        "k",
        &json!({ "amount": 10 }),
    )
    .await;
    expect_problem(
        other_path,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let secret = usage_key(&app, &owner, &org).await;
    let id = project["id"].as_str().unwrap();
    expect_json(
        usage(&app, &secret, "u", &text(id, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    let reused = usage(&app, &secret, "u", &text(id, 2)).await;
    expect_problem(
        reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    assert_eq!(balance(&app, &org).await, 108);
}

async fn a_key_in_flight_answers_409_until_its_lease_runs_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let ana: (String,) = sqlx::query_as("SELECT id FROM users WHERE email = 'ana@example.com'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let body = json!({ "amount": 40 });
    let path = format!("/v1/orgs/{org}/credits/top-ups");
    let hash = request_hash("POST", &path, &serde_json::to_vec(&body).unwrap());
    sqlx::query(
        "INSERT INTO idempotency_records (scope, idem_key, request_hash, locked_until, \
         created_at, expires_at) VALUES ($1, 'busy', $2, $3, 0, $3)",
    )
    .bind(format!("user:{}", ana.0))
    .bind(&hash)
    .bind(i64::MAX / 2)
    .execute(&app.db)
    .await
    .unwrap();
    let busy = send(&app, Method::POST, &path, &owner, "busy", &body).await;
    expect_problem(busy, StatusCode::CONFLICT, "idempotency_key_in_flight").await;
    let other = send(
        &app,
        Method::POST,
        &path,
        &owner,
        "busy",
        &json!({ "amount": 41 }),
    )
    .await;
    expect_problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    assert_eq!(balance(&app, &org).await, 0);

    // The first request's process died: once its lease runs out, a retry takes over.
    sqlx::query("UPDATE idempotency_records SET locked_until = 1 WHERE idem_key = 'busy'")
        .execute(&app.db)
        .await
        .unwrap();
    let retry = send(&app, Method::POST, &path, &owner, "busy", &body).await;
    assert!(!replayed(&retry));
    expect_json(retry, StatusCode::CREATED).await;
    let again = send(&app, Method::POST, &path, &owner, "busy", &body).await;
    assert!(replayed(&again));
    assert_eq!(balance(&app, &org).await, 40);

    // Real races: the same key sent 8 times at once runs once.
    let sends = (0..8).map(|_| send(&app, Method::POST, &path, &owner, "race", &body));
    let answers = futures::future::join_all(sends).await;
    let statuses: Vec<StatusCode> = answers.iter().map(Response::status).collect();
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert_eq!(balance(&app, &org).await, 80);
    assert_ledger_consistent(&app, &org).await;
}

async fn keys_belong_to_their_caller_and_survive_signing_in_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    let body = json!({ "amount": 5 });
    let mine = expect_json(
        send(&app, Method::POST, TOP_UPS, &owner, "same", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let theirs = send(&app, Method::POST, TOP_UPS, &admin.token, "same", &body).await;
    assert!(!replayed(&theirs));
    let theirs = expect_json(theirs, StatusCode::CREATED).await;
    assert_ne!(mine["entry"]["id"], theirs["entry"]["id"]);
    app.request(Method::POST, "/v1/auth/logout", Some(&owner))
        .send()
        .await
        .unwrap();
    let grant = expect_json(app.login("ana@example.com", PASSWORD).await, StatusCode::OK).await;
    let fresh = grant["token"].as_str().unwrap();
    let again = send(&app, Method::POST, TOP_UPS, fresh, "same", &body).await;
    assert!(replayed(&again));
    assert_eq!(expect_json(again, StatusCode::CREATED).await, mine);
    assert_eq!(balance(&app, &org).await, 10);
}

async fn server_errors_are_not_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let trap = match backend {
        Backend::Sqlite => vec![
            "CREATE TRIGGER trap BEFORE INSERT ON audit_events WHEN NEW.action = 'billing.top_up' \
             BEGIN SELECT RAISE(ABORT, 'trap'); END",
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION trap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.action = 'billing.top_up' THEN RAISE EXCEPTION 'trap'; END IF; RETURN NEW; END; $$",
            "CREATE TRIGGER trap BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION trap()",
        ],
    };
    for sql in trap {
        sqlx::query(sql).execute(&app.db).await.unwrap();
    }
    let body = json!({ "amount": 70 });
    let failed = send(&app, Method::POST, TOP_UPS, &owner, "flaky", &body).await;
    expect_problem(failed, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    assert_eq!(
        balance(&app, &org).await,
        0,
        "the failed top-up rolled back"
    );
    let kept: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM idempotency_records WHERE idem_key = 'flaky'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kept.0, 0);
    let untrap = match backend {
        Backend::Sqlite => "DROP TRIGGER trap",
        Backend::Postgres => "DROP TRIGGER trap ON audit_events",
    };
    sqlx::query(untrap).execute(&app.db).await.unwrap();
    let retry = send(&app, Method::POST, TOP_UPS, &owner, "flaky", &body).await;
    assert!(!replayed(&retry));
    expect_json(retry, StatusCode::CREATED).await;
    assert_eq!(balance(&app, &org).await, 70);
}
