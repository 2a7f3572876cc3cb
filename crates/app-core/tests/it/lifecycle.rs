//! An org's data lifecycle through the app core, against the real server behind the fault
//! proxy: a whole-org export followed to the end, saved through the save dialog and saved
//! again offline from the copy kept; retention read offline and changed only online;
//! deletion scheduled and cancelled, never queued offline.

use crate::common;

use common::proxy::Fault;
use common::world::{sign_up_with_org, App, World, PASSWORD};
use orgdesk_app_core::AppError;
use orgdesk_model::export::ExportStatus;
use orgdesk_model::org::ScheduleDeletionRequest;
use orgdesk_model::retention::RetentionKind;
use orgdesk_model::{ApiError, ErrorCode};

/// The files every export holds.
const EXPORT_FILES: [&str; 10] = [
    "org.json",
    "members.csv",
    "invitations.csv",
    "projects.csv",
    "ledger.csv",
    "usage.csv",
    "audit-log.jsonl",
    "api-keys.csv",
    "webhooks.csv",
    "manifest.json",
];

async fn go_offline(world: &World, app: &App) {
    world.proxy.set(Fault::Refuse);
    assert!(!app.connectivity.check_now().await, "out of reach");
}

async fn come_back(world: &World, app: &App) {
    world.proxy.set(Fault::None);
    assert!(app.connectivity.check_now().await, "back");
}

fn refused<T: std::fmt::Debug>(result: Result<T, AppError>) -> ApiError {
    result.expect_err("expected a refusal").into()
}

/// A ZIP whose entries include every file an export holds (names are stored as written).
fn assert_whole_export(zip: &[u8]) {
    assert!(zip.starts_with(b"PK\x03\x04"), "a ZIP");
    for name in EXPORT_FILES {
        let found = zip.windows(name.len()).any(|w| w == name.as_bytes());
        assert!(found, "{name} is in the ZIP");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_is_followed_saved_and_saved_again_offline() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;

    let mut seen = Vec::new();
    let export = app
        .org_exports
        .start(org, |e| seen.push(e.status))
        .await
        .unwrap();
    assert_eq!(export.status, ExportStatus::Ready, "{export:?}");
    assert_eq!(seen.last(), Some(&ExportStatus::Ready));
    assert!(seen.len() >= 2, "followed from queued: {seen:?}");
    let listed = app.org_exports.list(org).await.unwrap().value;
    assert_eq!(listed[0].export.id, export.id);
    assert!(listed[0].kept, "a copy is kept on this computer");

    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("acme.zip");
    world.dialog.will_answer(Some(dest.clone()));
    let done = app
        .org_exports
        .save(org, export.id, &export.file_name, |_| {})
        .await
        .unwrap()
        .expect("a place was chosen");
    assert_eq!(Some(done.bytes), export.size);
    let asked = world.dialog.asked.lock().unwrap().last().cloned().unwrap();
    assert_eq!(asked.extension, "zip");
    assert!(asked.file_name.ends_with(".zip"), "{}", asked.file_name);
    assert_whole_export(&std::fs::read(&dest).unwrap());

    // Offline: saved again from the copy; the list reads from the store.
    go_offline(&world, &app).await;
    let again = dir.path().join("again.zip");
    world.dialog.will_answer(Some(again.clone()));
    app.org_exports
        .save(org, export.id, "again", |_| {})
        .await
        .unwrap()
        .expect("a place was chosen");
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&dest).unwrap()
    );
    let offline = app.org_exports.list(org).await.unwrap();
    assert!(offline.from_cache && offline.value[0].kept);
    let start = app.org_exports.start(org, |_| {}).await;
    assert!(matches!(start, Err(AppError::NeedsServer(_))), "{start:?}");

    // Cancelling the dialog writes nothing.
    come_back(&world, &app).await;
    world.dialog.will_answer(None);
    let cancelled = app.org_exports.save(org, export.id, "x", |_| {}).await;
    assert!(cancelled.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_is_read_offline_and_changed_only_online_within_the_plan() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "bo@example.com").await;

    let settings = app.retention.get(org).await.unwrap().value;
    assert_eq!(settings.rules.len(), RetentionKind::ALL.len());
    let audit = settings.plan.retention(RetentionKind::AuditLog);
    let mut policy = settings.policy;
    policy.audit_log = audit.min_days;
    let saved = app.retention.update(org, policy).await.unwrap();
    assert_eq!(saved.policy.audit_log, audit.min_days);

    policy.audit_log = audit.max_days + 1;
    let problem = refused(app.retention.update(org, policy).await);
    assert_eq!(problem.code, ErrorCode::ValidationFailed);
    assert_eq!(problem.field.as_deref(), Some("audit_log"));

    go_offline(&world, &app).await;
    let remembered = app.retention.get(org).await.unwrap();
    assert!(remembered.from_cache);
    assert_eq!(remembered.value.policy.audit_log, audit.min_days);
    policy.audit_log = audit.default_days;
    let offline = app.retention.update(org, policy).await;
    assert!(
        matches!(offline, Err(AppError::NeedsServer(_))),
        "{offline:?}"
    );
    assert_eq!(app.outbox.status().await.queued, 0, "never queued");
}

