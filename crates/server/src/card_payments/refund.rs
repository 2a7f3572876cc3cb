//! Refunds (`charge.refunded`): the charge is read back from Stripe, and what it says was
//! refunded *in total* is compared with what we recorded (`payments.refunded_price`), so
//! each refunded amount is taken back once however often the event comes, and two partial
//! refunds add up.
//!
//! Credits taken back are proportional to the refunded share of the price, rounded down
//! (in the org's favour), computed on the running total so the rounding never drifts:
//! after refunds of `r` out of a price `p` for `c` credits, `floor(c · r / p)` credits are
//! taken back in all, and all `c` once the whole price is refunded. What the balance covers
//! is taken by a negative `adjustment` entry; the rest is added to `orgs.credits_owed`.
//! The row moves to `partially_refunded` or `refunded`, and `billing.payment_refunded` is
//! audited as the system, all in one transaction under the org's lock.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::billing::LedgerKind;
use orgdesk_model::payment::PaymentStatus;
use serde_json::json;

use crate::audit::Entry;
use crate::billing::{alerts, format_credits};
use crate::card_payments::repo;
use crate::cards::CardError;
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::ledger::{self, Posting};
use crate::mail::Mailer;
use crate::stripe::client::Charge;
use crate::stripe::Stripe;

/// Credits taken back in all once `refunded` of `price` was refunded, for `credits` bought.
pub fn credits_refunded(credits: i64, price: i64, refunded: i64) -> i64 {
    if price <= 0 {
        return 0;
    }
    let refunded = refunded.clamp(0, price);
    let share = i128::from(credits) * i128::from(refunded) / i128::from(price);
    i64::try_from(share).unwrap_or(credits)
}

/// What a refund event changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Refunded {
    /// Credits taken back by this event (from the balance and as owed).
    pub credits: i64,
    /// Of those, what the balance did not cover.
    pub owed: i64,
}

/// Reads the charge `charge` back and takes back what was newly refunded.
pub async fn refund(
    db: &Db,
    stripe: &Stripe,
    mailer: &Mailer,
    charge: &str,
) -> Result<Refunded, AppError> {
    let charge: Charge = stripe
        .client
        .get(&format!("/v1/charges/{charge}"))
        .await
        .map_err(CardError::from)?;
    let Some(intent) = charge.payment_intent.as_deref() else {
        tracing::info!(charge = %charge.id, "a refunded charge of no PaymentIntent");
        return Ok(Refunded::default());
    };
    let org = {
        let mut conn = db.pool().acquire().await?;
        match repo::by_processor_id(&mut conn, intent).await? {
            Some(row) => row.org()?,
            None => {
                tracing::info!(charge = %charge.id, "a refunded charge of none of our payments");
                return Ok(Refunded::default());
            }
        }
    };
    let now = now_ms();
    let mut tx = db.write().await?;
    lock_org(&mut tx, org).await?;
    let row = repo::by_processor_id(&mut tx, intent)
        .await?
        .ok_or(AppError::CorruptRow("payment"))?;
    let status = row.status()?;
    if !matches!(
        status,
        PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded
    ) {
        tracing::info!(payment = %row.id, status = %row.status, "a refund of a payment not paid");
        return Ok(Refunded::default());
    }
    let refunded_price = charge.amount_refunded.clamp(0, row.price);
    if refunded_price <= row.refunded_price {
        return Ok(Refunded::default());
    }
    let refunded_credits = credits_refunded(row.credits, row.price, refunded_price);
    let credits = refunded_credits - row.refunded_credits;
    let new_status = if refunded_price >= row.price {
        PaymentStatus::Refunded
    } else {
        PaymentStatus::PartiallyRefunded
    };
    let moved = sqlx::query(
        "UPDATE payments SET refunded_price = $1, refunded_credits = $2, status = $3 \
         WHERE id = $4 AND refunded_price = $5",
    )
    .bind(refunded_price)
    .bind(refunded_credits)
    .bind(new_status.as_str())
    .bind(&row.id)
    .bind(row.refunded_price)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(Refunded::default());
    }
    let balance = ledger::balance_of(&mut tx, org).await?;
    let taken = credits.min(balance.max(0));
    let owed = credits - taken;
    let mut entry_id = None;
    if taken > 0 {
        let mut posting = Posting::new(
            LedgerKind::Adjustment,
            -taken,
            format!(
                "Refund of {}: {} credits taken back",
                row.receipt_number.as_deref().unwrap_or("a card payment"),
                format_credits(taken)
            ),
        );
        posting.reference = row.receipt_number.clone();
        let posted = ledger::post(&mut tx, org, &posting, now).await?;
        alerts::after_post(&mut tx, &posted, None, Some(mailer), now).await?;
        entry_id = Some(posted.entry.id);
    }
    if owed > 0 {
        sqlx::query("UPDATE orgs SET credits_owed = credits_owed + $1 WHERE id = $2")
            .bind(owed)
            .bind(org.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Entry::org(org, AuditAction::BillingPaymentRefunded)
        .details(json!({
            "payment_id": row.id,
            "refunded_price": refunded_price - row.refunded_price,
            "refunded_total": refunded_price,
            "currency": row.currency,
            "credits": credits,
            "taken": taken,
            "owed": owed,
            "entry_id": entry_id,
        }))
        .write_by(&mut tx, None, now)
        .await?;
    tx.commit().await?;
    Ok(Refunded { credits, owed })
}

#[cfg(test)]
mod tests {
    use super::credits_refunded;

    #[test]
    fn refunded_credits_are_proportional_rounded_down_and_add_up() {
        assert_eq!(credits_refunded(1_000, 1_000, 0), 0);
        assert_eq!(credits_refunded(5_000, 4_500, 1), 1);
        assert_eq!(credits_refunded(5_000, 4_500, 1_000), 1_111);
        assert_eq!(credits_refunded(5_000, 4_500, 4_500), 5_000);
        // More than the price counts as the price.
        assert_eq!(credits_refunded(5_000, 4_500, 9_000), 5_000);
        assert_eq!(credits_refunded(5_000, 0, 10), 0);
        assert_eq!(credits_refunded(i64::MAX, i64::MAX, i64::MAX), i64::MAX);
    }
}
