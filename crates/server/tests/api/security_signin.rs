//! The sign-in attacks of issue 9, replayed against the real server; each now fails to get
//! through. 2: a burst of parallel guesses for one account gets at most 5 passwords
//! checked. 3: a flood of sign-ups is hashed a core at a time, the rest answered 503, and
//! the process stays small. 4: an address blocked by failures still signs its other people
//! in, and behind a trusted proxy each forwarded client has its own limit.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::after_sign_in_window;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
    PASSWORD,
};

on_both_backends!(
    a_parallel_login_burst_gets_at_most_five_passwords_checked,
    a_signup_flood_is_hashed_a_core_at_a_time_in_bounded_memory,
    a_blocked_address_never_refuses_another_persons_right_password,
    behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit,
    failed_sign_ins_are_in_the_accounts_security_log,
);

/// How many attempts were answered with each status.
fn tally(statuses: &[StatusCode]) -> (usize, usize, usize, usize) {
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    (
        count(StatusCode::OK),
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::TOO_MANY_REQUESTS),
        statuses.len(),
    )
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.login(email, password).await.status()
}

async fn a_parallel_login_burst_gets_at_most_five_passwords_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("victim@example.com").await;
    // 199 wrong guesses at once, and the owner's right password while they run.
    let guesses = (0..199).map(|n| {
        let app = &app;
        async move { login_status(app, "victim@example.com", &format!("guess number {n}")).await }
    });
    let owner = async {
        // Sent once the burst has used up the account's attempts.
        for _ in 0..200 {
            let (used,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM rate_limit_hits WHERE rule = 'login.account'")
                    .fetch_one(&app.db)
                    .await
                    .unwrap();
            if used >= 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        login_status(&app, "victim@example.com", PASSWORD).await
    };
    let (mut statuses, owner) = tokio::join!(futures::future::join_all(guesses), owner);
    statuses.push(owner);
    let (ok, wrong, throttled, all) = tally(&statuses);
    assert_eq!(all, 200);
    // Before: 199 × 401 and 1 × 200, never a 429. Now at most 5 passwords are checked.
    assert!(
        ok + wrong <= 5,
        "{ok} signed in, {wrong} wrong: {statuses:?}"
    );
    assert_eq!(ok + wrong + throttled, 200, "{statuses:?}");
    assert_eq!(owner, StatusCode::TOO_MANY_REQUESTS);

    // Once the window has passed, the owner signs in, and that clears the failures.
    after_sign_in_window(&app).await;
    expect_json(
        app.login("victim@example.com", PASSWORD).await,
        StatusCode::OK,
    )
    .await;
    let (left,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM rate_limit_hits WHERE rule = 'login.account'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(left, 0);
}

/// The resident memory of this process (the server runs in it), in MiB.
fn resident_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("VmRSS");
    kib / 1024
}

async fn a_signup_flood_is_hashed_a_core_at_a_time_in_bounded_memory(backend: Backend) {
    // 200 clients (behind a trusted proxy, each its own address): no per-address limit
    // stands between the flood and the hashing.
    let app = spawn_app_with(backend, |mut config| {
        config.trust_proxy = true;
        config
    })
    .await;
    // The test process holds every test running beside this one: judge the growth.
    let baseline = resident_mib();
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak = resident_mib();
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(resident_mib());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak.max(resident_mib())
        })
    };
    let signups = (0..200).map(|n| {
        let app = &app;
        async move {
            let body = json!({
                "email": format!("flood{n}@example.com"),
                "password": PASSWORD,
                "display_name": "Flood",
            });
            let response = app
                .request(reqwest::Method::POST, "/v1/auth/signup", None)
                .header("x-forwarded-for", format!("198.51.100.{}", n + 1))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let retry_after = response.headers().get("retry-after").cloned();
            let text = response.text().await.unwrap();
            (status, retry_after, text)
        }
    });
    let answers = futures::future::join_all(signups).await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.unwrap();
    // Before: all 200 hashed at once, and the server grew to 4.4–5.2 GB.
    let growth = peak.saturating_sub(baseline);
    assert!(
        growth < 500,
        "resident memory grew by {growth} MiB (from {baseline} to {peak} MiB)"
    );
    let created = answers
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::CREATED)
        .count();
    let busy: Vec<_> = answers
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert_eq!(created + busy.len(), 200, "{answers:?}");
    assert!(created >= 1 && !busy.is_empty(), "{created} created");
    for (_, retry_after, text) in &busy {
        assert_eq!(retry_after.as_ref().unwrap(), "2");
        assert!(text.contains("\"code\":\"server_busy\""), "{text}");
    }
    // Refused sign-ups left nothing behind; the accepted ones work.
    let (accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(usize::try_from(accounts).unwrap(), created);
    // The flood is over: sign-up answers again.
    expect_json(
        app.signup_raw("after@example.com", PASSWORD, "After").await,
        StatusCode::CREATED,
    )
    .await;
}

