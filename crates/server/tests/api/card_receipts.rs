//! Receipts of card payments (JSON and PDF, made out to the billing profile as it read
//! when the payment succeeded), who may see and buy what, bad requests, and servers that
//! take no card payments.

use orgdesk_model::OrgId;
use orgdesk_server::cards::{self, CardError};
use orgdesk_server::config::PaymentsConfig;
use orgdesk_server::stripe::Stripe;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::card_fixtures::{buy, card_method, count, save_card};
use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app_with, Backend};
use crate::money::balance;
use crate::stripe_stand_in::spawn_stripe_app;

on_both_backends!(
    a_paid_payment_has_a_receipt_made_out_to_the_profile_of_that_day,
    payments_stay_with_their_org_and_its_owners,
    servers_without_card_payments_refuse_them,
    only_a_card_of_the_orgs_customer_is_saved,
);

async fn a_paid_payment_has_a_receipt_made_out_to_the_profile_of_that_day(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    sqlx::query(
        "INSERT INTO billing_profiles (org_id, company_name, city, postal_code, country, \
         tax_id, updated_at) VALUES ($1, 'Acme GmbH', 'Berlin', '10115', 'DE', 'DE123456789', 0)",
    )
    .bind(&org)
    .execute(&app.db)
    .await
    .unwrap();
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    let paid = expect_json(
        buy(&app, &owner, &org, 1_000, "receipt").await,
        StatusCode::CREATED,
    )
    .await;
    let id = paid["id"].as_str().unwrap();
    sqlx::query("UPDATE billing_profiles SET company_name = 'Renamed Ltd' WHERE org_id = $1")
        .bind(&org)
        .execute(&app.db)
        .await
        .unwrap();
    let receipt = expect_json(
        app.get(&format!("/v1/orgs/{org}/payments/{id}/receipt"), &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(receipt["number"], paid["receipt_number"]);
    assert_eq!(receipt["org_name"], "Acme");
    assert_eq!(receipt["bill_to"]["company_name"], "Acme GmbH", "{receipt}");
    assert_eq!(receipt["bill_to"]["tax_id"], "DE123456789");
    assert_eq!(receipt["payment"]["id"], id);
    assert!(receipt["description"]
        .as_str()
        .unwrap()
        .contains("1,000 credits"));

    let pdf = app
        .get(&format!("/v1/orgs/acme/payments/{id}/receipt.pdf"), &owner)
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("receipt-acme-OD-"));
    let bytes = pdf.bytes().await.unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    for want in [
        "Receipt",
        receipt["number"].as_str().unwrap(),
        "Acme GmbH",
        "10115 Berlin",
        "Tax id: DE123456789",
        "Credit pack: 1,000 credits",
        "10.00 EUR",
        "ending in 4242",
    ] {
        assert!(text.contains(want), "{want:?} missing from {text}");
    }
}

async fn payments_stay_with_their_org_and_its_owners(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    save_card(&app, &stripe, &org, "pm_card_visa").await;
    let paid = expect_json(
        buy(&app, &owner, &org, 1_000, "mine").await,
        StatusCode::CREATED,
    )
    .await;
    let id = paid["id"].as_str().unwrap();
    let bo = app.signup("bo@example.com").await;
    let bobco = app.new_org(&bo.token, "Bobco").await;
    let bobco = bobco["org"]["id"].as_str().unwrap();
    // Another tenant's payment id: through his own org, and through Acme's path.
    for path in [
        format!("/v1/orgs/{bobco}/payments/{id}"),
        format!("/v1/orgs/{bobco}/payments/{id}/receipt"),
        format!("/v1/orgs/{bobco}/payments/{id}/receipt.pdf"),
        format!("/v1/orgs/{org}/payments/{id}"),
        format!("/v1/orgs/{org}/payments/{id}/receipt"),
        format!("/v1/orgs/{org}/payments/not-a-uuid"),
    ] {
        expect_problem(
            app.get(&path, &bo.token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_problem(
        app.get(&format!("/v1/orgs/{org}/payments/not-a-uuid"), &owner)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let listed = expect_json(
        app.get(&format!("/v1/orgs/{bobco}/payments"), &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    // A member sees no payments and buys nothing.
    let cy = app.signup("cy@example.com").await;
    app.add_member(&org, &cy.user_id, "member").await;
    for path in [
        format!("/v1/orgs/{org}/payments"),
        format!("/v1/orgs/{org}/payments/{id}"),
        format!("/v1/orgs/{org}/payments/{id}/receipt"),
        format!("/v1/orgs/{org}/payments/{id}/receipt.pdf"),
    ] {
        expect_problem(
            app.get(&path, &cy.token).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    expect_problem(
        buy(&app, &cy.token, &org, 1_000, "member").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Bad requests.
    let path = format!("/v1/orgs/{org}/payments");
    let send = |body: String, key: Option<&'static str>| {
        let mut request = app
            .request(Method::POST, &path, Some(&owner))
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send()
    };
    let malformed = send("{".to_owned(), Some("bad-1")).await.unwrap();
    expect_problem(malformed, StatusCode::BAD_REQUEST, "malformed_request").await;
    let mistyped = send(r#"{"credits":"many"}"#.to_owned(), Some("bad-2"))
        .await
        .unwrap();
    expect_problem(mistyped, StatusCode::BAD_REQUEST, "malformed_request").await;
    let no_pack = send(r#"{"credits":1234}"#.to_owned(), Some("bad-3"))
        .await
        .unwrap();
    let problem = expect_problem(
        no_pack,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "credits", "{problem}");
    let no_key = send(r#"{"credits":1000}"#.to_owned(), None).await.unwrap();
    expect_problem(no_key, StatusCode::BAD_REQUEST, "idempotency_key_required").await;
    let huge = format!(r#"{{"credits":1000,"pad":"{}"}}"#, "x".repeat(70 * 1024));
    let oversized = send(huge, Some("bad-4")).await.unwrap();
    assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM payments WHERE org_id = $1",
            &org
        )
        .await,
        1
    );
    assert_eq!(balance(&app, &org).await, 1_000);

    // No card: Bo's org must save one first.
    expect_problem(
        buy(&app, &bo.token, bobco, 1_000, "no-card").await,
        StatusCode::CONFLICT,
        "card_required",
    )
    .await;
}

async fn servers_without_card_payments_refuse_them(backend: Backend) {
    for payments in [PaymentsConfig::None, PaymentsConfig::Local] {
        let app = spawn_app_with(backend, |mut config| {
            config.payments = payments;
            config
        })
        .await;
        let (owner, org) = acme(&app).await;
        expect_problem(
            buy(&app, &owner, &org, 1_000, "nope").await,
            StatusCode::CONFLICT,
            "payments_not_configured",
        )
        .await;
        let listed = expect_json(
            app.get(&format!("/v1/orgs/{org}/payments"), &owner).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(listed["items"], json!([]));
        let hook = app
            .request(Method::POST, "/v1/payments/stripe/webhook", None)
            .header("stripe-signature", "t=1,v1=00")
            .body("{}")
            .send()
            .await
            .unwrap();
        expect_problem(hook, StatusCode::CONFLICT, "payments_not_configured").await;
        let unsigned = app
            .request(Method::POST, "/v1/payments/stripe/webhook", None)
            .body("{}")
            .send()
            .await
            .unwrap();
        expect_problem(unsigned, StatusCode::BAD_REQUEST, "malformed_request").await;
        assert_eq!(balance(&app, &org).await, 0);
    }
}

/// `save_card` (the card page's last step) keeps only a card of the org's own customer.
async fn only_a_card_of_the_orgs_customer_is_saved(backend: Backend) {
    let (app, stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    let handle = Stripe::new(stripe.config());
    let org_id: OrgId = org.parse().unwrap();
    let customer = cards::ensure_customer(&app.store, &handle, org_id)
        .await
        .unwrap();
    assert_eq!(
        cards::ensure_customer(&app.store, &handle, org_id)
            .await
            .unwrap(),
        customer,
        "one customer per org"
    );
    // Attached to nobody, then to another customer.
    let loose = card_method(&stripe, "4242424242424242").await;
    let other: serde_json::Value = stripe
        .post("/v1/customers", &[("email", "other@example.com")])
        .await
        .json()
        .await
        .unwrap();
    let theirs = card_method(&stripe, "4242424242424242").await;
    let attached = stripe
        .post(
            &format!("/v1/payment_methods/{theirs}/attach"),
            &[("customer", other["id"].as_str().unwrap())],
        )
        .await;
    assert!(attached.status().is_success());
    for method in [loose, theirs] {
        let refused = cards::save_card(&app.store, &handle, org_id, &method, None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused.domain::<CardError>(),
                Some(CardError::NotTheOrgsCard)
            ),
            "{refused}"
        );
    }
    let mut conn = app.store.pool().acquire().await.unwrap();
    assert!(cards::saved(&mut conn, org_id).await.unwrap().is_none());
    expect_problem(
        buy(&app, &owner, &org, 1_000, "no-card-yet").await,
        StatusCode::CONFLICT,
        "card_required",
    )
    .await;
}
