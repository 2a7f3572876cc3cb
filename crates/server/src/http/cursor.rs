//! Keyset paging, for every list: a page is read after the sort key of the last item shown,
//! never by offset. The key travels to the client as an opaque cursor (base64url JSON) and
//! comes back untouched.
//!
//! A list names its [`Order`] (the sort columns, unique together, and the direction); a
//! request becomes a [`PageRequest`] in one place ([`PageRequest::parse`]); the repository
//! writes its [`PageRequest::after_sql`] condition and [`PageRequest::order_sql`] tail
//! (which fetches one row more than the page, to know whether another follows); the
//! service answers [`PageRequest::page`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::page::{DEFAULT_LIMIT, MAX_LIMIT};
use orgdesk_model::Page;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::db::Params;
use crate::error::AppError;

/// How a list is sorted: columns (or expressions) that are unique together, all in one
/// direction.
#[derive(Debug, Clone, Copy)]
pub struct Order<'a> {
    pub columns: &'a [&'a str],
    pub descending: bool,
}

impl<'a> Order<'a> {
    pub const fn ascending(columns: &'a [&'a str]) -> Self {
        Self {
            columns,
            descending: false,
        }
    }

    pub const fn descending(columns: &'a [&'a str]) -> Self {
        Self {
            columns,
            descending: true,
        }
    }
}

/// One value of a sort key, bound as a query parameter.
pub trait KeyPart: Serialize + DeserializeOwned {
    fn bind(&self, params: &mut Params) -> String;
}

impl KeyPart for i64 {
    fn bind(&self, params: &mut Params) -> String {
        params.int(*self)
    }
}

impl KeyPart for String {
    fn bind(&self, params: &mut Params) -> String {
        params.text(self.clone())
    }
}

/// The sort key of a list's item: what a cursor carries, one value per [`Order`] column.
pub trait SortKey: Serialize + DeserializeOwned {
    /// The placeholders of the values, in column order.
    fn bind(&self, params: &mut Params) -> Vec<String>;
}

impl SortKey for i64 {
    fn bind(&self, params: &mut Params) -> Vec<String> {
        vec![KeyPart::bind(self, params)]
    }
}

impl SortKey for String {
    fn bind(&self, params: &mut Params) -> Vec<String> {
        vec![KeyPart::bind(self, params)]
    }
}

impl<A: KeyPart, B: KeyPart> SortKey for (A, B) {
    fn bind(&self, params: &mut Params) -> Vec<String> {
        vec![self.0.bind(params), self.1.bind(params)]
    }
}

impl<A: KeyPart, B: KeyPart, C: KeyPart> SortKey for (A, B, C) {
    fn bind(&self, params: &mut Params) -> Vec<String> {
        vec![
            self.0.bind(params),
            self.1.bind(params),
            self.2.bind(params),
        ]
    }
}

/// One page to read: after which key (none for the first page), and how many items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<K> {
    pub after: Option<K>,
    pub limit: usize,
}

impl<K: SortKey> PageRequest<K> {
    /// The page a list route's `cursor` and `limit` ask for: every list reads them here.
    pub fn parse(cursor: Option<&str>, limit: Option<u32>) -> Result<Self, AppError> {
        Ok(Self {
            after: after(cursor)?,
            limit: page_limit(limit),
        })
    }

    /// The first `limit` items.
    pub fn first(limit: usize) -> Self {
        Self { after: None, limit }
    }

    /// The keyset condition, `(a, b) > ($1, $2)` (`<` for a descending order), or `None`
    /// on the first page.
    pub fn after_sql(&self, order: Order<'_>, params: &mut Params) -> Option<String> {
        let key = self.after.as_ref()?;
        let values = key.bind(params);
        let op = if order.descending { "<" } else { ">" };
        Some(match (order.columns, values.as_slice()) {
            ([column], [value]) => format!("{column} {op} {value}"),
            (columns, values) => format!("({}) {op} ({})", columns.join(", "), values.join(", ")),
        })
    }

