//! Exports of a whole org (`/v1/orgs/{org}/exports…`, owners and admins): a request queues
//! one ([`service`]); a background job on any instance of the database takes it with a
//! lease ([`claim`]), writes the ZIP ([`job`], [`tables`], [`pages`]) into the database in chunks as
//! it goes ([`archive`]) so that any instance serves the download, and removes it after a
//! week. The worker task is [`worker`]; the routes are [`routes`].

pub mod archive;
pub mod claim;
pub mod error;
pub mod job;
pub mod pages;
pub mod repo;
pub mod routes;
pub mod service;
pub mod tables;
pub mod worker;
