//! The server's modules, in the layers docs/architecture.md draws: each imports only
//! layers below its own, so no import circle can form between domains.

#[test]
fn modules_import_only_lower_layers() {
    orgdesk_layering::assert_layers(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        &[
            &["stripe"],
            &["problem", "payments", "access", "owner_only"],
            &["sealing"],
            &["outbound"],
            &["config"],
            &["error"],
            &["db"],
            &["http", "mail", "limits", "connections", "cpu", "dns"],
            &["state"],
            &["membership", "auth"],
            &["audit", "idempotency", "reader"],
            &["ledger", "projects"],
            &["members", "invitations", "api_keys"],
            &["orgs", "webhooks"],
            &["billing", "signup", "accounts"],
            &["cards", "lifecycle", "sso"],
            &["subscriptions"],
            &[
                "usage",
                "invoices",
                "demo",
                "operator",
                "retention",
                "exports",
                "portfolio",
            ],
            &["card_payments"],
            &["openapi"],
            &["router"],
            &["periodic"],
            &["serve"],
        ],
    );
}
