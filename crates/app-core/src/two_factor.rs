//! Two-factor sign-in settings: whether it is on, enrolling (the secret, and its QR code
//! drawn here from the otpauth URI, never taken as markup from the server), confirming with
//! a code (which answers ten recovery codes), new recovery codes, and turning it off.
//!
//! Recovery codes are shown once. The last ones shown are kept here, in memory, so that
//! "Save to file" writes them where the native save dialog answers: the webview asks to
//! save, it never hands back the codes or a path. They are forgotten when the person says
//! they have them, when new ones come, or when another account signs in.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine;
use chrono::Utc;
use orgdesk_client::{Client, ClientError};
use orgdesk_model::two_factor::{RecoveryCodes, TwoFactorProof, TwoFactorStatus};
use orgdesk_model::UserId;
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::exports::{suggested_name, ExportDone};
use crate::host::{SaveDialog, SaveRequest};
use crate::owner_only;
use crate::reads::Reads;
use crate::signed_in::SignedIn;

/// A started enrolment as the UI shows it.
#[derive(Clone, Serialize, Type)]
pub struct Enrolment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    pub otpauth_uri: String,
    /// The URI as a QR code: an SVG `data:` URL for an `<img>`.
    pub qr_code: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment").finish_non_exhaustive()
    }
}

/// The recovery codes last shown, and whose they are.
struct Shown {
    user: UserId,
    email: String,
    codes: Vec<String>,
}

pub struct TwoFactor {
    reads: Arc<Reads>,
    signed_in: Arc<SignedIn>,
    dialog: Arc<dyn SaveDialog>,
    shown: Mutex<Option<Shown>>,
}

impl TwoFactor {
    pub fn new(reads: Arc<Reads>, signed_in: Arc<SignedIn>, dialog: Arc<dyn SaveDialog>) -> Self {
        Self {
            reads,
            signed_in,
            dialog,
            shown: Mutex::new(None),
        }
    }

    pub async fn status(&self) -> Result<TwoFactorStatus, AppError> {
        let read = |c: Client| async move { c.two_factor().await };
        self.reads
            .live("Reading your two-factor settings", read)
            .await
    }

    /// Starts (or restarts) an enrolment: a new secret, not in use until confirmed.
    pub async fn start(&self) -> Result<Enrolment, AppError> {
        let start = |c: Client| async move { c.start_two_factor().await };
        let enrolment = self
            .reads
            .live("Setting up two-factor sign-in", start)
            .await?;
        let qr_code = qr_data_url(&enrolment.otpauth_uri, &enrolment.secret)?;
        Ok(Enrolment {
            secret: enrolment.secret,
            otpauth_uri: enrolment.otpauth_uri,
            qr_code,
        })
    }

    /// Turns two-factor on with a code from the app; answers the recovery codes.
    pub async fn confirm(&self, code: String) -> Result<RecoveryCodes, AppError> {
        let confirm = |c: Client| async move { c.confirm_two_factor(&code).await };
        let codes = self
            .reads
            .live("Turning on two-factor sign-in", confirm)
            .await?;
        self.keep(&codes).await;
        Ok(codes)
    }

    /// New recovery codes (the old ones stop working); a code or a recovery code proves it.
    pub async fn regenerate(&self, proof: TwoFactorProof) -> Result<RecoveryCodes, AppError> {
        let regenerate = |c: Client| async move { c.regenerate_recovery_codes(&proof).await };
        let codes = self
            .reads
            .live("Making new recovery codes", regenerate)
            .await?;
        self.keep(&codes).await;
        Ok(codes)
    }

    /// Turns two-factor off; a code or a recovery code proves it.
    pub async fn disable(&self, proof: TwoFactorProof) -> Result<(), AppError> {
        let disable = |c: Client| async move { c.disable_two_factor(&proof).await };
        self.reads
            .live("Turning off two-factor sign-in", disable)
            .await?;
        self.forget();
        Ok(())
    }

    async fn keep(&self, codes: &RecoveryCodes) {
        let session = self.signed_in.current().await;
        let shown = session.as_ref().map(|s| Shown {
            user: s.account.me.user.id,
            email: s.account.me.user.email.clone(),
            codes: codes.codes.clone(),
        });
        *self.shown.lock().unwrap_or_else(PoisonError::into_inner) = shown;
    }

