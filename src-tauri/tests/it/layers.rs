//! The shell's modules, in layers: the adapters (events, keychain, built-in server, deep
//! links, host) below the commands that use them.

#[test]
fn modules_import_only_lower_layers() {
    orgdesk_layering::assert_layers(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        &[
            &[
                "card_window",
                "deeplink",
                "embedded",
                "events",
                "host",
                "keychain",
                "labels",
                "main_window",
                "rendering",
            ],
            &["windows"],
            &["commands", "notices", "tray"],
        ],
    );
}
