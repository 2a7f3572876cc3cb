//! A server that stops mid-export: one that crashes leaves the export to the next server
//! once its lease runs out; one shut down gracefully gives it back, so the next server
//! restarts it at once. Either way it is written whole, once more, from scratch.

use std::time::{Duration, Instant};

use orgdesk_server::config::ExportConfig;
use orgdesk_server::Config;
use sha2::{Digest, Sha256};

use crate::export_fixtures::{csv_rows, download, fetch, many_members, start, unpack};
use crate::fixtures::acme;
use crate::harness::{on_both_backends, spawn_app_with, Backend, TestApp};

on_both_backends!(
    a_server_stopped_mid_export_finishes_it_after_restart,
    a_server_shut_down_mid_export_hands_it_on_at_once,
);

const MEMBERS: usize = 40_000;

async fn a_server_stopped_mid_export_finishes_it_after_restart(backend: Backend) {
    stopped_mid_export(backend, Duration::from_secs(3), true).await;
}

/// The lease is longer than the test waits: only the export given back explains a
/// restart in time.
async fn a_server_shut_down_mid_export_hands_it_on_at_once(backend: Backend) {
    stopped_mid_export(backend, Duration::from_secs(3_600), false).await;
}

async fn stopped_mid_export(backend: Backend, lease: Duration, crash: bool) {
    let mut app = spawn_app_with(backend, |config| Config {
        exports: ExportConfig { work: true, lease },
        ..config
    })
    .await;

    let (token, org) = acme(&app).await;
    many_members(&app, &org, MEMBERS).await;
    let id = start(&app, &token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = |app: &TestApp| {
        let (db, id) = (app.db.clone(), id.clone());
        async move {
            let row: (String, i64, i64) =
                sqlx::query_as("SELECT status, done, attempts FROM org_exports WHERE id = $1")
                    .bind(id)
                    .fetch_one(&db)
                    .await
                    .unwrap();
            row
        }
    };
    // The server's worker is writing it: stop the server as a crash would.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, done, _) = row(&app).await;
        assert_ne!(
            status, "ready",
            "the export ended before the server was stopped"
        );
        if status == "running" && done > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the worker never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    if crash {
        app.crash();
    } else {
        app.shutdown().await;
    }
    let (status, done, attempts) = row(&app).await;
    assert_eq!((status.as_str(), attempts), ("running", 1));
    assert!(done < i64::try_from(MEMBERS).unwrap(), "{done}");
    // A server on the same database takes it over (once the lease runs out, after a
    // crash), and ends it.
    app.restart(false).await;
    let deadline = Instant::now() + Duration::from_secs(90);
    let ready = loop {
        let export = fetch(&app, &token, "acme", &id).await;
        if export["status"] == "ready" {
            break export;
        }
        assert!(Instant::now() < deadline, "never taken over: {export}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(row(&app).await.2, 2, "restarted once");
    let bytes = download(&app, &token, "acme", &id).await;
    assert_eq!(ready["sha256"], hex::encode(Sha256::digest(&bytes)));
    let files = unpack(&bytes);
    let (_, members) = csv_rows(&files["members.csv"]);
    assert_eq!(members.len(), MEMBERS + 1);
}
