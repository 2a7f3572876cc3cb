//! Ledger entries and balances in the database. Every change of a balance goes through
//! [`post`], inside the caller's transaction.

use orgdesk_model::billing::{LedgerEntry, LedgerKind, Modality};
use orgdesk_model::{ApiKeyId, FieldError, LedgerEntryId, OrgId, ProjectId, UserId};
use sqlx::{AnyConnection, Row};

use crate::db::to_datetime;
use crate::error::AppError;
use crate::idempotency::Idempotency;
use crate::idempotency::IdempotencyError;
use crate::ledger::error::LedgerError;
use crate::ledger::period_of;

/// No balance grows beyond this (10^15 credits), so sums never overflow.
pub const MAX_BALANCE: i64 = 1_000_000_000_000_000;

/// What a new entry says.
#[derive(Debug, Clone)]
pub struct Posting<'a> {
    pub kind: LedgerKind,
    /// Signed: positive adds, negative spends.
    pub amount: i64,
    pub project_id: Option<ProjectId>,
    pub user_id: Option<UserId>,
    pub api_key_id: Option<ApiKeyId>,
    pub modality: Option<Modality>,
    pub quantity: Option<i64>,
    pub rate_version: Option<i64>,
    pub reference: Option<String>,
    pub description: String,
    /// The request's Idempotency-Key, stored on the entry under a unique index.
    pub idempotency: Option<&'a Idempotency>,
}

impl Posting<'_> {
    /// A posting of `kind` and `amount` with nothing else set.
    pub fn new(kind: LedgerKind, amount: i64, description: impl Into<String>) -> Self {
        Posting {
            kind,
            amount,
            project_id: None,
            user_id: None,
            api_key_id: None,
            modality: None,
            quantity: None,
            rate_version: None,
            reference: None,
            description: description.into(),
            idempotency: None,
        }
    }
}

/// A posted entry and the low-balance threshold in force when it applied.
#[derive(Debug, Clone)]
pub struct Posted {
    pub entry: LedgerEntry,
    pub threshold: Option<i64>,
}

/// The entry's own columns, bound by [`bind_entry`]; the statements in [`post`] add the
/// org, amount, time, seq and balance after.
const ENTRY_COLUMNS: &str = "id, kind, project_id, user_id, api_key_id, modality, quantity, \
     rate_version, reference, description, period, idempotency_scope, idempotency_key, \
     request_hash";

/// Placeholders for [`ENTRY_COLUMNS`], numbered from `first`.
fn entry_placeholders(first: usize) -> String {
    (first..first + 14)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

type Statement<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind_entry<'q>(
    query: Statement<'q>,
    id: LedgerEntryId,
    posting: &Posting<'_>,
    now: i64,
) -> Statement<'q> {
    let idempotency = posting.idempotency;
    query
        .bind(id.to_string())
        .bind(posting.kind.as_str())
        .bind(posting.project_id.map(|p| p.to_string()))
        .bind(posting.user_id.map(|u| u.to_string()))
        .bind(posting.api_key_id.map(|k| k.to_string()))
        .bind(posting.modality.map(Modality::as_str))
        .bind(posting.quantity)
        .bind(posting.rate_version)
        .bind(posting.reference.clone())
        .bind(posting.description.clone())
        .bind(period_of(now))
        .bind(idempotency.map(|i| i.scope.clone()))
        .bind(idempotency.map(|i| i.key.clone()))
        .bind(idempotency.map(|i| i.request_hash.clone()))
}

/// Moves the org's balance by `posting.amount` and appends the entry, in the caller's
/// transaction. A debit applies only while the balance covers it (402 otherwise); the
/// row update is the serialization point of all balance changes of the org.
///
/// On PostgreSQL the update and the entry are one statement (the entry inserted from the
/// update's `RETURNING`): the balance's row is locked from the update to the commit, and
/// every org's postings queue on it, so each round trip held under it counts.
pub async fn post(
    conn: &mut AnyConnection,
    org: OrgId,
    posting: &Posting<'_>,
    now: i64,
) -> Result<Posted, AppError> {
    let amount = posting.amount;
    let (guard, bound) = if amount < 0 {
        ("balance >= $4", -amount)
    } else {
        open_account(conn, org, now).await?;
        ("balance <= $4", MAX_BALANCE - amount)
    };
    let update = format!(
        "UPDATE billing_accounts SET balance = balance + $1, entries = entries + 1, \
         updated_at = $2 WHERE org_id = $3 AND {guard} \
         RETURNING balance, entries, low_balance_threshold"
    );
    let id = LedgerEntryId::new();
    let moved: Option<(i64, i64, Option<i64>)> =
        if conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
            let sql = format!(
                "WITH moved AS ({update}), added AS (INSERT INTO ledger_entries \
                 ({ENTRY_COLUMNS}, org_id, amount, created_at, seq, balance_after) \
                 SELECT {}, $3, $1, $2, entries, balance FROM moved) \
                 SELECT balance, entries, low_balance_threshold FROM moved",
                entry_placeholders(5)
            );
            let query = sqlx::query(&sql)
                .bind(amount)
                .bind(now)
                .bind(org.to_string())
                .bind(bound);
            let row = bind_entry(query, id, posting, now)
                .fetch_optional(&mut *conn)
                .await?;
            row.map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .transpose()?
        } else {
            let moved: Option<(i64, i64, Option<i64>)> = sqlx::query_as(&update)
                .bind(amount)
                .bind(now)
                .bind(org.to_string())
                .bind(bound)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some((balance, seq, _)) = moved {
                let sql = format!(
                    "INSERT INTO ledger_entries \
                     ({ENTRY_COLUMNS}, org_id, amount, created_at, seq, balance_after) \
                     VALUES ({}, $15, $16, $17, $18, $19)",
                    entry_placeholders(1)
                );
                bind_entry(sqlx::query(&sql), id, posting, now)
                    .bind(org.to_string())
                    .bind(amount)
                    .bind(now)
                    .bind(seq)
                    .bind(balance)
                    .execute(&mut *conn)
                    .await?;
            }
            moved
        };
    let Some((balance, _, threshold)) = moved else {
        if amount < 0 {
            let balance = balance_of(conn, org).await?;
            return Err(LedgerError::InsufficientCredits {
                balance,
                needed: -amount,
            }
            .into());
        }
        return Err(AppError::Validation(vec![FieldError {
            field: "amount".to_owned(),
            message: format!("A balance cannot exceed {MAX_BALANCE} credits."),
        }]));
    };
    let entry = LedgerEntry {
        id,
        org_id: org,
        kind: posting.kind,
        amount,
        balance_after: balance,
        project_id: posting.project_id,
        user_id: posting.user_id,
        api_key_id: posting.api_key_id,
        modality: posting.modality,
        quantity: posting.quantity,
        rate_version: posting.rate_version,
        reference: posting.reference.clone(),
        description: posting.description.clone(),
        created_at: to_datetime(now),
    };
    Ok(Posted { entry, threshold })
}

