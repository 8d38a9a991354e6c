//! The tenant: a co-op, its settings, and (later) its governance parameters.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
