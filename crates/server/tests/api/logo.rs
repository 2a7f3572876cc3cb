//! Logo upload, serving and removal.

use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};

on_both_backends!(
    png_logo_round_trip,
    refused_uploads,
    scripts_in_svgs_are_drawn_away
);

/// A tiny but real 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

async fn put_logo(app: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> Response {
    app.request(Method::PUT, "/v1/orgs/acme/logo", Some(token))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn png_logo_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;
    expect_problem(
        app.get("/v1/orgs/acme/logo", &ana.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let org = expect_json(
        put_logo(&app, &ana.token, "image/png", PNG.to_vec()).await,
        StatusCode::OK,
    )
    .await;
    let logo = &org["logo"];
    assert_eq!(logo["content_type"], "image/png");
    assert_eq!(logo["size"], PNG.len());
    let etag = logo["etag"].as_str().unwrap().to_owned();
    assert_eq!(etag.len(), 16);
    assert_eq!(org["version"], 2);

    let response = app.get("/v1/orgs/acme/logo", &ana.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["etag"], format!("\"{etag}\"").as_str());
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);

    let cached = app
        .request(Method::GET, "/v1/orgs/acme/logo", Some(&ana.token))
        .header("if-none-match", format!("\"{etag}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert!(cached.bytes().await.unwrap().is_empty());

    let membership = expect_json(app.get("/v1/orgs/acme", &ana.token).await, StatusCode::OK).await;
    assert_eq!(membership["org"]["logo"], org["logo"]);

    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>"#;
    let replaced = expect_json(
        put_logo(&app, &ana.token, "image/svg+xml", svg.to_vec()).await,
        StatusCode::OK,
    )
    .await;
    // An SVG is drawn to a PNG on upload; the PNG is what is kept and served.
    assert_eq!(replaced["logo"]["content_type"], "image/png");
    assert_ne!(replaced["logo"]["etag"], etag.as_str());
    let drawn = app.get("/v1/orgs/acme/logo", &ana.token).await;
    assert_eq!(drawn.headers()["content-type"], "image/png");
    let drawn = drawn.bytes().await.unwrap();
    assert!(drawn.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(replaced["logo"]["size"], drawn.len());

    let removed = app.delete("/v1/orgs/acme/logo", &ana.token).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    expect_problem(
        app.get("/v1/orgs/acme/logo", &ana.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let after = expect_json(app.get("/v1/orgs/acme", &ana.token).await, StatusCode::OK).await;
    assert_eq!(after["org"]["logo"], Value::Null);
    assert_eq!(after["org"]["version"], 4);
}

async fn refused_uploads(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;

    let mut oversize = PNG.to_vec();
    oversize.resize(orgdesk_model::validate::LOGO_MAX_BYTES + 1, 0);
    let response = put_logo(&app, &ana.token, "image/png", oversize).await;
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let response = put_logo(&app, &ana.token, "image/gif", gif.clone()).await;
    expect_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let response = put_logo(&app, &ana.token, "image/png", gif).await;
    expect_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let response = put_logo(&app, &ana.token, "image/jpeg", PNG.to_vec()).await;
    expect_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    // An SVG that is not even XML cannot be drawn: refused.
    let broken = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect".to_vec();
    let response = put_logo(&app, &ana.token, "image/svg+xml", broken).await;
    expect_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let unchanged = expect_json(app.get("/v1/orgs/acme", &ana.token).await, StatusCode::OK).await;
    assert_eq!(unchanged["org"]["logo"], Value::Null);
    assert_eq!(unchanged["org"]["version"], 1);

    // Exactly at the limit is fine.
    let mut largest = PNG.to_vec();
    largest.resize(orgdesk_model::validate::LOGO_MAX_BYTES, 0);
    let org = expect_json(
        put_logo(&app, &ana.token, "image/png", largest).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(org["logo"]["size"], orgdesk_model::validate::LOGO_MAX_BYTES);
}

/// What the old filter refused (script, handlers) is now drawn to pixels: accepted as a
/// PNG without any of it. (More of these in `security_edges`.)
async fn scripts_in_svgs_are_drawn_away(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;
    for svg in [
        &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>",
    ] {
        let org = expect_json(
            put_logo(&app, &ana.token, "image/svg+xml", svg.to_vec()).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(org["logo"]["content_type"], "image/png");
        let served = app.get("/v1/orgs/acme/logo", &ana.token).await;
        let bytes = served.bytes().await.unwrap();
        assert!(!bytes.windows(5).any(|w| w == b"alert"));
    }
}
