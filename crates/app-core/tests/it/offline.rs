//! Offline, through a fault-injecting proxy between the app backend and a real server:
//! changes wait in the outbox across a restart, replays apply exactly once even when the
//! server's answer was lost after it committed, stale edits come back as conflicts, and
//! refused changes stay visible, holding back the changes after them.

use crate::common;

use std::time::Duration;

use common::proxy::Fault;
use common::world::{
    balance, create, names, reconnect, restore, sign_up_with_org, top_up, World, PASSWORD,
};
use orgdesk_app_core::outbox::edits::UpdateOrg;
use orgdesk_app_core::outbox::{ChangeState, Outcome};
use orgdesk_client::{OrgRef, ReadScope};
use orgdesk_model::org::{ScheduleDeletionRequest, UpdateOrgRequest};
use orgdesk_model::ErrorCode;

#[tokio::test(flavor = "multi_thread")]
async fn queued_offline_survives_a_restart_and_applies_once() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;
    app.orgs.contexts().await.unwrap(); // as the app does after sign-in

    world.proxy.set(Fault::Refuse);
    let queued = app.outbox.submit(create(org, "Site"), None).await.unwrap();
    assert!(
        matches!(queued, Outcome::Queued { .. }),
        "offline: queued, not sent"
    );
    app.outbox.submit(top_up(org, 100), None).await.unwrap();
    assert_eq!(app.outbox.changes().await.unwrap().len(), 2);
    let status = app.outbox.status().await;
    assert!(!status.online && status.queued == 2 && status.durable);
    drop(app);

    // Quit and start again, still offline: the changes are still there.
    let app = world.launch();
    let startup = restore(&app).await;
    assert_eq!(startup.session.unwrap().me.user.email, "ana@example.com");
    let waiting = app.outbox.changes().await.unwrap();
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[0].summary, "Create project “Site”");
    let tray = app.tray.list().await;
    let acme = tray.iter().find(|c| c.org_id == org).expect("in the tray");
    assert_eq!(
        acme.queued, 2,
        "the tray counts the org's queued changes: {tray:?}"
    );

    reconnect(&world, &app).await;
    assert!(
        app.outbox.changes().await.unwrap().is_empty(),
        "the outbox drains"
    );
    // Pages showing the org (and the contexts) hear that they should read again.
    let refreshed = app.heard.refreshed.lock().unwrap().clone();
    assert!(
        refreshed.contains(&vec![ReadScope::Orgs, ReadScope::Org { org_id: org }]),
        "{refreshed:?}"
    );
    let direct = world.direct("ana@example.com").await;
    assert_eq!(names(&direct, org).await, ["Site"]);
    assert_eq!(balance(&direct, org).await, 100);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_lost_after_the_server_committed_is_not_applied_twice() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "bo@example.com").await;

    for (fault, name, amount) in [
        (Fault::DropResponse, "Lost answer", 250),
        (Fault::CutMidResponse, "Cut answer", 40),
    ] {
        world.proxy.set(fault);
        let project = app.outbox.submit(create(org, name), None).await.unwrap();
        assert!(
            matches!(project, Outcome::Queued { .. }),
            "{fault:?}: the answer never came"
        );
        app.outbox.submit(top_up(org, amount), None).await.unwrap();
        reconnect(&world, &app).await;
    }
    world.proxy.set(Fault::Delay(Duration::from_millis(300)));
    let slow = app.outbox.submit(create(org, "Slow"), None).await.unwrap();
    assert!(
        matches!(&slow, Outcome::Applied { value } if value.name == "Slow"),
        "a slow answer is still an answer"
    );
    world.proxy.set(Fault::None);

    let direct = world.direct("bo@example.com").await;
    assert_eq!(
        names(&direct, org).await,
        ["Cut answer", "Lost answer", "Slow"]
    );
    assert_eq!(balance(&direct, org).await, 290, "each top-up once");
    let ledger = direct
        .ledger(org, &Default::default(), None, 50)
        .await
        .unwrap()
        .value;
    assert_eq!(ledger.items.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_edit_comes_back_as_a_conflict_and_can_be_kept() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "cy@example.com").await;
    let direct = world.direct("cy@example.com").await;
    let version = direct
        .get_org(&orgdesk_client::OrgRef::Id(org))
        .await
        .unwrap()
        .value
        .org
        .version;

    world.proxy.set(Fault::Refuse);
    let mine = UpdateOrgRequest {
        name: Some("Acme Mine".into()),
        ..Default::default()
    };
    let change = UpdateOrg {
        org_id: org,
        expected_version: version,
        patch: mine,
    };
    app.outbox.submit(change, None).await.unwrap();
    app.outbox
        .submit(create(org, "After the edit"), None)
        .await
        .unwrap();
    // Meanwhile someone else saves the org.
    let theirs = UpdateOrgRequest {
        description: Some("Theirs".into()),
        ..Default::default()
    };
    direct
        .update_org(org, Some(version), &theirs)
        .await
        .unwrap();

    reconnect(&world, &app).await;
    let waiting = app.outbox.changes().await.unwrap();
    assert_eq!(
        waiting.len(),
        2,
        "the conflict holds back the org's later change"
    );
    assert_eq!(waiting[0].state, ChangeState::Conflict);
    let problem = waiting[0].problem.clone().unwrap();
    assert_eq!(problem.error.code, ErrorCode::VersionConflict);
    assert_eq!(problem.theirs.unwrap()["description"], "Theirs");
    assert_eq!(waiting[1].state, ChangeState::Pending);

    app.outbox.keep_mine(waiting[0].id).await.unwrap();
    reconnect(&world, &app).await;
    assert!(app.outbox.changes().await.unwrap().is_empty());
    let org_now = direct
        .get_org(&orgdesk_client::OrgRef::Id(org))
        .await
        .unwrap()
        .value
        .org;
    assert_eq!(org_now.name, "Acme Mine");
    assert_eq!(
        org_now.description.as_deref(),
        Some("Theirs"),
        "keeping mine kept theirs too"
    );
    assert_eq!(names(&direct, org).await, ["After the edit"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_change_stays_visible_until_discarded() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "di@example.com").await;
    world.proxy.set(Fault::Refuse);
    app.outbox.submit(create(org, "Never"), None).await.unwrap();
    // The org is scheduled for deletion elsewhere while the change waits: read-only.
    let direct = world.direct("di@example.com").await;
    let slug = direct
        .get_org(&OrgRef::Id(org))
        .await
        .unwrap()
        .value
        .org
        .slug;
    let proof = ScheduleDeletionRequest {
        confirm_slug: slug,
        password: PASSWORD.into(),
        ..Default::default()
    };
    direct.schedule_deletion(org, &proof).await.unwrap();
    reconnect(&world, &app).await;
    let waiting = app.outbox.changes().await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].state, ChangeState::Refused);
    assert_eq!(
        waiting[0].problem.as_ref().unwrap().error.code,
        ErrorCode::OrgPendingDeletion
    );
    assert_eq!(app.outbox.status().await.attention, 1);
    app.outbox.discard(waiting[0].id).await.unwrap();
    assert!(app.outbox.changes().await.unwrap().is_empty());
}
