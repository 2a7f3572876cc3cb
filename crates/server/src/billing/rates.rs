//! The rate card: versioned rows of `rate_cards` and `rates`, seeded by migration. The
//! current card is the highest version already in effect; it is the one place prices
//! come from.

use orgdesk_model::billing::{Modality, Rate, RateCard};
use orgdesk_model::payment::{CreditPack, PlanPrice};
use orgdesk_model::Plan;
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;

/// SQL for the version of the rate card in force at the time bound as `param` (`$1`…).
pub fn version_in_force(param: &str) -> String {
    format!("(SELECT MAX(version) FROM rate_cards WHERE effective_from <= {param})")
}

/// The card in effect at `now`.
pub async fn current(conn: &mut AnyConnection, now: i64) -> Result<RateCard, AppError> {
    let sql = format!(
        "SELECT c.version, c.effective_from, r.modality, r.unit, r.credits_per_unit \
         FROM rate_cards c JOIN rates r ON r.version = c.version \
         WHERE c.version = {} ORDER BY r.modality",
        version_in_force("$1")
    );
    let rows: Vec<(i64, i64, String, String, i64)> =
        sqlx::query_as(&sql).bind(now).fetch_all(conn).await?;
    let (version, effective_from) = rows
        .first()
        .map(|(v, e, ..)| (*v, *e))
        .ok_or(AppError::CorruptRow("rate card"))?;
    let mut rates = rows
        .into_iter()
        .map(|(_, _, modality, unit, credits_per_unit)| {
            Ok(Rate {
                modality: Modality::parse(&modality)
                    .ok_or(AppError::CorruptRow("rate modality"))?,
                unit,
                credits_per_unit,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    rates.sort_by_key(|r| Modality::ALL.iter().position(|m| *m == r.modality));
    Ok(RateCard {
        version,
        effective_from: to_datetime(effective_from),
        rates,
        credit_packs: credit_packs(),
        plan_prices: plan_prices(),
    })
}

/// The currency card payments are made in.
pub const CURRENCY: &str = "eur";

/// The credit packs on sale (`stripe` mode): credits and their price in cents.
const PACKS: [(i64, i64); 3] = [(1_000, 1_000), (5_000, 4_500), (20_000, 16_000)];

pub fn credit_packs() -> Vec<CreditPack> {
    PACKS
        .iter()
        .map(|&(credits, price)| CreditPack {
            credits,
            price,
            currency: CURRENCY.to_owned(),
        })
        .collect()
}

/// The pack of exactly `credits`, if one is on sale.
pub fn credit_pack(credits: i64) -> Option<CreditPack> {
    credit_packs().into_iter().find(|p| p.credits == credits)
}

/// The paid plans' monthly prices in cents.
pub fn plan_prices() -> Vec<PlanPrice> {
    [(Plan::Team, 4_900), (Plan::Business, 19_900)]
        .into_iter()
        .map(|(plan, price)| PlanPrice {
            plan,
            price,
            currency: CURRENCY.to_owned(),
        })
        .collect()
}

/// What `quantity` units cost at `credits_per_unit`, if it fits an i64.
pub fn price(credits_per_unit: i64, quantity: i64) -> Option<i64> {
    credits_per_unit.checked_mul(quantity).filter(|p| *p > 0)
}

/// The unit of a modality, for statements: "1,000 tokens", "image", "minute".
pub fn unit_label(card: &RateCard, modality: Modality) -> String {
    card.rates
        .iter()
        .find(|r| r.modality == modality)
        .map_or_else(|| "unit".to_owned(), |r| r.unit.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_use_checked_arithmetic() {
        assert_eq!(price(40, 3), Some(120));
        assert_eq!(price(2, i64::MAX / 2 + 1), None);
        assert_eq!(price(6, 0), None);
    }
}
