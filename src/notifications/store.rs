//! Visits, e-mail preferences and the digest queue.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::rules::Delivery;
use crate::db::schema::{audit_events, coop_visits, mail_digest_items, mail_preferences, users};
use crate::error::{AppError, AppResult};

/// The highest audit sequence number of the co-op the user has been shown.
pub async fn last_seen(conn: &mut AsyncPgConnection, coop_id: Uuid, user_id: Uuid) -> AppResult<Option<i64>> {
    Ok(coop_visits::table
        .filter(coop_visits::coop_id.eq(coop_id))
        .filter(coop_visits::user_id.eq(user_id))
        .select(coop_visits::last_seen_seq)
        .first(conn)
        .await
        .optional()?)
}

/// Records that the user has been shown the co-op's events up to `seq` (never
/// going back, should two visits cross).
pub async fn mark_seen(conn: &mut AsyncPgConnection, coop_id: Uuid, user_id: Uuid, seq: i64) -> AppResult<()> {
    diesel::insert_into(coop_visits::table)
        .values((
            coop_visits::coop_id.eq(coop_id),
            coop_visits::user_id.eq(user_id),
            coop_visits::last_seen_seq.eq(seq),
            coop_visits::seen_at.eq(Utc::now()),
        ))
        .on_conflict((coop_visits::coop_id, coop_visits::user_id))
        .do_update()
        .set((
            coop_visits::last_seen_seq.eq(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "GREATEST(coop_visits.last_seen_seq, excluded.last_seen_seq)",
            )),
            coop_visits::seen_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The co-op's highest chained audit sequence number (0 before any event).
pub async fn max_seq(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<i64> {
    let max: Option<i64> = audit_events::table
        .filter(audit_events::coop_id.eq(coop_id))
        .select(diesel::dsl::max(audit_events::seq))
        .first(conn)
        .await?;
    Ok(max.unwrap_or(0))
}

/// One recorded event that may become a notice.
#[derive(Debug, Clone, Queryable)]
pub struct EventLine {
    /// Its place in the co-op's chain.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub action: String,
    /// To what.
    pub subject: String,
}

/// The co-op's events with one of `actions`, after `after` and up to `upto`, newest
/// first, `limit` at most. The event's data is not read.
pub async fn events_between(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    (after, upto): (i64, i64),
    actions: &[&str],
    limit: i64,
) -> AppResult<Vec<EventLine>> {
    Ok(audit_events::table
        .filter(audit_events::coop_id.eq(coop_id))
        .filter(audit_events::seq.gt(after))
        .filter(audit_events::seq.le(upto))
        .filter(audit_events::action.eq_any(actions))
        .order(audit_events::seq.desc())
        .limit(limit)
        .select((
            audit_events::seq.assume_not_null(),
            audit_events::at,
            audit_events::action,
            audit_events::subject,
        ))
        .load(conn)
        .await?)
}

fn delivery_of(stored: Option<String>) -> AppResult<Delivery> {
    match stored {
        None => Ok(Delivery::default()),
        Some(name) => Delivery::parse(&name).ok_or_else(|| AppError::internal(format!("bad delivery `{name}`"))),
    }
}

/// A user's e-mail preference (immediate when never set).
pub async fn delivery(conn: &mut AsyncPgConnection, user_id: Uuid) -> AppResult<Delivery> {
    let stored: Option<String> = mail_preferences::table
        .find(user_id)
        .select(mail_preferences::delivery)
        .first(conn)
        .await
        .optional()?;
    delivery_of(stored)
}

/// Sets a user's e-mail preference.
pub async fn set_delivery(conn: &mut AsyncPgConnection, user_id: Uuid, delivery: Delivery) -> AppResult<()> {
    diesel::insert_into(mail_preferences::table)
        .values((
            mail_preferences::user_id.eq(user_id),
            mail_preferences::delivery.eq(delivery.as_str()),
            mail_preferences::updated_at.eq(Utc::now()),
        ))
        .on_conflict(mail_preferences::user_id)
        .do_update()
        .set((
            mail_preferences::delivery.eq(delivery.as_str()),
            mail_preferences::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The account and preference behind each address that has an account, in one query.
pub async fn deliveries(conn: &mut AsyncPgConnection, emails: &[String]) -> AppResult<Vec<(Uuid, String, Delivery)>> {
    let rows: Vec<(Uuid, String, Option<String>)> = users::table
        .left_join(mail_preferences::table)
        .filter(users::email.eq_any(emails))
        .select((users::id, users::email, mail_preferences::delivery.nullable()))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(id, email, stored)| Ok((id, email, delivery_of(stored)?)))
        .collect()
}

/// Keeps messages for their recipients' next digests.
pub async fn queue(conn: &mut AsyncPgConnection, items: &[(Uuid, String, String)]) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = items
        .iter()
        .map(|(user_id, subject, body)| {
            (
                mail_digest_items::user_id.eq(*user_id),
                mail_digest_items::subject.eq(subject),
                mail_digest_items::body.eq(body),
            )
        })
        .collect();
    diesel::insert_into(mail_digest_items::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// One message waiting for a digest, with its recipient.
#[derive(Debug, Clone, Queryable)]
pub struct Waiting {
    /// The item.
    pub id: i64,
    /// The recipient.
    pub user_id: Uuid,
    /// Their address.
    pub email: String,
    /// Their name.
    pub display_name: String,
    /// Their language.
    pub locale: String,
    /// When their last digest went.
    pub last_digest_at: Option<DateTime<Utc>>,
    /// The message's subject.
    pub subject: String,
    /// Its body.
    pub body: String,
}

/// Every message waiting for a digest, by recipient and then oldest first, in one
/// query.
pub async fn waiting(conn: &mut AsyncPgConnection) -> AppResult<Vec<Waiting>> {
    Ok(mail_digest_items::table
        .inner_join(users::table)
        .left_join(mail_preferences::table.on(mail_preferences::user_id.eq(mail_digest_items::user_id)))
        .filter(mail_digest_items::sent_at.is_null())
        .order((mail_digest_items::user_id, mail_digest_items::id))
        .select((
            mail_digest_items::id,
            mail_digest_items::user_id,
            users::email,
            users::display_name,
            users::locale,
            mail_preferences::last_digest_at.nullable(),
            mail_digest_items::subject,
            mail_digest_items::body,
        ))
        .load(conn)
        .await?)
}

/// Claims a user's waiting items for the digest being sent at `at`, and returns
/// those claimed (an item another run claimed first is left to it); the time is kept
/// on the user's preference.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    items: &[i64],
    at: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    let claimed: Vec<i64> = diesel::update(
        mail_digest_items::table
            .filter(mail_digest_items::id.eq_any(items))
            .filter(mail_digest_items::sent_at.is_null()),
    )
    .set(mail_digest_items::sent_at.eq(at))
    .returning(mail_digest_items::id)
    .get_results(conn)
    .await?;
    if !claimed.is_empty() {
        diesel::insert_into(mail_preferences::table)
            .values((
                mail_preferences::user_id.eq(user_id),
                mail_preferences::delivery.eq(Delivery::Daily.as_str()),
                mail_preferences::last_digest_at.eq(at),
            ))
            .on_conflict(mail_preferences::user_id)
            .do_update()
            .set(mail_preferences::last_digest_at.eq(at))
            .execute(conn)
            .await?;
    }
    Ok(claimed)
}
