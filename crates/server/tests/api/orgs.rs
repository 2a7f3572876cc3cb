//! Creating, listing, reading, updating and deleting organizations.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    create_generates_slugs_and_suffixes_collisions,
    explicit_slugs_are_validated_and_unique,
    owned_org_capacity_follows_the_plan,
    list_paginates_with_a_cursor,
    get_by_id_slug_and_former_slug,
    patch_honours_if_match_and_bumps_the_version,
    delete_schedules_and_deletes_nothing_at_once,
);

fn slug(membership: &Value) -> &str {
    membership["org"]["slug"].as_str().unwrap()
}

async fn create_generates_slugs_and_suffixes_collisions(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let response = app
        .create_org(&ana.token, json!({ "name": "  Café Zürich ", "description": "Coffee", "website": "https://cafe.example" }))
        .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let first = expect_json(response, StatusCode::CREATED).await;
    assert_eq!(slug(&first), "cafe-zurich");
    assert_eq!(first["org"]["name"], "Café Zürich");
    assert_eq!(first["org"]["kind"], "organization");
    assert_eq!(first["org"]["plan"], "free");
    assert_eq!(first["org"]["version"], 1);
    assert_eq!(first["org"]["description"], "Coffee");
    assert_eq!(first["org"]["logo"], Value::Null);
    assert_eq!(first["role"], "owner");
    assert!(first["capabilities"]
        .as_array()
        .unwrap()
        .contains(&json!("delete_org")));

    let second = app.new_org(&ana.token, "Cafe Zurich").await;
    assert_eq!(slug(&second), "cafe-zurich-2");
    let blank = expect_json(
        app.create_org(&ana.token, json!({ "name": "Café Zürich", "slug": "  " }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(slug(&blank), "cafe-zurich-3");

    // Slugs are unique across every tenant.
    let bo = app.signup("bo@example.com").await;
    assert_eq!(
        slug(&app.new_org(&bo.token, "CAFÉ ZÜRICH").await),
        "cafe-zurich-4"
    );
    assert_eq!(
        slug(&app.new_org(&bo.token, "Settings").await),
        "settings-org"
    );
}

async fn explicit_slugs_are_validated_and_unique(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    for bad in [
        "ab",
        "billing",
        "Acme",
        "-acme",
        "ac--me",
        "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    ] {
        let response = app
            .create_org(&ana.token, json!({ "name": "Acme", "slug": bad }))
            .await;
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], "slug", "{bad}: {problem}");
    }
    let response = app
        .create_org(
            &ana.token,
            json!({ "name": "", "slug": "x", "website": "ftp://x.example" }),
        )
        .await;
    let problem = expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "slug", "website"]);
    assert_eq!(problem["field"], "name");

    let acme = app
        .create_org(&ana.token, json!({ "name": "Acme", "slug": "acme" }))
        .await;
    assert_eq!(slug(&expect_json(acme, StatusCode::CREATED).await), "acme");
    let bo = app.signup("bo@example.com").await;
    let taken = app
        .create_org(&bo.token, json!({ "name": "Other", "slug": "acme" }))
        .await;
    let problem = expect_problem(taken, StatusCode::CONFLICT, "slug_taken").await;
    assert_eq!(problem["field"], "slug");
}

async fn owned_org_capacity_follows_the_plan(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let limit = orgdesk_model::Plan::Free.limits().owned_orgs;
    for n in 0..limit {
        app.new_org(&ana.token, &format!("Org {n}")).await;
    }
    let response = app
        .create_org(&ana.token, json!({ "name": "One too many" }))
        .await;
    let problem = expect_problem(response, StatusCode::CONFLICT, "plan_limit_reached").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&limit.to_string()),
        "{problem}"
    );

    // Belonging to more orgs is always fine: only owning counts.
    let bo = app.signup("bo@example.com").await;
    let theirs = app.new_org(&bo.token, "Bo's").await;
    app.add_member(theirs["org"]["id"].as_str().unwrap(), &ana.user_id, "admin")
        .await;
    let list = expect_json(app.get("/v1/orgs", &ana.token).await, StatusCode::OK).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1 + limit as usize + 1
    );
}

