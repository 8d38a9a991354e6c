//! Reading and appending audit events.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::rules::{chain_hash, truncate_to_micros, Event, Linked, GENESIS};
use crate::db::schema::{audit_events, users};
use crate::error::AppResult;

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
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

/// Appends an event to a chain inside the caller's transaction. The chain is locked
/// (a transaction-scoped advisory lock) until that transaction ends, so two writers
/// never take the same sequence number, and a rolled-back change leaves no event.
pub async fn append(
    conn: &mut AsyncPgConnection,
    coop_id: Option<Uuid>,
    actor: Option<Uuid>,
    action: &str,
    subject: &str,
    data: Value,
) -> AppResult<()> {
    let chain_key = coop_id.map_or_else(|| "platform".to_string(), |id| id.to_string());
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind::<Text, _>(format!("audit:{chain_key}"))
        .execute(conn)
        .await?;
    // `=` and `IS NULL`, not `IS NOT DISTINCT FROM`: only these can use the
    // (coop_id, seq) index, and this read happens while the chain is locked, so a
    // scan of the whole log here would slow every write of the co-op.
    let last_of_chain = audit_events::table
        .order(audit_events::seq.desc())
        .select((audit_events::seq, audit_events::hash))
        .into_boxed();
    let last_of_chain = match coop_id {
        Some(id) => last_of_chain.filter(audit_events::coop_id.eq(id)),
        None => last_of_chain.filter(audit_events::coop_id.is_null()),
    };
    let last: Option<(i64, Vec<u8>)> = last_of_chain.first(conn).await.optional()?;
    let (seq, prev_hash) = last.map_or((1, GENESIS.to_vec()), |(seq, hash)| (seq + 1, hash));
    let event = Event {
        coop_id,
        seq,
        at: truncate_to_micros(Utc::now()),
        actor,
        action: action.to_string(),
        subject: subject.to_string(),
        data,
    };
    let hash = chain_hash(&prev_hash, &event).to_vec();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::coop_id.eq(event.coop_id),
            audit_events::seq.eq(event.seq),
            audit_events::at.eq(event.at),
            audit_events::actor.eq(event.actor),
            audit_events::action.eq(&event.action),
            audit_events::subject.eq(&event.subject),
            audit_events::data.eq(&event.data),
            audit_events::prev_hash.eq(&prev_hash),
            audit_events::hash.eq(&hash),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The co-ops that have a chain, and `None` for the platform chain if it exists.
pub async fn chains(conn: &mut AsyncPgConnection) -> AppResult<Vec<Option<Uuid>>> {
    Ok(audit_events::table
        .select(audit_events::coop_id)
        .distinct()
        .load(conn)
        .await?)
}

/// A whole chain in order.
pub async fn chain(conn: &mut AsyncPgConnection, coop_id: Option<Uuid>) -> AppResult<Vec<Linked>> {
    let rows: Vec<Row> = audit_events::table
        .filter(audit_events::coop_id.is_not_distinct_from(coop_id))
        .order(audit_events::seq.asc())
        .select(Row::as_select())
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

/// A co-op's events, newest first, `limit` at most, before `before_seq` if given.
pub async fn list(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    before_seq: Option<i64>,
    limit: i64,
) -> AppResult<Vec<EventView>> {
    let mut query = audit_events::table
        .left_join(users::table.on(audit_events::actor.eq(users::id.nullable())))
        .filter(audit_events::coop_id.eq(coop_id))
        .into_boxed();
    if let Some(before) = before_seq {
        query = query.filter(audit_events::seq.lt(before));
    }
    let rows: Vec<ListRow> = query
        .order(audit_events::seq.desc())
        .limit(limit)
        .select((
            audit_events::seq,
            audit_events::at,
            users::email.nullable(),
            audit_events::action,
            audit_events::subject,
            audit_events::data,
            audit_events::hash,
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
