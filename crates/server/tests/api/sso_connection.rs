//! The SSO connection routes: who may read and change them, every field's validation,
//! the discovery document fetched and refused for what is wrong with it, the secret
//! never shown, and issuers this server must not reach refused without sending anything.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};
use crate::oidc_provider::CLIENT_SECRET;
use crate::sso_fixtures::{connection, put_sso, world, AppHalf};

on_both_backends!(
    the_connection_is_read_and_changed_by_owners_and_admins,
    every_field_is_validated,
    a_discovery_document_that_is_not_usable_is_refused,
    issuers_inside_are_refused_without_the_flag,
    starting_needs_a_connection_and_a_loopback_app,
);

async fn the_connection_is_read_and_changed_by_owners_and_admins(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let path = format!("/v1/orgs/{}/sso", w.org_id);
    let settings = expect_json(w.app.get(&path, &w.owner.token).await, StatusCode::OK).await;
    let saved = &settings["connection"];
    assert_eq!(saved["issuer"], w.provider.issuer.as_str());
    assert_eq!(saved["allowed_domains"], json!(["acme.test"]));
    assert_eq!(saved["client_secret_set"], true);
    assert_eq!(
        settings["redirect_uri"],
        format!("{}/v1/auth/sso/callback", w.app.base)
    );
    // The secret is in no answer, no audit event, and not in the clear in the database.
    assert!(!settings.to_string().contains(CLIENT_SECRET));
    let log = w
        .app
        .get(&format!("/v1/orgs/{}/audit-log", w.org_id), &w.owner.token)
        .await;
    let log = expect_json(log, StatusCode::OK).await;
    assert!(log.to_string().contains("org.sso_updated"));
    assert!(!log.to_string().contains(CLIENT_SECRET));
    let stored = w
        .count(&format!(
            "SELECT COUNT(*) FROM sso_connections WHERE client_secret_sealed LIKE '%{CLIENT_SECRET}%'"
        ))
        .await;
    assert_eq!(stored, 0);

    // Members 403, other tenants and strangers 404, the personal context 409.
    let member = w.app.signup("member@corp.test").await;
    w.app.add_member(&w.org_id, &member.user_id, "member").await;
    let stranger = w.app.signup("stranger@corp.test").await;
    let body = connection(&w.provider.issuer);
    expect_problem(
        w.app.get(&path, &member.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let put = put_sso(&w.app, &member.token, &w.org_id, &body).await;
    expect_problem(put, StatusCode::FORBIDDEN, "forbidden").await;
    expect_problem(
        w.app.delete(&path, &member.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        w.app.get(&path, &stranger.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let put = put_sso(&w.app, &stranger.token, &w.org_id, &body).await;
    expect_problem(put, StatusCode::NOT_FOUND, "not_found").await;
    let personal = format!("/v1/orgs/{}/sso", w.owner.personal_org_id);
    expect_problem(
        w.app.get(&personal, &w.owner.token).await,
        StatusCode::CONFLICT,
        "personal_context",
    )
    .await;

    // An admin may change it; the secret stays when none is given.
    let admin = w.app.signup("admin@corp.test").await;
    w.app.add_member(&w.org_id, &admin.user_id, "admin").await;
    let mut changed = body.clone();
    changed.as_object_mut().unwrap().remove("client_secret");
    changed["default_role"] = json!("admin");
    changed["require_sso"] = json!(true);
    let saved = put_sso(&w.app, &admin.token, &w.org_id, &changed).await;
    let saved = expect_json(saved, StatusCode::OK).await;
    assert!(!saved.to_string().contains(CLIENT_SECRET));
    assert_eq!(saved["connection"]["default_role"], "admin");
    assert_eq!(saved["connection"]["require_sso"], true);
    // It still signs in (the kept secret opens), as an admin now.
    let token = w.session_of("jo").await;
    let org = w.app.get(&format!("/v1/orgs/{}", w.org_id), &token).await;
    assert_eq!(expect_json(org, StatusCode::OK).await["role"], "admin");

    // Removed: audited, and sign-ins end.
    let removed = w.app.delete(&path, &admin.token).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let gone = expect_json(w.app.get(&path, &w.owner.token).await, StatusCode::OK).await;
    assert_eq!(gone["connection"], Value::Null);
    assert!(w
        .audit_actions()
        .await
        .contains(&"org.sso_removed".to_owned()));
    let mut start = AppHalf::new().fields();
    start["org"] = json!(w.slug);
    let refused = w.app.post_json("/v1/auth/sso/start", None, &start).await;
    expect_problem(refused, StatusCode::NOT_FOUND, "sso_not_configured").await;
    let again = w.app.delete(&path, &w.owner.token).await;
    expect_problem(again, StatusCode::NOT_FOUND, "sso_not_configured").await;
}

async fn every_field_is_validated(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let other = w.app.signup("other@corp.test").await;
    let other_org = w.app.new_org(&other.token, "Other").await;
    let foreign = w
        .app
        .new_project(
            &other.token,
            other_org["org"]["id"].as_str().unwrap(),
            "Theirs",
        )
        .await;
    let long = "x".repeat(1001);
    let cases: Vec<(&str, Value)> = vec![
        (
            "issuer",
            json!(format!("https://example.com/{}", "a".repeat(500))),
        ),
        ("issuer", json!("not a url")),
        ("client_id", json!("")),
        ("client_id", json!("c".repeat(256))),
        ("client_secret", json!(long)),
        ("allowed_domains", json!(["not a domain"])),
        (
            "allowed_domains",
            json!((0..51).map(|i| format!("d{i}.test")).collect::<Vec<_>>()),
        ),
        ("default_role", json!("owner")),
        (
            "default_project_scope",
            json!({ "kind": "projects", "ids": [foreign["id"]] }),
        ),
    ];
    for (field, value) in cases {
        let mut body = connection(&w.provider.issuer);
        body[field] = value;
        let refused = put_sso(&w.app, &w.owner.token, &w.org_id, &body).await;
        let problem = expect_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Malformed bodies.
    let mut body = connection(&w.provider.issuer);
    body["default_role"] = json!(5);
    let refused = put_sso(&w.app, &w.owner.token, &w.org_id, &body).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    // The first save needs a secret.
    let second = w.app.new_org(&w.owner.token, "Second").await;
    let mut body = connection(&w.provider.issuer);
    body.as_object_mut().unwrap().remove("client_secret");
    let refused = put_sso(
        &w.app,
        &w.owner.token,
        second["org"]["id"].as_str().unwrap(),
        &body,
    )
    .await;
    let problem = expect_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "client_secret");
}

/// A loopback server that answers every request with `answer` (a whole HTTP response).
async fn answering(answer: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0_u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buffer).await;
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}")
}

async fn a_discovery_document_that_is_not_usable_is_refused(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let refused_with = |issuer: String, words: &'static str| {
        let w = &w;
        async move {
            let body = connection(&issuer);
            let answer = put_sso(&w.app, &w.owner.token, &w.org_id, &body).await;
            let problem = expect_problem(
                answer,
                StatusCode::UNPROCESSABLE_ENTITY,
                "sso_discovery_failed",
            )
            .await;
            let detail = problem["detail"].as_str().unwrap().to_owned();
            assert!(detail.contains(words), "{issuer}: {detail}");
        }
    };
    // Not exactly the issuer the provider names.
    refused_with(format!("{}/", w.provider.issuer), "names itself").await;
    // Nothing listening.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    refused_with(format!("http://127.0.0.1:{port}"), "could not be reached").await;
    // Not JSON, and not found.
    let html = answering(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
    )
    .await;
    refused_with(html, "did not answer JSON").await;
    refused_with(w.app.base.clone(), "HTTP 404").await;
    // JSON without the endpoints.
    let empty = answering(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
    )
    .await;
    refused_with(empty, "names no issuer").await;
    // Too large an answer (the cap is 512 KiB).
    let size = 600 * 1024;
    let big: &'static str = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\
             connection: close\r\n\r\n{}",
            " ".repeat(size)
        )
        .into_boxed_str(),
    );
    refused_with(answering(big).await, "more than").await;
    // The connection saved before is untouched.
    let path = format!("/v1/orgs/{}/sso", w.org_id);
    let settings = expect_json(w.app.get(&path, &w.owner.token).await, StatusCode::OK).await;
    assert_eq!(settings["connection"]["issuer"], w.provider.issuer.as_str());
}

