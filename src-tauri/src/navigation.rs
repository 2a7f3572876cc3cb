//! Where the user is: a context and a page. Restored at start and reachable by deep link.

use orgdesk_model::OrgId;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A page of a context. The string form is what deep links and the store use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum AppPage {
    #[serde(rename = "overview")]
    Overview,
    #[serde(rename = "settings/general")]
    SettingsGeneral,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Location {
    pub org_id: OrgId,
    pub page: AppPage,
}
