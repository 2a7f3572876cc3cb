//! Field rules shared by the server (the authority) and the app (for instant feedback).
//! Each function returns every problem it finds, each naming its field.

use crate::error::FieldError;
use crate::slug;

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;
pub const WEBSITE_MAX: usize = 200;
pub const DISPLAY_NAME_MAX: usize = 80;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 200;
/// Logo uploads: at most 2 MB of PNG, JPEG or SVG.
pub const LOGO_MAX_BYTES: usize = 2 * 1024 * 1024;
pub const LOGO_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/svg+xml"];

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Emails are compared case-insensitively after trimming: this is the stored form.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn email(value: &str, out: &mut Vec<FieldError>) {
    let v = value.trim();
    let valid = v.len() <= EMAIL_MAX
        && !v.chars().any(char::is_whitespace)
        && match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if !valid {
        out.push(err(
            "email",
            "Enter an email address like name@example.com.",
        ));
    }
}

pub fn password(value: &str, out: &mut Vec<FieldError>) {
    let n = value.chars().count();
    if n < PASSWORD_MIN {
        out.push(err(
            "password",
            format!("Use at least {PASSWORD_MIN} characters."),
        ));
    } else if n > PASSWORD_MAX {
        out.push(err(
            "password",
            format!("Use at most {PASSWORD_MAX} characters."),
        ));
    }
}

pub fn display_name(value: &str, out: &mut Vec<FieldError>) {
    let n = value.trim().chars().count();
    if n == 0 {
        out.push(err("display_name", "Enter your name."));
    } else if n > DISPLAY_NAME_MAX {
        out.push(err(
            "display_name",
            format!("Use at most {DISPLAY_NAME_MAX} characters."),
        ));
    }
}

pub fn org_name(value: &str, out: &mut Vec<FieldError>) {
    let n = value.trim().chars().count();
    if n == 0 {
        out.push(err("name", "Enter a name."));
    } else if n > NAME_MAX {
        out.push(err("name", format!("Use at most {NAME_MAX} characters.")));
    }
}

pub fn org_slug(value: &str, out: &mut Vec<FieldError>) {
    if let Err(e) = slug::validate(value) {
        out.push(err("slug", e.to_string()));
    }
}

pub fn description(value: &str, out: &mut Vec<FieldError>) {
    if value.trim().chars().count() > DESCRIPTION_MAX {
        out.push(err(
            "description",
            format!("Use at most {DESCRIPTION_MAX} characters."),
        ));
    }
}

/// An empty website is fine (it clears the field); otherwise an http(s) URL with a host.
pub fn website(value: &str, out: &mut Vec<FieldError>) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    let ok = v.len() <= WEBSITE_MAX
        && match url::Url::parse(v) {
            Ok(u) => matches!(u.scheme(), "http" | "https") && u.host_str().is_some(),
            Err(_) => false,
        };
    if !ok {
        out.push(err(
            "website",
            "Enter a web address starting with https:// or http://.",
        ));
    }
}

/// The content type of a logo, judged by its bytes rather than by what the sender claims.
pub fn sniff_logo(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    let head = std::str::from_utf8(&bytes[..bytes.len().min(1024)]).ok()?;
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let looks_svg =
        (head.starts_with("<svg") || head.starts_with("<?xml")) && head.contains("<svg");
    looks_svg.then_some("image/svg+xml")
}

/// SVG can carry script; logos are shown as images, but we refuse active content anyway
/// so that nothing dangerous is stored or served.
pub fn svg_is_inert(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let lower = text.to_ascii_lowercase();
    !(lower.contains("<script")
        || lower.contains("javascript:")
        || lower.contains("<foreignobject")
        || lower
            .split(|c: char| c.is_whitespace())
            .any(|w| w.starts_with("on") && w.contains('=')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str, &mut Vec<FieldError>), v: &str) -> Vec<String> {
        let mut out = Vec::new();
        f(v, &mut out);
        out.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn emails() {
        assert!(check(email, " Ana@Example.com ").is_empty());
        assert_eq!(check(email, "ana@example"), ["email"]);
        assert_eq!(check(email, "ana example.com"), ["email"]);
        assert_eq!(check(email, "@example.com"), ["email"]);
        assert_eq!(normalize_email(" Ana@Example.COM "), "ana@example.com");
    }

    #[test]
    fn websites_need_http() {
        assert!(check(website, "").is_empty());
        assert!(check(website, "https://acme.example").is_empty());
        assert_eq!(check(website, "ftp://acme.example"), ["website"]);
        assert_eq!(check(website, "javascript:alert(1)"), ["website"]);
        assert_eq!(check(website, "acme.example"), ["website"]);
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(check(org_name, "   "), ["name"]);
        assert!(check(org_name, &"x".repeat(100)).is_empty());
        assert_eq!(check(org_name, &"x".repeat(101)), ["name"]);
        assert_eq!(check(password, "short"), ["password"]);
        assert!(check(password, "long enough pw").is_empty());
    }

    #[test]
    fn logos_are_sniffed() {
        assert_eq!(sniff_logo(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_logo(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(
            sniff_logo(b"<?xml version=\"1.0\"?><svg></svg>"),
            Some("image/svg+xml")
        );
        assert_eq!(sniff_logo(b"GIF89a"), None);
        assert!(svg_is_inert(b"<svg><rect width=\"1\"/></svg>"));
        assert!(!svg_is_inert(b"<svg><script>alert(1)</script></svg>"));
        assert!(!svg_is_inert(b"<svg onload=\"x()\"></svg>"));
    }
}
