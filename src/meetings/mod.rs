//! General meetings: the meeting (general, annual or extraordinary), its agenda
//! linked to ballots, attendance with proxies, and the minutes adopted by a later
//! meeting. The pure rules live in [`rules`].

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
