//! How WebKitGTK draws the window: with GL compositing when the machine has a GPU, without
//! it when GL would run in software (Mesa's llvmpipe: virtual machines, remote desktops,
//! Xvfb). On llvmpipe the compositor costs the first launch about two seconds of shader
//! compiling and the idle app about 80 MiB, and gains nothing: every layer is drawn on the
//! CPU either way (the figures are in the README's "Where a launch's time goes").
//!
//! A user's own `WEBKIT_DISABLE_COMPOSITING_MODE` always wins: `0` keeps compositing on a
//! software renderer, `1` turns it off on a GPU.

use std::path::Path;

/// WebKitGTK's switch; read once, when its web process starts.
const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositing {
    /// The user set the switch; left as it is.
    AsConfigured,
    /// A GPU render node is there; WebKit's default (compositing on).
    Gpu,
    /// GL would be software; compositing turned off.
    TurnedOff,
}

/// Decides from the environment and the render nodes under `dri` (`/dev/dri` on Linux).
pub fn decide(var: impl Fn(&str) -> Option<String>, dri: &Path) -> Compositing {
    if var(SWITCH).is_some() {
        return Compositing::AsConfigured;
    }
    let forced_software = var("LIBGL_ALWAYS_SOFTWARE").is_some_and(|v| v != "0" && !v.is_empty())
        || var("GALLIUM_DRIVER")
            .is_some_and(|v| matches!(v.as_str(), "llvmpipe" | "softpipe" | "swr"));
    if forced_software || !has_render_node(dri) {
        Compositing::TurnedOff
    } else {
        Compositing::Gpu
    }
}

fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Applies the decision to this process's environment, which WebKit's processes inherit.
/// Called first thing in `run`, before any thread exists (the environment is not safe to
/// change once other threads may read it).
pub fn apply() -> Compositing {
    if !cfg!(target_os = "linux") {
        return Compositing::AsConfigured;
    }
    let decision = decide(|k| std::env::var(k).ok(), Path::new("/dev/dri"));
    if decision == Compositing::TurnedOff {
        std::env::set_var(SWITCH, "1");
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn dri(nodes: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for node in nodes {
            std::fs::write(dir.path().join(node), b"").unwrap();
        }
        dir
    }

    #[test]
    fn a_render_node_keeps_compositing() {
        let gpu = dri(&["card0", "renderD128"]);
        assert_eq!(decide(env(&[]), gpu.path()), Compositing::Gpu);
    }

    #[test]
    fn no_render_node_turns_it_off() {
        let display_only = dri(&["card0"]);
        assert_eq!(
            decide(env(&[]), display_only.path()),
            Compositing::TurnedOff
        );
        let missing = display_only.path().join("absent");
        assert_eq!(decide(env(&[]), &missing), Compositing::TurnedOff);
    }

    #[test]
    fn mesa_told_to_render_in_software_turns_it_off() {
        let gpu = dri(&["renderD128"]);
        for pairs in [
            [("LIBGL_ALWAYS_SOFTWARE", "1")],
            [("GALLIUM_DRIVER", "llvmpipe")],
        ] {
            assert_eq!(decide(env(&pairs), gpu.path()), Compositing::TurnedOff);
        }
        let not_forced = env(&[("LIBGL_ALWAYS_SOFTWARE", "0")]);
        assert_eq!(decide(not_forced, gpu.path()), Compositing::Gpu);
    }

    #[test]
    fn the_users_own_switch_wins() {
        let none = dri(&[]);
        for value in ["0", "1"] {
            let pairs = [(SWITCH, value)];
            assert_eq!(decide(env(&pairs), none.path()), Compositing::AsConfigured);
        }
    }
}
