//! The rule set of a year-end distribution: what goes to the collective
//! reserve, how much the share capital may earn, how the patronage pool is
//! shared, and how much of it must be paid in cash.
//!
//! Everything here is pure: no I/O, no clock. A [`RuleSet`] is built from a
//! [`Preset`] (a starting point a co-op edits) or from a `RULES.toml` file
//! with [`RuleSet::from_toml`], is checked with [`RuleSet::validate`], and is
//! stored with every distribution as [`RuleSet::canonical_json`] so that any
//! past figure can be reproduced.
//!
//! The arithmetic itself lives in [`crate::allocate`]; the meaning
//! of every key, the legal sources of the presets and a worked example are in
//! `docs/rules/distribution.md`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

/// Largest number of decimal places accepted on a rate, weight or
/// coefficient (money and hours take at most 2). Keeps every product exact in
/// `Decimal`'s 28 significant digits.
pub const MAX_RATE_DECIMALS: u32 = 6;

/// Version of the canonical serialisation produced by
/// [`RuleSet::canonical_json`]; bump it if the meaning of a key changes.
pub const CANONICAL_VERSION: u32 = 1;

/// Longest revolving period a rule set may set, in years
/// ([`RuleSet::revolving_years`]).
pub const MAX_REVOLVING_YEARS: u32 = 30;

/// A starting point for the rule set of a co-op under a given law. Every
/// value a preset sets can be overridden; `docs/rules/distribution.md` gives
/// the legal source of each figure and says which ones are Concord's defaults
/// rather than the law's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// A French SCOP (loi n° 78-763 du 19 juillet 1978, art. 33).
    ScopFr,
    /// A US worker co-operative with internal capital accounts taxed under
    /// Subchapter T (IRC §§ 1381–1388).
    UsWorker,
    /// A co-operative under the Canada Cooperatives Act (S.C. 1998, c. 1).
    CaFederal,
    /// A Québec worker co-operative (Loi sur les coopératives, RLRQ c. C-67.2).
    QcWorker,
}

impl Preset {
    /// Every preset, in a stable order.
    pub const ALL: [Preset; 4] = [Preset::ScopFr, Preset::UsWorker, Preset::CaFederal, Preset::QcWorker];

    /// The name used in `RULES.toml` (`preset = "scop_fr"`).
    pub fn name(self) -> &'static str {
        match self {
            Preset::ScopFr => "scop_fr",
            Preset::UsWorker => "us_worker",
            Preset::CaFederal => "ca_federal",
            Preset::QcWorker => "qc_worker",
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = RulesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Preset::ALL.into_iter().find(|p| p.name() == s).ok_or_else(|| {
            RulesError::invalid(
                "preset",
                format!("unknown preset {s:?}; expected one of scop_fr, us_worker, ca_federal, qc_worker"),
            )
        })
    }
}

/// What a loss year (surplus ≤ 0) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossTo {
    /// The whole loss is borne by the collective reserve; members' accounts
    /// are untouched.
    Reserve,
    /// The loss is charged to the members' internal capital accounts in
    /// proportion to patronage (negative retained amounts).
    Members,
}

/// Where the part of the share return that a cap holds back goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExcessTo {
    /// It stays in the patronage pool (the default).
    Patronage,
    /// It goes to the collective reserve.
    Reserve,
}

/// What the reserve rate applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReserveBase {
    /// The whole surplus (reserve first, then the return on shares).
    Surplus,
    /// The surplus after the return on shares (the return on shares is
    /// deducted first, as Québec's art. 143 and 146 do for interest on
    /// preferred shares).
    AfterShareReturn,
}

/// The measure of each member's patronage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatronageBasis {
    /// Hours worked in the year (the default).
    Hours,
    /// Wages received in the year.
    Wages,
    /// One equal share per eligible member.
    Equal,
    /// A weighted mix of the three, weights in `patronage_weights`.
    Mix,
}

impl PatronageBasis {
    /// The key as written in `RULES.toml`.
    pub fn name(self) -> &'static str {
        match self {
            PatronageBasis::Hours => "hours",
            PatronageBasis::Wages => "wages",
            PatronageBasis::Equal => "equal",
            PatronageBasis::Mix => "mix",
        }
    }
}

/// Weights of the `mix` patronage basis; each in [0, 1], summing to exactly 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixWeights {
    /// Weight of the share proportional to hours.
    #[serde(deserialize_with = "de_decimal")]
    pub hours: Decimal,
    /// Weight of the share proportional to wages.
    #[serde(deserialize_with = "de_decimal")]
    pub wages: Decimal,
    /// Weight of the share divided equally among eligible members.
    #[serde(deserialize_with = "de_decimal")]
    pub equal: Decimal,
}

