//! Bylaws: numbered articles in Markdown, versioned; amendments with their diff; and
//! the governance schedule each version carries. The pure rules live in [`rules`],
//! the original model bylaws in [`model`].

pub mod model;
pub mod rules;
