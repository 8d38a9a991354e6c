//! The revolving schedule of retained patronage: each year's retained amount is
//! due back to the member [`RuleSet::revolving_years`](super::rules::RuleSet)
//! whole years after the fiscal year's last day.
//!
//! Pure: no I/O, no clock (the date is passed in). The service reads a member's
//! retained patronage from the capital ledger as [`Movement`]s — retained amounts,
//! losses charged and redemptions, reversed entries left out — and
//! [`schedule`] turns them into one [`Tranche`] per fiscal year, oldest first:
//!
//! * movements are taken in date order (on one date: retained amounts, then
//!   redemptions, then losses), so the result does not depend on the order given;
//! * a **loss** charged to the account takes from the **oldest** amounts still
//!   retained first (first in, first out), never more than what is retained: a
//!   loss no tranche can bear is reported as [`Schedule::unabsorbed_loss`];
//! * a **redemption** takes from the tranche it names, never more than is left
//!   of it; a tranche with a redemption standing is *settled* and is never due
//!   again (the same year is not redeemed twice — to redeem it again, reverse
//!   the redemption first);
//! * what is **due** on a date ([`due`]) is every unsettled tranche whose due
//!   date has come and that still has something outstanding, oldest first.
//!
//! All amounts are integer cents, so every figure is exact. See
//! `docs/rules/distribution.md` §9 for a worked example.

use chrono::{Months, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

/// What a movement of a member's retained patronage does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    /// Patronage of a fiscal year retained in the account (a posted
    /// distribution's `patronage_retained` entry).
    Retained {
        /// What it was retained by (the distribution): the tranche's key.
        source: Uuid,
        /// The last day of the fiscal year it is for.
        year_end: NaiveDate,
        /// Amount retained, in cents (positive).
        cents: i64,
    },
    /// A loss charged to the account (`patronage_loss`), in cents (positive).
    Loss {
        /// Amount charged, in cents (positive).
        cents: i64,
    },
    /// Retained patronage redeemed (`patronage_redeemed`) from one tranche.
    Redeemed {
        /// The tranche redeemed (the distribution that retained it).
        source: Uuid,
        /// Amount redeemed, in cents (positive).
        cents: i64,
    },
}

/// One standing movement of a member's retained patronage (reversed entries are
/// left out by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// Its date (the ledger entry's date).
    pub date: NaiveDate,
    /// What it does.
    pub kind: MovementKind,
}

/// One fiscal year's retained patronage of a member, and what became of it.
/// Always `retained = lost + redeemed + outstanding`, each at least zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tranche {
    /// What retained it (the distribution).
    pub source: Uuid,
    /// The last day of its fiscal year.
    pub year_end: NaiveDate,
    /// When it is due back (`year_end` + the revolving years; the 28th for a
    /// 29 February that the target year lacks); `None` without revolving.
    pub due_on: Option<NaiveDate>,
    /// Retained, in cents.
    pub retained: i64,
    /// Taken by losses charged to the account, in cents.
    pub lost: i64,
    /// Redeemed, in cents.
    pub redeemed: i64,
    /// Still retained: `retained − lost − redeemed`, in cents.
    pub outstanding: i64,
    /// A redemption stands for it: it is never due again.
    pub settled: bool,
}

impl Tranche {
    /// Is it due for redemption on `as_of`: not settled, its due date come, and
    /// something still outstanding?
    pub fn is_due(&self, as_of: NaiveDate) -> bool {
        !self.settled && self.outstanding > 0 && self.due_on.is_some_and(|d| d <= as_of)
    }
}

/// A member's retained patronage, tranche by tranche.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// One tranche per source, oldest fiscal year first (then by source).
    pub tranches: Vec<Tranche>,
    /// Losses that found nothing left to take from, in cents (zero when the
    /// ledger is consistent: a posting never charges more than is retained).
    pub unabsorbed_loss: i64,
}

impl Schedule {
    /// Everything still retained, in cents.
    pub fn outstanding(&self) -> i64 {
        self.tranches.iter().map(|t| t.outstanding).sum()
    }
}

