//! Entry points of the fuzz targets (`fuzz/`, run with `cargo fuzz`) and of their
//! regression tests (`tests/suite/fuzz_regressions.rs`): each takes arbitrary bytes,
//! feeds them to one of the readers of outside input exactly as the server or the
//! command line does, and checks what must hold whatever the input. A reader may
//! refuse the input; it must never panic, hang or allocate without bound.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ballots::tally::{self, Method};
use crate::membership::lifecycle::MemberId;
use crate::money::Currency;

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// A BLT ballot file: read, then counted by every method that accepts it; a count
/// never elects more candidates than there are seats, nor anyone twice.
pub fn blt(data: &[u8]) {
    let Some(election) = text(data).and_then(|t| tally::blt::read_blt(t).ok()) else {
        return;
    };
    for method in [
        Method::Plurality,
        Method::Approval,
        Method::Irv,
        Method::ScottishStv,
        Method::Meek,
    ] {
        if let Ok(result) = tally::count(method, &election, [7; 32]) {
            assert!(result.elected.len() <= result.seats, "{method:?} elected too many");
            let mut unique = result.elected.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), result.elected.len(), "{method:?} elected someone twice");
        }
    }
}

/// A register to import (CSV): every row read is one of the file's rows.
pub fn register_csv(data: &[u8]) {
    let Some(csv) = text(data) else { return };
    let taken_emails = ["taken@example.org".to_string()];
    if let Ok(rows) = crate::membership::rules::parse_register_import(csv, day(2026, 11, 26), &[1, 2], &taken_emails) {
        assert!(rows.len() <= csv.lines().count(), "more rows than lines");
    }
}

/// Existing share holdings to import (CSV).
pub fn holdings_csv(data: &[u8]) {
    let Some(csv) = text(data) else { return };
    if let Ok(holdings) = crate::shares::holdings::parse(csv, Currency::Eur, day(2026, 11, 26)) {
        assert!(holdings.len() <= csv.lines().count(), "more holdings than lines");
    }
}

/// Hours worked in a fiscal year (CSV), for a co-op with three members.
pub fn hours_csv(data: &[u8]) {
    let Some(csv) = text(data) else { return };
    let members: HashMap<String, MemberId> = (1..=3)
        .map(|n| (n.to_string(), MemberId(uuid::Uuid::from_u128(n))))
        .collect();
    let existing = [(MemberId(uuid::Uuid::from_u128(1)), day(2025, 1, 1), day(2025, 3, 31))];
    let year = (day(2025, 1, 1), day(2025, 12, 31));
    if let Ok(lines) = crate::patronage::workflow::parse_hours_csv(csv, year, &members, &existing) {
        assert!(lines.len() <= csv.lines().count(), "more hour lines than lines");
    }
}

/// The members of an offline allocation (`concord allocate --members`), then the
/// allocation of a surplus among them under the US worker co-op preset: the parts
/// always add up to the surplus, to the cent.
pub fn members_csv(data: &[u8]) {
    let Some(csv) = text(data) else { return };
    let Ok(members) = crate::patronage::offline::parse_members(csv, false) else {
        return;
    };
    let Ok(rules) = crate::patronage::rules::RuleSet::from_toml("preset = \"us_worker\"") else {
        panic!("the US worker preset reads");
    };
    let surplus = Decimal::new(1_234_567, 2);
    if let Ok(a) = crate::patronage::allocate::allocate(surplus, &rules, &members) {
        assert_eq!(
            a.reserve + a.share_return_total + a.patronage_total,
            surplus,
            "the parts add up"
        );
        let members_total: Decimal = a.members.iter().map(|m| m.share_return + m.cash + m.retained).sum();
        assert_eq!(
            members_total,
            a.share_return_total + a.patronage_total,
            "every cent is someone's"
        );
    }
}

/// A co-op's distribution rules (TOML).
pub fn rules_toml(data: &[u8]) {
    if let Some(toml) = text(data) {
        let _ = crate::patronage::rules::RuleSet::from_toml(toml);
    }
}

/// Bylaws to import (Markdown).
pub fn bylaws_markdown(data: &[u8]) {
    if let Some(markdown) = text(data) {
        let _ = crate::bylaws::rules::parse_markdown(markdown);
    }
}
