//! Webhooks through the real app: an owner adds an endpoint pointed at a receiver on
//! loopback (choosing the Projects events, seeing the signing secret once), creates a
//! project and watches its delivery arrive as delivered in the endpoint's deliveries, opens
//! it (payload, the receiver's 200), sends a test, rotates the secret (the old one still
//! signs for a day); every request the receiver got is signed with the secret the app
//! showed. A member of the org has no Webhooks page, not even through a link. Run with
//! `scripts/e2e.sh webhooks`.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::receiver::Receiver;
use orgdesk_e2e::{keychain, testid, with, App, Key, Launch, TestServer};
use serde_json::json;

const TEST: &str = "webhooks";
const ORG_NAME: &str = "Contoso Ops";
const SLUG: &str = "contoso-ops";
const ADA: &str = "ada@example.com";
const BO: &str = "bo@example.com";
/// Port 9 on loopback: nothing listens, so every delivery there fails.
const DOWN: &str = "http://127.0.0.1:9/down";
/// How long a delivery may take to show as delivered: the worker's next round, the page's
/// next look.
const DELIVERED_WITHIN: Duration = Duration::from_secs(45);

#[tokio::test]
async fn webhooks() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let receiver = Receiver::start().await?;
    let server = TestServer::start_with_loopback_webhooks(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let started = Instant::now();
    let outcome = journey(&mut app, &server, &receiver).await;
    eprintln!("[e2e] webhooks journey took {:?}", started.elapsed());
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer, receiver: &Receiver) -> Result<()> {
    flows::sign_up(app, "Ada Lovelace", ADA, Some(server.base_url())).await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await
        .context("creating the org did not switch to it")?;
    bo_joins_as_a_member(server).await?;
    let secret = owner_adds_an_endpoint(app, receiver).await?;
    add_an_endpoint_that_fails(app).await?;
    a_change_is_delivered(app, receiver, &secret).await?;
    the_failing_endpoint_says_so_and_is_deleted(app).await?;
    let secret = test_and_rotation(app, receiver, &secret).await?;
    ensure!(secret.starts_with("whsec_"));
    member_sees_no_webhooks(app, server).await
}

