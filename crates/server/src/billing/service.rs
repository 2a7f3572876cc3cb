//! The billing rules: who sees billing (owners and admins), the summary, plan changes that
//! never leave usage over the new limits, the low-balance threshold and the spend policy.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::billing::{
    AlertSettings, BillingSummary, LedgerEntry, LedgerQuery, PaymentMode, PlanUsage, SpendPolicy,
};
use orgdesk_model::org::{Org, OrgKind};
use orgdesk_model::{Capability, FieldError, Page, Plan, Role, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::billing::error::BillingError;
use crate::billing::{alerts, repo};
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::ledger::{self, month_start};
use crate::mail::Mailer;
use crate::membership::{self, require, rows, MemberView, OrgKey, Reader};
use crate::payments::{PaymentError, Payments};
use crate::{invitations, orgs, projects};

/// Most credits a threshold may name.
const MAX_THRESHOLD: i64 = ledger::MAX_BALANCE;
/// Most projects a spend policy may list.
const MAX_POLICY_PROJECTS: usize = 1000;

/// The org as `user` sees it, if they may see its billing.
pub async fn viewer(
    conn: &mut AnyConnection,
    org: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    let view = membership::find(conn, org, user).await?;
    require(&view, Capability::ViewBilling)?;
    Ok(view)
}

/// Projects (active and suspended) and seats (members and pending invitations) in use.
async fn plan_usage(conn: &mut AnyConnection, org: &Org, now: i64) -> Result<PlanUsage, AppError> {
    let org = org.id;
    Ok(PlanUsage {
        projects: projects::service::counted_toward_limit(conn, org).await?,
        seats: rows::count(conn, org).await?
            + invitations::service::pending_count(conn, org, now).await?,
    })
}

async fn summary_of(
    conn: &mut AnyConnection,
    view: &MemberView,
    mode: PaymentMode,
    now: i64,
) -> Result<BillingSummary, AppError> {
    let org = view.org.id;
    let account = repo::account(conn, org).await?;
    Ok(BillingSummary {
        org_id: org,
        payment_mode: mode,
        balance: account.balance,
        plan: view.org.plan,
        limits: view.org.plan.limits(),
        usage: plan_usage(conn, &view.org, now).await?,
        low_balance_threshold: account.low_balance_threshold,
        low_balance_alert: repo::open_alert(conn, org).await?,
        spent_this_month: repo::spent_since(conn, org, month_start(to_datetime(now))).await?,
        spend_policy: account.spend_policy,
        card: repo::card_on_file(conn, org).await?,
        subscription: repo::subscription(conn, org).await?,
        credits_owed: repo::credits_owed(conn, org).await?,
    })
}

/// The billing summary, for a reader who may see billing of the whole org (a key limited
/// to a project may not: the balance is the org's).
pub async fn summary(
    db: &Db,
    mode: PaymentMode,
    reader: &Reader,
    org: &OrgKey,
) -> Result<BillingSummary, AppError> {
    let mut conn = db.pool().acquire().await?;
    let reading = membership::reading(&mut conn, org, reader).await?;
    reading.require_org_wide(Capability::ViewBilling)?;
    summary_of(&mut conn, &reading.view, mode, now_ms()).await
}

/// The ledger as `reader` may see it. A key limited to a project reads that project's
/// lines only (usage, and anything else posted to it); the org's own lines (top-ups,
/// grants, refunds) belong to no project and are not shown to it.
pub async fn ledger(
    db: &Db,
    reader: &Reader,
    org: &OrgKey,
    query: &LedgerQuery,
) -> Result<Page<LedgerEntry>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let reading = membership::reading(&mut conn, org, reader).await?;
    reading.require(Capability::ViewBilling)?;
    let scope = reading.scope(&mut conn).await?;
    ledger::list::page(&mut conn, reading.org_id(), scope.as_deref(), query).await
}

pub fn plan_name(plan: Plan) -> &'static str {
    match plan {
        Plan::Free => "Free",
        Plan::Team => "Team",
        Plan::Business => "Business",
    }
}

/// Everything in use beyond `plan`'s limits, one field error each.
pub async fn over_limits(
    conn: &mut AnyConnection,
    org: &Org,
    plan: Plan,
    now: i64,
) -> Result<Vec<FieldError>, AppError> {
    let limits = plan.limits();
    let usage = plan_usage(conn, org, now).await?;
    let name = plan_name(plan);
    let mut over = Vec::new();
    if usage.projects > i64::from(limits.projects) {
        over.push(FieldError {
            field: "projects".to_owned(),
            message: format!(
                "{} projects in use; the {name} plan allows {}. Archive or delete some first.",
                usage.projects, limits.projects
            ),
        });
    }
    if usage.seats > i64::from(limits.seats) {
        over.push(FieldError {
            field: "seats".to_owned(),
            message: format!(
                "{} seats in use (members and pending invitations); the {name} plan allows {}.",
                usage.seats, limits.seats
            ),
        });
    }
    if org.kind == OrgKind::Personal {
        let owner = rows::owner_of(conn, org.id).await?;
        let owned = orgs::service::owned_org_count(conn, owner).await?;
        if owned > i64::from(limits.owned_orgs) {
            over.push(FieldError {
                field: "owned_orgs".to_owned(),
                message: format!(
                    "{owned} organizations owned; the {name} plan allows {}.",
                    limits.owned_orgs
                ),
            });
        }
    }
    Ok(over)
}