/// The complete rule set of a distribution. All rates are fractions in
/// [0, 1] (`0.15` is 15 %); all amounts are money with at most 2 decimals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The preset this rule set started from, if any (informative: the other
    /// keys are what is applied).
    pub preset: Option<Preset>,

    /// Step 1. What a loss year does: `reserve` or `members`.
    pub loss_to: LossTo,

    /// Step 2. Fraction of the surplus put in the collective indivisible
    /// reserve, in [0, 1]. Rounded up to the cent (towards the reserve).
    #[serde(deserialize_with = "de_decimal")]
    pub reserve_rate: Decimal,
    /// Step 2. Legal minimum of `reserve_rate` (e.g. 0.15 for a SCOP);
    /// `reserve_rate` below it is refused. 0 when the law sets none.
    #[serde(deserialize_with = "de_decimal")]
    pub reserve_min_rate: Decimal,
    /// Step 2. Minimum amount put in the reserve in a surplus year (never
    /// more than the surplus, nor so much that the patronage pool falls below
    /// `patronage_min_of_surplus`). 0 for none.
    #[serde(deserialize_with = "de_decimal")]
    pub reserve_floor: Decimal,
    /// Step 2. What `reserve_rate` applies to: `surplus` (default) or
    /// `after_share_return`.
    pub reserve_base: ReserveBase,

    /// Step 3. Yearly rate paid on each member's eligible capital, in [0, 1];
    /// also the cap on each member's return. `None`: no rate limit.
    #[serde(deserialize_with = "de_opt_decimal", default)]
    pub share_return_rate: Option<Decimal>,
    /// Step 3. Cap on the total return on shares as a fraction of the
    /// surplus, in [0, 1]. `None`: no such cap. With neither this nor
    /// `share_return_rate`, no return on shares is paid.
    #[serde(deserialize_with = "de_opt_decimal", default)]
    pub share_return_max_of_surplus: Option<Decimal>,
    /// Step 3. The law caps the return on shares at the patronage pool (a
    /// SCOP's interest may not exceed the part travail).
    pub share_return_max_of_patronage: bool,
    /// Step 3. The law caps the return on shares at the amount put in the
    /// reserve this year.
    pub share_return_max_of_reserve: bool,
    /// Step 3. Where what a cap holds back goes: `patronage` (default) or
    /// `reserve`.
    pub share_return_excess: ExcessTo,

    /// Step 4. Minimum of the patronage pool as a fraction of the surplus,
    /// in [0, 1] (a SCOP's part travail is at least 0.25). 0 for none.
    #[serde(deserialize_with = "de_decimal")]
    pub patronage_min_of_surplus: Decimal,
    /// Step 4. The measure of patronage: `hours`, `wages`, `equal` or `mix`.
    pub patronage_basis: PatronageBasis,
    /// Step 4. The weights of the `mix` basis; required with `mix`, refused
    /// otherwise.
    #[serde(default)]
    pub patronage_weights: Option<MixWeights>,
    /// Step 4. Eligibility: at least this many hours in the year. `None`: no
    /// minimum.
    #[serde(deserialize_with = "de_opt_decimal", default)]
    pub min_hours: Option<Decimal>,
    /// Step 4. Eligibility: at least this many months of presence in the
    /// year, in [0, 12]. With `min_seniority_months` too, either suffices.
    #[serde(deserialize_with = "de_opt_decimal", default)]
    pub min_months: Option<Decimal>,
    /// Step 4. Eligibility: at least this many months of seniority. With
    /// `min_months` too, either suffices.
    #[serde(deserialize_with = "de_opt_decimal", default)]
    pub min_seniority_months: Option<Decimal>,
    /// Step 4. Seniority coefficient: each member's patronage weight is
    /// multiplied by `1 + seniority_rate × seniority years`, at most
    /// `seniority_cap`. 0 turns it off.
    #[serde(deserialize_with = "de_decimal")]
    pub seniority_rate: Decimal,
    /// Step 4. Cap of the seniority coefficient, at least 1 (a SCOP's law
    /// allows at most 2).
    #[serde(deserialize_with = "de_decimal")]
    pub seniority_cap: Decimal,

    /// Step 6. Minimum fraction of each member's patronage paid in cash, in
    /// [0, 1]; the rest is retained in the member's internal capital account.
    /// Cash is rounded up to the cent so the minimum is always met.
    #[serde(deserialize_with = "de_decimal")]
    pub cash_min_rate: Decimal,

    /// After posting. The revolving period: a year's retained patronage is due
    /// back to the member this many whole years after the fiscal year's last
    /// day, in [1, [`MAX_REVOLVING_YEARS`]]. `None`: no revolving (retained
    /// amounts stay until the member leaves). Left out of the canonical JSON
    /// when `None`, so rule sets written before the key existed hash the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revolving_years: Option<u32>,
}

