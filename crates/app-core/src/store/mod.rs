//! The local store: one SQLite file per account, holding the last-seen answer of every
//! read (with the time it was fetched), downloaded files (statement PDFs), and the outbox
//! of changes not yet applied by the server. Values and payloads are encrypted with the
//! account's key from the OS keychain, each bound to where it is stored (`place.rs`); only
//! keys and timestamps are in the clear. Sign-out deletes the file and forgets the key.

mod crypto;
mod files;
mod outbox;
mod place;
mod upgrade;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use orgdesk_client::{ReadCache, ReadKey};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use thiserror::Error;

pub use crypto::{Cipher, CryptoError};
pub use files::FileKey;

use crate::owner_only;
use crate::secrets::SecretStore;
use place::Place;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the local store could not be used: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the local store's folder could not be made: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("a stored value could not be read: {0}")]
    Json(#[from] serde_json::Error),
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS reads (
    key TEXT PRIMARY KEY,
    fetched_at INTEGER NOT NULL,
    sealed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    key TEXT PRIMARY KEY,
    fetched_at INTEGER NOT NULL,
    sealed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sealed BLOB NOT NULL,
    sealed_detail BLOB
);
";

/// A value with the time the server gave it.
pub type Dated<T> = (T, DateTime<Utc>);

/// One stored outbox row, its payload and detail still as JSON.
#[derive(Debug, Clone)]
pub struct StoredChange {
    pub id: i64,
    pub org_id: String,
    pub idempotency_key: String,
    pub created_at: DateTime<Utc>,
    pub state: String,
    pub attempts: i64,
    pub payload: serde_json::Value,
    pub detail: Option<serde_json::Value>,
}

pub struct LocalStore {
    dir: PathBuf,
    /// Whose store this is: part of every sealed value's place.
    account: String,
    conn: Mutex<Connection>,
    cipher: Cipher,
}

/// The folder of every account's local data, inside the app data folder.
const ACCOUNTS: &str = "accounts";
/// Each account's SQLite file.
const STORE_FILE: &str = "store.db";

/// The folder of one account's local data.
pub fn account_dir(data_dir: &Path, account: &str) -> PathBuf {
    let digest = hex_prefix(&Sha256::digest(account.as_bytes()));
    data_dir.join(ACCOUNTS).join(digest)
}

/// Makes every account's local data, as earlier versions left it, the owner's only.
pub fn make_private(data_dir: &Path) -> std::io::Result<()> {
    owner_only::tighten_tree(&data_dir.join(ACCOUNTS))
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl LocalStore {
    /// Opens (creating if needed) the store of `account` under `data_dir`.
    pub fn open(
        data_dir: &Path,
        account: &str,
        keychain: &dyn SecretStore,
    ) -> Result<Self, StoreError> {
        let cipher = Cipher::for_account(keychain, account)?;
        let dir = account_dir(data_dir, account);
        owner_only::dir(&data_dir.join(ACCOUNTS))?;
        owner_only::dir(&dir)?;
        // Made 0600 before SQLite opens it: its -wal and -shm files take the same mode.
        let db = dir.join(STORE_FILE);
        owner_only::touch(&db)?;
        for companion in ["-wal", "-shm", "-journal"] {
            owner_only::file(&dir.join(format!("{STORE_FILE}{companion}")))?;
        }
        let mut conn = Connection::open(db)?;
        // A previous run of the app may still be closing the file (its last checkpoint
        // holds a lock for a moment): wait for it rather than answer "nothing stored".
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
        conn.execute_batch(SCHEMA)?;
        upgrade::bind_to_places(&mut conn, &cipher, account)?;
        Ok(Self {
            dir,
            account: account.to_owned(),
            conn: Mutex::new(conn),
            cipher,
        })
    }

    /// Deletes the account's local data and forgets its key.
    pub fn erase(data_dir: &Path, account: &str, keychain: &dyn SecretStore) {
        let dir = account_dir(data_dir, account);
        if let Err(e) = std::fs::remove_dir_all(&dir) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(error = %e, "the account's local data could not be deleted");
            }
        }
        if let Err(e) = Cipher::forget(keychain, account) {
            tracing::warn!(error = %e, "the local store's key could not be removed");
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn seal(&self, plain: &[u8], place: Place<'_>) -> Vec<u8> {
        self.cipher.seal(plain, &place.bytes(&self.account))
    }

    fn open_sealed(&self, sealed: &[u8], place: Place<'_>) -> Result<Vec<u8>, CryptoError> {
        self.cipher.open(sealed, &place.bytes(&self.account))
    }

    fn seal_json<T: serde::Serialize>(
        &self,
        value: &T,
        place: Place<'_>,
    ) -> Result<Vec<u8>, StoreError> {
        Ok(self.seal(&serde_json::to_vec(value)?, place))
    }

    fn open_json(&self, sealed: &[u8], place: Place<'_>) -> Result<serde_json::Value, StoreError> {
        Ok(serde_json::from_slice(&self.open_sealed(sealed, place)?)?)
    }

    pub fn put_file(
        &self,
        key: &FileKey,
        bytes: &[u8],
        fetched_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (key, fetched_at) = (key.to_string(), ms(fetched_at));
        let place = Place::File {
            key: &key,
            fetched_at,
        };
        self.conn().execute(
            "INSERT INTO files (key, fetched_at, sealed) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET fetched_at = excluded.fetched_at, sealed = excluded.sealed",
            params![key, fetched_at, self.seal(bytes, place)],
        )?;
        Ok(())
    }

    /// A kept file; one that does not open where it is (altered, or moved there from
    /// another key) is an error, and is replaced the next time the file is kept.
    pub fn file(&self, key: &FileKey) -> Result<Option<Dated<Vec<u8>>>, StoreError> {
        let key = key.to_string();
        let row: Option<(Vec<u8>, i64)> = self
            .conn()
            .query_row(
                "SELECT sealed, fetched_at FROM files WHERE key = ?1",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((sealed, fetched_at)) = row else {
            return Ok(None);
        };
        let place = Place::File {
            key: &key,
            fetched_at,
        };
        match self.open_sealed(&sealed, place) {
            Ok(bytes) => Ok(Some((bytes, time(fetched_at)))),
            Err(e) => {
                tracing::warn!(%key, "a kept file does not open where it is stored: altered or moved");
                Err(e.into())
            }
        }
    }
}

impl ReadCache for LocalStore {
    fn load(&self, key: &ReadKey) -> Option<(serde_json::Value, DateTime<Utc>)> {
        let row: Option<(Vec<u8>, i64)> = self
            .conn()
            .query_row(
                "SELECT sealed, fetched_at FROM reads WHERE key = ?1",
                [key.storage_key()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .unwrap_or_else(|e| {
                tracing::warn!(key = %key, error = %e, "the local store could not be read");
                None
            });
        let (sealed, fetched_at) = row?;
        let storage_key = key.storage_key();
        let place = Place::Read {
            key: &storage_key,
            fetched_at,
        };
        match self.open_json(&sealed, place) {
            Ok(value) => Some((value, time(fetched_at))),
            Err(e) => {
                // Altered, or moved here from another key: never shown, and reported.
                tracing::warn!(key = %key, error = %e, "dropping a cached value that does not open where it is stored");
                self.forget(key);
                None
            }
        }
    }

    fn store(&self, key: &ReadKey, value: serde_json::Value, fetched_at: DateTime<Utc>) {
        let (storage_key, fetched_at) = (key.storage_key(), ms(fetched_at));
        let place = Place::Read {
            key: &storage_key,
            fetched_at,
        };
        let sealed = match self.seal_json(&value, place) {
            Ok(s) => s,
            Err(e) => return tracing::warn!(error = %e, "not cached"),
        };
        if let Err(e) = self.conn().execute(
            "INSERT INTO reads (key, fetched_at, sealed) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET fetched_at = excluded.fetched_at, sealed = excluded.sealed",
            params![storage_key, fetched_at, sealed],
        ) {
            tracing::warn!(error = %e, "not cached");
        }
    }

    fn forget(&self, key: &ReadKey) {
        if let Err(e) = self
            .conn()
            .execute("DELETE FROM reads WHERE key = ?1", [key.storage_key()])
        {
            tracing::warn!(error = %e, "a cached value could not be removed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecrets;

    #[test]
    fn reads_files_and_changes_survive_reopening_and_are_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = MemorySecrets::default();
        let at = Utc::now();
        let pdf = FileKey::InvoicePdf {
            org_id: orgdesk_model::OrgId::new(),
            month: "2026-11".into(),
        };
        {
            let store = LocalStore::open(dir.path(), "acct", &keychain).unwrap();
            store.store(&ReadKey::Orgs, serde_json::json!({"secret": "Acme"}), at);
            store.put_file(&pdf, b"%PDF-1.7", at).unwrap();
            store
                .push_change("org-1", "k-1", &serde_json::json!({"rename": "Acme"}))
                .unwrap();
        }
        let store = LocalStore::open(dir.path(), "acct", &keychain).unwrap();
        let (value, fetched) = store.load(&ReadKey::Orgs).unwrap();
        assert_eq!(value["secret"], "Acme");
        assert_eq!(fetched.timestamp_millis(), at.timestamp_millis());
        assert_eq!(store.file(&pdf).unwrap().unwrap().0, b"%PDF-1.7");
        let changes = store.changes().unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].payload["rename"], "Acme");
        assert_eq!(changes[0].state, "pending");

        let raw = std::fs::read(store.dir().join("store.db")).unwrap();
        let needle = b"Acme";
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle),
            "values are encrypted at rest"
        );

        LocalStore::erase(dir.path(), "acct", &keychain);
        assert!(!account_dir(dir.path(), "acct").exists());
        assert!(keychain.get("acct#store").unwrap().is_none());
    }
}
