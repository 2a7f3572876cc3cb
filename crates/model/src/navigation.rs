//! The pages of the app: one registry that names each page, says where it sits, what it
//! takes to see it and in which kinds of context it exists. Deep links, the stored location,
//! the sidebar, the shell and `pageAllowed` in the UI all read it (the UI through the
//! generated bindings), so a page is added here, in one row, and in the UI's map of
//! pages to components, which the compiler checks against this list.

use serde::{Deserialize, Serialize};

use crate::kind::OrgKind;
use crate::role::Capability;

/// Where a page is listed: the main pages, or under a section heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSection {
    Main,
    Settings,
    /// The person's own account, the same in every context.
    Account,
}

impl PageSection {
    pub const ALL: [PageSection; 3] = [Self::Main, Self::Settings, Self::Account];

    /// The section's heading, which also leads its pages' titles ("Settings · General");
    /// the main pages have none.
    pub const fn title(self) -> Option<&'static str> {
        match self {
            Self::Main => None,
            Self::Settings => Some("Settings"),
            Self::Account => Some("You"),
        }
    }
}

/// A section as the UI reads it: `{section, title}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SectionInfo {
    pub section: PageSection,
    pub title: Option<&'static str>,
}

/// A page's row in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PageInfo {
    pub page: AppPage,
    /// Its name in the sidebar; the shell's title adds the section's ("Settings · General").
    pub title: &'static str,
    pub section: PageSection,
    /// What a membership needs to see the page, if anything beyond belonging to the org.
    pub requires: Option<Capability>,
    /// The kinds of context the page exists in.
    pub kinds: &'static [OrgKind],
}

const EVERY_KIND: &[OrgKind] = &[OrgKind::Personal, OrgKind::Organization];
const SHARED_ONLY: &[OrgKind] = &[OrgKind::Organization];
const PERSONAL_ONLY: &[OrgKind] = &[OrgKind::Personal];

/// Declares [`AppPage`] together with its registry, from one table: a page cannot exist
/// without its row, and [`AppPage::ALL`] lists every page in the table's order (the
/// sidebar's order).
macro_rules! page_registry {
    ($(
        $page:ident = $name:tt {
            title: $title:expr,
            section: $section:ident,
            requires: $requires:expr,
            kinds: $kinds:expr $(,)?
        }
    )+) => {
        /// A page of a context. The serde form (`settings/audit-log`) is what deep links,
        /// the stored location and the UI use.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type,
        )]
        pub enum AppPage {
            $(
                #[serde(rename = $name)]
                $page,
            )+
        }

        impl AppPage {
            /// Every page, in the order the sidebar lists them.
            pub const ALL: &'static [AppPage] = &[$(Self::$page),+];

            /// The serde form, e.g. `settings/general`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$page => $name,)+
                }
            }

            /// The page's row in the registry.
            pub const fn info(self) -> PageInfo {
                match self {
                    $(Self::$page => PageInfo {
                        page: Self::$page,
                        title: $title,
                        section: PageSection::$section,
                        requires: $requires,
                        kinds: $kinds,
                    },)+
                }
            }
        }
    };
}

page_registry! {
    Overview = "overview" {
        title: "Overview",
        section: Main,
        requires: None,
        kinds: EVERY_KIND,
    }
    // Every org one belongs to at a glance: the home of "you", so the personal context's.
    Portfolio = "portfolio" {
        title: "All organizations",
        section: Main,
        requires: None,
        kinds: PERSONAL_ONLY,
    }
    Projects = "projects" {
        title: "Projects",
        section: Main,
        requires: None,
        kinds: EVERY_KIND,
    }
    // A personal context has only its owner.
    Members = "members" {
        title: "Members",
        section: Main,
        requires: None,
        kinds: SHARED_ONLY,
    }
    Billing = "billing" {
        title: "Billing",
        section: Main,
        requires: Some(Capability::ViewBilling),
        kinds: EVERY_KIND,
    }
    SettingsGeneral = "settings/general" {
        title: "General",
        section: Settings,
        requires: None,
        kinds: EVERY_KIND,
    }
    SettingsAuditLog = "settings/audit-log" {
        title: "Audit log",
        section: Settings,
        requires: Some(Capability::ViewAuditLog),
        kinds: EVERY_KIND,
    }
    // Everyone manages their own keys here; those who may, every key of the org.
    SettingsApiKeys = "settings/api-keys" {
        title: "API keys",
        section: Settings,
        requires: None,
        kinds: EVERY_KIND,
    }
    // Where the org's changes are sent: endpoints, their health and deliveries (owners and
    // admins; the signing secrets and payloads are theirs to see only).
    SettingsWebhooks = "settings/webhooks" {
        title: "Webhooks",
        section: Settings,
        requires: Some(Capability::ManageSecurity),
        kinds: EVERY_KIND,
    }
    // The org's security policy: two-factor for members, idle timeout, password length.
    SettingsSecurity = "settings/security" {
        title: "Security",
        section: Settings,
        requires: Some(Capability::ManageSecurity),
        kinds: SHARED_ONLY,
    }
    // The org's single sign-on: its OpenID Connect connection, the email domains it
    // proved by DNS, "require SSO" (owners and admins).
    SettingsSso = "settings/sso" {
        title: "Single sign-on",
        section: Settings,
        requires: Some(Capability::ManageSecurity),
        kinds: SHARED_ONLY,
    }
    // Everything the org holds: a whole-org export to take with you, and how long each
    // kind of data is kept (owners and admins).
    SettingsData = "settings/data" {
        title: "Data",
        section: Settings,
        requires: Some(Capability::EditSettings),
        kinds: EVERY_KIND,
    }
    // Deleting the org, with its grace period (the owner; a personal context is never
    // deleted).
    SettingsDangerZone = "settings/danger-zone" {
        title: "Danger zone",
        section: Settings,
        requires: Some(Capability::DeleteOrg),
        kinds: SHARED_ONLY,
    }
    // The person's own account (not the org's): the same page in every context.
    Account = "account" {
        title: "Account",
        section: Account,
        requires: None,
        kinds: EVERY_KIND,
    }
}