/// Makes sure the org has a billing account (every org gets one when created).
pub async fn open_account(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO billing_accounts (org_id, updated_at) VALUES ($1, $2) \
         ON CONFLICT (org_id) DO NOTHING",
    )
    .bind(org.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn balance_of(conn: &mut AnyConnection, org: OrgId) -> Result<i64, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT balance FROM billing_accounts WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(row.map_or(0, |(b,)| b))
}

pub(crate) const SELECT_ENTRY: &str = "SELECT id, org_id, seq, kind, amount, balance_after, \
     project_id, user_id, api_key_id, modality, quantity, rate_version, reference, description, \
     request_hash, created_at FROM ledger_entries";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EntryRow {
    id: String,
    org_id: String,
    pub seq: i64,
    kind: String,
    amount: i64,
    balance_after: i64,
    project_id: Option<String>,
    user_id: Option<String>,
    api_key_id: Option<String>,
    modality: Option<String>,
    quantity: Option<i64>,
    rate_version: Option<i64>,
    reference: Option<String>,
    description: String,
    pub request_hash: Option<String>,
    created_at: i64,
}

fn parse<T: std::str::FromStr>(
    value: Option<String>,
    what: &'static str,
) -> Result<Option<T>, AppError> {
    value
        .map(|v| v.parse().map_err(|_| AppError::CorruptRow(what)))
        .transpose()
}

impl EntryRow {
    pub(crate) fn into_entry(self) -> Result<LedgerEntry, AppError> {
        Ok(LedgerEntry {
            id: self
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("ledger id"))?,
            org_id: self
                .org_id
                .parse()
                .map_err(|_| AppError::CorruptRow("ledger org"))?,
            kind: LedgerKind::parse(&self.kind).ok_or(AppError::CorruptRow("ledger kind"))?,
            amount: self.amount,
            balance_after: self.balance_after,
            project_id: parse(self.project_id, "ledger project")?,
            user_id: parse(self.user_id, "ledger user")?,
            api_key_id: parse(self.api_key_id, "ledger key")?,
            modality: self
                .modality
                .map(|m| Modality::parse(&m).ok_or(AppError::CorruptRow("ledger modality")))
                .transpose()?,
            quantity: self.quantity,
            rate_version: self.rate_version,
            reference: self.reference,
            description: self.description,
            created_at: to_datetime(self.created_at),
        })
    }
}

/// The entry an earlier request with this idempotency scope and key wrote, with the hash
/// of that request.
pub async fn by_idempotency(
    conn: &mut AnyConnection,
    idempotency: &Idempotency,
) -> Result<Option<(LedgerEntry, Option<String>)>, AppError> {
    let sql = format!("{SELECT_ENTRY} WHERE idempotency_scope = $1 AND idempotency_key = $2");
    let row: Option<EntryRow> = sqlx::query_as(&sql)
        .bind(&idempotency.scope)
        .bind(&idempotency.key)
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        let hash = r.request_hash.clone();
        r.into_entry().map(|e| (e, hash))
    })
    .transpose()
}

/// The entry this request already wrote, if it ran before (a replay after a crash, or a
/// retry once the idempotency record expired). A different request under the same key
/// answers 422 `idempotency_key_reused`.
pub async fn replayed(
    conn: &mut AnyConnection,
    idempotency: Option<&Idempotency>,
) -> Result<Option<LedgerEntry>, AppError> {
    let Some(idempotency) = idempotency else {
        return Ok(None);
    };
    match by_idempotency(conn, idempotency).await? {
        Some((entry, hash)) if hash.as_deref() == Some(idempotency.request_hash.as_str()) => {
            Ok(Some(entry))
        }
        Some(_) => Err(IdempotencyError::Reused.into()),
        None => Ok(None),
    }
}

/// Whether the error is the unique index of idempotent entries refusing a second one.
pub fn is_duplicate(error: &AppError) -> bool {
    matches!(error, AppError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
}

/// After [`is_duplicate`]: the entry the other execution wrote, read outside the failed
/// transaction.
pub async fn replay_after_duplicate(
    db: &crate::db::Db,
    idempotency: Option<&Idempotency>,
) -> Result<LedgerEntry, AppError> {
    let mut conn = db.pool().acquire().await?;
    replayed(&mut conn, idempotency)
        .await?
        .ok_or_else(|| IdempotencyError::InFlight.into())
}
