//! Reads survive pooled connections that the network dropped while they sat idle (a Wi-Fi
//! switch, a proxy restart): every stale connection is tried at most once and the last try
//! is on a fresh one. Writes are never retried by the client (the outbox does that under
//! an idempotency key).
//!
//! The server here is a few lines over a raw socket on loopback, because the behaviour
//! under test is the connection's: each connection answers its first request, then takes
//! the next one and closes without answering, as a connection cut in flight does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use orgdesk_client::{Client, ClientError};
use orgdesk_model::auth::LoginRequest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Default)]
struct Counts {
    connections: AtomicUsize,
    requests: AtomicUsize,
}

/// Reads one request head; false when the peer closed first.
async fn read_head(socket: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    true
}

/// The server. The first `together` connections are answered only once all of them are
/// open, so that many parallel first reads really need a connection each.
async fn answers_once_per_connection(together: usize) -> (String, Arc<Counts>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let counts = Arc::new(Counts::default());
    let seen = counts.clone();
    let (opened, _) = watch::channel(0usize);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = seen.connections.fetch_add(1, Ordering::SeqCst) + 1;
            opened.send_replace(n);
            let seen = seen.clone();
            let mut all_open = opened.subscribe();
            tokio::spawn(async move {
                if !read_head(&mut socket).await {
                    return;
                }
                seen.requests.fetch_add(1, Ordering::SeqCst);
                let _ = all_open.wait_for(|open| *open >= together).await;
                let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                if socket.write_all(ok).await.is_err() {
                    return;
                }
                if read_head(&mut socket).await {
                    seen.requests.fetch_add(1, Ordering::SeqCst);
                }
                // Dropped without an answer.
            });
        }
    });
    (base, counts)
}

/// Fills the pool with `n` idle connections, each of which will drop its next request.
async fn pool_of_stale_connections(client: &Client, counts: &Counts, n: usize) {
    let reads: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.health().await })
        })
        .collect();
    for read in reads {
        read.await
            .unwrap()
            .expect("a first read on each connection is answered");
    }
    assert_eq!(counts.connections.load(Ordering::SeqCst), n);
}

#[tokio::test]
async fn a_read_gets_past_every_dropped_idle_connection() {
    let (base, counts) = answers_once_per_connection(4).await;
    let client = Client::new(&base).unwrap();
    pool_of_stale_connections(&client, &counts, 4).await;

    client
        .health()
        .await
        .expect("the read reaches a fresh connection");

    assert_eq!(
        counts.connections.load(Ordering::SeqCst),
        5,
        "one new connection, after the four stale ones"
    );
    assert_eq!(
        counts.requests.load(Ordering::SeqCst),
        4 + 4 + 1,
        "each stale connection was tried once"
    );
}

#[tokio::test]
async fn a_write_on_a_dropped_connection_is_not_sent_again() {
    let (base, counts) = answers_once_per_connection(1).await;
    let client = Client::new(&base).unwrap();
    pool_of_stale_connections(&client, &counts, 1).await;

    let login = LoginRequest {
        email: "ana@example.com".into(),
        password: "correct horse battery".into(),
    };
    let err = client.login(&login).await.expect_err("the answer was lost");
    assert!(matches!(err, ClientError::Network(_)), "{err:?}");
    assert_eq!(
        counts.requests.load(Ordering::SeqCst),
        2,
        "the write went out once"
    );
}

#[tokio::test]
async fn a_refused_connect_is_final() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::new(&base).unwrap();
    let err = client.health().await.expect_err("nobody listens");
    assert!(matches!(err, ClientError::Network(_)), "{err:?}");
}
