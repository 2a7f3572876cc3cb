//! Attack 7 of issue 9, slow clients: a half-sent request held a connection for as long as
//! the client liked (75 s in the attack), and a thousand of them were held at once. Now a
//! request's head must arrive within the header-read timeout (idle connections included),
//! its body and answer within the request timeout (408), and one address holds at most
//! so many connections. Raw TCP on loopback; the attacker connects from 127.0.0.2, the
//! person it would starve from 127.0.0.1. The timeouts are shortened for the test (the
//! defaults, 10 s and 30 s, are checked below).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use orgdesk_server::config::ConnectionLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::harness::{on_both_backends, spawn_app_with, Backend, TestApp};

on_both_backends!(
    half_sent_heads_and_idle_connections_are_closed,
    a_body_that_trickles_gets_408,
    a_thousand_held_connections_do_not_starve_the_server,
);

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

async fn app(backend: Backend, header: Duration, max_per_ip: Option<usize>) -> TestApp {
    spawn_app_with(backend, |mut config| {
        config.connections = ConnectionLimits {
            header_read_timeout: header,
            request_timeout: REQUEST_TIMEOUT,
            max_per_ip,
        };
        config
    })
    .await
}

fn server(app: &TestApp) -> SocketAddr {
    app.base.trim_start_matches("http://").parse().unwrap()
}

/// A connection to `to` from the loopback address `from`.
async fn connect(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(to).await.unwrap()
}

/// Reads until the server closes the connection; what it sent, and when it closed.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> (String, Duration) {
    let start = Instant::now();
    let mut got = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0_u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "still open after {within:?}");
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

async fn half_sent_heads_and_idle_connections_are_closed(backend: Backend) {
    let app = app(backend, HEADER_TIMEOUT, None).await;
    let to = server(&app);

    let mut half = connect([127, 0, 0, 1], to).await;
    half.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let (_, after) = until_closed(&mut half, Duration::from_secs(5)).await;
    assert!(
        after >= HEADER_TIMEOUT - Duration::from_millis(100),
        "{after:?}"
    );
    assert!(after < HEADER_TIMEOUT + Duration::from_secs(1), "{after:?}");

    let mut silent = connect([127, 0, 0, 1], to).await;
    let (_, after) = until_closed(&mut silent, Duration::from_secs(5)).await;
    assert!(after < HEADER_TIMEOUT + Duration::from_secs(1), "{after:?}");

    // Kept alive after an answer: the next head has the same time to come.
    let mut kept = connect([127, 0, 0, 1], to).await;
    kept.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, after) = until_closed(&mut kept, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(after < HEADER_TIMEOUT + Duration::from_secs(1), "{after:?}");

    assert_eq!(
        ConnectionLimits::default(),
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_per_ip: Some(256),
        }
    );
}

async fn a_body_that_trickles_gets_408(backend: Backend) {
    let app = app(backend, HEADER_TIMEOUT, None).await;
    let mut slow = connect([127, 0, 0, 1], server(&app)).await;
    slow.write_all(
        b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 100\r\n\r\n{\"email\":",
    )
    .await
    .unwrap();
    let (answer, after) = until_closed(&mut slow, Duration::from_secs(6)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(
        after >= REQUEST_TIMEOUT - Duration::from_millis(100),
        "{after:?}"
    );
    assert!(
        after < REQUEST_TIMEOUT + Duration::from_secs(2),
        "{after:?}"
    );

    // The same with an idempotency key on a signed-in route: cut off while the layer reads.
    let owner = app.signup("ana@example.com").await;
    let mut keyed = connect([127, 0, 0, 1], server(&app)).await;
    let head = format!(
        "POST /v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Idempotency-Key: slow-1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        owner.token
    );
    keyed.write_all(head.as_bytes()).await.unwrap();
    let (answer, _) = until_closed(&mut keyed, Duration::from_secs(6)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

async fn a_thousand_held_connections_do_not_starve_the_server(backend: Backend) {
    // Long enough for the thousand to be open before the first times out.
    let header = Duration::from_secs(3);
    let app = app(backend, header, Some(256)).await;
    let to = server(&app);
    let mut held = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let mut stream = connect([127, 0, 0, 2], to).await;
        // The head never ends; a closed connection may already refuse the write.
        let _ = stream
            .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
            .await;
        held.push(stream);
    }

    // Someone else is served at once while they are held.
    let start = Instant::now();
    let health = app
        .request(reqwest::Method::GET, "/v1/health", None)
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );

    // The attacker's address holds 256 of them; the rest were closed as accepted.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = open_count(&held);
    assert!(open <= 256, "{open} of 1000 held open");
    assert!(open > 0);

    // And those go at the header timeout.
    tokio::time::sleep(header + Duration::from_millis(700)).await;
    assert_eq!(open_count(&held), 0);
}

/// How many of `streams` the server has not closed.
fn open_count(streams: &[TcpStream]) -> usize {
    let mut buf = [0_u8; 64];
    streams
        .iter()
        .filter(|s| {
            matches!(s.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        })
        .count()
}
