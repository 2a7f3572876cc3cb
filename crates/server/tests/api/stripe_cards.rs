//! Saving a card through the card page against localstripe: the page hands the card to the
//! stand-in (never to us), the server reads the SetupIntent back and keeps only brand,
//! last four digits and expiry; a declined card is not saved; pages are closed to anyone
//! but the holder of a fresh link.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};
use crate::money::audit_actions;
use crate::stripe_stand_in::{add_card, page_config, spawn_stripe_app};

on_both_backends!(
    an_owner_saves_and_replaces_the_card_through_the_card_page,
    a_declined_card_is_not_saved,
    card_pages_are_closed_to_others,
);

async fn an_owner_saves_and_replaces_the_card_through_the_card_page(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    let saved = expect_json(
        add_card(&app, &stripe, &owner, "acme", "4242424242424242").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved["last4"], "4242");
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        summary["card"],
        json!({ "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030 })
    );
    // The org's customer at the stand-in has it as the default for invoices.
    let (customer,): (String,) =
        sqlx::query_as("SELECT customer_id FROM stripe_customers WHERE org_id = $1")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let at_stripe = stripe.get(&format!("/v1/customers/{customer}")).await;
    let default = at_stripe["invoice_settings"]["default_payment_method"].clone();
    assert!(
        default.as_str().is_some_and(|pm| pm.starts_with("pm_")),
        "{at_stripe}"
    );

    // The billing profile follows the customer to Stripe (its receipts go there).
    let profile = app
        .request(reqwest::Method::PUT, "/v1/orgs/acme/billing/profile", Some(&owner))
        .json(&json!({ "billing_email": "books@acme.example", "company_name": "Acme GmbH", "country": "DE" }))
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), StatusCode::OK);
    let at_stripe = stripe.get(&format!("/v1/customers/{customer}")).await;
    assert_eq!(at_stripe["email"], "books@acme.example");
    assert_eq!(at_stripe["name"], "Acme GmbH");
    assert_eq!(at_stripe["address"]["country"], "DE");

    // An admin replaces it; the same customer is used.
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    expect_json(
        add_card(&app, &stripe, &admin.token, "acme", "5555555555554444").await,
        StatusCode::OK,
    )
    .await;
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["card"]["last4"], "4444");
    let customers: Vec<(String,)> = sqlx::query_as("SELECT customer_id FROM stripe_customers")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(customers.len(), 1);
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "billing.card_saved")
            .count(),
        2,
        "{actions:?}"
    );
    // No card number and no client secret is stored anywhere.
    let (setups,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM card_setups WHERE completed_at IS NOT NULL")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(setups, 2);
}

async fn a_declined_card_is_not_saved(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    let setup = expect_json(
        app.post("/v1/orgs/acme/billing/card", &owner).await,
        StatusCode::CREATED,
    )
    .await;
    let url = setup["url"].as_str().unwrap();
    let html = app
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let refused = stripe
        .confirm_card_setup(&page_config(&html), "4000000000000002")
        .await;
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Your card was declined.");
    let complete = app
        .client
        .post(format!("{url}/complete"))
        .send()
        .await
        .unwrap();
    expect_problem(complete, StatusCode::CONFLICT, "invalid_state").await;
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["card"], Value::Null);
    assert!(!audit_actions(&app, &org)
        .await
        .contains(&"billing.card_saved".to_owned()));
}

async fn card_pages_are_closed_to_others(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let owner = app.signup_named("ana@example.com", "Ana").await;
    let org = app.new_org(&owner.token, "Acme <b>&</b>").await;
    let org_id = org["org"]["id"].as_str().unwrap().to_owned();
    let slug = org["org"]["slug"].as_str().unwrap().to_owned();
    let member = app.signup("member@example.com").await;
    app.add_member(&org_id, &member.user_id, "member").await;
    let path = format!("/v1/orgs/{slug}/billing/card");
    expect_problem(
        app.post(&path, &member.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let stranger = app.signup("eve@example.com").await;
    for target in [slug.as_str(), org_id.as_str()] {
        let path = format!("/v1/orgs/{target}/billing/card");
        expect_problem(
            app.post(&path, &stranger.token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }

    let setup = expect_json(app.post(&path, &owner.token).await, StatusCode::CREATED).await;
    let url = setup["url"].as_str().unwrap().to_owned();
    let page = app.client.get(&url).send().await.unwrap();
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'none'"),
        "{policy}"
    );
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Acme &lt;b&gt;&amp;&lt;/b&gt;") && !html.contains("<b>&</b>"),
        "{html}"
    );
    assert!(html.contains(&format!("{}/js.stripe.com/v3/", stripe.base)));

    // Another token, a guessed one, and an expired one open nothing.
    for bad in [
        format!("{}/pay/card/not-a-token", app.base),
        format!("{url}x"),
    ] {
        let page = app.client.get(&bad).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        assert!(page.text().await.unwrap().contains("expired"));
        let complete = app
            .client
            .post(format!("{bad}/complete"))
            .send()
            .await
            .unwrap();
        expect_problem(complete, StatusCode::NOT_FOUND, "not_found").await;
    }
    sqlx::query("UPDATE card_setups SET expires_at = 0")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Servers without card payments hand out no card page.
    for configure in [false, true] {
        let other = if configure {
            crate::harness::spawn_app_with(backend, |c| orgdesk_server::Config {
                payments: orgdesk_server::config::PaymentsConfig::None,
                ..c
            })
            .await
        } else {
            spawn_app(backend).await
        };
        let (token, _) = acme(&other).await;
        expect_problem(
            other.post("/v1/orgs/acme/billing/card", &token).await,
            StatusCode::CONFLICT,
            "payments_not_configured",
        )
        .await;
    }
}
