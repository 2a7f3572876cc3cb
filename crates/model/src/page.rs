//! Cursor pagination. A cursor is opaque to clients: they pass back what they were given.
//!
//! Every list route takes `cursor` and `limit` with the same rules, which the OpenAPI
//! document states and the query structs enforce as they are read (see [`limit`] and
//! [`cursor`]): `limit` is 1–200 (a value outside answers 400), `cursor` is base64url and
//! empty means none.

use serde::{Deserialize, Deserializer, Serialize};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MIN_LIMIT: u32 = 1;
pub const MAX_LIMIT: u32 = 200;
/// The alphabet of cursors (unpadded base64url); the empty cursor means "first page".
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]*$";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Query parameters of every list route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Opaque cursor from the previous page's `next_cursor`; empty or absent for the first
    /// page.
    #[serde(default, deserialize_with = "cursor")]
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Items per page, 1–200 (default 50).
    #[serde(default, deserialize_with = "limit")]
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<u32>,
}

impl PageQuery {
    pub fn limit(&self) -> u32 {
        self.limit
            .unwrap_or(DEFAULT_LIMIT)
            .clamp(MIN_LIMIT, MAX_LIMIT)
    }
}

/// Reads `limit`: 1–200; anything else is refused (the server answers 400), never clamped,
/// so that what a client asks for is what it gets. Use with `#[serde(default)]`.
pub fn limit<'de, D: Deserializer<'de>>(raw: D) -> Result<Option<u32>, D::Error> {
    let limit = Option::<u32>::deserialize(raw)?;
    match limit {
        Some(n) if !(MIN_LIMIT..=MAX_LIMIT).contains(&n) => Err(serde::de::Error::custom(
            format_args!("limit must be {MIN_LIMIT} to {MAX_LIMIT}"),
        )),
        _ => Ok(limit),
    }
}

/// Reads `cursor`: empty means no cursor (a generated client sends `cursor=` for "none");
/// characters outside base64url are refused (the server answers 400). Whether the server
/// issued the cursor is for the list to decide. Use with `#[serde(default)]`.
pub fn cursor<'de, D: Deserializer<'de>>(raw: D) -> Result<Option<String>, D::Error> {
    let cursor = Option::<String>::deserialize(raw)?.filter(|c| !c.is_empty());
    match cursor {
        Some(c) if !is_cursor_text(&c) => Err(serde::de::Error::custom(
            "cursor must be the next_cursor of a previous page",
        )),
        _ => Ok(cursor),
    }
}

fn is_cursor_text(cursor: &str) -> bool {
    cursor
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &str) -> Result<PageQuery, serde_json::Error> {
        let map: serde_json::Map<String, serde_json::Value> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let v = v
                    .parse::<u64>()
                    .map_or_else(|_| v.into(), serde_json::Value::from);
                (k.to_owned(), v)
            })
            .collect();
        serde_json::from_value(serde_json::Value::Object(map))
    }

    #[test]
    fn limits_outside_the_documented_range_are_refused() {
        assert_eq!(read("").unwrap(), PageQuery::default());
        assert_eq!(read("limit=1").unwrap().limit, Some(1));
        assert_eq!(read("limit=200").unwrap().limit, Some(200));
        assert!(read("limit=0").is_err());
        assert!(read("limit=201").is_err());
        assert!(read("limit=2147483648").is_err());
    }

    #[test]
    fn an_empty_cursor_is_no_cursor() {
        assert_eq!(read("cursor=").unwrap().cursor, None);
        assert_eq!(
            read("cursor=eyJh-_").unwrap().cursor.as_deref(),
            Some("eyJh-_")
        );
        assert!(read("cursor=a%20b").is_err());
        assert!(read("cursor=a+b").is_err());
    }

    #[test]
    fn cursors_are_base64url() {
        for text in ["", "abc", "A-_9"] {
            assert!(is_cursor_text(text));
        }
        for text in [" ", "a=", "a/b", "é"] {
            assert!(!is_cursor_text(text));
        }
    }
}
