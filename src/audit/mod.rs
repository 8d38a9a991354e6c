//! The audit log: a hash-chained, append-only record of every change.

pub mod api;
pub mod pages;
pub mod rules;
pub mod store;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

pub use store::{append, chain_pending};

use crate::error::{AppError, AppResult};
use crate::export::background::{Export, Exported};

/// The outcome of checking every chain.
#[derive(Debug)]
pub struct Verification {
    /// Chains checked and events in them.
    pub chains: Vec<(Option<Uuid>, u64)>,
    /// The first broken link found, with its chain.
    pub broken: Option<(Option<Uuid>, rules::BrokenLink)>,
}

/// A co-op's events, newest first, `limit` at most, before `before_seq` if given;
/// what is pending is chained first, so none is missing.
pub async fn events(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    before_seq: Option<i64>,
    limit: i64,
) -> AppResult<Vec<store::EventView>> {
    chain_pending(conn).await?;
    store::list(conn, coop_id, before_seq, limit).await
}

/// Chains what is pending, then walks every chain (each co-op's and the platform's),
/// stopping at the first break.
pub async fn verify_all(conn: &mut AsyncPgConnection) -> AppResult<Verification> {
    chain_pending(conn).await?;
    let mut chains = Vec::new();
    for coop in store::chains(conn).await? {
        let events = store::chain(conn, coop).await?;
        match rules::verify_chain(&events) {
            Ok(count) => chains.push((coop, count)),
            Err(link) => {
                return Ok(Verification {
                    chains,
                    broken: Some((coop, link)),
                })
            }
        }
    }
    Ok(Verification { chains, broken: None })
}

/// The whole log as CSV, oldest first.
pub fn to_csv(events: &[store::EventView]) -> AppResult<Vec<u8>> {
    let mut writer = crate::export::CsvExport::new();
    writer.write_record(["seq", "at", "actor", "action", "subject", "data", "hash"])?;
    for e in events.iter().rev() {
        writer.write_record([
            e.seq.to_string(),
            e.at.to_rfc3339(),
            e.actor.clone().unwrap_or_default(),
            e.action.clone(),
            e.subject.clone(),
            e.data.to_string(),
            e.hash.clone(),
        ])?;
    }
    writer.finish()
}

fn csv_name(coop: &crate::coops::store::Coop) -> String {
    format!("{}-audit.csv", coop.slug)
}

/// A co-op's whole log as CSV for `user_id`: written now when it has at most
/// `inline_rows` events, otherwise queued as a background export.
pub async fn export(
    conn: &mut AsyncPgConnection,
    coop: &crate::coops::store::Coop,
    user_id: Uuid,
    inline_rows: usize,
) -> AppResult<Exported> {
    if store::size(conn, coop.id).await? > inline_rows as i64 {
        let job =
            crate::export::background::start(conn, coop.id, user_id, Export::AuditLog, serde_json::json!({})).await?;
        return Ok(Exported::Queued(job));
    }
    let events = events(conn, coop.id, None, i64::MAX).await?;
    Ok(Exported::File {
        filename: csv_name(coop),
        content: to_csv(&events)?,
    })
}

/// Writes a log export queued by [`export`] (the job workers call it).
pub async fn run_export_job(conn: &mut AsyncPgConnection, job: &crate::jobs::Claimed) -> AppResult<serde_json::Value> {
    let coop_id = job
        .coop_id
        .ok_or_else(|| AppError::BadRequest("the export job lost its co-op".into()))?;
    let coop = crate::coops::store::by_id(conn, coop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = events(conn, coop_id, None, i64::MAX).await?;
    crate::export::background::save(conn, job, &csv_name(&coop), events.len(), to_csv(&events)?).await
}
