//! Card payments through the real app against a server in `stripe` payment mode, itself
//! against localstripe (the Stripe stand-in from PyPI): the owner adds a card on the
//! server's card page, which opens in the app's own "Add a card" window (found among the
//! WebDriver window handles); the card shows in Billing; billing details are saved; a
//! credit pack is bought, waited for, and its credits arrive; the payment history lists it
//! with its receipt, saved as a PDF through the native save dialog; a card whose charges
//! are declined shows Stripe's reason and adds nothing. Run with `scripts/e2e.sh card`.

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::{flows, keychain, testid, App, Launch, TestServer};

const TEST: &str = "card_payments";
const ORG_NAME: &str = "Northwind Traders";
const SLUG: &str = "northwind-traders";
/// localstripe's cards: one that pays, and one that saves but whose charges are declined.
const PAYS: &str = "4242424242424242";
const DECLINED: &str = "4000000000000341";

#[tokio::test]
async fn card_payments() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start_with_stripe(TEST).await?;
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
    app.wait_for_text_containing(&testid("card-none"), "No card yet")
        .await
        .context("a new org on a card server shows no card")?;
    app.screenshot("billing-no-card").await?;

    add_card(app, PAYS).await?;
    app.wait_for_text_containing(&testid("card-summary"), "•••• 4242")
        .await
        .context("the saved card does not show in Billing")?;
    app.screenshot("card-saved").await?;

    app.fill(&testid("profile-company_name"), "Northwind Traders GmbH")
        .await?;
    app.fill(&testid("profile-country"), "DE").await?;
    app.click(&testid("profile-save")).await?;
    app.wait_for_text_containing(&testid("toast"), "Billing details saved")
        .await?;

    let before = balance(app).await?;
    buy(app, 5_000).await?;
    app.wait_for_text_containing(&testid("toast"), "Paid: 5,000 credits added")
        .await
        .context("the payment did not go through")?;
    let after = balance(app).await?;
    ensure!(after == before + 5_000, "balance {before} → {after}");
    app.screenshot("paid").await?;

    app.scroll_to(&testid("billing-payments")).await?;
    let rows = app.wait_for_count(&testid("payment-row"), 1).await?;
    ensure!(rows[0].attr("data-status").await?.as_deref() == Some("succeeded"));
    let receipt = app.text(&testid("payment-receipt")).await?;
    ensure!(receipt.starts_with("OD-"), "receipt number {receipt:?}");
    app.screenshot("payments").await?;
    let path = app.artifacts_dir().join("receipt.pdf");
    app.save_through_dialog(&testid("payment-receipt"), "Save the receipt", &path)
        .await?;
    let pdf = std::fs::read(&path).context("the receipt was not saved")?;
    ensure!(pdf.starts_with(b"%PDF"), "the receipt is not a PDF");

    // A card whose charges are declined: Stripe's reason, and no credits.
    app.scroll_to(&testid("billing-card")).await?;
    add_card(app, DECLINED).await?;
    app.wait_for_text_containing(&testid("card-summary"), "•••• 0341")
        .await?;
    buy(app, 1_000).await?;
    app.wait_for_text_containing(&testid("card-topup-declined"), "declined")
        .await
        .context("a declined payment does not say why")?;
    app.screenshot("declined").await?;
    ensure!(
        balance(app).await? == after,
        "a declined payment added credits"
    );
    Ok(())
}

/// Add card / Replace card: the card page opens in the app's "Add a card" window; the
/// card is typed into Stripe.js's card element there (localstripe's, in tests); the page
/// says it was saved; the window is closed and the main window is back.
async fn add_card(app: &mut App, number: &str) -> Result<()> {
    app.click(&testid("card-open")).await?;
    let home = app
        .switch_to_card_window()
        .await
        .context("Add card opened no card window")?;
    let typed = async {
        for (field, value) in [
            ("number", number),
            ("exp_month", "12"),
            ("exp_year", "30"),
            ("cvc", "123"),
            ("postal_code", "10115"),
        ] {
            app.type_by_script(&format!("input[placeholder='{field}']"), value)
                .await?;
        }
        app.screenshot("card-page").await?;
        app.click_by_script("button[type='submit']").await?;
        app.wait_for_page_text("Card saved").await?;
        app.screenshot("card-page-saved").await.map(drop)
    }
    .await;
    let client = app.client()?;
    if typed.is_ok() {
        client.close_window().await?;
    }
    app.switch_to(home).await?;
    typed.context("the card page did not save the card")
}

/// Top up: pick the pack of `credits` and pay.
async fn buy(app: &mut App, credits: i64) -> Result<()> {
    app.click(&testid("topup-open")).await?;
    app.wait_for(&testid("card-topup-dialog")).await?;
    app.click(&testid(&format!("pack-{credits}"))).await?;
    app.click(&testid("card-topup-submit")).await
}

async fn balance(app: &mut App) -> Result<i64> {
    let element = app.wait_for(&testid("billing-balance")).await?;
    let value = element.attr("data-balance").await?.unwrap_or_default();
    value.parse().context("the balance is not a number")
}
