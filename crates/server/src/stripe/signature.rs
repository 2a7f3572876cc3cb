//! The `Stripe-Signature` header of a webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<payload>" under the endpoint's secret>[,v1=…]`. Several `v1` values are accepted
//! (Stripe sends one per active secret while a secret is being rolled); the comparison is
//! constant-time; a timestamp further than the tolerance from now is refused (a replayed
//! old delivery).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a signature's timestamp may be from now.
pub const TOLERANCE_SECS: i64 = 5 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no v1 signature matches")]
    Mismatch,
}

/// The hex `v1` signature of `payload` sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, payload).finalize().into_bytes())
}

fn mac(secret: &str, timestamp: i64, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

/// Checks `header` against `payload` at `now` (unix seconds).
pub fn verify(
    header: Option<&str>,
    payload: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" => timestamp = value.parse::<i64>().ok(),
            "v1" => {
                if let Ok(bytes) = hex::decode(value) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, payload).finalize().into_bytes();
    let matched = signatures.iter().fold(0u8, |found, candidate| {
        found | candidate.ct_eq(&expected).unwrap_u8()
    });
    if matched == 1 {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_800_000_000;

    fn header(t: i64, sigs: &[&str]) -> String {
        let mut header = format!("t={t}");
        for sig in sigs {
            header.push_str(&format!(",v1={sig}"));
        }
        header
    }

    #[test]
    fn a_signature_made_with_the_secret_passes() {
        let body = br#"{"id":"evt_1"}"#;
        let sig = sign(SECRET, NOW, body);
        assert_eq!(
            verify(Some(&header(NOW, &[&sig])), body, SECRET, NOW),
            Ok(())
        );
        // Within the tolerance either way.
        assert_eq!(
            verify(Some(&header(NOW, &[&sig])), body, SECRET, NOW + 299),
            Ok(())
        );
    }

    #[test]
    fn any_of_several_v1_values_may_match() {
        let body = b"{}";
        let good = sign(SECRET, NOW, body);
        let other = sign("whsec_old", NOW, body);
        let h = format!("{},v0=abc", header(NOW, &[&other, &good]));
        assert_eq!(verify(Some(&h), body, SECRET, NOW), Ok(()));
    }

    #[test]
    fn forged_stale_and_unsigned_deliveries_are_refused() {
        let body = br#"{"id":"evt_1"}"#;
        let sig = sign(SECRET, NOW, body);
        assert_eq!(
            verify(None, body, SECRET, NOW),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(Some("garbage"), body, SECRET, NOW),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(Some(&format!("t={NOW}")), body, SECRET, NOW),
            Err(SignatureError::Malformed)
        );
        let forged = sign("whsec_attacker", NOW, body);
        assert_eq!(
            verify(Some(&header(NOW, &[&forged])), body, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
        // The right signature over another body.
        assert_eq!(
            verify(
                Some(&header(NOW, &[&sig])),
                br#"{"id":"evt_2"}"#,
                SECRET,
                NOW
            ),
            Err(SignatureError::Mismatch)
        );
        // The right signature, replayed six minutes later.
        assert_eq!(
            verify(Some(&header(NOW, &[&sig])), body, SECRET, NOW + 301),
            Err(SignatureError::Stale)
        );
    }
}
