//! Reading an import of existing share holdings (pure): who holds how many shares of
//! which class since when, and what they have paid. The rows are checked against the
//! register and the ledger's rules by the service, which writes them as ordinary
//! subscriptions and payments, all or nothing.

use chrono::NaiveDate;

use crate::import::{rows, ImportError};
use crate::money::{Currency, Money, Sign};

/// The columns a holdings import may have.
pub const COLUMNS: [&str; 7] = [
    "email",
    "class",
    "shares",
    "subscribed_on",
    "paid",
    "paid_on",
    "reference",
];

/// The columns it must have.
pub const REQUIRED: [&str; 4] = ["email", "class", "shares", "subscribed_on"];

/// One holding as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// Its line in the file (the header is line 1).
    pub line: usize,
    /// The member's e-mail on the register.
    pub email: String,
    /// The share class's name (case does not matter).
    pub class: String,
    /// How many shares, at least 1.
    pub shares: u32,
    /// When they were subscribed.
    pub subscribed_on: NaiveDate,
    /// What has been paid on them; `None` (column blank or absent): fully paid.
    pub paid: Option<Money>,
    /// When it was paid; the subscription's date when blank.
    pub paid_on: NaiveDate,
    /// A bank or receipt reference for the payment.
    pub reference: Option<String>,
}

/// Reads a holdings file: every row, or every bad row with its line and reason. A
/// date after `today` is refused (an import records the past), as is a payment
/// dated before its subscription.
pub fn parse(csv_text: &str, currency: Currency, today: NaiveDate) -> Result<Vec<Holding>, Vec<ImportError>> {
    let records = rows(csv_text, &COLUMNS, &REQUIRED).map_err(|e| vec![e])?;
    let mut holdings = Vec::new();
    let mut errors = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut reasons = Vec::new();
        let email = record.get("email");
        if !crate::mail::is_valid_address(&email) {
            reasons.push(format!("`{email}` is not a valid e-mail address"));
        }
        let class = record.get("class");
        if class.is_empty() {
            reasons.push("the share class is missing".to_string());
        }
        let shares = match record.get("shares").parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                reasons.push(format!(
                    "`{}` is not a number of shares (1 or more)",
                    record.get("shares")
                ));
                0
            }
        };
        // A blank date takes `default`; `None` there means the column is required.
        let mut date = |column: &str, default: Option<Option<NaiveDate>>| -> Option<NaiveDate> {
            let text = record.get(column);
            if text.is_empty() {
                return default.unwrap_or_else(|| {
                    reasons.push(format!("{column} is missing"));
                    None
                });
            }
            match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(d) if d <= today => Some(d),
                Ok(_) => {
                    reasons.push(format!("{column} {text} is in the future"));
                    None
                }
                Err(_) => {
                    reasons.push(format!("{column} `{text}` is not a date (YYYY-MM-DD)"));
                    None
                }
            }
        };
        let subscribed_on = date("subscribed_on", None);
        let paid_on = date("paid_on", Some(subscribed_on));
        let paid = match record.get("paid").as_str() {
            "" => None,
            text => match Money::parse_with(text, currency, Sign::PositiveOrZero) {
                Ok(amount) => Some(amount),
                Err(e) => {
                    reasons.push(format!("paid: {e}"));
                    None
                }
            },
        };
        if let (Some(sub), Some(pay)) = (subscribed_on, paid_on) {
            if pay < sub {
                reasons.push(format!("paid_on {pay} is before subscribed_on {sub}"));
            }
        }
        let reference = Some(record.get("reference")).filter(|r| !r.is_empty());
        match (reasons.is_empty(), subscribed_on, paid_on) {
            (true, Some(subscribed_on), Some(paid_on)) => holdings.push(Holding {
                line: record.line,
                email,
                class,
                shares,
                subscribed_on,
                paid,
                paid_on,
                reference,
            }),
            _ => errors.push(ImportError {
                line: record.line,
                reason: reasons.join("; "),
            }),
        }
    }
    if errors.is_empty() {
        Ok(holdings)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn eur(text: &str) -> Money {
        Money::parse_with(text, Currency::Eur, Sign::PositiveOrZero).unwrap()
    }

    #[test]
    fn good_rows_are_read_with_their_defaults() {
        let text = "email,class,shares,subscribed_on,paid,paid_on,reference\n\
                    ada@example.org,Ordinary,2,2024-03-01,,,\n\
                    bo@example.org,ordinary,1,2025-01-15,12.50,2025-02-01,VIR-7\n";
        let holdings = parse(text, Currency::Eur, today()).unwrap();
        assert_eq!(holdings.len(), 2);
        assert_eq!(holdings[0].line, 2);
        assert_eq!(holdings[0].paid, None, "blank: fully paid");
        assert_eq!(holdings[0].paid_on, holdings[0].subscribed_on);
        assert_eq!(holdings[1].paid, Some(eur("12.50")));
        assert_eq!(holdings[1].paid_on, NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
        assert_eq!(holdings[1].reference.as_deref(), Some("VIR-7"));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_reasons() {
        let text = "email,class,shares,subscribed_on,paid,paid_on\n\
                    not-an-address,Ordinary,0,2024-03-01,,\n\
                    ok@example.org,Ordinary,1,2027-01-01,,\n\
                    ok2@example.org,Ordinary,1,2024-03-01,-5,2024-02-01\n\
                    ok3@example.org,,1,01/03/2024,12.345,\n";
        let errors = parse(text, Currency::Eur, today()).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        assert!(
            errors[0].reason.contains("not a valid e-mail address"),
            "{}",
            errors[0].reason
        );
        assert!(
            errors[0].reason.contains("`0` is not a number of shares"),
            "{}",
            errors[0].reason
        );
        assert_eq!(errors[1].reason, "subscribed_on 2027-01-01 is in the future");
        assert!(errors[2].reason.starts_with("paid: "), "{}", errors[2].reason);
        assert!(errors[2]
            .reason
            .contains("paid_on 2024-02-01 is before subscribed_on 2024-03-01"));
        assert!(errors[3].reason.contains("the share class is missing"));
        assert!(errors[3].reason.contains("`01/03/2024` is not a date"));
    }

    #[test]
    fn a_file_without_a_required_column_is_refused_whole() {
        let errors = parse("email,shares\na@example.org,1\n", Currency::Eur, today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
    }
}
