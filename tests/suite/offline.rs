//! `concord tally` and `concord allocate`: the server's counting and distribution
//! code on files, checked against figures worked by hand and published examples.

use std::path::PathBuf;
use std::process::Output;

use serde_json::{json, Value};

use crate::common::process;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("offline");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{name}", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, text).unwrap();
    path
}

fn concord(args: &[&str]) -> Output {
    process::concord(args, &[])
}

/// Wikipedia's instant-runoff example: Tennessee choosing its capital, with 42 % of
/// voters near Memphis, 26 % near Nashville, 15 % near Chattanooga, 17 % near
/// Knoxville, each ranking the cities by distance.
const TENNESSEE: &str = "4 1
42 1 2 3 4 0
26 2 3 4 1 0
15 3 4 2 1 0
17 4 3 2 1 0
0
\"Memphis\"
\"Nashville\"
\"Chattanooga\"
\"Knoxville\"
\"Tennessee capital\"
";

#[test]
fn tally_counts_the_published_irv_example() {
    let file = write("tennessee.blt", TENNESSEE);
    let output = concord(&["tally", file.to_str().unwrap(), "--method", "irv", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["method"], "irv");
    assert_eq!(result["seats"], 1);
    assert_eq!(result["elected"], json!(["Knoxville"]));
    assert_eq!(result["tie_broken_by_lot"], false);
    // Chattanooga goes first, then Nashville; Knoxville beats Memphis 58 to 42.
    assert_eq!(result["rounds"].as_array().unwrap().len(), 3);
    let table = concord(&["tally", file.to_str().unwrap(), "--method", "irv"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("Knoxville"), "{text}");
}

#[test]
fn tally_refuses_a_malformed_file_with_its_line_and_exit_code_2() {
    let file = write("bad.blt", "3 1\n1 1 2 0\n1 1 9 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n");
    let output = concord(&["tally", file.to_str().unwrap(), "--method", "stv"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3"), "{stderr}");
    let missing = concord(&["tally", "/nonexistent.blt"]);
    assert_eq!(missing.status.code(), Some(2));
    let method = concord(&["tally", file.to_str().unwrap(), "--method", "borda"]);
    assert_eq!(method.status.code(), Some(2));
}

#[test]
fn allocate_splits_a_surplus_exactly_as_worked_by_hand() {
    let rules = write(
        "rules.toml",
        "reserve_rate = \"0.30\"\nshare_return_rate = \"0.05\"\ncash_min_rate = \"0.20\"\npatronage_basis = \"hours\"\n",
    );
    let members = write(
        "members.csv",
        "member,hours,wages,capital\n1,1000,,1000.00\n2,500,,0\n3,0,,500.00\n",
    );
    let output = concord(&[
        "allocate",
        "--rules",
        rules.to_str().unwrap(),
        "--members",
        members.to_str().unwrap(),
        "--surplus",
        "10000.00",
        "--json",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    // Reserve 30 % = 3,000.00; share returns 5 % of 1,000.00 and of 500.00 = 75.00;
    // patronage 6,925.00 by hours 1,000 : 500 = 4,616.666… and 2,308.333…, the
    // leftover cent going to the larger remainder; cash at least 20 %, rounded up.
    assert_eq!(
        result,
        json!({
            "surplus": "10000.00",
            "reserve": "3000.00",
            "share_return_total": "75.00",
            "patronage_total": "6925.00",
            "members": [
                {"member": "1", "share_return": "50.00", "patronage": "4616.67", "cash": "923.34", "retained": "3693.33", "total": "4666.67"},
                {"member": "2", "share_return": "0.00", "patronage": "2308.33", "cash": "461.67", "retained": "1846.66", "total": "2308.33"},
                {"member": "3", "share_return": "25.00", "patronage": "0.00", "cash": "0.00", "retained": "0.00", "total": "25.00"}
            ]
        })
    );
}

#[test]
fn allocate_refuses_bad_input_with_every_bad_line_and_exit_code_2() {
    let rules = write("rules.toml", "reserve_rate = \"1.5\"\n");
    let members = write("members.csv", "member,hours,wages,capital\n1,10,,0\n");
    let output = concord(&[
        "allocate",
        "--rules",
        rules.to_str().unwrap(),
        "--members",
        members.to_str().unwrap(),
        "--surplus",
        "100.00",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("reserve_rate"));

    let rules = write("rules.toml", "reserve_rate = \"0.10\"\n");
    let members = write("members.csv", "member,hours,wages,capital\n1,-5,,0\n2,ten,,0\n1,3,,0\n");
    let output = concord(&[
        "allocate",
        "--rules",
        rules.to_str().unwrap(),
        "--members",
        members.to_str().unwrap(),
        "--surplus",
        "100.00",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in ["line 2", "line 3", "line 4"] {
        assert!(stderr.contains(line), "{line} in {stderr}");
    }
}
