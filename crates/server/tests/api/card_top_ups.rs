//! Card top-ups against localstripe: credited exactly once (by the answer, the webhook,
//! a re-sent webhook and a read alike), declines with Stripe's reason and no credits, one
//! charge for a burst of requests with one key, a processor that cannot be reached or
//! loses its answer, and a pending payment settled by reading it.

use reqwest::StatusCode;

use crate::card_fixtures::{
    balance_becomes, buy, card_method, count, deliver, delivered, event, payment, payment_intents,
    save_card, spawn_stripe_app_behind_proxy, DOWN, LOSES_ANSWERS, UP,
};
use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, Backend};
use crate::money::{assert_ledger_consistent, audit_actions, balance};
use crate::stripe_stand_in::spawn_stripe_app;

const TOP_UPS: &str = "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'top_up'";

fn occurrences(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

on_both_backends!(
    a_top_up_is_credited_once_however_often_stripe_says_so,
    a_declined_card_leaves_the_balance_and_shows_the_reason,
    a_burst_with_one_key_makes_one_payment_intent,
    an_unreachable_processor_keeps_the_payment_pending_and_a_retry_continues_it,
    a_lost_answer_is_settled_by_the_webhook_and_the_retry_charges_nothing_more,
    a_pending_payment_read_back_is_settled_once,
);

async fn a_top_up_is_credited_once_however_often_stripe_says_so(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    let paid = expect_json(
        buy(&app, &owner, &org, 5_000, "pack-1").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(paid["status"], "succeeded", "{paid}");
    assert_eq!(paid["credits"], 5_000);
    assert_eq!(paid["price"], 4_500);
    assert_eq!(paid["currency"], "eur");
    assert_eq!(paid["card"]["last4"], "4242");
    let number = paid["receipt_number"].as_str().unwrap();
    assert!(
        number.starts_with("OD-20") && number.ends_with("-000001"),
        "{number}"
    );
    assert_eq!(balance(&app, &org).await, 5_000);

    // localstripe's own delivery, then the same signed event twice more.
    let id = delivered(&app, "payment_intent.succeeded").await;
    let sent = event(&stripe, &id).await;
    assert_eq!(sent["type"], "payment_intent.succeeded");
    deliver(&app, &sent).await;
    deliver(&app, &sent).await;
    // A new event id about the same PaymentIntent reaches `settle`, which finds it paid.
    let mut again = sent.clone();
    again["id"] = "evt_orgdesk_again".into();
    deliver(&app, &again).await;
    let id = paid["id"].as_str().unwrap();
    let read = payment(&app, &owner, &org, id).await;
    assert_eq!(read["status"], "succeeded");
    assert_eq!(read["receipt_number"], paid["receipt_number"]);

    assert_eq!(balance(&app, &org).await, 5_000);
    assert_eq!(count(&app, TOP_UPS, &org).await, 1);
    assert_ledger_consistent(&app, &org).await;
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        occurrences(&actions, "billing.payment_succeeded"),
        1,
        "{actions:?}"
    );
    assert_eq!(
        occurrences(&actions, "billing.card_saved"),
        1,
        "{actions:?}"
    );
    let entry: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT reference, user_id FROM ledger_entries WHERE org_id = $1 AND kind = 'top_up'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(entry.0.as_deref(), Some(number));
    assert!(entry.1.is_some(), "the buyer is on the entry");

    // The same key again answers the same payment; a new key buys again.
    let replay = expect_json(
        buy(&app, &owner, &org, 5_000, "pack-1").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(replay["id"], paid["id"]);
    let second = expect_json(
        buy(&app, &owner, &org, 1_000, "pack-2").await,
        StatusCode::CREATED,
    )
    .await;
    assert!(second["receipt_number"]
        .as_str()
        .unwrap()
        .ends_with("-000002"));
    assert_eq!(balance(&app, &org).await, 6_000);
    assert_eq!(payment_intents(&stripe).await.len(), 2);
    let list = expect_json(
        app.get(&format!("/v1/orgs/{org}/payments?limit=1"), &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"][0]["id"], second["id"], "newest first");
    let cursor = list["next_cursor"].as_str().unwrap();
    let rest = expect_json(
        app.get(
            &format!("/v1/orgs/{org}/payments?limit=1&cursor={cursor}"),
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"][0]["id"], paid["id"]);
    assert!(rest["next_cursor"].is_null());
}

async fn a_declined_card_leaves_the_balance_and_shows_the_reason(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_chargeCustomerFail").await;
    let refused = buy(&app, &owner, &org, 1_000, "declined-1").await;
    let problem = expect_problem(refused, StatusCode::PAYMENT_REQUIRED, "payment_declined").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Your card was declined."),
        "{problem}"
    );
    let list = expect_json(
        app.get(&format!("/v1/orgs/{org}/payments"), &owner).await,
        StatusCode::OK,
    )
    .await;
    let failed = &list["items"][0];
    assert_eq!(failed["status"], "failed", "{list}");
    assert_eq!(failed["failure_message"], "Your card was declined.");
    assert!(failed["receipt_number"].is_null());
    let receipt = app
        .get(
            &format!(
                "/v1/orgs/{org}/payments/{}/receipt",
                failed["id"].as_str().unwrap()
            ),
            &owner,
        )
        .await;
    expect_problem(receipt, StatusCode::CONFLICT, "invalid_state").await;

    // localstripe's payment_failed event changes nothing more.
    delivered(&app, "payment_intent.payment_failed").await;
    let read = payment(&app, &owner, &org, failed["id"].as_str().unwrap()).await;
    assert_eq!(read["status"], "failed");
    assert_eq!(balance(&app, &org).await, 0);
    assert_eq!(count(&app, TOP_UPS, &org).await, 0);
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        occurrences(&actions, "billing.payment_failed"),
        1,
        "{actions:?}"
    );
    assert_eq!(occurrences(&actions, "billing.payment_succeeded"), 0);
}

async fn a_burst_with_one_key_makes_one_payment_intent(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    let burst = (0..20).map(|_| buy(&app, &owner, &org, 1_000, "one-key"));
    let answers = futures::future::join_all(burst).await;
    let mut ids = std::collections::BTreeSet::new();
    for answer in answers {
        match answer.status() {
            StatusCode::CREATED => {
                let body: serde_json::Value = answer.json().await.unwrap();
                ids.insert(body["id"].as_str().unwrap().to_owned());
            }
            StatusCode::CONFLICT => {
                expect_problem(answer, StatusCode::CONFLICT, "idempotency_key_in_flight").await;
            }
            other => panic!("unexpected {other}: {}", answer.text().await.unwrap()),
        }
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(payment_intents(&stripe).await.len(), 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM payments WHERE org_id = $1",
            &org
        )
        .await,
        1
    );
    delivered(&app, "payment_intent.succeeded").await;
    assert_eq!(balance(&app, &org).await, 1_000);
    assert_eq!(count(&app, TOP_UPS, &org).await, 1);
}

async fn an_unreachable_processor_keeps_the_payment_pending_and_a_retry_continues_it(
    backend: Backend,
) {
    let (app, stripe, proxy) = spawn_stripe_app_behind_proxy(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    proxy.set(DOWN);
    let refused = buy(&app, &owner, &org, 1_000, "while-down").await;
    expect_problem(
        refused,
        StatusCode::BAD_GATEWAY,
        "payment_processor_unavailable",
    )
    .await;
    let list = expect_json(
        app.get(&format!("/v1/orgs/{org}/payments"), &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"][0]["status"], "pending", "{list}");
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    // Reading it while Stripe is down answers it as stored.
    assert_eq!(payment(&app, &owner, &org, &id).await["status"], "pending");
    assert!(payment_intents(&stripe).await.is_empty());
    assert_eq!(balance(&app, &org).await, 0);

    proxy.set(UP);
    let paid = expect_json(
        buy(&app, &owner, &org, 1_000, "while-down").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(paid["id"], id.as_str(), "the same payment, continued");
    assert_eq!(paid["status"], "succeeded");
    assert_eq!(payment_intents(&stripe).await.len(), 1);
    // Another pack under the same key is another request.
    let reused = buy(&app, &owner, &org, 5_000, "while-down").await;
    expect_problem(
        reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    delivered(&app, "payment_intent.succeeded").await;
    assert_eq!(balance(&app, &org).await, 1_000);
    assert_eq!(count(&app, TOP_UPS, &org).await, 1);
}

async fn a_lost_answer_is_settled_by_the_webhook_and_the_retry_charges_nothing_more(
    backend: Backend,
) {
    let (app, stripe, proxy) = spawn_stripe_app_behind_proxy(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    proxy.set(LOSES_ANSWERS);
    let lost = buy(&app, &owner, &org, 1_000, "lost").await;
    expect_problem(
        lost,
        StatusCode::BAD_GATEWAY,
        "payment_processor_unavailable",
    )
    .await;
    assert_eq!(payment_intents(&stripe).await.len(), 1, "Stripe did charge");
    // The webhook names our payment in its metadata: it is settled by reading it back
    // (through the proxy, now answering again).
    proxy.set(UP);
    delivered(&app, "payment_intent.succeeded").await;
    balance_becomes(&app, &org, 1_000).await;
    let again = expect_json(
        buy(&app, &owner, &org, 1_000, "lost").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(again["status"], "succeeded");
    assert_eq!(payment_intents(&stripe).await.len(), 1, "no second charge");
    assert_eq!(balance(&app, &org).await, 1_000);
    assert_eq!(count(&app, TOP_UPS, &org).await, 1);
}

/// A payment Stripe has not finished (the card needs authentication) stays pending; once
/// it succeeds, reading it settles it, once, without any webhook.
async fn a_pending_payment_read_back_is_settled_once(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    // No deliveries reach the server in this test.
    stripe
        .deliver_webhooks_to("http://127.0.0.1:9/nowhere")
        .await;
    let (owner, org) = acme(&app).await;
    let method = card_method(&stripe, "4000002500003155").await;
    save_card(&app, &stripe, &org, &method).await;
    let pending = expect_json(
        buy(&app, &owner, &org, 1_000, "needs-3ds").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(pending["status"], "pending", "{pending}");
    let id = pending["id"].as_str().unwrap();
    assert_eq!(payment(&app, &owner, &org, id).await["status"], "pending");
    let expect_no_receipt = app
        .get(&format!("/v1/orgs/{org}/payments/{id}/receipt.pdf"), &owner)
        .await;
    expect_problem(expect_no_receipt, StatusCode::CONFLICT, "invalid_state").await;
    assert_eq!(balance(&app, &org).await, 0);

    let intents = payment_intents(&stripe).await;
    assert_eq!(intents.len(), 1);
    let intent = &intents[0];
    let authenticated = stripe
        .post(
            &format!(
                "/v1/payment_intents/{}/_authenticate",
                intent["id"].as_str().unwrap()
            ),
            &[
                ("client_secret", intent["client_secret"].as_str().unwrap()),
                ("success", "true"),
            ],
        )
        .await;
    assert!(authenticated.status().is_success());

    let (a, b) = tokio::join!(
        payment(&app, &owner, &org, id),
        payment(&app, &owner, &org, id)
    );
    assert_eq!(a["status"], "succeeded", "{a}");
    assert_eq!(b["status"], "succeeded", "{b}");
    assert_eq!(payment(&app, &owner, &org, id).await["status"], "succeeded");
    assert_eq!(balance(&app, &org).await, 1_000);
    assert_eq!(count(&app, TOP_UPS, &org).await, 1);
    let actions = audit_actions(&app, &org).await;
    assert_eq!(occurrences(&actions, "billing.payment_succeeded"), 1);
}
