//! Saving a card: an owner or admin asks for a card page ([`start`]); the server makes a
//! SetupIntent for the org's customer and a page token (30 minutes, kept only as a hash).
//! The page confirms the SetupIntent with Stripe.js and then calls [`complete`], which
//! reads the SetupIntent back from Stripe and saves its card. The `setup_intent.succeeded`
//! event does the same, so a page closed right after confirming still saves the card.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::payment::{CardSetup, CardSummary};
use orgdesk_model::{Capability, OrgId, UserId};

use crate::auth::tokens::hash;
use crate::auth::Actor;
use crate::billing::BillingError;
use crate::cards::{ensure_customer, save_card};
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::membership::{self, require, OrgKey};
use crate::payments::Payments;
use crate::stripe::client::{form, object_id, PaymentMethod, SetupIntent};
use crate::stripe::Stripe;

/// How long a card page link works.
pub const PAGE_TTL_MS: i64 = 30 * 60 * 1000;

/// A card page's setup, found by its token.
#[derive(Debug, Clone)]
pub struct OpenSetup {
    pub org: OrgId,
    pub setup_intent: String,
    pub created_by: Option<UserId>,
    pub completed: bool,
}

fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A card page for `org` (owners and admins, `stripe` mode).
pub async fn start(
    db: &Db,
    payments: &Payments,
    public_url: &str,
    actor: &Actor,
    org: &OrgKey,
) -> Result<CardSetup, AppError> {
    let view = {
        let mut conn = db.pool().acquire().await?;
        let view = membership::find(&mut conn, org, actor.user_id).await?;
        require(&view, Capability::TopUp)?;
        view
    };
    let stripe = payments.card_processor().map_err(BillingError::Payment)?;
    let customer = ensure_customer(db, stripe, view.org.id).await?;
    let intent: SetupIntent = stripe
        .client
        .post(
            "/v1/setup_intents",
            &form([
                ("customer", customer),
                ("usage", "off_session".to_owned()),
                ("payment_method_types[0]", "card".to_owned()),
                ("metadata[org_id]", view.org.id.to_string()),
            ]),
            None,
        )
        .await?;
    let token = new_token();
    let now = now_ms();
    let expires_at = now + PAGE_TTL_MS;
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM card_setups WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO card_setups (token_hash, org_id, setup_intent_id, created_by, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hash(&token))
    .bind(view.org.id.to_string())
    .bind(&intent.id)
    .bind(actor.user_id.to_string())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CardSetup {
        url: format!("{public_url}/pay/card/{token}"),
        expires_at: to_datetime(expires_at),
    })
}

/// The open (unexpired) setup behind a page token.
pub async fn find(db: &Db, token: &str) -> Result<Option<OpenSetup>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let row: Option<(String, String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT org_id, setup_intent_id, created_by, completed_at FROM card_setups \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(hash(token))
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(org, setup_intent, created_by, completed_at)| {
        Ok(OpenSetup {
            org: org
                .parse()
                .map_err(|_| AppError::CorruptRow("card setup org"))?,
            setup_intent,
            created_by: created_by.and_then(|u| u.parse().ok()),
            completed: completed_at.is_some(),
        })
    })
    .transpose()
}

/// The SetupIntent's client secret, which the page hands to Stripe.js (read from Stripe,
/// never stored).
pub async fn client_secret(stripe: &Stripe, setup: &OpenSetup) -> Result<String, AppError> {
    let intent: SetupIntent = stripe
        .client
        .get(&format!("/v1/setup_intents/{}", setup.setup_intent))
        .await?;
    intent
        .client_secret
        .ok_or(AppError::CorruptRow("setup intent without client secret"))
}

/// Saves the card of a confirmed SetupIntent (read back from Stripe); `None` while it is
/// not confirmed yet.
pub async fn complete_intent(
    db: &Db,
    stripe: &Stripe,
    setup_intent: &str,
) -> Result<Option<CardSummary>, AppError> {
    let row: Option<(String, Option<String>)> = {
        let mut conn = db.pool().acquire().await?;
        sqlx::query_as("SELECT org_id, created_by FROM card_setups WHERE setup_intent_id = $1")
            .bind(setup_intent)
            .fetch_optional(&mut *conn)
            .await?
    };
    let Some((org, created_by)) = row else {
        return Ok(None);
    };
    let org: OrgId = org
        .parse()
        .map_err(|_| AppError::CorruptRow("card setup org"))?;
    let intent: SetupIntent = stripe
        .client
        .get(&format!("/v1/setup_intents/{setup_intent}"))
        .await?;
    let method = intent.payment_method.as_ref().and_then(object_id);
    let (true, Some(method)) = (intent.status == "succeeded", method) else {
        return Ok(None);
    };
    attach_if_loose(db, stripe, org, &method).await?;
    let by = created_by.and_then(|u| u.parse().ok()).map(Actor::internal);
    let card = save_card(db, stripe, org, &method, by.as_ref()).await?;
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE card_setups SET completed_at = $1 WHERE setup_intent_id = $2 \
         AND completed_at IS NULL",
    )
    .bind(now_ms())
    .bind(setup_intent)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(card))
}

/// Stripe attaches the card of a SetupIntent that names a customer to that customer; its
/// stand-in leaves it attached to nobody. A card of the org's own confirmed SetupIntent
/// that is attached to nobody is attached to the org's customer here ([`save_card`] takes
/// only a card of the org's customer).
async fn attach_if_loose(
    db: &Db,
    stripe: &Stripe,
    org: OrgId,
    method: &str,
) -> Result<(), AppError> {
    let found: PaymentMethod = stripe
        .client
        .get(&format!("/v1/payment_methods/{method}"))
        .await?;
    if found.customer.is_some() {
        return Ok(());
    }
    let customer = ensure_customer(db, stripe, org).await?;
    let _: PaymentMethod = stripe
        .client
        .post(
            &format!("/v1/payment_methods/{method}/attach"),
            &form([("customer", customer)]),
            None,
        )
        .await?;
    Ok(())
}
