//! What the member search matches. Each membership row carries its lowercased display name
//! (the list order) and a set of terms in `member_terms`: the whole lowercased name, each
//! word of it, and the email. "Starts with q" is a range of terms:
//! `term >= q AND term < q || U+10FFFF` (byte order on both backends), never a
//! leading-wildcard LIKE. `member_prefixes` holds the first one to [`PREFIX_MAX`]
//! characters of every term with the list order, so short searches need no sorting.

/// Sorts after every character a term can contain, so `q + TOP` bounds all terms starting
/// with `q`.
const TOP: char = '\u{10FFFF}';

/// Prefixes up to this many characters are stored.
pub const PREFIX_MAX: usize = 3;

/// The list order of a display name.
pub fn sort_name(display_name: &str) -> String {
    normalize(display_name)
}

/// Lowercased, trimmed, inner whitespace collapsed to single spaces.
pub fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The search terms of a member: the whole name, each word of it (split at anything that
/// is not a letter or digit, so "Jean-Luc" also matches "luc"), and the email.
pub fn terms(display_name: &str, email: &str) -> Vec<String> {
    let name = normalize(display_name);
    let mut terms: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    terms.push(name);
    terms.push(email.trim().to_lowercase());
    terms.retain(|t| !t.is_empty());
    terms.sort();
    terms.dedup();
    terms
}

/// The distinct prefixes of 1 to [`PREFIX_MAX`] characters of `terms`.
pub fn prefixes(terms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = terms
        .iter()
        .flat_map(|term| {
            (1..=PREFIX_MAX)
                .filter(|n| *n <= term.chars().count())
                .map(|n| term.chars().take(n).collect::<String>())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A search, ready for the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// The terms starting with the text: `[low, high)`.
    pub low: String,
    pub high: String,
    /// The text's first [`PREFIX_MAX`] characters.
    pub prefix: String,
    /// Whether the text is no longer than the stored prefixes (the prefix says it all).
    pub short: bool,
}

impl Search {
    /// `None` for a blank search.
    pub fn parse(q: &str) -> Option<Self> {
        let low = normalize(q);
        if low.is_empty() {
            return None;
        }
        let mut high = low.clone();
        high.push(TOP);
        let prefix: String = low.chars().take(PREFIX_MAX).collect();
        let short = prefix.len() == low.len();
        Some(Self {
            low,
            high,
            prefix,
            short,
        })
    }

    /// Whether the name alone matches (a word of it, or all of it), not the email: what a
    /// search may match for a reader who is not shown emails.
    pub fn matches_name(&self, display_name: &str) -> bool {
        terms(display_name, "")
            .iter()
            .any(|term| *term >= self.low && *term < self.high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_cover_name_words_and_email() {
        assert_eq!(
            terms("  Jean-Luc   Picard ", "JL@Example.com"),
            ["jean", "jean-luc picard", "jl@example.com", "luc", "picard"]
        );
        assert_eq!(terms("Zoë", "z@example.com"), ["z@example.com", "zoë"]);
        assert_eq!(sort_name(" Ana  LIMA"), "ana lima");
    }

    #[test]
    fn searches_bound_every_match() {
        let search = Search::parse(" Ana  L").unwrap();
        let (low, high) = (search.low.as_str(), search.high.as_str());
        assert_eq!(low, "ana l");
        assert_eq!(search.prefix, "ana");
        assert!(!search.short);
        for term in ["ana l", "ana lima", "ana lü"] {
            assert!(term >= low && term < high, "{term}");
        }
        for term in ["ana k", "ana", "anb"] {
            assert!(!(term >= low && term < high), "{term}");
        }
        assert_eq!(Search::parse("   "), None);
        let short = Search::parse("ZÖ").unwrap();
        assert_eq!((short.prefix.as_str(), short.short), ("zö", true));
    }

    #[test]
    fn a_name_search_ignores_the_email() {
        let search = Search::parse("zq").unwrap();
        assert!(!search.matches_name("Bob Stone"));
        assert!(terms("Bob Stone", "zqx@example.com")
            .iter()
            .any(|t| *t >= search.low && *t < search.high));
        assert!(Search::parse("sto").unwrap().matches_name("Bob Stone"));
        assert!(Search::parse("bob s").unwrap().matches_name("Bob Stone"));
    }

    #[test]
    fn prefixes_are_distinct_and_short() {
        let terms = terms("Zoë Zorn", "zo@example.com");
        assert_eq!(prefixes(&terms), ["z", "zo", "zo@", "zor", "zoë"]);
    }
}
