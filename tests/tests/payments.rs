//! Billing on a server that takes no payments (`--payments none`, the server binary's
//! default), through the real app: the owner finds no Top up button but the explanation
//! that the server's operator grants credits; the operator runs `orgdesk-server
//! grant-credits` on the server's data folder; the balance arrives in the app, and the
//! audit log names the Server operator. Run with `scripts/e2e.sh billing`.

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::flows;
use orgdesk_e2e::{keychain, testid, with, App, Launch, TestServer};

const TEST: &str = "billing_without_payments";
const ORG_NAME: &str = "Contoso";
const SLUG: &str = "contoso";

#[tokio::test]
async fn billing_without_payments() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start_without_payments(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, &server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    flows::sign_up(
        app,
        "Ada Lovelace",
        "ada@example.com",
        Some(server.base_url()),
    )
    .await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("creating the org did not switch to it")?;

    flows::go_to(app, "billing").await?;
    app.wait_for_text_containing(
        &testid("billing-operator-note"),
        "its operator grants credits",
    )
    .await
    .context("the billing page does not say who grants credits")?;
    app.wait_for_text_containing(&testid("plan-operator-note"), "server's operator")
        .await?;
    ensure!(
        !app.is_displayed(&testid("topup-open")).await?,
        "a Top up button is shown on a server that takes no payments"
    );
    ensure!(
        !app.is_displayed(&testid("plan-change")).await?,
        "a Change plan button is shown on the Free plan of a server that takes no payments"
    );
    app.screenshot("billing-no-payments").await?;

    let printed = server.operator(&[
        "grant-credits",
        "--org",
        SLUG,
        "--credits",
        "2500",
        "--reference",
        "INV-2026-0099",
    ])?;
    ensure!(
        printed.contains("Granted 2,500 credits to contoso"),
        "grant-credits printed {printed:?}"
    );

    // Another page and back: Billing reads the balance again.
    app.click(&testid("nav-settings-audit-log")).await?;
    app.wait_for(&testid("page-audit-log")).await?;
    app.wait_for(&with("audit-row", "data-action", "billing.credits_granted"))
        .await
        .context("the audit log does not list the operator's grant")?;
    app.wait_for_text_containing(
        &format!(
            "{} [data-actor-kind=\"operator\"]",
            with("audit-row", "data-action", "billing.credits_granted")
        ),
        "Server operator",
    )
    .await
    .context("the audit log does not name the Server operator")?;
    app.screenshot("audit-log-operator").await?;

    flows::go_to(app, "billing").await?;
    app.wait_for(&with("billing-balance", "data-balance", "2500"))
        .await
        .context("the granted credits do not show on the Billing page")?;
    app.wait_for(&with("ledger-row", "data-kind", "grant"))
        .await
        .context("the ledger lists no grant")?;
    app.screenshot("billing-granted").await?;
    Ok(())
}