impl AppPage {
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.as_str() == s)
    }

    /// Whether the page exists in a context of `kind` for a membership holding
    /// `capabilities` (as `role::capabilities` gives them for that kind).
    pub fn allowed_in(self, kind: OrgKind, capabilities: &[Capability]) -> bool {
        let info = self.info();
        info.kinds.contains(&kind) && info.requires.is_none_or(|c| capabilities.contains(&c))
    }

    /// The registry in sidebar order, as exported to the UI.
    pub fn registry() -> Vec<PageInfo> {
        Self::ALL.iter().map(|p| p.info()).collect()
    }
}

/// The sections in sidebar order, as exported to the UI.
pub fn sections() -> Vec<SectionInfo> {
    PageSection::ALL
        .into_iter()
        .map(|section| SectionInfo {
            section,
            title: section.title(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::role::{capabilities, Role};

    #[test]
    fn every_page_appears_once_and_reads_back_from_its_serde_form() {
        let mut names = HashSet::new();
        let mut pages = HashSet::new();
        for &page in AppPage::ALL {
            let json = serde_json::to_string(&page).unwrap();
            assert_eq!(json, format!("\"{}\"", page.as_str()));
            assert_eq!(serde_json::from_str::<AppPage>(&json).unwrap(), page);
            assert_eq!(AppPage::parse(page.as_str()), Some(page));
            assert!(names.insert(page.as_str()), "{} twice", page.as_str());
            assert!(pages.insert(page), "{page:?} twice");
            assert_eq!(page.info().page, page);
            assert!(!page.info().title.is_empty());
            assert!(!page.info().kinds.is_empty(), "{page:?} exists nowhere");
        }
        assert_eq!(AppPage::parse("nowhere"), None);
    }

    #[test]
    fn the_stored_names_stay_what_deep_links_and_preferences_hold() {
        let names: Vec<&str> = AppPage::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "overview",
                "portfolio",
                "projects",
                "members",
                "billing",
                "settings/general",
                "settings/audit-log",
                "settings/api-keys",
                "settings/webhooks",
                "settings/security",
                "settings/sso",
                "settings/data",
                "settings/danger-zone",
                "account",
            ]
        );
    }

    #[test]
    fn pages_of_a_section_are_listed_together() {
        let sections: Vec<PageSection> = AppPage::ALL.iter().map(|p| p.info().section).collect();
        let mut seen = Vec::new();
        for s in sections {
            if seen.last() != Some(&s) {
                assert!(!seen.contains(&s), "{s:?} is split in the sidebar");
                seen.push(s);
            }
        }
        assert_eq!(seen, PageSection::ALL);
    }

    fn allowed(kind: OrgKind, role: Role) -> Vec<AppPage> {
        let caps = capabilities(kind, role);
        AppPage::ALL
            .iter()
            .copied()
            .filter(|p| p.allowed_in(kind, &caps))
            .collect()
    }

    #[test]
    fn who_sees_which_page() {
        use AppPage as P;
        let shared: Vec<AppPage> = AppPage::ALL
            .iter()
            .copied()
            .filter(|p| *p != P::Portfolio)
            .collect();
        assert_eq!(allowed(OrgKind::Organization, Role::Owner), shared);
        let admin = allowed(OrgKind::Organization, Role::Admin);
        let but_danger: Vec<AppPage> = shared
            .iter()
            .copied()
            .filter(|p| *p != P::SettingsDangerZone)
            .collect();
        assert_eq!(admin, but_danger, "only the owner deletes the org");
        assert_eq!(
            allowed(OrgKind::Organization, Role::Member),
            [
                P::Overview,
                P::Projects,
                P::Members,
                P::SettingsGeneral,
                P::SettingsApiKeys,
                P::Account
            ]
        );
        let personal = allowed(OrgKind::Personal, Role::Owner);
        assert!(
            personal.contains(&P::Portfolio),
            "the portfolio is the personal context's"
        );
        assert!(!personal.contains(&P::Members));
        assert!(personal.contains(&P::Billing));
        assert!(personal.contains(&P::SettingsAuditLog));
        assert!(personal.contains(&P::SettingsApiKeys));
        assert!(personal.contains(&P::SettingsWebhooks));
        assert!(personal.contains(&P::Account));
        assert!(!personal.contains(&P::SettingsSecurity));
        assert!(!personal.contains(&P::SettingsSso));
        assert!(personal.contains(&P::SettingsData));
        assert!(!personal.contains(&P::SettingsDangerZone));
    }

    #[test]
    fn the_exported_registry_names_its_fields_as_the_ui_reads_them() {
        let json = serde_json::to_value(AppPage::Billing.info()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "page": "billing",
                "title": "Billing",
                "section": "main",
                "requires": "view_billing",
                "kinds": ["personal", "organization"],
            })
        );
        let sections = serde_json::to_value(sections()).unwrap();
        assert_eq!(
            sections,
            serde_json::json!([
                { "section": "main", "title": null },
                { "section": "settings", "title": "Settings" },
                { "section": "account", "title": "You" },
            ])
        );
    }
}
