//! The membership core: who belongs to which org, as what. How a request names an org
//! ([`OrgKey`], [`OrgPath`]), the org as its member sees it ([`MemberView`]) with the lock
//! and the capability checks every org-scoped change starts with ([`view`]), and the
//! membership rows with their project scope and search terms ([`rows`], [`search`]), and
//! what a reader — a member, or an API key that reads — may see of an org ([`reading`]),
//! the org's retention periods as they apply under its plan ([`retention`]), and which
//! orgs require their single sign-on of a member ([`sso_required`]).
//! Every domain that works inside an org builds on it; it knows none of them.

pub mod error;
pub mod key;
pub mod reading;
pub mod retention;
pub mod rows;
pub mod search;
pub mod sso_required;
pub mod view;

pub use error::AccessError;
pub use key::{OrgKey, OrgPath};
pub use reading::{reading, KeyReader, Reader, Reading};
pub use view::{find, lock_for_member, require, require_team, MemberView};
