//! The pure rules of a ballot: what a ballot may ask, what a valid answer is, how
//! quorum, thresholds and proxy limits are measured, and how a closed ballot's
//! result is computed from its papers. No clock, no randomness, no I/O: the
//! service passes the time, the seed and the random receipt bytes in.
//!
//! The counting of elections lives in [`super::tally`]; this module turns a
//! ballot's papers into the inputs of a count and motions into their outcome.
//! `docs/rules/voting.md` explains every rule here with worked examples.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::tally::{self, Election, Method, Paper, TallyResult};

/// The most questions one ballot may hold.
pub const MAX_QUESTIONS: usize = 20;
/// The most candidates one election may list.
pub const MAX_CANDIDATES: usize = 200;
/// The longest title of a ballot or question.
pub const MAX_TITLE: usize = 200;
/// The longest text (Markdown) of a ballot, a question or a statement.
pub const MAX_TEXT: usize = 20_000;
/// The most links a question may carry.
pub const MAX_LINKS: usize = 10;

/// Why a ballot, an answer or a proxy was refused. Every message is written for the
/// person who made the mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// A field of the ballot's definition is wrong.
    #[error("{message}")]
    Invalid {
        /// The field, as the API names it (e.g. `questions[1].seats`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// An answer on a paper is not one the question accepts.
    #[error("question {}: {}", question + 1, crate::i18n::text_with("en", code, args))]
    BadAnswer {
        /// The question, 0-based.
        question: usize,
        /// What is wrong with the answer: its stable code (`locales/*/errors.ftl`).
        code: &'static str,
        /// The figures of that message.
        args: Vec<(&'static str, String)>,
    },
    /// The ballot is stricter or looser than the co-op's parameters allow.
    #[error("{message}")]
    OutsideParameters {
        /// The setting that is outside the parameters.
        field: String,
        /// What the parameters require.
        message: String,
    },
    /// The proxy cannot be given.
    #[error("{0}")]
    Proxy(String),
}

impl BallotError {
    fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        BallotError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The field the error is about, when there is one.
    pub fn field(&self) -> Option<String> {
        match self {
            BallotError::Invalid { field, .. } | BallotError::OutsideParameters { field, .. } => Some(field.clone()),
            BallotError::BadAnswer { question, .. } => Some(format!("answers[{question}]")),
            BallotError::Proxy(_) => None,
        }
    }
}

/// A fraction `numerator / denominator` of something, kept exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Fraction {
    /// The numerator.
    pub numerator: u32,
    /// The denominator (never 0).
    pub denominator: u32,
}

impl Fraction {
    /// The fraction, checked to lie in (0, 1].
    pub fn new(numerator: u32, denominator: u32) -> Result<Self, String> {
        if denominator == 0 || numerator == 0 || numerator > denominator {
            return Err(format!(
                "{numerator}/{denominator} is not a fraction between 0 (excluded) and 1: give for example 1/4"
            ));
        }
        Ok(Fraction { numerator, denominator })
    }

    /// The smallest whole number at least this fraction of `of`.
    pub fn ceil_of(self, of: u64) -> u64 {
        (u128::from(of) * u128::from(self.numerator)).div_ceil(u128::from(self.denominator)) as u64
    }

    /// Whether `part / whole` is at least this fraction.
    pub fn reached_by(self, part: u64, whole: u64) -> bool {
        u128::from(part) * u128::from(self.denominator) >= u128::from(whole) * u128::from(self.numerator)
    }

    /// Compares two fractions exactly.
    fn cmp_value(self, other: Fraction) -> std::cmp::Ordering {
        (u64::from(self.numerator) * u64::from(other.denominator))
            .cmp(&(u64::from(other.numerator) * u64::from(self.denominator)))
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

/// How many members must take part for the ballot to decide anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Quorum {
    /// Any participation decides.
    None,
    /// At least this many participants.
    Count {
        /// Participants needed.
        count: u32,
    },
    /// At least this fraction of the roll (rounded up to whole members).
    Fraction {
        /// The fraction of the roll.
        #[serde(flatten)]
        fraction: Fraction,
    },
}

impl Quorum {
    /// The participants needed on a roll of `roll` members.
    pub fn required(self, roll: u64) -> u64 {
        match self {
            Quorum::None => 0,
            Quorum::Count { count } => u64::from(count),
            Quorum::Fraction { fraction } => fraction.ceil_of(roll),
        }
    }
}

/// What a motion needs to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Threshold {
    /// More votes for than against (the base does not matter).
    Simple,
    /// More than half of the base.
    Absolute,
    /// At least two thirds of the base.
    TwoThirds,
    /// At least three quarters of the base.
    ThreeQuarters,
    /// At least this fraction of the base.
    Custom {
        /// The fraction of the base.
        #[serde(flatten)]
        fraction: Fraction,
    },
}

impl Threshold {
    /// The fraction of the base the threshold asks for, and whether it must be
    /// exceeded (true) or only reached (false).
    fn bar(self) -> (Fraction, bool) {
        let half = Fraction {
            numerator: 1,
            denominator: 2,
        };
        match self {
            Threshold::Simple | Threshold::Absolute => (half, true),
            Threshold::TwoThirds => (
                Fraction {
                    numerator: 2,
                    denominator: 3,
                },
                false,
            ),
            Threshold::ThreeQuarters => (
                Fraction {
                    numerator: 3,
                    denominator: 4,
                },
                false,
            ),
            Threshold::Custom { fraction } => (fraction, false),
        }
    }

    /// A short stable name (`simple`, `absolute`, `2/3`, `3/4`, or the fraction).
    pub fn label(self) -> String {
        match self {
            Threshold::Simple => "simple".into(),
            Threshold::Absolute => "absolute".into(),
            Threshold::TwoThirds => "2/3".into(),
            Threshold::ThreeQuarters => "3/4".into(),
            Threshold::Custom { fraction } => fraction.to_string(),
        }
    }

    /// Whether `self` asks at least as much as `other`, on the same or a larger base.
    fn at_least_as_strict_as(self, base: Base, other: Threshold, other_base: Base) -> bool {
        let (mine, strict_mine) = self.bar();
        let (theirs, strict_theirs) = other.bar();
        let fraction_ok = match mine.cmp_value(theirs) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => strict_mine || !strict_theirs,
            std::cmp::Ordering::Less => false,
        };
        // A simple majority ignores the base; it is the same bar as an absolute
        // majority of the votes cast excluding abstentions.
        let base_of = |t: Threshold, b: Base| {
            if t == Threshold::Simple {
                Base::CastExcludingAbstentions
            } else {
                b
            }
        };
        fraction_ok && base_of(self, base).breadth() >= base_of(other, other_base).breadth()
    }
}

/// What a motion's threshold is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// Votes for and against only (abstentions and blank papers left out).
    CastExcludingAbstentions,
    /// Every paper cast, abstentions included.
    AllPapers,
    /// The members on the roll present or represented at the meeting when the vote
    /// closes ("two thirds of the members present"): a meeting ballot only.
    MembersPresent,
    /// The whole roll of eligible members, voting or not.
    Roll,
}

impl Base {
    /// Larger bases make a threshold harder to meet: every paper comes from a member
    /// taking part, and everyone taking part is on the roll.
    fn breadth(self) -> u8 {
        match self {
            Base::CastExcludingAbstentions => 0,
            Base::AllPapers => 1,
            Base::MembersPresent => 2,
            Base::Roll => 3,
        }
    }
}

/// How many proxies one member may hold on one ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxyLimit {
    /// No proxies (the default).
    None,
    /// At most this many per holder.
    PerHolder {
        /// Proxies one member may hold.
        count: u32,
    },
    /// One proxy per this many members on the roll (rounded down, at least one).
    OnePer {
        /// Members on the roll per proxy.
        members: u32,
    },
}

impl ProxyLimit {
    /// The most proxies one holder may hold on a roll of `roll` members.
    pub fn max_per_holder(self, roll: u64) -> u64 {
        match self {
            ProxyLimit::None => 0,
            ProxyLimit::PerHolder { count } => u64::from(count),
            ProxyLimit::OnePer { members } => (roll / u64::from(members.max(1))).max(1),
        }
    }
}

/// Whether a proxy may be given: the grantor and the holder are different members
/// of the roll (or, before the roll is frozen, in good standing), and the holder
/// holds fewer proxies than the limit.
pub fn check_proxy(
    limit: ProxyLimit,
    roll: u64,
    grantor_is_holder: bool,
    holder_eligible: bool,
    holder_already_holds: u64,
) -> Result<(), BallotError> {
    if limit == ProxyLimit::None {
        return Err(BallotError::Proxy("This ballot does not allow proxies.".into()));
    }
    if grantor_is_holder {
        return Err(BallotError::Proxy("You cannot give a proxy to yourself.".into()));
    }
    if !holder_eligible {
        return Err(BallotError::Proxy(
            "A proxy can only be given to a member who may vote on this ballot.".into(),
        ));
    }
    let max = limit.max_per_holder(roll);
    if holder_already_holds >= max {
        return Err(BallotError::Proxy(format!(
            "This member already holds {holder_already_holds} proxies, the most one member may hold on this ballot ({max})."
        )));
    }
    Ok(())
}

