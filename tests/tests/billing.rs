//! The "Billing and credits" journey through the real app: an owner tops up credits, sets a
//! low-balance alert and makes an API key; a plain HTTP client meters usage with that key
//! (once more with a repeated `Idempotency-Key`, charged once); the Billing page then shows
//! the new balance, the alert, the ledger, the usage chart and the open statement; the
//! usage CSV is saved through the native GTK save dialog, driven with xdotool; the desktop
//! notification is read off the D-Bus session, and a click on it (in a real notification
//! server, dunst) opens the org's Billing from another page; a member finds no Billing,
//! not even through a link. Run with `scripts/e2e.sh billing` (Xvfb, D-Bus and an unlocked keychain).

use std::path::Path;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::notification_daemon::NotificationDaemon;
use orgdesk_e2e::notifications::NotificationMonitor;
use orgdesk_e2e::probes::{current_month, thousands};
use orgdesk_e2e::{keychain, testid, with, App, Key, Launch, TestServer};
use serde_json::json;

const TEST: &str = "billing_journey";
const ORG_NAME: &str = "Northwind Traders";
const SLUG: &str = "northwind-traders";
const ADA: &str = "ada@example.com";
const BO: &str = "bo@example.com";
const TOP_UP: i64 = 5_000;
const THRESHOLD: i64 = 4_500;
/// Units of text metered with distinct keys: enough to take the balance below the threshold.
const METERED: [i64; 4] = [100, 80, 60, 40];
/// Units of the request that is sent twice with one `Idempotency-Key`.
const REPEATED: i64 = 20;
const LOW_BALANCE: &str = "Low credit balance";

#[tokio::test]
async fn billing_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start(TEST).await?;
    // Before the app starts, so that no notification it sends goes unseen.
    let mut notifications = NotificationMonitor::start(TEST).await?;
    let mut daemon = NotificationDaemon::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, &server, &mut notifications, &mut daemon).await;
    let finished = app.finish(outcome).await;
    server
        .stop()
        .and(notifications.stop())
        .and(daemon.stop())
        .and(finished)
}

async fn journey(
    app: &mut App,
    server: &TestServer,
    notifications: &mut NotificationMonitor,
    daemon: &mut NotificationDaemon,
) -> Result<()> {
    let url = server.base_url();
    owner_sets_up(app, url).await?;
    owner_tops_up(app).await?;
    let secret = owner_creates_api_key(app).await?;
    let balance = meter_usage(url, &secret).await?;
    let notified = billing_page_after_usage(app, balance, notifications).await?;
    notified.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
    clicking_the_notification_opens_billing(app, daemon).await?;
    export_usage_csv(app).await?;
    member_finds_no_billing(app, url).await?;
    // Checked when the Billing page had loaded; reported last, so that a wrong notice
    // does not hide how the rest of the journey went.
    notified
}

/// Ada signs up, creates the org and its project Website.
async fn owner_sets_up(app: &mut App, url: &str) -> Result<()> {
    flows::sign_up(app, "Ada Lovelace", ADA, Some(url)).await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("creating the org did not switch to it")?;
    flows::go_to(app, "projects").await?;
    flows::create_project(app, "Website", "website", false).await?;
    app.screenshot("projects").await?;
    Ok(())
}

/// Waits until the Billing page's balance is `credits` (its raw `data-balance`).
async fn wait_for_balance(app: &mut App, credits: i64) -> Result<()> {
    let selector = with("billing-balance", "data-balance", &credits.to_string());
    if let Err(e) = app.wait_for(&selector).await {
        let shown = match app.find_all(&testid("billing-balance")).await?.first() {
            Some(element) => element.attr("data-balance").await?,
            None => None,
        };
        return Err(e.context(format!(
            "the balance is not {credits} (data-balance is {shown:?})"
        )));
    }
    Ok(())
}

