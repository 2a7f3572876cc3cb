//! The event catalogue: every kind of change Orgdesk records. The audit log writes these,
//! webhooks deliver them, and the app's labels and event picker come from here.

use serde::{Deserialize, Serialize};

/// Every event of the catalogue, one variant per kind of change: what the audit log
/// records and what webhooks deliver (the same enum, so the two can never drift apart). The wire form is
/// dotted, `<target>.<past tense>` (`project.suspended`); [`AuditAction::label`] is how
/// people read it, in the app and in exports. Adding a change means adding it here: the
/// server can only write what this enum names, and the app's labels come from `label`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub enum AuditAction {
    #[serde(rename = "org.created")]
    OrgCreated,
    #[serde(rename = "org.updated")]
    OrgUpdated,
    #[serde(rename = "org.logo_updated")]
    OrgLogoUpdated,
    #[serde(rename = "org.logo_removed")]
    OrgLogoRemoved,
    #[serde(rename = "org.ownership_transferred")]
    OrgOwnershipTransferred,
    #[serde(rename = "org.plan_changed")]
    OrgPlanChanged,
    #[serde(rename = "org.deleted")]
    OrgDeleted,
    #[serde(rename = "org.security_updated")]
    OrgSecurityUpdated,
    #[serde(rename = "org.export_created")]
    OrgExportCreated,
    #[serde(rename = "org.retention_updated")]
    OrgRetentionUpdated,
    #[serde(rename = "org.data_purged")]
    OrgDataPurged,
    #[serde(rename = "org.deletion_scheduled")]
    OrgDeletionScheduled,
    #[serde(rename = "org.deletion_cancelled")]
    OrgDeletionCancelled,
    #[serde(rename = "org.sso_updated")]
    OrgSsoUpdated,
    #[serde(rename = "org.sso_removed")]
    OrgSsoRemoved,
    #[serde(rename = "org.domain_claimed")]
    OrgDomainClaimed,
    #[serde(rename = "org.domain_verified")]
    OrgDomainVerified,
    #[serde(rename = "org.domain_unverified")]
    OrgDomainUnverified,
    #[serde(rename = "org.domain_removed")]
    OrgDomainRemoved,
    #[serde(rename = "member.provisioned")]
    MemberProvisioned,
    #[serde(rename = "member.signed_in_with_sso")]
    MemberSignedInWithSso,
    #[serde(rename = "member.role_changed")]
    MemberRoleChanged,
    #[serde(rename = "member.scope_changed")]
    MemberScopeChanged,
    #[serde(rename = "member.removed")]
    MemberRemoved,
    #[serde(rename = "member.left")]
    MemberLeft,
    #[serde(rename = "invitation.created")]
    InvitationCreated,
    #[serde(rename = "invitation.resent")]
    InvitationResent,
    #[serde(rename = "invitation.revoked")]
    InvitationRevoked,
    #[serde(rename = "invitation.accepted")]
    InvitationAccepted,
    #[serde(rename = "invitation.declined")]
    InvitationDeclined,
    #[serde(rename = "project.created")]
    ProjectCreated,
    #[serde(rename = "project.updated")]
    ProjectUpdated,
    #[serde(rename = "project.suspended")]
    ProjectSuspended,
    #[serde(rename = "project.unsuspended")]
    ProjectUnsuspended,
    #[serde(rename = "project.archived")]
    ProjectArchived,
    #[serde(rename = "project.restored")]
    ProjectRestored,
    #[serde(rename = "project.deleted")]
    ProjectDeleted,
    #[serde(rename = "api_key.created")]
    ApiKeyCreated,
    #[serde(rename = "api_key.revoked")]
    ApiKeyRevoked,
    #[serde(rename = "billing.top_up")]
    BillingTopUp,
    #[serde(rename = "billing.credits_granted")]
    BillingCreditsGranted,
    #[serde(rename = "billing.low_balance")]
    BillingLowBalance,
    #[serde(rename = "billing.alerts_updated")]
    BillingAlertsUpdated,
    #[serde(rename = "billing.spend_policy_updated")]
    BillingSpendPolicyUpdated,
    #[serde(rename = "billing.payment_succeeded")]
    BillingPaymentSucceeded,
    #[serde(rename = "billing.payment_failed")]
    BillingPaymentFailed,
    #[serde(rename = "billing.payment_refunded")]
    BillingPaymentRefunded,
    #[serde(rename = "billing.card_saved")]
    BillingCardSaved,
    #[serde(rename = "billing.profile_updated")]
    BillingProfileUpdated,
    #[serde(rename = "billing.subscription_changed")]
    BillingSubscriptionChanged,
    #[serde(rename = "billing.past_due")]
    BillingPastDue,
    #[serde(rename = "webhook.created")]
    WebhookCreated,
    #[serde(rename = "webhook.updated")]
    WebhookUpdated,
    #[serde(rename = "webhook.deleted")]
    WebhookDeleted,
    #[serde(rename = "webhook.secret_rotated")]
    WebhookSecretRotated,
    #[serde(rename = "webhook.disabled")]
    WebhookDisabled,
    #[serde(rename = "webhook.test")]
    WebhookTest,
}

