//! Year-end distribution use cases: fiscal years, hours, and a distribution's way
//! from draft to posted (or reversed). Each change authorises, takes the co-op's
//! patronage lock, applies the pure rules, writes, and appends its audit event in one
//! transaction; nothing is half-written.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::allocate::{self, Allocation, AllocationError, EligibleCapital, MemberInput};
use super::own_rules;
use super::rules::{RuleSet, RulesError, MAX_REVOLVING_YEARS};
use super::store::{self, Account, DistributionEntry, DistributionRow, DistributionSummary, FiscalYear, HoursEntry};
use super::workflow::{self, DistributionStatus, HoursLine, Step, YearStatus};
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::bylaws::rules::DecidingBody;
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::membership::lifecycle::MemberId;
use crate::membership::store as members;
use crate::money::{Currency, Locale, Money};
use crate::shares::rules::{EntryId, EntryKind, LedgerEntry};
use crate::shares::store as capital;
use crate::web::state::AppState;

fn conflict(error: impl ToString) -> AppError {
    AppError::Conflict(error.to_string())
}

fn money(amount: Decimal, currency: Currency) -> AppResult<Money> {
    Money::new(amount, currency).map_err(|e| AppError::internal(e.to_string()))
}

fn parse_decimal(field: &str, text: &str) -> AppResult<Decimal> {
    text.trim()
        .parse::<Decimal>()
        .map_err(|_| AppError::field(field, format!("`{}` is not a number.", text.trim())))
}

// ---------------------------------------------------------------------------
// fiscal years

/// A new fiscal year.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct NewYear {
    /// Its name, e.g. "2025".
    pub label: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (at most 366 days later).
    pub ends_on: NaiveDate,
}

/// Creates a fiscal year (treasurers). Years of one co-op never overlap.
pub async fn create_year(state: &AppState, scope: &InCoop, new: &NewYear) -> AppResult<FiscalYear> {
    scope.require(Action::ManageDistribution)?;
    let label = new.label.trim().to_string();
    if label.is_empty() || label.chars().count() > 50 {
        return Err(AppError::field("label", "Give the year a name of 1 to 50 characters."));
    }
    workflow::check_year(new.starts_on, new.ends_on).map_err(|(field, reason)| AppError::field(field, reason))?;
    let year = FiscalYear {
        id: Uuid::now_v7(),
        label,
        starts_on: new.starts_on,
        ends_on: new.ends_on,
        status: YearStatus::Open.as_str().into(),
        closed_at: None,
    };
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        store::lock(conn, coop_id).await?;
        let years = store::years(conn, coop_id).await?;
        if let Some(other) = years.iter().find(|y| workflow::overlaps(y.span(), year.span())) {
            return Err(AppError::field(
                "starts_on",
                format!(
                    "The year overlaps {} ({} to {}).",
                    other.label, other.starts_on, other.ends_on
                ),
            ));
        }
        if years.iter().any(|y| y.label == year.label) {
            return Err(AppError::field("label", "Another year has this name."));
        }
        store::insert_year(conn, coop_id, &year).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.year_created",
            &format!("fiscal_year:{}", year.id),
            json!({"label": year.label, "starts_on": year.starts_on, "ends_on": year.ends_on}),
        )
        .await?;
        Ok(year)
    })
    .await
}

/// The co-op's fiscal years (every member).
pub async fn years(state: &AppState, scope: &InCoop) -> AppResult<Vec<FiscalYear>> {
    scope.require(Action::ViewPatronage)?;
    let mut conn = db::conn(&state.pool).await?;
    store::years(&mut conn, scope.coop.id).await
}

/// One fiscal year (every member).
pub async fn year(state: &AppState, scope: &InCoop, year_id: Uuid) -> AppResult<FiscalYear> {
    scope.require(Action::ViewPatronage)?;
    let mut conn = db::conn(&state.pool).await?;
    store::year(&mut conn, scope.coop.id, year_id).await
}

/// Closes a year for hours (treasurers): later corrections need a reason, and
/// distributions may be opened.
pub async fn close_year(state: &AppState, scope: &InCoop, year_id: Uuid) -> AppResult<FiscalYear> {
    scope.require(Action::ManageDistribution)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        store::lock(conn, coop_id).await?;
        let year = store::year_for_update(conn, coop_id, year_id).await?;
        if year.status() != YearStatus::Open {
            return Err(AppError::Conflict(format!(
                "the year {} is already {}",
                year.label, year.status
            )));
        }
        store::set_year_status(conn, coop_id, year_id, YearStatus::Closed, actor).await?;
        let hours = store::hours(conn, coop_id, year_id, None).await?;
        let total: Decimal = hours.iter().map(|h| h.hours).sum();
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.year_closed",
            &format!("fiscal_year:{year_id}"),
            json!({"label": year.label, "lines": hours.len(), "hours": total}),
        )
        .await?;
        store::year(conn, coop_id, year_id).await
    })
    .await
}

// ---------------------------------------------------------------------------
// hours

/// One member's hours for one period. Recording a period already recorded
/// corrects it; once the year is closed, a reason is required.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct HoursInput {
    /// The member.
    pub member_id: Uuid,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Hours worked, e.g. "151.67".
    pub hours: String,
    /// Wages received, e.g. "2400.00", where the basis needs them.
    #[serde(default)]
    pub wages: Option<String>,
    /// Why, for a correction after the year is closed.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Records or corrects a line of hours (treasurers). Answers the line stored.
pub async fn record_hours(
    state: &AppState,
    scope: &InCoop,
    year_id: Uuid,
    input: &HoursInput,
) -> AppResult<HoursEntry> {
    scope.require(Action::ManageDistribution)?;
    let mut errors = Vec::new();
    let hours = parse_decimal("hours", &input.hours)
        .map_err(|e| push(&mut errors, e))
        .ok();
    let wages = match input.wages.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(text) => parse_decimal("wages", text).map_err(|e| push(&mut errors, e)).ok(),
        None => None,
    };
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        errors.push(FieldError::new("reason", "The reason is longer than 1,000 characters."));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let line = HoursLine {
        member: MemberId(input.member_id),
        period_start: input.period_start,
        period_end: input.period_end,
        hours: hours.unwrap_or_default(),
        wages,
    };
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        store::lock(conn, coop_id).await?;
        let year = store::year_for_update(conn, coop_id, year_id).await?;
        if year.status() == YearStatus::Distributed {
            return Err(AppError::Conflict(format!(
                "the year {} is distributed: reverse its distribution before correcting hours",
                year.label
            )));
        }
        if members::membership_by_id(conn, coop_id, input.member_id)
            .await?
            .is_none()
        {
            return Err(AppError::field("member_id", "No such member in this co-op."));
        }
        let problems = workflow::check_hours(&line, year.span());
        if !problems.is_empty() {
            return Err(AppError::Validation(
                problems.into_iter().map(|(f, m)| FieldError::new(f, m)).collect(),
            ));
        }
        let known = store::hours(conn, coop_id, year_id, Some(input.member_id)).await?;
        let same = known
            .iter()
            .find(|h| h.period_start == line.period_start && h.period_end == line.period_end);
        let closed = year.status() == YearStatus::Closed;
        if closed && reason.is_none() {
            return Err(AppError::field(
                "reason",
                "The year is closed for hours: say why this correction is made.",
            ));
        }
        let subject = format!("member:{}", input.member_id);
        match same {
            Some(before) => {
                store::update_hours(conn, coop_id, before.id, line.hours, line.wages, actor).await?;
                audit::append(
                    conn,
                    Some(coop_id),
                    Some(actor),
                    "patronage.hours_corrected",
                    &subject,
                    json!({"fiscal_year": year_id, "period_start": line.period_start, "period_end": line.period_end,
                        "before": {"hours": before.hours, "wages": before.wages},
                        "after": {"hours": line.hours, "wages": line.wages},
                        "reason": reason, "year_closed": closed}),
                )
                .await?;
            }
            None => {
                if let Some(clash) = known
                    .iter()
                    .find(|h| workflow::overlaps((h.period_start, h.period_end), (line.period_start, line.period_end)))
                {
                    return Err(AppError::field(
                        "period_start",
                        format!(
                            "Hours are already recorded for {} to {}; correct that period instead.",
                            clash.period_start, clash.period_end
                        ),
                    ));
                }
                store::insert_hours(conn, coop_id, year_id, std::slice::from_ref(&line), actor).await?;
                audit::append(
                    conn,
                    Some(coop_id),
                    Some(actor),
                    "patronage.hours_recorded",
                    &subject,
                    json!({"fiscal_year": year_id, "period_start": line.period_start, "period_end": line.period_end,
                        "hours": line.hours, "wages": line.wages, "reason": reason, "year_closed": closed}),
                )
                .await?;
            }
        }
        store::hours(conn, coop_id, year_id, Some(input.member_id))
            .await?
            .into_iter()
            .find(|h| h.period_start == line.period_start)
            .ok_or(AppError::NotFound)
    })
    .await
}

fn push(errors: &mut Vec<FieldError>, error: AppError) {
    if let AppError::Validation(found) = error {
        errors.extend(found);
    }
}

/// Imports a year's hours from CSV, whole or not at all (treasurers, open years):
/// one bad row imports nothing, and every bad row is reported with its line.
/// Returns the lines imported.
pub async fn import_hours(state: &AppState, scope: &InCoop, year_id: Uuid, csv_text: &str) -> AppResult<usize> {
    scope.require(Action::ManageDistribution)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        store::lock(conn, coop_id).await?;
        let year = store::year_for_update(conn, coop_id, year_id).await?;
        if year.status() != YearStatus::Open {
            return Err(AppError::Conflict(format!(
                "the year {} is {}: correct hours one line at a time, with a reason",
                year.label, year.status
            )));
        }
        let mut keys = HashMap::new();
        for row in members::register(conn, coop_id).await? {
            if let Some(number) = row.number {
                keys.insert(number.to_string(), MemberId(row.id));
            }
            keys.insert(row.email.to_lowercase(), MemberId(row.id));
        }
        let existing: Vec<_> = store::hours(conn, coop_id, year_id, None)
            .await?
            .into_iter()
            .map(|h| (MemberId(h.member_id), h.period_start, h.period_end))
            .collect();
        let lines = workflow::parse_hours_csv(csv_text, year.span(), &keys, &existing).map_err(|errors| {
            AppError::Validation(
                errors
                    .into_iter()
                    .map(|e| FieldError::new(format!("line {}", e.line), e.reason))
                    .collect(),
            )
        })?;
        if lines.is_empty() {
            return Err(AppError::field("line 2", "The file has no lines of hours."));
        }
        store::insert_hours(conn, coop_id, year_id, &lines, actor).await?;
        let total: Decimal = lines.iter().map(|l| l.hours).sum();
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.hours_imported",
            &format!("fiscal_year:{year_id}"),
            json!({"lines": lines.len(), "hours": total}),
        )
        .await?;
        Ok(lines.len())
    })
    .await
}

