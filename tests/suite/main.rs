//! Concord's integration tests: real PostgreSQL, real HTTP, real browser.

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod auth;
mod authz_matrix;
mod ballots;
mod browser;
mod bylaws;
mod calendar;
mod capital;
mod closing;
mod closing_browser;
mod dashboard;
mod decisions;
mod delivery;
mod errors;
mod exports;
mod faults;
mod fuzz_regressions;
mod guides;
mod hardening;
mod hostile;
mod instances;
mod layering;
mod local_day;
mod meeting_quorum;
mod meetings;
mod meetings_browser;
mod migrations;
mod offline;
mod onboarding;
mod operations;
mod operator_guide;
mod parameters;
mod patronage;
mod patronage_browser;
mod register;
mod revolving;
mod secrecy;
mod security;
mod serve;
mod standing;
mod tenancy;