/// What an audit event is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AuditTarget {
    Org,
    Project,
    Member,
    Invitation,
    ApiKey,
    Webhook,
}

impl AuditTarget {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Project => "project",
            Self::Member => "member",
            Self::Invitation => "invitation",
            Self::ApiKey => "api_key",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Org,
            Self::Project,
            Self::Member,
            Self::Invitation,
            Self::ApiKey,
            Self::Webhook,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

impl AuditAction {
    pub const ALL: [Self; 57] = [
        Self::OrgCreated,
        Self::OrgUpdated,
        Self::OrgLogoUpdated,
        Self::OrgLogoRemoved,
        Self::OrgOwnershipTransferred,
        Self::OrgPlanChanged,
        Self::OrgDeleted,
        Self::OrgSecurityUpdated,
        Self::OrgExportCreated,
        Self::OrgRetentionUpdated,
        Self::OrgDataPurged,
        Self::OrgDeletionScheduled,
        Self::OrgDeletionCancelled,
        Self::OrgSsoUpdated,
        Self::OrgSsoRemoved,
        Self::OrgDomainClaimed,
        Self::OrgDomainVerified,
        Self::OrgDomainUnverified,
        Self::OrgDomainRemoved,
        Self::MemberProvisioned,
        Self::MemberSignedInWithSso,
        Self::MemberRoleChanged,
        Self::MemberScopeChanged,
        Self::MemberRemoved,
        Self::MemberLeft,
        Self::InvitationCreated,
        Self::InvitationResent,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::InvitationDeclined,
        Self::ProjectCreated,
        Self::ProjectUpdated,
        Self::ProjectSuspended,
        Self::ProjectUnsuspended,
        Self::ProjectArchived,
        Self::ProjectRestored,
        Self::ProjectDeleted,
        Self::ApiKeyCreated,
        Self::ApiKeyRevoked,
        Self::BillingTopUp,
        Self::BillingCreditsGranted,
        Self::BillingPaymentSucceeded,
        Self::BillingPaymentFailed,
        Self::BillingPaymentRefunded,
        Self::BillingCardSaved,
        Self::BillingProfileUpdated,
        Self::BillingSubscriptionChanged,
        Self::BillingPastDue,
        Self::BillingLowBalance,
        Self::BillingAlertsUpdated,
        Self::BillingSpendPolicyUpdated,
        Self::WebhookCreated,
        Self::WebhookUpdated,
        Self::WebhookDeleted,
        Self::WebhookSecretRotated,
        Self::WebhookDisabled,
        Self::WebhookTest,
    ];

