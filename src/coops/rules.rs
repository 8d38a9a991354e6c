//! What makes a valid co-op (tenant) description.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ballots::rules::{BallotParameters, Fraction, ProxyLimit, Quorum, Threshold};

use crate::error::FieldError;

/// The languages Concord speaks.
pub const LOCALES: [&str; 2] = ["en", "fr"];

/// A request to create a co-op, as received.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct NewCoop {
    /// The short name in URLs: lowercase letters, digits and hyphens, 2 to 63 characters.
    pub slug: String,
    /// The co-op's name.
    pub name: String,
    /// ISO 4217 code of its currency (`EUR`, `USD`, `CAD`); blank takes the preset's.
    #[serde(default)]
    pub currency: String,
    /// `en` or `fr`; blank takes the preset's.
    #[serde(default)]
    pub locale: String,
    /// IANA time zone (`Europe/Paris`); blank takes the preset's.
    #[serde(default)]
    pub time_zone: String,
    /// The country preset it starts from (`scop_fr`, `us_worker`, `ca_federal`,
    /// `qc_worker`), or none (`custom`, or absent): see [`COUNTRY_PRESETS`].
    #[serde(default)]
    pub preset: Option<String>,
}

/// What a country preset brings to a new co-op: the usual currency, language and
/// time zone, and the year-end distribution preset (`patronage::rules::Preset`) its
/// rule set starts from. The founder may change any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CountryPreset {
    /// Its name, as in the form and the API; also the distribution preset's name.
    pub key: &'static str,
    /// ISO 4217 currency.
    pub currency: &'static str,
    /// `en` or `fr`.
    pub locale: &'static str,
    /// IANA time zone of the country's largest co-operative centre.
    pub time_zone: &'static str,
}

/// The country presets a co-op can start from.
pub const COUNTRY_PRESETS: [CountryPreset; 4] = [
    CountryPreset {
        key: "scop_fr",
        currency: "EUR",
        locale: "fr",
        time_zone: "Europe/Paris",
    },
    CountryPreset {
        key: "us_worker",
        currency: "USD",
        locale: "en",
        time_zone: "America/New_York",
    },
    CountryPreset {
        key: "ca_federal",
        currency: "CAD",
        locale: "en",
        time_zone: "America/Toronto",
    },
    CountryPreset {
        key: "qc_worker",
        currency: "CAD",
        locale: "fr",
        time_zone: "America/Toronto",
    },
];

/// The preset a new co-op names, `None` for none or `custom`; `Err` for an unknown name.
pub fn country_preset(new: &NewCoop) -> Result<Option<CountryPreset>, FieldError> {
    match new.preset.as_deref().map(str::trim) {
        None | Some("") | Some("custom") => Ok(None),
        Some(key) => COUNTRY_PRESETS
            .iter()
            .find(|p| p.key == key)
            .copied()
            .map(Some)
            .ok_or_else(|| FieldError::new("preset", "Choose scop_fr, us_worker, ca_federal, qc_worker or custom.")),
    }
}

/// The new co-op with the blanks its preset fills: currency, language and time zone
/// the founder left empty take the preset's; what they gave stays.
pub fn with_preset_defaults(mut new: NewCoop) -> NewCoop {
    if let Ok(Some(preset)) = country_preset(&new) {
        let fill = |field: &mut String, value: &str| {
            if field.trim().is_empty() {
                *field = value.to_string();
            }
        };
        fill(&mut new.currency, preset.currency);
        fill(&mut new.locale, preset.locale);
        fill(&mut new.time_zone, preset.time_zone);
    }
    new
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
    if let Err(error) = country_preset(coop) {
        errors.push(error);
    }
    errors
}

/// What a co-op's setup checklist is worked out from: counts read from its tables,
/// so the checklist is always true and a founder can leave and come back at any step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SetupFacts {
    /// Share classes defined.
    pub share_classes: i64,
    /// Versions of the bylaws adopted.
    pub bylaw_versions: i64,
    /// Whether the co-op saved its own distribution rule set.
    pub rule_set_saved: bool,
    /// People on the register, the founder included.
    pub members: i64,
    /// Of them, those whose login has no password yet (never accepted an invitation).
    pub members_without_password: i64,
    /// Of those, the ones with no invitation link still valid.
    pub members_never_invited: i64,
    /// Entries in the capital ledger.
    pub capital_entries: i64,
    /// Fiscal years.
    pub fiscal_years: i64,
    /// Ballots, whatever their state.
    pub ballots: i64,
}

/// One step of a new co-op's setup, in the order a founder takes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupStep {
    /// The step's name (its text is `setup-step-<key>` in the locales).
    pub key: &'static str,
    /// Whether it is done.
    pub done: bool,
    /// The page where it is done, under `/c/{slug}`.
    pub path: &'static str,
}

