//! Org exports: the ZIP checked file by file against the database (counts, the ledger's
//! sum, the manifest's hashes, no secret anywhere). The job is driven with a clock the
//! test holds (the server's own worker is off).

use std::collections::{BTreeMap, BTreeSet};

use orgdesk_server::exports::job::{self, Outcome};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::export_fixtures::{
    count, csv_rows, download, fetch, many_events, many_members, now, quiet_app, start, unpack,
    FILES, LEASE,
};
use crate::fixtures::{acme, invite_one};
use crate::harness::{expect_json, on_both_backends, Backend};
use crate::money::{new_key, top_up, usage};

on_both_backends!(the_archive_holds_the_org_and_no_secret,);

async fn the_archive_holds_the_org_and_no_secret(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, org) = acme(&app).await;
    let project = app.new_project(&token, "acme", "=HYPERLINK(evil)").await;
    let project_id = project["id"].as_str().unwrap().to_owned();
    let (_, invitation_token) = invite_one(&app, &token, "guest@example.com").await;
    let (_, key_secret) = new_key(
        &app,
        &token,
        "acme",
        json!({ "name": "+metering", "scopes": ["usage:write", "read"] }),
    )
    .await;
    let hook = expect_json(
        app.post_json(
            "/v1/orgs/acme/webhooks",
            Some(&token),
            &json!({ "url": "http://127.0.0.1:9/export-test", "all_events": true }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let webhook_secret = hook["secret"].as_str().unwrap().to_owned();
    top_up(&app, &token, "acme", 5_000).await;
    top_up(&app, &token, "acme", 700).await;
    for n in 0..3 {
        let body = json!({ "project": project_id, "modality": "text", "quantity": 10 + n });
        let answer = usage(&app, &key_secret, &format!("u{n}"), &body).await;
        assert_eq!(
            answer.status(),
            StatusCode::CREATED,
            "{:?}",
            answer.text().await
        );
    }
    many_members(&app, &org, 2_100).await;
    many_events(&app, &org, 2_500).await;

    let export = start(&app, &token, "acme").await;
    assert_eq!(export["status"], "queued");
    let id = export["id"].as_str().unwrap().to_owned();
    let outcome = job::step(&app.store, now(), LEASE).await.unwrap();
    assert_eq!(outcome, Outcome::Ready(id.parse().unwrap()));
    let ready = fetch(&app, &token, "acme", &id).await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["progress"]["done"], ready["progress"]["total"]);
    let bytes = download(&app, &token, "acme", &id).await;
    assert_eq!(ready["size"], bytes.len());
    assert_eq!(ready["sha256"], hex::encode(Sha256::digest(&bytes)));
    let files = unpack(&bytes);
    assert_eq!(
        files.keys().cloned().collect::<BTreeSet<_>>(),
        FILES.iter().map(|f| (*f).to_owned()).collect()
    );

    // The manifest: every other file, its records and its hash.
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["org_id"], org);
    assert!(manifest["exported_at"].as_str().unwrap().starts_with("20"));
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), FILES.len() - 1);
    let mut rows_of = BTreeMap::new();
    for file in listed {
        let name = file["name"].as_str().unwrap();
        let content = &files[name];
        assert_eq!(
            file["sha256"],
            hex::encode(Sha256::digest(content)),
            "{name}"
        );
        assert_eq!(file["bytes"], content.len(), "{name}");
        rows_of.insert(name.to_owned(), file["rows"].as_i64().unwrap());
    }

    let org_json: Value = serde_json::from_slice(&files["org.json"]).unwrap();
    assert_eq!(org_json["id"], org);
    assert_eq!(org_json["slug"], "acme");
    assert_eq!(org_json["balance"], crate::money::balance(&app, &org).await);

    let checks = [
        (
            "members.csv",
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1",
        ),
        (
            "invitations.csv",
            "SELECT COUNT(*) FROM invitations WHERE org_id = $1",
        ),
        (
            "projects.csv",
            "SELECT COUNT(*) FROM projects WHERE org_id = $1",
        ),
        (
            "ledger.csv",
            "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1",
        ),
        (
            "usage.csv",
            "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'usage'",
        ),
        (
            "api-keys.csv",
            "SELECT COUNT(*) FROM api_keys WHERE org_id = $1",
        ),
        (
            "webhooks.csv",
            "SELECT COUNT(*) FROM webhooks WHERE org_id = $1",
        ),
    ];
    for (file, sql) in checks {
        let (_, rows) = csv_rows(&files[file]);
        let expected = count(&app, sql, &org).await;
        assert_eq!(rows.len() as i64, expected, "{file}");
        assert_eq!(rows_of[file], expected, "{file} in the manifest");
    }
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1",
            &org
        )
        .await
            > 2_000
    );

    // Members: every one, once, with the owner named so.
    let (_, members) = csv_rows(&files["members.csv"]);
    let ids: BTreeSet<&str> = members.iter().map(|m| m["user_id"].as_str()).collect();
    assert_eq!(ids.len(), members.len());
    let owners: Vec<_> = members.iter().filter(|m| m["role"] == "owner").collect();
    assert_eq!(owners.len(), 1);
    assert_eq!(owners[0]["email"], "ana@example.com");

    // The ledger: its sum is the balance, line by line as stored.
    let (_, ledger) = csv_rows(&files["ledger.csv"]);
    let sum: i64 = ledger
        .iter()
        .map(|l| l["amount"].parse::<i64>().unwrap())
        .sum();
    let (stored,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries WHERE org_id = $1",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(sum, stored);
    assert_eq!(sum, crate::money::balance(&app, &org).await);
    let (_, usage_rows) = csv_rows(&files["usage.csv"]);
    let quantities: i64 = usage_rows
        .iter()
        .map(|u| u["quantity"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(quantities, 10 + 11 + 12);

    // Formula-looking text opens as text.
    let (_, projects) = csv_rows(&files["projects.csv"]);
    assert!(projects.iter().any(|p| p["name"] == "'=HYPERLINK(evil)"));
    let (_, keys) = csv_rows(&files["api-keys.csv"]);
    assert_eq!(keys[0]["name"], "'+metering");

    // The audit log: every event of the org (the export's own among them), once.
    let lines: Vec<Value> = std::str::from_utf8(&files["audit-log.jsonl"])
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
        &org,
    )
    .await;
    assert_eq!(lines.len() as i64, events);
    assert_eq!(rows_of["audit-log.jsonl"], events);
    let unique: BTreeSet<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), lines.len());
    let created: Vec<&Value> = lines
        .iter()
        .filter(|l| l["action"] == "org.export_created")
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["details"], json!({ "export_id": id }));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["details"]["n"].is_number())
            .count(),
        2_500
    );

    // No secret, hash or token of the database, nor one handed out, anywhere.
    let mut secrets = vec![token.clone(), key_secret, webhook_secret, invitation_token];
    for sql in [
        "SELECT token_hash FROM invitations",
        "SELECT token_hash FROM sessions",
        "SELECT password_hash FROM users WHERE password_hash <> 'x'",
        "SELECT secret_hash FROM api_keys",
        "SELECT secret_sealed FROM webhooks",
    ] {
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&app.db).await.unwrap();
        assert!(!rows.is_empty(), "{sql}");
        secrets.extend(rows.into_iter().map(|(s,)| s));
    }
    for (name, content) in files
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .chain([("the ZIP", bytes.as_slice())])
    {
        let text = String::from_utf8_lossy(content);
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{name} holds {secret}");
        }
    }
}
