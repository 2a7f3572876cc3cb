//! The offline journey through the real app: Ada has seen every page of two orgs; the
//! server goes away; she still switches between both orgs and reads every page (with its
//! "as of" time), exports the usage CSV through the native save dialog, and queues changes
//! in both orgs; she quits and relaunches (still offline, still queued); the server comes
//! back while Bo renames one org meanwhile; on the next launch every change is applied
//! exactly once, the banner clears, and Ada's stale rename is offered as a conflict, which
//! she resolves by keeping hers. Run with `scripts/e2e.sh offline`.

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, App, Key, Launch, TestServer};
use serde_json::json;

const TEST: &str = "offline_journey";
const ADA: &str = "ada@example.com";
const BO: &str = "bo@example.com";
const ALPHA: (&str, &str) = ("Alpha Studio", "alpha-studio");
const BETA: (&str, &str) = ("Beta Labs", "beta-labs");
const ADAS_NAME: &str = "Alpha Studio (renamed offline)";
const BOS_NAME: &str = "Alpha Studio by Bo";
const TOP_UP: i64 = 700;
/// Pages of an org, as `(nav test id, page test id)`.
const PAGES: [(&str, &str); 7] = [
    ("nav-overview", "page-overview"),
    ("nav-projects", "page-projects"),
    ("nav-members", "page-members"),
    ("nav-billing", "page-billing"),
    ("nav-settings-general", "page-settings-general"),
    ("nav-settings-audit-log", "page-audit-log"),
    ("nav-settings-api-keys", "page-api-keys"),
];

#[tokio::test]
async fn offline_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let mut server = TestServer::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, &mut server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &mut TestServer) -> Result<()> {
    let url = server.base_url().to_owned();
    set_up(app, &url).await?;
    browse(app, "online").await?;

    server.pause()?;
    browse(app, "offline").await?;
    app.wait_for(&testid("offline-banner"))
        .await
        .context("no offline banner while the server is down")?;
    export_usage_offline(app).await?;
    change_offline(app).await?;
    app.relaunch().await?;
    app.wait_for_text(&testid("offline-queued-count"), "3")
        .await
        .context("after a relaunch offline, the banner does not count 3 queued changes")?;
    app.screenshot("relaunched-offline").await?;
    app.quit().await?;

    server.resume().await?;
    bo_renames_alpha(&url).await?;
    app.relaunch().await?;
    resolve_conflict(app).await?;
    check_applied_once(&url).await
}

/// Ada signs up and creates both orgs in the app; a project in each, and Bo as an admin
/// of Alpha, through the API.
async fn set_up(app: &mut App, url: &str) -> Result<()> {
    flows::sign_up(app, "Ada Lovelace", ADA, Some(url)).await?;
    for (name, slug) in [ALPHA, BETA] {
        flows::create_org(app, name, slug).await?;
        app.wait_for_text(&testid("current-context-name"), name)
            .await?;
    }
    let mut ada = Api::new(url);
    ada.log_in(ADA, PASSWORD).await?;
    for (_, slug) in [ALPHA, BETA] {
        let (status, body) = ada
            .post(
                &format!("/v1/orgs/{slug}/projects"),
                &json!({"name": "Website"}),
            )
            .await?;
        ensure!(
            status == 201,
            "creating a project in {slug}: {status} {body}"
        );
    }
    let invite = json!({"emails": [BO], "role": "admin"});
    let (status, body) = ada
        .post(&format!("/v1/orgs/{}/invitations", ALPHA.1), &invite)
        .await?;
    ensure!(status == 201, "inviting Bo: {status} {body}");
    let mut bo = Api::new(url);
    bo.sign_up("Bo Berg", BO, PASSWORD).await?;
    // Bo has not verified his email: he joins through the mailed invitation link.
    bo.accept_invitation_link(&body).await?;
    Ok(())
}

/// Opens every page of both orgs; each must show its content, not an error.
async fn browse(app: &mut App, phase: &str) -> Result<()> {
    for (name, slug) in [ALPHA, BETA] {
        flows::switch_to(app, slug, name)
            .await
            .with_context(|| format!("{phase}: switching to {name}"))?;
        for (nav, page) in PAGES {
            app.click(&testid(nav)).await?;
            app.wait_for(&testid(page))
                .await
                .with_context(|| format!("{phase}: {nav} did not open {page} of {name}"))?;
            let shown = app.text(&testid(page)).await?;
            ensure!(
                !shown.contains("not been opened on this computer"),
                "{phase}: {page} of {name} was not kept for offline use: {shown:?}"
            );
            if phase == "offline" {
                app.wait_for(&format!("{} {}", testid(page), testid("as-of")))
                    .await
                    .with_context(|| format!("offline, {page} of {name} says no \"as of\""))?;
            }
        }
        if phase == "offline" || slug == ALPHA.1 {
            app.click(&testid("nav-projects")).await?;
            app.wait_for(&format!("{}[data-slug=\"website\"]", testid("project-row")))
                .await
                .with_context(|| format!("{phase}: {name} lists no Website project"))?;
            app.screenshot(&format!("{phase}-{slug}-projects")).await?;
        }
    }
    Ok(())
}

