//! Signing up: the account, its personal context and its first session in one
//! transaction. It sits above both [`crate::auth`] (accounts, sessions) and
//! [`crate::orgs`] (the personal context), which know nothing of each other.

use orgdesk_model::auth::{SessionGrant, SignupRequest};
use orgdesk_model::{validate, FieldError, UserId};

use crate::auth::{account, password, service as auth, session};
use crate::auth::{AuthError, Client};
use crate::cpu::Gate;
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;
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
            display_name: req.display_name.trim().to_owned(),
            password: req.password,
        })
    }
}

/// Creates the account and its personal context in one transaction (the demo seed's way in).
pub async fn create_account(db: &Db, gate: &Gate, account: NewAccount) -> Result<UserId, AppError> {
    let hash = password::hash(gate, account.password.clone()).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let user_id = insert_account(&mut tx, &account, &hash, now).await?;
    tx.commit().await?;
    Ok(user_id)
}

async fn insert_account(
    tx: &mut Tx,
    account: &NewAccount,
    hash: &str,
    now: i64,
) -> Result<UserId, AppError> {
    let user_id = account::insert(tx, &account.email, &account.display_name, hash, now)
        .await?
        .ok_or(AuthError::EmailTaken)?;
    orgs::service::create_personal(tx, user_id, now).await?;
    Ok(user_id)
}

/// Account, personal context and first session, all or nothing. The password is hashed
/// behind the CPU gate: a flood of sign-ups waits in a bounded line or is answered 503.
pub async fn signup(
    state: &AppState,
    req: SignupRequest,
    client: &Client,
) -> Result<SessionGrant, AppError> {
    let account = NewAccount::from_request(req)?;
    let hash = password::hash(&state.cpu, account.password.clone()).await?;
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let user_id = insert_account(&mut tx, &account, &hash, now).await?;
    let issued = session::issue(&mut tx, user_id, client, &state.sessions, now).await?;
    tx.commit().await?;
    auth::grant(&state.db, issued).await
}
