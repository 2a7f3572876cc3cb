//! One's own account in the real app: sessions ended one at a time and everywhere else
//! (checked from outside over HTTP: the ended ones answer 401, the app's own keeps
//! working), two-factor sign-in turned on from the Account page (the secret read off the
//! screen, the code computed here, the recovery codes saved through the real GTK save
//! dialog), then signing in again asks for a code, and a code from the secret signs in. Run with `scripts/e2e.sh account`.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::{totp_at, Api};
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, with, App, Launch, TestServer};
use reqwest::StatusCode;

const TEST: &str = "account_journey";
const ANA: &str = "ana.account@example.com";

#[tokio::test]
async fn account_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, &server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    let url = server.base_url();
    flows::sign_up(app, "Ana Lima", ANA, Some(url)).await?;
    open_account(app).await?;
    sessions(app, url).await?;
    let secret = turn_on_two_factor(app).await?;
    sign_in_with_a_code(app, url, &secret).await
}

/// The Account page, from the user menu in the sidebar.
async fn open_account(app: &mut App) -> Result<()> {
    app.click(&testid("user-menu-trigger")).await?;
    app.click(&testid("user-menu-account")).await?;
    app.wait_for(&testid("page-account"))
        .await
        .context("the user menu's Account did not open the Account page")?;
    app.wait_for(&testid("two-factor-off")).await?;
    app.wait_for_count(&testid("session-row"), 1).await?;
    app.screenshot("account-page").await?;
    Ok(())
}

/// Enrols: reads the secret shown beside the QR code, confirms with a code computed from
/// it, saves the recovery codes through the save dialog and checks the file. Answers the
/// secret.
async fn turn_on_two_factor(app: &mut App) -> Result<String> {
    app.click(&testid("two-factor-enable")).await?;
    let (secret, codes) = flows::confirm_enrolment(app).await?;
    app.screenshot("recovery-codes").await?;

    let path = app.artifacts_dir().join("recovery-codes.txt");
    let toast = app
        .save_through_dialog(
            &testid("recovery-codes-save"),
            "Save your recovery codes",
            &path,
        )
        .await?;
    ensure!(
        toast.contains(&path.display().to_string()),
        "after saving, the toast says {toast:?}"
    );
    check_codes_file(&path, &codes)?;

    app.click(&testid("recovery-codes-done")).await?;
    app.wait_gone(&testid("two-factor-dialog")).await?;
    app.wait_for(&testid("two-factor-on"))
        .await
        .context("after enrolling, the page does not say two-factor is on")?;
    Ok(secret)
}

fn check_codes_file(path: &Path, codes: &[String]) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("the recovery codes were not written to {}", path.display()))?;
    ensure!(
        text.contains(ANA),
        "the file does not name the account: {text}"
    );
    for code in codes {
        ensure!(
            text.contains(code.as_str()),
            "{code} is not in the file: {text}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        ensure!(
            mode == 0o600,
            "the codes file is readable by others ({mode:o})"
        );
    }
    Ok(())
}

/// Two more sessions of the account, made over HTTP: one is ended from the table, the other
/// by "Sign out everywhere else"; the app's own session keeps working.
async fn sessions(app: &mut App, url: &str) -> Result<()> {
    let mut laptop = Api::new(url);
    let mut script = Api::new(url);
    laptop.log_in(ANA, PASSWORD).await?;
    script.log_in(ANA, PASSWORD).await?;
    for api in [&laptop, &script] {
        ensure!(
            status(api).await? == StatusCode::OK,
            "a new session does not work"
        );
    }

    // The page reads the sessions again when it opens.
    flows::go_to(app, "overview").await?;
    flows::go_to(app, "account").await?;
    app.wait_for_count(&testid("session-row"), 3).await?;
    app.wait_for(&with("session-row", "data-current", "true"))
        .await?;
    app.scroll_to(&testid("account-sessions")).await?;
    app.screenshot("sessions").await?;

    let other = format!(
        "{} {}",
        with("session-row", "data-current", "false"),
        testid("session-revoke")
    );
    app.click(&other).await?;
    app.wait_for_count(&testid("session-row"), 2)
        .await
        .context("signing out one session left it in the table")?;
    let ended = [status(&laptop).await?, status(&script).await?];
    ensure!(
        ended
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count()
            == 1,
        "after signing out one session the other two answer {ended:?}"
    );

    app.click(&testid("sessions-sign-out-others")).await?;
    app.wait_for(&testid("sessions-sign-out-others-dialog"))
        .await?;
    app.screenshot("sign-out-everywhere-confirm").await?;
    app.click(&testid("sessions-sign-out-others-confirm"))
        .await?;
    app.wait_for_count(&testid("session-row"), 1).await?;
    app.wait_for(&with(
        "security-event",
        "data-event",
        "signed_out_everywhere",
    ))
    .await
    .context("the security log does not show signing out everywhere else")?;
    app.scroll_to(&testid("account-security-log")).await?;
    app.screenshot("security-log").await?;
    for api in [&laptop, &script] {
        let answer = status(api).await?;
        ensure!(
            answer == StatusCode::UNAUTHORIZED,
            "a session ended by signing out everywhere else answers {answer}"
        );
    }
    // This app is still signed in: the account reads from the server again.
    flows::go_to(app, "overview").await?;
    flows::go_to(app, "account").await?;
    app.wait_for(&testid("two-factor-off")).await?;
    app.wait_for_count(&testid("session-row"), 1).await?;
    app.wait_for(&testid("session-current")).await?;
    Ok(())
}

/// `GET /v1/me` with the session: 200 while it lives, 401 once ended.
async fn status(api: &Api) -> Result<StatusCode> {
    Ok(api.get("/v1/me").await?.0)
}

/// Signs out, signs in again: the app asks for a code, and a code from the secret signs in.
async fn sign_in_with_a_code(app: &mut App, url: &str, secret: &str) -> Result<()> {
    flows::sign_out(app).await?;
    app.wait_for(&testid("auth-screen")).await?;
    app.click(&testid("auth-mode-signin")).await?;
    app.fill("input[name=email]", ANA).await?;
    app.fill("input[name=password]", PASSWORD).await?;
    if !app.is_displayed("input[name=server_url]").await? {
        app.click(&testid("auth-server-toggle")).await?;
    }
    app.fill("input[name=server_url]", url).await?;
    app.click(&testid("auth-submit")).await?;
    app.wait_for(&testid("two-factor-step"))
        .await
        .context("signing in with two-factor on did not ask for a code")?;
    app.screenshot("sign-in-code-step").await?;
    // The enrolment used this time step's code: the app would show the next one soon.
    app.fill(&testid("two-factor-code"), &totp_at(secret, 30)?)
        .await?;
    app.click(&testid("two-factor-submit")).await?;
    app.wait_for(&testid("app-shell"))
        .await
        .context("a code from the secret did not sign in")?;
    flows::go_to(app, "account").await?;
    app.wait_for(&testid("two-factor-on")).await?;
    Ok(())
}
