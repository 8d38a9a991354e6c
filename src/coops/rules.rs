//! What makes a valid co-op (tenant) description.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::FieldError;

/// The languages Concord speaks.
pub const LOCALES: [&str; 2] = ["en", "fr"];

/// A request to create a co-op, as received.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewCoop {
    /// The short name in URLs: lowercase letters, digits and hyphens, 2 to 63 characters.
    pub slug: String,
    /// The co-op's name.
    pub name: String,
    /// ISO 4217 code of its currency (`EUR`, `USD`, `CAD`).
    pub currency: String,
    /// `en` or `fr`.
    pub locale: String,
    /// IANA time zone (`Europe/Paris`).
    pub time_zone: String,
}

/// Currencies Concord formats and the distribution presets know.
pub const CURRENCIES: [&str; 5] = ["EUR", "USD", "CAD", "GBP", "CHF"];

/// Every problem with a new co-op, field by field (empty when it is valid).
pub fn check_new_coop(coop: &NewCoop) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let slug = coop.slug.as_str();
    let slug_ok = (2..=63).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-');
    if !slug_ok {
        errors.push(FieldError::new(
            "slug",
            "Use 2 to 63 lowercase letters, digits or hyphens, not starting with a hyphen.",
        ));
    }
    let name = coop.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new("name", "The name must have 1 to 200 characters."));
    }
    if !CURRENCIES.contains(&coop.currency.as_str()) {
        errors.push(FieldError::new("currency", "Choose one of EUR, USD, CAD, GBP or CHF."));
    }
    if !LOCALES.contains(&coop.locale.as_str()) {
        errors.push(FieldError::new("locale", "The language must be `en` or `fr`."));
    }
    if coop.time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.push(FieldError::new(
            "time_zone",
            "Use an IANA time zone such as Europe/Paris.",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coop() -> NewCoop {
        NewCoop {
            slug: "les-tisserands".into(),
            name: "Les Tisserands".into(),
            currency: "EUR".into(),
            locale: "fr".into(),
            time_zone: "Europe/Paris".into(),
        }
    }

    #[test]
    fn a_valid_coop_has_no_errors() {
        assert!(check_new_coop(&coop()).is_empty());
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = NewCoop {
            slug: "-Bad Slug".into(),
            name: " ".into(),
            currency: "euro".into(),
            locale: "de".into(),
            time_zone: "Mars/Olympus".into(),
        };
        let fields: Vec<_> = check_new_coop(&bad).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "name", "currency", "locale", "time_zone"]);
    }
}
