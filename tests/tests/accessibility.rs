//! Every page of the app, checked by axe-core in the real window: no serious or critical
//! WCAG 2.1 A/AA violation on the sign-in screen, any page of an org with data in it, the
//! switcher and a dialog. Run with `scripts/e2e.sh accessibility`.

use anyhow::Result;
use orgdesk_e2e::flows;
use orgdesk_e2e::{keychain, testid, App, Launch, TestServer};

/// The pages of an organization: the sidebar entry (`nav-…`) and the page it shows (`page-…`).
const PAGES: [(&str, &str); 13] = [
    ("overview", "overview"),
    ("projects", "projects"),
    ("members", "members"),
    ("billing", "billing"),
    ("settings-general", "settings-general"),
    ("settings-audit-log", "audit-log"),
    ("settings-api-keys", "api-keys"),
    ("settings-webhooks", "settings-webhooks"),
    ("settings-security", "settings-security"),
    ("settings-sso", "settings-sso"),
    ("settings-data", "settings-data"),
    ("settings-danger-zone", "settings-danger-zone"),
    ("account", "account"),
];

#[tokio::test]
async fn accessibility_of_every_page() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start("accessibility_of_every_page").await?;
    let mut app = Launch::new("accessibility_of_every_page").start().await?;
    let outcome = tour(&mut app, &server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn tour(app: &mut App, server: &TestServer) -> Result<()> {
    app.wait_for(&testid("auth-screen")).await?;
    app.assert_accessible("the sign-in screen").await?;
    flows::sign_up(
        app,
        "Ada Lovelace",
        "ada@example.com",
        Some(server.base_url()),
    )
    .await?;
    flows::create_org(app, "Northwind Traders", "northwind-traders").await?;
    flows::go_to(app, "projects").await?;
    flows::create_project(app, "Website", "website", false).await?;

    let mut failures = Vec::new();
    for (nav, page) in PAGES {
        app.click(&testid(&format!("nav-{nav}"))).await?;
        app.wait_for(&testid(&format!("page-{page}"))).await?;
        if let Err(e) = app.assert_accessible(&format!("the {page} page")).await {
            app.screenshot(page).await?;
            failures.push(format!("{e:#}"));
        }
    }
    flows::open_switcher(app).await?;
    if let Err(e) = app.assert_accessible("the context switcher").await {
        failures.push(format!("{e:#}"));
    }
    app.click(&testid("switcher-create-org")).await?;
    app.wait_for(&testid("create-org-dialog")).await?;
    if let Err(e) = app
        .assert_accessible("the create-organization dialog")
        .await
    {
        failures.push(format!("{e:#}"));
    }
    anyhow::ensure!(failures.is_empty(), "{}", failures.join("\n\n"));
    Ok(())
}
