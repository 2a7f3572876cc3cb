//! An org's OpenID Connect connection (`sso_connections`, one per org): read, replaced
//! and removed by owners and admins ([`Capability::ManageSecurity`]). Saving validates
//! every field and fetches the provider's discovery document and keys
//! ([`provider::discover`]); the client secret is sealed with the server's key, bound to
//! the org ([`secret_context`]), and never returned nor written to the audit log.
//! Changes are audited (`org.sso_updated` with the fields before and after, without the
//! secret; `org.sso_removed`).

use orgdesk_model::audit::AuditAction;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::sso::{
    normalize_domain, SsoConnection, SsoConnectionRequest, SsoSettings, MAX_CLIENT_ID_LEN,
    MAX_CLIENT_SECRET_LEN, MAX_DOMAINS, MAX_ISSUER_LEN,
};
use orgdesk_model::{Capability, FieldError, OrgId, ProjectId, Role, UserId};
use serde_json::{json, Value};
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, to_datetime, Params};
use crate::error::AppError;
use crate::membership::{self, OrgKey};
use crate::sso::error::SsoError;
use crate::sso::provider::{self, Outbound};
use crate::state::AppState;

/// The path of the server's callback, which every provider must allow as redirect URI.
pub const CALLBACK_PATH: &str = "/v1/auth/sso/callback";

/// What the client secret is sealed to: a sealed secret copied to another org's row does
/// not open.
pub fn secret_context(org: OrgId) -> String {
    format!("sso-client-secret:{org}")
}

/// The server's callback URL, as providers must register it.
pub fn redirect_uri(state: &AppState) -> String {
    format!("{}{CALLBACK_PATH}", state.public_url)
}

/// A connection as stored (the secret still sealed).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    pub issuer: String,
    pub client_id: String,
    pub client_secret_sealed: String,
    pub discovery: String,
    allowed_domains: String,
    default_role: String,
    default_project_scope: String,
    pub require_sso: i64,
    pub create_members: i64,
    updated_at: i64,
}

impl Stored {
    pub fn allowed_domains(&self) -> Result<Vec<String>, AppError> {
        serde_json::from_str(&self.allowed_domains)
            .map_err(|_| AppError::CorruptRow("sso allowed domains"))
    }

    pub fn default_role(&self) -> Result<Role, AppError> {
        Role::parse(&self.default_role).ok_or(AppError::CorruptRow("sso default role"))
    }

    pub fn default_scope(&self) -> Result<ProjectScope, AppError> {
        serde_json::from_str(&self.default_project_scope)
            .map_err(|_| AppError::CorruptRow("sso project scope"))
    }

    fn into_wire(self) -> Result<SsoConnection, AppError> {
        Ok(SsoConnection {
            allowed_domains: self.allowed_domains()?,
            default_role: self.default_role()?,
            default_project_scope: self.default_scope()?,
            client_secret_set: true,
            require_sso: self.require_sso == 1,
            create_members: self.create_members == 1,
            updated_at: to_datetime(self.updated_at),
            issuer: self.issuer,
            client_id: self.client_id,
        })
    }
}

