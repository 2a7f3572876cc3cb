//! Card payments on the wire (a server in `stripe` payment mode): the org's billing
//! profile and saved card, top-up payments with their receipts, and the subscription that
//! pays for a paid plan.
//!
//! Credits bought by card are written only once the processor says the payment succeeded
//! (its signed webhook, or the payment read back from it), exactly once per payment.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, PaymentId, UserId};
use crate::plan::Plan;

/// Where a card payment stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Sent to the processor; no credits yet.
    Pending,
    /// Paid: the credits are in the ledger.
    Succeeded,
    /// Declined or failed: no credits. `failure_message` says why.
    Failed,
    /// Paid, then refunded in part: the refunded credits were taken back.
    PartiallyRefunded,
    /// Paid, then refunded in full.
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Succeeded,
        Self::Failed,
        Self::PartiallyRefunded,
        Self::Refunded,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::PartiallyRefunded => "partially_refunded",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a payment paid for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PaymentPurpose {
    /// A credit pack.
    TopUp,
    /// A period of a paid plan.
    Subscription,
}

impl PaymentPurpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TopUp => "top_up",
            Self::Subscription => "subscription",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::TopUp, Self::Subscription]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A saved card, as much of it as may be shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CardSummary {
    /// `visa`, `mastercard`, … as the processor names it.
    pub brand: String,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
}

/// Who the org's receipts are made out to. Every field is optional; empty strings clear.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct BillingProfile {
    /// Where the processor sends its own receipts.
    #[serde(default)]
    pub billing_email: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub address_line1: Option<String>,
    #[serde(default)]
    pub address_line2: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    #[serde(default)]
    pub country: Option<String>,
    /// A VAT or other tax number, printed on receipts.
    #[serde(default)]
    pub tax_id: Option<String>,
}

/// `POST /v1/orgs/{org}/billing/card`: where to enter a card. The page is served by this
/// server and hands the card to the processor directly (the number never reaches us);
/// once it is saved the card shows in the billing summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CardSetup {
    /// Open this in a browser window.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A credit pack on sale, priced in the rate card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CreditPack {
    pub credits: i64,
    /// The price in the currency's smallest unit (cents).
    pub price: i64,
    /// ISO 4217, lower case (`eur`).
    pub currency: String,
}

/// A paid plan's monthly price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PlanPrice {
    pub plan: Plan,
    /// Per month, in the currency's smallest unit.
    pub price: i64,
    pub currency: String,
}

/// `POST /v1/orgs/{org}/payments`: buy a credit pack with the saved card. Needs an
/// `Idempotency-Key` (passed on to the processor: one key is charged once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PaymentRequest {
    /// The pack's credits (one of the rate card's `credit_packs`).
    pub credits: i64,
}

/// One card payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Payment {
    pub id: PaymentId,
    pub org_id: OrgId,
    pub purpose: PaymentPurpose,
    pub status: PaymentStatus,
    /// Credits bought (0 for a subscription payment).
    pub credits: i64,
    /// Credits taken back by refunds.
    pub refunded_credits: i64,
    /// What was charged, in the currency's smallest unit.
    pub price: i64,
    pub currency: String,
    /// The plan a subscription payment paid for.
    pub plan: Option<Plan>,
    /// The card charged, when known.
    pub card: Option<CardSummary>,
    /// The processor's reason, for a failed payment.
    pub failure_message: Option<String>,
    /// Who started it (none for a renewal).
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// When it succeeded or failed.
    pub settled_at: Option<DateTime<Utc>>,
    /// The receipt's number, once paid (`OD-2026-000042`).
    pub receipt_number: Option<String>,
}

/// `GET /v1/orgs/{org}/payments/{id}/receipt`: a paid payment's receipt (also as PDF at
/// `…/receipt.pdf`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PaymentReceipt {
    pub number: String,
    pub payment: Payment,
    pub org_name: String,
    /// Made out to, as the billing profile read when the payment succeeded.
    pub bill_to: BillingProfile,
    /// One line per thing bought.
    pub description: String,
    pub paid_at: DateTime<Utc>,
}

/// Where the org's paid plan stands with the processor.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Asked for; the plan changes when the processor says the subscription is active.
    Pending,
    Active,
    /// A renewal failed: the plan stays for now, the owner must update the card.
    PastDue,
    Canceled,
}

impl SubscriptionStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Active, Self::PastDue, Self::Canceled];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The org's subscription, in the billing summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SubscriptionState {
    pub plan: Plan,
    pub status: SubscriptionStatus,
    /// Set while past due: since when.
    pub past_due_since: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for status in PaymentStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(PaymentStatus::parse(status.as_str()), Some(status));
        }
        for status in SubscriptionStatus::ALL {
            assert_eq!(SubscriptionStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(PaymentPurpose::parse("top_up"), Some(PaymentPurpose::TopUp));
    }
}
