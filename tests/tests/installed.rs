//! The installed .deb: the packaged release binary signs up on its built-in server, creates
//! an org, and an `orgdesk://` link opened through the desktop (`xdg-open`, so the package's
//! `Orgdesk.desktop` is what names the handler) reaches the running app, which opens the
//! org's page. Run by `scripts/test-package.sh`, which installs the package and sets
//! `ORGDESK_E2E_APP_BINARY=/usr/bin/orgdesk`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::flows;
use orgdesk_e2e::{keychain, testid, with, App, Key, Launch};

const TEST: &str = "installed_package";
const ORG_NAME: &str = "Northwind Traders";
const SLUG: &str = "northwind-traders";
const ADA: &str = "ada@example.com";

#[tokio::test]
#[ignore = "runs against the installed .deb: scripts/test-package.sh"]
async fn installed_package() -> Result<()> {
    let binary = std::env::var("ORGDESK_E2E_APP_BINARY").unwrap_or_default();
    ensure!(
        binary.starts_with("/usr/"),
        "ORGDESK_E2E_APP_BINARY={binary:?}: this journey is for the installed package \
         (/usr/bin/orgdesk); run it with scripts/test-package.sh"
    );
    let xdg_open = on_path("xdg-open").context("xdg-open is not installed (xdg-utils)")?;
    keychain::clear_orgdesk_entries()?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, &xdg_open).await;
    app.finish(outcome).await
}

async fn journey(app: &mut App, xdg_open: &std::path::Path) -> Result<()> {
    flows::sign_up(app, "Ada Lovelace", ADA, None).await?;
    app.wait_for(&testid("page-overview"))
        .await
        .context("after signing up on the built-in server the app is not on the Overview")?;
    app.screenshot("signed-up").await?;

    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("creating the org did not switch to it")?;
    // Back to Personal, so that landing on the org's Members page is the link's doing.
    app.press(&[Key::Control], '1').await?;
    app.wait_for_text(&testid("current-context-name"), "Personal")
        .await
        .context("Ctrl+1 did not switch to Personal")?;
    app.screenshot("personal-before-link").await?;

    let link = format!("orgdesk://org/{SLUG}/members");
    let status = app
        .run_beside(xdg_open, &[&link], "xdg-open", Duration::from_secs(20))
        .await
        .with_context(|| format!("`xdg-open {link}` did not exit"))?;
    ensure!(
        status.success(),
        "`xdg-open {link}` exited with {status} (see xdg-open.log): the desktop has no \
         handler for orgdesk://"
    );
    app.wait_for(&testid("page-members"))
        .await
        .with_context(|| format!("after `xdg-open {link}` the app is not on Members"))?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .with_context(|| format!("after `xdg-open {link}` the app is not in {ORG_NAME}"))?;
    app.wait_for(&with("member-row", "data-email", ADA))
        .await
        .context("the Members page does not list Ada")?;
    app.screenshot("deep-link-through-xdg-open").await?;

    // The installed app leaves the scheme to the package's desktop entry: a handler of its
    // own in the user's folders would shadow that entry (and outlive the package).
    let own = app.data_home().join("applications/orgdesk-handler.desktop");
    ensure!(
        !own.exists(),
        "the installed app registered a per-user handler ({}), so the link may not have \
         come through the package's Orgdesk.desktop",
        own.display()
    );
    Ok(())
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