/// The hours of a year: everyone's for treasurers, or one member's (the member
/// themself, or treasurers).
pub async fn hours(
    state: &AppState,
    scope: &InCoop,
    year_id: Uuid,
    member: Option<Uuid>,
) -> AppResult<Vec<HoursEntry>> {
    scope.require(Action::ViewPatronage)?;
    if member != Some(scope.member_id) && !scope.can(Action::ManageDistribution) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db::conn(&state.pool).await?;
    store::year(&mut conn, scope.coop.id, year_id).await?;
    store::hours(&mut conn, scope.coop.id, year_id, member).await
}

/// A member's hours in one year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearHours {
    /// The year.
    pub year: FiscalYear,
    /// Its lines.
    pub lines: Vec<HoursEntry>,
    /// Total hours.
    #[schema(value_type = String)]
    pub total: Decimal,
}

/// A member's hours, year by year (the member themself, or treasurers).
pub async fn member_hours(state: &AppState, scope: &InCoop, member_id: Uuid) -> AppResult<Vec<YearHours>> {
    scope.require_own_or(member_id, &[Action::ManageDistribution])?;
    let mut conn = db::conn(&state.pool).await?;
    if members::membership_by_id(&mut conn, scope.coop.id, member_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    let mut out = Vec::new();
    for year in store::years(&mut conn, scope.coop.id).await? {
        let lines = store::hours(&mut conn, scope.coop.id, year.id, Some(member_id)).await?;
        let total = lines.iter().map(|l| l.hours).sum();
        out.push(YearHours { year, lines, total });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// distributions: inputs and views

/// One member's input to a distribution, as stored with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredInput {
    /// The member.
    pub member_id: Uuid,
    /// Their number, when they have one.
    pub number: Option<i64>,
    /// Their name at the time.
    pub name: String,
    /// What the allocation was given (its `member` is the number, or the id).
    pub input: MemberInput,
}

/// Builds every member's input for a year: hours and wages from the hours table,
/// eligible capital from the capital ledger, presence and seniority from the
/// register. Members of the year (even those who left during it) and anyone with
/// hours or capital in it are included; the rule set decides who is eligible.
pub async fn gather_inputs(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    year: &FiscalYear,
) -> AppResult<Vec<StoredInput>> {
    let span = year.span();
    let started = std::time::Instant::now();
    let register = store::member_facts(conn, coop_id).await?;
    tracing::debug!(ms = started.elapsed().as_millis(), "inputs: register read");
    let movements = store::capital_movements(conn, coop_id).await?;
    tracing::debug!(ms = started.elapsed().as_millis(), "inputs: capital ledger read");
    let capital = workflow::eligible_capital(&movements, span);
    tracing::debug!(ms = started.elapsed().as_millis(), "inputs: eligible capital");
    let mut worked: HashMap<Uuid, (Decimal, Option<Decimal>)> = HashMap::new();
    for line in store::hours(conn, coop_id, year.id, None).await? {
        let entry = worked.entry(line.member_id).or_insert((Decimal::ZERO, None));
        entry.0 += line.hours;
        if let Some(w) = line.wages {
            entry.1 = Some(entry.1.unwrap_or_default() + w);
        }
    }
    let mut inputs = Vec::new();
    for row in register {
        let left = matches!(row.status.as_str(), "resigned" | "expelled").then_some(row.since);
        let in_year = row.member_since.is_some_and(|s| s <= span.1) && left.is_none_or(|l| l > span.0);
        let hours = worked.get(&row.id).copied();
        let cap = capital.get(&MemberId(row.id)).copied();
        if !in_year && hours.is_none() && cap.is_none() {
            continue;
        }
        let (hours, wages) = hours.unwrap_or((Decimal::ZERO, None));
        let input = MemberInput {
            member: row.number.map_or_else(|| row.id.to_string(), |n| n.to_string()),
            hours,
            wages,
            capital: cap.unwrap_or(EligibleCapital::Average(Decimal::ZERO)),
            months_present: workflow::months_present(row.member_since, left, span),
            seniority_years: workflow::seniority_years(row.employment_start.or(row.member_since), span.1),
        };
        inputs.push(StoredInput {
            member_id: row.id,
            number: row.number,
            name: row.display_name,
            input,
        });
    }
    Ok(inputs)
}

/// One member's line of a distribution, with what is still owed once posted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Line {
    /// The member.
    pub member_id: Uuid,
    /// Their number.
    pub number: Option<i64>,
    /// Their name.
    pub name: String,
    /// Hours worked in the year.
    #[schema(value_type = String)]
    pub hours: Decimal,
    /// Wages, where recorded.
    #[schema(value_type = Option<String>)]
    pub wages: Option<Decimal>,
    /// Eligible capital (averaged over the days held).
    #[schema(value_type = Object)]
    pub eligible_capital: Money,
    /// Whether they share in the patronage pool.
    pub eligible: bool,
    /// Why not, if not.
    pub ineligible_reason: Option<String>,
    /// Return on their shares.
    #[schema(value_type = Object)]
    pub share_return: Money,
    /// Their patronage.
    #[schema(value_type = Object)]
    pub patronage: Money,
    /// Of which paid in cash.
    #[schema(value_type = Object)]
    pub cash: Money,
    /// Of which retained in their capital account.
    #[schema(value_type = Object)]
    pub retained: Money,
    /// Share return + patronage.
    #[schema(value_type = Object)]
    pub total: Money,
    /// Share return still to pay (posted distributions).
    #[schema(value_type = Object)]
    pub share_return_owed: Money,
    /// Cash patronage still to pay (posted distributions).
    #[schema(value_type = Object)]
    pub cash_owed: Money,
    /// Retained patronage redeemed and still to pay (revolving schedule).
    #[schema(value_type = Object)]
    pub revolving_owed: Money,
}

/// The totals of a distribution.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Totals {
    /// The surplus.
    #[schema(value_type = Object)]
    pub surplus: Money,
    /// To the collective reserve.
    #[schema(value_type = Object)]
    pub reserve: Money,
    /// Returns on shares.
    #[schema(value_type = Object)]
    pub share_return: Money,
    /// The patronage pool.
    #[schema(value_type = Object)]
    pub patronage: Money,
    /// Patronage paid in cash.
    #[schema(value_type = Object)]
    pub cash: Money,
    /// Patronage retained in capital accounts.
    #[schema(value_type = Object)]
    pub retained: Money,
    /// Hours worked by everyone.
    #[schema(value_type = String)]
    pub hours: Decimal,
    /// Still owed to members (posted distributions).
    #[schema(value_type = Object)]
    pub owed: Money,
}

/// A distribution, its figures and where it stands: the draft, the report and the
/// record of a posted distribution are the same view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DistributionView {
    /// Its id.
    pub id: Uuid,
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// draft, proposed, approved, posted or reversed.
    #[schema(value_type = String)]
    pub status: DistributionStatus,
    /// The rule set applied.
    #[schema(value_type = Object)]
    pub rule_set: RuleSet,
    /// SHA-256 of the canonical rule set.
    pub rule_set_hash: String,
    /// Whether the bylaws let the board approve it.
    pub board_may_approve: bool,
    /// The approving ballot, if attached.
    pub ballot_id: Option<Uuid>,
    /// When computed, approved, posted, reversed.
    pub created_at: chrono::DateTime<Utc>,
    /// When approved.
    pub approved_at: Option<chrono::DateTime<Utc>>,
    /// When posted.
    pub posted_at: Option<chrono::DateTime<Utc>>,
    /// When reversed.
    pub reversed_at: Option<chrono::DateTime<Utc>>,
    /// The totals.
    pub totals: Totals,
    /// Every member's line, by member number.
    pub lines: Vec<Line>,
    /// A worked line for one member ("Albert: 1,607 h of 4,821 h × €50,000.00 = …").
    pub worked_line: Option<String>,
    /// Whether recomputing from the stored rule set and inputs gives the stored
    /// result and hash; `null` where this answer did not check (creating and posting
    /// answer at once; reading a distribution checks).
    pub reproducible: Option<bool>,
    /// The allocation's pools, limits and basis totals (its member lines are in
    /// `lines`).
    #[schema(value_type = Object)]
    pub allocation: Allocation,
    /// The payments recorded and their reversals, in the order written.
    pub payments: Vec<DistributionPayment>,
    /// Whether it pays a return on capital while labour gets nothing (see
    /// [`workflow::capital_without_labour`]).
    pub capital_without_labour: bool,
    /// Why the treasurer should look again before proposing it, in the reader's
    /// language (the API fills it in; empty when nothing is amiss).
    pub warnings: Vec<String>,
}

impl DistributionView {
    /// The view with its warnings in `lang`.
    pub fn warned(mut self, lang: &str) -> DistributionView {
        self.warnings = if self.capital_without_labour {
            vec![crate::web::i18n::text(lang, "patronage-capital-without-labour")]
        } else {
            Vec::new()
        };
        self
    }
}

fn read_row(row: &DistributionRow) -> AppResult<(RuleSet, Vec<StoredInput>, Allocation)> {
    let internal = |what: &str, e: serde_json::Error| AppError::internal(format!("distribution {what}: {e}"));
    Ok((
        serde_json::from_str(&row.rule_set).map_err(|e| internal("rule set", e))?,
        serde_json::from_str(&row.inputs).map_err(|e| internal("inputs", e))?,
        serde_json::from_str(&row.result).map_err(|e| internal("result", e))?,
    ))
}

