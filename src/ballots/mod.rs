//! Ballots: motions and elections, one member one vote. The pure rules live in
//! [`rules`], the counting in [`tally`].

pub mod api;
pub mod charts;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
pub mod tally;
pub mod words;