    /// The wire and database form, e.g. `member.role_changed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OrgCreated => "org.created",
            Self::OrgUpdated => "org.updated",
            Self::OrgLogoUpdated => "org.logo_updated",
            Self::OrgLogoRemoved => "org.logo_removed",
            Self::OrgOwnershipTransferred => "org.ownership_transferred",
            Self::OrgPlanChanged => "org.plan_changed",
            Self::OrgDeleted => "org.deleted",
            Self::OrgSecurityUpdated => "org.security_updated",
            Self::OrgExportCreated => "org.export_created",
            Self::OrgRetentionUpdated => "org.retention_updated",
            Self::OrgDataPurged => "org.data_purged",
            Self::OrgDeletionScheduled => "org.deletion_scheduled",
            Self::OrgDeletionCancelled => "org.deletion_cancelled",
            Self::OrgSsoUpdated => "org.sso_updated",
            Self::OrgSsoRemoved => "org.sso_removed",
            Self::OrgDomainClaimed => "org.domain_claimed",
            Self::OrgDomainVerified => "org.domain_verified",
            Self::OrgDomainUnverified => "org.domain_unverified",
            Self::OrgDomainRemoved => "org.domain_removed",
            Self::MemberProvisioned => "member.provisioned",
            Self::MemberSignedInWithSso => "member.signed_in_with_sso",
            Self::MemberRoleChanged => "member.role_changed",
            Self::MemberScopeChanged => "member.scope_changed",
            Self::MemberRemoved => "member.removed",
            Self::MemberLeft => "member.left",
            Self::InvitationCreated => "invitation.created",
            Self::InvitationResent => "invitation.resent",
            Self::InvitationRevoked => "invitation.revoked",
            Self::InvitationAccepted => "invitation.accepted",
            Self::InvitationDeclined => "invitation.declined",
            Self::ProjectCreated => "project.created",
            Self::ProjectUpdated => "project.updated",
            Self::ProjectSuspended => "project.suspended",
            Self::ProjectUnsuspended => "project.unsuspended",
            Self::ProjectArchived => "project.archived",
            Self::ProjectRestored => "project.restored",
            Self::ProjectDeleted => "project.deleted",
            Self::ApiKeyCreated => "api_key.created",
            Self::ApiKeyRevoked => "api_key.revoked",
            Self::BillingTopUp => "billing.top_up",
            Self::BillingCreditsGranted => "billing.credits_granted",
            Self::BillingPaymentSucceeded => "billing.payment_succeeded",
            Self::BillingPaymentFailed => "billing.payment_failed",
            Self::BillingPaymentRefunded => "billing.payment_refunded",
            Self::BillingCardSaved => "billing.card_saved",
            Self::BillingProfileUpdated => "billing.profile_updated",
            Self::BillingSubscriptionChanged => "billing.subscription_changed",
            Self::BillingPastDue => "billing.past_due",
            Self::BillingLowBalance => "billing.low_balance",
            Self::BillingAlertsUpdated => "billing.alerts_updated",
            Self::BillingSpendPolicyUpdated => "billing.spend_policy_updated",
            Self::WebhookCreated => "webhook.created",
            Self::WebhookUpdated => "webhook.updated",
            Self::WebhookDeleted => "webhook.deleted",
            Self::WebhookSecretRotated => "webhook.secret_rotated",
            Self::WebhookDisabled => "webhook.disabled",
            Self::WebhookTest => "webhook.test",
        }
    }

    /// How people read it: "Role changed".
    pub const fn label(self) -> &'static str {
        match self {
            Self::OrgCreated => "Organization created",
            Self::OrgUpdated => "Settings changed",
            Self::OrgLogoUpdated => "Logo changed",
            Self::OrgLogoRemoved => "Logo removed",
            Self::OrgOwnershipTransferred => "Ownership transferred",
            Self::OrgPlanChanged => "Plan changed",
            Self::OrgDeleted => "Organization deleted",
            Self::OrgSecurityUpdated => "Security policy changed",
            Self::OrgExportCreated => "Export started",
            Self::OrgRetentionUpdated => "Retention changed",
            Self::OrgDataPurged => "Data past retention deleted",
            Self::OrgDeletionScheduled => "Deletion scheduled",
            Self::OrgDeletionCancelled => "Deletion cancelled",
            Self::OrgSsoUpdated => "Single sign-on changed",
            Self::OrgSsoRemoved => "Single sign-on removed",
            Self::OrgDomainClaimed => "Domain claimed",
            Self::OrgDomainVerified => "Domain verified",
            Self::OrgDomainUnverified => "Domain no longer verified",
            Self::OrgDomainRemoved => "Domain removed",
            Self::MemberProvisioned => "Member joined by single sign-on",
            Self::MemberSignedInWithSso => "Signed in with single sign-on",
            Self::MemberRoleChanged => "Role changed",
            Self::MemberScopeChanged => "Project scope changed",
            Self::MemberRemoved => "Member removed",
            Self::MemberLeft => "Member left",
            Self::InvitationCreated => "Invitation sent",
            Self::InvitationResent => "Invitation resent",
            Self::InvitationRevoked => "Invitation revoked",
            Self::InvitationAccepted => "Invitation accepted",
            Self::InvitationDeclined => "Invitation declined",
            Self::ProjectCreated => "Project created",
            Self::ProjectUpdated => "Project changed",
            Self::ProjectSuspended => "Project suspended",
            Self::ProjectUnsuspended => "Project unsuspended",
            Self::ProjectArchived => "Project archived",
            Self::ProjectRestored => "Project restored",
            Self::ProjectDeleted => "Project deleted",
            Self::ApiKeyCreated => "API key created",
            Self::ApiKeyRevoked => "API key revoked",
            Self::BillingTopUp => "Credits added",
            Self::BillingCreditsGranted => "Credits granted",
            Self::BillingPaymentSucceeded => "Card payment received",
            Self::BillingPaymentFailed => "Card payment failed",
            Self::BillingPaymentRefunded => "Card payment refunded",
            Self::BillingCardSaved => "Card saved",
            Self::BillingProfileUpdated => "Billing details updated",
            Self::BillingSubscriptionChanged => "Subscription changed",
            Self::BillingPastDue => "Plan payment past due",
            Self::BillingLowBalance => "Balance ran low",
            Self::BillingAlertsUpdated => "Low-balance alert changed",
            Self::BillingSpendPolicyUpdated => "Spend policy changed",
            Self::WebhookCreated => "Webhook added",
            Self::WebhookUpdated => "Webhook changed",
            Self::WebhookDeleted => "Webhook deleted",
            Self::WebhookSecretRotated => "Webhook secret rotated",
            Self::WebhookDisabled => "Webhook turned off after failures",
            Self::WebhookTest => "Webhook test sent",
        }
    }

    /// What the event's `target_id` names.
    pub const fn target(self) -> AuditTarget {
        match self {
            Self::OrgCreated
            | Self::OrgUpdated
            | Self::OrgLogoUpdated
            | Self::OrgLogoRemoved
            | Self::OrgOwnershipTransferred
            | Self::OrgPlanChanged
            | Self::OrgDeleted
            | Self::OrgSecurityUpdated
            | Self::OrgExportCreated
            | Self::OrgRetentionUpdated
            | Self::OrgDataPurged
            | Self::OrgDeletionScheduled
            | Self::OrgDeletionCancelled
            | Self::OrgSsoUpdated
            | Self::OrgSsoRemoved
            | Self::OrgDomainClaimed
            | Self::OrgDomainVerified
            | Self::OrgDomainUnverified
            | Self::OrgDomainRemoved
            | Self::BillingTopUp
            | Self::BillingCreditsGranted
            | Self::BillingLowBalance
            | Self::BillingAlertsUpdated
            | Self::BillingSpendPolicyUpdated
            | Self::BillingPaymentSucceeded
            | Self::BillingPaymentFailed
            | Self::BillingPaymentRefunded
            | Self::BillingCardSaved
            | Self::BillingProfileUpdated
            | Self::BillingSubscriptionChanged
            | Self::BillingPastDue => AuditTarget::Org,
            Self::MemberRoleChanged
            | Self::MemberScopeChanged
            | Self::MemberRemoved
            | Self::MemberLeft
            | Self::MemberProvisioned
            | Self::MemberSignedInWithSso => AuditTarget::Member,
            Self::InvitationCreated
            | Self::InvitationResent
            | Self::InvitationRevoked
            | Self::InvitationAccepted
            | Self::InvitationDeclined => AuditTarget::Invitation,
            Self::ProjectCreated
            | Self::ProjectUpdated
            | Self::ProjectSuspended
            | Self::ProjectUnsuspended
            | Self::ProjectArchived
            | Self::ProjectRestored
            | Self::ProjectDeleted => AuditTarget::Project,
            Self::ApiKeyCreated | Self::ApiKeyRevoked => AuditTarget::ApiKey,
            Self::WebhookCreated
            | Self::WebhookUpdated
            | Self::WebhookDeleted
            | Self::WebhookSecretRotated
            | Self::WebhookDisabled
            | Self::WebhookTest => AuditTarget::Webhook,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// The areas events are grouped by (the first part of their wire name).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventArea {
    Org,
    Member,
    Invitation,
    Project,
    ApiKey,
    Billing,
    Webhook,
}

impl EventArea {
    pub const ALL: [Self; 7] = [
        Self::Org,
        Self::Member,
        Self::Invitation,
        Self::Project,
        Self::ApiKey,
        Self::Billing,
        Self::Webhook,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Self::Org => "Organization",
            Self::Member => "Members",
            Self::Invitation => "Invitations",
            Self::Project => "Projects",
            Self::ApiKey => "API keys",
            Self::Billing => "Billing",
            Self::Webhook => "Webhooks",
        }
    }
}

