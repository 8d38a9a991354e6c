//! Notifications and e-mail preferences: what changed in a co-op since a member's
//! last visit (the co-op's audit events, filtered by what the member's roles may
//! see), and how each user wants ordinary e-mail (at once, in a daily digest, or
//! not at all; legal notices are always sent). Decision 0011 explains the choices;
//! the pure rules live in [`rules`]. Legal notices are followed member by member
//! ([`deliveries`]).

pub mod api;
pub mod deliveries;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
