//! Card payments (a server in `stripe` payment mode): the billing profile, the card page
//! and watching for the card it saves, credit packs bought with the saved card — through
//! the outbox, so a payment asked for once is charged once across retries and restarts —
//! then followed until the processor settles it, the payment history and receipts.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use orgdesk_client::{Client, OrgData, OrgRead, ReadKey, ReadScope};
use orgdesk_model::billing::BillingSummary;
use orgdesk_model::payment::{
    BillingProfile, CardSetup, CardSummary, Payment, PaymentReceipt, PaymentRequest, PaymentStatus,
};
use orgdesk_model::{ApiError, ErrorCode, OrgId, Page, PaymentId};
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::host::Spawner;
use crate::outbox::edits::{PayByCard, SetBillingProfile};
use crate::outbox::{Outbox, Outcome};
use crate::reads::{Fresh, Reads};

/// How long a pending payment is followed before the app stops waiting for it (it still
/// settles on the server; the history shows it then).
const SETTLE_BUDGET: Duration = Duration::from_secs(60);
/// How often the card page's outcome is looked for while its window is open.
const CARD_CHECK_EVERY: Duration = Duration::from_secs(2);
/// The card page is watched at most this long.
const CARD_WATCH_LIMIT: Duration = Duration::from_secs(30 * 60);

/// A top-up by card as far as it went: the payment, and once it succeeded the balance
/// with its credits in.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CardTopUp {
    pub payment: Payment,
    /// Set once the payment succeeded: the org's balance, read from the server after.
    pub balance: Option<i64>,
}

/// What a top-up by card reports while it waits for the processor.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PaymentProgress {
    pub payment: Payment,
    /// How many times the payment was asked for since it was created.
    pub checks: u32,
}

pub struct Payments {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
    spawner: Arc<dyn Spawner>,
}

impl Payments {
    pub fn new(reads: Arc<Reads>, outbox: Arc<Outbox>, spawner: Arc<dyn Spawner>) -> Self {
        Self {
            reads,
            outbox,
            spawner,
        }
    }

    /// Who the org's receipts are made out to.
    pub async fn profile(&self, org_id: OrgId) -> Result<Fresh<BillingProfile>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::BillingProfile);
        let read = move |c: Client| async move { c.billing_profile(org_id).await };
        self.reads.read(key, read).await
    }

    /// Saves the billing details (queued while offline). A field the server refuses comes
    /// back as the error, naming the field.
    pub async fn set_profile(
        &self,
        org_id: OrgId,
        profile: BillingProfile,
    ) -> Result<Outcome<BillingProfile>, AppError> {
        let edit = SetBillingProfile { org_id, profile };
        self.outbox.submit(edit, None).await
    }

    /// One page of the org's card payments, newest first.
    pub async fn list(
        &self,
        org_id: OrgId,
        cursor: Option<String>,
    ) -> Result<Fresh<Page<Payment>>, AppError> {
        let key = ReadKey::of(
            org_id,
            OrgRead::Payments {
                cursor: cursor.clone(),
            },
        );
        let read = move |c: Client| async move { c.payments(org_id, cursor.as_deref(), 50).await };
        self.reads.read(key, read).await
    }

    /// One payment as the server has it now (it settles a pending one with the
    /// processor); when it moved, the pages showing payments and credits read again.
    pub async fn check(&self, org_id: OrgId, id: PaymentId) -> Result<Payment, AppError> {
        let payment = self
            .reads
            .live("Checking a payment", |c| async move {
                c.payment(org_id, id).await
            })
            .await?;
        if payment.status != PaymentStatus::Pending {
            self.reads.changed(settled_scopes(org_id));
        }
        Ok(payment)
    }

    /// A paid payment's receipt, as the server has it.
    pub async fn receipt(&self, org_id: OrgId, id: PaymentId) -> Result<PaymentReceipt, AppError> {
        let read = |c: Client| async move { c.payment_receipt(org_id, id).await };
        self.reads.live("Opening a receipt", read).await
    }

    /// Where to enter a card: the server's card page (needs the server now).
    pub async fn card_setup(&self, org_id: OrgId) -> Result<CardSetup, AppError> {
        let call = |c: Client| async move { c.card_setup(org_id).await };
        self.reads.live("Adding a card", call).await
    }

    /// The card the server has for the org now; the billing summary read for it is kept
    /// (and shown) when it differs from what was remembered.
    pub async fn current_card(&self, org_id: OrgId) -> Result<Option<CardSummary>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Billing);
        let before: Option<BillingSummary> = self.reads.remembered(&key).await?;
        let read = |c: Client| async move { c.billing(org_id).await };
        let now = self.reads.live("Checking the card", read).await?.value;
        if before.as_ref() != Some(&now) {
            self.reads.changed(vec![key.scope()]);
        }
        Ok(now.card)
    }

    /// While the card page is open (`open` says so), looks every few seconds for the card
    /// it saves; stops once the card changed, or the page was closed (after one last
    /// look), or after half an hour. Every change is announced to the pages.
    pub fn watch_card(
        self: &Arc<Self>,
        org_id: OrgId,
        before: Option<CardSummary>,
        open: impl Fn() -> bool + Send + 'static,
    ) {
        let this = self.clone();
        self.spawner.run(async move {
            let started = tokio::time::Instant::now();
            while started.elapsed() < CARD_WATCH_LIMIT {
                tokio::time::sleep(CARD_CHECK_EVERY).await;
                let still_open = open();
                match this.current_card(org_id).await {
                    Ok(card) if card != before => break,
                    Ok(_) => {}
                    Err(e) => tracing::debug!(error = %e, "the card could not be checked"),
                }
                if !still_open {
                    break;
                }
            }
        });
    }

    /// Buys a credit pack with the saved card. `request_id` is made once when the user
    /// asks for this payment and sent again on every retry (and by the outbox, after a
    /// restart too), so the card is charged once. Once the server took it, the payment is
    /// followed until the processor settles it (`progress` hears each look), within a
    /// bound: past it, the payment comes back still `pending`. A decline, at once or
    /// later, is `payment_declined` with the processor's reason; no credits were added.
    pub async fn top_up(
        &self,
        org_id: OrgId,
        credits: i64,
        request_id: String,
        mut progress: impl FnMut(PaymentProgress) + Send,
    ) -> Result<Outcome<CardTopUp>, AppError> {
        let edit = PayByCard {
            org_id,
            input: PaymentRequest { credits },
        };
        let payment = match self.outbox.submit(edit, Some(request_id)).await? {
            Outcome::Applied { value } => value,
            Outcome::Queued { change } => return Ok(Outcome::Queued { change }),
        };
        progress(PaymentProgress {
            payment: payment.clone(),
            checks: 0,
        });
        let id = payment.id;
        let look = || async move {
            let read = |c: Client| async move { c.payment(org_id, id).await };
            self.reads.live("Checking the payment", read).await
        };
        let payment = follow(payment, look, settle_delays(), &mut progress).await;
        let payment = declined(payment)?;
        if payment.status == PaymentStatus::Pending {
            return Ok(Outcome::Applied {
                value: CardTopUp {
                    payment,
                    balance: None,
                },
            });
        }
        self.reads.changed(settled_scopes(org_id));
        let read = |c: Client| async move { c.billing(org_id).await };
        let balance = self
            .reads
            .live("Reading the balance", read)
            .await
            .ok()
            .map(|s| s.value.balance);
        Ok(Outcome::Applied {
            value: CardTopUp { payment, balance },
        })
    }
}

