//! The outbox's card-payment changes: a credit pack bought with the saved card, and the
//! billing profile. A payment waits in the outbox like any change, with its idempotency
//! key made once when the user asked for it: sent again after a lost answer or a restart,
//! the server (and the processor, which gets the same key) charges the card once.

use orgdesk_client::{Client, ClientError};
use orgdesk_model::payment::{BillingProfile, Payment, PaymentRequest};
use orgdesk_model::OrgId;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::edit::{Describe, Edit};

/// Buys a credit pack with the org's saved card; the change's idempotency key is the
/// payment's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PayByCard {
    pub org_id: OrgId,
    pub input: PaymentRequest,
}

/// Saves who the org's receipts are made out to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SetBillingProfile {
    pub org_id: OrgId,
    pub profile: BillingProfile,
}

impl Describe for PayByCard {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        format!("Buy {} credits with the saved card", self.input.credits)
    }
}

impl Edit for PayByCard {
    type Output = Payment;

    async fn send(&self, client: &Client) -> Result<Payment, ClientError> {
        client.create_payment(self.org_id, &self.input).await
    }
}

impl Describe for SetBillingProfile {
    fn org_id(&self) -> OrgId {
        self.org_id
    }

    fn summary(&self) -> String {
        "Change the billing details".into()
    }
}

impl Edit for SetBillingProfile {
    type Output = BillingProfile;

    async fn send(&self, client: &Client) -> Result<BillingProfile, ClientError> {
        client
            .update_billing_profile(self.org_id, &self.profile)
            .await
    }
}
