//! The in-app half of `scripts/bench-app.sh` (ignored by the test suite): the demo account
//! on the built-in server, driven over WebDriver in whichever build
//! `ORGDESK_E2E_APP_BINARY` names (the script passes the release build). Measures, in the
//! page with `performance.now()`, a context switch from the Ctrl+digit keydown until the
//! overview shows the new org's name and figures, plus one `requestAnimationFrame`: the
//! first switch to each org not opened yet, then `ORGDESK_BENCH_SWITCHES` (default 60)
//! switches between opened ones. Then the PSS of the app's process tree after that tour of
//! every page. Writes the figures as JSON to `ORGDESK_BENCH_INAPP_OUT` and, with
//! `ORGDESK_BENCH_PROFILE_OUT`, leaves a copy of the signed-in profile (data, config) there
//! for the relaunch timings.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use orgdesk_e2e::{flows, keychain, testid, App, Key, Launch};
use serde_json::{json, Value};

const TEST: &str = "bench_app";
const DEMO_EMAIL: &str = "demo@orgdesk.dev";
const DEMO_PASSWORD: &str = "orgdesk-demo-2026";

/// Installed once: the time of the next keydown, taken before the app's own handlers run.
const INSTALL: &str = "
window.__bench = { armed: null };
window.addEventListener('keydown', () => {
  const armed = window.__bench.armed;
  if (armed && armed.t0 === null) armed.t0 = performance.now();
}, true);
return true;";

/// Arms one measurement: `arguments[0]` the org name expected (or null: any other name than
/// the one shown now). Done when the overview names it and shows its figures, one frame on.
const ARM: &str = "
const expect = arguments[0];
const text = (id) => document.querySelector(`[data-testid=\"${id}\"]`)?.textContent.trim();
const from = text('overview-name') ?? '';
const armed = { t0: null, ms: null, name: null };
const ready = () => {
  const name = text('overview-name');
  if (!name || (expect === null ? name === from : name !== expect)) return false;
  const members = text('overview-member-count');
  if (!members || members === '—') return false;
  if (document.querySelector('[data-testid=\"overview-balance-card\"]')
      && !document.querySelector('[data-testid=\"overview-balance\"]')) return false;
  return name;
};
const observer = new MutationObserver(() => {
  if (armed.t0 === null || armed.name !== null) return;
  const name = ready();
  if (!name) return;
  armed.name = name;
  observer.disconnect();
  requestAnimationFrame(() => { armed.ms = performance.now() - armed.t0; });
});
observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
window.__bench.armed = armed;
return from;";

/// Waits (in the page) for the armed measurement; answers `[ms, name]`.
const COLLECT: &str = "
const done = arguments[arguments.length - 1];
const started = performance.now();
const poll = () => {
  const armed = window.__bench.armed;
  if (armed.ms !== null) return done([armed.ms, armed.name]);
  if (performance.now() - started > 15000) return done([null, armed.t0 === null ? 'no keydown' : 'never ready']);
  setTimeout(poll, 5);
};
poll();";

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-app.sh runs it against the release build"]
async fn bench_app() -> Result<()> {
    keychain::clear_orgdesk_entries()?;
    let mut app = Launch::new(TEST).env("ORGDESK_DEMO", "1").start().await?;
    let outcome = measure(&mut app).await;
    let outcome = match outcome {
        Ok(figures) => keep_profile(&mut app, figures).await,
        Err(e) => Err(e),
    };
    app.finish(outcome).await
}

async fn measure(app: &mut App) -> Result<Value> {
    sign_in_demo(app).await?;
    let switches: usize = std::env::var("ORGDESK_BENCH_SWITCHES")
        .ok()
        .map(|v| v.parse())
        .transpose()
        .context("ORGDESK_BENCH_SWITCHES is not a number")?
        .unwrap_or(60);
    let contexts = flows::switcher_slugs(app).await?.len();
    flows::close_switcher(app).await?;
    // Ctrl+1 is the personal context; Ctrl+2… the orgs.
    let last = contexts.min(9);
    ensure!(last >= 3, "the demo account has only {contexts} contexts");
    app.client()?.execute(INSTALL, Vec::new()).await?;

    let mut names = Vec::new();
    let mut first = Vec::new();
    for digit in 2..=last {
        let (ms, name, from) = switch(app, digit, None).await?;
        eprintln!("[bench] first switch to {name:?} (Ctrl+{digit}): {ms:.1} ms");
        if from != name {
            first.push(ms);
        }
        names.push(name);
    }
    app.screenshot("after-first-switches").await?;

    let pages = tour(app).await?;
    app.click(&testid("nav-overview")).await?;
    app.wait_for(&testid("page-overview")).await?;

    let mut cached = Vec::new();
    let mut index = names.len() - 1;
    while cached.len() < switches {
        index = (index + 1) % names.len();
        let (ms, _, _) = switch(app, index + 2, Some(names[index].as_str())).await?;
        cached.push(ms);
    }
    app.screenshot("after-switches").await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (pss_kib, by_process) = tree_pss(&data_home(app))?;
    eprintln!(
        "[bench] {} cached switches; PSS after the tour {} MiB",
        cached.len(),
        pss_kib / 1024
    );
    Ok(json!({
        "first_switch_ms": first,
        "cached_switch_ms": cached,
        "tour_pages": pages,
        "tour_switches": cached.len() + names.len(),
        "pss_after_tour_kib": pss_kib,
        "pss_by_process_kib": by_process,
        "orgs": names,
    }))
}

