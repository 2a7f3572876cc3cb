//! The client's modules, in layers: the read keys and the cache seam below the HTTP
//! plumbing, one module per domain above them.

#[test]
fn modules_import_only_lower_layers() {
    orgdesk_layering::assert_layers(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        &[
            &["keys", "error"],
            &["cache", "download"],
            &["http"],
            &[
                "account",
                "api_keys",
                "audit",
                "billing",
                "invitations",
                "lifecycle",
                "members",
                "orgs",
                "payments",
                "projects",
                "security",
                "sso",
                "webhooks",
            ],
        ],
    );
}
