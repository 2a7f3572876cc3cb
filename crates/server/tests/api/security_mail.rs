//! Attack 6 of issue 9: invitation mail as a spam cannon. Invite and revoke in a loop,
//! or resend, and every round mailed someone; the org's and the inviter's names (free
//! text, links included) went into the subject. Now each message counts against the
//! inviter's and the org's mail of the last 24 hours, revoked or not, and the names are
//! only in the body, where no mail client makes a link of them.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::invite;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};

on_both_backends!(
    invite_and_revoke_loops_run_out,
    resends_count_too,
    one_inviter_runs_out_across_orgs,
    names_stay_out_of_the_subject_and_are_not_links,
);

/// The messages delivered so far, once the outbox is empty.
async fn delivered(app: &TestApp) -> Vec<String> {
    for _ in 0..100 {
        let (left,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
                .fetch_one(&app.db)
                .await
                .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let dir = app.data_dir().join("mail");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        // Sign-up's verification mail lands in the same folder: count invitations only.
        .filter(|text| text.contains("Subject: You are invited"))
        .collect()
}

fn retry_after(problem_headers: &reqwest::header::HeaderMap) -> u64 {
    problem_headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn invite_and_revoke_loops_run_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    app.new_org(&ana.token, "Acme").await; // free plan: 20 invitation mails a day
    let mut sent = 0;
    let refused = loop {
        let response = invite(
            &app,
            &ana.token,
            json!({ "emails": ["victim@example.com"], "role": "member" }),
        )
        .await;
        if response.status() != StatusCode::CREATED {
            break response;
        }
        sent += 1;
        assert!(sent <= 20, "more than 20 invitation mails in a day");
        let issued: Value = response.json().await.unwrap();
        let id = issued["invitations"][0]["invitation"]["id"]
            .as_str()
            .unwrap();
        let revoked = app
            .delete(&format!("/v1/orgs/acme/invitations/{id}"), &ana.token)
            .await;
        assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    };
    assert_eq!(sent, 20);
    let headers = refused.headers().clone();
    let problem = expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("This organization has sent 20 invitation emails"),
        "{problem}"
    );
    let wait = retry_after(&headers);
    assert!((86_000..=86_400).contains(&wait), "Retry-After {wait}");
    assert_eq!(delivered(&app).await.len(), 20);
    // The refused request left nothing behind: no invitation, no message.
    let (pending,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM invitations WHERE status = 'pending'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(pending, 0);
}

async fn resends_count_too(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    app.new_org(&ana.token, "Acme").await;
    let issued = expect_json(
        invite(
            &app,
            &ana.token,
            json!({ "emails": ["victim@example.com"], "role": "member" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = issued["invitations"][0]["invitation"]["id"]
        .as_str()
        .unwrap();
    let resend = format!("/v1/orgs/acme/invitations/{id}/resend");
    for _ in 1..20 {
        expect_json(app.post(&resend, &ana.token).await, StatusCode::OK).await;
    }
    expect_problem(
        app.post(&resend, &ana.token).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    assert_eq!(delivered(&app).await.len(), 20);
}

async fn one_inviter_runs_out_across_orgs(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    // Business orgs may send 2000 a day: the inviter's own 200 run out first.
    for name in ["Acme", "Bolt"] {
        let org = app.new_org(&ana.token, name).await;
        app.set_plan(org["org"]["id"].as_str().unwrap(), "business")
            .await;
    }
    let batch = |org: &str, n: usize| {
        let emails: Vec<String> = (0..50).map(|i| format!("p{n}-{i}@{org}.example")).collect();
        json!({ "emails": emails, "role": "member" })
    };
    for n in 0..4 {
        let org = if n % 2 == 0 { "acme" } else { "bolt" };
        let path = format!("/v1/orgs/{org}/invitations");
        expect_json(
            app.post_json(&path, Some(&ana.token), &batch(org, n)).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let problem = expect_problem(
        app.post_json(
            "/v1/orgs/bolt/invitations",
            Some(&ana.token),
            &batch("bolt", 9),
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("You have sent 200 invitation emails"),
        "{problem}"
    );
    // Another admin of the same org is not held back by Ana's use.
    let bo = app.signup("bo@example.com").await;
    let bolt: (String,) = sqlx::query_as("SELECT id FROM orgs WHERE slug = 'bolt'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.add_member(&bolt.0, &bo.user_id, "admin").await;
    expect_json(
        app.post_json(
            "/v1/orgs/bolt/invitations",
            Some(&bo.token),
            &json!({ "emails": ["late@bolt.example"], "role": "member" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
}

async fn names_stay_out_of_the_subject_and_are_not_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let mallory = app
        .signup_named("mallory@example.com", "support@bank.example")
        .await;
    app.new_org(&mallory.token, "Claim your refund at https://evil.example")
        .await;
    let slug: (String,) = sqlx::query_as("SELECT slug FROM orgs WHERE name LIKE 'Claim%'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    expect_json(
        app.post_json(
            &format!("/v1/orgs/{}/invitations", slug.0),
            Some(&mallory.token),
            &json!({ "emails": ["victim@example.com"], "role": "member" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let mails = delivered(&app).await;
    assert_eq!(mails.len(), 1);
    let eml = &mails[0];
    let subject = eml
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap();
    assert_eq!(subject, "You are invited to an organization on Orgdesk");
    for raw in [
        "https://evil.example",
        "evil.example",
        "bank.example",
        "support@",
    ] {
        assert!(!eml.contains(raw), "{raw} is in the mail: {eml}");
    }
    assert!(eml.contains("support[@]bank[.]example invited you to join Claim your"));
    assert!(eml.contains("https[:]//evil[.]example"), "{eml}");
    // The invitation's own link is untouched.
    assert!(
        eml.lines().any(|l| l.starts_with("orgdesk://invite/")),
        "{eml}"
    );
}
