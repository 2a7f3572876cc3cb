//! The page's own account of how it started, for the log: the moments it reached, in
//! milliseconds since its document began. Read next to the `set up` line (the Rust side's
//! figures) to see where a launch's time goes; the README's "Where a launch's time goes".

use serde::Deserialize;

/// One moment of the page's start.
#[derive(Debug, Deserialize, specta::Type)]
pub struct StartupMark {
    /// What was reached: `script`, `restored`, `contexts`, `shell`, `painted`, …
    pub name: String,
    /// Milliseconds since the document began (`performance.now()`).
    pub at_ms: u32,
}

/// At most this many marks are logged, each name cut to [`NAME_LIMIT`] characters: the
/// page is ours, but a log line should stay a line.
const MARK_LIMIT: usize = 24;
const NAME_LIMIT: usize = 32;

/// `script=12 restored=80 …`, names reduced to letters, digits and `-`.
fn line(marks: &[StartupMark]) -> String {
    marks
        .iter()
        .take(MARK_LIMIT)
        .map(|m| {
            let name: String = m
                .name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .take(NAME_LIMIT)
                .collect();
            format!("{name}={}", m.at_ms)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Logs the page's start once it has painted its first screen (`origin_ms`: when its
/// document began, in milliseconds since the Unix epoch).
#[tauri::command]
#[specta::specta]
pub fn report_startup(label: String, origin_ms: f64, marks: Vec<StartupMark>) {
    let label: String = label.chars().take(NAME_LIMIT).collect();
    tracing::info!(%label, origin_ms = origin_ms as u64, marks = %line(&marks), "page started");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_make_one_short_clean_line() {
        let mark = |name: &str, at_ms| StartupMark {
            name: name.to_owned(),
            at_ms,
        };
        assert_eq!(
            line(&[mark("script", 12), mark("shell\nx=1", 300)]),
            "script=12 shellx1=300"
        );
        let many: Vec<_> = (0..40).map(|i| mark(&"n".repeat(99), i)).collect();
        let logged = line(&many);
        assert_eq!(logged.split(' ').count(), MARK_LIMIT);
        assert!(logged.starts_with(&format!("{}=0 ", "n".repeat(NAME_LIMIT))));
    }
}
