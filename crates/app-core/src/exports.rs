//! Exports to files the user picks in the native save dialog, which each export opens
//! itself ([`SaveDialog`]): the UI suggests a file name, never a path, and nothing is
//! written anywhere the user did not choose. Streamed to disk (never half a file: the data
//! is written beside the destination and renamed). Offline, the usage CSV and statement
//! PDFs come from the local store, and the file says when its figures are from.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use orgdesk_client::{OrgRead, Period, ReadKey};
use orgdesk_model::audit::{AuditFilter, ExportFormat};
use orgdesk_model::usage::{InvoiceSummary, UsageGroup, UsageReport};
use orgdesk_model::{OrgId, PaymentId};
use serde::Serialize;
use specta::Type;

use crate::connectivity::Connectivity;
use crate::error::AppError;
use crate::host::{SaveDialog, SaveRequest, Spawner};
use crate::signed_in::SignedIn;
use crate::store::{FileKey, LocalStore};

/// Statements whose PDFs are kept for offline use, newest first.
const PDFS_KEPT: usize = 12;

#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportDone {
    pub path: String,
    pub bytes: u64,
    /// Set when the file was made from the local store (offline): when its data is from.
    pub as_of: Option<DateTime<Utc>>,
}

/// What an export's save dialog says, and the type of file it makes.
struct SaveAs {
    title: &'static str,
    file_type: &'static str,
    extension: &'static str,
}

const AUDIT_CSV: SaveAs = SaveAs {
    title: "Export the audit log",
    file_type: "CSV",
    extension: "csv",
};
const AUDIT_JSON: SaveAs = SaveAs {
    title: "Export the audit log",
    file_type: "JSON",
    extension: "json",
};
const USAGE_CSV: SaveAs = SaveAs {
    title: "Export usage",
    file_type: "CSV",
    extension: "csv",
};
const RECEIPT_PDF: SaveAs = SaveAs {
    title: "Save the receipt",
    file_type: "PDF",
    extension: "pdf",
};
const STATEMENT_PDF: SaveAs = SaveAs {
    title: "Save the statement",
    file_type: "PDF",
    extension: "pdf",
};

pub struct Exports {
    signed_in: Arc<SignedIn>,
    connectivity: Arc<Connectivity>,
    spawner: Arc<dyn Spawner>,
    dialog: Arc<dyn SaveDialog>,
}

impl Exports {
    pub fn new(
        signed_in: Arc<SignedIn>,
        connectivity: Arc<Connectivity>,
        spawner: Arc<dyn Spawner>,
        dialog: Arc<dyn SaveDialog>,
    ) -> Self {
        Self {
            signed_in,
            connectivity,
            spawner,
            dialog,
        }
    }

    /// Asks where to save, suggesting `file_name`; once a place is chosen, `progress`
    /// hears 0 (writing starts). `None` when the user cancelled.
    async fn ask(
        &self,
        save_as: &SaveAs,
        file_name: &str,
        progress: &mut impl FnMut(u64),
    ) -> Result<Option<PathBuf>, AppError> {
        let request = SaveRequest {
            title: save_as.title,
            file_name: suggested_name(file_name, save_as.extension),
            file_type: save_as.file_type,
            extension: save_as.extension,
        };
        let chosen = self.dialog.ask(request).await?;
        if chosen.is_some() {
            progress(0);
        }
        Ok(chosen)
    }

    /// Asks where, then streams the filtered audit log as CSV or JSON there. The whole log
    /// lives on the server, so this needs it. `None`: the user cancelled.
    pub async fn audit_log(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        format: ExportFormat,
        file_name: &str,
        mut progress: impl FnMut(u64),
    ) -> Result<Option<ExportDone>, AppError> {
        if !self.connectivity.is_online() {
            return Err(AppError::NeedsServer("Exporting the whole audit log"));
        }
        let save_as = match format {
            ExportFormat::Csv => &AUDIT_CSV,
            ExportFormat::Json => &AUDIT_JSON,
        };
        let Some(dest) = self.ask(save_as, file_name, &mut progress).await? else {
            return Ok(None);
        };
        let client = self.signed_in.client().await?;
        let result = client
            .export_audit_log(org, filter, format, &dest, progress)
            .await;
        self.connectivity.observe(&result);
        Ok(Some(done(&dest, result?, None)))
    }

