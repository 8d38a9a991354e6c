//! The audit log: a hash-chained, append-only record of every change.

pub mod api;
pub mod pages;
pub mod rules;
pub mod store;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

pub use store::{append, chain_pending};

use crate::error::AppResult;

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
