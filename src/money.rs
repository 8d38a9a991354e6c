//! Money: an exact amount with two decimals in one currency.
//!
//! [`Money`] wraps a [`rust_decimal::Decimal`] that always has exactly two
//! decimal places and at most twelve integer digits, so that every value fits
//! the `NUMERIC(14,2)` columns of the database, together with the co-op's
//! [`Currency`]. There is no floating point anywhere: amounts typed by people
//! are read digit by digit by [`Money::parse`], which says precisely what is
//! wrong with a bad amount, and arithmetic is checked ([`Money::checked_add`],
//! [`Money::checked_sub`]) and refuses to mix currencies.
//!
//! Amounts are shown to people with [`Money::format`] in French or English
//! ([`Locale`]); [`fmt::Display`] gives the plain, unambiguous form used in
//! logs and files (`1234.56 EUR`). Serde writes `{"amount": "1234.56",
//! "currency": "EUR"}`: the amount is a string, never a JSON number, and is
//! read back with the same checks as [`Money::parse`].

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of decimal places of every amount.
pub const DECIMALS: u32 = 2;

/// Largest number of digits before the decimal point (`NUMERIC(14,2)`).
pub const MAX_INTEGER_DIGITS: usize = 12;

/// Largest amount in cents: 999 999 999 999.99.
pub const MAX_CENTS: i64 = 99_999_999_999_999;

/// No-break space (U+00A0), between a French amount and its symbol and after
/// `CHF` in English.
pub const NBSP: char = '\u{a0}';

/// Narrow no-break space (U+202F), the French thousands separator (CLDR).
pub const NARROW_NBSP: char = '\u{202f}';

/// A currency Concord can keep accounts in (ISO 4217).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    /// Euro.
    Eur,
    /// United States dollar.
    Usd,
    /// Canadian dollar.
    Cad,
    /// Pound sterling.
    Gbp,
    /// Swiss franc.
    Chf,
}

impl Currency {
    /// Every supported currency, in a stable order.
    pub const ALL: [Currency; 5] = [
        Currency::Eur,
        Currency::Usd,
        Currency::Cad,
        Currency::Gbp,
        Currency::Chf,
    ];

    /// The ISO 4217 code (`EUR`).
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Usd => "USD",
            Currency::Cad => "CAD",
            Currency::Gbp => "GBP",
            Currency::Chf => "CHF",
        }
    }

    /// The symbol shown to people in `locale` (CLDR): `€`, `$`/`$US`,
    /// `CA$`/`$CA`, `£`/`£GB`, `CHF`.
    pub fn symbol(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Currency::Eur, _) => "€",
            (Currency::Usd, Locale::En) => "$",
            (Currency::Usd, Locale::Fr) => "$US",
            (Currency::Cad, Locale::En) => "CA$",
            (Currency::Cad, Locale::Fr) => "$CA",
            (Currency::Gbp, Locale::En) => "£",
            (Currency::Gbp, Locale::Fr) => "£GB",
            (Currency::Chf, _) => "CHF",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    /// Reads an ISO 4217 code, in upper or lower case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| MoneyError::UnknownCurrency { code: s.to_string() })
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The language amounts are written in for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    /// French: `1 234,56 €` (narrow no-break space between thousands, no-break
    /// space before the symbol, comma for the decimals).
    Fr,
    /// English: `€1,234.56`, `CHF 1,234.56`.
    En,
}

impl Locale {
    /// The locale of a language tag (`fr`, `fr-CA`, `en_GB`), by its language
    /// part; `None` for any other language.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let lang = tag.trim().split(['-', '_']).next().unwrap_or("");
        if lang.eq_ignore_ascii_case("fr") {
            Some(Locale::Fr)
        } else if lang.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else {
            None
        }
    }
}