/// Moves the org to `plan` (the owner only). On a server that takes no payments, a paid
/// plan answers 409 `payments_not_configured` (the Free plan stays open). A plan whose
/// limits current usage exceeds answers 409 `plan_downgrade_blocked`, naming each limit
/// that is over.
pub async fn change_plan(
    db: &Db,
    payments: &Payments,
    actor: &Actor,
    org: &OrgKey,
    plan: Plan,
) -> Result<BillingSummary, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let mut view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::ChangePlan)?;
    let old = view.org.plan;
    if old != plan {
        if plan != Plan::Free && !payments.self_service() {
            return Err(BillingError::Payment(PaymentError::NotConfigured).into());
        }
        let over = over_limits(&mut tx, &view.org, plan, now).await?;
        if !over.is_empty() {
            return Err(BillingError::PlanDowngradeBlocked(over).into());
        }
        orgs::service::set_plan(&mut tx, view.org.id, plan, now).await?;
        Entry::org(view.org.id, AuditAction::OrgPlanChanged)
            .details(json!({ "old": old, "new": plan }))
            .write(&mut tx, actor, now)
            .await?;
        view.org.plan = plan;
        view.org.version += 1;
    }
    let summary = summary_of(&mut tx, &view, payments.mode(), now).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Sets or clears the low-balance threshold (owners and admins).
pub async fn set_alerts(
    db: &Db,
    mailer: &Mailer,
    mode: PaymentMode,
    actor: &Actor,
    org: &OrgKey,
    req: &AlertSettings,
) -> Result<BillingSummary, AppError> {
    if req
        .low_balance_threshold
        .is_some_and(|t| !(0..=MAX_THRESHOLD).contains(&t))
    {
        return Err(AppError::Validation(vec![FieldError {
            field: "low_balance_threshold".to_owned(),
            message: "Give a number of credits from 0, or none to turn the alert off.".to_owned(),
        }]));
    }
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::TopUp)?;
    let account = repo::account(&mut tx, view.org.id).await?;
    if account.low_balance_threshold != req.low_balance_threshold {
        repo::set_threshold(&mut tx, view.org.id, req.low_balance_threshold, now).await?;
        Entry::org(view.org.id, AuditAction::BillingAlertsUpdated)
            .details(json!({
                "old": account.low_balance_threshold,
                "new": req.low_balance_threshold,
            }))
            .write(&mut tx, actor, now)
            .await?;
        alerts::after_threshold_change(
            &mut tx,
            view.org.id,
            account.balance,
            req.low_balance_threshold,
            actor,
            Some(mailer),
            now,
        )
        .await?;
    }
    let summary = summary_of(&mut tx, &view, mode, now).await?;
    tx.commit().await?;
    mailer.wake();
    Ok(summary)
}

/// Sets who may spend (owners and admins). Listed projects must be the org's.
pub async fn set_spend_policy(
    db: &Db,
    mode: PaymentMode,
    actor: &Actor,
    org: &OrgKey,
    policy: &SpendPolicy,
) -> Result<BillingSummary, AppError> {
    let mut policy = policy.clone();
    if let SpendPolicy::Projects { ids } = &mut policy {
        ids.sort();
        ids.dedup();
        if ids.len() > MAX_POLICY_PROJECTS {
            return Err(AppError::Validation(vec![FieldError {
                field: "ids".to_owned(),
                message: format!("At most {MAX_POLICY_PROJECTS} projects."),
            }]));
        }
    }
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::EditSettings)?;
    if let SpendPolicy::Projects { ids } = &policy {
        let known = projects::service::existing(&mut tx, view.org.id, ids).await?;
        if known.len() != ids.len() {
            return Err(AppError::Validation(vec![FieldError {
                field: "ids".to_owned(),
                message: "Every listed project must be one of this organization's.".to_owned(),
            }]));
        }
    }
    let old = repo::account(&mut tx, view.org.id).await?.spend_policy;
    if old != policy {
        repo::set_policy(&mut tx, view.org.id, &policy, now).await?;
        Entry::org(view.org.id, AuditAction::BillingSpendPolicyUpdated)
            .details(json!({ "old": old, "new": policy }))
            .write(&mut tx, actor, now)
            .await?;
    }
    let summary = summary_of(&mut tx, &view, mode, now).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Whether the spend policy (`policy`, and whether it lists the project) lets a key whose
/// creator now holds `creator_role` spend the org's credits.
pub fn check_spend(policy: &str, policy_lists: bool, creator_role: Role) -> Result<(), AppError> {
    match policy {
        "admins_only" if !matches!(creator_role, Role::Owner | Role::Admin) => {
            Err(BillingError::SpendNotAllowed(
                "Only keys created by owners and admins may spend this organization's credits.",
            )
            .into())
        }
        "projects" if !policy_lists => Err(BillingError::SpendNotAllowed(
            "This project is not one the spend policy lets spend credits.",
        )
        .into()),
        "everyone" | "admins_only" | "projects" => Ok(()),
        _ => Err(AppError::CorruptRow("spend policy")),
    }
}