/// The worked line for `member_key`, with the member's name in front.
fn worked_line(alloc: &Allocation, inputs: &[StoredInput], key: &str, currency: Currency) -> Option<String> {
    let text = allocate::explain(alloc, key, currency.symbol(Locale::En))?;
    let name = inputs.iter().find(|i| i.input.member == key).map(|i| i.name.clone())?;
    Some(match text.strip_prefix(&format!("{key}: ")) {
        Some(rest) => format!("{name}: {rest}"),
        None => text,
    })
}

/// A distribution's stored rule set, inputs and result, read.
type Parsed = (RuleSet, Vec<StoredInput>, Allocation);

/// Which member lines a view is built with: a distribution of 100,000 members has
/// as many, and most answers show none or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// Every member's.
    All,
    /// None: the totals only.
    Skipped,
    /// One member's (their notice of allocation).
    Member(Uuid),
}

impl Lines {
    /// Every line when `all`, else none.
    fn all_if(all: bool) -> Lines {
        if all {
            Lines::All
        } else {
            Lines::Skipped
        }
    }

    fn include(self, member_id: Uuid) -> bool {
        match self {
            Lines::All => true,
            Lines::Skipped => false,
            Lines::Member(only) => only == member_id,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn build_view(
    row: &DistributionRow,
    (rule_set, inputs, mut alloc): Parsed,
    year: FiscalYear,
    entries: &[DistributionEntry],
    currency: Currency,
    focus: Option<Uuid>,
    verify: bool,
    lines_wanted: Lines,
) -> AppResult<DistributionView> {
    let reproducible = verify.then(|| {
        let recomputed = allocate::allocate(
            row.surplus,
            &rule_set,
            &inputs.iter().map(|i| i.input.clone()).collect::<Vec<_>>(),
        );
        recomputed.as_ref().is_ok_and(|r| *r == alloc) && workflow::rule_set_hash(&rule_set) == row.rule_set_hash
    });
    let mut owed: HashMap<(Uuid, Account), Decimal> = HashMap::new();
    let mut owed_total = Decimal::ZERO;
    for e in entries {
        let Some(member) = e.member_id else { continue };
        let wanted = lines_wanted.include(member);
        for account in Account::PAYABLE {
            owed_total += e.amount(account);
            if wanted {
                *owed.entry((member, account)).or_default() += e.amount(account);
            }
        }
    }
    let by_key: HashMap<&str, &StoredInput> = inputs.iter().map(|i| (i.input.member.as_str(), i)).collect();
    let m = |d: Decimal| money(d, currency);
    // A distribution of 100,000 members has as many lines: built only when answered.
    let members = if lines_wanted == Lines::Skipped {
        &[][..]
    } else {
        &alloc.members[..]
    };
    let mut lines = Vec::new();
    for (line, detail) in members.iter().zip(&alloc.details) {
        let Some(input) = by_key.get(line.member.as_str()) else {
            return Err(AppError::internal(format!("no input for {}", line.member)));
        };
        if !lines_wanted.include(input.member_id) {
            continue;
        }
        let get = |account: Account| owed.get(&(input.member_id, account)).copied().unwrap_or_default();
        lines.push(Line {
            member_id: input.member_id,
            number: input.number,
            name: input.name.clone(),
            hours: detail.hours,
            wages: detail.wages,
            eligible_capital: m(detail
                .eligible_capital
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))?,
            eligible: detail.eligible,
            ineligible_reason: detail.ineligible_reason.clone(),
            share_return: m(line.share_return)?,
            patronage: m(line.patronage)?,
            cash: m(line.cash)?,
            retained: m(line.retained)?,
            total: m(line.total)?,
            share_return_owed: m(get(Account::ShareReturn))?,
            cash_owed: m(get(Account::PatronageCash))?,
            revolving_owed: m(get(Account::Revolving))?,
        });
    }
    let [_, _, (_, cash), (_, retained)] = workflow::parts(&alloc);
    let totals = Totals {
        surplus: m(alloc.surplus)?,
        reserve: m(alloc.reserve)?,
        share_return: m(alloc.share_return_total)?,
        patronage: m(alloc.patronage_total)?,
        cash: m(cash)?,
        retained: m(retained)?,
        hours: alloc.basis_totals.hours,
        owed: m(owed_total)?,
    };
    // The worked line of the member asked for, else of the first member with patronage.
    let key = focus
        .and_then(|id| inputs.iter().find(|i| i.member_id == id))
        .map(|i| i.input.member.clone())
        .or_else(|| {
            alloc
                .members
                .iter()
                .find(|l| !l.patronage.is_zero())
                .map(|l| l.member.clone())
        });
    let worked_line = key.and_then(|k| worked_line(&alloc, &inputs, &k, currency));
    let capital_without_labour = workflow::capital_without_labour(&alloc);
    // The member lines are answered once, in `lines`.
    alloc.members = Vec::new();
    alloc.details = Vec::new();
    Ok(DistributionView {
        id: row.id,
        fiscal_year: year,
        status: row.status()?,
        rule_set,
        rule_set_hash: row.rule_set_hash.clone(),
        board_may_approve: row.board_may_approve,
        ballot_id: row.ballot_id,
        created_at: row.created_at,
        approved_at: row.approved_at,
        posted_at: row.posted_at,
        reversed_at: row.reversed_at,
        totals,
        lines,
        worked_line,
        reproducible,
        allocation: alloc,
        payments: payments_of(entries),
        capital_without_labour,
        warnings: Vec::new(),
    })
}

/// Loads a distribution's view; `verify` recomputes it from the stored rule set and
/// inputs (reading a distribution does; answering a change at once does not).
async fn load_view(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    focus: Option<Uuid>,
    verify: bool,
    lines: Lines,
) -> AppResult<DistributionView> {
    let row = store::distribution(conn, coop_id, id).await?;
    let year = store::year(conn, coop_id, row.fiscal_year_id).await?;
    let entries = store::entries(conn, coop_id, id).await?;
    let currency = capital::currency(conn, coop_id).await?;
    let parsed = read_row(&row)?;
    build_view(&row, parsed, year, &entries, currency, focus, verify, lines)
}

/// Who may read a whole distribution: treasurers, and the board that approves.
fn may_read_all(scope: &InCoop) -> bool {
    scope.can(Action::ManageDistribution) || scope.can(Action::ApproveDistribution)
}

/// A distribution with every line (treasurers and the board).
pub async fn distribution(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    focus: Option<Uuid>,
) -> AppResult<DistributionView> {
    if !may_read_all(scope) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db::conn(&state.pool).await?;
    load_view(&mut conn, scope.coop.id, id, focus, true, Lines::All).await
}

/// The co-op's distributions (treasurers and the board).
pub async fn distributions(state: &AppState, scope: &InCoop) -> AppResult<Vec<DistributionSummary>> {
    if !may_read_all(scope) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db::conn(&state.pool).await?;
    store::distributions(&mut conn, scope.coop.id).await
}

// ---------------------------------------------------------------------------
// distributions: the workflow

/// A distribution to compute for a closed year.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct NewDistribution {
    /// The closed fiscal year.
    pub fiscal_year_id: Uuid,
    /// The distributable surplus from the approved accounts, e.g. "50000.00"
    /// (negative for a loss year).
    pub surplus: String,
    /// The preset the rule set starts from: scop_fr, us_worker, ca_federal, qc_worker.
    #[serde(default)]
    pub preset: Option<String>,
    /// Keys of `RULES.toml` that override the preset, decimals as strings:
    /// {"reserve_rate": "0.30", "cash_min_rate": "0.20"}; "true"/"false" for flags.
    #[serde(default)]
    pub overrides: BTreeMap<String, String>,
    /// The bylaws let the board approve the distribution (otherwise a ballot does).
    #[serde(default)]
    pub board_may_approve: bool,
}

/// The rule set a request asks for: the preset with its overrides, read exactly as
/// `RULES.toml` is, so the offline command and the platform accept the same keys.
pub fn rule_set_of(preset: Option<&str>, overrides: &BTreeMap<String, String>) -> AppResult<RuleSet> {
    let mut table = toml::Table::new();
    if let Some(preset) = preset.map(str::trim).filter(|p| !p.is_empty()) {
        table.insert("preset".into(), toml::Value::String(preset.into()));
    }
    for (key, value) in overrides {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        if key == "preset" || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(AppError::field(key.clone(), "Unknown rule."));
        }
        // A whole number of years: anything else is named by its field here, not
        // reported as a TOML type error of the overrides.
        if key == "revolving_years" && !value.eq_ignore_ascii_case("none") && !value.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(AppError::field(
                key.clone(),
                format!("Give a whole number of years from 1 to {MAX_REVOLVING_YEARS}, or none."),
            ));
        }
        let value = match value {
            "true" => toml::Value::Boolean(true),
            "false" => toml::Value::Boolean(false),
            other => toml::Value::String(other.into()),
        };
        table.insert(key.clone(), value);
    }
    let text = toml::to_string(&table).map_err(|e| AppError::internal(e.to_string()))?;
    RuleSet::from_toml(&text).map_err(rules_error)
}

fn rules_error(error: RulesError) -> AppError {
    match &error {
        RulesError::Invalid { field, reason } => AppError::field(field.clone(), reason.clone()),
        RulesError::Toml(message) => AppError::field("overrides", message.clone()),
    }
}

fn allocation_error(error: AllocationError) -> AppError {
    match error {
        AllocationError::Rules(e) => rules_error(e),
        AllocationError::Surplus(reason) => AppError::field("surplus", reason),
        AllocationError::Member { member, field, reason } => {
            AppError::field(format!("members[{member}].{field}"), reason)
        }
        other => AppError::Conflict(other.to_string()),
    }
}

