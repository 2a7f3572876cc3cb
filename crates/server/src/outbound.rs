//! What a server allows its webhooks to reach, and how it times their delivery (read by
//! [`crate::webhooks`]; low, so the configuration and the state can hold it).

use std::time::Duration;

/// Where webhooks may be sent (see [`crate::webhooks::guard`]) and the delivery worker's
/// timing (see [`crate::webhooks::worker`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookConfig {
    /// Accept `http://` endpoints (`--allow-insecure-webhooks`: tests and local setups).
    pub allow_insecure: bool,
    /// Accept hosts that resolve to loopback, private, link-local and other inner
    /// addresses (`--allow-private-webhooks`).
    pub allow_private: bool,
    /// Whether this instance sends deliveries (`--no-webhook-delivery` turns it off: other
    /// instances of the database send them, or they wait; the API contract run, whose
    /// generated URLs must never be sent to).
    pub deliver: bool,
    /// The timing of deliveries; [`DeliveryTiming::STANDARD`] but in tests.
    pub timing: DeliveryTiming,
}

/// How long the worker waits for a receiver and between attempts. Only tests change it
/// (no flag does): the schedule is a published promise to receivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryTiming {
    /// The first wait after a failed attempt; the later ones are multiples of it (see
    /// [`crate::webhooks::retry`]): 5 s makes 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h,
    /// 4 h, then 8 h.
    pub retry_base: Duration,
    /// One attempt, from connecting to the end of the answer's excerpt.
    pub timeout: Duration,
    /// How long a claimed delivery is left to the instance that claimed it; when it runs
    /// out (that instance died mid-attempt), any instance takes it again. Longer than
    /// `timeout`.
    pub lease: Duration,
}

impl DeliveryTiming {
    pub const STANDARD: Self = Self {
        retry_base: Duration::from_secs(5),
        timeout: Duration::from_secs(10),
        lease: Duration::from_secs(60),
    };
}

impl Default for DeliveryTiming {
    fn default() -> Self {
        Self::STANDARD
    }
}

impl Default for WebhookConfig {
    /// `https://` to public hosts only, on the standard timing.
    fn default() -> Self {
        Self {
            allow_insecure: false,
            allow_private: false,
            deliver: true,
            timing: DeliveryTiming::STANDARD,
        }
    }
}

impl WebhookConfig {
    /// Everything allowed: the desktop app's built-in server (one person's own machine)
    /// and tests with a receiver on loopback.
    pub const fn open() -> Self {
        Self {
            allow_insecure: true,
            allow_private: true,
            deliver: true,
            timing: DeliveryTiming::STANDARD,
        }
    }
}
