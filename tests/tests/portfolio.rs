//! The portfolio journey through the real app: Ada signs up and creates two orgs, one of
//! them gets credits (below its alert threshold); in her personal context **All
//! organizations** lists both with the right figures, the header sorts, the arrow keys
//! move between rows and Enter opens the org. Run with `scripts/e2e.sh portfolio`.

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, with, App, Key, Launch, TestServer};
use serde_json::json;

const TEST: &str = "portfolio_journey";
const ADA: &str = "ada@example.com";
const NORTHWIND: (&str, &str) = ("Northwind Traders", "northwind-traders");
const CONTOSO: (&str, &str) = ("Contoso", "contoso");
/// Bo's org, where Ada is a member: no billing figures for her there.
const FABRIKAM: (&str, &str) = ("Fabrikam", "fabrikam");
const BO: &str = "bo@example.com";

fn row(slug: &str) -> String {
    with("portfolio-row", "data-slug", slug)
}

#[tokio::test]
async fn portfolio_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, server.base_url()).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, url: &str) -> Result<()> {
    flows::sign_up(app, "Ada Lovelace", ADA, Some(url)).await?;
    flows::create_org(app, NORTHWIND.0, NORTHWIND.1).await?;
    flows::create_org(app, CONTOSO.0, CONTOSO.1).await?;
    app.wait_for_text(&testid("current-context-name"), CONTOSO.0)
        .await
        .context("creating Contoso did not switch to it")?;

    // Credits in Northwind, below the alert threshold set after them.
    let mut ada = Api::new(url);
    ada.log_in(ADA, PASSWORD).await?;
    let path = format!("/v1/orgs/{}/credits/top-ups", NORTHWIND.1);
    let (status, body) = ada.post(&path, &json!({ "amount": 5000 })).await?;
    ensure!(status == 201, "POST {path} answered {status}: {body}");
    let path = format!("/v1/orgs/{}/billing/alerts", NORTHWIND.1);
    let (status, body) = ada
        .put(&path, &json!({ "low_balance_threshold": 6000 }))
        .await?;
    ensure!(status == 200, "PUT {path} answered {status}: {body}");
    // Bo's Fabrikam has credits too; Ada joins it as a member through the mailed link.
    let mut bo = Api::new(url);
    bo.sign_up("Bo Berg", BO, PASSWORD).await?;
    let (status, body) = bo
        .post(
            "/v1/orgs",
            &json!({ "name": FABRIKAM.0, "slug": FABRIKAM.1 }),
        )
        .await?;
    ensure!(status == 201, "creating Fabrikam answered {status}: {body}");
    let path = format!("/v1/orgs/{}/credits/top-ups", FABRIKAM.1);
    let (status, body) = bo.post(&path, &json!({ "amount": 7777 })).await?;
    ensure!(status == 201, "POST {path} answered {status}: {body}");
    let path = format!("/v1/orgs/{}/invitations", FABRIKAM.1);
    let (status, issued) = bo
        .post(&path, &json!({ "emails": [ADA], "role": "member" }))
        .await?;
    ensure!(status == 201, "inviting Ada answered {status}: {issued}");
    let joined = ada.accept_invitation_link(&issued).await?;
    ensure!(
        joined["role"] == "member",
        "Ada joined as {}",
        joined["role"]
    );

    // The personal context's All organizations page.
    let slugs = flows::switcher_slugs(app).await?;
    let personal = slugs
        .first()
        .context("the switcher lists no context")?
        .clone();
    flows::close_switcher(app).await?;
    flows::switch_to(app, &personal, "Personal").await?;
    flows::go_to(app, "portfolio").await?;
    app.wait_for_count(&testid("portfolio-row"), 4)
        .await
        .context("the portfolio does not list Personal and the three orgs")?;
    let balance = |slug: &str| format!("{} {}", row(slug), testid("portfolio-balance"));
    app.wait_for_text_containing(&balance(NORTHWIND.1), "5,000")
        .await
        .context("Northwind's balance is not 5,000")?;
    app.wait_for(&format!("{} {}", row(NORTHWIND.1), testid("portfolio-low")))
        .await
        .context("Northwind, below its threshold, has no low-balance mark")?;
    let low = app
        .text(&format!("{} {}", row(NORTHWIND.1), testid("portfolio-low")))
        .await?;
    ensure!(low.contains("Low"), "the low-balance mark says {low:?}");
    app.wait_for_text(&balance(CONTOSO.1), "0")
        .await
        .context("Contoso's balance is not 0")?;
    ensure!(
        !app.is_displayed(&format!("{} {}", row(CONTOSO.1), testid("portfolio-low")))
            .await?,
        "Contoso, with no threshold, is marked low"
    );
    // A member sees no balance of Fabrikam: a dash that says why, never a figure.
    let hidden = format!("{} .hidden", balance(FABRIKAM.1));
    app.wait_for(&hidden)
        .await
        .context("Fabrikam's balance is not hidden from a member")?;
    let shown = app.text(&balance(FABRIKAM.1)).await?;
    ensure!(
        shown == "—",
        "a member sees Fabrikam's balance as {shown:?}"
    );
    let why = app
        .find_all(&hidden)
        .await?
        .first()
        .context("no hidden balance")?
        .attr("title")
        .await?;
    ensure!(
        why.as_deref() == Some("Your role here may not see billing"),
        "the dash explains {why:?}"
    );
    for (name, _) in [NORTHWIND, CONTOSO, FABRIKAM] {
        let names = app.texts(&testid("portfolio-name")).await?;
        ensure!(
            names.iter().any(|n| n == name),
            "no row names {name}: {names:?}"
        );
    }
    app.screenshot("portfolio").await?;

    // Sorting by balance, twice: descending puts Northwind first.
    app.click(&testid("sort-balance")).await?;
    app.click(&testid("sort-balance")).await?;
    app.wait_for(&format!(
        "th[aria-sort=\"descending\"] {}",
        testid("sort-balance")
    ))
    .await
    .context("the balance header does not say it sorts descending")?;
    let order = app.texts(&testid("portfolio-name")).await?;
    ensure!(
        order.first().map(String::as_str) == Some(NORTHWIND.0),
        "sorted by balance descending: {order:?}"
    );
    app.screenshot("portfolio-by-balance").await?;

    // By name: Tab from the header reaches the first row, ↓ moves, Enter opens Northwind.
    app.click(&testid("sort-name")).await?;
    let order = app.texts(&testid("portfolio-name")).await?;
    let at = order
        .iter()
        .position(|n| n == NORTHWIND.0)
        .context("Northwind is not listed")?;
    // Tab past the other headers to the table's one tabbable row, the first.
    let headers = app.find_all("th button").await?.len();
    for _ in 0..headers {
        app.press(&[], Key::Tab.into()).await?;
    }
    let first = order.first().context("no rows")?;
    app.wait_for(&format!("{}:focus", testid("portfolio-row")))
        .await
        .with_context(|| format!("Tab from the headers did not reach the first row ({first})"))?;
    for _ in 0..at {
        app.press(&[], Key::Down.into()).await?;
    }
    app.wait_for(&format!("{}:focus", row(NORTHWIND.1)))
        .await
        .with_context(|| {
            format!("↓ {at} times from the first row did not reach Northwind ({order:?})")
        })?;
    app.screenshot("portfolio-row-focused").await?;
    app.press(&[], Key::Enter.into()).await?;
    app.wait_for_text(&testid("current-context-name"), NORTHWIND.0)
        .await
        .context("Enter on Northwind's row did not switch there")?;
    app.wait_for(&testid("page-overview"))
        .await
        .context("Enter on a row did not open the org's overview")?;
    app.screenshot("northwind-opened").await?;
    Ok(())
}
