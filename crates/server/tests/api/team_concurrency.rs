//! Races between real parallel requests: the last seat, admins removing each other, and an
//! ownership transfer against a role change. Each runs many times on fresh orgs.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{expect_json, on_both_backends, spawn_app, Account, Backend, TestApp};

on_both_backends!(
    two_accepts_race_for_the_last_seat,
    two_admins_remove_each_other,
    transfer_races_a_role_change_of_the_target,
);

const ROUNDS: usize = 20;

/// A fresh org owned by `owner`, and its id.
async fn fresh_org(app: &TestApp, owner: &Account, round: usize) -> (String, String) {
    let created = app.new_org(&owner.token, &format!("Race {round}")).await;
    let id = created["org"]["id"].as_str().unwrap().to_owned();
    let slug = created["org"]["slug"].as_str().unwrap().to_owned();
    (id, slug)
}

/// An owner who may own many orgs.
async fn busy_owner(app: &TestApp) -> Account {
    busy_owner_named(app, "owner@example.com").await
}

/// An account on the business plan, which may own many orgs.
async fn busy_owner_named(app: &TestApp, email: &str) -> Account {
    let owner = app.signup(email).await;
    sqlx::query("UPDATE orgs SET plan = 'business' WHERE id = $1")
        .bind(&owner.personal_org_id)
        .execute(&app.db)
        .await
        .unwrap();
    owner
}

async fn members_of(app: &TestApp, org: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT m.user_id, CASE WHEN o.owner_user_id = m.user_id THEN 'owner' ELSE m.role END \
         FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.org_id = $1 ORDER BY m.user_id",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn two_accepts_race_for_the_last_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = busy_owner(&app).await;
    let seats = orgdesk_model::Plan::Free.limits().seats as usize;
    let fillers: Vec<Account> = {
        let mut out = Vec::new();
        for n in 0..seats - 2 {
            out.push(app.signup(&format!("filler{n}@example.com")).await);
        }
        out
    };
    // They accept by id, which needs a verified email.
    let a = app.signup_verified("a@example.com").await;
    let b = app.signup_verified("b@example.com").await;
    for round in 0..ROUNDS {
        let (org, slug) = fresh_org(&app, &owner, round).await;
        // Owner + seats-3 fillers + 2 invitations = seats; then one more filler joins, so
        // only one seat is left for the two invitees.
        for filler in &fillers[..seats - 3] {
            app.add_member(&org, &filler.user_id, "member").await;
        }
        let issued = expect_json(
            app.post_json(
                &format!("/v1/orgs/{slug}/invitations"),
                Some(&owner.token),
                &json!({ "emails": ["a@example.com", "b@example.com"], "role": "member" }),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        app.add_member(&org, &fillers[seats - 3].user_id, "member")
            .await;
        let ids: Vec<String> = issued["invitations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["invitation"]["id"].as_str().unwrap().to_owned())
            .collect();
        let (pa, pb) = (
            format!("/v1/invitations/{}/accept", ids[0]),
            format!("/v1/invitations/{}/accept", ids[1]),
        );
        let (ra, rb) = tokio::join!(app.post(&pa, &a.token), app.post(&pb, &b.token));
        let statuses = [ra.status(), rb.status()];
        let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(won, 1, "round {round}: {statuses:?}");
        assert!(
            statuses.contains(&StatusCode::CONFLICT),
            "round {round}: {statuses:?}"
        );
        assert_eq!(members_of(&app, &org).await.len(), seats, "round {round}");
    }
}

async fn two_admins_remove_each_other(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = busy_owner(&app).await;
    let x = app.signup("x@example.com").await;
    let y = app.signup("y@example.com").await;
    for round in 0..ROUNDS {
        let (org, slug) = fresh_org(&app, &owner, round).await;
        app.add_member(&org, &x.user_id, "admin").await;
        app.add_member(&org, &y.user_id, "admin").await;
        let (px, py) = (
            format!("/v1/orgs/{slug}/members/{}", y.user_id),
            format!("/v1/orgs/{slug}/members/{}", x.user_id),
        );
        let (rx, ry) = tokio::join!(app.delete(&px, &x.token), app.delete(&py, &y.token));
        let (sx, sy) = (rx.status(), ry.status());
        let succeeded = [sx, sy]
            .iter()
            .filter(|s| **s == StatusCode::NO_CONTENT)
            .count();
        assert!(succeeded >= 1, "round {round}: {sx} {sy}");
        for s in [sx, sy] {
            assert!(
                matches!(s, StatusCode::NO_CONTENT | StatusCode::NOT_FOUND),
                "round {round}: {s}"
            );
        }
        let members = members_of(&app, &org).await;
        let owners = members.iter().filter(|(_, r)| r == "owner").count();
        assert_eq!(owners, 1, "round {round}: {members:?}");
        // Whoever was removed is gone; a removal by someone already removed did not happen.
        assert_eq!(members.len(), 3 - succeeded, "round {round}: {members:?}");
        let x_in = members.iter().any(|(u, _)| *u == x.user_id);
        let y_in = members.iter().any(|(u, _)| *u == y.user_id);
        assert_eq!(x_in, sy != StatusCode::NO_CONTENT, "round {round}");
        assert_eq!(y_in, sx != StatusCode::NO_CONTENT, "round {round}");
    }
}

async fn transfer_races_a_role_change_of_the_target(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = busy_owner(&app).await;
    let admin = app.signup("admin@example.com").await;
    // The target takes over an org each round: their plan must hold them all.
    let target = busy_owner_named(&app, "target@example.com").await;
    for round in 0..ROUNDS {
        let (org, slug) = fresh_org(&app, &owner, round).await;
        app.add_member(&org, &admin.user_id, "admin").await;
        app.add_member(&org, &target.user_id, "admin").await;
        let transfer_path = format!("/v1/orgs/{slug}/transfer-ownership");
        let transfer_body = json!({ "user_id": target.user_id });
        let change_path = format!("/v1/orgs/{slug}/members/{}", target.user_id);
        let change_body = json!({ "role": "member" });
        let (transfer, change) = tokio::join!(
            app.post_json(&transfer_path, Some(&owner.token), &transfer_body),
            app.patch_json(&change_path, &admin.token, &change_body),
        );
        assert_eq!(transfer.status(), StatusCode::OK, "round {round}");
        assert!(
            matches!(change.status(), StatusCode::OK | StatusCode::FORBIDDEN),
            "round {round}: {}",
            change.status()
        );
        let members = members_of(&app, &org).await;
        let owners: Vec<&(String, String)> = members.iter().filter(|(_, r)| r == "owner").collect();
        assert_eq!(owners.len(), 1, "round {round}: {members:?}");
        assert_eq!(owners[0].0, target.user_id, "round {round}");
        let (stored,): (String,) =
            sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(&org)
                .bind(&target.user_id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(stored, "admin", "round {round}");
        let former = members.iter().find(|(u, _)| *u == owner.user_id).unwrap();
        assert_eq!(former.1, "admin", "round {round}");
    }
}