impl Default for RuleSet {
    /// The neutral rule set: nothing to the reserve, no return on shares,
    /// patronage by hours, no cash minimum, losses to the reserve.
    fn default() -> Self {
        RuleSet {
            preset: None,
            loss_to: LossTo::Reserve,
            reserve_rate: Decimal::ZERO,
            reserve_min_rate: Decimal::ZERO,
            reserve_floor: Decimal::ZERO,
            reserve_base: ReserveBase::Surplus,
            share_return_rate: None,
            share_return_max_of_surplus: None,
            share_return_max_of_patronage: false,
            share_return_max_of_reserve: false,
            share_return_excess: ExcessTo::Patronage,
            patronage_min_of_surplus: Decimal::ZERO,
            patronage_basis: PatronageBasis::Hours,
            patronage_weights: None,
            min_hours: None,
            min_months: None,
            min_seniority_months: None,
            seniority_rate: Decimal::ZERO,
            seniority_cap: Decimal::ONE,
            cash_min_rate: Decimal::ZERO,
            revolving_years: None,
        }
    }
}

/// Why a rule set (or its TOML text) was refused. `Invalid` names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// The TOML text could not be read (syntax, an unknown key, a wrong type);
    /// the message names the key and the line.
    #[error("RULES.toml: {0}")]
    Toml(String),
    /// A field has a value outside its range or inconsistent with another.
    #[error("{field}: {reason}")]
    Invalid {
        /// The key, as written in RULES.toml (e.g. `reserve_rate`).
        field: String,
        /// What is wrong, in one sentence.
        reason: String,
    },
}

impl RulesError {
    fn invalid(field: &str, reason: impl Into<String>) -> Self {
        RulesError::Invalid {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    /// The field the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            RulesError::Invalid { field, .. } => Some(field),
            RulesError::Toml(_) => None,
        }
    }
}

fn dec(s: &str) -> Decimal {
    // Only called on literals below.
    Decimal::from_str_exact(s).unwrap_or(Decimal::ZERO)
}

impl RuleSet {
    /// The rule set of a preset. See `docs/rules/distribution.md` for the
    /// legal source of each figure and which are Concord's defaults.
    pub fn preset(p: Preset) -> RuleSet {
        let base = RuleSet {
            preset: Some(p),
            ..RuleSet::default()
        };
        match p {
            // Loi 78-763 art. 33: 15 % réserve légale (until it equals the
            // highest capital reached), fonds de développement (statutory),
            // part travail >= 25 % shared by hours/wages/equally/mixed among
            // staff with 3 months' presence or 6 months' seniority, seniority
            // coefficient at most 2; interest on capital at most the part
            // travail.
            Preset::ScopFr => RuleSet {
                loss_to: LossTo::Reserve,
                reserve_rate: dec("0.15"),
                reserve_min_rate: dec("0.15"),
                share_return_max_of_patronage: true,
                share_return_max_of_reserve: true,
                patronage_min_of_surplus: dec("0.25"),
                patronage_basis: PatronageBasis::Hours,
                min_months: Some(dec("3")),
                min_seniority_months: Some(dec("6")),
                seniority_cap: dec("2"),
                ..base
            },
            // IRC 1388(c)(1): a written notice of allocation is qualified
            // only if at least 20 % of the patronage dividend is paid in
            // money or by qualified check. Reserve rate: Concord's default.
            Preset::UsWorker => RuleSet {
                loss_to: LossTo::Members,
                reserve_rate: dec("0.30"),
                patronage_basis: PatronageBasis::Hours,
                cash_min_rate: dec("0.20"),
                ..base
            },
            // Canada Cooperatives Act s. 155 (patronage returns in proportion
            // to business done), Part 21 (worker co-operatives). Reserve
            // rate: Concord's default.
            Preset::CaFederal => RuleSet {
                loss_to: LossTo::Reserve,
                reserve_rate: dec("0.10"),
                patronage_basis: PatronageBasis::Hours,
                ..base
            },
            // RLRQ c. C-67.2 art. 143, 146 (at least 10 % to the reserve plus
            // 10 % more to the reserve or rebates in shares while equity is
            // under 40 % of debts), 224.7 (rebates by work: income, hours or
            // another scale).
            Preset::QcWorker => RuleSet {
                loss_to: LossTo::Reserve,
                reserve_rate: dec("0.20"),
                reserve_min_rate: dec("0.10"),
                reserve_base: ReserveBase::AfterShareReturn,
                patronage_basis: PatronageBasis::Hours,
                ..base
            },
        }
    }

