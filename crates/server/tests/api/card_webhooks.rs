//! Stripe's webhook: forged, stale and unsigned deliveries refused with nothing written;
//! events of other types acknowledged; refunds taken back once per refunded amount, read
//! back from Stripe whatever the event claims, with what the balance cannot cover owed.

use orgdesk_model::billing::LedgerKind;
use orgdesk_server::ledger::{self, Posting};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::card_fixtures::{
    buy, count, deliver, delivered, now_secs, payment, post_webhook, save_card, signed,
    spawn_stripe_app_behind_proxy, DOWN, UP,
};
use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, Backend};
use crate::money::{assert_ledger_consistent, audit_actions, balance};
use crate::stripe_stand_in::{spawn_stripe_app, WEBHOOK_SECRET};

const EVENTS: &str = "SELECT COUNT(*) FROM stripe_events WHERE id LIKE $1";
const ADJUSTMENTS: &str =
    "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'adjustment' \
     AND reference IS NOT NULL";

on_both_backends!(
    forged_stale_and_unsigned_deliveries_are_refused,
    a_refund_is_taken_back_once_and_what_the_balance_lacks_is_owed,
    an_event_that_cannot_be_read_back_is_handled_on_its_next_delivery,
);

async fn forged_stale_and_unsigned_deliveries_are_refused(backend: Backend) {
    let (app, _stripe) = spawn_stripe_app(backend).await;
    let (_owner, org) = acme(&app).await;
    let body = json!({
        "id": "evt_forged_1",
        "type": "payment_intent.succeeded",
        "data": { "object": { "id": "pi_forged", "status": "succeeded", "amount": 100000 } },
    })
    .to_string();
    let now = now_secs();
    let cases = [
        ("unsigned", None),
        ("malformed", Some("garbage".to_owned())),
        ("no v1", Some(format!("t={now}"))),
        ("forged", Some(signed("whsec_attacker", now, &body))),
        ("stale", Some(signed(WEBHOOK_SECRET, now - 600, &body))),
        (
            "another body's",
            Some(signed(WEBHOOK_SECRET, now, r#"{"id":"evt_other"}"#)),
        ),
    ];
    for (what, header) in cases {
        let refused = post_webhook(&app, &body, header.as_deref()).await;
        let problem = expect_problem(refused, StatusCode::BAD_REQUEST, "malformed_request").await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("Stripe-Signature"),
            "{what}: {problem}"
        );
    }
    // Signed, but not an event.
    let not_event = r#"{"hello":"world"}"#;
    let refused = post_webhook(
        &app,
        not_event,
        Some(&signed(WEBHOOK_SECRET, now, not_event)),
    )
    .await;
    expect_problem(refused, StatusCode::BAD_REQUEST, "malformed_request").await;
    assert_eq!(count(&app, EVENTS, "evt_%").await, 0, "nothing recorded");
    assert_eq!(balance(&app, &org).await, 0);

    // An oversized delivery is refused before it is read.
    let huge = format!(r#"{{"id":"evt_huge","pad":"{}"}}"#, "x".repeat(70 * 1024));
    let refused = post_webhook(&app, &huge, Some(&signed(WEBHOOK_SECRET, now, &huge))).await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A signed event of a type the server does not act on is acknowledged and recorded.
    let other = json!({
        "id": "evt_other_type",
        "type": "customer.created",
        "data": { "object": { "id": "cus_123" } },
    });
    deliver(&app, &other).await;
    deliver(&app, &other).await;
    assert_eq!(count(&app, EVENTS, "evt_other_type").await, 1);
}

/// The charge of the payment `id`, as localstripe holds it.
async fn charge_of(
    app: &crate::harness::TestApp,
    stripe: &crate::stripe_stand_in::LocalStripe,
    id: &str,
) -> String {
    let (intent,): (String,) = sqlx::query_as("SELECT processor_id FROM payments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let intent = stripe.get(&format!("/v1/payment_intents/{intent}")).await;
    match &intent["latest_charge"] {
        Value::String(id) => id.clone(),
        object => object["id"].as_str().unwrap().to_owned(),
    }
}

async fn refund_in_stripe(stripe: &crate::stripe_stand_in::LocalStripe, charge: &str, amount: i64) {
    let refunded = stripe
        .post(
            "/v1/refunds",
            &[("charge", charge), ("amount", &amount.to_string())],
        )
        .await;
    assert!(refunded.status().is_success(), "{}", refunded.status());
}

/// A `charge.refunded` event about `charge` whose payload lies about the amount.
fn refunded_event(id: &str, charge: &str) -> Value {
    json!({
        "id": id,
        "type": "charge.refunded",
        "data": { "object": { "id": charge, "object": "charge", "amount_refunded": 999_999 } },
    })
}

async fn a_refund_is_taken_back_once_and_what_the_balance_lacks_is_owed(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    let paid = expect_json(
        buy(&app, &owner, &org, 1_000, "to-refund").await,
        StatusCode::CREATED,
    )
    .await;
    let id = paid["id"].as_str().unwrap();
    delivered(&app, "payment_intent.succeeded").await;
    let charge = charge_of(&app, &stripe, id).await;

    // A quarter refunded: a quarter of the credits taken back, once.
    refund_in_stripe(&stripe, &charge, 250).await;
    deliver(&app, &refunded_event("evt_refund_a", &charge)).await;
    deliver(&app, &refunded_event("evt_refund_a", &charge)).await;
    deliver(&app, &refunded_event("evt_refund_b", &charge)).await;
    assert_eq!(balance(&app, &org).await, 750);
    assert_eq!(count(&app, ADJUSTMENTS, &org).await, 1);
    let read = payment(&app, &owner, &org, id).await;
    assert_eq!(read["status"], "partially_refunded");
    assert_eq!(read["refunded_credits"], 250);

    // Most of the rest is spent; the rest of the price is refunded: the balance covers 50.
    let mut tx = app.store.write().await.unwrap();
    let spend = Posting::new(LedgerKind::Adjustment, -700, "spent meanwhile");
    ledger::post(
        &mut tx,
        org.parse().unwrap(),
        &spend,
        chrono::Utc::now().timestamp_millis(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    refund_in_stripe(&stripe, &charge, 750).await;
    deliver(&app, &refunded_event("evt_refund_c", &charge)).await;
    deliver(&app, &refunded_event("evt_refund_d", &charge)).await;
    assert_eq!(balance(&app, &org).await, 0);
    assert_eq!(count(&app, ADJUSTMENTS, &org).await, 2);
    let (owed,): (i64,) = sqlx::query_as("SELECT credits_owed FROM orgs WHERE id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(owed, 700);
    let summary = expect_json(
        app.get(&format!("/v1/orgs/{org}/billing"), &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        summary["credits_owed"], 700,
        "the billing summary shows what is owed"
    );
    let read = payment(&app, &owner, &org, id).await;
    assert_eq!(read["status"], "refunded");
    assert_eq!(read["refunded_credits"], 1_000);
    assert_ledger_consistent(&app, &org).await;
    let actions = audit_actions(&app, &org).await;
    let refunds = actions
        .iter()
        .filter(|a| *a == "billing.payment_refunded")
        .count();
    assert_eq!(refunds, 2, "{actions:?}");
}

/// An event whose object cannot be read back (Stripe unreachable) is answered 502 and not
/// recorded, so Stripe's next delivery of it is handled.
async fn an_event_that_cannot_be_read_back_is_handled_on_its_next_delivery(backend: Backend) {
    let (app, stripe, proxy) = spawn_stripe_app_behind_proxy(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    let paid = expect_json(
        buy(&app, &owner, &org, 1_000, "refund-later").await,
        StatusCode::CREATED,
    )
    .await;
    let charge = charge_of(&app, &stripe, paid["id"].as_str().unwrap()).await;
    refund_in_stripe(&stripe, &charge, 1_000).await;
    let event = refunded_event("evt_refund_while_down", &charge);
    let body = event.to_string();

    proxy.set(DOWN);
    let failed = post_webhook(
        &app,
        &body,
        Some(&signed(WEBHOOK_SECRET, now_secs(), &body)),
    )
    .await;
    expect_problem(
        failed,
        StatusCode::BAD_GATEWAY,
        "payment_processor_unavailable",
    )
    .await;
    assert_eq!(count(&app, EVENTS, "evt_refund_while_down").await, 0);
    assert_eq!(balance(&app, &org).await, 1_000);

    proxy.set(UP);
    deliver(&app, &event).await;
    assert_eq!(count(&app, EVENTS, "evt_refund_while_down").await, 1);
    assert_eq!(balance(&app, &org).await, 0);
    let read = payment(&app, &owner, &org, paid["id"].as_str().unwrap()).await;
    assert_eq!(read["status"], "refunded");
}