/// Billing starts at 0; a top-up of 5,000 through the dialog; an alert below 4,500.
async fn owner_tops_up(app: &mut App) -> Result<()> {
    flows::go_to(app, "billing").await?;
    wait_for_balance(app, 0)
        .await
        .context("a new org's balance is not 0")?;
    app.wait_for(&testid("ledger-empty")).await?;
    // The test server records top-ups (`--payments local`): the page says so.
    app.wait_for_text_containing(&testid("billing-local-note"), "Recorded, not charged")
        .await
        .context("the billing page does not say top-ups are recorded, not charged")?;
    app.screenshot("billing-new-org").await?;

    app.click(&testid("topup-open")).await?;
    let dialog = testid("topup-dialog");
    app.fill(&format!("{dialog} input[name=amount]"), &TOP_UP.to_string())
        .await?;
    app.fill(
        &format!("{dialog} input[name=payment_reference]"),
        "INV-2026-0142",
    )
    .await?;
    app.wait_for_text_containing(&testid("topup-submit"), "5,000")
        .await
        .context("the top-up button does not name the amount")?;
    app.screenshot("topup-dialog").await?;
    app.click(&testid("topup-submit")).await?;
    app.wait_gone(&dialog)
        .await
        .context("topping up did not close the dialog")?;
    wait_for_balance(app, TOP_UP).await?;
    app.wait_for_text(&testid("billing-balance"), "5,000")
        .await?;
    app.wait_for(&with("ledger-row", "data-kind", "top_up"))
        .await
        .context("the ledger lists no top-up after topping up")?;
    app.screenshot("billing-topped-up").await?;

    let card = testid("billing-threshold");
    app.scroll_to(&card).await?;
    app.fill(
        &format!("{card} input[name=threshold]"),
        &THRESHOLD.to_string(),
    )
    .await?;
    app.click(&testid("threshold-save")).await?;
    app.wait_for_text_containing(&card, "Alerts when the balance falls below 4,500 credits")
        .await
        .context("saving the threshold did not change the alert card")?;
    app.screenshot("threshold-saved").await?;
    ensure!(
        !app.is_displayed(&testid("billing-low-balance")).await?,
        "the low-balance banner shows while the balance (5,000) is above the threshold"
    );
    Ok(())
}

/// Settings → API keys: a key "CI" for Website that may record usage; returns its secret.
async fn owner_creates_api_key(app: &mut App) -> Result<String> {
    app.click(&testid("nav-settings-api-keys")).await?;
    app.wait_for(&testid("page-api-keys")).await?;
    app.wait_for(&testid("api-keys-empty")).await?;
    app.screenshot("api-keys-empty").await?;

    app.click(&testid("api-key-create")).await?;
    let dialog = testid("api-key-dialog");
    app.fill(&format!("{dialog} input[name=name]"), "CI")
        .await?;
    let website = app
        .option_value(&format!("{dialog} select[name=project]"), "Website")
        .await?;
    app.click(&format!(
        "{dialog} select[name=project] option[value=\"{website}\"]"
    ))
    .await?;
    let project = app.value(&format!("{dialog} select[name=project]")).await?;
    ensure!(
        project == website,
        "choosing Website did not select it (the select's value is {project:?})"
    );
    let scope = testid("scope-usage-write");
    if !app.is_checked(&scope).await? {
        app.click(&scope).await?;
    }
    ensure!(
        app.is_checked(&scope).await?,
        "the usage:write box is not checked"
    );
    app.screenshot("api-key-dialog").await?;
    app.click(&testid("api-key-submit")).await?;

    let shown = app.wait_for(&testid("api-key-secret")).await?;
    let mut secret = shown.text().await?.trim().to_owned();
    if secret.is_empty() {
        secret = shown.prop("value").await?.unwrap_or_default();
    }
    ensure!(
        secret.len() >= 20,
        "the new key's secret reads {secret:?}, which looks too short"
    );
    app.screenshot("api-key-secret").await?;
    app.click(&testid("api-key-done")).await?;
    app.wait_gone(&dialog)
        .await
        .context("\"I have copied it\" did not close the key dialog")?;
    app.wait_for(&with("api-key-row", "data-name", "CI"))
        .await
        .context("the API keys list does not show the new key")?;
    ensure!(
        !app.text(".page").await?.contains(&secret),
        "the key list shows the whole secret after the dialog closed"
    );
    app.screenshot("api-keys-list").await?;
    Ok(secret)
}

