//! Attack 7, exports: the webview once named the path each export wrote to, so a page
//! running in it could have any file written. Now each export command opens the save
//! dialog itself and writes only where the user chose; the UI suggests a file name, and
//! whatever path it still sends is ignored. A cancelled dialog writes nothing and is no
//! error.

use crate::common;

use std::sync::Arc;

use common::{app_with_dialog, invoke, server, window, ScriptedDialog};
use orgdesk_app_core::secrets::MemorySecrets;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn exports_write_only_where_the_save_dialog_answers() {
    let (server, _server_dir) = server().await;
    let app_dir = tempfile::tempdir().unwrap();
    let dialog = Arc::new(ScriptedDialog::default());
    let app = app_with_dialog(
        app_dir.path(),
        Arc::new(MemorySecrets::default()),
        dialog.clone(),
    );
    let window = window(&app);
    let input = json!({"server_url": server.base_url(), "email": "ana@example.com",
        "password": "correct horse battery", "display_name": "Ana Lima"});
    invoke(&window, "sign_up", json!({ "input": input })).unwrap();
    let org = invoke(&window, "create_org", json!({"input": {"name": "Acme"}})).unwrap();
    let org_id = org["org"]["id"].clone();
    let top_up = json!({"orgId": org_id, "input": {"amount": 300, "payment_reference": null},
        "requestId": "t-1"});
    invoke(&window, "top_up", top_up).unwrap();

    let out = tempfile::tempdir().unwrap();
    let chosen = out.path().join("chosen.csv");
    let named_by_the_page = out.path().join("named-by-the-page.csv");
    dialog.will_answer(Some(chosen.clone()));
    let export = json!({"orgId": org_id, "filter": {}, "format": "csv",
        "fileName": "../../acme-audit", "path": named_by_the_page,
        "progress": "__CHANNEL__:1"});
    let done = invoke(&window, "export_audit_log", export).expect("exported");
    assert_eq!(done["path"], chosen.display().to_string());
    let csv = std::fs::read_to_string(&chosen).unwrap();
    assert!(csv.contains("org.created"), "{csv}");
    assert!(!named_by_the_page.exists(), "nothing where the page said");
    let asked = dialog.asked.lock().unwrap().last().cloned().unwrap();
    assert_eq!(asked.title, "Export the audit log");
    assert_eq!(asked.file_name, "acme-audit.csv", "a name, never a path");

    // The usage CSV and a statement's PDF, each where its dialog answered.
    let usage = out.path().join("usage.csv");
    dialog.will_answer(Some(usage.clone()));
    let export = json!({"orgId": org_id, "from": null, "to": null, "groupBy": "project",
        "fileName": "acme-usage.csv", "progress": "__CHANNEL__:2"});
    invoke(&window, "export_usage_csv", export).expect("usage exported");
    assert!(std::fs::read_to_string(&usage)
        .unwrap()
        .starts_with("project_id,"));
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let pdf = out.path().join("statement.pdf");
    dialog.will_answer(Some(pdf.clone()));
    let save = json!({"orgId": org_id, "month": month, "fileName": "acme-statement.pdf",
        "progress": "__CHANNEL__:3"});
    invoke(&window, "save_invoice_pdf", save).expect("statement saved");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let titles: Vec<&str> = dialog
        .asked
        .lock()
        .unwrap()
        .iter()
        .map(|a| a.title)
        .collect();
    assert_eq!(
        titles,
        ["Export the audit log", "Export usage", "Save the statement"]
    );

    // Cancelled: no file, no error.
    dialog.will_answer(None);
    let export = json!({"orgId": org_id, "from": null, "to": null, "groupBy": "project",
        "fileName": "again.csv", "progress": "__CHANNEL__:4"});
    let cancelled = invoke(&window, "export_usage_csv", export).expect("no error");
    assert!(cancelled.is_null(), "{cancelled}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 3);
}
