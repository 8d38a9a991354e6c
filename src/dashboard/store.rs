//! The dashboard's own reads: the people of the co-op in one query.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{members, users};
use crate::error::AppResult;

/// A member of the co-op, as the dashboard names them.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    /// The member's id.
    pub id: Uuid,
    /// Their number, once admitted.
    pub number: Option<i64>,
    /// Their name.
    pub name: String,
    /// Their current status.
    pub status: String,
    /// When they entered the register (applied or were added).
    pub created_at: DateTime<Utc>,
}

/// Every member of the co-op (applicants and former members included), by number.
pub async fn people(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Person>> {
    Ok(members::table
        .inner_join(users::table)
        .filter(members::coop_id.eq(coop_id))
        .order((members::number.asc().nulls_last(), members::created_at))
        .select((
            members::id,
            members::number,
            users::display_name,
            members::status,
            members::created_at,
        ))
        .load(conn)
        .await?)
}
