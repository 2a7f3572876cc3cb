//! The app core's modules, in the layers docs/architecture.md draws: each imports only
//! layers below its own, so no import circle can form.

#[test]
fn modules_import_only_lower_layers() {
    orgdesk_layering::assert_layers(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        &[
            &["secrets", "staleness", "navigation", "owner_only"],
            &["store"],
            &["error"],
            &["host", "prefs"],
            &["signed_in", "appearance"],
            &["connectivity"],
            &["reads", "outbox", "exports", "alerts", "loopback"],
            &[
                "logo",
                "api_keys",
                "audit",
                "invitations",
                "members",
                "projects",
                "sessions",
                "two_factor",
                "security",
                "account_mail",
                "webhooks",
                "org_exports",
                "retention",
                "org_sso",
                "tray",
                "portfolio",
            ],
            &["orgs", "billing", "payments", "session"],
            &["account", "sso_sign_in"],
            &["services"],
        ],
    );
}
