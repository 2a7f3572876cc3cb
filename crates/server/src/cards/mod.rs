//! The org's card on file (`--payments stripe`): its customer at Stripe ([`customer`]), and
//! saving a card through a SetupIntent ([`setup`]) on a page this server serves
//! ([`page`]), where Stripe.js hands the card to Stripe directly: the number never
//! reaches us. Top-ups charge the saved card; subscriptions renew on it.

pub mod customer;
pub mod page;
pub mod routes;
pub mod setup;
