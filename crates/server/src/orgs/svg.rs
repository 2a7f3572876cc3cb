//! SVG logos are drawn once, on upload, into a PNG, and only the PNG is stored and served.
//!
//! An SVG is a program as much as a picture: scripts, event handlers (`<svg/onload=…>`,
//! `x="1"onload=…`), `javascript:` links however they are spelled (`&#106;avascript:`),
//! external files. No filter over its text catches every spelling of those, so none is
//! tried: resvg reads the document as XML, as a browser would, and draws what it
//! describes, running nothing. The PNG it draws holds pixels and nothing else. External
//! files are never read (an `<image>` may embed a `data:` URL, never name a path), and
//! text is drawn with the fonts installed where the server runs.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// The longer side of a drawn logo, in pixels: sharp at every size the app shows.
pub const SIDE: u32 = 512;

/// Why an SVG could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum SvgError {
    #[error("the SVG cannot be read: {0}")]
    Unreadable(String),
    #[error("the SVG has no area to draw")]
    Empty,
    #[error("the drawing cannot be encoded as PNG: {0}")]
    Encode(String),
}

/// The fonts installed here, read once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    Arc::clone(FONTS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_system_fonts();
        Arc::new(fonts)
    }))
}

/// Draws `svg` into a PNG whose longer side is [`SIDE`] pixels, keeping its proportions.
/// CPU-bound: call it off the async runtime (`spawn_blocking`).
pub fn to_png(svg: &[u8]) -> Result<Vec<u8>, SvgError> {
    let options = usvg::Options {
        resources_dir: None,
        fontdb: fonts(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            // A path or URL in `href`: nothing is read.
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_data(svg, &options).map_err(|e| SvgError::Unreadable(e.to_string()))?;
    let size = tree.size();
    let longer = size.width().max(size.height());
    if !longer.is_finite() || longer <= 0.0 {
        return Err(SvgError::Empty);
    }
    let scale = SIDE as f32 / longer;
    let side = |length: f32| ((length * scale).round() as u32).clamp(1, SIDE);
    let mut pixmap =
        tiny_skia::Pixmap::new(side(size.width()), side(size.height())).ok_or(SvgError::Empty)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| SvgError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    fn dimensions(png: &[u8]) -> (u32, u32) {
        let at = |i: usize| u32::from_be_bytes(png[i..i + 4].try_into().unwrap());
        (at(16), at(20))
    }

    #[test]
    fn draws_to_a_png_of_the_svg_proportions() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20" fill="red"/></svg>"#;
        let png = to_png(svg).unwrap();
        assert!(png.starts_with(PNG_SIGNATURE));
        assert_eq!(dimensions(&png), (512, 256));
    }

    #[test]
    fn active_content_leaves_nothing_but_pixels() {
        for attack in [
            &br#"<svg xmlns="http://www.w3.org/2000/svg"/onload="alert(1)"><rect width="4" height="4"/></svg>"#[..],
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect x="1"onload="alert(1)" width="2" height="2"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="4" height="4"><a xlink:href="&#106;avascript:alert(1)"><rect width="4" height="4"/></a><script>alert(2)</script></svg>"#,
        ] {
            // Not every one of these is well-formed XML; those that are become a PNG.
            if let Ok(png) = to_png(attack) {
                assert!(png.starts_with(PNG_SIGNATURE));
                for word in [&b"alert"[..], b"onload", b"javascript", b"script"] {
                    assert!(!png.windows(word.len()).any(|w| w == word));
                }
            }
        }
    }

    #[test]
    fn files_named_in_the_svg_are_never_read() {
        let dir = std::env::temp_dir().join(format!("orgdesk-svg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let red = dir.join("red.svg");
        std::fs::write(
            &red,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="red"/></svg>"#,
        )
        .unwrap();
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="4" height="4"><image width="4" height="4" xlink:href="{}"/></svg>"#,
            red.display()
        );
        let png = to_png(svg.as_bytes()).unwrap();
        let blank =
            to_png(br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>"#).unwrap();
        assert_eq!(png, blank, "the file named by href was drawn");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn what_is_not_an_svg_is_refused() {
        assert!(matches!(to_png(b"<svg"), Err(SvgError::Unreadable(_))));
        assert!(matches!(
            to_png(b"not xml at all"),
            Err(SvgError::Unreadable(_))
        ));
    }
}
