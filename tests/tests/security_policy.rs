//! An org's security policy through the real app: the owner confirms her email through the
//! mailed link, opens Settings → Security and requires two-factor sign-in (after turning
//! it on for herself); a member signed in to the same app is refused that org with a screen
//! saying why, while his personal context works, until he turns two-factor on where the
//! screen leads him (his Account page, the enrolment open); and a
//! forgotten password is reset through the mailed link, signed out. Run with
//! `scripts/e2e.sh security_policy`.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, App, Launch, TestServer};
use serde_json::json;

const TEST: &str = "security_policy";
const ORG_NAME: &str = "Contoso Legal";
const SLUG: &str = "contoso-legal";
const ADA: &str = "ada@example.com";
const BO: &str = "bo@example.com";
const DI: &str = "di@example.com";
const NEW_PASSWORD: &str = "a-brand-new-passphrase";

#[tokio::test]
async fn security_policy() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let started = Instant::now();
    let outcome = journey(&mut app, &server).await;
    eprintln!("[e2e] security policy journey took {:?}", started.elapsed());
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    owner_confirms_her_email(app, server).await?;
    bo_joins_through_the_api(server).await?;
    owner_requires_two_factor(app, server).await?;
    member_is_refused_until_enrolled(app, server).await?;
    forgotten_password(app, server).await
}

/// Ada signs up in the window, is asked to confirm her email, has the link mailed again,
/// and follows it; she creates the org.
async fn owner_confirms_her_email(app: &mut App, server: &TestServer) -> Result<()> {
    flows::sign_up(app, "Ada Lovelace", ADA, Some(server.base_url())).await?;
    let banner = testid("verify-email-banner");
    app.wait_for_text_containing(&banner, &format!("we sent a link to {ADA}"))
        .await
        .context("the shell does not ask Ada to confirm her email")?;
    app.click(&testid("verify-email-resend")).await?;
    app.wait_for(&testid("verify-email-sent"))
        .await
        .context("Resend did not say a new link is on its way")?;
    app.screenshot("verify-email-banner").await?;
    // The resent link replaces the first: wait for the second mail before following one.
    wait_for_mails(server, ADA, "orgdesk://verify-email/", 2).await?;
    flows::verify_email_by_link(app, server, ADA).await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("creating the org did not switch to it")
}

/// Bo is invited over the API and joins through the invitation link.
async fn bo_joins_through_the_api(server: &TestServer) -> Result<()> {
    let mut ada = Api::new(server.base_url());
    ada.log_in(ADA, PASSWORD).await?;
    let (status, issued) = ada
        .post(
            &format!("/v1/orgs/{SLUG}/invitations"),
            &json!({ "emails": [BO], "role": "member" }),
        )
        .await?;
    ensure!(status == 201, "inviting Bo answered {status}: {issued}");
    let mut bo = Api::new(server.base_url());
    bo.sign_up("Bo Berg", BO, PASSWORD).await?;
    bo.accept_invitation_link(&issued).await?;
    Ok(())
}

/// Ada opens Settings → Security, is told to turn two-factor on for herself first, does
/// (over the API, as an authenticator app), and saves the policy.
async fn owner_requires_two_factor(app: &mut App, server: &TestServer) -> Result<()> {
    flows::go_to(app, "settings-security").await?;
    let missing = testid("security-members-without");
    app.wait_for_text_containing(&missing, "2 members have not turned on two-factor")
        .await
        .context("the Security page does not count Ada and Bo as without two-factor")?;
    app.screenshot("security-page").await?;

    app.click(&testid("security-require-two-factor")).await?;
    app.fill("input[name=min_password_length]", "14").await?;
    app.click(&testid("security-save")).await?;
    app.wait_for_text_containing(&testid("security-own-two-factor"), "your own account first")
        .await
        .context(
            "requiring two-factor without it on Ada's account did not ask her to turn it on first",
        )?;
    app.screenshot("security-own-two-factor-first").await?;

    let mut ada = Api::new(server.base_url());
    ada.log_in(ADA, PASSWORD).await?;
    ada.enrol_two_factor().await?;
    app.click(&testid("security-save")).await?;
    app.wait_for_text_containing(&missing, "1 member has not turned on two-factor")
        .await
        .context("after saving, the Security page does not count Bo alone as without two-factor")?;
    app.wait_for_text_containing(".savebar", "Last changed")
        .await
        .context("the save bar does not say when the policy was saved")?;
    app.screenshot("security-saved").await?;

    let (status, policy) = ada.get(&format!("/v1/orgs/{SLUG}/security")).await?;
    ensure!(
        status == 200
            && policy["require_two_factor"] == true
            && policy["min_password_length"] == 14,
        "the server's policy after saving is {status}: {policy}"
    );
    Ok(())
}

