//! Sign-in, sign-out and "who am I": the rules, independent of HTTP. Signing up (an
//! account comes with its personal context) is [`crate::signup`].

use orgdesk_model::auth::{LoginRequest, Me, SessionGrant};
use orgdesk_model::validate;

use crate::auth::error::AuthError;
use crate::auth::session::{self, Issued, SessionRecord};
use crate::auth::{account, password, throttle};
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;

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
        return Err(AuthError::InvalidCredentials.into());
    };
    throttle::clear(&mut tx, &email).await?;
    session::purge_expired(&mut tx, now).await?;
    let issued = session::issue(&mut tx, user_id, now).await?;
    tx.commit().await?;
    grant(db, issued).await
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
        .ok_or(AuthError::Unauthenticated)?;
    let email = account::email_state(&mut conn, current.user_id)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    Ok(Me {
        user,
        personal_org_id,
        session_expires_at: to_datetime(current.expires_at),
        email_verified: email.verified,
    })
}

/// The grant for a session just issued: the token is shown this once.
pub async fn grant(db: &Db, issued: Issued) -> Result<SessionGrant, AppError> {
    let me = me(db, &issued.record).await?;
    Ok(SessionGrant {
        token: issued.token,
        expires_at: me.session_expires_at,
        me,
    })
}
