//! Dark mode through the real app: an owner with an org, a project, a pending invitation
//! and credits chooses Dark on the Account page and every page of the page registry is
//! screenshot in it; Light and System change the page back; a relaunch with Dark kept opens
//! dark from its first document. Run with `scripts/e2e.sh theme`.

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::{flows, keychain, testid, App, Launch, TestServer};
use serde_json::Value;

const TEST: &str = "theme_journey";
const ORG_NAME: &str = "Fabrikam Studio";
const SLUG: &str = "fabrikam-studio";
/// `--bg` of each theme (ui/src/app/app.css), as the page computes it.
const LIGHT_BG: &str = "rgb(255, 255, 255)";
const DARK_BG: &str = "rgb(23, 25, 31)";

#[tokio::test]
async fn theme_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start(TEST).await?;
    let mut app = Launch::new(TEST).start().await?;
    let outcome = journey(&mut app, &server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    let url = server.base_url();
    flows::sign_up(app, "Grace Hopper", "grace@example.com", Some(url)).await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await?;
    set_up_the_org(app).await?;

    let light = shown(app).await?;
    ensure!(
        light.background == LIGHT_BG && light.marked.is_none(),
        "before any choice (System, no desktop: light) the page shows {light:?}"
    );
    choose(app, "dark").await?;
    expect(app, "dark", Some("dark"), DARK_BG).await?;
    app.screenshot("dark-theme-choice").await?;

    for (page, title) in registry()? {
        open_page(app, &page)
            .await
            .with_context(|| format!("opening {title} ({page})"))?;
        expect(app, &format!("dark, on {page}"), Some("dark"), DARK_BG).await?;
        app.screenshot(&format!("dark-{}", page.replace('/', "-")))
            .await?;
    }
    dialogs_in_dark(app).await?;
    // A checked checkbox and a changed form, as drawn in dark (left unsaved).
    open_page(app, "settings/security").await?;
    app.click(&testid("security-idle-limited")).await?;
    app.screenshot("dark-security-changed").await?;
    app.click(&testid("security-idle-limited")).await?;

    choose(app, "light").await?;
    expect(app, "light", Some("light"), LIGHT_BG).await?;
    app.screenshot("light-account").await?;
    choose(app, "system").await?;
    expect(app, "system (no desktop: light)", None, LIGHT_BG).await?;

    // Kept across launches, and shown from the first document on.
    choose(app, "dark").await?;
    app.relaunch().await?;
    let first = shown(app).await?;
    ensure!(
        first.marked.as_deref() == Some("dark") && first.root_background == DARK_BG,
        "as soon as the relaunched window answers, the page is {first:?}, not dark"
    );
    app.wait_for(&testid("app-shell")).await?;
    expect(app, "dark after relaunch", Some("dark"), DARK_BG).await?;
    app.screenshot("dark-after-relaunch").await?;
    flows::sign_out(app).await?;
    expect(app, "dark, signed out", Some("dark"), DARK_BG).await?;
    app.screenshot("dark-sign-in").await?;
    Ok(())
}

/// A project, a pending invitation and credits, so the pages have something to show.
async fn set_up_the_org(app: &mut App) -> Result<()> {
    flows::go_to(app, "projects").await?;
    flows::create_project(app, "Brand refresh", "brand-refresh", false).await?;

    flows::go_to(app, "members").await?;
    app.click(&testid("invite-open")).await?;
    let dialog = testid("invite-dialog");
    app.fill(
        &format!("{dialog} textarea[name=emails]"),
        "linus@example.com",
    )
    .await?;
    app.click(&format!("{dialog} input[name=role][value=member]"))
        .await?;
    app.click(&testid("invite-submit")).await?;
    app.click(&testid("invite-done")).await?;
    app.wait_gone(&dialog).await?;

    flows::go_to(app, "billing").await?;
    app.click(&testid("topup-open")).await?;
    let dialog = testid("topup-dialog");
    app.fill(&format!("{dialog} input[name=amount]"), "2500")
        .await?;
    app.fill(
        &format!("{dialog} input[name=payment_reference]"),
        "PO-7781",
    )
    .await?;
    app.click(&testid("topup-submit")).await?;
    app.wait_gone(&dialog).await?;
    app.wait_for_text(&testid("billing-balance"), "2,500")
        .await
        .context("the top-up did not reach the balance")?;
    Ok(())
}

