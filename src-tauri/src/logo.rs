//! Organization logos: checked before upload with the same rules the server applies,
//! handed to the UI as `data:` URLs (the CSP allows no other image origin), and cached by
//! content hash so switching contexts does not fetch them again.

use base64::Engine;
use orgdesk_model::org::Org;
use orgdesk_model::validate::{self, LOGO_MAX_BYTES};
use orgdesk_model::OrgId;
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::state::AppState;

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
    if sniffed == "image/svg+xml" && !validate::svg_is_inert(bytes) {
        return Err(AppError::invalid(
            "logo",
            "SVG logos cannot contain scripts or event handlers.",
        ));
    }
    Ok(sniffed)
}

impl AppState {
    pub async fn logo(&self, org: OrgId, etag: String) -> Result<Option<LogoImage>, AppError> {
        let cached = self.logos.lock().ok().and_then(|l| l.get(&org).cloned());
        if let Some(image) = cached.filter(|c| c.etag == etag) {
            return Ok(Some(image));
        }
        // Kept in the local store too, so logos show offline after a restart.
        let store = self.local_store().await;
        let key = format!("{}/logo", orgdesk_client::keys::org_prefix(org));
        if let Some(Ok(Some((bytes, _)))) = store.as_ref().map(|s| s.file(&key)) {
            if let Ok(image) = serde_json::from_slice::<LogoImage>(&bytes) {
                if image.etag == etag {
                    self.remember_logo(org, &image);
                    return Ok(Some(image));
                }
            }
        }
        let client = self.client().await?;
        let fetched = client.get_logo(org, None).await;
        self.observe(&fetched);
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
        if let Ok(mut logos) = self.logos.lock() {
            logos.insert(org, image.clone());
        }
    }

    pub async fn upload_logo(
        &self,
        org: OrgId,
        content_type: &str,
        data_base64: &str,
    ) -> Result<Org, AppError> {
        let bytes = B64
            .decode(data_base64.trim())
            .map_err(|_| AppError::invalid("logo", "The image could not be read."))?;
        let content_type = check_logo(content_type, &bytes)?;
        self.online("Uploading a logo", |c| async move {
            c.put_logo(org, content_type, bytes).await
        })
        .await
    }

    pub async fn remove_logo(&self, org: OrgId) -> Result<(), AppError> {
        self.online(
            "Removing the logo",
            |c| async move { c.delete_logo(org).await },
        )
        .await?;
        if let Ok(mut logos) = self.logos.lock() {
            logos.remove(&org);
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
        assert!(check_logo("image/svg+xml", b"<svg onload=\"x()\"></svg>").is_err());
        assert!(check_logo("image/gif", b"GIF89a").is_err());
    }
}
