//! The foundation journey through the real app, and how it copes without its usual
//! surroundings. Run with `scripts/e2e.sh` (Xvfb, D-Bus and an unlocked keychain).

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, App, Key, Launch, TestServer};

const EMAIL: &str = "ada@example.com";

struct Org {
    name: &'static str,
    slug: &'static str,
}

const NORTHWIND: Org = Org {
    name: "Northwind Traders",
    slug: "northwind-traders",
};
const GLOBEX: Org = Org {
    name: "Globex Studio",
    slug: "globex-studio",
};

/// Sign up against a server of the test's own, create two orgs, switch between them by
/// click and by Ctrl+3, change a slug and check from outside that the old one still leads
/// there, restart into the same place without signing in, sign out.
#[tokio::test]
async fn foundation_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start("foundation_journey").await?;
    let mut app = Launch::new("foundation_journey").start().await?;
    let outcome = journey(&mut app, &server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    app.wait_for(&testid("auth-screen")).await?;
    app.screenshot("auth-screen").await?;
    flows::sign_up(app, "Ada Lovelace", EMAIL, Some(server.base_url())).await?;
    app.screenshot("signed-up").await?;
    ensure!(
        keychain::has_orgdesk_entry()?,
        "signed up, but the keychain has no orgdesk entry"
    );

    for org in [&NORTHWIND, &GLOBEX] {
        flows::create_org(app, org.name, org.slug).await?;
        app.screenshot(&format!("created-{}", org.slug)).await?;
    }

    // Personal is first, so Ctrl+3 jumps to the second org in the switcher's order. Start
    // from Personal (Ctrl+1) so that both the click and the shortcut really switch.
    let slugs = flows::switcher_slugs(app).await?;
    ensure!(
        slugs.len() == 3,
        "the switcher lists {slugs:?}; expected Personal and two orgs"
    );
    let org = |slug: &str| [&NORTHWIND, &GLOBEX].into_iter().find(|o| o.slug == slug);
    let (Some(by_click), Some(by_key)) = (org(&slugs[1]), org(&slugs[2])) else {
        anyhow::bail!("the switcher lists {slugs:?}; expected Personal, then the two new orgs");
    };
    flows::close_switcher(app).await?;
    app.press(&[Key::Control], '1').await?;
    flows::wait_until_current_in_switcher(app, &slugs[0])
        .await
        .context("Ctrl+1 did not switch to Personal")?;
    app.screenshot("personal-by-ctrl-1").await?;
    app.click(&flows::switcher_item(by_click.slug)).await?;
    app.wait_for_text(&testid("current-context-name"), by_click.name)
        .await?;
    app.screenshot(&format!("clicked-{}", by_click.slug))
        .await?;
    app.press(&[Key::Control], '3').await?;
    app.wait_for_text(&testid("current-context-name"), by_key.name)
        .await?;
    app.screenshot(&format!("ctrl-3-to-{}", by_key.slug))
        .await?;
    app.press(&[Key::Control], 'k').await?;
    app.wait_for(&testid("switcher"))
        .await
        .context("Ctrl+K did not open the switcher")?;
    flows::wait_until_current_in_switcher(app, by_key.slug).await?;
    app.screenshot("switcher-by-ctrl-k").await?;
    flows::close_switcher(app).await?;

    let new_slug = format!("{}-hq", by_key.slug);
    rename_slug(app, by_key.slug, &new_slug).await?;
    old_slug_leads_to_new(server, by_key.slug, &new_slug).await?;

    app.relaunch().await?;
    app.wait_for(&testid("page-settings-general"))
        .await
        .context("after a restart the app did not reopen Settings → General")?;
    ensure!(
        !app.is_displayed(&testid("auth-screen")).await?,
        "after a restart the app asks to sign in again"
    );
    app.wait_for_text(&testid("current-context-name"), by_key.name)
        .await?;
    ensure!(
        app.value("input[name=slug]").await? == new_slug,
        "after a restart the slug field is not {new_slug:?}"
    );
    app.screenshot("restarted-in-same-place").await?;

    flows::sign_out(app).await?;
    app.screenshot("signed-out").await?;
    wait_until_no_keychain_entry().await
}

async fn rename_slug(app: &mut App, old: &str, new: &str) -> Result<()> {
    app.click(&testid("nav-settings-general")).await?;
    app.wait_for(&testid("page-settings-general")).await?;
    let shown = app.value("input[name=slug]").await?;
    ensure!(
        shown == old,
        "Settings → General shows slug {shown:?}, expected {old:?}"
    );
    app.screenshot("settings-general").await?;
    app.fill("input[name=slug]", new).await?;
    app.wait_for(&testid("slug-change-warning")).await?;
    app.screenshot("slug-change-warning").await?;
    let earlier_toasts = app.texts(&testid("toast")).await?;
    app.click(&testid("settings-save")).await?;
    let toast = app
        .wait_for_new_text(&testid("toast"), &earlier_toasts)
        .await
        .context("saving showed no toast")?;
    eprintln!("[e2e] toast after saving: {toast:?}");
    app.screenshot("slug-saved").await?;
    Ok(())
}

/// As a plain API client: the old slug still answers, with the org's new slug.
async fn old_slug_leads_to_new(server: &TestServer, old: &str, new: &str) -> Result<()> {
    let mut api = Api::new(server.base_url());
    api.log_in(EMAIL, PASSWORD).await?;
    let (status, body) = api.get(&format!("/v1/orgs/{old}")).await?;
    ensure!(
        status == 200,
        "GET /v1/orgs/{old} answered {status}: {body}"
    );
    let slug = body["org"]["slug"].as_str();
    ensure!(
        slug == Some(new),
        "GET /v1/orgs/{old} gave org.slug {slug:?}, expected {new:?}: {body}"
    );
    Ok(())
}

async fn wait_until_no_keychain_entry() -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while keychain::has_orgdesk_entry()? {
        ensure!(
            Instant::now() < deadline,
            "signed out, but the keychain still holds the orgdesk entry"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// With no server URL the app starts its built-in one; a new account lands on its
/// personal Overview as owner.
#[tokio::test]
async fn built_in_server_sign_up() -> Result<()> {
    let mut app = Launch::new("built_in_server_sign_up").start().await?;
    let outcome = async {
        flows::sign_up(&mut app, "Grace Hopper", "grace@example.com", None).await?;
        app.wait_for(&testid("page-overview"))
            .await
            .context("after signing up the app is not on the Overview")?;
        let name = app.text(&testid("overview-name")).await?;
        ensure!(!name.is_empty(), "the Overview shows no context name");
        let role = app.text(&testid("overview-role")).await?;
        ensure!(
            role.to_lowercase().contains("owner"),
            "the Overview shows role {role:?}, expected owner"
        );
        app.screenshot("personal-overview").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}

/// With no D-Bus session (so no keychain) signing up still works, and the app says the
/// token is kept in memory only.
#[tokio::test]
async fn keychain_unavailable_notice() -> Result<()> {
    let mut app = Launch::new("keychain_unavailable_notice")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .start()
        .await?;
    let outcome = async {
        flows::sign_up(&mut app, "Alan Turing", "alan@example.com", None).await?;
        let notice = app.text(&testid("keychain-notice")).await?;
        ensure!(!notice.is_empty(), "the keychain notice is empty");
        app.screenshot("keychain-notice").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}
