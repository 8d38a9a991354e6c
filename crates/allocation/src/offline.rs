//! The offline distribution behind
//! `concord allocate --rules RULES.toml --members MEMBERS.csv --surplus AMOUNT [--json]`:
//! reads the rule set and the members, runs exactly the server's
//! [`allocate`], and renders the result as JSON ([`to_json`]) or as a table
//! ([`render_table`]).
//!
//! `MEMBERS.csv` has a header row. Required columns: `member,hours,wages,capital`
//! (`wages` may be left empty when the basis does not use wages). Optional
//! columns, in any order after them or between them: `capital_days` and
//! `days_in_year` (capital held part of the year: eligible capital =
//! capital × capital_days / days_in_year; `days_in_year` defaults to 365),
//! `months` (months of presence, empty = the whole year) and
//! `seniority_years`. Every row is checked and *all* bad rows are reported,
//! each with its line number.

use std::collections::HashMap;
use std::fmt;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::allocate::{allocate, money, validate_member, Allocation, AllocationError, EligibleCapital, MemberInput};
use super::rules::{RuleSet, RulesError};

/// One problem in `MEMBERS.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// The column concerned, when there is one.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}: {}: {}", self.line, c, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// Why the offline run failed. Every variant is bad input: the CLI prints
/// the message and exits with [`OfflineError::EXIT_CODE`] (2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfflineError {
    /// `RULES.toml` is unreadable or invalid.
    #[error("{0}")]
    Rules(#[from] RulesError),
    /// `MEMBERS.csv` has bad rows (all of them are listed).
    #[error("MEMBERS.csv: {} error(s):\n{}", .0.len(), join_rows(.0))]
    Members(Vec<RowError>),
    /// `--surplus` is not an amount with at most 2 decimals.
    #[error("--surplus: {0}")]
    Surplus(String),
    /// The inputs were read but the allocation refused them.
    #[error("{0}")]
    Allocation(#[from] AllocationError),
}

fn join_rows(rows: &[RowError]) -> String {
    rows.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n")
}

impl OfflineError {
    /// The exit status of the CLI for bad input.
    pub const EXIT_CODE: i32 = 2;

    /// Is this bad input (the user's files or flags)? Always true: nothing
    /// in the offline run can fail for another reason.
    pub fn is_bad_input(&self) -> bool {
        true
    }

    /// The CLI's exit status for this error (2: bad input).
    pub fn exit_code(&self) -> i32 {
        Self::EXIT_CODE
    }
}

const REQUIRED: [&str; 4] = ["member", "hours", "wages", "capital"];
const OPTIONAL: [&str; 4] = ["capital_days", "days_in_year", "months", "seniority_years"];

fn parse_dec(s: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(s).map_err(|_| format!("{s:?} is not a number"))
}

/// Parses `MEMBERS.csv` (see the module documentation for the columns).
/// `needs_wages`: every row must then have wages. Returns all bad rows.
pub fn parse_members(csv_text: &str, needs_wages: bool) -> Result<Vec<MemberInput>, OfflineError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv_text.as_bytes());
    let mut errors = Vec::new();
    let header_err = |reason: String| {
        OfflineError::Members(vec![RowError {
            line: 1,
            column: None,
            reason,
        }])
    };
    let headers = rdr
        .headers()
        .map_err(|e| header_err(format!("cannot read the header: {e}")))?
        .clone();
    let mut col: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim_start_matches('\u{feff}').to_ascii_lowercase();
        if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            errors.push(RowError {
                line: 1,
                column: Some(h.clone()),
                reason: format!(
                    "unknown column; expected {} and optionally {}",
                    REQUIRED.join(","),
                    OPTIONAL.join(",")
                ),
            });
        } else if col.insert(h.clone(), i).is_some() {
            errors.push(RowError {
                line: 1,
                column: Some(h),
                reason: "column given twice".into(),
            });
        }
    }
    for r in REQUIRED {
        if !col.contains_key(r) {
            errors.push(RowError {
                line: 1,
                column: Some(r.into()),
                reason: "missing column (header must be member,hours,wages,capital)".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(OfflineError::Members(errors));
    }

    let mut members = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(RowError {
                    line,
                    column: None,
                    reason: format!("unreadable row: {}", csv_error_reason(&e)),
                });
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|f| f.is_empty()) {
            continue; // a blank line
        }
        let get = |name: &str| col.get(name).and_then(|&i| rec.get(i)).unwrap_or("");
        let mut row_errs = Vec::new();
        let mut err = |c: &str, reason: String| {
            row_errs.push(RowError {
                line,
                column: Some(c.to_string()),
                reason,
            })
        };
        let id = get("member").to_string();
        if id.is_empty() {
            err("member", "empty member id".into());
        } else if let Some(first) = seen.get(&id) {
            err("member", format!("duplicate member {id:?} (first on line {first})"));
        } else {
            seen.insert(id.clone(), line);
        }
        let mut num = |c: &str, required: bool| -> Option<Decimal> {
            let v = get(c);
            if v.is_empty() {
                if required {
                    err(c, "required".into());
                }
                return None;
            }
            match parse_dec(v) {
                Ok(d) => Some(d),
                Err(e) => {
                    err(c, e);
                    None
                }
            }
        };
        let hours = num("hours", true);
        let wages = num("wages", needs_wages);
        let capital = num("capital", true);
        let days = num("capital_days", false);
        let year = num("days_in_year", false);
        let months = num("months", false);
        let seniority = num("seniority_years", false);
        // Field-level checks, so that every problem of the row is reported.
        for (c, v, max) in [
            ("hours", hours, None),
            ("wages", wages, None),
            ("capital", capital, None),
            ("months", months, Some(12)),
            ("seniority_years", seniority, Some(200)),
        ] {
            let Some(v) = v else { continue };
            if v.is_sign_negative() && !v.is_zero() {
                err(c, format!("must not be negative, got {v}"));
            } else if v.normalize().scale() > 2 {
                err(c, format!("at most 2 decimals allowed, got {v}"));
            } else if let Some(max) = max.filter(|&max| v > Decimal::from(max)) {
                err(c, format!("must be at most {max}, got {v}"));
            }
        }
        let mut as_days = |c: &str, d: Option<Decimal>| -> Option<u32> {
            let d = d?;
            if d.fract().is_zero() && d >= Decimal::ZERO && d <= Decimal::from(366) {
                u32::try_from(d.trunc().mantissa() / 10i128.pow(d.scale())).ok()
            } else {
                err(c, format!("must be a whole number of days from 0 to 366, got {d}"));
                None
            }
        };
        let days = as_days("capital_days", days);
        let year = as_days("days_in_year", year);
        if year.is_some() && days.is_none() && get("capital_days").is_empty() {
            err("days_in_year", "given without capital_days".into());
        }
        if row_errs.is_empty() {
            let cap = capital.unwrap_or_default();
            let m = MemberInput {
                member: id,
                hours: hours.unwrap_or_default(),
                wages,
                capital: match days {
                    Some(d) => EligibleCapital::Held {
                        capital: cap,
                        days_held: d,
                        days_in_year: year.unwrap_or(365),
                    },
                    None => EligibleCapital::Average(cap),
                },
                months_present: months,
                seniority_years: seniority,
            };
            match validate_member(&m) {
                Ok(()) => members.push(m),
                Err(AllocationError::Member { field, reason, .. }) => row_errs.push(RowError {
                    line,
                    column: Some(field.to_string()),
                    reason,
                }),
                Err(e) => row_errs.push(RowError {
                    line,
                    column: None,
                    reason: e.to_string(),
                }),
            }
        }
        errors.extend(row_errs);
    }
    if !errors.is_empty() {
        return Err(OfflineError::Members(errors));
    }
    Ok(members)
}

