//! Opaque keyset cursors: the sort key of the last item of a page, as base64url JSON.
//! Clients pass them back untouched; the server never paginates by offset.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AppError;

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
