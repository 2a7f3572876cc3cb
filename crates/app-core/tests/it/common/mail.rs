//! Mailed links, as the server writes them to `.eml` files, and two-factor codes.

use std::path::Path;

use totp_rs::{Algorithm, Builder, Secret};

/// The tokens of links starting with `prefix` in mails to `email`, oldest first (mail
/// ids sort by time).
pub fn mailed_tokens(dir: &Path, email: &str, prefix: &str) -> Vec<String> {
    let to = format!("To: {email}\r\n");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut mails: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    mails.sort();
    mails
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .filter(|text| text.contains(&to))
        .filter_map(|text| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(prefix).map(str::to_owned))
        })
        .collect()
}

/// The code an authenticator app shows now for `secret` (base32).
pub fn totp_now(secret: &str) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(now)
        .to_string()
}