async fn issuers_inside_are_refused_without_the_flag(backend: Backend) {
    // The default server: https only, no inner addresses. Literal addresses are checked
    // before any connection is made, so nothing is sent to them.
    let app = spawn_app(backend).await;
    let owner = app.signup("owner@corp.test").await;
    let org = app.new_org(&owner.token, "Acme").await;
    let org = org["org"]["id"].as_str().unwrap();
    for issuer in [
        "https://127.0.0.1:9",
        "https://10.0.0.1",
        "https://169.254.169.254",
    ] {
        let answer = put_sso(&app, &owner.token, org, &connection(issuer)).await;
        let problem = expect_problem(
            answer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "sso_discovery_failed",
        )
        .await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("internal address"),
            "{problem}"
        );
    }
    let answer = put_sso(&app, &owner.token, org, &connection("http://203.0.113.9")).await;
    let problem = expect_problem(
        answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "issuer");
}

async fn starting_needs_a_connection_and_a_loopback_app(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let start = |body: Value| {
        let app = &w.app;
        async move { app.post_json("/v1/auth/sso/start", None, &body).await }
    };
    // By the email's domain: only a verified domain routes.
    let mut body = AppHalf::new().fields();
    body["email"] = json!("jo@acme.test");
    let refused = start(body.clone()).await;
    expect_problem(refused, StatusCode::NOT_FOUND, "sso_not_configured").await;
    sqlx::query(
        "INSERT INTO org_domains (org_id, domain, token, created_at) VALUES ($1, 'acme.test', 't', 0)",
    )
    .bind(&w.org_id)
    .execute(&w.app.db)
    .await
    .unwrap();
    let refused = start(body.clone()).await;
    expect_problem(refused, StatusCode::NOT_FOUND, "sso_not_configured").await;
    sqlx::query("UPDATE org_domains SET verified_at = 1 WHERE org_id = $1")
        .bind(&w.org_id)
        .execute(&w.app.db)
        .await
        .unwrap();
    let started = expect_json(start(body.clone()).await, StatusCode::OK).await;
    let url = started["authorization_url"].as_str().unwrap();
    assert!(url.starts_with(&w.provider.issuer), "{url}");
    for part in [
        "code_challenge_method=S256",
        "nonce=",
        "login_hint=jo%40acme.test",
        "scope=openid",
    ] {
        assert!(url.contains(part), "{part}: {url}");
    }
    assert_eq!(started["org_name"], "Acme");
    // An unknown org answers as an unknown domain.
    let mut unknown = AppHalf::new().fields();
    unknown["org"] = json!("no-such-org");
    expect_problem(
        start(unknown).await,
        StatusCode::NOT_FOUND,
        "sso_not_configured",
    )
    .await;
    // The app's half.
    for (field, value) in [
        ("redirect_uri", json!("http://localhost:9/cb")),
        ("redirect_uri", json!("https://127.0.0.1:9/cb")),
        ("redirect_uri", json!("http://127.0.0.1/cb")),
        ("code_challenge", json!("short")),
        ("state", json!("short")),
        ("state", json!("x".repeat(201))),
    ] {
        let mut bad = body.clone();
        bad[field] = value;
        let problem = expect_problem(
            start(bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Starts are limited per client address, like sign-ins.
    let mut limited = None;
    for attempt in 0..80 {
        let answer = start(body.clone()).await;
        if answer.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((attempt, answer));
            break;
        }
    }
    let (attempt, answer) = limited.expect("a burst of starts is limited");
    assert!(attempt < 60, "limited after {attempt} more");
    assert!(answer.headers().get("retry-after").is_some());
    expect_problem(answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