/// The day a fiscal year's retained patronage is due back: `years` whole years
/// after its last day (clamped to the end of the month, so 29 February gives
/// 28 February in a common year). `None` past the calendar's end.
pub fn due_on(year_end: NaiveDate, years: u32) -> Option<NaiveDate> {
    year_end.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// The order movements are applied on one date: retained amounts first, then
/// redemptions, then losses.
fn rank(kind: &MovementKind) -> u8 {
    match kind {
        MovementKind::Retained { .. } => 0,
        MovementKind::Redeemed { .. } => 1,
        MovementKind::Loss { .. } => 2,
    }
}

/// A member's tranches from their standing movements, with the due dates of a
/// revolving period of `revolving_years` (`None`: no revolving, nothing is ever
/// due). Amounts that are not positive are ignored. See the module documentation
/// for the order and the first-in-first-out rule.
pub fn schedule(movements: &[Movement], revolving_years: Option<u32>) -> Schedule {
    let mut ordered: Vec<&Movement> = movements.iter().collect();
    ordered.sort_by_key(|m| (m.date, rank(&m.kind)));
    let mut tranches: Vec<Tranche> = Vec::new();
    let mut unabsorbed_loss = 0i64;
    for m in ordered {
        match m.kind {
            MovementKind::Retained {
                source,
                year_end,
                cents,
            } if cents > 0 => match tranches.iter_mut().find(|t| t.source == source) {
                Some(t) => {
                    t.retained += cents;
                    t.outstanding += cents;
                }
                None => {
                    let at = tranches.partition_point(|t| (t.year_end, t.source) < (year_end, source));
                    tranches.insert(
                        at,
                        Tranche {
                            source,
                            year_end,
                            due_on: revolving_years.and_then(|y| due_on(year_end, y)),
                            retained: cents,
                            lost: 0,
                            redeemed: 0,
                            outstanding: cents,
                            settled: false,
                        },
                    );
                }
            },
            MovementKind::Redeemed { source, cents } if cents > 0 => {
                if let Some(t) = tranches.iter_mut().find(|t| t.source == source) {
                    let taken = cents.min(t.outstanding);
                    t.redeemed += taken;
                    t.outstanding -= taken;
                    t.settled = true;
                }
            }
            MovementKind::Loss { cents } if cents > 0 => {
                let mut left = cents;
                for t in tranches.iter_mut() {
                    if left == 0 {
                        break;
                    }
                    let taken = left.min(t.outstanding);
                    t.lost += taken;
                    t.outstanding -= taken;
                    left -= taken;
                }
                unabsorbed_loss += left;
            }
            _ => {}
        }
    }
    Schedule {
        tranches,
        unabsorbed_loss,
    }
}

/// The tranches due for redemption on `as_of`, oldest first: each is redeemed for
/// its `outstanding` amount.
pub fn due(schedule: &Schedule, as_of: NaiveDate) -> Vec<&Tranche> {
    schedule.tranches.iter().filter(|t| t.is_due(as_of)).collect()
}

/// The total due on `as_of`, in cents.
pub fn due_total(schedule: &Schedule, as_of: NaiveDate) -> i64 {
    due(schedule, as_of).iter().map(|t| t.outstanding).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn src(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn retained(date: &str, source: u128, year_end: &str, cents: i64) -> Movement {
        Movement {
            date: d(date),
            kind: MovementKind::Retained {
                source: src(source),
                year_end: d(year_end),
                cents,
            },
        }
    }

    fn loss(date: &str, cents: i64) -> Movement {
        Movement {
            date: d(date),
            kind: MovementKind::Loss { cents },
        }
    }

    fn redeemed(date: &str, source: u128, cents: i64) -> Movement {
        Movement {
            date: d(date),
            kind: MovementKind::Redeemed {
                source: src(source),
                cents,
            },
        }
    }

    /// The worked example of docs/rules/distribution.md §9: three years retained,
    /// revolving after 2 years, a loss charged in between.
    fn worked_example() -> Vec<Movement> {
        vec![
            retained("2023-03-31", 2022, "2022-12-31", 100_000),
            retained("2024-03-31", 2023, "2023-12-31", 80_000),
            loss("2025-03-31", 30_000),
            retained("2026-03-31", 2025, "2025-12-31", 60_000),
        ]
    }

    #[test]
    fn the_worked_example() {
        let s = schedule(&worked_example(), Some(2));
        let rows: Vec<_> = s
            .tranches
            .iter()
            .map(|t| (t.year_end, t.due_on.unwrap(), t.retained, t.lost, t.outstanding))
            .collect();
        assert_eq!(
            rows,
            vec![
                (d("2022-12-31"), d("2024-12-31"), 100_000, 30_000, 70_000),
                (d("2023-12-31"), d("2025-12-31"), 80_000, 0, 80_000),
                (d("2025-12-31"), d("2027-12-31"), 60_000, 0, 60_000),
            ]
        );
        assert_eq!(s.outstanding(), 210_000);
        assert_eq!(s.unabsorbed_loss, 0);
        // Before 2022's due date nothing; then 2022 (the loss came later), then 2023.
        assert_eq!(due_total(&s, d("2024-12-30")), 0);
        let known_on =
            |on: &str| -> Vec<Movement> { worked_example().into_iter().filter(|m| m.date <= d(on)).collect() };
        assert_eq!(
            due_total(&schedule(&known_on("2024-12-31"), Some(2)), d("2024-12-31")),
            100_000
        );
        // Once the loss is charged (31 March 2025), 2022 holds €700.00.
        assert_eq!(due_total(&s, d("2024-12-31")), 70_000);
        assert_eq!(due_total(&s, d("2026-04-15")), 150_000);
        let due_now: Vec<_> = due(&s, d("2026-04-15")).iter().map(|t| t.source).collect();
        assert_eq!(due_now, vec![src(2022), src(2023)]);
        // Once both are redeemed, only 2025's €600.00 remains, due on 2027-12-31.
        let mut after = worked_example();
        after.push(redeemed("2026-04-15", 2022, 70_000));
        after.push(redeemed("2026-04-15", 2023, 80_000));
        let s = schedule(&after, Some(2));
        assert_eq!(due_total(&s, d("2027-12-30")), 0);
        assert_eq!(due_total(&s, d("2027-12-31")), 60_000);
        assert_eq!(s.outstanding(), 60_000);
        assert!(s.tranches[0].settled && s.tranches[1].settled && !s.tranches[2].settled);
    }

    #[test]
    fn without_revolving_nothing_is_ever_due() {
        let s = schedule(&worked_example(), None);
        assert!(s.tranches.iter().all(|t| t.due_on.is_none()));
        assert_eq!(due_total(&s, d("2100-01-01")), 0);
        assert_eq!(s.outstanding(), 210_000);
    }

    #[test]
    fn a_loss_takes_the_oldest_first_and_never_more_than_is_retained() {
        let m = vec![
            retained("2024-03-31", 1, "2023-12-31", 10_000),
            retained("2025-03-31", 2, "2024-12-31", 10_000),
            loss("2026-03-31", 15_000),
        ];
        let s = schedule(&m, Some(1));
        assert_eq!(
            s.tranches.iter().map(|t| (t.lost, t.outstanding)).collect::<Vec<_>>(),
            vec![(10_000, 0), (5_000, 5_000)]
        );
        assert_eq!(due(&s, d("2030-01-01")).len(), 1, "a tranche lost in full is not due");
        // A loss larger than everything retained: the excess is reported.
        let s = schedule(&[m[0], m[1], loss("2026-03-31", 25_001)], Some(1));
        assert_eq!(s.outstanding(), 0);
        assert_eq!(s.unabsorbed_loss, 5_001);
        // A loss before any retained amount has nothing to take.
        let s = schedule(&[loss("2020-01-01", 500), m[0]], Some(1));
        assert_eq!((s.unabsorbed_loss, s.outstanding()), (500, 10_000));
    }

    #[test]
    fn a_loss_cannot_take_what_was_retained_after_it() {
        // Retained later (a later posting) is out of a loss's reach.
        let m = vec![
            retained("2024-03-31", 1, "2023-12-31", 1_000),
            loss("2025-03-31", 3_000),
            retained("2026-03-31", 2, "2025-12-31", 5_000),
        ];
        let s = schedule(&m, Some(1));
        assert_eq!(s.tranches[1].outstanding, 5_000);
        assert_eq!(s.unabsorbed_loss, 2_000);
    }

    #[test]
    fn a_redemption_settles_its_tranche_only() {
        let m = vec![
            retained("2024-03-31", 1, "2023-12-31", 10_000),
            retained("2025-03-31", 2, "2024-12-31", 20_000),
            redeemed("2026-01-15", 2, 20_000),
        ];
        let s = schedule(&m, Some(1));
        assert!(!s.tranches[0].settled && s.tranches[0].is_due(d("2026-01-15")));
        assert!(s.tranches[1].settled && !s.tranches[1].is_due(d("2026-01-15")));
        assert_eq!(s.tranches[1].redeemed, 20_000);
        // A loss after the redemption takes from what is left, the older tranche.
        let s = schedule(&[m[0], m[1], m[2], loss("2026-02-01", 4_000)], Some(1));
        assert_eq!((s.tranches[0].lost, s.tranches[0].outstanding), (4_000, 6_000));
        // Never more than the tranche holds; an unknown tranche is ignored.
        let s = schedule(
            &[m[0], redeemed("2026-01-15", 1, 99_999), redeemed("2026-01-15", 9, 5)],
            Some(1),
        );
        assert_eq!((s.tranches[0].redeemed, s.tranches[0].outstanding), (10_000, 0));
        assert_eq!(s.tranches.len(), 1);
        // A redemption of an amount a loss has since reduced: settled, the rest lost.
        let s = schedule(
            &[m[0], redeemed("2026-01-15", 1, 10_000), loss("2026-01-15", 500)],
            Some(1),
        );
        assert_eq!(
            (s.tranches[0].redeemed, s.tranches[0].lost, s.unabsorbed_loss),
            (10_000, 0, 500)
        );
    }

    #[test]
    fn on_one_date_retained_then_redeemed_then_lost() {
        let m = vec![
            loss("2026-01-01", 100),
            redeemed("2026-01-01", 1, 1_000),
            retained("2026-01-01", 1, "2024-12-31", 1_000),
        ];
        let s = schedule(&m, Some(1));
        assert_eq!(s.tranches[0].redeemed, 1_000);
        assert_eq!(s.unabsorbed_loss, 100);
    }

    #[test]
    fn due_dates_count_whole_years_from_the_year_end() {
        assert_eq!(due_on(d("2023-12-31"), 5), Some(d("2028-12-31")));
        assert_eq!(due_on(d("2024-06-30"), 1), Some(d("2025-06-30")));
        assert_eq!(due_on(d("2024-02-29"), 1), Some(d("2025-02-28")));
        assert_eq!(due_on(d("2024-02-29"), 4), Some(d("2028-02-29")));
        assert_eq!(due_on(NaiveDate::MAX, 1), None);
        let s = schedule(&[retained("2024-03-31", 1, "2023-12-31", 100)], Some(30));
        assert_eq!(s.tranches[0].due_on, Some(d("2053-12-31")));
    }

    #[test]
    fn tranches_are_ordered_by_year_and_one_source_is_one_tranche() {
        let m = vec![
            retained("2026-03-31", 3, "2025-12-31", 300),
            retained("2024-03-31", 1, "2023-12-31", 100),
            retained("2025-03-31", 2, "2024-12-31", 200),
            retained("2025-04-01", 2, "2024-12-31", 50),
            retained("2025-04-01", 4, "2024-12-31", 0),
            loss("2025-04-01", 0),
        ];
        let s = schedule(&m, Some(2));
        assert_eq!(
            s.tranches.iter().map(|t| (t.source, t.retained)).collect::<Vec<_>>(),
            vec![(src(1), 100), (src(2), 250), (src(3), 300)]
        );
    }

    fn movements() -> impl Strategy<Value = Vec<Movement>> {
        let day = |n: i64| d("2020-01-01") + chrono::Duration::days(n);
        let one = prop_oneof![
            // A source is one distribution: one fiscal year, whatever its movements.
            4 => (0i64..3000, 0u128..6, 1i64..500_000).prop_map(move |(at, s, cents)| Movement {
                date: day(at),
                kind: MovementKind::Retained {
                    source: src(s),
                    year_end: d("2019-12-31") + chrono::Months::new(12 * s as u32),
                    cents,
                },
            }),
            2 => (0i64..3000, 1i64..300_000).prop_map(move |(at, cents)| Movement {
                date: day(at),
                kind: MovementKind::Loss { cents },
            }),
            1 => (0i64..3000, 0u128..6, 1i64..500_000).prop_map(move |(at, s, cents)| Movement {
                date: day(at),
                kind: MovementKind::Redeemed { source: src(s), cents },
            }),
        ];
        proptest::collection::vec(one, 0..30)
    }

    proptest! {
        #[test]
        fn every_cent_is_accounted_for(m in movements(), years in 1u32..=30, seed in any::<u64>()) {
            let s = schedule(&m, Some(years));
            let credits: i64 = m.iter().filter_map(|x| match x.kind {
                MovementKind::Retained { cents, .. } => Some(cents), _ => None }).sum();
            let losses: i64 = m.iter().filter_map(|x| match x.kind {
                MovementKind::Loss { cents } => Some(cents), _ => None }).sum();
            let redemptions: i64 = m.iter().filter_map(|x| match x.kind {
                MovementKind::Redeemed { cents, .. } => Some(cents), _ => None }).sum();
            for t in &s.tranches {
                prop_assert!(t.lost >= 0 && t.redeemed >= 0 && t.outstanding >= 0);
                prop_assert_eq!(t.retained, t.lost + t.redeemed + t.outstanding);
            }
            prop_assert_eq!(s.tranches.iter().map(|t| t.retained).sum::<i64>(), credits);
            prop_assert_eq!(s.tranches.iter().map(|t| t.lost).sum::<i64>() + s.unabsorbed_loss, losses);
            prop_assert!(s.tranches.iter().map(|t| t.redeemed).sum::<i64>() <= redemptions);
            // Never more is due than is retained, and what is due only grows with time.
            let mut last = 0;
            for n in (0..4000).step_by(97) {
                let on = d("2020-01-01") + chrono::Duration::days(n);
                let total = due_total(&s, on);
                prop_assert!(total <= s.outstanding());
                prop_assert!(total >= last);
                last = total;
            }
            // Oldest first.
            let ends: Vec<_> = s.tranches.iter().map(|t| (t.year_end, t.source)).collect();
            let mut sorted = ends.clone();
            sorted.sort();
            prop_assert_eq!(ends, sorted);
            // The order given does not matter.
            let mut shuffled = m.clone();
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(schedule(&shuffled, Some(years)), s);
        }

        #[test]
        fn losses_take_the_oldest_first(credits in proptest::collection::vec(1i64..100_000, 1..8),
                                        losses in proptest::collection::vec(1i64..100_000, 0..5)) {
            // All retained before any loss, no redemption: the losses eat a prefix.
            let mut m: Vec<Movement> = credits.iter().enumerate().map(|(i, c)| Movement {
                date: d("2020-03-31"),
                kind: MovementKind::Retained {
                    source: src(i as u128),
                    year_end: d("2010-12-31") + chrono::Months::new(12 * i as u32),
                    cents: *c,
                },
            }).collect();
            m.extend(losses.iter().map(|c| Movement { date: d("2021-03-31"), kind: MovementKind::Loss { cents: *c } }));
            let s = schedule(&m, Some(1));
            let total_loss: i64 = losses.iter().sum();
            let retained: i64 = credits.iter().sum();
            prop_assert_eq!(s.outstanding(), (retained - total_loss).max(0));
            let mut seen_untouched = false;
            for t in &s.tranches {
                if seen_untouched {
                    prop_assert_eq!(t.lost, 0);
                }
                if t.outstanding > 0 {
                    seen_untouched = true;
                }
            }
        }
    }
}
