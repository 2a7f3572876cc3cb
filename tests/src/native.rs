//! Native windows the app opens beside its WebView (GTK file choosers), which WebDriver can
//! neither see nor drive: found and driven on the test's X display with `xdotool` (real
//! XTEST input to the focused window, as a keyboard would type), photographed with
//! ImageMagick's `import -window root`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::app::App;

fn run(tool: &str, args: &[&str]) -> Result<String> {
    let output = Command::new(tool)
        .args(args)
        .output()
        .with_context(|| format!("could not run {tool} (scripts/setup.sh installs it)"))?;
    if !output.status.success() {
        bail!(
            "`{tool} {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn xdotool(args: &[&str]) -> Result<String> {
    run("xdotool", args)
}

/// A top-level X window, by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeWindow {
    id: String,
}

impl NativeWindow {
    /// The mapped windows whose title matches the regular expression `title`.
    pub fn find(title: &str) -> Result<Vec<Self>> {
        // xdotool exits 1 when nothing matches: that is an empty list, not an error.
        let output = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .context("could not run xdotool (scripts/setup.sh installs it)")?;
        Ok(String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .map(|id| Self { id: id.to_owned() })
            .collect())
    }

    /// Waits until a window titled `title` (a regular expression) is mapped.
    pub async fn wait_for(title: &str, timeout: Duration) -> Result<Self> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(window) = Self::find(title)?.into_iter().next() {
                return Ok(window);
            }
            if Instant::now() > deadline {
                bail!(
                    "no window titled /{title}/ was mapped within {timeout:?}; windows: {:?}",
                    titles()?
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until this window is gone (unmapped or destroyed).
    pub async fn wait_gone(&self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        while self.is_mapped() {
            if Instant::now() > deadline {
                bail!(
                    "the window {:?} ({}) was still open after {timeout:?}",
                    self.title(),
                    self.id
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    fn is_mapped(&self) -> bool {
        Command::new("xwininfo")
            .args(["-id", &self.id])
            .output()
            .is_ok_and(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).contains("IsViewable")
            })
    }

    pub fn title(&self) -> String {
        xdotool(&["getwindowname", &self.id])
            .map(|t| t.trim().to_owned())
            .unwrap_or_default()
    }

    /// Gives the window the keyboard focus (there is no window manager to do it).
    pub fn focus(&self) -> Result<()> {
        xdotool(&["windowfocus", "--sync", &self.id])?;
        Ok(())
    }

    /// Presses keys by their X names, one after the other, e.g. `["ctrl+a", "Return"]`.
    pub fn key(&self, keys: &[&str]) -> Result<()> {
        self.focus()?;
        let mut args = vec!["key", "--clearmodifiers", "--delay", "60"];
        args.extend_from_slice(keys);
        xdotool(&args)?;
        Ok(())
    }

    /// Types `text` into the focused field of the window.
    pub fn type_text(&self, text: &str) -> Result<()> {
        self.focus()?;
        xdotool(&["type", "--clearmodifiers", "--delay", "20", text])?;
        Ok(())
    }
}

/// The title of every mapped window that has one, for error messages.
pub fn titles() -> Result<Vec<String>> {
    Ok(NativeWindow::find(".")?
        .into_iter()
        .map(|w| w.title())
        .filter(|t| !t.is_empty())
        .collect())
}

impl App {
    /// Saves the whole X display (native dialogs included, which the WebDriver screenshot
    /// leaves out) as the next numbered screenshot.
    pub fn screenshot_display(&mut self, step: &str) -> Result<PathBuf> {
        let path = self.artifacts.next_screenshot(step);
        let target = path
            .to_str()
            .context("a screenshot path that is not UTF-8")?;
        run("import", &["-window", "root", target])?;
        eprintln!("[e2e] screenshot {}", path.display());
        Ok(path)
    }

    /// Clicks `button`, answers the native save dialog titled `title` by typing `path` on
    /// the X display, and waits for the app's toast about it; answers the toast's text.
    pub async fn save_through_dialog(
        &mut self,
        button: &str,
        title: &str,
        path: &Path,
    ) -> Result<String> {
        let _ = std::fs::remove_file(path);
        let target = path.to_str().context("a non-UTF-8 path")?.to_owned();
        let toasts = self.texts(&crate::testid("toast")).await?;
        self.click(button).await?;
        let dialog = NativeWindow::wait_for(&format!("^{title}$"), Duration::from_secs(20))
            .await
            .with_context(|| format!("clicking {button} opened no save dialog titled {title:?}"))?;
        // GTK needs a moment after mapping before its name field takes keys.
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.screenshot_display("save-dialog")?;
        // The name field has the focus and holds the suggested name: replace it with a
        // full path, which GTK's save dialog accepts as the file to save.
        dialog.key(&["ctrl+a"])?;
        dialog.type_text(&target)?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.screenshot_display("save-dialog-path-typed")?;
        dialog.key(&["Return"])?;
        dialog
            .wait_gone(Duration::from_secs(10))
            .await
            .context("Return in the save dialog did not close it")?;
        self.wait_for_new_text(&crate::testid("toast"), &toasts)
            .await
            .context("saving showed no toast")
    }
}
