//! Steps a person takes in the app, written once against its `data-testid` hooks.

use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};

use crate::api::totp_now;
use crate::app::{testid, App};
use crate::server::TestServer;
use crate::Key;

/// The password every test account uses.
pub const PASSWORD: &str = "correct-horse-battery-staple";

/// Signs up from the auth screen; with `server_url`, on that server instead of the built-in
/// one. Fails with the form's error if the app shows one.
pub async fn sign_up(
    app: &mut App,
    display_name: &str,
    email: &str,
    server_url: Option<&str>,
) -> Result<()> {
    app.wait_for(&testid("auth-screen")).await?;
    app.click(&testid("auth-mode-signup")).await?;
    app.fill("input[name=display_name]", display_name).await?;
    app.fill("input[name=email]", email).await?;
    app.fill("input[name=password]", PASSWORD).await?;
    if let Some(url) = server_url {
        set_server_url(app, url).await?;
    }
    app.screenshot("sign-up-form").await?;
    submit_auth(app, "signing up").await
}

/// Signs in from the auth screen with [`PASSWORD`]; with `server_url`, on that server.
pub async fn sign_in(app: &mut App, email: &str, server_url: Option<&str>) -> Result<()> {
    app.wait_for(&testid("auth-screen")).await?;
    app.click(&testid("auth-mode-signin")).await?;
    app.fill("input[name=email]", email).await?;
    app.fill("input[name=password]", PASSWORD).await?;
    if let Some(url) = server_url {
        set_server_url(app, url).await?;
    }
    submit_auth(app, "signing in").await
}

/// Types the server address, opening its field first unless the screen already shows it
/// (it does when the app remembers the last server).
async fn set_server_url(app: &mut App, url: &str) -> Result<()> {
    if !app.is_displayed("input[name=server_url]").await? {
        app.click(&testid("auth-server-toggle")).await?;
    }
    app.fill("input[name=server_url]", url).await
}

async fn submit_auth(app: &mut App, doing: &str) -> Result<()> {
    app.click(&testid("auth-submit")).await?;
    let outcome = format!("{}, {}", testid("app-shell"), testid("auth-error"));
    app.wait_for(&outcome)
        .await
        .with_context(|| format!("{doing} neither opened the app nor showed an error"))?;
    if app.is_displayed(&testid("auth-error")).await? {
        let error = app.text(&testid("auth-error")).await?;
        app.screenshot("auth-error").await?;
        bail!("{doing} failed: the app says {error:?}");
    }
    app.wait_for(&testid("app-shell")).await?;
    Ok(())
}

/// Clicks the sidebar entry `nav-<page>` and waits for `page-<page>`, e.g. `"members"`.
pub async fn go_to(app: &mut App, page: &str) -> Result<()> {
    app.click(&testid(&format!("nav-{page}"))).await?;
    app.wait_for(&testid(&format!("page-{page}")))
        .await
        .with_context(|| format!("clicking nav-{page} did not open page-{page}"))?;
    Ok(())
}

/// Switches to the context `slug` through the switcher, unless it is current; waits until
/// the sidebar names it `name`.
pub async fn switch_to(app: &mut App, slug: &str, name: &str) -> Result<()> {
    let shown = app.text(&testid("current-context-name")).await?;
    if shown != name {
        open_switcher(app).await?;
        app.click(&switcher_item(slug)).await?;
    }
    app.wait_for_text(&testid("current-context-name"), name)
        .await
        .with_context(|| format!("could not switch to {slug:?}"))
}

/// Opens the context switcher by clicking its trigger, unless it is open.
pub async fn open_switcher(app: &mut App) -> Result<()> {
    if !app.is_displayed(&testid("switcher")).await? {
        app.click(&testid("switcher-trigger")).await?;
    }
    app.wait_for(&testid("switcher")).await?;
    Ok(())
}

/// Closes the switcher with Escape.
pub async fn close_switcher(app: &mut App) -> Result<()> {
    app.press(&[], Key::Escape.into()).await?;
    app.wait_gone(&testid("switcher")).await
}

/// The `data-slug` of every context in the switcher, in its order (Personal first).
pub async fn switcher_slugs(app: &mut App) -> Result<Vec<String>> {
    open_switcher(app).await?;
    app.wait_for(&testid("switcher-item")).await?;
    let mut slugs = Vec::new();
    for item in app.find_all(&testid("switcher-item")).await? {
        slugs.push(item.attr("data-slug").await?.unwrap_or_default());
    }
    Ok(slugs)
}

/// The switcher item of the org with `slug`.
pub fn switcher_item(slug: &str) -> String {
    format!("{}[data-slug=\"{slug}\"]", testid("switcher-item"))
}