/// Bo signs in to the same app: Contoso shows why it refuses him and leads to his account;
/// his personal context works. Once he enrols there, Contoso opens.
async fn member_is_refused_until_enrolled(app: &mut App, server: &TestServer) -> Result<()> {
    flows::sign_out(app).await?;
    flows::sign_in(app, BO, Some(server.base_url())).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    let gate = testid("mfa-required-by-org");
    app.wait_for_text_containing(&gate, &format!("{ORG_NAME} requires two-factor sign-in"))
        .await
        .context("Contoso does not tell Bo it requires two-factor sign-in")?;
    ensure!(
        !app.is_displayed(&testid("page-overview")).await?,
        "Bo sees Contoso's overview behind the two-factor screen"
    );
    app.screenshot("mfa-required-by-org").await?;

    // The button leads to Bo's own Account page, in his personal context, with the
    // enrolment already open: he turns two-factor on there.
    app.click(&testid("mfa-required-enrol")).await?;
    app.wait_for_text(&testid("current-context-name"), "Personal")
        .await
        .context("the enrol button did not take Bo to his personal context")?;
    app.wait_for(&testid("page-account"))
        .await
        .context("the enrol button did not open Bo's Account page")?;
    ensure!(
        !app.is_displayed(&gate).await?,
        "the two-factor screen stays in Bo's personal context"
    );
    flows::confirm_enrolment(app)
        .await
        .context("the Account page did not open the enrolment for Bo")?;
    app.click(&testid("recovery-codes-done")).await?;
    app.wait_for(&testid("two-factor-on"))
        .await
        .context("after enrolling, Bo's Account page does not say two-factor is on")?;
    app.screenshot("member-enrolled").await?;

    // Switching keeps the page (his Account page is the same everywhere): the overview
    // is one click away.
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    flows::go_to(app, "overview").await?;
    app.wait_for_text(&testid("overview-name"), ORG_NAME)
        .await
        .context("after Bo enrolled, Contoso's overview does not open")?;
    ensure!(
        !app.is_displayed(&gate).await?,
        "after Bo enrolled, the two-factor screen is still shown"
    );
    app.screenshot("org-opens-after-enrolling").await?;
    Ok(())
}

/// Di forgot her password: asks for a link on the sign-in screen, follows the mailed link
/// (a second launch hands it over), chooses a new password and signs in with it.
async fn forgotten_password(app: &mut App, server: &TestServer) -> Result<()> {
    let mut di = Api::new(server.base_url());
    di.sign_up("Di Dunn", DI, PASSWORD).await?;
    flows::sign_out(app).await?;
    app.wait_for(&testid("auth-screen")).await?;
    app.click(&testid("auth-mode-signin")).await?;
    app.fill("input[name=email]", DI).await?;
    if !app.is_displayed("input[name=server_url]").await? {
        app.click(&testid("auth-server-toggle")).await?;
    }
    app.fill("input[name=server_url]", server.base_url())
        .await?;
    app.click(&testid("forgot-password-open")).await?;
    let dialog = testid("forgot-password-dialog");
    app.wait_for(&dialog).await?;
    app.click(&testid("forgot-password-submit")).await?;
    app.wait_for_text_containing(&testid("forgot-password-sent"), DI)
        .await
        .context("asking for a reset link did not say it was sent")?;
    app.screenshot("forgot-password-sent").await?;
    app.click(&testid("forgot-password-done")).await?;
    app.wait_gone(&dialog).await?;

    let token = server
        .mailed_link_token(DI, "orgdesk://reset-password/")
        .await?;
    flows::open_link(app, &format!("orgdesk://reset-password/{token}")).await?;
    let reset = testid("reset-password-dialog");
    app.wait_for(&reset)
        .await
        .context("the reset link did not open the new-password form while signed out")?;
    app.fill(&format!("{reset} input[name=new_password]"), NEW_PASSWORD)
        .await?;
    app.fill(&format!("{reset} input[name=repeat]"), NEW_PASSWORD)
        .await?;
    app.screenshot("reset-password-form").await?;
    app.click(&testid("reset-password-submit")).await?;
    app.wait_for(&testid("reset-password-changed"))
        .await
        .context("setting the new password did not say it was changed")?;
    app.click(&testid("reset-password-done")).await?;
    app.wait_gone(&reset).await?;

    app.fill("input[name=email]", DI).await?;
    app.fill("input[name=password]", NEW_PASSWORD).await?;
    app.click(&testid("auth-submit")).await?;
    app.wait_for(&testid("app-shell"))
        .await
        .context("Di cannot sign in with her new password")?;
    app.screenshot("signed-in-with-new-password").await?;
    Ok(())
}

/// Waits until `count` mails to `email` carry a link starting with `prefix`.
async fn wait_for_mails(
    server: &TestServer,
    email: &str,
    prefix: &str,
    count: usize,
) -> Result<()> {
    let to = format!("To: {email}\r\n");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found = server
            .mails()?
            .iter()
            .filter(|(_, text)| text.contains(&to) && text.contains(prefix))
            .count();
        if found >= count {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "{found} of {count} mails to {email} with {prefix} after 15 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