async fn meter_usage(url: &str, secret: &str) -> Result<i64> {
    let key = Api::with_token(url, secret);
    let mut balance = TOP_UP;
    for (i, quantity) in METERED.into_iter().enumerate() {
        let body = json!({ "project": "website", "modality": "text", "quantity": quantity });
        let (status, answer) = key
            .post_idempotent("/v1/usage", &body, &format!("e2e-usage-{i}"))
            .await?;
        ensure!(
            status == 201,
            "POST /v1/usage of {quantity} units answered {status}: {answer}"
        );
        let amount = answer["entry"]["amount"].as_i64().unwrap_or_default();
        ensure!(
            amount < 0 && answer["balance"] == balance + amount,
            "POST /v1/usage of {quantity} units, balance before {balance}: {answer}"
        );
        balance += amount;
    }

    let body = json!({ "project": "website", "modality": "text", "quantity": REPEATED });
    let (first_status, first) = key
        .post_idempotent("/v1/usage", &body, "e2e-usage-repeated")
        .await?;
    let (second_status, second) = key
        .post_idempotent("/v1/usage", &body, "e2e-usage-repeated")
        .await?;
    ensure!(
        first_status == 201 && second_status.is_success(),
        "the repeated usage request answered {first_status} ({first}) and then {second_status} \
         ({second})"
    );
    ensure!(
        first["entry"]["id"] == second["entry"]["id"] && first["balance"] == second["balance"],
        "the repeated usage request was answered with another entry or balance: {first} vs {second}"
    );
    balance += first["entry"]["amount"].as_i64().unwrap_or_default();
    ensure!(
        balance < THRESHOLD,
        "after metering the balance is {balance}, not below the threshold {THRESHOLD}"
    );

    // From Ada's side: the ledger holds the repeated request once.
    let mut ada = Api::new(url);
    ada.log_in(ADA, PASSWORD).await?;
    let path = format!("/v1/orgs/{SLUG}/ledger?kind=usage&limit=100");
    let (status, ledger) = ada.get(&path).await?;
    ensure!(status == 200, "GET {path} answered {status}: {ledger}");
    let quantities: Vec<i64> = ledger["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["quantity"].as_i64())
        .collect();
    let repeated = quantities.iter().filter(|q| **q == REPEATED).count();
    ensure!(
        repeated == 1 && quantities.len() == METERED.len() + 1,
        "the ledger's usage entries have the quantities {quantities:?}: expected {METERED:?} and \
         {REPEATED} once"
    );
    let (status, summary) = ada.get(&format!("/v1/orgs/{SLUG}/billing")).await?;
    ensure!(
        status == 200 && summary["balance"] == balance,
        "GET /v1/orgs/{SLUG}/billing answered {status}, expected balance {balance}: {summary}"
    );
    ensure!(
        summary["low_balance_alert"].is_object(),
        "the server records no low-balance alert at {balance} (threshold {THRESHOLD}): {summary}"
    );
    Ok(balance)
}

/// Back in the app: Billing, reloaded, shows the new balance, the banner, the ledger, the
/// chart with Website and this month's open statement; the notification went out once.
///
/// The notification's check is the inner result: the journey goes on either way.
async fn billing_page_after_usage(
    app: &mut App,
    balance: i64,
    notifications: &mut NotificationMonitor,
) -> Result<Result<()>> {
    ensure!(
        notifications.calls()?.is_empty(),
        "desktop notifications went out before the balance was low: {:?}",
        notifications.calls()?
    );
    flows::go_to(app, "overview").await?;
    flows::go_to(app, "billing").await?;
    wait_for_balance(app, balance).await?;
    app.wait_for(&testid("billing-low-balance"))
        .await
        .context("below the threshold, the Billing page shows no low-balance banner")?;
    app.wait_for_text_containing(&testid("billing-low-balance"), "4,500")
        .await?;
    app.screenshot("billing-low-balance").await?;

    let usage_rows = format!("{}[data-kind=\"usage\"]", testid("ledger-row"));
    app.scroll_to(&testid("billing-usage")).await?;
    app.wait_until_painted(&testid("usage-chart")).await?;
    let website = website_id(app).await?;
    eprintln!("[e2e] Website's usage row: {website}");
    let spent = TOP_UP - balance;
    app.wait_for_text(&testid("usage-total"), &thousands(spent))
        .await
        .context("the usage total is not what was metered")?;
    app.screenshot("usage-chart").await?;

    app.scroll_to(&testid("billing-ledger")).await?;
    app.wait_for_count(&usage_rows, METERED.len() + 1)
        .await
        .context("the ledger does not list each usage request once")?;
    app.screenshot("ledger").await?;

    let month = current_month()?;
    let statement = with("invoice-row", "data-month", &month);
    app.scroll_to(&testid("billing-invoices")).await?;
    app.wait_for(&format!("{statement}[data-closed=\"false\"]"))
        .await
        .with_context(|| format!("the statements do not list {month} as open"))?;
    app.wait_for(&format!("{statement} {}", testid("invoice-open")))
        .await?;
    app.screenshot("statements").await?;

    // Once per crossing: reading the summary again announces nothing new.
    flows::go_to(app, "overview").await?;
    flows::go_to(app, "billing").await?;
    wait_for_balance(app, balance).await?;
    app.wait_for(&testid("billing-low-balance")).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(low_balance_notified_once(notifications).await)
}

/// The app told the desktop about the low balance of Northwind Traders, once.
async fn low_balance_notified_once(notifications: &mut NotificationMonitor) -> Result<()> {
    let sent = notifications
        .wait_for(LOW_BALANCE, &[ORG_NAME], Duration::from_secs(10))
        .await
        .context("the Billing page loaded below the threshold, but no desktop notification named the org")?;
    eprintln!("[e2e] desktop notification: {sent:?}");
    let calls = notifications.calls()?;
    let low = calls.iter().filter(|n| n.summary == LOW_BALANCE).count();
    ensure!(
        low == 1,
        "the low-balance notification went out {low} times for one crossing: {calls:?}"
    );
    Ok(())
}

/// From another page, a click on the low-balance notification (its default action, in the
/// notification server) brings the org's Billing page up.
async fn clicking_the_notification_opens_billing(
    app: &mut App,
    daemon: &mut NotificationDaemon,
) -> Result<()> {
    flows::go_to(app, "projects").await?;
    daemon
        .click_newest(Duration::from_secs(10))
        .await
        .context("the low-balance notification was not shown by the notification server")?;
    app.wait_for(&testid("page-billing"))
        .await
        .context("clicking the low-balance notification did not open Billing")?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await?;
    app.screenshot("opened-from-notification").await?;
    Ok(())
}

/// The id of the project Website, from the usage table's rows (their `data-key`).
async fn website_id(app: &mut App) -> Result<String> {
    app.wait_for(&testid("usage-row")).await?;
    let script = "return Array.from(document.querySelectorAll('[data-testid=usage-row]'), \
                  r => [r.dataset.key, r.innerText]);";
    let value = app.client()?.execute(script, vec![]).await?;
    let rows: Vec<(String, String)> = serde_json::from_value(value)?;
    rows.iter()
        .find(|(_, text)| text.contains("Website"))
        .map(|(key, _)| key.clone())
        .with_context(|| format!("the usage table lists no Website: {rows:?}"))
}

/// Clicks "CSV", answers the native save dialog with a path typed on the X display, and
/// checks the file.
async fn export_usage_csv(app: &mut App) -> Result<()> {
    let path = app.artifacts_dir().join("usage-export.csv");
    app.scroll_to(&testid("billing-usage")).await?;
    let button = testid("usage-export-csv");
    let toast = app
        .save_through_dialog(&button, "Export usage", &path)
        .await?;
    let target = path.display().to_string();
    ensure!(
        toast.contains("Usage saved to") && toast.contains(&target),
        "after saving the export the toast says {toast:?}, expected it saved to {target}"
    );
    app.screenshot("usage-exported").await?;
    check_csv(&path)
}

fn check_csv(path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("the export {} was not written", path.display()))?;
    let lines: Vec<&str> = text.lines().collect();
    let spent: i64 = METERED.iter().sum::<i64>() + REPEATED;
    let website = lines
        .iter()
        .find(|l| l.split(',').nth(1) == Some("Website"))
        .with_context(|| format!("the CSV has no Website line:\n{text}"))?;
    let total = lines
        .iter()
        .find(|l| l.starts_with("total,"))
        .with_context(|| format!("the CSV has no total line:\n{text}"))?;
    // Website is the only project with usage: its line and the total agree.
    let credits = |line: &str| line.split(',').nth(2).map(str::to_owned);
    ensure!(
        credits(website).is_some() && credits(website) == credits(total),
        "the CSV's Website line {website:?} and total {total:?} disagree:\n{text}"
    );
    ensure!(
        website.split(',').nth(3) == Some(&(METERED.len() + 1).to_string()),
        "the CSV's Website line {website:?} does not count {} events ({spent} units):\n{text}",
        METERED.len() + 1
    );
    Ok(())
}