/// How the ballot is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Online during a window; closes by itself at the end.
    Online,
    /// At a meeting: the secretary opens and closes it live, and may record paper
    /// votes from members present.
    Meeting,
}

/// A link attached to a question (the accounts, a report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    /// What the link is.
    pub label: String,
    /// Where it points (`https://…` or `http://…`).
    pub url: String,
}

/// A candidate in an election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    /// The name on the ballot.
    pub name: String,
    /// Their statement (Markdown), shown on the ballot.
    #[serde(default)]
    pub statement: String,
    /// The member standing, when the candidate is a member.
    #[serde(default)]
    pub member_id: Option<uuid::Uuid>,
}

/// What a question asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// For / against (/ abstain).
    Motion {
        /// Whether members may abstain.
        #[serde(default = "yes")]
        allow_abstain: bool,
        /// What the motion needs to pass.
        threshold: Threshold,
        /// What the threshold is measured against.
        base: Base,
    },
    /// An election of one or several seats.
    Election {
        /// How the papers are counted.
        #[schema(value_type = String)]
        method: Method,
        /// Seats to fill.
        seats: usize,
        /// The most choices a paper may mark (approval: approvals; ranked: preferences).
        #[serde(default)]
        max_choices: Option<usize>,
        /// The candidates, in ballot order.
        candidates: Vec<Candidate>,
    },
}

fn yes() -> bool {
    true
}

/// One question of a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// The question's title ("Approve the 2026 accounts").
    pub title: String,
    /// The motion's text or the election's description (Markdown).
    #[serde(default)]
    pub text: String,
    /// Links to documents.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// What it asks.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// How a ballot is run, chosen by the board within the co-op's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// Online window or meeting.
    pub mode: Mode,
    /// Secret ballot (true) or open roll-call ballot (false).
    pub secret: bool,
    /// Whether a voter may change their vote until the close.
    pub allow_change: bool,
    /// The quorum.
    pub quorum: Quorum,
    /// How many proxies a member may hold.
    pub proxies: ProxyLimit,
}

/// The co-op's governance parameters for ballots: the defaults a new ballot starts
/// from, which are also the least a ballot may ask (quorum, thresholds) and the
/// most it may allow (proxies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BallotParameters {
    /// The least quorum.
    pub quorum: Quorum,
    /// The least threshold for motions.
    pub threshold: Threshold,
    /// The base of that threshold.
    pub base: Base,
    /// The most proxies per holder.
    pub proxies: ProxyLimit,
    /// Whether ballots are secret unless the board chooses otherwise.
    pub secret: bool,
}

impl Default for BallotParameters {
    /// A simple majority of the votes cast, no quorum, no proxies, secret ballots.
    fn default() -> Self {
        BallotParameters {
            quorum: Quorum::None,
            threshold: Threshold::Simple,
            base: Base::CastExcludingAbstentions,
            proxies: ProxyLimit::None,
            secret: true,
        }
    }
}

fn check_text(field: &str, text: &str, max: usize, required: bool) -> Result<(), BallotError> {
    if required && text.trim().is_empty() {
        return Err(BallotError::invalid(field, "This is required."));
    }
    if text.chars().count() > max {
        return Err(BallotError::invalid(field, format!("At most {max} characters.")));
    }
    Ok(())
}

fn check_url(field: &str, url: &str) -> Result<(), BallotError> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| BallotError::invalid(field, "A link must start with https:// or http://."))?;
    if rest.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.len() > 2000 {
        return Err(BallotError::invalid(field, "This is not a valid link."));
    }
    Ok(())
}

fn check_fraction(field: &str, f: Fraction) -> Result<(), BallotError> {
    Fraction::new(f.numerator, f.denominator)
        .map(|_| ())
        .map_err(|m| BallotError::invalid(field, m))
}

/// Checks a ballot's title, settings and questions, and that its settings stay
/// within the co-op's parameters on a roll of about `roll` members (the roll is
/// frozen only at opening, where the check is made again).
pub fn validate_ballot(
    title: &str,
    description: &str,
    settings: &Settings,
    questions: &[Question],
    parameters: &BallotParameters,
    roll: u64,
) -> Result<(), BallotError> {
    check_text("title", title, MAX_TITLE, true)?;
    check_text("description", description, MAX_TEXT, false)?;
    if let Quorum::Fraction { fraction } = settings.quorum {
        check_fraction("quorum", fraction)?;
    }
    if let ProxyLimit::OnePer { members: 0 } = settings.proxies {
        return Err(BallotError::invalid(
            "proxies",
            "One proxy per 0 members makes no sense.",
        ));
    }
    if settings.quorum.required(roll) < parameters.quorum.required(roll) {
        return Err(BallotError::OutsideParameters {
            field: "quorum".into(),
            message: format!(
                "The co-op's rules ask for a quorum of at least {} members on a roll of {roll}.",
                parameters.quorum.required(roll)
            ),
        });
    }
    if settings.proxies.max_per_holder(roll) > parameters.proxies.max_per_holder(roll) {
        return Err(BallotError::OutsideParameters {
            field: "proxies".into(),
            message: match parameters.proxies {
                ProxyLimit::None => "The co-op's rules do not allow proxies.".into(),
                p => format!(
                    "The co-op's rules allow at most {} proxies per member on a roll of {roll}.",
                    p.max_per_holder(roll)
                ),
            },
        });
    }
    if questions.is_empty() {
        return Err(BallotError::invalid(
            "questions",
            "A ballot needs at least one question.",
        ));
    }
    if questions.len() > MAX_QUESTIONS {
        return Err(BallotError::invalid(
            "questions",
            format!("A ballot holds at most {MAX_QUESTIONS} questions."),
        ));
    }
    for (i, q) in questions.iter().enumerate() {
        validate_question(i, q, settings.mode, parameters)?;
    }
    Ok(())
}

