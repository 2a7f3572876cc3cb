//! Paid plans as Stripe subscriptions, against localstripe: the plan changes when Stripe
//! says the subscription is active; a declined card changes nothing and says why; a
//! failed renewal shows as past due while the plan stays, and only the end of the
//! subscription moves the org to Free.
//!
//! localstripe sends no event when a renewal fails or a subscription changes state; the
//! tests make the change at the stand-in and then deliver the event, signed, to the
//! webhook themselves (the server reads the subscription back from the stand-in).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::card_fixtures::deliver;
use crate::harness::{expect_json, expect_problem, on_both_backends, Backend, TestApp};
use crate::money::audit_actions;
use crate::stripe_stand_in::{add_card, spawn_stripe_app, LocalStripe};

on_both_backends!(
    a_subscription_moves_the_plan_and_free_ends_it,
    a_paid_plan_needs_a_card_that_pays,
    a_failed_renewal_is_past_due_before_any_downgrade,
    a_burst_of_plan_changes_subscribes_once,
);

async fn put_plan(app: &TestApp, token: &str, plan: &str) -> reqwest::Response {
    app.request(Method::PUT, "/v1/orgs/acme/plan", Some(token))
        .json(&json!({ "plan": plan }))
        .send()
        .await
        .unwrap()
}

/// Ana's org Acme on the Free plan, with a card that pays.
async fn acme_with_card(app: &TestApp, stripe: &LocalStripe, number: &str) -> (String, String) {
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let id = org["org"]["id"].as_str().unwrap().to_owned();
    expect_json(
        add_card(app, stripe, &ana.token, "acme", number).await,
        StatusCode::OK,
    )
    .await;
    (ana.token, id)
}

/// A `customer.subscription.updated` event about `sub` (the server reads `sub` back).
fn subscription_event(id: &str, sub: &str) -> Value {
    json!({
        "id": id,
        "type": "customer.subscription.updated",
        "data": { "object": { "id": sub, "object": "subscription" } },
    })
}