async fn sign_in_demo(app: &mut App) -> Result<()> {
    app.wait_for(&testid("auth-screen")).await?;
    app.screenshot("sign-in").await?;
    app.click(&testid("auth-mode-signin")).await?;
    app.fill("input[name=email]", DEMO_EMAIL).await?;
    app.fill("input[name=password]", DEMO_PASSWORD).await?;
    app.click(&testid("auth-submit")).await?;
    app.wait_for(&testid("app-shell"))
        .await
        .context("signing in as the demo account did not open the app")?;
    Ok(())
}

/// Ctrl+`digit`, measured in the page; answers (ms, the org now shown, the one before).
async fn switch(
    app: &mut App,
    digit: usize,
    expect: Option<&str>,
) -> Result<(f64, String, String)> {
    let key = char::from_digit(digit as u32, 10).context("not a digit")?;
    let client = app.client()?;
    let from = client.execute(ARM, vec![json!(expect)]).await?;
    app.press(&[Key::Control], key).await?;
    let answer = app.client()?.execute_async(COLLECT, Vec::new()).await?;
    let (ms, name) = (answer[0].as_f64(), answer[1].as_str().unwrap_or_default());
    let Some(ms) = ms else {
        app.screenshot(&format!("switch-{digit}-failed")).await?;
        bail!("Ctrl+{digit} (expecting {expect:?}): {name}");
    };
    Ok((
        ms,
        name.to_owned(),
        from.as_str().unwrap_or_default().to_owned(),
    ))
}

/// Opens every page in the sidebar of the current org; answers their ids.
async fn tour(app: &mut App) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for nav in app.find_all("[data-testid^=\"nav-\"]").await? {
        if let Some(id) = nav.attr("data-testid").await? {
            ids.push(id);
        }
    }
    for id in &ids {
        if !app.is_displayed(&testid(id)).await? {
            continue;
        }
        app.click(&testid(id)).await?;
        app.wait_for("[data-testid^=\"page-\"]")
            .await
            .with_context(|| format!("{id} opened no page"))?;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    app.screenshot("tour-last-page").await?;
    Ok(ids)
}

fn data_home(app: &App) -> PathBuf {
    profile_root(app).join("data")
}

/// The test's profile folder: `config_dir()` is `<profile>/config/dev.orgdesk.app`.
fn profile_root(app: &App) -> PathBuf {
    let config = app.config_dir();
    config
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or(config)
}

/// PSS (KiB) of the app and its WebKit processes: those started with this profile's
/// `XDG_DATA_HOME`, without the WebDriver processes; and per executable name.
fn tree_pss(data_home: &Path) -> Result<(u64, Value)> {
    let marker = format!("XDG_DATA_HOME={}", data_home.display());
    let (mut total, mut by_name) = (0u64, serde_json::Map::new());
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let path = entry.path();
        let Ok(environ) = std::fs::read(path.join("environ")) else {
            continue;
        };
        if !environ.split(|b| *b == 0).any(|v| v == marker.as_bytes()) {
            continue;
        }
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let name = name.trim().to_owned();
        if name.starts_with("tauri-driver") || name.starts_with("WebKitWebDrive") {
            continue;
        }
        let Ok(rollup) = std::fs::read_to_string(path.join("smaps_rollup")) else {
            continue;
        };
        let kib: u64 = rollup
            .lines()
            .find_map(|l| l.strip_prefix("Pss:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        total += kib;
        let entry = by_name.entry(name).or_insert(json!(0));
        *entry = json!(entry.as_u64().unwrap_or(0) + kib);
    }
    ensure!(total > 0, "no process runs with {marker}");
    Ok((total, Value::Object(by_name)))
}

/// Writes the figures, quits the app and copies its signed-in profile out, as asked.
async fn keep_profile(app: &mut App, figures: Value) -> Result<()> {
    if let Some(out) = std::env::var_os("ORGDESK_BENCH_INAPP_OUT") {
        std::fs::write(&out, serde_json::to_vec_pretty(&figures)?)
            .with_context(|| format!("writing {}", Path::new(&out).display()))?;
    }
    let Some(out) = std::env::var_os("ORGDESK_BENCH_PROFILE_OUT") else {
        return Ok(());
    };
    app.quit().await?;
    let root = profile_root(app);
    for sub in ["data", "config"] {
        copy_dir(&root.join(sub), &Path::new(&out).join(sub))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)?.flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
