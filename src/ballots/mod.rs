//! Ballots: motions and elections, one member one vote. The counting rules live in
//! [`tally`].

pub mod tally;
