//! The theme a person chose: kept in the preferences file across launches, and the shade
//! (and window background) it paints on a light or a dark desktop.

use std::sync::Arc;

use orgdesk_app_core::appearance::{Appearance, Shade};
use orgdesk_app_core::prefs::{JsonFilePrefs, Prefs, ThemeChoice};

fn open(path: &std::path::Path) -> Appearance {
    Appearance::new(Prefs::new(Arc::new(JsonFilePrefs::open(path))))
}

#[test]
fn the_chosen_theme_is_kept_across_launches_and_defaults_to_the_desktops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prefs.json");
    assert_eq!(
        open(&path).theme(),
        ThemeChoice::System,
        "nothing chosen yet"
    );

    open(&path).set_theme(ThemeChoice::Dark).unwrap();
    let relaunched = open(&path);
    assert_eq!(relaunched.theme(), ThemeChoice::Dark);
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        file["theme"], "dark",
        "stored by name, readable by a person"
    );

    relaunched.set_theme(ThemeChoice::Light).unwrap();
    assert_eq!(open(&path).theme(), ThemeChoice::Light);
    open(&path).set_theme(ThemeChoice::System).unwrap();
    assert_eq!(open(&path).theme(), ThemeChoice::System);
}

#[test]
fn a_theme_that_cannot_be_read_is_the_desktops_and_the_other_preferences_stay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prefs.json");
    std::fs::write(
        &path,
        br#"{"theme": "sepia", "sign_in_hint": {"server_url": null, "email": "ana@example.com"}}"#,
    )
    .unwrap();
    let prefs = Prefs::new(Arc::new(JsonFilePrefs::open(&path)));
    assert_eq!(prefs.theme(), ThemeChoice::System);
    prefs.set_theme(ThemeChoice::Dark).unwrap();
    let again = Prefs::new(Arc::new(JsonFilePrefs::open(&path)));
    assert_eq!(again.theme(), ThemeChoice::Dark);
    assert_eq!(
        again.sign_in_hint().email.as_deref(),
        Some("ana@example.com")
    );
}

#[test]
fn each_choice_paints_its_shade_and_the_windows_background_matches_the_page() {
    use ThemeChoice::*;
    assert_eq!(System.shade(Shade::Dark), Shade::Dark);
    assert_eq!(System.shade(Shade::Light), Shade::Light);
    assert_eq!(Light.shade(Shade::Dark), Shade::Light);
    assert_eq!(Dark.shade(Shade::Light), Shade::Dark);

    // The window paints what the page's stylesheet and its first inline style paint.
    let ui = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/app/");
    let css = ["app.css", "dark.css"]
        .map(|f| std::fs::read_to_string(format!("{ui}{f}")).unwrap())
        .concat();
    let html = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/index.html"))
        .unwrap();
    for shade in [Shade::Light, Shade::Dark] {
        let [r, g, b] = shade.background();
        let hex = format!("#{r:02x}{g:02x}{b:02x}");
        assert!(
            css.contains(&format!("--bg: {hex};")),
            "the stylesheets have --bg: {hex}"
        );
        assert!(html.contains(&hex), "index.html paints {hex} first");
    }
}
