//! Where a sealed value lives. Its bytes are the value's associated data (AEAD), so a
//! value copied or swapped onto another row, key, table or account's store no longer
//! opens: whoever can write the file cannot move the cached balance of one org onto
//! another, or one queued change (and its idempotency key) onto another.

/// A sealed value's place in one account's store.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'a> {
    /// A read's last answer, under its storage key, fetched at this time (ms).
    Read { key: &'a str, fetched_at: i64 },
    /// A kept file, under its key, fetched at this time (ms).
    File { key: &'a str, fetched_at: i64 },
    /// A queued change's payload: its row and the idempotency key it is sent under.
    Change { id: i64, idempotency_key: &'a str },
    /// Why a queued change waits (a conflict or a refusal), of its row.
    ChangeDetail { id: i64 },
}

/// Names this layout of associated data; a later one gets another.
const LAYOUT: &[u8] = b"orgdesk-store/place/1";

impl Place<'_> {
    /// The associated data for this place in `account`'s store: every part
    /// length-prefixed, so that no two places give the same bytes.
    pub(crate) fn bytes(&self, account: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        let mut part = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        part(LAYOUT);
        part(account.as_bytes());
        match *self {
            Self::Read { key, fetched_at } => {
                part(b"reads");
                part(key.as_bytes());
                part(&fetched_at.to_be_bytes());
            }
            Self::File { key, fetched_at } => {
                part(b"files");
                part(key.as_bytes());
                part(&fetched_at.to_be_bytes());
            }
            Self::Change {
                id,
                idempotency_key,
            } => {
                part(b"outbox.payload");
                part(&id.to_be_bytes());
                part(idempotency_key.as_bytes());
            }
            Self::ChangeDetail { id } => {
                part(b"outbox.detail");
                part(&id.to_be_bytes());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_a_place_tells_it_apart() {
        let places = [
            Place::Read {
                key: "orgs",
                fetched_at: 1,
            }
            .bytes("a"),
            Place::Read {
                key: "orgs",
                fetched_at: 2,
            }
            .bytes("a"),
            Place::Read {
                key: "orgs",
                fetched_at: 1,
            }
            .bytes("b"),
            Place::Read {
                key: "orgs2",
                fetched_at: 1,
            }
            .bytes("a"),
            Place::File {
                key: "orgs",
                fetched_at: 1,
            }
            .bytes("a"),
            Place::Change {
                id: 1,
                idempotency_key: "k",
            }
            .bytes("a"),
            Place::Change {
                id: 2,
                idempotency_key: "k",
            }
            .bytes("a"),
            Place::Change {
                id: 1,
                idempotency_key: "k2",
            }
            .bytes("a"),
            Place::ChangeDetail { id: 1 }.bytes("a"),
        ];
        for (i, a) in places.iter().enumerate() {
            for b in &places[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // Lengths are prefixed: moving a character between parts changes the bytes.
        assert_ne!(
            Place::Read {
                key: "b",
                fetched_at: 1
            }
            .bytes("a#"),
            Place::Read {
                key: "#b",
                fetched_at: 1
            }
            .bytes("a")
        );
    }
}
