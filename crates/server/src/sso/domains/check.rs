//! What a TXT answer means for a claim: the record holds the token, or a definitive
//! "no" with what was found instead (said to the admin, and written as the reason when
//! the daily look drops a verification).

use orgdesk_model::sso::{TXT_RECORD_PREFIX, TXT_VALUE_PREFIX};

use crate::dns::TxtAnswer;

/// Other values are quoted up to this many, each cut to [`QUOTED_CHARS`].
const QUOTED_VALUES: usize = 5;
const QUOTED_CHARS: usize = 80;

/// Where a domain's record lives: `_orgdesk.<domain>`.
pub fn record_name(domain: &str) -> String {
    format!("{TXT_RECORD_PREFIX}{domain}")
}

/// What the record must hold: `orgdesk-verification=<token>`.
pub fn record_value(token: &str) -> String {
    format!("{TXT_VALUE_PREFIX}{token}")
}

/// The outcome of one definitive look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// One of the TXT strings is exactly the expected value.
    Holds,
    /// It does not; the sentence says what was found.
    Missing(String),
}

/// Whether `answer` (the TXT records of [`record_name`]) proves the claim of `domain`
/// with `token`.
pub fn outcome(domain: &str, token: &str, answer: &TxtAnswer) -> Outcome {
    let name = record_name(domain);
    let expected = record_value(token);
    match answer {
        TxtAnswer::Values(values) if values.iter().any(|v| v.trim() == expected) => Outcome::Holds,
        TxtAnswer::Values(values) => {
            let quoted: Vec<String> = values
                .iter()
                .take(QUOTED_VALUES)
                .map(|v| format!("\"{}\"", v.chars().take(QUOTED_CHARS).collect::<String>()))
                .collect();
            let more = values.len().saturating_sub(QUOTED_VALUES);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            Outcome::Missing(format!(
                "The TXT record at {name} holds other values: {}{tail}.",
                quoted.join(", ")
            ))
        }
        TxtAnswer::NoSuchName => Outcome::Missing(format!("{name} does not exist (NXDOMAIN).")),
        TxtAnswer::NoRecords => Outcome::Missing(format!("{name} has no TXT record.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_value_holds() {
        let ok = TxtAnswer::Values(vec![
            "v=spf1 -all".into(),
            "orgdesk-verification=abc".into(),
        ]);
        assert_eq!(outcome("acme.com", "abc", &ok), Outcome::Holds);
        let other = TxtAnswer::Values(vec!["orgdesk-verification=abcd".into()]);
        let Outcome::Missing(why) = outcome("acme.com", "abc", &other) else {
            panic!("a longer token held");
        };
        assert!(why.contains("\"orgdesk-verification=abcd\""), "{why}");
        let Outcome::Missing(why) = outcome("acme.com", "abc", &TxtAnswer::NoSuchName) else {
            panic!()
        };
        assert!(
            why.contains("_orgdesk.acme.com") && why.contains("NXDOMAIN"),
            "{why}"
        );
        let many = TxtAnswer::Values((0..8).map(|i| format!("v{i}")).collect());
        let Outcome::Missing(why) = outcome("acme.com", "abc", &many) else {
            panic!()
        };
        assert!(why.ends_with("and 3 more."), "{why}");
    }
}
