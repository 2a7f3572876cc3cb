//! A relaunch after time away: pages answer at once from the local store with their old
//! "as of", and once the server confirms them the UI hears it, even when nothing changed,
//! so the page drops the stale mark. (Measured in the real app: with unchanged figures the
//! overview kept "As of 06:34 AM" for 30 s and more after the server had answered.)

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::world::{restore, sign_up_with_org, App, World};
use orgdesk_app_core::prefs::{JsonFilePrefs, Prefs};
use orgdesk_app_core::store::LocalStore;
use orgdesk_client::{OrgData, OrgRead, ReadCache, ReadKey, ReadScope};
use orgdesk_model::OrgId;

/// Makes what the store remembers under `key` look `away` old, as after that long closed.
fn age(world: &World, key: &ReadKey, away: chrono::Duration) {
    let prefs = Prefs::new(Arc::new(JsonFilePrefs::open(
        world.app_dir.path().join("prefs.json"),
    )));
    let account = prefs.account().expect("a saved account").keychain_key();
    let store = LocalStore::open(world.app_dir.path(), &account, world.secrets.as_ref()).unwrap();
    let (value, _) = store.load(key).expect("remembered");
    store.store(key, value, Utc::now() - away);
}

/// Waits (up to `tenths` tenths of a second) until the UI has been told to read `scope`
/// again.
async fn told(app: &App, scope: &ReadScope, tenths: u32) -> bool {
    for _ in 0..tenths {
        if app
            .heard
            .refreshed
            .lock()
            .unwrap()
            .iter()
            .any(|s| s.contains(scope))
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

fn overview_of(org: OrgId) -> (ReadKey, ReadScope) {
    let scope = ReadScope::OrgData {
        org_id: org,
        data: OrgData::Overview,
    };
    (ReadKey::of(org, OrgRead::Overview), scope)
}

#[tokio::test(flavor = "multi_thread")]
async fn after_time_away_an_unchanged_page_hears_it_is_current() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;
    let first = app.orgs.overview(org).await.unwrap();
    drop(app);
    let (key, scope) = overview_of(org);
    age(&world, &key, chrono::Duration::minutes(5));

    let app = world.launch();
    restore(&app).await;
    let shown = app.orgs.overview(org).await.unwrap();
    assert!(shown.from_cache, "answered from the store at once");
    assert!(Utc::now() - shown.as_of > chrono::Duration::minutes(4));
    assert_eq!(
        serde_json::to_value(&shown.value).unwrap(),
        serde_json::to_value(&first.value).unwrap(),
        "nothing changed on the server meanwhile"
    );

    assert!(
        told(&app, &scope, 200).await,
        "the UI is told the overview is current"
    );
    let again = app.orgs.overview(org).await.unwrap();
    assert!(
        Utc::now() - again.as_of < chrono::Duration::seconds(30),
        "the page's re-read carries the new time: {}",
        again.as_of
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recent_unchanged_answer_is_not_announced_again() {
    let world = World::new().await;
    let app = world.launch();
    let org = sign_up_with_org(&world, &app, "ana@example.com").await;
    app.orgs.overview(org).await.unwrap();
    let (_, scope) = overview_of(org);
    // Older than the half second a fresh answer is reused, younger than a minute.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let shown = app.orgs.overview(org).await.unwrap();
    assert!(shown.from_cache);

    assert!(
        !told(&app, &scope, 30).await,
        "a background refresh that finds the same answer costs the page no re-read"
    );
}
