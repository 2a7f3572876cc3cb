//! Typed identifiers. Each id is its own type, so an organization id can never be passed
//! where a user id is expected. On the wire and in the database they are UUID strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            specta::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUIDv7), so new rows sort after old ones.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// An account.
    UserId
);
typed_id!(
    /// An organization, or a personal context (which is stored as an organization of
    /// kind `personal`).
    OrgId
);

typed_id!(
    /// A project inside an org.
    ProjectId
);
typed_id!(
    /// An invitation to an org (not its token: the token is a secret, the id is not).
    InvitationId
);
typed_id!(
    /// One entry of an org's audit log.
    AuditEventId
);

typed_id!(
    /// An API key (not its secret).
    ApiKeyId
);
typed_id!(
    /// One line of an org's credit ledger.
    LedgerEntryId
);
typed_id!(
    /// A card payment (a top-up or a subscription period).
    PaymentId
);
typed_id!(
    /// A webhook endpoint of an org.
    WebhookId
);
typed_id!(
    /// One event on its way to one webhook endpoint. Its id is the `webhook-id` header, the
    /// same on every attempt, so receivers can drop repeats.
    WebhookDeliveryId
);
typed_id!(
    /// An export of a whole org (a ZIP written in the background).
    ExportId
);
typed_id!(
    /// A signed-in session (never its token: the token is a secret, the id is not).
    SessionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_plain_uuid_strings() {
        let id = OrgId::new();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        let back: OrgId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string().parse::<OrgId>().unwrap(), id);
    }

    #[test]
    fn new_ids_sort_by_creation() {
        let a = UserId::new();
        let b = UserId::new();
        assert!(a < b);
    }
}
