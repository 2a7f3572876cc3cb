//! Idempotency records that expire, answers whose secrets are not kept, and money that
//! stays exactly-once when a request dies after its ledger commit.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::idempotency::{replayed, send, TOP_UPS};
use crate::money::{assert_ledger_consistent, balance, text, usage, usage_key};

on_both_backends!(
    expired_records_are_forgotten_and_secrets_never_kept,
    money_stays_exactly_once_across_a_crash,
);

async fn expired_records_are_forgotten_and_secrets_never_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _) = acme(&app).await;
    app.new_project(&owner, "acme", "Site").await;
    let path = "/v1/orgs/acme/projects/site";
    let patch = json!({ "name": "Site 2" });
    expect_json(
        send(&app, Method::PATCH, path, &owner, "old", &patch).await,
        StatusCode::OK,
    )
    .await;
    sqlx::query("UPDATE idempotency_records SET expires_at = 1 WHERE idem_key = 'old'")
        .execute(&app.db)
        .await
        .unwrap();
    let again = send(&app, Method::PATCH, path, &owner, "old", &patch).await;
    assert!(!replayed(&again), "an expired record is not replayed");
    expect_json(again, StatusCode::OK).await;

    let body = json!({ "name": "ci", "scopes": ["usage:write"] });
    let keys = "/v1/orgs/acme/api-keys";
    let created = expect_json(
        send(&app, Method::POST, keys, &owner, "key-1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    let again = send(&app, Method::POST, keys, &owner, "key-1", &body).await;
    assert!(replayed(&again));
    let again = expect_json(again, StatusCode::CREATED).await;
    assert_eq!(again["key"], created["key"]);
    assert_eq!(again["secret"], "", "the secret is shown once");
    let stored: Vec<(Option<Vec<u8>>,)> = sqlx::query_as("SELECT body FROM idempotency_records")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for (body,) in stored {
        let text = String::from_utf8_lossy(&body.unwrap_or_default()).into_owned();
        assert!(!text.contains(secret));
    }
    let invite = json!({ "emails": ["new@example.com"], "role": "member" });
    let issued = expect_json(
        send(
            &app,
            Method::POST,
            "/v1/orgs/acme/invitations",
            &owner,
            "inv-1",
            &invite,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let link = issued["invitations"][0]["link"].as_str().unwrap();
    assert!(link.starts_with("orgdesk://invite/"));
    let again = send(
        &app,
        Method::POST,
        "/v1/orgs/acme/invitations",
        &owner,
        "inv-1",
        &invite,
    )
    .await;
    let again = expect_json(again, StatusCode::CREATED).await;
    assert_eq!(
        again["invitations"][0]["invitation"],
        issued["invitations"][0]["invitation"]
    );
    assert_eq!(again["invitations"][0]["link"], "");

    // Signing in while still holding a session: the new token is not kept either.
    let login = json!({ "email": "ana@example.com", "password": crate::harness::PASSWORD });
    let grant = send(
        &app,
        Method::POST,
        "/v1/auth/login",
        &owner,
        "login-1",
        &login,
    )
    .await;
    let grant = expect_json(grant, StatusCode::OK).await;
    let token = grant["token"].as_str().unwrap();
    let again = send(
        &app,
        Method::POST,
        "/v1/auth/login",
        &owner,
        "login-1",
        &login,
    )
    .await;
    assert!(replayed(&again));
    assert_eq!(expect_json(again, StatusCode::OK).await["token"], "");
    let stored: Vec<(Option<Vec<u8>>,)> = sqlx::query_as("SELECT body FROM idempotency_records")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for (body,) in stored {
        let text = String::from_utf8_lossy(&body.unwrap_or_default()).into_owned();
        assert!(!text.contains(token) && !text.contains(link));
    }
}

/// Makes the record of `key` look like its request died after the ledger commit, before
/// its answer was kept: in flight, lease run out.
async fn crash_after_commit(app: &TestApp, key: &str) {
    sqlx::query(
        "UPDATE idempotency_records SET status = NULL, headers = NULL, body = NULL, \
         locked_until = 1 WHERE idem_key = $1",
    )
    .bind(key)
    .execute(&app.db)
    .await
    .unwrap();
}

async fn money_stays_exactly_once_across_a_crash(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let id = project["id"].as_str().unwrap();
    let body = json!({ "amount": 300 });
    let first = expect_json(
        send(&app, Method::POST, TOP_UPS, &owner, "pay", &body).await,
        StatusCode::CREATED,
    )
    .await;
    crash_after_commit(&app, "pay").await;
    let rerun = send(&app, Method::POST, TOP_UPS, &owner, "pay", &body).await;
    assert!(!replayed(&rerun), "the handler ran again");
    assert_eq!(expect_json(rerun, StatusCode::CREATED).await, first);

    let secret = usage_key(&app, &owner, &org).await;
    let spent = expect_json(
        usage(&app, &secret, "use", &text(id, 7)).await,
        StatusCode::CREATED,
    )
    .await;
    crash_after_commit(&app, "use").await;
    assert_eq!(
        expect_json(
            usage(&app, &secret, "use", &text(id, 7)).await,
            StatusCode::CREATED
        )
        .await,
        spent
    );
    // Even once the record is gone (expired), the entry keeps the key: the retry answers
    // with it, not with what a new debit would meet now (the project archived since).
    sqlx::query("UPDATE projects SET status = 'archived' WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM idempotency_records")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        expect_json(
            usage(&app, &secret, "use", &text(id, 7)).await,
            StatusCode::CREATED
        )
        .await,
        spent
    );
    assert_eq!(
        expect_json(
            send(&app, Method::POST, TOP_UPS, &owner, "pay", &body).await,
            StatusCode::CREATED
        )
        .await,
        first
    );
    sqlx::query("DELETE FROM idempotency_records")
        .execute(&app.db)
        .await
        .unwrap();
    let changed = usage(&app, &secret, "use", &text(id, 8)).await;
    expect_problem(
        changed,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    assert_eq!(balance(&app, &org).await, 300 - 14);
    let (entries,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(entries, 2);
    assert_ledger_consistent(&app, &org).await;
}
