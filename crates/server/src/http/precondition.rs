//! Versions as entity tags: `ETag: "<version>"` out, `If-Match` in, and `If-None-Match`
//! for content hashes.

use axum::http::header::{IF_MATCH, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue};

use crate::error::AppError;

/// The `ETag` value for a resource version or a content hash.
pub fn etag(tag: impl std::fmt::Display) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{tag}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

/// What `If-Match` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// No header: update unconditionally.
    Absent,
    /// `*`: any current version.
    Any,
    /// One or more versions; anything unreadable never matches.
    Versions(Vec<Option<i64>>),
}

impl IfMatch {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let values: Vec<&str> = headers
            .get_all(IF_MATCH)
            .iter()
            .map(|v| v.to_str().unwrap_or("\u{0}"))
            .collect();
        if values.is_empty() {
            return Self::Absent;
        }
        let tags: Vec<&str> = values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        if tags.contains(&"*") {
            return Self::Any;
        }
        Self::Versions(tags.into_iter().map(parse_version).collect())
    }

    /// Fails with 412 `version_conflict` when the header names no current version.
    pub fn check(&self, current: i64) -> Result<(), AppError> {
        match self {
            Self::Absent | Self::Any => Ok(()),
            Self::Versions(versions) if versions.contains(&Some(current)) => Ok(()),
            Self::Versions(_) => Err(AppError::VersionConflict { current }),
        }
    }
}

/// Accepts `"7"`, `7` and `W/"7"`.
fn parse_version(tag: &str) -> Option<i64> {
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let tag = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag);
    tag.parse().ok()
}

/// Whether `If-None-Match` already names this content (so the answer is 304).
pub fn none_match_hits(headers: &HeaderMap, current: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').map(str::trim).any(|tag| {
                let tag = tag.strip_prefix("W/").unwrap_or(tag);
                tag == "*" || tag.trim_matches('"') == current
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: axum::http::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn if_match_forms() {
        assert_eq!(IfMatch::from_headers(&HeaderMap::new()), IfMatch::Absent);
        for form in ["\"3\"", "3", "W/\"3\"", "\"2\", \"3\"", "*"] {
            assert!(
                IfMatch::from_headers(&headers(IF_MATCH, form))
                    .check(3)
                    .is_ok(),
                "{form}"
            );
        }
        for form in ["\"2\"", "garbage", "W/\"x\""] {
            assert!(
                IfMatch::from_headers(&headers(IF_MATCH, form))
                    .check(3)
                    .is_err(),
                "{form}"
            );
        }
    }

    #[test]
    fn if_none_match_forms() {
        assert!(none_match_hits(&headers(IF_NONE_MATCH, "\"abc\""), "abc"));
        assert!(none_match_hits(
            &headers(IF_NONE_MATCH, "W/\"abc\", \"x\""),
            "abc"
        ));
        assert!(!none_match_hits(&headers(IF_NONE_MATCH, "\"abd\""), "abc"));
        assert!(!none_match_hits(&HeaderMap::new(), "abc"));
    }
}
