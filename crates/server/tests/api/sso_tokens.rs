//! ID tokens the server must refuse, each a real token of the real provider swapped in by
//! the loopback proxy for the one the server's own exchange got: one for this flow's
//! client but another nonce, one for another client (audience), one already expired.

use crate::harness::{on_both_backends, Backend};
use crate::oidc_provider::{
    query_param, CLIENT_ID, CLIENT_SECRET, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, OTHER_REDIRECT,
};
use crate::sso_fixtures::{world, world_with_ttl, AppHalf, SsoWorld};

on_both_backends!(
    tokens_of_another_flow_or_client_are_refused,
    an_expired_token_is_refused,
);

/// Starts a flow; returns its authorization URL and nonce.
async fn started(w: &SsoWorld) -> (String, String) {
    let start = w.start(&AppHalf::new()).await;
    let url = start["authorization_url"].as_str().unwrap().to_owned();
    let nonce = query_param(&url, "nonce").expect("a nonce");
    (url, nonce)
}

/// Runs the flow at `url` with the token endpoint's ID token swapped for `token`;
/// asserts the app is told `sso_failed` with `words` in the description, and nothing
/// was created.
async fn refused(w: &SsoWorld, url: &str, token: String, words: &str) {
    let users = w.count("SELECT COUNT(*) FROM users").await;
    w.provider.swap_next_id_token(token);
    let landing = w.browse(url, "jo").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
    let description = landing.description().to_lowercase();
    assert!(description.contains(words), "{words}: {description}");
    assert_eq!(w.count("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(w.count("SELECT COUNT(*) FROM sso_identities").await, 0);
}

async fn tokens_of_another_flow_or_client_are_refused(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let callback = format!("{}/v1/auth/sso/callback", w.app.base);
    let ours = (CLIENT_ID, CLIENT_SECRET, callback.as_str());
    let theirs = (OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, OTHER_REDIRECT);

    // Our client, the right person, another flow's nonce.
    let (url, _) = started(&w).await;
    let token = w
        .provider
        .id_token_for(ours, "jo", "nonce-of-another-flow")
        .await;
    refused(&w, &url, token, "nonce").await;

    // This flow's nonce, but issued to another client.
    let (url, nonce) = started(&w).await;
    let token = w.provider.id_token_for(theirs, "jo", &nonce).await;
    refused(&w, &url, token, "audience").await;

    // The same swap with a token made right passes: the refusals above are the checks.
    let (url, nonce) = started(&w).await;
    let token = w.provider.id_token_for(ours, "jo", &nonce).await;
    w.provider.swap_next_id_token(token);
    let landing = w.browse(&url, "jo").await;
    assert!(landing.code().is_some(), "{landing:?}");
}

async fn an_expired_token_is_refused(backend: Backend) {
    // ID tokens live one second at this provider.
    let w = world_with_ttl(backend, 1, |_| {}).await;
    let callback = format!("{}/v1/auth/sso/callback", w.app.base);
    let (url, nonce) = started(&w).await;
    let token = w
        .provider
        .id_token_for((CLIENT_ID, CLIENT_SECRET, callback.as_str()), "jo", &nonce)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    refused(&w, &url, token, "expired").await;
}
