//! Signing up: the account, its personal context, its first session and the mail that
//! verifies its email, in one transaction. It sits above both [`crate::auth`] (accounts,
//! sessions, mailed links) and [`crate::orgs`] (the personal context), which know nothing of
//! each other.
//!
//! Sign-ups are limited per client address and day. A taken email answers 409 whether or
//! not its account verified it; when it did not, the address is also mailed a link that
//! lets its owner take that account over (a password-reset link: following it proves the
//! address), so whoever squats an address with an unverified account cannot keep its
//! owner out.

use orgdesk_model::auth::{SessionGrant, SignupRequest};
use orgdesk_model::{validate, FieldError, UserId};

use crate::auth::links::{self, ResetReason};
use crate::auth::{account, password, quotas, service as auth, session};
use crate::auth::{AuthError, Client};
use crate::config::AccountLimits;
use crate::cpu::Gate;
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;
use crate::limits::{self, LimitError};
use crate::mail::Mailer;
use crate::orgs;
use crate::state::AppState;

/// A new account as the demo seed and sign-up create it.
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

impl NewAccount {
    fn from_request(req: SignupRequest) -> Result<Self, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        validate::email(&req.email, &mut errors);
        validate::password(&req.password, &mut errors);
        validate::display_name(&req.display_name, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Self {
            email: validate::normalize_email(&req.email),
            display_name: validate::clean(&req.display_name),
            password: req.password,
        })
    }
}

/// Creates the account and its personal context in one transaction (the demo seed's way
/// in). Seeded accounts count as verified: nobody else can hold their addresses.
pub async fn create_account(db: &Db, gate: &Gate, account: NewAccount) -> Result<UserId, AppError> {
    let hash = password::hash(gate, account.password.clone()).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let user_id = insert_account(&mut tx, &account, &hash, now)
        .await?
        .ok_or(AuthError::EmailTaken)?;
    account::mark_verified(&mut tx, user_id, &account.email, now).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Marks a seeded account verified (one seeded before verification existed, say).
pub async fn mark_seeded_verified(db: &Db, user: UserId, email: &str) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    account::mark_verified(&mut tx, user, email, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// The new account with its personal context; `None` when the email is taken.
async fn insert_account(
    tx: &mut Tx,
    account: &NewAccount,
    hash: &str,
    now: i64,
) -> Result<Option<UserId>, AppError> {
    let Some(user_id) =
        account::insert(tx, &account.email, &account.display_name, hash, now).await?
    else {
        return Ok(None);
    };
    orgs::service::create_personal(tx, user_id, now).await?;
    Ok(Some(user_id))
}

/// Account, personal context, first session and verification mail, all or nothing. The
/// password is hashed behind the CPU gate: a flood of sign-ups waits in a bounded line or
/// is answered 503.
pub async fn signup(
    state: &AppState,
    req: SignupRequest,
    client: &Client,
) -> Result<SessionGrant, AppError> {
    let account = NewAccount::from_request(req)?;
    // Counted before the costly hash, whatever comes of the attempt.
    let mut tx = state.db.write().await?;
    let rule = quotas::signup_per_ip(&state.account_limits);
    limits::reserve(&mut tx, &rule, client.ip_or_unknown(), now_ms()).await?;
    tx.commit().await?;
    let hash = password::hash(&state.cpu, account.password.clone()).await?;
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let Some(user_id) = insert_account(&mut tx, &account, &hash, now).await? else {
        offer_takeover(
            &mut tx,
            &state.mail,
            &state.account_limits,
            &account.email,
            now,
        )
        .await?;
        tx.commit().await?;
        state.mail.wake();
        return Err(AuthError::EmailTaken.into());
    };
    if state.trust_signup_email {
        account::mark_verified(&mut tx, user_id, &account.email, now).await?;
    } else {
        links::send_verification(&mut tx, &state.mail, user_id, &account.email, now).await?;
    }
    let issued = session::issue(&mut tx, user_id, client, &state.sessions, now).await?;
    tx.commit().await?;
    state.mail.wake();
    auth::grant(&state.db, issued).await
}

/// When `email` belongs to an account that never verified it, mails the address a link to
/// take that account over (within the address's daily reset mails; past them, nothing).
async fn offer_takeover(
    tx: &mut Tx,
    mailer: &Mailer,
    quota: &AccountLimits,
    email: &str,
    now: i64,
) -> Result<(), AppError> {
    let Some(holder) = account::id_by_email(tx, email).await? else {
        return Ok(());
    };
    let verified = account::email_state(tx, holder)
        .await?
        .is_some_and(|state| state.verified);
    if verified {
        return Ok(());
    }
    match limits::reserve(tx, &quotas::reset_per_email(quota), email, now).await {
        Ok(_) => {}
        Err(LimitError::Exceeded { .. }) => return Ok(()),
        Err(error) => return Err(error.into()),
    }
    links::send_reset(tx, mailer, holder, email, ResetReason::SignupAttempt, now).await
}
