//! End-to-end test harness: drives the real `orgdesk` binary in a real WebKit window
//! (tauri-driver → WebKitWebDriver) against a real `orgdesk-server` on loopback.
//!
//! Run it through `scripts/e2e.sh`, which provides what these tests expect around them: an X
//! display (Xvfb), a private D-Bus session with an unlocked keychain, and fresh binaries.
//! Screenshots and process logs of each test land in `tests/screenshots/<test>/`.

pub mod a11y;
pub mod api;
mod app;
mod artifacts;
mod driver;
pub mod flows;
pub mod keychain;
pub mod native;
pub mod notification_daemon;
pub mod notifications;
pub mod oidc;
mod page;
mod ports;
pub mod probes;
mod process;
mod profile;
pub mod receiver;
mod server;
mod stripe;
mod windows;
mod workspace;

pub use app::{testid, App, Launch};
pub use fantoccini::elements::Element;
pub use fantoccini::key::Key;
pub use probes::with;
pub use server::TestServer;