    /// Asks where, then writes the usage report as CSV there: from the server, or offline
    /// from the report last seen. `None`: the user cancelled.
    pub async fn usage_csv(
        &self,
        org: OrgId,
        period: Period,
        group: UsageGroup,
        file_name: &str,
        mut progress: impl FnMut(u64),
    ) -> Result<Option<ExportDone>, AppError> {
        let Some(dest) = self.ask(&USAGE_CSV, file_name, &mut progress).await? else {
            return Ok(None);
        };
        self.usage_csv_to(org, period, group, dest, progress)
            .await
            .map(Some)
    }

    async fn usage_csv_to(
        &self,
        org: OrgId,
        period: Period,
        group: UsageGroup,
        dest: PathBuf,
        progress: impl FnMut(u64),
    ) -> Result<ExportDone, AppError> {
        let client = self.signed_in.client().await?;
        if self.connectivity.is_online() {
            let result = client.usage_csv(org, period, group, &dest, progress).await;
            self.connectivity.observe(&result);
            match result {
                Err(e) if e.is_connectivity() => {}
                other => return Ok(done(&dest, other?, None)),
            }
        }
        let key = ReadKey::of(org, OrgRead::Usage { period, group });
        let (json, as_of) = client.cache().load(&key).ok_or(AppError::OfflineUnseen)?;
        let report: UsageReport =
            serde_json::from_value(json).map_err(|_| AppError::OfflineUnseen)?;
        let csv = report
            .to_csv(as_of)
            .map_err(|e| AppError::Export(e.to_string()))?;
        write_whole(&dest, &csv).await?;
        Ok(done(&dest, csv.len() as u64, Some(as_of)))
    }

    /// Asks where, then saves a statement's PDF there: from the server (kept for offline
    /// use too), or offline from the copy kept when it was last seen. `None`: the user
    /// cancelled.
    pub async fn invoice_pdf(
        &self,
        org: OrgId,
        month: &str,
        file_name: &str,
        mut progress: impl FnMut(u64),
    ) -> Result<Option<ExportDone>, AppError> {
        let Some(dest) = self.ask(&STATEMENT_PDF, file_name, &mut progress).await? else {
            return Ok(None);
        };
        self.invoice_pdf_to(org, month, dest, progress)
            .await
            .map(Some)
    }

    async fn invoice_pdf_to(
        &self,
        org: OrgId,
        month: &str,
        dest: PathBuf,
        progress: impl FnMut(u64),
    ) -> Result<ExportDone, AppError> {
        let (client, store) = self.signed_in.client_and_store().await?;
        if self.connectivity.is_online() {
            let result = client.invoice_pdf(org, month, &dest, progress).await;
            self.connectivity.observe(&result);
            match result {
                Err(e) if e.is_connectivity() => {}
                Err(e) => return Err(e.into()),
                Ok(bytes) => {
                    if let (Some(store), Ok(pdf)) = (store, tokio::fs::read(&dest).await) {
                        keep_pdf(&store, org, month, &pdf, Utc::now());
                    }
                    return Ok(done(&dest, bytes, None));
                }
            }
        }
        let store = store.ok_or(AppError::OfflineUnseen)?;
        let (pdf, as_of) = store
            .file(&pdf_key(org, month))?
            .ok_or(AppError::OfflineUnseen)?;
        write_whole(&dest, &pdf).await?;
        Ok(done(&dest, pdf.len() as u64, Some(as_of)))
    }

