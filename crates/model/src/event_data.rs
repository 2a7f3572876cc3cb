//! The payload of every event: what `details` holds in the audit log and in a webhook's
//! `data.details`, one type per event of the catalogue ([`details_type`]). The server
//! writes details as JSON inside each change's transaction; in debug builds (every test)
//! it checks each against its type here ([`check`]), so these types are what receivers
//! really get. Fields are never renamed; new ones may be added.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::event::{AuditAction, EventArea};
use crate::ids::{ExportId, LedgerEntryId, PaymentId, ProjectId, UserId};
use crate::plan::Plan;
use crate::project::ProjectStatus;
use crate::retention::RetentionKind;
use crate::role::Role;

macro_rules! payload {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $($(#[$fmeta])* pub $field: $ty),* }
    };
}

payload!(
    /// `org.created`, `org.deleted`, `project.created`, `project.deleted`.
    NamedDetails { name: String, slug: String }
);
payload!(
    /// One changed field: its value before and after.
    FieldChange {
        #[schema(value_type = Object)]
        old: Value,
        #[schema(value_type = Object)]
        new: Value,
    }
);
payload!(
    /// `org.updated`, `project.updated`, `webhook.updated`, `org.retention_updated`: only the fields that changed.
    ChangesDetails { changes: BTreeMap<String, FieldChange> }
);
payload!(
    /// Events that carry no facts of their own (`org.logo_removed`).
    NoDetails {}
);
payload!(
    /// `org.logo_updated`.
    LogoDetails { content_type: String, uploaded_as: String, etag: String, size: u64 }
);
payload!(
    /// `org.ownership_transferred`.
    OwnershipDetails { from: UserId, to: UserId, new_owner_previous_role: Role }
);
payload!(
    /// `org.plan_changed`.
    PlanChangeDetails { old: Plan, new: Plan }
);
payload!(
    /// The security policy's fields, as `org.security_updated` shows them.
    SecurityFields {
        require_two_factor: bool,
        session_idle_timeout_minutes: Option<u32>,
        min_password_length: u32,
    }
);
payload!(
    /// `org.security_updated`.
    SecurityDetails { before: SecurityFields, after: SecurityFields }
);
payload!(
    /// `member.role_changed`.
    RoleChangeDetails { old: Role, new: Role }
);
payload!(
    /// `member.scope_changed`: `"all"` or a list of project ids, before and after.
    ScopeChangeDetails {
        #[schema(value_type = Object)]
        old: Value,
        #[schema(value_type = Object)]
        new: Value,
    }
);
payload!(
    /// `member.removed`.
    MemberRemovedDetails { email: String, display_name: String, role: Role }
);
payload!(
    /// `member.left`; `account_deleted` when the person deleted their account.
    MemberLeftDetails {
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account_deleted: Option<bool>,
    }
);
payload!(
    /// `invitation.created`: `project_scope` is `null` (all projects) or project ids.
    InvitationCreatedDetails {
        email: String,
        role: Role,
        project_scope: Option<Vec<ProjectId>>,
    }
);
payload!(
    /// `invitation.resent`, `invitation.revoked`, `invitation.declined`.
    InvitationDetails { email: String }
);
payload!(
    /// `invitation.accepted`.
    InvitationAcceptedDetails { email: String, role: Role, user_id: UserId }
);
payload!(
    /// `project.suspended|unsuspended|archived|restored`; `reason` on suspension.
    ProjectTransitionDetails {
        from: ProjectStatus,
        to: ProjectStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    }
);
payload!(
    /// `api_key.created`.
    ApiKeyCreatedDetails {
        name: String,
        prefix: String,
        project_id: Option<ProjectId>,
        scopes: Vec<String>,
        expires_at: Option<DateTime<Utc>>,
    }
);
payload!(
    /// `api_key.revoked`; `reason` when the server revoked it.
    ApiKeyRevokedDetails {
        name: String,
        prefix: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    }
);
payload!(
    /// `billing.top_up`, `billing.credits_granted`.
    CreditsDetails {
        amount: i64,
        reference: Option<String>,
        entry_id: LedgerEntryId,
        balance: i64,
    }
);
payload!(
    /// `billing.low_balance`: the balance crossed below the threshold.
    LowBalanceDetails { threshold: i64, balance: i64 }
);
payload!(
    /// `billing.alerts_updated`: the low-balance threshold.
    ThresholdDetails { old: Option<i64>, new: Option<i64> }
);
payload!(
    /// `billing.spend_policy_updated`.
    SpendPolicyDetails {
        #[schema(value_type = Object)]
        old: Value,
        #[schema(value_type = Object)]
        new: Value,
    }
);
payload!(
    /// `billing.payment_succeeded`, `billing.payment_failed`: a top-up (`credits`) or a
    /// plan period (`plan`); `reason` when it failed.
    PaymentDetails {
        payment_id: PaymentId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        credits: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<Plan>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        currency: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receipt_number: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry_id: Option<LedgerEntryId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        balance: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    }
);
payload!(
    /// `billing.payment_refunded`: `taken` credits left the balance, `owed` it lacked.
    RefundDetails {
        payment_id: PaymentId,
        refunded_price: i64,
        refunded_total: i64,
        currency: String,
        credits: i64,
        taken: i64,
        owed: i64,
        entry_id: Option<LedgerEntryId>,
    }
);
payload!(
    /// `billing.card_saved`.
    CardDetails { brand: String, last4: String }
);
payload!(
    /// `billing.profile_updated`: the names of the fields that changed.
    ProfileDetails { changed: Vec<String> }
);
payload!(
    /// `billing.subscription_changed`.
    SubscriptionDetails { plan: Plan, status: String, subscription: String }
);
payload!(
    /// `billing.past_due`.
    PastDueDetails { plan: Plan }
);
payload!(
    /// `webhook.created`.
    WebhookCreatedDetails { url: String, all_events: bool, events: Vec<AuditAction>, enabled: bool }
);
payload!(
    /// `webhook.deleted`.
    WebhookDeletedDetails { url: String }
);
payload!(
    /// `webhook.secret_rotated`: the previous secret signs too until then.
    SecretRotatedDetails { previous_expires_at: DateTime<Utc> }
);
payload!(
    /// `webhook.disabled`: the server turned the endpoint off after failing for days.
    WebhookDisabledDetails {
        reason: String,
        failing_since: DateTime<Utc>,
        failure_streak: u32,
        deliveries_given_up: u64,
    }
);
payload!(
    /// `webhook.test`.
    WebhookTestDetails { message: String }
);

payload!(
    /// `org.export_created`: an export of the whole org was started.
    ExportCreatedDetails { export_id: ExportId }
);
payload!(
    /// `org.data_purged`: `deleted` records of `kind` older than `older_than` are gone
    /// from the database (written by the system, once per kind and run that deleted any).
    PurgedDetails { kind: RetentionKind, deleted: u64, older_than: DateTime<Utc> }
);
payload!(
    /// `org.deletion_scheduled`: the org is read-only and is deleted for good at
    /// `purge_at` unless the owner cancels first.
    DeletionScheduledDetails { purge_at: DateTime<Utc> }
);

macro_rules! catalogue {
    ($($ty:ident: $($action:ident)|+;)*) => {
        /// Any event's details (the type follows from the event's `type`; see
        /// [`details_type`]).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
        #[serde(untagged)]
        pub enum EventDetails {
            $($ty($ty),)*
        }

        /// The name of the type `details` has for `action`.
        pub const fn details_type(action: AuditAction) -> &'static str {
            match action {
                $($(AuditAction::$action)|+ => stringify!($ty),)*
            }
        }

        /// Whether `details` is what `action`'s type says (the server's debug builds ask
        /// this of every event they write).
        pub fn check(action: AuditAction, details: &Value) -> Result<(), serde_json::Error> {
            match action {
                $($(AuditAction::$action)|+ => {
                    serde_json::from_value::<$ty>(details.clone()).map(drop)
                })*
            }
        }
    };
}