async fn subscription_at_stripe(app: &TestApp, org: &str) -> String {
    let (id,): (String,) =
        sqlx::query_as("SELECT subscription_id FROM subscriptions WHERE org_id = $1")
            .bind(org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    id
}

async fn a_subscription_moves_the_plan_and_free_ends_it(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme_with_card(&app, &stripe, "4242424242424242").await;
    let summary = expect_json(put_plan(&app, &owner, "team").await, StatusCode::OK).await;
    assert_eq!(summary["plan"], "team", "{summary}");
    assert_eq!(summary["subscription"]["status"], "active");
    let sub = subscription_at_stripe(&app, &org).await;
    let at_stripe = stripe.get(&format!("/v1/subscriptions/{sub}")).await;
    assert_eq!(at_stripe["status"], "active");
    assert_eq!(at_stripe["plan"]["amount"], 4900);
    // The first month is a payment with its receipt, once (its invoice's events come too).
    let payments = expect_json(
        app.get("/v1/orgs/acme/payments", &owner).await,
        StatusCode::OK,
    )
    .await;
    let items = payments["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{payments}");
    assert_eq!(items[0]["purpose"], "subscription");
    assert_eq!(items[0]["status"], "succeeded");
    assert_eq!(items[0]["plan"], "team");
    assert_eq!(items[0]["price"], 4900);
    let id = items[0]["id"].as_str().unwrap();
    let receipt = expect_json(
        app.get(&format!("/v1/orgs/acme/payments/{id}/receipt"), &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(receipt["description"], "Orgdesk Team plan: one month");
    assert!(receipt["number"].as_str().unwrap().starts_with("OD-"));
    crate::card_fixtures::delivered(&app, "invoice.payment_succeeded").await;
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payments WHERE org_id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 1, "the invoice's event records no second payment");

    let summary = expect_json(put_plan(&app, &owner, "business").await, StatusCode::OK).await;
    assert_eq!(summary["plan"], "business");
    assert_eq!(
        subscription_at_stripe(&app, &org).await,
        sub,
        "the same subscription moves"
    );
    let at_stripe = stripe.get(&format!("/v1/subscriptions/{sub}")).await;
    assert_eq!(at_stripe["plan"]["amount"], 19900);

    let summary = expect_json(put_plan(&app, &owner, "free").await, StatusCode::OK).await;
    assert_eq!(summary["plan"], "free");
    assert_eq!(summary["subscription"]["status"], "canceled");
    let at_stripe = stripe.get(&format!("/v1/subscriptions/{sub}")).await;
    assert_eq!(at_stripe["status"], "canceled");
    let actions = audit_actions(&app, &org).await;
    let changes = actions.iter().filter(|a| *a == "org.plan_changed").count();
    assert_eq!(changes, 3, "{actions:?}");
    assert!(actions.contains(&"billing.subscription_changed".to_owned()));

    // An event about it, however late or repeated, changes nothing more.
    for _ in 0..2 {
        deliver(&app, &subscription_event("evt_sub_late", &sub)).await;
    }
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["plan"], "free");
    assert_eq!(audit_actions(&app, &org).await.len(), actions.len());
}

async fn a_paid_plan_needs_a_card_that_pays(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let org_id = org["org"]["id"].as_str().unwrap().to_owned();
    expect_problem(
        put_plan(&app, &ana.token, "team").await,
        StatusCode::CONFLICT,
        "card_required",
    )
    .await;

    // A card that saves but whose charges fail.
    expect_json(
        add_card(&app, &stripe, &ana.token, "acme", "4000000000000341").await,
        StatusCode::OK,
    )
    .await;
    let problem = expect_problem(
        put_plan(&app, &ana.token, "team").await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_declined",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("declined"),
        "{problem}"
    );
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["plan"], "free");
    assert_eq!(summary["subscription"], Value::Null);
    assert!(!audit_actions(&app, &org_id)
        .await
        .contains(&"org.plan_changed".to_owned()));

    // Admins and members do not change plans, card or not.
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org_id, &admin.user_id, "admin").await;
    expect_problem(
        put_plan(&app, &admin.token, "team").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn a_failed_renewal_is_past_due_before_any_downgrade(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme_with_card(&app, &stripe, "4242424242424242").await;
    expect_json(put_plan(&app, &owner, "team").await, StatusCode::OK).await;
    let sub = subscription_at_stripe(&app, &org).await;
    // The card on file stops paying; the next period's invoice fails at the stand-in
    // (a change of billing interval makes localstripe bill at once).
    expect_json(
        add_card(&app, &stripe, &owner, "acme", "4000000000000341").await,
        StatusCode::OK,
    )
    .await;
    let yearly = stripe
        .post(
            "/v1/plans",
            &[
                ("id", "yearly-test"),
                ("amount", "49000"),
                ("currency", "eur"),
                ("interval", "year"),
                ("product[name]", "Yearly"),
            ],
        )
        .await;
    assert!(yearly.status().is_success());
    let at_stripe = stripe.get(&format!("/v1/subscriptions/{sub}")).await;
    let item = at_stripe["items"]["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let renewed = stripe
        .post(
            &format!("/v1/subscriptions/{sub}"),
            &[
                ("items[0][id]", item.as_str()),
                ("items[0][plan]", "yearly-test"),
            ],
        )
        .await;
    assert!(renewed.status().is_success());
    assert_eq!(
        stripe.get(&format!("/v1/subscriptions/{sub}")).await["status"],
        "past_due"
    );

    // Delivered twice (another event id each time): one past-due mark.
    deliver(&app, &subscription_event("evt_past_due_1", &sub)).await;
    deliver(&app, &subscription_event("evt_past_due_2", &sub)).await;
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["plan"], "team", "past due keeps the plan for now");
    assert_eq!(summary["subscription"]["status"], "past_due");
    assert!(summary["subscription"]["past_due_since"].is_string());
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "billing.past_due").count(),
        1,
        "{actions:?}"
    );

    // The renewal's invoice event records the failed payment with the card's reason.
    let invoice = stripe.get(&format!("/v1/subscriptions/{sub}")).await["latest_invoice"]
        .as_str()
        .unwrap()
        .to_owned();
    deliver(
        &app,
        &json!({
            "id": "evt_renewal_failed",
            "type": "invoice.payment_failed",
            "data": { "object": { "id": invoice, "object": "invoice" } },
        }),
    )
    .await;
    let payments = expect_json(
        app.get("/v1/orgs/acme/payments", &owner).await,
        StatusCode::OK,
    )
    .await;
    let failed: Vec<&Value> = payments["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{payments}");
    assert!(
        failed[0]["failure_message"]
            .as_str()
            .unwrap()
            .contains("declined"),
        "{payments}"
    );

    // Stripe gives up and ends the subscription: the org falls back to Free.
    let ended = stripe
        .http_delete(&format!("/v1/subscriptions/{sub}"))
        .await;
    assert!(ended.status().is_success());
    deliver(&app, &subscription_event("evt_ended", &sub)).await;
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["plan"], "free");
    assert_eq!(summary["subscription"]["status"], "canceled");
    assert_eq!(summary["subscription"]["past_due_since"], Value::Null);
}

async fn a_burst_of_plan_changes_subscribes_once(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme_with_card(&app, &stripe, "4242424242424242").await;
    let answers = futures::future::join_all((0..12).map(|_| put_plan(&app, &owner, "team"))).await;
    let mut ok = 0;
    for answer in answers {
        match answer.status() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                expect_problem(answer, StatusCode::CONFLICT, "invalid_state").await;
            }
            other => panic!("unexpected {other}: {}", answer.text().await.unwrap()),
        }
    }
    assert!(ok >= 1);
    let (customer,): (String,) =
        sqlx::query_as("SELECT customer_id FROM stripe_customers WHERE org_id = $1")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let subs = stripe
        .get(&format!("/v1/subscriptions?customer={customer}&status=all"))
        .await;
    assert_eq!(
        subs["data"].as_array().unwrap().len(),
        1,
        "one subscription: {subs}"
    );
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["plan"], "team");
    assert_eq!(summary["subscription"]["status"], "active");
}