impl AuditAction {
    /// The area an event belongs to: the part of its wire name before the dot.
    pub const fn area(self) -> EventArea {
        match self.target() {
            AuditTarget::Org if self.is_billing() => EventArea::Billing,
            AuditTarget::Org => EventArea::Org,
            AuditTarget::Member => EventArea::Member,
            AuditTarget::Invitation => EventArea::Invitation,
            AuditTarget::Project => EventArea::Project,
            AuditTarget::ApiKey => EventArea::ApiKey,
            AuditTarget::Webhook => EventArea::Webhook,
        }
    }

    const fn is_billing(self) -> bool {
        matches!(
            self,
            Self::BillingTopUp
                | Self::BillingCreditsGranted
                | Self::BillingLowBalance
                | Self::BillingAlertsUpdated
                | Self::BillingSpendPolicyUpdated
                | Self::BillingPaymentSucceeded
                | Self::BillingPaymentFailed
                | Self::BillingPaymentRefunded
                | Self::BillingCardSaved
                | Self::BillingProfileUpdated
                | Self::BillingSubscriptionChanged
                | Self::BillingPastDue
        )
    }

    /// Whether endpoints subscribed to every event receive it. A test event goes only to
    /// the endpoint it was sent to.
    pub const fn fans_out(self) -> bool {
        !matches!(self, Self::WebhookTest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_wire_form() {
        let mut seen = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert!(seen.insert(action.as_str()), "{} twice", action.as_str());
            assert!(!action.label().is_empty());
            let target = action.as_str().split('.').next().unwrap();
            let expected = if target == "billing" { "org" } else { target };
            let area = serde_json::to_string(&action.area()).unwrap();
            assert_eq!(area, format!("\"{target}\""), "{}", action.as_str());
            assert_eq!(action.target().as_str(), expected, "{}", action.as_str());
        }
    }
}
