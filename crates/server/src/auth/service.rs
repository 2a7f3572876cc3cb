//! Sign-up, sign-in, sign-out and "who am I": the rules, independent of HTTP.

use orgdesk_model::auth::{LoginRequest, Me, SessionGrant, SignupRequest};
use orgdesk_model::{validate, FieldError, UserId};

use crate::auth::session::{self, Issued, SessionRecord};
use crate::auth::{account, password, throttle};
use crate::db::{now_ms, to_datetime, Db, Tx};
use crate::error::AppError;
use crate::orgs;

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
pub async fn create_account(db: &Db, account: NewAccount) -> Result<UserId, AppError> {
    let hash = password::hash(account.password.clone()).await?;
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
        .ok_or(AppError::EmailTaken)?;
    orgs::repo::insert_personal(tx, user_id, now).await?;
    Ok(user_id)
}

/// Account, personal context and first session, all or nothing.
pub async fn signup(db: &Db, req: SignupRequest) -> Result<SessionGrant, AppError> {
    let account = NewAccount::from_request(req)?;
    let hash = password::hash(account.password.clone()).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let user_id = insert_account(&mut tx, &account, &hash, now).await?;
    let issued = session::issue(&mut tx, user_id, now).await?;
    tx.commit().await?;
    answer(db, issued).await
}

/// Signs in. Unknown emails and wrong passwords answer alike, after the same work.
pub async fn login(db: &Db, req: LoginRequest, ip: &str) -> Result<SessionGrant, AppError> {
    let email = validate::normalize_email(&req.email);
    let mut conn = db.pool().acquire().await?;
    throttle::check(&mut conn, &email, ip, now_ms()).await?;
    let found = account::credentials(&mut conn, &email).await?;
    drop(conn);
    let (user_id, hash) = found.map_or((None, None), |(id, hash)| (Some(id), Some(hash)));
    let matches = password::verify(req.password, hash).await?;
    let mut tx = db.write().await?;
    let now = now_ms();
    let Some(user_id) = user_id.filter(|_| matches) else {
        throttle::record_failure(&mut tx, &email, ip, now).await?;
        tx.commit().await?;
        return Err(AppError::InvalidCredentials);
    };
    throttle::clear(&mut tx, &email).await?;
    session::purge_expired(&mut tx, now).await?;
    let issued = session::issue(&mut tx, user_id, now).await?;
    tx.commit().await?;
    answer(db, issued).await
}

pub async fn logout(db: &Db, current: &SessionRecord) -> Result<(), AppError> {
    let mut conn = db.pool().acquire().await?;
    session::revoke(&mut conn, &current.token_hash).await?;
    Ok(())
}

pub async fn me(db: &Db, current: &SessionRecord) -> Result<Me, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (user, personal_org_id) = account::profile(&mut conn, current.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Me {
        user,
        personal_org_id,
        session_expires_at: to_datetime(current.expires_at),
    })
}

/// The grant for a session just issued: the token is shown this once.
async fn answer(db: &Db, issued: Issued) -> Result<SessionGrant, AppError> {
    let me = me(db, &issued.record).await?;
    Ok(SessionGrant {
        token: issued.token,
        expires_at: me.session_expires_at,
        me,
    })
}