/// Computes a draft distribution for a closed year (treasurers) and answers it at
/// once, with the rule set, its hash and every input stored.
pub async fn create_distribution(
    state: &AppState,
    scope: &InCoop,
    new: &NewDistribution,
    with_lines: bool,
) -> AppResult<DistributionView> {
    scope.require(Action::ManageDistribution)?;
    let surplus = parse_decimal("surplus", &new.surplus)?;
    if surplus.normalize().scale() > 2 || surplus.abs() > Decimal::from(1_000_000_000_000i64) {
        return Err(AppError::field(
            "surplus",
            "Give the surplus in money: at most 2 decimals.",
        ));
    }
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    // A request that names no rules starts from the co-op's own rule set, if saved.
    let names_rules = new.preset.as_deref().is_some_and(|p| !p.trim().is_empty())
        || new.overrides.values().any(|v| !v.trim().is_empty());
    let rules = match own_rules::load(&mut conn, coop_id).await? {
        Some(own) if !names_rules => rule_set_of(own.preset.as_deref(), &own.overrides)?,
        _ => rule_set_of(new.preset.as_deref(), &new.overrides)?,
    };
    // The bylaws in force bound the rules: the least reserve, the most return on
    // shares, and who approves.
    if let Some(version) = crate::bylaws::store::current(&mut conn, coop_id).await? {
        if let Some(limits) = super::limits::BylawLimits::of(version.number, &version.schedule.distribution) {
            let errors = super::limits::check(&rules, new.board_may_approve, &limits);
            if !errors.is_empty() {
                return Err(AppError::Validation(
                    errors.into_iter().map(|(f, m)| FieldError::new(f, m)).collect(),
                ));
            }
        }
    }
    conn.transaction(async |conn| {
        store::lock(conn, coop_id).await?;
        let year = store::year(conn, coop_id, new.fiscal_year_id)
            .await
            .map_err(|e| match e {
                AppError::NotFound => AppError::field("fiscal_year_id", "No such fiscal year."),
                other => other,
            })?;
        match year.status() {
            YearStatus::Open => {
                return Err(AppError::Conflict(format!(
                    "the year {} is still open for hours: close it first",
                    year.label
                )))
            }
            YearStatus::Distributed => {
                return Err(AppError::Conflict(format!(
                    "the year {} is already distributed",
                    year.label
                )))
            }
            YearStatus::Closed => {}
        }
        let started = std::time::Instant::now();
        let inputs = gather_inputs(conn, coop_id, &year).await?;
        let currency = capital::currency(conn, coop_id).await?;
        tracing::debug!(ms = started.elapsed().as_millis(), "draft: inputs gathered");
        let alloc = allocate::allocate(
            surplus,
            &rules,
            &inputs.iter().map(|i| i.input.clone()).collect::<Vec<_>>(),
        )
        .map_err(allocation_error)?;
        let id = Uuid::now_v7();
        let hash = workflow::rule_set_hash(&rules);
        let to_json = |v: serde_json::Result<String>| v.map_err(|e| AppError::internal(e.to_string()));
        let rule_json = to_json(serde_json::to_string(&rules))?;
        tracing::debug!(ms = started.elapsed().as_millis(), "draft: allocated");
        let (inputs_json, result_json) = (
            to_json(serde_json::to_string(&inputs))?,
            to_json(serde_json::to_string(&alloc))?,
        );
        tracing::debug!(ms = started.elapsed().as_millis(), "draft: serialised");
        store::insert_distribution(
            conn,
            coop_id,
            &store::NewDistribution {
                id,
                fiscal_year_id: year.id,
                surplus,
                rule_set: &rule_json,
                rule_set_hash: &hash,
                inputs: &inputs_json,
                result: &result_json,
                board_may_approve: new.board_may_approve,
            },
        )
        .await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.distribution_drafted",
            &format!("distribution:{id}"),
            json!({"fiscal_year": year.id, "surplus": surplus, "rule_set": rules, "rule_set_hash": hash,
                    "members": inputs.len(), "reserve": alloc.reserve, "share_return": alloc.share_return_total,
                    "patronage": alloc.patronage_total}),
        )
        .await?;
        tracing::debug!(ms = started.elapsed().as_millis(), "draft: stored");
        // The draft is answered from what was just computed, not read back.
        let row = DistributionRow {
            id,
            fiscal_year_id: year.id,
            status: DistributionStatus::Draft.as_str().into(),
            surplus,
            rule_set: String::new(),
            rule_set_hash: hash,
            inputs: String::new(),
            result: String::new(),
            board_may_approve: new.board_may_approve,
            ballot_id: None,
            created_at: Utc::now(),
            approved_at: None,
            posted_at: None,
            reversed_at: None,
        };
        build_view(
            &row,
            (rules.clone(), inputs, alloc),
            year,
            &[],
            currency,
            None,
            false,
            Lines::all_if(with_lines),
        )
    })
    .await
}

/// Moves a locked distribution one step and audits it; the shared part of every
/// step but posting and reversal.
async fn step(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    step: Step,
    actor: Option<Uuid>,
    ballot_id: Option<Uuid>,
    detail: serde_json::Value,
) -> AppResult<DistributionStatus> {
    let row = store::distribution_for_update(conn, coop_id, id).await?;
    let next = workflow::next_status(row.status()?, step).map_err(conflict)?;
    store::set_status(conn, coop_id, id, next, actor, ballot_id).await?;
    audit::append(
        conn,
        Some(coop_id),
        actor,
        &format!("patronage.distribution_{}", next.as_str()),
        &format!("distribution:{id}"),
        detail,
    )
    .await?;
    Ok(next)
}

/// What proposing sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct ProposeRequest {
    /// The ballot (the AGM motion) that approves it, if one is attached.
    #[serde(default)]
    pub ballot_id: Option<Uuid>,
}

/// Proposes a draft to the members (treasurers), optionally attached to a ballot.
pub async fn propose(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    request: &ProposeRequest,
) -> AppResult<DistributionView> {
    scope.require(Action::ManageDistribution)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let row = store::distribution_for_update(conn, coop_id, id).await?;
        let Some(ballot) = request.ballot_id else {
            return Err(AppError::field(
                "ballot_id",
                if row.board_may_approve {
                    "A distribution is approved by ballot: choose the board's ballot (or the members') that decides it."
                } else {
                    "The members approve this distribution by ballot: choose the ballot that decides it."
                },
            ));
        };
        check_approving_ballot(conn, coop_id, id, ballot, row.board_may_approve).await?;
        step(
            conn,
            coop_id,
            id,
            Step::Propose,
            Some(actor),
            request.ballot_id,
            json!({"ballot_id": request.ballot_id}),
        )
        .await
    })
    .await?;
    load_view(&mut conn, coop_id, id, None, false, Lines::All).await
}

/// The limits the bylaws in force set on a distribution, with the article that
/// states them, for the distribution's page; `None` without bylaws.
pub async fn bylaw_limits(
    state: &AppState,
    scope: &InCoop,
) -> AppResult<Option<(super::limits::BylawLimits, Option<String>)>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let Some(version) = crate::bylaws::store::current(&mut conn, scope.coop.id).await? else {
        return Ok(None);
    };
    let schedule = &version.schedule.distribution;
    let article =
        crate::bylaws::rules::distribution_article(&version.bylaws, &schedule.reserve_rate).map(|a| a.number.clone());
    Ok(super::limits::BylawLimits::of(version.number, schedule).map(|limits| (limits, article)))
}

/// The co-op's ballots that could approve a distribution: made for that kind of
/// decision and not ended, the board's only where the distribution lets the board
/// approve, as (id, title), newest first.
pub async fn approving_ballots(
    state: &AppState,
    scope: &InCoop,
    board_may_approve: bool,
) -> AppResult<Vec<(Uuid, String)>> {
    use crate::ballots::{rules::Status, store as ballots};
    scope.require(Action::ManageDistribution)?;
    let mut conn = db::conn(&state.pool).await?;
    Ok(ballots::list(&mut conn, scope.coop.id)
        .await?
        .into_iter()
        .filter(|b| b.decision_kind == crate::bylaws::rules::DecisionKind::DistributionApproval)
        .filter(|b| !matches!(b.status, Status::Closed | Status::Cancelled))
        .filter(|b| board_may_approve || b.body == DecidingBody::Members)
        .map(|b| (b.id, b.title))
        .collect())
}

/// A ballot may approve a distribution when it was made for that kind of decision
/// (so the bylaws' rule for it applies), is the members' or (where the distribution
/// lets the board approve) the board's, has not ended, and decides no other
/// distribution.
async fn check_approving_ballot(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    distribution: Uuid,
    ballot_id: Uuid,
    board_may_approve: bool,
) -> AppResult<()> {
    use crate::ballots::{rules::Status, store as ballots};
    let refuse = |message: &str| Err(AppError::field("ballot_id", message));
    let ballot = match ballots::find(conn, coop_id, ballot_id, ballots::Lock::Share).await {
        Ok(ballot) => ballot,
        Err(AppError::NotFound) => return refuse("No ballot of this co-op has this id."),
        Err(e) => return Err(e),
    };
    if ballot.decision_kind != crate::bylaws::rules::DecisionKind::DistributionApproval {
        return refuse("This ballot was not made to approve a distribution: create one of that kind.");
    }
    if ballot.body == DecidingBody::Board && !board_may_approve {
        return refuse("The members approve this distribution: choose a ballot of the members, not of the board.");
    }
    if matches!(ballot.status, Status::Closed | Status::Cancelled) {
        return refuse("This ballot has ended: choose or create another.");
    }
    if store::distribution_of_ballot(conn, coop_id, ballot_id)
        .await?
        .is_some_and(|other| other != distribution)
    {
        return refuse("This ballot already decides another distribution.");
    }
    Ok(())
}

/// Takes a proposed or approved distribution back to draft (treasurers, or the
/// board refusing it).
pub async fn return_to_draft(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<DistributionView> {
    if !may_read_all(scope) {
        return Err(AppError::Forbidden);
    }
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| step(conn, coop_id, id, Step::ReturnToDraft, Some(actor), None, json!({})).await)
        .await?;
    load_view(&mut conn, coop_id, id, None, false, Lines::All).await
}

/// Settles a proposed distribution when its approving ballot closes: approved if
/// the ballot passed, back to draft (with its rules visible) if it did not. Called
/// by the ballots code inside its own transaction; `actor` is whoever closed the
/// ballot (`None` for the scheduler).
pub async fn settle_from_ballot(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    distribution_id: Uuid,
    passed: bool,
    actor: Option<Uuid>,
) -> AppResult<DistributionStatus> {
    let how = if passed { Step::Approve } else { Step::ReturnToDraft };
    step(
        conn,
        coop_id,
        distribution_id,
        how,
        actor,
        None,
        json!({"by": "ballot", "passed": passed}),
    )
    .await
}

