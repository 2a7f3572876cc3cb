//! Windows of a desktop tool: the title names the context; "Open in new window" puts an org
//! in a window of its own that keeps its own context beside the main one; sizes are
//! remembered across launches; signing out closes the org windows.
//! Run with `scripts/e2e.sh windows` (Xvfb, D-Bus and an unlocked keychain).

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use orgdesk_e2e::flows;
use orgdesk_e2e::{keychain, testid, App, Launch, TestServer};

const NORTHWIND: (&str, &str) = ("Northwind Traders", "northwind-traders");
const GLOBEX: (&str, &str) = ("Globex Studio", "globex-studio");

#[tokio::test]
async fn windows_journey() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let server = TestServer::start("windows_journey").await?;
    let mut app = Launch::new("windows_journey").start().await?;
    let outcome = journey(&mut app, &server).await;
    let finished = app.finish(outcome).await;
    server.stop().and(finished)
}

/// Waits until an X window titled exactly `title` exists (the title the desktop shows).
async fn native_title(title: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        let found = Command::new("xdotool")
            .args(["search", "--name", &format!("^{title}$")])
            .output()
            .context("xdotool (apt: xdotool) runs")?;
        if found.status.success() && !found.stdout.is_empty() {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(20) {
            bail!("no window titled {title:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn journey(app: &mut App, server: &TestServer) -> Result<()> {
    flows::sign_up(
        app,
        "Ada Lovelace",
        "ada@example.com",
        Some(server.base_url()),
    )
    .await?;
    for (name, slug) in [NORTHWIND, GLOBEX] {
        flows::create_org(app, name, slug).await?;
    }
    flows::switch_to(app, GLOBEX.1, GLOBEX.0).await?;
    native_title("Globex Studio — Orgdesk").await?;

    // Globex in a window of its own.
    flows::open_switcher(app).await?;
    app.screenshot("switcher-new-window").await?;
    app.click(&testid("switcher-new-window")).await?;
    let main = app
        .switch_to_window_where("Globex's window", |_, url| {
            url.query().is_some_and(|q| q.contains("org="))
        })
        .await?;
    let current = testid("current-context-name");
    app.until_script(
        "the new window shows Globex",
        "return document.querySelector(arguments[0])?.textContent === arguments[1];",
        vec![current.clone().into(), GLOBEX.0.into()],
    )
    .await?;
    app.screenshot("globex-window").await?;

    // It moves on its own: Northwind there, Globex still in the main window.
    app.click_by_script(&testid("switcher-trigger")).await?;
    app.click_by_script(&flows::switcher_item(NORTHWIND.1))
        .await?;
    app.until_script(
        "the second window switched to Northwind",
        "return document.querySelector(arguments[0])?.textContent === arguments[1];",
        vec![current.clone().into(), NORTHWIND.0.into()],
    )
    .await?;
    native_title("Northwind Traders — Orgdesk").await?;
    native_title("Globex Studio — Orgdesk").await?;
    app.switch_to(main).await?;
    app.wait_for_text(&current, GLOBEX.0).await?;
    ensure!(app.window_count().await? == 2, "two windows side by side");

    // Signing out closes the org window.
    flows::sign_out(app).await?;
    let started = Instant::now();
    while app.window_count().await? > 1 {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("the org window stayed open after sign-out");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    native_title("Orgdesk").await?;

    // The main window's size is remembered across launches.
    let client = app.client()?;
    client.set_window_size(1000, 680).await?;
    let (_, _, w, h) = client.get_window_rect().await?;
    ensure!((w, h) == (1000, 680), "resized to {w}×{h}");
    let state = app.config_dir().join(".window-state.json");
    let started = Instant::now();
    while !std::fs::read_to_string(&state).is_ok_and(|s| s.contains("\"width\": 1000")) {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("the new size was not written to {}", state.display());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.relaunch().await?;
    app.wait_for(&testid("auth-screen")).await?;
    let (_, _, w, h) = app.client()?.get_window_rect().await?;
    ensure!(
        (w, h) == (1000, 680),
        "the window came back at {w}×{h}, not the 1000×680 it was left at"
    );
    Ok(())
}