fn csv_error_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        _ => e.to_string(),
    }
}

/// Parses the `--surplus` amount: a decimal with at most 2 decimals,
/// optionally negative; `_` and `,` thousands separators are not accepted.
pub fn parse_surplus(text: &str) -> Result<Decimal, OfflineError> {
    let t = text.trim();
    let d = Decimal::from_str_exact(t).map_err(|_| OfflineError::Surplus(format!("{t:?} is not an amount")))?;
    if d.normalize().scale() > 2 {
        return Err(OfflineError::Surplus(format!("{t} has more than 2 decimals")));
    }
    Ok(d)
}

/// Runs a distribution from the texts of `RULES.toml` and `MEMBERS.csv` and
/// the `--surplus` argument, with exactly the server's [`allocate`].
pub fn run(rules_toml: &str, members_csv: &str, surplus: &str) -> Result<Allocation, OfflineError> {
    let rules = RuleSet::from_toml(rules_toml);
    let surplus = parse_surplus(surplus);
    // Report the members' errors even when the rules are bad too? The rules
    // decide whether wages are needed, so rules come first.
    let rules = rules?;
    let members = parse_members(members_csv, rules.uses_wages())?;
    let surplus = surplus?;
    Ok(allocate(surplus, &rules, &members)?)
}

fn amount(d: Decimal) -> Value {
    let mut x = d;
    if x.is_zero() {
        x = Decimal::ZERO;
    }
    x.rescale(2);
    Value::String(x.to_string())
}

