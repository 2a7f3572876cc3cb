//! Who may reach the server at all, before any route: the `Host` names it answers to
//! (a page in a browser can point a name it controls at 127.0.0.1 — DNS rebinding — and
//! then read the answers as its own), and the secret an embedding app hands its server.

use std::fmt;
use std::sync::Arc;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

/// The `Host` headers (or HTTP/2 authorities) the server answers; any other is refused
/// with 403 before routing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllowedHosts {
    /// Every name: a server behind a reverse proxy, or one reached by its LAN address.
    #[default]
    Any,
    /// `127.0.0.1:<port>` and `localhost:<port>`, with the port the server listens on:
    /// the built-in server of the desktop app.
    Loopback,
    /// These names, each either `name` (any port) or `name:port`; compared without regard
    /// to case. IPv6 literals are written in brackets: `[::1]:8787`.
    Only(Vec<String>),
}

impl AllowedHosts {
    /// Whether a request naming `host` (the `Host` header; `None` when it has none) may
    /// reach a server listening on `port`.
    pub fn permits(&self, host: Option<&str>, port: u16) -> bool {
        let Some((name, asked_port)) = host.and_then(split_host) else {
            return matches!(self, Self::Any);
        };
        match self {
            Self::Any => true,
            Self::Loopback => {
                matches!(name.as_str(), "127.0.0.1" | "localhost") && asked_port == Some(port)
            }
            Self::Only(allowed) => {
                allowed
                    .iter()
                    .filter_map(|a| split_host(a))
                    .any(|(allowed_name, allowed_port)| {
                        allowed_name == name
                            && (allowed_port.is_none() || allowed_port == asked_port)
                    })
            }
        }
    }
}

/// `name[:port]` → (lowercased name, port). `None` for what is no host at all (empty, a
/// bad port, characters no host name has).
fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    let host = host.trim();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (format!("[{inside}]"), port)
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name.to_owned(), Some(port)),
            None => (host.to_owned(), None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    let plausible = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'));
    plausible.then(|| (name.to_ascii_lowercase(), port))
}

/// A secret every request must carry in [`orgdesk_model::built_in::APP_SECRET_HEADER`]:
/// the desktop app makes one per launch and gives it to the server it runs in-process,
/// so it never leaves the process. Never printed.
#[derive(Clone)]
pub struct AppSecret(Arc<str>);

impl AppSecret {
    /// 256 random bits, URL-safe base64.
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes).into())
    }

    /// The value to send, for the app's own client.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is the secret, in time that does not depend on where they differ.
    pub fn matches(&self, presented: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(presented).into()
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppSecret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_answers_only_its_own_port_on_loopback_names() {
        let hosts = AllowedHosts::Loopback;
        assert!(hosts.permits(Some("127.0.0.1:4100"), 4100));
        assert!(hosts.permits(Some("localhost:4100"), 4100));
        assert!(hosts.permits(Some("LocalHost:4100"), 4100));
        for refused in [
            "evil.example:4100",
            "evil.example",
            "127.0.0.1",
            "127.0.0.1:4101",
            "localhost.:4100",
            "127.0.0.1.nip.io:4100",
            "[::1]:4100",
            "",
            "127.0.0.1:99999",
        ] {
            assert!(!hosts.permits(Some(refused), 4100), "{refused}");
        }
        assert!(!hosts.permits(None, 4100), "a request without Host");
    }

    #[test]
    fn listed_names_with_or_without_a_port() {
        let hosts = AllowedHosts::Only(vec!["orgdesk.example".into(), "[::1]:8787".into()]);
        assert!(hosts.permits(Some("orgdesk.example"), 8787));
        assert!(hosts.permits(Some("ORGDESK.example:443"), 8787));
        assert!(hosts.permits(Some("[::1]:8787"), 8787));
        assert!(!hosts.permits(Some("[::1]:8788"), 8787));
        assert!(!hosts.permits(Some("evil.example"), 8787));
        assert!(!hosts.permits(Some("orgdesk.example.evil.example"), 8787));
        assert!(!hosts.permits(None, 8787));
        assert!(AllowedHosts::Any.permits(Some("anything:1"), 8787));
        assert!(AllowedHosts::Any.permits(None, 8787));
    }

    #[test]
    fn secrets_are_random_compared_whole_and_never_printed() {
        let secret = AppSecret::generate();
        assert_ne!(secret.expose(), AppSecret::generate().expose());
        assert!(secret.expose().len() >= 43);
        assert!(secret.matches(secret.expose().as_bytes()));
        assert!(!secret.matches(b""));
        assert!(!secret.matches(&secret.expose().as_bytes()[1..]));
        assert_eq!(format!("{secret:?}"), "AppSecret(***)");
    }
}
