//! Usage reports (JSON and CSV) and monthly statements (JSON and PDF, read back by text
//! extraction).

use chrono::{Datelike, Months, NaiveDate, Utc};
use orgdesk_model::billing::{LedgerKind, Modality};
use orgdesk_server::ledger::{post, Posting};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::{top_up, usage, usage_key};

on_both_backends!(
    usage_reports_group_by_project_person_and_day,
    statements_are_monthly_from_the_ledger_as_json_and_pdf,
);

fn rows(report: &Value) -> Vec<(String, i64, i64)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_owned(),
                r["credits"].as_i64().unwrap(),
                r["events"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn usage_reports_group_by_project_person_and_day(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let mia = app.signup_named("mia@example.com", "Mia Okafor").await;
    app.add_member(&org, &mia.user_id, "member").await;
    let web = app.new_project(&owner, "acme", "Web, \"new\"").await;
    let app_project = app.new_project(&owner, "acme", "App").await;
    let (web, mobile) = (
        web["id"].as_str().unwrap(),
        app_project["id"].as_str().unwrap(),
    );
    top_up(&app, &owner, "acme", 1000).await;
    let secret = usage_key(&app, &owner, &org).await;
    let spend = [
        (web, "text", 10, Some(&mia.user_id)),    // 20
        (web, "image", 1, None),                  // 40
        (mobile, "audio", 2, Some(&mia.user_id)), // 12
    ];
    for (n, (project, modality, quantity, user)) in spend.into_iter().enumerate() {
        let body =
            json!({ "project": project, "modality": modality, "quantity": quantity, "user": user });
        expect_json(
            usage(&app, &secret, &format!("r{n}"), &body).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let by_project = expect_json(
        app.get("/v1/orgs/acme/usage?group_by=project", &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        rows(&by_project),
        [
            ("Web, \"new\"".to_owned(), 60, 2),
            ("App".to_owned(), 12, 1)
        ]
    );
    assert_eq!(by_project["total_credits"], 72);
    assert_eq!(by_project["rows"][0]["key"], web);
    let by_user = expect_json(
        app.get("/v1/orgs/acme/usage?group_by=user", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        rows(&by_user),
        [
            ("Not attributed".to_owned(), 40, 1),
            ("Mia Okafor".to_owned(), 32, 2)
        ]
    );
    let by_day = expect_json(
        app.get("/v1/orgs/acme/usage?group_by=day", &owner).await,
        StatusCode::OK,
    )
    .await;
    let today = Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(rows(&by_day), [(today.clone(), 72, 3)]);
    let empty = expect_json(
        app.get(
            "/v1/orgs/acme/usage?group_by=day&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z",
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(empty["rows"].as_array().unwrap().is_empty());
    let backwards = app
        .get(
            "/v1/orgs/acme/usage?group_by=day&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            &owner,
        )
        .await;
    expect_problem(
        backwards,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let missing = app.get("/v1/orgs/acme/usage", &owner).await;
    expect_problem(missing, StatusCode::BAD_REQUEST, "malformed_request").await;

    let csv = app
        .get("/v1/orgs/acme/reports/usage.csv?group_by=project", &owner)
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"usage-acme-by-project-"),
        "{disposition}"
    );
    // The last line says when the figures are from.
    let without_as_of = |text: String| {
        let (body, last) = text.trim_end().rsplit_once('\n').unwrap();
        assert!(
            last.starts_with("as_of,20") && last.ends_with("Z,,"),
            "{last}"
        );
        format!("{body}\n")
    };
    let text = without_as_of(csv.text().await.unwrap());
    assert_eq!(
        text,
        format!("project_id,project,credits,events\n{web},\"Web, \"\"new\"\"\",60,2\n{mobile},App,12,1\ntotal,,72,3\n")
    );
    let by_day = app
        .get("/v1/orgs/acme/reports/usage.csv?group_by=day", &owner)
        .await;
    assert_eq!(
        without_as_of(by_day.text().await.unwrap()),
        format!("date,day,credits,events\n{today},{today},72,3\ntotal,,72,3\n")
    );
}

/// Noon on the 15th, `back` months before this one, in unix milliseconds.
fn months_ago(back: u32) -> (i64, String) {
    let now = Utc::now();
    let first = NaiveDate::from_ymd_opt(now.year(), now.month(), 1).unwrap();
    let day = first.checked_sub_months(Months::new(back)).unwrap();
    let at = day
        .with_day(15)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    (at.timestamp_millis(), day.format("%Y-%m").to_string())
}

async fn backdate(app: &TestApp, org: &str, at: i64, posting: Posting<'_>) {
    let mut conn = app.db.acquire().await.unwrap();
    post(&mut conn, org.parse().unwrap(), &posting, at)
        .await
        .unwrap();
}

fn spent(project: &str, modality: Modality, quantity: i64, amount: i64) -> Posting<'static> {
    let mut posting = Posting::new(LedgerKind::Usage, -amount, "usage");
    posting.project_id = Some(project.parse().unwrap());
    posting.modality = Some(modality);
    posting.quantity = Some(quantity);
    posting.rate_version = Some(1);
    posting
}

async fn statements_are_monthly_from_the_ledger_as_json_and_pdf(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let web = app.new_project(&owner, "acme", "Website").await;
    let mobile = app.new_project(&owner, "acme", "Mobile app").await;
    let (web, mobile) = (web["id"].as_str().unwrap(), mobile["id"].as_str().unwrap());
    let (two_ago, m2) = months_ago(2);
    let (one_ago, m1) = months_ago(1);
    let mut bought = Posting::new(LedgerKind::TopUp, 5000, "Top-up");
    bought.reference = Some("INV-OLD-7".to_owned());
    backdate(&app, &org, two_ago, bought).await;
    backdate(
        &app,
        &org,
        two_ago + 1,
        spent(web, Modality::Text, 500, 1000),
    )
    .await;
    let mut bought = Posting::new(LedgerKind::TopUp, 2500, "Top-up");
    bought.reference = Some("INV-2026-0042".to_owned());
    backdate(&app, &org, one_ago, bought).await;
    backdate(
        &app,
        &org,
        one_ago + 1,
        spent(web, Modality::Image, 10, 400),
    )
    .await;
    backdate(&app, &org, one_ago + 2, spent(web, Modality::Image, 5, 200)).await;
    backdate(
        &app,
        &org,
        one_ago + 3,
        spent(mobile, Modality::Text, 1200, 2400),
    )
    .await;
    top_up(&app, &owner, "acme", 100).await;

    let list = expect_json(
        app.get("/v1/orgs/acme/invoices", &owner).await,
        StatusCode::OK,
    )
    .await;
    let items = list["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let current = Utc::now().format("%Y-%m").to_string();
    assert_eq!(ids, [current.as_str(), m1.as_str(), m2.as_str()]);
    let figures = |i: &Value| {
        [
            "opening_balance",
            "credits_added",
            "credits_spent",
            "closing_balance",
        ]
        .map(|f| i[f].as_i64().unwrap())
    };
    assert_eq!(figures(&items[2]), [0, 5000, 1000, 4000]);
    assert_eq!(figures(&items[1]), [4000, 2500, 3000, 3500]);
    assert_eq!(figures(&items[0]), [3500, 100, 0, 3600]);
    assert_eq!(
        (items[0]["closed"].as_bool(), items[1]["closed"].as_bool()),
        (Some(false), Some(true))
    );
    assert!(items[1]["period_start"].as_str().unwrap().ends_with("-01"));
    let first = expect_json(
        app.get("/v1/orgs/acme/invoices?limit=2", &owner).await,
        StatusCode::OK,
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = expect_json(
        app.get(
            &format!("/v1/orgs/acme/invoices?limit=2&cursor={cursor}"),
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"][0]["id"], m2.as_str());
    assert!(rest["next_cursor"].is_null());

    let invoice = expect_json(
        app.get(&format!("/v1/orgs/acme/invoices/{m1}"), &owner)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(invoice["org_name"], "Acme");
    assert_eq!(invoice["summary"], items[1]);
    let lines: Vec<(String, Value, i64)> = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["description"].as_str().unwrap().to_owned(),
                l["quantity"].clone(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines.len(), 3, "{invoice}");
    assert!(
        lines[0].0.starts_with("Top-up ") && lines[0].0.ends_with("(INV-2026-0042)"),
        "{lines:?}"
    );
    assert_eq!((lines[0].1.clone(), lines[0].2), (Value::Null, 2500));
    assert_eq!(
        lines[1],
        (
            "Usage: Mobile app, text (per 1,000 tokens)".to_owned(),
            json!(1200),
            -2400
        )
    );
    assert_eq!(
        lines[2],
        (
            "Usage: Website, image (per image)".to_owned(),
            json!(15),
            -600
        )
    );
    for missing in ["2020-01", "2026-13", "nonsense"] {
        let response = app
            .get(&format!("/v1/orgs/acme/invoices/{missing}"), &owner)
            .await;
        expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }

    let pdf = app
        .request(
            Method::GET,
            &format!("/v1/orgs/acme/invoices/{m1}"),
            Some(&owner),
        )
        .header("accept", "application/pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let disposition = pdf.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"orgdesk-statement-acme-{m1}.pdf\"")
    );
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    for want in [
        "Credit statement",
        "Acme",
        &format!("statement {m1}"),
        "INV-2026-0042",
        "Usage: Mobile app, text (per 1,000 tokens)",
        "Usage: Website, image (per image)",
        "+2,500",
        "-2,400",
        "1,200",
        "Opening balance",
        "4,000",
        "Credits spent",
        "-3,000",
        "Closing balance",
        "3,500",
        "Figures as of ",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let response = app
        .get(&format!("/v1/orgs/acme/invoices/{m1}"), &member.token)
        .await;
    expect_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
}