/// Which signs [`Money::parse_with`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sign {
    /// Strictly more than zero (a price, a payment).
    Positive,
    /// Zero or more (a floor, an optional fee).
    PositiveOrZero,
    /// Any sign (a correction, a stored balance).
    Any,
}

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum MoneyError {
    /// Nothing was typed.
    #[error("the amount is empty")]
    Empty,
    /// The text is not a plain decimal number.
    #[error("{text:?} is not an amount: write digits with at most one decimal point, e.g. 12.50")]
    NotANumber {
        /// The text as given (trimmed).
        text: String,
    },
    /// A negative amount where only positive ones (or zero) are accepted.
    #[error("the amount must not be negative")]
    Negative,
    /// Zero where only a positive amount is accepted.
    #[error("the amount must be more than zero")]
    Zero,
    /// More than two digits after the decimal point.
    #[error("the amount has {found} decimals; at most 2 are allowed")]
    TooManyDecimals {
        /// Decimals found.
        found: u32,
    },
    /// More than twelve digits before the decimal point.
    #[error("the amount has {found} digits before the decimal point; at most 12 are allowed")]
    TooLarge {
        /// Integer digits found.
        found: usize,
    },
    /// A result of arithmetic outside ±999 999 999 999.99.
    #[error("the result is outside the range of amounts (at most 12 digits before the decimal point)")]
    OutOfRange,
    /// Two amounts in different currencies were combined.
    #[error("cannot combine an amount in {left} with an amount in {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// A currency code Concord does not keep accounts in.
    #[error("unknown currency {code:?}; expected one of EUR, USD, CAD, GBP, CHF")]
    UnknownCurrency {
        /// The code given.
        code: String,
    },
}

impl MoneyError {
    /// The stable code of this refusal: the Fluent message that puts it into words
    /// (`locales/*/errors.ftl`), with [`MoneyError::args`].
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Empty => "error-money-empty",
            MoneyError::NotANumber { .. } => "error-money-not-a-number",
            MoneyError::Negative => "error-money-negative",
            MoneyError::Zero => "error-money-zero",
            MoneyError::TooManyDecimals { .. } => "error-money-too-many-decimals",
            MoneyError::TooLarge { .. } => "error-money-too-large",
            MoneyError::OutOfRange => "error-money-out-of-range",
            MoneyError::CurrencyMismatch { .. } => "error-money-currency-mismatch",
            MoneyError::UnknownCurrency { .. } => "error-money-unknown-currency",
        }
    }

    /// The figures of the message named by [`MoneyError::code`].
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MoneyError::NotANumber { text } => vec![("text", text.clone())],
            MoneyError::TooManyDecimals { found } => vec![("found", found.to_string())],
            MoneyError::TooLarge { found } => vec![("found", found.to_string())],
            MoneyError::CurrencyMismatch { left, right } => {
                vec![("left", left.to_string()), ("right", right.to_string())]
            }
            MoneyError::UnknownCurrency { code } => vec![("code", code.clone())],
            MoneyError::Empty | MoneyError::Negative | MoneyError::Zero | MoneyError::OutOfRange => Vec::new(),
        }
    }
}

