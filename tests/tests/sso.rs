//! Single sign-on in the real app: an org (set up over the API) has its OpenID Connect
//! connection at the real `oidc-provider` and a domain verified through a real DNS server;
//! in the window, a new person chooses "Continue with SSO" and types their work email;
//! the app opens "the system browser" — `ORGDESK_BROWSER` names a script that writes the
//! URL to a file —, the test plays that browser over HTTP (the provider's login and
//! consent, the redirects to the server's callback and on to the app's loopback address),
//! and the window lands signed in inside the org. Then the owner signs in with her
//! password and opens Settings → Single sign-on. Run with `scripts/e2e.sh sso`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::oidc::browser_flow::play;
use orgdesk_e2e::oidc::dns_server::DnsServer;
use orgdesk_e2e::oidc::provider::{Provider, ProviderAccount, CLIENT_ID, CLIENT_SECRET};
use orgdesk_e2e::{keychain, testid, App, Launch, TestServer};
use serde_json::json;

const TEST: &str = "sso";
const ORG_NAME: &str = "Acme Robotics";
const SLUG: &str = "acme-robotics";
const ADA: &str = "ada@corp.test";
const JO: &str = "jo@acme.test";

#[tokio::test]
async fn sso() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let dns = DnsServer::start().await;
    let server = TestServer::start_with_sso(TEST, dns.addr).await?;
    let callback = format!("{}/v1/auth/sso/callback", server.base_url());
    let jo = ProviderAccount {
        login: "jo",
        email: JO,
        email_verified: true,
        name: "Jo Park",
    };
    let provider = Provider::start(&callback, &[jo]).await;
    set_up_acme(&server, &dns, &provider.issuer).await?;

    // The "browser": a script writing each URL it is given to a file.
    let dir = tempfile::tempdir()?;
    let opened = dir.path().join("opened.txt");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;

    let mut app = Launch::new(TEST)
        .env("ORGDESK_BROWSER", &script.display().to_string())
        .start()
        .await?;
    let outcome = journey(&mut app, &server, &opened).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

/// Ada signs up over the API, creates Acme, saves its connection and verifies
/// `acme.test` by the TXT record the server asks for.
async fn set_up_acme(server: &TestServer, dns: &DnsServer, issuer: &str) -> Result<()> {
    let mut ada = Api::new(server.base_url());
    ada.sign_up("Ada Lovelace", ADA, PASSWORD).await?;
    let (status, org) = ada
        .post("/v1/orgs", &json!({ "name": ORG_NAME, "slug": SLUG }))
        .await?;
    ensure!(status == 201, "creating the org answered {status}: {org}");
    let connection = json!({
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_domains": ["acme.test"],
        "default_role": "member",
        "create_members": true,
    });
    let (status, saved) = ada
        .put(&format!("/v1/orgs/{SLUG}/sso"), &connection)
        .await?;
    ensure!(
        status == 200,
        "saving the connection answered {status}: {saved}"
    );
    let (status, claimed) = ada
        .post(
            &format!("/v1/orgs/{SLUG}/domains"),
            &json!({ "domain": "acme.test" }),
        )
        .await?;
    ensure!(
        status == 201,
        "claiming acme.test answered {status}: {claimed}"
    );
    let name = claimed["record_name"].as_str().context("record_name")?;
    let value = claimed["record_value"].as_str().context("record_value")?;
    dns.zone.publish(name, &[value]);
    let (status, verified) = ada
        .post(
            &format!("/v1/orgs/{SLUG}/domains/acme.test/verify"),
            &json!(null),
        )
        .await?;
    ensure!(
        status == 200,
        "verifying acme.test answered {status}: {verified}"
    );
    Ok(())
}

async fn journey(app: &mut App, server: &TestServer, opened: &Path) -> Result<()> {
    jo_continues_with_sso(app, server, opened).await?;
    flows::sign_out(app).await?;
    owner_opens_the_settings(app, server).await
}

async fn jo_continues_with_sso(app: &mut App, server: &TestServer, opened: &Path) -> Result<()> {
    app.wait_for(&testid("auth-screen")).await?;
    app.click(&testid("auth-mode-signin")).await?;
    app.click(&testid("auth-server-toggle")).await?;
    app.fill("input[name=server_url]", server.base_url())
        .await?;
    app.click(&testid("auth-sso")).await?;
    app.fill("input[name=sso_email]", JO).await?;
    app.screenshot("sso-email").await?;
    app.click(&testid("sso-continue")).await?;
    app.wait_for_text_containing(&testid("sso-waiting"), "Finish signing in in your browser")
        .await
        .context("Continue did not wait for the browser")?;
    app.screenshot("sso-waiting").await?;

    let url = opened_url(opened).await?;
    ensure!(
        url.contains("/auth?") && url.contains("code_challenge="),
        "the app opened {url}, not the provider's authorization URL"
    );
    let (status, page) = play(&url, "jo").await;
    ensure!(
        status == 200 && page.contains("signed in to Orgdesk as jo@acme.test"),
        "the browser ended on {status}: {page}"
    );
    app.wait_for(&testid("app-shell"))
        .await
        .context("the window did not sign Jo in after the browser came back")?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("Jo did not land inside the org")?;
    app.screenshot("signed-in-with-sso").await?;
    Ok(())
}

/// The first URL the app gave the browser script, waiting up to 20 s for it.
async fn opened_url(opened: &Path) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(opened) {
            if let Some(line) = text.lines().next() {
                return Ok(line.to_owned());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the app did not open a browser within 20 s")
}

/// Ada signs in with her password and opens Settings → Single sign-on: the connection,
/// the redirect URI and the verified domain.
async fn owner_opens_the_settings(app: &mut App, server: &TestServer) -> Result<()> {
    flows::sign_in(app, ADA, Some(server.base_url())).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    flows::go_to(app, "settings-sso").await?;
    app.wait_for_text_containing(
        &testid("sso-redirect-uri"),
        &format!("{}/v1/auth/sso/callback", server.base_url()),
    )
    .await
    .context("Settings → Single sign-on does not show the redirect URI")?;
    ensure!(
        app.value("input[name=client_id]").await? == CLIENT_ID,
        "the form does not show the saved client id"
    );
    app.wait_for_text_containing(&testid("sso-domain-badge"), "Verified")
        .await
        .context("acme.test is not shown verified")?;
    app.screenshot("settings-sso").await?;
    app.scroll_to(&testid("sso-domains")).await?;
    app.screenshot("settings-sso-domains").await?;
    Ok(())
}
