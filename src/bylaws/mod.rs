//! Bylaws: numbered articles in Markdown, versioned; amendments with their diff; and
//! the governance schedule each version carries. The pure rules live in [`rules`],
//! the original model bylaws in [`model`].

pub mod api;
pub mod model;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;