fn validate_question(i: usize, q: &Question, mode: Mode, parameters: &BallotParameters) -> Result<(), BallotError> {
    let at = |name: &str| format!("questions[{i}].{name}");
    check_text(&at("title"), &q.title, MAX_TITLE, true)?;
    check_text(&at("text"), &q.text, MAX_TEXT, false)?;
    if q.attachments.len() > MAX_LINKS {
        return Err(BallotError::invalid(
            at("attachments"),
            format!("At most {MAX_LINKS} links."),
        ));
    }
    for (j, a) in q.attachments.iter().enumerate() {
        check_text(&at(&format!("attachments[{j}].label")), &a.label, MAX_TITLE, true)?;
        check_url(&at(&format!("attachments[{j}].url")), &a.url)?;
    }
    match &q.kind {
        QuestionKind::Motion { threshold, base, .. } => {
            if let Threshold::Custom { fraction } = threshold {
                check_fraction(&at("threshold"), *fraction)?;
            }
            // "A majority of the members (present)" means more than half of them; a
            // simple majority (more for than against) would silently ignore the base.
            if *threshold == Threshold::Simple && matches!(base, Base::Roll | Base::MembersPresent) {
                return Err(BallotError::invalid(
                    at("threshold"),
                    format!(
                        "A simple majority only weighs for against against; for a majority of {}, choose an absolute majority.",
                        base_words(*base)
                    ),
                ));
            }
            // Nobody is present at an online ballot: the base would have no size.
            if *base == Base::MembersPresent && mode == Mode::Online {
                return Err(BallotError::invalid(
                    at("base"),
                    "The members present are counted at a meeting: hold this ballot at a meeting, or measure an online ballot against the whole roll.",
                ));
            }
            if !threshold.at_least_as_strict_as(*base, parameters.threshold, parameters.base) {
                return Err(BallotError::OutsideParameters {
                    field: at("threshold"),
                    message: format!(
                        "The co-op's rules ask for at least a {} majority of {} for a motion.",
                        parameters.threshold.label(),
                        base_words(parameters.base)
                    ),
                });
            }
        }
        QuestionKind::Election {
            method,
            seats,
            max_choices,
            candidates,
        } => {
            if candidates.is_empty() || candidates.len() > MAX_CANDIDATES {
                return Err(BallotError::invalid(
                    at("candidates"),
                    format!("An election needs between 1 and {MAX_CANDIDATES} candidates."),
                ));
            }
            if *seats == 0 || *seats > candidates.len() {
                return Err(BallotError::invalid(
                    at("seats"),
                    format!(
                        "Seats must be between 1 and the number of candidates ({}).",
                        candidates.len()
                    ),
                ));
            }
            if *method == Method::Irv && *seats != 1 {
                return Err(BallotError::invalid(
                    at("seats"),
                    "Instant-runoff fills one seat; use STV for several.",
                ));
            }
            if let Some(max) = max_choices {
                if *max == 0 || *max > candidates.len() {
                    return Err(BallotError::invalid(
                        at("max_choices"),
                        "The most choices must be between 1 and the number of candidates.",
                    ));
                }
            }
            let mut names = std::collections::BTreeSet::new();
            for (j, c) in candidates.iter().enumerate() {
                check_text(&at(&format!("candidates[{j}].name")), &c.name, MAX_TITLE, true)?;
                check_text(
                    &at(&format!("candidates[{j}].statement")),
                    &c.statement,
                    MAX_TEXT,
                    false,
                )?;
                if c.name.contains('"') || c.name.contains('\n') {
                    return Err(BallotError::invalid(
                        at(&format!("candidates[{j}].name")),
                        "A name cannot contain double quotes or line breaks.",
                    ));
                }
                if !names.insert(c.name.trim().to_lowercase()) {
                    return Err(BallotError::invalid(
                        at(&format!("candidates[{j}].name")),
                        format!("{} is listed twice.", c.name.trim()),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn base_words(base: Base) -> &'static str {
    match base {
        Base::CastExcludingAbstentions => "the votes cast excluding abstentions",
        Base::AllPapers => "all papers cast",
        Base::MembersPresent => "the members present",
        Base::Roll => "the whole roll",
    }
}

/// One answer on a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// For the motion.
    For,
    /// Against the motion.
    Against,
    /// Abstain on the motion.
    Abstain,
    /// The candidates chosen (0-based, in order of preference for ranked methods);
    /// empty for a blank paper.
    Choices(Vec<usize>),
}

/// Checks a paper: one answer per question, each one the question accepts.
pub fn validate_answers(questions: &[Question], answers: &[Answer]) -> Result<(), BallotError> {
    if answers.len() != questions.len() {
        return Err(BallotError::invalid(
            "answers",
            format!(
                "This ballot has {} questions; give one answer for each ({} given).",
                questions.len(),
                answers.len()
            ),
        ));
    }
    for (i, (q, a)) in questions.iter().zip(answers).enumerate() {
        let bad = |code: &'static str, args: Vec<(&'static str, String)>| BallotError::BadAnswer {
            question: i,
            code,
            args,
        };
        match (&q.kind, a) {
            (QuestionKind::Motion { .. }, Answer::For | Answer::Against) => {}
            (QuestionKind::Motion { allow_abstain, .. }, Answer::Abstain) => {
                if !allow_abstain {
                    return Err(bad("error-ballot-abstain-not-allowed", Vec::new()));
                }
            }
            (QuestionKind::Motion { .. }, Answer::Choices(_)) => {
                return Err(bad("error-ballot-motion-answer", Vec::new()))
            }
            (QuestionKind::Election { .. }, Answer::For | Answer::Against | Answer::Abstain) => {
                return Err(bad("error-ballot-election-answer", Vec::new()))
            }
            (
                QuestionKind::Election {
                    method,
                    candidates,
                    max_choices,
                    seats,
                },
                Answer::Choices(choices),
            ) => {
                let election = election_shell(candidates, *seats, *max_choices);
                tally::validate_paper(*method, &election, 0, &Paper::new(choices.clone())).map_err(|e| {
                    // The tally speaks of "paper 1" and 1-based numbers; here there is one paper.
                    match e {
                        tally::TallyError::UnknownCandidate { .. } => bad("error-ballot-unknown-choice", Vec::new()),
                        tally::TallyError::DuplicateCandidate { .. } => {
                            bad("error-ballot-duplicate-choice", Vec::new())
                        }
                        tally::TallyError::TooManyChoices { max, .. } => {
                            bad("error-ballot-too-many-choices", vec![("max", max.to_string())])
                        }
                        other => bad("error-ballot-invalid-paper", vec![("reason", other.to_string())]),
                    }
                })?;
            }
        }
    }
    Ok(())
}

fn election_shell(candidates: &[Candidate], seats: usize, max_choices: Option<usize>) -> Election {
    Election {
        title: String::new(),
        candidates: candidates.iter().map(|c| c.name.trim().to_string()).collect(),
        seats,
        withdrawn: Default::default(),
        papers: Vec::new(),
        max_choices,
    }
}

/// A paper as counted: how many identical papers it stands for (1 online; more for
/// an aggregate recorded at a meeting) and its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedPaper {
    /// How many papers this is.
    pub weight: u64,
    /// One answer per question.
    pub answers: Vec<Answer>,
}

/// The votes on a motion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MotionCounts {
    /// Votes for.
    #[serde(rename = "for")]
    pub for_: u64,
    /// Votes against.
    pub against: u64,
    /// Abstentions.
    pub abstain: u64,
}

/// A motion's outcome, with the arithmetic that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MotionOutcome {
    /// The votes.
    pub counts: MotionCounts,
    /// The threshold applied.
    pub threshold: Threshold,
    /// What it was measured against.
    pub base: Base,
    /// The size of that base.
    pub base_size: u64,
    /// The votes for as a percentage of the base, to two decimals ("68.00"), or
    /// `None` when the base is empty.
    pub percent_for: Option<String>,
    /// Whether the threshold is met (whatever the quorum).
    pub threshold_met: bool,
    /// Whether the motion is carried: threshold met and quorum reached.
    pub carried: bool,
}

/// The percentage `part / whole` truncated (never rounded up, so a percentage shown
/// is never above the true figure) to two decimals.
pub fn percent(part: u64, whole: u64) -> Option<String> {
    if whole == 0 {
        return None;
    }
    let hundredths = u128::from(part) * 10_000 / u128::from(whole);
    Some(format!("{}.{:02}", hundredths / 100, hundredths % 100))
}

/// Decides a motion from its counts, the threshold and base, the roll size, the
/// members present (at a meeting: present or represented when the vote closed) and
/// whether the ballot reached its quorum.
pub fn decide_motion(
    counts: MotionCounts,
    threshold: Threshold,
    base: Base,
    roll: u64,
    present: u64,
    quorum_met: bool,
) -> MotionOutcome {
    let base_size = match base {
        Base::CastExcludingAbstentions => counts.for_ + counts.against,
        Base::AllPapers => counts.for_ + counts.against + counts.abstain,
        Base::MembersPresent => present,
        Base::Roll => roll,
    };
    let threshold_met = match threshold {
        Threshold::Simple => counts.for_ > counts.against,
        Threshold::Absolute => u128::from(counts.for_) * 2 > u128::from(base_size),
        other => {
            let (fraction, _) = other.bar();
            counts.for_ > 0 && fraction.reached_by(counts.for_, base_size)
        }
    };
    MotionOutcome {
        counts,
        threshold,
        base,
        base_size,
        percent_for: percent(
            counts.for_,
            if threshold == Threshold::Simple {
                counts.for_ + counts.against
            } else {
                base_size
            },
        ),
        threshold_met,
        carried: threshold_met && quorum_met,
    }
}

/// The result of one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionResult {
    /// A motion's outcome.
    Motion(MotionOutcome),
    /// An election's count, every round included (`None` when no valid paper was cast).
    Election {
        /// The count.
        #[schema(value_type = Object)]
        count: Box<TallyResult>,
        /// Whether the elected may take their seats (the quorum was reached).
        valid: bool,
    },
}

/// A closed ballot's result: computed once at the close and stored with its inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BallotResult {
    /// Members on the roll.
    pub roll: u64,
    /// Members who took part (in person, by proxy or on paper at the meeting).
    pub participants: u64,
    /// At a meeting: the members on the roll present or represented when the chair
    /// closed the vote (and any who voted without being recorded), on which the
    /// quorum and the "members present" base are measured. `None` online, where the
    /// quorum is measured on `participants`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<u64>,
    /// Members needed to take part (at a meeting: to be present).
    pub quorum_required: u64,
    /// Whether the quorum was reached.
    pub quorum_met: bool,
    /// Papers counted (an aggregate of n papers counts n).
    pub papers: u64,
    /// One result per question.
    pub questions: Vec<QuestionResult>,
    /// SHA-256 of the canonical list of papers counted, so anyone holding the
    /// published papers can check they are the ones counted.
    pub papers_hash: String,
    /// The seed of the lots, fixed and published at opening (hex).
    pub seed: String,
}

/// Why a ballot could not be counted (only a bug or a damaged database can cause it:
/// every paper was checked when cast).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("question {question}: {message}")]
pub struct CountError {
    /// The question, 0-based.
    pub question: usize,
    /// What went wrong.
    pub message: String,
}