    /// Reads a `RULES.toml`: an optional `preset = "…"` and override keys
    /// (the fields of [`RuleSet`] except `preset`). Decimals are written as
    /// strings (`reserve_rate = "0.40"`) or integers; floats are refused, as
    /// are unknown keys. Without a preset, keys not given take the neutral
    /// defaults of [`RuleSet::default`]. The result is validated.
    pub fn from_toml(text: &str) -> Result<RuleSet, RulesError> {
        let o: RulesToml = toml::from_str(text).map_err(|e| RulesError::Toml(toml_message(&e)))?;
        let mut r = match o.preset.as_deref() {
            Some(name) => RuleSet::preset(name.parse()?),
            None => RuleSet::default(),
        };
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = o.$f { r.$f = v; } )* };
        }
        macro_rules! set_opt {
            ($($f:ident),*) => { $( if let Some(v) = o.$f { r.$f = v.into_option(); } )* };
        }
        set!(
            loss_to,
            reserve_rate,
            reserve_min_rate,
            reserve_floor,
            reserve_base,
            share_return_max_of_patronage,
            share_return_max_of_reserve,
            share_return_excess,
            patronage_min_of_surplus,
            patronage_basis,
            seniority_rate,
            seniority_cap,
            cash_min_rate
        );
        set_opt!(
            share_return_rate,
            share_return_max_of_surplus,
            min_hours,
            min_months,
            min_seniority_months
        );
        if let Some(w) = o.patronage_weights {
            r.patronage_weights = Some(w);
        }
        if let Some(YearsOrNone(years)) = o.revolving_years {
            r.revolving_years = years;
        }
        r.validate()?;
        Ok(r)
    }

    /// Checks every field: rates in [0, 1] with at most
    /// [`MAX_RATE_DECIMALS`] decimals, money non-negative with at most 2
    /// decimals, mix weights present exactly with `mix` and summing to 1,
    /// `reserve_rate >= reserve_min_rate`, `reserve_rate +
    /// patronage_min_of_surplus <= 1`, `seniority_cap >= 1`, `revolving_years` in
    /// [1, [`MAX_REVOLVING_YEARS`]] when set, and no cap that
    /// would make the computation circular. The error names the field.
    pub fn validate(&self) -> Result<(), RulesError> {
        if let Some(years) = self.revolving_years {
            if !(1..=MAX_REVOLVING_YEARS).contains(&years) {
                return Err(RulesError::invalid(
                    "revolving_years",
                    format!("must be a whole number of years between 1 and {MAX_REVOLVING_YEARS}, got {years}"),
                ));
            }
        }
        rate("reserve_rate", self.reserve_rate)?;
        rate("reserve_min_rate", self.reserve_min_rate)?;
        money("reserve_floor", self.reserve_floor)?;
        if let Some(v) = self.share_return_rate {
            rate("share_return_rate", v)?;
        }
        if let Some(v) = self.share_return_max_of_surplus {
            rate("share_return_max_of_surplus", v)?;
        }
        rate("patronage_min_of_surplus", self.patronage_min_of_surplus)?;
        rate("cash_min_rate", self.cash_min_rate)?;
        rate("seniority_rate", self.seniority_rate)?;
        places("seniority_cap", self.seniority_cap, MAX_RATE_DECIMALS)?;
        if self.seniority_cap < Decimal::ONE || self.seniority_cap > Decimal::from(100) {
            return Err(RulesError::invalid(
                "seniority_cap",
                format!("must be between 1 and 100, got {}", self.seniority_cap),
            ));
        }
        if let Some(v) = self.min_hours {
            places("min_hours", v, 2)?;
            if v.is_sign_negative() && !v.is_zero() {
                return Err(RulesError::invalid("min_hours", "must not be negative"));
            }
        }
        if let Some(v) = self.min_months {
            places("min_months", v, 2)?;
            if v < Decimal::ZERO || v > Decimal::from(12) {
                return Err(RulesError::invalid(
                    "min_months",
                    format!("must be between 0 and 12, got {v}"),
                ));
            }
        }
        if let Some(v) = self.min_seniority_months {
            places("min_seniority_months", v, 2)?;
            if v.is_sign_negative() && !v.is_zero() {
                return Err(RulesError::invalid("min_seniority_months", "must not be negative"));
            }
        }
        if self.reserve_rate < self.reserve_min_rate {
            return Err(RulesError::invalid(
                "reserve_rate",
                format!(
                    "{} is below the legal minimum reserve_min_rate = {}",
                    self.reserve_rate, self.reserve_min_rate
                ),
            ));
        }
        if self.reserve_rate + self.patronage_min_of_surplus > Decimal::ONE {
            return Err(RulesError::invalid(
                "patronage_min_of_surplus",
                "reserve_rate + patronage_min_of_surplus must not exceed 1",
            ));
        }
        match (self.patronage_basis, &self.patronage_weights) {
            (PatronageBasis::Mix, None) => {
                return Err(RulesError::invalid(
                    "patronage_weights",
                    "required when patronage_basis = \"mix\"",
                ))
            }
            (PatronageBasis::Mix, Some(w)) => {
                rate("patronage_weights.hours", w.hours)?;
                rate("patronage_weights.wages", w.wages)?;
                rate("patronage_weights.equal", w.equal)?;
                if w.hours + w.wages + w.equal != Decimal::ONE {
                    return Err(RulesError::invalid(
                        "patronage_weights",
                        format!("weights must sum to 1, got {}", w.hours + w.wages + w.equal),
                    ));
                }
            }
            (b, Some(_)) => {
                return Err(RulesError::invalid(
                    "patronage_weights",
                    format!("only allowed with patronage_basis = \"mix\", not {:?}", b.name()),
                ))
            }
            (_, None) => {}
        }
        if self.reserve_base == ReserveBase::AfterShareReturn {
            if self.share_return_max_of_reserve {
                return Err(RulesError::invalid(
                    "share_return_max_of_reserve",
                    "cannot cap the share return by the reserve when the reserve is computed after it (reserve_base = \"after_share_return\")",
                ));
            }
            if self.share_return_max_of_patronage {
                return Err(RulesError::invalid(
                    "share_return_max_of_patronage",
                    "not supported with reserve_base = \"after_share_return\"",
                ));
            }
            if !self.patronage_min_of_surplus.is_zero() {
                return Err(RulesError::invalid(
                    "patronage_min_of_surplus",
                    "not supported with reserve_base = \"after_share_return\"",
                ));
            }
        }
        Ok(())
    }

    /// Does the patronage basis use wages (so each eligible member needs them)?
    pub fn uses_wages(&self) -> bool {
        match self.patronage_basis {
            PatronageBasis::Wages => true,
            PatronageBasis::Mix => self.patronage_weights.map(|w| !w.wages.is_zero()).unwrap_or(false),
            _ => false,
        }
    }

    /// A stable canonical serialisation for hashing: compact JSON, object
    /// keys sorted by byte order at every level, every field present (absent
    /// options as `null`), decimals as strings with trailing zeros removed
    /// (so `"0.40"` and `"0.4"` give the same text), plus a `"canonical"`
    /// version number. No hashing is done here.
    pub fn canonical_json(&self) -> String {
        let mut norm = self.clone();
        let n = |d: &mut Decimal| *d = d.normalize();
        n(&mut norm.reserve_rate);
        n(&mut norm.reserve_min_rate);
        n(&mut norm.reserve_floor);
        n(&mut norm.patronage_min_of_surplus);
        n(&mut norm.seniority_rate);
        n(&mut norm.seniority_cap);
        n(&mut norm.cash_min_rate);
        for d in [
            &mut norm.share_return_rate,
            &mut norm.share_return_max_of_surplus,
            &mut norm.min_hours,
            &mut norm.min_months,
            &mut norm.min_seniority_months,
        ]
        .into_iter()
        .flatten()
        {
            n(d);
        }
        if let Some(w) = norm.patronage_weights.as_mut() {
            n(&mut w.hours);
            n(&mut w.wages);
            n(&mut w.equal);
        }
        let mut v = serde_json::to_value(&norm).unwrap_or(serde_json::Value::Null);
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("canonical".into(), serde_json::Value::from(CANONICAL_VERSION));
        }
        let mut out = String::new();
        write_canonical(&v, &mut out);
        out
    }
}