/// A few dialogs and menus over a dark page: their surfaces are the theme's too.
async fn dialogs_in_dark(app: &mut App) -> Result<()> {
    open_page(app, "projects").await?;
    app.click(&testid("project-create")).await?;
    app.wait_for(&testid("create-project-dialog")).await?;
    app.screenshot("dark-dialog-create-project").await?;
    app.press(&[], orgdesk_e2e::Key::Escape.into()).await?;
    app.wait_gone(&testid("create-project-dialog")).await?;
    flows::open_switcher(app).await?;
    app.screenshot("dark-switcher").await?;
    flows::close_switcher(app).await
}

/// Chooses `theme` on the Account page, with the keyboard-reachable radio button.
async fn choose(app: &mut App, theme: &str) -> Result<()> {
    open_page(app, "account").await?;
    let option = testid(&format!("theme-{theme}"));
    app.scroll_to(&testid("account-appearance")).await?;
    // The radio button itself is visually hidden inside its label: click the label.
    app.click(&format!("label:has({option})")).await?;
    let checked = app
        .client()?
        .execute(
            "return document.querySelector(arguments[0]).checked;",
            vec![Value::from(option.clone())],
        )
        .await?;
    ensure!(
        checked == Value::Bool(true),
        "{theme} is not checked after choosing it"
    );
    Ok(())
}

/// The page registry (`PAGES` in the bindings), as `(page, title)` in sidebar order.
fn registry() -> Result<Vec<(String, String)>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings.ts");
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let json = text
        .lines()
        .find_map(|l| l.strip_prefix("export const PAGES = "))
        .and_then(|l| l.strip_suffix(" as const;"))
        .context("no PAGES in the bindings")?;
    let pages: Vec<Value> = serde_json::from_str(json)?;
    let pages: Vec<(String, String)> = pages
        .iter()
        .map(|p| (p["page"].as_str(), p["title"].as_str()))
        .map(|(page, title)| Some((page?.to_owned(), title?.to_owned())))
        .collect::<Option<_>>()
        .context("a page without a name or title")?;
    ensure!(
        pages.len() >= 10,
        "only {} pages in the registry",
        pages.len()
    );
    Ok(pages)
}

/// Opens `page` (e.g. `settings/audit-log`) from the sidebar and waits for it.
async fn open_page(app: &mut App, page: &str) -> Result<()> {
    let dashed = page.replace('/', "-");
    let last = page.rsplit('/').next().unwrap_or(page);
    app.click(&testid(&format!("nav-{dashed}"))).await?;
    app.wait_for(&format!(
        "{}, {}",
        testid(&format!("page-{dashed}")),
        testid(&format!("page-{last}"))
    ))
    .await?;
    Ok(())
}

#[derive(Debug)]
struct Shown {
    /// `data-theme` on `<html>`.
    marked: Option<String>,
    /// The computed background of `<html>` and of `<body>`.
    root_background: String,
    background: String,
}

async fn shown(app: &App) -> Result<Shown> {
    let value = app
        .client()?
        .execute(
            "const root = document.documentElement;
             return [root.dataset.theme ?? null,
                     getComputedStyle(root).backgroundColor,
                     document.body ? getComputedStyle(document.body).backgroundColor : null];",
            vec![],
        )
        .await?;
    let text = |i: usize| value[i].as_str().map(str::to_owned);
    Ok(Shown {
        marked: text(0),
        root_background: text(1).unwrap_or_default(),
        background: text(2).unwrap_or_default(),
    })
}

/// Checks `<html data-theme>` and `<body>`'s background (`what` names the moment).
async fn expect(app: &mut App, what: &str, marked: Option<&str>, background: &str) -> Result<()> {
    let now = shown(app).await?;
    if now.marked.as_deref() != marked || now.background != background {
        app.screenshot("theme-mismatch").await?;
    }
    ensure!(
        now.marked.as_deref() == marked && now.background == background,
        "{what}: expected data-theme {marked:?} and background {background}, the page shows {now:?}"
    );
    Ok(())
}
