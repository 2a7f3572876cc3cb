//! The seeded world of the matrix: two tenants with real ids (an org with projects, a
//! scoped member, a target member, a logo and a pending invitation each), and a fresh
//! session per caller.

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use super::{Id, Prep, FOREIGN_ORG, FOREIGN_PROJECT, PNG};
use crate::harness::{expect_json, Account, TestApp};

/// The people of the matrix, signed up once.
pub struct People {
    pub owner: Account,
    pub admin: Account,
    pub member: Account,
    pub scoped: Account,
    pub outsider: Account,
    pub target: Account,
    pub foreign_owner: Account,
    pub foreign_target: Account,
}

/// One tenant's real ids.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub org: String,
    pub org_slug: String,
    pub project: String,
    pub project_slug: String,
    pub invitation: String,
    pub target: String,
    /// An org-wide usage key made by the owner, and its secret.
    pub key_id: String,
    pub key_secret: String,
    /// The month of the tenant's ledger activity, `YYYY-MM`.
    pub month: String,
    /// The id of the session its owner calls with.
    pub owner_session: String,
    /// A paid card payment (written straight into the database: the matrix's server
    /// takes no card payments).
    pub payment: String,
    /// A webhook endpoint subscribed to every event, its secret, and a test delivery.
    pub webhook: String,
    pub webhook_secret: String,
    pub delivery: String,
    /// A queued export of the org (the matrix's server writes none).
    pub export: String,
    /// An email domain the org claims (not verified; the matrix's DNS server has no
    /// record for it).
    pub domain: String,
}

pub struct World {
    pub own: Tenant,
    pub foreign: Tenant,
    /// Session tokens by caller (anonymous has none).
    pub tokens: Vec<Option<String>>,
    /// What no answer may contain.
    pub secrets: Vec<String>,
}

