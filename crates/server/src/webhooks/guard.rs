//! Outbound safety: which URLs a webhook may have and which addresses it may be sent to.
//! A URL is checked when it is saved and its host resolved again before every send; the
//! request then goes to the address that was checked (never resolved a second time), so a
//! name cannot pass the check and then point somewhere inside.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use orgdesk_model::webhook::MAX_URL_LEN;
use url::Url;

use crate::outbound::WebhookConfig;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GuardError {
    #[error("Give a full address such as https://example.com/hooks/orgdesk.")]
    Unreadable,
    #[error("Use an https:// address.")]
    NotHttps,
    #[error("Addresses with a user name or password are not accepted.")]
    Credentials,
    #[error("The address is longer than {MAX_URL_LEN} characters.")]
    TooLong,
    #[error("The host could not be found.")]
    Unresolved,
    #[error("The host resolves to {0}, an internal address this server does not send to.")]
    Internal(IpAddr),
}

/// The URL as saved, when its form is acceptable (scheme, no credentials, a host).
pub fn parse(raw: &str, config: WebhookConfig) -> Result<Url, GuardError> {
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(GuardError::TooLong);
    }
    let url = Url::parse(raw).map_err(|_| GuardError::Unreadable)?;
    match url.scheme() {
        "https" => {}
        "http" if config.allow_insecure => {}
        "http" => return Err(GuardError::NotHttps),
        _ => return Err(GuardError::Unreadable),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(GuardError::Credentials);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(GuardError::Unreadable);
    }
    Ok(url)
}

/// The address to connect to for `url`: its host resolved once, every answer checked.
/// With `allow_private` any answer will do; otherwise one internal answer refuses the host
/// (a name that resolves both ways could be steered to the inner one).
pub async fn resolve(url: &Url, config: WebhookConfig) -> Result<SocketAddr, GuardError> {
    let host = url.host().ok_or(GuardError::Unreadable)?;
    let port = url.port_or_known_default().ok_or(GuardError::Unreadable)?;
    let addrs: Vec<SocketAddr> = match host {
        url::Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        url::Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        url::Host::Domain(name) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| GuardError::Unresolved)?
            .collect(),
    };
    if !config.allow_private {
        if let Some(inner) = addrs.iter().find(|a| is_internal(a.ip())) {
            return Err(GuardError::Internal(inner.ip()));
        }
    }
    addrs.into_iter().next().ok_or(GuardError::Unresolved)
}

/// Loopback, private, link-local (and so the cloud metadata address 169.254.169.254),
/// shared, multicast, broadcast, documentation, unspecified and other reserved ranges.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64 (may reach inner IPv4)
        || ip.to_ipv4().is_some_and(internal_v4) // IPv4-compatible
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn inner_ranges_are_internal_and_public_ones_are_not() {
        for inner in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_internal(ip(inner)), "{inner} should be internal");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_internal(ip(public)), "{public} should be public");
        }
    }

    #[test]
    fn urls_need_https_a_host_and_no_credentials() {
        let strict = WebhookConfig::default();
        assert!(parse("https://hooks.example.com/x", strict).is_ok());
        assert_eq!(
            parse("http://hooks.example.com/x", strict),
            Err(GuardError::NotHttps)
        );
        assert!(parse("http://hooks.example.com/x", WebhookConfig::open()).is_ok());
        assert_eq!(
            parse("ftp://example.com", strict),
            Err(GuardError::Unreadable)
        );
        assert_eq!(parse("not a url", strict), Err(GuardError::Unreadable));
        assert_eq!(
            parse("https://user:pw@example.com/", strict),
            Err(GuardError::Credentials)
        );
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(parse(&long, strict), Err(GuardError::TooLong));
    }

    // Only loopback and literal addresses: resolving them sends nothing anywhere.
    #[tokio::test]
    async fn loopback_is_refused_unless_private_hosts_are_allowed() {
        let url = parse("https://127.0.0.1:9/hook", WebhookConfig::default()).unwrap();
        assert_eq!(
            resolve(&url, WebhookConfig::default()).await,
            Err(GuardError::Internal(ip("127.0.0.1")))
        );
        let url = parse("https://[::1]:9/hook", WebhookConfig::default()).unwrap();
        assert!(matches!(
            resolve(&url, WebhookConfig::default()).await,
            Err(GuardError::Internal(_))
        ));
        let addr = resolve(&url, WebhookConfig::open()).await.unwrap();
        assert_eq!(addr, "[::1]:9".parse().unwrap());
    }
}
