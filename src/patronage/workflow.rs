//! The pure rules of the distribution workflow around [`allocate`](super::allocate):
//! the states of a fiscal year and of a distribution, the checks on hours and their
//! CSV import, each member's eligible capital averaged over the days it was held
//! (from the capital ledger), presence and seniority in the year, the hash of a rule
//! set, and the SVG chart of where a surplus goes.
//!
//! No I/O, no clock: dates and ledgers are passed in, so every rule is tested here
//! and the service only loads, calls and stores.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::allocate::{Allocation, EligibleCapital};
use super::rules::RuleSet;
use crate::membership::lifecycle::MemberId;
use crate::shares::rules::chargeable_loss;
use crate::shares::rules::{EntryId, EntryKind, LedgerEntry};

/// The most hours one member may record per day of a period: a ceiling that
/// catches typing errors (`1600` for `16.00`), not a labour-law limit. The
/// database checks the same figure.
pub const MAX_HOURS_PER_DAY: i64 = 16;

/// The longest fiscal year accepted, in days (capital is averaged over one year).
pub const MAX_YEAR_DAYS: i64 = 366;

/// Where a fiscal year stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearStatus {
    /// Hours are being recorded.
    Open,
    /// Closed for hours: a correction needs a reason; distributions may be opened.
    Closed,
    /// A distribution of the year is posted.
    Distributed,
}

impl YearStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            YearStatus::Open => "open",
            YearStatus::Closed => "closed",
            YearStatus::Distributed => "distributed",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<YearStatus> {
        [YearStatus::Open, YearStatus::Closed, YearStatus::Distributed]
            .into_iter()
            .find(|y| y.as_str() == s)
    }
}

/// Where a distribution stands: draft → proposed → approved → posted, and a
/// posted distribution may only be reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistributionStatus {
    /// Computed and editable: the treasurer may look and discard.
    Draft,
    /// Put to the members (or the board), possibly attached to a ballot.
    Proposed,
    /// Approved by the ballot or the board: may be posted.
    Approved,
    /// Written to the ledgers; final.
    Posted,
    /// Posted, then undone by opposite entries.
    Reversed,
}

impl DistributionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DistributionStatus::Draft => "draft",
            DistributionStatus::Proposed => "proposed",
            DistributionStatus::Approved => "approved",
            DistributionStatus::Posted => "posted",
            DistributionStatus::Reversed => "reversed",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<DistributionStatus> {
        [
            DistributionStatus::Draft,
            DistributionStatus::Proposed,
            DistributionStatus::Approved,
            DistributionStatus::Posted,
            DistributionStatus::Reversed,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Draft → proposed.
    Propose,
    /// Proposed → approved (the ballot passed, or the board approved).
    Approve,
    /// Proposed or approved → draft (the ballot was rejected, or the treasurer
    /// takes it back to change it).
    ReturnToDraft,
    /// Approved → posted.
    Post,
    /// Posted → reversed.
    Reverse,
}

/// A step the current status does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {from} distribution cannot be {step}")]
pub struct StepRefused {
    /// The status it is in.
    pub from: &'static str,
    /// What was asked, in words.
    pub step: &'static str,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.past())
    }
}

impl Step {
    fn past(self) -> &'static str {
        match self {
            Step::Propose => "proposed",
            Step::Approve => "approved",
            Step::ReturnToDraft => "returned to draft",
            Step::Post => "posted",
            Step::Reverse => "reversed",
        }
    }
}

/// The status after `step`, or why the step is refused.
pub fn next_status(from: DistributionStatus, step: Step) -> Result<DistributionStatus, StepRefused> {
    use DistributionStatus::*;
    let to = match (from, step) {
        (Draft, Step::Propose) => Proposed,
        (Proposed, Step::Approve) => Approved,
        (Proposed | Approved, Step::ReturnToDraft) => Draft,
        (Approved, Step::Post) => Posted,
        (Posted, Step::Reverse) => Reversed,
        _ => {
            return Err(StepRefused {
                from: from.as_str(),
                step: step.past(),
            })
        }
    };
    Ok(to)
}