/// Counts a closed ballot: the quorum, then each question from the papers.
///
/// `present` is the attendance of a meeting ballot when the vote closed (see
/// [`BallotResult::present`]): the quorum is then measured on it, as Robert's Rules
/// and most bylaws measure a meeting's quorum by presence, not on the voters. An
/// online ballot passes `None` and its quorum is measured on `participants`.
///
/// The result does not depend on the order of `papers`: motions are sums, and
/// elections are counted by [`tally::count`], which is order-free.
pub fn count_ballot(
    questions: &[Question],
    papers: &[CountedPaper],
    roll: u64,
    participants: u64,
    present: Option<u64>,
    quorum: Quorum,
    seed: [u8; 32],
) -> Result<BallotResult, CountError> {
    let quorum_required = quorum.required(roll);
    let taking_part = present.unwrap_or(participants);
    let quorum_met = taking_part >= quorum_required;
    let mut results = Vec::with_capacity(questions.len());
    for (i, q) in questions.iter().enumerate() {
        let answers = papers.iter().filter_map(|p| p.answers.get(i).map(|a| (p.weight, a)));
        match &q.kind {
            QuestionKind::Motion { threshold, base, .. } => {
                let mut counts = MotionCounts::default();
                for (weight, answer) in answers {
                    match answer {
                        Answer::For => counts.for_ += weight,
                        Answer::Against => counts.against += weight,
                        Answer::Abstain => counts.abstain += weight,
                        Answer::Choices(_) => {
                            return Err(CountError {
                                question: i,
                                message: "a paper answers a motion with candidates".into(),
                            })
                        }
                    }
                }
                results.push(QuestionResult::Motion(decide_motion(
                    counts,
                    *threshold,
                    *base,
                    roll,
                    taking_part,
                    quorum_met,
                )));
            }
            QuestionKind::Election {
                method,
                seats,
                max_choices,
                candidates,
            } => {
                let mut election = election_shell(candidates, *seats, *max_choices);
                election.title = q.title.clone();
                for (weight, answer) in answers {
                    match answer {
                        Answer::Choices(c) => election.papers.push(Paper::grouped(weight, c.clone())),
                        _ => {
                            return Err(CountError {
                                question: i,
                                message: "a paper answers an election with for/against".into(),
                            })
                        }
                    }
                }
                let count = tally::count(*method, &election, seed).map_err(|e| CountError {
                    question: i,
                    message: e.to_string(),
                })?;
                results.push(QuestionResult::Election {
                    count: Box::new(count),
                    valid: quorum_met,
                });
            }
        }
    }
    Ok(BallotResult {
        roll,
        participants,
        present,
        quorum_required,
        quorum_met,
        papers: papers.iter().map(|p| p.weight).sum(),
        questions: results,
        papers_hash: papers_hash(papers),
        seed: hex::encode(seed),
    })
}

/// Whether a closed ballot takes the decision a consequence waits for (an admission,
/// an expulsion, a distribution approved, an amendment adopted, a dissolution): it was
/// opened for that kind of decision and its first question is a motion that carried.
///
/// `opened_for_that_kind` is whether the ballot's legal basis (fixed at its opening)
/// names that kind; it is a flag rather than the kinds themselves because the kinds
/// belong to the bylaws, whose rules build on these. A motion's `carried` already
/// includes the quorum ([`decide_motion`]), and a ballot cannot open with a weaker
/// quorum or majority than the bylaws give its kind ([`validate_ballot`]), so a
/// decision taken here met the bylaws' rule in force at the opening. An election
/// first decides nothing of the kind, even if a motion after it carried.
pub fn takes_decision(opened_for_that_kind: bool, result: &BallotResult) -> bool {
    opened_for_that_kind && matches!(result.questions.first(), Some(QuestionResult::Motion(m)) if m.carried)
}

/// SHA-256 of the papers in a canonical order (sorted by their JSON), so the hash
/// does not depend on the order the database returned them in.
pub fn papers_hash(papers: &[CountedPaper]) -> String {
    let mut lines: Vec<String> = papers
        .iter()
        .map(|p| serde_json::to_string(p).unwrap_or_default())
        .collect();
    lines.sort_unstable();
    let mut hasher = Sha256::new();
    for line in lines {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// The papers of one election question as a BLT election (for the export).
pub fn election_for_export(question: &Question, papers: &[CountedPaper], index: usize) -> Option<Election> {
    let QuestionKind::Election {
        seats,
        max_choices,
        candidates,
        ..
    } = &question.kind
    else {
        return None;
    };
    let mut election = election_shell(candidates, *seats, *max_choices);
    election.title = question.title.clone();
    election.papers = papers
        .iter()
        .filter_map(|p| match p.answers.get(index) {
            Some(Answer::Choices(c)) => Some(Paper::grouped(p.weight, c.clone())),
            _ => None,
        })
        .collect();
    Some(election)
}

/// The alphabet of receipt codes: Crockford's base 32 (no I, L, O or U, so a code
/// read aloud or copied by hand is hard to get wrong).
const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The random bytes behind a receipt code (100 bits are used).
pub const RECEIPT_BYTES: usize = 13;

/// A voter's receipt code from random bytes: 20 base-32 characters in five groups
/// of four (`7KQ2-…`), 100 bits of randomness, so nobody can guess another's.
pub fn receipt_code(random: [u8; RECEIPT_BYTES]) -> String {
    let mut bits: u128 = 0;
    for b in random {
        bits = (bits << 8) | u128::from(b);
    }
    // 104 bits in, the low 100 used.
    let mut chars = Vec::with_capacity(24);
    for i in (0..20).rev() {
        let index = ((bits >> (i * 5)) & 31) as usize;
        chars.push(RECEIPT_ALPHABET[index] as char);
    }
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A receipt code as typed by a person, in its canonical form: upper case, without
/// spaces or dashes, with the letters people confuse read as the digits they look
/// like. `None` when it cannot be a code.
pub fn normalise_receipt(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(20);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !RECEIPT_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        out.push(c);
    }
    (out.len() == 20).then_some(out)
}

/// What the database keeps of a receipt: the SHA-256 of its canonical form, in hex.
/// The code itself is shown once to the voter and never stored.
pub fn receipt_hash(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// The domain separator of [`participation_receipt_hash`].
const PARTICIPATION_RECEIPT: &[u8] = b"concord participation receipt v1";

/// What a voter's participation keeps of their receipt: the SHA-256 of a domain
/// separator followed by the canonical code, in hex. It differs from the paper's
/// [`receipt_hash`], so only someone holding the code can tell which paper a
/// participation's receipt belongs to; the server, given a code, can tell whether it
/// is the caller's own (decision 0013).
pub fn participation_receipt_hash(canonical: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(PARTICIPATION_RECEIPT);
    hash.update(canonical.as_bytes());
    hex::encode(hash.finalize())
}

/// Where a ballot is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being prepared: questions and settings may change.
    Draft,
    /// Open: the roll is frozen and members vote.
    Open,
    /// Closed: the result is final.
    Closed,
    /// Cancelled, with a reason.
    Cancelled,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Draft, Status::Open, Status::Closed, Status::Cancelled]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// What can happen to a ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Edit the draft.
    Edit,
    /// Open it.
    Open,
    /// Close it.
    Close,
    /// Cancel it.
    Cancel,
}

/// Whether `step` is allowed from `status`, with the reason when it is not. Opening
/// an online ballot also needs its closing time to be in the future, which the
/// caller checks with the clock.
pub fn check_step(status: Status, step: Step) -> Result<(), String> {
    use Status::*;
    match (status, step) {
        (Draft, Step::Edit | Step::Open | Step::Cancel) => Ok(()),
        (Open, Step::Close | Step::Cancel) => Ok(()),
        (Draft, Step::Close) => Err("This ballot is not open yet.".into()),
        (Open, Step::Edit) => Err("An open ballot cannot be changed; cancel it and start again.".into()),
        (Open, Step::Open) => Err("This ballot is already open.".into()),
        (Closed, _) => Err("This ballot is closed; its result is final.".into()),
        (Cancelled, _) => Err("This ballot was cancelled.".into()),
    }
}

/// The slack allowed on a notice period: a form's time was read a moment before
/// the check, so "15 days from now" typed into it must still count as 15 days.
pub const NOTICE_GRACE: Duration = Duration::minutes(1);

/// Why something that needs notice may not happen yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeShort {
    /// No notice was given: it can happen `notice_days` after a notice sent now.
    NotGiven,
    /// Notice was given, too recently: it can happen at `earliest` or later.
    Until {
        /// The earliest time the notice allows.
        earliest: DateTime<Utc>,
    },
}

/// Whether something of which members were told at `noticed_at` (a ballot's
/// opening, a meeting) may happen at `at` when the bylaws give `notice_days` days'
/// notice. No notice period (0 days) never refuses; otherwise the notice must have
/// been given, at least `notice_days` days before `at` (less [`NOTICE_GRACE`]).
pub fn notice_check(notice_days: u32, noticed_at: Option<DateTime<Utc>>, at: DateTime<Utc>) -> Result<(), NoticeShort> {
    if notice_days == 0 {
        return Ok(());
    }
    let Some(noticed_at) = noticed_at else {
        return Err(NoticeShort::NotGiven);
    };
    let earliest = noticed_at + Duration::days(i64::from(notice_days));
    if at + NOTICE_GRACE < earliest {
        return Err(NoticeShort::Until { earliest });
    }
    Ok(())
}

/// How a ballot ends when a secretary or board member asks to close it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// A meeting's ballot: the chair closes it during the meeting.
    ByTheChair,
    /// An online ballot whose closing time has come.
    AtItsTime,
    /// An online ballot before its closing time, when every member on the roll has
    /// voted: nobody is left to vote, so the result cannot change.
    EveryoneVoted,
    /// An online ballot before its closing time with members yet to vote: closing
    /// would take their vote away (and with few voters, reveal the others'); it can
    /// only be cancelled, with a reason, and then decides nothing.
    Early {
        /// Members on the roll who have voted.
        voted: u64,
        /// Members on the roll.
        roll: u64,
    },
}