/// The org's connection, if it has one.
pub async fn stored(conn: &mut AnyConnection, org: OrgId) -> Result<Option<Stored>, AppError> {
    Ok(sqlx::query_as(
        "SELECT issuer, client_id, client_secret_sealed, discovery, allowed_domains, \
         default_role, default_project_scope, require_sso, create_members, updated_at \
         FROM sso_connections WHERE org_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?)
}

/// The connection and the redirect URI to register (owners and admins).
pub async fn get(state: &AppState, user: UserId, key: &OrgKey) -> Result<SsoSettings, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let view = membership::find(&mut conn, key, user).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    let connection = stored(&mut conn, view.org.id).await?;
    Ok(SsoSettings {
        connection: connection.map(Stored::into_wire).transpose()?,
        redirect_uri: redirect_uri(state),
    })
}

/// A request whose form is valid: the domains normalized, the scope only for members.
struct Valid {
    issuer: String,
    client_id: String,
    secret: Option<String>,
    domains: Vec<String>,
    role: Role,
    scope: ProjectScope,
}

fn field(errors: &mut Vec<FieldError>, name: &str, message: impl Into<String>) {
    errors.push(FieldError {
        field: name.to_owned(),
        message: message.into(),
    });
}

/// Checks every field's form (nothing is sent anywhere).
fn validate(outbound: &Outbound, req: &SsoConnectionRequest) -> Result<Valid, AppError> {
    let mut errors = Vec::new();
    let issuer = req.issuer.trim().to_owned();
    if issuer.len() > MAX_ISSUER_LEN {
        field(
            &mut errors,
            "issuer",
            format!("Use at most {MAX_ISSUER_LEN} characters."),
        );
    } else if let Err(refused) = outbound.check_form(&issuer) {
        field(&mut errors, "issuer", refused.to_string());
    } else if issuer.contains(['?', '#']) {
        field(&mut errors, "issuer", "An issuer has no query or fragment.");
    }
    let client_id = req.client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID_LEN {
        field(
            &mut errors,
            "client_id",
            format!("Use 1 to {MAX_CLIENT_ID_LEN} characters."),
        );
    }
    let secret = req.client_secret.clone().filter(|s| !s.is_empty());
    if secret
        .as_ref()
        .is_some_and(|s| s.len() > MAX_CLIENT_SECRET_LEN)
    {
        field(
            &mut errors,
            "client_secret",
            format!("Use at most {MAX_CLIENT_SECRET_LEN} characters."),
        );
    }
    let mut domains: Vec<String> = Vec::new();
    if req.allowed_domains.len() > MAX_DOMAINS {
        field(
            &mut errors,
            "allowed_domains",
            format!("List at most {MAX_DOMAINS} domains."),
        );
    }
    for raw in req.allowed_domains.iter().take(MAX_DOMAINS + 1) {
        match normalize_domain(raw) {
            Some(domain) if !domains.contains(&domain) => domains.push(domain),
            Some(_) => {}
            None => field(
                &mut errors,
                "allowed_domains",
                format!(
                    "{:?} is not an email domain.",
                    raw.chars().take(80).collect::<String>()
                ),
            ),
        }
    }
    if !matches!(req.default_role, Role::Member | Role::Admin) {
        field(&mut errors, "default_role", "Use member or admin.");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let scope = match (&req.default_role, &req.default_project_scope) {
        (Role::Member, scope) => scope.clone(),
        _ => ProjectScope::All,
    };
    Ok(Valid {
        issuer,
        client_id,
        secret,
        domains,
        role: req.default_role,
        scope,
    })
}

/// 422 unless every project of `scope` is one of `org`'s.
async fn check_scope(
    conn: &mut AnyConnection,
    org: OrgId,
    scope: &ProjectScope,
) -> Result<(), AppError> {
    let ProjectScope::Projects { ids } = scope else {
        return Ok(());
    };
    let mut unique: Vec<String> = ids.iter().map(ProjectId::to_string).collect();
    unique.sort();
    unique.dedup();
    let refused = || {
        AppError::Validation(vec![FieldError {
            field: "default_project_scope".to_owned(),
            message: "Name only this organization's projects (at most 1000).".to_owned(),
        }])
    };
    if unique.is_empty() {
        return Ok(());
    }
    if unique.len() > 1000 {
        return Err(refused());
    }
    let mut params = Params::default();
    let org_param = params.text(org.to_string());
    let list: Vec<String> = unique.iter().map(|id| params.text(id.clone())).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM projects WHERE org_id = {org_param} AND id IN ({})",
        list.join(", ")
    );
    let (found,): (i64,) = params.bind(sqlx::query_as(&sql)).fetch_one(conn).await?;
    if usize::try_from(found).ok() != Some(unique.len()) {
        return Err(refused());
    }
    Ok(())
}

/// The audited fields (never the secret).
fn fields(c: &SsoConnection) -> Value {
    json!({
        "issuer": c.issuer,
        "client_id": c.client_id,
        "allowed_domains": c.allowed_domains,
        "default_role": c.default_role,
        "default_project_scope": c.default_project_scope,
        "require_sso": c.require_sso,
        "create_members": c.create_members,
    })
}

/// Creates or replaces the connection, after fetching and validating the provider's
/// discovery document (outside the transaction: it may take seconds).
pub async fn put(
    state: &AppState,
    actor: &Actor,
    key: &OrgKey,
    req: &SsoConnectionRequest,
) -> Result<SsoSettings, AppError> {
    let outbound = Outbound::new(state.allow_insecure_sso);
    {
        let mut conn = state.db.pool().acquire().await?;
        let view = membership::find(&mut conn, key, actor.user_id).await?;
        membership::require_team(&view, Capability::ManageSecurity)?;
    }
    let valid = validate(&outbound, req)?;
    let discovered = provider::discover(&outbound, &valid.issuer)
        .await
        .map_err(SsoError::from)?;
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let view = membership::lock_for_member(&mut tx, key, actor.user_id).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    let org = view.org.id;
    check_scope(&mut tx, org, &valid.scope).await?;
    let before = stored(&mut tx, org).await?;
    let sealed = match (&valid.secret, &before) {
        (Some(secret), _) => state.sealing.seal(secret, &secret_context(org)),
        (None, Some(before)) => before.client_secret_sealed.clone(),
        (None, None) => return Err(SsoError::SecretRequired.into()),
    };
    sqlx::query(
        "INSERT INTO sso_connections (org_id, issuer, client_id, client_secret_sealed, \
         discovery, allowed_domains, default_role, default_project_scope, require_sso, \
         create_members, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (org_id) DO UPDATE SET issuer = $2, client_id = $3, \
         client_secret_sealed = $4, discovery = $5, allowed_domains = $6, default_role = $7, \
         default_project_scope = $8, require_sso = $9, create_members = $10, updated_at = $11",
    )
    .bind(org.to_string())
    .bind(&valid.issuer)
    .bind(&valid.client_id)
    .bind(&sealed)
    .bind(discovered.document.to_string())
    .bind(json!(valid.domains).to_string())
    .bind(valid.role.as_str())
    .bind(json!(valid.scope).to_string())
    .bind(i64::from(req.require_sso))
    .bind(i64::from(req.create_members))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let before = before.map(Stored::into_wire).transpose()?;
    let after = stored(&mut tx, org)
        .await?
        .ok_or(AppError::CorruptRow("sso connection"))?
        .into_wire()?;
    Entry::org(org, AuditAction::OrgSsoUpdated)
        .details(json!({
            "before": before.as_ref().map(fields),
            "after": fields(&after),
            "secret_replaced": valid.secret.is_some(),
        }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(SsoSettings {
        connection: Some(after),
        redirect_uri: redirect_uri(state),
    })
}

/// Removes the connection (404 when there is none); flows in progress end with it.
pub async fn delete(state: &AppState, actor: &Actor, key: &OrgKey) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let view = membership::lock_for_member(&mut tx, key, actor.user_id).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    let org = view.org.id;
    let before = stored(&mut tx, org).await?.ok_or(SsoError::NotConfigured)?;
    sqlx::query("DELETE FROM sso_connections WHERE org_id = $1")
        .bind(org.to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sso_flows WHERE org_id = $1")
        .bind(org.to_string())
        .execute(&mut *tx)
        .await?;
    Entry::org(org, AuditAction::OrgSsoRemoved)
        .details(json!({ "issuer": before.issuer }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(())
}
