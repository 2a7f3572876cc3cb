//! Serving connections (HTTP/1.1, with hyper) so that slow or idle clients cannot hold the
//! server: a request's head must arrive within the header-read timeout, on a new
//! connection and between requests on a kept-alive one (a half-sent request, or a
//! connection that sends nothing, is closed when it runs out); one client address holds
//! at most so many connections at once, further ones are closed as they are accepted
//! (1000 half-open connections from one place take 256 slots for 10 seconds, not the
//! server). The request timeout, which covers bodies, is a layer of the router
//! ([`crate::router`]). The limits are [`ConnectionLimits`].

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use crate::config::ConnectionLimits;

/// Open connections per client address.
#[derive(Clone, Default)]
struct OpenCounts(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One open connection of `ip`; dropping it frees the slot.
struct Slot {
    counts: OpenCounts,
    ip: IpAddr,
}

impl OpenCounts {
    /// A slot for `ip`, unless it already holds `max`.
    fn take(&self, ip: IpAddr, max: Option<usize>) -> Option<Slot> {
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let open = counts.entry(ip).or_insert(0);
        if max.is_some_and(|max| *open >= max) {
            return None;
        }
        *open += 1;
        Some(Slot {
            counts: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(open) = counts.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` until `stop` completes, then lets the requests in flight
/// finish (connections idle between requests close at once).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) {
    let counts = OpenCounts::default();
    let (closing, closing_seen) = watch::channel(());
    let mut stop = pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(slot) = counts.take(peer.ip(), limits.max_per_ip) else {
            tracing::debug!(%peer, "connection refused: too many open from this address");
            continue;
        };
        let app = app.clone();
        let mut closing = closing_seen.clone();
        tokio::spawn(async move {
            serve_one(stream, peer, app, limits.header_read_timeout, &mut closing).await;
            drop(slot);
        });
    }
    drop(listener);
    // Every connection task holds a receiver: once all are gone, all have finished.
    let _ = closing.send(());
    drop(closing_seen);
    closing.closed().await;
}

async fn serve_one(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    header_read_timeout: Duration,
    closing: &mut watch::Receiver<()>,
) {
    let service = app.map_request(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut connection = pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = closing.changed() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
}

/// After a failed accept: nothing to wait for when only that connection failed; a short
/// pause when the process is out of something (file descriptors), so the loop does not
/// spin while connections close.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(%error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_slots_and_gets_them_back() {
        let counts = OpenCounts::default();
        let a: IpAddr = [127, 0, 0, 2].into();
        let b: IpAddr = [127, 0, 0, 1].into();
        let first = counts.take(a, Some(2)).unwrap();
        let second = counts.take(a, Some(2)).unwrap();
        assert!(counts.take(a, Some(2)).is_none());
        assert!(counts.take(b, Some(2)).is_some());
        drop(first);
        assert!(counts.take(a, Some(2)).is_some());
        drop(second);
        assert!((0..1000).all(|_| counts.take(a, None).is_some()));
        assert!(counts.0.lock().unwrap().is_empty());
    }
}
