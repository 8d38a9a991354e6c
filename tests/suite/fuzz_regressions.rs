//! Every input the fuzzers were seeded with (`fuzz/seeds/TARGET/`) and every input a
//! fuzzer once found to crash or hang a reader (`fuzz/regressions/TARGET/`, kept after
//! the fix) goes through the same entry points as the fuzz targets, on every test run.

use std::path::Path;

type Entry = fn(&[u8]);

const TARGETS: [(&str, Entry); 7] = [
    ("blt", concord::fuzzing::blt),
    ("register_csv", concord::fuzzing::register_csv),
    ("holdings_csv", concord::fuzzing::holdings_csv),
    ("hours_csv", concord::fuzzing::hours_csv),
    ("members_csv", concord::fuzzing::members_csv),
    ("rules_toml", concord::fuzzing::rules_toml),
    ("bylaws_markdown", concord::fuzzing::bylaws_markdown),
];

fn inputs(kind: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn every_fuzz_target_has_seeds_and_its_seeds_and_regressions_pass() {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut on_disk: Vec<String> = std::fs::read_dir(&fuzz_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path().file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = TARGETS.iter().map(|(t, _)| t.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every fuzz target is replayed here");
    for (target, entry) in TARGETS {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "{target} has seeds");
        for (name, data) in seeds.into_iter().chain(inputs("regressions", target)) {
            let outcome = std::panic::catch_unwind(|| entry(&data));
            assert!(outcome.is_ok(), "{target} panicked on {name}");
        }
    }
}

#[test]
fn the_seeds_are_read_without_refusal() {
    // A seed the reader refuses would teach the fuzzer nothing about the valid paths.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    for (name, data) in inputs("seeds", "blt") {
        assert!(
            concord::ballots::tally::blt::read_blt(std::str::from_utf8(&data).unwrap()).is_ok(),
            "{name}"
        );
    }
    for (name, data) in inputs("seeds", "register_csv") {
        let csv = std::str::from_utf8(&data).unwrap();
        assert!(
            concord::membership::rules::parse_register_import(csv, today, &[], &[]).is_ok(),
            "{name}"
        );
    }
    for (name, data) in inputs("seeds", "holdings_csv") {
        let csv = std::str::from_utf8(&data).unwrap();
        let read = concord::shares::holdings::parse(csv, concord::money::Currency::Eur, today);
        assert!(read.is_ok(), "{name}: {read:?}");
    }
    for (name, data) in inputs("seeds", "members_csv") {
        let csv = std::str::from_utf8(&data).unwrap();
        assert!(concord::patronage::offline::parse_members(csv, false).is_ok(), "{name}");
    }
    for (name, data) in inputs("seeds", "rules_toml") {
        let toml = std::str::from_utf8(&data).unwrap();
        assert!(concord::patronage::rules::RuleSet::from_toml(toml).is_ok(), "{name}");
    }
    for (name, data) in inputs("seeds", "bylaws_markdown") {
        let markdown = std::str::from_utf8(&data).unwrap();
        assert!(concord::bylaws::rules::parse_markdown(markdown).is_ok(), "{name}");
    }
}