/// How an open ballot in `mode`, due to close at `closes_at`, with `voted` of its
/// `roll` members having voted, ends if closed at `now`.
pub fn closing(mode: Mode, closes_at: Option<DateTime<Utc>>, now: DateTime<Utc>, voted: u64, roll: u64) -> Closing {
    match mode {
        Mode::Meeting => Closing::ByTheChair,
        Mode::Online if closes_at.is_none_or(|c| c <= now) => Closing::AtItsTime,
        Mode::Online if voted >= roll => Closing::EveryoneVoted,
        Mode::Online => Closing::Early { voted, roll },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn motion(threshold: Threshold, base: Base) -> Question {
        Question {
            title: "Approve the accounts".into(),
            text: String::new(),
            attachments: vec![],
            kind: QuestionKind::Motion {
                allow_abstain: true,
                threshold,
                base,
            },
        }
    }

    fn election(method: Method, seats: usize, names: &[&str]) -> Question {
        Question {
            title: "Board".into(),
            text: String::new(),
            attachments: vec![],
            kind: QuestionKind::Election {
                method,
                seats,
                max_choices: None,
                candidates: names
                    .iter()
                    .map(|n| Candidate {
                        name: n.to_string(),
                        statement: String::new(),
                        member_id: None,
                    })
                    .collect(),
            },
        }
    }

    fn counts(for_: u64, against: u64, abstain: u64) -> MotionCounts {
        MotionCounts { for_, against, abstain }
    }

    fn settings() -> Settings {
        Settings {
            mode: Mode::Online,
            secret: true,
            allow_change: true,
            quorum: Quorum::None,
            proxies: ProxyLimit::None,
        }
    }

    #[test]
    fn the_issue_example_17_for_8_against_meets_two_thirds() {
        let out = decide_motion(
            counts(17, 8, 3),
            Threshold::TwoThirds,
            Base::CastExcludingAbstentions,
            40,
            40,
            true,
        );
        assert_eq!(out.base_size, 25);
        assert_eq!(out.percent_for.as_deref(), Some("68.00"));
        assert!(out.threshold_met && out.carried);
    }

    #[test]
    fn exactly_two_thirds_is_enough_but_one_short_is_not() {
        let met = decide_motion(
            counts(20, 10, 0),
            Threshold::TwoThirds,
            Base::CastExcludingAbstentions,
            30,
            30,
            true,
        );
        assert!(met.threshold_met);
        assert_eq!(met.percent_for.as_deref(), Some("66.66"));
        let short = decide_motion(
            counts(19, 10, 0),
            Threshold::TwoThirds,
            Base::CastExcludingAbstentions,
            30,
            30,
            true,
        );
        assert!(!short.threshold_met);
    }

    #[test]
    fn absolute_majority_needs_more_than_half() {
        let half = decide_motion(counts(10, 5, 5), Threshold::Absolute, Base::AllPapers, 40, 40, true);
        assert_eq!(half.base_size, 20);
        assert!(!half.threshold_met, "10 of 20 is not more than half");
        let more = decide_motion(counts(11, 5, 4), Threshold::Absolute, Base::AllPapers, 40, 40, true);
        assert!(more.threshold_met);
    }

    #[test]
    fn simple_majority_is_more_for_than_against() {
        assert!(decide_motion(counts(3, 2, 50), Threshold::Simple, Base::AllPapers, 60, 60, true).threshold_met);
        assert!(!decide_motion(counts(2, 2, 0), Threshold::Simple, Base::AllPapers, 4, 4, true).threshold_met);
    }

    #[test]
    fn a_roll_base_counts_those_who_did_not_vote() {
        let out = decide_motion(counts(30, 0, 0), Threshold::ThreeQuarters, Base::Roll, 41, 41, true);
        assert_eq!(out.base_size, 41);
        assert!(!out.threshold_met, "30 of 41 is 73 %");
        assert!(decide_motion(counts(31, 0, 0), Threshold::ThreeQuarters, Base::Roll, 41, 41, true).threshold_met);
    }

    #[test]
    fn no_votes_never_pass_a_fraction() {
        let out = decide_motion(
            counts(0, 0, 4),
            Threshold::Custom {
                fraction: Fraction::new(1, 10).unwrap(),
            },
            Base::CastExcludingAbstentions,
            4,
            4,
            true,
        );
        assert!(!out.threshold_met);
        assert_eq!(out.percent_for, None);
    }

    #[test]
    fn without_quorum_nothing_is_carried() {
        let out = decide_motion(
            counts(9, 0, 0),
            Threshold::Simple,
            Base::CastExcludingAbstentions,
            100,
            100,
            false,
        );
        assert!(out.threshold_met && !out.carried);
    }

    #[test]
    fn quorum_rounds_up_to_whole_members() {
        let quarter = Quorum::Fraction {
            fraction: Fraction::new(1, 4).unwrap(),
        };
        assert_eq!(quarter.required(41), 11);
        assert_eq!(quarter.required(40), 10);
        assert_eq!(Quorum::Count { count: 12 }.required(5), 12);
        assert_eq!(Quorum::None.required(1000), 0);
    }

    #[test]
    fn proxy_limits() {
        assert_eq!(ProxyLimit::OnePer { members: 20 }.max_per_holder(45), 2);
        assert_eq!(ProxyLimit::OnePer { members: 20 }.max_per_holder(7), 1);
        assert_eq!(ProxyLimit::PerHolder { count: 2 }.max_per_holder(7), 2);
        assert!(check_proxy(ProxyLimit::None, 10, false, true, 0).is_err());
        assert!(check_proxy(ProxyLimit::PerHolder { count: 1 }, 10, true, true, 0).is_err());
        assert!(check_proxy(ProxyLimit::PerHolder { count: 1 }, 10, false, false, 0).is_err());
        assert!(check_proxy(ProxyLimit::PerHolder { count: 1 }, 10, false, true, 1).is_err());
        assert!(check_proxy(ProxyLimit::PerHolder { count: 1 }, 10, false, true, 0).is_ok());
    }

    #[test]
    fn settings_stay_within_the_parameters() {
        let params = BallotParameters {
            quorum: Quorum::Fraction {
                fraction: Fraction::new(1, 4).unwrap(),
            },
            threshold: Threshold::TwoThirds,
            base: Base::CastExcludingAbstentions,
            proxies: ProxyLimit::PerHolder { count: 1 },
            secret: true,
        };
        let mut s = settings();
        s.quorum = Quorum::Count { count: 10 };
        let questions = [motion(Threshold::TwoThirds, Base::AllPapers)];
        assert!(validate_ballot("AGM", "", &s, &questions, &params, 40).is_ok());
        s.quorum = Quorum::Count { count: 9 };
        let err = validate_ballot("AGM", "", &s, &questions, &params, 40).unwrap_err();
        assert_eq!(err.field().as_deref(), Some("quorum"));
        s.quorum = Quorum::Count { count: 10 };
        s.proxies = ProxyLimit::PerHolder { count: 2 };
        assert_eq!(
            validate_ballot("AGM", "", &s, &questions, &params, 40)
                .unwrap_err()
                .field()
                .as_deref(),
            Some("proxies")
        );
        s.proxies = ProxyLimit::None;
        let loose = [motion(Threshold::Absolute, Base::AllPapers)];
        assert_eq!(
            validate_ballot("AGM", "", &s, &loose, &params, 40)
                .unwrap_err()
                .field()
                .as_deref(),
            Some("questions[0].threshold")
        );
        let narrower_base = [motion(Threshold::ThreeQuarters, Base::CastExcludingAbstentions)];
        assert!(validate_ballot("AGM", "", &s, &narrower_base, &params, 40).is_ok());
    }

    #[test]
    fn simple_majority_parameters_accept_absolute_majority_but_not_the_reverse() {
        let simple = BallotParameters::default();
        let absolute = BallotParameters {
            threshold: Threshold::Absolute,
            base: Base::AllPapers,
            ..simple
        };
        let s = settings();
        assert!(validate_ballot("x", "", &s, &[motion(Threshold::Absolute, Base::AllPapers)], &simple, 9).is_ok());
        assert!(validate_ballot("x", "", &s, &[motion(Threshold::Simple, Base::AllPapers)], &absolute, 9).is_err());
    }

    #[test]
    fn bad_questions_name_their_field() {
        let s = settings();
        let p = BallotParameters::default();
        let cases: Vec<(Question, &str)> = vec![
            (election(Method::Irv, 2, &["A", "B", "C"]), "questions[0].seats"),
            (election(Method::ScottishStv, 4, &["A", "B", "C"]), "questions[0].seats"),
            (election(Method::Plurality, 1, &[]), "questions[0].candidates"),
            (
                election(Method::Plurality, 1, &["A", "a "]),
                "questions[0].candidates[1].name",
            ),
            (
                election(Method::Plurality, 1, &["A \"x\""]),
                "questions[0].candidates[0].name",
            ),
            (
                Question {
                    attachments: vec![Attachment {
                        label: "Accounts".into(),
                        url: "javascript:alert(1)".into(),
                    }],
                    ..motion(Threshold::Simple, Base::AllPapers)
                },
                "questions[0].attachments[0].url",
            ),
            (
                Question {
                    title: " ".into(),
                    ..motion(Threshold::Simple, Base::AllPapers)
                },
                "questions[0].title",
            ),
        ];
        // "A majority of the members": an absolute majority of the roll, never a simple one.
        let cases: Vec<_> = cases
            .into_iter()
            .chain([(motion(Threshold::Simple, Base::Roll), "questions[0].threshold")])
            .collect();
        assert!(validate_ballot("AGM", "", &s, &[motion(Threshold::Absolute, Base::Roll)], &p, 10).is_ok());
        for (q, field) in cases {
            let err = validate_ballot("AGM", "", &s, &[q], &p, 10).unwrap_err();
            assert_eq!(err.field().as_deref(), Some(field), "{err}");
        }
        assert_eq!(
            validate_ballot("", "", &s, &[], &p, 10).unwrap_err().field().as_deref(),
            Some("title")
        );
        assert_eq!(
            validate_ballot("t", "", &s, &[], &p, 10)
                .unwrap_err()
                .field()
                .as_deref(),
            Some("questions")
        );
    }

    #[test]
    fn answers_must_fit_their_questions() {
        let mut no_abstain = motion(Threshold::Simple, Base::AllPapers);
        if let QuestionKind::Motion { allow_abstain, .. } = &mut no_abstain.kind {
            *allow_abstain = false;
        }
        let qs = vec![no_abstain, election(Method::Approval, 2, &["A", "B", "C"])];
        let mut approval_limited = qs.clone();
        if let QuestionKind::Election { max_choices, .. } = &mut approval_limited[1].kind {
            *max_choices = Some(2);
        }
        assert!(validate_answers(&qs, &[Answer::For, Answer::Choices(vec![0, 2])]).is_ok());
        assert!(
            validate_answers(&qs, &[Answer::Against, Answer::Choices(vec![])]).is_ok(),
            "blank election paper"
        );
        let refused = [
            (vec![Answer::For], "answers"),
            (vec![Answer::Abstain, Answer::Choices(vec![0])], "answers[0]"),
            (vec![Answer::Choices(vec![0]), Answer::Choices(vec![0])], "answers[0]"),
            (vec![Answer::For, Answer::For], "answers[1]"),
            (vec![Answer::For, Answer::Choices(vec![3])], "answers[1]"),
            (vec![Answer::For, Answer::Choices(vec![1, 1])], "answers[1]"),
        ];
        for (answers, field) in refused {
            let err = validate_answers(&qs, &answers).unwrap_err();
            assert_eq!(err.field().as_deref(), Some(field), "{answers:?}: {err}");
        }
        let err = validate_answers(&approval_limited, &[Answer::For, Answer::Choices(vec![0, 1, 2])]).unwrap_err();
        assert_eq!(err.to_string(), "question 2: at most 2 choices are allowed");
    }

    #[test]
    fn a_ballot_counts_motions_and_elections_together() {
        let qs = vec![
            motion(Threshold::TwoThirds, Base::CastExcludingAbstentions),
            election(Method::Irv, 1, &["Ana", "Ben", "Cy"]),
        ];
        let paper = |w, a: Answer, c: Vec<usize>| CountedPaper {
            weight: w,
            answers: vec![a, Answer::Choices(c)],
        };
        let papers = vec![
            paper(1, Answer::For, vec![0]),
            paper(1, Answer::For, vec![1, 0]),
            paper(1, Answer::Against, vec![2, 1]),
            paper(3, Answer::For, vec![1]),
            paper(1, Answer::Abstain, vec![]),
        ];
        let result = count_ballot(&qs, &papers, 10, 7, None, Quorum::Count { count: 7 }, [7; 32]).unwrap();
        assert_eq!((result.papers, result.quorum_required, result.quorum_met), (7, 7, true));
        let QuestionResult::Motion(m) = &result.questions[0] else {
            panic!()
        };
        assert_eq!(m.counts, counts(5, 1, 1));
        assert!(m.carried);
        let QuestionResult::Election { count, valid } = &result.questions[1] else {
            panic!()
        };
        assert!(valid);
        assert_eq!(count.elected, vec!["Ben".to_string()]);
        assert_eq!(count.blank_papers, 1);
        let mut reversed = papers.clone();
        reversed.reverse();
        assert_eq!(
            count_ballot(&qs, &reversed, 10, 7, None, Quorum::Count { count: 7 }, [7; 32]).unwrap(),
            result
        );
    }

    #[test]
    fn receipts_are_grouped_base32_and_read_back_forgivingly() {
        let code = receipt_code([0xff; RECEIPT_BYTES]);
        assert_eq!(code, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        let zero = receipt_code([0; RECEIPT_BYTES]);
        assert_eq!(zero, "0000-0000-0000-0000-0000");
        let code = receipt_code([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5]);
        let canonical = normalise_receipt(&code).unwrap();
        assert_eq!(
            normalise_receipt(&code.to_lowercase().replace('-', " ")).unwrap(),
            canonical
        );
        assert_eq!(
            normalise_receipt("oooo-iiii-llll-0000-1111").unwrap(),
            "00001111111100001111"
        );
        assert_eq!(normalise_receipt("ZZZZ-ZZZZ"), None);
        assert_eq!(normalise_receipt("UUUU-ZZZZ-ZZZZ-ZZZZ-ZZZZ"), None);
        assert_eq!(receipt_hash("A").len(), 64);
    }

    #[test]
    fn a_participation_hashes_its_receipt_apart_from_the_paper() {
        // SHA-256("concord participation receipt v1" ‖ code) and SHA-256(code).
        assert_eq!(
            participation_receipt_hash("0123456789ABCDEFGHJK"),
            "8c4ad6a58f167ddde687da2d8a5f2e341bb16b9c377463c42dd30c96d902effa"
        );
        assert_eq!(
            receipt_hash("0123456789ABCDEFGHJK"),
            "a6b239e79989fa88083024f6fa3518b4f917667d90dc8408053fcf0cfc8cfb8a"
        );
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2027, 3, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn no_notice_period_never_refuses() {
        assert_eq!(notice_check(0, None, at(1, 9)), Ok(()));
    }

    #[test]
    fn a_notice_period_needs_the_notice_and_its_days() {
        assert_eq!(notice_check(15, None, at(20, 9)), Err(NoticeShort::NotGiven));
        assert_eq!(
            notice_check(15, Some(at(1, 9)), at(15, 9)),
            Err(NoticeShort::Until { earliest: at(16, 9) })
        );
        assert_eq!(notice_check(15, Some(at(1, 9)), at(16, 9)), Ok(()));
        // A minute early is the form's lag, not a short notice.
        assert_eq!(
            notice_check(15, Some(at(1, 9)), at(16, 9) - Duration::seconds(59)),
            Ok(())
        );
        assert!(notice_check(15, Some(at(1, 9)), at(16, 9) - Duration::minutes(2)).is_err());
    }

    #[test]
    fn an_online_ballot_closes_early_only_when_everyone_voted() {
        let closes = Some(at(20, 18));
        assert_eq!(
            closing(Mode::Online, closes, at(7, 9), 1, 8),
            Closing::Early { voted: 1, roll: 8 }
        );
        assert_eq!(closing(Mode::Online, closes, at(7, 9), 8, 8), Closing::EveryoneVoted);
        assert_eq!(closing(Mode::Online, closes, at(20, 18), 1, 8), Closing::AtItsTime);
        assert_eq!(closing(Mode::Meeting, closes, at(7, 9), 1, 8), Closing::ByTheChair);
    }

    #[test]
    fn steps_follow_the_life_of_a_ballot() {
        assert!(check_step(Status::Draft, Step::Open).is_ok());
        assert!(check_step(Status::Open, Step::Close).is_ok());
        assert!(check_step(Status::Open, Step::Open).is_err());
        assert!(check_step(Status::Closed, Step::Cancel).is_err());
        assert!(check_step(Status::Cancelled, Step::Open).is_err());
        assert!(check_step(Status::Open, Step::Edit).is_err());
    }

    /// `n` identical motion papers.
    fn papers_of(for_: u64, against: u64, abstain: u64) -> Vec<CountedPaper> {
        [
            (for_, Answer::For),
            (against, Answer::Against),
            (abstain, Answer::Abstain),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(weight, a)| CountedPaper {
            weight,
            answers: vec![a],
        })
        .collect()
    }

    fn motion_outcome(result: &BallotResult) -> &MotionOutcome {
        match &result.questions[0] {
            QuestionResult::Motion(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn roberts_rules_81_counted_41_to_40_carries_a_majority() {
        for (threshold, base) in [
            (Threshold::Simple, Base::CastExcludingAbstentions),
            (Threshold::Absolute, Base::CastExcludingAbstentions),
            (Threshold::Absolute, Base::AllPapers),
        ] {
            let out = decide_motion(counts(41, 40, 0), threshold, base, 81, 81, true);
            assert_eq!(out.base_size, 81, "{threshold:?} {base:?}");
            assert!(out.threshold_met && out.carried, "{threshold:?} {base:?}");
        }
        // One vote the other way and it is lost.
        assert!(
            !decide_motion(
                counts(40, 41, 0),
                Threshold::Simple,
                Base::CastExcludingAbstentions,
                81,
                81,
                true
            )
            .carried
        );
    }

    #[test]
    fn roberts_rules_60_present_30_15_15_fails_two_thirds_of_those_present_but_carries_a_majority_of_votes_cast() {
        let present = decide_motion(
            counts(30, 15, 15),
            Threshold::TwoThirds,
            Base::MembersPresent,
            81,
            60,
            true,
        );
        assert_eq!((present.base_size, present.percent_for.as_deref()), (60, Some("50.00")));
        assert!(!present.threshold_met && !present.carried);
        for threshold in [Threshold::Simple, Threshold::Absolute] {
            let cast = decide_motion(
                counts(30, 15, 15),
                threshold,
                Base::CastExcludingAbstentions,
                81,
                60,
                true,
            );
            assert_eq!(cast.base_size, 45);
            assert!(cast.carried, "{threshold:?}");
        }
    }

    #[test]
    fn roberts_rules_17_to_8_meets_two_thirds_of_votes_cast() {
        let out = decide_motion(
            counts(17, 8, 0),
            Threshold::TwoThirds,
            Base::CastExcludingAbstentions,
            81,
            60,
            true,
        );
        assert_eq!((out.base_size, out.percent_for.as_deref()), (25, Some("68.00")));
        assert!(out.carried);
        assert!(
            !decide_motion(
                counts(16, 9, 0),
                Threshold::TwoThirds,
                Base::CastExcludingAbstentions,
                81,
                60,
                true
            )
            .carried
        );
    }

    #[test]
    fn roberts_rules_60_present_quorum_21_and_20_voting_15_to_5_carries() {
        let qs = [motion(Threshold::Simple, Base::CastExcludingAbstentions)];
        let quorum = Quorum::Count { count: 21 };
        let papers = papers_of(15, 5, 0);
        let at_meeting = count_ballot(&qs, &papers, 81, 20, Some(60), quorum, [0; 32]).unwrap();
        assert_eq!(
            (
                at_meeting.present,
                at_meeting.participants,
                at_meeting.quorum_required,
                at_meeting.quorum_met
            ),
            (Some(60), 20, 21, true)
        );
        assert!(motion_outcome(&at_meeting).carried);
        // Online the quorum is measured on the voters: 20 of 21 is short.
        let online = count_ballot(&qs, &papers, 81, 20, None, quorum, [0; 32]).unwrap();
        assert_eq!((online.present, online.quorum_met), (None, false));
        assert!(!motion_outcome(&online).carried);
    }

    #[test]
    fn roberts_rules_60_present_50_papers_38_for_loses_and_41_carries_two_thirds_of_those_present() {
        let qs = [motion(Threshold::TwoThirds, Base::MembersPresent)];
        let quorum = Quorum::Count { count: 21 };
        let lost = count_ballot(&qs, &papers_of(38, 10, 2), 81, 50, Some(60), quorum, [0; 32]).unwrap();
        let m = motion_outcome(&lost);
        assert_eq!(
            (m.base_size, m.percent_for.as_deref(), m.carried),
            (60, Some("63.33"), false)
        );
        let carried = count_ballot(&qs, &papers_of(41, 7, 2), 81, 50, Some(60), quorum, [0; 32]).unwrap();
        let m = motion_outcome(&carried);
        assert_eq!(
            (m.base_size, m.percent_for.as_deref(), m.carried),
            (60, Some("68.33"), true)
        );
        // Finding 6: none of the other bases gives both answers.
        for base in [Base::CastExcludingAbstentions, Base::AllPapers, Base::Roll] {
            let at = |f: u64, a: u64| decide_motion(counts(f, a, 2), Threshold::TwoThirds, base, 81, 60, true).carried;
            assert!(at(38, 10) || !at(41, 7), "{base:?}");
        }
    }

    #[test]
    fn members_present_is_for_meetings_and_needs_more_than_a_simple_majority() {
        let p = BallotParameters::default();
        let meeting = Settings {
            mode: Mode::Meeting,
            ..settings()
        };
        let two_thirds_present = [motion(Threshold::TwoThirds, Base::MembersPresent)];
        assert!(validate_ballot("AGM", "", &meeting, &two_thirds_present, &p, 81).is_ok());
        let online = validate_ballot("AGM", "", &settings(), &two_thirds_present, &p, 81).unwrap_err();
        assert_eq!(online.field().as_deref(), Some("questions[0].base"));
        assert!(online.to_string().contains("counted at a meeting"), "{online}");
        let simple = validate_ballot(
            "AGM",
            "",
            &meeting,
            &[motion(Threshold::Simple, Base::MembersPresent)],
            &p,
            81,
        )
        .unwrap_err();
        assert_eq!(simple.field().as_deref(), Some("questions[0].threshold"));
        assert!(simple.to_string().contains("the members present"), "{simple}");
        assert!(validate_ballot(
            "AGM",
            "",
            &meeting,
            &[motion(Threshold::Absolute, Base::MembersPresent)],
            &p,
            81
        )
        .is_ok());
    }

    #[test]
    fn members_present_lies_between_the_papers_and_the_roll_in_strictness() {
        let rule = |threshold, base| BallotParameters {
            threshold,
            base,
            ..BallotParameters::default()
        };
        let meeting = Settings {
            mode: Mode::Meeting,
            ..settings()
        };
        let check = |params: &BallotParameters, base| {
            validate_ballot("AGM", "", &meeting, &[motion(Threshold::TwoThirds, base)], params, 81).is_ok()
        };
        // The bylaws ask two thirds of the votes cast: two thirds of those present is more.
        let cast = rule(Threshold::TwoThirds, Base::CastExcludingAbstentions);
        assert!(check(&cast, Base::MembersPresent));
        // They ask two thirds of those present: of the papers is less, of the roll more.
        let present = rule(Threshold::TwoThirds, Base::MembersPresent);
        assert!(!check(&present, Base::AllPapers));
        assert!(!check(&present, Base::CastExcludingAbstentions));
        assert!(check(&present, Base::MembersPresent));
        assert!(check(&present, Base::Roll));
        // So an online ballot under such bylaws measures two thirds of the roll.
        let online = [motion(Threshold::TwoThirds, Base::Roll)];
        assert!(validate_ballot("x", "", &settings(), &online, &present, 81).is_ok());
    }

    #[test]
    fn an_online_result_is_stored_as_before_and_old_results_read_without_attendance() {
        let qs = [motion(Threshold::Simple, Base::CastExcludingAbstentions)];
        let online = count_ballot(&qs, &papers_of(3, 1, 0), 10, 4, None, Quorum::None, [0; 32]).unwrap();
        let json = serde_json::to_value(&online).unwrap();
        assert!(json.get("present").is_none(), "{json}");
        let read: BallotResult = serde_json::from_value(json).unwrap();
        assert_eq!(read, online);
        let meeting = count_ballot(&qs, &papers_of(3, 1, 0), 10, 4, Some(7), Quorum::None, [0; 32]).unwrap();
        assert_eq!(serde_json::to_value(&meeting).unwrap()["present"], 7);
        assert_eq!(serde_json::to_value(Base::MembersPresent).unwrap(), "members_present");
    }

    #[test]
    fn a_decision_is_taken_by_a_carried_first_motion_of_a_ballot_opened_for_its_kind() {
        // Robert's Rules: 60 present with a quorum of 21, 20 voting 15 to 5, carries.
        let qs = [motion(Threshold::Simple, Base::CastExcludingAbstentions)];
        let papers = papers_of(15, 5, 0);
        let carried = count_ballot(&qs, &papers, 81, 20, Some(60), Quorum::Count { count: 21 }, [0; 32]).unwrap();
        assert!(takes_decision(true, &carried));
        // A ballot opened for another kind of decision decides nothing of this one.
        assert!(!takes_decision(false, &carried));
        // The same votes online measure the quorum on the 20 voters: short of 21.
        let short = count_ballot(&qs, &papers, 81, 20, None, Quorum::Count { count: 21 }, [0; 32]).unwrap();
        assert!(!short.quorum_met);
        assert!(!takes_decision(true, &short));
        // 17 to 8 meets two-thirds of the votes cast; 16 to 9 does not.
        let two_thirds = [motion(Threshold::TwoThirds, Base::CastExcludingAbstentions)];
        let met = count_ballot(&two_thirds, &papers_of(17, 8, 0), 81, 25, None, Quorum::None, [0; 32]).unwrap();
        assert!(takes_decision(true, &met));
        let missed = count_ballot(&two_thirds, &papers_of(16, 9, 0), 81, 25, None, Quorum::None, [0; 32]).unwrap();
        assert!(!takes_decision(true, &missed));
        // 60 present and 50 papers: 41 for carries two-thirds of those present, 38 loses.
        let present = [motion(Threshold::TwoThirds, Base::MembersPresent)];
        let quorum = Quorum::Count { count: 21 };
        let won = count_ballot(&present, &papers_of(41, 7, 2), 81, 50, Some(60), quorum, [0; 32]).unwrap();
        assert!(takes_decision(true, &won));
        let lost = count_ballot(&present, &papers_of(38, 10, 2), 81, 50, Some(60), quorum, [0; 32]).unwrap();
        assert!(!takes_decision(true, &lost));
    }

    #[test]
    fn an_election_first_takes_no_decision_even_when_a_motion_after_it_carries() {
        let qs = [
            election(Method::Plurality, 1, &["Ada", "Bo"]),
            motion(Threshold::Simple, Base::CastExcludingAbstentions),
        ];
        let papers = vec![CountedPaper {
            weight: 3,
            answers: vec![Answer::Choices(vec![0]), Answer::For],
        }];
        let result = count_ballot(&qs, &papers, 3, 3, None, Quorum::None, [0; 32]).unwrap();
        assert!(matches!(&result.questions[1], QuestionResult::Motion(m) if m.carried));
        assert!(!takes_decision(true, &result));
    }

    fn any_fraction() -> impl Strategy<Value = Fraction> {
        (1u32..=12, 1u32..=12).prop_filter_map("a fraction in (0, 1]", |(n, d)| Fraction::new(n, d).ok())
    }

    fn any_quorum() -> impl Strategy<Value = Quorum> {
        prop_oneof![
            Just(Quorum::None),
            (0u32..=70).prop_map(|count| Quorum::Count { count }),
            any_fraction().prop_map(|fraction| Quorum::Fraction { fraction }),
        ]
    }

    fn any_threshold() -> impl Strategy<Value = Threshold> {
        prop_oneof![
            Just(Threshold::Simple),
            Just(Threshold::Absolute),
            Just(Threshold::TwoThirds),
            Just(Threshold::ThreeQuarters),
            any_fraction().prop_map(|fraction| Threshold::Custom { fraction }),
        ]
    }

    fn any_base() -> impl Strategy<Value = Base> {
        prop_oneof![
            Just(Base::CastExcludingAbstentions),
            Just(Base::AllPapers),
            Just(Base::MembersPresent),
            Just(Base::Roll),
        ]
    }

    /// Whether the bylaws' rule itself is met, in integers only and written apart from
    /// the code under test: the quorum on those taking part (the members present at a
    /// meeting, the voters online) and the votes for against the threshold's base.
    fn bylaws_rule_met(rule: &BallotParameters, roll: u64, taking_part: u64, votes: (u64, u64, u64)) -> bool {
        let (for_, against, abstain) = votes;
        let needed = match rule.quorum {
            Quorum::None => 0,
            Quorum::Count { count } => u64::from(count),
            Quorum::Fraction { fraction } => {
                let (n, d) = (u64::from(fraction.numerator), u64::from(fraction.denominator));
                (roll * n).div_ceil(d)
            }
        };
        let base = match rule.base {
            Base::CastExcludingAbstentions => for_ + against,
            Base::AllPapers => for_ + against + abstain,
            Base::MembersPresent => taking_part,
            Base::Roll => roll,
        };
        let majority = match rule.threshold {
            Threshold::Simple => for_ > against,
            Threshold::Absolute => 2 * for_ > base,
            Threshold::TwoThirds => 3 * for_ >= 2 * base,
            Threshold::ThreeQuarters => 4 * for_ >= 3 * base,
            Threshold::Custom { fraction } => {
                u64::from(fraction.denominator) * for_ >= u64::from(fraction.numerator) * base
            }
        };
        // However the bar is drawn, nothing is decided without a single vote for it.
        taking_part >= needed && majority && for_ > 0
    }

    proptest! {
        #[test]
        fn motion_results_do_not_depend_on_paper_order(
            answers in proptest::collection::vec((1u64..4, 0u8..3), 0..40),
            seed in any::<u64>(),
        ) {
            let qs = vec![motion(Threshold::Absolute, Base::AllPapers)];
            let papers: Vec<CountedPaper> = answers.iter().map(|(w, a)| CountedPaper {
                weight: *w,
                answers: vec![match a { 0 => Answer::For, 1 => Answer::Against, _ => Answer::Abstain }],
            }).collect();
            let mut shuffled = papers.clone();
            let n = shuffled.len();
            if n > 1 {
                for i in 0..n {
                    shuffled.swap(i, (seed as usize).wrapping_mul(i + 7) % n);
                }
            }
            let a = count_ballot(&qs, &papers, 100, 50, None, Quorum::None, [0; 32]).unwrap();
            let b = count_ballot(&qs, &shuffled, 100, 50, None, Quorum::None, [0; 32]).unwrap();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn fraction_thresholds_agree_with_exact_arithmetic(f in 0u64..200, ag in 0u64..200, n in 1u32..10, d in 1u32..10) {
            prop_assume!(n <= d);
            let fraction = Fraction::new(n, d).unwrap();
            let out = decide_motion(counts(f, ag, 0), Threshold::Custom { fraction }, Base::CastExcludingAbstentions, 1000, 1000, true);
            let expected = f > 0 && f * u64::from(d) >= (f + ag) * u64::from(n);
            prop_assert_eq!(out.threshold_met, expected);
        }

        #[test]
        fn at_a_meeting_the_quorum_follows_presence_never_the_number_of_voters(
            present in 0u64..200, voters in 0u64..200, count in 1u32..200,
        ) {
            let voters = voters.min(present);
            let qs = [motion(Threshold::TwoThirds, Base::MembersPresent)];
            let papers = papers_of(voters, 0, 0);
            let result = count_ballot(&qs, &papers, 200, voters, Some(present), Quorum::Count { count }, [0; 32]).unwrap();
            prop_assert_eq!(result.quorum_met, present >= u64::from(count));
            let m = motion_outcome(&result);
            prop_assert_eq!(m.base_size, present);
            prop_assert_eq!(m.threshold_met, voters > 0 && voters * 3 >= present * 2);
        }

        /// Issue 19: over random bylaws rules, ballots the opening accepts under them and
        /// random electorates, a ballot takes its decision only when the bylaws' rule in
        /// force at the opening was met, and never for a kind it was not opened for.
        #[test]
        fn no_decision_is_taken_unless_the_bylaws_rule_in_force_at_the_opening_is_met(
            rule in (any_quorum(), any_threshold(), any_base()),
            ballot in (any::<bool>(), any_quorum(), any_threshold(), any_base()),
            electorate in (0u64..=60, any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>()),
            election_first in proptest::bool::weighted(0.1),
            opened_for_that_kind in proptest::bool::weighted(0.8),
        ) {
            let rule = BallotParameters {
                quorum: rule.0,
                threshold: rule.1,
                base: rule.2,
                ..BallotParameters::default()
            };
            let (meeting, quorum, threshold, base) = ballot;
            let (roll, present, voters, for_, against) = electorate;
            let mode = if meeting { Mode::Meeting } else { Mode::Online };
            // Everyone voting is present, and everyone present is on the roll.
            let present = present % (roll + 1);
            let voters = voters % (if meeting { present } else { roll } + 1);
            let for_ = for_ % (voters + 1);
            let against = against % (voters - for_ + 1);
            let abstain = voters - for_ - against;
            let questions_with = |threshold, base| {
                let mut qs = vec![motion(threshold, base)];
                if election_first {
                    qs.insert(0, election(Method::Plurality, 1, &["Ada", "Bo"]));
                }
                qs
            };
            let accepted = |quorum, threshold, base| {
                let settings = Settings { mode, quorum, ..settings() };
                validate_ballot("Decide", "", &settings, &questions_with(threshold, base), &rule, roll)
                    .is_ok()
                    .then_some(settings)
            };
            // A ballot the opening refuses never counts: it falls back to the bylaws' own
            // rule, as the page proposes it (a "majority of the members" is an absolute
            // one; online, the members present are the whole roll).
            let (settings, threshold, base) = match accepted(quorum, threshold, base) {
                Some(s) => (s, threshold, base),
                None => {
                    let base = if rule.base == Base::MembersPresent && !meeting { Base::Roll } else { rule.base };
                    let threshold = if rule.threshold == Threshold::Simple && matches!(base, Base::Roll | Base::MembersPresent) {
                        Threshold::Absolute
                    } else {
                        rule.threshold
                    };
                    let s = accepted(rule.quorum, threshold, base);
                    prop_assert!(s.is_some(), "the bylaws' own rule is refused: {rule:?} {mode:?}");
                    (s.unwrap(), threshold, base)
                }
            };
            let papers: Vec<CountedPaper> = [(for_, Answer::For), (against, Answer::Against), (abstain, Answer::Abstain)]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(weight, answer)| CountedPaper {
                    weight,
                    answers: if election_first { vec![Answer::Choices(vec![0]), answer] } else { vec![answer] },
                })
                .collect();
            let result = count_ballot(
                &questions_with(threshold, base),
                &papers,
                roll,
                voters,
                meeting.then_some(present),
                settings.quorum,
                [7; 32],
            )
            .unwrap();
            let taken = takes_decision(opened_for_that_kind, &result);
            let taking_part = if meeting { present } else { voters };
            let met = bylaws_rule_met(&rule, roll, taking_part, (for_, against, abstain));
            if taken {
                prop_assert!(opened_for_that_kind && !election_first);
                prop_assert!(met, "{rule:?} {settings:?} {threshold:?} {base:?} {result:?}");
            }
            // And the gate is not simply shut: a ballot held under exactly the bylaws'
            // rule takes the decision whenever that rule is met.
            if opened_for_that_kind && !election_first && settings.quorum == rule.quorum
                && (threshold, base) == (rule.threshold, rule.base)
            {
                prop_assert_eq!(taken, met);
            }
        }

        #[test]
        fn receipts_round_trip(bytes in any::<[u8; RECEIPT_BYTES]>()) {
            let code = receipt_code(bytes);
            prop_assert_eq!(code.len(), 24);
            prop_assert_eq!(normalise_receipt(&code).unwrap(), code.replace('-', ""));
        }
    }
}
