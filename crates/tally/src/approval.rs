//! Approval voting: each paper approves any number of candidates (up to
//! [`super::Election::max_choices`] when the ballot sets a limit); each
//! approval is one vote, and the candidates with the most approvals take the
//! seats. Ties for the last seat(s) are decided by lot from the published
//! seed; only candidates with at least one approval can be elected.

use super::{select_top, Context};

/// The rule's name as shown in results.
pub const RULE: &str = "Approval voting (the most-approved candidates win)";

/// Runs the count; returns the number of decimals of the figures (0).
pub(crate) fn count(ctx: &mut Context<'_>) -> u8 {
    let papers = ctx.papers;
    let mut votes = vec![0i128; ctx.n()];
    for g in 0..papers.len() {
        for &c in papers.ranking(g) {
            votes[c as usize] += i128::from(papers.weights[g]);
        }
    }
    select_top(ctx, votes);
    0
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use proptest::prelude::*;

    /// The "Tennessee example" (Wikipedia / electowiki, "Effects of different
    /// voting systems under similar circumstances": 42 % near Memphis, 26 %
    /// Nashville, 15 % Chattanooga, 17 % Knoxville), with each voter
    /// approving the two cities nearest to them. Approvals: Memphis 42,
    /// Nashville 68, Chattanooga 58, Knoxville 32, so Nashville wins.
    #[test]
    fn tennessee_top_two_approved() {
        let e = election(
            &["Memphis", "Nashville", "Chattanooga", "Knoxville"],
            1,
            &[(42, &[1, 2]), (26, &[2, 3]), (15, &[3, 4]), (17, &[4, 3])],
        );
        let r = count(Method::Approval, &e, SEED).unwrap();
        assert_eq!(r.elected, ["Nashville"]);
        let counts: Vec<String> = r.rounds[0].counts.iter().map(|v| v.to_string()).collect();
        assert_eq!(counts, ["42", "68", "58", "32"]);
    }

    #[test]
    fn several_seats_take_the_top() {
        let e = election(&["A", "B", "C", "D"], 2, &[(3, &[1, 2]), (2, &[2, 3]), (1, &[4])]);
        let r = count(Method::Approval, &e, SEED).unwrap();
        assert_eq!(r.elected, ["B", "A"]);
    }

    proptest! {
        #[test]
        fn never_more_than_seats_and_order_free(
            papers in proptest::collection::vec((1u64..4, proptest::sample::subsequence(vec![1usize, 2, 3, 4, 5], 0..=5)), 0..30),
            seats in 1usize..4,
        ) {
            let list: Vec<(u64, &[usize])> = papers.iter().map(|(w, r)| (*w, r.as_slice())).collect();
            let e = election(&["A", "B", "C", "D", "E"], seats, &list);
            let a = count(Method::Approval, &e, SEED).unwrap();
            prop_assert!(a.elected.len() <= seats);
            let mut rev = e.clone();
            rev.papers.reverse();
            prop_assert_eq!(a, count(Method::Approval, &rev, SEED).unwrap());
        }
    }
}
