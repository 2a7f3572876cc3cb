//! The member list through an API key: no emails, and a search that matches names only,
//! so that which members a search finds (and where its cursor points) tells nothing of
//! their emails.

use serde_json::json;

use crate::harness::{on_both_backends, spawn_app, Backend};
use crate::integration_api::{read, read_key, world};

on_both_backends!(member_searches_through_a_key_match_names_only);

async fn member_searches_through_a_key_match_names_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org, _, _) = world(&app).await;
    for (email, name) in [
        ("zq-hidden@example.com", "Dee Hidden"),
        ("dan@example.com", "Zqa Shown"),
    ] {
        let person = app.signup_named(email, name).await;
        app.add_member(&org, &person.user_id, "member").await;
    }
    let key = read_key(&app, &owner, "acme", None).await;
    // A session finds both, by email and by name.
    let seen = read(&app, "/v1/orgs/acme/members?q=zq", &owner).await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 2, "{seen}");
    // A key finds the name only, and its cursor never points past a member found by email.
    for limit in [1, 2, 50] {
        let page = read(
            &app,
            &format!("/v1/orgs/acme/members?q=zq&limit={limit}"),
            &key,
        )
        .await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{page}");
        assert_eq!(items[0]["user"]["display_name"], "Zqa Shown");
        assert!(page.get("next_cursor").is_none(), "{page}");
    }
    let none = read(&app, "/v1/orgs/acme/members?q=zq-hidden", &key).await;
    assert_eq!(none["items"], json!([]));
    // Pages of one by name still walk the whole list.
    let mut names = Vec::new();
    let mut path = "/v1/orgs/acme/members?limit=1".to_owned();
    loop {
        let page = read(&app, &path, &key).await;
        names.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["user"]["display_name"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/orgs/acme/members?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(names, ["Ana Owner", "Cy Member", "Dee Hidden", "Zqa Shown"]);
}
