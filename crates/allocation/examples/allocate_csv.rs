//! Allocates a year's surplus among the members of a CSV file, by a rule set in
//! TOML, and prints the table (what `concord allocate` does).
//!
//! ```text
//! cargo run -p concord-allocation --example allocate_csv -- RULES.toml MEMBERS.csv 12000.00
//! ```

use concord_allocation::offline;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rules, members, surplus] = args.as_slice() else {
        eprintln!("usage: allocate_csv RULES.toml MEMBERS.csv SURPLUS");
        std::process::exit(2);
    };
    let read = |path: &str| {
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        })
    };
    match offline::run(&read(rules), &read(members), surplus) {
        Ok(allocation) => print!("{}", offline::render_table(&allocation)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