/// What posting sends.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct PostRequest {
    /// The date of the entries (default: today).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// E-mail every member their notice once posted (default: yes).
    #[serde(default = "yes")]
    pub notify: bool,
}

fn yes() -> bool {
    true
}

impl Default for PostRequest {
    fn default() -> Self {
        PostRequest {
            date: None,
            notify: true,
        }
    }
}

/// Posts an approved distribution (treasurers): every ledger entry in one
/// transaction. Idempotent: posting a posted distribution changes nothing and
/// answers it as it is, so a double click or two treasurers at once leave exactly
/// one posting. Members get their notices by e-mail after the commit.
pub async fn post(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    request: &PostRequest,
    with_lines: bool,
) -> AppResult<DistributionView> {
    scope.require(Action::ManageDistribution)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let date = request.date.unwrap_or_else(|| scope.coop.today());
    let mut conn = db::conn(&state.pool).await?;
    // The notices are written from the lines.
    let lines_built = with_lines || request.notify;
    let posted = conn
        .transaction(async |conn| {
            let posted = post_locked(conn, coop_id, id, date, actor, lines_built).await?;
            // The notices are a job queued with the posting: they go out once it
            // commits, whatever happens to this request, in the job workers' time.
            if posted.is_some() && request.notify {
                enqueue_notices(conn, coop_id, id, actor).await?;
            }
            Ok::<_, AppError>(posted)
        })
        .await?;
    let Some(view) = posted else {
        // Already posted: answered as it is, with its lines only if they are answered.
        return load_view(&mut conn, coop_id, id, None, false, Lines::all_if(with_lines)).await;
    };
    Ok(view)
}

/// The job kind that queues a posted distribution's notices of allocation.
pub const ALLOCATION_NOTICES: &str = "allocation_notices";

async fn enqueue_notices(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, actor: Uuid) -> AppResult<Uuid> {
    let payload = serde_json::json!({ "distribution": id });
    crate::jobs::enqueue(conn, Some(coop_id), ALLOCATION_NOTICES, payload, Some(actor)).await
}

/// Posts, and answers the posted distribution from what was written (`None` when
/// it was already posted).
async fn post_locked(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    date: NaiveDate,
    actor: Uuid,
    with_lines: bool,
) -> AppResult<Option<DistributionView>> {
    // Concurrent posts of one distribution queue on this row lock; the later ones
    // find it posted and change nothing.
    let started = std::time::Instant::now();
    let mut row = store::distribution_for_update(conn, coop_id, id).await?;
    let status = row.status()?;
    if status == DistributionStatus::Posted {
        return Ok(None);
    }
    workflow::next_status(status, Step::Post).map_err(conflict)?;
    let year = store::year_for_update(conn, coop_id, row.fiscal_year_id).await?;
    if year.status() == YearStatus::Distributed {
        return Err(AppError::Conflict(format!(
            "another distribution of {} is posted",
            year.label
        )));
    }
    tracing::debug!(ms = started.elapsed().as_millis(), "posting: distribution read");
    let (rule_set, inputs, alloc) = read_row(&row)?;
    let currency = capital::currency(conn, coop_id).await?;
    let by_key: HashMap<&str, Uuid> = inputs.iter().map(|i| (i.input.member.as_str(), i.member_id)).collect();
    let member_of = |key: &str| {
        by_key
            .get(key)
            .copied()
            .ok_or_else(|| AppError::internal(format!("no input for {key}")))
    };
    // Retained balances are read and charged under the capital ledger's lock.
    capital::lock_ledger(conn, coop_id).await?;
    let mut losses = Vec::new();
    for line in alloc.members.iter().filter(|m| m.retained < Decimal::ZERO) {
        losses.push((MemberId(member_of(&line.member)?), -line.retained));
    }
    let (charges, loss_to_reserve) = if losses.is_empty() {
        (Vec::new(), Decimal::ZERO)
    } else {
        let ids: Vec<Uuid> = losses.iter().map(|(m, _)| m.0).collect();
        let balances: HashMap<MemberId, Decimal> = store::retained_balances(conn, coop_id, &ids, date)
            .await?
            .into_iter()
            .map(|(m, b)| (MemberId(m), b))
            .collect();
        workflow::charge_losses(&losses, &balances)
    };
    let mut entries = Vec::new();
    let mut retained = Vec::new();
    // What no member's account can bear of a loss charged to members, the reserve bears.
    let reserve = alloc.reserve - loss_to_reserve;
    if !reserve.is_zero() {
        entries.push(DistributionEntry::new("allocation", None, date).with(Account::Reserve, reserve));
    }
    // In the order of the members' ids: each ledger row then lands next to the
    // previous one in the ledgers' member indexes instead of on a random page
    // (0.6 s less for 100,000 capital entries, decision 0006).
    let mut lines = alloc
        .members
        .iter()
        .map(|line| Ok((member_of(&line.member)?, line)))
        .collect::<AppResult<Vec<_>>>()?;
    lines.sort_unstable_by_key(|(member, _)| *member);
    for (member, line) in lines {
        // One row credits both of what the member is owed in cash.
        if line.share_return > Decimal::ZERO || line.cash > Decimal::ZERO {
            entries.push(
                DistributionEntry::new("allocation", Some(member), date)
                    .with(Account::ShareReturn, line.share_return.max(Decimal::ZERO))
                    .with(Account::PatronageCash, line.cash.max(Decimal::ZERO)),
            );
        }
        if line.retained > Decimal::ZERO {
            retained.push(LedgerEntry {
                id: EntryId(Uuid::now_v7()),
                member: MemberId(member),
                date,
                kind: EntryKind::PatronageRetained {
                    fiscal_year: year.ends_on.year(),
                    amount: money(line.retained, currency)?,
                },
            });
        }
    }
    for (member, amount) in charges.iter().filter(|(_, a)| *a > Decimal::ZERO) {
        retained.push(LedgerEntry {
            id: EntryId(Uuid::now_v7()),
            member: *member,
            date,
            kind: EntryKind::PatronageLoss {
                fiscal_year: year.ends_on.year(),
                amount: money(*amount, currency)?,
            },
        });
    }
    // The posting row is the idempotency key: a second posting cannot be stored.
    tracing::debug!(ms = started.elapsed().as_millis(), "posting: entries built");
    store::insert_posting(conn, coop_id, id, "post", date, actor, None).await?;
    store::append_entries(conn, coop_id, id, &entries, actor).await?;
    tracing::debug!(
        ms = started.elapsed().as_millis(),
        "posting: distribution entries written"
    );
    store::append_capital(conn, coop_id, &retained, id, actor).await?;
    tracing::debug!(ms = started.elapsed().as_millis(), "posting: capital entries written");
    store::set_status(conn, coop_id, id, DistributionStatus::Posted, Some(actor), None).await?;
    store::set_year_status(conn, coop_id, year.id, YearStatus::Distributed, actor).await?;
    let [_, _, (_, cash), (_, kept)] = workflow::parts(&alloc);
    audit::append(
        conn,
        Some(coop_id),
        Some(actor),
        "patronage.distribution_posted",
        &format!("distribution:{id}"),
        json!({"fiscal_year": year.id, "date": date, "rule_set_hash": row.rule_set_hash,
            "reserve": alloc.reserve, "share_return": alloc.share_return_total, "cash": cash, "retained": kept,
            "distribution_entries": entries.len(), "capital_entries": retained.len(),
            "loss_charged": charges.iter().map(|(_, a)| *a).sum::<Decimal>(), "loss_to_reserve": loss_to_reserve}),
    )
    .await?;
    tracing::debug!(ms = started.elapsed().as_millis(), "posting: written");
    row.status = DistributionStatus::Posted.as_str().into();
    row.posted_at = Some(Utc::now());
    let mut year = year;
    year.status = YearStatus::Distributed.as_str().into();
    build_view(
        &row,
        (rule_set, inputs, alloc),
        year,
        &entries,
        currency,
        None,
        false,
        Lines::all_if(with_lines),
    )
    .map(Some)
}

/// What a reversal sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct ReverseRequest {
    /// Why; required.
    pub reason: String,
    /// The date of the reversing entries (default: today).
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Reverses a posted distribution (treasurers): opposite entries restore every
/// account to the cent, the year is closed again (a corrected distribution may be
/// computed), and the reason is recorded. Refused while a payment stands: each
/// payment is reversed first ([`reverse_payment`]).
pub async fn reverse(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    request: &ReverseRequest,
) -> AppResult<DistributionView> {
    scope.require(Action::ManageDistribution)?;
    let reason = reason_of(
        &request.reason,
        "Say why the distribution is reversed (at most 2,000 characters).",
    )?;
    let date = request.date.unwrap_or_else(|| scope.coop.today());
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        // The capital ledger's lock first, as a redemption of retained patronage
        // takes it before it writes to this distribution's ledger: the same order
        // everywhere, so the two cannot deadlock.
        capital::lock_ledger(conn, coop_id).await?;
        let row = store::distribution_for_update(conn, coop_id, id).await?;
        workflow::next_status(row.status()?, Step::Reverse).map_err(conflict)?;
        let posted_on = store::posted_on(conn, coop_id, id).await?.unwrap_or(date);
        if date < posted_on {
            return Err(AppError::field(
                "date",
                format!("The reversal cannot be dated before the posting ({posted_on})."),
            ));
        }
        let entries = store::entries(conn, coop_id, id).await?;
        // Money paid out is not undone by reversing the allocation: each payment is
        // reversed first (it was not made, or was repaid), so what the reversal
        // cancels is exactly what is still owed.
        if !unreversed_payments(&entries).is_empty() {
            return Err(AppError::Conflict(
                "payments were recorded against this distribution: reverse each payment first".into(),
            ));
        }
        // Retained patronage redeemed under the revolving schedule is owed (or paid):
        // each redemption is reversed first.
        let reversed: HashSet<Uuid> = entries.iter().filter_map(|e| e.reverses).collect();
        if entries
            .iter()
            .any(|e| e.kind == "redemption" && !reversed.contains(&e.id))
        {
            return Err(AppError::Conflict(
                "retained patronage of this distribution was redeemed: reverse each redemption first".into(),
            ));
        }
        let opposite: Vec<DistributionEntry> = entries
            .iter()
            .filter(|e| e.kind == "allocation")
            .map(|e| e.reversal(date))
            .collect();
        let retained: Vec<LedgerEntry> = store::retained_entries(conn, coop_id, id)
            .await?
            .into_iter()
            .map(|e| LedgerEntry {
                id: EntryId(Uuid::now_v7()),
                member: e.member,
                date,
                kind: EntryKind::Reversal {
                    of: e.id,
                    reason: reason.clone(),
                },
            })
            .collect();
        store::insert_posting(conn, coop_id, id, "reversal", date, actor, Some(&reason)).await?;
        store::append_entries(conn, coop_id, id, &opposite, actor).await?;
        store::append_capital(conn, coop_id, &retained, id, actor).await?;
        store::set_status(conn, coop_id, id, DistributionStatus::Reversed, Some(actor), None).await?;
        store::set_year_status(conn, coop_id, row.fiscal_year_id, YearStatus::Closed, actor).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.distribution_reversed",
            &format!("distribution:{id}"),
            json!({"reason": reason, "date": date, "distribution_entries": opposite.len(),
                "capital_entries": retained.len()}),
        )
        .await
    })
    .await?;
    load_view(&mut conn, coop_id, id, None, false, Lines::All).await
}

