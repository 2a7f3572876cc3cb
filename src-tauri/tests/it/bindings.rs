//! The TypeScript bindings under `ui/` are generated from the commands. This test fails
//! when the committed file no longer matches what the code generates.

use std::path::Path;

#[test]
fn bindings_are_fresh() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    if std::env::var_os("ORGDESK_WRITE_BINDINGS").is_some() {
        orgdesk_app::export_bindings(&committed).expect("bindings written");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    orgdesk_app::export_bindings(&fresh).expect("bindings generated");
    let fresh = std::fs::read_to_string(fresh).unwrap();
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        fresh == current,
        "ui/src/lib/bindings.ts is stale: run `ORGDESK_WRITE_BINDINGS=1 cargo test -p orgdesk-app \
         --test bindings` and commit the result"
    );
}
