//! Instant-runoff voting (the alternative vote) for one seat.
//!
//! Each round counts every paper for its highest-ranked continuing
//! candidate. A candidate with more than half of the votes on continuing
//! papers (exhausted papers do not count) is elected. Otherwise the candidate
//! with the fewest votes is excluded and their papers move to their next
//! continuing preference; a tie for the fewest is broken by the most recent
//! earlier round at which the tied candidates' votes differed (the lowest
//! then is excluded), then by lot from the published seed. When one
//! candidate is left, they are elected.

use super::{Action, CandidateId, Context, Decision, Reason, RoundBuilder, TiePurpose};

/// The rule's name as shown in results.
pub const RULE: &str = "Instant-runoff voting (majority of continuing votes; lowest excluded)";

/// Runs the count; returns the number of decimals of the figures (0).
pub(crate) fn count(ctx: &mut Context<'_>) -> u8 {
    let n = ctx.n();
    let papers = ctx.papers;
    let builder = RoundBuilder { decimals: 0 };
    let mut continuing: Vec<bool> = (0..n).map(|c| ctx.stands(c)).collect();
    let mut votes = vec![0i128; n];
    // piles[c]: (group, position of c in its ranking)
    let mut piles: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    for g in 0..papers.len() {
        let c = papers.ranking(g)[0] as usize;
        piles[c].push((g as u32, 0));
        votes[c] += i128::from(papers.weights[g]);
    }
    let mut exhausted: i128 = 0;
    let mut round = builder.build(Action::FirstPreferences, &votes, None, 0, 0, 0, None);
    loop {
        let active: i128 = votes.iter().sum();
        let standing: Vec<CandidateId> = (0..n).filter(|&c| continuing[c]).collect();
        let winner = if papers.valid == 0 {
            None
        } else if let Some(&c) = standing.iter().find(|&&c| 2 * votes[c] > active) {
            Some((c, Reason::Majority))
        } else if standing.len() == 1 {
            Some((standing[0], Reason::LastCandidate))
        } else {
            None
        };
        if let Some((candidate, reason)) = winner {
            round.elected.push(Decision { candidate, reason });
        }
        let done = papers.valid == 0 || winner.is_some() || standing.is_empty();
        ctx.push_round(round, votes.clone());
        if done {
            return 0;
        }
        // Exclude the lowest.
        let low = standing.iter().map(|&c| votes[c]).min().unwrap_or(0);
        let tied: Vec<CandidateId> = standing.iter().copied().filter(|&c| votes[c] == low).collect();
        let mut ties = Vec::new();
        let out = if tied.len() > 1 {
            let tie = ctx.break_tie(&tied, true, TiePurpose::Exclusion);
            let c = tie.chosen[0];
            ties.push(tie);
            c
        } else {
            tied[0]
        };
        continuing[out] = false;
        let before = votes.clone();
        let before_exhausted = exhausted;
        for (g, pos) in std::mem::take(&mut piles[out]) {
            let ranking = papers.ranking(g as usize);
            let w = i128::from(papers.weights[g as usize]);
            match ranking[pos as usize + 1..].iter().position(|&c| continuing[c as usize]) {
                Some(k) => {
                    let p = pos as usize + 1 + k;
                    let to = ranking[p] as usize;
                    piles[to].push((g, p as u32));
                    votes[to] += w;
                }
                None => exhausted += w,
            }
        }
        votes[out] = 0;
        round = builder.build(
            Action::Exclusion { candidate: out },
            &votes,
            Some(&before),
            exhausted,
            before_exhausted,
            0,
            None,
        );
        round.excluded.push(Decision {
            candidate: out,
            reason: Reason::LowestVote,
        });
        round.ties = ties;
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use proptest::prelude::*;

    /// Wikipedia, "Instant-runoff voting", the Tennessee capital example:
    /// Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17. Chattanooga is
    /// excluded (Knoxville 32), then Nashville (its papers pass over
    /// Chattanooga to Knoxville): Knoxville wins 58 to 42.
    #[test]
    fn wikipedia_tennessee() {
        let e = election(
            &["Memphis", "Nashville", "Chattanooga", "Knoxville"],
            1,
            &[
                (42, &[1, 2, 3, 4]),
                (26, &[2, 3, 4, 1]),
                (15, &[3, 4, 2, 1]),
                (17, &[4, 3, 2, 1]),
            ],
        );
        let r = count(Method::Irv, &e, SEED).unwrap();
        let counts = |i: usize| -> Vec<String> { r.rounds[i].counts.iter().map(|v| v.to_string()).collect() };
        assert_eq!(r.elected, ["Knoxville"]);
        assert_eq!(r.rounds.len(), 3);
        assert_eq!(counts(0), ["42", "26", "15", "17"]);
        assert_eq!(counts(1), ["42", "26", "0", "32"]);
        assert_eq!(counts(2), ["42", "0", "0", "58"]);
        assert_eq!(r.rounds[2].elected[0].reason, Reason::Majority);
        assert!(!r.tie_broken_by_lot);
    }

    #[test]
    fn exhausted_papers_leave_the_majority_base() {
        // A 4, B 3, C 2 (C voters rank nobody else): after C goes, A has 4 of
        // 7 continuing votes, a majority although not of all 9 papers.
        let e = election(&["A", "B", "C"], 1, &[(4, &[1]), (3, &[2]), (2, &[3])]);
        let r = count(Method::Irv, &e, SEED).unwrap();
        assert_eq!(r.elected, ["A"]);
        assert_eq!(r.rounds[1].exhausted.to_string(), "2");
    }

    fn arb_papers() -> impl Strategy<Value = Vec<(u64, Vec<usize>)>> {
        let paper = (1u64..5, proptest::sample::subsequence(vec![1usize, 2, 3, 4, 5], 0..=5))
            .prop_flat_map(|(w, s)| (Just(w), Just(s).prop_shuffle()));
        proptest::collection::vec(paper, 0..40)
    }

    proptest! {
        #[test]
        fn one_winner_at_most_and_order_free(papers in arb_papers(), seed in any::<[u8; 32]>()) {
            let list: Vec<(u64, &[usize])> = papers.iter().map(|(w, r)| (*w, r.as_slice())).collect();
            let e = election(&["A", "B", "C", "D", "E"], 1, &list);
            let a = count(Method::Irv, &e, seed).unwrap();
            prop_assert!(a.elected.len() <= 1);
            if a.valid_papers > 0 { prop_assert_eq!(a.elected.len(), 1); }
            for round in &a.rounds {
                let sum: i128 = round.counts.iter().map(|v| v.units()).sum();
                prop_assert_eq!(sum + round.exhausted.units(), i128::from(a.valid_papers));
            }
            let mut rev = e.clone();
            rev.papers.reverse();
            prop_assert_eq!(a, count(Method::Irv, &rev, seed).unwrap());
        }
    }
}