/// Creates an organization through the switcher's dialog, leaving the slug to be generated,
/// and checks the live preview shows `expected_slug` first.
pub async fn create_org(app: &mut App, name: &str, expected_slug: &str) -> Result<()> {
    open_switcher(app).await?;
    app.click(&testid("switcher-create-org")).await?;
    let dialog = testid("create-org-dialog");
    app.wait_for(&dialog).await?;
    app.fill(&format!("{dialog} input[name=name]"), name)
        .await?;
    app.wait_for_text_containing(&testid("slug-preview"), expected_slug)
        .await?;
    app.screenshot(&format!("create-{expected_slug}")).await?;
    app.click(&testid("create-org-submit")).await?;
    app.wait_gone(&dialog)
        .await
        .with_context(|| format!("creating {name:?} did not close the dialog"))?;
    Ok(())
}

/// Creates a project from the Projects page (which must be open), checks the dialog's
/// slug preview reads `slug` first, and waits for its row; screenshots the dialog if `shoot`.
pub async fn create_project(app: &mut App, name: &str, slug: &str, shoot: bool) -> Result<()> {
    app.click(&testid("project-create")).await?;
    let dialog = testid("create-project-dialog");
    app.fill(&format!("{dialog} input[name=name]"), name)
        .await?;
    app.wait_for_text(&testid("project-slug-preview"), slug)
        .await
        .with_context(|| format!("the slug preview for {name:?} is not {slug:?}"))?;
    if shoot {
        app.screenshot("create-project-dialog").await?;
    }
    app.click(&testid("create-project-submit")).await?;
    app.wait_gone(&dialog)
        .await
        .with_context(|| format!("creating {name:?} did not close the dialog"))?;
    let row = format!("{}[data-slug=\"{slug}\"]", testid("project-row"));
    app.wait_for_text_containing(&format!("{row} {}", testid("project-name")), name)
        .await
        .with_context(|| format!("no project row {slug:?} named {name:?} after creating it"))?;
    Ok(())
}

/// Signs out through the user menu and waits for the auth screen.
pub async fn sign_out(app: &mut App) -> Result<()> {
    app.click(&testid("user-menu-trigger")).await?;
    app.click(&testid("sign-out")).await?;
    app.wait_for(&testid("auth-screen")).await?;
    Ok(())
}

/// Opens the switcher and waits until it marks `slug` as the current context.
pub async fn wait_until_current_in_switcher(app: &mut App, slug: &str) -> Result<()> {
    open_switcher(app).await?;
    let current = format!("{}[data-current=\"true\"]", switcher_item(slug));
    app.wait_for(&current)
        .await
        .with_context(|| format!("the switcher does not mark {slug:?} as current"))?;
    Ok(())
}

/// Follows the verification link mailed to `email` as a desktop does: a second launch of
/// the app with `orgdesk://verify-email/<token>` hands it to the running one, which
/// confirms the address; waits until the shell stops asking for it.
pub async fn verify_email_by_link(app: &mut App, server: &TestServer, email: &str) -> Result<()> {
    app.wait_for(&testid("verify-email-banner"))
        .await
        .with_context(|| format!("{email} signed up, but the shell does not ask to confirm it"))?;
    let token = server
        .mailed_link_token(email, "orgdesk://verify-email/")
        .await?;
    open_link(app, &format!("orgdesk://verify-email/{token}")).await?;
    app.wait_gone(&testid("verify-email-banner"))
        .await
        .with_context(|| {
            format!("after following {email}'s link the shell still asks to confirm it")
        })
}

/// Opens `link` as a desktop does while the app runs: a second launch hands it to the
/// running app and exits.
pub async fn open_link(app: &mut App, link: &str) -> Result<()> {
    let kind = link.split('/').take(3).collect::<Vec<_>>().join("/");
    let status = app
        .run_second_instance(&[link], Duration::from_secs(20))
        .await
        .with_context(|| {
            format!("a second launch with a {kind}/… link did not hand it over and exit")
        })?;
    ensure!(
        status.success(),
        "the second launch with a {kind}/… link exited with {status}"
    );
    Ok(())
}

/// In the open "Turn on two-factor sign-in" dialog: reads the secret shown beside the QR
/// code, confirms with the code an authenticator app would show for it, and waits for the
/// ten recovery codes. Answers the secret and the codes (the dialog stays open on them).
pub async fn confirm_enrolment(app: &mut App) -> Result<(String, Vec<String>)> {
    app.wait_for(&testid("two-factor-qr"))
        .await
        .context("the enrolment dialog shows no QR code")?;
    let secret = app.text(&testid("two-factor-secret")).await?;
    ensure!(secret.len() >= 16, "the secret shown is {secret:?}");
    app.screenshot("enrol-dialog").await?;
    app.fill(&testid("two-factor-confirm-code"), &totp_now(&secret)?)
        .await?;
    app.click(&testid("two-factor-confirm")).await?;
    app.wait_for_count(&testid("recovery-code"), 10)
        .await
        .context("confirming did not show ten recovery codes")?;
    let codes = app.texts(&testid("recovery-code")).await?;
    Ok((secret, codes))
}
