//! Co-ops in the database.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::NewCoop;
use crate::db::schema::{coops, members};
use crate::error::{AppError, AppResult};

/// A co-op: the tenant every other record belongs to.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = coops)]
pub struct Coop {
    /// Its id.
    pub id: Uuid,
    /// Its short name in URLs.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// `en` or `fr`.
    pub locale: String,
    /// IANA time zone.
    pub time_zone: String,
    /// When it joined Concord.
    pub created_at: DateTime<Utc>,
    /// The day its members' dissolution ballot closed carried: it is in liquidation
    /// from then on.
    pub dissolved_on: Option<chrono::NaiveDate>,
}

impl Coop {
    /// The co-op's time zone; an unknown name (refused when the co-op is created)
    /// falls back to UTC.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// The calendar day `instant` falls on where the co-op is. Every date the
    /// co-op's records carry (an application, a payment, a hearing, a default
    /// "as of") is a day of the co-op's calendar, not of UTC's: at 00:30 in Paris
    /// it is already tomorrow there while UTC still says today.
    pub fn date_of(&self, instant: DateTime<Utc>) -> chrono::NaiveDate {
        instant.with_timezone(&self.zone()).date_naive()
    }

    /// Today's date where the co-op is.
    pub fn today(&self) -> chrono::NaiveDate {
        self.date_of(Utc::now())
    }

    /// Refuses what a co-op in liquidation no longer does (`what`: "takes no
    /// applications"), naming the day it was dissolved.
    pub fn refuse_if_dissolved(&self, what: &str) -> AppResult<()> {
        match self.dissolved_on {
            Some(day) => Err(AppError::Conflict(format!(
                "{} was dissolved by its members on {day} and is being wound up: it {what}.",
                self.name
            ))),
            None => Ok(()),
        }
    }
}

/// Records that the members dissolved the co-op by `ballot`, closed on `day`.
pub async fn mark_dissolved(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    day: chrono::NaiveDate,
    ballot: Uuid,
) -> AppResult<()> {
    diesel::update(coops::table.find(id))
        .set((
            coops::dissolved_on.eq(Some(day)),
            coops::dissolution_ballot.eq(Some(ballot)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Inserts a co-op.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewCoop) -> AppResult<Coop> {
    Ok(diesel::insert_into(coops::table)
        .values((
            coops::id.eq(Uuid::now_v7()),
            coops::slug.eq(&new.slug),
            coops::name.eq(new.name.trim()),
            coops::currency.eq(&new.currency),
            coops::locale.eq(&new.locale),
            coops::time_zone.eq(&new.time_zone),
        ))
        .returning(Coop::as_returning())
        .get_result(conn)
        .await?)
}

/// A co-op by its slug.
pub async fn by_slug(conn: &mut AsyncPgConnection, slug: &str) -> AppResult<Option<Coop>> {
    Ok(coops::table
        .filter(coops::slug.eq(slug))
        .select(Coop::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Every co-op, by name.
pub async fn all(conn: &mut AsyncPgConnection) -> AppResult<Vec<Coop>> {
    Ok(coops::table
        .order(coops::name)
        .select(Coop::as_select())
        .load(conn)
        .await?)
}

/// The co-ops a user belongs to, with their roles there.
pub async fn for_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> AppResult<Vec<(Coop, Vec<String>)>> {
    Ok(coops::table
        .inner_join(members::table)
        .filter(members::user_id.eq(user_id))
        .order(coops::name)
        .select((Coop::as_select(), members::roles))
        .load(conn)
        .await?)
}

/// A co-op by its id.
pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Option<Coop>> {
    Ok(coops::table
        .find(id)
        .select(Coop::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The co-op's governance parameters.
pub async fn parameters(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<super::rules::Parameters> {
    type Row = (bool, Option<i32>, bool, bool, rust_decimal::Decimal, serde_json::Value);
    let row: Row = coops::table
        .find(id)
        .select((
            coops::requires_qualifying_share,
            coops::probation_months,
            coops::members_on_leave_may_vote,
            coops::redemption_hold,
            coops::capital_floor,
            coops::ballot_parameters,
        ))
        .first(conn)
        .await?;
    Ok(super::rules::Parameters {
        requires_qualifying_share: row.0,
        probation_months: row.1.map(|m| m as u32),
        members_on_leave_may_vote: row.2,
        redemption_hold: row.3,
        capital_floor: row.4,
        ballots: serde_json::from_value(row.5)
            .map_err(|e| crate::error::AppError::internal(format!("stored ballot parameters: {e}")))?,
    })
}

/// Saves the co-op's governance parameters.
pub async fn save_parameters(conn: &mut AsyncPgConnection, id: Uuid, p: &super::rules::Parameters) -> AppResult<()> {
    diesel::update(coops::table.find(id))
        .set((
            coops::requires_qualifying_share.eq(p.requires_qualifying_share),
            coops::probation_months.eq(p.probation_months.map(|m| m as i32)),
            coops::members_on_leave_may_vote.eq(p.members_on_leave_may_vote),
            coops::redemption_hold.eq(p.redemption_hold),
            coops::capital_floor.eq(p.capital_floor),
            coops::ballot_parameters
                .eq(serde_json::to_value(p.ballots).map_err(|e| crate::error::AppError::internal(e.to_string()))?),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct FactsRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    share_classes: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bylaw_versions: i64,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    rule_set_saved: bool,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    members: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    members_without_password: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    members_never_invited: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    capital_entries: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    fiscal_years: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    ballots: i64,
}

/// What the setup checklist is worked out from, in one query. Members who left
/// (resigned, expelled) are not waited for.
pub async fn setup_facts(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<super::rules::SetupFacts> {
    // The query is in the function (migration 000070), whose plan is kept.
    let row: FactsRow = diesel::sql_query("SELECT * FROM coop_setup_facts($1)")
        .bind::<diesel::sql_types::Uuid, _>(coop_id)
        .get_result(conn)
        .await?;
    Ok(super::rules::SetupFacts {
        share_classes: row.share_classes,
        bylaw_versions: row.bylaw_versions,
        rule_set_saved: row.rule_set_saved,
        members: row.members,
        members_without_password: row.members_without_password,
        members_never_invited: row.members_never_invited,
        capital_entries: row.capital_entries,
        fiscal_years: row.fiscal_years,
        ballots: row.ballots,
    })
}

/// The last day of the co-op's latest closed fiscal year: its books are closed up to
/// and including that day. `None` while no year is closed.
pub async fn books_closed_until(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Option<chrono::NaiveDate>> {
    use crate::db::schema::fiscal_years;
    use diesel::dsl::max;
    Ok(fiscal_years::table
        .filter(fiscal_years::coop_id.eq(coop_id))
        .filter(fiscal_years::status.eq("closed"))
        .select(max(fiscal_years::ends_on))
        .first(conn)
        .await?)
}
