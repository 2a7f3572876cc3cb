//! What a server allows its webhooks to reach, and how it retries them.

/// Where webhooks may be sent (see [`crate::webhooks::guard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WebhookConfig {
    /// Accept `http://` endpoints (`--allow-insecure-webhooks`: tests and local setups).
    pub allow_insecure: bool,
    /// Accept hosts that resolve to loopback, private, link-local and other inner
    /// addresses (`--allow-private-webhooks`).
    pub allow_private: bool,
}

impl WebhookConfig {
    /// Everything allowed: the desktop app's built-in server (one person's own machine)
    /// and tests with a receiver on loopback.
    pub const fn open() -> Self {
        Self {
            allow_insecure: true,
            allow_private: true,
        }
    }
}
