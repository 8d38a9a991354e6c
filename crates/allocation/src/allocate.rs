//! The year-end allocation: a pure function of the surplus, a [`RuleSet`]
//! and each member's hours, wages and capital.
//!
//! Order of the steps (see `docs/rules/distribution.md`):
//! 1. loss year (surplus ≤ 0): nothing is distributed; the loss goes to the
//!    reserve or to the members' capital accounts;
//! 2. the reserve (rounded up to the cent);
//! 3. the return on shares, the smallest of the limits given, shared pro rata
//!    to eligible capital and never above rate × capital for anyone;
//! 4. the patronage pool, shared among eligible members by the basis;
//! 5. every member's share return and patronage rounded to the cent by the
//!    largest-remainder method ([`largest_remainder`]), so the parts add up
//!    exactly to each pool;
//! 6. each member's patronage split into cash (rounded up) and retained.
//!
//! All the arithmetic on money is done in integer cents (`i128`), so every
//! floor, remainder and comparison is exact; `Decimal` is used only at the
//! edges. Overflow is checked and reported, never a panic.

use std::cmp::{Ordering, Reverse};
use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::rules::{ExcessTo, MixWeights, PatronageBasis, ReserveBase, RuleSet, RulesError};

/// A member number or id. Ordered for the tie-break of the largest-remainder
/// method: ids made only of ASCII digits are *numbers* and come first, in
/// numeric order (`"2" < "10"`; equal numbers such as `"7"` and `"007"` are
/// then ordered as strings); every other id comes after all numbers, in
/// plain string (Unicode code point) order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MemberKey(pub String);

fn numeric(s: &str) -> Option<&str> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        Some(s.trim_start_matches('0'))
    } else {
        None
    }
}

/// Compares two member ids in [`MemberKey`] order.
pub fn compare_member_ids(x: &str, y: &str) -> Ordering {
    match (numeric(x), numeric(y)) {
        (Some(a), Some(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)).then_with(|| x.cmp(y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => x.cmp(y),
    }
}

impl Ord for MemberKey {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_member_ids(&self.0, &other.0)
    }
}

impl PartialOrd for MemberKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A member's eligible capital for the year: paid-in share capital, possibly
/// averaged over the days it was held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EligibleCapital {
    /// The eligible (e.g. daily-averaged) capital given directly (money, at
    /// most 2 decimals).
    Average(Decimal),
    /// Capital held for `days_held` days of a year of `days_in_year` days:
    /// eligible capital = capital × days_held / days_in_year (kept exact).
    Held {
        /// Paid-in capital while held (money, at most 2 decimals).
        capital: Decimal,
        /// Days it was held, at most `days_in_year`.
        days_held: u32,
        /// Days in the fiscal year, 1 to 366.
        days_in_year: u32,
    },
}

impl EligibleCapital {
    /// Capital held the whole year.
    pub fn full_year(capital: Decimal) -> Self {
        EligibleCapital::Average(capital)
    }
}

/// One member's figures for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    /// Member number or id (see [`MemberKey`] for how ids are ordered).
    pub member: String,
    /// Hours worked in the year (≥ 0, at most 2 decimals).
    pub hours: Decimal,
    /// Wages received in the year (≥ 0, at most 2 decimals); needed only
    /// when the basis uses wages.
    pub wages: Option<Decimal>,
    /// Eligible capital for the return on shares.
    pub capital: EligibleCapital,
    /// Months of presence in the year, 0 to 12; `None` means the whole year.
    pub months_present: Option<Decimal>,
    /// Years of seniority (for the seniority coefficient and
    /// `min_seniority_months`); `None` means 0.
    pub seniority_years: Option<Decimal>,
}

impl MemberInput {
    /// A member with hours and full-year capital, nothing else.
    pub fn new(member: impl Into<String>, hours: Decimal, capital: Decimal) -> Self {
        MemberInput {
            member: member.into(),
            hours,
            wages: None,
            capital: EligibleCapital::full_year(capital),
            months_present: None,
            seniority_years: None,
        }
    }
}

/// One member's line of the allocation. `cash + retained = patronage` and
/// `total = share_return + patronage`; in a loss year charged to members,
/// `patronage`, `retained` and `total` are negative and `cash` is 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAllocation {
    /// Member number or id.
    pub member: String,
    /// Return on shares (interest on capital), paid separately from patronage.
    pub share_return: Decimal,
    /// Patronage allocation (negative in a loss year charged to members).
    pub patronage: Decimal,
    /// The part of the patronage paid in cash.
    pub cash: Decimal,
    /// The part of the patronage credited to the member's internal capital
    /// account.
    pub retained: Decimal,
    /// `share_return + patronage`.
    pub total: Decimal,
}

/// Which limit fixed the return on shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareReturnLimit {
    /// No return on shares (no rate nor fraction of surplus given, or no
    /// eligible capital).
    None,
    /// `share_return_rate` × each member's eligible capital.
    Rate,
    /// `share_return_max_of_surplus` × surplus.
    MaxOfSurplus,
    /// The law: not more than the patronage pool.
    PatronagePool,
    /// The law: not more than the reserve.
    Reserve,
    /// `patronage_min_of_surplus`: the patronage pool's floor.
    PatronageFloor,
    /// What was left after the reserve.
    Available,
}

/// Per-member data behind the figures, for the worked explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetail {
    /// Member number or id.
    pub member: String,
    /// Eligible for patronage?
    pub eligible: bool,
    /// Why not, when not eligible.
    pub ineligible_reason: Option<String>,
    /// Hours worked.
    pub hours: Decimal,
    /// Wages, if given.
    pub wages: Option<Decimal>,
    /// Seniority coefficient applied to the patronage weight (1 without).
    pub coefficient: Decimal,
    /// Eligible capital, rounded to 6 decimals for display (the computation
    /// uses the exact value).
    pub eligible_capital: Decimal,
    /// `share_return_rate` × eligible capital rounded down to the cent (the
    /// member's cap), when a rate is given.
    pub share_cap: Option<Decimal>,
}

/// Totals of the patronage basis over eligible members (weighted by the
/// seniority coefficients), for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BasisTotals {
    /// Σ coefficient × hours.
    pub hours: Decimal,
    /// Σ coefficient × wages.
    pub wages: Decimal,
    /// Σ coefficient (the number of equal shares).
    pub equal: Decimal,
}

/// The result of a distribution. `reserve + share_return_total +
/// patronage_total = surplus` exactly, and each total is exactly the sum of
/// the members' lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The distributable surplus (negative: a loss).
    pub surplus: Decimal,
    /// Everything put in (or, in a loss year, taken from) the collective
    /// reserve: `reserve_statutory + held_back_to_reserve +
    /// unallocated_to_reserve`.
    pub reserve: Decimal,
    /// Σ members' share returns.
    pub share_return_total: Decimal,
    /// Σ members' patronage.
    pub patronage_total: Decimal,
    /// One line per member, ordered by member key.
    pub members: Vec<MemberAllocation>,
    /// Surplus ≤ 0.
    pub loss_year: bool,
    /// The reserve of step 2 (rate, floor), before any transfer.
    pub reserve_statutory: Decimal,
    /// The return on shares before any cap: Σ rate × eligible capital (each
    /// rounded down to the cent) when a rate is given, otherwise
    /// `share_return_max_of_surplus` × surplus (rounded down), otherwise 0.
    pub share_return_nominal: Decimal,
    /// Which limit fixed the return on shares.
    pub share_return_limit: ShareReturnLimit,
    /// `share_return_nominal − share_return_total`: what the caps held back.
    pub share_return_held_back: Decimal,
    /// Where the rules send what the caps hold back.
    pub held_back_to: ExcessTo,
    /// The part of the held-back amount actually moved to the reserve (never
    /// pushing the patronage pool below its floor or its legal tie to the
    /// share return).
    pub held_back_to_reserve: Decimal,
    /// A patronage pool (or a loss charged to members) that nobody was
    /// eligible to receive, sent to the reserve.
    pub unallocated_to_reserve: Decimal,
    /// The patronage basis applied.
    pub basis: PatronageBasis,
    /// Mix weights, with `mix`.
    pub mix_weights: Option<MixWeights>,
    /// With `mix`: the patronage pool split into hours, wages and equal parts.
    pub mix_pools: Option<[Decimal; 3]>,
    /// Totals of the basis over eligible members.
    pub basis_totals: BasisTotals,
    /// Σ eligible capital (6 decimals, display only).
    pub eligible_capital_total: Decimal,
    /// The share return rate applied, if any.
    pub share_return_rate: Option<Decimal>,
    /// Per-member data behind the figures, same order as `members`.
    pub details: Vec<MemberDetail>,
}

