//! One's own account: the display name, the password, the email (a change waits for the
//! new address to confirm it: shown as pending until then) and deleting the account (then
//! this app signs out, as signing out does). All of it needs the server now.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use orgdesk_client::Client;
use orgdesk_model::account::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteAccountRequest, UpdateProfileRequest,
    VERIFY_TTL_HOURS,
};
use orgdesk_model::auth::Me;
use orgdesk_model::security::{AccountEvent, SecurityEvent};
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::reads::Reads;
use crate::session::SessionService;
use crate::signed_in::SignedIn;

/// Recent security events read to find a change of email still waiting.
const EVENTS_SCANNED: u32 = 50;

/// The account as the Account page shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AccountSummary {
    pub me: Me,
    /// A change of email waiting for the new address to follow its link.
    pub pending_email: Option<PendingEmail>,
}

/// A change of email the new address has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct PendingEmail {
    /// Where the link was mailed.
    pub email: String,
    pub requested_at: DateTime<Utc>,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

pub struct Account {
    reads: Arc<Reads>,
    signed_in: Arc<SignedIn>,
    session: Arc<SessionService>,
}

impl Account {
    pub fn new(reads: Arc<Reads>, signed_in: Arc<SignedIn>, session: Arc<SessionService>) -> Self {
        Self {
            reads,
            signed_in,
            session,
        }
    }

    /// The account as the server has it now, and a change of email still waiting.
    pub async fn summary(&self) -> Result<AccountSummary, AppError> {
        let read = |c: Client| async move {
            let me = c.me().await?.value;
            let events = c.security_events(None, EVENTS_SCANNED).await?;
            Ok((me, events.items))
        };
        let (me, events) = self.reads.live("Reading your account", read).await?;
        self.signed_in.set_me(me.clone()).await;
        Ok(AccountSummary {
            me,
            pending_email: pending_email(&events, Utc::now()),
        })
    }

    /// Changes the display name; answers the account as it is now.
    pub async fn update_profile(&self, display_name: String) -> Result<Me, AppError> {
        let input = UpdateProfileRequest { display_name };
        let update = |c: Client| async move { c.update_profile(&input).await };
        let me = self.reads.live("Changing your name", update).await?;
        self.signed_in.set_me(me.clone()).await;
        Ok(me)
    }

    /// Changes the password; the server ends every other session of the account.
    pub async fn change_password(&self, input: ChangePasswordRequest) -> Result<(), AppError> {
        let change = |c: Client| async move { c.change_password(&input).await };
        self.reads.live("Changing your password", change).await
    }

    /// Starts a change of email: the new address is mailed a link, and the account keeps
    /// its email until the link is followed.
    pub async fn change_email(&self, input: ChangeEmailRequest) -> Result<PendingEmail, AppError> {
        let email = input.new_email.trim().to_owned();
        let change = |c: Client| async move { c.change_email(&input).await };
        self.reads.live("Changing your email", change).await?;
        let now = Utc::now();
        Ok(PendingEmail {
            email,
            requested_at: now,
            expires_at: now + Duration::hours(VERIFY_TTL_HOURS),
        })
    }

    /// Deletes the account (the password confirms it), then signs this app out. Refused
    /// with `owns_organizations`, naming them, while the account owns any.
    pub async fn delete(&self, password: String) -> Result<(), AppError> {
        let input = DeleteAccountRequest { password };
        let delete = |c: Client| async move { c.delete_account(&input).await };
        self.reads.live("Deleting your account", delete).await?;
        self.session.sign_out().await
    }
}

/// The newest change of email still waiting: requested, not followed by a change, and its
/// link not expired. `events` are newest first.
fn pending_email(events: &[AccountEvent], now: DateTime<Utc>) -> Option<PendingEmail> {
    for e in events {
        match e.event {
            SecurityEvent::EmailChanged => return None,
            SecurityEvent::EmailChangeRequested => {
                let email = e.details.get("new")?.as_str()?.to_owned();
                let expires_at = e.created_at + Duration::hours(VERIFY_TTL_HOURS);
                return (expires_at > now).then_some(PendingEmail {
                    email,
                    requested_at: e.created_at,
                    expires_at,
                });
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event: SecurityEvent, details: serde_json::Value, hours_ago: i64) -> AccountEvent {
        AccountEvent {
            id: format!("{hours_ago}"),
            event,
            ip: None,
            user_agent: None,
            details,
            created_at: Utc::now() - Duration::hours(hours_ago),
        }
    }

    #[test]
    fn a_requested_change_waits_until_it_is_made_or_its_link_expires() {
        let now = Utc::now();
        let asked = event(
            SecurityEvent::EmailChangeRequested,
            serde_json::json!({"new": "ana@new.example"}),
            2,
        );
        let signed_in = event(SecurityEvent::SignedIn, serde_json::json!({}), 1);
        let waiting = pending_email(&[signed_in.clone(), asked.clone()], now).unwrap();
        assert_eq!(waiting.email, "ana@new.example");

        let changed = event(SecurityEvent::EmailChanged, serde_json::json!({}), 1);
        assert_eq!(pending_email(&[changed, asked.clone()], now), None);

        let old = event(
            SecurityEvent::EmailChangeRequested,
            serde_json::json!({"new": "ana@new.example"}),
            VERIFY_TTL_HOURS + 1,
        );
        assert_eq!(pending_email(&[signed_in, old], now), None);
        assert_eq!(pending_email(&[], now), None);
    }
}
