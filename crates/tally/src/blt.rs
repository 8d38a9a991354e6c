//! Reading and writing the BLT ballot-file format.
//!
//! The format was published with Hill, Wichmann & Woodall's "Algorithm 123 —
//! Single Transferable Vote by Meek's method" (1987) and is read by most STV
//! counting programs (OpenSTV, Droop, eSTV):
//!
//! ```text
//! 4 2              candidates, seats
//! -2               optional: withdrawn candidates, each with a minus sign
//! 3 1 3 4 0        3 papers ranking candidate 1, then 3, then 4
//! 4 1 3 2 0
//! 1 0              a blank paper
//! 0                end of the papers
//! "Adam"           the candidates' names, in number order
//! "Basil"
//! "Charlotte"
//! "Donald"
//! "Title"          the election's title
//! ```
//!
//! As in the original description, line breaks are ordinary white space: a
//! paper ends at its `0`, not at the end of its line. Accepted extensions, as
//! common implementations accept them: `#` starts a comment to the end of the
//! line (outside quotes); blank lines anywhere; further quoted lines after
//! the title (Wichmann's source and comment fields), which are ignored.
//!
//! Refused, with the line and the reason: equal rankings (`=`) and skipped
//! rankings (`-` inside a paper), which none of our counting rules define;
//! OpenSTV ballot identifiers `(id)`; fractional weights; candidate numbers
//! out of range or repeated on a paper; anything else unexpected. The parser
//! never panics, whatever the input.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Election, Paper, MAX_CANDIDATES};

/// A ballot file that cannot be read, or an election that cannot be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BltError {
    /// The file is malformed at `line` (1-based).
    #[error("line {line}: {reason}")]
    Syntax {
        /// Line of the offending text (1-based).
        line: usize,
        /// What is wrong, in plain English.
        reason: String,
    },
    /// The election cannot be expressed in BLT (for instance a name containing `"`).
    #[error("cannot write as BLT: {reason}")]
    Unwritable {
        /// What is wrong.
        reason: String,
    },
}

impl BltError {
    /// The line of a syntax error (`None` for a writing error).
    pub fn line(&self) -> Option<usize> {
        match self {
            BltError::Syntax { line, .. } => Some(*line),
            BltError::Unwritable { .. } => None,
        }
    }

    fn at(line: usize, reason: impl Into<String>) -> Self {
        BltError::Syntax {
            line,
            reason: reason.into(),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Tok {
    /// A run of non-space characters outside quotes.
    Word(String),
    /// A double-quoted string (quotes removed).
    Quoted(String),
}

struct Lexer<'s> {
    chars: std::iter::Peekable<std::str::Chars<'s>>,
    line: usize,
}

impl Lexer<'_> {
    /// Next token and the line it starts on, or `None` at the end.
    fn next(&mut self) -> Result<Option<(usize, Tok)>, BltError> {
        loop {
            match self.chars.peek().copied() {
                None => return Ok(None),
                Some('\n') => {
                    self.line += 1;
                    self.chars.next();
                }
                Some('#') => {
                    while let Some(&c) = self.chars.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.chars.next();
                    }
                }
                Some(c) if c.is_whitespace() || c == '\u{feff}' => {
                    self.chars.next();
                }
                Some('"') => {
                    let start = self.line;
                    self.chars.next();
                    let mut s = String::new();
                    loop {
                        match self.chars.next() {
                            None => return Err(BltError::at(start, "a quoted name is never closed")),
                            Some('"') => break,
                            Some('\n') => {
                                return Err(BltError::at(start, "a quoted name runs past the end of its line"))
                            }
                            Some(c) => s.push(c),
                        }
                    }
                    return Ok(Some((start, Tok::Quoted(s))));
                }
                Some(_) => {
                    let mut s = String::new();
                    while let Some(&c) = self.chars.peek() {
                        if c.is_whitespace() || c == '"' || c == '#' {
                            break;
                        }
                        s.push(c);
                        self.chars.next();
                    }
                    return Ok(Some((self.line, Tok::Word(s))));
                }
            }
        }
    }
}

/// What a word on a ballot line can be.
enum Num {
    Int(u64),
    Negative(u64),
}