/// An exact amount of money: a decimal with exactly two decimal places and at
/// most twelve integer digits, in one [`Currency`].
///
/// Equality compares the amount and the currency. Amounts of different
/// currencies are not ordered (`partial_cmp` gives `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Money {
        Money {
            amount: Decimal::new(0, DECIMALS),
            currency,
        }
    }

    /// An amount from a whole number of cents (`1250` is 12.50).
    pub fn from_cents(cents: i64, currency: Currency) -> Result<Money, MoneyError> {
        if !(-MAX_CENTS..=MAX_CENTS).contains(&cents) {
            return Err(MoneyError::OutOfRange);
        }
        Ok(Money {
            amount: Decimal::new(cents, DECIMALS),
            currency,
        })
    }

    /// An amount from a decimal of any sign that has at most two significant
    /// decimals (`12.500` is accepted as 12.50) and at most twelve integer
    /// digits.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let normal = amount.normalize();
        if normal.scale() > DECIMALS {
            return Err(MoneyError::TooManyDecimals { found: normal.scale() });
        }
        if normal.abs() > Decimal::new(MAX_CENTS, DECIMALS) {
            let digits = normal.abs().trunc().to_string().len();
            return Err(MoneyError::TooLarge { found: digits });
        }
        let mut amount = normal;
        amount.rescale(DECIMALS);
        Ok(Money { amount, currency })
    }

    /// Reads a strictly positive amount typed by a person, e.g.
    /// `Money::parse("12.50", Currency::Eur)`. See [`Money::parse_with`].
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        Money::parse_with(text, currency, Sign::Positive)
    }

    /// Reads an amount typed by a person.
    ///
    /// Accepted: optional surrounding spaces, an optional `-` (refused with
    /// [`MoneyError::Negative`] unless `sign` is [`Sign::Any`]), one or more
    /// ASCII digits, then optionally a decimal mark (`.` or `,`) followed by
    /// one or two digits. No thousands separators, exponents or currency
    /// symbols: `1,234` is read as 1.234 and refused for its three decimals
    /// rather than silently taken as a thousand. Errors say which rule failed:
    /// [`MoneyError::Empty`], [`MoneyError::NotANumber`],
    /// [`MoneyError::Negative`], [`MoneyError::Zero`],
    /// [`MoneyError::TooManyDecimals`], [`MoneyError::TooLarge`].
    pub fn parse_with(text: &str, currency: Currency, sign: Sign) -> Result<Money, MoneyError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(MoneyError::Empty);
        }
        let not_a_number = || MoneyError::NotANumber { text: t.to_string() };
        let (negative, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int_part, frac_part) = match body.find(['.', ',']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int_part) || frac_part.is_some_and(|f| !digits(f)) {
            return Err(not_a_number());
        }
        let frac = frac_part.unwrap_or("");
        if frac.len() > DECIMALS as usize {
            return Err(MoneyError::TooManyDecimals {
                found: frac.len() as u32,
            });
        }
        let significant = int_part.trim_start_matches('0');
        if significant.len() > MAX_INTEGER_DIGITS {
            return Err(MoneyError::TooLarge {
                found: significant.len(),
            });
        }
        // At most 12 + 2 digits: fits an i64 exactly.
        let whole: i64 = if significant.is_empty() {
            0
        } else {
            significant.parse().map_err(|_| not_a_number())?
        };
        let cents_frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| not_a_number())? * 10,
            _ => frac.parse().map_err(|_| not_a_number())?,
        };
        let magnitude = whole * 100 + cents_frac;
        let cents = if negative { -magnitude } else { magnitude };
        match sign {
            Sign::Positive | Sign::PositiveOrZero if cents < 0 => return Err(MoneyError::Negative),
            Sign::Positive if cents == 0 => return Err(MoneyError::Zero),
            _ => {}
        }
        Money::from_cents(cents, currency)
    }

    /// The amount, always with exactly two decimal places.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount as a whole number of cents (`12.50` is `1250`).
    pub fn cents(&self) -> i64 {
        // Exactly two decimals and at most 14 digits: the mantissa is the
        // number of cents and fits an i64.
        self.amount.mantissa() as i64
    }

    /// True for 0.00.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True for an amount above zero.
    pub fn is_positive(&self) -> bool {
        self.cents() > 0
    }

    /// True for an amount below zero.
    pub fn is_negative(&self) -> bool {
        self.cents() < 0
    }

    /// `self + other`; refuses different currencies and results out of range.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        Money::from_cents(self.cents() + other.cents(), self.currency)
    }

    /// `self - other`; refuses different currencies and results out of range.
    /// The result may be negative.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        Money::from_cents(self.cents() - other.cents(), self.currency)
    }

    /// `self × n` (a par value times a number of shares); refuses results out
    /// of range.
    pub fn checked_mul(self, n: u32) -> Result<Money, MoneyError> {
        let cents = i128::from(self.cents()) * i128::from(n);
        let cents = i64::try_from(cents).map_err(|_| MoneyError::OutOfRange)?;
        Money::from_cents(cents, self.currency)
    }

    /// Ok when `other` is in the same currency as `self`.
    pub fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// The amount as people read it in `locale`: `1 234,56 €` in French
    /// (narrow no-break space [`NARROW_NBSP`] between thousands, no-break
    /// space [`NBSP`] before the symbol), `€1,234.56` in English (`$`, `CA$`,
    /// `£`, and `CHF` followed by a no-break space). A negative amount starts
    /// with `-` (`-€5.00`, `-5,00 €`).
    pub fn format(&self, locale: Locale) -> String {
        let cents = self.cents();
        let magnitude = cents.unsigned_abs();
        let whole = (magnitude / 100).to_string();
        let frac = magnitude % 100;
        let (group, mark) = match locale {
            Locale::Fr => (NARROW_NBSP, ','),
            Locale::En => (',', '.'),
        };
        let mut number = String::with_capacity(whole.len() + whole.len() / 3 + 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                number.push(group);
            }
            number.push(ch);
        }
        number.push(mark);
        number.push_str(&format!("{frac:02}"));
        let minus = if cents < 0 { "-" } else { "" };
        let symbol = self.currency.symbol(locale);
        match (locale, self.currency) {
            (Locale::Fr, _) => format!("{minus}{number}{NBSP}{symbol}"),
            (Locale::En, Currency::Chf) => format!("{minus}{symbol}{NBSP}{number}"),
            (Locale::En, _) => format!("{minus}{symbol}{number}"),
        }
    }
}

