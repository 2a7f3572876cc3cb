//! The periodic task as `serve` runs it: on an interval from the configuration, running
//! the retention purge; an instance with it turned off purges nothing.

use std::time::Duration;

use orgdesk_server::config::PeriodicConfig;
use orgdesk_server::Config;

use crate::harness::{on_both_backends, spawn_app_with, Backend, TestApp};

on_both_backends!(the_task_purges_on_its_interval_unless_turned_off);

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn every(run: bool, interval: Duration) -> impl FnOnce(Config) -> Config {
    move |config| Config {
        periodic: PeriodicConfig { run, interval },
        ..config
    }
}

/// Puts every audit event of every org 40 days back (the free plan keeps 30).
async fn age_the_log(app: &TestApp) -> i64 {
    sqlx::query("UPDATE audit_events SET created_at = created_at - $1")
        .bind(40 * DAY_MS)
        .execute(&app.db)
        .await
        .unwrap()
        .rows_affected()
        .try_into()
        .unwrap()
}

async fn purged(app: &TestApp) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'org.data_purged'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    n
}

async fn the_task_purges_on_its_interval_unless_turned_off(backend: Backend) {
    // Turned off (with an interval that would have run many times): nothing goes.
    let quiet = spawn_app_with(backend, every(false, Duration::from_millis(20))).await;
    let ana = quiet.signup("ana@example.com").await;
    quiet.new_org(&ana.token, "Acme").await;
    assert!(age_the_log(&quiet).await > 0);
    // Some fifteen of its intervals: a negative can only be waited for.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        purged(&quiet).await,
        0,
        "an instance with the task off purged"
    );
    // Another instance with it on purges within a few of its intervals.
    let busy = quiet
        .another_instance(every(true, Duration::from_millis(50)))
        .await
        .unwrap();
    let mut seen = 0;
    for _ in 0..200 {
        seen = purged(&quiet).await;
        if seen > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen > 0, "the running instance purged nothing");
    busy.shutdown().await;
    let (left,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action <> 'org.data_purged'")
            .fetch_one(&quiet.db)
            .await
            .unwrap();
    assert_eq!(left, 0);
}
