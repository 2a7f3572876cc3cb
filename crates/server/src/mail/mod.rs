//! Outgoing mail. A message is composed and written to the `mail_outbox` table inside the
//! transaction of the change it announces; a background task ([`delivery`]) delivers it
//! by SMTP or as an `.eml` file and retries with backoff, so nothing is lost when the
//! process dies between the commit and the delivery.

pub mod compose;
pub mod delivery;
pub mod outbox;

use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::Address;
use orgdesk_model::OrgId;
use sqlx::AnyConnection;
use tokio::sync::Notify;

use crate::db::now_ms;
use crate::error::{AppError, DomainError, INTERNAL_DETAIL};

/// What composing a message can fail with (logged, answered as internal).
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail: {0}")]
    Compose(String),
}

impl DomainError for MailError {
    fn code(&self) -> orgdesk_model::ErrorCode {
        orgdesk_model::ErrorCode::Internal
    }

    fn detail(&self) -> String {
        INTERNAL_DETAIL.to_owned()
    }
}

/// What the request handlers hold: the sender and a way to wake the delivery task.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    wake: Arc<Notify>,
}

/// A message ready for the outbox.
pub struct Outgoing<'a> {
    /// The org the message is about: its copy is kept once sent, for the org's
    /// mail-copies period. `None` (an account's own mail): deleted once sent.
    pub org: Option<OrgId>,
    pub to: &'a Address,
    pub subject: &'a str,
    pub text: &'a str,
}

impl Mailer {
    pub fn new(from: Mailbox) -> Self {
        Self {
            from,
            wake: Arc::new(Notify::new()),
        }
    }

    /// The signal the delivery task waits on.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Writes `mail` to the outbox on `conn` (the caller's transaction). Call [`Self::wake`]
    /// after the commit.
    pub async fn enqueue(
        &self,
        conn: &mut AnyConnection,
        mail: &Outgoing<'_>,
    ) -> Result<(), AppError> {
        let bytes = compose::message(&self.from, mail)?;
        let row = outbox::NewMail {
            org: mail.org,
            subject: mail.subject.to_owned(),
            sender: self.from.email.to_string(),
            recipient: mail.to.to_string(),
            message: bytes,
        };
        outbox::insert(conn, &row, now_ms()).await?;
        Ok(())
    }

    /// Tells the delivery task that new mail is waiting.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