payload!(
    /// `org.sso_updated`: the connection's fields (never its secret) before (`null` when
    /// it was made) and after, and whether the secret was replaced.
    SsoUpdatedDetails {
        #[schema(value_type = Object)]
        before: Value,
        #[schema(value_type = Object)]
        after: Value,
        secret_replaced: bool,
    }
);
payload!(
    /// `org.sso_removed`.
    SsoRemovedDetails { issuer: String }
);
payload!(
    /// `org.domain_claimed`, `org.domain_verified`, `org.domain_removed`,
    /// `org.domain_unverified` (`reason`: why the daily check dropped it).
    DomainDetails {
        domain: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    }
);
payload!(
    /// `member.provisioned`: someone made a member by their first SSO sign-in.
    ProvisionedDetails {
        email: String,
        role: Role,
        project_scope: Option<Vec<ProjectId>>,
        issuer: String,
        subject: String,
    }
);
payload!(
    /// `member.signed_in_with_sso`: the provider's issuer and subject.
    SsoSignInDetails { email: String, issuer: String, subject: String }
);

catalogue! {
    NamedDetails: OrgCreated | OrgDeleted | ProjectCreated | ProjectDeleted;
    ChangesDetails: OrgUpdated | ProjectUpdated | WebhookUpdated | OrgRetentionUpdated;
    NoDetails: OrgLogoRemoved | OrgDeletionCancelled;
    ExportCreatedDetails: OrgExportCreated;
    PurgedDetails: OrgDataPurged;
    DeletionScheduledDetails: OrgDeletionScheduled;
    LogoDetails: OrgLogoUpdated;
    OwnershipDetails: OrgOwnershipTransferred;
    PlanChangeDetails: OrgPlanChanged;
    SecurityDetails: OrgSecurityUpdated;
    RoleChangeDetails: MemberRoleChanged;
    ScopeChangeDetails: MemberScopeChanged;
    MemberRemovedDetails: MemberRemoved;
    MemberLeftDetails: MemberLeft;
    InvitationCreatedDetails: InvitationCreated;
    InvitationDetails: InvitationResent | InvitationRevoked | InvitationDeclined;
    InvitationAcceptedDetails: InvitationAccepted;
    ProjectTransitionDetails: ProjectSuspended | ProjectUnsuspended | ProjectArchived | ProjectRestored;
    ApiKeyCreatedDetails: ApiKeyCreated;
    ApiKeyRevokedDetails: ApiKeyRevoked;
    CreditsDetails: BillingTopUp | BillingCreditsGranted;
    LowBalanceDetails: BillingLowBalance;
    ThresholdDetails: BillingAlertsUpdated;
    SpendPolicyDetails: BillingSpendPolicyUpdated;
    PaymentDetails: BillingPaymentSucceeded | BillingPaymentFailed;
    RefundDetails: BillingPaymentRefunded;
    CardDetails: BillingCardSaved;
    ProfileDetails: BillingProfileUpdated;
    SubscriptionDetails: BillingSubscriptionChanged;
    PastDueDetails: BillingPastDue;
    WebhookCreatedDetails: WebhookCreated;
    WebhookDeletedDetails: WebhookDeleted;
    SecretRotatedDetails: WebhookSecretRotated;
    WebhookDisabledDetails: WebhookDisabled;
    WebhookTestDetails: WebhookTest;
    SsoUpdatedDetails: OrgSsoUpdated;
    SsoRemovedDetails: OrgSsoRemoved;
    DomainDetails: OrgDomainClaimed | OrgDomainVerified | OrgDomainUnverified | OrgDomainRemoved;
    ProvisionedDetails: MemberProvisioned;
    SsoSignInDetails: MemberSignedInWithSso;
}

