//! Attack 7, the local store: whoever can write an account's `store.db` swaps sealed
//! values between rows (one org's cached balance onto another's key, one queued change's
//! payload under another's idempotency key), or makes a cached answer look fresher. Each
//! value is bound to where it lives, so a moved one no longer opens: it is never shown or
//! sent, the store reports it and keeps working.

use chrono::Utc;
use orgdesk_app_core::secrets::MemorySecrets;
use orgdesk_app_core::store::{account_dir, FileKey, LocalStore};
use orgdesk_client::{OrgRead, ReadCache, ReadKey};
use orgdesk_model::OrgId;
use rusqlite::{params, Connection};
use serde_json::json;

const ACCOUNT: &str = "http://127.0.0.1:8787#0190aaaa-0000-7000-8000-000000000001";

struct Opened {
    dir: tempfile::TempDir,
    keychain: MemorySecrets,
}

impl Opened {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            keychain: MemorySecrets::default(),
        }
    }

    fn store(&self) -> LocalStore {
        LocalStore::open(self.dir.path(), ACCOUNT, &self.keychain).unwrap()
    }

    /// The file, as someone with write access to it sees it.
    fn sqlite(&self) -> Connection {
        Connection::open(account_dir(self.dir.path(), ACCOUNT).join("store.db")).unwrap()
    }
}

