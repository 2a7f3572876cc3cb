//! One's own sessions: listed without their tokens, ended one by one or everywhere, ended
//! by the server's idle timeout and maximum age or by the strictest idle timeout of the
//! person's orgs; `last_seen_at` written at most once a minute; every ending in the
//! account's security log, which reads newest first, a page at a time.

use std::time::Duration;

use orgdesk_server::config::SessionLifetimes;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
    PASSWORD,
};

on_both_backends!(
    sessions_are_listed_without_tokens_and_end_one_by_one,
    signing_out_everywhere_keeps_the_current_session_unless_told,
    idle_and_old_sessions_end,
    an_orgs_idle_timeout_applies_to_its_members_only,
    last_seen_moves_at_most_once_a_minute,
    the_security_log_reads_newest_first_a_page_at_a_time,
    a_burst_that_finds_its_session_due_a_touch_is_answered,
);

async fn login_as(app: &TestApp, email: &str, agent: &str) -> String {
    let response = app
        .request(Method::POST, "/v1/auth/login", None)
        .header("user-agent", agent)
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let grant = expect_json(response, StatusCode::OK).await;
    grant["token"].as_str().unwrap().to_owned()
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let list = expect_json(app.get("/v1/me/sessions", token).await, StatusCode::OK).await;
    list["items"].as_array().unwrap().clone()
}

