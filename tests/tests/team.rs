//! The "Projects and team" journey through the real app with several accounts: an owner
//! sets up projects and invites people, a scoped member and an admin join, ownership moves,
//! a member leaves, and `orgdesk://` links open the right org page, at launch and through a
//! second launch. Run with `scripts/e2e.sh team` (Xvfb, D-Bus and an unlocked keychain).

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, with, App, Key, Launch, TestServer};
use serde_json::json;

const TEST: &str = "team_journey";
const ORG_NAME: &str = "Northwind Traders";
const SLUG: &str = "northwind-traders";
/// The slug the org gets before the second-launch link, which uses the former one.
const NEW_SLUG: &str = "northwind";
const ADA: &str = "ada@example.com";
const BO: &str = "bo@example.com";
const CY: &str = "cy@example.com";
const REASON: &str = "Waiting for the signed contract";

fn project_row(slug: &str) -> String {
    with("project-row", "data-slug", slug)
}

#[tokio::test]
async fn team_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let started = Instant::now();
    let outcome = journey(&mut app, &server).await;
    eprintln!("[e2e] team journey took {:?}", started.elapsed());
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    let url = server.base_url();
    owner_sets_up_projects(app, url).await?;
    owner_invites(app, server).await?;
    scoped_member_joins(app, server).await?;
    admin_joins_through_the_api(server).await?;
    owner_transfers_ownership(app, url).await?;
    member_leaves(app, url).await?;
    deep_links(app, url).await
}

/// Step 1: Ada signs up, creates the org, two projects, and suspends one with a reason.
async fn owner_sets_up_projects(app: &mut App, url: &str) -> Result<()> {
    flows::sign_up(app, "Ada Lovelace", ADA, Some(url)).await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("creating the org did not switch to it")?;
    flows::go_to(app, "projects").await?;
    app.wait_for(&testid("projects-empty"))
        .await
        .context("a new org's Projects page does not say it is empty")?;
    app.screenshot("projects-empty").await?;

    flows::create_project(app, "Website", "website", true).await?;
    flows::create_project(app, "Mobile app", "mobile-app", false).await?;

    let row = project_row("mobile-app");
    app.click(&format!("{row} {}", testid("project-menu")))
        .await?;
    app.click(&testid("project-suspend")).await?;
    let dialog = testid("suspend-project-dialog");
    app.fill(&format!("{dialog} textarea[name=reason]"), REASON)
        .await?;
    app.screenshot("suspend-project-dialog").await?;
    app.click(&testid("suspend-project-submit")).await?;
    app.wait_gone(&dialog)
        .await
        .context("suspending did not close the dialog")?;
    app.wait_for(&format!("{row}[data-status=\"suspended\"]"))
        .await
        .context("after suspending, the Mobile app row is not data-status=suspended")?;
    app.wait_for_text_containing(
        &format!("{row} {}", testid("project-suspended-reason")),
        REASON,
    )
    .await
    .context("the suspended project does not show its reason")?;
    let website = project_row("website");
    app.wait_for(&format!("{website}[data-status=\"active\"]"))
        .await
        .context("Website is not data-status=active")?;
    app.screenshot("projects-with-suspended").await?;
    Ok(())
}

/// Step 2: Ada invites Bo (member, Website only) and Cy (admin); the server mails both.
async fn owner_invites(app: &mut App, server: &TestServer) -> Result<()> {
    flows::go_to(app, "members").await?;
    app.wait_for(&with("member-row", "data-email", ADA)).await?;
    app.screenshot("members-owner-alone").await?;

    invite(app, BO, "member", Some("website"), true).await?;
    invite(app, CY, "admin", None, false).await?;

    app.click(&testid("members-tab-invitations")).await?;
    for email in [BO, CY] {
        app.wait_for(&with("invitation-row", "data-email", email))
            .await
            .with_context(|| format!("the Invitations tab does not list {email}"))?;
    }
    app.screenshot("invitations-tab").await?;
    wait_for_invitation_mail(server, &[BO, CY]).await?;

    flows::go_to(app, "overview").await?;
    for (id, expected) in [
        ("overview-member-count", "1"),
        ("overview-pending-invitations", "2"),
        ("overview-projects-active", "1"),
        ("overview-projects-suspended", "1"),
    ] {
        app.wait_for_text(&testid(id), expected)
            .await
            .with_context(|| format!("the Overview's {id} is not {expected}"))?;
    }
    app.screenshot("overview-counts").await?;
    Ok(())
}

