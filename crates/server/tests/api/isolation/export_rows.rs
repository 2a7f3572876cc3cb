//! The matrix's rows for the org export routes: owners and admins only (the
//! `manage_security` capability); sessions only, so an API key gets 401 (see
//! `read_keys.rs`). The matrix's server writes no exports, so the tenant's export stays
//! queued and its download answers 409 `export_not_ready` to those who may download.

use super::table::{row, Id, Row};

pub fn rows() -> Vec<Row> {
    const MANAGERS: &str = "401 404 403 403 200 200";
    let on = |id: Id, row: Row| Row { id, ..row };
    vec![
        row("GET", "/v1/orgs/{org}/exports", MANAGERS),
        // The queued export is answered again: nothing new, nothing changed.
        row("POST", "/v1/orgs/{org}/exports", "401 404 403 403 202 202"),
        on(
            Id::Export,
            row("GET", "/v1/orgs/{org}/exports/{id}", MANAGERS),
        ),
        on(
            Id::Export,
            row(
                "GET",
                "/v1/orgs/{org}/exports/{id}/download",
                "401 404 403 403 409 409",
            ),
        ),
    ]
}
