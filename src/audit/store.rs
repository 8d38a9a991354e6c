//! Reading and appending audit events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bytea};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::rules::{link, truncate_to_micros, Event, Linked};
use crate::db::schema::{audit_events, users};
use crate::error::AppResult;

/// A chained event as stored.
#[derive(Queryable)]
struct Row {
    coop_id: Option<Uuid>,
    seq: i64,
    at: DateTime<Utc>,
    actor: Option<Uuid>,
    action: String,
    subject: String,
    data: Value,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl From<Row> for Linked {
    fn from(row: Row) -> Self {
        Linked {
            event: Event {
                coop_id: row.coop_id,
                seq: row.seq,
                at: row.at,
                actor: row.actor,
                action: row.action,
                subject: row.subject,
                data: row.data,
            },
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

/// Appends an event inside the caller's transaction, so a rolled-back change leaves
/// no event and a committed one always has its event. Its place in the chain (`seq`,
/// `prev_hash`, `hash`) is given after the commit by [`chain_pending`]: no writer
/// waits for another's commit here (decision 0008).
pub async fn append(
    conn: &mut AsyncPgConnection,
    coop_id: Option<Uuid>,
    actor: Option<Uuid>,
    action: &str,
    subject: &str,
    data: Value,
) -> AppResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::coop_id.eq(coop_id),
            audit_events::at.eq(truncate_to_micros(Utc::now())),
            audit_events::actor.eq(actor),
            audit_events::action.eq(action),
            audit_events::subject.eq(subject),
            audit_events::data.eq(data),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// How many events one chaining transaction takes at most.
const CHAIN_BATCH: i64 = 5_000;

/// Gives every committed, unchained event its place in its chain, in the order the
/// events were written (`id`), and returns how many were chained. Safe to call from
/// any number of places at once: one chainer works at a time, behind an advisory
/// lock, and a second one finds what the first left.
pub async fn chain_pending(conn: &mut AsyncPgConnection) -> AppResult<u64> {
    // Every page that shows events calls this; most find nothing pending and must
    // learn it without a transaction or a wait behind the chainer's lock.
    let any_pending: bool = diesel::select(diesel::dsl::exists(
        audit_events::table.filter(audit_events::seq.is_null()),
    ))
    .get_result(conn)
    .await?;
    if !any_pending {
        return Ok(0);
    }
    let mut total = 0;
    loop {
        let chained = conn.transaction(async |conn| chain_batch(conn).await).await?;
        total += chained;
        if chained < CHAIN_BATCH as u64 {
            return Ok(total);
        }
    }
}

async fn chain_batch(conn: &mut AsyncPgConnection) -> AppResult<u64> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended('audit:chainer', 0))")
        .execute(conn)
        .await?;
    type PendingRow = (i64, Option<Uuid>, DateTime<Utc>, Option<Uuid>, String, String, Value);
    let pending: Vec<PendingRow> = audit_events::table
        .filter(audit_events::seq.is_null())
        .order(audit_events::id.asc())
        .limit(CHAIN_BATCH)
        .select((
            audit_events::id,
            audit_events::coop_id,
            audit_events::at,
            audit_events::actor,
            audit_events::action,
            audit_events::subject,
            audit_events::data,
        ))
        .load(conn)
        .await?;
    let count = pending.len() as u64;
    if count == 0 {
        return Ok(0);
    }
    let mut by_chain: BTreeMap<Option<Uuid>, Vec<(i64, Event)>> = BTreeMap::new();
    for (id, coop_id, at, actor, action, subject, data) in pending {
        let event = Event {
            coop_id,
            seq: 0,
            at,
            actor,
            action,
            subject,
            data,
        };
        by_chain.entry(coop_id).or_default().push((id, event));
    }
    let (mut ids, mut seqs, mut prev_hashes, mut hashes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (coop_id, events) in by_chain {
        let last = last_of_chain(conn, coop_id).await?;
        let (chain_ids, events): (Vec<i64>, Vec<Event>) = events.into_iter().unzip();
        for (id, linked) in chain_ids.into_iter().zip(link(last, events)) {
            ids.push(id);
            seqs.push(linked.event.seq);
            prev_hashes.push(linked.prev_hash);
            hashes.push(linked.hash);
        }
    }
    diesel::sql_query(
        "UPDATE audit_events SET seq = given.seq, prev_hash = given.prev_hash, hash = given.hash \
         FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) AS given (id, seq, prev_hash, hash) \
         WHERE audit_events.id = given.id",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<BigInt>, _>(seqs)
    .bind::<Array<Bytea>, _>(prev_hashes)
    .bind::<Array<Bytea>, _>(hashes)
    .execute(conn)
    .await?;
    Ok(count)
}

/// The `seq` and hash of a chain's last chained event.
async fn last_of_chain(conn: &mut AsyncPgConnection, coop_id: Option<Uuid>) -> AppResult<Option<(i64, Vec<u8>)>> {
    // `=` and `IS NULL`, not `IS NOT DISTINCT FROM`: only these can use the chains'
    // partial unique indexes.
    let query = audit_events::table
        .filter(audit_events::seq.is_not_null())
        .order(audit_events::seq.desc())
        .select((
            audit_events::seq.assume_not_null(),
            audit_events::hash.assume_not_null(),
        ))
        .into_boxed();
    let query = match coop_id {
        Some(id) => query.filter(audit_events::coop_id.eq(id)),
        None => query.filter(audit_events::coop_id.is_null()),
    };
    Ok(query.first(conn).await.optional()?)
}

/// The co-ops that have a chain, and `None` for the platform chain if it exists.
pub async fn chains(conn: &mut AsyncPgConnection) -> AppResult<Vec<Option<Uuid>>> {
    // A stable order (the platform's chain first), so `audit verify` prints the same
    // report for the same log.
    Ok(audit_events::table
        .select(audit_events::coop_id)
        .distinct()
        .order(audit_events::coop_id.asc().nulls_first())
        .load(conn)
        .await?)
}

/// A whole chain in order.
pub async fn chain(conn: &mut AsyncPgConnection, coop_id: Option<Uuid>) -> AppResult<Vec<Linked>> {
    let rows: Vec<Row> = audit_events::table
        .filter(audit_events::coop_id.is_not_distinct_from(coop_id))
        .filter(audit_events::seq.is_not_null())
        .order(audit_events::seq.asc())
        .select((
            audit_events::coop_id,
            audit_events::seq.assume_not_null(),
            audit_events::at,
            audit_events::actor,
            audit_events::action,
            audit_events::subject,
            audit_events::data,
            audit_events::prev_hash.assume_not_null(),
            audit_events::hash.assume_not_null(),
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(Linked::from).collect())
}

/// One event as shown to an admin, with the actor's e-mail.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// Position in the co-op's chain.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The actor's e-mail, if a person did it.
    pub actor: Option<String>,
    /// What was done.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// Details.
    pub data: Value,
    /// This event's hash, hexadecimal.
    pub hash: String,
}

#[derive(Queryable)]
struct ListRow {
    seq: i64,
    at: DateTime<Utc>,
    actor: Option<String>,
    action: String,
    subject: String,
    data: Value,
    hash: Vec<u8>,
}

/// How many events of a co-op's log are chained.
pub async fn size(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<i64> {
    Ok(audit_events::table
        .filter(audit_events::coop_id.eq(coop_id))
        .filter(audit_events::seq.is_not_null())
        .count()
        .get_result(conn)
        .await?)
}

/// A co-op's chained events, newest first, `limit` at most, before `before_seq` if
/// given.
pub async fn list(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    before_seq: Option<i64>,
    limit: i64,
) -> AppResult<Vec<EventView>> {
    let mut query = audit_events::table
        .left_join(users::table.on(audit_events::actor.eq(users::id.nullable())))
        .filter(audit_events::coop_id.eq(coop_id))
        .filter(audit_events::seq.is_not_null())
        .into_boxed();
    if let Some(before) = before_seq {
        query = query.filter(audit_events::seq.lt(before));
    }
    let rows: Vec<ListRow> = query
        .order(audit_events::seq.desc())
        .limit(limit)
        .select((
            audit_events::seq.assume_not_null(),
            audit_events::at,
            users::email.nullable(),
            audit_events::action,
            audit_events::subject,
            audit_events::data,
            audit_events::hash.assume_not_null(),
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| EventView {
            seq: row.seq,
            at: row.at,
            actor: row.actor,
            action: row.action,
            subject: row.subject,
            data: row.data,
            hash: hex::encode(row.hash),
        })
        .collect())
}
