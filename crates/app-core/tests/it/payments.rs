//! Card payments through the services against a real server, as the contract of issue 10
//! says every payment mode answers (these run on the built-in `local` mode): billing
//! details are kept and a wrong field named; the payment history is empty; the card page
//! and payments by card are refused as `payments_not_configured`, and such a refusal
//! leaves nothing in the outbox. (A server in `stripe` mode is the end-to-end test's.)

use crate::common;

use common::world::{sign_up_with_org, World};
use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::AppError;
use orgdesk_model::payment::BillingProfile;
use orgdesk_model::{ApiError, ErrorCode};

fn refusal(e: AppError) -> ApiError {
    ApiError::from(e)
}

#[tokio::test(flavor = "multi_thread")]
async fn billing_details_are_kept_and_a_wrong_field_is_named() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;

    let empty = app.payments.profile(org).await.unwrap().value;
    assert_eq!(empty, BillingProfile::default());

    let profile = BillingProfile {
        billing_email: Some("billing@acme.example".into()),
        company_name: Some("Acme GmbH".into()),
        city: Some("Berlin".into()),
        country: Some("DE".into()),
        ..Default::default()
    };
    let Outcome::Applied { value } = app
        .payments
        .set_profile(org, profile.clone())
        .await
        .unwrap()
    else {
        panic!("online: applied at once")
    };
    assert_eq!(value, profile);
    assert_eq!(app.payments.profile(org).await.unwrap().value, profile);

    let wrong = BillingProfile {
        country: Some("Germany".into()),
        ..profile.clone()
    };
    let err = refusal(app.payments.set_profile(org, wrong).await.unwrap_err());
    assert_eq!(err.field.as_deref(), Some("country"), "{err:?}");
    assert!(app.outbox.changes().await.unwrap().is_empty());
    assert_eq!(app.payments.profile(org).await.unwrap().value, profile);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_cards_there_are_no_payments_and_no_card_page() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;

    let page = app.payments.list(org, None).await.unwrap().value;
    assert!(page.items.is_empty() && page.next_cursor.is_none());

    let err = refusal(app.payments.card_setup(org).await.unwrap_err());
    assert_eq!(err.code, ErrorCode::PaymentsNotConfigured);

    let mut heard = 0;
    let err = app
        .payments
        .top_up(org, 5_000, "no-cards-here".into(), |_| heard += 1)
        .await
        .unwrap_err();
    assert_eq!(refusal(err).code, ErrorCode::PaymentsNotConfigured);
    assert_eq!(heard, 0);
    assert!(
        app.outbox.changes().await.unwrap().is_empty(),
        "a refused payment is answered, not kept"
    );
}
