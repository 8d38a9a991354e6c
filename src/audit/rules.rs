//! The audit chain's pure rules: how an event is written down and hashed, and how a
//! chain is checked.
//!
//! `hash = SHA-256(prev_hash ‖ canonical JSON of the event)`, where the canonical JSON
//! has its keys sorted, no white space, and the time in UTC with microseconds. The
//! first event of a chain has 32 zero bytes as `prev_hash`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of the first event of every chain.
pub const GENESIS: [u8; 32] = [0; 32];

/// One audit event, as hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The co-op whose chain this is; `None` for the platform chain.
    pub coop_id: Option<Uuid>,
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When it happened (microsecond precision, as stored).
    pub at: DateTime<Utc>,
    /// Who did it; `None` for the system itself.
    pub actor: Option<Uuid>,
    /// What was done, as `domain.verb` (`member.invited`).
    pub action: String,
    /// What it was done to (`member:…`, `user:…`).
    pub subject: String,
    /// Details; never a secret-ballot choice.
    pub data: Value,
}

/// A stored event with its link.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    /// The event.
    pub event: Event,
    /// The hash of the previous event.
    pub prev_hash: Vec<u8>,
    /// This event's hash.
    pub hash: Vec<u8>,
}

/// Where and why a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The sequence number of the first bad event.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: String,
}

/// Cuts a time to the microsecond, the precision PostgreSQL keeps.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).expect("a valid time stays valid")
}

/// The canonical JSON text of an event (sorted keys, no white space).
pub fn canonical_json(event: &Event) -> String {
    // serde_json's map is ordered by key, so the text is the same whatever order the
    // fields were built or stored in (jsonb reorders keys).
    let value = json!({
        "coop_id": event.coop_id,
        "seq": event.seq,
        "at": event.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "data": event.data,
    });
    value.to_string()
}

/// The hash of an event following `prev_hash`.
pub fn chain_hash(prev_hash: &[u8], event: &Event) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(canonical_json(event).as_bytes());
    hasher.finalize().into()
}

/// Gives events their places in a chain after its last event (`last`: its `seq` and
/// hash, `None` for an empty chain), in the order given: each event's `seq` is set
/// to the next number and its hash computed from the previous one.
pub fn link(last: Option<(i64, Vec<u8>)>, events: impl IntoIterator<Item = Event>) -> Vec<Linked> {
    let (mut seq, mut prev_hash) = last.unwrap_or((0, GENESIS.to_vec()));
    events
        .into_iter()
        .map(|mut event| {
            seq += 1;
            event.seq = seq;
            let hash = chain_hash(&prev_hash, &event).to_vec();
            Linked {
                event,
                prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
                hash,
            }
        })
        .collect()
}

/// Checks a whole chain in order of `seq`: numbering without gaps from 1, each
/// `prev_hash` equal to the previous hash, each hash recomputed from the content.
pub fn verify_chain<'a>(events: impl IntoIterator<Item = &'a Linked>) -> Result<u64, BrokenLink> {
    let mut expected_prev = GENESIS.to_vec();
    let mut count = 0u64;
    for (index, linked) in events.into_iter().enumerate() {
        let seq = linked.event.seq;
        let broken = |reason: &str| BrokenLink {
            seq,
            reason: reason.to_string(),
        };
        if seq != index as i64 + 1 {
            return Err(broken(&format!("expected sequence number {}", index + 1)));
        }
        if linked.prev_hash != expected_prev {
            return Err(broken("its prev_hash does not match the previous event's hash"));
        }
        if chain_hash(&linked.prev_hash, &linked.event).as_slice() != linked.hash.as_slice() {
            return Err(broken("its content does not match its hash"));
        }
        expected_prev.clone_from(&linked.hash);
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> Event {
        Event {
            coop_id: None,
            seq: 0,
            at: DateTime::from_timestamp(1_700_000_000 + n, 123_456_000).unwrap(),
            actor: None,
            action: "test.done".into(),
            subject: format!("thing:{n}"),
            data: json!({"b": 1, "a": [n]}),
        }
    }

    fn chain(n: i64) -> Vec<Linked> {
        link(None, (1..=n).map(event))
    }

    #[test]
    fn linking_numbers_from_one_and_hashes_each_event_after_the_previous() {
        let linked = chain(3);
        assert_eq!(linked.iter().map(|l| l.event.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(linked[0].prev_hash, GENESIS);
        assert_eq!(linked[0].hash, chain_hash(&GENESIS, &linked[0].event));
        assert_eq!(linked[2].prev_hash, linked[1].hash);
    }

    #[test]
    fn a_chain_linked_in_batches_is_the_chain_linked_at_once() {
        let whole = chain(5);
        let mut batches = link(None, (1..=2).map(event));
        let last = batches.last().map(|l| (l.event.seq, l.hash.clone()));
        batches.extend(link(last, (3..=5).map(event)));
        assert_eq!(batches, whole);
        assert_eq!(verify_chain(&batches), Ok(5));
    }

    #[test]
    fn canonical_json_sorts_keys_and_fixes_the_time_format() {
        let event = &chain(1)[0].event;
        assert_eq!(
            canonical_json(event),
            r#"{"action":"test.done","actor":null,"at":"2023-11-14T22:13:21.123456Z","coop_id":null,"data":{"a":[1],"b":1},"seq":1,"subject":"thing:1"}"#
        );
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
        assert_eq!(verify_chain(&[]), Ok(0));
    }

    #[test]
    fn any_edit_gap_or_relink_is_found_at_its_event() {
        let mut edited = chain(5);
        edited[2].event.data = json!({"b": 2, "a": [3]});
        assert_eq!(verify_chain(&edited).unwrap_err().seq, 3);

        let mut gap = chain(5);
        gap.remove(1);
        assert_eq!(verify_chain(&gap).unwrap_err().seq, 3);

        // Rehashing an edited event is not enough: the next link no longer matches.
        let mut rehashed = chain(5);
        rehashed[1].event.subject = "thing:other".into();
        rehashed[1].hash = chain_hash(&rehashed[1].prev_hash, &rehashed[1].event).to_vec();
        assert_eq!(verify_chain(&rehashed).unwrap_err().seq, 3);
    }
}
