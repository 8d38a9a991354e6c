//! Share capital: share classes, subscriptions paid in instalments, transfers,
//! redemptions, and the append-only capital ledger. The rules live in [`rules`].

pub mod api;
pub mod holdings;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
