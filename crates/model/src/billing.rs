//! Credits, the ledger, top-ups, plans and low-balance alerts on the wire. Credits are
//! integers: there are no fractions of a credit anywhere.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ApiKeyId, LedgerEntryId, OrgId, ProjectId, UserId};
use crate::payment::{CardSummary, CreditPack, PlanPrice, SubscriptionState};
use crate::plan::{Plan, PlanLimits};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// Credits bought (positive).
    TopUp,
    /// Credits spent by metered usage (negative).
    Usage,
    /// Credits given, e.g. a welcome grant (positive).
    Grant,
    /// Credits given back for a charge (positive).
    Refund,
    /// A correction by an operator (either sign).
    Adjustment,
}

impl LedgerKind {
    pub const ALL: [LedgerKind; 5] = [
        Self::TopUp,
        Self::Usage,
        Self::Grant,
        Self::Refund,
        Self::Adjustment,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TopUp => "top_up",
            Self::Usage => "usage",
            Self::Grant => "grant",
            Self::Refund => "refund",
            Self::Adjustment => "adjustment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One append-only ledger line. `balance_after` is the org's balance once it applied; the
/// balance always equals the sum of all `amount`s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LedgerEntry {
    pub id: LedgerEntryId,
    pub org_id: OrgId,
    pub kind: LedgerKind,
    /// Signed credits: positive adds, negative spends.
    pub amount: i64,
    pub balance_after: i64,
    pub project_id: Option<ProjectId>,
    pub user_id: Option<UserId>,
    pub api_key_id: Option<ApiKeyId>,
    /// For usage: what was consumed, how much, at which rate-card version.
    pub modality: Option<Modality>,
    pub quantity: Option<i64>,
    pub rate_version: Option<i64>,
    /// For top-ups: the payment provider's reference.
    pub reference: Option<String>,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// Query parameters of the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    pub kind: Option<LedgerKind>,
    pub project: Option<ProjectId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Opaque cursor from the previous page's `next_cursor`; empty or absent for the first
    /// page.
    #[serde(default, deserialize_with = "crate::page::cursor")]
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Items per page, 1–200 (default 50).
    #[serde(default, deserialize_with = "crate::page::limit")]
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<u32>,
}

/// The ledger filters alone, as the app and client pass them around.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LedgerFilter {
    #[serde(default)]
    pub kind: Option<LedgerKind>,
    #[serde(default)]
    pub project: Option<ProjectId>,
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
}

/// What a top-up is paid with. Only a recorded payment reference exists today; a real
/// processor plugs in behind the server's payment-provider trait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TopUpRequest {
    /// Credits to add, 1 to 10,000,000.
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub amount: i64,
    /// The payment's reference (invoice number, transfer id, …).
    #[serde(default)]
    pub payment_reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TopUp {
    pub entry: LedgerEntry,
    pub balance: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChangePlanRequest {
    pub plan: Plan,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AlertSettings {
    /// Warn when the balance falls below this many credits; `None` turns the alert off.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub low_balance_threshold: Option<i64>,
}

/// A recorded crossing of the low-balance threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LowBalanceAlert {
    pub threshold: i64,
    pub balance: i64,
    pub at: DateTime<Utc>,
}

/// How much of each limit is in use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct PlanUsage {
    /// Active and suspended projects.
    pub projects: i64,
    /// Members plus pending invitations.
    pub seats: i64,
}

/// How the server takes payment for top-ups and paid plans (its `--payments` flag).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMode {
    /// No payments: top-ups and paid plans answer `payments_not_configured`; the server's
    /// operator grants credits and sets plans.
    None,
    /// The desktop app's built-in server: top-ups and plans are recorded, not charged.
    /// What a summary kept offline by an older app, which did not know the mode, reads as.
    #[default]
    Local,
    /// Cards through Stripe: top-ups are credit packs charged to the org's saved card,
    /// paid plans are subscriptions.
    Stripe,
}

impl PaymentMode {
    pub const ALL: [Self; 3] = [Self::None, Self::Local, Self::Stripe];

    /// The wire form, as the `--payments` flag spells it too.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Local => "local",
            Self::Stripe => "stripe",
        }
    }
}

/// `GET /v1/orgs/{org}/billing`: everything the billing page opens with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct BillingSummary {
    pub org_id: OrgId,
    /// How this server takes payment: with `none`, only its operator adds credits and
    /// sets paid plans.
    #[serde(default)]
    #[schema(required = true)]
    pub payment_mode: PaymentMode,
    pub balance: i64,
    pub plan: Plan,
    pub limits: PlanLimits,
    pub usage: PlanUsage,
    pub low_balance_threshold: Option<i64>,
    /// Set while the balance is below the threshold: when it crossed.
    pub low_balance_alert: Option<LowBalanceAlert>,
    /// Credits spent in the current calendar month (UTC).
    pub spent_this_month: i64,
    pub spend_policy: SpendPolicy,
    /// `stripe` mode: the saved card, if any.
    #[serde(default)]
    pub card: Option<CardSummary>,
    /// `stripe` mode: the paid plan's subscription, if any (past due shows here).
    #[serde(default)]
    pub subscription: Option<SubscriptionState>,
    /// Credits a refund took back that the balance did not hold: the org owes them.
    #[serde(default)]
    pub credits_owed: i64,
}

/// Who may spend the org's credits through metered usage.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SpendPolicy {
    /// Any key of the org.
    #[default]
    Everyone,
    /// Only keys created by owners and admins.
    AdminsOnly,
    /// Only usage in the listed projects.
    Projects { ids: Vec<ProjectId> },
}

/// A modality of model usage, priced per unit by the rate card.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Per 1,000 text tokens.
    Text,
    /// Per image.
    Image,
    /// Per minute of audio.
    Audio,
    /// Per 1,000 embedding tokens.
    Embedding,
}

impl Modality {
    pub const ALL: [Modality; 4] = [Self::Text, Self::Image, Self::Audio, Self::Embedding];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Embedding => "embedding",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// One price of the rate card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Rate {
    pub modality: Modality,
    /// What one unit is, e.g. "1,000 tokens" or "minute".
    pub unit: String,
    pub credits_per_unit: i64,
}

/// `GET /v1/rates`: the current rate card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RateCard {
    pub version: i64,
    pub effective_from: DateTime<Utc>,
    pub rates: Vec<Rate>,
    /// What a credit pack costs (`stripe` mode sells these).
    #[serde(default)]
    pub credit_packs: Vec<CreditPack>,
    /// What the paid plans cost a month (`stripe` mode).
    #[serde(default)]
    pub plan_prices: Vec<PlanPrice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_modes_are_spelled_as_the_flag_spells_them() {
        for mode in PaymentMode::ALL {
            let json = serde_json::to_string(&mode).unwrap();
            assert_eq!(json, format!("\"{}\"", mode.as_str()));
        }
        assert_eq!(PaymentMode::None.as_str(), "none");
        assert_eq!(PaymentMode::Local.as_str(), "local");
    }
}