/// Writes JSON with object keys sorted, whatever map type serde_json uses.
fn write_canonical(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn places(field: &str, v: Decimal, max: u32) -> Result<(), RulesError> {
    if v.normalize().scale() > max {
        return Err(RulesError::invalid(
            field,
            format!("at most {max} decimals allowed, got {v}"),
        ));
    }
    Ok(())
}

fn rate(field: &str, v: Decimal) -> Result<(), RulesError> {
    if v < Decimal::ZERO || v > Decimal::ONE {
        return Err(RulesError::invalid(field, format!("must be between 0 and 1, got {v}")));
    }
    places(field, v, MAX_RATE_DECIMALS)
}

fn money(field: &str, v: Decimal) -> Result<(), RulesError> {
    if v.is_sign_negative() && !v.is_zero() {
        return Err(RulesError::invalid(field, format!("must not be negative, got {v}")));
    }
    places(field, v, 2)
}

/// A key that may be set to a value or explicitly to "none" in TOML
/// (`share_return_rate = "none"` removes a preset's limit).
#[derive(Debug, Clone, Copy)]
struct OptDecimal(Option<Decimal>);

impl OptDecimal {
    fn into_option(self) -> Option<Decimal> {
        self.0
    }
}

impl<'de> Deserialize<'de> for OptDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor { allow_none: true }).map(OptDecimal)
    }
}

