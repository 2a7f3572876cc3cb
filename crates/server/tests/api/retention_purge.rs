//! The retention purge, driven with a clock the test controls: what is past each period
//! is gone, what is inside stays, the audit log says what went (kind, count, cutoff, as
//! the system), the ledger's money is untouched; batches all go; two purges at once
//! delete each row once and their counts add up.

use orgdesk_model::retention::RetentionKind;
use orgdesk_server::retention::purge::{self, Purged};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::invite_one;
use crate::harness::{expect_json, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::{assert_ledger_consistent, top_up, usage, usage_key};
use crate::retention::{periods, put_retention};

on_both_backends!(
    the_purge_takes_what_is_past_and_keeps_the_rest,
    batches_all_go_and_parallel_purges_count_each_row_once,
);

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn count(app: &TestApp, sql: &str, org: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

/// What a ledger line is as money: everything but the per-request detail.
type Money = (
    i64,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
    i64,
);

async fn money(app: &TestApp, org: &str) -> Vec<Money> {
    sqlx::query_as(
        "SELECT seq, kind, amount, balance_after, project_id, modality, quantity, description, \
         period, created_at FROM ledger_entries WHERE org_id = $1 ORDER BY seq",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// `org.data_purged` details of `org`, by kind.
async fn purge_events(app: &TestApp, org: &str) -> Vec<Value> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT details, actor_kind FROM audit_events WHERE org_id = $1 \
         AND action = 'org.data_purged' ORDER BY created_at, id",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.iter()
        .map(|(details, actor)| {
            assert_eq!(actor, "system");
            serde_json::from_str(details).unwrap()
        })
        .collect()
}

fn of(purged: &[Purged], org: &str) -> Vec<(RetentionKind, u64)> {
    purged
        .iter()
        .filter(|p| p.org.to_string() == org)
        .map(|p| (p.kind, p.deleted))
        .collect()
}

async fn insert_webhook(app: &TestApp, org: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO webhooks (id, org_id, url, description, all_events, events, enabled, \
         secret_sealed, created_at, updated_at) \
         VALUES ($1, $2, 'https://hooks.example.com/x', '', 0, '', 1, 'sealed', $3, $3)",
    )
    .bind(&id)
    .bind(org)
    .bind(now_ms())
    .execute(&app.db)
    .await
    .unwrap();
    id
}

/// A delivery of `webhook` in `status`; a pending one is never due while the test runs.
async fn insert_delivery(app: &TestApp, org: &str, webhook: &str, status: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let next = (status == "pending").then_some(i64::MAX / 2);
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, org_id, webhook_id, event_id, event_type, payload, \
         status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, 'e', 'project.created', '{}', $4, 1, $5, $6)",
    )
    .bind(&id)
    .bind(org)
    .bind(webhook)
    .bind(status)
    .bind(next)
    .bind(now_ms())
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO webhook_attempts (id, delivery_id, at, status_code, duration_ms) \
         VALUES ($1, $2, $3, 500, 10)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&id)
    .bind(now_ms())
    .execute(&app.db)
    .await
    .unwrap();
    id
}

