//! Concord: governance for worker co-operatives.
//!
//! One member, one vote; surplus shared by the work done; every change on the record.
//! See `docs/architecture.md` for the map of this crate.

pub mod audit;
pub mod auth;
pub mod ballots;
pub mod bylaws;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod coops;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod fuzzing;
pub mod i18n;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod meetings;
pub mod membership;
pub mod money;
pub mod notifications;
pub mod patronage;
pub mod server;
pub mod shares;
pub mod web;
pub mod worker;

pub use server::{app, AppState};
