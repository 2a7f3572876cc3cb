//! Top-ups: paid through the server's [`Payments`] (refused in `none` mode, after the
//! caller's permission is checked), then credited in one transaction with
//! the ledger entry, the alert check and the audit event.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::billing::{LedgerKind, TopUp, TopUpRequest};
use orgdesk_model::{Capability, FieldError};
use serde_json::json;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::billing::{alerts, format_credits, BillingError};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::idempotency::Idempotency;
use crate::ledger::{self, replayed, Posting};
use crate::membership::OrgKey;
use crate::membership::{self, require};
use crate::payments::{Charge, Payments};

pub const MAX_TOP_UP: i64 = 10_000_000;
const REFERENCE_MAX: usize = 200;

fn validate(req: &TopUpRequest) -> Result<Option<String>, AppError> {
    let mut errors = Vec::new();
    if !(1..=MAX_TOP_UP).contains(&req.amount) {
        errors.push(FieldError {
            field: "amount".to_owned(),
            message: format!(
                "Top up between 1 and {} credits.",
                format_credits(MAX_TOP_UP)
            ),
        });
    }
    let reference = req
        .payment_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if reference.is_some_and(|r| r.chars().count() > REFERENCE_MAX) {
        errors.push(FieldError {
            field: "payment_reference".to_owned(),
            message: format!("At most {REFERENCE_MAX} characters."),
        });
    }
    if errors.is_empty() {
        Ok(reference.map(str::to_owned))
    } else {
        Err(AppError::Validation(errors))
    }
}

fn answer(entry: orgdesk_model::billing::LedgerEntry) -> TopUp {
    TopUp {
        balance: entry.balance_after,
        entry,
    }
}

pub async fn top_up(
    db: &Db,
    payments: &Payments,
    actor: &Actor,
    org: &OrgKey,
    req: &TopUpRequest,
    idempotency: Option<&Idempotency>,
) -> Result<TopUp, AppError> {
    let reference = validate(req)?;
    let org_id = {
        let mut conn = db.pool().acquire().await?;
        let view = membership::find(&mut conn, org, actor.user_id).await?;
        require(&view, Capability::TopUp)?;
        if let Some(entry) = replayed(&mut conn, idempotency).await? {
            return Ok(answer(entry));
        }
        view.org.id
    };
    let scoped_key = idempotency.map(|i| format!("{}/{}", i.scope, i.key));
    let charge = Charge {
        org: org_id,
        amount: req.amount,
        reference: reference.as_deref(),
        idempotency_key: scoped_key.as_deref(),
    };
    let receipt = payments
        .provider()
        .map_err(BillingError::Payment)?
        .charge(&charge)
        .await
        .map_err(BillingError::Payment)?;

    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, &OrgKey::Id(org_id), actor.user_id).await?;
    require(&view, Capability::TopUp)?;
    if let Some(entry) = replayed(&mut tx, idempotency).await? {
        return Ok(answer(entry));
    }
    let mut posting = Posting::new(
        LedgerKind::TopUp,
        req.amount,
        format!("Top-up of {} credits", format_credits(req.amount)),
    );
    posting.user_id = Some(actor.user_id);
    posting.reference = Some(receipt.reference.clone());
    posting.idempotency = idempotency;
    let posted = match ledger::post(&mut tx, org_id, &posting, now).await {
        Err(error) if ledger::is_duplicate(&error) => {
            drop(tx);
            return ledger::replay_after_duplicate(db, idempotency)
                .await
                .map(answer);
        }
        other => other?,
    };
    alerts::after_credit(&mut tx, &posted, now).await?;
    Entry::org(org_id, AuditAction::BillingTopUp)
        .details(json!({
            "amount": req.amount,
            "reference": receipt.reference,
            "entry_id": posted.entry.id,
            "balance": posted.entry.balance_after,
        }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(answer(posted.entry))
}
