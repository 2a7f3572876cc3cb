//! The codes themselves: TOTP (RFC 6238 through `totp-rs`: HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of clock skew either way), the enrolment's otpauth URI and QR code
//! (`qrcode`, as SVG), and recovery codes (10 random characters of Crockford's base32,
//! 50 bits, shown as `xxxxx-xxxxx`, stored as SHA-256).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use orgdesk_model::two_factor::{TwoFactorEnrolment, RECOVERY_CODES};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::error::AppError;

/// What authenticator apps show as the account's issuer.
pub const ISSUER: &str = "Orgdesk";
pub const DIGITS: u8 = 6;
pub const STEP_SECS: u64 = 30;
/// Steps of clock difference accepted either way.
pub const SKEW: u16 = 1;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// Crockford's base32 alphabet: no i, l, o or u, so codes read back unambiguously.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_LEN: usize = 10;

/// A fresh secret, in base32 as it is stored and shown.
pub fn new_secret() -> String {
    let mut bytes = [0_u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    Secret::new_stack(bytes).to_base32()
}

fn totp(secret_base32: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|_| AppError::CorruptRow("two-factor secret"))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(SKEW)
        .with_step_duration(STEP_SECS)
        .with_secret(secret)
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|_| AppError::CorruptRow("two-factor secret"))
}

/// The time step of `now_secs`.
pub fn step_of(now_secs: u64) -> u64 {
    now_secs / STEP_SECS
}

/// The time step whose code `code` is, within the skew around `now_secs`; `None` for a
/// wrong code. Spaces and hyphens in the code are ignored. The caller must refuse a step
/// at or before the last one accepted (RFC 6238 §5.2: a code works once).
pub fn matching_step(
    secret_base32: &str,
    code: &str,
    now_secs: u64,
) -> Result<Option<u64>, AppError> {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    Ok(totp(secret_base32, "-")?.check(&code, now_secs))
}

/// What a person adds to an authenticator app: the secret, the otpauth URI, its QR code.
pub fn enrolment(secret_base32: &str, email: &str) -> Result<TwoFactorEnrolment, AppError> {
    let uri = totp(secret_base32, email)?
        .to_url()
        .map_err(|e| AppError::Render(e.to_string()))?;
    let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| AppError::Render(e.to_string()))?;
    let qr_svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build();
    Ok(TwoFactorEnrolment {
        secret: secret_base32.to_owned(),
        otpauth_uri: uri,
        qr_svg,
    })
}

/// A fresh set of recovery codes, as shown (`xxxxx-xxxxx`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0_u8; RECOVERY_LEN];
            OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| char::from(RECOVERY_ALPHABET[usize::from(b & 31)]))
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// How a recovery code is stored: the SHA-256 of its characters, lowercased, without
/// separators, with the letters Crockford reads as digits (o → 0, i and l → 1) mapped.
pub fn recovery_hash(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", 8 digits, 30 s.
    const RFC_SEED: &[u8] = b"12345678901234567890";
    const RFC_SHA1: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn rfc_6238_test_vectors() {
        let totp = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(8)
            .with_skew(0)
            .with_step_duration(30)
            .with_secret(RFC_SEED.to_vec())
            .build()
            .unwrap();
        for (time, expected) in RFC_SHA1 {
            assert_eq!(totp.generate(time).to_string(), expected, "T = {time}");
            assert_eq!(totp.check(expected, time), Some(time / 30), "T = {time}");
        }
        // The SHA-256 and SHA-512 seeds of the same appendix, at T = 59.
        let sha256 = Builder::new()
            .with_algorithm(Algorithm::SHA256)
            .with_digits(8)
            .with_secret(b"12345678901234567890123456789012".to_vec())
            .build()
            .unwrap();
        assert_eq!(sha256.generate(59).to_string(), "46119246");
        let sha512 = Builder::new()
            .with_algorithm(Algorithm::SHA512)
            .with_digits(8)
            .with_secret(
                b"1234567890123456789012345678901234567890123456789012345678901234".to_vec(),
            )
            .build()
            .unwrap();
        assert_eq!(sha512.generate(59).to_string(), "90693936");
    }

    #[test]
    fn our_codes_are_the_rfc_codes_cut_to_six_digits() {
        // Our parameters (SHA-1, 30 s) on the RFC seed: the last 6 of the 8 digits.
        let secret = Secret::new(RFC_SEED.to_vec().into_boxed_slice()).to_base32();
        for (time, expected) in RFC_SHA1 {
            let six = &expected[2..];
            assert_eq!(matching_step(&secret, six, time).unwrap(), Some(time / 30));
            let spaced = format!("{} {}", &six[..3], &six[3..]);
            assert_eq!(
                matching_step(&secret, &spaced, time).unwrap(),
                Some(time / 30)
            );
        }
        // One step of skew either way, no more.
        assert_eq!(matching_step(&secret, "287082", 59 + 30).unwrap(), Some(1));
        assert_eq!(matching_step(&secret, "287082", 59 - 30).unwrap(), Some(1));
        assert_eq!(matching_step(&secret, "287082", 59 + 60).unwrap(), None);
        assert_eq!(matching_step(&secret, "287083", 59).unwrap(), None);
        assert_eq!(matching_step(&secret, "28708", 59).unwrap(), None);
        assert_eq!(matching_step(&secret, "+87082", 59).unwrap(), None);
    }

    #[test]
    fn enrolment_names_the_account_and_draws_the_uri() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let shown = enrolment(&secret, "ana@example.com").unwrap();
        assert!(shown
            .otpauth_uri
            .starts_with("otpauth://totp/Orgdesk:ana%40example.com?"));
        assert!(shown.otpauth_uri.contains(&format!("secret={secret}")));
        assert!(shown.otpauth_uri.contains("issuer=Orgdesk"));
        assert!(shown.qr_svg.contains("<svg"));
        assert_ne!(new_secret(), secret);
    }

    #[test]
    fn recovery_codes_are_random_and_read_back_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert_eq!(&code[5..6], "-");
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        assert_eq!(recovery_hash("ab0c1-23xyz"), recovery_hash(" ABOCL23XYZ "));
        assert_ne!(recovery_hash("ab0c1-23xyz"), recovery_hash("ab0c1-23xyy"));
    }
}
