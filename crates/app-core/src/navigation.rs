//! Where the user is: a context and a page. Restored at start and reachable by deep link
//! (`orgdesk://org/<slug>/<page>`).

use orgdesk_model::OrgId;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A page of a context. The string form is what deep links and the store use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum AppPage {
    #[serde(rename = "overview")]
    Overview,
    #[serde(rename = "projects")]
    Projects,
    #[serde(rename = "members")]
    Members,
    #[serde(rename = "billing")]
    Billing,
    #[serde(rename = "settings/general")]
    SettingsGeneral,
    #[serde(rename = "settings/audit-log")]
    SettingsAuditLog,
    #[serde(rename = "settings/api-keys")]
    SettingsApiKeys,
}

impl AppPage {
    pub const ALL: [AppPage; 7] = [
        Self::Overview,
        Self::Projects,
        Self::Members,
        Self::Billing,
        Self::SettingsGeneral,
        Self::SettingsAuditLog,
        Self::SettingsApiKeys,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Projects => "projects",
            Self::Members => "members",
            Self::Billing => "billing",
            Self::SettingsGeneral => "settings/general",
            Self::SettingsAuditLog => "settings/audit-log",
            Self::SettingsApiKeys => "settings/api-keys",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Location {
    pub org_id: OrgId,
    pub page: AppPage,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_match_their_serde_form() {
        for page in AppPage::ALL {
            let json = serde_json::to_string(&page).unwrap();
            assert_eq!(json, format!("\"{}\"", page.as_str()));
            assert_eq!(AppPage::parse(page.as_str()), Some(page));
        }
    }
}
