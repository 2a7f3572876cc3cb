//! The matrix's rows for the retention routes.

use super::table::{row, with_body, Row};

/// Retention: owners and admins read and change it; the periods fit every plan's bounds.
pub fn rows() -> Vec<Row> {
    const MANAGERS: &str = "401 404 403 403 200 200";
    vec![
        row("GET", "/v1/orgs/{org}/retention", MANAGERS),
        with_body(
            "PUT",
            "/v1/orgs/{org}/retention",
            r#"{"audit_log":14,"usage_events":30,"webhook_deliveries":7,"mail_copies":7,"archived_projects":30}"#,
            MANAGERS,
        ),
    ]
}
