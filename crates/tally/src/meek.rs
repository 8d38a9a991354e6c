//! Single transferable vote by Meek's method, following Hill, Wichmann &
//! Woodall, "Algorithm 123 — Single Transferable Vote by Meek's method",
//! The Computer Journal 30(3), 1987, with fixed-point arithmetic to nine
//! decimal places (the precision of the New Zealand rules, Local Electoral
//! Regulations 2001, schedule 1A).
//!
//! Every candidate has a *keep value*: 1 for a hopeful candidate, 0 for an
//! excluded or withdrawn one, and for an elected candidate the share of each
//! vote reaching them that they keep. Each paper starts with value 1; going
//! down its ranking, every candidate keeps `value × keep value` (rounded up
//! to 9 places) and passes the rest on; what is left after the last
//! preference is non-transferable. Then:
//!
//! 1. quota = (valid papers − non-transferable) ÷ (seats + 1), truncated to 9
//!    places, plus 0.000000001;
//! 2. hopeful candidates with votes ≥ quota are elected (the round ends here);
//! 3. otherwise, if the elected candidates' total surplus is at most
//!    0.000001, or stopped decreasing, the iteration has converged: the
//!    hopeful candidate with the fewest votes is excluded (ties: most recent
//!    earlier round at which they differed, then lot from the published seed);
//! 4. otherwise each elected candidate's keep value becomes
//!    `keep × quota ÷ votes`, rounded up to 9 places, and the papers are
//!    counted again.
//!
//! The count ends when the seats are filled, or when the hopeful candidates
//! are no more than the seats left (they are then all elected).

use super::{Action, CandidateId, Context, Decision, Reason, RoundBuilder, TiePurpose, Votes};

/// The rule's name as shown in results.
pub const RULE: &str = "Meek STV (Hill, Wichmann & Woodall 1987, Algorithm 123; 9 decimal places)";

/// Decimal places of every value.
pub const DECIMALS: u8 = 9;

const ONE: i128 = 1_000_000_000;

/// Total surplus at or below which the iteration has converged (0.000001).
const OMEGA: i128 = 1_000;

/// A safety bound on iterations within one round (in practice convergence
/// takes tens of iterations; the stable-surplus test normally stops first).
const MAX_ITERATIONS: u32 = 10_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Hopeful,
    Elected,
    Excluded,
    Withdrawn,
}

fn div_ceil(a: i128, b: i128) -> i128 {
    // a >= 0, b > 0
    (a + b - 1) / b
}