    /// Asks where, then saves a paid card payment's receipt as a PDF there. Receipts live
    /// on the server, so this needs it. `None`: the user cancelled.
    pub async fn receipt_pdf(
        &self,
        org: OrgId,
        payment: PaymentId,
        file_name: &str,
        mut progress: impl FnMut(u64),
    ) -> Result<Option<ExportDone>, AppError> {
        if !self.connectivity.is_online() {
            return Err(AppError::NeedsServer("Saving a receipt"));
        }
        let Some(dest) = self.ask(&RECEIPT_PDF, file_name, &mut progress).await? else {
            return Ok(None);
        };
        let client = self.signed_in.client().await?;
        let result = client
            .payment_receipt_pdf(org, payment, &dest, progress)
            .await;
        self.connectivity.observe(&result);
        Ok(Some(done(&dest, result?, None)))
    }

    /// Keeps the PDFs of the newest statements in the store, in the background: those not
    /// kept yet, and the open month's (which changes as usage comes in).
    pub fn keep_invoice_pdfs(&self, org: OrgId, invoices: &[InvoiceSummary]) {
        let months: Vec<(String, bool)> = invoices
            .iter()
            .take(PDFS_KEPT)
            .map(|i| (i.period_start.format("%Y-%m").to_string(), i.closed))
            .collect();
        let signed_in = self.signed_in.clone();
        self.spawner.run(async move {
            let Ok((client, Some(store))) = signed_in.client_and_store().await else {
                return;
            };
            for (month, closed) in months {
                let key = pdf_key(org, &month);
                if closed && matches!(store.file(&key), Ok(Some(_))) {
                    continue;
                }
                let part = store
                    .dir()
                    .join(format!("{}.pdf.part", uuid::Uuid::new_v4()));
                let fetched = client.invoice_pdf(org, &month, &part, |_| {}).await;
                if let (Ok(_), Ok(pdf)) = (&fetched, tokio::fs::read(&part).await) {
                    keep_pdf(&store, org, &month, &pdf, Utc::now());
                }
                let _ = tokio::fs::remove_file(&part).await;
                if fetched.is_err() {
                    break;
                }
            }
        });
    }
}

fn pdf_key(org_id: OrgId, month: &str) -> FileKey {
    FileKey::InvoicePdf {
        org_id,
        month: month.to_owned(),
    }
}

fn keep_pdf(store: &LocalStore, org: OrgId, month: &str, pdf: &[u8], at: DateTime<Utc>) {
    if let Err(e) = store.put_file(&pdf_key(org, month), pdf, at) {
        tracing::warn!(error = %e, "a statement PDF could not be kept for offline use");
    }
}

/// The name the dialog suggests: the last part of what was proposed (a name, never a
/// folder), without control characters or leading dots, ending in the file type's
/// extension.
pub(crate) fn suggested_name(proposed: &str, extension: &str) -> String {
    let last = proposed.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    let stem = if clean.is_empty() { "export" } else { clean };
    let dotted = format!(".{extension}");
    if stem.to_ascii_lowercase().ends_with(&dotted) {
        stem.to_owned()
    } else {
        format!("{stem}{dotted}")
    }
}

pub(crate) fn done(dest: &Path, bytes: u64, as_of: Option<DateTime<Utc>>) -> ExportDone {
    ExportDone {
        path: dest.display().to_string(),
        bytes,
        as_of,
    }
}

/// Writes beside `dest` and renames, so a failed write never leaves half a file.
async fn write_whole(dest: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let written = async {
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, dest).await
    };
    if let Err(e) = written.await {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(AppError::Export(e.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::suggested_name;

    #[test]
    fn the_suggested_name_is_a_bare_name_of_the_right_type() {
        assert_eq!(suggested_name("acme-usage.csv", "csv"), "acme-usage.csv");
        assert_eq!(suggested_name("acme-usage.CSV", "csv"), "acme-usage.CSV");
        assert_eq!(suggested_name("acme-usage", "csv"), "acme-usage.csv");
        assert_eq!(suggested_name("/home/ana/.bashrc", "csv"), "bashrc.csv");
        assert_eq!(suggested_name("..\\..\\x.pdf", "pdf"), "x.pdf");
        assert_eq!(suggested_name("../../", "json"), "export.json");
        assert_eq!(suggested_name("a\nb\u{0}.csv", "csv"), "ab.csv");
        assert_eq!(suggested_name("", "pdf"), "export.pdf");
    }
}
