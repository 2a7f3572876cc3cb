//! Rate limits in the database: a burst of parallel reservations for one subject is
//! counted one by one (exactly `max` get through), subjects and rules count apart, the
//! window slides, and a released event no longer counts.

use std::sync::Arc;

use orgdesk_server::limits::{self, LimitError, Rule};

use crate::harness::{on_both_backends, spawn_app, Backend};

on_both_backends!(
    a_parallel_burst_gets_exactly_max_through,
    subjects_and_rules_count_apart_and_the_window_slides,
);

const RULE: Rule = Rule {
    name: "test.burst",
    max: 5,
    window_ms: 60_000,
};

async fn a_parallel_burst_gets_exactly_max_through(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = Arc::new(app.store.clone());
    let now = chrono::Utc::now().timestamp_millis();
    let attempts = (0..60).map(|_| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.write().await.unwrap();
            let outcome = limits::reserve(&mut tx, &RULE, "ana@example.com", now).await;
            tx.commit().await.unwrap();
            outcome
        })
    });
    let mut passed = 0;
    let mut refused = 0;
    for attempt in futures::future::join_all(attempts).await {
        match attempt.unwrap() {
            Ok(_) => passed += 1,
            Err(LimitError::Exceeded {
                retry_after_secs, ..
            }) => {
                assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
                refused += 1;
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!((passed, refused), (5, 55));
}

async fn subjects_and_rules_count_apart_and_the_window_slides(backend: Backend) {
    let app = spawn_app(backend).await;
    let other_rule = Rule {
        name: "test.other",
        ..RULE
    };
    let t0 = 1_000_000;
    let mut tx = app.store.write().await.unwrap();
    let mut hits = Vec::new();
    for n in 0..5 {
        hits.push(limits::reserve(&mut tx, &RULE, "a", t0 + n).await.unwrap());
    }
    assert!(limits::reserve(&mut tx, &RULE, "a", t0 + 10).await.is_err());
    limits::reserve(&mut tx, &RULE, "b", t0 + 10).await.unwrap();
    limits::reserve(&mut tx, &other_rule, "a", t0 + 10)
        .await
        .unwrap();
    assert_eq!(
        limits::blocked_until(&mut tx, &RULE, "a", t0 + 10)
            .await
            .unwrap(),
        Some(t0 + RULE.window_ms)
    );
    // Taking one back frees a place; the window's end frees the rest.
    limits::release(&mut tx, hits.pop().unwrap()).await.unwrap();
    limits::reserve(&mut tx, &RULE, "a", t0 + 20).await.unwrap();
    assert!(limits::reserve(&mut tx, &RULE, "a", t0 + 21).await.is_err());
    let later = t0 + RULE.window_ms + 1;
    limits::reserve(&mut tx, &RULE, "a", later).await.unwrap();
    assert_eq!(
        limits::blocked_until(&mut tx, &RULE, "a", later)
            .await
            .unwrap(),
        None
    );
    limits::clear(&mut tx, &RULE, "a").await.unwrap();
    for n in 0..5 {
        limits::reserve(&mut tx, &RULE, "a", later + n)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}
