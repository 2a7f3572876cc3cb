//! A payment receipt as a PDF, laid out like the statements ([`crate::invoices::pdf`]):
//! A4, the standard fonts, nothing embedded.

use orgdesk_model::payment::{BillingProfile, PaymentReceipt};
use printpdf::{BuiltinFont, PdfDocument, PdfSaveOptions};

use crate::billing::format_credits;
use crate::invoices::pdf::Pages;

const LEFT: f32 = 20.0;
const RIGHT: f32 = 190.0;
const LINE: f32 = 6.0;

/// `45.00 EUR` from 4500 cents.
pub fn money(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!(
        "{sign}{}.{:02} {}",
        format_credits(i64::try_from(cents / 100).unwrap_or(i64::MAX)),
        cents % 100,
        currency.to_ascii_uppercase()
    )
}

/// The lines of the bill-to block, empty fields left out.
fn bill_to_lines(profile: &BillingProfile, org_name: &str) -> Vec<String> {
    let mut lines = vec![profile
        .company_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| org_name.to_owned())];
    let city = [profile.postal_code.as_deref(), profile.city.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for line in [
        profile.address_line1.clone(),
        profile.address_line2.clone(),
        Some(city),
        profile.country.clone(),
        profile.tax_id.as_ref().map(|t| format!("Tax id: {t}")),
        profile.billing_email.clone(),
    ]
    .into_iter()
    .flatten()
    {
        if !line.trim().is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// The receipt as PDF bytes.
pub fn render(receipt: &PaymentReceipt) -> Vec<u8> {
    let p = &receipt.payment;
    let mut doc = PdfDocument::new(&format!("Receipt {}", receipt.number));
    let mut pages = Pages::new();
    pages.text(LEFT, BuiltinFont::HelveticaBold, 18.0, "Receipt");
    pages.down(9.0);
    pages.text(
        LEFT,
        BuiltinFont::Helvetica,
        10.0,
        &format!("Receipt number {}", receipt.number),
    );
    pages.down(LINE);
    pages.text(
        LEFT,
        BuiltinFont::Helvetica,
        10.0,
        &format!("Paid {} UTC", receipt.paid_at.format("%-d %B %Y, %H:%M")),
    );
    pages.down(LINE);
    if let Some(card) = &p.card {
        let by = format!("Paid by card: {} ending in {}", card.brand, card.last4);
        pages.text(LEFT, BuiltinFont::Helvetica, 10.0, &by);
        pages.down(LINE);
    }
    pages.down(LINE);
    pages.text(LEFT, BuiltinFont::HelveticaBold, 10.0, "Bill to");
    pages.down(LINE);
    for line in bill_to_lines(&receipt.bill_to, &receipt.org_name) {
        pages.text(LEFT, BuiltinFont::Helvetica, 10.0, &line);
        pages.down(LINE);
    }
    pages.down(LINE);
    pages.text(LEFT, BuiltinFont::HelveticaBold, 10.0, "Description");
    pages.text(RIGHT - 26.0, BuiltinFont::HelveticaBold, 10.0, "Amount");
    pages.down(LINE);
    pages.text(LEFT, BuiltinFont::Helvetica, 10.0, &receipt.description);
    pages.figure(RIGHT, 10.0, &money(p.price, &p.currency));
    pages.down(LINE * 1.5);
    pages.text(LEFT, BuiltinFont::HelveticaBold, 10.0, "Total paid");
    pages.figure(RIGHT, 10.0, &money(p.price, &p.currency));
    pages.down(LINE);
    if p.refunded_credits > 0 {
        let refunded = format!(
            "Refunded since: {} credits taken back",
            format_credits(p.refunded_credits)
        );
        pages.text(LEFT, BuiltinFont::HelveticaOblique, 9.0, &refunded);
        pages.down(LINE);
    }
    let mut warnings = Vec::new();
    doc.with_pages(pages.finish())
        .save(&PdfSaveOptions::default(), &mut warnings)
}

/// `receipt-acme-OD-2026-000001.pdf`.
pub fn filename(slug: &str, number: &str) -> String {
    let safe: String = format!("receipt-{slug}-{number}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.pdf")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_as_money() {
        assert_eq!(money(4_500, "eur"), "45.00 EUR");
        assert_eq!(money(1_600_005, "eur"), "16,000.05 EUR");
        assert_eq!(money(-5, "eur"), "-0.05 EUR");
    }
}