/// The overrides a RULES.toml may carry: every field optional, unknown keys
/// refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesToml {
    preset: Option<String>,
    loss_to: Option<LossTo>,
    #[serde(default, deserialize_with = "de_some_decimal")]
    reserve_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "de_some_decimal")]
    reserve_min_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "de_some_decimal")]
    reserve_floor: Option<Decimal>,
    reserve_base: Option<ReserveBase>,
    share_return_rate: Option<OptDecimal>,
    share_return_max_of_surplus: Option<OptDecimal>,
    share_return_max_of_patronage: Option<bool>,
    share_return_max_of_reserve: Option<bool>,
    share_return_excess: Option<ExcessTo>,
    #[serde(default, deserialize_with = "de_some_decimal")]
    patronage_min_of_surplus: Option<Decimal>,
    patronage_basis: Option<PatronageBasis>,
    patronage_weights: Option<MixWeights>,
    min_hours: Option<OptDecimal>,
    min_months: Option<OptDecimal>,
    min_seniority_months: Option<OptDecimal>,
    #[serde(default, deserialize_with = "de_some_decimal")]
    seniority_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "de_some_decimal")]
    seniority_cap: Option<Decimal>,
    #[serde(default, deserialize_with = "de_some_decimal")]
    cash_min_rate: Option<Decimal>,
    revolving_years: Option<YearsOrNone>,
}

/// `revolving_years` as RULES.toml may write it: an integer, the same digits as
/// a string (`"5"`, as the web form and the API send it), or `"none"`. Anything
/// else (a float, a fraction, a negative number) is refused by the TOML reader
/// with the key named; the range is checked by [`RuleSet::validate`].
#[derive(Debug, Clone, Copy)]
struct YearsOrNone(Option<u32>);

impl<'de> Deserialize<'de> for YearsOrNone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = YearsOrNone;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of years, e.g. 5 or \"5\", or \"none\"")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
                let t = s.trim();
                if t.eq_ignore_ascii_case("none") {
                    return Ok(YearsOrNone(None));
                }
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(E::custom(format!("{s:?} is not a whole number of years")));
                }
                // Too many digits for u32: out of range anyway.
                Ok(YearsOrNone(Some(t.parse().unwrap_or(u32::MAX))))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                if v < 0 {
                    return Err(E::custom(format!("{v} is negative; give a whole number of years")));
                }
                self.visit_u64(v.unsigned_abs())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(YearsOrNone(Some(u32::try_from(v).unwrap_or(u32::MAX))))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Err(E::custom(format!("{v} is not a whole number of years")))
            }
        }
        d.deserialize_any(V)
    }
}

fn toml_message(e: &toml::de::Error) -> String {
    e.to_string().trim().replace('\n', " ")
}

struct DecimalVisitor {
    allow_none: bool,
}

impl serde::de::Visitor<'_> for DecimalVisitor {
    type Value = Option<Decimal>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal written as a string, e.g. \"0.40\", or an integer")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        let t = s.trim();
        if self.allow_none && t.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        Decimal::from_str_exact(t)
            .map(Some)
            .map_err(|_| E::custom(format!("{s:?} is not a decimal number")))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::custom(format!(
            "{v} is a float; write decimals as strings, e.g. \"{v}\""
        )))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        if self.allow_none {
            Ok(None)
        } else {
            Err(E::custom("a value is required"))
        }
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
}

fn de_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor { allow_none: false })?
        .ok_or_else(|| serde::de::Error::custom("a value is required"))
}

fn de_some_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    de_decimal(d).map(Some)
}

