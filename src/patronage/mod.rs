//! Year-end distribution (patronage). The rule set and its presets
//! ([`rules`]), the pure allocation with largest-remainder rounding
//! ([`allocate`]) and the offline `concord allocate` helpers ([`offline`]) are
//! the `concord-allocation` crate, seen here under those names.
//! The platform workflow: fiscal years, hours and distributions from draft to
//! posted ([`workflow`] pure, [`store`], [`service`], [`api`], [`pages`]); the
//! co-op's own rule set ([`own_rules`]); the revolving schedule of retained
//! patronage ([`revolving`] pure).
//! See `docs/rules/distribution.md`.

pub use concord_allocation::{allocate, offline, rules};
pub mod api;
pub mod limits;
pub mod own_rules;
pub mod pages;
pub mod revolving;
pub mod service;
pub mod store;
pub mod workflow;
