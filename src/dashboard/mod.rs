//! The co-op's dashboard (its home page and `GET /api/v1/coops/{slug}/dashboard`):
//! one page with the sections of every role the member holds. The pure rules (which
//! role sees which section, what a ballot decided, the current fiscal year) live in
//! [`rules`].

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
