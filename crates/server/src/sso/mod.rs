//! Single sign-on with OpenID Connect: an org's connection to its identity provider
//! ([`connection`]), the outbound client that talks to providers under the webhooks'
//! address rules ([`provider`]), and the native-app sign-in flow (RFC 8252, the server
//! being the relying party): [`flow`] starts it, [`callback`] takes the provider's
//! answer and validates its ID token with `openidconnect`, [`provisioning`] signs the
//! person in (creating the account and membership when allowed), [`redeem`] trades the
//! app's one-time code and PKCE verifier for a session. Routes in [`routes`].

pub mod callback;
pub mod connection;
pub mod error;
pub mod flow;
pub mod provider;
pub mod provisioning;
pub mod redeem;
pub mod routes;
// Verified domains and enforcement (the domains part of issue 13):
// pub mod domains;
// pub mod enforcement;

pub use error::SsoError;
