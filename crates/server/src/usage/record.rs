//! Metering: `POST /v1/usage` debits the key's org for usage in one of its projects.
//!
//! Checks, in order: the key's scope (403), the quantity (422), then inside one
//! transaction: the key still live and its creator still a member (401), the project in
//! the key's org (404), within the key's project (403) and within what its creator may
//! reach now (403: an org-wide key made by an admin who was later demoted to a member
//! limited to some projects meters only those), active (409 `project_not_active`), allowed
//! by the spend policy for the creator's current role (403 `spend_not_allowed`), the person
//! a member (422), the price at the current rate card with checked arithmetic (422), and
//! the atomic debit (402 `insufficient_credits`). What the checks need is read in one
//! statement ([`crate::usage::terms`]), and a new debit's answer is kept for replays in the
//! same transaction. The org's row is share-locked first, so usage queues behind changes
//! to the org (a suspension, a policy change, a role or scope change, a revocation, an
//! account deleted) and they behind it: a key read live stays live until the debit
//! commits. (The key's `last_used_at` is the gate's, at most once a minute.)

use axum::http::StatusCode;
use orgdesk_model::api_key::ApiKeyScope;
use orgdesk_model::billing::LedgerKind;
use orgdesk_model::project::ProjectStatus;
use orgdesk_model::usage::{UsageRecorded, UsageRequest};
use orgdesk_model::{FieldError, OrgId};
use sqlx::AnyConnection;

use crate::auth::api_key::KeyRecord;
use crate::auth::AuthError;
use crate::billing::{alerts, format_credits, rates, service as billing};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::idempotency::store::{self, Stored};
use crate::idempotency::Idempotency;
use crate::ledger::{self, replayed, Posting};
use crate::mail::Mailer;
use crate::projects::ProjectKey;
use crate::usage::error::UsageError;
use crate::usage::terms;

fn invalid(field: &str, message: String) -> AppError {
    AppError::Validation(vec![FieldError {
        field: field.to_owned(),
        message,
    }])
}

fn answer(entry: orgdesk_model::billing::LedgerEntry) -> UsageRecorded {
    UsageRecorded {
        balance: entry.balance_after,
        entry,
    }
}

/// What a debit request answers (201 either way).
#[derive(Debug)]
pub enum Recorded {
    /// A new debit: its answer, as JSON, was kept for replays in the debit's transaction.
    Debited(Vec<u8>),
    /// The entry an earlier execution under this key wrote (the layer keeps this answer).
    Earlier(UsageRecorded),
}

/// Takes the org's row in share mode until the transaction ends (PostgreSQL; on SQLite
/// the write transaction already holds the database's write lock).
async fn share_org(conn: &mut AnyConnection, org: OrgId) -> Result<(), sqlx::Error> {
    if conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
        sqlx::query("SELECT id FROM orgs WHERE id = $1 FOR SHARE")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

pub async fn record(
    db: &Db,
    mailer: &Mailer,
    key: &KeyRecord,
    idempotency: &Idempotency,
    req: &UsageRequest,
) -> Result<Recorded, AppError> {
    if !key.scopes.contains(&ApiKeyScope::UsageWrite) {
        return Err(UsageError::MissingScope("usage:write").into());
    }
    if req.quantity < 1 {
        return Err(invalid("quantity", "Record at least 1 unit.".to_owned()));
    }
    let org = key.org_id;
    let now = now_ms();
    let mut tx = db.write().await?;
    share_org(&mut tx, org).await?;
    let project = ProjectKey::parse(&req.project);
    let ask = terms::Ask {
        idempotency,
        key: key.id,
        project: &project,
        creator: key.created_by,
        user: req.user,
        modality: req.modality,
    };
    let terms = terms::read(&mut tx, org, ask, now).await?;
    // A replay after a crash, or a retry once the idempotency record expired.
    if terms.earlier_entry {
        if let Some(entry) = replayed(&mut tx, Some(idempotency)).await? {
            return Ok(Recorded::Earlier(answer(entry)));
        }
    }
    // The key acts for its creator as they are now, not as they were when they made it.
    let creator = terms
        .creator
        .filter(|_| terms.key_live)
        .ok_or(AuthError::InvalidApiKey)?;
    let project = terms.project.ok_or(AppError::NotFound)?;
    if key.project_id.is_some_and(|p| p != project.id) {
        return Err(UsageError::KeyProjectMismatch.into());
    }
    if !creator.reaches_project {
        return Err(UsageError::CreatorOutOfScope.into());
    }
    if project.status != ProjectStatus::Active {
        return Err(UsageError::ProjectNotActive {
            status: project.status.as_str(),
            reason: project.suspended_reason.clone(),
        }
        .into());
    }
    billing::check_spend(&terms.policy, terms.policy_lists, creator.role)?;
    if !terms.user_is_member {
        return Err(invalid(
            "user",
            "This person is not a member of the organization.".to_owned(),
        ));
    }
    let (version, per_unit) = terms.rate.ok_or(AppError::CorruptRow("rate card"))?;
    let price = rates::price(per_unit, req.quantity)
        .filter(|p| *p <= ledger::MAX_BALANCE)
        .ok_or_else(|| {
            invalid(
                "quantity",
                "This quantity is too large to price.".to_owned(),
            )
        })?;
    let mut posting = Posting::new(
        LedgerKind::Usage,
        -price,
        format!(
            "{} × {} in {}: {} credits",
            format_credits(req.quantity),
            req.modality.as_str(),
            project.name,
            format_credits(price)
        ),
    );
    posting.project_id = Some(project.id);
    posting.user_id = req.user;
    posting.api_key_id = Some(key.id);
    posting.modality = Some(req.modality);
    posting.quantity = Some(req.quantity);
    posting.rate_version = Some(version);
    posting.idempotency = Some(idempotency);
    let posted = match ledger::post(&mut tx, org, &posting, now).await {
        Err(error) if ledger::is_duplicate(&error) => {
            drop(tx);
            return ledger::replay_after_duplicate(db, Some(idempotency))
                .await
                .map(|entry| Recorded::Earlier(answer(entry)));
        }
        other => other?,
    };
    alerts::after_post(&mut tx, &posted, None, Some(mailer), now).await?;
    let body = serde_json::to_vec(&answer(posted.entry))
        .map_err(|error| AppError::Render(error.to_string()))?;
    let kept = Stored::json(StatusCode::CREATED, &body);
    store::complete_in(&mut tx, idempotency, &kept).await?;
    tx.commit().await?;
    mailer.wake();
    Ok(Recorded::Debited(body))
}
