//! The limits the bylaws in force set on a year-end distribution: the least share of
//! the surplus put in the reserve, the most yearly return on shares, and whether the
//! board may approve instead of the members. Pure: the service reads the version in
//! force and asks [`check`] before it computes a draft; [`schedule_rules`] gives the
//! rule set the schedule itself names.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::rules::RuleSet;
use crate::bylaws::rules::{DistributionApprover, DistributionSchedule, PatronageBasis};

/// The limits of one version of the bylaws.
#[derive(Debug, Clone, PartialEq)]
pub struct BylawLimits {
    /// The version that sets them.
    pub version: i32,
    /// The least reserve rate.
    pub reserve_rate_min: Decimal,
    /// The most return on shares per year (zero: none may be paid).
    pub share_return_rate_max: Decimal,
    /// Whether the board may approve a distribution.
    pub board_may_approve: bool,
}

impl BylawLimits {
    /// The limits of a version's distribution schedule; `None` if its rates are not
    /// decimals (the schedule's own validation refuses that before adoption).
    pub fn of(version: i32, schedule: &DistributionSchedule) -> Option<BylawLimits> {
        Some(BylawLimits {
            version,
            reserve_rate_min: schedule.reserve_rate.parse().ok()?,
            share_return_rate_max: schedule.share_return_rate.parse().ok()?,
            board_may_approve: schedule.approved_by == DistributionApprover::Board,
        })
    }
}

/// A rate as a percentage: 0.1 is "10 %".
pub fn percent(rate: Decimal) -> String {
    format!("{} %", (rate * Decimal::ONE_HUNDRED).normalize())
}

/// Every way `rules` (and the request's `board_may_approve`) goes beyond `limits`, as
/// `(field, message)`; empty when the distribution stays within the bylaws.
pub fn check(rules: &RuleSet, board_may_approve: bool, limits: &BylawLimits) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    if rules.reserve_rate < limits.reserve_rate_min {
        errors.push((
            "reserve_rate".to_string(),
            format!(
                "The bylaws (version {}) put at least {} of the surplus in the reserve.",
                limits.version,
                percent(limits.reserve_rate_min)
            ),
        ));
    }
    if let Some(rate) = rules.share_return_rate {
        if rate > limits.share_return_rate_max {
            errors.push((
                "share_return_rate".to_string(),
                format!(
                    "The bylaws (version {}) cap the return on shares at {} a year.",
                    limits.version,
                    percent(limits.share_return_rate_max)
                ),
            ));
        }
    }
    if board_may_approve && !limits.board_may_approve {
        errors.push((
            "board_may_approve".to_string(),
            format!(
                "The bylaws (version {}) have the members approve the distribution by ballot.",
                limits.version
            ),
        ));
    }
    errors
}

/// The rule set a version's distribution schedule names, as a preset and the keys of
/// `RULES.toml` that override it (what `service::rule_set_of` reads): the schedule's
/// preset (none for `custom`), its measure of patronage, its reserve rate and its
/// return on shares (`"0"`: none is paid). A draft from it keeps within [`check`].
pub fn schedule_rules(schedule: &DistributionSchedule) -> (Option<String>, BTreeMap<String, String>) {
    let preset = Some(schedule.preset.trim())
        .filter(|p| !p.is_empty() && *p != "custom")
        .map(str::to_string);
    let basis = match schedule.basis {
        PatronageBasis::Hours => "hours",
        PatronageBasis::Wages => "wages",
        PatronageBasis::Equal => "equal",
    };
    let overrides = [
        ("patronage_basis", basis.to_string()),
        ("reserve_rate", schedule.reserve_rate.clone()),
        ("share_return_rate", schedule.share_return_rate.clone()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value))
    .collect();
    (preset, overrides)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bylaws::rules::GovernanceSchedule;

    fn limits() -> BylawLimits {
        let mut schedule = GovernanceSchedule::defaults().distribution;
        schedule.reserve_rate = "0.15".into();
        schedule.share_return_rate = "0.02".into();
        schedule.basis = PatronageBasis::Hours;
        BylawLimits::of(3, &schedule).unwrap()
    }

    #[test]
    fn a_distribution_within_the_bylaws_passes() {
        let mut rules = RuleSet {
            reserve_rate: "0.15".parse().unwrap(),
            share_return_rate: Some("0.02".parse().unwrap()),
            ..RuleSet::default()
        };
        assert!(check(&rules, false, &limits()).is_empty());
        rules.share_return_rate = None;
        assert!(check(&rules, false, &limits()).is_empty());
    }

    #[test]
    fn each_limit_is_named_with_the_version() {
        let rules = RuleSet {
            reserve_rate: "0.10".parse().unwrap(),
            share_return_rate: Some("0.025".parse().unwrap()),
            ..RuleSet::default()
        };
        let errors = check(&rules, true, &limits());
        assert_eq!(
            errors,
            vec![
                (
                    "reserve_rate".to_string(),
                    "The bylaws (version 3) put at least 15 % of the surplus in the reserve.".to_string()
                ),
                (
                    "share_return_rate".to_string(),
                    "The bylaws (version 3) cap the return on shares at 2 % a year.".to_string()
                ),
                (
                    "board_may_approve".to_string(),
                    "The bylaws (version 3) have the members approve the distribution by ballot.".to_string()
                ),
            ]
        );
    }

    /// Issue 19, finding 9: the demo's draft used the US preset's 30 % reserve while
    /// its bylaws say 10 %. The rule set the schedule names is the schedule's own.
    #[test]
    fn the_schedule_names_its_own_rule_set_within_its_limits() {
        let mut schedule = GovernanceSchedule::defaults().distribution;
        schedule.reserve_rate = "0.10".into();
        schedule.share_return_rate = "0.05".into();
        schedule.approved_by = DistributionApprover::Board;
        let (preset, overrides) = schedule_rules(&schedule);
        assert_eq!(preset, None, "custom names no preset");
        let rules = crate::patronage::service::rule_set_of(preset.as_deref(), &overrides).unwrap();
        assert_eq!(rules.reserve_rate, "0.10".parse::<Decimal>().unwrap());
        assert_eq!(rules.share_return_rate, Some("0.05".parse().unwrap()));
        assert_eq!(rules.patronage_basis, crate::patronage::rules::PatronageBasis::Hours);
        let limits = BylawLimits::of(2, &schedule).unwrap();
        assert!(check(&rules, limits.board_may_approve, &limits).is_empty());

        // A named preset keeps its other rules; the bylaws' rates replace its own.
        schedule.preset = "us_worker".into();
        schedule.basis = PatronageBasis::Wages;
        schedule.share_return_rate = "0".into();
        let (preset, overrides) = schedule_rules(&schedule);
        let rules = crate::patronage::service::rule_set_of(preset.as_deref(), &overrides).unwrap();
        assert_eq!(rules.preset.map(|p| p.to_string()), Some("us_worker".to_string()));
        assert_eq!(rules.reserve_rate, "0.10".parse::<Decimal>().unwrap());
        assert_eq!(rules.share_return_rate, Some(Decimal::ZERO));
        assert_eq!(rules.patronage_basis, crate::patronage::rules::PatronageBasis::Wages);
        assert!(check(&rules, false, &limits).is_empty());
    }
}
