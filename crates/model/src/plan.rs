//! Plans and their limits, in one table. The server reads limits only from here.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Team,
    Business,
}

/// What a plan allows. `owned_orgs` applies to the plan of a person's personal context:
/// it is how many organizations that person may own. Counts are integers, never floats.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct PlanLimits {
    pub projects: u32,
    pub seats: u32,
    pub owned_orgs: u32,
    pub audit_retention_days: u32,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Team, Plan::Business];

    pub const fn limits(self) -> PlanLimits {
        match self {
            Plan::Free => PlanLimits {
                projects: 3,
                seats: 5,
                owned_orgs: 3,
                audit_retention_days: 30,
            },
            Plan::Team => PlanLimits {
                projects: 25,
                seats: 50,
                owned_orgs: 10,
                audit_retention_days: 365,
            },
            Plan::Business => PlanLimits {
                projects: 250,
                seats: 1000,
                owned_orgs: 100,
                audit_retention_days: 2555,
            },
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Team => "team",
            Plan::Business => "business",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_limits_grow() {
        let mut last = 0;
        for plan in Plan::ALL {
            assert_eq!(Plan::parse(plan.as_str()), Some(plan));
            let json = serde_json::to_string(&plan).unwrap();
            assert_eq!(json, format!("\"{}\"", plan.as_str()));
            assert!(plan.limits().seats > last);
            last = plan.limits().seats;
        }
    }
}
