//! Where the user is: a context and a page. Restored at start and reachable by deep link
//! (`orgdesk://org/<slug>/<page>`). The pages themselves are the model crate's registry.

pub use orgdesk_model::navigation::AppPage;
use orgdesk_model::OrgId;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Location {
    pub org_id: OrgId,
    pub page: AppPage,
}
