//! Keeping the `subscriptions` row and the org's plan in step with what Stripe says about
//! a subscription (read back from Stripe, never taken from an event's payload).

use orgdesk_model::audit::AuditAction;
use orgdesk_model::payment::SubscriptionStatus;
use orgdesk_model::{OrgId, Plan};
use serde::Deserialize;
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::orgs;
use crate::subscriptions::{plans, SubscriptionError};

/// The fields of a Stripe subscription we read.
#[derive(Debug, Clone, Deserialize)]
pub struct StripeSubscription {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub metadata: std::collections::HashMap<String, String>,
    #[serde(default)]
    pub items: Option<Items>,
    #[serde(default)]
    pub latest_invoice: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Items {
    pub data: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub id: String,
    #[serde(default)]
    pub plan: Option<ItemPlan>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemPlan {
    pub id: String,
}

impl StripeSubscription {
    /// Where Stripe's status puts the paid plan. `incomplete`: the first payment is not
    /// through; `unpaid`: renewals failed and Stripe keeps it open.
    pub fn state(&self) -> SubscriptionStatus {
        match self.status.as_str() {
            "active" | "trialing" => SubscriptionStatus::Active,
            "past_due" | "unpaid" => SubscriptionStatus::PastDue,
            "canceled" | "incomplete_expired" => SubscriptionStatus::Canceled,
            _ => SubscriptionStatus::Pending,
        }
    }

    /// The plan the subscription pays for: the one its Stripe plan stands for (see
    /// [`plans::stripe_id`]), else its metadata (which we set when creating it).
    pub fn plan(&self) -> Option<Plan> {
        self.items
            .as_ref()
            .and_then(|items| items.data.first())
            .and_then(|item| item.plan.as_ref())
            .and_then(|plan| plans::plan_of(&plan.id))
            .or_else(|| self.metadata.get("plan").and_then(|p| Plan::parse(p)))
    }

    pub fn first_item(&self) -> Option<&str> {
        self.items.as_ref()?.data.first().map(|i| i.id.as_str())
    }
}

/// What a subscription row holds while its creation at Stripe is under way.
const CLAIM: &str = "claim:";

pub fn is_claim(subscription_id: &str) -> bool {
    subscription_id.starts_with(CLAIM)
}

/// How long a claim holds off another creation (longer than a Stripe call may take).
const CLAIM_MS: i64 = 60_000;

/// Claims the org's subscription row before a new subscription is created at Stripe, so
/// that two requests at once cannot both create (and charge) one: the second is refused
/// while the first is under way. Returns the claim to [`release`] if creation fails.
pub async fn claim(db: &Db, org: OrgId, plan: Plan) -> Result<String, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    lock_org(&mut tx, org).await?;
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT subscription_id, status, updated_at FROM subscriptions WHERE org_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id, status, updated_at)) = row {
        let busy = if is_claim(&id) {
            now - updated_at < CLAIM_MS
        } else {
            status != SubscriptionStatus::Canceled.as_str()
        };
        if busy {
            return Err(SubscriptionError::InFlight.into());
        }
    }
    let claim = format!("{CLAIM}{}", uuid::Uuid::now_v7());
    sqlx::query(
        "INSERT INTO subscriptions (org_id, subscription_id, plan, status, past_due_since, updated_at) \
         VALUES ($1, $2, $3, 'pending', NULL, $4) \
         ON CONFLICT (org_id) DO UPDATE SET subscription_id = $2, plan = $3, status = 'pending', \
         past_due_since = NULL, updated_at = $4",
    )
    .bind(org.to_string())
    .bind(&claim)
    .bind(plan.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(claim)
}

/// Gives up a [`claim`] whose subscription was not created.
pub async fn release(db: &Db, org: OrgId, claim: &str) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM subscriptions WHERE org_id = $1 AND subscription_id = $2")
        .bind(org.to_string())
        .bind(claim)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The row of `org`: its subscription id, plan and status.
