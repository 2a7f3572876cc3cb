//! Organization logos: checked before upload with the same rules the server applies,
//! handed to the UI as `data:` URLs (the CSP allows no other image origin), and cached by
//! content hash so switching contexts does not fetch them again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use orgdesk_model::org::Org;
use orgdesk_model::validate::{self, LOGO_MAX_BYTES};
use orgdesk_model::OrgId;
use serde::Serialize;
use specta::Type;

use crate::connectivity::Connectivity;
use crate::error::AppError;
use crate::reads::Reads;
use crate::signed_in::SignedIn;
use crate::store::FileKey;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, Type)]
pub struct LogoImage {
    pub etag: String,
    pub data_url: String,
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Checks a logo the way the server will, so the user hears about it before uploading.
pub fn check_logo(content_type: &str, bytes: &[u8]) -> Result<&'static str, AppError> {
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(AppError::invalid(
            "logo",
            format!(
                "The image is {:.1} MB; logos can be at most 2 MB.",
                bytes.len() as f64 / 1e6
            ),
        ));
    }
    let sniffed = validate::sniff_logo(bytes)
        .ok_or_else(|| AppError::invalid("logo", "Use a PNG, JPEG or SVG image."))?;
    if sniffed != content_type {
        return Err(AppError::invalid(
            "logo",
            "The file's content does not match its type. Use a PNG, JPEG or SVG image.",
        ));
    }
    // An SVG is drawn to a PNG by the server, which keeps only the PNG: whatever script
    // or handler it holds is never stored, so there is nothing to look for here.
    Ok(sniffed)
}

pub struct Logos {
    signed_in: Arc<SignedIn>,
    connectivity: Arc<Connectivity>,
    reads: Arc<Reads>,
    /// This session's logos by org.
    seen: Mutex<HashMap<OrgId, LogoImage>>,
}

impl Logos {
    pub fn new(
        signed_in: Arc<SignedIn>,
        connectivity: Arc<Connectivity>,
        reads: Arc<Reads>,
    ) -> Self {
        Self {
            signed_in,
            connectivity,
            reads,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets the logos seen (another account may see other ones).
    pub fn clear(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }

    /// The logo as a `data:` URL; `etag` is the one the org currently names.
    pub async fn logo(&self, org: OrgId, etag: String) -> Result<Option<LogoImage>, AppError> {
        let cached = self.seen.lock().ok().and_then(|l| l.get(&org).cloned());
        if let Some(image) = cached.filter(|c| c.etag == etag) {
            return Ok(Some(image));
        }
        // Kept in the local store too, so logos show offline after a restart.
        let (client, store) = self.signed_in.client_and_store().await?;
        let key = FileKey::Logo { org_id: org };
        if let Some(Ok(Some((bytes, _)))) = store.as_ref().map(|s| s.file(&key)) {
            if let Ok(image) = serde_json::from_slice::<LogoImage>(&bytes) {
                if image.etag == etag {
                    self.remember_logo(org, &image);
                    return Ok(Some(image));
                }
            }
        }
        let fetched = client.get_logo(org, None).await;
        self.connectivity.observe(&fetched);
        let Some(logo) = fetched? else {
            return Ok(None);
        };
        let image = LogoImage {
            etag: logo.etag,
            data_url: format!(
                "data:{};base64,{}",
                logo.content_type,
                B64.encode(&logo.bytes)
            ),
        };
        self.remember_logo(org, &image);
        if let (Some(store), Ok(json)) = (store, serde_json::to_vec(&image)) {
            if let Err(e) = store.put_file(&key, &json, chrono::Utc::now()) {
                tracing::warn!(error = %e, "a logo could not be kept for offline use");
            }
        }
        Ok(Some(image))
    }

    fn remember_logo(&self, org: OrgId, image: &LogoImage) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(org, image.clone());
        }
    }

    pub async fn upload(
        &self,
        org: OrgId,
        content_type: &str,
        data_base64: &str,
    ) -> Result<Org, AppError> {
        let bytes = B64
            .decode(data_base64.trim())
            .map_err(|_| AppError::invalid("logo", "The image could not be read."))?;
        let content_type = check_logo(content_type, &bytes)?;
        let upload =
            |c: orgdesk_client::Client| async move { c.put_logo(org, content_type, bytes).await };
        self.reads.online("Uploading a logo", upload).await
    }

    pub async fn remove(&self, org: OrgId) -> Result<(), AppError> {
        let remove = |c: orgdesk_client::Client| async move { c.delete_logo(org).await };
        self.reads.online("Removing the logo", remove).await?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.remove(&org);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_are_checked_like_the_server_does() {
        let png = b"\x89PNG\r\n\x1a\n0000";
        assert_eq!(check_logo("image/png", png).unwrap(), "image/png");
        assert!(check_logo("image/jpeg", png).is_err());
        assert!(check_logo("image/png", &vec![0u8; LOGO_MAX_BYTES + 1]).is_err());
        // The server draws SVGs to PNG, so an SVG with a handler is no longer refused here.
        assert_eq!(
            check_logo("image/svg+xml", b"<svg onload=\"x()\"></svg>").unwrap(),
            "image/svg+xml"
        );
        assert!(check_logo("image/gif", b"GIF89a").is_err());
    }
}
