//! The role and permission table of SPEC "Roles". The server enforces it; the app reads
//! the same table to decide which controls to offer.

use serde::{Deserialize, Serialize};

use crate::kind::OrgKind;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    specta::Type,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

/// What a role may do. Finer rules that depend on the target (an admin may not remove the
/// owner; a member manages only their own API keys) are checked where the target is known.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// See the overview, the member list and the projects in one's scope.
    ViewOrg,
    /// Edit name, slug, logo, description, website and policies.
    EditSettings,
    /// Invite, revoke, resend; see pending invitations.
    ManageInvitations,
    /// Change roles (never to or from owner) and remove members.
    ManageMembers,
    TransferOwnership,
    LeaveOrg,
    /// Create, suspend, archive, restore and delete projects.
    ManageProjects,
    /// See balance, ledger, invoices and usage.
    ViewBilling,
    TopUp,
    ChangePlan,
    /// Manage every API key of the org (members manage only their own).
    ManageApiKeys,
    ViewAuditLog,
    /// Security policy and webhooks.
    ManageSecurity,
    DeleteOrg,
}

impl Capability {
    pub const ALL: [Capability; 14] = [
        Self::ViewOrg,
        Self::EditSettings,
        Self::ManageInvitations,
        Self::ManageMembers,
        Self::TransferOwnership,
        Self::LeaveOrg,
        Self::ManageProjects,
        Self::ViewBilling,
        Self::TopUp,
        Self::ChangePlan,
        Self::ManageApiKeys,
        Self::ViewAuditLog,
        Self::ManageSecurity,
        Self::DeleteOrg,
    ];

    /// Capabilities that make no sense in a personal context, which has exactly one
    /// person in it and lives as long as the account.
    const fn needs_other_people(self) -> bool {
        matches!(
            self,
            Self::ManageInvitations
                | Self::ManageMembers
                | Self::TransferOwnership
                | Self::LeaveOrg
                | Self::DeleteOrg
        )
    }
}

/// The table itself: `allows(role, capability)`.
pub const fn allows(role: Role, capability: Capability) -> bool {
    use Capability as C;
    match role {
        Role::Owner => !matches!(capability, C::LeaveOrg),
        Role::Admin => !matches!(
            capability,
            C::TransferOwnership | C::ChangePlan | C::DeleteOrg
        ),
        Role::Member => matches!(capability, C::ViewOrg | C::LeaveOrg),
    }
}

/// What `role` may do in a context of `kind`.
pub fn allows_in(kind: OrgKind, role: Role, capability: Capability) -> bool {
    allows(role, capability) && !(kind == OrgKind::Personal && capability.needs_other_people())
}

/// Every capability `role` has in a context of `kind`, in table order.
pub fn capabilities(kind: OrgKind, role: Role) -> Vec<Capability> {
    Capability::ALL
        .into_iter()
        .filter(|c| allows_in(kind, role, *c))
        .collect()
}

/// Whether `actor` may change the role of, or remove, a member whose role is `target`.
/// Nobody changes the owner this way (ownership moves only by transfer).
pub const fn may_manage_member(actor: Role, target: Role) -> bool {
    allows(actor, Capability::ManageMembers) && !matches!(target, Role::Owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability as C;

    /// SPEC "Roles", row by row: (capability, owner, admin, member).
    const SPEC_TABLE: [(Capability, bool, bool, bool); 14] = [
        (C::ViewOrg, true, true, true),
        (C::EditSettings, true, true, false),
        (C::ManageInvitations, true, true, false),
        (C::ManageMembers, true, true, false),
        (C::TransferOwnership, true, false, false),
        (C::LeaveOrg, false, true, true),
        (C::ManageProjects, true, true, false),
        (C::ViewBilling, true, true, false),
        (C::TopUp, true, true, false),
        (C::ChangePlan, true, false, false),
        (C::ManageApiKeys, true, true, false),
        (C::ViewAuditLog, true, true, false),
        (C::ManageSecurity, true, true, false),
        (C::DeleteOrg, true, false, false),
    ];

    #[test]
    fn table_matches_spec() {
        for (cap, owner, admin, member) in SPEC_TABLE {
            assert_eq!(allows(Role::Owner, cap), owner, "owner {cap:?}");
            assert_eq!(allows(Role::Admin, cap), admin, "admin {cap:?}");
            assert_eq!(allows(Role::Member, cap), member, "member {cap:?}");
        }
        assert_eq!(SPEC_TABLE.len(), Capability::ALL.len());
    }

    #[test]
    fn personal_context_has_no_people_management() {
        let caps = capabilities(OrgKind::Personal, Role::Owner);
        assert!(caps.contains(&C::EditSettings));
        assert!(caps.contains(&C::TopUp));
        assert!(!caps.contains(&C::ManageInvitations));
        assert!(!caps.contains(&C::DeleteOrg));
        assert!(!caps.contains(&C::LeaveOrg));
    }

    #[test]
    fn nobody_manages_the_owner() {
        assert!(!may_manage_member(Role::Owner, Role::Owner));
        assert!(!may_manage_member(Role::Admin, Role::Owner));
        assert!(may_manage_member(Role::Admin, Role::Admin));
        assert!(may_manage_member(Role::Owner, Role::Member));
        assert!(!may_manage_member(Role::Member, Role::Member));
    }
}
