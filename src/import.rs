//! Reading an all-or-nothing CSV import (the register, hours): the header is checked
//! against the columns the import knows, and every row comes back with its line
//! number, so that each bad row can be reported with its line and reason and
//! nothing is imported unless every row is good.

use std::sync::Arc;

use serde::Serialize;

/// A refused line of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// The line in the file (the header is line 1).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// One data row: its line in the file and its fields by (lower-case) column name.
#[derive(Debug, Clone)]
pub struct Row {
    /// The line in the file.
    pub line: usize,
    // The header is shared by every row: a register of 500,000 people would otherwise
    // hold 500,000 copies of its column names.
    headers: Arc<[String]>,
    record: csv::StringRecord,
}

impl Row {
    /// The trimmed value of a column; empty when the column is absent.
    pub fn get(&self, column: &str) -> String {
        self.headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .map(String::from)
            .unwrap_or_default()
    }
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn header_of(reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>, ImportError> {
    Ok(reader
        .headers()
        .map_err(|e| ImportError {
            line: 1,
            reason: format!("cannot read the header: {e}"),
        })?
        .iter()
        // A spreadsheet's UTF-8 export often starts with a byte-order mark.
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect())
}

/// The column names of a CSV text's header, in lower case.
pub fn header(text: &str) -> Result<Vec<String>, ImportError> {
    header_of(&mut reader(text))
}

/// How many data rows a CSV text has (its records after the header), counted without
/// reading their fields: what an import's row limit is checked against before any
/// work is done.
pub fn row_count(text: &str) -> usize {
    let mut reader = reader(text);
    let mut record = csv::ByteRecord::new();
    let mut count = 0;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        count += 1;
    }
    count
}

/// Reads a CSV text with a header. Refuses the whole file (as line 1) when the header
/// cannot be read, names a column not in `allowed`, or lacks one of `required`;
/// otherwise answers every row, or why it cannot be read (line number and reason),
/// one at a time as they are read.
pub fn rows<'a>(
    text: &'a str,
    allowed: &[&str],
    required: &[&str],
) -> Result<impl Iterator<Item = Result<Row, ImportError>> + 'a, ImportError> {
    let mut reader = reader(text);
    let headers = header_of(&mut reader)?;
    let header_error = |reason: String| ImportError { line: 1, reason };
    if let Some(unknown) = headers.iter().find(|h| !allowed.contains(&h.as_str())) {
        return Err(header_error(format!(
            "unknown column `{unknown}`; the columns are {}",
            allowed.join(", ")
        )));
    }
    if let Some(missing) = required.iter().find(|r| !headers.iter().any(|h| h == *r)) {
        return Err(header_error(format!("the column `{missing}` is required")));
    }
    let headers: Arc<[String]> = headers.into();
    Ok(reader.into_records().enumerate().map(move |(index, record)| {
        let line = index + 2;
        let record = record.map_err(|e| ImportError {
            line,
            reason: format!("unreadable row: {e}"),
        })?;
        if record.len() != headers.len() {
            return Err(ImportError {
                line,
                reason: format!("{} fields where the header has {}", record.len(), headers.len()),
            });
        }
        Ok(Row {
            line,
            headers: headers.clone(),
            record,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_checked_and_rows_carry_their_lines() {
        let rows = rows(
            "\u{feff}Name,email\n Ana , ana@example.org\nBen\n",
            &["name", "email"],
            &["name"],
        )
        .unwrap()
        .collect::<Vec<_>>();
        let first = rows[0].as_ref().unwrap();
        assert_eq!(
            (first.line, first.get("name"), first.get("email")),
            (2, "Ana".into(), "ana@example.org".into())
        );
        assert_eq!(first.get("absent"), "");
        assert_eq!(rows[1].as_ref().unwrap_err().reason, "1 fields where the header has 2");
        assert_eq!(rows[1].as_ref().unwrap_err().line, 3);
        let unknown = super::rows("name,shoe\n", &["name"], &[]).err().unwrap();
        assert_eq!(
            (unknown.line, unknown.reason.as_str()),
            (1, "unknown column `shoe`; the columns are name")
        );
        let missing = super::rows("email\n", &["name", "email"], &["name"]).err().unwrap();
        assert_eq!(missing.reason, "the column `name` is required");
    }

    #[test]
    fn rows_are_counted_with_the_unreadable_ones() {
        assert_eq!(row_count("name,email\nAna,a@x.coop\nBen\n\"Unclosed,x\n"), 3);
        assert_eq!(row_count("name,email\n"), 0);
        assert_eq!(row_count(""), 0);
    }
}