    /// `ORDER BY … LIMIT …`, fetching one row more than the page.
    pub fn order_sql(&self, order: Order<'_>, params: &mut Params) -> String {
        let columns: Vec<String> = order
            .columns
            .iter()
            .map(|c| {
                if order.descending {
                    format!("{c} DESC")
                } else {
                    (*c).to_owned()
                }
            })
            .collect();
        format!(
            "ORDER BY {} LIMIT {}",
            columns.join(", "),
            params.int(self.fetch())
        )
    }

    /// How many rows to fetch: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> i64 {
        i64::try_from(self.limit)
            .unwrap_or(i64::MAX)
            .saturating_add(1)
    }

    /// Rows fetched with [`Self::order_sql`] as the page's items and, when more follow,
    /// the key to read on after.
    pub fn split<T>(&self, mut rows: Vec<(T, K)>) -> (Vec<T>, Option<K>) {
        let more = rows.len() > self.limit;
        rows.truncate(self.limit);
        let mut items = Vec::with_capacity(rows.len());
        let mut last = None;
        for (item, key) in rows {
            items.push(item);
            last = Some(key);
        }
        (items, last.filter(|_| more))
    }

    /// Rows fetched with [`Self::order_sql`] as the page: at most `limit` items, and the
    /// cursor of the last one when more follow.
    pub fn page<T>(&self, rows: Vec<(T, K)>) -> Page<T> {
        let (items, next) = self.split(rows);
        Page {
            items,
            next_cursor: next.as_ref().map(encode),
        }
    }
}

/// Items per page for a requested `limit`: 1–200, 50 when absent.
pub fn page_limit(limit: Option<u32>) -> usize {
    usize::try_from(limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)).unwrap_or(50)
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
        let rows = vec![
            (1, "a".to_owned()),
            (2, "b".to_owned()),
            (3, "c".to_owned()),
        ];
        let full = PageRequest::<String>::first(2).page(rows.clone());
        assert_eq!(full.items, [1, 2]);
        assert_eq!(
            decode::<String>(full.next_cursor.as_deref().unwrap()).unwrap(),
            "b"
        );
        let last = PageRequest::<String>::first(3).page(rows);
        assert_eq!(last.next_cursor, None);
        assert_eq!(page_limit(None), 50);
        assert_eq!(page_limit(Some(0)), 1);
        assert_eq!(page_limit(Some(10_000)), 200);
    }

    #[test]
    fn keyset_sql_follows_the_order() {
        let order = Order::descending(&["e.created_at", "e.id"]);
        let first = PageRequest::<(i64, String)>::first(10);
        let mut params = Params::default();
        assert_eq!(first.after_sql(order, &mut params), None);
        assert_eq!(
            first.order_sql(order, &mut params),
            "ORDER BY e.created_at DESC, e.id DESC LIMIT $1"
        );
        let cursor = encode(&(5_i64, "x".to_owned()));
        let next = PageRequest::<(i64, String)>::parse(Some(&cursor), Some(10)).unwrap();
        let mut params = Params::default();
        params.text("org");
        assert_eq!(
            next.after_sql(order, &mut params).unwrap(),
            "(e.created_at, e.id) < ($2, $3)"
        );
        let seq = PageRequest::<i64>::parse(Some(&encode(&7_i64)), None).unwrap();
        let mut params = Params::default();
        let by_seq = Order::descending(&["seq"]);
        assert_eq!(seq.after_sql(by_seq, &mut params).unwrap(), "seq < $1");
        let by_name = Order::ascending(&["sort_name", "id"]);
        assert_eq!(
            PageRequest::<(String, String)>::first(5).order_sql(by_name, &mut params),
            "ORDER BY sort_name, id LIMIT $2"
        );
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
        assert!(PageRequest::<(i64, String)>::parse(Some("%%%"), None).is_err());
    }
}
