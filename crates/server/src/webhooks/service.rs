//! The webhook rules: owners and admins (`ManageSecurity`) manage an org's endpoints; for
//! anyone else they do not exist (a member gets 403, a stranger 404). Every change is
//! audited, and its audit event is itself a webhook event.

use orgdesk_model::event::AuditAction;
use orgdesk_model::validate::{self, Lines};
use orgdesk_model::webhook::{
    CreateWebhookRequest, CreatedWebhook, RotatedWebhookSecret, UpdateWebhookRequest, Webhook,
    MAX_DESCRIPTION_LEN, MAX_WEBHOOKS_PER_ORG, PREVIOUS_SECRET_HOURS,
};
use orgdesk_model::{Capability, FieldError, UserId, WebhookId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{Changes, Entry};
use crate::auth::Actor;
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::membership::{self, require, MemberView, OrgKey};
use crate::state::AppState;
use crate::webhooks::error::WebhookError;
use crate::webhooks::repo::{self, Settings};
use crate::webhooks::{guard, secrets, signing, WebhookConfig};

/// The org as a manager of its webhooks sees it, for reading.
pub async fn managed(
    conn: &mut AnyConnection,
    org: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    let view = membership::find(conn, org, user).await?;
    require(&view, Capability::ManageSecurity)?;
    Ok(view)
}

/// The same, with the org locked for a change.
async fn managed_for_change(
    conn: &mut AnyConnection,
    org: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    let view = membership::lock_for_member(conn, org, user).await?;
    require(&view, Capability::ManageSecurity)?;
    Ok(view)
}

pub async fn list(db: &Db, user: UserId, org: &OrgKey) -> Result<Vec<Webhook>, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = managed(&mut conn, org, user).await?;
    repo::list(&mut conn, view.org.id, now_ms()).await
}

pub async fn get(db: &Db, user: UserId, org: &OrgKey, id: WebhookId) -> Result<Webhook, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = managed(&mut conn, org, user).await?;
    repo::find(&mut conn, view.org.id, id, now_ms())
        .await?
        .ok_or(AppError::NotFound)
}

/// Settings as asked for, cleaned and checked field by field; the URL is checked by the
/// outbound guard (its host resolved) unless the server allows internal hosts anyway.
struct Checked {
    url: String,
    description: String,
    all_events: bool,
    events: Vec<AuditAction>,
    enabled: bool,
}

impl Checked {
    fn settings(&self) -> Settings<'_> {
        Settings {
            url: &self.url,
            description: &self.description,
            all_events: self.all_events,
            events: &self.events,
            enabled: self.enabled,
        }
    }
}

