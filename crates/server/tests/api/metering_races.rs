//! A debit racing a revocation of its key: the key was live when the request's gate read
//! it, and is revoked while the debit waits for the org. The debit must see the
//! revocation (401, nothing debited), not the key as the gate saw it.

use std::time::Duration;

use reqwest::StatusCode;

use crate::fixtures::acme;
use crate::harness::{expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::{balance, new_key, text, top_up, usage};

on_both_backends!(a_key_revoked_while_its_debit_waits_is_refused);

/// Waits until a session of this test's PostgreSQL database waits for a lock: the debit,
/// queued behind the org row the test holds.
async fn until_a_debit_waits(app: &TestApp) {
    for _ in 0..200 {
        let (waiting,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the debit never waited for the org's lock");
}

async fn a_key_revoked_while_its_debit_waits_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let project = app.new_project(&owner, "acme", "Site").await;
    top_up(&app, &owner, "acme", 10).await;
    let body = text(project["id"].as_str().unwrap(), 1);
    let (id, secret) = new_key(
        &app,
        &owner,
        "acme",
        serde_json::json!({ "name": "m", "scopes": ["usage:write"] }),
    )
    .await;

    // Hold what a revocation holds: on PostgreSQL the org's row, on SQLite the write lock
    // (the revocation's own UPDATE takes it).
    let mut hold = app.db.begin().await.unwrap();
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM orgs WHERE id = $1 FOR UPDATE")
            .bind(&org)
            .fetch_one(&mut *hold)
            .await
            .unwrap();
    } else {
        revoke(&mut hold, &id).await;
    }
    let debit = tokio::spawn({
        let (base, client) = (app.base.clone(), app.client.clone());
        let (secret, body) = (secret.clone(), body.clone());
        async move {
            client
                .post(format!("{base}/v1/usage"))
                .bearer_auth(secret)
                .header("idempotency-key", "race")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    });
    if backend == Backend::Postgres {
        until_a_debit_waits(&app).await;
        revoke(&mut hold, &id).await;
    } else {
        // SQLite shows no waiters: give the request time to pass its gate's read (which
        // sees the key live) and queue for the write lock behind this transaction.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    hold.commit().await.unwrap();

    let answer = debit.await.unwrap();
    expect_problem(answer, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(balance(&app, &org).await, 10, "nothing was debited");
    // And a retry under the same key is refused too, never replayed as a debit.
    expect_problem(
        usage(&app, &secret, "race", &body).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

async fn revoke(conn: &mut sqlx::AnyConnection, id: &str) {
    sqlx::query("UPDATE api_keys SET revoked_at = 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await
        .unwrap();
}
