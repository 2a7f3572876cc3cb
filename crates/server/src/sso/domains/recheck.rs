//! The daily look at verified domains (a step of [`crate::periodic`]): every verified
//! domain last looked at a day ago or more is looked up again, in batches. A definitive
//! "the record is gone or holds something else" drops the verification (audited as
//! `org.domain_unverified` by the system, with what was found as the reason); a lookup
//! without a definitive answer (timeout, SERVFAIL) leaves the domain as it was, to be
//! looked at again at the next run.
//!
//! Several instances may run it at once: a batch is taken in one short transaction that
//! moves its rows' `checked_at` to now (on PostgreSQL with `FOR UPDATE SKIP LOCKED`), so
//! no two instances look at the same domain in the same day.

use futures::stream::{self, StreamExt};
use orgdesk_model::audit::AuditAction;
use serde_json::json;

use crate::audit::Entry;
use crate::config::Backend;
use crate::db::Db;
use crate::dns::Dns;
use crate::error::AppError;
use crate::sso::domains::check::{self, record_name, Outcome};
use crate::sso::domains::repo::{self, Claim};

/// How long a verification stands before it is looked at again.
pub const RECHECK_AFTER_MS: i64 = 24 * 60 * 60 * 1000;
/// Domains taken per transaction, and lookups in flight at once.
pub const BATCH: i64 = 100;
const LOOKUPS_AT_ONCE: usize = 8;
/// Batches per run (the rest waits for the next run).
const BATCHES_PER_RUN: usize = 20;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rechecked {
    /// Looked at, and the record still holds the token.
    pub confirmed: usize,
    /// Looked at, and the verification dropped.
    pub unverified: usize,
    /// No definitive answer: left as it was.
    pub unanswered: usize,
}

/// One run at `now`.
pub async fn step(db: &Db, dns: &Dns, now: i64) -> Result<Rechecked, AppError> {
    let mut done = Rechecked::default();
    let mut unanswered = Vec::new();
    for _ in 0..BATCHES_PER_RUN {
        let batch = take(db, now).await?;
        if batch.is_empty() {
            break;
        }
        let looked: Vec<_> = stream::iter(batch)
            .map(|claim| async move {
                let answer = dns.txt(&record_name(&claim.domain)).await;
                (claim, answer)
            })
            .buffer_unordered(LOOKUPS_AT_ONCE)
            .collect()
            .await;
        for (claim, answer) in looked {
            match answer {
                Err(error) => {
                    tracing::warn!(domain = %claim.domain, %error, "domain check got no answer");
                    done.unanswered += 1;
                    unanswered.push(claim);
                }
                Ok(answer) => match check::outcome(&claim.domain, &claim.token, &answer) {
                    Outcome::Holds => done.confirmed += 1,
                    Outcome::Missing(reason) => {
                        if drop_verification(db, &claim, &reason, now).await? {
                            done.unverified += 1;
                        }
                    }
                },
            }
        }
    }
    for claim in unanswered {
        give_back(db, &claim, now).await?;
    }
    Ok(done)
}

/// Takes up to [`BATCH`] verified domains due at `now`, marking them looked at.
async fn take(db: &Db, now: i64) -> Result<Vec<Claim>, AppError> {
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut tx = db.write().await?;
    let due: Vec<Claim> = sqlx::query_as(&format!(
        "SELECT org_id, domain, token, verified_at, checked_at, created_at FROM org_domains \
         WHERE verified_at IS NOT NULL AND (checked_at IS NULL OR checked_at <= $1) \
         ORDER BY checked_at LIMIT $2{lock}"
    ))
    .bind(now - RECHECK_AFTER_MS)
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    for claim in &due {
        sqlx::query("UPDATE org_domains SET checked_at = $1 WHERE org_id = $2 AND domain = $3")
            .bind(now)
            .bind(&claim.org_id)
            .bind(&claim.domain)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(due)
}

/// Drops a verification the record no longer proves; answers whether it was still there
/// to drop (the org may have removed or re-verified it meanwhile).
async fn drop_verification(
    db: &Db,
    claim: &Claim,
    reason: &str,
    now: i64,
) -> Result<bool, AppError> {
    let org = claim
        .org_id
        .parse()
        .map_err(|_| AppError::CorruptRow("org id"))?;
    let mut tx = db.write().await?;
    crate::db::lock_org(&mut tx, org).await?;
    let dropped = repo::mark_missing(&mut tx, org, &claim.domain, now).await?;
    if dropped {
        Entry::org(org, AuditAction::OrgDomainUnverified)
            .details(json!({ "domain": claim.domain, "reason": reason }))
            .write_by(&mut tx, None, now)
            .await?;
    }
    tx.commit().await?;
    if dropped {
        tracing::info!(%org, domain = %claim.domain, reason, "domain no longer verified");
    }
    Ok(dropped)
}

/// Puts back when a domain without an answer was last looked at, so the next run
/// takes it again.
async fn give_back(db: &Db, claim: &Claim, now: i64) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE org_domains SET checked_at = $1 WHERE org_id = $2 AND domain = $3 \
         AND checked_at = $4",
    )
    .bind(claim.checked_at)
    .bind(&claim.org_id)
    .bind(&claim.domain)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