async fn list_paginates_with_a_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    for name in ["beta", "Alpha", "gamma"] {
        app.new_org(&ana.token, name).await;
    }
    let bo = app.signup("bo@example.com").await;
    let shared = app.new_org(&bo.token, "Delta").await;
    app.add_member(
        shared["org"]["id"].as_str().unwrap(),
        &ana.user_id,
        "member",
    )
    .await;

    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/orgs?limit=2&cursor={c}"),
            None => "/v1/orgs?limit=2".to_owned(),
        };
        let page = expect_json(app.get(&path, &ana.token).await, StatusCode::OK).await;
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            names.push(item["org"]["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!(names, ["Personal", "Alpha", "beta", "Delta", "gamma"]);
    assert_eq!(pages, 3);

    let one = expect_json(
        app.get("/v1/orgs?limit=1", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    // A cursor in the documented alphabet that this server did not issue: the request has
    // the documented form, its content is refused.
    let bad = app.get("/v1/orgs?cursor=not-a-cursor", &ana.token).await;
    let problem = expect_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["field"], "cursor");
    let bad = app.get("/v1/orgs?limit=many", &ana.token).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "malformed_request").await;
}

async fn get_by_id_slug_and_former_slug(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let created = app.new_org(&ana.token, "Acme").await;
    let id = created["org"]["id"].as_str().unwrap();

    let renamed = app
        .patch_json("/v1/orgs/acme", &ana.token, &json!({ "slug": "acme-labs" }))
        .await;
    assert_eq!(
        slug(&expect_json(renamed, StatusCode::OK).await),
        "acme-labs"
    );

    for key in [id, "acme", "ACME", "acme-labs"] {
        let response = app.get(&format!("/v1/orgs/{key}"), &ana.token).await;
        assert_eq!(response.headers()["etag"], "\"2\"", "{key}");
        let got = expect_json(response, StatusCode::OK).await;
        assert_eq!(got["org"]["id"], id, "{key}");
        assert_eq!(slug(&got), "acme-labs", "{key}");
    }

    // The former slug stays reserved for its org, which may take it back.
    let bo = app.signup("bo@example.com").await;
    let taken = app
        .create_org(&bo.token, json!({ "name": "Acme", "slug": "acme" }))
        .await;
    expect_problem(taken, StatusCode::CONFLICT, "slug_taken").await;
    assert_eq!(slug(&app.new_org(&bo.token, "Acme").await), "acme-2");
    let bos = app
        .patch_json(
            "/v1/orgs/acme-2",
            &bo.token,
            &json!({ "slug": "acme-labs" }),
        )
        .await;
    expect_problem(bos, StatusCode::CONFLICT, "slug_taken").await;
    let back = app
        .patch_json(
            &format!("/v1/orgs/{id}"),
            &ana.token,
            &json!({ "slug": "acme" }),
        )
        .await;
    assert_eq!(slug(&expect_json(back, StatusCode::OK).await), "acme");
    let old = expect_json(
        app.get("/v1/orgs/acme-labs", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(slug(&old), "acme");
}

async fn patch_honours_if_match_and_bumps_the_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let body =
        json!({ "name": "Acme", "description": "Rockets", "website": "https://acme.example" });
    expect_json(app.create_org(&ana.token, body).await, StatusCode::CREATED).await;
    let patch = |if_match: &'static str, body: Value| {
        app.request(Method::PATCH, "/v1/orgs/acme", Some(&ana.token))
            .header("if-match", if_match)
            .json(&body)
            .send()
    };

    let response = patch("\"1\"", json!({ "name": "Acme Inc." }))
        .await
        .unwrap();
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated = expect_json(response, StatusCode::OK).await;
    assert_eq!(updated["org"]["name"], "Acme Inc.");
    assert_eq!(updated["org"]["version"], 2);
    assert_eq!(updated["org"]["description"], "Rockets");

    let stale = patch("\"1\"", json!({ "name": "Lost update" }))
        .await
        .unwrap();
    expect_problem(stale, StatusCode::PRECONDITION_FAILED, "version_conflict").await;
    let weak = patch("W/\"2\"", json!({ "description": "" }))
        .await
        .unwrap();
    let cleared = expect_json(weak, StatusCode::OK).await;
    assert_eq!(cleared["org"]["description"], Value::Null);
    assert_eq!(cleared["org"]["version"], 3);
    let bare = patch("3", json!({ "website": "" })).await.unwrap();
    assert_eq!(
        expect_json(bare, StatusCode::OK).await["org"]["website"],
        Value::Null
    );

    // No change, no new version; invalid input names its fields.
    let same = app
        .patch_json("/v1/orgs/acme", &ana.token, &json!({ "name": "Acme Inc." }))
        .await;
    assert_eq!(expect_json(same, StatusCode::OK).await["org"]["version"], 4);
    let bad = app
        .patch_json(
            "/v1/orgs/acme",
            &ana.token,
            &json!({ "name": " ", "website": "acme.example" }),
        )
        .await;
    let problem = expect_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    let got = expect_json(app.get("/v1/orgs/acme", &ana.token).await, StatusCode::OK).await;
    assert_eq!(got["org"]["name"], "Acme Inc.");
    assert_eq!(got["org"]["version"], 4);
}

async fn delete_schedules_and_deletes_nothing_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let confirm =
        |slug: &str| json!({ "confirm_slug": slug, "password": crate::harness::PASSWORD });
    let personal = app
        .request(
            Method::DELETE,
            &format!("/v1/orgs/{}", ana.personal_org_id),
            Some(&ana.token),
        )
        .json(&confirm("x"))
        .send()
        .await
        .unwrap();
    expect_problem(personal, StatusCode::CONFLICT, "personal_context").await;

    let org = app.new_org(&ana.token, "Acme").await;
    let id = org["org"]["id"].as_str().unwrap();
    let bo = app.signup("bo@example.com").await;
    app.add_member(id, &bo.user_id, "admin").await;
    let by_admin = app
        .request(Method::DELETE, "/v1/orgs/acme", Some(&bo.token))
        .json(&confirm("acme"))
        .send()
        .await
        .unwrap();
    expect_problem(by_admin, StatusCode::FORBIDDEN, "forbidden").await;
    // Without the confirmation, nothing happens.
    let bare = app.delete("/v1/orgs/acme", &ana.token).await;
    assert!(bare.status().is_client_error(), "{}", bare.status());

    let response = app
        .request(Method::DELETE, "/v1/orgs/acme", Some(&ana.token))
        .json(&confirm("acme"))
        .send()
        .await
        .unwrap();
    let scheduled = expect_json(response, StatusCode::OK).await;
    assert!(scheduled["org"]["pending_deletion"]["purge_at"].is_string());
    // Still there, with its members and its slug, for the grace period.
    let got = expect_json(
        app.get(&format!("/v1/orgs/{id}"), &bo.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["org"]["slug"], "acme");
    let again = app
        .create_org(&bo.token, json!({ "name": "New Acme", "slug": "acme" }))
        .await;
    expect_problem(again, StatusCode::CONFLICT, "slug_taken").await;
}