/// Checks a new fiscal year's dates: it ends on or after it starts, and lasts at
/// most [`MAX_YEAR_DAYS`]. Returns the field and the reason on refusal.
pub fn check_year(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), (&'static str, String)> {
    if ends_on < starts_on {
        return Err(("ends_on", "The year must end on or after the day it starts.".into()));
    }
    if (ends_on - starts_on).num_days() >= MAX_YEAR_DAYS {
        return Err(("ends_on", format!("A fiscal year lasts at most {MAX_YEAR_DAYS} days.")));
    }
    Ok(())
}

/// One member's hours for one period, as entered or imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursLine {
    /// The member.
    pub member: MemberId,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Hours worked (≥ 0, 2 decimals at most).
    pub hours: Decimal,
    /// Wages received, when the basis needs them.
    pub wages: Option<Decimal>,
}

/// Checks one line of hours against its fiscal year: the period inside the year,
/// hours and wages non-negative with at most 2 decimals, and hours at most
/// [`MAX_HOURS_PER_DAY`] per day of the period. Every problem is reported, each
/// with its field.
pub fn check_hours(line: &HoursLine, year: (NaiveDate, NaiveDate)) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if line.period_end < line.period_start {
        problems.push(("period_end", "The period ends before it starts.".to_string()));
    }
    if line.period_start < year.0 || line.period_end > year.1 {
        problems.push((
            "period_start",
            format!("The period is outside the fiscal year ({} to {}).", year.0, year.1),
        ));
    }
    if line.hours.is_sign_negative() && !line.hours.is_zero() {
        problems.push(("hours", "Hours cannot be negative.".to_string()));
    } else if line.hours.normalize().scale() > 2 {
        problems.push(("hours", "Hours take at most 2 decimals.".to_string()));
    } else if line.period_end >= line.period_start {
        let days = (line.period_end - line.period_start).num_days() + 1;
        let max = Decimal::from(days * MAX_HOURS_PER_DAY);
        if line.hours > max {
            problems.push((
                "hours",
                format!(
                    "{} hours in {days} days is more than {MAX_HOURS_PER_DAY} hours a day.",
                    line.hours
                ),
            ));
        }
    }
    if let Some(w) = line.wages {
        if w.is_sign_negative() && !w.is_zero() {
            problems.push(("wages", "Wages cannot be negative.".to_string()));
        } else if w.normalize().scale() > 2 {
            problems.push(("wages", "Wages take at most 2 decimals.".to_string()));
        } else if w > Decimal::from(1_000_000_000_000i64) {
            problems.push(("wages", "Wages are too large.".to_string()));
        }
    }
    problems
}

/// Whether two periods share a day.
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

pub use crate::import::ImportError;

/// The columns of an hours file; `wages` may be left out or empty.
pub const HOURS_COLUMNS: [&str; 5] = ["member", "period_start", "period_end", "hours", "wages"];

