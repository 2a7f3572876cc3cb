//! Opaque keyset cursors: the sort key of the last item of a page, as base64url JSON.
//! Clients pass them back untouched; the server never paginates by offset.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::page::{DEFAULT_LIMIT, MAX_LIMIT};
use orgdesk_model::Page;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AppError;

/// Items per page for a requested `limit`: 1–200, 50 when absent.
pub fn page_limit(limit: Option<u32>) -> usize {
    usize::try_from(limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)).unwrap_or(50)
}

/// How many rows to fetch for a page of `limit`: one more, to know whether a next page
/// exists.
pub fn fetch_count(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1)
}

/// A page from rows fetched with [`fetch_count`]: at most `limit` items, and the cursor of
/// the last one when more follow.
pub fn page<T, K: Serialize>(mut rows: Vec<(T, K)>, limit: usize) -> Page<T> {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|(_, key)| encode(key))
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(|(item, _)| item).collect(),
        next_cursor,
    }
}

/// The key a cursor carries, if one was given.
pub fn after<K: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<K>, AppError> {
    cursor.map(decode).transpose()
}

pub fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, AppError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| AppError::BadCursor)?;
    serde_json::from_slice(&bytes).map_err(|_| AppError::BadCursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_know_whether_more_follow() {
        let rows = vec![(1, "a"), (2, "b"), (3, "c")];
        let full = page(rows.clone(), 2);
        assert_eq!(full.items, [1, 2]);
        assert_eq!(
            decode::<String>(full.next_cursor.as_deref().unwrap()).unwrap(),
            "b"
        );
        let last = page(rows, 3);
        assert_eq!(last.next_cursor, None);
        assert_eq!(page_limit(None), 50);
        assert_eq!(page_limit(Some(0)), 1);
        assert_eq!(page_limit(Some(10_000)), 200);
    }

    #[test]
    fn round_trip_and_garbage() {
        let key = (1_i64, "acme".to_owned(), "0190-id".to_owned());
        let cursor = encode(&key);
        assert!(cursor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode::<(i64, String, String)>(&cursor).unwrap(), key);
        assert!(decode::<(i64, String, String)>("not a cursor!").is_err());
        assert!(decode::<(i64, String, String)>(&encode(&"other")).is_err());
    }
}
