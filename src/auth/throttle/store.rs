//! The buckets in PostgreSQL (`login_throttle`), shared by every Concord process on the
//! database.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Double, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::rules::Level;
use crate::db::schema::login_throttle;
use crate::error::AppResult;

/// Buckets forgotten at most per request, so pruning never makes one login slow.
const PRUNE_AT_ONCE: i64 = 100;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Double)]
    tokens: f64,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    now: DateTime<Utc>,
}

/// Locks the buckets `keys` until the transaction ends, creating those never used
/// (full: their burst given beside the key), in one statement: two processes taking
/// from a bucket at once wait for each other, so neither counts from a stale level.
/// Returns the database's time (every process counts by one clock) and each key's
/// level, in the order of `keys`. The keys are locked in sorted order, so two requests
/// sharing two buckets cannot deadlock.
pub async fn lock(conn: &mut AsyncPgConnection, keys: &[(String, f64)]) -> AppResult<(DateTime<Utc>, Vec<Level>)> {
    let (names, bursts): (Vec<String>, Vec<f64>) = keys.iter().cloned().unzip();
    let rows: Vec<Locked> = diesel::sql_query(
        "INSERT INTO login_throttle AS t (key, tokens, at, full_at) \
         SELECT k, b, now(), now() FROM unnest($1::text[], $2::float8[]) AS u(k, b) ORDER BY k \
         ON CONFLICT (key) DO UPDATE SET tokens = t.tokens \
         RETURNING t.key, t.tokens, t.at, now() AS now",
    )
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Double>, _>(&bursts)
    .load(conn)
    .await?;
    // `first` would be diesel's, on a query.
    let now = <[Locked]>::first(&rows).map_or_else(Utc::now, |r| r.now);
    let levels = names
        .iter()
        .map(|name| {
            let row = rows.iter().find(|r| &r.key == name).expect("every key locked");
            Level {
                tokens: row.tokens,
                at: row.at,
            }
        })
        .collect();
    Ok((now, levels))
}

/// Stores a locked bucket's new level, and when it will be full again.
pub async fn save(conn: &mut AsyncPgConnection, key: &str, level: Level, full_at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(login_throttle::table.find(key))
        .set((
            login_throttle::tokens.eq(level.tokens),
            login_throttle::at.eq(level.at),
            login_throttle::full_at.eq(full_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets some buckets that have refilled (a missing bucket is a full one). Skips
/// those another request holds, so it never waits.
pub async fn prune(conn: &mut AsyncPgConnection) -> AppResult<usize> {
    Ok(diesel::sql_query(
        "DELETE FROM login_throttle WHERE key IN ( \
           SELECT key FROM login_throttle WHERE full_at <= now() \
           LIMIT $1 FOR UPDATE SKIP LOCKED)",
    )
    .bind::<diesel::sql_types::BigInt, _>(PRUNE_AT_ONCE)
    .execute(conn)
    .await?)
}