/// Reads an hours file, whole or not at all. `member` is a member number or an
/// e-mail (`members` maps both, lower-cased, to the member); `existing` holds the
/// periods already recorded for the year. Refused, with the line and the reason:
/// an unknown member, a date or number that does not read, negative or absurd
/// hours, a period outside the year, and duplicates (the same member with
/// overlapping periods in the file or already recorded — a recorded period is
/// corrected one line at a time, with a reason once the year is closed).
pub fn parse_hours_csv(
    text: &str,
    year: (NaiveDate, NaiveDate),
    members: &HashMap<String, MemberId>,
    existing: &[(MemberId, NaiveDate, NaiveDate)],
) -> Result<Vec<HoursLine>, Vec<ImportError>> {
    let records = crate::import::rows(text, &HOURS_COLUMNS, &HOURS_COLUMNS[..4]).map_err(|e| vec![e])?;
    let mut periods: HashMap<MemberId, Vec<(NaiveDate, NaiveDate, usize)>> = HashMap::new();
    for (member, start, end) in existing {
        periods.entry(*member).or_default().push((*start, *end, 0));
    }
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let line = record.line;
        let field = |name: &str| record.get(name);
        let mut reasons = Vec::new();
        let who = field("member");
        let member = members.get(&who.to_lowercase()).copied();
        if member.is_none() {
            reasons.push(format!("unknown member `{who}`"));
        }
        let date = |name: &str, reasons: &mut Vec<String>| {
            let text = field(name);
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map_err(|_| reasons.push(format!("{name} `{text}` is not a date (YYYY-MM-DD)")))
                .ok()
        };
        let start = date("period_start", &mut reasons);
        let end = date("period_end", &mut reasons);
        let number = |name: &str, reasons: &mut Vec<String>| {
            let text = field(name);
            if text.is_empty() {
                return None;
            }
            text.parse::<Decimal>()
                .map_err(|_| reasons.push(format!("{name} `{text}` is not a number")))
                .ok()
        };
        let hours = number("hours", &mut reasons);
        if field("hours").is_empty() {
            reasons.push("hours are missing".into());
        }
        let wages = number("wages", &mut reasons);
        if let (Some(member), Some(start), Some(end), Some(hours)) = (member, start, end, hours) {
            let candidate = HoursLine {
                member,
                period_start: start,
                period_end: end,
                hours,
                wages,
            };
            let problems = check_hours(&candidate, year);
            reasons.extend(problems.into_iter().map(|(_, reason)| reason));
            if let Some(clash) = periods
                .get(&member)
                .and_then(|known| known.iter().find(|(s, e, _)| overlaps((*s, *e), (start, end))))
            {
                reasons.push(match clash.2 {
                    0 => format!("`{who}` already has hours recorded for {} to {}", clash.0, clash.1),
                    other => format!("duplicate of line {other} (same member, overlapping period)"),
                });
            }
            periods.entry(member).or_default().push((start, end, line));
            if reasons.is_empty() {
                lines.push(candidate);
            }
        }
        if !reasons.is_empty() {
            errors.push(ImportError {
                line,
                reason: reasons.join("; "),
            });
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// One capital-ledger entry as the return on shares sees it: what the database's
/// columns say (kind, member, date, amount, the entry a reversal cancels), so the
/// entries' JSON need not be read for a year-end distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The entry.
    pub id: EntryId,
    /// Whose account.
    pub member: MemberId,
    /// Its date.
    pub date: NaiveDate,
    /// Its kind's stored name (`payment`, `transfer_in`, `reversal`, …).
    pub kind: String,
    /// Its amount in cents (none for a reversal).
    pub cents: Option<i64>,
    /// The entry a reversal cancels.
    pub reverses: Option<EntryId>,
}

impl Movement {
    /// The movement of a ledger entry.
    pub fn of(entry: &LedgerEntry) -> Movement {
        Movement {
            id: entry.id,
            member: entry.member,
            date: entry.date,
            kind: entry.kind.name().to_string(),
            cents: entry.kind.amount().map(|a| a.cents()),
            reverses: match &entry.kind {
                EntryKind::Reversal { of, .. } => Some(*of),
                _ => None,
            },
        }
    }

    /// The change in the member's paid-in share capital this entry makes, in cents:
    /// payments and shares received add, shares given and redeemed take away.
    /// Subscriptions not yet paid, redemption payouts and retained patronage change
    /// nothing (a reversal is handled by its caller).
    fn paid_in_delta(&self) -> i64 {
        let cents = self.cents.unwrap_or(0);
        match self.kind.as_str() {
            "payment" | "transfer_in" => cents,
            "transfer_out" | "redemption" => -cents,
            _ => 0,
        }
    }
}

/// A loss allocated to members, charged to their capital accounts: each member's
/// charge is their allocated loss (positive), never more than their retained
/// patronage (`shares::rules::chargeable_loss`: no account goes below zero).
/// Returns the charges, in the order given, and what no account could bear, which
/// the reserve bears.
pub fn charge_losses(
    losses: &[(MemberId, Decimal)],
    retained: &HashMap<MemberId, Decimal>,
) -> (Vec<(MemberId, Decimal)>, Decimal) {
    let cents = |d: Decimal| (d * Decimal::ONE_HUNDRED).trunc().to_i64().unwrap_or(i64::MAX);
    let mut to_reserve = Decimal::ZERO;
    let charges = losses
        .iter()
        .map(|(member, loss)| {
            let balance = retained.get(member).copied().unwrap_or_default();
            let charged = Decimal::new(chargeable_loss(cents(balance), cents(*loss)), 2);
            to_reserve += *loss - charged;
            (*member, charged)
        })
        .collect();
    (charges, to_reserve)
}

/// Each member's eligible capital for a fiscal year, from the capital ledger:
/// paid-in share capital averaged over the days of the year. An entry counts from
/// its date; a reversal cancels its entry from the reversal's date.
///
/// A member whose capital had one level all the time they held any (the common
/// case: paid before the year, or paid once during it, or redeemed once) gets
/// [`EligibleCapital::Held`], which the allocation keeps exact. Otherwise the
/// capital-days are divided by the days of the year and **rounded half away from
/// zero to the cent** ([`EligibleCapital::Average`]). Members with no capital in
/// the year are left out.
pub fn eligible_capital(ledger: &[Movement], year: (NaiveDate, NaiveDate)) -> HashMap<MemberId, EligibleCapital> {
    let by_id: HashMap<EntryId, &Movement> = ledger.iter().map(|e| (e.id, e)).collect();
    // Per member: dated changes in cents.
    let mut changes: HashMap<MemberId, Vec<(NaiveDate, i64)>> = HashMap::new();
    for entry in ledger {
        let delta = match entry.reverses {
            Some(of) => match by_id.get(&of) {
                Some(target) => -target.paid_in_delta(),
                None => continue,
            },
            None => entry.paid_in_delta(),
        };
        if delta != 0 && entry.date <= year.1 {
            changes.entry(entry.member).or_default().push((entry.date, delta));
        }
    }
    let days_in_year = (year.1 - year.0).num_days() + 1;
    let mut out = HashMap::new();
    for (member, mut list) in changes {
        list.sort_by_key(|(d, _)| *d);
        // The balance before the year, then a step at each change inside it.
        let mut balance: i64 = list.iter().filter(|(d, _)| *d < year.0).map(|(_, c)| c).sum();
        let mut steps: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for (d, c) in list.iter().filter(|(d, _)| *d >= year.0) {
            *steps.entry(*d).or_default() += c;
        }
        let mut levels: Vec<(i64, i64)> = Vec::new(); // (cents, days)
        let mut from = year.0;
        for (day, change) in steps {
            levels.push((balance.max(0), (day - from).num_days()));
            balance += change;
            from = day;
        }
        levels.push((balance.max(0), (year.1 - from).num_days() + 1));
        let held: Vec<&(i64, i64)> = levels.iter().filter(|(c, d)| *c > 0 && *d > 0).collect();
        if held.is_empty() {
            continue;
        }
        let distinct: HashSet<i64> = held.iter().map(|(c, _)| *c).collect();
        let capital = if distinct.len() == 1 {
            let cents = held[0].0;
            let days_held: i64 = held.iter().map(|(_, d)| d).sum();
            if days_held == days_in_year {
                EligibleCapital::Average(Decimal::new(cents, 2))
            } else {
                EligibleCapital::Held {
                    capital: Decimal::new(cents, 2),
                    days_held: days_held as u32,
                    days_in_year: days_in_year as u32,
                }
            }
        } else {
            let cent_days: i128 = held.iter().map(|(c, d)| i128::from(*c) * i128::from(*d)).sum();
            let average = Decimal::from_i128_with_scale(cent_days, 2) / Decimal::from(days_in_year);
            EligibleCapital::Average(average.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
        };
        out.insert(member, capital);
    }
    out
}

/// Months of presence in the year of a member who joined on `since` and left on
/// `left` (the first day they were no longer a member), as a fraction of 12 with
/// 2 decimals rounded down; `None` for the whole year, `Some(0)` for no day.
pub fn months_present(
    since: Option<NaiveDate>,
    left: Option<NaiveDate>,
    year: (NaiveDate, NaiveDate),
) -> Option<Decimal> {
    let first = since.map_or(year.0, |s| s.max(year.0));
    let last = left.map_or(year.1, |l| l.pred_opt().unwrap_or(l).min(year.1));
    if first == year.0 && last == year.1 {
        return None;
    }
    let days_in_year = (year.1 - year.0).num_days() + 1;
    let days = ((last - first).num_days() + 1).max(0);
    let months = Decimal::from(days * 12) / Decimal::from(days_in_year);
    Some(months.round_dp_with_strategy(2, RoundingStrategy::ToZero))
}

/// Whole years of seniority at the end of the year, from `start` (employment or
/// membership); `None` without a start date.
pub fn seniority_years(start: Option<NaiveDate>, year_end: NaiveDate) -> Option<Decimal> {
    let start = start?;
    let years = year_end.years_since(start)?;
    Some(Decimal::from(years))
}

/// The SHA-256, in hex, of the rule set's canonical JSON: two rule sets with the
/// same meaning have the same hash, whatever the order or spelling of decimals.
pub fn rule_set_hash(rules: &RuleSet) -> String {
    hex::encode(Sha256::digest(rules.canonical_json().as_bytes()))
}

/// Whether `alloc` pays a return on capital while labour gets nothing: a worker
/// co-op's surplus going to shares alone (every worker ineligible, say) is almost
/// always a mistake in the rules or the inputs, so the treasurer is warned before
/// proposing it.
pub fn capital_without_labour(alloc: &Allocation) -> bool {
    alloc.share_return_total > Decimal::ZERO && alloc.patronage_total <= Decimal::ZERO
}

/// The parts of a surplus as the chart shows them, in cents: reserve, share
/// returns, patronage paid in cash, patronage retained.
pub fn parts(alloc: &Allocation) -> [(&'static str, Decimal); 4] {
    let cash: Decimal = alloc.members.iter().map(|m| m.cash).sum();
    let retained: Decimal = alloc.members.iter().map(|m| m.retained).sum();
    [
        ("reserve", alloc.reserve),
        ("share_return", alloc.share_return_total),
        ("cash", cash),
        ("retained", retained),
    ]
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar of where the surplus goes, drawn on the server so the page
/// needs no script. `labels` gives the legend of each part (in the reader's
/// language, with the amount); `title` is read by screen readers. A loss year
/// or a zero surplus draws no bar, only the title.
pub fn chart_svg(alloc: &Allocation, title: &str, labels: &[String; 4]) -> String {
    const COLOURS: [&str; 4] = ["#0b5d4b", "#1f4fd6", "#a15c00", "#6b3fa0"];
    let (width, bar) = (600i64, 40i64);
    let values = parts(alloc);
    let total: Decimal = values.iter().map(|(_, v)| v.max(&Decimal::ZERO)).sum();
    let height = bar + 16 + 24 * 4;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title" class="chart"><title id="chart-title">{}</title>"#,
        escape(title)
    );
    let mut x = Decimal::ZERO;
    if total > Decimal::ZERO {
        for ((_, value), colour) in values.iter().zip(COLOURS) {
            if *value <= Decimal::ZERO {
                continue;
            }
            let w = (*value * Decimal::from(width) / total).round_dp(1);
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="0" width="{:.1}" height="{bar}" fill="{colour}"/>"#,
                x, w
            );
            x += w;
        }
    }
    for (i, (label, colour)) in labels.iter().zip(COLOURS).enumerate() {
        let y = bar + 16 + 24 * i as i64;
        let _ = write!(
            svg,
            r#"<rect x="0" y="{}" width="14" height="14" fill="{colour}"/><text x="22" y="{}" font-size="14">{}</text>"#,
            y,
            y + 12,
            escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::shares::rules::{PaymentMethod, ShareClassId, SubscriptionId};
    use rust_decimal_macros::dec;
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const YEAR: (&str, &str) = ("2025-01-01", "2025-12-31");

    fn year() -> (NaiveDate, NaiveDate) {
        (d(YEAR.0), d(YEAR.1))
    }

    fn member(n: u128) -> MemberId {
        MemberId(Uuid::from_u128(n))
    }

    fn payment(id: u128, who: MemberId, date: &str, euros: i64) -> LedgerEntry {
        LedgerEntry {
            id: EntryId(Uuid::from_u128(id)),
            member: who,
            date: d(date),
            kind: EntryKind::Payment {
                subscription: SubscriptionId(Uuid::from_u128(1000 + id)),
                class: ShareClassId(Uuid::from_u128(1)),
                amount: Money::from_cents(euros * 100, Currency::Eur).unwrap(),
                method: PaymentMethod::BankTransfer,
                reference: None,
            },
        }
    }

    #[test]
    fn the_workflow_goes_forward_and_back_only_as_allowed() {
        use DistributionStatus::*;
        assert_eq!(next_status(Draft, Step::Propose), Ok(Proposed));
        assert_eq!(next_status(Proposed, Step::Approve), Ok(Approved));
        assert_eq!(next_status(Proposed, Step::ReturnToDraft), Ok(Draft));
        assert_eq!(next_status(Approved, Step::ReturnToDraft), Ok(Draft));
        assert_eq!(next_status(Approved, Step::Post), Ok(Posted));
        assert_eq!(next_status(Posted, Step::Reverse), Ok(Reversed));
        for (from, step) in [
            (Draft, Step::Post),
            (Draft, Step::Approve),
            (Proposed, Step::Post),
            (Posted, Step::Post),
            (Posted, Step::ReturnToDraft),
            (Reversed, Step::Reverse),
            (Reversed, Step::Post),
            (Approved, Step::Reverse),
        ] {
            assert!(next_status(from, step).is_err(), "{from:?} {step:?}");
        }
        assert_eq!(
            next_status(Draft, Step::Post).unwrap_err().to_string(),
            "a draft distribution cannot be posted"
        );
    }

    #[test]
    fn years_last_at_most_366_days() {
        assert!(check_year(d("2025-01-01"), d("2025-12-31")).is_ok());
        assert!(check_year(d("2024-01-01"), d("2024-12-31")).is_ok());
        assert!(check_year(d("2025-01-01"), d("2026-01-01")).is_ok());
        assert!(check_year(d("2025-01-01"), d("2026-01-02")).is_err());
        assert!(check_year(d("2025-01-02"), d("2025-01-01")).is_err());
    }

    #[test]
    fn hours_are_checked_against_the_year_and_the_day() {
        let line = |start: &str, end: &str, hours: Decimal| HoursLine {
            member: member(1),
            period_start: d(start),
            period_end: d(end),
            hours,
            wages: None,
        };
        assert!(check_hours(&line("2025-01-01", "2025-01-31", dec!(151.67)), year()).is_empty());
        assert!(check_hours(&line("2025-01-01", "2025-01-31", dec!(496)), year()).is_empty());
        assert_eq!(
            check_hours(&line("2025-01-01", "2025-01-31", dec!(496.01)), year())[0].0,
            "hours"
        );
        assert_eq!(
            check_hours(&line("2025-01-01", "2025-01-31", dec!(-1)), year())[0].0,
            "hours"
        );
        assert_eq!(
            check_hours(&line("2025-01-01", "2025-01-31", dec!(1.234)), year())[0].0,
            "hours"
        );
        assert_eq!(
            check_hours(&line("2024-12-01", "2025-01-31", dec!(1)), year())[0].0,
            "period_start"
        );
        assert_eq!(
            check_hours(&line("2025-02-01", "2025-01-31", dec!(1)), year())[0].0,
            "period_end"
        );
    }

    #[test]
    fn an_hours_file_is_read_whole_or_refused_with_every_bad_line() {
        let members: HashMap<String, MemberId> = [
            ("1".to_string(), member(1)),
            ("2".to_string(), member(2)),
            ("marie@demo.coop".to_string(), member(2)),
        ]
        .into();
        let good = "member,period_start,period_end,hours,wages\n1,2025-01-01,2025-06-30,800,\nMARIE@demo.coop,2025-01-01,2025-12-31,1607.50,30000.00\n";
        let lines = parse_hours_csv(good, year(), &members, &[]).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].member, member(2));
        assert_eq!(lines[1].hours, dec!(1607.50));
        assert_eq!(lines[1].wages, Some(dec!(30000.00)));

        let bad = "member,period_start,period_end,hours\n\
                   1,2025-01-01,2025-06-30,800\n\
                   9,2025-01-01,2025-06-30,10\n\
                   2,2025-01-01,2025-06-30,-5\n\
                   2,2025-07-01,2025-07-31,9999\n\
                   1,2025-06-01,2025-07-31,10\n\
                   2,2026-01-01,2026-01-31,10\n\
                   2,2025-13-01,2025-12-31,10\n";
        let errors = parse_hours_csv(bad, year(), &members, &[]).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8], "{errors:?}");
        assert!(errors[0].reason.contains("unknown member `9`"));
        assert!(errors[1].reason.contains("negative"));
        assert!(errors[2].reason.contains("16 hours a day"));
        assert!(errors[3].reason.contains("duplicate of line 2"));
        assert!(errors[4].reason.contains("outside the fiscal year"));
        assert!(errors[5].reason.contains("not a date"));

        let existing = [(member(1), d("2025-01-01"), d("2025-03-31"))];
        let errors = parse_hours_csv(good, year(), &members, &existing).unwrap_err();
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].reason.contains("already has hours"));

        let errors = parse_hours_csv("who,hours\n", year(), &members, &[]).unwrap_err();
        assert_eq!(errors[0].line, 1);
    }

    #[test]
    fn capital_is_averaged_over_the_days_it_was_held() {
        let (a, b, c, e) = (member(1), member(2), member(3), member(4));
        let ledger = [
            // A: €500 paid before the year: the whole year.
            payment(1, a, "2024-06-01", 500),
            // B: €100 paid on 2 July 2025: 183 of 365 days, kept exact.
            payment(2, b, "2025-07-02", 100),
            // C: €100 before the year, €200 more on 2 July: (100×365 + 200×183) / 365.
            payment(3, c, "2024-01-01", 100),
            payment(4, c, "2025-07-02", 200),
            // E: paid after the year: nothing.
            payment(5, e, "2026-01-02", 100),
        ];
        let caps = eligible_capital(&ledger.iter().map(Movement::of).collect::<Vec<_>>(), year());
        assert_eq!(caps[&a], EligibleCapital::Average(dec!(500.00)));
        assert_eq!(
            caps[&b],
            EligibleCapital::Held {
                capital: dec!(100.00),
                days_held: 183,
                days_in_year: 365
            }
        );
        // 100 + 200 × 183 / 365 = 200.2739… → 200.27
        assert_eq!(caps[&c], EligibleCapital::Average(dec!(200.27)));
        assert!(!caps.contains_key(&e));
    }

    #[test]
    fn a_reversed_payment_stops_counting_from_the_reversal() {
        let a = member(1);
        let ledger = [
            payment(1, a, "2024-06-01", 365),
            LedgerEntry {
                id: EntryId(Uuid::from_u128(9)),
                member: a,
                date: d("2025-01-11"),
                kind: EntryKind::Reversal {
                    of: EntryId(Uuid::from_u128(1)),
                    reason: "bounced".into(),
                },
            },
        ];
        assert_eq!(
            eligible_capital(&ledger.iter().map(Movement::of).collect::<Vec<_>>(), year())[&a],
            EligibleCapital::Held {
                capital: dec!(365.00),
                days_held: 10,
                days_in_year: 365
            }
        );
    }

    #[test]
    fn presence_and_seniority_in_the_year() {
        assert_eq!(months_present(Some(d("2020-01-01")), None, year()), None);
        // Left on 1 July: present 181 days → 181 × 12 / 365 = 5.950… → 5.95.
        assert_eq!(
            months_present(Some(d("2020-01-01")), Some(d("2025-07-01")), year()),
            Some(dec!(5.95))
        );
        assert_eq!(months_present(Some(d("2025-10-01")), None, year()), Some(dec!(3.02)));
        assert_eq!(seniority_years(Some(d("2021-03-01")), d("2025-12-31")), Some(dec!(4)));
        assert_eq!(seniority_years(None, d("2025-12-31")), None);
    }

    #[test]
    fn the_rule_hash_ignores_how_decimals_are_written() {
        let mut a = RuleSet::preset(crate::patronage::rules::Preset::UsWorker);
        let mut b = a.clone();
        a.cash_min_rate = dec!(0.40);
        b.cash_min_rate = dec!(0.4);
        assert_eq!(rule_set_hash(&a), rule_set_hash(&b));
        assert_eq!(rule_set_hash(&a).len(), 64);
        b.cash_min_rate = dec!(0.5);
        assert_ne!(rule_set_hash(&a), rule_set_hash(&b));
    }

    #[test]
    fn the_chart_is_one_bar_with_a_legend_and_escapes_text() {
        use crate::patronage::allocate::{allocate, MemberInput};
        let rules = RuleSet {
            reserve_rate: dec!(0.25),
            cash_min_rate: dec!(0.5),
            ..RuleSet::default()
        };
        let alloc = allocate(dec!(1000), &rules, &[MemberInput::new("1", dec!(10), dec!(0))]).unwrap();
        let labels = ["Reserve <€250.00>".to_string(), "b".into(), "c".into(), "d".into()];
        let svg = chart_svg(&alloc, "Where & why", &labels);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"chart-title\">Where &amp; why</title>"));
        assert!(svg.contains("Reserve &lt;€250.00&gt;"));
        // 250 / 1000 of 600 px, then 375 and 375.
        assert!(svg.contains(r#"<rect x="0.0" y="0" width="150.0""#), "{svg}");
        assert!(svg.contains(r#"width="225.0""#));
    }

    #[test]
    fn a_loss_is_charged_up_to_each_retained_balance_and_the_reserve_bears_the_rest() {
        let (a, b, c) = (
            MemberId(uuid::Uuid::from_u128(1)),
            MemberId(uuid::Uuid::from_u128(2)),
            MemberId(uuid::Uuid::from_u128(3)),
        );
        let losses = [
            (a, Decimal::new(160_712, 2)),
            (b, Decimal::new(120_011, 2)),
            (c, Decimal::new(80_007, 2)),
        ];
        let retained = HashMap::from([(a, Decimal::new(500_000, 2)), (b, Decimal::new(50_000, 2))]);
        let (charges, to_reserve) = charge_losses(&losses, &retained);
        assert_eq!(
            charges,
            vec![
                (a, Decimal::new(160_712, 2)),
                (b, Decimal::new(50_000, 2)),
                (c, Decimal::ZERO)
            ]
        );
        assert_eq!(to_reserve, Decimal::new(150_018, 2));
    }

    /// Issue 19, finding 10: capital paid while labour gets nothing is flagged; a
    /// distribution that pays labour, or pays nothing on capital, is not.
    #[test]
    fn capital_without_labour_is_flagged() {
        use super::super::allocate::{allocate, MemberInput};
        let members = [
            MemberInput::new("1", dec!(1607), dec!(250)),
            MemberInput::new("2", dec!(800), dec!(50)),
        ];
        let rules = |min_hours: Option<Decimal>, share_return: Option<Decimal>| RuleSet {
            reserve_rate: dec!(0.10),
            share_return_rate: share_return,
            min_hours,
            ..RuleSet::default()
        };
        let flagged = |rules: RuleSet| capital_without_labour(&allocate(dec!(10000), &rules, &members).unwrap());
        assert!(flagged(rules(Some(dec!(2000)), Some(dec!(0.05)))));
        assert!(!flagged(rules(None, Some(dec!(0.05)))));
        assert!(!flagged(rules(Some(dec!(2000)), None)));
    }
}