/// Runs the count; returns the number of decimals of the figures.
pub(crate) fn count(ctx: &mut Context<'_>) -> u8 {
    let n = ctx.n();
    let papers = ctx.papers;
    let seats = ctx.election.seats;
    let total = i128::from(papers.valid) * ONE;
    let builder = RoundBuilder { decimals: DECIMALS };
    let mut status: Vec<Status> = (0..n)
        .map(|c| {
            if ctx.stands(c) {
                Status::Hopeful
            } else {
                Status::Withdrawn
            }
        })
        .collect();
    let mut keep: Vec<i128> = status
        .iter()
        .map(|&s| if s == Status::Hopeful { ONE } else { 0 })
        .collect();
    let mut votes = vec![0i128; n];
    let mut exhausted: i128 = 0;
    let mut prev: Option<(Vec<i128>, i128)> = None;

    let distribute = |keep: &[i128], votes: &mut Vec<i128>, exhausted: &mut i128| {
        votes.iter_mut().for_each(|v| *v = 0);
        *exhausted = 0;
        for g in 0..papers.len() {
            let w = i128::from(papers.weights[g]);
            let mut left = ONE;
            for &c in papers.ranking(g) {
                let k = keep[c as usize];
                if k == 0 {
                    continue;
                }
                let give = if k >= ONE {
                    left
                } else {
                    div_ceil(left * k, ONE).min(left)
                };
                votes[c as usize] += w * give;
                left -= give;
                if left == 0 {
                    break;
                }
            }
            *exhausted += w * left;
        }
    };

    loop {
        let mut iterations = 0u32;
        let mut last_surplus = i128::MAX;
        let mut newly: Vec<CandidateId>;
        let mut quota;
        let mut surplus;
        loop {
            distribute(&keep, &mut votes, &mut exhausted);
            iterations += 1;
            quota = (total - exhausted) / (seats as i128 + 1) + 1;
            newly = (0..n)
                .filter(|&c| status[c] == Status::Hopeful && votes[c] >= quota)
                .collect();
            surplus = (0..n)
                .filter(|&c| status[c] == Status::Elected)
                .map(|c| (votes[c] - quota).max(0))
                .sum::<i128>();
            if !newly.is_empty()
                || papers.valid == 0
                || surplus <= OMEGA
                || surplus >= last_surplus
                || iterations >= MAX_ITERATIONS
            {
                break;
            }
            last_surplus = surplus;
            for c in 0..n {
                if status[c] == Status::Elected && votes[c] > 0 {
                    keep[c] = div_ceil(keep[c] * quota, votes[c]).min(ONE);
                }
            }
        }

        let mut round = builder.build(
            Action::MeekIteration {
                iterations,
                keep_values: keep.iter().map(|&k| Votes::new(k, DECIMALS)).collect(),
                total_surplus: Votes::new(surplus, DECIMALS),
            },
            &votes,
            prev.as_ref().map(|p| p.0.as_slice()),
            exhausted,
            prev.as_ref().map_or(0, |p| p.1),
            0,
            Some(quota),
        );
        let mut finished = papers.valid == 0;
        if !finished {
            let room = seats - ctx.elected.len();
            super::order_for_listing(ctx, &mut newly, &votes);
            for c in newly.iter().copied().take(room) {
                status[c] = Status::Elected;
                round.elected.push(Decision {
                    candidate: c,
                    reason: Reason::ReachedQuota,
                });
            }
            if newly.is_empty() {
                let hopeful: Vec<CandidateId> = (0..n).filter(|&c| status[c] == Status::Hopeful).collect();
                let left = seats - ctx.elected.len();
                if hopeful.len() > left {
                    let low = hopeful.iter().map(|&c| votes[c]).min().unwrap_or(0);
                    let tied: Vec<CandidateId> = hopeful.iter().copied().filter(|&c| votes[c] == low).collect();
                    let out = if tied.len() > 1 {
                        let tie = ctx.break_tie(&tied, true, TiePurpose::Exclusion);
                        let c = tie.chosen[0];
                        round.ties.push(tie);
                        c
                    } else {
                        tied[0]
                    };
                    status[out] = Status::Excluded;
                    keep[out] = 0;
                    round.excluded.push(Decision {
                        candidate: out,
                        reason: Reason::LowestVote,
                    });
                }
            }
            let left = seats - ctx.elected.len() - round.elected.len();
            let mut hopeful: Vec<CandidateId> = (0..n).filter(|&c| status[c] == Status::Hopeful).collect();
            if left == 0 {
                finished = true;
            } else if hopeful.len() <= left {
                super::order_for_listing(ctx, &mut hopeful, &votes);
                for c in hopeful {
                    status[c] = Status::Elected;
                    round.elected.push(Decision {
                        candidate: c,
                        reason: Reason::FilledLastSeats,
                    });
                }
                finished = true;
            }
        }
        prev = Some((votes.clone(), exhausted));
        ctx.push_round(round, votes.clone());
        if finished {
            return DECIMALS;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use proptest::prelude::*;

    /// OpaVote's "Meek STV Explained" worked example: 60 voters, 3 seats;
    /// 28 Alice>Bob>Chris, 26 Bob>Alice>Chris, 3 Chris, 2 Don, 1 Eric.
    /// Alice and Bob are elected at once; their surpluses (kept flowing
    /// between them by Meek's keep values) carry Chris over the quota.
    #[test]
    fn opavote_meek_example() {
        let e = election(
            &["Alice", "Bob", "Chris", "Don", "Eric"],
            3,
            &[(28, &[1, 2, 3]), (26, &[2, 1, 3]), (3, &[3]), (2, &[4]), (1, &[5])],
        );
        let r = count(Method::Meek, &e, SEED).unwrap();
        assert_eq!(r.elected, ["Alice", "Bob", "Chris"]);
        assert_eq!(r.rounds[0].quota.unwrap().to_string(), "15.000000001");
        assert!(!r.tie_broken_by_lot);
    }

    /// Droop test file `SC.blt` counted by the Proportional Representation
    /// Foundation's Meek reference rule with 9-place fixed-point arithmetic
    /// (`test/ref/report/SC-meek-prf-o6-fixed-p9-d9.txt`): quota
    /// 18.800000001; LaMarche, Rotzler, Kramer and Olsen are elected, where
    /// the Scottish rules elect Sevigny instead of Olsen.
    #[test]
    fn droop_gpus_2005_meek() {
        let e = blt::read_blt(include_str!("testdata/SC.blt")).unwrap();
        let r = count(Method::Meek, &e, SEED).unwrap();
        assert_eq!(r.rounds[0].quota.unwrap().to_string(), "18.800000001");
        let mut elected = r.elected.clone();
        elected.sort();
        assert_eq!(
            elected,
            ["Kristen Olsen", "Pat LaMarche", "Rebecca Rotzler", "Steve Kramer"]
        );
        assert_eq!(&r.elected[..2], ["Rebecca Rotzler", "Pat LaMarche"]);
    }

    /// Wichmann's M135 data set (25 candidates, 7 seats) against the Droop
    /// reference count by the PR Foundation Meek rule at 9 places,
    /// `test/ref/report/M135-meek-prf-o6-fixed-p9-d9.txt`; every round must
    /// also balance exactly (votes + non-transferable = valid papers).
    #[test]
    fn wichmann_m135_meek_balances() {
        let e = blt::read_blt(include_str!("testdata/M135.blt")).unwrap();
        let r = count(Method::Meek, &e, SEED).unwrap();
        // Reference: C1, C2, C6, C3, C4, C9, C10 (C10 ahead of C11 by 0.27).
        let mut elected = r.elected.clone();
        elected.sort();
        assert_eq!(elected, ["C1", "C10", "C2", "C3", "C4", "C6", "C9"]);
        assert_eq!(r.elected[0], "C1");
        for round in &r.rounds {
            let sum: i128 = round.counts.iter().map(|v| v.units()).sum();
            assert_eq!(
                sum + round.exhausted.units(),
                i128::from(r.valid_papers) * 1_000_000_000
            );
        }
    }

    fn arb_election() -> impl Strategy<Value = Election> {
        (2usize..6, 1usize..4).prop_flat_map(|(n, seats)| {
            let paper = (
                1u64..5,
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n),
            )
                .prop_flat_map(|(w, s)| (Just(w), Just(s).prop_shuffle()))
                .prop_map(|(w, ranking)| Paper::grouped(w, ranking));
            proptest::collection::vec(paper, 0..25).prop_map(move |papers| Election {
                title: String::new(),
                candidates: (0..n).map(|i| format!("C{i}")).collect(),
                seats,
                withdrawn: Default::default(),
                papers,
                max_choices: None,
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]
        #[test]
        fn seats_respected_and_order_free(e in arb_election()) {
            let a = count(Method::Meek, &e, SEED).unwrap();
            prop_assert!(a.elected.len() <= e.seats);
            if a.valid_papers > 0 {
                prop_assert_eq!(a.elected.len(), e.seats.min(e.candidates.len()));
            }
            let mut rev = e.clone();
            rev.papers.reverse();
            prop_assert_eq!(a, count(Method::Meek, &rev, SEED).unwrap());
        }
    }
}