impl PartialOrd for Money {
    /// Compares amounts of the same currency; `None` across currencies.
    fn partial_cmp(&self, other: &Money) -> Option<Ordering> {
        (self.currency == other.currency).then(|| self.amount.cmp(&other.amount))
    }
}

impl fmt::Display for Money {
    /// The plain form for logs and files: `1234.56 EUR`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyRepr {
    amount: String,
    currency: Currency,
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MoneyRepr {
            amount: self.amount.to_string(),
            currency: self.currency,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Reads `{"amount": "12.50", "currency": "EUR"}` with the checks of
    /// [`Money::parse_with`] and [`Sign::Any`]: the amount must be a string
    /// (`.` as the decimal mark); positivity is the caller's rule.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = MoneyRepr::deserialize(deserializer)?;
        if repr.amount.contains(',') {
            return Err(serde::de::Error::custom(MoneyError::NotANumber { text: repr.amount }));
        }
        Money::parse_with(&repr.amount, repr.currency, Sign::Any).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn eur(text: &str) -> Money {
        Money::parse_with(text, Currency::Eur, Sign::Any).unwrap()
    }

    #[test]
    fn parse_accepts_plain_amounts() {
        assert_eq!(eur("12.50").amount(), dec!(12.50));
        assert_eq!(eur("12.5").amount(), dec!(12.50));
        assert_eq!(eur("12").amount(), dec!(12.00));
        assert_eq!(eur(" 12,05 ").amount(), dec!(12.05));
        assert_eq!(eur("0.01").cents(), 1);
        assert_eq!(eur("-3.20").cents(), -320);
        assert_eq!(eur("000000000000042").cents(), 4200);
        assert_eq!(eur("999999999999.99").cents(), MAX_CENTS);
        assert_eq!(eur("12.50").amount().scale(), 2);
        assert_eq!(eur("7").amount().scale(), 2);
    }

    #[test]
    fn parse_says_what_is_wrong() {
        let p = |t: &str| Money::parse(t, Currency::Eur);
        assert_eq!(p(""), Err(MoneyError::Empty));
        assert_eq!(p("   "), Err(MoneyError::Empty));
        for bad in [
            "abc", "1.2.3", "1e3", "€12", "12 €", "1 234", ".5", "5.", "+5", "--5", "1_000", "١٢",
        ] {
            assert!(
                matches!(p(bad), Err(MoneyError::NotANumber { .. })),
                "{bad:?} gave {:?}",
                p(bad)
            );
        }
        assert_eq!(p("-1"), Err(MoneyError::Negative));
        assert_eq!(p("0"), Err(MoneyError::Zero));
        assert_eq!(p("0.00"), Err(MoneyError::Zero));
        assert_eq!(p("1.234"), Err(MoneyError::TooManyDecimals { found: 3 }));
        assert_eq!(p("1,234"), Err(MoneyError::TooManyDecimals { found: 3 }));
        assert_eq!(p("1000000000000"), Err(MoneyError::TooLarge { found: 13 }));
        let z = |t: &str| Money::parse_with(t, Currency::Eur, Sign::PositiveOrZero);
        assert_eq!(z("0").unwrap().cents(), 0);
        assert_eq!(z("-0.01"), Err(MoneyError::Negative));
        assert!(z("-0").is_ok(), "minus zero is zero");
    }

    #[test]
    fn new_checks_decimals_and_range() {
        assert_eq!(
            Money::new(dec!(12.500), Currency::Usd).unwrap().amount().to_string(),
            "12.50"
        );
        assert_eq!(
            Money::new(dec!(12.505), Currency::Usd),
            Err(MoneyError::TooManyDecimals { found: 3 })
        );
        assert_eq!(
            Money::new(dec!(1000000000000), Currency::Usd),
            Err(MoneyError::TooLarge { found: 13 })
        );
        assert_eq!(Money::new(dec!(-4), Currency::Usd).unwrap().cents(), -400);
        assert_eq!(
            Money::from_cents(MAX_CENTS + 1, Currency::Eur),
            Err(MoneyError::OutOfRange)
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = eur("10.05");
        let b = eur("0.95");
        assert_eq!(a.checked_add(b).unwrap(), eur("11.00"));
        assert_eq!(b.checked_sub(a).unwrap(), eur("-9.10"));
        assert_eq!(eur("50").checked_mul(3).unwrap(), eur("150"));
        let usd = Money::parse("1", Currency::Usd).unwrap();
        assert_eq!(
            a.checked_add(usd),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::Eur,
                right: Currency::Usd
            })
        );
        assert!(a.checked_sub(usd).is_err());
        assert_eq!(
            eur("999999999999.99").checked_add(eur("0.01")),
            Err(MoneyError::OutOfRange)
        );
        assert_eq!(eur("999999999999").checked_mul(2), Err(MoneyError::OutOfRange));
        assert!(a > b);
        assert_eq!(a.partial_cmp(&usd), None);
        assert!(eur("0").is_zero() && eur("1").is_positive() && eur("-1").is_negative());
    }

