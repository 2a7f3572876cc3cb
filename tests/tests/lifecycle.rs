//! An org's data lifecycle in the real app: the owner schedules the org's deletion from
//! Settings → Danger zone (slug typed, password), a member signed in to the same app sees
//! the banner and the switcher's mark with no way to cancel, and the owner cancels from the
//! banner; then the owner exports everything from Settings → Data, follows it to the end
//! and saves the ZIP through the real GTK save dialog (the file is opened here and holds
//! every file an export promises). Run with `scripts/e2e.sh lifecycle`.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, App, Launch, TestServer};
use serde_json::json;

const ORG_NAME: &str = "Lifecycle Labs";
const SLUG: &str = "lifecycle-labs";
const ADA: &str = "ada.lifecycle@example.com";
const BO: &str = "bo.lifecycle@example.com";

/// The files every export holds.
const EXPORT_FILES: [&str; 10] = [
    "org.json",
    "members.csv",
    "invitations.csv",
    "projects.csv",
    "ledger.csv",
    "usage.csv",
    "audit-log.jsonl",
    "api-keys.csv",
    "webhooks.csv",
    "manifest.json",
];

#[tokio::test]
async fn lifecycle_export_and_deletion() -> Result<()> {
    const TEST: &str = "lifecycle";
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, &server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    let url = server.base_url();
    flows::sign_up(app, "Ada Lovelace", ADA, Some(url)).await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await?;
    bo_joins(url).await?;
    schedule_deletion(app).await?;
    member_sees_the_banner(app, url).await?;
    owner_cancels(app, url).await?;
    export_everything(app).await
}

/// Bo joins as a member through the invitation link (over HTTP).
async fn bo_joins(url: &str) -> Result<()> {
    let mut ada = Api::new(url);
    ada.log_in(ADA, PASSWORD).await?;
    let (status, issued) = ada
        .post(
            &format!("/v1/orgs/{SLUG}/invitations"),
            &json!({ "emails": [BO], "role": "member" }),
        )
        .await?;
    ensure!(status == 201, "inviting Bo answered {status}: {issued}");
    let mut bo = Api::new(url);
    bo.sign_up("Bo Berg", BO, PASSWORD).await?;
    bo.accept_invitation_link(&issued).await?;
    Ok(())
}

/// Settings → Data: "Export everything", followed until ready, then Save… through the
/// save dialog; the ZIP is opened and checked.
async fn export_everything(app: &mut App) -> Result<()> {
    flows::go_to(app, "settings-data").await?;
    app.wait_for(&testid("data-exports-empty")).await?;
    app.screenshot("data-page-empty").await?;
    app.click(&testid("data-export-start")).await?;
    app.wait_for(r#"[data-testid="data-export-row"][data-status="ready"][data-kept="true"]"#)
        .await
        .context("the export did not become ready (and kept) in the list")?;
    app.screenshot("data-page-ready").await?;

    let path = app.artifacts_dir().join("export.zip");
    let toast = app
        .save_through_dialog(&testid("data-export-save"), "Save the export", &path)
        .await?;
    ensure!(
        toast.contains(&path.display().to_string()),
        "after saving, the toast says {toast:?}"
    );
    check_zip(&path)?;
    app.wait_for(&testid("retention-audit_log"))
        .await
        .context("the Data page shows no retention periods")?;
    app.screenshot("data-page-saved").await?;
    Ok(())
}

/// A ZIP that names every file an export holds, with the org in `org.json`.
fn check_zip(path: &Path) -> Result<()> {
    let zip = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    ensure!(
        zip.starts_with(b"PK\x03\x04"),
        "{} is not a ZIP",
        path.display()
    );
    for name in EXPORT_FILES {
        let found = zip.windows(name.len()).any(|w| w == name.as_bytes());
        ensure!(found, "the ZIP has no {name}");
    }
    // The central directory at the end lists each entry once more.
    let central = zip.windows(4).filter(|w| *w == b"PK\x01\x02").count();
    ensure!(
        central >= EXPORT_FILES.len(),
        "the ZIP's directory lists {central} entries"
    );
    Ok(())
}

/// Settings → Danger zone: the dialog, the slug typed exactly, the password; the banner.
async fn schedule_deletion(app: &mut App) -> Result<()> {
    flows::go_to(app, "settings-danger-zone").await?;
    app.click(&testid("danger-delete-open")).await?;
    let dialog = testid("org-delete-dialog");
    app.wait_for(&dialog).await?;
    app.fill(&testid("org-delete-slug"), SLUG).await?;
    app.fill(&testid("org-delete-password"), PASSWORD).await?;
    app.screenshot("delete-dialog").await?;
    app.click(&testid("org-delete-confirm")).await?;
    app.wait_gone(&dialog)
        .await
        .context("scheduling the deletion did not close the dialog")?;
    app.wait_for(&testid("pending-deletion-banner")).await?;
    app.wait_for(&testid("danger-scheduled")).await?;
    app.wait_for(&testid("pending-deletion-cancel")).await?;
    app.screenshot("banner-owner").await?;
    Ok(())
}

/// Bo, signed in to the same app, sees the banner and the mark, and cannot cancel.
async fn member_sees_the_banner(app: &mut App, url: &str) -> Result<()> {
    flows::sign_out(app).await?;
    flows::sign_in(app, BO, Some(url)).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    app.wait_for_text_containing(&testid("pending-deletion-banner"), "Read-only until then")
        .await?;
    ensure!(
        !app.is_displayed(&testid("pending-deletion-cancel")).await?,
        "a member is offered Cancel deletion"
    );
    flows::open_switcher(app).await?;
    let item = flows::switcher_item(SLUG);
    app.wait_for(&format!("{item} {}", testid("switcher-pending-deletion")))
        .await
        .context("the switcher does not mark the org scheduled for deletion")?;
    app.screenshot("banner-member").await?;
    flows::close_switcher(app).await?;
    flows::sign_out(app).await
}

/// Ada cancels from the banner; the org can be changed again (checked over HTTP).
async fn owner_cancels(app: &mut App, url: &str) -> Result<()> {
    flows::sign_in(app, ADA, Some(url)).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    app.click(&testid("pending-deletion-cancel")).await?;
    app.wait_gone(&testid("pending-deletion-banner"))
        .await
        .context("cancelling did not remove the banner")?;
    app.screenshot("cancelled").await?;
    let mut ada = Api::new(url);
    ada.log_in(ADA, PASSWORD).await?;
    let (status, body) = ada.get(&format!("/v1/orgs/{SLUG}")).await?;
    ensure!(status == 200, "reading the org answered {status}: {body}");
    ensure!(
        body["org"]["pending_deletion"].is_null(),
        "the org is still scheduled: {body}"
    );
    let (status, body) = ada
        .patch(
            &format!("/v1/orgs/{SLUG}"),
            &json!({ "description": "Still here" }),
        )
        .await?;
    ensure!(
        status == 200,
        "changing the org after cancelling answered {status}: {body}"
    );
    Ok(())
}
