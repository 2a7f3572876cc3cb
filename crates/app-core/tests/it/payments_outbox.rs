//! A top-up by card asked for offline waits in the outbox under the request id it was
//! asked with: asked again (a retry, after a restart too) it is the same change, never a
//! second payment. (Sending it needs a server that takes cards: `tests/payments.rs`.)

use crate::common;

use common::proxy::Fault;
use common::world::{restore, sign_up_with_org, World};
use orgdesk_app_core::outbox::{Change, Outcome};

#[tokio::test(flavor = "multi_thread")]
async fn a_card_payment_asked_for_offline_is_kept_once_across_retries_and_restarts() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;

    world.proxy.set(Fault::Refuse);
    let mut heard = 0;
    let first = app
        .payments
        .top_up(org, 5_000, "pay-once".into(), |_| heard += 1)
        .await
        .unwrap();
    let Outcome::Queued { change } = first else {
        panic!("offline: queued, not sent")
    };
    assert_eq!(heard, 0, "nothing to follow before the server took it");
    assert_eq!(change.summary, "Buy 5000 credits with the saved card");
    assert!(matches!(&change.change, Change::PayByCard(p) if p.input.credits == 5_000));
    let again = app
        .payments
        .top_up(org, 5_000, "pay-once".into(), |_| {})
        .await
        .unwrap();
    assert!(matches!(again, Outcome::Queued { change: ref c } if c.id == change.id));
    drop(app);

    // Quit and start again, still offline: the same payment waits, once.
    let app = world.launch();
    restore(&app).await;
    let waiting = app.outbox.changes().await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, change.id);
    let retried = app
        .payments
        .top_up(org, 5_000, "pay-once".into(), |_| {})
        .await
        .unwrap();
    assert!(matches!(retried, Outcome::Queued { change: ref c } if c.id == change.id));
    assert_eq!(app.outbox.changes().await.unwrap().len(), 1);

    // Another payment is another change.
    app.payments
        .top_up(org, 1_000, "pay-twice".into(), |_| {})
        .await
        .unwrap();
    assert_eq!(app.outbox.changes().await.unwrap().len(), 2);
}
