//! The model's modules, in layers: each imports only layers below its own, so no import
//! circle can form (org and role once imported each other).

#[test]
fn modules_import_only_lower_layers() {
    orgdesk_layering::assert_layers(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        &[
            &[
                "error",
                "ids",
                "kind",
                "page",
                "plan",
                "slug",
                "security",
                "spreadsheet",
                "account",
                "built_in",
                "event",
            ],
            &["payment", "retention", "export"],
            &[
                "role",
                "project",
                "auth",
                "validate",
                "billing",
                "two_factor",
            ],
            &["member", "navigation", "usage", "policy", "event_data"],
            &["org", "api_key", "audit"],
            &["invitation", "webhook", "sso", "portfolio"],
        ],
    );
}
