//! Single sign-on with OpenID Connect: an org's connection to its identity provider
//! ([`connection`]), the outbound client that talks to providers under the webhooks'
//! address rules ([`provider`]), the native-app sign-in flow (RFC 8252, the server being
//! the relying party): [`flow`] starts it, [`callback`] takes the provider's answer and
//! validates its ID token with `openidconnect`, [`provisioning`] signs the person in
//! (creating the account and membership when allowed), [`redeem`] trades the app's
//! one-time code and PKCE verifier for a session; the email domains an org proves it holds
//! by DNS ([`domains`]), and where an org that requires its SSO refuses password sessions
//! ([`enforcement`]). Routes in [`routes`] and [`domains::routes`].

pub mod callback;
pub mod connection;
pub mod domains;
pub mod enforcement;
pub mod error;
pub mod flow;
pub mod provider;
pub mod provisioning;
pub mod redeem;
pub mod routes;

pub use error::SsoError;