async fn a_blocked_address_never_refuses_another_persons_right_password(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("colleague@example.com").await;
    app.signup("other@example.com").await;
    // 20 failures for 20 different accounts from one address: it is blocked.
    for n in 0..20 {
        let response = app
            .login(&format!("stranger{n}@example.com"), "wrong password")
            .await;
        expect_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Before: 429 with Retry-After 900. Now a different person's right password signs in.
    expect_json(
        app.login("colleague@example.com", PASSWORD).await,
        StatusCode::OK,
    )
    .await;
    // A wrong password from the blocked address is not told apart from the block: 429 …
    let response = app.login("other@example.com", "wrong password").await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // … and that account gets no second guess from this address in the window, not even
    // its right password; other accounts still get their one check.
    let response = app.login("other@example.com", PASSWORD).await;
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    for n in 20..25 {
        let response = app
            .login(&format!("stranger{n}@example.com"), "wrong password")
            .await;
        expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    }
    // Once the window passes, the address is free again.
    after_sign_in_window(&app).await;
    expect_json(
        app.login("other@example.com", PASSWORD).await,
        StatusCode::OK,
    )
    .await;
}

async fn login_from(app: &TestApp, forwarded: &str, email: &str, password: &str) -> StatusCode {
    app.request(reqwest::Method::POST, "/v1/auth/login", None)
        .header("x-forwarded-for", forwarded)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(backend: Backend) {
    let app = spawn_app_with(backend, |mut config| {
        config.trust_proxy = true;
        config
    })
    .await;
    for n in 0..20 {
        let email = format!("a{n}@example.com");
        let status = login_from(&app, "6.6.6.6, 203.0.113.1", &email, "wrong password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // 203.0.113.1 is blocked: its next wrong guess is refused …
    let status = login_from(&app, "203.0.113.1", "fresh@example.com", "wrong password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // … while another client of the same proxy (the same TCP peer) is not: before, the
    // limit keyed on the proxy's address and blocked everyone behind it.
    let status = login_from(&app, "203.0.113.2", "fresh@example.com", "wrong password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The earlier, client-supplied entries of the header count for nothing.
    let status = login_from(&app, "203.0.113.2, 203.0.113.1", "x@example.com", "wrong!").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let subjects: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT subject FROM rate_limit_hits WHERE rule = 'login.address' \
         ORDER BY subject",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        subjects,
        [("203.0.113.1".to_owned(),), ("203.0.113.2".to_owned(),)]
    );
}

async fn failed_sign_ins_are_in_the_accounts_security_log(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let response = app
        .request(reqwest::Method::POST, "/v1/auth/login", None)
        .header("user-agent", "Guesser/1.0")
        .json(&json!({ "email": "ana@example.com", "password": "not it at all" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    expect_json(app.login("ana@example.com", PASSWORD).await, StatusCode::OK).await;
    let log = expect_json(
        app.get("/v1/me/security-events", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items[0]["event"], "signed_in");
    assert_eq!(items[1]["event"], "sign_in_failed");
    assert_eq!(items[1]["user_agent"], "Guesser/1.0");
    assert_eq!(items[1]["ip"], "127.0.0.1");
    assert_eq!(items[1]["details"]["reason"], "wrong_password");
}