async fn check(wanted: Checked, config: WebhookConfig) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let description = validate::clean(&wanted.description);
    if description.chars().count() > MAX_DESCRIPTION_LEN {
        errors.push(FieldError {
            field: "description".to_owned(),
            message: format!("Keep the description to {MAX_DESCRIPTION_LEN} characters."),
        });
    }
    validate::plain_text("description", &description, Lines::One, &mut errors);
    if !wanted.all_events && wanted.events.is_empty() {
        errors.push(FieldError {
            field: "events".to_owned(),
            message: "Pick at least one event, or all events.".to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let url = guard::parse(&wanted.url, config).map_err(WebhookError::from)?;
    if !config.allow_private {
        guard::resolve(&url, config)
            .await
            .map_err(WebhookError::from)?;
    }
    let mut events = wanted.events;
    events.sort_by_key(|e| AuditAction::ALL.iter().position(|a| a == e));
    events.dedup();
    Ok(Checked {
        url: url.to_string(),
        description,
        events: if wanted.all_events {
            Vec::new()
        } else {
            events
        },
        ..wanted
    })
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    org: &OrgKey,
    req: &CreateWebhookRequest,
) -> Result<CreatedWebhook, AppError> {
    // Who asks comes first: a stranger learns nothing and resolves no host.
    {
        let mut conn = state.db.pool().acquire().await?;
        managed(&mut conn, org, actor.user_id).await?;
    }
    let wanted = Checked {
        url: req.url.clone(),
        description: req.description.clone(),
        all_events: req.all_events,
        events: req.events.clone(),
        enabled: req.enabled,
    };
    let checked = check(wanted, state.webhooks).await?;
    let now = now_ms();
    let id = WebhookId::new();
    let secret = signing::new_secret();
    let mut tx = state.db.write().await?;
    let view = managed_for_change(&mut tx, org, actor.user_id).await?;
    let existing = repo::count(&mut tx, view.org.id).await?;
    if usize::try_from(existing).unwrap_or(usize::MAX) >= MAX_WEBHOOKS_PER_ORG {
        return Err(WebhookError::TooMany.into());
    }
    let sealed = secrets::seal(&state.sealing, id, &secret);
    repo::insert(&mut tx, view.org.id, id, &checked.settings(), &sealed, now).await?;
    Entry::new(view.org.id, AuditAction::WebhookCreated, id)
        .details(json!({
            "url": checked.url,
            "all_events": checked.all_events,
            "events": checked.events,
            "enabled": checked.enabled,
        }))
        .write(&mut tx, actor, now)
        .await?;
    let webhook = repo::find(&mut tx, view.org.id, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(CreatedWebhook { webhook, secret })
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    org: &OrgKey,
    id: WebhookId,
    req: &UpdateWebhookRequest,
) -> Result<Webhook, AppError> {
    // Read first (404/403 before any check of the body), then check, then change under
    // the org's lock, starting again from the row as it is then.
    let current = get(&state.db, actor.user_id, org, id).await?;
    let wanted = |current: &Webhook| Checked {
        url: req.url.clone().unwrap_or_else(|| current.url.clone()),
        description: req
            .description
            .clone()
            .unwrap_or_else(|| current.description.clone()),
        all_events: req.all_events.unwrap_or(current.all_events),
        events: req.events.clone().unwrap_or_else(|| current.events.clone()),
        enabled: req.enabled.unwrap_or(current.enabled),
    };
    if req.url.is_some() {
        check(wanted(&current), state.webhooks).await?;
    }
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let view = managed_for_change(&mut tx, org, actor.user_id).await?;
    let before = repo::find(&mut tx, view.org.id, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    // The URL was checked above; a URL saved earlier is not resolved again here.
    let unchecked = WebhookConfig::open();
    let after = check(wanted(&before), unchecked).await?;
    let changes = Changes::default()
        .field("url", &before.url, &after.url)
        .field("description", &before.description, &after.description)
        .field("all_events", before.all_events, after.all_events)
        .field("events", &before.events, &after.events)
        .field("enabled", before.enabled, after.enabled);
    if !changes.is_empty() {
        repo::update(&mut tx, view.org.id, id, &after.settings(), now).await?;
        Entry::new(view.org.id, AuditAction::WebhookUpdated, id)
            .details(changes.into_details())
            .write(&mut tx, actor, now)
            .await?;
    }
    let webhook = repo::find(&mut tx, view.org.id, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(webhook)
}

pub async fn delete(db: &Db, actor: &Actor, org: &OrgKey, id: WebhookId) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = managed_for_change(&mut tx, org, actor.user_id).await?;
    let webhook = repo::find(&mut tx, view.org.id, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    repo::delete(&mut tx, view.org.id, id).await?;
    Entry::new(view.org.id, AuditAction::WebhookDeleted, id)
        .details(json!({ "url": webhook.url }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A new secret, shown once; the previous one keeps signing for a day, so receivers can
/// switch without missing a delivery.
pub async fn rotate_secret(
    state: &AppState,
    actor: &Actor,
    org: &OrgKey,
    id: WebhookId,
) -> Result<RotatedWebhookSecret, AppError> {
    let now = now_ms();
    let until = now + PREVIOUS_SECRET_HOURS * 3600 * 1000;
    let secret = signing::new_secret();
    let mut tx = state.db.write().await?;
    let view = managed_for_change(&mut tx, org, actor.user_id).await?;
    repo::find(&mut tx, view.org.id, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let sealed = secrets::seal(&state.sealing, id, &secret);
    repo::rotate(&mut tx, id, &sealed, until, now).await?;
    Entry::new(view.org.id, AuditAction::WebhookSecretRotated, id)
        .details(json!({ "previous_expires_at": to_datetime(until) }))
        .write(&mut tx, actor, now)
        .await?;
    let webhook = repo::find(&mut tx, view.org.id, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(RotatedWebhookSecret {
        webhook,
        secret,
        previous_expires_at: to_datetime(until),
    })
}
