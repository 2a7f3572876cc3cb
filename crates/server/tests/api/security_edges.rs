//! Attack 7 of issue 9, the smaller holes: formula cells in the audit CSV, SVG logos that
//! passed a text filter with active content, names carrying control, text-direction and
//! invisible characters, and answers a cache may keep or a browser may sniff. (The
//! idempotency layer no longer buffers more than a route's own body limit: see
//! `contract::route_body_limits_come_before_idempotency`.)
//! Slow clients are in `security_slow`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    the_audit_csv_defuses_formulas,
    svg_logos_keep_nothing_but_pixels,
    names_refuse_hidden_characters_and_are_stored_in_nfc,
    answers_are_not_stored_or_sniffed,
);

async fn the_audit_csv_defuses_formulas(backend: Backend) {
    let app = spawn_app(backend).await;
    let mallory = app
        .signup_named(
            "mallory@example.com",
            "=HYPERLINK(\"https://evil.example\",\"x\")",
        )
        .await;
    app.new_org(&mallory.token, "Acme").await;
    // The user agent is recorded as sent: one change for each formula start of OWASP's list.
    for (n, agent) in ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\tx=1"]
        .into_iter()
        .enumerate()
    {
        let changed = app
            .request(Method::PATCH, "/v1/orgs/acme", Some(&mallory.token))
            .header("user-agent", agent)
            .json(&json!({ "description": format!("take {n}") }))
            .send()
            .await
            .unwrap();
        expect_json(changed, StatusCode::OK).await;
    }
    let csv = app
        .get("/v1/orgs/acme/audit-log/export?format=csv", &mallory.token)
        .await;
    let text = expect_text(csv).await;
    let cells: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert!(!cells.is_empty());
    for record in &cells {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell: {cell:?}"
            );
        }
        assert_eq!(record[4], "'=HYPERLINK(\"https://evil.example\",\"x\")");
    }
    assert!(cells.iter().any(|r| r[10] == "'=cmd|' /C calc'!A0"));
}

async fn expect_text(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

const SVG_ATTACKS: [&str; 4] = [
    // The three the old text filter let through, and a plain script.
    r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><svg/onload="alert(1)"/><rect width="8" height="8"/></svg>"#,
    r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect x="1"onload="alert(2)" width="4" height="4"/></svg>"#,
    r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8"><a xlink:href="&#106;avascript:alert(3)"><rect width="8" height="8"/></a></svg>"#,
    r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><script>alert(4)</script><circle r="4" cx="4" cy="4"/></svg>"#,
];

async fn svg_logos_keep_nothing_but_pixels(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;
    for attack in SVG_ATTACKS {
        let put = app
            .request(Method::PUT, "/v1/orgs/acme/logo", Some(&ana.token))
            .header("content-type", "image/svg+xml")
            .body(attack)
            .send()
            .await
            .unwrap();
        // Drawn or refused; never stored as it came.
        if put.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            continue;
        }
        let org = expect_json(put, StatusCode::OK).await;
        assert_eq!(org["logo"]["content_type"], "image/png", "{attack}");
        let served = app.get("/v1/orgs/acme/logo", &ana.token).await;
        assert_eq!(served.headers()["content-type"], "image/png");
        let bytes = served.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        for word in ["alert", "onload", "script", "avascript", "<svg"] {
            let word = word.as_bytes();
            assert!(
                !bytes.windows(word.len()).any(|w| w == word),
                "{attack} kept {}",
                String::from_utf8_lossy(word)
            );
        }
    }
    // Every stored logo is a PNG or a JPEG.
    let types: Vec<(String,)> = sqlx::query_as("SELECT content_type FROM org_logos")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(types
        .iter()
        .all(|(t,)| t == "image/png" || t == "image/jpeg"));
    assert_eq!(types.len(), 1);
}