/// A fresh session of `user`: its token and its id.
async fn session_with_id(app: &TestApp, user: &str, n: u64) -> (String, String) {
    let token = format!("ods_matrix{n}x{}", uuid::Uuid::new_v4().simple());
    let id = uuid::Uuid::new_v4().to_string();
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query(
        "INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(hex::encode(Sha256::digest(token.as_bytes())))
    .bind(&id)
    .bind(user)
    .bind(now)
    .bind(i64::MAX / 2)
    .execute(&app.db)
    .await
    .unwrap();
    (token, id)
}

async fn session(app: &TestApp, user: &str, n: u64) -> String {
    session_with_id(app, user, n).await.0
}

async fn tenant(
    app: &TestApp,
    token: &str,
    name: &str,
    project: &str,
    target: &str,
    n: u64,
) -> Tenant {
    let org = app.new_org(token, name).await;
    let org_id = org["org"]["id"].as_str().unwrap().to_owned();
    let org_slug = org["org"]["slug"].as_str().unwrap().to_owned();
    app.set_plan(&org_id, "team").await;
    let p1 = app.new_project(token, &org_id, project).await;
    app.add_member(&org_id, target, "member").await;
    sqlx::query("INSERT INTO org_logos (org_id, content_type, etag, size, bytes, updated_at) VALUES ($1, 'image/png', 'e1', $2, $3, 0)")
        .bind(&org_id)
        .bind(i64::try_from(PNG.len()).unwrap())
        .bind(PNG.to_vec())
        .execute(&app.db)
        .await
        .unwrap();
    let issued = expect_json(
        app.post_json(
            &format!("/v1/orgs/{org_id}/invitations"),
            Some(token),
            &serde_json::json!({ "emails": [format!("invitee{n}-{}@example.com", &org_id[..8])], "role": "member" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let top_up = serde_json::json!({ "amount": 1000 });
    let path = format!("/v1/orgs/{org_id}/credits/top-ups");
    let done = expect_json(
        app.post_json(&path, Some(token), &top_up).await,
        StatusCode::CREATED,
    )
    .await;
    let month = done["entry"]["created_at"].as_str().unwrap()[..7].to_owned();
    let key = serde_json::json!({ "name": "world", "scopes": ["usage:write"] });
    let path = format!("/v1/orgs/{org_id}/api-keys");
    let created = expect_json(
        app.post_json(&path, Some(token), &key).await,
        StatusCode::CREATED,
    )
    .await;
    let payment = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO payments (id, org_id, purpose, status, credits, price, currency, \
         created_at, settled_at, receipt_number, bill_to) \
         VALUES ($1, $2, 'top_up', 'succeeded', 1000, 1000, 'eur', 0, 0, $3, '{}')",
    )
    .bind(&payment)
    .bind(&org_id)
    .bind(format!("OD-1970-{}", uuid::Uuid::new_v4().simple()))
    .execute(&app.db)
    .await
    .unwrap();
    let hook = serde_json::json!({ "url": "http://127.0.0.1:9/world", "all_events": true });
    let path = format!("/v1/orgs/{org_id}/webhooks");
    let webhook = expect_json(
        app.post_json(&path, Some(token), &hook).await,
        StatusCode::CREATED,
    )
    .await;
    let webhook_id = webhook["webhook"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/orgs/{org_id}/webhooks/{webhook_id}/test");
    let delivery = expect_json(
        app.post_json(&path, Some(token), &serde_json::json!({}))
            .await,
        StatusCode::ACCEPTED,
    )
    .await;
    let path = format!("/v1/orgs/{org_id}/exports");
    let export = expect_json(app.post(&path, token).await, StatusCode::ACCEPTED).await;
    let path = format!("/v1/orgs/{org_id}/domains");
    let domain = format!("t{n}-{}.example", &org_id[org_id.len() - 8..]);
    expect_json(
        app.post_json(&path, Some(token), &serde_json::json!({ "domain": domain }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    Tenant {
        domain,
        export: export["id"].as_str().unwrap().to_owned(),
        webhook_secret: webhook["secret"].as_str().unwrap().to_owned(),
        webhook: webhook_id,
        delivery: delivery["id"].as_str().unwrap().to_owned(),
        payment,
        key_id: created["key"]["id"].as_str().unwrap().to_owned(),
        key_secret: created["secret"].as_str().unwrap().to_owned(),
        month,
        project: p1["id"].as_str().unwrap().to_owned(),
        project_slug: p1["slug"].as_str().unwrap().to_owned(),
        invitation: issued["invitations"][0]["invitation"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        target: target.to_owned(),
        org: org_id,
        org_slug,
        owner_session: String::new(),
    }
}

pub async fn build(app: &TestApp, people: &People, n: u64) -> World {
    let (owner_token, owner_session) = session_with_id(app, &people.owner.user_id, n).await;
    let mut own = tenant(
        app,
        &owner_token,
        &format!("Own Tenant {n}"),
        "Target Project",
        &people.target.user_id,
        n,
    )
    .await;
    own.owner_session = owner_session;
    let in_scope = app
        .new_project(&owner_token, &own.org, "Scope Project")
        .await;
    app.add_member(&own.org, &people.admin.user_id, "admin")
        .await;
    app.add_member(&own.org, &people.member.user_id, "member")
        .await;
    app.add_scoped_member(
        &own.org,
        &people.scoped.user_id,
        "member",
        Some(&[in_scope["id"].as_str().unwrap()]),
    )
    .await;
    let (foreign_token, foreign_session) =
        session_with_id(app, &people.foreign_owner.user_id, n).await;
    let mut foreign = tenant(
        app,
        &foreign_token,
        &format!("{FOREIGN_ORG} {n}"),
        FOREIGN_PROJECT,
        &people.foreign_target.user_id,
        n,
    )
    .await;
    foreign.owner_session = foreign_session;
    let mut tokens = vec![None];
    for who in [
        &people.outsider,
        &people.scoped,
        &people.member,
        &people.admin,
    ] {
        tokens.push(Some(session(app, &who.user_id, n).await));
    }
    tokens.push(Some(owner_token));
    let mut secrets: Vec<String> = Vec::new();
    for sql in [
        "SELECT token_hash FROM invitations",
        "SELECT token_hash FROM sessions",
        "SELECT password_hash FROM users",
        "SELECT secret_hash FROM api_keys",
        "SELECT secret_sealed FROM webhooks",
    ] {
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&app.db).await.unwrap();
        secrets.extend(rows.into_iter().map(|(s,)| s));
    }
    secrets.push(own.key_secret.clone());
    secrets.push(foreign.key_secret.clone());
    secrets.push(own.webhook_secret.clone());
    secrets.push(foreign.webhook_secret.clone());
    secrets.push(FOREIGN_ORG.to_owned());
    secrets.push(FOREIGN_PROJECT.to_owned());
    World {
        own,
        foreign,
        tokens,
        secrets,
    }
}

pub async fn prepare(app: &TestApp, world: &World, prep: Prep) {
    let (status, reason) = match prep {
        Prep::None => return,
        Prep::Suspended => ("suspended", Some("prepared")),
        Prep::Archived => ("archived", None),
    };
    for tenant in [&world.own, &world.foreign] {
        sqlx::query("UPDATE projects SET status = $1, suspended_reason = $2 WHERE id = $3")
            .bind(status)
            .bind(reason)
            .bind(&tenant.project)
            .execute(&app.db)
            .await
            .unwrap();
    }
}

pub async fn discard(app: &TestApp, world: &World) {
    for org in [&world.own.org, &world.foreign.org] {
        sqlx::query("DELETE FROM orgs WHERE id = $1")
            .bind(org)
            .execute(&app.db)
            .await
            .unwrap();
    }
}

pub fn fill(template: &str, tenant: &Tenant, uniq: u64, id: Id) -> String {
    template
        .replace("{org_slug}", &tenant.org_slug)
        .replace("{org}", &tenant.org)
        .replace("{project_slug}", &tenant.project_slug)
        .replace("{project}", &tenant.project)
        .replace("{user_id}", &tenant.target)
        .replace("{target}", &tenant.target)
        .replace(
            "{id}",
            match id {
                Id::Invitation => &tenant.invitation,
                Id::ApiKey => &tenant.key_id,
                Id::Month => &tenant.month,
                Id::Payment => &tenant.payment,
                Id::OwnerSession => &tenant.owner_session,
                Id::Webhook => &tenant.webhook,
                Id::Delivery => &tenant.delivery,
                Id::Export => &tenant.export,
            },
        )
        .replace("{token}", &tenant.invitation)
        .replace("{domain}", &tenant.domain)
        .replace("{uniq}", &uniq.to_string())
}