/// Why an allocation could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// The rule set is invalid.
    #[error("rules: {0}")]
    Rules(#[from] RulesError),
    /// The surplus is not an amount of money (more than 2 decimals, or too large).
    #[error("surplus: {0}")]
    Surplus(String),
    /// One member's input is invalid.
    #[error("member {member:?}, {field}: {reason}")]
    Member {
        /// Member id as given.
        member: String,
        /// The input field (`member`, `hours`, `wages`, `capital`, …).
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A pool with more than 2 decimals was given to [`largest_remainder`].
    #[error("pool {0} has more than 2 decimals")]
    PoolNotCents(Decimal),
    /// A negative or over-precise weight was given to [`largest_remainder`].
    #[error("weight #{index}: {reason}")]
    Weight {
        /// Position of the weight.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A non-zero pool with all weights zero was given to [`largest_remainder`].
    #[error("cannot share {0} among weights that are all zero")]
    NoWeights(Decimal),
    /// The numbers are too large for exact integer arithmetic.
    #[error("amounts too large to compute exactly")]
    Overflow,
}

type R<T> = Result<T, AllocationError>;

// ---------------------------------------------------------------------------
// exact integer helpers

fn ck(v: Option<i128>) -> R<i128> {
    v.ok_or(AllocationError::Overflow)
}

fn pow10(n: u32) -> R<i128> {
    ck(10i128.checked_pow(n))
}

/// Money with at most 2 decimals → cents; `None` if more decimals.
fn to_cents(d: Decimal) -> Option<i128> {
    let d = d.normalize();
    if d.scale() > 2 {
        return None;
    }
    let f = 10i128.pow(2 - d.scale());
    d.mantissa().checked_mul(f)
}

fn from_cents(c: i128) -> Decimal {
    if c == 0 {
        return Decimal::new(0, 2);
    }
    Decimal::try_from_i128_with_scale(c, 2).unwrap_or(Decimal::MAX)
}

/// A non-negative rate as (numerator, 10^scale).
fn frac(d: Decimal) -> R<(i128, i128)> {
    let d = d.normalize();
    Ok((d.mantissa(), pow10(d.scale())?))
}

fn ceil_div(a: i128, b: i128) -> i128 {
    // a >= 0, b > 0
    a / b + i128::from(a % b != 0)
}

/// ceil(rate × cents) for a rate in [0, 1] and cents ≥ 0.
fn ceil_rate(rate: Decimal, cents: i128) -> R<i128> {
    let (n, d) = frac(rate)?;
    Ok(ceil_div(ck(n.checked_mul(cents))?, d))
}

/// floor(rate × cents) for a rate in [0, 1] and cents ≥ 0.
fn floor_rate(rate: Decimal, cents: i128) -> R<i128> {
    let (n, d) = frac(rate)?;
    Ok(ck(n.checked_mul(cents))? / d)
}

/// Non-negative decimals → integers at a common scale (exact).
fn scaled_ints(ws: &[Decimal]) -> R<Vec<i128>> {
    let max_scale = ws.iter().map(|w| w.normalize().scale()).max().unwrap_or(0);
    ws.iter()
        .map(|w| {
            let w = w.normalize();
            ck(w.mantissa().checked_mul(pow10(max_scale - w.scale())?))
        })
        .collect()
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The largest-remainder core, in integers. `order[i]` is the tie-break rank
/// of item i (lower wins). `caps`, when given, are per-item maxima with
/// Σ caps ≥ pool. Requires pool ≥ 0, weights ≥ 0, and Σ weights > 0 unless
/// pool = 0.
fn lr_int(pool: i128, weights: &[i128], order: &[usize], caps: Option<&[i128]>) -> R<Vec<i128>> {
    let total = weights
        .iter()
        .try_fold(0i128, |acc, &w| acc.checked_add(w))
        .ok_or(AllocationError::Overflow)?;
    if pool == 0 || total == 0 {
        return Ok(vec![0; weights.len()]);
    }
    // Divide out a common factor to keep products small.
    let g = weights.iter().fold(total, |g, &w| gcd(g, w));
    let total = total / g;
    let mut parts = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    let mut given = 0i128;
    for &w in weights {
        let prod = ck(pool.checked_mul(w / g))?;
        let (q, r) = (prod / total, prod % total);
        given += q;
        parts.push(q);
        rems.push(r);
    }
    let mut left = pool - given;
    if left > 0 {
        let mut idx: Vec<usize> = (0..weights.len()).collect();
        idx.sort_unstable_by_key(|&i| (Reverse(rems[i]), order[i]));
        for i in idx {
            if left == 0 {
                break;
            }
            if caps.is_some_and(|c| parts[i] >= c[i]) {
                continue;
            }
            parts[i] += 1;
            left -= 1;
        }
        if left != 0 {
            // Only possible if Σ caps < pool, which the callers rule out.
            return Err(AllocationError::Overflow);
        }
    }
    Ok(parts)
}

/// Shares `pool` (money, at most 2 decimals, may be negative) in proportion
/// to `weights` (each ≥ 0) by the **largest-remainder method**: every exact
/// share `pool × wᵢ / Σw` is floored to the cent, then the cents left over
/// are handed out one each to the items with the largest remainders; equal
/// remainders go first to the smaller key (`K`'s order; for members that is
/// [`MemberKey`]'s order), and equal keys to the earlier position. The
/// result, in the order of `weights`, adds up exactly to `pool`. A negative
/// pool is shared as its absolute value and negated.
///
/// Errors: pool with more than 2 decimals, a negative weight, all weights
/// zero with a non-zero pool, or numbers too large for exact arithmetic.
pub fn largest_remainder<K: Ord>(pool: Decimal, weights: &[(K, Decimal)]) -> Result<Vec<Decimal>, AllocationError> {
    let cents = to_cents(pool).ok_or(AllocationError::PoolNotCents(pool))?;
    for (i, (_, w)) in weights.iter().enumerate() {
        if w.is_sign_negative() && !w.is_zero() {
            return Err(AllocationError::Weight {
                index: i,
                reason: format!("negative weight {w}"),
            });
        }
    }
    let ws: Vec<Decimal> = weights.iter().map(|(_, w)| *w).collect();
    let ints = scaled_ints(&ws)?;
    if cents != 0 && ints.iter().all(|&w| w == 0) {
        return Err(AllocationError::NoWeights(pool));
    }
    let mut by_key: Vec<usize> = (0..weights.len()).collect();
    by_key.sort_by(|&a, &b| weights[a].0.cmp(&weights[b].0).then(a.cmp(&b)));
    let mut order = vec![0usize; weights.len()];
    for (rank, &i) in by_key.iter().enumerate() {
        order[i] = rank;
    }
    let parts = lr_int(cents.abs(), &ints, &order, None)?;
    let sign = if cents < 0 { -1 } else { 1 };
    Ok(parts.into_iter().map(|p| from_cents(sign * p)).collect())
}

// ---------------------------------------------------------------------------
// validation of the inputs

fn member_err(member: &str, field: &'static str, reason: impl Into<String>) -> AllocationError {
    AllocationError::Member {
        member: member.to_string(),
        field,
        reason: reason.into(),
    }
}

fn check_amount(member: &str, field: &'static str, v: Decimal, max_dp: u32) -> R<()> {
    if v.is_sign_negative() && !v.is_zero() {
        return Err(member_err(member, field, format!("must not be negative, got {v}")));
    }
    if v.normalize().scale() > max_dp {
        return Err(member_err(
            member,
            field,
            format!("at most {max_dp} decimals allowed, got {v}"),
        ));
    }
    if v > Decimal::from(1_000_000_000_000i64) {
        return Err(member_err(member, field, format!("{v} is too large")));
    }
    Ok(())
}

/// Checks one member's input; the same checks [`allocate`] makes.
pub fn validate_member(m: &MemberInput) -> Result<(), AllocationError> {
    let id = m.member.as_str();
    if id.trim().is_empty() {
        return Err(member_err(id, "member", "the member id is empty"));
    }
    if id.trim() != id {
        return Err(member_err(id, "member", "the member id has surrounding spaces"));
    }
    check_amount(id, "hours", m.hours, 2)?;
    if let Some(w) = m.wages {
        check_amount(id, "wages", w, 2)?;
    }
    match m.capital {
        EligibleCapital::Average(c) => check_amount(id, "capital", c, 2)?,
        EligibleCapital::Held {
            capital,
            days_held,
            days_in_year,
        } => {
            check_amount(id, "capital", capital, 2)?;
            if days_in_year == 0 || days_in_year > 366 {
                return Err(member_err(
                    id,
                    "days_in_year",
                    format!("must be between 1 and 366, got {days_in_year}"),
                ));
            }
            if days_held > days_in_year {
                return Err(member_err(
                    id,
                    "capital_days",
                    format!("{days_held} days held is more than the {days_in_year} days of the year"),
                ));
            }
        }
    }
    let out_of = |v: Decimal, max: i64| v < Decimal::ZERO || v > Decimal::from(max) || v.normalize().scale() > 2;
    if let Some(mo) = m.months_present.filter(|&v| out_of(v, 12)) {
        return Err(member_err(
            id,
            "months",
            format!("must be between 0 and 12 with at most 2 decimals, got {mo}"),
        ));
    }
    if let Some(y) = m.seniority_years.filter(|&v| out_of(v, 200)) {
        return Err(member_err(
            id,
            "seniority_years",
            format!("must be between 0 and 200 with at most 2 decimals, got {y}"),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// the allocation

struct Prepared<'a> {
    input: &'a MemberInput,
    eligible: bool,
    reason: Option<String>,
    coef: Decimal,
    /// Eligible capital × L (exact integer numerator, in cents × L).
    cap_num: i128,
}

fn eligibility(rules: &RuleSet, m: &MemberInput) -> (bool, Option<String>) {
    if let Some(min) = rules.min_hours.filter(|&min| m.hours < min) {
        return (false, Some(format!("fewer than {} hours", min.normalize())));
    }
    let months = m.months_present.unwrap_or(Decimal::from(12));
    let seniority_months = m.seniority_years.unwrap_or(Decimal::ZERO) * Decimal::from(12);
    let ok_months = rules.min_months.map(|min| months >= min);
    let ok_seniority = rules.min_seniority_months.map(|min| seniority_months >= min);
    let ok = match (ok_months, ok_seniority) {
        (None, None) => true,
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (Some(a), Some(b)) => a || b,
    };
    if ok {
        return (true, None);
    }
    let mut why = Vec::new();
    if let Some(min) = rules.min_months {
        why.push(format!("fewer than {} months of presence", min.normalize()));
    }
    if let Some(min) = rules.min_seniority_months {
        why.push(format!("fewer than {} months of seniority", min.normalize()));
    }
    (false, Some(why.join(" and ")))
}

fn coefficient(rules: &RuleSet, m: &MemberInput) -> Decimal {
    let years = m.seniority_years.unwrap_or(Decimal::ZERO);
    let c = Decimal::ONE + rules.seniority_rate * years;
    c.min(rules.seniority_cap).normalize()
}

/// Shares `pool` cents (≥ 0) among the eligible members by the basis.
/// Returns the per-member parts (in `prep` order), the mix pools, and
/// whether anybody could receive it.
fn share_patronage(
    rules: &RuleSet,
    prep: &[Prepared<'_>],
    order: &[usize],
    pool: i128,
) -> R<(Vec<i128>, Option<[i128; 3]>, bool)> {
    let n = prep.len();
    let weights_for = |basis: PatronageBasis| -> R<Vec<i128>> {
        let ws: Vec<Decimal> = prep
            .iter()
            .map(|p| {
                if !p.eligible {
                    return Decimal::ZERO;
                }
                let base = match basis {
                    PatronageBasis::Hours => p.input.hours,
                    PatronageBasis::Wages => p.input.wages.unwrap_or(Decimal::ZERO),
                    _ => Decimal::ONE,
                };
                p.coef * base
            })
            .collect();
        scaled_ints(&ws)
    };
    let nonzero = |v: &[i128]| v.iter().any(|&w| w != 0);
    match rules.patronage_basis {
        PatronageBasis::Mix => {
            let mw = rules.patronage_weights.unwrap_or(MixWeights {
                hours: Decimal::ONE,
                wages: Decimal::ZERO,
                equal: Decimal::ZERO,
            });
            let comps = [
                (mw.hours, weights_for(PatronageBasis::Hours)?),
                (mw.wages, weights_for(PatronageBasis::Wages)?),
                (mw.equal, weights_for(PatronageBasis::Equal)?),
            ];
            // A component nobody can receive gets no part of the pool.
            let cw: Vec<Decimal> = comps
                .iter()
                .map(|(w, v)| if nonzero(v) { *w } else { Decimal::ZERO })
                .collect();
            let cw_int = scaled_ints(&cw)?;
            if !nonzero(&cw_int) {
                return Ok((vec![0; n], Some([0; 3]), false));
            }
            let pools = lr_int(pool, &cw_int, &[0, 1, 2], None)?;
            let mut parts = vec![0i128; n];
            for (k, (_, v)) in comps.iter().enumerate() {
                let sub = lr_int(pools[k], v, order, None)?;
                for (p, s) in parts.iter_mut().zip(sub) {
                    *p += s;
                }
            }
            Ok((parts, Some([pools[0], pools[1], pools[2]]), true))
        }
        basis => {
            let w = weights_for(basis)?;
            if !nonzero(&w) {
                return Ok((vec![0; n], None, false));
            }
            Ok((lr_int(pool, &w, order, None)?, None, true))
        }
    }
}

fn lcm(a: i128, b: i128) -> i128 {
    a / gcd(a, b) * b
}

/// Computes the distribution. Pure: the same inputs always give the same
/// result, whatever the order of `members` (the lines come out ordered by
/// [`MemberKey`]). Fails on an invalid rule set, a surplus with more than 2
/// decimals, an invalid or duplicate member, or a member without wages when
/// the basis needs them.
pub fn allocate(surplus: Decimal, rules: &RuleSet, members: &[MemberInput]) -> Result<Allocation, AllocationError> {
    rules.validate()?;
    let s = to_cents(surplus).ok_or_else(|| AllocationError::Surplus(format!("{surplus} has more than 2 decimals")))?;
    if s.abs() > 100_000_000_000_000_000 {
        return Err(AllocationError::Surplus(format!("{surplus} is too large")));
    }

    // Members in key order; duplicates refused.
    let mut sorted: Vec<&MemberInput> = members.iter().collect();
    sorted.sort_unstable_by(|a, b| compare_member_ids(&a.member, &b.member));
    for w in sorted.windows(2) {
        if w[0].member == w[1].member {
            return Err(member_err(&w[0].member, "member", "duplicate member id"));
        }
    }
    for m in &sorted {
        validate_member(m)?;
    }
    let uses_wages = rules.uses_wages();

    // Common denominator of the eligible capital.
    let mut l = 1i128;
    for m in &sorted {
        if let EligibleCapital::Held { days_in_year, .. } = m.capital {
            l = lcm(l, i128::from(days_in_year));
        }
    }
    let mut prep = Vec::with_capacity(sorted.len());
    for m in &sorted {
        let (eligible, reason) = eligibility(rules, m);
        if eligible && uses_wages && m.wages.is_none() {
            return Err(member_err(&m.member, "wages", "required by the patronage basis"));
        }
        let cap_num = match m.capital {
            EligibleCapital::Average(c) => ck(to_cents(c).ok_or(AllocationError::Overflow)?.checked_mul(l))?,
            EligibleCapital::Held {
                capital,
                days_held,
                days_in_year,
            } => {
                let c = to_cents(capital).ok_or(AllocationError::Overflow)?;
                let f = l / i128::from(days_in_year);
                ck(c.checked_mul(i128::from(days_held)).and_then(|x| x.checked_mul(f)))?
            }
        };
        prep.push(Prepared {
            input: m,
            eligible,
            reason,
            coef: coefficient(rules, m),
            cap_num,
        });
    }
    let order: Vec<usize> = (0..prep.len()).collect();
    let n = prep.len();

    // Per-member rate caps: floor(rate × eligible capital) in cents.
    let caps: Option<Vec<i128>> = match rules.share_return_rate {
        Some(rate) => {
            let (rn, rd) = frac(rate)?;
            let den = ck(rd.checked_mul(l))?;
            Some(
                prep.iter()
                    .map(|p| Ok(ck(rn.checked_mul(p.cap_num))? / den))
                    .collect::<R<Vec<i128>>>()?,
            )
        }
        None => None,
    };
    let cap_total_num = prep
        .iter()
        .try_fold(0i128, |a, p| a.checked_add(p.cap_num))
        .ok_or(AllocationError::Overflow)?;

    let mut out = Allocation {
        surplus: from_cents(s),
        reserve: from_cents(0),
        share_return_total: from_cents(0),
        patronage_total: from_cents(0),
        members: Vec::new(),
        loss_year: s <= 0,
        reserve_statutory: from_cents(0),
        share_return_nominal: from_cents(0),
        share_return_limit: ShareReturnLimit::None,
        share_return_held_back: from_cents(0),
        held_back_to: rules.share_return_excess,
        held_back_to_reserve: from_cents(0),
        unallocated_to_reserve: from_cents(0),
        basis: rules.patronage_basis,
        mix_weights: rules.patronage_weights,
        mix_pools: None,
        basis_totals: basis_totals(&prep),
        eligible_capital_total: ratio(cap_total_num, l),
        share_return_rate: rules.share_return_rate,
        details: prep
            .iter()
            .enumerate()
            .map(|(i, p)| MemberDetail {
                member: p.input.member.clone(),
                eligible: p.eligible,
                ineligible_reason: p.reason.clone(),
                hours: p.input.hours,
                wages: p.input.wages,
                coefficient: p.coef,
                eligible_capital: ratio(p.cap_num, l),
                share_cap: caps.as_ref().map(|c| from_cents(c[i])),
            })
            .collect(),
    };

    let mut share = vec![0i128; n];
    let mut patr = vec![0i128; n];
    let mut cash = vec![0i128; n];

    if s <= 0 {
        // Step 1: a loss year.
        let loss = -s;
        if loss > 0 && rules.loss_to == super::rules::LossTo::Members {
            let (parts, mix, anybody) = share_patronage(rules, &prep, &order, loss)?;
            if anybody {
                for (p, x) in patr.iter_mut().zip(parts) {
                    *p = -x;
                }
                out.patronage_total = from_cents(s);
                out.mix_pools = mix.map(|m| m.map(|x| from_cents(-x)));
            } else {
                out.reserve = from_cents(s);
                out.unallocated_to_reserve = from_cents(s);
            }
        } else {
            out.reserve = from_cents(s);
            out.reserve_statutory = from_cents(s);
        }
    } else {
        // Steps 2 and 3.
        let nominal_rate = caps.as_ref().map(|c| c.iter().sum::<i128>());
        let nominal_surplus = match rules.share_return_max_of_surplus {
            Some(m) if cap_total_num > 0 => Some(floor_rate(m, s)?),
            Some(_) => Some(0),
            None => None,
        };
        // The nominal return is the rate × capital when a rate is given (then
        // `share_return_max_of_surplus` is a cap that holds back), otherwise
        // the fraction of the surplus.
        let (nominal, mut limit, surplus_cap) = match (nominal_rate, nominal_surplus) {
            (None, None) => (0, ShareReturnLimit::None, None),
            (Some(a), cap) => (a, ShareReturnLimit::Rate, cap),
            (None, Some(b)) => (b, ShareReturnLimit::MaxOfSurplus, None),
        };
        if nominal == 0 {
            limit = ShareReturnLimit::None;
        }
        let floor_amount = to_cents(rules.reserve_floor).ok_or(AllocationError::Overflow)?;
        let (reserve0, sr, moved, pool) = match rules.reserve_base {
            ReserveBase::Surplus => {
                let pfloor = ceil_rate(rules.patronage_min_of_surplus, s)?;
                let r0 = ceil_rate(rules.reserve_rate, s)?.max(floor_amount).min(s - pfloor);
                let avail = s - r0;
                let mut sr = nominal;
                let mut bind = |cap: i128, why: ShareReturnLimit| {
                    if cap < sr {
                        sr = cap.max(0);
                        limit = why;
                    }
                };
                if let Some(c) = surplus_cap {
                    bind(c, ShareReturnLimit::MaxOfSurplus);
                }
                bind(avail, ShareReturnLimit::Available);
                bind(avail - pfloor, ShareReturnLimit::PatronageFloor);
                if rules.share_return_max_of_reserve {
                    bind(r0, ShareReturnLimit::Reserve);
                }
                if rules.share_return_max_of_patronage {
                    bind(avail / 2, ShareReturnLimit::PatronagePool);
                }
                let held = nominal - sr;
                let moved = if rules.share_return_excess == ExcessTo::Reserve {
                    let keep = pfloor.max(if rules.share_return_max_of_patronage { sr } else { 0 });
                    held.min(avail - sr - keep).max(0)
                } else {
                    0
                };
                (r0, sr, moved, avail - sr - moved)
            }
            ReserveBase::AfterShareReturn => {
                let mut sr = nominal;
                if let Some(c) = surplus_cap.filter(|&c| c < sr) {
                    sr = c;
                    limit = ShareReturnLimit::MaxOfSurplus;
                }
                if s < sr {
                    sr = s;
                    limit = ShareReturnLimit::Available;
                }
                let base = s - sr;
                let r0 = ceil_rate(rules.reserve_rate, base)?.max(floor_amount).min(base);
                let held = nominal - sr;
                let moved = if rules.share_return_excess == ExcessTo::Reserve {
                    held.min(base - r0)
                } else {
                    0
                };
                (r0, sr, moved, base - r0 - moved)
            }
        };
        out.share_return_nominal = from_cents(nominal);
        out.share_return_limit = limit;
        out.share_return_held_back = from_cents(nominal - sr);
        out.held_back_to_reserve = from_cents(moved);
        out.reserve_statutory = from_cents(reserve0);

        // Step 3 (sharing) and 5: share returns, pro rata to eligible capital,
        // never above each member's rate cap.
        if sr > 0 {
            share = match &caps {
                Some(c) if c.iter().sum::<i128>() == sr => c.clone(),
                Some(c) => {
                    let w: Vec<i128> = prep.iter().map(|p| p.cap_num).collect();
                    lr_int(sr, &w, &order, Some(c))?
                }
                None => {
                    let w: Vec<i128> = prep.iter().map(|p| p.cap_num).collect();
                    lr_int(sr, &w, &order, None)?
                }
            };
        }

        // Step 4 and 5: patronage.
        let mut unallocated = 0;
        if pool > 0 {
            let (parts, mix, anybody) = share_patronage(rules, &prep, &order, pool)?;
            if anybody {
                patr = parts;
                out.mix_pools = mix.map(|m| m.map(from_cents));
            } else {
                unallocated = pool;
            }
        }
        // Step 6: cash (rounded up) and retained.
        for (c, &p) in cash.iter_mut().zip(&patr) {
            *c = ceil_rate(rules.cash_min_rate, p)?;
        }
        out.unallocated_to_reserve = from_cents(unallocated);
        out.reserve = from_cents(reserve0 + moved + unallocated);
        out.share_return_total = from_cents(sr);
        out.patronage_total = from_cents(pool - unallocated);
    }

    out.members = prep
        .iter()
        .enumerate()
        .map(|(i, p)| MemberAllocation {
            member: p.input.member.clone(),
            share_return: from_cents(share[i]),
            patronage: from_cents(patr[i]),
            cash: from_cents(cash[i]),
            retained: from_cents(patr[i] - cash[i]),
            total: from_cents(share[i] + patr[i]),
        })
        .collect();
    Ok(out)
}

fn ratio(num_cents: i128, l: i128) -> Decimal {
    // num / l cents, to 6 decimals of the currency unit (display only).
    let micro = (num_cents * 10_000) / l.max(1);
    Decimal::try_from_i128_with_scale(micro, 6)
        .map(|d| d.normalize())
        .unwrap_or(Decimal::ZERO)
}

fn basis_totals(prep: &[Prepared<'_>]) -> BasisTotals {
    let mut t = BasisTotals::default();
    for p in prep.iter().filter(|p| p.eligible) {
        t.hours += p.coef * p.input.hours;
        t.wages += p.coef * p.input.wages.unwrap_or(Decimal::ZERO);
        t.equal += p.coef;
    }
    t.hours = t.hours.normalize();
    t.wages = t.wages.normalize();
    t.equal = t.equal.normalize();
    t
}

// ---------------------------------------------------------------------------
// formatting and explanations

/// Groups the integer digits by thousands: `1234567.5` → `1,234,567.5`.
pub fn group_thousands(d: Decimal) -> String {
    let s = d.abs().to_string();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut g = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            g.push(',');
        }
        g.push(ch);
    }
    let neg = d.is_sign_negative() && !d.is_zero();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&g);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// Money with two decimals, grouped, with the currency symbol in front:
/// `money(-1234.5, "€")` → `-€1,234.50`.
pub fn money(d: Decimal, currency: &str) -> String {
    let mut x = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    x.rescale(2);
    let g = group_thousands(x);
    match g.strip_prefix('-') {
        Some(rest) => format!("-{currency}{rest}"),
        None => format!("{currency}{g}"),
    }
}

fn qty(d: Decimal) -> String {
    group_thousands(d.normalize())
}

fn pct(d: Decimal) -> String {
    format!("{} %", (d * Decimal::from(100)).normalize())
}

/// A one-line worked explanation of one member's figures, e.g.
/// `Albert: 1,607 h of 4,821 h × €50,000.00 = €16,666.67`, followed by the
/// share return and the cash/retained split when there are any. `currency`
/// is the symbol put in front of amounts. `None` if the member is unknown.
pub fn explain(alloc: &Allocation, member: &str, currency: &str) -> Option<String> {
    let i = alloc.members.iter().position(|m| m.member == member)?;
    let line = &alloc.members[i];
    let d = &alloc.details[i];
    let m = |x: Decimal| money(x, currency);
    let mut s = format!("{}: ", line.member);
    let coef = |base: String| {
        if d.coefficient == Decimal::ONE {
            base
        } else {
            format!("{base} × {}", qty(d.coefficient))
        }
    };
    let weighted = if alloc
        .details
        .iter()
        .any(|x| x.eligible && x.coefficient != Decimal::ONE)
    {
        "weighted "
    } else {
        ""
    };
    let pool = alloc.patronage_total;
    if !d.eligible && !line.patronage.is_zero() {
        // Not possible; kept for safety.
        let _ = write!(s, "patronage {}", m(line.patronage));
    } else if !d.eligible {
        let _ = write!(
            s,
            "no patronage ({})",
            d.ineligible_reason.as_deref().unwrap_or("not eligible")
        );
    } else if pool.is_zero() && alloc.unallocated_to_reserve.is_zero() {
        let _ = write!(s, "no patronage pool this year");
    } else {
        let hours_part = |pool: Decimal| {
            format!(
                "{} of {} {weighted}h × {}",
                coef(format!("{} h", qty(d.hours))),
                qty(alloc.basis_totals.hours),
                m(pool)
            )
        };
        let wages_part = |pool: Decimal| {
            format!(
                "{} of {} {weighted}wages × {}",
                coef(m(d.wages.unwrap_or_default())),
                m(alloc.basis_totals.wages),
                m(pool)
            )
        };
        let equal_part = |pool: Decimal| {
            format!(
                "{} of {} {weighted}equal shares × {}",
                coef("1".to_string()),
                qty(alloc.basis_totals.equal),
                m(pool)
            )
        };
        let body = match (alloc.basis, alloc.mix_pools) {
            (PatronageBasis::Hours, _) => hours_part(pool),
            (PatronageBasis::Wages, _) => wages_part(pool),
            (PatronageBasis::Equal, _) => equal_part(pool),
            (PatronageBasis::Mix, Some([h, w, e])) => {
                let mut parts = Vec::new();
                if !h.is_zero() {
                    parts.push(format!("hours: {}", hours_part(h)));
                }
                if !w.is_zero() {
                    parts.push(format!("wages: {}", wages_part(w)));
                }
                if !e.is_zero() {
                    parts.push(format!("equal: {}", equal_part(e)));
                }
                parts.join(" + ")
            }
            (PatronageBasis::Mix, None) => String::from("mix"),
        };
        let _ = write!(s, "{body} = {}", m(line.patronage));
        if alloc.loss_year {
            let _ = write!(s, " (loss charged to the capital account)");
        }
    }
    if !line.share_return.is_zero() {
        let _ = write!(s, "; shares: ");
        match (alloc.share_return_rate, alloc.share_return_limit) {
            (Some(rate), ShareReturnLimit::Rate) => {
                let _ = write!(s, "{} × {}", m(d.eligible_capital), pct(rate));
            }
            _ => {
                let _ = write!(
                    s,
                    "{} of {} capital × {}",
                    m(d.eligible_capital),
                    m(alloc.eligible_capital_total),
                    m(alloc.share_return_total)
                );
            }
        }
        let _ = write!(s, " = {}", m(line.share_return));
    }
    if !line.patronage.is_zero() && !alloc.loss_year {
        let _ = write!(s, "; cash {}, retained {}", m(line.cash), m(line.retained));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{LossTo, Preset};
    use rust_decimal_macros::dec;

    fn m(id: &str, hours: Decimal, capital: Decimal) -> MemberInput {
        MemberInput::new(id, hours, capital)
    }

    fn line<'a>(a: &'a Allocation, id: &str) -> &'a MemberAllocation {
        a.members.iter().find(|x| x.member == id).unwrap()
    }

    /// (share_return, patronage, cash, retained, total) of every member, in order.
    fn lines(a: &Allocation) -> Vec<(&str, [Decimal; 5])> {
        a.members
            .iter()
            .map(|x| {
                (
                    x.member.as_str(),
                    [x.share_return, x.patronage, x.cash, x.retained, x.total],
                )
            })
            .collect()
    }

    fn check_sums(a: &Allocation) {
        assert_eq!(a.reserve + a.share_return_total + a.patronage_total, a.surplus);
        let sr: Decimal = a.members.iter().map(|x| x.share_return).sum();
        let p: Decimal = a.members.iter().map(|x| x.patronage).sum();
        assert_eq!(sr, a.share_return_total);
        assert_eq!(p, a.patronage_total);
        for x in &a.members {
            assert_eq!(x.cash + x.retained, x.patronage);
            assert_eq!(x.share_return + x.patronage, x.total);
        }
        assert_eq!(
            a.reserve,
            a.reserve_statutory + a.held_back_to_reserve + a.unallocated_to_reserve
        );
    }

    #[test]
    fn largest_remainder_100_among_3() {
        let w = [
            (MemberKey("3".into()), dec!(1)),
            (MemberKey("1".into()), dec!(1)),
            (MemberKey("2".into()), dec!(1)),
        ];
        let parts = largest_remainder(dec!(100.00), &w).unwrap();
        // Input order is 3, 1, 2: the extra cent goes to member 1.
        assert_eq!(parts, vec![dec!(33.33), dec!(33.34), dec!(33.33)]);
        let neg = largest_remainder(dec!(-100.00), &w).unwrap();
        assert_eq!(neg, vec![dec!(-33.33), dec!(-33.34), dec!(-33.33)]);
        // Two leftover cents: members 1 and 2.
        let parts = largest_remainder(dec!(0.02), &w).unwrap();
        assert_eq!(parts, vec![dec!(0.00), dec!(0.01), dec!(0.01)]);
    }

    #[test]
    fn largest_remainder_largest_remainders_first() {
        // 10.00 × 1/7 = 1.428…, × 2/7 = 2.857…, × 4/7 = 5.714…
        // floors 1.42 + 2.85 + 5.71 = 9.98; remainders .857, .714, .286
        let w = [("a", dec!(1)), ("b", dec!(2)), ("c", dec!(4))];
        let parts = largest_remainder(dec!(10.00), &w).unwrap();
        assert_eq!(parts, vec![dec!(1.43), dec!(2.86), dec!(5.71)]);
        // Decimal weights with different scales.
        let w = [(1, dec!(0.5)), (2, dec!(0.25)), (3, dec!(0.25))];
        assert_eq!(
            largest_remainder(dec!(0.03), &w).unwrap(),
            // 0.015, 0.0075, 0.0075: floors 0.01, 0, 0; remainders .5, .75, .75.
            vec![dec!(0.01), dec!(0.01), dec!(0.01)]
        );
    }

    #[test]
    fn largest_remainder_errors() {
        assert_eq!(
            largest_remainder(dec!(1.005), &[(1, dec!(1))]),
            Err(AllocationError::PoolNotCents(dec!(1.005)))
        );
        assert!(matches!(
            largest_remainder(dec!(1), &[(1, dec!(1)), (2, dec!(-1))]),
            Err(AllocationError::Weight { index: 1, .. })
        ));
        assert_eq!(
            largest_remainder(dec!(1), &[(1, dec!(0))]),
            Err(AllocationError::NoWeights(dec!(1)))
        );
        assert_eq!(largest_remainder(dec!(0), &[(1, dec!(0))]).unwrap(), vec![dec!(0)]);
        assert_eq!(largest_remainder::<u8>(dec!(0), &[]).unwrap(), vec![]);
    }

    #[test]
    fn member_key_order() {
        let mut ids: Vec<MemberKey> = ["b", "10", "A", "9", "009", "a10", "0"]
            .iter()
            .map(|s| MemberKey(s.to_string()))
            .collect();
        ids.sort();
        let got: Vec<&str> = ids.iter().map(|k| k.0.as_str()).collect();
        assert_eq!(got, ["0", "009", "9", "10", "A", "a10", "b"]);
    }

    /// SCOP, interest on shares capped by the reserve (art. 33), a member
    /// with no shares, a member who left in the year and is not eligible.
    fn scop_members() -> Vec<MemberInput> {
        vec![
            MemberInput {
                months_present: Some(dec!(12)),
                seniority_years: Some(dec!(5)),
                ..m("1", dec!(1607), dec!(200000.00))
            },
            MemberInput {
                seniority_years: Some(dec!(15)),
                ..m("2", dec!(1607), dec!(100000.00))
            },
            // No shares; 6 months of presence.
            MemberInput {
                months_present: Some(dec!(6)),
                seniority_years: Some(dec!(0.5)),
                ..m("3", dec!(800), dec!(0))
            },
            // Left after 73 days: 50,000 × 73/365 = 10,000 eligible capital;
            // 2.4 months of presence and 3 months of seniority: not eligible
            // for the part travail.
            MemberInput {
                capital: EligibleCapital::Held {
                    capital: dec!(50000.00),
                    days_held: 73,
                    days_in_year: 365,
                },
                months_present: Some(dec!(2.4)),
                seniority_years: Some(dec!(0.25)),
                ..m("4", dec!(400), dec!(0))
            },
        ]
    }

    #[test]
    fn scop_interest_capped_by_the_reserve() {
        let rules = RuleSet {
            share_return_rate: Some(dec!(0.05)),
            ..RuleSet::preset(Preset::ScopFr)
        };
        let a = allocate(dec!(40000.00), &rules, &scop_members()).unwrap();
        check_sums(&a);
        // Reserve 15 % = 6,000.00; available 34,000.00.
        assert_eq!(a.reserve, dec!(6000.00));
        // Nominal 5 % × (200,000 + 100,000 + 0 + 10,000) = 15,500.00,
        // capped at the reserve: 6,000.00; held back 9,500 stays in patronage.
        assert_eq!(a.share_return_nominal, dec!(15500.00));
        assert_eq!(a.share_return_limit, ShareReturnLimit::Reserve);
        assert_eq!(a.share_return_total, dec!(6000.00));
        assert_eq!(a.share_return_held_back, dec!(9500.00));
        assert_eq!(a.held_back_to_reserve, dec!(0.00));
        assert_eq!(a.patronage_total, dec!(28000.00));
        // 6,000 × 200/310 = 3,870.967…, × 100/310 = 1,935.483…, × 10/310 = 193.548…
        // floors leave 2 cents: remainders .839 (4) and .774 (1) win.
        // 28,000 × 1,607/4,014 = 11,209.7658… (×2), × 800/4,014 = 5,580.4683…
        // floors leave 2 cents: .836 (3), then .58 tie between 1 and 2 → 1.
        assert_eq!(
            lines(&a),
            vec![
                (
                    "1",
                    [dec!(3870.97), dec!(11209.77), dec!(0), dec!(11209.77), dec!(15080.74)]
                ),
                (
                    "2",
                    [dec!(1935.48), dec!(11209.76), dec!(0), dec!(11209.76), dec!(13145.24)]
                ),
                ("3", [dec!(0), dec!(5580.47), dec!(0), dec!(5580.47), dec!(5580.47)]),
                ("4", [dec!(193.55), dec!(0), dec!(0), dec!(0), dec!(193.55)]),
            ]
        );
        assert_eq!(
            explain(&a, "4", "€").unwrap(),
            "4: no patronage (fewer than 3 months of presence and fewer than 6 months of seniority); \
             shares: €10,000.00 of €310,000.00 capital × €6,000.00 = €193.55"
        );
    }

    #[test]
    fn scop_interest_capped_by_the_part_travail_with_seniority() {
        let rules = RuleSet {
            share_return_rate: Some(dec!(0.05)),
            share_return_max_of_reserve: false,
            share_return_excess: ExcessTo::Reserve,
            seniority_rate: dec!(0.1),
            ..RuleSet::preset(Preset::ScopFr)
        };
        let a = allocate(dec!(20000.00), &rules, &scop_members()).unwrap();
        check_sums(&a);
        // Reserve 3,000; available 17,000; interest ≤ part travail → ≤ 8,500.
        assert_eq!(a.reserve_statutory, dec!(3000.00));
        assert_eq!(a.share_return_limit, ShareReturnLimit::PatronagePool);
        assert_eq!(a.share_return_total, dec!(8500.00));
        assert_eq!(a.share_return_held_back, dec!(7000.00));
        // The held-back 7,000 cannot go to the reserve: the part travail
        // would fall below the interest.
        assert_eq!(a.held_back_to_reserve, dec!(0.00));
        assert_eq!(a.reserve, dec!(3000.00));
        assert_eq!(a.patronage_total, dec!(8500.00));
        // Coefficients: 1 + 0.1 × 5 = 1.5; 1 + 0.1 × 15 = 2.5 → cap 2;
        // 1 + 0.1 × 0.5 = 1.05. Weights 2,410.5 + 3,214 + 840 = 6,464.5.
        // 8,500 × 2,410.5/6,464.5 = 3,169.502…, × 3,214/… = 4,226.003…,
        // × 840/… = 1,104.494… → floors 8,499.99, one cent to 3 (.494 → .5).
        assert_eq!(
            lines(&a),
            vec![
                (
                    "1",
                    [dec!(5483.87), dec!(3169.50), dec!(0), dec!(3169.50), dec!(8653.37)]
                ),
                (
                    "2",
                    [dec!(2741.94), dec!(4226.00), dec!(0), dec!(4226.00), dec!(6967.94)]
                ),
                ("3", [dec!(0), dec!(1104.50), dec!(0), dec!(1104.50), dec!(1104.50)]),
                ("4", [dec!(274.19), dec!(0), dec!(0), dec!(0), dec!(274.19)]),
            ]
        );
        assert_eq!(
            explain(&a, "2", "€").unwrap(),
            "2: 1,607 h × 2 of 6,464.5 weighted h × €8,500.00 = €4,226.00; \
             shares: €100,000.00 of €310,000.00 capital × €8,500.00 = €2,741.94; \
             cash €0.00, retained €4,226.00"
        );
    }

    #[test]
    fn scop_loss_year_goes_to_the_reserve() {
        let a = allocate(dec!(-5000.00), &RuleSet::preset(Preset::ScopFr), &scop_members()).unwrap();
        check_sums(&a);
        assert!(a.loss_year);
        assert_eq!(a.reserve, dec!(-5000.00));
        assert!(a.members.iter().all(|x| x.total.is_zero()));
    }

    /// US worker co-op: the cap on share returns binds (5 % of surplus) and
    /// what it holds back goes to the reserve; reserve rounded up; three
    /// equal patrons (the cents go to members 1 and 2); a member with no
    /// hours; a member with no shares; 20 % cash rounded up.
    #[test]
    fn us_worker_cap_binds_held_back_to_reserve() {
        let rules = RuleSet::from_toml(
            r#"
            preset = "us_worker"
            share_return_rate = "0.08"
            share_return_max_of_surplus = "0.05"
            share_return_excess = "reserve"
            "#,
        )
        .unwrap();
        let members = vec![
            m("4", dec!(0), dec!(1000.00)),
            m("3", dec!(1000), dec!(0)),
            m("2", dec!(1000), dec!(2500.00)),
            m("1", dec!(1000), dec!(5000.00)),
        ];
        let a = allocate(dec!(10000.01), &rules, &members).unwrap();
        check_sums(&a);
        // 30 % × 10,000.01 = 3,000.003 → rounded up to 3,000.01.
        assert_eq!(a.reserve_statutory, dec!(3000.01));
        // 8 % × (5,000 + 2,500 + 0 + 1,000) = 680.00; 5 % × 10,000.01 = 500.0005 → 500.00.
        assert_eq!(a.share_return_nominal, dec!(680.00));
        assert_eq!(a.share_return_limit, ShareReturnLimit::MaxOfSurplus);
        assert_eq!(a.share_return_total, dec!(500.00));
        assert_eq!(a.share_return_held_back, dec!(180.00));
        assert_eq!(a.held_back_to_reserve, dec!(180.00));
        assert_eq!(a.reserve, dec!(3180.01));
        // 10,000.01 − 3,000.01 − 500 − 180 = 6,320.00 → 2,106.666… each.
        assert_eq!(a.patronage_total, dec!(6320.00));
        // Share returns 500 × 10/17, 5/17, 2/17 = 294.117…, 147.058…, 58.823…
        // floors 499.98; remainders .647, .823, .294 → cents to 2 and 1.
        // Cash 20 % of 2,106.67 = 421.334 → 421.34; of 2,106.66 = 421.332 → 421.34.
        assert_eq!(
            lines(&a),
            vec![
                (
                    "1",
                    [dec!(294.12), dec!(2106.67), dec!(421.34), dec!(1685.33), dec!(2400.79)]
                ),
                (
                    "2",
                    [dec!(147.06), dec!(2106.67), dec!(421.34), dec!(1685.33), dec!(2253.73)]
                ),
                (
                    "3",
                    [dec!(0), dec!(2106.66), dec!(421.34), dec!(1685.32), dec!(2106.66)]
                ),
                ("4", [dec!(58.82), dec!(0), dec!(0), dec!(0), dec!(58.82)]),
            ]
        );
        assert_eq!(
            explain(&a, "3", "$").unwrap(),
            "3: 1,000 h of 3,000 h × $6,320.00 = $2,106.66; cash $421.34, retained $1,685.32"
        );
    }

    #[test]
    fn us_worker_loss_to_member_accounts() {
        let members = vec![
            m("1", dec!(1000), dec!(5000)),
            m("2", dec!(1000), dec!(0)),
            m("3", dec!(1000), dec!(0)),
            m("4", dec!(0), dec!(0)),
        ];
        let a = allocate(dec!(-1000.00), &RuleSet::preset(Preset::UsWorker), &members).unwrap();
        check_sums(&a);
        assert_eq!(a.reserve, dec!(0.00));
        assert_eq!(a.patronage_total, dec!(-1000.00));
        assert_eq!(
            lines(&a),
            vec![
                ("1", [dec!(0), dec!(-333.34), dec!(0), dec!(-333.34), dec!(-333.34)]),
                ("2", [dec!(0), dec!(-333.33), dec!(0), dec!(-333.33), dec!(-333.33)]),
                ("3", [dec!(0), dec!(-333.33), dec!(0), dec!(-333.33), dec!(-333.33)]),
                ("4", [dec!(0); 5]),
            ]
        );
        // Nobody with hours: the loss stays with the reserve.
        let a = allocate(
            dec!(-10.00),
            &RuleSet::preset(Preset::UsWorker),
            &[m("1", dec!(0), dec!(10))],
        )
        .unwrap();
        check_sums(&a);
        assert_eq!(a.reserve, dec!(-10.00));
        assert_eq!(a.unallocated_to_reserve, dec!(-10.00));
    }

    /// Canada: 4 % on shares (rate limit binds for everyone), a member who
    /// held capital half the year, a member number 10 after 3, a member
    /// without hours.
    #[test]
    fn canada_rate_limit_and_partial_year() {
        let rules = RuleSet {
            share_return_rate: Some(dec!(0.04)),
            ..RuleSet::preset(Preset::CaFederal)
        };
        let members = vec![
            m("10", dec!(0), dec!(5000.00)),
            m("1", dec!(1607), dec!(10000.00)),
            MemberInput {
                capital: EligibleCapital::Held {
                    capital: dec!(10000.00),
                    days_held: 182,
                    days_in_year: 365,
                },
                ..m("2", dec!(1607), dec!(0))
            },
            m("3", dec!(1607), dec!(0)),
        ];
        let a = allocate(dec!(50000.00), &rules, &members).unwrap();
        check_sums(&a);
        assert_eq!(a.reserve, dec!(5000.00));
        // 4 % × 10,000 = 400; 4 % × 10,000 × 182/365 = 199.452… → 199.45;
        // 4 % × 5,000 = 200.
        assert_eq!(a.share_return_limit, ShareReturnLimit::Rate);
        assert_eq!(a.share_return_total, dec!(799.45));
        // 50,000 − 5,000 − 799.45 = 44,200.55 → 14,733.516… each of 3.
        assert_eq!(a.patronage_total, dec!(44200.55));
        assert_eq!(
            lines(&a),
            vec![
                (
                    "1",
                    [dec!(400.00), dec!(14733.52), dec!(0), dec!(14733.52), dec!(15133.52)]
                ),
                (
                    "2",
                    [dec!(199.45), dec!(14733.52), dec!(0), dec!(14733.52), dec!(14932.97)]
                ),
                ("3", [dec!(0), dec!(14733.51), dec!(0), dec!(14733.51), dec!(14733.51)]),
                ("10", [dec!(200.00), dec!(0), dec!(0), dec!(0), dec!(200.00)]),
            ]
        );
        assert_eq!(
            explain(&a, "1", "$").unwrap(),
            "1: 1,607 h of 4,821 h × $44,200.55 = $14,733.52; shares: $10,000.00 × 4 % = $400.00; \
             cash $0.00, retained $14,733.52"
        );
    }

    /// Québec: the reserve is taken after the return on shares (art. 143,
    /// 146); rebates by a 60 % hours / 40 % wages mix (art. 224.7).
    #[test]
    fn quebec_reserve_after_share_return_and_mix() {
        let rules = RuleSet::from_toml(
            r#"
            preset = "qc_worker"
            share_return_rate = "0.05"
            patronage_basis = "mix"
            patronage_weights = { hours = "0.6", wages = "0.4", equal = "0" }
            "#,
        )
        .unwrap();
        let wages = |x: MemberInput, w: Decimal| MemberInput { wages: Some(w), ..x };
        let members = vec![
            wages(m("1", dec!(1800), dec!(2000)), dec!(60000)),
            wages(m("2", dec!(1200), dec!(2000)), dec!(30000)),
            wages(m("3", dec!(600), dec!(0)), dec!(11000)),
        ];
        let a = allocate(dec!(30000.00), &rules, &members).unwrap();
        check_sums(&a);
        // Shares 5 % × 2,000 × 2 = 200; reserve 20 % × 29,800 = 5,960.
        assert_eq!(a.share_return_total, dec!(200.00));
        assert_eq!(a.reserve, dec!(5960.00));
        assert_eq!(a.patronage_total, dec!(23840.00));
        // Hours part 14,304.00: 7,152 / 4,768 / 2,384.
        // Wages part 9,536.00 × 60/101, 30/101, 11/101 = 5,664.950…, 2,832.475…,
        // 1,038.574… → one cent to member 2.
        assert_eq!(a.mix_pools, Some([dec!(14304.00), dec!(9536.00), dec!(0.00)]));
        assert_eq!(
            lines(&a),
            vec![
                (
                    "1",
                    [dec!(100), dec!(12816.95), dec!(0), dec!(12816.95), dec!(12916.95)]
                ),
                ("2", [dec!(100), dec!(7600.48), dec!(0), dec!(7600.48), dec!(7700.48)]),
                ("3", [dec!(0), dec!(3422.57), dec!(0), dec!(3422.57), dec!(3422.57)]),
            ]
        );
        let e = explain(&a, "3", "$").unwrap();
        assert!(e.starts_with("3: hours: 600 h of 3,600 h × $14,304.00 + wages: $11,000.00 of $101,000.00 wages × $9,536.00 = $3,422.57"), "{e}");
    }

    #[test]
    fn capped_sharing_never_exceeds_a_members_cap() {
        // Caps 10.00 (1,000.99 × 1 %) and 0.00 (0.99 × 1 %); another cap
        // brings the pool to 9.99: the leftover cent would go to member 2 by
        // remainder, but member 2 is at its cap.
        let rules = RuleSet {
            share_return_rate: Some(dec!(0.01)),
            share_return_max_of_surplus: Some(dec!(0.000999)),
            ..RuleSet::default()
        };
        let members = [m("1", dec!(1), dec!(1000.99)), m("2", dec!(1), dec!(0.99))];
        let a = allocate(dec!(10000.00), &rules, &members).unwrap();
        check_sums(&a);
        assert_eq!(a.share_return_total, dec!(9.99));
        assert_eq!(line(&a, "1").share_return, dec!(9.99));
        assert_eq!(line(&a, "2").share_return, dec!(0.00));
    }

    #[test]
    fn no_limit_no_return_on_shares_and_empty_pools() {
        let a = allocate(dec!(100), &RuleSet::default(), &[m("1", dec!(0), dec!(100))]).unwrap();
        check_sums(&a);
        assert_eq!(a.share_return_total, dec!(0));
        assert_eq!(a.share_return_limit, ShareReturnLimit::None);
        // Nobody has hours: the pool goes to the reserve.
        assert_eq!(a.unallocated_to_reserve, dec!(100.00));
        assert_eq!(a.reserve, dec!(100.00));
        let a = allocate(dec!(100), &RuleSet::default(), &[]).unwrap();
        check_sums(&a);
        let a = allocate(dec!(0), &RuleSet::preset(Preset::UsWorker), &[m("1", dec!(5), dec!(1))]).unwrap();
        check_sums(&a);
        assert!(a.members[0].total.is_zero());
    }

    #[test]
    fn input_errors_are_typed() {
        let r = RuleSet::default();
        let err_field = |ms: &[MemberInput]| match allocate(dec!(10), &r, ms) {
            Err(AllocationError::Member { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(err_field(&[m("1", dec!(-1), dec!(0))]), "hours");
        assert_eq!(err_field(&[m("1", dec!(1), dec!(-5))]), "capital");
        assert_eq!(err_field(&[m("1", dec!(1), dec!(0.001))]), "capital");
        assert_eq!(err_field(&[m("1", dec!(1.005), dec!(0))]), "hours");
        assert_eq!(
            err_field(&[m("1", dec!(1), dec!(0)), m("1", dec!(1), dec!(0))]),
            "member"
        );
        assert_eq!(err_field(&[m("", dec!(1), dec!(0))]), "member");
        let held = MemberInput {
            capital: EligibleCapital::Held {
                capital: dec!(1),
                days_held: 400,
                days_in_year: 365,
            },
            ..m("1", dec!(1), dec!(0))
        };
        assert_eq!(err_field(&[held]), "capital_days");
        let wages_rules = RuleSet {
            patronage_basis: PatronageBasis::Wages,
            ..RuleSet::default()
        };
        assert!(matches!(
            allocate(dec!(10), &wages_rules, &[m("1", dec!(1), dec!(0))]),
            Err(AllocationError::Member { field: "wages", .. })
        ));
        assert!(matches!(
            allocate(dec!(10.001), &r, &[]),
            Err(AllocationError::Surplus(_))
        ));
        let bad = RuleSet {
            cash_min_rate: dec!(1.2),
            ..RuleSet::default()
        };
        assert!(matches!(
            allocate(dec!(10), &bad, &[]),
            Err(AllocationError::Rules(RulesError::Invalid { .. }))
        ));
    }

    #[test]
    fn reserve_floor_and_patronage_floor() {
        let rules = RuleSet {
            reserve_rate: dec!(0.1),
            reserve_floor: dec!(500),
            patronage_min_of_surplus: dec!(0.8),
            share_return_rate: Some(dec!(1)),
            ..RuleSet::default()
        };
        let ms = [m("1", dec!(1), dec!(100000))];
        // Floor 500 would leave 500 < 80 % of 1,000: the reserve yields to the
        // patronage floor (200), and the share return gets nothing.
        let a = allocate(dec!(1000), &rules, &ms).unwrap();
        check_sums(&a);
        assert_eq!(a.reserve, dec!(200.00));
        assert_eq!(a.share_return_total, dec!(0.00));
        assert_eq!(a.share_return_limit, ShareReturnLimit::PatronageFloor);
        assert_eq!(a.patronage_total, dec!(800.00));
        let a = allocate(dec!(100000), &rules, &ms).unwrap();
        check_sums(&a);
        assert_eq!(a.reserve, dec!(10000.00));
        assert_eq!(a.share_return_total, dec!(10000.00));
        assert_eq!(a.patronage_total, dec!(80000.00));
    }

    #[test]
    fn loss_to_members_is_not_paid_in_cash() {
        let rules = RuleSet {
            loss_to: LossTo::Members,
            cash_min_rate: dec!(0.5),
            ..RuleSet::default()
        };
        let a = allocate(
            dec!(-0.01),
            &rules,
            &[m("1", dec!(1), dec!(0)), m("2", dec!(1), dec!(0))],
        )
        .unwrap();
        check_sums(&a);
        assert_eq!(line(&a, "1").retained, dec!(-0.01));
        assert_eq!(line(&a, "2").retained, dec!(0.00));
        assert!(a.members.iter().all(|x| x.cash.is_zero()));
    }

    #[test]
    fn money_formatting() {
        assert_eq!(money(dec!(1234567.5), "€"), "€1,234,567.50");
        assert_eq!(money(dec!(-1234.5), "$"), "-$1,234.50");
        assert_eq!(money(dec!(0), ""), "0.00");
        assert_eq!(money(dec!(999), ""), "999.00");
        assert_eq!(group_thousands(dec!(4821)), "4,821");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn cents(max: i64) -> impl Strategy<Value = Decimal> {
            (0..=max).prop_map(|c| Decimal::new(c, 2))
        }

        fn rate_in(max_pct: i64) -> impl Strategy<Value = Decimal> {
            (0..=max_pct * 100).prop_map(|x| Decimal::new(x, 4))
        }

        prop_compose! {
            fn member(i: usize)(
                numeric in any::<bool>(),
                hours in cents(300_000),
                wages in cents(10_000_000),
                capital in cents(5_000_000),
                held in proptest::option::of((0u32..=366, prop_oneof![Just(365u32), Just(366u32)])),
                months in proptest::option::of(0i64..=1200),
                seniority in proptest::option::of(0i64..=4000),
            ) -> MemberInput {
                let id = if numeric { format!("{}", i * 7 % 101) } else { format!("m{i}") };
                MemberInput {
                    member: format!("{id}-{i}").replace("-", if numeric { "0" } else { "_" }),
                    hours,
                    wages: Some(wages),
                    capital: match held {
                        Some((d, y)) => EligibleCapital::Held { capital, days_held: d.min(y), days_in_year: y },
                        None => EligibleCapital::Average(capital),
                    },
                    months_present: months.map(|x| Decimal::new(x, 2)),
                    seniority_years: seniority.map(|x| Decimal::new(x, 2)),
                }
            }
        }

        fn members_from(min: usize) -> impl Strategy<Value = Vec<MemberInput>> {
            (min..12).prop_flat_map(|n| (0..n).map(member).collect::<Vec<_>>())
        }

        fn members() -> impl Strategy<Value = Vec<MemberInput>> {
            members_from(0)
        }

        prop_compose! {
            fn rules()(
                reserve_rate in rate_in(60),
                reserve_floor in prop_oneof![Just(Decimal::ZERO), cents(2_000_000)],
                after in any::<bool>(),
                rate in proptest::option::of(rate_in(20)),
                max_surplus in proptest::option::of(rate_in(50)),
                cap_pat in any::<bool>(),
                cap_res in any::<bool>(),
                excess_res in any::<bool>(),
                pmin in rate_in(40),
                basis in 0u8..4,
                mix in (0i64..=100, 0i64..=100),
                min_hours in proptest::option::of(cents(100_000)),
                min_months in proptest::option::of(0i64..=12),
                seniority_rate in rate_in(20),
                seniority_cap in 100i64..=300,
                cash in rate_in(100),
                loss_members in any::<bool>(),
            ) -> RuleSet {
                let (a, b) = (mix.0.min(mix.1), mix.0.max(mix.1));
                let weights = MixWeights {
                    hours: Decimal::new(a, 2),
                    wages: Decimal::new(b - a, 2),
                    equal: Decimal::new(100 - b, 2),
                };
                let basis = [PatronageBasis::Hours, PatronageBasis::Wages, PatronageBasis::Equal, PatronageBasis::Mix][basis as usize];
                RuleSet {
                    preset: None,
                    loss_to: if loss_members { LossTo::Members } else { LossTo::Reserve },
                    reserve_rate,
                    reserve_min_rate: Decimal::ZERO,
                    reserve_floor,
                    reserve_base: if after { ReserveBase::AfterShareReturn } else { ReserveBase::Surplus },
                    share_return_rate: rate,
                    share_return_max_of_surplus: max_surplus,
                    share_return_max_of_patronage: cap_pat && !after,
                    share_return_max_of_reserve: cap_res && !after,
                    share_return_excess: if excess_res { ExcessTo::Reserve } else { ExcessTo::Patronage },
                    patronage_min_of_surplus: if after { Decimal::ZERO } else { pmin },
                    patronage_basis: basis,
                    patronage_weights: (basis == PatronageBasis::Mix).then_some(weights),
                    min_hours,
                    min_months: min_months.map(Decimal::from),
                    min_seniority_months: None,
                    seniority_rate,
                    seniority_cap: Decimal::new(seniority_cap, 2),
                    cash_min_rate: cash,
                    revolving_years: None,
                }
            }
        }

        fn surplus() -> impl Strategy<Value = Decimal> {
            prop_oneof![
                1 => (-100_000_000i64..=0).prop_map(|c| Decimal::new(c, 2)),
                4 => (0i64..=1_000_000_000).prop_map(|c| Decimal::new(c, 2)),
            ]
        }

        /// Exact eligible capital × rate as a fraction (num, den).
        fn cap_bound(m: &MemberInput, rate: Decimal) -> (Decimal, Decimal) {
            match m.capital {
                EligibleCapital::Average(c) => (c * rate, Decimal::ONE),
                EligibleCapital::Held {
                    capital,
                    days_held,
                    days_in_year,
                } => (capital * rate * Decimal::from(days_held), Decimal::from(days_in_year)),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
                ..ProptestConfig::default()
            })]

            #[test]
            fn parts_add_up_and_caps_hold(s in surplus(), r in rules(), ms in members()) {
                prop_assume!(r.validate().is_ok());
                let a = allocate(s, &r, &ms).unwrap();
                // reserve + share returns + patronage = surplus, exactly.
                prop_assert_eq!(a.reserve + a.share_return_total + a.patronage_total, s);
                let sr: Decimal = a.members.iter().map(|x| x.share_return).sum();
                let p: Decimal = a.members.iter().map(|x| x.patronage).sum();
                prop_assert_eq!(sr, a.share_return_total);
                prop_assert_eq!(p, a.patronage_total);
                prop_assert_eq!(a.reserve, a.reserve_statutory + a.held_back_to_reserve + a.unallocated_to_reserve);
                for (x, d) in a.members.iter().zip(&a.details) {
                    prop_assert_eq!(x.cash + x.retained, x.patronage);
                    prop_assert_eq!(x.share_return + x.patronage, x.total);
                    prop_assert!(x.share_return >= Decimal::ZERO);
                    if s > Decimal::ZERO {
                        prop_assert!(x.patronage >= Decimal::ZERO);
                        prop_assert!(x.cash >= r.cash_min_rate * x.patronage);
                        prop_assert!(x.cash <= x.patronage);
                        prop_assert!(d.eligible || x.patronage.is_zero());
                    } else {
                        prop_assert!(x.patronage <= Decimal::ZERO);
                        prop_assert!(x.cash.is_zero());
                    }
                    // Money values are cents.
                    for v in [x.share_return, x.patronage, x.cash, x.retained] {
                        prop_assert!(v.normalize().scale() <= 2);
                    }
                }
                if s > Decimal::ZERO {
                    prop_assert!(a.reserve >= Decimal::ZERO);
                    prop_assert!(a.patronage_total >= Decimal::ZERO);
                    // Reserve at least the rate, unless the patronage floor prevents it.
                    let pfloor = r.patronage_min_of_surplus * s;
                    if r.reserve_base == ReserveBase::Surplus {
                        prop_assert!(a.reserve_statutory >= (r.reserve_rate * s).min(s - pfloor) - dec!(0.01));
                        prop_assert!(a.patronage_total + a.unallocated_to_reserve >= pfloor);
                    }
                    if let Some(m) = r.share_return_max_of_surplus {
                        prop_assert!(a.share_return_total <= m * s);
                    }
                    if r.share_return_max_of_reserve {
                        prop_assert!(a.share_return_total <= a.reserve_statutory);
                    }
                    if r.share_return_max_of_patronage {
                        prop_assert!(a.share_return_total <= a.patronage_total + a.unallocated_to_reserve);
                    }
                } else {
                    prop_assert!(a.share_return_total.is_zero());
                }
                // No member's share return exceeds rate × eligible capital.
                let by_id: std::collections::HashMap<&str, &MemberInput> =
                    ms.iter().map(|x| (x.member.as_str(), x)).collect();
                for x in &a.members {
                    match r.share_return_rate {
                        Some(rate) => {
                            let (num, den) = cap_bound(by_id[x.member.as_str()], rate);
                            prop_assert!(x.share_return * den <= num, "{} > {}/{}", x.share_return, num, den);
                        }
                        None if r.share_return_max_of_surplus.is_none() => {
                            prop_assert!(x.share_return.is_zero());
                        }
                        None => {}
                    }
                }
            }

            #[test]
            fn order_does_not_matter(s in surplus(), r in rules(), ms in members(), seed in any::<u64>()) {
                prop_assume!(r.validate().is_ok());
                let a = allocate(s, &r, &ms).unwrap();
                let mut shuffled = ms.clone();
                // A deterministic shuffle driven by the seed.
                let mut x = seed | 1;
                for i in (1..shuffled.len()).rev() {
                    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                    shuffled.swap(i, (x % (i as u64 + 1)) as usize);
                }
                let b = allocate(s, &r, &shuffled).unwrap();
                prop_assert_eq!(a, b);
            }

            #[test]
            fn more_hours_never_less_patronage(
                s in (1i64..=1_000_000_000).prop_map(|c| Decimal::new(c, 2)),
                r in rules(),
                ms in members_from(1),
                pick in any::<usize>(),
                extra in 1i64..=100_000,
            ) {
                let r = RuleSet { patronage_basis: PatronageBasis::Hours, patronage_weights: None, ..r };
                prop_assume!(r.validate().is_ok());
                let j = pick % ms.len();
                let a = allocate(s, &r, &ms).unwrap();
                let mut more = ms.clone();
                more[j].hours += Decimal::new(extra, 2);
                let b = allocate(s, &r, &more).unwrap();
                let id = &ms[j].member;
                let before = a.members.iter().find(|x| &x.member == id).unwrap().patronage;
                let after = b.members.iter().find(|x| &x.member == id).unwrap().patronage;
                prop_assert!(after >= before, "{} < {}", after, before);
            }

            #[test]
            fn largest_remainder_is_exact_and_fair(
                pool in -10_000_000i64..=10_000_000,
                ws in proptest::collection::vec(0i64..=1_000_000, 1..40),
            ) {
                prop_assume!(ws.iter().any(|&w| w > 0));
                let pool = Decimal::new(pool, 2);
                let weights: Vec<(usize, Decimal)> =
                    ws.iter().enumerate().map(|(i, &w)| (i, Decimal::new(w, 3))).collect();
                let parts = largest_remainder(pool, &weights).unwrap();
                prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), pool);
                let total: Decimal = weights.iter().map(|(_, w)| *w).sum();
                for (p, (_, w)) in parts.iter().zip(&weights) {
                    // Within one cent of the exact share, never beyond.
                    let exact = pool.abs() * *w;
                    let got = p.abs() * total;
                    prop_assert!(got <= exact + dec!(0.01) * total);
                    prop_assert!(got + dec!(0.01) * total >= exact);
                    prop_assert!(p.is_zero() || p.is_sign_negative() == pool.is_sign_negative());
                }
            }
        }
    }
}
