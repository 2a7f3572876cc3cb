//! What the server's operator does from the command line (`orgdesk-server grant-credits`,
//! `set-plan`): on a server that takes no payments, the only way credits and paid plans
//! arrive. Each change is one transaction under the org's lock, like a top-up or a plan
//! change by its owner, and writes its audit event as the operator (no person named).

use orgdesk_model::audit::AuditAction;
use orgdesk_model::billing::{LedgerEntry, LedgerKind};
use orgdesk_model::{FieldError, OrgId, Plan};
use serde_json::json;

use crate::audit::Entry;
use crate::billing::service::{over_limits, plan_name};
use crate::billing::{alerts, format_credits};
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::ledger::{self, Posting, MAX_BALANCE};
use crate::membership::{self, rows, OrgKey};
use crate::orgs;

/// Most characters a grant's reference may have (as a top-up's payment reference).
pub const REFERENCE_MAX: usize = 200;

/// Why an operator's command did nothing.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("no organization has the slug or id {0:?}")]
    UnknownOrg(String),
    #[error("give between 1 and {} credits", format_credits(MAX_BALANCE))]
    CreditsOutOfRange,
    #[error("give a reference: what the grant is for (an invoice number, a ticket)")]
    ReferenceMissing,
    #[error("the reference has {0} characters; at most {REFERENCE_MAX}")]
    ReferenceTooLong(usize),
    #[error("the balance would exceed {} credits", format_credits(MAX_BALANCE))]
    BalanceLimit,
    #[error("usage is over the {} plan's limits: {}", plan_name(*.plan), messages(.over))]
    OverLimits { plan: Plan, over: Vec<FieldError> },
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<sqlx::Error> for OperatorError {
    fn from(error: sqlx::Error) -> Self {
        Self::Failed(error.into())
    }
}

impl OperatorError {
    /// Whether the command was refused for what it asked (exit code 2), rather than
    /// failing on the way (exit code 1).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, Self::Failed(_))
    }
}

fn messages(over: &[FieldError]) -> String {
    over.iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A grant written to the ledger.
#[derive(Debug, Clone)]
pub struct Granted {
    pub org_id: OrgId,
    pub entry: LedgerEntry,
}

/// A plan set (`old == new` when the org was on it already: nothing was written).
#[derive(Debug, Clone, Copy)]
pub struct PlanSet {
    pub org_id: OrgId,
    pub old: Plan,
    pub new: Plan,
}

/// The org named by `org` (slug, former slug or id), locked for the rest of `tx`.
async fn locked(conn: &mut sqlx::AnyConnection, org: &str) -> Result<OrgId, OperatorError> {
    let id = membership::view::resolve(conn, &OrgKey::parse(org))
        .await?
        .ok_or_else(|| OperatorError::UnknownOrg(org.trim().to_owned()))?;
    lock_org(conn, id).await?;
    // An id that names no org resolves too: check the row exists.
    if !membership::view::exists(conn, id).await? {
        return Err(OperatorError::UnknownOrg(org.trim().to_owned()));
    }
    Ok(id)
}

/// Adds `credits` to the org's balance as a `grant` ledger entry carrying `reference`, and
/// audits it as the operator.
pub async fn grant_credits(
    db: &Db,
    org: &str,
    credits: i64,
    reference: &str,
) -> Result<Granted, OperatorError> {
    if !(1..=MAX_BALANCE).contains(&credits) {
        return Err(OperatorError::CreditsOutOfRange);
    }
    let reference = reference.trim();
    if reference.is_empty() {
        return Err(OperatorError::ReferenceMissing);
    }
    let length = reference.chars().count();
    if length > REFERENCE_MAX {
        return Err(OperatorError::ReferenceTooLong(length));
    }
    let now = now_ms();
    let mut tx = db.write().await?;
    let org_id = locked(&mut tx, org).await?;
    let mut posting = Posting::new(
        LedgerKind::Grant,
        credits,
        format!(
            "{} credits granted by the server operator",
            format_credits(credits)
        ),
    );
    posting.reference = Some(reference.to_owned());
    let posted = match ledger::post(&mut tx, org_id, &posting, now).await {
        Err(AppError::Validation(_)) => return Err(OperatorError::BalanceLimit),
        other => other?,
    };
    alerts::after_credit(&mut tx, &posted, now).await?;
    Entry::org(org_id, AuditAction::BillingCreditsGranted)
        .details(json!({
            "amount": credits,
            "reference": reference,
            "entry_id": posted.entry.id,
            "balance": posted.entry.balance_after,
        }))
        .write_as_operator(&mut tx, now)
        .await?;
    tx.commit().await?;
    Ok(Granted {
        org_id,
        entry: posted.entry,
    })
}

/// Puts the org on `plan`, paid or not; like an owner's change, refused while usage is
/// over the plan's limits. Audited as the operator.
pub async fn set_plan(db: &Db, org: &str, plan: Plan) -> Result<PlanSet, OperatorError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let org_id = locked(&mut tx, org).await?;
    let owner = rows::owner_of(&mut tx, org_id).await?;
    let view = membership::view::find_for_member(&mut tx, &OrgKey::Id(org_id), owner)
        .await?
        .ok_or(AppError::CorruptRow("org owner"))?;
    let old = view.org.plan;
    if old != plan {
        let over = over_limits(&mut tx, &view.org, plan, now).await?;
        if !over.is_empty() {
            return Err(OperatorError::OverLimits { plan, over });
        }
        orgs::service::set_plan(&mut tx, org_id, plan, now).await?;
        Entry::org(org_id, AuditAction::OrgPlanChanged)
            .details(json!({ "old": old, "new": plan }))
            .write_as_operator(&mut tx, now)
            .await?;
    }
    tx.commit().await?;
    Ok(PlanSet {
        org_id,
        old,
        new: plan,
    })
}
