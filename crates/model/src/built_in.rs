//! What the desktop app and the server it runs itself (in-process, on loopback) agree on.

/// The header carrying the per-launch secret that the built-in server requires on every
/// request: only the app that started it knows the value, so another program on the
/// machine, or a web page in a browser, cannot talk to it.
pub const APP_SECRET_HEADER: &str = "orgdesk-app-secret";