/// A payment of what a posted distribution owes a member.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct PaymentInput {
    /// The member paid.
    pub member_id: Uuid,
    /// `share_return_payable`, `patronage_cash_payable` or `revolving_payable`.
    pub account: String,
    /// The amount, e.g. "120.50"; at most what is owed.
    pub amount: String,
    /// The date paid (default: today).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The bank reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Records a payment of a share return or of cash patronage (treasurers).
pub async fn record_payment(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    input: &PaymentInput,
) -> AppResult<DistributionView> {
    scope.require(Action::ManageDistribution)?;
    let Some(account) = Account::payable(&input.account) else {
        return Err(AppError::field(
            "account",
            "Choose share_return_payable, patronage_cash_payable or revolving_payable.",
        ));
    };
    let amount = parse_decimal("amount", &input.amount)?;
    if amount <= Decimal::ZERO || amount.normalize().scale() > 2 {
        return Err(AppError::field(
            "amount",
            "Give a positive amount with at most 2 decimals.",
        ));
    }
    let date = input.date.unwrap_or_else(|| scope.coop.today());
    let reference = input
        .reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let row = store::distribution_for_update(conn, coop_id, id).await?;
        if row.status()? != DistributionStatus::Posted {
            return Err(AppError::Conflict("only a posted distribution is paid".into()));
        }
        let owed: Decimal = store::entries(conn, coop_id, id)
            .await?
            .iter()
            .filter(|e| e.member_id == Some(input.member_id))
            .map(|e| e.amount(account))
            .sum();
        if amount > owed {
            return Err(AppError::field(
                "amount",
                format!("Only {owed} is owed on this account."),
            ));
        }
        let entry = DistributionEntry {
            reference: reference.clone(),
            ..DistributionEntry::new("payment", Some(input.member_id), date).with(account, -amount)
        };
        store::append_entries(conn, coop_id, id, std::slice::from_ref(&entry), actor).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.payment_recorded",
            &format!("member:{}", input.member_id),
            json!({"distribution": id, "account": account.as_str(), "amount": amount, "date": date,
                "reference": reference}),
        )
        .await
    })
    .await?;
    load_view(&mut conn, coop_id, id, None, false, Lines::All).await
}

/// The payments of a distribution's ledger that no entry reverses.
fn unreversed_payments(entries: &[DistributionEntry]) -> Vec<&DistributionEntry> {
    let reversed: HashSet<Uuid> = entries.iter().filter_map(|e| e.reverses).collect();
    entries
        .iter()
        .filter(|e| e.kind == "payment" && !reversed.contains(&e.id))
        .collect()
}

/// A payment of what a posted distribution owes, or the reversal of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DistributionPayment {
    /// Its id.
    pub id: Uuid,
    /// The member paid.
    pub member_id: Uuid,
    /// `share_return_payable`, `patronage_cash_payable` or `revolving_payable`.
    pub account: String,
    /// `payment` or `reversal`.
    pub kind: String,
    /// Signed amount: a payment (negative) settles, its reversal owes it again.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Its date.
    pub entry_date: NaiveDate,
    /// The payment's bank reference.
    pub reference: Option<String>,
    /// The payment a reversal cancels.
    pub reverses: Option<Uuid>,
}

/// The payments of a distribution's ledger and the reversals of payments.
fn payments_of(entries: &[DistributionEntry]) -> Vec<DistributionPayment> {
    let paid: HashSet<Uuid> = entries.iter().filter(|e| e.kind == "payment").map(|e| e.id).collect();
    entries
        .iter()
        .filter(|e| paid.contains(&e.id) || e.reverses.is_some_and(|r| paid.contains(&r)))
        .filter_map(|e| {
            let (account, amount) = e.payable()?;
            Some(DistributionPayment {
                id: e.id,
                member_id: e.member_id?,
                account: account.as_str().into(),
                kind: e.kind.clone(),
                amount,
                entry_date: e.entry_date,
                reference: e.reference.clone(),
                reverses: e.reverses,
            })
        })
        .collect()
}

/// A required reason (a reversal's), trimmed, at most 2,000 characters.
fn reason_of(text: &str, message: &str) -> AppResult<String> {
    let reason = text.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(AppError::field("reason", message));
    }
    Ok(reason)
}

/// What reversing a payment sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct PaymentReversal {
    /// Why; required ("the transfer was returned", "recorded twice").
    pub reason: String,
    /// The date of the reversing entry (default: today); not before the payment.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Reverses a recorded payment (treasurers): an entry of the opposite amount that
/// names the payment (at most once), so the amount is owed again; the reason is in
/// the audit event. A posting whose payments are all reversed may be reversed.
pub async fn reverse_payment(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    payment_id: Uuid,
    request: &PaymentReversal,
) -> AppResult<DistributionView> {
    scope.require(Action::ManageDistribution)?;
    let reason = reason_of(
        &request.reason,
        "Say why the payment is reversed (at most 2,000 characters).",
    )?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let row = store::distribution_for_update(conn, coop_id, id).await?;
        if row.status()? != DistributionStatus::Posted {
            return Err(AppError::Conflict(
                "only a posted distribution's payments are reversed".into(),
            ));
        }
        let entries = store::entries(conn, coop_id, id).await?;
        let payment = entries
            .iter()
            .find(|e| e.id == payment_id && e.kind == "payment")
            .ok_or(AppError::NotFound)?;
        if entries.iter().any(|e| e.reverses == Some(payment.id)) {
            return Err(AppError::Conflict("this payment is already reversed".into()));
        }
        let date = request.date.unwrap_or_else(|| scope.coop.today());
        if date < payment.entry_date {
            return Err(AppError::field(
                "date",
                format!(
                    "The reversal cannot be dated before the payment ({}).",
                    payment.entry_date
                ),
            ));
        }
        // The exact opposite of the payment: the amount is owed again.
        let reversal = payment.reversal(date);
        let (account, amount) = reversal
            .payable()
            .ok_or_else(|| AppError::internal(format!("payment {} moves no single account", payment.id)))?;
        store::append_entries(conn, coop_id, id, std::slice::from_ref(&reversal), actor).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.payment_reversed",
            &format!(
                "member:{}",
                payment.member_id.map(|m| m.to_string()).unwrap_or_default()
            ),
            json!({"distribution": id, "payment": payment.id, "account": account.as_str(),
                "amount": amount, "date": reversal.entry_date, "reason": reason}),
        )
        .await
    })
    .await?;
    load_view(&mut conn, coop_id, id, None, false, Lines::All).await
}

// ---------------------------------------------------------------------------
// the report and the notices

/// The report as CSV for the accountant: one row per member, then the totals.
pub fn report_csv(view: &DistributionView) -> AppResult<Vec<u8>> {
    let mut writer = crate::export::CsvExport::new();
    writer.write_record([
        "number",
        "name",
        "hours",
        "wages",
        "eligible_capital",
        "share_return",
        "patronage",
        "cash",
        "retained",
        "total",
        "share_return_owed",
        "cash_owed",
    ])?;
    for l in &view.lines {
        writer.write_record([
            l.number.map(|n| n.to_string()).unwrap_or_default(),
            l.name.clone(),
            l.hours.to_string(),
            l.wages.map(|w| w.to_string()).unwrap_or_default(),
            l.eligible_capital.amount().to_string(),
            l.share_return.amount().to_string(),
            l.patronage.amount().to_string(),
            l.cash.amount().to_string(),
            l.retained.amount().to_string(),
            l.total.amount().to_string(),
            l.share_return_owed.amount().to_string(),
            l.cash_owed.amount().to_string(),
        ])?;
    }
    let t = &view.totals;
    writer.write_record([
        String::new(),
        format!("TOTAL (surplus {}, reserve {})", t.surplus.amount(), t.reserve.amount()),
        t.hours.to_string(),
        String::new(),
        String::new(),
        t.share_return.amount().to_string(),
        t.patronage.amount().to_string(),
        t.cash.amount().to_string(),
        t.retained.amount().to_string(),
        (t.share_return.amount() + t.patronage.amount()).to_string(),
        String::new(),
        t.owed.amount().to_string(),
    ])?;
    writer.finish()
}

/// A member's notice of allocation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    /// The distribution.
    pub distribution_id: Uuid,
    /// Its status (a notice is final once posted).
    #[schema(value_type = String)]
    pub status: DistributionStatus,
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// The member's line.
    pub line: Line,
    /// Their hours in the year.
    pub hours: Vec<HoursEntry>,
    /// The totals of the distribution.
    pub totals: Totals,
    /// The rule set applied.
    #[schema(value_type = Object)]
    pub rule_set: RuleSet,
    /// SHA-256 of the rule set.
    pub rule_set_hash: String,
    /// The worked line of their figures.
    pub worked_line: Option<String>,
    /// The date posted.
    pub posted_on: Option<NaiveDate>,
}

/// A member's notice (the member themself once the distribution is proposed;
/// treasurers and the board at any time).
pub async fn notice(state: &AppState, scope: &InCoop, id: Uuid, member_id: Uuid) -> AppResult<Notice> {
    scope.require_own_or(member_id, &[Action::ManageDistribution, Action::ApproveDistribution])?;
    let mut conn = db::conn(&state.pool).await?;
    notice_in(&mut conn, scope.coop.id, id, member_id, may_read_all(scope)).await
}

