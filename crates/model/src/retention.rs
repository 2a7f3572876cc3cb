//! How long an org keeps each kind of data it produces, within what its plan allows.
//!
//! The plan table ([`Plan::retention`]) gives each kind a default, a floor and a ceiling;
//! an org's own setting ([`RetentionPolicy`]) picks a period inside them. Money — the
//! ledger, statements, payments — has no period: it is kept for accounting.

use serde::{Deserialize, Serialize};

use crate::plan::Plan;

/// A kind of data with a retention period.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RetentionKind {
    /// Audit log entries.
    AuditLog,
    /// Metered usage events (the ledger lines they were charged on stay).
    UsageEvents,
    /// Webhook deliveries with their attempts.
    WebhookDeliveries,
    /// Copies of mail sent about the org (invitations, notices).
    MailCopies,
    /// Projects archived for longer than the period are deleted.
    ArchivedProjects,
}

impl RetentionKind {
    pub const ALL: [Self; 5] = [
        Self::AuditLog,
        Self::UsageEvents,
        Self::WebhookDeliveries,
        Self::MailCopies,
        Self::ArchivedProjects,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AuditLog => "audit_log",
            Self::UsageEvents => "usage_events",
            Self::WebhookDeliveries => "webhook_deliveries",
            Self::MailCopies => "mail_copies",
            Self::ArchivedProjects => "archived_projects",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::AuditLog => "Audit log",
            Self::UsageEvents => "Usage events",
            Self::WebhookDeliveries => "Webhook deliveries",
            Self::MailCopies => "Mail copies",
            Self::ArchivedProjects => "Archived projects",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a plan allows for one kind, in days.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct RetentionBounds {
    pub default_days: u32,
    pub min_days: u32,
    pub max_days: u32,
}

impl RetentionBounds {
    const fn new(default_days: u32, min_days: u32, max_days: u32) -> Self {
        Self {
            default_days,
            min_days,
            max_days,
        }
    }

    /// `days` held inside the bounds (a setting made on a bigger plan, read on a smaller).
    pub const fn clamp(self, days: u32) -> u32 {
        if days < self.min_days {
            self.min_days
        } else if days > self.max_days {
            self.max_days
        } else {
            days
        }
    }
}

impl Plan {
    /// The plan table's retention row for `kind`. The audit log's default is its maximum,
    /// as it was before orgs could choose.
    pub const fn retention(self, kind: RetentionKind) -> RetentionBounds {
        use RetentionKind as K;
        match (self, kind) {
            (Plan::Free, K::AuditLog) => RetentionBounds::new(30, 7, 30),
            (Plan::Team, K::AuditLog) => RetentionBounds::new(365, 7, 365),
            (Plan::Business, K::AuditLog) => RetentionBounds::new(2555, 7, 2555),
            (Plan::Free, K::UsageEvents) => RetentionBounds::new(90, 7, 90),
            (Plan::Team, K::UsageEvents) => RetentionBounds::new(365, 7, 730),
            (Plan::Business, K::UsageEvents) => RetentionBounds::new(730, 7, 2555),
            (Plan::Free, K::WebhookDeliveries) => RetentionBounds::new(30, 1, 30),
            (Plan::Team, K::WebhookDeliveries) => RetentionBounds::new(30, 1, 90),
            (Plan::Business, K::WebhookDeliveries) => RetentionBounds::new(30, 1, 365),
            (Plan::Free, K::MailCopies) => RetentionBounds::new(30, 1, 30),
            (Plan::Team, K::MailCopies) => RetentionBounds::new(30, 1, 180),
            (Plan::Business, K::MailCopies) => RetentionBounds::new(90, 1, 365),
            (Plan::Free, K::ArchivedProjects) => RetentionBounds::new(90, 7, 90),
            (Plan::Team, K::ArchivedProjects) => RetentionBounds::new(365, 7, 730),
            (Plan::Business, K::ArchivedProjects) => RetentionBounds::new(365, 7, 2555),
        }
    }
}

/// An org's retention periods in days, one per kind.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicy {
    pub audit_log: u32,
    pub usage_events: u32,
    pub webhook_deliveries: u32,
    pub mail_copies: u32,
    pub archived_projects: u32,
}

impl RetentionPolicy {
    /// The plan's defaults.
    pub const fn defaults(plan: Plan) -> Self {
        Self {
            audit_log: plan.retention(RetentionKind::AuditLog).default_days,
            usage_events: plan.retention(RetentionKind::UsageEvents).default_days,
            webhook_deliveries: plan
                .retention(RetentionKind::WebhookDeliveries)
                .default_days,
            mail_copies: plan.retention(RetentionKind::MailCopies).default_days,
            archived_projects: plan.retention(RetentionKind::ArchivedProjects).default_days,
        }
    }

    pub const fn days(&self, kind: RetentionKind) -> u32 {
        match kind {
            RetentionKind::AuditLog => self.audit_log,
            RetentionKind::UsageEvents => self.usage_events,
            RetentionKind::WebhookDeliveries => self.webhook_deliveries,
            RetentionKind::MailCopies => self.mail_copies,
            RetentionKind::ArchivedProjects => self.archived_projects,
        }
    }

    /// What applies under `plan`: each period held inside the plan's bounds.
    pub fn effective(&self, plan: Plan) -> Self {
        let days = |kind| plan.retention(kind).clamp(self.days(kind));
        Self {
            audit_log: days(RetentionKind::AuditLog),
            usage_events: days(RetentionKind::UsageEvents),
            webhook_deliveries: days(RetentionKind::WebhookDeliveries),
            mail_copies: days(RetentionKind::MailCopies),
            archived_projects: days(RetentionKind::ArchivedProjects),
        }
    }
}

/// One kind as the retention page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RetentionRule {
    pub kind: RetentionKind,
    pub label: String,
    /// The org's setting (the plan's default until it chooses).
    pub days: u32,
    /// What applies now: `days` held inside the current plan's bounds.
    pub effective_days: u32,
    pub bounds: RetentionBounds,
}

/// `GET /v1/orgs/{org}/retention`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RetentionSettings {
    pub plan: Plan,
    pub policy: RetentionPolicy,
    pub rules: Vec<RetentionRule>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_sit_inside_bounds_that_grow_with_the_plan() {
        for kind in RetentionKind::ALL {
            assert_eq!(RetentionKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            let mut last_max = 0;
            for plan in Plan::ALL {
                let b = plan.retention(kind);
                assert!(b.min_days >= 1 && b.min_days <= b.default_days);
                assert!(b.default_days <= b.max_days);
                assert!(b.max_days >= last_max, "{kind:?} shrinks on {plan:?}");
                last_max = b.max_days;
            }
        }
        assert_eq!(
            Plan::Team.retention(RetentionKind::AuditLog).max_days,
            Plan::Team.limits().audit_retention_days
        );
    }

    #[test]
    fn a_bigger_plans_setting_is_held_to_a_smaller_plans_bounds() {
        let mut policy = RetentionPolicy::defaults(Plan::Business);
        policy.usage_events = 2000;
        let free = policy.effective(Plan::Free);
        assert_eq!(free.usage_events, 90);
        assert_eq!(free.audit_log, 30);
        assert_eq!(policy.effective(Plan::Business), policy);
    }
}
