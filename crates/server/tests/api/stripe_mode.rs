//! A server in `stripe` payment mode, against localstripe: it says so, and the recorded
//! top-up of `local` mode is refused there (credits come only from card payments).

use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, Backend};
use crate::money::balance;
use crate::stripe_stand_in::spawn_stripe_app;

on_both_backends!(a_stripe_server_sells_credits_only_by_card);

async fn a_stripe_server_sells_credits_only_by_card(backend: Backend) {
    let (app, _stripe) = spawn_stripe_app(backend).await;
    let (owner, org) = acme(&app).await;
    let summary = expect_json(
        app.get("/v1/orgs/acme/billing", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(summary["payment_mode"], "stripe");
    let refused = app
        .post_json(
            "/v1/orgs/acme/credits/top-ups",
            Some(&owner),
            &json!({ "amount": 1000, "payment_reference": "trust me" }),
        )
        .await;
    let problem = expect_problem(refused, StatusCode::CONFLICT, "card_required").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("by card"),
        "{problem}"
    );
    assert_eq!(balance(&app, &org).await, 0);
    let rates = expect_json(app.get("/v1/rates", &owner).await, StatusCode::OK).await;
    assert!(
        !rates["credit_packs"].as_array().unwrap().is_empty(),
        "{rates}"
    );
}
