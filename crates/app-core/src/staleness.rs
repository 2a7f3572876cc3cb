//! What is remembered but older than a change made since. After a change is applied, what
//! the store holds about it is kept (it is all there is offline) but marked stale: while
//! online, the next read of it asks the server first.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use orgdesk_client::{ReadKey, ReadScope};

/// Scopes and when what is remembered under them went stale.
#[derive(Debug, Default)]
pub struct Staleness(Mutex<HashMap<ReadScope, DateTime<Utc>>>);

impl Staleness {
    pub fn mark(&self, scope: ReadScope) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(scope, Utc::now());
        }
    }

    /// Whether an answer for `key` fetched at `as_of` predates a change.
    pub fn outdated(&self, key: &ReadKey, as_of: DateTime<Utc>) -> bool {
        let Ok(map) = self.0.lock() else { return false };
        map.iter()
            .any(|(scope, since)| scope.covers(key) && as_of <= *since)
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use orgdesk_client::OrgRead;
    use orgdesk_model::OrgId;

    use super::*;

    #[test]
    fn a_change_makes_what_was_fetched_before_it_stale() {
        let (org, other) = (OrgId::new(), OrgId::new());
        let projects = ReadKey::of(org, OrgRead::Projects);
        let before = Utc::now() - chrono::Duration::seconds(1);
        let stale = Staleness::default();
        assert!(!stale.outdated(&projects, before));
        stale.mark(ReadScope::Org { org_id: other });
        assert!(!stale.outdated(&projects, before), "another org's change");
        stale.mark(ReadScope::Org { org_id: org });
        assert!(stale.outdated(&projects, before));
        let after = Utc::now() + chrono::Duration::seconds(1);
        assert!(!stale.outdated(&projects, after), "fetched since");
        stale.clear();
        assert!(!stale.outdated(&projects, before));
        stale.mark(ReadScope::All);
        assert!(stale.outdated(&ReadKey::Rates, before));
    }
}