fn number(line: usize, word: &str, what: &str) -> Result<Num, BltError> {
    let (neg, digits) = match word.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, word.strip_prefix('+').unwrap_or(word)),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.parse::<u64>() {
            Ok(v) if neg => Ok(Num::Negative(v)),
            Ok(v) => Ok(Num::Int(v)),
            Err(_) => Err(BltError::at(line, format!("{what} {word:?} is too large"))),
        };
    }
    let reason = if word.contains('=') {
        format!("equal rankings ({word:?}) are not supported by these counting rules")
    } else if word == "-" {
        "a skipped ranking ('-') is not supported: list only the candidates ranked".to_string()
    } else if word.starts_with('(') {
        format!("ballot identifiers ({word:?}) are not supported")
    } else if word.contains('.') || word.contains(',') {
        format!("{what} {word:?} must be a whole number")
    } else {
        format!("expected {what}, found {word:?}")
    };
    Err(BltError::at(line, reason))
}

/// Reads a BLT ballot file into an [`Election`].
///
/// Candidate numbers in the file are 1-based; in the result they are 0-based
/// indexes. Papers are kept as written (not merged), so writing the result
/// back gives the same papers.
pub fn read_blt(text: &str) -> Result<Election, BltError> {
    let mut lx = Lexer {
        chars: text.chars().peekable(),
        line: 1,
    };
    let next_word = |lx: &mut Lexer<'_>, what: &str| -> Result<(usize, String), BltError> {
        match lx.next()? {
            Some((line, Tok::Word(w))) => Ok((line, w)),
            Some((line, Tok::Quoted(q))) => Err(BltError::at(
                line,
                format!("expected {what}, found the quoted text {q:?}"),
            )),
            None => Err(BltError::at(
                lx.line,
                format!("the file ends where {what} was expected"),
            )),
        }
    };

    // Header: number of candidates and seats.
    let (line, w) = next_word(&mut lx, "the number of candidates")?;
    let n = match number(line, &w, "the number of candidates")? {
        Num::Int(v) if (1..=MAX_CANDIDATES as u64).contains(&v) => v as usize,
        _ => {
            return Err(BltError::at(
                line,
                format!("the number of candidates must be between 1 and {MAX_CANDIDATES}, not {w}"),
            ))
        }
    };
    let (line, w) = next_word(&mut lx, "the number of seats")?;
    let seats = match number(line, &w, "the number of seats")? {
        Num::Int(v) if v >= 1 && v <= n as u64 => v as usize,
        _ => {
            return Err(BltError::at(
                line,
                format!("the number of seats must be between 1 and the number of candidates ({n}), not {w}"),
            ))
        }
    };

    // Withdrawn candidates, then papers.
    let mut withdrawn = BTreeSet::new();
    let mut papers = Vec::new();
    let mut in_withdrawn = true;
    loop {
        let (line, w) = next_word(&mut lx, "a paper's weight or the closing 0")?;
        let weight = match number(line, &w, "a paper's weight")? {
            Num::Negative(v) if in_withdrawn => {
                if v == 0 || v > n as u64 {
                    return Err(BltError::at(
                        line,
                        format!("withdrawn candidate {w} is not between -1 and -{n}"),
                    ));
                }
                if !withdrawn.insert(v as usize - 1) {
                    return Err(BltError::at(line, format!("candidate {v} is withdrawn twice")));
                }
                continue;
            }
            Num::Negative(_) => {
                return Err(BltError::at(
                    line,
                    format!("unexpected {w:?}: withdrawn candidates must come right after the first line"),
                ))
            }
            Num::Int(v) => v,
        };
        in_withdrawn = false;
        if weight == 0 {
            break;
        }
        let mut ranking: Vec<usize> = Vec::new();
        loop {
            let (pline, w) = next_word(&mut lx, "a candidate number or the 0 ending the paper")?;
            match number(pline, &w, "a candidate number")? {
                Num::Int(0) => break,
                Num::Int(c) if c <= n as u64 => {
                    let c = c as usize - 1;
                    if ranking.contains(&c) {
                        return Err(BltError::at(
                            pline,
                            format!(
                                "candidate {} appears twice on the same paper (is a closing 0 missing?)",
                                c + 1
                            ),
                        ));
                    }
                    ranking.push(c);
                }
                _ => {
                    return Err(BltError::at(
                        pline,
                        format!("candidate number {w} is not between 1 and {n}"),
                    ))
                }
            }
        }
        papers.push(Paper { weight, ranking });
    }

    // Names, then the title, then optional quoted extras.
    let mut candidates: Vec<String> = Vec::with_capacity(n.min(1024));
    // A result names the elected: two candidates of one name would make it ambiguous.
    let mut first_of_name = std::collections::HashMap::new();
    for i in 0..n {
        match lx.next()? {
            Some((line, Tok::Quoted(q))) => {
                if let Some(first) = first_of_name.insert(q.clone(), i) {
                    return Err(BltError::at(
                        line,
                        format!("candidates {} and {} are both named {q:?}", first + 1, i + 1),
                    ));
                }
                candidates.push(q)
            }
            Some((line, Tok::Word(w))) => {
                let reason = if i == 0 && w == "0" {
                    "a paper or a stray 0 follows the closing 0 of the papers".to_string()
                } else {
                    format!("expected the name of candidate {} in double quotes, found {w:?}", i + 1)
                };
                return Err(BltError::at(line, reason));
            }
            None => {
                return Err(BltError::at(
                    lx.line,
                    format!("the file ends before the name of candidate {} (of {n})", i + 1),
                ))
            }
        }
    }
    let title = match lx.next()? {
        Some((_, Tok::Quoted(q))) => q,
        Some((line, Tok::Word(w))) => {
            return Err(BltError::at(
                line,
                format!("expected the title in double quotes, found {w:?} (are there more names than candidates?)"),
            ))
        }
        None => String::new(),
    };
    while let Some((line, tok)) = lx.next()? {
        if let Tok::Word(w) = tok {
            return Err(BltError::at(line, format!("unexpected {w:?} after the title")));
        }
    }
    Ok(Election {
        title,
        candidates,
        seats,
        withdrawn,
        papers,
        max_choices: None,
    })
}