#[tokio::test(flavor = "multi_thread")]
async fn deletion_is_scheduled_with_proof_and_cancelled_never_queued_offline() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "cy@example.com").await;
    let slug = app.orgs.get(org).await.unwrap().value.org.slug;
    let proof = |slug: &str, password: &str| ScheduleDeletionRequest {
        confirm_slug: slug.into(),
        password: password.into(),
        ..Default::default()
    };

    go_offline(&world, &app).await;
    let offline = app
        .orgs
        .schedule_deletion(org, proof(&slug, PASSWORD))
        .await;
    assert!(
        matches!(offline, Err(AppError::NeedsServer(_))),
        "{offline:?}"
    );
    assert_eq!(app.outbox.status().await.queued, 0, "never queued");
    come_back(&world, &app).await;

    let wrong_slug = refused(
        app.orgs
            .schedule_deletion(org, proof("acme-x", PASSWORD))
            .await,
    );
    assert_eq!(
        wrong_slug.field.as_deref(),
        Some("confirm_slug"),
        "{wrong_slug:?}"
    );
    let wrong_password = refused(
        app.orgs
            .schedule_deletion(org, proof(&slug, "not my password"))
            .await,
    );
    assert_eq!(
        wrong_password.field.as_deref(),
        Some("password"),
        "{wrong_password:?}"
    );

    let scheduled = app
        .orgs
        .schedule_deletion(org, proof(&slug, PASSWORD))
        .await
        .unwrap();
    assert!(scheduled.org.pending_deletion.is_some());
    let contexts = app.orgs.contexts().await.unwrap().value;
    let listed = contexts.iter().find(|m| m.org.id == org).unwrap();
    assert!(listed.org.pending_deletion.is_some(), "the switcher knows");
    assert!(
        app.notified.0.lock().unwrap().is_empty(),
        "whoever scheduled it is not told"
    );
    // As another member sees it (scheduled by someone else): told once, not on every read.
    let db = rusqlite::Connection::open(world.server_dir().join("orgdesk.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute("UPDATE orgs SET deletion_scheduled_by = NULL", [])
        .unwrap();
    // The watch reads the server; the switcher's read (cached) says the same later.
    app.alerts.check().await;
    app.alerts.check().await;
    app.orgs.contexts().await.unwrap();
    let told = app.notified.0.lock().unwrap().clone();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("scheduled for deletion"), "{told:?}");
    let opens = app.notified.1.lock().unwrap().clone();
    assert_eq!(
        opens,
        [Some((org, orgdesk_model::AppPage::Overview))],
        "a click opens the org"
    );

    let cancelled = app.orgs.cancel_deletion(org).await.unwrap();
    assert!(cancelled.org.pending_deletion.is_none());
    let read = app.orgs.get(org).await.unwrap().value;
    assert!(read.org.pending_deletion.is_none());
}
