//! A local store written before values were bound to their place (sealed without
//! associated data) opens in this version with nothing lost: its queued change is listed
//! and replayed to the server, its cached reads still answer, and it is sealed again in
//! the new format once.

use crate::common;

use std::sync::Arc;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng};
use chacha20poly1305::{AeadCore, XChaCha20Poly1305};
use chrono::Utc;
use common::world::{create, names, restore, sign_up_with_org, World};
use orgdesk_app_core::outbox::{Change, ChangeState};
use orgdesk_app_core::prefs::{JsonFilePrefs, Prefs};
use orgdesk_app_core::secrets::SecretStore;
use orgdesk_app_core::store::{account_dir, LocalStore};
use orgdesk_client::{ReadCache, ReadKey};
use rusqlite::{params, Connection};

/// How the earlier version sealed a value: `nonce || ciphertext`, bound to nothing.
fn seal_unbound(key: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).unwrap();
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut sealed = nonce.to_vec();
    sealed.extend(cipher.encrypt(&nonce, plain).unwrap());
    sealed
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_from_before_keeps_and_replays_its_queued_change() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;
    drop(app);

    // Rewrite the account's store as the earlier version left it: a queued project and a
    // cached answer, sealed without associated data, in a file of format 0.
    let prefs = Prefs::new(Arc::new(JsonFilePrefs::open(
        world.app_dir.path().join("prefs.json"),
    )));
    let account = prefs.account().expect("a saved account").keychain_key();
    let key = world
        .secrets
        .get(&format!("{account}#store"))
        .unwrap()
        .expect("the store's key");
    let key = base64::engine::general_purpose::STANDARD
        .decode(key)
        .unwrap();
    let path = account_dir(world.app_dir.path(), &account).join("store.db");
    let file = Connection::open(&path).unwrap();
    file.execute_batch("DELETE FROM reads; DELETE FROM files; DELETE FROM outbox;")
        .unwrap();
    let change = serde_json::to_vec(&Change::from(create(org, "Legacy"))).unwrap();
    let now = Utc::now().timestamp_millis();
    file.execute(
        "INSERT INTO outbox (org_id, idempotency_key, created_at, state, sealed)
         VALUES (?1, 'legacy-key', ?2, 'pending', ?3)",
        params![org.to_string(), now, seal_unbound(&key, &change)],
    )
    .unwrap();
    file.execute(
        "INSERT INTO reads (key, fetched_at, sealed) VALUES (?1, ?2, ?3)",
        params![
            ReadKey::Orgs.storage_key(),
            now,
            seal_unbound(&key, br#"{"from":"before"}"#)
        ],
    )
    .unwrap();
    file.pragma_update(None, "user_version", 0).unwrap();
    drop(file);

    // The next launch resumes the account over that store.
    let app = world.launch();
    assert!(restore(&app).await.session.is_some());
    let waiting = app.outbox.changes().await.unwrap();
    assert_eq!(waiting.len(), 1, "the queued change survived the upgrade");
    assert_eq!(waiting[0].summary, "Create project “Legacy”");
    assert_eq!(waiting[0].state, ChangeState::Pending);
    let cached = LocalStore::open(world.app_dir.path(), &account, world.secrets.as_ref())
        .unwrap()
        .load(&ReadKey::Orgs)
        .expect("the cached answer survived the upgrade");
    assert_eq!(cached.0["from"], "before");

    app.outbox.replay().await;
    assert!(app.outbox.changes().await.unwrap().is_empty(), "sent");
    let direct = world.direct("ana@example.com").await;
    assert_eq!(names(&direct, org).await, ["Legacy"], "applied once");

    let file = Connection::open(&path).unwrap();
    let version: i64 = file
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "sealed again in the bound format");
    let sealed: Vec<u8> = file
        .query_row(
            "SELECT sealed FROM reads WHERE key = ?1",
            [ReadKey::Orgs.storage_key()],
            |r| r.get(0),
        )
        .unwrap();
    let unbound = XChaCha20Poly1305::new_from_slice(&key).unwrap();
    let (nonce, body) = sealed.split_at(24);
    assert!(
        unbound
            .decrypt(chacha20poly1305::XNonce::from_slice(nonce), body)
            .is_err(),
        "no longer opens without its place"
    );
}
