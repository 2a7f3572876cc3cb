//! The matrix's rows for the SSO domain routes: owners and admins only (the
//! `manage_security` capability), sessions only. The tenant claims a domain its DNS
//! server (on loopback) has no record for, so verifying it answers 422
//! `domain_not_verified` to those who may.

use super::table::{row, with_body, Row};

pub fn rows() -> Vec<Row> {
    const MANAGERS: &str = "401 404 403 403 200 200";
    vec![
        row("GET", "/v1/orgs/{org}/domains", MANAGERS),
        with_body(
            "POST",
            "/v1/orgs/{org}/domains",
            r#"{"domain":"d{uniq}.example"}"#,
            "401 404 403 403 201 201",
        ),
        row(
            "POST",
            "/v1/orgs/{org}/domains/{domain}/verify",
            "401 404 403 403 422 422",
        ),
        row(
            "DELETE",
            "/v1/orgs/{org}/domains/{domain}",
            "401 404 403 403 204 204",
        ),
    ]
}
