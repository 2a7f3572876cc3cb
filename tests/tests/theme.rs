//! Dark mode through the real app: an owner with an org, a project, a pending invitation
//! and credits chooses Dark on the Account page and every page of the page registry is
//! screenshot in it (and in Light); Light and System change the page back; a relaunch with
//! Dark kept is dark from its first frame on the display and its first document. Run with `scripts/e2e.sh theme`.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use orgdesk_e2e::api::Api;
use orgdesk_e2e::flows::{self, PASSWORD};
use orgdesk_e2e::{keychain, testid, App, Launch, TestServer};
use serde_json::{json, Value};

const TEST: &str = "theme_journey";
const ORG_NAME: &str = "Fabrikam Studio";
const SLUG: &str = "fabrikam-studio";
const EMAIL: &str = "grace@example.com";
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
    flows::sign_up(app, "Grace Hopper", EMAIL, Some(url)).await?;
    flows::create_org(app, ORG_NAME, SLUG).await?;
    app.wait_for_text(&testid("current-context-name"), ORG_NAME)
        .await?;
    set_up_the_org(app).await?;
    meter_usage(url).await?;

    let light = shown(app).await?;
    ensure!(
        light.background == LIGHT_BG && light.marked.is_none(),
        "before any choice (System, no desktop: light) the page shows {light:?}"
    );
    choose(app, "dark").await?;
    expect(app, "dark", Some("dark"), DARK_BG).await?;
    app.screenshot("dark-theme-choice").await?;

    every_page(app, "dark", DARK_BG).await?;
    dialogs_in_dark(app).await?;
    // A checked checkbox and a changed form, as drawn in dark (left unsaved).
    open_page(app, "settings/security").await?;
    app.click(&testid("security-idle-limited")).await?;
    app.screenshot("dark-security-changed").await?;
    app.click(&testid("security-idle-limited")).await?;

    choose(app, "light").await?;
    expect(app, "light", Some("light"), LIGHT_BG).await?;
    every_page(app, "light", LIGHT_BG).await?;
    choose(app, "system").await?;
    expect(app, "system (no desktop: light)", None, LIGHT_BG).await?;

    // Kept across launches, and shown from the first document on.
    choose(app, "dark").await?;
    app.quit().await?;
    let (relaunched, frames) = watching_the_display(app.relaunch()).await;
    relaunched?;
    let light: Vec<&(u32, [u8; 3])> = frames.iter().filter(|(_, rgb)| bright(*rgb)).collect();
    ensure!(
        !frames.is_empty() && light.is_empty(),
        "while the app relaunched in Dark, the window was light in {} of {} \
         frames (ms since launch, colour): {light:?}",
        light.len(),
        frames.len()
    );
    eprintln!("[e2e] relaunch frames (ms, colour): {frames:?}");
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

/// Runs `launch` while sampling, every few milliseconds, a part of the window the page
/// leaves empty ([`sample`]); answers its outcome and the colours seen, each after a
/// change, with the milliseconds since the start.
async fn watching_the_display<T>(launch: impl Future<Output = T>) -> (T, Vec<(u32, [u8; 3])>) {
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = tokio::task::spawn_blocking({
        let stop = stop.clone();
        move || {
            let started = Instant::now();
            let mut seen: Vec<(u32, [u8; 3])> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                if let Some(rgb) = sample() {
                    if seen.last().map(|(_, last)| *last) != Some(rgb) {
                        seen.push((started.elapsed().as_millis() as u32, rgb));
                    }
                }
            }
            seen
        }
    });
    let outcome = launch.await;
    // A little longer: the page paints after the WebDriver session answers.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    (outcome, sampler.await.unwrap_or_default())
}

/// The average colour of a 40×40 square of the window (centred on the 1280×800 display of
/// `scripts/e2e.sh`) that the page leaves empty: the sidebar below its last entry (the
/// background on the sign-in screen). Averaged, so a stray glyph does not count.
fn sample() -> Option<[u8; 3]> {
    let out = std::process::Command::new("import")
        .args([
            "-window",
            "root",
            "-crop",
            "40x40+150+645",
            "-depth",
            "8",
            "txt:-",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // After the header, one line per pixel: `x,y: (r,g,b)  #RRGGBB  srgb(r,g,b)`.
    let (mut sum, mut count) = ([0u32; 3], 0u32);
    for line in text.lines().skip(1) {
        let Some(hex) = line
            .split_whitespace()
            .nth(2)
            .and_then(|h| h.strip_prefix('#'))
        else {
            continue;
        };
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        let (Some(r), Some(g), Some(b)) = (byte(0), byte(2), byte(4)) else {
            continue;
        };
        for (total, c) in sum.iter_mut().zip([r, g, b]) {
            *total += u32::from(c);
        }
        count += 1;
    }
    (count > 0).then(|| sum.map(|total| (total / count) as u8))
}

/// Light enough to be a flash in a dark theme (the dark palette's surfaces stay far below).
fn bright([r, g, b]: [u8; 3]) -> bool {
    u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114 > 140 * 1000
}

/// Opens every page of the registry in `theme`, checks it is painted in it, takes its
/// screenshot and checks it with axe-core (contrast included, so in both palettes).
async fn every_page(app: &mut App, theme: &str, background: &str) -> Result<()> {
    let mut inaccessible = Vec::new();
    for (page, title) in registry()? {
        open_page(app, &page)
            .await
            .with_context(|| format!("opening {title} ({page})"))?;
        expect(app, &format!("{theme}, on {page}"), Some(theme), background).await?;
        app.screenshot(&format!("{theme}-{}", page.replace('/', "-")))
            .await?;
        if let Err(e) = app.assert_accessible(&format!("{page} in {theme}")).await {
            inaccessible.push(format!("{e:#}"));
        }
    }
    ensure!(inaccessible.is_empty(), "{}", inaccessible.join("\n\n"));
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

/// Usage recorded through an API key, so the Billing page draws its chart.
async fn meter_usage(url: &str) -> Result<()> {
    let mut owner = Api::new(url);
    owner.log_in(EMAIL, PASSWORD).await?;
    let body = json!({ "name": "Renders", "scopes": ["usage:write"] });
    let (status, key) = owner
        .post(&format!("/v1/orgs/{SLUG}/api-keys"), &body)
        .await?;
    ensure!(
        status.is_success(),
        "creating a key answered {status}: {key}"
    );
    let secret = key["secret"].as_str().context("no secret in {key}")?;
    let key = Api::with_token(url, secret);
    for (i, quantity) in [120, 80, 250].into_iter().enumerate() {
        let body = json!({ "project": "brand-refresh", "modality": "text", "quantity": quantity });
        let (status, answer) = key
            .post_idempotent("/v1/usage", &body, &format!("theme-usage-{i}"))
            .await?;
        ensure!(
            status.is_success(),
            "POST /v1/usage answered {status}: {answer}"
        );
    }
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
    // The pages of an organization (the tour runs in one; the portfolio is Personal's).
    let pages: Vec<(String, String)> = pages
        .iter()
        .filter(|p| {
            p["kinds"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "organization"))
        })
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
