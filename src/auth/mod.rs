//! Accounts, passwords, tokens, sessions, and who may do what.

pub mod api;
pub mod extract;
pub mod pages;
pub mod password;
pub mod permissions;
pub mod service;
pub mod store;
pub mod throttle;
pub mod token;
