//! Counts a BLT ballot file and prints every round.
//!
//! ```text
//! cargo run -p concord-tally --example count_blt -- FILE.blt [plurality|approval|irv|stv|meek]
//! ```
//!
//! The seed that breaks ties by lot is all zeros here; a real count publishes it
//! before the ballot opens.

use concord_tally::{blt::read_blt, count, render_table, Method};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: count_blt FILE.blt [plurality|approval|irv|stv|meek]");
        std::process::exit(2);
    };
    let method = match args.next().as_deref().unwrap_or("stv") {
        "plurality" => Method::Plurality,
        "approval" => Method::Approval,
        "irv" => Method::Irv,
        "meek" => Method::Meek,
        "stv" => Method::ScottishStv,
        other => {
            eprintln!("unknown method {other}: plurality, approval, irv, stv or meek");
            std::process::exit(2);
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let election = read_blt(&text).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    match count(method, &election, [0; 32]) {
        Ok(result) => print!("{}", render_table(&result, &election)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