pub async fn current(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Option<(String, Plan, SubscriptionStatus)>, AppError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT subscription_id, plan, status FROM subscriptions WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    row.map(|(id, plan, status)| {
        Ok((
            id,
            Plan::parse(&plan).ok_or(AppError::CorruptRow("subscription plan"))?,
            SubscriptionStatus::parse(&status)
                .ok_or(AppError::CorruptRow("subscription status"))?,
        ))
    })
    .transpose()
}

/// Applies what Stripe says about `sub` (of `org`) in one transaction: the row, the past-due
/// mark, and the org's plan (the subscription's plan once active; Free once it ended).
/// `actor` is the person whose request this answers, `None` for an event.
pub async fn apply(
    db: &Db,
    org: OrgId,
    sub: &StripeSubscription,
    actor: Option<&Actor>,
) -> Result<(), AppError> {
    let now = now_ms();
    let state = sub.state();
    let mut tx = db.write().await?;
    lock_org(&mut tx, org).await?;
    let (org_plan,): (String,) = sqlx::query_as("SELECT plan FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let org_plan = Plan::parse(&org_plan).ok_or(AppError::CorruptRow("org plan"))?;
    let before = current(&mut tx, org).await?;
    // The end of a subscription the org never had (a declined first payment) or no longer
    // has (replaced by a newer one) says nothing about the org.
    let ours = before
        .as_ref()
        .is_some_and(|(id, ..)| *id == sub.id || is_claim(id));
    if state == SubscriptionStatus::Canceled && !ours {
        tx.commit().await?;
        return Ok(());
    }
    // A stale subscription (replaced by a newer one) says nothing about the org any more.
    if before
        .as_ref()
        .is_some_and(|(id, _, s)| *id != sub.id && *s != SubscriptionStatus::Canceled)
        && state == SubscriptionStatus::Canceled
    {
        tx.commit().await?;
        return Ok(());
    }
    let plan = sub
        .plan()
        .or(before.as_ref().map(|(_, plan, _)| *plan))
        .ok_or(AppError::CorruptRow("subscription without a plan"))?;
    let was = before
        .as_ref()
        .filter(|(id, ..)| *id == sub.id)
        .map(|(_, p, s)| (*p, *s));
    sqlx::query(
        "INSERT INTO subscriptions (org_id, subscription_id, plan, status, past_due_since, updated_at) \
         VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'past_due' THEN $5 ELSE NULL END, $5) \
         ON CONFLICT (org_id) DO UPDATE SET subscription_id = $2, plan = $3, status = $4, \
         past_due_since = CASE WHEN $4 <> 'past_due' THEN NULL \
           WHEN subscriptions.status = 'past_due' AND subscriptions.subscription_id = $2 \
           THEN subscriptions.past_due_since ELSE $5 END, \
         updated_at = $5",
    )
    .bind(org.to_string())
    .bind(&sub.id)
    .bind(plan.as_str())
    .bind(state.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if was != Some((plan, state)) {
        Entry::org(org, AuditAction::BillingSubscriptionChanged)
            .details(json!({ "plan": plan, "status": state, "subscription": sub.id }))
            .write_by(&mut tx, actor, now)
            .await?;
        if state == SubscriptionStatus::PastDue {
            Entry::org(org, AuditAction::BillingPastDue)
                .details(json!({ "plan": plan }))
                .write_by(&mut tx, actor, now)
                .await?;
        }
    }
    let target = match state {
        SubscriptionStatus::Active => Some(plan),
        SubscriptionStatus::Canceled => Some(Plan::Free),
        SubscriptionStatus::Pending | SubscriptionStatus::PastDue => None,
    };
    if let Some(target) = target.filter(|t| *t != org_plan) {
        orgs::service::set_plan(&mut tx, org, target, now).await?;
        Entry::org(org, AuditAction::OrgPlanChanged)
            .details(json!({ "old": org_plan, "new": target }))
            .write_by(&mut tx, actor, now)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
