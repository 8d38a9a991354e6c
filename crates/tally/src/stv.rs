//! Single transferable vote under the Scottish rules: the Scottish Local
//! Government Elections Order 2007 (SSI 2007/42), schedule 1, rules 45 to 52.
//!
//! - Quota (rule 46): valid papers ÷ (seats + 1), ignoring decimals, plus one.
//! - A candidate whose votes equal or exceed the quota at the end of a stage
//!   is elected (rule 47).
//! - Surpluses (rule 48) are transferred by the weighted inclusive Gregory
//!   method: *all* the elected candidate's papers move to their next
//!   continuing preference, each at `surplus × value of the paper when
//!   received ÷ candidate's total`, calculated to five decimal places with
//!   any remainder ignored. The highest surplus goes first (rule 49(1));
//!   equal surpluses are ordered by the most recent earlier stage at which the
//!   candidates' votes differed (49(2)), then by lot (49(3)).
//! - With no surplus to transfer, the candidate with the fewest votes is
//!   excluded and all their papers move on at the value they arrived with
//!   (rule 50); ties are broken by the most recent earlier stage at which the
//!   votes differed (51(2)(a)), then by lot (51(2)(b)).
//! - When the continuing candidates are as many as the seats left, they are
//!   all elected and no further transfer is made (rule 52).
//!
//! All values are integers in units of 0.00001 vote, so the figures are the
//! statute's exactly. After a surplus transfer the elected candidate keeps
//! exactly the quota; what truncation did not pass on is shown as "lost to
//! truncation", so that in every stage
//! `Σ candidates + non-transferable + lost to truncation = valid papers`.

use super::{Action, CandidateId, Context, Decision, Reason, RoundBuilder, TiePurpose, TransferValue, Votes};

/// The rule's name as shown in results.
pub const RULE: &str = "Scottish STV (SSI 2007/42)";

/// Decimal places of every value (rule 48(3): "to five decimal places").
pub const DECIMALS: u8 = 5;

/// One vote in units.
const ONE: i64 = 100_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Continuing,
    Elected,
    Excluded,
    Withdrawn,
}

/// A paper (group) held by a candidate: which group, where in its ranking the
/// candidate is, and the paper's value when received (units of 0.00001).
#[derive(Clone, Copy)]
struct Held {
    group: u32,
    pos: u32,
    value: i64,
}

struct Count<'c, 'a> {
    ctx: &'c mut Context<'a>,
    status: Vec<Status>,
    votes: Vec<i128>,
    piles: Vec<Vec<Held>>,
    exhausted: i128,
    lost: i128,
    quota: i128,
    /// Elected candidates whose surplus has not been transferred yet.
    pending: Vec<CandidateId>,
}

/// Runs the count; returns the number of decimals of the figures.
pub(crate) fn count(ctx: &mut Context<'_>) -> u8 {
    let n = ctx.n();
    let papers = ctx.papers;
    let valid = i128::from(papers.valid);
    let seats = ctx.election.seats;
    // Rule 46: quota = floor(valid / (seats + 1)) + 1, in whole votes.
    let quota = (valid / (seats as i128 + 1) + 1) * i128::from(ONE);
    let status = (0..n)
        .map(|c| {
            if ctx.stands(c) {
                Status::Continuing
            } else {
                Status::Withdrawn
            }
        })
        .collect();
    let mut count = Count {
        ctx,
        status,
        votes: vec![0; n],
        piles: vec![Vec::new(); n],
        exhausted: 0,
        lost: 0,
        quota,
        pending: Vec::new(),
    };
    count.run();
    DECIMALS
}

impl Count<'_, '_> {
    fn continuing(&self) -> Vec<CandidateId> {
        (0..self.status.len())
            .filter(|&c| self.status[c] == Status::Continuing)
            .collect()
    }

    fn vacancies(&self) -> usize {
        self.ctx.election.seats - self.ctx.elected.len()
    }