async fn unauthenticated(app: &TestApp, token: &str) {
    expect_problem(
        app.get("/v1/me", token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

async fn sessions_are_listed_without_tokens_and_end_one_by_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let signup = app.signup("ana@example.com").await;
    let laptop = login_as(&app, "ana@example.com", "Orgdesk/1.0 (laptop)").await;
    let phone = login_as(&app, "ana@example.com", "Orgdesk/1.0 (phone)").await;
    let list = sessions(&app, &laptop).await;
    assert_eq!(list.len(), 3);
    let text = serde_json::to_string(&list).unwrap();
    for secret in [&signup.token, &laptop, &phone] {
        assert!(!text.contains(secret.as_str()));
    }
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for (hash,) in hashes {
        assert!(!text.contains(&hash));
    }
    let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["user_agent"], "Orgdesk/1.0 (laptop)");
    assert_eq!(current[0]["ip"], "127.0.0.1");
    let phone_id = list
        .iter()
        .find(|s| s["user_agent"] == "Orgdesk/1.0 (phone)")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone else cannot end it, nor see that it exists.
    let bo = app.signup("bo@example.com").await;
    let path = format!("/v1/me/sessions/{phone_id}");
    expect_problem(
        app.delete(&path, &bo.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_json(app.get("/v1/me", &phone).await, StatusCode::OK).await;

    let response = app.delete(&path, &laptop).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    unauthenticated(&app, &phone).await;
    expect_json(app.get("/v1/me", &laptop).await, StatusCode::OK).await;
    expect_problem(
        app.delete(&path, &laptop).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(sessions(&app, &laptop).await.len(), 2);

    let log = expect_json(
        app.get("/v1/me/security-events", &laptop).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["items"][0]["event"], "session_revoked");
    assert_eq!(log["items"][0]["details"]["session_id"], phone_id.as_str());
    assert_eq!(log["items"][0]["ip"], "127.0.0.1");
}

async fn signing_out_everywhere_keeps_the_current_session_unless_told(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.signup("ana@example.com").await.token;
    let second = login_as(&app, "ana@example.com", "A").await;
    let third = login_as(&app, "ana@example.com", "B").await;
    let other = app.signup("bo@example.com").await.token;

    let done = expect_json(
        app.post_json("/v1/me/sessions/revoke-all", Some(&second), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["revoked"], 2);
    unauthenticated(&app, &first).await;
    unauthenticated(&app, &third).await;
    expect_json(app.get("/v1/me", &second).await, StatusCode::OK).await;
    expect_json(app.get("/v1/me", &other).await, StatusCode::OK).await;

    let fourth = login_as(&app, "ana@example.com", "C").await;
    let done = expect_json(
        app.post_json(
            "/v1/me/sessions/revoke-all",
            Some(&second),
            &json!({ "keep_current": false }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["revoked"], 2);
    unauthenticated(&app, &second).await;
    unauthenticated(&app, &fourth).await;
    expect_json(app.get("/v1/me", &other).await, StatusCode::OK).await;

    let fifth = login_as(&app, "ana@example.com", "D").await;
    let log = expect_json(
        app.get("/v1/me/security-events?limit=3", &fifth).await,
        StatusCode::OK,
    )
    .await;
    let events: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["signed_in", "signed_out_everywhere", "signed_in"]);
    assert_eq!(log["items"][1]["details"]["kept_current"], false);
}

async fn idle_and_old_sessions_end(backend: Backend) {
    let app = spawn_app_with(backend, |mut config| {
        config.sessions = SessionLifetimes {
            idle_timeout: Duration::from_secs(30 * 60),
            max_age: Duration::from_secs(24 * 3600),
        };
        config
    })
    .await;
    let idle = app.signup("idle@example.com").await;
    let old = app.signup("old@example.com").await;
    let fresh = app.signup("fresh@example.com").await;
    let grant = expect_json(app.get("/v1/me", &fresh.token).await, StatusCode::OK).await;
    let expires: chrono::DateTime<chrono::Utc> = grant["session_expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let lifetime = expires - chrono::Utc::now();
    assert!(lifetime <= chrono::Duration::hours(24) && lifetime > chrono::Duration::hours(23));

    let now = chrono::Utc::now().timestamp_millis();
    let minute = 60_000;
    // Unused for 31 minutes: over the server's 30.
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = $2")
        .bind(now - 31 * minute)
        .bind(&idle.user_id)
        .execute(&app.db)
        .await
        .unwrap();
    // In use, but signed in 25 hours ago (as if the maximum age had been lowered since).
    sqlx::query("UPDATE sessions SET created_at = $1, expires_at = $2 WHERE user_id = $3")
        .bind(now - 25 * 60 * minute)
        .bind(now + 60 * minute)
        .bind(&old.user_id)
        .execute(&app.db)
        .await
        .unwrap();
    unauthenticated(&app, &idle.token).await;
    unauthenticated(&app, &old.token).await;
    expect_json(app.get("/v1/me", &fresh.token).await, StatusCode::OK).await;
    // An ended session is not listed either.
    let relogin = login_as(&app, "idle@example.com", "again").await;
    assert_eq!(sessions(&app, &relogin).await.len(), 1);
}

async fn an_orgs_idle_timeout_applies_to_its_members_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let member = app.signup("member@example.com").await;
    let outsider = app.signup("outsider@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let policy = json!({
        "require_two_factor": false,
        "session_idle_timeout_minutes": 15,
        "min_password_length": 10,
    });
    let response = app
        .request(
            Method::PUT,
            &format!("/v1/orgs/{org}/security"),
            Some(&owner),
        )
        .json(&policy)
        .send()
        .await
        .unwrap();
    expect_json(response, StatusCode::OK).await;
    // Twenty idle minutes: past the org's 15, well within the server's 14 days.
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(chrono::Utc::now().timestamp_millis() - 20 * 60_000)
        .execute(&app.db)
        .await
        .unwrap();
    unauthenticated(&app, &member.token).await;
    unauthenticated(&app, &owner).await;
    expect_json(app.get("/v1/me", &outsider.token).await, StatusCode::OK).await;
}

async fn last_seen(app: &TestApp, user: &str) -> i64 {
    let (at,): (i64,) = sqlx::query_as("SELECT last_seen_at FROM sessions WHERE user_id = $1")
        .bind(user)
        .fetch_one(&app.db)
        .await
        .unwrap();
    at
}

async fn last_seen_moves_at_most_once_a_minute(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let signed_in = last_seen(&app, &ana.user_id).await;
    for _ in 0..3 {
        expect_json(app.get("/v1/me", &ana.token).await, StatusCode::OK).await;
    }
    assert_eq!(last_seen(&app, &ana.user_id).await, signed_in);
    let earlier = signed_in - 90_000;
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(earlier)
        .execute(&app.db)
        .await
        .unwrap();
    expect_json(app.get("/v1/me", &ana.token).await, StatusCode::OK).await;
    let moved = last_seen(&app, &ana.user_id).await;
    assert!(moved >= signed_in, "{moved} < {signed_in}");
    let listed = sessions(&app, &ana.token).await;
    let shown: chrono::DateTime<chrono::Utc> =
        listed[0]["last_seen_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(shown.timestamp_millis(), moved);
}

async fn the_security_log_reads_newest_first_a_page_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    for _ in 0..4 {
        login_as(&app, "ana@example.com", "Paging").await;
    }
    let _ = app.login("ana@example.com", "wrong password").await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = expect_json(
            app.get(
                &format!("/v1/me/security-events?limit=2&cursor={cursor}"),
                &ana.token,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        for item in page["items"].as_array().unwrap() {
            let at: chrono::DateTime<chrono::Utc> =
                item["created_at"].as_str().unwrap().parse().unwrap();
            seen.push((at, item["event"].as_str().unwrap().to_owned()));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[0].1, "sign_in_failed");
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "{seen:?}");
    // Another account's log is its own.
    let bo = app.signup("bo@example.com").await;
    let other = expect_json(
        app.get("/v1/me/security-events", &bo.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(other["items"], json!([]));
    let foreign = expect_problem(
        app.get("/v1/me/security-events?cursor=AAAA", &ana.token)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(foreign["field"], "cursor");
}

/// 64 reads at once of one session that is due its once-a-minute `last_seen_at` write:
/// every one of them wants that write, and the pool has fewer connections than requests.
/// All are answered, promptly (the load benchmark once saw such a burst stall for 30 s).
async fn a_burst_that_finds_its_session_due_a_touch_is_answered(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let org = app.new_org(&ana.token, "Atlas").await;
    let org = org["org"]["id"].as_str().unwrap().to_owned();
    app.new_project(&ana.token, &org, "Site").await;
    for round in 0..3 {
        let two_minutes_ago = chrono::Utc::now().timestamp_millis() - 120_000;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = $2")
            .bind(two_minutes_ago)
            .bind(&ana.user_id)
            .execute(&app.db)
            .await
            .unwrap();
        let path = format!("/v1/orgs/{org}/projects");
        let burst = (0..64).map(|_| app.get(&path, &ana.token));
        let answers =
            tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(burst))
                .await
                .unwrap_or_else(|_| panic!("round {round}: the burst was not answered in 20 s"));
        for answer in answers {
            assert_eq!(answer.status(), StatusCode::OK, "round {round}");
        }
    }
}