async fn invite(
    app: &mut App,
    email: &str,
    role: &str,
    scope: Option<&str>,
    shoot: bool,
) -> Result<()> {
    app.click(&testid("invite-open")).await?;
    let dialog = testid("invite-dialog");
    app.fill(&format!("{dialog} textarea[name=emails]"), email)
        .await?;
    app.click(&format!("{dialog} input[name=role][value={role}]"))
        .await?;
    if let Some(slug) = scope {
        let checkbox = with("invite-scope-project", "data-slug", slug);
        app.click(&checkbox).await?;
        let checked = app.wait_for(&checkbox).await?.prop("checked").await?;
        ensure!(
            checked.as_deref() == Some("true"),
            "the {slug:?} scope box is not checked after clicking it (checked = {checked:?})"
        );
    }
    if shoot {
        app.screenshot("invite-dialog").await?;
    }
    app.click(&testid("invite-submit")).await?;
    let issued = with("issued-invitation", "data-email", email);
    app.wait_for(&issued)
        .await
        .with_context(|| format!("inviting {email} showed no issued link"))?;
    let link = app
        .wait_for(&format!("{issued} {}", testid("invite-link")))
        .await?
        .attr("data-link")
        .await?
        .unwrap_or_default();
    ensure!(
        link.starts_with("orgdesk://invite/") && link.len() > "orgdesk://invite/".len() + 20,
        "the issued link for {email} is {link:?}, expected orgdesk://invite/<token>"
    );
    if shoot {
        app.screenshot("issued-links").await?;
    }
    app.click(&testid("invite-done")).await?;
    app.wait_gone(&dialog)
        .await
        .context("Done did not close the invite dialog")?;
    Ok(())
}