    fn run(&mut self) {
        let builder = RoundBuilder { decimals: DECIMALS };
        // Rule 45: first stage.
        let papers = self.ctx.papers;
        for g in 0..papers.len() {
            let first = papers.ranking(g)[0] as usize;
            self.piles[first].push(Held {
                group: g as u32,
                pos: 0,
                value: ONE,
            });
            self.votes[first] += i128::from(papers.weights[g]) * i128::from(ONE);
        }
        let mut round = builder.build(Action::FirstPreferences, &self.votes, None, 0, 0, 0, Some(self.quota));
        let mut prev_exhausted = 0;
        loop {
            // Rule 47: election of candidates at or above the quota.
            if papers.valid > 0 {
                let mut reached: Vec<CandidateId> = self
                    .continuing()
                    .into_iter()
                    .filter(|&c| self.votes[c] >= self.quota)
                    .collect();
                super::order_for_listing(self.ctx, &mut reached, &self.votes);
                for c in reached.into_iter().take(self.vacancies() - round.elected.len()) {
                    self.status[c] = Status::Elected;
                    if self.votes[c] > self.quota {
                        self.pending.push(c);
                    }
                    round.elected.push(Decision {
                        candidate: c,
                        reason: Reason::ReachedQuota,
                    });
                }
            }
            // Rule 52: as many continuing candidates as seats left.
            let continuing = self.continuing();
            let left = self.vacancies() - round.elected.len();
            let finished = if papers.valid == 0 {
                // Nothing to count: nobody is elected on no votes.
                true
            } else if left == 0 {
                true
            } else if continuing.len() <= left {
                let mut rest = continuing;
                super::order_for_listing(self.ctx, &mut rest, &self.votes);
                for c in rest {
                    self.status[c] = Status::Elected;
                    round.elected.push(Decision {
                        candidate: c,
                        reason: Reason::FilledLastSeats,
                    });
                }
                true
            } else {
                false
            };
            self.ctx.push_round(round, self.votes.clone());
            if finished {
                return;
            }
            let before = self.votes.clone();
            let next_action;
            let mut ties = Vec::new();
            let mut excluded = Vec::new();
            if !self.pending.is_empty() {
                // Rule 49: the highest surplus first.
                let top = self.pending.iter().map(|&c| self.votes[c]).max().unwrap_or(0);
                let tied: Vec<CandidateId> = self.pending.iter().copied().filter(|&c| self.votes[c] == top).collect();
                let from = if tied.len() > 1 {
                    let tie = self.ctx.break_tie(&tied, false, TiePurpose::SurplusOrder);
                    let c = tie.chosen[0];
                    ties.push(tie);
                    c
                } else {
                    tied[0]
                };
                self.pending.retain(|&c| c != from);
                next_action = self.transfer_surplus(from);
            } else {
                // Rule 50: exclude the lowest continuing candidate.
                let continuing = self.continuing();
                let low = continuing.iter().map(|&c| self.votes[c]).min().unwrap_or(0);
                let tied: Vec<CandidateId> = continuing.into_iter().filter(|&c| self.votes[c] == low).collect();
                let out = if tied.len() > 1 {
                    let tie = self.ctx.break_tie(&tied, true, TiePurpose::Exclusion);
                    let c = tie.chosen[0];
                    ties.push(tie);
                    c
                } else {
                    tied[0]
                };
                self.status[out] = Status::Excluded;
                excluded.push(Decision {
                    candidate: out,
                    reason: Reason::LowestVote,
                });
                self.transfer(out, |v| v);
                next_action = Action::Exclusion { candidate: out };
            }
            round = builder.build(
                next_action,
                &self.votes,
                Some(&before),
                self.exhausted,
                prev_exhausted,
                self.lost,
                Some(self.quota),
            );
            round.ties = ties;
            round.excluded = excluded;
            prev_exhausted = self.exhausted;
        }
    }

    /// Rule 48: transfers the surplus of `from`, leaving them the quota.
    fn transfer_surplus(&mut self, from: CandidateId) -> Action {
        let total = self.votes[from];
        let surplus = total - self.quota;
        // Transfer value per incoming paper value, computed once per value.
        let mut tvs: Vec<(i64, i64)> = Vec::new();
        for h in &self.piles[from] {
            if !tvs.iter().any(|&(v, _)| v == h.value) {
                // A = surplus × value; B = total; A / B to 5 places, truncated.
                let tv = (surplus * i128::from(h.value)) / total;
                tvs.push((h.value, tv as i64));
            }
        }
        tvs.sort_unstable_by_key(|t| std::cmp::Reverse(t.0));
        let moved = self.transfer(from, |v| tvs.iter().find(|&&(pv, _)| pv == v).map_or(0, |&(_, tv)| tv));
        // The elected candidate keeps the quota; truncation losses are shown.
        self.lost += surplus - moved;
        self.votes[from] = self.quota;
        Action::SurplusTransfer {
            candidate: from,
            surplus: Votes::new(surplus, DECIMALS),
            transfer_values: tvs
                .into_iter()
                .map(|(pv, tv)| TransferValue {
                    paper_value: Votes::new(i128::from(pv), DECIMALS),
                    transfer_value: Votes::new(i128::from(tv), DECIMALS),
                })
                .collect(),
        }
    }

