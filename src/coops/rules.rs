//! What makes a valid co-op (tenant) description.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ballots::rules::{BallotParameters, Fraction, ProxyLimit, Quorum, Threshold};

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

/// The co-op's governance parameters: what the software obeys when it admits
/// members, redeems shares and runs ballots. They belong to the bylaws (see
/// `docs/decisions/0004-governance-parameters-before-bylaws.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Parameters {
    /// A member must hold one fully paid qualifying share to be a full member (and to vote).
    pub requires_qualifying_share: bool,
    /// Months of candidacy (probation) before admission; `None` for none.
    pub probation_months: Option<u32>,
    /// Members on leave keep their vote.
    pub members_on_leave_may_vote: bool,
    /// Redemptions wait until the year's accounts are approved.
    pub redemption_hold: bool,
    /// Paid-up capital below which no redemption may take the co-op (e.g. "1000.00").
    #[schema(value_type = String)]
    pub capital_floor: Decimal,
    /// Defaults and limits of every ballot.
    pub ballots: BallotParameters,
}

impl Parameters {
    /// The parameters a governance schedule sets (the bylaws' version in force):
    /// the membership fields, and the ordinary rule with the proxy limit and
    /// secrecy for ballots. `None` when the schedule's capital floor is not an amount
    /// (the schedule's own validation refuses that first).
    pub fn from_schedule(schedule: &crate::bylaws::rules::GovernanceSchedule) -> Option<Parameters> {
        use crate::bylaws::rules::DecisionKind;
        Some(Parameters {
            requires_qualifying_share: schedule.qualifying_share_must_be_paid,
            probation_months: schedule.probation_months,
            members_on_leave_may_vote: schedule.members_on_leave_vote,
            redemption_hold: schedule.redemption_hold,
            capital_floor: schedule.capital_floor.parse().ok()?,
            ballots: schedule.ballot_parameters(DecisionKind::Ordinary),
        })
    }

    /// The schedule that carries these parameters (every other setting from
    /// Concord's defaults), for a co-op adopting its first bylaws.
    pub fn to_schedule(&self) -> crate::bylaws::rules::GovernanceSchedule {
        crate::bylaws::rules::GovernanceSchedule::from_flat(
            self.requires_qualifying_share,
            self.probation_months,
            self.members_on_leave_may_vote,
            self.redemption_hold,
            format!("{:.2}", self.capital_floor),
            self.ballots,
        )
    }
}

/// The largest amount Concord stores (NUMERIC(14,2)).
const MAX_AMOUNT: i64 = 999_999_999_999;

/// Every problem with a set of parameters, field by field (empty when they are valid).
pub fn check_parameters(p: &Parameters) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(months) = p.probation_months {
        if !(1..=crate::membership::lifecycle::MAX_PROBATION_MONTHS).contains(&months) {
            errors.push(FieldError::new("probation_months", "Give 1 to 60 months, or none."));
        }
    }
    if p.capital_floor.is_sign_negative() || p.capital_floor.scale() > 2 || p.capital_floor > Decimal::from(MAX_AMOUNT)
    {
        errors.push(FieldError::new(
            "capital_floor",
            "Give an amount of zero or more, with at most two decimals.",
        ));
    }
    let fraction_ok = |f: Fraction| Fraction::new(f.numerator, f.denominator).is_ok();
    match p.ballots.quorum {
        Quorum::Fraction { fraction } if !fraction_ok(fraction) => errors.push(FieldError::new(
            "ballots.quorum",
            "A quorum fraction lies between 0 and 1, e.g. 1/4.",
        )),
        Quorum::Count { count } if count == 0 || count > 1_000_000 => errors.push(FieldError::new(
            "ballots.quorum",
            "A quorum is 1 to 1,000,000 members, or none.",
        )),
        _ => {}
    }
    if let Threshold::Custom { fraction } = p.ballots.threshold {
        if !fraction_ok(fraction) {
            errors.push(FieldError::new(
                "ballots.threshold",
                "A majority fraction lies between 0 and 1, e.g. 3/5.",
            ));
        }
    }
    match p.ballots.proxies {
        ProxyLimit::PerHolder { count } if count == 0 || count > 1000 => errors.push(FieldError::new(
            "ballots.proxies",
            "Give 1 to 1,000 proxies per member, or none.",
        )),
        ProxyLimit::OnePer { members } if members == 0 || members > 1_000_000 => errors.push(FieldError::new(
            "ballots.proxies",
            "Give the number of members per proxy (1 or more).",
        )),
        _ => {}
    }
    errors
}

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
