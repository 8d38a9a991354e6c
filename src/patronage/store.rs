//! Fiscal years, hours, distributions and their ledger in the database. Every query
//! takes the co-op it is scoped to.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::workflow::{DistributionStatus, HoursLine, Movement, YearStatus};
use crate::db::schema::{
    capital_entries, distribution_entries, distribution_postings, distributions, fiscal_years, hours_entries,
};
use crate::error::{AppError, AppResult};
use crate::membership::lifecycle::MemberId;
use crate::shares::rules::{EntryId, EntryKind, LedgerEntry};
use crate::shares::store::{columns, entries_of, stored_columns, StoredEntry};

/// Rows per multi-row INSERT: 11 columns × 4,000 stays under PostgreSQL's 65,535
/// parameters per statement.
const CHUNK: usize = 4_000;

/// Rows per `INSERT … SELECT unnest(array), …`: one statement with one array per
/// column is parsed once, which is what lets a posting of 100,000 members write its
/// ledger rows in seconds. The arrays are unnested in the select list, which zips
/// them row by row; `FROM unnest(a, b, …)` first copies every array's elements into
/// a tuplestore of its own (0.5 s more for 100,000 capital entries).
const ARRAY_CHUNK: usize = 50_000;

/// Serialises the co-op's patronage writes (years, hours, distributions) until the
/// transaction ends.
pub async fn lock(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind::<Text, _>(format!("patronage:{coop_id}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// A fiscal year.
#[derive(Debug, Clone, Queryable, Serialize, ToSchema)]
pub struct FiscalYear {
    /// Its id.
    pub id: Uuid,
    /// Its name ("2025").
    pub label: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// `open`, `closed` or `distributed`.
    pub status: String,
    /// When it was closed for hours.
    pub closed_at: Option<DateTime<Utc>>,
}

impl FiscalYear {
    /// The status as the rules know it.
    pub fn status(&self) -> YearStatus {
        YearStatus::parse(&self.status).unwrap_or(YearStatus::Open)
    }

    /// First and last day.
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        (self.starts_on, self.ends_on)
    }
}

type YearColumns = (
    fiscal_years::id,
    fiscal_years::label,
    fiscal_years::starts_on,
    fiscal_years::ends_on,
    fiscal_years::status,
    fiscal_years::closed_at,
);

const YEAR_COLUMNS: YearColumns = (
    fiscal_years::id,
    fiscal_years::label,
    fiscal_years::starts_on,
    fiscal_years::ends_on,
    fiscal_years::status,
    fiscal_years::closed_at,
);

/// Stores a new fiscal year.
pub async fn insert_year(conn: &mut AsyncPgConnection, coop_id: Uuid, year: &FiscalYear) -> AppResult<()> {
    diesel::insert_into(fiscal_years::table)
        .values((
            fiscal_years::coop_id.eq(coop_id),
            fiscal_years::id.eq(year.id),
            fiscal_years::label.eq(&year.label),
            fiscal_years::starts_on.eq(year.starts_on),
            fiscal_years::ends_on.eq(year.ends_on),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The co-op's fiscal years, latest first.
pub async fn years(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<FiscalYear>> {
    Ok(fiscal_years::table
        .filter(fiscal_years::coop_id.eq(coop_id))
        .order(fiscal_years::starts_on.desc())
        .select(YEAR_COLUMNS)
        .load(conn)
        .await?)
}

/// One fiscal year of the co-op.
pub async fn year(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) -> AppResult<FiscalYear> {
    fiscal_years::table
        .find((coop_id, id))
        .select(YEAR_COLUMNS)
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// One fiscal year, locked until the transaction ends.
pub async fn year_for_update(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) -> AppResult<FiscalYear> {
    fiscal_years::table
        .find((coop_id, id))
        .select(YEAR_COLUMNS)
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Changes a year's status (closing records when and by whom).
pub async fn set_year_status(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    status: YearStatus,
    actor: Uuid,
) -> AppResult<()> {
    let target = fiscal_years::table.find((coop_id, id));
    match status {
        YearStatus::Closed => {
            diesel::update(target)
                .set((
                    fiscal_years::status.eq(status.as_str()),
                    fiscal_years::closed_at.eq(Some(Utc::now())),
                    fiscal_years::closed_by.eq(Some(actor)),
                ))
                .execute(conn)
                .await?
        }
        _ => {
            diesel::update(target)
                .set(fiscal_years::status.eq(status.as_str()))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// One member's hours for one period, as stored.
#[derive(Debug, Clone, Queryable, Serialize, ToSchema)]
pub struct HoursEntry {
    /// Its id.
    pub id: Uuid,
    /// The member.
    pub member_id: Uuid,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Hours worked.
    #[schema(value_type = String)]
    pub hours: Decimal,
    /// Wages received.
    #[schema(value_type = Option<String>)]
    pub wages: Option<Decimal>,
}

/// The hours of a year, of one member or of all, by member then period.
pub async fn hours(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    year_id: Uuid,
    member: Option<Uuid>,
) -> AppResult<Vec<HoursEntry>> {
    let mut query = hours_entries::table
        .filter(hours_entries::coop_id.eq(coop_id))
        .filter(hours_entries::fiscal_year_id.eq(year_id))
        .into_boxed();
    if let Some(member) = member {
        query = query.filter(hours_entries::member_id.eq(member));
    }
    Ok(query
        .order((hours_entries::member_id, hours_entries::period_start))
        .select((
            hours_entries::id,
            hours_entries::member_id,
            hours_entries::period_start,
            hours_entries::period_end,
            hours_entries::hours,
            hours_entries::wages,
        ))
        .load(conn)
        .await?)
}

/// Stores new lines of hours (many rows per statement).
pub async fn insert_hours(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    year_id: Uuid,
    lines: &[HoursLine],
    actor: Uuid,
) -> AppResult<()> {
    for chunk in lines.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|l| {
                (
                    hours_entries::coop_id.eq(coop_id),
                    hours_entries::id.eq(Uuid::now_v7()),
                    hours_entries::fiscal_year_id.eq(year_id),
                    hours_entries::member_id.eq(l.member.0),
                    hours_entries::period_start.eq(l.period_start),
                    hours_entries::period_end.eq(l.period_end),
                    hours_entries::hours.eq(l.hours),
                    hours_entries::wages.eq(l.wages),
                    hours_entries::recorded_by.eq(Some(actor)),
                )
            })
            .collect();
        diesel::insert_into(hours_entries::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Corrects the figures of a recorded period.
pub async fn update_hours(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    hours: Decimal,
    wages: Option<Decimal>,
    actor: Uuid,
) -> AppResult<()> {
    diesel::update(hours_entries::table.find((coop_id, id)))
        .set((
            hours_entries::hours.eq(hours),
            hours_entries::wages.eq(wages),
            hours_entries::recorded_by.eq(Some(actor)),
            hours_entries::recorded_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A distribution as stored.
#[derive(Debug, Clone, Queryable)]
pub struct DistributionRow {
    /// Its id.
    pub id: Uuid,
    /// The fiscal year.
    pub fiscal_year_id: Uuid,
    /// Its status.
    pub status: String,
    /// The surplus distributed.
    pub surplus: Decimal,
    /// The rule set applied (JSON text).
    pub rule_set: String,
    /// Its hash.
    pub rule_set_hash: String,
    /// Every member input used (JSON text).
    pub inputs: String,
    /// The allocation (JSON text).
    pub result: String,
    /// Whether the board may approve it.
    pub board_may_approve: bool,
    /// The approving ballot.
    pub ballot_id: Option<Uuid>,
    /// When it was computed.
    pub created_at: DateTime<Utc>,
    /// When approved.
    pub approved_at: Option<DateTime<Utc>>,
    /// When posted.
    pub posted_at: Option<DateTime<Utc>>,
    /// When reversed.
    pub reversed_at: Option<DateTime<Utc>>,
}

impl DistributionRow {
    /// The status as the rules know it.
    pub fn status(&self) -> AppResult<DistributionStatus> {
        DistributionStatus::parse(&self.status).ok_or_else(|| AppError::internal(format!("status {}", self.status)))
    }
}

type DistributionColumns = (
    distributions::id,
    distributions::fiscal_year_id,
    distributions::status,
    distributions::surplus,
    SqlLiteral<Text>,
    distributions::rule_set_hash,
    distributions::inputs,
    distributions::result,
    distributions::board_may_approve,
    distributions::ballot_id,
    distributions::created_at,
    distributions::approved_at,
    distributions::posted_at,
    distributions::reversed_at,
);

/// The columns of a distribution, its JSON as text (the inputs and result are
/// stored as text, migration 000110): 100,000 members' inputs and result are
/// parsed once, straight into their types, not through a `serde_json::Value` tree
/// (decision 0006).
fn distribution_columns() -> DistributionColumns {
    (
        distributions::id,
        distributions::fiscal_year_id,
        distributions::status,
        distributions::surplus,
        sql::<Text>("distributions.rule_set::text"),
        distributions::rule_set_hash,
        distributions::inputs,
        distributions::result,
        distributions::board_may_approve,
        distributions::ballot_id,
        distributions::created_at,
        distributions::approved_at,
        distributions::posted_at,
        distributions::reversed_at,
    )
}

/// What a new distribution stores.
pub struct NewDistribution<'a> {
    /// Its id.
    pub id: Uuid,
    /// The fiscal year.
    pub fiscal_year_id: Uuid,
    /// The surplus.
    pub surplus: Decimal,
    /// The rule set (JSON text).
    pub rule_set: &'a str,
    /// SHA-256 of the canonical rule set.
    pub rule_set_hash: &'a str,
    /// Every member input (JSON text).
    pub inputs: &'a str,
    /// The allocation (JSON text).
    pub result: &'a str,
    /// Whether the board may approve.
    pub board_may_approve: bool,
}

/// Stores a new draft distribution. The inputs and result are the JSON text
/// serde_json printed, stored as it is (migration 000110): no `serde_json::Value`
/// tree is built for 100,000 members' inputs, and PostgreSQL does not parse them.
pub async fn insert_distribution(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    new: &NewDistribution<'_>,
) -> AppResult<()> {
    use diesel::sql_types::{Bool, Numeric, Uuid as SqlUuid};
    diesel::sql_query(
        "INSERT INTO distributions (coop_id, id, fiscal_year_id, surplus, rule_set, rule_set_hash, inputs, result, \
         board_may_approve) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)",
    )
    .bind::<SqlUuid, _>(coop_id)
    .bind::<SqlUuid, _>(new.id)
    .bind::<SqlUuid, _>(new.fiscal_year_id)
    .bind::<Numeric, _>(new.surplus)
    .bind::<Text, _>(new.rule_set)
    .bind::<Text, _>(new.rule_set_hash)
    .bind::<Text, _>(new.inputs)
    .bind::<Text, _>(new.result)
    .bind::<Bool, _>(new.board_may_approve)
    .execute(conn)
    .await?;
    Ok(())
}

/// One distribution of the co-op.
pub async fn distribution(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) -> AppResult<DistributionRow> {
    distributions::table
        .find((coop_id, id))
        .select(distribution_columns())
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// One distribution, locked until the transaction ends: two posts of the same
/// distribution queue here, and the second sees the first one's result.
pub async fn distribution_for_update(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
) -> AppResult<DistributionRow> {
    distributions::table
        .find((coop_id, id))
        .select(distribution_columns())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// A distribution in a list.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = distributions)]
pub struct DistributionSummary {
    /// Its id.
    pub id: Uuid,
    /// The fiscal year.
    pub fiscal_year_id: Uuid,
    /// Its status.
    pub status: String,
    /// The surplus.
    #[schema(value_type = String)]
    pub surplus: Decimal,
    /// When it was computed.
    pub created_at: DateTime<Utc>,
}

/// The co-op's distributions, newest first.
pub async fn distributions(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<DistributionSummary>> {
    Ok(distributions::table
        .filter(distributions::coop_id.eq(coop_id))
        .order(distributions::created_at.desc())
        .select(DistributionSummary::as_select())
        .load(conn)
        .await?)
}

/// The distributions past their draft that `member_id` has a share in (their input
/// was taken), newest first: the notices of allocation they may read. The stored
/// inputs are searched as text for the member's `"member_id"` key: inside a JSON
/// string every quote is escaped, so only a key can match, and a strpos over the
/// 25 MB of a 100,000-member distribution is 15 ms where parsing it was 360 ms. The
/// text is serde_json's (no space after the colon), or, for a distribution stored
/// before migration 000020, PostgreSQL's `jsonb` output (one space).
pub async fn distributions_with_member(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
) -> AppResult<Vec<DistributionSummary>> {
    let has_member = sql::<diesel::sql_types::Bool>("(strpos(distributions.inputs, ")
        .bind::<Text, _>(format!(r#""member_id":"{member_id}""#))
        .sql(") > 0 OR strpos(distributions.inputs, ")
        .bind::<Text, _>(format!(r#""member_id": "{member_id}""#))
        .sql(") > 0)");
    Ok(distributions::table
        .filter(distributions::coop_id.eq(coop_id))
        .filter(distributions::status.ne(DistributionStatus::Draft.as_str()))
        .filter(has_member)
        .order(distributions::created_at.desc())
        .select(DistributionSummary::as_select())
        .load(conn)
        .await?)
}

/// The distribution a ballot was chosen to decide, while that choice stands
/// (proposed, or approved and after).
pub async fn distribution_of_ballot(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(distributions::table
        .filter(distributions::coop_id.eq(coop_id))
        .filter(distributions::ballot_id.eq(ballot_id))
        .filter(distributions::status.ne("draft"))
        .select(distributions::id)
        .first(conn)
        .await
        .optional()?)
}

/// Records a change of status, with who and when for the steps that keep it (who
/// posted and reversed, and why, is in the postings).
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    status: DistributionStatus,
    actor: Option<Uuid>,
    ballot_id: Option<Uuid>,
) -> AppResult<()> {
    let now = Utc::now();
    let target = distributions::table.find((coop_id, id));
    let status_column = distributions::status.eq(status.as_str());
    match status {
        DistributionStatus::Draft => {
            diesel::update(target)
                .set((
                    status_column,
                    distributions::approved_at.eq(None::<DateTime<Utc>>),
                    distributions::approved_by.eq(None::<Uuid>),
                ))
                .execute(conn)
                .await?
        }
        DistributionStatus::Proposed => {
            diesel::update(target)
                .set((status_column, distributions::ballot_id.eq(ballot_id)))
                .execute(conn)
                .await?
        }
        DistributionStatus::Approved => {
            diesel::update(target)
                .set((
                    status_column,
                    distributions::approved_at.eq(Some(now)),
                    distributions::approved_by.eq(actor),
                ))
                .execute(conn)
                .await?
        }
        DistributionStatus::Posted => {
            diesel::update(target)
                .set((status_column, distributions::posted_at.eq(Some(now))))
                .execute(conn)
                .await?
        }
        DistributionStatus::Reversed => {
            diesel::update(target)
                .set((status_column, distributions::reversed_at.eq(Some(now))))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// Records the posting or the reversal of a distribution; a second one of the same
/// kind is refused by the key.
pub async fn insert_posting(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    distribution_id: Uuid,
    kind: &str,
    date: NaiveDate,
    actor: Uuid,
    reason: Option<&str>,
) -> AppResult<()> {
    diesel::insert_into(distribution_postings::table)
        .values((
            distribution_postings::coop_id.eq(coop_id),
            distribution_postings::distribution_id.eq(distribution_id),
            distribution_postings::kind.eq(kind),
            distribution_postings::posted_on.eq(date),
            distribution_postings::actor.eq(Some(actor)),
            distribution_postings::reason.eq(reason),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The date a distribution was posted, if it was.
pub async fn posted_on(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    distribution_id: Uuid,
) -> AppResult<Option<NaiveDate>> {
    Ok(distribution_postings::table
        .find((coop_id, distribution_id, "post"))
        .select(distribution_postings::posted_on)
        .first(conn)
        .await
        .optional()?)
}

/// An account of a distribution's ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Account {
    /// The collective reserve's part of the surplus.
    Reserve,
    /// Share returns owed to members.
    ShareReturn,
    /// Cash patronage owed to members.
    PatronageCash,
    /// Retained patronage redeemed under the revolving schedule, owed to members.
    Revolving,
}

impl Account {
    /// The accounts a member is paid from, in the ledger's column order.
    pub const PAYABLE: [Account; 3] = [Account::ShareReturn, Account::PatronageCash, Account::Revolving];

    /// Its name in the API, the pages and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Account::Reserve => "reserve",
            Account::ShareReturn => "share_return_payable",
            Account::PatronageCash => "patronage_cash_payable",
            Account::Revolving => "revolving_payable",
        }
    }

    /// The payable account of that name.
    pub fn payable(name: &str) -> Option<Account> {
        Account::PAYABLE.into_iter().find(|a| a.as_str() == name)
    }
}

/// An entry of the distribution ledger: one movement of the distribution's
/// accounts, for one member or for the reserve. A member's allocation credits their
/// share return and cash patronage in one row; a payment settles one account; a
/// reversal is the exact opposite of the entry it names.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct DistributionEntry {
    /// Its id.
    pub id: Uuid,
    /// The member, except for the reserve.
    pub member_id: Option<Uuid>,
    /// `allocation`, `payment`, `redemption` or `reversal`.
    pub kind: String,
    /// Its date.
    pub entry_date: NaiveDate,
    /// A payment's bank reference.
    pub reference: Option<String>,
    /// The entry a reversal cancels.
    pub reverses: Option<Uuid>,
    /// Signed amount on the reserve.
    pub reserve: Decimal,
    /// Signed amount on the share return payable: allocations credit, payments (negative) settle.
    pub share_return: Decimal,
    /// Signed amount on the cash patronage payable.
    pub patronage_cash: Decimal,
    /// Signed amount on the revolving payable.
    pub revolving: Decimal,
}

impl DistributionEntry {
    /// A new entry of `kind` for `member_id` (none: the reserve), moving nothing yet.
    pub fn new(kind: &str, member_id: Option<Uuid>, entry_date: NaiveDate) -> Self {
        DistributionEntry {
            id: Uuid::now_v7(),
            member_id,
            kind: kind.into(),
            entry_date,
            reference: None,
            reverses: None,
            reserve: Decimal::ZERO,
            share_return: Decimal::ZERO,
            patronage_cash: Decimal::ZERO,
            revolving: Decimal::ZERO,
        }
    }

    /// The same entry with `amount` on `account`.
    pub fn with(mut self, account: Account, amount: Decimal) -> Self {
        *self.amount_mut(account) = amount;
        self
    }

    /// Its signed amount on `account`.
    pub fn amount(&self, account: Account) -> Decimal {
        match account {
            Account::Reserve => self.reserve,
            Account::ShareReturn => self.share_return,
            Account::PatronageCash => self.patronage_cash,
            Account::Revolving => self.revolving,
        }
    }

    fn amount_mut(&mut self, account: Account) -> &mut Decimal {
        match account {
            Account::Reserve => &mut self.reserve,
            Account::ShareReturn => &mut self.share_return,
            Account::PatronageCash => &mut self.patronage_cash,
            Account::Revolving => &mut self.revolving,
        }
    }

    /// The exact opposite of this entry on every account, dated `date`, naming it.
    pub fn reversal(&self, date: NaiveDate) -> Self {
        DistributionEntry {
            reverses: Some(self.id),
            reserve: -self.reserve,
            share_return: -self.share_return,
            patronage_cash: -self.patronage_cash,
            revolving: -self.revolving,
            ..DistributionEntry::new("reversal", self.member_id, date)
        }
    }

    /// The one payable account it moves, with the amount: what a payment, a
    /// redemption or the reversal of either moves (`None` for an entry that moves
    /// two accounts, or the reserve).
    pub fn payable(&self) -> Option<(Account, Decimal)> {
        let mut moved = Account::PAYABLE
            .into_iter()
            .map(|a| (a, self.amount(a)))
            .filter(|(_, amount)| !amount.is_zero());
        match (moved.next(), moved.next()) {
            (Some(one), None) if self.reserve.is_zero() => Some(one),
            _ => None,
        }
    }
}

/// Appends entries to the distribution ledger (never updated, never deleted), one
/// array per column.
pub async fn append_entries(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    distribution_id: Uuid,
    entries: &[DistributionEntry],
    actor: Uuid,
) -> AppResult<()> {
    use diesel::sql_types::{Array, Date, Nullable, Numeric, Uuid as SqlUuid};
    let column =
        |chunk: &[DistributionEntry], account: Account| chunk.iter().map(|e| e.amount(account)).collect::<Vec<_>>();
    for chunk in entries.chunks(ARRAY_CHUNK) {
        diesel::sql_query(
            "INSERT INTO distribution_entries (coop_id, id, distribution_id, member_id, kind, entry_date, reference, \
             reverses, recorded_by, reserve, share_return, patronage_cash, revolving) \
             SELECT $1, unnest($4), $2, unnest($5), unnest($6), unnest($7), unnest($8), unnest($9), $3, unnest($10), \
                    unnest($11), unnest($12), unnest($13)",
        )
        .bind::<SqlUuid, _>(coop_id)
        .bind::<SqlUuid, _>(distribution_id)
        .bind::<SqlUuid, _>(actor)
        .bind::<Array<SqlUuid>, _>(chunk.iter().map(|e| e.id).collect::<Vec<_>>())
        .bind::<Array<Nullable<SqlUuid>>, _>(chunk.iter().map(|e| e.member_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|e| e.kind.clone()).collect::<Vec<_>>())
        .bind::<Array<Date>, _>(chunk.iter().map(|e| e.entry_date).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(chunk.iter().map(|e| e.reference.clone()).collect::<Vec<_>>())
        .bind::<Array<Nullable<SqlUuid>>, _>(chunk.iter().map(|e| e.reverses).collect::<Vec<_>>())
        .bind::<Array<Numeric>, _>(column(chunk, Account::Reserve))
        .bind::<Array<Numeric>, _>(column(chunk, Account::ShareReturn))
        .bind::<Array<Numeric>, _>(column(chunk, Account::PatronageCash))
        .bind::<Array<Numeric>, _>(column(chunk, Account::Revolving))
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// The ledger of one distribution, in the order written.
pub async fn entries(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    distribution_id: Uuid,
) -> AppResult<Vec<DistributionEntry>> {
    Ok(distribution_entries::table
        .filter(distribution_entries::coop_id.eq(coop_id))
        .filter(distribution_entries::distribution_id.eq(distribution_id))
        .order(distribution_entries::seq)
        .select((
            distribution_entries::id,
            distribution_entries::member_id,
            distribution_entries::kind,
            distribution_entries::entry_date,
            distribution_entries::reference,
            distribution_entries::reverses,
            distribution_entries::reserve,
            distribution_entries::share_return,
            distribution_entries::patronage_cash,
            distribution_entries::revolving,
        ))
        .load(conn)
        .await?)
}

/// Appends retained patronage (its losses, redemptions and reversals) to the capital ledger, one array
/// per column: a posting for 100,000 members must not take 100,000 round trips.
/// The entries are built by the service from the allocation (positive amounts, new
/// ids), so the ledger's per-entry checks have nothing to refuse (decision 0006).
/// Their reference is the distribution. A patronage entry is stored in its columns
/// alone; a reversal keeps its JSON (its reason has no column).
pub async fn append_capital(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    entries: &[LedgerEntry],
    distribution_id: Uuid,
    actor: Uuid,
) -> AppResult<()> {
    use diesel::sql_types::{Array, Date, Integer, Nullable, Numeric, Uuid as SqlUuid};
    for chunk in entries.chunks(ARRAY_CHUNK) {
        let mut kinds = Vec::with_capacity(chunk.len());
        let mut amounts = Vec::with_capacity(chunk.len());
        let mut reverses = Vec::with_capacity(chunk.len());
        let mut years = Vec::with_capacity(chunk.len());
        let mut currencies = Vec::with_capacity(chunk.len());
        let mut json = Vec::with_capacity(chunk.len());
        for e in chunk {
            if !matches!(
                e.kind,
                EntryKind::PatronageRetained { .. }
                    | EntryKind::PatronageLoss { .. }
                    | EntryKind::PatronageRedeemed { .. }
                    | EntryKind::Reversal { .. }
            ) {
                return Err(AppError::internal(format!("not a patronage entry: {}", e.kind.name())));
            }
            let (kind, _, amount, _, reversed) = columns(&e.kind);
            kinds.push(kind);
            amounts.push(amount);
            reverses.push(reversed);
            let (entry, year, currency) = stored_columns(e)?;
            years.push(year);
            currencies.push(currency);
            json.push(entry.map(|v| v.to_string()));
        }
        diesel::sql_query(
            "INSERT INTO capital_entries (coop_id, id, member_id, kind, entry_date, amount, reference, reverses, \
             fiscal_year, currency, entry, recorded_by) \
             SELECT $1, unnest($4), unnest($5), unnest($6), unnest($7), unnest($8), $2, unnest($9), unnest($10), \
                    unnest($11), unnest($12)::jsonb, $3",
        )
        .bind::<SqlUuid, _>(coop_id)
        .bind::<Text, _>(distribution_id.to_string())
        .bind::<SqlUuid, _>(actor)
        .bind::<Array<SqlUuid>, _>(chunk.iter().map(|e| e.id.0).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(chunk.iter().map(|e| e.member.0).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(kinds)
        .bind::<Array<Date>, _>(chunk.iter().map(|e| e.date).collect::<Vec<_>>())
        .bind::<Array<Nullable<Numeric>>, _>(amounts)
        .bind::<Array<Nullable<SqlUuid>>, _>(reverses)
        .bind::<Array<Nullable<Integer>>, _>(years)
        .bind::<Array<Nullable<Text>>, _>(currencies)
        .bind::<Array<Nullable<Text>>, _>(json)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// The co-op's capital ledger as movements, from its columns (no JSON), in the
/// order written.
pub async fn capital_movements(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Movement>> {
    use rust_decimal::prelude::ToPrimitive;
    type Row = (Uuid, Uuid, String, NaiveDate, Option<Decimal>, Option<Uuid>);
    let rows: Vec<Row> = capital_entries::table
        .filter(capital_entries::coop_id.eq(coop_id))
        .order(capital_entries::seq)
        .select((
            capital_entries::id,
            capital_entries::member_id,
            capital_entries::kind,
            capital_entries::entry_date,
            capital_entries::amount,
            capital_entries::reverses,
        ))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(id, member, kind, date, amount, reverses)| {
            let cents = match amount {
                Some(a) => Some(
                    (a * Decimal::ONE_HUNDRED)
                        .to_i64()
                        .ok_or_else(|| AppError::internal(format!("capital amount {a}")))?,
                ),
                None => None,
            };
            Ok(Movement {
                id: EntryId(id),
                member: MemberId(member),
                date,
                kind,
                cents,
                reverses: reverses.map(EntryId),
            })
        })
        .collect()
}

/// What a distribution needs to know of each member, read from the register's
/// columns and the lifecycle state's dates (not the whole state).
#[derive(Debug, Clone, QueryableByName)]
pub struct MemberFacts {
    /// The member.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    /// Their number.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    pub number: Option<i64>,
    /// Their name.
    #[diesel(sql_type = Text)]
    pub display_name: String,
    /// Their lifecycle status.
    #[diesel(sql_type = Text)]
    pub status: String,
    /// First day as a full member.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    pub member_since: Option<NaiveDate>,
    /// The date the status took effect (for a former member: the day they left).
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub since: NaiveDate,
    /// When they started working for the co-op.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    pub employment_start: Option<NaiveDate>,
}

/// Every member of the co-op with the facts a distribution needs, by number.
pub async fn member_facts(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<MemberFacts>> {
    Ok(diesel::sql_query(
        "SELECT m.id, m.number, u.display_name, m.state->>'status' AS status, \
                (m.state->>'member_since')::date AS member_since, (m.state->>'since')::date AS since, \
                m.employment_start \
         FROM members m JOIN users u ON u.id = m.user_id WHERE m.coop_id = $1 \
         ORDER BY m.number NULLS LAST, m.created_at",
    )
    .bind::<diesel::sql_types::Uuid, _>(coop_id)
    .load(conn)
    .await?)
}

/// Each member's retained patronage on `as_of` (retained amounts less losses
/// charged and amounts redeemed, entries reversed left out), for the members given: what a loss may
/// take from their account.
pub async fn retained_balances(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    members: &[Uuid],
    as_of: NaiveDate,
) -> AppResult<HashMap<Uuid, Decimal>> {
    use diesel::sql_types::{Array, Date, Numeric, Uuid as SqlUuid};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        member_id: Uuid,
        #[diesel(sql_type = Numeric)]
        balance: Decimal,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT c.member_id, sum(CASE c.kind WHEN 'patronage_retained' THEN c.amount ELSE -c.amount END) AS balance \
         FROM capital_entries c \
         WHERE c.coop_id = $1 AND c.member_id = ANY($2) AND c.entry_date <= $3 \
           AND c.kind IN ('patronage_retained', 'patronage_loss', 'patronage_redeemed') \
           AND NOT EXISTS (SELECT 1 FROM capital_entries r WHERE r.coop_id = c.coop_id AND r.reverses = c.id \
                           AND r.entry_date <= $3) \
         GROUP BY c.member_id",
    )
    .bind::<SqlUuid, _>(coop_id)
    .bind::<Array<SqlUuid>, _>(members)
    .bind::<Date, _>(as_of)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.member_id, r.balance)).collect())
}

/// The patronage entries of the capital ledger written by a distribution
/// (retained amounts and losses charged; its id is their reference).
pub async fn retained_entries(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    distribution_id: Uuid,
) -> AppResult<Vec<LedgerEntry>> {
    let rows = capital_entries::table
        .filter(capital_entries::coop_id.eq(coop_id))
        .filter(capital_entries::kind.eq_any(["patronage_retained", "patronage_loss"]))
        .filter(capital_entries::reference.eq(distribution_id.to_string()))
        .order(capital_entries::seq)
        .select(StoredEntry::as_select())
        .load(conn)
        .await?;
    entries_of(rows)
}

// ---------------------------------------------------------------------------
// the revolving schedule of retained patronage

/// One standing movement of a member's retained patronage in the capital ledger
/// (a retained amount, a loss charged or a redemption; entries reversed on or
/// before the date left out), with the distribution it names and that
/// distribution's fiscal year.
#[derive(Debug, Clone, QueryableByName)]
pub struct RetainedMovement {
    /// The member.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub member_id: Uuid,
    /// `patronage_retained`, `patronage_loss` or `patronage_redeemed`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The entry's date.
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub entry_date: NaiveDate,
    /// Its amount (positive).
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    pub amount: Decimal,
    /// The distribution named by its reference (none for an entry recorded
    /// otherwise).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub distribution_id: Option<Uuid>,
    /// That distribution's fiscal year.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub fiscal_year_id: Option<Uuid>,
    /// The year's label.
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub year_label: Option<String>,
    /// The year's last day.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    pub year_end: Option<NaiveDate>,
}

/// The standing movements of retained patronage on `as_of`, of one member or of
/// the whole co-op, in the order written.
pub async fn retained_movements(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    as_of: NaiveDate,
    member: Option<Uuid>,
) -> AppResult<Vec<RetainedMovement>> {
    use diesel::sql_types::{Date, Nullable, Uuid as SqlUuid};
    Ok(diesel::sql_query(
        "SELECT c.member_id, c.kind, c.entry_date, c.amount, d.id AS distribution_id, \
                y.id AS fiscal_year_id, y.label AS year_label, y.ends_on AS year_end \
         FROM capital_entries c \
         LEFT JOIN distributions d ON d.coop_id = c.coop_id AND d.id::text = c.reference \
         LEFT JOIN fiscal_years y ON y.coop_id = d.coop_id AND y.id = d.fiscal_year_id \
         WHERE c.coop_id = $1 AND c.entry_date <= $2 AND ($3::uuid IS NULL OR c.member_id = $3) \
           AND c.kind IN ('patronage_retained', 'patronage_loss', 'patronage_redeemed') \
           AND NOT EXISTS (SELECT 1 FROM capital_entries r WHERE r.coop_id = c.coop_id AND r.reverses = c.id \
                           AND r.entry_date <= $2) \
         ORDER BY c.seq",
    )
    .bind::<SqlUuid, _>(coop_id)
    .bind::<Date, _>(as_of)
    .bind::<Nullable<SqlUuid>, _>(member)
    .load(conn)
    .await?)
}

/// A redemption of one member's retained patronage of one distribution: the
/// idempotency key (`round` counts the redemptions reversed before it).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Serialize, ToSchema)]
pub struct Redemption {
    /// The distribution whose retained amount is redeemed.
    pub distribution_id: Uuid,
    /// The member.
    pub member_id: Uuid,
    /// 1 for the first redemption, n + 1 after n reversed ones.
    pub round: i32,
    /// The `patronage_redeemed` entry of the capital ledger.
    pub capital_entry_id: Uuid,
    /// The `revolving_payable` entry of the distribution ledger.
    pub payable_entry_id: Uuid,
    /// The amount redeemed.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Its date.
    pub redeemed_on: NaiveDate,
}

/// The co-op's redemptions (standing or reversed), of one distribution and member
/// when given.
pub async fn redemptions(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    of: Option<(Uuid, Uuid)>,
) -> AppResult<Vec<Redemption>> {
    use crate::db::schema::retained_redemptions as r;
    let mut query = r::table
        .filter(r::coop_id.eq(coop_id))
        .select((
            r::distribution_id,
            r::member_id,
            r::round,
            r::capital_entry_id,
            r::payable_entry_id,
            r::amount,
            r::redeemed_on,
        ))
        .order((r::distribution_id, r::member_id, r::round))
        .into_boxed();
    if let Some((distribution, member)) = of {
        query = query
            .filter(r::distribution_id.eq(distribution))
            .filter(r::member_id.eq(member));
    }
    Ok(query.load(conn).await?)
}

/// Records redemptions (append-only; the key refuses a round written twice).
pub async fn insert_redemptions(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    rows: &[Redemption],
    actor: Uuid,
) -> AppResult<()> {
    use crate::db::schema::retained_redemptions as r;
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|x| {
                (
                    r::coop_id.eq(coop_id),
                    r::distribution_id.eq(x.distribution_id),
                    r::member_id.eq(x.member_id),
                    r::round.eq(x.round),
                    r::capital_entry_id.eq(x.capital_entry_id),
                    r::payable_entry_id.eq(x.payable_entry_id),
                    r::amount.eq(x.amount),
                    r::redeemed_on.eq(x.redeemed_on),
                    r::redeemed_by.eq(Some(actor)),
                )
            })
            .collect();
        diesel::insert_into(r::table).values(values).execute(conn).await?;
    }
    Ok(())
}

/// Is this capital-ledger entry reversed?
pub async fn capital_reversed(conn: &mut AsyncPgConnection, coop_id: Uuid, entry: Uuid) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        capital_entries::table
            .filter(capital_entries::coop_id.eq(coop_id))
            .filter(capital_entries::reverses.eq(entry)),
    ))
    .get_result(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
    }

    #[test]
    fn a_reversal_is_the_exact_opposite_on_every_account_and_names_its_entry() {
        let member = Some(Uuid::now_v7());
        let allocation = DistributionEntry::new("allocation", member, day())
            .with(Account::ShareReturn, dec!(12.50))
            .with(Account::PatronageCash, dec!(1327.47));
        let reversal = allocation.reversal(day().succ_opt().unwrap());
        assert_eq!(reversal.kind, "reversal");
        assert_eq!(reversal.reverses, Some(allocation.id));
        assert_eq!(reversal.member_id, member);
        assert_ne!(reversal.id, allocation.id);
        for account in [
            Account::Reserve,
            Account::ShareReturn,
            Account::PatronageCash,
            Account::Revolving,
        ] {
            assert_eq!(reversal.amount(account) + allocation.amount(account), Decimal::ZERO);
        }
        assert_eq!(reversal.share_return, dec!(-12.50));
        assert_eq!(reversal.patronage_cash, dec!(-1327.47));
    }

    #[test]
    fn only_an_entry_moving_one_payable_names_its_account() {
        let member = Some(Uuid::now_v7());
        let payment = DistributionEntry::new("payment", member, day()).with(Account::PatronageCash, dec!(-20.00));
        assert_eq!(payment.payable(), Some((Account::PatronageCash, dec!(-20.00))));
        assert_eq!(
            payment.reversal(day()).payable(),
            Some((Account::PatronageCash, dec!(20.00)))
        );
        let both = payment.clone().with(Account::ShareReturn, dec!(-1.00));
        assert_eq!(both.payable(), None);
        let reserve = DistributionEntry::new("allocation", None, day()).with(Account::Reserve, dec!(1000.00));
        assert_eq!(reserve.payable(), None);
    }

    #[test]
    fn payable_accounts_are_named_as_the_api_names_them() {
        for account in Account::PAYABLE {
            assert_eq!(Account::payable(account.as_str()), Some(account));
        }
        assert_eq!(Account::payable("reserve"), None);
        assert_eq!(Account::payable("patronage_cash"), None);
    }
}