/// Swaps the `sealed` column of two rows of `table`, found by `column`.
fn swap(conn: &Connection, table: &str, column: &str, a: &str, b: &str) {
    let get = |v: &str| -> Vec<u8> {
        conn.query_row(
            &format!("SELECT sealed FROM {table} WHERE {column} = ?1"),
            [v],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (sealed_a, sealed_b) = (get(a), get(b));
    assert_ne!(sealed_a, sealed_b);
    let set = format!("UPDATE {table} SET sealed = ?2 WHERE {column} = ?1");
    conn.execute(&set, params![a, sealed_b]).unwrap();
    conn.execute(&set, params![b, sealed_a]).unwrap();
}

fn rows(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn swapped_cached_reads_are_both_unreadable_and_dropped() {
    let opened = Opened::new();
    let (acme, globex) = (OrgId::new(), OrgId::new());
    let balance = |org| ReadKey::of(org, OrgRead::Billing);
    let at = Utc::now();
    {
        let store = opened.store();
        store.store(&balance(acme), json!({"balance": 10}), at);
        store.store(&balance(globex), json!({"balance": 99_000}), at);
        store.store(&ReadKey::Orgs, json!(["acme", "globex"]), at);
    }
    let file = opened.sqlite();
    swap(
        &file,
        "reads",
        "key",
        &balance(acme).storage_key(),
        &balance(globex).storage_key(),
    );
    // And one answer made to look fresher than it is.
    file.execute(
        "UPDATE reads SET fetched_at = fetched_at + 86400000 WHERE key = ?1",
        [ReadKey::Orgs.storage_key()],
    )
    .unwrap();

    let store = opened.store();
    assert_eq!(store.load(&balance(acme)), None);
    assert_eq!(store.load(&balance(globex)), None);
    assert_eq!(store.load(&ReadKey::Orgs), None);
    assert_eq!(rows(&file, "reads"), 0, "what does not open is dropped");
    // The store keeps working.
    store.store(&balance(acme), json!({"balance": 11}), at);
    assert_eq!(store.load(&balance(acme)).unwrap().0["balance"], 11);
}

#[test]
fn swapped_kept_files_are_both_refused() {
    let opened = Opened::new();
    let org_id = OrgId::new();
    let pdf = |month: &str| FileKey::InvoicePdf {
        org_id,
        month: month.into(),
    };
    {
        let store = opened.store();
        store
            .put_file(&pdf("2026-01"), b"%PDF january", Utc::now())
            .unwrap();
        store
            .put_file(&pdf("2026-02"), b"%PDF february", Utc::now())
            .unwrap();
    }
    swap(
        &opened.sqlite(),
        "files",
        "key",
        &pdf("2026-01").to_string(),
        &pdf("2026-02").to_string(),
    );
    let store = opened.store();
    assert!(store.file(&pdf("2026-01")).is_err());
    assert!(store.file(&pdf("2026-02")).is_err());
    // Kept again, it opens.
    store
        .put_file(&pdf("2026-01"), b"%PDF january", Utc::now())
        .unwrap();
    assert_eq!(
        store.file(&pdf("2026-01")).unwrap().unwrap().0,
        b"%PDF january"
    );
}

#[test]
fn swapped_queued_changes_are_set_aside_and_never_listed() {
    let opened = Opened::new();
    {
        let store = opened.store();
        store
            .push_change("org-1", "k-small", &json!({"top_up": 10}))
            .unwrap();
        store
            .push_change("org-1", "k-large", &json!({"top_up": 99_000}))
            .unwrap();
        store
            .push_change("org-1", "k-rename", &json!({"rename": "Acme"}))
            .unwrap();
        let id = store
            .push_change("org-1", "k-keys", &json!({"n": 1}))
            .unwrap();
        store
            .push_change("org-1", "k-keys-2", &json!({"n": 2}))
            .unwrap();
        store
            .mark_change(id, "refused", Some(&json!({"why": "a"})))
            .unwrap();
    }
    let file = opened.sqlite();
    swap(&file, "outbox", "idempotency_key", "k-small", "k-large");
    // Keys are in the clear: swapping them makes each payload go out under the other's.
    file.execute_batch(
        "UPDATE outbox SET idempotency_key = 'tmp' WHERE idempotency_key = 'k-keys';
         UPDATE outbox SET idempotency_key = 'k-keys' WHERE idempotency_key = 'k-keys-2';
         UPDATE outbox SET idempotency_key = 'k-keys-2' WHERE idempotency_key = 'tmp';",
    )
    .unwrap();

    let store = opened.store();
    let listed = store.changes().expect("the outbox still reads");
    let keys: Vec<&str> = listed.iter().map(|c| c.idempotency_key.as_str()).collect();
    assert_eq!(keys, ["k-rename"], "only the untouched change");
    assert_eq!(listed[0].payload["rename"], "Acme");
    let states: Vec<(String, String)> = file
        .prepare("SELECT idempotency_key, state FROM outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (key, state) in &states {
        let want = if key == "k-rename" {
            "pending"
        } else {
            "unreadable"
        };
        assert_eq!(state, want, "{key}: {states:?}");
    }
    // Set aside once; the next listing is the same, and new changes queue as before.
    assert_eq!(store.changes().unwrap().len(), 1);
    store
        .push_change("org-1", "k-new", &json!({"n": 3}))
        .unwrap();
    assert_eq!(store.changes().unwrap().len(), 2);
}

#[test]
fn a_swapped_detail_sets_its_change_aside() {
    let opened = Opened::new();
    let (a, b) = {
        let store = opened.store();
        let a = store.push_change("org-1", "k-a", &json!({"n": 1})).unwrap();
        let b = store.push_change("org-1", "k-b", &json!({"n": 2})).unwrap();
        store
            .mark_change(a, "conflict", Some(&json!({"theirs": 1})))
            .unwrap();
        store
            .mark_change(b, "conflict", Some(&json!({"theirs": 2})))
            .unwrap();
        (a, b)
    };
    let file = opened.sqlite();
    let detail = |id: i64| -> Vec<u8> {
        file.query_row(
            "SELECT sealed_detail FROM outbox WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (da, db) = (detail(a), detail(b));
    let set = "UPDATE outbox SET sealed_detail = ?2 WHERE id = ?1";
    file.execute(set, params![a, db]).unwrap();
    file.execute(set, params![b, da]).unwrap();
    assert!(opened.store().changes().unwrap().is_empty());
}
