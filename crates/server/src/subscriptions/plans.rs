//! The paid plans as Stripe knows them: one monthly plan object per plan and price, made
//! on first use under an id that names both, so a price change makes a new object rather
//! than repricing the old one.

use orgdesk_model::payment::PlanPrice;
use orgdesk_model::Plan;
use serde::Deserialize;

use crate::billing::{rates, service};
use crate::error::AppError;
use crate::stripe::client::form;
use crate::stripe::{Stripe, StripeError};

#[derive(Debug, Deserialize)]
struct StripePlan {
    id: String,
}

/// The rate card's price of a paid plan.
pub fn price(plan: Plan) -> Option<PlanPrice> {
    rates::plan_prices().into_iter().find(|p| p.plan == plan)
}

/// Stripe's id of `price`'s monthly plan.
pub fn stripe_id(price: &PlanPrice) -> String {
    format!(
        "orgdesk-{}-{}-{}-month",
        price.plan.as_str(),
        price.price,
        price.currency
    )
}

/// The paid plan a Stripe plan id of ours stands for.
pub fn plan_of(stripe_id: &str) -> Option<Plan> {
    let rest = stripe_id.strip_prefix("orgdesk-")?;
    let (name, _) = rest.split_once('-')?;
    Plan::parse(name).filter(|plan| *plan != Plan::Free)
}

/// The Stripe plan of `price`, made when missing.
pub async fn ensure(stripe: &Stripe, price: &PlanPrice) -> Result<String, AppError> {
    let id = stripe_id(price);
    match stripe
        .client
        .get::<StripePlan>(&format!("/v1/plans/{id}"))
        .await
    {
        Ok(found) => return Ok(found.id),
        Err(StripeError::NotFound(_)) => {}
        Err(other) => return Err(other.into()),
    }
    let name = format!("Orgdesk {}", service::plan_name(price.plan));
    let created: Result<StripePlan, StripeError> = stripe
        .client
        .post(
            "/v1/plans",
            &form([
                ("id", id.clone()),
                ("amount", price.price.to_string()),
                ("currency", price.currency.clone()),
                ("interval", "month".to_owned()),
                ("product[name]", name),
                ("metadata[plan]", price.plan.as_str().to_owned()),
            ]),
            Some(&format!("orgdesk-plan-{id}")),
        )
        .await;
    match created {
        Ok(plan) => Ok(plan.id),
        // Made meanwhile by another request (Stripe: 400 `resource_already_exists`; its
        // stand-in: 409): it exists now.
        Err(StripeError::Rejected {
            status: 400 | 409, ..
        }) => Ok(stripe
            .client
            .get::<StripePlan>(&format!("/v1/plans/{id}"))
            .await?
            .id),
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_plan_ids_name_their_plan() {
        for price in rates::plan_prices() {
            assert_eq!(plan_of(&stripe_id(&price)), Some(price.plan));
        }
        assert_eq!(plan_of("yearly-test"), None);
        assert_eq!(plan_of("orgdesk-free-0-eur-month"), None);
    }
}