/// The machine-readable result: exactly
/// `{"surplus","reserve","share_return_total","patronage_total","members":[{"member","share_return","patronage","cash","retained","total"}]}`
/// with every amount a string with two decimals.
pub fn to_json(a: &Allocation) -> Value {
    json!({
        "surplus": amount(a.surplus),
        "reserve": amount(a.reserve),
        "share_return_total": amount(a.share_return_total),
        "patronage_total": amount(a.patronage_total),
        "members": a.members.iter().map(|m| json!({
            "member": m.member,
            "share_return": amount(m.share_return),
            "patronage": amount(m.patronage),
            "cash": amount(m.cash),
            "retained": amount(m.retained),
            "total": amount(m.total),
        })).collect::<Vec<_>>(),
    })
}

/// The human-readable result: a summary of the pools and one row per
/// member with totals, amounts right-aligned, no currency symbol.
pub fn render_table(a: &Allocation) -> String {
    let amt = |d: Decimal| money(d, "");
    let mut out = String::new();
    let mut line = |label: &str, v: Decimal| {
        out.push_str(&format!("{label:<28}{:>18}\n", amt(v)));
    };
    line("Surplus", a.surplus);
    line("Reserve", a.reserve);
    if a.reserve != a.reserve_statutory {
        line("  of which statutory", a.reserve_statutory);
        if !a.held_back_to_reserve.is_zero() {
            line("  of which held back", a.held_back_to_reserve);
        }
        if !a.unallocated_to_reserve.is_zero() {
            line("  of which unallocated", a.unallocated_to_reserve);
        }
    }
    line("Return on shares", a.share_return_total);
    if !a.share_return_held_back.is_zero() {
        line("  held back by a cap", a.share_return_held_back);
    }
    line("Patronage", a.patronage_total);
    if a.loss_year {
        out.push_str("Loss year: nothing is distributed.\n");
    }
    out.push('\n');

    let heads = ["Member", "Share return", "Patronage", "Cash", "Retained", "Total"];
    let rows: Vec<[String; 6]> = a
        .members
        .iter()
        .map(|m| {
            [
                m.member.clone(),
                amt(m.share_return),
                amt(m.patronage),
                amt(m.cash),
                amt(m.retained),
                amt(m.total),
            ]
        })
        .collect();
    let sum = |f: fn(&super::allocate::MemberAllocation) -> Decimal| a.members.iter().map(f).sum::<Decimal>();
    let totals = [
        "Total".to_string(),
        amt(sum(|m| m.share_return)),
        amt(sum(|m| m.patronage)),
        amt(sum(|m| m.cash)),
        amt(sum(|m| m.retained)),
        amt(sum(|m| m.total)),
    ];
    let mut width = heads.map(|h| h.chars().count());
    for r in rows.iter().chain(std::iter::once(&totals)) {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 0 {
                s.push_str(&format!("{c:<w$}", w = width[0]));
            } else {
                s.push_str(&format!("  {c:>w$}", w = width[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&fmt_row(&heads.map(String::from)));
    let rule: usize = width.iter().sum::<usize>() + 2 * (width.len() - 1);
    out.push_str(&"-".repeat(rule));
    out.push('\n');
    for r in &rows {
        out.push_str(&fmt_row(r));
    }
    out.push_str(&"-".repeat(rule));
    out.push('\n');
    out.push_str(&fmt_row(&totals));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"
preset = "us_worker"
reserve_rate = "0.30"
share_return_rate = "0.05"
"#;

    #[test]
    fn run_end_to_end_and_json_shape() {
        let csv = "member,hours,wages,capital\n1,1000,,1000.00\n2,500,,2000\n3,0,,0\n";
        let a = run(RULES, csv, "10000.00").unwrap();
        let v = to_json(&a);
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        let mut expected = vec!["members", "patronage_total", "reserve", "share_return_total", "surplus"];
        expected.sort();
        let mut got: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        got.sort();
        assert_eq!(got, expected);
        assert_eq!(v["surplus"], "10000.00");
        assert_eq!(v["reserve"], "3000.00");
        assert_eq!(v["share_return_total"], "150.00");
        assert_eq!(v["patronage_total"], "6850.00");
        let m1 = &v["members"][0];
        let mut mk: Vec<&str> = m1.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        mk.sort();
        assert_eq!(mk, ["cash", "member", "patronage", "retained", "share_return", "total"]);
        // 6850 × 1000/1500 = 4566.666… → 4566.67 ; 6850 × 500/1500 = 2283.333… → 2283.33
        assert_eq!(m1["member"], "1");
        assert_eq!(m1["share_return"], "50.00");
        assert_eq!(m1["patronage"], "4566.67");
        assert_eq!(m1["cash"], "913.34");
        assert_eq!(m1["retained"], "3653.33");
        assert_eq!(m1["total"], "4616.67");
        assert_eq!(v["members"][2]["total"], "0.00");
        let t = render_table(&a);
        assert!(t.contains("Patronage"), "{t}");
        assert!(t.contains("4,566.67"), "{t}");
        assert!(t.lines().last().unwrap().starts_with("Total"), "{t}");
    }

    /// The worked example of docs/rules/distribution.md, verbatim.
    #[test]
    fn documented_example() {
        let rules = "preset = \"us_worker\"\n\
                     share_return_rate = \"0.08\"\n\
                     share_return_max_of_surplus = \"0.05\"\n\
                     share_return_excess = \"reserve\"\n";
        let csv = "member,hours,wages,capital\n1,1000,,5000.00\n2,1000,,2500.00\n3,1000,,0\n4,0,,1000.00\n";
        let a = run(rules, csv, "10000.01").unwrap();
        assert_eq!(
            to_json(&a).to_string(),
            concat!(
                r#"{"members":["#,
                r#"{"cash":"421.34","member":"1","patronage":"2106.67","retained":"1685.33","share_return":"294.12","total":"2400.79"},"#,
                r#"{"cash":"421.34","member":"2","patronage":"2106.67","retained":"1685.33","share_return":"147.06","total":"2253.73"},"#,
                r#"{"cash":"421.34","member":"3","patronage":"2106.66","retained":"1685.32","share_return":"0.00","total":"2106.66"},"#,
                r#"{"cash":"0.00","member":"4","patronage":"0.00","retained":"0.00","share_return":"58.82","total":"58.82"}],"#,
                r#""patronage_total":"6320.00","reserve":"3180.01","share_return_total":"500.00","surplus":"10000.01"}"#
            )
        );
        let table = render_table(&a);
        let expected = "\
Surplus                              10,000.01
Reserve                               3,180.01
  of which statutory                  3,000.01
  of which held back                    180.00
Return on shares                        500.00
  held back by a cap                    180.00
Patronage                             6,320.00

Member  Share return  Patronage      Cash  Retained     Total
-------------------------------------------------------------
1             294.12   2,106.67    421.34  1,685.33  2,400.79
2             147.06   2,106.67    421.34  1,685.33  2,253.73
3               0.00   2,106.66    421.34  1,685.32  2,106.66
4              58.82       0.00      0.00      0.00     58.82
-------------------------------------------------------------
Total         500.00   6,320.00  1,264.02  5,055.98  6,820.00
";
        assert_eq!(table, expected, "\n{table}");
    }

    /// The other two examples of docs/rules/distribution.md parse and run.
    #[test]
    fn documented_formats() {
        let rules = r#"
reserve_rate = "0.40"
share_return_rate = "0.03"
share_return_max_of_surplus = "0.10"
patronage_basis = "mix"
patronage_weights = { hours = "0.5", wages = "0.3", equal = "0.2" }
min_hours = "100"
seniority_rate = "0.05"
seniority_cap = "1.5"
cash_min_rate = "0.20"
loss_to = "members"
"#;
        let csv = "member,hours,wages,capital,capital_days,months,seniority_years
1,1607,38000.00,2000.00,,12,6
2,1200,30000.00,2000.00,,,1.5
3,800,18000.00,0,,6,0.5
4,400,9000.00,50000.00,73,2.4,0.25
";
        let a = run(rules, csv, "25000.00").unwrap();
        assert_eq!(a.members.len(), 4);
        assert_eq!(a.reserve + a.share_return_total + a.patronage_total, a.surplus);
        let scop = run("preset = \"scop_fr\"", csv, "25000.00").unwrap();
        // Member 4 (2.4 months, 3 months of seniority) gets no part travail.
        assert!(scop.members[3].patronage.is_zero());
        assert!(!scop.members[2].patronage.is_zero());
    }

    #[test]
    fn all_bad_rows_are_reported_with_line_numbers() {
        let csv = "member,hours,wages,capital\n\
                   1,10,,100\n\
                   2,-5,,100\n\
                   ,10,,100\n\
                   1,10,,100\n\
                   5,ten,,100.001\n\
                   6,10,,100\n";
        let e = run(RULES, csv, "100").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let OfflineError::Members(rows) = e else {
            panic!("{e:?}")
        };
        let got: Vec<(u64, Option<&str>)> = rows.iter().map(|r| (r.line, r.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (3, Some("hours")),
                (4, Some("member")),
                (5, Some("member")),
                (6, Some("hours")),
                (6, Some("capital")),
            ],
            "{rows:?}"
        );
        assert!(rows[2].reason.contains("first on line 2"));
    }

    #[test]
    fn header_and_shape_errors() {
        let e = run(RULES, "member,hours,capital\n1,1,1\n", "1").unwrap_err();
        let OfflineError::Members(rows) = e else { panic!() };
        assert_eq!(rows[0].line, 1);
        assert_eq!(rows[0].column.as_deref(), Some("wages"));
        let e = run(RULES, "member,hours,wages,capital,votes\n", "1").unwrap_err();
        assert!(e.to_string().contains("votes"), "{e}");
        let e = run(RULES, "member,hours,wages,capital\n1,2,3\n2,1,,1\n9,1,,1,4\n", "1").unwrap_err();
        let OfflineError::Members(rows) = e else { panic!() };
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn wages_required_by_the_basis() {
        let rules = "patronage_basis = \"wages\"\n";
        let e = run(rules, "member,hours,wages,capital\n1,10,,0\n2,10,5,0\n", "10").unwrap_err();
        let OfflineError::Members(rows) = e else { panic!() };
        assert_eq!((rows[0].line, rows[0].column.as_deref()), (2, Some("wages")));
    }

    #[test]
    fn optional_columns() {
        let csv = "member,hours,wages,capital,capital_days,days_in_year,months,seniority_years\n\
                   1,100,,3650,73,365,12,1\n\
                   2,100,,1000,,,,\n\
                   3,100,,1000,400,365,,\n\
                   4,100,,1000,,366,,\n";
        let e = run(RULES, csv, "100").unwrap_err();
        let OfflineError::Members(rows) = e else { panic!() };
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![4, 5]);
        let csv = "member,hours,wages,capital,capital_days\n1,100,,3650,73\n2,100,,1000,\n";
        let a = run(RULES, csv, "10000").unwrap();
        // 3650 × 73/365 = 730 eligible; 5 % = 36.50 ; 1000 → 50.00
        assert_eq!(a.members[0].share_return.to_string(), "36.50");
        assert_eq!(a.members[1].share_return.to_string(), "50.00");
    }

    #[test]
    fn surplus_and_rules_errors() {
        let csv = "member,hours,wages,capital\n1,1,,1\n";
        assert!(matches!(run(RULES, csv, "12.345"), Err(OfflineError::Surplus(_))));
        assert!(matches!(run(RULES, csv, "abc"), Err(OfflineError::Surplus(_))));
        assert!(matches!(
            run("reserve_rate = \"2\"", csv, "1"),
            Err(OfflineError::Rules(_))
        ));
        let e = run("nope = 1", csv, "1").unwrap_err();
        assert!(e.is_bad_input());
    }
}
