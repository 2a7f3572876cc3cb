//! Sign-in throttling, in the database through [`crate::limits`], so that every instance
//! sharing it counts the same attempts. An attempt is *reserved* before its password is
//! checked — counted and recorded in one write transaction, under the subject's lock — so
//! a burst of parallel attempts is counted one by one: never more than the limit get their
//! password checked (the old check-then-record let 200 parallel guesses through).
//!
//! Per account (the normalized email, known or not): at most [`PER_ACCOUNT`] attempts in
//! 15 minutes. Per client address ([`Client`]'s, so `X-Forwarded-For` behind
//! `--trust-proxy`, else the TCP peer): at most [`PER_ADDRESS`] failed attempts in 15
//! minutes. A successful sign-in gives back what it reserved and clears the account's
//! earlier failures; a failed one stays counted; one that was never checked (the server was
//! too busy to hash) is given back whole.
//!
//! **The address rule.** A blocked address must never refuse another person's correct
//! password (an office behind one NAT, a proxy's clients): when the address has used up
//! [`PER_ADDRESS`], an attempt from it is still checked, within the account's own limit
//! *and* at most [`BLOCKED_ADDRESS_PER_ACCOUNT`] per account from that address (one try
//! per account per window, not five). A correct password signs in; a wrong one answers
//! 429 with the address's `Retry-After` rather than 401. So a blocked address can still
//! sign its people in, while an attacker behind it gets one guess per account per window
//! and learns nothing more than 429.
//!
//! Two-factor codes have their own limit per account ([`TWO_FACTOR`]), shared by the
//! sign-in step and the account's own two-factor changes.

use sqlx::AnyConnection;

use crate::auth::actor::Client;
use crate::db::Db;
use crate::error::AppError;
use crate::limits::{self, Hit, LimitError, Rule, MINUTE_MS};

pub const WINDOW_MS: i64 = 15 * MINUTE_MS;

/// Attempts per account (email), checked or in flight.
pub const PER_ACCOUNT: Rule = Rule {
    name: "login.account",
    max: 5,
    window_ms: WINDOW_MS,
};
/// Failed attempts per client address.
pub const PER_ADDRESS: Rule = Rule {
    name: "login.address",
    max: 20,
    window_ms: WINDOW_MS,
};
/// Attempts per (address, account) while the address is blocked.
pub const BLOCKED_ADDRESS_PER_ACCOUNT: Rule = Rule {
    name: "login.blocked_address_account",
    max: 1,
    window_ms: WINDOW_MS,
};
/// Two-factor (and recovery) codes per account.
pub const TWO_FACTOR: Rule = Rule {
    name: "login.two_factor",
    max: 5,
    window_ms: WINDOW_MS,
};

/// How the address stood when the attempt was reserved.
#[derive(Debug)]
enum Address {
    /// Counted against the address's limit.
    Counted(Hit),
    /// The address is blocked: the attempt was counted once for (address, account), and a
    /// wrong password answers 429 with this wait.
    Blocked { hit: Hit, retry_after_secs: u64 },
}

/// A reserved sign-in attempt: settle it with [`Attempt::succeeded`], [`Attempt::failed`]
/// or [`Attempt::unchecked`] once the password has been (or could not be) checked.
#[derive(Debug)]
#[must_use]
pub struct Attempt {
    email: String,
    ip: String,
    account: Hit,
    address: Address,
}

fn pair(ip: &str, email: &str) -> String {
    format!("{ip} {email}")
}

/// Reserves an attempt for `email` from `client`, or fails with 429 `rate_limited`
/// (recording nothing) when the account's limit, or a blocked address's per-account
/// allowance, is used up.
pub async fn reserve(db: &Db, email: &str, client: &Client, now: i64) -> Result<Attempt, AppError> {
    let ip = client.ip_or_unknown().to_owned();
    let mut tx = db.write().await?;
    let account = limits::reserve(&mut tx, &PER_ACCOUNT, email, now).await?;
    let address = match limits::reserve(&mut tx, &PER_ADDRESS, &ip, now).await {
        Ok(hit) => Address::Counted(hit),
        Err(LimitError::Exceeded {
            retry_after_secs, ..
        }) => {
            let hit = limits::reserve(
                &mut tx,
                &BLOCKED_ADDRESS_PER_ACCOUNT,
                &pair(&ip, email),
                now,
            )
            .await?;
            Address::Blocked {
                hit,
                retry_after_secs,
            }
        }
        Err(other) => return Err(other.into()),
    };
    tx.commit().await?;
    Ok(Attempt {
        email: email.to_owned(),
        ip,
        account,
        address,
    })
}

/// Forgets sign-in attempts older than the window, whatever their subject (subjects that
/// never come back would otherwise keep theirs); called at each successful sign-in.
async fn purge(conn: &mut AnyConnection, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limit_hits WHERE rule IN ($1, $2, $3, $4) AND at <= $5")
        .bind(PER_ACCOUNT.name)
        .bind(PER_ADDRESS.name)
        .bind(BLOCKED_ADDRESS_PER_ACCOUNT.name)
        .bind(TWO_FACTOR.name)
        .bind(now - WINDOW_MS)
        .execute(conn)
        .await?;
    Ok(())
}

impl Attempt {
    /// The password was right: gives back the address's count and clears the account's
    /// failures (and the blocked address's allowance for it), in the caller's transaction.
    pub async fn succeeded(self, conn: &mut AnyConnection, now: i64) -> Result<(), sqlx::Error> {
        purge(conn, now).await?;
        limits::clear(conn, &PER_ACCOUNT, &self.email).await?;
        match self.address {
            Address::Counted(hit) => limits::release(conn, hit).await?,
            Address::Blocked { .. } => {
                limits::clear(
                    conn,
                    &BLOCKED_ADDRESS_PER_ACCOUNT,
                    &pair(&self.ip, &self.email),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// The password was wrong: the attempt stays counted. What to answer: 401, or 429
    /// when the address is blocked.
    pub fn failed(self) -> AppError {
        match self.address {
            Address::Counted(_) => crate::auth::AuthError::InvalidCredentials.into(),
            Address::Blocked {
                retry_after_secs, ..
            } => LimitError::Exceeded {
                rule: PER_ADDRESS.name,
                retry_after_secs,
            }
            .into(),
        }
    }

    /// The password could not be checked (the server was busy): nothing counts.
    pub async fn unchecked(self, db: &Db) -> Result<(), AppError> {
        let mut tx = db.write().await?;
        limits::release(&mut tx, self.account).await?;
        match self.address {
            Address::Counted(hit) | Address::Blocked { hit, .. } => {
                limits::release(&mut tx, hit).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
