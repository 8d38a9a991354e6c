#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod allocate;
pub mod offline;
pub mod rules;