async fn notice_in(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    member_id: Uuid,
    drafts_too: bool,
) -> AppResult<Notice> {
    let view = load_view(conn, coop_id, id, Some(member_id), false, Lines::Member(member_id)).await?;
    if view.status == DistributionStatus::Draft && !drafts_too {
        return Err(AppError::NotFound);
    }
    let line = view
        .lines
        .iter()
        .find(|l| l.member_id == member_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let hours = store::hours(conn, coop_id, view.fiscal_year.id, Some(member_id)).await?;
    let posted_on = store::posted_on(conn, coop_id, id).await?;
    Ok(Notice {
        distribution_id: id,
        status: view.status,
        fiscal_year: view.fiscal_year,
        line,
        hours,
        totals: view.totals,
        rule_set: view.rule_set,
        rule_set_hash: view.rule_set_hash,
        worked_line: view.worked_line,
        posted_on,
    })
}

/// The distributions a member has a notice in (proposed or later), newest first.
pub async fn my_notices(state: &AppState, scope: &InCoop) -> AppResult<Vec<(DistributionSummary, FiscalYear)>> {
    scope.require(Action::ViewOwnRecords)?;
    let mut conn = db::conn(&state.pool).await?;
    let distributions = store::distributions_with_member(&mut conn, scope.coop.id, scope.member_id).await?;
    if distributions.is_empty() {
        return Ok(Vec::new());
    }
    let years = store::years(&mut conn, scope.coop.id).await?;
    distributions
        .into_iter()
        .map(|d| {
            let year = years
                .iter()
                .find(|y| y.id == d.fiscal_year_id)
                .cloned()
                .ok_or_else(|| AppError::internal(format!("distribution {} has no fiscal year", d.id)))?;
            Ok((d, year))
        })
        .collect()
}

/// Sends every member of a posted distribution their notice of allocation
/// (treasurers; also done on posting): a job that queues them, as a legal notice
/// followed member by member. Answers the job.
pub async fn send_notices(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Uuid> {
    scope.require(Action::ManageDistribution)?;
    let mut conn = db::conn(&state.pool).await?;
    let view = load_view(&mut conn, scope.coop.id, id, None, false, Lines::Skipped).await?;
    if view.status != DistributionStatus::Posted {
        return Err(AppError::Conflict("notices are sent for a posted distribution".into()));
    }
    enqueue_notices(&mut conn, scope.coop.id, id, scope.caller.user.id).await
}

/// Runs the job [`send_notices`] and the posting queue: every member's notice of
/// allocation, in one transaction. Answers `{"queued": N}`.
pub async fn run_notices_job(
    conn: &mut AsyncPgConnection,
    settings: &crate::config::Settings,
    job: &crate::jobs::Claimed,
) -> AppResult<serde_json::Value> {
    let id = job
        .payload
        .get("distribution")
        .and_then(|v| v.as_str())
        .and_then(|v| v.parse::<Uuid>().ok());
    let (Some(coop_id), Some(id), Some(actor)) = (job.coop_id, id, job.created_by) else {
        return Err(AppError::BadRequest("the notices job names no distribution".into()));
    };
    let coop = crate::coops::store::by_id(conn, coop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = load_view(conn, coop_id, id, None, false, Lines::All).await?;
    let queued = queue_notices(conn, settings, &coop, actor, &view).await?;
    crate::jobs::progress(conn, job.id, queued as i64, queued as i64).await?;
    Ok(serde_json::json!({ "queued": queued }))
}

async fn queue_notices(
    conn: &mut AsyncPgConnection,
    settings: &crate::config::Settings,
    coop: &crate::coops::store::Coop,
    actor: Uuid,
    view: &DistributionView,
) -> AppResult<usize> {
    use crate::web::i18n;
    let id = view.id;
    if view.status != DistributionStatus::Posted {
        return Err(AppError::Conflict("notices are sent for a posted distribution".into()));
    }
    let people: HashMap<Uuid, (String, String)> = members::register(conn, coop.id)
        .await?
        .into_iter()
        .map(|r| (r.id, (r.email, r.display_name)))
        .collect();
    let emails: Vec<&str> = people.values().map(|(email, _)| email.as_str()).collect();
    let locales = crate::auth::store::locales_of(conn, &emails).await?;
    let mut mails = Vec::new();
    for line in &view.lines {
        if line.total.is_zero() {
            continue;
        }
        let Some((email, _)) = people.get(&line.member_id) else {
            continue;
        };
        let lang = locales.get(email).cloned().unwrap_or_else(|| coop.locale.clone());
        let locale = Locale::from_tag(&lang).unwrap_or(Locale::En);
        let link = format!(
            "{}/c/{}/patronage/distributions/{}/notice",
            settings.public_url, coop.slug, id
        );
        let mail = crate::mail::Mail {
            to: email.clone(),
            subject: i18n::text_with(
                &lang,
                "mail-notice-subject",
                &[("coop", coop.name.clone()), ("year", view.fiscal_year.label.clone())],
            ),
            body: i18n::text_with(
                &lang,
                "mail-notice-body",
                &[
                    ("coop", coop.name.clone()),
                    ("year", view.fiscal_year.label.clone()),
                    ("hours", line.hours.to_string()),
                    ("share_return", line.share_return.format(locale)),
                    ("patronage", line.patronage.format(locale)),
                    ("cash", line.cash.format(locale)),
                    ("retained", line.retained.format(locale)),
                    ("link", link),
                ],
            ),
        };
        mails.push(mail);
    }
    let notice = crate::mail::NoticeOf {
        coop_id: coop.id,
        kind: crate::notifications::rules::LegalNotice::Allocation,
        subject_id: id,
        created_by: Some(actor),
    };
    conn.transaction(async |conn| crate::mail::queue_notice(conn, &notice, &mails).await)
        .await?;
    Ok(mails.len())
}

// ---------------------------------------------------------------------------
// the revolving schedule of retained patronage

/// One fiscal year's retained patronage of a member on the revolving schedule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduleLine {
    /// The member.
    pub member_id: Uuid,
    /// Their number.
    pub number: Option<i64>,
    /// Their name.
    pub name: String,
    /// The distribution that retained it.
    pub distribution_id: Uuid,
    /// Its fiscal year.
    pub fiscal_year_id: Uuid,
    /// The year's label.
    pub fiscal_year: String,
    /// The year's last day.
    pub year_end: NaiveDate,
    /// When it is due back (none without a revolving period).
    pub due_on: Option<NaiveDate>,
    /// Retained.
    #[schema(value_type = Object)]
    pub retained: Money,
    /// Taken by losses charged to the account (oldest years first).
    #[schema(value_type = Object)]
    pub lost: Money,
    /// Redeemed.
    #[schema(value_type = Object)]
    pub redeemed: Money,
    /// Still retained: what a redemption pays.
    #[schema(value_type = Object)]
    pub outstanding: Money,
    /// A redemption stands: never due again.
    pub settled: bool,
    /// Due for redemption on the view's date.
    pub due: bool,
}

/// Retained patronage on the revolving schedule as of a date: what is due for
/// redemption (the co-op's view), or a member's every year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevolvingView {
    /// The date.
    pub as_of: NaiveDate,
    /// The co-op's revolving period in years (none: no revolving).
    pub revolving_years: Option<u32>,
    /// The lines, oldest year first, then by member number.
    pub lines: Vec<ScheduleLine>,
    /// The sum of the lines' outstanding amounts.
    #[schema(value_type = Object)]
    pub total: Money,
}

/// Every member's (or one member's) retained patronage written by distributions,
/// year by year, as of a date (`patronage::revolving`).
async fn schedule_lines(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    as_of: NaiveDate,
    member: Option<Uuid>,
    years: Option<u32>,
    currency: Currency,
) -> AppResult<Vec<ScheduleLine>> {
    use super::revolving::{self, MovementKind};
    let rows = store::retained_movements(conn, coop_id, as_of, member).await?;
    let mut by_member: BTreeMap<Uuid, Vec<revolving::Movement>> = BTreeMap::new();
    let mut years_of: HashMap<Uuid, (Uuid, String)> = HashMap::new();
    for row in &rows {
        let cents = (row.amount * Decimal::ONE_HUNDRED)
            .trunc()
            .try_into()
            .map_err(|_| AppError::internal(format!("retained amount {}", row.amount)))?;
        let kind = match (row.kind.as_str(), row.distribution_id, row.year_end) {
            ("patronage_loss", _, _) => MovementKind::Loss { cents },
            ("patronage_retained", Some(source), Some(year_end)) => MovementKind::Retained {
                source,
                year_end,
                cents,
            },
            ("patronage_redeemed", Some(source), Some(_)) => MovementKind::Redeemed { source, cents },
            // Retained patronage not written by a distribution has no fiscal year to revolve from.
            _ => continue,
        };
        if let (Some(d), Some(y), Some(label)) = (row.distribution_id, row.fiscal_year_id, &row.year_label) {
            years_of.insert(d, (y, label.clone()));
        }
        by_member.entry(row.member_id).or_default().push(revolving::Movement {
            date: row.entry_date,
            kind,
        });
    }
    let facts: HashMap<Uuid, (Option<i64>, String)> = store::member_facts(conn, coop_id)
        .await?
        .into_iter()
        .map(|f| (f.id, (f.number, f.display_name)))
        .collect();
    let cents = |c: i64| Money::from_cents(c, currency).map_err(|e| AppError::internal(e.to_string()));
    let mut lines = Vec::new();
    for (member_id, movements) in by_member {
        let (number, name) = facts.get(&member_id).cloned().unwrap_or_default();
        for t in revolving::schedule(&movements, years).tranches {
            let (fiscal_year_id, fiscal_year) = years_of.get(&t.source).cloned().unwrap_or_default();
            lines.push(ScheduleLine {
                member_id,
                number,
                name: name.clone(),
                distribution_id: t.source,
                fiscal_year_id,
                fiscal_year,
                year_end: t.year_end,
                due_on: t.due_on,
                retained: cents(t.retained)?,
                lost: cents(t.lost)?,
                redeemed: cents(t.redeemed)?,
                outstanding: cents(t.outstanding)?,
                settled: t.settled,
                due: t.is_due(as_of),
            });
        }
    }
    lines.sort_by_key(|l| (l.year_end, l.number.unwrap_or(i64::MAX), l.member_id));
    Ok(lines)
}

fn revolving_view(
    as_of: NaiveDate,
    revolving_years: Option<u32>,
    lines: Vec<ScheduleLine>,
    currency: Currency,
) -> AppResult<RevolvingView> {
    let total = lines.iter().map(|l| l.outstanding.amount()).sum();
    Ok(RevolvingView {
        as_of,
        revolving_years,
        total: money(total, currency)?,
        lines,
    })
}

/// The retained patronage due for redemption on `as_of` under the co-op's
/// revolving period, oldest year first (treasurers and the board).
pub async fn due_for_redemption(state: &AppState, scope: &InCoop, as_of: NaiveDate) -> AppResult<RevolvingView> {
    if !scope.can(Action::ManageDistribution) && !scope.can(Action::ApproveDistribution) {
        return Err(AppError::Forbidden);
    }
    let coop_id = scope.coop.id;
    let mut conn = db::conn(&state.pool).await?;
    let currency = capital::currency(&mut conn, coop_id).await?;
    let years = own_rules::revolving_years(&mut conn, coop_id).await?;
    if years.is_none() {
        // Without a revolving period no retained patronage ever falls due.
        return revolving_view(as_of, years, Vec::new(), currency);
    }
    let lines = schedule_lines(&mut conn, coop_id, as_of, None, years, currency).await?;
    revolving_view(as_of, years, lines.into_iter().filter(|l| l.due).collect(), currency)
}

/// A member's retained patronage year by year, with when each year is expected
/// back, for their capital statement (the caller is authorised).
pub async fn member_schedule_in(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    as_of: NaiveDate,
) -> AppResult<RevolvingView> {
    let currency = capital::currency(conn, coop_id).await?;
    let years = own_rules::revolving_years(conn, coop_id).await?;
    let lines = schedule_lines(conn, coop_id, as_of, Some(member_id), years, currency).await?;
    revolving_view(as_of, years, lines, currency)
}

/// What a redemption of retained patronage sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct RedeemRequest {
    /// The redemption's date: what is due on it is redeemed (default: today; not
    /// in the future).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Only this fiscal year's retained patronage (default: every year due).
    #[serde(default)]
    pub fiscal_year_id: Option<Uuid>,
}

