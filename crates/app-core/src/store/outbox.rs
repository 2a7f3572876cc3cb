//! The outbox table: changes not yet applied by the server, each payload sealed to its row
//! and idempotency key, each detail to its row. A row whose payload or detail does not
//! open there (the file was altered, or values swapped between rows) is set aside as
//! `unreadable`: reported in the log, never sent, never listed.

use chrono::Utc;
use rusqlite::params;

use super::place::Place;
use super::{ms, time, LocalStore, StoreError, StoredChange};

/// The state of a row set aside because it did not open where it is stored.
pub(super) const UNREADABLE: &str = "unreadable";

impl LocalStore {
    /// Adds a change to the outbox; it is stored before anything is sent.
    pub fn push_change<T: serde::Serialize>(
        &self,
        org_id: &str,
        idempotency_key: &str,
        payload: &T,
    ) -> Result<i64, StoreError> {
        let plain = serde_json::to_vec(payload)?;
        let mut conn = self.conn();
        // The row's id is part of where the payload is sealed: insert, then seal.
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO outbox (org_id, idempotency_key, created_at, state, sealed)
             VALUES (?1, ?2, ?3, 'pending', x'')",
            params![org_id, idempotency_key, ms(Utc::now())],
        )?;
        let id = tx.last_insert_rowid();
        let place = Place::Change {
            id,
            idempotency_key,
        };
        tx.execute(
            "UPDATE outbox SET sealed = ?2 WHERE id = ?1",
            params![id, self.seal(&plain, place)],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Every readable change in the outbox, oldest first. One that does not open where it
    /// is stored is set aside ([`UNREADABLE`]) and reported, and the others still listed.
    pub fn changes(&self) -> Result<Vec<StoredChange>, StoreError> {
        struct Row {
            change: StoredChange,
            sealed: Vec<u8>,
            sealed_detail: Option<Vec<u8>>,
        }
        let rows: Vec<Row> = {
            let conn = self.conn();
            let mut stmt = conn.prepare(
                "SELECT id, org_id, idempotency_key, created_at, state, attempts, sealed, sealed_detail
                 FROM outbox WHERE state <> ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([UNREADABLE], |r| {
                Ok(Row {
                    change: StoredChange {
                        id: r.get(0)?,
                        org_id: r.get(1)?,
                        idempotency_key: r.get(2)?,
                        created_at: time(r.get(3)?),
                        state: r.get(4)?,
                        attempts: r.get(5)?,
                        payload: serde_json::Value::Null,
                        detail: None,
                    },
                    sealed: r.get(6)?,
                    sealed_detail: r.get(7)?,
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let mut readable = Vec::with_capacity(rows.len());
        for row in rows {
            let mut change = row.change;
            let id = change.id;
            let payload = Place::Change {
                id,
                idempotency_key: &change.idempotency_key,
            };
            let opened = self.open_json(&row.sealed, payload).and_then(|payload| {
                let detail = row
                    .sealed_detail
                    .map(|d| self.open_json(&d, Place::ChangeDetail { id }))
                    .transpose()?;
                Ok((payload, detail))
            });
            match opened {
                Ok((payload, detail)) => {
                    change.payload = payload;
                    change.detail = detail;
                    readable.push(change);
                }
                Err(e) => self.set_aside(id, &e),
            }
        }
        Ok(readable)
    }

    /// Sets a change that does not open where it is stored aside, and says so.
    fn set_aside(&self, id: i64, error: &StoreError) {
        tracing::error!(
            change = id,
            %error,
            "a queued change does not open where it is stored (the local store was altered): \
             it is set aside and will not be sent"
        );
        if let Err(e) = self.conn().execute(
            "UPDATE outbox SET state = ?2 WHERE id = ?1",
            params![id, UNREADABLE],
        ) {
            tracing::warn!(error = %e, "an unreadable change could not be set aside");
        }
    }

    /// Records the outcome of an attempt that did not apply the change.
    pub fn mark_change<T: serde::Serialize>(
        &self,
        id: i64,
        state: &str,
        detail: Option<&T>,
    ) -> Result<(), StoreError> {
        let sealed = detail
            .map(|d| self.seal_json(d, Place::ChangeDetail { id }))
            .transpose()?;
        self.conn().execute(
            "UPDATE outbox SET state = ?2, attempts = attempts + 1, sealed_detail = ?3 WHERE id = ?1",
            params![id, state, sealed],
        )?;
        Ok(())
    }

    /// Puts another change (under a new idempotency key) in this one's place, pending.
    pub fn replace_change<T: serde::Serialize>(
        &self,
        id: i64,
        idempotency_key: &str,
        payload: &T,
    ) -> Result<(), StoreError> {
        let place = Place::Change {
            id,
            idempotency_key,
        };
        let sealed = self.seal_json(payload, place)?;
        self.conn().execute(
            "UPDATE outbox SET idempotency_key = ?2, sealed = ?3, state = 'pending', sealed_detail = NULL
             WHERE id = ?1",
            params![id, idempotency_key, sealed],
        )?;
        Ok(())
    }

    pub fn remove_change(&self, id: i64) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM outbox WHERE id = ?1", [id])?;
        Ok(())
    }
}
