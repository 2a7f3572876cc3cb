//! A change as the outbox stores it: one of the [`edits`](super::edits), tagged by `kind`.
//! The stored JSON is the same as when each change was a variant with fields, so changes
//! queued by an earlier version replay after an upgrade.

use orgdesk_client::{Client, ClientError, OrgRef};
use orgdesk_model::OrgId;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

use super::edit::{Describe, Edit};
use super::edits::{
    ArchiveProject, ChangeMemberRole, CreateProject, InviteMembers, PayByCard, RestoreProject,
    RevokeInvitation, SetBillingProfile, SetLowBalanceThreshold, SetMemberScope, SetSpendPolicy,
    SuspendProject, TopUpCredits, UnsuspendProject, UpdateOrg, UpdateProject,
};

/// Lists each kind of change once: the enum, how each edit becomes one, and the dispatch.
macro_rules! changes {
    ($($variant:ident($edit:ident)),+ $(,)?) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Change {
            $($variant($edit)),+
        }

        $(impl From<$edit> for Change {
            fn from(edit: $edit) -> Self {
                Self::$variant(edit)
            }
        })+

        impl Change {
            fn describe(&self) -> &dyn Describe {
                match self {
                    $(Self::$variant(edit) => edit),+
                }
            }

            /// Sends it once (a replay: its answer is not shown to anyone). `client` carries
            /// the change's idempotency key.
            pub async fn send(&self, client: &Client) -> Result<(), ClientError> {
                match self {
                    $(Self::$variant(edit) => edit.send(client).await.map(drop)),+
                }
            }
        }
    };
}

changes! {
    UpdateOrg(UpdateOrg),
    CreateProject(CreateProject),
    UpdateProject(UpdateProject),
    SuspendProject(SuspendProject),
    UnsuspendProject(UnsuspendProject),
    ArchiveProject(ArchiveProject),
    RestoreProject(RestoreProject),
    ChangeMemberRole(ChangeMemberRole),
    SetMemberScope(SetMemberScope),
    InviteMembers(InviteMembers),
    RevokeInvitation(RevokeInvitation),
    TopUp(TopUpCredits),
    SetLowBalanceThreshold(SetLowBalanceThreshold),
    SetSpendPolicy(SetSpendPolicy),
    PayByCard(PayByCard),
    SetBillingProfile(SetBillingProfile),
}

impl Change {
    pub fn org_id(&self) -> OrgId {
        self.describe().org_id()
    }

    /// A line for the outbox list.
    pub fn summary(&self) -> String {
        self.describe().summary()
    }

    /// For a change refused as stale (`version_conflict`): the version saved meanwhile.
    pub async fn current_version(&self, client: &Client) -> Option<Value> {
        match self {
            Self::UpdateOrg(edit) => {
                let m = client.get_org(&OrgRef::Id(edit.org_id)).await.ok()?;
                serde_json::to_value(m.value.org).ok()
            }
            Self::UpdateProject(edit) => {
                let all = client.all_projects(edit.org_id).await.ok()?;
                let p = all.value.into_iter().find(|p| p.id == edit.project_id)?;
                serde_json::to_value(p).ok()
            }
            _ => None,
        }
    }

    /// The same change, to be sent on top of `version` (keep mine after a conflict).
    pub fn on_version(&self, version: i64) -> Option<Self> {
        match self {
            Self::UpdateOrg(edit) => Some(Self::UpdateOrg(UpdateOrg {
                expected_version: version,
                ..edit.clone()
            })),
            Self::UpdateProject(edit) => Some(Self::UpdateProject(UpdateProject {
                expected_version: version,
                ..edit.clone()
            })),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Changes queued before each became its own type: the outbox must still read them.
    #[test]
    fn changes_stored_by_earlier_versions_still_read() {
        let org = "0190f4c2-5b8e-7000-8000-000000000001";
        let stored = [
            format!(
                r#"{{"kind":"update_org","org_id":"{org}","expected_version":3,"patch":{{"name":"Acme Two"}}}}"#
            ),
            format!(r#"{{"kind":"create_project","org_id":"{org}","input":{{"name":"Site"}}}}"#),
            format!(
                r#"{{"kind":"top_up","org_id":"{org}","input":{{"amount":100,"payment_reference":null}}}}"#
            ),
            format!(r#"{{"kind":"set_low_balance_threshold","org_id":"{org}","threshold":null}}"#),
            format!(r#"{{"kind":"archive_project","org_id":"{org}","project_id":"{org}"}}"#),
            format!(r#"{{"kind":"pay_by_card","org_id":"{org}","input":{{"credits":5000}}}}"#),
            format!(
                r#"{{"kind":"set_billing_profile","org_id":"{org}","profile":{{"company_name":"Acme GmbH","country":"DE"}}}}"#
            ),
        ];
        let read: Vec<Change> = stored
            .iter()
            .map(|json| serde_json::from_str(json).expect(json))
            .collect();
        assert_eq!(
            read[0].summary(),
            "Change the organization's name to “Acme Two”"
        );
        assert_eq!(read[1].summary(), "Create project “Site”");
        assert_eq!(read[2].summary(), "Top up 100 credits");
        assert_eq!(read[3].summary(), "Turn the low-balance warning off");
        assert_eq!(read[4].summary(), "Archive a project");
        assert_eq!(read[5].summary(), "Buy 5000 credits with the saved card");
        assert_eq!(read[6].summary(), "Change the billing details");
        assert!(read.iter().all(|c| c.org_id().to_string() == org));
        // And they are written back under the same kind, as the same change.
        for (change, json) in read.iter().zip(&stored) {
            let again = serde_json::to_value(change).unwrap();
            let before: Value = serde_json::from_str(json).unwrap();
            assert_eq!(again["kind"], before["kind"]);
            assert_eq!(again["org_id"], before["org_id"]);
            assert_eq!(&serde_json::from_value::<Change>(again).unwrap(), change);
        }
        let kept = read[0].on_version(9).unwrap();
        assert!(matches!(
            kept,
            Change::UpdateOrg(UpdateOrg {
                expected_version: 9,
                ..
            })
        ));
    }
}