fn de_opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    d.deserialize_any(DecimalVisitor { allow_none: true })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn presets_are_valid() {
        for p in Preset::ALL {
            RuleSet::preset(p).validate().unwrap();
            assert_eq!(p.name().parse::<Preset>().unwrap(), p);
        }
    }

    #[test]
    fn toml_preset_with_overrides() {
        let r = RuleSet::from_toml(
            r#"
            preset = "us_worker"
            reserve_rate = "0.40"
            share_return_rate = "0.05"
            patronage_basis = "wages"
            cash_min_rate = "0.25"
            "#,
        )
        .unwrap();
        assert_eq!(r.preset, Some(Preset::UsWorker));
        assert_eq!(r.reserve_rate, dec!(0.40));
        assert_eq!(r.share_return_rate, Some(dec!(0.05)));
        assert_eq!(r.patronage_basis, PatronageBasis::Wages);
        assert_eq!(r.cash_min_rate, dec!(0.25));
        assert_eq!(r.loss_to, LossTo::Members);
    }

    #[test]
    fn toml_without_preset_uses_neutral_defaults() {
        let r = RuleSet::from_toml("reserve_rate = \"0.1\"\n").unwrap();
        assert_eq!(
            r,
            RuleSet {
                reserve_rate: dec!(0.1),
                ..RuleSet::default()
            }
        );
    }

    #[test]
    fn toml_none_removes_a_limit() {
        let r =
            RuleSet::from_toml("preset = \"scop_fr\"\nshare_return_rate = \"0.03\"\nmin_months = \"none\"\n").unwrap();
        assert_eq!(r.share_return_rate, Some(dec!(0.03)));
        assert_eq!(r.min_months, None);
    }

    #[test]
    fn toml_mix_weights() {
        let r = RuleSet::from_toml(
            r#"
            patronage_basis = "mix"
            patronage_weights = { hours = "0.5", wages = "0.3", equal = "0.2" }
            "#,
        )
        .unwrap();
        assert!(r.uses_wages());
        let e = RuleSet::from_toml(
            "patronage_basis = \"mix\"\npatronage_weights = { hours = \"0.5\", wages = \"0.3\", equal = \"0.1\" }\n",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("patronage_weights"));
        let e = RuleSet::from_toml("patronage_basis = \"mix\"\n").unwrap_err();
        assert_eq!(e.field(), Some("patronage_weights"));
        let e =
            RuleSet::from_toml("patronage_weights = { hours = \"1\", wages = \"0\", equal = \"0\" }\n").unwrap_err();
        assert_eq!(e.field(), Some("patronage_weights"));
    }

    #[test]
    fn toml_refusals() {
        // unknown key
        let e = RuleSet::from_toml("reserve_rat = \"0.1\"\n").unwrap_err();
        assert!(matches!(&e, RulesError::Toml(m) if m.contains("reserve_rat")), "{e}");
        // float
        let e = RuleSet::from_toml("reserve_rate = 0.1\n").unwrap_err();
        assert!(matches!(&e, RulesError::Toml(m) if m.contains("string")), "{e}");
        // unknown preset
        let e = RuleSet::from_toml("preset = \"nope\"\n").unwrap_err();
        assert_eq!(e.field(), Some("preset"));
        // unknown basis
        let e = RuleSet::from_toml("patronage_basis = \"votes\"\n").unwrap_err();
        assert!(matches!(e, RulesError::Toml(_)));
    }

    #[test]
    fn validation_names_the_field() {
        let cases: Vec<(RuleSet, &str)> = vec![
            (
                RuleSet {
                    reserve_rate: dec!(1.5),
                    ..RuleSet::default()
                },
                "reserve_rate",
            ),
            (
                RuleSet {
                    reserve_rate: dec!(-0.1),
                    ..RuleSet::default()
                },
                "reserve_rate",
            ),
            (
                RuleSet {
                    cash_min_rate: dec!(1.01),
                    ..RuleSet::default()
                },
                "cash_min_rate",
            ),
            (
                RuleSet {
                    share_return_rate: Some(dec!(2)),
                    ..RuleSet::default()
                },
                "share_return_rate",
            ),
            (
                RuleSet {
                    share_return_max_of_surplus: Some(dec!(1.2)),
                    ..RuleSet::default()
                },
                "share_return_max_of_surplus",
            ),
            (
                RuleSet {
                    reserve_floor: dec!(10.001),
                    ..RuleSet::default()
                },
                "reserve_floor",
            ),
            (
                RuleSet {
                    reserve_floor: dec!(-10),
                    ..RuleSet::default()
                },
                "reserve_floor",
            ),
            (
                RuleSet {
                    reserve_rate: dec!(0.1),
                    reserve_min_rate: dec!(0.15),
                    ..RuleSet::default()
                },
                "reserve_rate",
            ),
            (
                RuleSet {
                    reserve_rate: dec!(0.8),
                    patronage_min_of_surplus: dec!(0.25),
                    ..RuleSet::default()
                },
                "patronage_min_of_surplus",
            ),
            (
                RuleSet {
                    seniority_cap: dec!(0.5),
                    ..RuleSet::default()
                },
                "seniority_cap",
            ),
            (
                RuleSet {
                    min_months: Some(dec!(13)),
                    ..RuleSet::default()
                },
                "min_months",
            ),
            (
                RuleSet {
                    min_hours: Some(dec!(-1)),
                    ..RuleSet::default()
                },
                "min_hours",
            ),
            (
                RuleSet {
                    reserve_rate: dec!(0.1234567),
                    ..RuleSet::default()
                },
                "reserve_rate",
            ),
            (
                RuleSet {
                    reserve_base: ReserveBase::AfterShareReturn,
                    share_return_max_of_reserve: true,
                    ..RuleSet::default()
                },
                "share_return_max_of_reserve",
            ),
        ];
        for (r, field) in cases {
            let e = r.validate().unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }
    }

    #[test]
    fn canonical_json_is_stable() {
        let a = RuleSet::from_toml("preset = \"scop_fr\"\nreserve_rate = \"0.40\"\n").unwrap();
        let b = RuleSet::from_toml("reserve_rate = \"0.4\"\npreset = \"scop_fr\"\n").unwrap();
        assert_eq!(a.canonical_json(), b.canonical_json());
        let j = a.canonical_json();
        assert!(j.starts_with("{\"canonical\":1,\"cash_min_rate\":\"0\","), "{j}");
        assert!(j.contains("\"reserve_rate\":\"0.4\""), "{j}");
        assert!(j.contains("\"share_return_rate\":null"), "{j}");
        // and it reads back as the same rule set
        let back: RuleSet = {
            let mut v: serde_json::Value = serde_json::from_str(&j).unwrap();
            v.as_object_mut().unwrap().remove("canonical");
            serde_json::from_value(v).unwrap()
        };
        assert_eq!(back.canonical_json(), j);
        let c = RuleSet::from_toml("preset = \"scop_fr\"\nreserve_rate = \"0.41\"\n").unwrap();
        assert_ne!(a.canonical_json(), c.canonical_json());
    }

    #[test]
    fn revolving_years_is_optional_whole_years_from_1_to_30() {
        assert_eq!(RuleSet::default().revolving_years, None);
        for p in Preset::ALL {
            assert_eq!(RuleSet::preset(p).revolving_years, None, "{p}");
        }
        let r = RuleSet::from_toml("preset = \"us_worker\"\nrevolving_years = 5\n").unwrap();
        assert_eq!(r.revolving_years, Some(5));
        assert_eq!(
            RuleSet::from_toml("revolving_years = \"7\"").unwrap().revolving_years,
            Some(7)
        );
        assert_eq!(
            RuleSet::from_toml("revolving_years = \" 30 \"")
                .unwrap()
                .revolving_years,
            Some(30)
        );
        assert_eq!(
            RuleSet::from_toml("revolving_years = 1").unwrap().revolving_years,
            Some(1)
        );
        assert_eq!(
            RuleSet::from_toml("revolving_years = \"none\"")
                .unwrap()
                .revolving_years,
            None
        );
        for bad in ["0", "31", "\"0\"", "\"31\"", "99999999999", "\"99999999999\""] {
            let e = RuleSet::from_toml(&format!("revolving_years = {bad}")).unwrap_err();
            assert_eq!(e.field(), Some("revolving_years"), "{bad}: {e}");
        }
        for bad in ["2.5", "-3", "\"2.5\"", "\"five\"", "\"\"", "\"-3\"", "true"] {
            let e = RuleSet::from_toml(&format!("revolving_years = {bad}")).unwrap_err();
            match e {
                RulesError::Toml(m) => assert!(m.contains("revolving_years"), "{bad}: {m}"),
                other => panic!("{bad}: {other}"),
            }
        }
        let r = RuleSet {
            revolving_years: Some(0),
            ..RuleSet::default()
        };
        assert_eq!(r.validate().unwrap_err().field(), Some("revolving_years"));
    }

    #[test]
    fn revolving_years_is_hashed_only_when_set() {
        // Rule sets stored before the key existed keep their hash.
        let without = RuleSet::from_toml("preset = \"us_worker\"").unwrap();
        assert!(!without.canonical_json().contains("revolving_years"));
        let none = RuleSet::from_toml("preset = \"us_worker\"\nrevolving_years = \"none\"").unwrap();
        assert_eq!(none.canonical_json(), without.canonical_json());
        let five = RuleSet::from_toml("preset = \"us_worker\"\nrevolving_years = 5").unwrap();
        let j = five.canonical_json();
        assert!(j.contains("\"revolving_years\":5"), "{j}");
        assert_ne!(j, without.canonical_json());
        let back: RuleSet = {
            let mut v: serde_json::Value = serde_json::from_str(&j).unwrap();
            v.as_object_mut().unwrap().remove("canonical");
            serde_json::from_value(v).unwrap()
        };
        assert_eq!(back, five);
    }
}