async fn names_refuse_hidden_characters_and_are_stored_in_nfc(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;
    let attacks = [
        ("NUL", "Acme\u{0}"),
        ("CR/LF", "Acme\r\nX-Injected: 1"),
        ("RLO", "Invoice\u{202E}gpj.exe"),
        ("isolate", "Acme\u{2067}x"),
        ("zero-width space", "Ac\u{200B}me"),
        ("zero-width joiner", "Ac\u{200D}me"),
        ("BOM", "\u{FEFF}Acme"),
    ];
    for (what, name) in attacks {
        let answers = [
            (
                "name",
                app.create_org(&ana.token, json!({ "name": name })).await,
            ),
            (
                "name",
                app.patch_json("/v1/orgs/acme", &ana.token, &json!({ "name": name }))
                    .await,
            ),
            (
                "name",
                app.post_json(
                    "/v1/orgs/acme/projects",
                    Some(&ana.token),
                    &json!({ "name": name }),
                )
                .await,
            ),
            (
                "display_name",
                app.signup_raw("x@example.com", "long enough pw", name)
                    .await,
            ),
            (
                "name",
                app.post_json(
                    "/v1/orgs/acme/api-keys",
                    Some(&ana.token),
                    &json!({ "name": name, "scopes": ["read"] }),
                )
                .await,
            ),
        ];
        for (field, answer) in answers {
            let problem = expect_problem(
                answer,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await;
            assert_eq!(problem["errors"][0]["field"], field, "{what}: {problem}");
            assert!(
                problem["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("U+"),
                "{what}: {problem}"
            );
        }
    }
    let nothing: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = 'x@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(nothing.0, 0);

    // "é" as e + combining acute is stored composed, and found as the same name.
    let decomposed = "Cafe\u{301} Zu\u{308}rich";
    let org = expect_json(
        app.create_org(&ana.token, json!({ "name": decomposed }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(org["org"]["name"], "Caf\u{e9} Z\u{fc}rich");
    let project = app.new_project(&ana.token, "acme", "Cafe\u{301}").await;
    assert_eq!(project["name"], "Caf\u{e9}");
    let bo = app
        .signup_named(
            "bo@example.com",
            "Jose\u{301} \u{645}\u{6CC}\u{200C}\u{62E}",
        )
        .await;
    assert!(!bo.token.is_empty());
    let (stored,): (String,) =
        sqlx::query_as("SELECT display_name FROM users WHERE email = 'bo@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    // Composed, and the Persian joiner (between two letters) kept.
    assert_eq!(stored, "Jos\u{e9} \u{645}\u{6CC}\u{200C}\u{62E}");
}

async fn answers_are_not_stored_or_sniffed(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;
    let answers = [
        app.get("/v1/orgs", &ana.token).await,
        app.get("/v1/orgs/acme", &ana.token).await,
        app.get("/v1/orgs/nowhere", &ana.token).await,
        app.get("/v1/no-such-route", &ana.token).await,
        app.request(Method::PUT, "/v1/orgs", Some(&ana.token))
            .send()
            .await
            .unwrap(),
        app.request(Method::GET, "/v1/orgs", None)
            .send()
            .await
            .unwrap(),
        app.login("ana@example.com", crate::harness::PASSWORD).await,
        app.request(Method::GET, "/v1/openapi.json", None)
            .send()
            .await
            .unwrap(),
        app.get("/v1/orgs/acme/audit-log/export?format=csv", &ana.token)
            .await,
    ];
    for answer in answers {
        let at = format!("{} {}", answer.status(), answer.url().path());
        let headers = answer.headers();
        assert_eq!(headers["cache-control"], "no-store", "{at}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{at}");
    }
    // The logo keeps its own: private, revalidated with its ETag.
    let png: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52,
    ];
    let put = app
        .request(Method::PUT, "/v1/orgs/acme/logo", Some(&ana.token))
        .header("content-type", "image/png")
        .body(png.to_vec())
        .send()
        .await
        .unwrap();
    let org: Value = expect_json(put, StatusCode::OK).await;
    assert!(org["logo"]["etag"].is_string());
    let logo = app.get("/v1/orgs/acme/logo", &ana.token).await;
    assert_eq!(logo.headers()["cache-control"], "private, no-cache");
    assert_eq!(logo.headers()["x-content-type-options"], "nosniff");
    assert_eq!(logo.headers().get_all("cache-control").iter().count(), 1);
}