    /// Moves every paper held by `from` to its next continuing preference at
    /// `value_of(value when received)`; papers with no such preference are
    /// non-transferable. Returns the total value moved or exhausted.
    fn transfer(&mut self, from: CandidateId, value_of: impl Fn(i64) -> i64) -> i128 {
        let papers = self.ctx.papers;
        let pile = std::mem::take(&mut self.piles[from]);
        let mut moved: i128 = 0;
        let mut last: Option<(i64, i64)> = None;
        for h in pile {
            let value = match last {
                Some((v, tv)) if v == h.value => tv,
                _ => {
                    let tv = value_of(h.value);
                    last = Some((h.value, tv));
                    tv
                }
            };
            if value == 0 {
                // A paper worth nothing changes no total: it is set aside.
                continue;
            }
            let g = h.group as usize;
            let amount = i128::from(papers.weights[g]) * i128::from(value);
            moved += amount;
            let ranking = papers.ranking(g);
            let next = ranking[h.pos as usize + 1..]
                .iter()
                .position(|&c| self.status[c as usize] == Status::Continuing);
            match next {
                Some(k) => {
                    let pos = h.pos as usize + 1 + k;
                    let to = ranking[pos] as usize;
                    self.piles[to].push(Held {
                        group: h.group,
                        pos: pos as u32,
                        value,
                    });
                    self.votes[to] += amount;
                }
                None => self.exhausted += amount,
            }
        }
        if self.status[from] == Status::Excluded {
            self.votes[from] = 0;
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> i128 {
        // "41.71414" -> 4171414
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        let f = format!("{f:0<5}");
        i.parse::<i128>().unwrap() * 100_000 + f.parse::<i128>().unwrap()
    }

    fn counts_of(r: &TallyResult, round: usize) -> Vec<i128> {
        r.rounds[round - 1].counts.iter().map(|x| x.units()).collect()
    }

    /// Wikipedia, "Single transferable vote", worked example (20 voters
    /// choosing 3 foods for a party; Droop quota 6). Under the Scottish rules
    /// the figures are the article's: Chocolate elected with 12, surplus 6 at
    /// 0.5 per paper; Pears excluded, Oranges reach 6; Hamburgers excluded;
    /// Strawberries take the last seat.
    #[test]
    fn wikipedia_food_example() {
        let e = election(
            &["Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers"],
            3,
            &[
                (4, &[1]),
                (2, &[2, 1]),
                (8, &[3, 4]),
                (4, &[3, 5]),
                (1, &[4]),
                (1, &[5]),
            ],
        );
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        assert_eq!(r.elected, ["Chocolate", "Oranges", "Strawberries"]);
        assert_eq!(r.rounds[0].quota.unwrap().to_string(), "6.00000");
        assert_eq!(counts_of(&r, 1), [v("4"), v("2"), v("12"), v("1"), v("1")]);
        assert_eq!(counts_of(&r, 2), [v("4"), v("2"), v("6"), v("5"), v("3")]);
        let Action::SurplusTransfer { transfer_values, .. } = &r.rounds[1].action else {
            panic!("round 2 should transfer a surplus")
        };
        assert_eq!(transfer_values[0].transfer_value.to_string(), "0.50000");
        assert_eq!(counts_of(&r, 3), [v("6"), v("0"), v("6"), v("5"), v("3")]);
        assert!(!r.tie_broken_by_lot);
    }

    /// Droop (J. Lundell) test file `42.blt` and its reference dump
    /// `test/ref/dump/42-scotland-fixed-p5-d5.txt`: quota 3, Castor's
    /// surplus of 1 at 0.25 per paper, Pollux excluded, Helen elected.
    #[test]
    fn droop_42() {
        let e = election(&["Castor", "Pollux", "Helen"], 2, &[(4, &[1, 2]), (2, &[3])]);
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        assert_eq!(r.elected, ["Castor", "Helen"]);
        assert_eq!(counts_of(&r, 2), [v("3"), v("1"), v("2")]);
        assert_eq!(counts_of(&r, 3), [v("3"), v("0"), v("2")]);
        assert_eq!(r.rounds[2].exhausted.to_string(), "1.00000");
    }

    /// Droop test file `SC.blt` (Green Party of the United States steering
    /// committee election, 2005-07-24; 13 candidates, 4 seats, 93 papers) and
    /// its reference count under the Scottish rules,
    /// `test/ref/dump/SC-scotland-fixed-p5-d5.txt` (validated there against
    /// eSTV). Figures checked: quota 19; after Rotzler's surplus Olsen has
    /// 12.45448; after LaMarche's Dickinson 7.80300 and Kramer 18.54544;
    /// Kramer's surplus leaves 0.00472 non-transferable; Sevigny is elected
    /// last with 18.59172 and 18.40808 non-transferable.
    #[test]
    fn droop_gpus_2005() {
        let e = super::super::blt::read_blt(SC_BLT).unwrap();
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        assert_eq!(r.rounds[0].quota.unwrap().to_string(), "19.00000");
        assert_eq!(
            r.elected,
            ["Rebecca Rotzler", "Pat LaMarche", "Steve Kramer", "Tom Sevigny"]
        );
        let at = |round: usize, name: &str| {
            let c = e.candidates.iter().position(|n| n == name).unwrap();
            r.rounds[round - 1].counts[c].to_string()
        };
        assert_eq!(at(2, "Kristen Olsen"), "12.45448");
        assert_eq!(at(3, "Budd Dickinson"), "7.80300");
        assert_eq!(at(3, "Steve Kramer"), "18.54544");
        // Stages 4-7 exclude the four candidates with no vote at all (by lot:
        // they were equal at every stage), stage 8 Jason Jones, stage 9
        // Michael Piacsek, which elects Kramer; stage 10 moves his surplus.
        assert_eq!(at(9, "Steve Kramer"), "19.68180");
        assert_eq!(r.rounds[9].exhausted.to_string(), "0.00472");
        assert_eq!(at(10, "Budd Dickinson"), "9.01084");
        let last = r.rounds.last().unwrap();
        assert_eq!(at(r.rounds.len(), "Tom Sevigny"), "18.59172");
        assert_eq!(last.exhausted.to_string(), "18.40808");
        assert!(r.tie_broken_by_lot);
    }

    /// Droop test file `M135.blt` (B. Wichmann's data set "M135" from "The
    /// validation of the STV programs for ERBS", 1999; 25 candidates, 7 seats)
    /// and its reference count under the Scottish rules,
    /// `test/ref/dump/M135-scotland-fixed-p5-d5.txt`.
    #[test]
    fn wichmann_m135() {
        let e = super::super::blt::read_blt(M135_BLT).unwrap();
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        let at = |round: usize, name: &str| {
            let c = e.candidates.iter().position(|n| n == name).unwrap();
            r.rounds[round - 1].counts[c].to_string()
        };
        assert_eq!(r.rounds[0].quota.unwrap().to_string(), "85.00000");
        assert_eq!(r.blank_papers, 2);
        // Stage 2: C1's surplus of 34 at 0.28571.
        assert_eq!(at(2, "C2"), "41.71414");
        assert_eq!(at(2, "C23"), "17.14281");
        assert_eq!(r.rounds[1].exhausted.to_string(), "0.85713");
        // C2's surplus (reference round 19): mixed paper values.
        let c2_surplus = r
            .rounds
            .iter()
            .position(|x| matches!(x.action, Action::SurplusTransfer { candidate: 1, .. }))
            .unwrap()
            + 1;
        let Action::SurplusTransfer { transfer_values, .. } = &r.rounds[c2_surplus - 1].action else {
            panic!("not a surplus transfer")
        };
        let tvs: Vec<(String, String)> = transfer_values
            .iter()
            .map(|t| (t.paper_value.to_string(), t.transfer_value.to_string()))
            .collect();
        assert_eq!(
            tvs,
            [
                ("1.00000".to_string(), "0.01326".to_string()),
                ("0.28571".to_string(), "0.00378".to_string())
            ]
        );
        assert_eq!(at(c2_surplus, "C3"), "76.81681");
        assert_eq!(at(c2_surplus, "C11"), "71.96312");
        assert_eq!(r.rounds[c2_surplus - 1].exhausted.to_string(), "51.23856");
        let last = r.rounds.len();
        assert_eq!(at(last, "C6"), "93.41548");
        assert_eq!(at(last, "C10"), "81.25831");
        assert_eq!(r.rounds[last - 1].exhausted.to_string(), "71.10325");
        let mut elected = r.elected.clone();
        elected.sort();
        assert_eq!(elected, ["C1", "C10", "C2", "C3", "C4", "C6", "C9"]);
        assert_eq!(&r.elected[..2], ["C1", "C2"]);
    }

    #[test]
    fn equal_first_stage_tie_goes_to_lot_and_is_recorded() {
        let e = election(&["A", "B", "C"], 1, &[(2, &[1]), (2, &[2]), (1, &[3, 1])]);
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        assert_eq!(r.elected, ["A"]);
        assert!(!r.tie_broken_by_lot);
        // C excluded first (lowest), giving A the quota.
        let e = election(&["A", "B"], 1, &[(2, &[1]), (2, &[2])]);
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        assert!(r.tie_broken_by_lot);
        assert_eq!(r.elected.len(), 1);
        let tie = &r.rounds[1].ties[0];
        assert_eq!(tie.resolved_by, TieResolution::Lot { among: vec![0, 1] });
    }

    #[test]
    fn earlier_stage_breaks_a_tie_before_any_lot() {
        // After C is excluded, A and B are equal on 4; at stage 1 A had more,
        // so B is excluded (rule 51(2)(a)).
        let e = election(
            &["A", "B", "C", "D"],
            1,
            &[(4, &[1]), (3, &[2]), (1, &[3, 2]), (6, &[4])],
        );
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        let tie = r.rounds.iter().flat_map(|x| &x.ties).next().unwrap();
        assert_eq!(tie.chosen, [1]);
        assert_eq!(tie.resolved_by, TieResolution::EarlierRound { round: 1 });
        assert!(!r.tie_broken_by_lot);
    }

    #[test]
    fn withdrawn_candidates_are_skipped() {
        let mut e = election(&["A", "B", "C"], 1, &[(3, &[2, 1]), (2, &[3])]);
        e.withdrawn.insert(1);
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        assert_eq!(r.elected, ["A"]);
        assert_eq!(r.rounds[0].counts[1].units(), 0);
    }

    #[test]
    fn no_valid_papers_elects_nobody() {
        let e = election(&["A", "B"], 1, &[(3, &[])]);
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        assert!(r.elected.is_empty());
        assert_eq!(r.blank_papers, 3);
    }

    pub(crate) const SC_BLT: &str = include_str!("testdata/SC.blt");
    pub(crate) const M135_BLT: &str = include_str!("testdata/M135.blt");

    fn arb_election() -> impl Strategy<Value = Election> {
        (2usize..7, 1usize..4).prop_flat_map(|(n, seats)| {
            let paper = (
                1u64..5,
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n),
            )
                .prop_flat_map(|(w, subset)| (Just(w), Just(subset).prop_shuffle()))
                .prop_map(|(w, ranking)| Paper::grouped(w, ranking));
            proptest::collection::vec(paper, 0..40).prop_map(move |papers| Election {
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
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Σ candidates + non-transferable + lost to truncation = valid vote,
        /// exactly, at every stage; never more elected than seats.
        #[test]
        fn totals_balance_and_seats_respected(e in arb_election()) {
            let r = count(Method::ScottishStv, &e, SEED).unwrap();
            let total = i128::from(r.valid_papers) * 100_000;
            for round in &r.rounds {
                let sum: i128 = round.counts.iter().map(|v| v.units()).sum();
                prop_assert_eq!(sum + round.exhausted.units() + round.lost_to_truncation.units(), total);
                prop_assert!(round.lost_to_truncation.units() >= 0);
            }
            prop_assert!(r.elected.len() <= e.seats);
            let standing = e.candidates.len();
            if r.valid_papers > 0 {
                prop_assert_eq!(r.elected.len(), e.seats.min(standing));
            }
        }

        /// The result does not depend on the order of the papers.
        #[test]
        fn invariant_under_paper_order(e in arb_election(), seed in any::<[u8; 32]>()) {
            let a = count(Method::ScottishStv, &e, seed).unwrap();
            let mut shuffled = e.clone();
            shuffled.papers.reverse();
            let n = shuffled.papers.len();
            if n > 2 { shuffled.papers.swap(0, n / 2); }
            let b = count(Method::ScottishStv, &shuffled, seed).unwrap();
            prop_assert_eq!(a, b);
        }
    }
}
