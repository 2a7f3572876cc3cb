//! Slug rules: 3–48 characters of `a-z`, `0-9` and `-`, no leading, trailing or double
//! hyphen, not a reserved word. Slugs are generated from names by transliteration
//! (`Café Zürich` → `cafe-zurich`) and suffixed on collision.

use thiserror::Error;

pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 48;

/// Words that name app or API routes, or could be mistaken for Orgdesk itself.
pub const RESERVED: &[&str] = &[
    "about",
    "account",
    "accounts",
    "admin",
    "api",
    "app",
    "assets",
    "audit",
    "auth",
    "billing",
    "blog",
    "dashboard",
    "docs",
    "help",
    "invitations",
    "invite",
    "login",
    "logout",
    "me",
    "members",
    "new",
    "null",
    "orgdesk",
    "org",
    "orgs",
    "overview",
    "personal",
    "projects",
    "root",
    "security",
    "settings",
    "signup",
    "static",
    "status",
    "support",
    "switch",
    "system",
    "undefined",
    "usage",
    "webhooks",
    "www",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SlugError {
    #[error("Use at least {MIN_LEN} characters.")]
    TooShort,
    #[error("Use at most {MAX_LEN} characters.")]
    TooLong,
    #[error("Use only lowercase letters a–z, digits and hyphens.")]
    InvalidCharacter,
    #[error("A slug cannot start or end with a hyphen.")]
    EdgeHyphen,
    #[error("A slug cannot contain two hyphens in a row.")]
    DoubleHyphen,
    #[error("This word is reserved. Pick another slug.")]
    Reserved,
    #[error("A slug cannot look like an id. Add a word.")]
    LooksLikeId,
}

pub fn is_reserved(slug: &str) -> bool {
    RESERVED.contains(&slug)
}

/// Routes take an id or a slug in the same place, so no slug may parse as an id.
pub fn looks_like_id(slug: &str) -> bool {
    uuid::Uuid::parse_str(slug).is_ok()
}

/// Checks a slug against every rule, reporting the first that fails.
pub fn validate(slug: &str) -> Result<(), SlugError> {
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(SlugError::InvalidCharacter);
    }
    if slug.len() < MIN_LEN {
        return Err(SlugError::TooShort);
    }
    if slug.len() > MAX_LEN {
        return Err(SlugError::TooLong);
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return Err(SlugError::EdgeHyphen);
    }
    if slug.contains("--") {
        return Err(SlugError::DoubleHyphen);
    }
    if is_reserved(slug) {
        return Err(SlugError::Reserved);
    }
    if looks_like_id(slug) {
        return Err(SlugError::LooksLikeId);
    }
    Ok(())
}

/// Turns any name into a valid slug. Letters are transliterated to ASCII, everything else
/// becomes a single hyphen; a result that is too short or reserved gets `-org` appended.
pub fn generate(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_ascii_lowercase();
    let mut slug = String::with_capacity(ascii.len().min(MAX_LEN));
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= MAX_LEN {
            break;
        }
    }
    let mut slug = trim_to(&slug, MAX_LEN);
    if slug.is_empty() {
        slug.push_str("organization");
    }
    if slug.len() < MIN_LEN || is_reserved(&slug) || looks_like_id(&slug) {
        slug = format!("{}-org", trim_to(&slug, MAX_LEN - 4));
    }
    slug
}

/// The `n`th alternative for a slug that is taken: `acme` → `acme-2`, shortening the base
/// so that the result still fits.
pub fn with_suffix(base: &str, n: u32) -> String {
    let suffix = format!("-{n}");
    let base = trim_to(base, MAX_LEN - suffix.len());
    let base = if base.is_empty() {
        "org".to_owned()
    } else {
        base
    };
    format!("{base}{suffix}")
}

/// Cuts to at most `max` bytes of an ASCII slug and drops hyphens left at either end.
fn trim_to(slug: &str, max: usize) -> String {
    let cut = &slug[..slug.len().min(max)];
    cut.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(generate("Café Zürich"), "cafe-zurich");
        assert_eq!(generate("  ACME, Inc.  "), "acme-inc");
        assert_eq!(generate("Ünïcödé — 2026!"), "unicode-2026");
        assert_eq!(generate("北京"), "bei-jing");
        assert_eq!(generate("Settings"), "settings-org");
        assert_eq!(generate("A"), "a-org");
        assert_eq!(generate("!!!"), "organization");
        assert_eq!(with_suffix("acme", 2), "acme-2");
        assert_eq!(validate("ab"), Err(SlugError::TooShort));
        assert_eq!(validate("Acme"), Err(SlugError::InvalidCharacter));
        assert_eq!(validate("-acme"), Err(SlugError::EdgeHyphen));
        assert_eq!(validate("ac--me"), Err(SlugError::DoubleHyphen));
        assert_eq!(validate("billing"), Err(SlugError::Reserved));
        assert_eq!(validate("cafe-zurich"), Ok(()));
        let id = "0193a000-0000-7000-8000-000000000001";
        assert_eq!(validate(id), Err(SlugError::LooksLikeId));
        assert_eq!(validate(&generate(id)), Ok(()));
    }

    fn valid_slug() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,4}".prop_filter("valid", |s| validate(s).is_ok())
    }

    proptest! {
        #[test]
        fn generated_slugs_are_always_valid(name in any::<String>()) {
            let slug = generate(&name);
            prop_assert_eq!(validate(&slug), Ok(()), "{:?} -> {:?}", name, slug);
        }

        #[test]
        fn generated_from_letters_and_spaces_keeps_words(words in prop::collection::vec("[A-Za-zÀ-ÿ]{1,8}", 1..5)) {
            let slug = generate(&words.join(" "));
            prop_assert_eq!(validate(&slug), Ok(()));
        }

        #[test]
        fn valid_slugs_are_fixed_points(slug in valid_slug()) {
            prop_assert_eq!(generate(&slug), slug);
        }

        #[test]
        fn suffixed_slugs_are_valid_and_distinct(slug in valid_slug(), n in 2u32..100_000) {
            let a = with_suffix(&slug, n);
            prop_assert_eq!(validate(&a), Ok(()));
            prop_assert_ne!(a, with_suffix(&slug, n + 1));
        }

        #[test]
        fn validation_accepts_only_the_alphabet(s in "\\PC{0,60}") {
            if validate(&s).is_ok() {
                prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&s.len()));
                prop_assert!(!s.contains("--") && !s.starts_with('-') && !s.ends_with('-'));
            }
        }
    }
}