/// Billing → usage CSV while offline: saved from the store, saying when it is from.
async fn export_usage_offline(app: &mut App) -> Result<()> {
    flows::switch_to(app, ALPHA.1, ALPHA.0).await?;
    app.click(&testid("nav-billing")).await?;
    app.wait_for(&testid("billing-usage")).await?;
    app.screenshot("offline-billing").await?;
    let path = app.artifacts_dir().join("offline-usage.csv");
    app.scroll_to(&testid("billing-usage")).await?;
    let button = testid("usage-export-csv");
    let toast = app
        .save_through_dialog(&button, "Export usage", &path)
        .await?;
    app.screenshot("offline-usage-exported").await?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("offline, no CSV was written (toast: {toast:?})"))?;
    let last = text.trim_end().lines().last().unwrap_or_default();
    ensure!(
        text.starts_with("project_id,project,credits,events") && last.starts_with("as_of,20"),
        "the offline CSV does not end with its \"as of\" time:\n{text}"
    );
    Ok(())
}

/// Three changes while offline: rename Alpha, create a project and top up in Beta.
async fn change_offline(app: &mut App) -> Result<()> {
    app.click(&testid("nav-settings-general")).await?;
    let page = testid("page-settings-general");
    app.fill(&format!("{page} input[name=name]"), ADAS_NAME)
        .await?;
    app.click(&testid("settings-save")).await?;
    app.wait_for_text(&testid("offline-queued-count"), "1")
        .await
        .context("saving settings offline did not queue the change")?;
    app.screenshot("offline-rename-queued").await?;

    flows::switch_to(app, BETA.1, BETA.0).await?;
    app.click(&testid("nav-projects")).await?;
    app.click(&testid("project-create")).await?;
    let dialog = testid("create-project-dialog");
    app.fill(&format!("{dialog} input[name=name]"), "Offline project")
        .await?;
    app.click(&testid("create-project-submit")).await?;
    app.wait_gone(&dialog).await?;
    app.wait_for_text(&testid("offline-queued-count"), "2")
        .await
        .context("creating a project offline did not queue it")?;
    app.wait_for_text_containing(&testid("project-row-pending"), "Offline project")
        .await
        .context("the queued project is not shown as waiting to be sent")?;
    app.screenshot("offline-project-pending").await?;

    app.click(&testid("nav-billing")).await?;
    app.click(&testid("topup-open")).await?;
    let dialog = testid("topup-dialog");
    app.fill(&format!("{dialog} input[name=amount]"), &TOP_UP.to_string())
        .await?;
    app.click(&testid("topup-submit")).await?;
    app.wait_gone(&dialog).await?;
    app.wait_for_text(&testid("offline-queued-count"), "3")
        .await
        .context("a top-up offline was not queued")?;
    app.click(&testid("outbox-open")).await?;
    app.wait_for_count(&testid("outbox-item"), 3).await?;
    app.screenshot("offline-outbox").await?;
    app.press(&[], char::from(Key::Escape)).await?;
    Ok(())
}

/// While Ada is away, Bo renames Alpha: Ada's queued rename is now stale.
async fn bo_renames_alpha(url: &str) -> Result<()> {
    let mut bo = Api::new(url);
    bo.log_in(BO, PASSWORD).await?;
    let (status, body) = bo
        .patch(&format!("/v1/orgs/{}", ALPHA.1), &json!({"name": BOS_NAME}))
        .await?;
    ensure!(status == 200, "Bo renaming Alpha: {status} {body}");
    Ok(())
}

/// Back online: the banner clears, the rename comes back as a conflict, Ada keeps hers.
async fn resolve_conflict(app: &mut App) -> Result<()> {
    app.wait_gone(&testid("offline-banner"))
        .await
        .context("the offline banner stays after the server is back")?;
    app.click(&testid("outbox-open"))
        .await
        .context("no way to review the conflicting change")?;
    let conflict = format!("{}[data-state=\"conflict\"]", testid("outbox-item"));
    app.wait_for(&conflict)
        .await
        .context("the stale rename is not offered as a conflict")?;
    let shown = app.text(&conflict).await?;
    ensure!(
        shown.contains(ADAS_NAME) && shown.contains(BOS_NAME),
        "the conflict does not show mine and theirs: {shown:?}"
    );
    ensure!(
        app.find_all(&testid("outbox-item")).await?.len() == 1,
        "more than the conflict is still waiting"
    );
    app.screenshot("conflict-offered").await?;
    app.click(&format!("{conflict} {}", testid("outbox-keep-mine")))
        .await?;
    app.wait_gone(&testid("outbox-item"))
        .await
        .context("keeping mine did not apply the rename")?;
    app.screenshot("conflict-resolved").await?;
    Ok(())
}

/// On the server: every change once, the rename Ada kept on top of Bo's.
async fn check_applied_once(url: &str) -> Result<()> {
    let mut ada = Api::new(url);
    ada.log_in(ADA, PASSWORD).await?;
    let (_, alpha) = ada.get(&format!("/v1/orgs/{}", ALPHA.1)).await?;
    ensure!(
        alpha["org"]["name"] == ADAS_NAME,
        "Alpha is not named as Ada kept it: {alpha}"
    );
    let (_, projects) = ada.get(&format!("/v1/orgs/{}/projects", BETA.1)).await?;
    let names: Vec<&str> = projects["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    let offline = names.iter().filter(|n| **n == "Offline project").count();
    ensure!(offline == 1, "Beta's projects: {names:?}");
    let (_, billing) = ada.get(&format!("/v1/orgs/{}/billing", BETA.1)).await?;
    ensure!(
        billing["balance"] == TOP_UP,
        "Beta's balance is not one top-up of {TOP_UP}: {billing}"
    );
    Ok(())
}
