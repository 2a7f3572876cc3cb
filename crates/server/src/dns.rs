//! TXT lookups through the resolver the server is configured with (`--dns-resolver
//! <ip:port>`, else the system's from `/etc/resolv.conf`), for proving that an org holds
//! an email domain ([`crate::sso::domains`]).
//!
//! An answer is definitive — the name does not exist, it has no TXT record, or these
//! are its TXT values — or the lookup failed ([`DnsUnavailable`]: a timeout, SERVFAIL, a
//! refused query, no resolver), which says nothing about the record. Lookups are short
//! (two seconds a try, two tries) and nothing is cached: a record just published counts
//! at the next look.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::TokioResolver;

/// One try's timeout; a lookup makes at most [`ATTEMPTS`] and is cut off at [`DEADLINE`].
const TRY_TIMEOUT: Duration = Duration::from_secs(2);
const ATTEMPTS: usize = 2;
const DEADLINE: Duration = Duration::from_secs(5);
/// A TXT value longer than this is cut (a verification record is ~64 characters).
const MAX_VALUE_CHARS: usize = 512;

/// The TXT records of a name, as far as the resolver could tell definitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxtAnswer {
    /// The name exists and has these TXT values (each record's strings joined).
    Values(Vec<String>),
    /// NXDOMAIN: the name does not exist.
    NoSuchName,
    /// The name exists but has no TXT record.
    NoRecords,
}

/// A lookup that got no definitive answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsUnavailable {
    #[error("the DNS lookup timed out")]
    Timeout,
    #[error("the DNS lookup failed: {0}")]
    Failed(String),
    #[error("no DNS resolver is configured: {0}")]
    NoResolver(String),
}

/// The server's resolver; cheap to clone.
#[derive(Clone)]
pub struct Dns {
    resolver: Result<Arc<TokioResolver>, DnsUnavailable>,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns")
            .field("ready", &self.resolver.is_ok())
            .finish()
    }
}

impl Dns {
    /// The resolver at `addr` when given (UDP, and TCP for long answers), else the
    /// system's. A system without a usable configuration gives a resolver whose every
    /// lookup is [`DnsUnavailable::NoResolver`] (the server still starts).
    pub fn new(addr: Option<SocketAddr>) -> Self {
        let builder = match addr {
            Some(addr) => {
                let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                    .into_iter()
                    .map(|mut c| {
                        c.port = addr.port();
                        c
                    })
                    .collect();
                let server = NameServerConfig::new(addr.ip(), true, connections);
                Ok(TokioResolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![server]),
                    TokioRuntimeProvider::default(),
                ))
            }
            None => TokioResolver::builder_tokio()
                .map_err(|e| DnsUnavailable::NoResolver(e.to_string())),
        };
        let resolver = builder.and_then(|mut builder| {
            let options = builder.options_mut();
            options.timeout = TRY_TIMEOUT;
            options.attempts = ATTEMPTS;
            options.cache_size = 0;
            options.positive_max_ttl = Some(Duration::ZERO);
            options.negative_max_ttl = Some(Duration::ZERO);
            options.try_tcp_on_error = true;
            builder
                .build()
                .map(Arc::new)
                .map_err(|e| DnsUnavailable::NoResolver(e.to_string()))
        });
        if let Err(error) = &resolver {
            tracing::warn!(%error, "no DNS resolver: domains cannot be verified");
        }
        Self { resolver }
    }

    /// The TXT records of `name` (a fully qualified name; a trailing dot is added).
    pub async fn txt(&self, name: &str) -> Result<TxtAnswer, DnsUnavailable> {
        let resolver = self.resolver.as_ref().map_err(Clone::clone)?;
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        let lookup = match tokio::time::timeout(DEADLINE, resolver.txt_lookup(fqdn)).await {
            Err(_) => return Err(DnsUnavailable::Timeout),
            Ok(Err(error)) if error.is_nx_domain() => return Ok(TxtAnswer::NoSuchName),
            Ok(Err(error)) if error.is_no_records_found() => return Ok(TxtAnswer::NoRecords),
            Ok(Err(NetError::Timeout)) => return Err(DnsUnavailable::Timeout),
            Ok(Err(error)) => return Err(DnsUnavailable::Failed(error.to_string())),
            Ok(Ok(lookup)) => lookup,
        };
        let values: Vec<String> = lookup
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::TXT(txt) => {
                    let joined: Vec<u8> = txt
                        .txt_data
                        .iter()
                        .flat_map(|s| s.iter().copied())
                        .collect();
                    Some(
                        String::from_utf8_lossy(&joined)
                            .chars()
                            .take(MAX_VALUE_CHARS)
                            .collect(),
                    )
                }
                _ => None,
            })
            .collect();
        Ok(if values.is_empty() {
            TxtAnswer::NoRecords
        } else {
            TxtAnswer::Values(values)
        })
    }
}
