//! `POST /v1/orgs/{org}/payments`: buying a credit pack with the org's saved card.
//!
//! # One charge per Idempotency-Key
//!
//! The payment row is claimed *before* Stripe is called: `payments` is unique on
//! `(org_id, idempotency_key)` (the key stored with its caller's scope, `user:<id>/<key>`),
//! so however many requests carry one key, there is one row, and only a row without a
//! PaymentIntent is ever sent to Stripe. Concurrent requests with one key do not both get
//! that far: the idempotency layer answers all but the first 409
//! `idempotency_key_in_flight` while it runs, and replays its answer afterwards.
//!
//! The PaymentIntent is created and confirmed off-session in one call, with the metadata
//! `org_id` and `payment_id` and the Stripe `Idempotency-Key` `orgdesk-payment-<payment
//! id>` (one per row, so a retry of the row is deduplicated by Stripe too). Its answer:
//!
//! * **succeeded**: settled at once ([`settle::settle`], which reads it back); 201 with the
//!   succeeded payment. The webhook that follows finds it settled and does nothing.
//! * **processing**: 201 with the pending payment; the webhook or a read settles it.
//! * **declined** (402 from Stripe): the row moves to `failed` with Stripe's reason, audit
//!   `billing.payment_failed`, and the caller gets 402 `payment_declined` with the reason.
//!   No credits.
//! * **unavailable** (unreachable, 5xx, timeout): logged; the row stays `pending` with no
//!   PaymentIntent and the caller gets 502 `payment_processor_unavailable`. A 5xx is not
//!   kept by the idempotency layer, so a retry with the same key runs again, finds the
//!   row and sends it again under the same Stripe Idempotency-Key: if the first call did
//!   reach Stripe, Stripe answers with that PaymentIntent instead of charging twice.

use orgdesk_model::payment::{CreditPack, Payment, PaymentRequest, PaymentStatus};
use orgdesk_model::{Capability, FieldError, OrgId, PaymentId};

use crate::auth::Actor;
use crate::billing::format_credits;
use crate::billing::rates::{credit_pack, credit_packs};
use crate::card_payments::repo::{self, PaymentRow};
use crate::card_payments::settle;
use crate::cards::{self, CardError, SavedCard};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::idempotency::{Idempotency, IdempotencyError};
use crate::membership::{self, require, OrgKey};
use crate::payments::Payments;
use crate::stripe::client::{form, PaymentIntent, StripeError};
use crate::stripe::Stripe;

fn pack_of(req: &PaymentRequest) -> Result<CreditPack, AppError> {
    credit_pack(req.credits).ok_or_else(|| {
        let packs: Vec<String> = credit_packs()
            .iter()
            .map(|p| format_credits(p.credits))
            .collect();
        AppError::Validation(vec![FieldError {
            field: "credits".to_owned(),
            message: format!(
                "Pick one of the credit packs: {} credits.",
                packs.join(", ")
            ),
        }])
    })
}

/// Buys the pack `req` names with the org's saved card, once per Idempotency-Key: the
/// caller's permission first, then the server's mode, then the pack.
pub async fn buy(
    db: &Db,
    payments: &Payments,
    actor: &Actor,
    org: &OrgKey,
    req: &PaymentRequest,
    idempotency: &Idempotency,
) -> Result<Payment, AppError> {
    let org_id = {
        let mut conn = db.pool().acquire().await?;
        let view = membership::find(&mut conn, org, actor.user_id).await?;
        require(&view, Capability::TopUp)?;
        view.org.id
    };
    let stripe = payments.card_processor().map_err(CardError::from)?;
    let pack = pack_of(req)?;
    let key = format!("{}/{}", idempotency.scope, idempotency.key);
    let (row, card) = claim(db, actor, org_id, &pack, &key).await?;
    if row.credits != pack.credits {
        return Err(IdempotencyError::Reused.into());
    }
    match (row.status()?, &row.processor_id) {
        (PaymentStatus::Pending, None) => {
            let card = match card {
                Some(card) => card,
                None => saved_card(db, org_id).await?,
            };
            charge(db, stripe, actor, &row, &card).await
        }
        (PaymentStatus::Pending, Some(intent)) => {
            settle::settle(db, stripe, intent).await?;
            reread(db, &row).await
        }
        (PaymentStatus::Failed, _) => {
            Err(CardError::Declined(row.failure_message.clone().unwrap_or_default()).into())
        }
        _ => row.to_payment(),
    }
}

async fn saved_card(db: &Db, org: OrgId) -> Result<SavedCard, AppError> {
    let mut conn = db.pool().acquire().await?;
    Ok(cards::saved(&mut conn, org)
        .await?
        .ok_or(CardError::CardRequired)?)
}

