//! The portfolio: every org the caller belongs to, at a glance (`GET /v1/me/portfolio`).
//! Each row carries only the figures the caller's role may see there; a figure the role
//! may not see is `None`, never 0.

use serde::{Deserialize, Serialize};

use crate::kind::OrgKind;
use crate::org::Membership;
use crate::role::{allows_in, Capability, Role};

/// `GET /v1/me/portfolio`: the personal context first, then every org by name.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct Portfolio {
    pub orgs: Vec<PortfolioOrg>,
}

/// One org of the portfolio: the membership as the switcher shows it, and its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PortfolioOrg {
    /// The org (with its pending deletion, if scheduled), my role and what it allows.
    pub membership: Membership,
    /// The credit balance; only for those who may see billing.
    pub balance: Option<i64>,
    /// The low-balance alert threshold, if one is set; only for those who may see billing.
    pub low_balance_threshold: Option<i64>,
    /// Whether the balance is below the threshold (`false` without one); only for those
    /// who may see billing.
    pub low_balance: Option<bool>,
    /// Credits spent by usage in the current calendar month (UTC); only for those who may
    /// see billing.
    pub spent_this_month: Option<i64>,
    /// Credits spent by usage in the previous calendar month (UTC); only for those who
    /// may see billing.
    pub spent_last_month: Option<i64>,
    /// Invitations pending and not yet expired; only for those who manage invitations.
    pub pending_invitations: Option<i64>,
    /// Active projects; for a member with a project scope, only those in it. `None` only
    /// where the org refuses this session (`membership.sso_required`).
    pub active_projects: Option<i64>,
}

/// Which of a row's figures a role may see in a context of `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FigureAccess {
    pub billing: bool,
    pub invitations: bool,
    pub projects: bool,
}

impl FigureAccess {
    /// What the role table lets `role` see in a context of `kind`.
    pub fn of(kind: OrgKind, role: Role) -> Self {
        Self {
            billing: allows_in(kind, role, Capability::ViewBilling),
            invitations: allows_in(kind, role, Capability::ManageInvitations),
            projects: allows_in(kind, role, Capability::ViewOrg),
        }
    }

    /// Nothing at all: an org that refuses the session (its single sign-on is required).
    pub const NONE: Self = Self {
        billing: false,
        invitations: false,
        projects: false,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_follow_the_role_table() {
        let owner = FigureAccess::of(OrgKind::Organization, Role::Owner);
        assert!(owner.billing && owner.invitations && owner.projects);
        let admin = FigureAccess::of(OrgKind::Organization, Role::Admin);
        assert!(admin.billing && admin.invitations && admin.projects);
        let member = FigureAccess::of(OrgKind::Organization, Role::Member);
        assert!(!member.billing && !member.invitations && member.projects);
        let personal = FigureAccess::of(OrgKind::Personal, Role::Owner);
        assert!(personal.billing && !personal.invitations && personal.projects);
    }
}
