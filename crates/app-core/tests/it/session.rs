//! Signing up, out, and resuming after a restart, against a real server on loopback.

use crate::common;

use common::world::{restore, sign_up, World};
use orgdesk_app_core::navigation::{AppPage, Location};
use orgdesk_app_core::secrets::SecretStore;
use orgdesk_app_core::signed_in::TokenStorage;
use orgdesk_app_core::AppError;

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_app_resumes_the_session_from_the_secret_store() {
    let world = World::new().await;
    let app = world.launch();
    sign_up(&app, &world.server.base_url(), "cy@example.com").await;

    // A second app over the same preferences and secrets, as after a restart.
    let again = world.launch();
    let startup = restore(&again).await;
    assert_eq!(startup.session.unwrap().me.user.email, "cy@example.com");
    let contexts = again.orgs.contexts().await.unwrap();
    assert_eq!(contexts.value.len(), 1);
}

/// The app resumes the saved session as it starts, before the page asks: the session is
/// there without `restore`, and the page's first `restore` answers with it.
#[tokio::test(flavor = "multi_thread")]
async fn the_saved_session_resumes_as_the_app_starts() {
    let world = World::new().await;
    let first = world.launch();
    assert!(
        !first.session.resume_early(&spawner()),
        "nothing saved, nothing to resume"
    );
    sign_up(&first, &world.server.base_url(), "eda@example.com").await;

    let again = world.launch();
    again.start();
    let mut waited = 0;
    while again.orgs.contexts().await.is_err() {
        waited += 1;
        assert!(
            waited < 200,
            "the session was not resumed without being asked"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let startup = restore(&again).await;
    assert_eq!(startup.notice, None);
    assert_eq!(startup.session.unwrap().me.user.email, "eda@example.com");
    // Asked again (a reloaded page), it answers from the session it began.
    let startup = restore(&again).await;
    assert_eq!(startup.session.unwrap().me.user.email, "eda@example.com");
}

fn spawner() -> std::sync::Arc<dyn orgdesk_app_core::host::Spawner> {
    std::sync::Arc::new(orgdesk_app_core::host::TokioSpawner::current())
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_out_forgets_the_token_and_the_local_store_but_not_the_email() {
    let world = World::new().await;
    let app = world.launch();
    let url = world.server.base_url();
    sign_up(&app, &url, "ana@example.com").await;
    let session = app.session.restore().await.session.unwrap();
    assert!(matches!(
        session.token_storage,
        TokenStorage::MemoryOnly { .. }
    ));
    let key = format!("{url}#{}", session.me.user.id);
    assert!(
        world.secrets.get(&key).unwrap().is_some(),
        "token kept under {key}"
    );
    assert!(world
        .secrets
        .get(&format!("{key}#store"))
        .unwrap()
        .is_some());
    let location = Location {
        org_id: session.me.personal_org_id,
        page: AppPage::Billing,
    };
    app.session.save_location(&location).await.unwrap();
    assert_eq!(
        app.session.restore().await.session.unwrap().location,
        Some(location)
    );

    app.session.sign_out().await.unwrap();
    assert!(world.secrets.get(&key).unwrap().is_none(), "token removed");
    assert!(
        world
            .secrets
            .get(&format!("{key}#store"))
            .unwrap()
            .is_none(),
        "the local store's key is forgotten"
    );
    assert!(matches!(
        app.orgs.contexts().await,
        Err(AppError::NotSignedIn)
    ));
    let startup = world.launch().session.restore().await;
    assert!(startup.session.is_none());
    assert_eq!(startup.hint.email.as_deref(), Some("ana@example.com"));
}
