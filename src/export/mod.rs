//! Exports. Large ones are made in the background ([`background`], followed on
//! [`pages`] and through the [`api`]).
//!
//! The one CSV writer every export goes through (the register, statements, the audit
//! log, distribution reports): cells that a spreadsheet would run as a formula are
//! written as text.
//!
//! A name typed by any member, or by an anonymous applicant, ends up in the register a
//! secretary opens in a spreadsheet; `=HYPERLINK(…)` there would run. Following OWASP,
//! a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
//! `'`, which spreadsheets take as "this is text". One exception, on purpose: a cell
//! that is a plain decimal number (`-12.50`, `+3`) is left alone, so negative amounts
//! stay numbers an accountant can sum; a number cannot be a formula.

pub mod api;
pub mod background;
pub mod pages;

use crate::error::{AppError, AppResult};

/// The characters that start a formula (or hide one) in common spreadsheets.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell` is a plain decimal number: an optional sign, digits, and an
/// optional fraction.
pub fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(unsigned.contains('.') && fraction.is_empty())
}

/// The cell as it is written: with a leading `'` when a spreadsheet would otherwise
/// take it for a formula.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV export being written in memory.
pub struct CsvExport {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvExport {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvExport {
    /// An empty export.
    pub fn new() -> Self {
        CsvExport {
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Writes one line, each cell neutralised.
    pub fn write_record<I, T>(&mut self, cells: I) -> AppResult<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| neutralise(c.as_ref()).into_owned()).collect();
        self.writer
            .write_record(&cells)
            .map_err(|e| AppError::internal(format!("writing CSV: {e}")))
    }

    /// The bytes of the whole export.
    pub fn finish(self) -> AppResult<Vec<u8>> {
        self.writer
            .into_inner()
            .map_err(|e| AppError::internal(format!("writing CSV: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_leading_quote() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("-1.", "'-1."),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_left_alone() {
        for cell in [
            "-12.50",
            "+3",
            "-0",
            "12",
            "Ana",
            "",
            "a=b",
            " =1",
            "2026-06-30",
            "'quoted",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn an_export_quotes_as_csv_after_neutralising() {
        let mut export = CsvExport::new();
        export.write_record(["name", "amount"]).unwrap();
        export.write_record(["=HYPERLINK(\"http://evil\")", "-12.50"]).unwrap();
        let text = String::from_utf8(export.finish().unwrap()).unwrap();
        assert_eq!(text, "name,amount\n\"'=HYPERLINK(\"\"http://evil\"\")\",-12.50\n");
    }
}
