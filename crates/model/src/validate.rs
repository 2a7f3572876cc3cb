//! Field rules shared by the server (the authority) and the app (for instant feedback).
//! Each function returns every problem it finds, each naming its field.

use unicode_normalization::UnicodeNormalization;

use crate::error::FieldError;
use crate::slug;

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;
pub const WEBSITE_MAX: usize = 200;
pub const DISPLAY_NAME_MAX: usize = 80;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 200;
/// Logo uploads: at most 2 MB of PNG, JPEG or SVG (the server draws an SVG to a PNG).
pub const LOGO_MAX_BYTES: usize = 2 * 1024 * 1024;
pub const LOGO_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/svg+xml"];

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The stored form of a name or other text people type: NFC-normalised (so "é" typed as
/// one character or as "e" and a combining accent is the same name) and trimmed. The
/// checks below judge this form, and the server stores it.
pub fn clean(value: &str) -> String {
    value.nfc().collect::<String>().trim().to_owned()
}

/// Whether a text is one line (names) or may span lines (descriptions, reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Why a character has no place in text people read, if it has none.
fn unfit(before: Option<char>, c: char, after: Option<char>, lines: Lines) -> Option<&'static str> {
    match c {
        '\n' | '\t' | '\r' if lines == Lines::Many => None,
        '\u{2028}' | '\u{2029}' if lines == Lines::Many => None,
        '\u{2028}' | '\u{2029}' => Some("line break"),
        c if c.is_control() => Some("control character"),
        // Embeddings, overrides and isolates (U+202E shows "gpj.exe" as "exe.jpg"), and the
        // marks that steer the direction of the text around them.
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some("text-direction character"),
        // Joiners shape the letters on both sides in Arabic and Indic scripts and in emoji
        // sequences; anywhere else (at an edge, next to a space or an ASCII character) they
        // only hide inside a name that then looks like another.
        '\u{200C}' | '\u{200D}' => {
            let joins = |n: Option<char>| {
                n.is_some_and(|n| !n.is_ascii() && !n.is_whitespace() && !is_invisible(n))
            };
            (!(joins(before) && joins(after))).then_some("invisible character")
        }
        c if is_invisible(c) => Some("invisible character"),
        _ => None,
    }
}

/// Characters that take no space and show nothing: zero-width space and no-break space,
/// word joiner and invisible operators, soft hyphen, Hangul fillers, tags, and the
/// deprecated format controls.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}' | '\u{200C}' | '\u{200D}'
        | '\u{2060}'..='\u{2064}' | '\u{206A}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Refuses control, text-direction and invisible characters in `value` (line breaks and
/// tabs are fine where `lines` is [`Lines::Many`]), naming the first one found.
pub fn plain_text(field: &str, value: &str, lines: Lines, out: &mut Vec<FieldError>) {
    let chars: Vec<char> = value.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        if let Some(what) = unfit(before, c, after, lines) {
            out.push(err(
                field,
                format!(
                    "Remove the {what} U+{:04X}: this text can hold no control, \
                     text-direction or invisible characters.",
                    u32::from(c)
                ),
            ));
            return;
        }
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
    let value = clean(value);
    let n = value.chars().count();
    plain_text("display_name", &value, Lines::One, out);
    if n == 0 {
        out.push(err("display_name", "Enter your name."));
    } else if n > DISPLAY_NAME_MAX {
        out.push(err(
            "display_name",
            format!("Use at most {DISPLAY_NAME_MAX} characters."),
        ));
    }
}

/// The name of an org or a project.
pub fn org_name(value: &str, out: &mut Vec<FieldError>) {
    let value = clean(value);
    let n = value.chars().count();
    plain_text("name", &value, Lines::One, out);
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
    let value = clean(value);
    plain_text("description", &value, Lines::Many, out);
    if value.chars().count() > DESCRIPTION_MAX {
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
    fn names_refuse_control_direction_and_invisible_characters() {
        for bad in [
            "Acme\0",
            "Acme\r\nBcc: x",
            "Acme\nInc",
            "Acme\u{7f}",
            "Invoice\u{202E}gpj.exe",
            "Acme\u{2066}x\u{2069}",
            "Ac\u{200B}me",
            "Acme\u{FEFF}",
            "Ac\u{200D}me",
            "\u{200C}Acme",
            "\u{3164}",
            "Acme\u{E0041}",
            "Acme\u{2028}x",
        ] {
            assert_eq!(check(org_name, bad), ["name"], "{bad:?}");
            assert_eq!(check(display_name, bad), ["display_name"], "{bad:?}");
        }
        let mut out = Vec::new();
        org_name("Invoice\u{202E}gpj.exe", &mut out);
        assert!(out[0].message.contains("U+202E"), "{}", out[0].message);
        // Joiners where a script needs them: Persian, Devanagari, an emoji sequence.
        for good in [
            "Café Zürich",
            "\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}",
            "\u{915}\u{94D}\u{200D}\u{937}",
            "\u{1F469}\u{200D}\u{1F4BB} Devs",
            "Acme (Berlin) — 2026",
        ] {
            assert!(check(org_name, good).is_empty(), "{good:?}");
        }
        // Descriptions and reasons may span lines, nothing more.
        assert!(check(description, "Line one\nline two\r\n\tthree").is_empty());
        assert_eq!(check(description, "x\u{0}"), ["description"]);
        assert_eq!(check(description, "x\u{202D}"), ["description"]);
    }

    #[test]
    fn names_are_judged_and_stored_in_nfc() {
        let decomposed = "Cafe\u{301}";
        assert_eq!(clean(decomposed), "Caf\u{e9}");
        assert_eq!(clean("  Acme  "), "Acme");
        // 100 characters once composed, though 200 as sent.
        assert!(check(org_name, &"e\u{301}".repeat(100)).is_empty());
        assert_eq!(check(org_name, &"e\u{301}".repeat(101)), ["name"]);
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
    }
}