/// Redeems the retained patronage due on the date (treasurers), in one
/// transaction under the capital ledger's lock: for each member and year due, a
/// `patronage_redeemed` capital entry takes the outstanding amount out of the
/// account, a `revolving_payable` entry of that year's distribution owes it in
/// cash (paid and reversed as cash patronage is), a `retained_redemptions` row
/// keys it, and one audit event records the whole. A year already redeemed is
/// refused (409), as is a redemption with nothing due; nothing is written then.
pub async fn redeem_retained(state: &AppState, scope: &InCoop, request: &RedeemRequest) -> AppResult<RevolvingView> {
    scope.require(Action::ManageDistribution)?;
    let today = scope.coop.today();
    let date = request.date.unwrap_or(today);
    if date > today {
        return Err(AppError::field("date", "A redemption cannot be dated in the future."));
    }
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        // Redemptions, postings and every capital entry queue here: what is due is
        // read and redeemed with no one else writing to the capital ledger.
        capital::lock_ledger(conn, coop_id).await?;
        let Some(years) = own_rules::revolving_years(conn, coop_id).await? else {
            return Err(AppError::Conflict(
                "the co-op's rule set has no revolving period: set revolving_years first".into(),
            ));
        };
        let year = match request.fiscal_year_id {
            Some(id) => Some(store::year(conn, coop_id, id).await.map_err(|e| match e {
                AppError::NotFound => AppError::field("fiscal_year_id", "No such fiscal year."),
                other => other,
            })?),
            None => None,
        };
        let currency = capital::currency(conn, coop_id).await?;
        let lines = schedule_lines(conn, coop_id, date, None, Some(years), currency).await?;
        let of_year = |l: &&ScheduleLine| year.as_ref().is_none_or(|y| l.fiscal_year_id == y.id);
        let due: Vec<ScheduleLine> = lines.iter().filter(of_year).filter(|l| l.due).cloned().collect();
        if due.is_empty() {
            return Err(AppError::Conflict(match &year {
                Some(y) if lines.iter().filter(of_year).any(|l| l.settled) => {
                    format!("the retained patronage of {} is already redeemed", y.label)
                }
                Some(y) => format!("nothing of {} is due for redemption on {date}", y.label),
                None => format!("nothing is due for redemption on {date}"),
            }));
        }
        let rounds: HashMap<(Uuid, Uuid), i32> =
            store::redemptions(conn, coop_id, None)
                .await?
                .into_iter()
                .fold(HashMap::new(), |mut m, r| {
                    let round = m.entry((r.distribution_id, r.member_id)).or_insert(0);
                    *round = (*round).max(r.round);
                    m
                });
        let mut by_distribution: BTreeMap<Uuid, (Vec<DistributionEntry>, Vec<LedgerEntry>)> = BTreeMap::new();
        let mut keys = Vec::with_capacity(due.len());
        for line in &due {
            let payable = DistributionEntry::new("redemption", Some(line.member_id), date)
                .with(Account::Revolving, line.outstanding.amount());
            let entry = LedgerEntry {
                id: EntryId(Uuid::now_v7()),
                member: MemberId(line.member_id),
                date,
                kind: EntryKind::PatronageRedeemed {
                    fiscal_year: line.year_end.year(),
                    amount: line.outstanding,
                },
            };
            keys.push(store::Redemption {
                distribution_id: line.distribution_id,
                member_id: line.member_id,
                round: rounds
                    .get(&(line.distribution_id, line.member_id))
                    .copied()
                    .unwrap_or(0)
                    + 1,
                capital_entry_id: entry.id.0,
                payable_entry_id: payable.id,
                amount: line.outstanding.amount(),
                redeemed_on: date,
            });
            let slot = by_distribution.entry(line.distribution_id).or_default();
            slot.0.push(payable);
            slot.1.push(entry);
        }
        let mut per_year = Vec::new();
        for (distribution, (payables, entries)) in &by_distribution {
            store::append_entries(conn, coop_id, *distribution, payables, actor).await?;
            store::append_capital(conn, coop_id, entries, *distribution, actor).await?;
            let label = due
                .iter()
                .find(|l| l.distribution_id == *distribution)
                .map(|l| l.fiscal_year.clone());
            per_year.push(
                json!({"distribution": distribution, "fiscal_year": label, "members": payables.len(),
                "amount": payables.iter().map(|p| p.revolving).sum::<Decimal>()}),
            );
        }
        store::insert_redemptions(conn, coop_id, &keys, actor).await?;
        let view = revolving_view(date, Some(years), due, currency)?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.retained_redeemed",
            &format!("coop:{coop_id}"),
            json!({"date": date, "revolving_years": years, "fiscal_year": request.fiscal_year_id,
                "members": view.lines.len(), "total": view.total.amount(), "years": per_year}),
        )
        .await?;
        Ok(view)
    })
    .await
}

/// What reversing a redemption of retained patronage sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct RedemptionReversal {
    /// Why; required ("redeemed by mistake").
    pub reason: String,
    /// The date of the reversing entries (default: today); not before the redemption.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Reverses the standing redemption of a member's retained patronage of a
/// distribution (treasurers): a capital-ledger reversal puts the amount back in
/// the account and the opposite of its payable cancels what it owed; the year is
/// due again, and a new redemption is the next round. Refused while a payment of
/// it stands (reverse the payment first).
pub async fn reverse_redemption(
    state: &AppState,
    scope: &InCoop,
    distribution_id: Uuid,
    member_id: Uuid,
    request: &RedemptionReversal,
) -> AppResult<DistributionView> {
    scope.require(Action::ManageDistribution)?;
    let reason = reason_of(
        &request.reason,
        "Say why the redemption is reversed (at most 2,000 characters).",
    )?;
    let date = request.date.unwrap_or_else(|| scope.coop.today());
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        capital::lock_ledger(conn, coop_id).await?;
        store::distribution_for_update(conn, coop_id, distribution_id).await?;
        let mut standing = None;
        for r in store::redemptions(conn, coop_id, Some((distribution_id, member_id))).await? {
            if !store::capital_reversed(conn, coop_id, r.capital_entry_id).await? {
                standing = Some(r);
            }
        }
        let redemption = standing.ok_or(AppError::NotFound)?;
        if date < redemption.redeemed_on {
            return Err(AppError::field(
                "date",
                format!(
                    "The reversal cannot be dated before the redemption ({}).",
                    redemption.redeemed_on
                ),
            ));
        }
        let entries = store::entries(conn, coop_id, distribution_id).await?;
        if unreversed_payments(&entries)
            .iter()
            .any(|p| p.member_id == Some(member_id) && !p.revolving.is_zero())
        {
            return Err(AppError::Conflict(
                "a payment of this redemption stands: reverse the payment first".into(),
            ));
        }
        let reversal = DistributionEntry {
            reverses: Some(redemption.payable_entry_id),
            ..DistributionEntry::new("reversal", Some(member_id), date).with(Account::Revolving, -redemption.amount)
        };
        let capital_reversal = LedgerEntry {
            id: EntryId(Uuid::now_v7()),
            member: MemberId(member_id),
            date,
            kind: EntryKind::Reversal {
                of: EntryId(redemption.capital_entry_id),
                reason: reason.clone(),
            },
        };
        store::append_entries(conn, coop_id, distribution_id, std::slice::from_ref(&reversal), actor).await?;
        store::append_capital(
            conn,
            coop_id,
            std::slice::from_ref(&capital_reversal),
            distribution_id,
            actor,
        )
        .await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "patronage.redemption_reversed",
            &format!("member:{member_id}"),
            json!({"distribution": distribution_id, "round": redemption.round, "amount": redemption.amount,
                "date": date, "reason": reason}),
        )
        .await
    })
    .await?;
    load_view(&mut conn, coop_id, distribution_id, None, false, Lines::All).await
}
