//! Paying for top-ups and paid plans. A server runs in one [`PaymentMode`] ([`Payments`]):
//! `none` takes no payments at all (its operator grants credits and sets plans), `local`
//! records top-ups without charging ([`RecordedPayments`], the desktop app's built-in
//! server), `stripe` sells credit packs and plans by card ([`crate::stripe`]).
//! [`PaymentProvider`] is the seam of the recorded top-up route.
//!
//! The provider is called before the ledger transaction opens (a processor is never
//! called while the org's row is locked), with the request's Idempotency-Key so that a
//! processor can deduplicate charges the way the ledger deduplicates entries.

use std::fmt;
use std::sync::Arc;

use orgdesk_model::billing::PaymentMode;
use orgdesk_model::OrgId;

use crate::stripe::{Stripe, StripeConfig};

/// One charge to make.
#[derive(Debug, Clone)]
pub struct Charge<'a> {
    pub org: OrgId,
    /// Credits bought (one credit is one unit of the processor's currency here).
    pub amount: i64,
    /// The reference the caller gave, if any.
    pub reference: Option<&'a str>,
    /// The request's idempotency scope and key, when it had one.
    pub idempotency_key: Option<&'a str>,
}

/// A settled charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// What the ledger entry records as its reference.
    pub reference: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum PaymentError {
    /// The processor refused; the message is safe to show.
    #[error("{0}")]
    Declined(String),
    /// The processor could not be reached or failed.
    #[error("payment processor: {0}")]
    Unavailable(String),
    /// The server takes no payments (`--payments none`).
    #[error("this server takes no payments")]
    NotConfigured,
    /// The server takes card payments (`--payments stripe`): credits are bought as packs.
    #[error("this server sells credits by card")]
    ByCard,
}

#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    async fn charge(&self, charge: &Charge<'_>) -> Result<Receipt, PaymentError>;
}

/// Records the caller's payment reference; with none, a generated `manual-…` one.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordedPayments;

#[async_trait::async_trait]
impl PaymentProvider for RecordedPayments {
    async fn charge(&self, charge: &Charge<'_>) -> Result<Receipt, PaymentError> {
        let reference = match charge.reference {
            Some(reference) => reference.to_owned(),
            None => format!("manual-{}", uuid::Uuid::now_v7().simple()),
        };
        Ok(Receipt { reference })
    }
}

/// How this server takes payment: its mode, and the provider that charges (none in
/// `none` mode).
#[derive(Clone)]
pub struct Payments {
    mode: PaymentMode,
    provider: Option<Arc<dyn PaymentProvider>>,
    stripe: Option<Stripe>,
}

impl Payments {
    /// No payments: top-ups and paid plans are refused with `payments_not_configured`.
    pub fn none() -> Self {
        Self {
            mode: PaymentMode::None,
            provider: None,
            stripe: None,
        }
    }

    /// Cards through Stripe.
    pub fn stripe(config: StripeConfig) -> Self {
        Self {
            mode: PaymentMode::Stripe,
            provider: None,
            stripe: Some(Stripe::new(config)),
        }
    }

    /// Recorded, not charged.
    pub fn local() -> Self {
        Self::charged_by(PaymentMode::Local, Arc::new(RecordedPayments))
    }

    /// Charged by `provider`, reported to clients as `mode`.
    pub fn charged_by(mode: PaymentMode, provider: Arc<dyn PaymentProvider>) -> Self {
        Self {
            mode,
            provider: Some(provider),
            stripe: None,
        }
    }

    pub fn mode(&self) -> PaymentMode {
        self.mode
    }

    /// Whether owners may buy credits and paid plans themselves.
    pub fn self_service(&self) -> bool {
        self.provider.is_some() || self.stripe.is_some()
    }

    /// The provider that charges a recorded top-up; [`PaymentError::NotConfigured`] in
    /// `none` mode, [`PaymentError::ByCard`] in `stripe` mode.
    pub fn provider(&self) -> Result<&dyn PaymentProvider, PaymentError> {
        match (&self.provider, &self.stripe) {
            (Some(provider), _) => Ok(provider.as_ref()),
            (None, Some(_)) => Err(PaymentError::ByCard),
            (None, None) => Err(PaymentError::NotConfigured),
        }
    }

    /// Stripe, in `stripe` mode; [`PaymentError::NotConfigured`] otherwise.
    pub fn card_processor(&self) -> Result<&Stripe, PaymentError> {
        self.stripe.as_ref().ok_or(PaymentError::NotConfigured)
    }
}

/// How the server takes payment for top-ups and paid plans (`--payments`).
#[derive(Clone)]
pub enum PaymentsConfig {
    /// No payments (the `orgdesk-server` binary's default): self-service top-ups and paid
    /// plans answer 409 `payments_not_configured`; the operator grants credits and sets
    /// plans from the command line.
    None,
    /// The desktop app's built-in server: top-ups are recorded, not charged
    /// ([`RecordedPayments`]).
    Local,
    /// Cards through Stripe (`--payments stripe`).
    Stripe(StripeConfig),
    /// A provider the embedding program brings, charging as `local` mode's recorder would
    /// (tests drive declined and unavailable payments through one); reported as `local`.
    Provider(Arc<dyn PaymentProvider>),
}

impl PaymentsConfig {
    /// The mode clients are told.
    pub fn mode(&self) -> PaymentMode {
        match self {
            Self::None => PaymentMode::None,
            Self::Local | Self::Provider(_) => PaymentMode::Local,
            Self::Stripe(_) => PaymentMode::Stripe,
        }
    }

    /// What the running server takes payment with.
    pub fn payments(&self) -> Payments {
        match self {
            Self::None => Payments::none(),
            Self::Local => Payments::local(),
            Self::Stripe(config) => Payments::stripe(config.clone()),
            Self::Provider(provider) => Payments::charged_by(self.mode(), Arc::clone(provider)),
        }
    }
}

impl fmt::Debug for PaymentsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Local => f.write_str("Local"),
            Self::Stripe(config) => f.debug_tuple("Stripe").field(config).finish(),
            Self::Provider(_) => f.write_str("Provider(..)"),
        }
    }
}