/// Bo joins as a member through the API; in the app he has no Billing entry, and a link
/// to Northwind's Billing lands him on its Overview.
async fn member_finds_no_billing(app: &mut App, url: &str) -> Result<()> {
    let mut ada = Api::new(url);
    ada.log_in(ADA, PASSWORD).await?;
    let (status, body) = ada
        .post(
            &format!("/v1/orgs/{SLUG}/invitations"),
            &json!({ "emails": [BO], "role": "member" }),
        )
        .await?;
    ensure!(status == 201, "inviting Bo answered {status}: {body}");
    let mut bo = Api::new(url);
    bo.sign_up("Bo Berg", BO, PASSWORD).await?;
    // Bo has not verified his email: he joins through the mailed invitation link.
    let joined = bo.accept_invitation_link(&body).await?;
    ensure!(
        joined["role"] == "member",
        "Bo joined as {}, not member",
        joined["role"]
    );

    flows::sign_out(app).await?;
    flows::sign_in(app, BO, Some(url)).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    app.wait_for(&testid("nav-overview")).await?;
    app.wait_for_text_where(&testid("overview-role"), "to say member", |t| {
        t.eq_ignore_ascii_case("member")
    })
    .await?;
    ensure!(
        !app.is_displayed(&testid("nav-billing")).await?,
        "a member's sidebar has a Billing entry"
    );
    app.screenshot("member-sidebar").await?;

    // Leave Northwind's Overview (to Projects, then Personal), so that landing there again
    // is the link's doing.
    flows::go_to(app, "projects").await?;
    app.press(&[Key::Control], '1').await?;
    app.wait_for_text(&testid("current-context-name"), "Personal")
        .await
        .context("Ctrl+1 did not switch to Personal")?;
    let link = format!("orgdesk://org/{SLUG}/billing");
    app.set_args(&[&link]);
    app.relaunch().await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .with_context(|| format!("launched with {link}, the app is not in {ORG_NAME}"))?;
    app.wait_for(&testid("page-overview"))
        .await
        .with_context(|| format!("launched with {link}, a member is not on the Overview"))?;
    ensure!(
        !app.is_displayed(&testid("page-billing")).await?,
        "launched with {link}, a member sees the Billing page"
    );
    ensure!(
        !app.is_displayed(&testid("nav-billing")).await?,
        "launched with {link}, a member's sidebar has a Billing entry"
    );
    app.screenshot("member-billing-link").await?;
    Ok(())
}
