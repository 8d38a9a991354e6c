//! Membership: who belongs to a co-op, with which roles.

pub mod api;
pub mod import;
pub mod lifecycle;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