/// One entry of the published catalogue (`GET /v1/webhook-events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct EventInfo {
    #[serde(rename = "type")]
    pub event: AuditAction,
    pub label: String,
    pub area: EventArea,
    pub area_label: String,
    /// The schema of its `details` (in the OpenAPI document's components).
    pub details_type: String,
}

impl EventInfo {
    /// The whole catalogue, in its order.
    pub fn catalogue() -> Vec<Self> {
        AuditAction::ALL
            .into_iter()
            .map(|event| Self {
                event,
                label: event.label().to_owned(),
                area: event.area(),
                area_label: event.area().label().to_owned(),
                details_type: details_type(event).to_owned(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_event_has_a_type_and_details_are_held_to_it() {
        for action in AuditAction::ALL {
            assert!(
                details_type(action).ends_with("Details"),
                "{}",
                action.as_str()
            );
        }
        let role = json!({ "old": "member", "new": "admin" });
        assert!(check(AuditAction::MemberRoleChanged, &role).is_ok());
        assert!(check(AuditAction::MemberRoleChanged, &json!({ "old": "member" })).is_err());
        assert!(check(
            AuditAction::MemberRoleChanged,
            &json!({ "old": "member", "new": "admin", "x": 1 })
        )
        .is_err());
        assert!(check(AuditAction::OrgLogoRemoved, &json!({})).is_ok());
        let changes = json!({ "changes": { "name": { "old": "A", "new": "B" } } });
        assert!(check(AuditAction::OrgUpdated, &changes).is_ok());
    }
}
