//! Card payments (a server in `stripe` payment mode): the billing profile, the card page,
//! credit packs bought with the saved card, the payment history and receipts. Creating a
//! payment carries an `Idempotency-Key` made once by the caller (see
//! [`Client::idempotent`]), which the server passes on to the processor: one key is
//! charged once.

use std::path::Path;

use orgdesk_model::payment::{BillingProfile, CardSetup, Payment, PaymentReceipt, PaymentRequest};
use orgdesk_model::{OrgId, Page, PaymentId};
use reqwest::Method;

use crate::cache::Cached;
use crate::download::stream_to_file;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

impl Client {
    fn payments_path<'a>(org: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec!["orgs", org];
        path.extend_from_slice(rest);
        path
    }

    /// Who the org's receipts are made out to (every payment mode).
    pub async fn billing_profile(&self, org: OrgId) -> Result<Cached<BillingProfile>> {
        let id = org.to_string();
        let req = self.request(
            Method::GET,
            &Self::payments_path(&id, &["billing", "profile"]),
        );
        self.cached(ReadKey::of(org, OrgRead::BillingProfile), self.json(req))
            .await
    }

    /// Owners and admins; a field the server finds wrong comes back with its name.
    pub async fn update_billing_profile(
        &self,
        org: OrgId,
        profile: &BillingProfile,
    ) -> Result<BillingProfile> {
        let id = org.to_string();
        let req = self.request(
            Method::PUT,
            &Self::payments_path(&id, &["billing", "profile"]),
        );
        self.json(req.json(profile)).await
    }

    /// Where to enter a card: a page of the server's, to open in a browser window.
    /// `payments_not_configured` unless the server takes cards.
    pub async fn card_setup(&self, org: OrgId) -> Result<CardSetup> {
        let id = org.to_string();
        let req = self.request(
            Method::POST,
            &Self::payments_path(&id, &["billing", "card"]),
        );
        self.json(req).await
    }

    /// Buys a credit pack with the saved card. Send it through [`Client::idempotent`] with
    /// a key made once per payment the user asked for (and reused on every retry), so the
    /// card is charged once. Answers the payment, `pending` or already `succeeded`; a
    /// decline is `payment_declined` with the processor's reason, no card `card_required`.
    pub async fn create_payment(&self, org: OrgId, input: &PaymentRequest) -> Result<Payment> {
        let id = org.to_string();
        let req = self.request(Method::POST, &Self::payments_path(&id, &["payments"]));
        self.json(req.json(input)).await
    }

    /// One page of the org's payments, newest first.
    pub async fn payments(
        &self,
        org: OrgId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Cached<Page<Payment>>> {
        let id = org.to_string();
        let key = ReadKey::of(
            org,
            OrgRead::Payments {
                cursor: cursor.map(str::to_owned),
            },
        );
        let mut req = self
            .request(Method::GET, &Self::payments_path(&id, &["payments"]))
            .query(&[("limit", limit.to_string())]);
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.cached(key, self.json(req)).await
    }

    /// One payment as the server has it now (a pending one is read back from the
    /// processor and settled): never remembered, it is asked for to see it move.
    pub async fn payment(&self, org: OrgId, payment: PaymentId) -> Result<Payment> {
        let (id, payment) = (org.to_string(), payment.to_string());
        let req = self.request(
            Method::GET,
            &Self::payments_path(&id, &["payments", &payment]),
        );
        self.json(req).await
    }

    /// A paid payment's receipt (`invalid_state` until it is paid).
    pub async fn payment_receipt(&self, org: OrgId, payment: PaymentId) -> Result<PaymentReceipt> {
        let (id, payment) = (org.to_string(), payment.to_string());
        let req = self.request(
            Method::GET,
            &Self::payments_path(&id, &["payments", &payment, "receipt"]),
        );
        self.json(req).await
    }

    /// Streams a paid payment's receipt as a PDF into `dest`.
    pub async fn payment_receipt_pdf(
        &self,
        org: OrgId,
        payment: PaymentId,
        dest: &Path,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        let (id, payment) = (org.to_string(), payment.to_string());
        let req = self.request(
            Method::GET,
            &Self::payments_path(&id, &["payments", &payment, "receipt.pdf"]),
        );
        stream_to_file(req, dest, progress).await
    }

    /// A paid payment's receipt PDF, whole.
    pub async fn payment_receipt_pdf_bytes(
        &self,
        org: OrgId,
        payment: PaymentId,
    ) -> Result<Vec<u8>> {
        let (id, payment) = (org.to_string(), payment.to_string());
        let req = self.request(
            Method::GET,
            &Self::payments_path(&id, &["payments", &payment, "receipt.pdf"]),
        );
        Ok(self.send(req).await?.1)
    }
}
