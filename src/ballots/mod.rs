//! Ballots: motions and elections, one member one vote. The pure rules live in
//! [`rules`]; the counting is the `concord-tally` crate, seen here as [`tally`].

pub mod api;
pub mod charts;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
pub use concord_tally as tally;
pub mod words;
