//! Year-end distribution (patronage): the rule set and its presets
//! ([`rules`]), the pure allocation with largest-remainder rounding
//! ([`allocate`]), and the offline `concord allocate` helpers ([`offline`]).
//! See `docs/rules/distribution.md`.

pub mod allocate;
pub mod offline;
pub mod rules;
