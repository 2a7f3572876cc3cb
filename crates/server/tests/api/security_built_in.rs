//! Attack 7, the desktop app's built-in server: a web page the user visits rebinds a name
//! it controls to 127.0.0.1 and talks to the server under that name (DNS rebinding), or
//! posts to it straight from the browser; another program on the machine calls it; and
//! its data folder lets other accounts on the machine read the database and the mailed
//! invitation links. Each now fails to get through.

use orgdesk_model::built_in::APP_SECRET_HEADER;
use orgdesk_server::access::{AllowedHosts, AppSecret};
use orgdesk_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::{acme, invite_one};
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
};

on_both_backends!(
    the_built_in_server_answers_only_the_app_on_loopback,
    a_listed_host_is_answered_and_others_refused,
    a_server_without_the_options_answers_any_host,
);
#[cfg(unix)]
on_both_backends!(the_data_folder_and_its_files_are_the_owners_only);

fn built_in(secret: &AppSecret) -> impl FnOnce(Config) -> Config {
    let secret = secret.clone();
    move |config| Config {
        allowed_hosts: AllowedHosts::Loopback,
        app_secret: Some(secret),
        ..config
    }
}

fn port(app: &TestApp) -> u16 {
    url::Url::parse(&app.base).unwrap().port().unwrap()
}

/// A request to the server's loopback address naming `host`, with `secret` if given.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    host: &str,
    secret: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.base))
        .header("host", host);
    if let Some(secret) = secret {
        request = request.header(APP_SECRET_HEADER, secret);
    }
    if path == "/v1/auth/signup" {
        let body = json!({ "email": "mallory@example.com", "password": "correct horse battery", "display_name": "M" });
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn users(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn the_built_in_server_answers_only_the_app_on_loopback(backend: Backend) {
    let secret = AppSecret::generate();
    let app = spawn_app_with(backend, built_in(&secret)).await;
    let port = port(&app);
    let (ours, loopback, localhost) = (
        Some(secret.expose()),
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
    );

    // DNS rebinding: the browser connects to 127.0.0.1 but names the page's own host,
    // and a page could learn the secret from nowhere; the request never reaches a route.
    for host in [
        format!("rebind.evil.example:{port}"),
        "evil.example".to_owned(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        for secret in [None, ours] {
            let refused = call(&app, Method::POST, "/v1/auth/signup", &host, secret).await;
            let problem = expect_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
            assert!(
                problem["detail"].as_str().unwrap().contains("host name"),
                "{problem}"
            );
        }
    }
    // A page posting straight to 127.0.0.1, or another program on the machine: the right
    // host, but no secret, or a wrong one.
    let wrong = AppSecret::generate();
    for secret in [None, Some(wrong.expose()), Some("")] {
        for host in [&loopback, &localhost] {
            let refused = call(&app, Method::POST, "/v1/auth/signup", host, secret).await;
            let problem = expect_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
            assert!(
                problem["detail"].as_str().unwrap().contains("only the app"),
                "{problem}"
            );
            let health = call(&app, Method::GET, "/v1/health", host, secret).await;
            expect_problem(health, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    assert_eq!(users(&app).await, 0, "no refused request reached a route");

    // The app: loopback, its secret.
    for host in [&loopback, &localhost] {
        let health = call(&app, Method::GET, "/v1/health", host, ours).await;
        assert!(health.status().is_success(), "{}", health.status());
    }
    let signed_up = call(&app, Method::POST, "/v1/auth/signup", &loopback, ours).await;
    expect_json(signed_up, StatusCode::CREATED).await;
    assert_eq!(users(&app).await, 1);
}

async fn a_listed_host_is_answered_and_others_refused(backend: Backend) {
    let app = spawn_app_with(backend, |config| Config {
        allowed_hosts: AllowedHosts::Only(vec!["orgdesk.example".into()]),
        ..config
    })
    .await;
    let port = port(&app);
    let listed = call(&app, Method::GET, "/v1/health", "orgdesk.example", None).await;
    assert!(listed.status().is_success(), "{}", listed.status());
    let with_port = format!("ORGDESK.example:{port}");
    let listed = call(&app, Method::GET, "/v1/health", &with_port, None).await;
    assert!(listed.status().is_success(), "{}", listed.status());
    for host in ["evil.example".to_owned(), format!("127.0.0.1:{port}")] {
        let refused = call(&app, Method::GET, "/v1/health", &host, None).await;
        expect_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    }
}

async fn a_server_without_the_options_answers_any_host(backend: Backend) {
    let app = spawn_app(backend).await;
    let answered = call(&app, Method::GET, "/v1/health", "orgdesk.example", None).await;
    assert!(answered.status().is_success(), "{}", answered.status());
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
fn loosen(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Everything the server keeps in its data folder: the folder, the mail folder, every
/// file in either (the SQLite file and its -wal/-shm, the `.eml` files).
#[cfg(unix)]
fn everything_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(everything_in(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[cfg(unix)]
async fn the_data_folder_and_its_files_are_the_owners_only(backend: Backend) {
    let mut app = spawn_app(backend).await;
    let data = app.data_dir();
    let (token, _) = acme(&app).await;
    invite_one(&app, &token, "bo@example.com").await;
    let mail = data.join("mail");
    let mut eml = None;
    for _ in 0..100 {
        eml = std::fs::read_dir(&mail).ok().and_then(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "eml"))
        });
        if eml.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let eml = eml.expect("the invitation mail as an .eml file");
    let mut expected = vec![data.clone(), mail.clone(), eml.clone()];
    if backend == Backend::Sqlite {
        expected.extend(["orgdesk.db", "orgdesk.db-wal", "orgdesk.db-shm"].map(|f| data.join(f)));
    }
    let check = |when: &str| {
        let found = everything_in(&data);
        for path in &expected {
            assert!(found.contains(path), "{when}: {} exists", path.display());
        }
        for path in &found {
            let want = if path.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode(path), want, "{when}: {}", path.display());
        }
    };
    check("after the first start");

    // An install from before: everything readable by others. A restart tightens it.
    for path in everything_in(&data) {
        loosen(&path, if path.is_dir() { 0o755 } else { 0o644 });
    }
    app.restart(false).await;
    check("after a restart over an older install");
}
