//! Looks into the OS keychain with `secret-tool`, as the test's D-Bus session sees it: the
//! app stores its session token there through `keyring`, under service "orgdesk".

use std::process::Command;

use anyhow::{bail, Context, Result};

const SERVICE: &str = "orgdesk";

fn secret_tool(args: &[&str]) -> Result<String> {
    let output = Command::new("secret-tool")
        .args(args)
        .output()
        .context("could not run secret-tool (apt libsecret-tools; scripts/setup.sh installs it)")?;
    if !output.status.success() {
        bail!(
            "`secret-tool {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// How many items the keychain holds for the app (`secret-tool search --all service orgdesk`).
pub fn orgdesk_entries() -> Result<usize> {
    let listing = secret_tool(&["search", "--all", "service", SERVICE])?;
    // Each item starts with its object path, e.g. `[/org/freedesktop/secrets/collection/login/1]`.
    Ok(listing
        .lines()
        .filter(|line| line.starts_with("[/"))
        .count())
}

pub fn has_orgdesk_entry() -> Result<bool> {
    Ok(orgdesk_entries()? > 0)
}

/// Removes every item of the app, so a test starts from an empty keychain.
pub fn clear_orgdesk_entries() -> Result<()> {
    // `secret-tool clear` fails when nothing matches, so only ask when there is something.
    if orgdesk_entries()? > 0 {
        secret_tool(&["clear", "service", SERVICE])?;
    }
    Ok(())
}