/// The payment of `key`: the one already started with it, or a new pending one (which
/// needs a saved card), claimed under the org's lock.
async fn claim(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    pack: &CreditPack,
    key: &str,
) -> Result<(PaymentRow, Option<SavedCard>), AppError> {
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, &OrgKey::Id(org), actor.user_id).await?;
    require(&view, Capability::TopUp)?;
    if let Some(row) = repo::by_key(&mut tx, org, key).await? {
        return Ok((row, None));
    }
    let card = cards::saved(&mut tx, org)
        .await?
        .ok_or(CardError::CardRequired)?;
    let id = PaymentId::new();
    sqlx::query(
        "INSERT INTO payments (id, org_id, purpose, status, credits, price, currency, \
         card_brand, card_last4, card_exp_month, card_exp_year, created_by, created_at, \
         idempotency_key) \
         VALUES ($1, $2, 'top_up', 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(pack.credits)
    .bind(pack.price)
    .bind(&pack.currency)
    .bind(&card.card.brand)
    .bind(&card.card.last4)
    .bind(i64::from(card.card.exp_month))
    .bind(i64::from(card.card.exp_year))
    .bind(actor.user_id.to_string())
    .bind(now_ms())
    .bind(key)
    .execute(&mut *tx)
    .await?;
    let row = repo::by_id(&mut tx, id)
        .await?
        .ok_or(AppError::CorruptRow("payment"))?;
    tx.commit().await?;
    Ok((row, Some(card)))
}

async fn reread(db: &Db, row: &PaymentRow) -> Result<Payment, AppError> {
    let mut conn = db.pool().acquire().await?;
    repo::by_id(&mut conn, row.payment_id()?)
        .await?
        .ok_or(AppError::NotFound)?
        .to_payment()
}

/// Sends the pending `row` to Stripe on `card` and settles what Stripe answers.
async fn charge(
    db: &Db,
    stripe: &Stripe,
    actor: &Actor,
    row: &PaymentRow,
    card: &SavedCard,
) -> Result<Payment, AppError> {
    let request = form([
        ("amount", row.price.to_string()),
        ("currency", row.currency.clone()),
        ("customer", card.customer_id.clone()),
        ("payment_method", card.payment_method_id.clone()),
        ("confirm", "true".to_owned()),
        ("off_session", "true".to_owned()),
        ("metadata[org_id]", row.org_id.clone()),
        ("metadata[payment_id]", row.id.clone()),
    ]);
    let answer: Result<PaymentIntent, StripeError> = stripe
        .client
        .post(
            "/v1/payment_intents",
            &request,
            Some(&format!("orgdesk-payment-{}", row.id)),
        )
        .await;
    match answer {
        Ok(intent) => {
            let mut tx = db.write().await?;
            repo::set_processor_id(&mut tx, &row.id, &intent.id).await?;
            tx.commit().await?;
            if matches!(
                intent.status.as_str(),
                "succeeded" | "requires_payment_method" | "canceled"
            ) {
                settle::settle(db, stripe, &intent.id).await?;
            }
            let payment = reread(db, row).await?;
            match payment.status {
                PaymentStatus::Failed => {
                    Err(CardError::Declined(payment.failure_message.unwrap_or_default()).into())
                }
                _ => Ok(payment),
            }
        }
        Err(StripeError::Declined {
            message,
            payment_intent,
            ..
        }) => {
            declined(db, actor, row, &message, payment_intent.as_deref()).await?;
            Err(CardError::Declined(message).into())
        }
        Err(StripeError::Unavailable(why)) => {
            tracing::warn!(payment = %row.id, error = %why,
                "the payment processor is unavailable; the payment stays pending");
            Err(CardError::Unavailable(why).into())
        }
        Err(other) => {
            tracing::error!(payment = %row.id, error = %other, "the payment processor refused");
            declined(
                db,
                actor,
                row,
                "The payment processor refused the payment.",
                None,
            )
            .await?;
            Err(CardError::Refused(other.to_string()).into())
        }
    }
}

/// Records a decline: the row fails with Stripe's reason, audited as the caller.
async fn declined(
    db: &Db,
    actor: &Actor,
    row: &PaymentRow,
    message: &str,
    intent: Option<&str>,
) -> Result<(), AppError> {
    let now = now_ms();
    let org = row.org()?;
    let mut tx = db.write().await?;
    crate::db::lock_org(&mut tx, org).await?;
    if let Some(intent) = intent {
        repo::set_processor_id(&mut tx, &row.id, intent).await?;
    }
    settle::fail_payment(&mut tx, row, org, message, Some(actor), now).await?;
    tx.commit().await?;
    Ok(())
}