async fn the_purge_takes_what_is_past_and_keeps_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    let created = app.new_org(&ana.token, "Acme").await;
    let org = created["org"]["id"].as_str().unwrap().to_owned();
    app.set_plan(&org, "team").await;
    let owner = ana.token.clone();
    let web = app.new_project(&owner, &org, "Web").await;
    let old = app.new_project(&owner, &org, "Old").await;
    let (web, old) = (web["id"].as_str().unwrap(), old["id"].as_str().unwrap());
    expect_json(
        app.post(&format!("/v1/orgs/{org}/projects/{old}/archive"), &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    top_up(&app, &owner, &org, 1000).await;
    let secret = usage_key(&app, &owner, &org).await;
    for n in 0..2 {
        let body =
            json!({ "project": web, "modality": "text", "quantity": 2, "user": ana.user_id });
        expect_json(
            usage(&app, &secret, &format!("u{n}"), &body).await,
            StatusCode::CREATED,
        )
        .await;
    }
    invite_one(&app, &owner, "bo@example.com").await;
    let webhook = insert_webhook(&app, &org).await;
    for status in ["delivered", "failed"] {
        insert_delivery(&app, &org, &webhook, status).await;
    }
    let pending = insert_delivery(&app, &org, &webhook, "pending").await;
    // The shortest periods the team plan allows.
    expect_json(
        put_retention(&app, &org, &owner, &periods(7, 7, 1, 1, 7)).await,
        StatusCode::OK,
    )
    .await;
    // The invitation's mail is sent, its copy kept.
    let mut sent = 0;
    for _ in 0..100 {
        sent = count(
            &app,
            "SELECT COUNT(*) FROM mail_outbox WHERE org_id = $1 AND sent_at IS NOT NULL",
            &org,
        )
        .await;
        if sent == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sent, 1);
    let invoices = format!("/v1/orgs/{org}/invoices");
    let statements = expect_json(app.get(&invoices, &owner).await, StatusCode::OK).await;
    let ledger = money(&app, &org).await;
    let audit_before = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
        &org,
    )
    .await;
    let t0 = now_ms();

    // Half a day on: everything is inside its period.
    let purged = purge::step(&app.store, t0 + DAY_MS / 2).await.unwrap();
    assert_eq!(of(&purged, &org), []);
    assert!(purge_events(&app, &org).await.is_empty());

    // Eight days on: everything is past.
    let now = t0 + 8 * DAY_MS;
    let purged = purge::step(&app.store, now).await.unwrap();
    assert_eq!(
        of(&purged, &org),
        [
            (
                RetentionKind::AuditLog,
                u64::try_from(audit_before).unwrap()
            ),
            (RetentionKind::UsageEvents, 2),
            (RetentionKind::WebhookDeliveries, 2),
            (RetentionKind::MailCopies, 1),
            (RetentionKind::ArchivedProjects, 1),
        ]
    );
    // The log says so, as the system; those events (and the archived project's deletion)
    // are all that is left of it.
    let events = purge_events(&app, &org).await;
    let said: Vec<(String, u64)> = events
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["deleted"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            ("audit_log".to_owned(), u64::try_from(audit_before).unwrap()),
            ("usage_events".to_owned(), 2),
            ("webhook_deliveries".to_owned(), 2),
            ("mail_copies".to_owned(), 1),
            ("archived_projects".to_owned(), 1),
        ]
    );
    let cutoff = chrono::DateTime::from_timestamp_millis(now - 7 * DAY_MS).unwrap();
    assert_eq!(events[0]["older_than"], json!(cutoff));
    let left: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, actor_kind FROM audit_events WHERE org_id = $1 ORDER BY action",
    )
    .bind(&org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(left.len(), 6, "{left:?}");
    assert!(left.iter().all(|(_, actor)| actor == "system"));
    assert_eq!(left[5].0, "project.deleted");

    // The rows themselves.
    let (pending_left,): (String,) =
        sqlx::query_as("SELECT id FROM webhook_deliveries WHERE org_id = $1")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(pending_left, pending, "a pending delivery is never purged");
    let attempts = count(
        &app,
        "SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d \
         ON d.id = a.delivery_id WHERE d.org_id = $1",
        &org,
    )
    .await;
    let all_attempts = count(
        &app,
        "SELECT COUNT(*) FROM webhook_attempts WHERE $1 = $1",
        &org,
    )
    .await;
    assert_eq!(
        (attempts, all_attempts),
        (1, 1),
        "the purged deliveries' attempts went too"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM mail_outbox WHERE org_id = $1",
            &org
        )
        .await,
        0
    );
    let projects: Vec<(String,)> = sqlx::query_as("SELECT id FROM projects WHERE org_id = $1")
        .bind(&org)
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(projects, [(web.to_owned(),)]);

    // The money: every line, the balance and the statements as they were; the usage
    // lines without who, which key and which request.
    assert_eq!(money(&app, &org).await, ledger);
    assert_ledger_consistent(&app, &org).await;
    assert_eq!(
        expect_json(app.get(&invoices, &owner).await, StatusCode::OK).await,
        statements
    );
    let detail = count(
        &app,
        "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'usage' AND \
         (user_id IS NOT NULL OR api_key_id IS NOT NULL OR idempotency_key IS NOT NULL \
         OR request_hash IS NOT NULL)",
        &org,
    )
    .await;
    assert_eq!(detail, 0);
    // The ledger still refuses any other change.
    let refused = sqlx::query(
        "UPDATE ledger_entries SET amount = amount - 1 WHERE org_id = $1 AND kind = 'usage'",
    )
    .bind(&org)
    .execute(&app.db)
    .await;
    assert!(refused.is_err(), "a usage line's amount changed");
    let refused = sqlx::query(
        "UPDATE ledger_entries SET user_id = NULL WHERE org_id = $1 AND kind = 'top_up'",
    )
    .bind(&org)
    .execute(&app.db)
    .await;
    assert!(refused.is_err(), "a top-up line changed");

    // Nothing more to do at the same moment.
    let again = purge::step(&app.store, now).await.unwrap();
    assert_eq!(of(&again, &org), []);
}

async fn batches_all_go_and_parallel_purges_count_each_row_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let created = app.new_org(&ana.token, "Acme").await;
    let org = created["org"]["id"].as_str().unwrap().to_owned();
    // More than two batches of old events, and one inside the period.
    let now = now_ms();
    let old = purge::BATCH * 2 + 500;
    let mut tx = app.db.begin().await.unwrap();
    for chunk in 0..(old / 250) {
        let values: Vec<String> = (0..250)
            .map(|n| {
                format!(
                    "('{}', '{org}', 'system', 'project.created', 'project', 'p', '{{}}', {})",
                    uuid::Uuid::now_v7(),
                    now - 40 * DAY_MS - chunk * 250 - n
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO audit_events (id, org_id, actor_kind, action, target_type, target_id, \
             details, created_at) VALUES {}",
            values.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let past = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND created_at < {}",
            now - 30 * DAY_MS
        ),
        &org,
    )
    .await;
    assert_eq!(past, old);
    let inside = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
        &org,
    )
    .await
        - past;
    assert!(inside > 0);

    // Two instances' steps at once (the free plan keeps 30 days).
    let (a, b) = tokio::join!(purge::step(&app.store, now), purge::step(&app.store, now));
    let deleted: u64 = of(&a.unwrap(), &org)
        .into_iter()
        .chain(of(&b.unwrap(), &org))
        .map(|(kind, n)| {
            assert_eq!(kind, RetentionKind::AuditLog);
            n
        })
        .sum();
    assert_eq!(deleted, u64::try_from(old).unwrap());
    let said: u64 = purge_events(&app, &org)
        .await
        .iter()
        .map(|e| e["deleted"].as_u64().unwrap())
        .sum();
    assert_eq!(said, deleted);
    let events = purge_events(&app, &org).await.len();
    assert!((1..=2).contains(&events));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
            &org
        )
        .await,
        inside + i64::try_from(events).unwrap()
    );
}
