//! The client's billing routes against the real server: a top-up retried with the same
//! idempotency key applies once; an API key meters usage; the ledger, reports and
//! statements (JSON and PDF) show it; the low-balance alert appears when it should.

use crate::common;

use orgdesk_client::{Client, Period};
use orgdesk_model::api_key::{ApiKeyScope, CreateApiKeyRequest};
use orgdesk_model::billing::{LedgerFilter, LedgerKind, Modality, TopUpRequest};
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::CreateProjectRequest;
use orgdesk_model::usage::UsageGroup;
use orgdesk_model::ErrorCode;

use common::server_with_ana;

#[tokio::test]
async fn top_up_meter_report_and_alert() {
    let (dir, server, grant) = server_with_ana().await;
    let base = server.base_url();
    let owner = Client::new(&base).unwrap().with_token(grant.token);
    let org = owner
        .create_org(&CreateOrgRequest {
            name: "Acme".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .org
        .id;
    let site = owner
        .create_project(
            org,
            &CreateProjectRequest {
                name: "Site".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // The same top-up sent twice with one key is applied once.
    let input = TopUpRequest {
        amount: 500,
        payment_reference: Some("INV-1".into()),
    };
    let first = owner
        .idempotent("topup-1")
        .top_up(org, &input)
        .await
        .unwrap();
    let again = owner
        .idempotent("topup-1")
        .top_up(org, &input)
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(owner.billing(org).await.unwrap().value.balance, 500);
    let other = TopUpRequest {
        amount: 1,
        payment_reference: None,
    };
    let err = owner
        .idempotent("topup-1")
        .top_up(org, &other)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::IdempotencyKeyReused);

    // An alert threshold, then usage metered with an API key brings the balance below it.
    owner
        .set_alerts(
            org,
            &orgdesk_model::billing::AlertSettings {
                low_balance_threshold: Some(100),
            },
        )
        .await
        .unwrap();
    let key = CreateApiKeyRequest {
        name: "CI".into(),
        project_id: Some(site.id),
        scopes: vec![ApiKeyScope::UsageWrite],
        expires_at: None,
    };
    let created = owner.create_api_key(org, &key).await.unwrap();
    assert!(created.secret.starts_with("odk_"));
    assert_eq!(owner.api_keys(org).await.unwrap().value.len(), 1);
    let http = reqwest::Client::new();
    for (n, quantity) in [(1, 100), (2, 100)] {
        let resp = http
            .post(format!("{base}/v1/usage"))
            .bearer_auth(&created.secret)
            .header("Idempotency-Key", format!("usage-{n}"))
            .json(&serde_json::json!({"project": "site", "modality": "text", "quantity": quantity}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    }
    let rate = owner.rates().await.unwrap().value;
    let text = rate
        .rates
        .iter()
        .find(|r| r.modality == Modality::Text)
        .unwrap();
    let spent = 200 * text.credits_per_unit;
    let summary = owner.billing(org).await.unwrap().value;
    assert_eq!(summary.balance, 500 - spent);
    assert_eq!(summary.low_balance_alert.is_some(), 500 - spent < 100);

    let usage = owner
        .ledger(
            org,
            &LedgerFilter {
                kind: Some(LedgerKind::Usage),
                ..Default::default()
            },
            None,
            50,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(usage.items.len(), 2);
    assert!(usage
        .items
        .iter()
        .all(|e| e.amount < 0 && e.project_id == Some(site.id)));

    let report = owner
        .usage_report(org, Period::default(), UsageGroup::Project)
        .await
        .unwrap();
    assert_eq!(report.value.total_credits, spent);
    assert_eq!(report.value.rows[0].label, "Site");
    let csv_path = dir.path().join("usage.csv");
    owner
        .usage_csv(org, Period::default(), UsageGroup::Day, &csv_path, |_| {})
        .await
        .unwrap();
    assert!(std::fs::read_to_string(&csv_path)
        .unwrap()
        .contains(&spent.to_string()));

    let invoices = owner.invoices(org).await.unwrap().value;
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].credits_added, 500);
    assert_eq!(invoices[0].credits_spent, spent);
    let invoice = owner.invoice(org, &invoices[0].id).await.unwrap().value;
    assert_eq!(invoice.summary.closing_balance, 500 - spent);
    let pdf_path = dir.path().join("statement.pdf");
    let bytes = owner
        .invoice_pdf(org, &invoices[0].id, &pdf_path, |_| {})
        .await
        .unwrap();
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert_eq!(bytes, pdf.len() as u64);
    assert!(pdf.starts_with(b"%PDF"), "a PDF");

    owner.revoke_api_key(org, created.key.id).await.unwrap();
    let resp = http
        .post(format!("{base}/v1/usage"))
        .bearer_auth(&created.secret)
        .header("Idempotency-Key", "usage-3")
        .json(&serde_json::json!({"project": "site", "modality": "text", "quantity": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "a revoked key no longer works");
    server.shutdown().await;
}
