//! How the app looks: the theme a person chose ([`ThemeChoice`], kept in the preferences so
//! the next launch opens in it), the shade that choice paints on a given desktop, and the
//! background each shade paints before the page does (the window's, from its first frame).

use crate::error::AppError;
use crate::prefs::{Prefs, ThemeChoice};

/// What is on the screen: light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    Light,
    Dark,
}

impl Shade {
    /// The page background of this shade (`--bg` in `ui/src/app/app.css` and `dark.css`, and
    /// the inline style of `ui/index.html`), as red, green, blue.
    pub fn background(self) -> [u8; 3] {
        match self {
            Self::Light => [0xff, 0xff, 0xff],
            Self::Dark => [0x17, 0x19, 0x1f],
        }
    }
}

impl ThemeChoice {
    /// The shade this choice paints where the desktop shows `desktop`.
    pub fn shade(self, desktop: Shade) -> Shade {
        match self {
            Self::System => desktop,
            Self::Light => Shade::Light,
            Self::Dark => Shade::Dark,
        }
    }
}

/// The theme, read and changed.
pub struct Appearance {
    prefs: Prefs,
}

impl Appearance {
    pub fn new(prefs: Prefs) -> Self {
        Self { prefs }
    }

    /// The theme chosen; the desktop's when none was.
    pub fn theme(&self) -> ThemeChoice {
        self.prefs.theme()
    }

    /// Keeps `theme` for this and later launches.
    pub fn set_theme(&self, theme: ThemeChoice) -> Result<(), AppError> {
        self.prefs.set_theme(theme)
    }
}
