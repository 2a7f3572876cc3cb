//! The names files are kept under in the local store: downloaded statement PDFs and logos.

use std::fmt;

use orgdesk_model::OrgId;

/// A file kept for offline use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKey {
    /// A statement's PDF; `month` is `YYYY-MM`.
    InvoicePdf { org_id: OrgId, month: String },
    /// An org's logo, as the `data:` URL the UI shows, with its etag (JSON).
    Logo { org_id: OrgId },
}

/// The strings earlier versions filed them under, so kept files stay readable.
impl fmt::Display for FileKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvoicePdf { org_id, month } => write!(f, "org/{org_id}/invoices/{month}.pdf"),
            Self::Logo { org_id } => write!(f, "org/{org_id}/logo"),
        }
    }
}
