//! "Require SSO": where an org turned it on (`sso_connections.require_sso`), a member
//! whose account email is in one of the org's **verified** domains, and who is not the
//! org's owner, reaches it only with a session its SSO started (`sessions.sso_org_id`
//! naming the org). Any other session gets 403 `sso_required` on every route under
//! `/v1/orgs/{org}` — and only there: their other orgs and their personal context are
//! untouched, and the org still shows in `GET /v1/orgs`, so the app can offer "Continue
//! with <org> SSO".
//!
//! Who is not affected: the owner (a password way in, so that a broken provider cannot
//! lock the org out), members whose email is in another domain (a contractor's own
//! address), non-members (they get the route's own 404: nothing about the org leaks), and
//! API keys, which are not sessions (they follow their creator's role, and the org's
//! admins manage them).
//!
//! It is one route layer ([`guard`], in [`crate::router`]) around every route, outside
//! the idempotency layer (a refused request claims no key): it looks only at requests
//! whose route has an `{org}` segment and that carry a session token, and lets the route
//! do the rest (authentication, 404, roles). Its question is a column of the statement
//! that reads the session, and the live session it found goes on to the route
//! ([`extractor::remember`]): an org route reads the session once, not twice.

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use orgdesk_model::ErrorCode;

use crate::auth::extractor::{self, bearer};
use crate::auth::session::{self, ExtraColumn, TOKEN_PREFIX};
use crate::db::now_ms;
use crate::error::{AppError, DomainError};
use crate::membership::sso_required::REQUIRES_SSO;
use crate::membership::{OrgKey, OrgPath};
use crate::state::AppState;

/// The routes this applies to: every one under the org segment.
const ORG_ROUTES: &str = "/v1/orgs/{org}";

#[derive(Debug, thiserror::Error)]
#[error("the org requires its single sign-on of this account")]
pub struct SsoRequired;

impl DomainError for SsoRequired {
    fn code(&self) -> ErrorCode {
        ErrorCode::SsoRequired
    }

    fn detail(&self) -> String {
        "This organization requires you to sign in through its single sign-on (Continue \
         with SSO, with this organization's slug). Your other organizations keep working."
            .to_owned()
    }
}

/// The route layer: 403 `sso_required` for a session the org refuses, else the route.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

async fn check(state: &AppState, request: Request) -> Result<Request, AppError> {
    let org_scoped = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|path| {
            let path = path.as_str();
            path == ORG_ROUTES || path.starts_with(&format!("{ORG_ROUTES}/"))
        });
    if !org_scoped {
        return Ok(request);
    }
    let Some(token) = bearer(request.headers())
        .filter(|t| t.starts_with(TOKEN_PREFIX))
        .map(str::to_owned)
    else {
        return Ok(request);
    };
    let (mut parts, body) = request.into_parts();
    // A segment the route cannot read is the route's to refuse.
    let Ok(OrgPath(key)) = OrgPath::from_request_parts(&mut parts, state).await else {
        return Ok(Request::from_parts(parts, body));
    };
    let mut conn = state.db.pool().acquire().await?;
    let found = session::find_with(
        &mut conn,
        &token,
        &state.sessions,
        now_ms(),
        Some(requiring_org(&key)),
    )
    .await?;
    drop(conn);
    // An expired or idle session is the route's to answer (401), not ours.
    let Some((record, requiring)) = found else {
        return Ok(Request::from_parts(parts, body));
    };
    if let Some(org) = requiring {
        if record.sso_org_id.map(|id| id.to_string()).as_deref() != Some(org.as_str()) {
            return Err(SsoRequired.into());
        }
    }
    extractor::remember(&mut parts, record);
    Ok(Request::from_parts(parts, body))
}

/// The id of the org named by `key` when it requires its SSO of the session's person
/// (`NULL` otherwise: not a member, not required, or the owner), as a column read with
/// the session.
fn requiring_org(key: &OrgKey) -> ExtraColumn {
    let (filter, value) = match key {
        OrgKey::Id(id) => ("o.id = $3", id.to_string()),
        OrgKey::Slug(slug) => (
            "o.id = (SELECT org_id FROM org_slugs WHERE slug = $3)",
            slug.clone(),
        ),
    };
    ExtraColumn {
        column: format!(
            "(SELECT o.id FROM memberships m JOIN orgs o ON o.id = m.org_id \
             JOIN users u ON u.id = m.user_id \
             WHERE m.user_id = s.user_id AND {filter} AND {REQUIRES_SSO}) AS extra"
        ),
        value,
    }
}
