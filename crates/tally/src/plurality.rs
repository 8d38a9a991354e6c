//! Plurality ("first past the post"): each paper marks one candidate; the
//! candidates with the most votes take the seats.
//!
//! Only candidates with at least one vote can be elected, so seats may stay
//! empty when fewer candidates received votes than there are seats. A tie for
//! the last seat(s) is decided by lot drawn from the published seed (a
//! one-round count has no earlier round to look back to).

use super::{select_top, Context};

/// The rule's name as shown in results.
pub const RULE: &str = "Plurality (one mark per paper; the most votes win)";

/// Runs the count; returns the number of decimals of the figures (0).
pub(crate) fn count(ctx: &mut Context<'_>) -> u8 {
    let papers = ctx.papers;
    let mut votes = vec![0i128; ctx.n()];
    for g in 0..papers.len() {
        // Validation allows one mark at most; blank papers were set aside.
        let c = papers.ranking(g)[0] as usize;
        votes[c] += i128::from(papers.weights[g]);
    }
    select_top(ctx, votes);
    0
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn most_votes_win() {
        let e = election(&["A", "B", "C"], 2, &[(5, &[1]), (3, &[2]), (4, &[3]), (2, &[])]);
        let r = count(Method::Plurality, &e, SEED).unwrap();
        assert_eq!(r.elected, ["A", "C"]);
        assert_eq!(r.blank_papers, 2);
        assert_eq!(r.rounds.len(), 1);
        assert!(!r.tie_broken_by_lot);
    }

    #[test]
    fn tie_for_last_seat_is_drawn_and_recorded() {
        let e = election(&["A", "B", "C"], 2, &[(5, &[1]), (3, &[2]), (3, &[3])]);
        let r = count(Method::Plurality, &e, SEED).unwrap();
        assert_eq!(r.elected[0], "A");
        assert!(r.tie_broken_by_lot);
        let tie = &r.rounds[0].ties[0];
        assert_eq!(tie.candidates, [1, 2]);
        assert_eq!(tie.chosen.len(), 1);
    }

    #[test]
    fn candidates_without_votes_are_not_elected() {
        let e = election(&["A", "B", "C"], 2, &[(5, &[1])]);
        let r = count(Method::Plurality, &e, SEED).unwrap();
        assert_eq!(r.elected, ["A"]);
    }
}
