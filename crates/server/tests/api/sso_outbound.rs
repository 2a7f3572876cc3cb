//! The provider client's time limit: a provider that accepts and never answers is given
//! up after 10 seconds, and the admin is told so.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::harness::{expect_problem, on_both_backends, Backend};
use crate::sso_fixtures::{connection, put_sso, world};

on_both_backends!(a_provider_that_never_answers_is_given_up);

async fn a_provider_that_never_answers_is_given_up(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let started = Instant::now();
    let answer = put_sso(&w.app, &w.owner.token, &w.org_id, &connection(&issuer)).await;
    let waited = started.elapsed();
    let problem = expect_problem(
        answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sso_discovery_failed",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no answer within 10 s"),
        "{problem}"
    );
    assert!(waited >= Duration::from_secs(10), "{waited:?}");
    assert!(waited < Duration::from_secs(20), "{waited:?}");
    holder.abort();
}
