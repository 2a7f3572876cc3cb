//! The owner's plan change. Without card payments it is the plain change of
//! [`crate::billing::service::change_plan`]. With them, a paid plan is a Stripe
//! subscription charged to the saved card (refused at once, with Stripe's reason, when the
//! card is declined); the plan changes when Stripe says the subscription is active. Moving
//! to Free cancels the subscription. Limits are checked before Stripe is asked, so a
//! downgrade that usage blocks charges or cancels nothing.

use orgdesk_model::billing::BillingSummary;
use orgdesk_model::payment::SubscriptionStatus;
use orgdesk_model::{Capability, OrgId, Plan};
use serde::Deserialize;

use crate::auth::Actor;
use crate::billing::{repo, service, BillingError};
use crate::cards::customer_of;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::membership::{self, require, OrgKey, Reader};
use crate::payments::Payments;
use crate::stripe::client::{form, object_id, PaymentIntent};
use crate::stripe::{Stripe, StripeError};
use crate::subscriptions::invoices::{self, StripeInvoice};
use crate::subscriptions::record::{self, StripeSubscription};
use crate::subscriptions::{plans, SubscriptionError};

pub async fn change_plan(
    db: &Db,
    payments: &Payments,
    actor: &Actor,
    org: &OrgKey,
    plan: Plan,
    idempotency_key: Option<&str>,
) -> Result<BillingSummary, AppError> {
    let Ok(stripe) = payments.card_processor() else {
        return service::change_plan(db, payments, actor, org, plan).await;
    };
    let (org_id, current, subscription) = {
        let mut conn = db.pool().acquire().await?;
        let view = membership::find(&mut conn, org, actor.user_id).await?;
        require(&view, Capability::ChangePlan)?;
        let over = service::over_limits(&mut conn, &view.org, plan, now_ms()).await?;
        if !over.is_empty() && plan != view.org.plan {
            return Err(BillingError::PlanDowngradeBlocked(over).into());
        }
        let subscription = record::current(&mut conn, view.org.id)
            .await?
            .filter(|(_, _, status)| *status != SubscriptionStatus::Canceled);
        if subscription
            .as_ref()
            .is_some_and(|(id, ..)| record::is_claim(id))
        {
            return Err(SubscriptionError::InFlight.into());
        }
        (view.org.id, view.org.plan, subscription)
    };
    let key = OrgKey::Id(org_id);
    if plan == Plan::Free {
        if let Some((id, ..)) = &subscription {
            let ended: StripeSubscription = stripe
                .client
                .delete(&format!("/v1/subscriptions/{id}"))
                .await?;
            record::apply(db, org_id, &ended, Some(actor)).await?;
        }
        return service::change_plan(db, payments, actor, &key, plan).await;
    }
    let unchanged = subscription
        .as_ref()
        .is_some_and(|(_, p, s)| *p == plan && *s != SubscriptionStatus::Pending);
    if !(unchanged || (subscription.is_none() && current == plan)) {
        let sub = subscribe(
            db,
            stripe,
            org_id,
            plan,
            subscription.as_ref(),
            idempotency_key,
        )
        .await?;
        record::apply(db, org_id, &sub, Some(actor)).await?;
        // The first period's invoice, paid when the subscription was made, as a payment
        // with its receipt (its event does the same, once).
        if let Some(invoice) = sub.latest_invoice.as_ref().and_then(object_id) {
            let invoice: StripeInvoice = stripe
                .client
                .get(&format!("/v1/invoices/{invoice}"))
                .await?;
            invoices::record(db, stripe, org_id, plan, &invoice).await?;
        }
    }
    service::summary(db, payments.mode(), &Reader::Member(actor.user_id), &key).await
}

/// Creates the org's subscription to `plan`, or moves its live one to `plan`.
async fn subscribe(
    db: &Db,
    stripe: &Stripe,
    org: OrgId,
    plan: Plan,
    live: Option<&(String, Plan, SubscriptionStatus)>,
    idempotency_key: Option<&str>,
) -> Result<StripeSubscription, AppError> {
    let customer = {
        let mut conn = db.pool().acquire().await?;
        if repo::card_on_file(&mut conn, org).await?.is_none() {
            return Err(SubscriptionError::CardRequired.into());
        }
        customer_of(&mut conn, org)
            .await?
            .ok_or(SubscriptionError::CardRequired)?
    };
    let price = plans::price(plan).ok_or(AppError::CorruptRow("paid plan without a price"))?;
    let plan_id = plans::ensure(stripe, &price).await?;
    let metadata = [
        ("metadata[org_id]", org.to_string()),
        ("metadata[plan]", plan.as_str().to_owned()),
    ];
    if let Some((id, ..)) = live {
        let existing: StripeSubscription = stripe
            .client
            .get(&format!("/v1/subscriptions/{id}"))
            .await?;
        let mut fields = form(metadata);
        if let Some(item) = existing.first_item() {
            fields.push(("items[0][id]".to_owned(), item.to_owned()));
        }
        fields.push(("items[0][plan]".to_owned(), plan_id));
        return Ok(stripe
            .client
            .post(&format!("/v1/subscriptions/{id}"), &fields, idempotency_key)
            .await?);
    }
    let mut fields = form(metadata);
    fields.extend(form([
        ("customer", customer),
        ("items[0][plan]", plan_id),
        // A declined first payment is refused at once, with the card's reason, and leaves
        // no subscription behind.
        ("payment_behavior", "error_if_incomplete".to_owned()),
    ]));
    let claim = record::claim(db, org, plan).await?;
    let created = async {
        let created: StripeSubscription = stripe
            .client
            .post("/v1/subscriptions", &fields, idempotency_key)
            .await?;
        if created.status == "incomplete" {
            refuse_if_declined(stripe, &created).await?;
        }
        Ok::<_, AppError>(created)
    }
    .await;
    if created.is_err() {
        record::release(db, org, &claim).await?;
    }
    created
}

#[derive(Debug, Deserialize)]
struct Invoice {
    #[serde(default)]
    payment_intent: Option<serde_json::Value>,
}

/// A subscription left `incomplete` because its first payment was declined (Stripe answers
/// 402 instead, its stand-in an incomplete subscription): ends it and answers the
/// decline with the card's reason.
async fn refuse_if_declined(stripe: &Stripe, sub: &StripeSubscription) -> Result<(), AppError> {
    let Some(invoice) = sub.latest_invoice.as_ref().and_then(object_id) else {
        return Ok(());
    };
    let invoice: Invoice = stripe
        .client
        .get(&format!("/v1/invoices/{invoice}"))
        .await?;
    let Some(intent) = invoice.payment_intent.as_ref().and_then(object_id) else {
        return Ok(());
    };
    let intent: PaymentIntent = stripe
        .client
        .get(&format!("/v1/payment_intents/{intent}"))
        .await?;
    let Some(error) = intent.last_payment_error else {
        return Ok(());
    };
    let _: StripeSubscription = stripe
        .client
        .delete(&format!("/v1/subscriptions/{}", sub.id))
        .await?;
    Err(StripeError::Declined {
        message: error
            .message
            .unwrap_or_else(|| "The card was declined.".to_owned()),
        code: error.code,
        payment_intent: Some(intent.id),
    }
    .into())
}
