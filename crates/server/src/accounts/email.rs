//! The account's email: following a mailed link (which verifies the email, or moves the
//! account to a new one), asking for the verification mail again, and starting a change of
//! email (the new address gets a link, the old one a notice; nothing changes until the
//! link is followed).

use orgdesk_model::account::{ChangeEmailRequest, EmailVerified, VerifyEmailRequest};
use orgdesk_model::security::SecurityEvent;
use orgdesk_model::{validate, FieldError, UserId};
use serde_json::json;

use crate::accounts::error::AccountError;
use crate::accounts::{checked, passwords};
use crate::auth::links::{self, Proof};
use crate::auth::tokens::{self, Purpose, Redeemed};
use crate::auth::{account, events, quotas, AuthError, Client};
use crate::config::AccountLimits;
use crate::cpu::Gate;
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;
use crate::limits;
use crate::mail::Mailer;
use crate::membership::rows;

/// Follows a verification link: the account's email is verified, or (for a change of
/// email) the account moves to the address the link was mailed to, verified. Anyone holding
/// the link may follow it; it works once.
pub async fn verify(
    db: &Db,
    client: &Client,
    req: &VerifyEmailRequest,
) -> Result<EmailVerified, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let purposes = [Purpose::VerifyEmail, Purpose::ChangeEmail];
    let redeemed = tokens::redeem(&mut tx, &req.token, &purposes, now)
        .await?
        .ok_or(AccountError::InvalidToken)?;
    let current = account::email_state(&mut tx, redeemed.user)
        .await?
        .ok_or(AccountError::InvalidToken)?;
    let answer = match redeemed.purpose {
        Purpose::ChangeEmail => move_to(&mut tx, &redeemed, &current.email, client, now).await?,
        _ if redeemed.email != current.email => return Err(AccountError::InvalidToken.into()),
        _ => {
            let proof = Proof::VerificationLink;
            links::mark_verified(&mut tx, redeemed.user, &current.email, proof, client, now)
                .await?;
            EmailVerified {
                email: current.email,
                changed: false,
            }
        }
    };
    tx.commit().await?;
    Ok(answer)
}

/// Moves the account to the address a change-of-email link was mailed to.
async fn move_to(
    tx: &mut Tx,
    redeemed: &Redeemed,
    old_email: &str,
    client: &Client,
    now: i64,
) -> Result<EmailVerified, AppError> {
    let user = redeemed.user;
    let new_email = redeemed.email.as_str();
    if !account::set_verified_email(tx, user, new_email, now).await? {
        return Err(AuthError::EmailTaken.into());
    }
    // Links mailed to the old address stop working.
    let all = [
        Purpose::VerifyEmail,
        Purpose::ChangeEmail,
        Purpose::PasswordReset,
    ];
    tokens::forget(tx, user, &all).await?;
    rows::refresh_person(tx, user).await?;
    let details = json!({ "old": old_email, "new": new_email });
    events::record(tx, user, SecurityEvent::EmailChanged, client, details, now).await?;
    Ok(EmailVerified {
        email: new_email.to_owned(),
        changed: true,
    })
}

/// Mails the verification link again (a new one: the earlier link stops working).
pub async fn resend(
    db: &Db,
    mailer: &Mailer,
    quota: &AccountLimits,
    user: UserId,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let state = account::email_state(&mut tx, user)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    if state.verified {
        return Err(AccountError::AlreadyVerified.into());
    }
    let rule = quotas::verification_resend_per_user(quota);
    limits::reserve(&mut tx, &rule, &user.to_string(), now).await?;
    links::send_verification(&mut tx, mailer, user, &state.email, now).await?;
    tx.commit().await?;
    mailer.wake();
    Ok(())
}

fn invalid_new_email(message: &str) -> AppError {
    AppError::Validation(vec![FieldError {
        field: "new_email".to_owned(),
        message: message.to_owned(),
    }])
}

/// Starts a change of email, confirmed by the password: the new address is mailed a link
/// (a change still waiting is replaced), the current one a notice.
pub async fn change(
    db: &Db,
    gate: &Gate,
    mailer: &Mailer,
    quota: &AccountLimits,
    user: UserId,
    client: &Client,
    req: &ChangeEmailRequest,
) -> Result<(), AppError> {
    checked(validate::email, &req.new_email, "new_email")?;
    let new_email = validate::normalize_email(&req.new_email);
    passwords::confirm_current(db, gate, user, &req.password, "password").await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let current = account::email_state(&mut tx, user)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    if current.email == new_email {
        return Err(invalid_new_email("This is your email already."));
    }
    let rule = quotas::email_change_per_user(quota);
    limits::reserve(&mut tx, &rule, &user.to_string(), now).await?;
    if account::id_by_email(&mut tx, &new_email).await?.is_some() {
        // Counted all the same: asking is how one learns which addresses have accounts.
        tx.commit().await?;
        return Err(AuthError::EmailTaken.into());
    }
    links::send_email_change(&mut tx, mailer, user, &current.email, &new_email, now).await?;
    let details = json!({ "new": new_email });
    let event = SecurityEvent::EmailChangeRequested;
    events::record(&mut tx, user, event, client, details, now).await?;
    tx.commit().await?;
    mailer.wake();
    Ok(())
}
