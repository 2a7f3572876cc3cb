//! The portfolio through the service the command calls, against a real server: the rows
//! with the figures the role may see, this computer's queued changes and last visits, and
//! the last answer again offline with its "as of".

use crate::common;

use common::proxy::Fault;
use common::world::{sign_up, sign_up_with_org, App, World};
use orgdesk_app_core::navigation::{AppPage, Location};
use orgdesk_app_core::outbox::Outcome;
use orgdesk_model::billing::{AlertSettings, TopUpRequest};
use orgdesk_model::org::{CreateOrgRequest, UpdateOrgRequest};
use orgdesk_model::{ApiError, ErrorCode, Role};

async fn go_offline(world: &World, app: &App) {
    world.proxy.set(Fault::Refuse);
    assert!(
        !app.connectivity.check_now().await,
        "the server is out of reach"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_queued_changes_last_visits_and_offline_from_the_store() {
    let world = World::new().await;
    let app = world.launch();
    let acme = sign_up_with_org(&world, &app, "ana@example.com").await;
    let birch = CreateOrgRequest {
        name: "Birch".into(),
        ..Default::default()
    };
    let birch = app.orgs.create(birch).await.unwrap().org.id;
    let direct = world.direct("ana@example.com").await;
    let top_up = TopUpRequest {
        amount: 250,
        payment_reference: None,
    };
    direct.top_up(acme, &top_up).await.unwrap();
    let alerts = AlertSettings {
        low_balance_threshold: Some(1_000),
    };
    direct.set_alerts(acme, &alerts).await.unwrap();
    // Ana opened Acme on this computer; never Birch.
    let before = chrono::Utc::now();
    app.session
        .save_location(&Location {
            org_id: acme,
            page: AppPage::Billing,
        })
        .await
        .unwrap();

    let first = app.portfolio.rows().await.unwrap();
    assert!(!first.from_cache);
    let names: Vec<&str> = first
        .value
        .iter()
        .map(|r| r.org.membership.org.name.as_str())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(&names[1..], ["Acme", "Birch"]);
    let acme_row = &first.value[1];
    assert_eq!(acme_row.org.membership.role, Role::Owner);
    assert_eq!(acme_row.org.balance, Some(250));
    assert_eq!(acme_row.org.low_balance, Some(true));
    assert_eq!(acme_row.org.pending_invitations, Some(0));
    assert_eq!(acme_row.queued_changes, 0);
    let visited = acme_row.last_visited.expect("Acme was visited");
    assert!(visited >= before && visited <= chrono::Utc::now());
    assert_eq!(first.value[2].last_visited, None, "Birch never opened here");
    assert_eq!(first.value[2].org.balance, Some(0));

    // Offline: a change to Acme waits in the outbox; the portfolio answers from the store.
    go_offline(&world, &app).await;
    let rename = UpdateOrgRequest {
        name: Some("Acme Two".into()),
        ..Default::default()
    };
    let queued = app.orgs.update(acme, 1, rename).await.unwrap();
    assert!(matches!(queued, Outcome::Queued { .. }));
    let offline = app.portfolio.rows().await.unwrap();
    assert!(offline.from_cache);
    assert_eq!(offline.as_of, first.as_of, "says when the server said it");
    assert_eq!(offline.value[1].org.membership.org.id, acme);
    assert_eq!(offline.value[1].queued_changes, 1);
    assert_eq!(offline.value[1].org.balance, Some(250));
    assert_eq!(offline.value[2].org.membership.org.id, birch);
    assert_eq!(offline.value[2].queued_changes, 0);

    // A fresh launch (a restart) offline still has it, with the visit.
    let relaunched = world.launch();
    relaunched.session.restore().await;
    let again = relaunched.portfolio.rows().await.unwrap();
    assert!(again.from_cache);
    assert_eq!(again.value[1].queued_changes, 1);
    assert_eq!(again.value[1].last_visited, Some(visited));
}

/// A change made in the app to any org makes the remembered portfolio stale: the next read
/// asks the server and shows the new figure.
#[tokio::test(flavor = "multi_thread")]
async fn a_change_to_an_org_makes_the_portfolio_ask_again() {
    let world = World::new().await;
    let app = world.launch();
    let acme = sign_up_with_org(&world, &app, "cy@example.com").await;
    let first = app.portfolio.rows().await.unwrap();
    assert_eq!(first.value[1].org.balance, Some(0));
    let remembered = app.portfolio.rows().await.unwrap();
    assert!(remembered.from_cache, "read again at once: from the store");

    let top_up = TopUpRequest {
        amount: 40,
        payment_reference: None,
    };
    let done = app
        .billing
        .top_up(acme, top_up, "portfolio-top-up".into())
        .await
        .unwrap();
    assert!(matches!(done, Outcome::Applied { .. }));
    let after = app.portfolio.rows().await.unwrap();
    assert!(!after.from_cache, "the top-up made the portfolio stale");
    assert_eq!(after.value[1].org.balance, Some(40));
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_and_never_seen_says_so() {
    let world = World::new().await;
    let app = world.launch();
    sign_up(&app, &world.proxy.url(), "bo@example.com").await;
    go_offline(&world, &app).await;
    let err = ApiError::from(app.portfolio.rows().await.expect_err("never seen"));
    assert_eq!(err.code, ErrorCode::ServerUnreachable);
    assert!(err.message.contains("not been opened"), "{}", err.message);
}
