//! The matrix's rows for the webhook routes.

use super::table::{public, row, with_body, Body, Id, Row};

/// Webhooks: owners and admins only; the matrix's server allows http on loopback, and
/// port 9 there refuses every delivery.
pub fn rows() -> Vec<Row> {
    const MANAGERS: &str = "401 404 403 403 200 200";
    let on = |id: Id, row: Row| Row { id, ..row };
    vec![
        public(
            "GET",
            "/v1/webhook-events",
            Body::None,
            "401 200 200 200 200 200",
        ),
        row("GET", "/v1/orgs/{org}/webhooks", MANAGERS),
        with_body(
            "POST",
            "/v1/orgs/{org}/webhooks",
            r#"{"url":"http://127.0.0.1:9/m{uniq}","all_events":true}"#,
            "401 404 403 403 201 201",
        ),
        on(
            Id::Webhook,
            row("GET", "/v1/orgs/{org}/webhooks/{id}", MANAGERS),
        ),
        on(
            Id::Webhook,
            with_body(
                "PATCH",
                "/v1/orgs/{org}/webhooks/{id}",
                r#"{"description":"d{uniq}"}"#,
                MANAGERS,
            ),
        ),
        on(
            Id::Webhook,
            row(
                "DELETE",
                "/v1/orgs/{org}/webhooks/{id}",
                "401 404 403 403 204 204",
            ),
        ),
        on(
            Id::Webhook,
            row(
                "POST",
                "/v1/orgs/{org}/webhooks/{id}/test",
                "401 404 403 403 202 202",
            ),
        ),
        on(
            Id::Webhook,
            row(
                "POST",
                "/v1/orgs/{org}/webhooks/{id}/rotate-secret",
                MANAGERS,
            ),
        ),
        on(
            Id::Webhook,
            row("GET", "/v1/orgs/{org}/webhooks/{id}/deliveries", MANAGERS),
        ),
        on(
            Id::Delivery,
            row("GET", "/v1/orgs/{org}/webhooks/deliveries/{id}", MANAGERS),
        ),
        on(
            Id::Delivery,
            row(
                "POST",
                "/v1/orgs/{org}/webhooks/deliveries/{id}/redeliver",
                "401 404 403 403 202 202",
            ),
        ),
    ]
}
