//! Stores written before values were bound to their place (`PRAGMA user_version` 0) are
//! sealed again where they are, once, in one transaction: nothing cached and no queued
//! change is lost. A value that does not open even unbound (damaged, or under a key the
//! keychain no longer has) is dropped if it was a cached read or file, and a queued change
//! is set aside as unreadable, as later on.

use rusqlite::{params, Connection};

use super::outbox::UNREADABLE;
use super::place::Place;
use super::{Cipher, StoreError};

/// The format whose values are bound to their place.
const BOUND_TO_PLACES: i64 = 1;

/// Brings the store to [`BOUND_TO_PLACES`], if it is older.
pub(super) fn bind_to_places(
    conn: &mut Connection,
    cipher: &Cipher,
    account: &str,
) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version >= BOUND_TO_PLACES {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for table in ["reads", "files"] {
        let rows: Vec<(String, i64, Vec<u8>)> = tx
            .prepare(&format!("SELECT key, fetched_at, sealed FROM {table}"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (key, fetched_at, sealed) in rows {
            let place = if table == "reads" {
                Place::Read {
                    key: &key,
                    fetched_at,
                }
            } else {
                Place::File {
                    key: &key,
                    fetched_at,
                }
            };
            match cipher.open_unbound(&sealed) {
                Ok(plain) => tx.execute(
                    &format!("UPDATE {table} SET sealed = ?2 WHERE key = ?1"),
                    params![key, cipher.seal(&plain, &place.bytes(account))],
                )?,
                Err(_) => {
                    tracing::warn!(%table, %key, "dropping a stored value that does not open");
                    tx.execute(&format!("DELETE FROM {table} WHERE key = ?1"), [&key])?
                }
            };
        }
    }
    type Change = (i64, String, Vec<u8>, Option<Vec<u8>>);
    let changes: Vec<Change> = tx
        .prepare("SELECT id, idempotency_key, sealed, sealed_detail FROM outbox")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (id, idempotency_key, sealed, detail) in changes {
        let payload = cipher.open_unbound(&sealed);
        let detail = detail.map(|d| cipher.open_unbound(&d)).transpose();
        match (payload, detail) {
            (Ok(payload), Ok(detail)) => {
                let payload_place = Place::Change {
                    id,
                    idempotency_key: &idempotency_key,
                };
                let detail_place = Place::ChangeDetail { id }.bytes(account);
                tx.execute(
                    "UPDATE outbox SET sealed = ?2, sealed_detail = ?3 WHERE id = ?1",
                    params![
                        id,
                        cipher.seal(&payload, &payload_place.bytes(account)),
                        detail.map(|d| cipher.seal(&d, &detail_place)),
                    ],
                )?;
            }
            _ => {
                tracing::error!(
                    change = id,
                    "a queued change does not open: set aside, not sent"
                );
                tx.execute(
                    "UPDATE outbox SET state = ?2 WHERE id = ?1",
                    params![id, UNREADABLE],
                )?;
            }
        }
    }
    tx.pragma_update(None, "user_version", BOUND_TO_PLACES)?;
    tx.commit()?;
    Ok(())
}