    #[test]
    fn formats_per_locale() {
        let m = |t: &str, c| Money::parse_with(t, c, Sign::Any).unwrap();
        let fr = |t, c| m(t, c).format(Locale::Fr).replace(NARROW_NBSP, "_").replace(NBSP, " ");
        let en = |t, c| m(t, c).format(Locale::En).replace(NBSP, " ");
        assert_eq!(fr("1234.56", Currency::Eur), "1_234,56 €");
        assert_eq!(fr("1234567.8", Currency::Eur), "1_234_567,80 €");
        assert_eq!(fr("0.5", Currency::Eur), "0,50 €");
        assert_eq!(fr("-5", Currency::Eur), "-5,00 €");
        assert_eq!(fr("12", Currency::Cad), "12,00 $CA");
        assert_eq!(en("1234.56", Currency::Eur), "€1,234.56");
        assert_eq!(en("1234.56", Currency::Usd), "$1,234.56");
        assert_eq!(en("1234.56", Currency::Cad), "CA$1,234.56");
        assert_eq!(en("999", Currency::Gbp), "£999.00");
        assert_eq!(en("1000", Currency::Chf), "CHF 1,000.00");
        assert_eq!(en("-5", Currency::Eur), "-€5.00");
        assert_eq!(en("999999999999.99", Currency::Usd), "$999,999,999,999.99");
        assert_eq!(eur("1234.5").to_string(), "1234.50 EUR");
    }

    #[test]
    fn currency_codes_and_locales() {
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>().unwrap(), c);
            assert_eq!(c.code().to_lowercase().parse::<Currency>().unwrap(), c);
        }
        assert!(matches!(
            "XBT".parse::<Currency>(),
            Err(MoneyError::UnknownCurrency { .. })
        ));
        assert_eq!(Locale::from_tag("fr-CA"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("en_GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("de"), None);
    }

    #[test]
    fn serde_uses_a_string_amount() {
        let m = eur("1234.5");
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"1234.50","currency":"EUR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        let back: Money = serde_json::from_str(r#"{"amount":"-3","currency":"CHF"}"#).unwrap();
        assert_eq!(back, Money::from_cents(-300, Currency::Chf).unwrap());
        for bad in [
            r#"{"amount":12.5,"currency":"EUR"}"#,
            r#"{"amount":"12.505","currency":"EUR"}"#,
            r#"{"amount":"12,50","currency":"EUR"}"#,
            r#"{"amount":"1","currency":"XXX"}"#,
            r#"{"amount":"1","currency":"EUR","extra":1}"#,
        ] {
            assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
        }
    }
}