/// The setup steps and whether each is done: share classes, bylaws (which carry the
/// governance rules), the distribution rules, the register, share holdings,
/// invitations, and a first ballot.
pub fn setup_steps(f: &SetupFacts) -> Vec<SetupStep> {
    let step = |key, done, path| SetupStep { key, done, path };
    vec![
        step("classes", f.share_classes > 0, "/capital#new-class"),
        step("bylaws", f.bylaw_versions > 0, "/bylaws"),
        step("distribution", f.rule_set_saved, "/patronage#rules"),
        step("register", f.members > 1, "/register#import"),
        step("holdings", f.capital_entries > 0, "/capital#holdings"),
        step(
            "invitations",
            f.members > 1 && f.members_never_invited == 0,
            "/setup#invitations",
        ),
        step("ballot", f.ballots > 0, "/ballots/new"),
    ]
}

/// Something left to do that the home page of the co-op's officers lists, with the
/// number it is about (its text is `setup-todo-<key>` in the locales).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupReminder {
    /// What is left.
    pub key: &'static str,
    /// How many (members, steps); 1 when it is a single thing.
    pub count: i64,
    /// Where to do it, under `/c/{slug}`.
    pub path: &'static str,
}

/// What is left: the setup steps not done yet (as one reminder), invited members
/// who have not set a password, and no fiscal year to record hours in.
pub fn setup_reminders(f: &SetupFacts) -> Vec<SetupReminder> {
    let mut reminders = Vec::new();
    let steps_left = setup_steps(f).iter().filter(|s| !s.done).count() as i64;
    if steps_left > 0 {
        reminders.push(SetupReminder {
            key: "steps",
            count: steps_left,
            path: "/setup",
        });
    }
    if f.members_without_password > 0 {
        reminders.push(SetupReminder {
            key: "no-password",
            count: f.members_without_password,
            path: "/setup#invitations",
        });
    }
    if f.fiscal_years == 0 {
        reminders.push(SetupReminder {
            key: "no-fiscal-year",
            count: 1,
            path: "/patronage/years",
        });
    }
    reminders
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
            preset: None,
        }
    }

    #[test]
    fn a_preset_fills_only_what_the_founder_left_blank() {
        let quebec = NewCoop {
            slug: "atelier".into(),
            name: "Atelier".into(),
            preset: Some("qc_worker".into()),
            ..NewCoop::default()
        };
        let filled = with_preset_defaults(quebec.clone());
        assert_eq!(
            (
                filled.currency.as_str(),
                filled.locale.as_str(),
                filled.time_zone.as_str()
            ),
            ("CAD", "fr", "America/Toronto")
        );
        assert!(check_new_coop(&filled).is_empty());
        let english = with_preset_defaults(NewCoop {
            locale: "en".into(),
            ..quebec
        });
        assert_eq!((english.currency.as_str(), english.locale.as_str()), ("CAD", "en"));
        for preset in COUNTRY_PRESETS {
            let mut coop = coop();
            coop.preset = Some(preset.key.into());
            assert!(check_new_coop(&coop).is_empty(), "{}", preset.key);
            assert!(
                crate::patronage::rules::Preset::ALL
                    .iter()
                    .any(|p| p.name() == preset.key),
                "{} names a distribution preset",
                preset.key
            );
        }
    }

    #[test]
    fn an_unknown_preset_or_a_blank_without_preset_is_refused() {
        let unknown = NewCoop {
            preset: Some("scop_de".into()),
            ..coop()
        };
        let fields: Vec<_> = check_new_coop(&unknown).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["preset"]);
        let custom_blank = with_preset_defaults(NewCoop {
            currency: String::new(),
            preset: Some("custom".into()),
            ..coop()
        });
        let fields: Vec<_> = check_new_coop(&custom_blank).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["currency"]);
    }

    #[test]
    fn a_new_coop_has_every_step_left_and_a_set_up_one_none() {
        let founded = SetupFacts {
            members: 1,
            ..SetupFacts::default()
        };
        assert!(setup_steps(&founded).iter().all(|s| !s.done));
        assert_eq!(
            setup_reminders(&founded),
            [
                SetupReminder {
                    key: "steps",
                    count: 7,
                    path: "/setup"
                },
                SetupReminder {
                    key: "no-fiscal-year",
                    count: 1,
                    path: "/patronage/years"
                },
            ]
        );
        let running = SetupFacts {
            share_classes: 1,
            bylaw_versions: 2,
            rule_set_saved: true,
            members: 40,
            members_without_password: 3,
            members_never_invited: 0,
            capital_entries: 120,
            fiscal_years: 1,
            ballots: 4,
        };
        assert!(setup_steps(&running).iter().all(|s| s.done));
        assert_eq!(
            setup_reminders(&running),
            [SetupReminder {
                key: "no-password",
                count: 3,
                path: "/setup#invitations"
            }]
        );
    }

    #[test]
    fn invitations_are_done_once_every_member_without_a_password_has_a_link() {
        let imported = SetupFacts {
            members: 12,
            members_without_password: 11,
            members_never_invited: 11,
            ..SetupFacts::default()
        };
        let invitations = |f: &SetupFacts| setup_steps(f).into_iter().find(|s| s.key == "invitations").unwrap();
        assert!(!invitations(&imported).done);
        let invited = SetupFacts {
            members_never_invited: 0,
            ..imported
        };
        assert!(invitations(&invited).done);
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
            preset: None,
        };
        let fields: Vec<_> = check_new_coop(&bad).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["slug", "name", "currency", "locale", "time_zone"]);
    }
}