/// Writes an election as a BLT ballot file that [`read_blt`] reads back to
/// the same election. Papers with weight 0 are left out (in BLT a 0 weight
/// ends the papers).
pub fn write_blt(election: &Election) -> Result<String, BltError> {
    let n = election.candidates.len();
    if n == 0 || n > MAX_CANDIDATES {
        return Err(BltError::Unwritable {
            reason: format!("between 1 and {MAX_CANDIDATES} candidates are needed, not {n}"),
        });
    }
    if election.seats == 0 || election.seats > n {
        return Err(BltError::Unwritable {
            reason: format!("{} seats cannot be filled from {n} candidates", election.seats),
        });
    }
    let distinct: std::collections::HashSet<&String> = election.candidates.iter().collect();
    if distinct.len() < n {
        return Err(BltError::Unwritable {
            reason: "two candidates have the same name".into(),
        });
    }
    let quotable = |s: &str, what: &str| -> Result<(), BltError> {
        if s.contains('"') || s.contains('\n') || s.contains('\r') {
            Err(BltError::Unwritable {
                reason: format!("{what} {s:?} contains a double quote or a line break"),
            })
        } else {
            Ok(())
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "{n} {}", election.seats);
    if !election.withdrawn.is_empty() {
        let line: Vec<String> = election
            .withdrawn
            .iter()
            .map(|&c| {
                if c < n {
                    Ok(format!("-{}", c + 1))
                } else {
                    Err(BltError::Unwritable {
                        reason: format!("withdrawn candidate index {c} does not exist"),
                    })
                }
            })
            .collect::<Result<_, _>>()?;
        let _ = writeln!(out, "{}", line.join(" "));
    }
    for (i, paper) in election.papers.iter().enumerate() {
        if paper.weight == 0 {
            continue;
        }
        let _ = write!(out, "{}", paper.weight);
        for (k, &c) in paper.ranking.iter().enumerate() {
            if c >= n || paper.ranking[..k].contains(&c) {
                return Err(BltError::Unwritable {
                    reason: format!("paper {i} has an unknown or repeated candidate {c}"),
                });
            }
            let _ = write!(out, " {}", c + 1);
        }
        out.push_str(" 0\n");
    }
    out.push_str("0\n");
    for name in &election.candidates {
        quotable(name, "candidate name")?;
        let _ = writeln!(out, "\"{name}\"");
    }
    quotable(&election.title, "title")?;
    let _ = writeln!(out, "\"{}\"", election.title);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The example published with Algorithm 123 (Hill, Wichmann & Woodall
    /// 1987), as quoted in Droop's `BltFileFormat.md`.
    const HWW: &str = "4 2\n-2\n3 1 3 4 0\n4 1 3 2 0\n2 4 1 3 0\n1 2 0\n2 2 4 3 1 0\n1 3 4 2 0\n0\n\"Adam\"\n\"Basil\"\n\"Charlotte\"\n\"Donald\"\n\"Title\"\n";

    #[test]
    fn reads_the_published_example() {
        let e = read_blt(HWW).unwrap();
        assert_eq!(e.candidates, ["Adam", "Basil", "Charlotte", "Donald"]);
        assert_eq!(e.seats, 2);
        assert_eq!(e.withdrawn, BTreeSet::from([1]));
        assert_eq!(e.papers.len(), 6);
        assert_eq!(e.papers[0], Paper::grouped(3, vec![0, 2, 3]));
        assert_eq!(e.papers[3], Paper::grouped(1, vec![1]));
        assert_eq!(e.title, "Title");
        assert_eq!(read_blt(&write_blt(&e).unwrap()).unwrap(), e);
    }

    #[test]
    fn tolerates_comments_blank_lines_and_trailer() {
        let text = "# a comment\n\n3 1 # three candidates\n\n2 1 2 0\n1\n3\n0 # paper split over lines\n0\n\"A # not a comment\"\n\"B\"\n\"C\"\n\"T\"\n\"source\"\n\"comment\"\n";
        let e = read_blt(text).unwrap();
        assert_eq!(e.candidates[0], "A # not a comment");
        assert_eq!(e.papers, [Paper::grouped(2, vec![0, 1]), Paper::grouped(1, vec![2])]);
        assert_eq!(e.title, "T");
    }

    fn err(text: &str) -> (usize, String) {
        match read_blt(text).unwrap_err() {
            BltError::Syntax { line, reason } => (line, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_files_give_line_and_reason() {
        assert_eq!(err("").0, 1);
        assert_eq!(err("3 2\n1 1 4 0\n0\n").0, 2);
        assert!(err("3 2\n1 1 4 0\n0\n").1.contains("not between 1 and 3"));
        assert_eq!(err("3 2\n1 1 2 1 0\n0\n").0, 2);
        assert!(err("3 1\n1 1=2 0\n").1.contains("equal rankings"));
        assert!(err("3 1\n1 1 - 2 0\n").1.contains("skipped"));
        assert!(err("3 1\n(a7) 1 1 2 0\n").1.contains("identifiers"));
        assert!(err("3 1\n1.5 1 2 0\n").1.contains("whole number"));
        assert_eq!(err("3 1\n1 1 0\n-2\n0\n").0, 3);
        assert_eq!(err("2 1\n1 1 0\n0\n\"A\"\nB\n").0, 5);
        assert_eq!(
            err("3 1\n1 1 0\n0\n\"Bo\"\n\"Al\"\n\"Bo\"\n\"T\"\n"),
            (6, "candidates 1 and 3 are both named \"Bo\"".to_string())
        );
        assert!(err("2 1\n1 1 0\n0\n\"A\n").1.contains("past the end"));
        assert!(err("2 1\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\nextra\n")
            .1
            .contains("after the title"));
        assert!(err("2 3\n0\n").1.contains("seats"));
        assert!(err("99999999999999999999999 1\n").1.contains("candidates"));
        assert!(err("2 1\n1 1 0\n0\n\"A\"\n").1.contains("ends before"));
        assert!(err("2 1\n1 1 2\n").1.contains("file ends"));
    }

    #[test]
    fn writing_refuses_unquotable_names() {
        let mut e = read_blt(HWW).unwrap();
        e.candidates[0] = "A \"B\"".into();
        assert!(matches!(write_blt(&e), Err(BltError::Unwritable { .. })));
    }

    fn arb_election() -> impl Strategy<Value = Election> {
        (1usize..8).prop_flat_map(|n| {
            let paper = (
                1u64..1000,
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n),
            )
                .prop_flat_map(|(w, s)| (Just(w), Just(s).prop_shuffle()))
                .prop_map(|(w, ranking)| Paper::grouped(w, ranking));
            (
                1..=n,
                // Distinct names: a file naming two candidates alike is refused.
                proptest::collection::btree_set("[^\"\r\n]{0,12}", n).prop_map(|names| names.into_iter().collect()),
                "[^\"\r\n]{0,20}",
                proptest::collection::btree_set(0..n, 0..n),
                proptest::collection::vec(paper, 0..20),
            )
                .prop_map(|(seats, candidates, title, withdrawn, papers)| Election {
                    title,
                    candidates,
                    seats,
                    withdrawn,
                    papers,
                    max_choices: None,
                })
        })
    }

    proptest! {
        /// The parser returns a value or an error on any input; it never panics.
        #[test]
        fn never_panics_on_arbitrary_text(s in ".*") {
            let _ = read_blt(&s);
        }

        /// Nor on text that looks like a ballot file.
        #[test]
        fn never_panics_on_blt_like_text(s in "[0-9 \\-=\"#\n()a.]{0,200}") {
            let _ = read_blt(&s);
        }

        /// write → read gives back the same election.
        #[test]
        fn write_read_round_trip(e in arb_election()) {
            let text = write_blt(&e).unwrap();
            prop_assert_eq!(read_blt(&text).unwrap(), e);
        }
    }
}