async fn bo_joins_as_a_member(server: &TestServer) -> Result<()> {
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

/// Settings → Webhooks, empty; the endpoint added for the Projects events; its secret shown
/// once. Answers the secret as the app showed it.
async fn owner_adds_an_endpoint(app: &mut App, receiver: &Receiver) -> Result<String> {
    flows::go_to(app, "settings-webhooks").await?;
    app.wait_for(&testid("webhooks-empty"))
        .await
        .context("a new org's Webhooks page does not say there are none")?;
    app.screenshot("webhooks-empty").await?;

    app.click(&testid("webhook-create")).await?;
    let dialog = testid("webhook-dialog");
    app.wait_for(&dialog).await?;
    app.fill(
        &format!("{dialog} input[name=url]"),
        &receiver.url("/orgdesk"),
    )
    .await?;
    app.fill(&format!("{dialog} input[name=description]"), "Ops chat")
        .await?;
    app.click(&testid("webhook-all-events")).await?;
    let projects = with("webhook-area", "data-area", "project");
    // The areas run below the dialog's fold: scroll to Projects, as a person would.
    app.scroll_to(&projects).await?;
    app.click(&format!("{projects} {}", testid("webhook-area-all")))
        .await?;
    app.click(&format!("{projects} {}", testid("webhook-area-toggle")))
        .await?;
    ensure!(
        app.is_checked(&with("webhook-event", "data-event", "project.created"))
            .await?,
        "selecting the Projects area did not choose Project created"
    );
    app.screenshot("webhook-dialog").await?;
    app.click(&testid("webhook-submit")).await?;

    let shown = testid("webhook-secret");
    app.wait_for(&shown)
        .await
        .context("adding the endpoint did not show its signing secret")?;
    let secret = app.text(&shown).await?;
    ensure!(
        secret.starts_with("whsec_"),
        "the secret shown is {secret:?}"
    );
    app.wait_for_text_containing(&dialog, "You will not see it again")
        .await
        .context("the secret is shown without saying it will not be shown again")?;
    app.click(&testid("webhook-secret-copy")).await?;
    app.screenshot("webhook-secret").await?;
    app.click(&testid("webhook-done")).await?;
    app.wait_gone(&dialog).await?;
    ensure!(
        !app.is_displayed(&shown).await?,
        "the secret is still on screen after closing"
    );

    let row = with("webhook-row", "data-url", &receiver.url("/orgdesk"));
    app.wait_for_text_containing(
        &format!("{row} {}", testid("webhook-health")),
        "No deliveries yet",
    )
    .await
    .context("a new endpoint's row does not say nothing was sent yet")?;
    app.wait_for(&testid("deliveries-empty"))
        .await
        .context("a new endpoint's deliveries do not say none were sent")?;
    app.screenshot("webhook-added").await?;
    Ok(secret)
}

/// A project created in the app reaches the receiver, signed with the secret shown, and
/// its delivery shows as delivered; opened, it shows the payload and the receiver's 200.
async fn a_change_is_delivered(app: &mut App, receiver: &Receiver, secret: &str) -> Result<()> {
    flows::go_to(app, "projects").await?;
    flows::create_project(app, "Website", "website", false).await?;
    flows::go_to(app, "settings-webhooks").await?;

    let created = with("delivery-row", "data-event", "project.created");
    app.wait_for(&created)
        .await
        .context("creating a project put no project.created delivery in the list")?;
    app.screenshot("delivery-listed").await?;
    let delivered = format!("{created}[data-status=\"delivered\"]");
    wait_longer(app, &delivered)
        .await
        .context("the project.created delivery never showed as delivered")?;

    let arrived = receiver
        .wait_for("project.created", Duration::from_secs(5))
        .await?;
    ensure!(
        arrived.signed_with(secret)?,
        "the delivery is not signed with the secret the app showed: {arrived:?}"
    );
    let id = app
        .wait_for(&delivered)
        .await?
        .attr("data-delivery")
        .await?
        .unwrap_or_default();
    ensure!(
        arrived.id == id,
        "webhook-id {} is not the delivery {id} the list shows",
        arrived.id
    );
    let payload = arrived.json()?;
    ensure!(
        payload["data"]["details"]["name"] == "Website",
        "the payload does not name the project: {payload}"
    );
    let row = endpoint(&receiver.url("/orgdesk"));
    app.wait_for_text_containing(&format!("{row} {}", testid("webhook-health")), "Healthy")
        .await
        .context("after a delivery the endpoint is not shown as healthy")?;
    app.screenshot("delivery-delivered").await?;

    app.click(&format!("{delivered} {}", testid("delivery-open")))
        .await?;
    let dialog = testid("delivery-dialog");
    app.wait_for_text_containing(&testid("delivery-payload"), "\"name\": \"Website\"")
        .await
        .context("the opened delivery does not show its payload")?;
    app.wait_for(&with("delivery-attempt", "data-code", "200"))
        .await
        .context("the opened delivery does not show the receiver's 200")?;
    app.screenshot("delivery-detail").await?;
    app.press(&[], Key::Escape.into()).await?;
    app.wait_gone(&dialog).await
}

/// A test event goes out; the secret is rotated (confirmed, the new one shown once); the
/// next test is signed with the new secret and, for a day, the old one. Answers the new
/// secret.
async fn test_and_rotation(app: &mut App, receiver: &Receiver, old: &str) -> Result<String> {
    app.click(&testid("webhook-menu")).await?;
    app.click(&testid("webhook-test")).await?;
    let tested = format!(
        "{}[data-status=\"delivered\"]",
        with("delivery-row", "data-event", "webhook.test")
    );
    wait_longer(app, &tested)
        .await
        .context("the test event never showed as delivered")?;
    let test = receiver
        .wait_for("webhook.test", Duration::from_secs(5))
        .await?;
    ensure!(
        test.signed_with(old)?,
        "the test event is not signed: {test:?}"
    );

    app.click(&testid("webhook-menu")).await?;
    app.click(&testid("webhook-rotate")).await?;
    app.wait_for_text_containing(&testid("webhook-rotate-dialog"), "24 hours")
        .await?;
    app.screenshot("rotate-confirm").await?;
    app.click(&testid("webhook-rotate-confirm")).await?;
    let rotated = testid("webhook-rotated-dialog");
    let shown = format!("{rotated} {}", testid("webhook-secret"));
    app.wait_for(&shown)
        .await
        .context("rotating did not show the new secret")?;
    let new = app.text(&shown).await?;
    ensure!(
        new.starts_with("whsec_") && new != old,
        "the new secret is {new:?}"
    );
    app.wait_for_text_containing(&testid("webhook-old-secret-until"), "24 hours")
        .await?;
    app.screenshot("rotated-secret").await?;
    app.click(&testid("webhook-rotated-done")).await?;
    app.wait_gone(&rotated).await?;

    let before = receiver.received().len();
    app.click(&testid("webhook-menu")).await?;
    app.click(&testid("webhook-test")).await?;
    let deadline = Instant::now() + DELIVERED_WITHIN;
    let second = loop {
        let tests: Vec<_> = receiver.received()[before..]
            .iter()
            .filter(|r| r.event_type() == "webhook.test")
            .cloned()
            .collect();
        if let Some(r) = tests.into_iter().next() {
            break r;
        }
        ensure!(
            Instant::now() < deadline,
            "the second test event never arrived"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    ensure!(
        second.signed_with(&new)? && second.signed_with(old)?,
        "after a rotation a delivery is signed with both secrets: {second:?}"
    );
    Ok(new)
}

/// Bo, a member, sees no Webhooks page in the sidebar, and a link to it opens the overview.
async fn member_sees_no_webhooks(app: &mut App, server: &TestServer) -> Result<()> {
    flows::sign_out(app).await?;
    flows::sign_in(app, BO, Some(server.base_url())).await?;
    flows::switch_to(app, SLUG, ORG_NAME).await?;
    app.wait_for(&testid("nav-settings-general")).await?;
    ensure!(
        !app.is_displayed(&testid("nav-settings-webhooks")).await?,
        "a member sees Webhooks in the sidebar"
    );
    flows::open_link(app, &format!("orgdesk://org/{SLUG}/settings/webhooks")).await?;
    app.wait_for(&testid("page-overview"))
        .await
        .context("a member's link to Webhooks did not land on the overview")?;
    ensure!(
        !app.is_displayed(&testid("page-settings-webhooks")).await?,
        "a member's link opened the Webhooks page"
    );
    app.screenshot("member-without-webhooks").await?;
    Ok(())
}

/// The row of the endpoint at `url`.
fn endpoint(url: &str) -> String {
    with("webhook-row", "data-url", url)
}

/// A second endpoint, for every event, where nothing listens.
async fn add_an_endpoint_that_fails(app: &mut App) -> Result<()> {
    app.click(&testid("webhook-create")).await?;
    let dialog = testid("webhook-dialog");
    app.wait_for(&dialog).await?;
    app.fill(&format!("{dialog} input[name=url]"), DOWN).await?;
    app.click(&testid("webhook-submit")).await?;
    app.wait_for(&format!("{dialog} {}", testid("webhook-secret")))
        .await?;
    app.click(&testid("webhook-done")).await?;
    app.wait_gone(&dialog).await?;
    app.wait_for(&endpoint(DOWN)).await.map(drop)
}

/// The endpoint nobody answers shows its failure streak; it is deleted after confirming.
async fn the_failing_endpoint_says_so_and_is_deleted(app: &mut App) -> Result<()> {
    let row = endpoint(DOWN);
    wait_longer(app, &format!("{row}[data-health=\"failing\"]"))
        .await
        .context("the endpoint where nothing listens is not shown as failing")?;
    app.wait_for_text_containing(
        &format!("{row} {}", testid("webhook-health-detail")),
        "failed attempt",
    )
    .await
    .context("the failing endpoint does not count its failed attempts")?;
    app.screenshot("endpoint-failing").await?;
    app.click(&format!("{row} {}", testid("webhook-menu")))
        .await?;
    app.click(&testid("webhook-delete")).await?;
    let confirm = testid("webhook-delete-dialog");
    app.wait_for_text_containing(&confirm, DOWN).await?;
    app.click(&testid("webhook-delete-confirm")).await?;
    app.wait_gone(&row)
        .await
        .context("deleting the failing endpoint did not remove its row")
}

/// Waits for `selector` with the delivery's longer timeout, then restores the usual one.
async fn wait_longer(app: &mut App, selector: &str) -> Result<()> {
    app.set_timeout(DELIVERED_WITHIN);
    let found = app.wait_for(selector).await.map(drop);
    app.set_timeout(Duration::from_secs(20));
    found
}