/// Polls the server's mail folder until each address has a mail with an invitation link.
async fn wait_for_invitation_mail(server: &TestServer, emails: &[&str]) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mails = server.mails()?;
        let missing: Vec<&str> = emails
            .iter()
            .copied()
            .filter(|email| {
                !mails
                    .iter()
                    .any(|(_, text)| text.contains(email) && text.contains("orgdesk://invite/"))
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            let names: Vec<_> = mails.iter().map(|(p, _)| p.display().to_string()).collect();
            bail!(
                "no invitation mail (an .eml with orgdesk://invite/) for {missing:?} in {} after 15 s; \
                 files there: {names:?}",
                server.mail_dir().display()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Step 3: Bo signs up in the same window, confirms his email through the mailed link
/// (invitations are shown to verified accounts only), accepts from the switcher, and sees
/// only what a member scoped to Website may see.
async fn scoped_member_joins(app: &mut App, server: &TestServer) -> Result<()> {
    flows::sign_out(app).await?;
    flows::sign_up(app, "Bo Berg", BO, Some(server.base_url())).await?;
    flows::verify_email_by_link(app, server, BO).await?;
    app.wait_for_text(&testid("switcher-invitation-count"), "1")
        .await
        .context("Bo's switcher trigger does not count 1 invitation")?;
    flows::open_switcher(app).await?;
    let invitation = with("switcher-invitation", "data-org-slug", SLUG);
    app.wait_for(&invitation)
        .await
        .context("the switcher does not show the invitation to Northwind Traders")?;
    app.screenshot("switcher-with-invitation").await?;
    app.click(&format!("{invitation} {}", testid("invitation-accept")))
        .await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("accepting did not land Bo in Northwind Traders")?;
    app.wait_for(&testid("page-overview")).await?;
    app.wait_for_text_where(&testid("overview-role"), "to say member", |t| {
        t.eq_ignore_ascii_case("member")
    })
    .await?;
    app.screenshot("member-overview").await?;

    flows::go_to(app, "projects").await?;
    app.wait_for(&project_row("website"))
        .await
        .context("Bo's Projects page does not list Website")?;
    let slugs = attributes(app, &testid("project-row"), "data-slug").await?;
    ensure!(
        slugs == ["website"],
        "Bo (scoped to Website) sees the projects {slugs:?}, expected only [\"website\"]"
    );
    app.screenshot("member-projects").await?;

    ensure!(
        !app.is_displayed(&testid("nav-settings-audit-log")).await?,
        "a member sees the Audit log entry in the sidebar"
    );
    let sidebar = app.text(".sidebar nav").await?;
    ensure!(
        !sidebar.to_lowercase().contains("billing"),
        "a member's sidebar offers Billing: {sidebar:?}"
    );
    flows::go_to(app, "members").await?;
    app.wait_for(&with("member-row", "data-email", BO)).await?;
    for control in ["members-tab-invitations", "invite-open", "transfer-open"] {
        ensure!(
            !app.is_displayed(&testid(control)).await?,
            "a member's Members page shows {control}"
        );
    }
    app.screenshot("member-members").await?;
    Ok(())
}

/// The `attribute` of every element matching `selector`, in document order.
async fn attributes(app: &App, selector: &str, attribute: &str) -> Result<Vec<String>> {
    let mut values = Vec::new();
    for element in app.find_all(selector).await? {
        values.push(element.attr(attribute).await?.unwrap_or_default());
    }
    Ok(values)
}

/// Cy accepts as a plain API client, from the list once the link mailed at sign-up
/// verified the email.
async fn admin_joins_through_the_api(server: &TestServer) -> Result<()> {
    let mut api = Api::new(server.base_url());
    api.sign_up("Cy Chen", CY, PASSWORD).await?;
    let token = server
        .mailed_link_token(CY, "orgdesk://verify-email/")
        .await?;
    api.verify_email(&token).await?;
    let joined = api.accept_invitation_to(SLUG).await?;
    ensure!(
        joined["role"] == "admin",
        "Cy joined as {}, not admin",
        joined["role"]
    );
    Ok(())
}

/// Step 4: Ada hands ownership to Cy and becomes an admin; the audit log says so.
async fn owner_transfers_ownership(app: &mut App, url: &str) -> Result<()> {
    flows::sign_out(app).await?;
    flows::sign_in(app, ADA, Some(url)).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    flows::go_to(app, "members").await?;
    for email in [ADA, BO, CY] {
        app.wait_for(&with("member-row", "data-email", email))
            .await
            .with_context(|| format!("the Members list does not show {email}"))?;
    }
    app.screenshot("members-list").await?;

    app.click(&testid("transfer-open")).await?;
    let dialog = testid("transfer-dialog");
    app.wait_for(&dialog).await?;
    let cy = member_option(app, CY).await?;
    let option = format!("select[name=transfer_to] option[value=\"{cy}\"]");
    app.click(&option).await?;
    app.fill(&format!("{dialog} input[name=confirm]"), SLUG)
        .await?;
    app.wait_for_text_containing(&testid("transfer-confirm"), "Cy Chen")
        .await
        .context("choosing Cy did not name her on the confirm button")?;
    app.screenshot("transfer-dialog").await?;
    app.click(&testid("transfer-confirm")).await?;
    app.wait_gone(&dialog)
        .await
        .context("transferring did not close the dialog")?;

    let cy_row = with("member-row", "data-email", CY);
    app.wait_for_text_where(
        &format!("{cy_row} {}", testid("role-badge")),
        "to say owner",
        |t| t.eq_ignore_ascii_case("owner"),
    )
    .await
    .context("after the transfer the Members list does not show Cy as owner")?;
    app.wait_for_text_containing(".switcher-trigger .meta", "Admin")
        .await
        .context("after the transfer the switcher trigger does not say Admin")?;
    app.screenshot("members-after-transfer").await?;
    flows::go_to(app, "overview").await?;
    app.wait_for_text_where(&testid("overview-role"), "to say admin", |t| {
        t.eq_ignore_ascii_case("admin")
    })
    .await?;

    app.click(&testid("nav-settings-audit-log")).await?;
    app.wait_for(&testid("page-audit-log")).await?;
    app.wait_for(&with(
        "audit-row",
        "data-action",
        "org.ownership_transferred",
    ))
    .await
    .context("the audit log does not list the ownership transfer")?;
    let actions = attributes(app, &testid("audit-row"), "data-action").await?;
    let accepted = actions
        .iter()
        .filter(|a| *a == "invitation.accepted")
        .count();
    ensure!(
        accepted == 2,
        "the audit log lists {accepted} accepted invitations, expected 2 (Bo, Cy); actions: {actions:?}"
    );
    app.screenshot("audit-log").await?;
    Ok(())
}

/// The value of the transfer dialog's option for `email`, once the members have loaded.
async fn member_option(app: &mut App, email: &str) -> Result<String> {
    // A listbox's own text reads "" in WebKit: look at its options instead.
    let script = "return Array.from(document.querySelectorAll('select[name=transfer_to] option'), \
                  o => [o.value, o.textContent]);";
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let value = app.client()?.execute(script, vec![]).await?;
        let options: Vec<(String, String)> = serde_json::from_value(value)?;
        if let Some((value, _)) = options
            .iter()
            .find(|(value, text)| !value.is_empty() && text.contains(email))
        {
            return Ok(value.clone());
        }
        if Instant::now() > deadline {
            bail!(
                "the transfer dialog offers no option for {email} after 20 s; options: {options:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Step 5: Bo leaves and lands in his personal context; the org is gone from his switcher.
async fn member_leaves(app: &mut App, url: &str) -> Result<()> {
    flows::sign_out(app).await?;
    flows::sign_in(app, BO, Some(url)).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    flows::go_to(app, "members").await?;
    app.click(&testid("leave-org")).await?;
    app.wait_for(&testid("leave-dialog")).await?;
    app.screenshot("leave-dialog").await?;
    app.click(&testid("leave-confirm")).await?;
    app.wait_for_text(&testid("current-context-name"), "Personal")
        .await
        .context("leaving did not land Bo in Personal")?;
    app.wait_for(&testid("page-overview"))
        .await
        .context("after leaving Bo is not on the Overview")?;
    app.screenshot("personal-after-leaving").await?;
    let slugs = flows::switcher_slugs(app).await?;
    ensure!(
        !slugs.iter().any(|s| s == SLUG),
        "after leaving, Bo's switcher still lists {SLUG}: {slugs:?}"
    );
    app.screenshot("switcher-after-leaving").await?;
    flows::close_switcher(app).await
}

/// Step 6: links open the org page at launch, and through a second launch that hands the
/// link to the running app and exits.
async fn deep_links(app: &mut App, url: &str) -> Result<()> {
    flows::sign_out(app).await?;
    flows::sign_in(app, ADA, Some(url)).await?;
    // Start from Personal, so that landing in the org is the link's doing.
    app.press(&[Key::Control], '1').await?;
    app.wait_for_text(&testid("current-context-name"), "Personal")
        .await
        .context("Ctrl+1 did not switch to Personal")?;

    let members_link = format!("orgdesk://org/{SLUG}/members");
    app.set_args(&[&members_link]);
    app.relaunch().await?;
    app.wait_for(&testid("page-members"))
        .await
        .with_context(|| format!("launched with {members_link}, the app is not on Members"))?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .with_context(|| format!("launched with {members_link}, the app is not in {ORG_NAME}"))?;
    app.wait_for(&with("member-row", "data-email", CY)).await?;
    app.screenshot("deep-link-at-launch").await?;

    rename_slug(url).await?;
    app.press(&[Key::Control], '1').await?;
    app.wait_for_text(&testid("current-context-name"), "Personal")
        .await
        .context("Ctrl+1 did not switch to Personal")?;
    let projects_link = format!("orgdesk://org/{SLUG}/projects");
    let status = app
        .run_second_instance(&[&projects_link], Duration::from_secs(20))
        .await
        .context("a second launch with a link did not hand it over and exit")?;
    ensure!(
        status.success(),
        "the second launch with {projects_link} exited with {status} (see second-instance.log)"
    );
    app.wait_for(&testid("page-projects"))
        .await
        .with_context(|| {
            format!("after a second launch with {projects_link}, the app is not on Projects")
        })?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .with_context(|| {
            format!("after a second launch with {projects_link}, the app is not in {ORG_NAME}")
        })?;
    app.wait_for(&project_row("website")).await?;
    app.screenshot("deep-link-from-second-launch").await?;
    Ok(())
}

/// Ada (an admin now) renames the slug over the API, so the second link uses a former slug.
async fn rename_slug(url: &str) -> Result<()> {
    let mut api = Api::new(url);
    api.log_in(ADA, PASSWORD).await?;
    let (status, body) = api
        .patch(&format!("/v1/orgs/{SLUG}"), &json!({ "slug": NEW_SLUG }))
        .await?;
    ensure!(
        status == 200 && body["org"]["slug"] == NEW_SLUG,
        "renaming {SLUG} to {NEW_SLUG} answered {status}: {body}"
    );
    Ok(())
}
