//! `GET /v1/me/portfolio`: every org of the caller with the figures their role may see,
//! and nothing of anyone else's.

use chrono::{Datelike, NaiveDate, Utc};
use orgdesk_model::billing::{LedgerKind, Modality};
use orgdesk_server::ledger::{post, Posting};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::{new_key, top_up};

on_both_backends!(
    three_roles_see_their_own_figures,
    spent_counts_this_and_last_calendar_month,
    strangers_orgs_never_appear_and_keys_are_refused,
    an_org_scheduled_for_deletion_says_so,
    an_org_that_shuts_me_out_shows_no_figures,
    a_burst_of_two_accounts_keeps_each_to_its_own,
);

async fn portfolio(app: &TestApp, token: &str) -> Vec<Value> {
    let body = expect_json(app.get("/v1/me/portfolio", token).await, StatusCode::OK).await;
    body["orgs"].as_array().expect("orgs").clone()
}

fn row<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["membership"]["org"]["name"] == name)
        .unwrap_or_else(|| panic!("no row for {name}"))
}

fn id(membership: &Value) -> String {
    membership["org"]["id"].as_str().unwrap().to_owned()
}

async fn three_roles_see_their_own_figures(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let bo = app.signup("bo@example.com").await;
    let cy = app.signup("cy@example.com").await;

    // Ana owns Atlas: credits, a threshold above the balance, two projects (one
    // archived), an invitation pending.
    let atlas = id(&app.new_org(&ana.token, "Atlas").await);
    top_up(&app, &ana.token, &atlas, 300).await;
    expect_json(
        app.request(
            Method::PUT,
            &format!("/v1/orgs/{atlas}/billing/alerts"),
            Some(&ana.token),
        )
        .json(&json!({ "low_balance_threshold": 500 }))
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    app.new_project(&ana.token, &atlas, "Site").await;
    let old = app.new_project(&ana.token, &atlas, "Old").await;
    app.post(
        &format!(
            "/v1/orgs/{atlas}/projects/{}/archive",
            old["id"].as_str().unwrap()
        ),
        &ana.token,
    )
    .await;
    let invited = app
        .post_json(
            &format!("/v1/orgs/{atlas}/invitations"),
            Some(&ana.token),
            &json!({ "emails": ["dee@example.com"], "role": "member" }),
        )
        .await;
    expect_json(invited, StatusCode::CREATED).await;

    // Ana is an admin of Bo's Birch, with credits and an invitation pending there too.
    let birch = id(&app.new_org(&bo.token, "Birch").await);
    top_up(&app, &bo.token, &birch, 1_000).await;
    app.add_member(&birch, &ana.user_id, "admin").await;
    let invited = app
        .post_json(
            &format!("/v1/orgs/{birch}/invitations"),
            Some(&bo.token),
            &json!({ "emails": ["eve@example.com", "fay@example.com"], "role": "member" }),
        )
        .await;
    expect_json(invited, StatusCode::CREATED).await;

    // And a member of Cy's Cedar, scoped to one of its three active projects.
    let cedar = id(&app.new_org(&cy.token, "Cedar").await);
    top_up(&app, &cy.token, &cedar, 700).await;
    let mine = app.new_project(&cy.token, &cedar, "Mine").await;
    app.new_project(&cy.token, &cedar, "Theirs").await;
    app.new_project(&cy.token, &cedar, "Others").await;
    let invited = app
        .post_json(
            &format!("/v1/orgs/{cedar}/invitations"),
            Some(&cy.token),
            &json!({ "emails": ["gus@example.com"], "role": "member" }),
        )
        .await;
    expect_json(invited, StatusCode::CREATED).await;
    app.add_scoped_member(
        &cedar,
        &ana.user_id,
        "member",
        Some(&[mine["id"].as_str().unwrap()]),
    )
    .await;

    let rows = portfolio(&app, &ana.token).await;
    assert_eq!(rows.len(), 4, "personal, Atlas, Birch, Cedar: {rows:#?}");
    assert_eq!(rows[0]["membership"]["org"]["kind"], "personal");
    assert_eq!(
        rows[0]["membership"]["org"]["id"],
        ana.personal_org_id.as_str()
    );
    let names: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r["membership"]["org"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Atlas", "Birch", "Cedar"]);

    // The personal context: billing, no invitations (nobody else is in it).
    let personal = &rows[0];
    assert_eq!(personal["membership"]["role"], "owner");
    assert_eq!(personal["balance"], 0);
    assert_eq!(personal["low_balance"], false);
    assert_eq!(personal["spent_this_month"], 0);
    assert_eq!(personal["pending_invitations"], Value::Null);
    assert_eq!(personal["active_projects"], 0);

    let atlas_row = row(&rows, "Atlas");
    assert_eq!(atlas_row["membership"]["role"], "owner");
    assert_eq!(atlas_row["balance"], 300);
    assert_eq!(atlas_row["low_balance_threshold"], 500);
    assert_eq!(atlas_row["low_balance"], true);
    assert_eq!(atlas_row["spent_this_month"], 0);
    assert_eq!(atlas_row["spent_last_month"], 0);
    assert_eq!(atlas_row["pending_invitations"], 1);
    assert_eq!(
        atlas_row["active_projects"], 1,
        "the archived one is not active"
    );
    assert_eq!(
        atlas_row["membership"]["org"]["pending_deletion"],
        Value::Null
    );

    let birch_row = row(&rows, "Birch");
    assert_eq!(birch_row["membership"]["role"], "admin");
    assert_eq!(birch_row["balance"], 1_000);
    assert_eq!(birch_row["low_balance_threshold"], Value::Null);
    assert_eq!(birch_row["low_balance"], false);
    assert_eq!(birch_row["pending_invitations"], 2);
    assert_eq!(birch_row["active_projects"], 0);

    // A member: no billing figure, no invitations, only the projects in scope.
    let cedar_row = row(&rows, "Cedar");
    assert_eq!(cedar_row["membership"]["role"], "member");
    for hidden in [
        "balance",
        "low_balance_threshold",
        "low_balance",
        "spent_this_month",
        "spent_last_month",
        "pending_invitations",
    ] {
        assert_eq!(cedar_row[hidden], Value::Null, "a member sees no {hidden}");
    }
    assert_eq!(cedar_row["active_projects"], 1, "only the scoped project");
    let text = serde_json::to_string(cedar_row).unwrap();
    assert!(!text.contains("700"), "Cedar's balance leaked: {text}");

    // Cy, Cedar's owner, sees all three projects and its figures.
    let cy_rows = portfolio(&app, &cy.token).await;
    let cedar_for_owner = row(&cy_rows, "Cedar");
    assert_eq!(cedar_for_owner["active_projects"], 3);
    assert_eq!(cedar_for_owner["balance"], 700);
    assert_eq!(cedar_for_owner["pending_invitations"], 1);
}

/// Posts a ledger line dated `at` (unix ms), as the statement tests do.
async fn backdate(app: &TestApp, org: &str, at: i64, posting: Posting<'_>) {
    let mut conn = app.db.acquire().await.unwrap();
    post(&mut conn, org.parse().unwrap(), &posting, at)
        .await
        .unwrap();
}

fn spent(project: &str, amount: i64) -> Posting<'static> {
    let mut posting = Posting::new(LedgerKind::Usage, -amount, "usage");
    posting.project_id = Some(project.parse().unwrap());
    posting.modality = Some(Modality::Text);
    posting.quantity = Some(1);
    posting.rate_version = Some(1);
    posting
}

async fn spent_counts_this_and_last_calendar_month(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let atlas = id(&app.new_org(&ana.token, "Atlas").await);
    top_up(&app, &ana.token, &atlas, 100_000).await;
    let project = app.new_project(&ana.token, &atlas, "Site").await;
    let project = project["id"].as_str().unwrap();
    let now = Utc::now();
    let this_month = NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let day = 86_400_000;
    // This month: 300 (and a top-up, which is no spending).
    backdate(&app, &atlas, now.timestamp_millis(), spent(project, 300)).await;
    // Last month: 200 in its last millisecond, 50 in its middle, a grant.
    backdate(&app, &atlas, this_month - 1, spent(project, 200)).await;
    backdate(&app, &atlas, this_month - 15 * day, spent(project, 50)).await;
    let granted = Posting::new(LedgerKind::Grant, 9_000, "Grant");
    backdate(&app, &atlas, this_month - 14 * day, granted).await;
    // Two months back: 7000, in neither.
    backdate(&app, &atlas, this_month - 45 * day, spent(project, 7_000)).await;
    // Someone else's org spending the same month changes nothing here.
    let bo = app.signup("bo@example.com").await;
    let birch = id(&app.new_org(&bo.token, "Birch").await);
    top_up(&app, &bo.token, &birch, 1_000).await;
    let theirs = app.new_project(&bo.token, &birch, "Theirs").await;
    let theirs = theirs["id"].as_str().unwrap();
    backdate(&app, &birch, now.timestamp_millis(), spent(theirs, 11)).await;

    let rows = portfolio(&app, &ana.token).await;
    let atlas_row = row(&rows, "Atlas");
    assert_eq!(atlas_row["spent_this_month"], 300);
    assert_eq!(atlas_row["spent_last_month"], 250);
    assert_eq!(
        atlas_row["balance"],
        100_000 - 300 - 200 - 50 + 9_000 - 7_000
    );
    // The billing page agrees.
    let billing = expect_json(
        app.get(&format!("/v1/orgs/{atlas}/billing"), &ana.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(billing["spent_this_month"], atlas_row["spent_this_month"]);
    assert_eq!(billing["balance"], atlas_row["balance"]);
}

async fn strangers_orgs_never_appear_and_keys_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let zed = app.signup("zed@example.com").await;
    let atlas = id(&app.new_org(&ana.token, "Atlas").await);
    let secret_org = id(&app.new_org(&zed.token, "Zed Secret").await);
    top_up(&app, &zed.token, &secret_org, 4_242).await;

    let rows = portfolio(&app, &ana.token).await;
    assert_eq!(rows.len(), 2);
    let text = serde_json::to_string(&rows).unwrap();
    assert!(!text.contains("Zed Secret") && !text.contains(&secret_org));
    assert!(!text.contains(&zed.personal_org_id));
    assert!(!text.contains("4242"));
    let zed_rows = portfolio(&app, &zed.token).await;
    assert!(!serde_json::to_string(&zed_rows).unwrap().contains(&atlas));

    // Leaving takes the row away.
    app.add_member(&secret_org, &ana.user_id, "member").await;
    assert_eq!(portfolio(&app, &ana.token).await.len(), 3);
    let left = app
        .post(&format!("/v1/orgs/{secret_org}/leave"), &ana.token)
        .await;
    assert!(left.status().is_success(), "{}", left.status());
    assert_eq!(portfolio(&app, &ana.token).await.len(), 2);

    // No session, a bad one, or an API key (keys are per org): 401.
    let anonymous = app
        .request(Method::GET, "/v1/me/portfolio", None)
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let bogus = app.get("/v1/me/portfolio", "ods_not-a-token").await;
    assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
    let (_, key) = new_key(
        &app,
        &ana.token,
        &atlas,
        json!({ "name": "reader", "scopes": ["read"] }),
    )
    .await;
    let by_key = app.get("/v1/me/portfolio", &key).await;
    assert_eq!(by_key.status(), StatusCode::UNAUTHORIZED);
}

async fn an_org_scheduled_for_deletion_says_so(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let atlas = app.new_org(&ana.token, "Atlas").await;
    let slug = atlas["org"]["slug"].as_str().unwrap();
    let scheduled = app
        .post_json(
            &format!("/v1/orgs/{slug}/deletion"),
            Some(&ana.token),
            &json!({ "confirm_slug": slug, "password": crate::harness::PASSWORD }),
        )
        .await;
    assert!(scheduled.status().is_success(), "{}", scheduled.status());
    let rows = portfolio(&app, &ana.token).await;
    let pending = &row(&rows, "Atlas")["membership"]["org"]["pending_deletion"];
    assert!(pending["purge_at"].is_string(), "{pending}");
}

/// An org whose policy requires two-factor sign-in of an admin who has not turned it on
/// answers 403 to their reads: its row shows that it exists and nothing more.
async fn an_org_that_shuts_me_out_shows_no_figures(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let bo = app.signup("bo@example.com").await;
    let birch = id(&app.new_org(&bo.token, "Birch").await);
    top_up(&app, &bo.token, &birch, 1_000).await;
    app.new_project(&bo.token, &birch, "Site").await;
    app.add_member(&birch, &ana.user_id, "admin").await;
    assert_eq!(
        row(&portfolio(&app, &ana.token).await, "Birch")["balance"],
        1_000
    );

    sqlx::query(
        "INSERT INTO org_security_policies (org_id, require_two_factor, min_password_length, \
         updated_at) VALUES ($1, 1, 8, 0)",
    )
    .bind(&birch)
    .execute(&app.db)
    .await
    .unwrap();
    let refused = app
        .get(&format!("/v1/orgs/{birch}/billing"), &ana.token)
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let rows = portfolio(&app, &ana.token).await;
    let birch_row = row(&rows, "Birch");
    assert_eq!(birch_row["membership"]["role"], "admin");
    for hidden in [
        "balance",
        "low_balance",
        "spent_this_month",
        "pending_invitations",
        "active_projects",
    ] {
        assert_eq!(
            birch_row[hidden],
            Value::Null,
            "{hidden} of an org that refuses me"
        );
    }
}

/// 48 reads at once, from two accounts, while one of them tops up: every answer is 200 and
/// names only its caller's orgs (no answer crosses over under load).
async fn a_burst_of_two_accounts_keeps_each_to_its_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let zed = app.signup("zed@example.com").await;
    let atlas = id(&app.new_org(&ana.token, "Atlas").await);
    let hidden = id(&app.new_org(&zed.token, "Zed Secret").await);

    let reads = (0..48).map(|i| {
        let (app, token) = (&app, if i % 2 == 0 { &ana.token } else { &zed.token });
        async move { (i % 2 == 0, portfolio(app, token).await) }
    });
    let top_ups = async {
        top_up(&app, &ana.token, &atlas, 100).await;
    };
    let (answers, ()) = tokio::join!(futures::future::join_all(reads), top_ups);
    for (is_ana, rows) in answers {
        let text = serde_json::to_string(&rows).unwrap();
        assert_eq!(rows.len(), 2, "{text}");
        let (mine, theirs) = if is_ana {
            (&atlas, &hidden)
        } else {
            (&hidden, &atlas)
        };
        assert!(text.contains(mine.as_str()), "{text}");
        assert!(!text.contains(theirs.as_str()), "crossed over: {text}");
    }
}
