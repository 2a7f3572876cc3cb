//! Single sign-on around the app: the real `oidc-provider` (npm) on loopback, a real DNS
//! server for the domains' TXT records, and the browser played over HTTP. The same files
//! the core's and the server's tests use, included here.

#[path = "../../crates/app-core/tests/it/common/provider.rs"]
pub mod provider;

#[path = "../../crates/app-core/tests/it/common/browser_flow.rs"]
pub mod browser_flow;

#[path = "../../crates/server/tests/api/dns_server.rs"]
#[allow(dead_code)]
pub mod dns_server;