    /// The person has their codes: they are not kept any longer.
    pub fn forget(&self) {
        *self.shown.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Asks where to save the recovery codes just shown (suggesting `file_name`), and
    /// writes them there, readable by the owner only. `None`: the user cancelled.
    pub async fn save_recovery_codes(
        &self,
        file_name: &str,
    ) -> Result<Option<ExportDone>, AppError> {
        let user = self.signed_in.user().await?;
        let text = {
            let shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
            match shown.as_ref() {
                Some(s) if s.user == user => recovery_file(&s.email, &s.codes),
                _ => return Err(AppError::invalid("recovery_codes", NOT_KEPT)),
            }
        };
        let request = SaveRequest {
            title: "Save your recovery codes",
            file_name: suggested_name(file_name, "txt"),
            file_type: "Text",
            extension: "txt",
        };
        let Some(dest) = self.dialog.ask(request).await? else {
            return Ok(None);
        };
        let bytes = text.len() as u64;
        let path = dest.display().to_string();
        tokio::task::spawn_blocking(move || write_private(&dest, text.as_bytes()))
            .await
            .map_err(|e| AppError::Export(e.to_string()))?
            .map_err(|e| AppError::Export(e.to_string()))?;
        Ok(Some(ExportDone {
            path,
            bytes,
            as_of: None,
        }))
    }
}

const NOT_KEPT: &str = "These recovery codes are no longer here to save. Make new ones if you \
                        did not keep them.";

/// Writes beside `dest`, readable by the owner only, and renames: never half a file.
fn write_private(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let written = owner_only::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, dest));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// What the saved file says: whose codes, when, how to use them, and the codes.
fn recovery_file(email: &str, codes: &[String]) -> String {
    let mut text = format!(
        "Orgdesk recovery codes for {email}\nMade {}\n\nEach code works once, in place of a \
         code from your authenticator app.\nKeep them somewhere safe, apart from this computer.\n\n",
        Utc::now().format("%Y-%m-%d %H:%M UTC"),
    );
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

/// Draws the otpauth URI as a QR code (an SVG data URL). The URI must carry the secret
/// shown beside it, so that what is scanned is what can be typed.
fn qr_data_url(uri: &str, secret: &str) -> Result<String, AppError> {
    let bad = |detail: String| {
        AppError::Client(ClientError::BadResponse {
            status: 200,
            detail,
        })
    };
    let parsed = url::Url::parse(uri).map_err(|e| bad(format!("the setup link: {e}")))?;
    let carried = parsed
        .query_pairs()
        .find(|(k, _)| k == "secret")
        .map(|(_, v)| v.into_owned());
    if parsed.scheme() != "otpauth" || carried.as_deref() != Some(secret) {
        return Err(bad("the setup link does not carry the secret shown".into()));
    }
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| bad(e.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let encoded = base64::engine::general_purpose::STANDARD.encode(svg);
    Ok(format!("data:image/svg+xml;base64,{encoded}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXP";

    #[test]
    fn the_qr_code_is_an_svg_of_the_uri_that_carries_the_secret() {
        let uri =
            format!("otpauth://totp/Orgdesk:ana%40example.com?secret={SECRET}&issuer=Orgdesk");
        let url = qr_data_url(&uri, SECRET).unwrap();
        let svg = url.strip_prefix("data:image/svg+xml;base64,").unwrap();
        let svg = base64::engine::general_purpose::STANDARD
            .decode(svg)
            .unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(!svg.contains("script"));
    }

    #[test]
    fn a_uri_with_another_secret_is_refused() {
        let uri = "otpauth://totp/Orgdesk:ana?secret=AAAAAAAAAAAAAAAA&issuer=Orgdesk";
        assert!(qr_data_url(uri, SECRET).is_err());
        assert!(qr_data_url("https://example.com/?secret=JBSWY3DPEHPK3PXP", SECRET).is_err());
    }

    #[test]
    fn the_file_names_the_account_and_lists_every_code() {
        let codes = vec!["abcde-fghij".to_owned(), "klmno-pqrst".to_owned()];
        let text = recovery_file("ana@example.com", &codes);
        assert!(text.starts_with("Orgdesk recovery codes for ana@example.com\n"));
        assert!(text.ends_with("abcde-fghij\nklmno-pqrst\n"));
    }
}
