//! Single sign-on with OpenID Connect: the email domains an org proves it holds by DNS
//! ([`domains`]), and where an org that requires its SSO refuses password sessions
//! ([`enforcement`]).

pub mod domains;
pub mod enforcement;