/// What a settled payment changes: the balance, the ledger, the payment history, the
/// statements.
fn settled_scopes(org_id: OrgId) -> Vec<ReadScope> {
    [
        OrgData::Billing,
        OrgData::Ledger,
        OrgData::Payments,
        OrgData::Invoices,
    ]
    .into_iter()
    .map(|data| ReadScope::OrgData { org_id, data })
    .collect()
}

/// The waits between looks at a pending payment: quick at first (most settle at once),
/// then less often, adding up to [`SETTLE_BUDGET`].
pub fn settle_delays() -> impl Iterator<Item = Duration> {
    let mut next = Duration::from_millis(500);
    let mut total = Duration::ZERO;
    std::iter::from_fn(move || {
        if total >= SETTLE_BUDGET {
            return None;
        }
        let wait = next.min(SETTLE_BUDGET - total);
        total += wait;
        next = (next * 2).min(Duration::from_secs(8));
        Some(wait)
    })
}

/// Looks at a pending payment after each of `delays` until it is no longer pending; an
/// error ends the looking (the payment stays as last seen: it settles on the server
/// anyway). `progress` hears every look.
pub async fn follow<F, Fut>(
    mut payment: Payment,
    mut look: F,
    delays: impl Iterator<Item = Duration>,
    progress: &mut impl FnMut(PaymentProgress),
) -> Payment
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Payment, AppError>>,
{
    for (checks, wait) in (1..).zip(delays) {
        if payment.status != PaymentStatus::Pending {
            break;
        }
        tokio::time::sleep(wait).await;
        match look().await {
            Ok(now) => payment = now,
            Err(e) => {
                tracing::info!(error = %e, "stopped following a pending payment");
                break;
            }
        }
        progress(PaymentProgress {
            payment: payment.clone(),
            checks,
        });
    }
    payment
}

/// A failed payment is the decline it is, with the processor's reason.
pub fn declined(payment: Payment) -> Result<Payment, AppError> {
    if payment.status != PaymentStatus::Failed {
        return Ok(payment);
    }
    let reason = payment
        .failure_message
        .clone()
        .unwrap_or_else(|| "The card was declined.".into());
    Err(AppError::Refused(ApiError::new(
        ErrorCode::PaymentDeclined,
        reason,
    )))
}
