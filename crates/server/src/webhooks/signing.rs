//! Signing by the Standard Webhooks specification: `webhook-signature` is `v1,` and the
//! base64 HMAC-SHA256, keyed with the secret's bytes, of `{webhook-id}.{webhook-timestamp}.{body}`.
//! Secrets are `whsec_` and the base64 of 32 random bytes.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SECRET_PREFIX: &str = "whsec_";
const SECRET_BYTES: usize = 32;

/// A fresh secret as shown to the person who made the endpoint.
pub fn new_secret() -> String {
    let mut key = [0_u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The key bytes of a `whsec_…` secret; `None` when it is not one.
fn key_of(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()
}

/// One `v1,…` signature of `body` sent as message `id` at `timestamp` (Unix seconds).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = key_of(secret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header: one signature per secret in force, space-separated
/// (the current one first; the previous one during its grace period after a rotation).
pub fn header(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|secret| signature(secret, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_id_timestamp_and_body_with_the_key_bytes() {
        // The specification's published example (standard-webhooks/spec, "Verifying").
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_are_fresh_and_readable_and_a_rotation_signs_twice() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(key_of(&a).unwrap().len(), SECRET_BYTES);
        let both = header(&[&a, &b], "msg_1", 1, b"{}");
        let parts: Vec<_> = both.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], signature(&a, "msg_1", 1, b"{}").unwrap());
        assert_ne!(parts[0], parts[1]);
        assert_eq!(signature("not-a-secret", "m", 1, b""), None);
    }
}
