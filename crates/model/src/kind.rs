//! What kind of context an org is: a person's own, or a shared organization. Both the
//! org types and the role table depend on it, so it sits below both.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// The one-person context every account has from sign-up.
    Personal,
    Organization,
}

impl OrgKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "personal" => Some(Self::Personal),
            "organization" => Some(Self::Organization),
            _ => None,
        }
    }
}
