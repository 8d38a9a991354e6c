#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod approval;
pub mod blt;
pub mod irv;
pub mod meek;
pub mod plurality;
pub mod stv;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::str::FromStr;

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

/// Index of a candidate in [`Election::candidates`] (0-based; BLT files use 1-based numbers).
pub type CandidateId = usize;

/// The most candidates a count accepts. A generous bound that keeps every
/// per-candidate table small, whatever a ballot file claims.
pub const MAX_CANDIDATES: usize = 10_000;

/// One ballot paper, or a group of identical papers.
///
/// `ranking` lists candidates in order of preference for ranked methods
/// (IRV, STV, Meek), the single mark for plurality, or the set of approved
/// candidates for approval voting. An empty `ranking` is a blank paper: it is
/// counted as blank, not as an error, and is not part of the valid vote.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Paper {
    /// How many identical papers this entry stands for (grouping identical
    /// papers keeps large counts fast; a weight of 0 is ignored).
    pub weight: u64,
    /// Candidates in order of preference (or the marked candidates).
    pub ranking: Vec<CandidateId>,
}

impl Paper {
    /// One paper with the given preferences.
    pub fn new(ranking: Vec<CandidateId>) -> Self {
        Self { weight: 1, ranking }
    }

    /// `weight` identical papers with the given preferences.
    pub fn grouped(weight: u64, ranking: Vec<CandidateId>) -> Self {
        Self { weight, ranking }
    }
}

/// Everything a count needs: the candidates, the seats and the papers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    /// Title of the election (the last line of a BLT file).
    pub title: String,
    /// Candidates' names; a candidate's index in this list is its [`CandidateId`].
    pub candidates: Vec<String>,
    /// Number of seats to fill (1 for a single-winner election).
    pub seats: usize,
    /// Candidates who withdrew before the count: they are skipped on every
    /// paper, as if their name had not been marked.
    pub withdrawn: BTreeSet<CandidateId>,
    /// The papers cast.
    pub papers: Vec<Paper>,
    /// The most choices a paper may mark (approvals for approval voting,
    /// preferences for ranked methods); `None` means no limit. Plurality
    /// always allows exactly one mark.
    pub max_choices: Option<usize>,
}

/// The counting method to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// One mark per paper; the candidates with the most votes take the seats.
    Plurality,
    /// Any number of marks (up to [`Election::max_choices`]); the most-approved take the seats.
    Approval,
    /// Instant-runoff voting: one seat, ranked papers.
    Irv,
    /// Single transferable vote under the Scottish rules (SSI 2007/42), the default STV.
    ScottishStv,
    /// Single transferable vote by Meek's method (Hill, Wichmann & Woodall 1987).
    Meek,
}

impl Method {
    /// Every method, in the order shown to users.
    pub const ALL: [Method; 5] = [
        Method::Plurality,
        Method::Approval,
        Method::Irv,
        Method::ScottishStv,
        Method::Meek,
    ];

    /// The short name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Method::Plurality => "plurality",
            Method::Approval => "approval",
            Method::Irv => "irv",
            Method::ScottishStv => "scottish_stv",
            Method::Meek => "meek",
        }
    }

    /// Whether the method reads the order of the marks on a paper.
    pub fn is_ranked(self) -> bool {
        matches!(self, Method::Irv | Method::ScottishStv | Method::Meek)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = TallyError;

    /// Accepts the JSON names and a few common spellings
    /// (`stv`, `scottish-stv`, `fptp`, `meek-stv`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "plurality" | "fptp" => Ok(Method::Plurality),
            "approval" => Ok(Method::Approval),
            "irv" | "instant_runoff" | "alternative_vote" | "av" => Ok(Method::Irv),
            "stv" | "scottish_stv" | "scottish" => Ok(Method::ScottishStv),
            "meek" | "meek_stv" => Ok(Method::Meek),
            _ => Err(TallyError::UnknownMethod { name: s.to_string() }),
        }
    }
}

/// Why a count could not be made. Every variant is a problem with the input;
/// counting itself never fails on valid input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum TallyError {
    /// The election has no seat to fill.
    #[error("the election must fill at least one seat")]
    NoSeats,
    /// The election lists no candidate, or more than [`MAX_CANDIDATES`].
    #[error("the election must have between 1 and {max} candidates, not {count}")]
    CandidateCount {
        /// Candidates listed.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The method elects exactly one candidate (IRV) but more seats were asked.
    #[error("{method} fills exactly one seat, but {seats} seats were asked for")]
    SingleSeatMethod {
        /// The method.
        method: Method,
        /// Seats asked for.
        seats: usize,
    },
    /// A withdrawn candidate is not on the list of candidates.
    #[error("withdrawn candidate number {candidate} does not exist")]
    UnknownWithdrawn {
        /// The 0-based index given.
        candidate: CandidateId,
    },
    /// A paper names a candidate that does not exist.
    #[error("paper {paper}: candidate number {candidate} does not exist (there are {count} candidates)")]
    UnknownCandidate {
        /// Index of the paper (group) in [`Election::papers`].
        paper: usize,
        /// The 0-based index found on the paper.
        candidate: CandidateId,
        /// Number of candidates.
        count: usize,
    },
    /// A paper names the same candidate twice.
    #[error("paper {paper}: candidate number {candidate} is marked more than once")]
    DuplicateCandidate {
        /// Index of the paper (group).
        paper: usize,
        /// The repeated candidate.
        candidate: CandidateId,
    },
    /// A paper marks more candidates than allowed (two marks on a plurality
    /// paper, too many approvals, too many preferences).
    #[error("paper {paper}: {choices} choices marked, at most {max} allowed")]
    TooManyChoices {
        /// Index of the paper (group).
        paper: usize,
        /// Choices marked.
        choices: usize,
        /// Choices allowed.
        max: usize,
    },
    /// The papers' weights add up to more than 2^63 − 1.
    #[error("the papers' weights add up to more than the counter can hold")]
    TooManyPapers,
    /// A method name was not recognised.
    #[error("unknown counting method {name:?} (expected plurality, approval, irv, stv or meek)")]
    UnknownMethod {
        /// The name given.
        name: String,
    },
}

/// A vote total as an exact fixed-point number: `units / 10^decimals`.
///
/// Serialised as a decimal string (`"41.71414"`) so that no JSON reader turns
/// it into a binary float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Votes {
    units: i128,
    decimals: u8,
}

impl Votes {
    /// A value of `units / 10^decimals`.
    pub const fn new(units: i128, decimals: u8) -> Self {
        Self { units, decimals }
    }

    /// Zero at the given precision.
    pub const fn zero(decimals: u8) -> Self {
        Self { units: 0, decimals }
    }

    /// The integer count of the smallest unit (`10^-decimals`).
    pub const fn units(self) -> i128 {
        self.units
    }

    /// Number of decimal places.
    pub const fn decimals(self) -> u8 {
        self.decimals
    }
}

impl fmt::Display for Votes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.decimals == 0 {
            self.units.to_string()
        } else {
            let scale = 10u128.pow(u32::from(self.decimals));
            let abs = self.units.unsigned_abs();
            let sign = if self.units < 0 { "-" } else { "" };
            format!(
                "{sign}{}.{:0width$}",
                abs / scale,
                abs % scale,
                width = usize::from(self.decimals)
            )
        };
        f.pad(&s)
    }
}

impl<'de> Deserialize<'de> for Votes {
    /// Reads the decimal string [`Serialize`] writes, keeping its number of decimals.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let invalid = || serde::de::Error::custom(format!("{text:?} is not a vote figure"));
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit())
            || fraction.len() > 18
        {
            return Err(invalid());
        }
        let units: i128 = format!("{whole}{fraction}").parse().map_err(|_| invalid())?;
        Ok(Votes::new(if negative { -units } else { units }, fraction.len() as u8))
    }
}

impl Serialize for Votes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What happened in a round (a "stage" in the Scottish rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The single count of a one-round method (plurality, approval).
    Count,
    /// First preferences are counted.
    FirstPreferences,
    /// The surplus of an elected candidate is transferred.
    SurplusTransfer {
        /// Candidate whose surplus moves.
        candidate: CandidateId,
        /// The surplus transferred.
        surplus: Votes,
        /// Transfer value applied to papers of each incoming value.
        transfer_values: Vec<TransferValue>,
    },
    /// A candidate is excluded and their papers are transferred.
    Exclusion {
        /// The excluded candidate.
        candidate: CandidateId,
    },
    /// A Meek round: keep values iterated until the surpluses settle.
    MeekIteration {
        /// Iterations run in this round.
        iterations: u32,
        /// Each candidate's keep value at the end of the round (0 for excluded).
        keep_values: Vec<Votes>,
        /// Sum of the elected candidates' surpluses when the iteration stopped.
        total_surplus: Votes,
    },
}

/// The transfer value given to papers that reached the transferring candidate
/// at `paper_value` (Scottish rule 48(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferValue {
    /// Value of the papers when received by the transferring candidate.
    pub paper_value: Votes,
    /// Value at which they move on.
    pub transfer_value: Votes,
}

/// Why a candidate was elected or excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Votes reached the quota.
    ReachedQuota,
    /// More than half of the continuing votes (IRV).
    Majority,
    /// Among the most votes in a one-round count.
    MostVotes,
    /// As many continuing candidates as seats left (Scottish rule 52).
    FilledLastSeats,
    /// The last candidate left standing (IRV).
    LastCandidate,
    /// The lowest vote among continuing candidates.
    LowestVote,
}

impl Reason {
    /// A plain-English explanation.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::ReachedQuota => "reached the quota",
            Reason::Majority => "more than half of the continuing votes",
            Reason::MostVotes => "among the most votes",
            Reason::FilledLastSeats => "as many candidates left as seats to fill",
            Reason::LastCandidate => "last candidate left",
            Reason::LowestVote => "lowest vote",
        }
    }
}

/// A candidate elected or excluded, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The candidate.
    pub candidate: CandidateId,
    /// Why.
    pub reason: Reason,
}

/// What a tie was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiePurpose {
    /// Which of the lowest candidates to exclude.
    Exclusion,
    /// Whose equal surplus to transfer first.
    SurplusOrder,
    /// Who takes the last seats in a one-round count.
    LastSeats,
}

/// How a tie was resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum TieResolution {
    /// By the counts at the most recent earlier round where they differed.
    EarlierRound {
        /// The round (1-based) whose counts decided.
        round: usize,
    },
    /// By lot drawn from the published seed.
    Lot {
        /// The candidates in the lot (still equal after looking back).
        among: Vec<CandidateId>,
    },
}

/// A tie met during the count and its resolution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    /// What the tie decided.
    pub purpose: TiePurpose,
    /// The candidates with equal votes.
    pub candidates: Vec<CandidateId>,
    /// How it was resolved.
    pub resolved_by: TieResolution,
    /// The candidate(s) chosen (to exclude, to go first, or to take the seats).
    pub chosen: Vec<CandidateId>,
}

/// One round (stage) of a count, with its figures after the round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Round number, from 1.
    pub number: usize,
    /// What was done.
    pub action: Action,
    /// Each candidate's votes at the end of the round (index = [`CandidateId`]).
    pub counts: Vec<Votes>,
    /// Each candidate's change in this round (negative for the transferring candidate).
    pub transfers: Vec<Votes>,
    /// Total value of non-transferable (exhausted) papers so far.
    pub exhausted: Votes,
    /// Value that became non-transferable in this round.
    pub exhausted_change: Votes,
    /// Total value lost by truncating transfer values so far (Scottish STV).
    pub lost_to_truncation: Votes,
    /// The quota, where the method has one.
    pub quota: Option<Votes>,
    /// Candidates elected at the end of this round, in order.
    pub elected: Vec<Decision>,
    /// Candidates excluded in this round.
    pub excluded: Vec<Decision>,
    /// Ties met in this round.
    pub ties: Vec<Tie>,
    /// Whether a lot decided anything in this round.
    pub lot_drawn: bool,
}

/// The outcome of a count, with every round.
///
/// Serialises to the JSON printed by `concord tally --json`: `method`,
/// `rule`, `seats`, `elected` (names in order of election), `rounds` and
/// `tie_broken_by_lot`, plus the supporting figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyResult {
    /// The method applied.
    pub method: Method,
    /// Human name of the rule applied, e.g. "Scottish STV (SSI 2007/42)".
    pub rule: String,
    /// Seats to fill.
    pub seats: usize,
    /// Candidates' names, in ballot order (index = [`CandidateId`]).
    pub candidates: Vec<String>,
    /// Names of the elected candidates, in order of election.
    pub elected: Vec<String>,
    /// Indexes of the elected candidates, in order of election.
    pub elected_ids: Vec<CandidateId>,
    /// Number of decimal places of every vote figure in the rounds.
    pub decimals: u8,
    /// Papers with at least one valid mark (sum of weights).
    pub valid_papers: u64,
    /// Blank papers, and papers that marked only withdrawn candidates.
    pub blank_papers: u64,
    /// Every round, in order.
    pub rounds: Vec<Round>,
    /// True when any decision of the count was made by lot.
    pub tie_broken_by_lot: bool,
}

/// Counts an election with `method`; the only entry point.
///
/// `seed` feeds the ChaCha20 generator used for lots; it must be fixed and
/// published before the papers are known, so that nobody can choose it to
/// favour a candidate. The result does not depend on the order of
/// `election.papers`.
pub fn count(method: Method, election: &Election, seed: [u8; 32]) -> Result<TallyResult, TallyError> {
    validate(method, election)?;
    let prepared = Prepared::new(election);
    let mut ctx = Context::new(election, &prepared, seed);
    let (rule, decimals) = match method {
        Method::Plurality => (plurality::RULE, plurality::count(&mut ctx)),
        Method::Approval => (approval::RULE, approval::count(&mut ctx)),
        Method::Irv => (irv::RULE, irv::count(&mut ctx)),
        Method::ScottishStv => (stv::RULE, stv::count(&mut ctx)),
        Method::Meek => (meek::RULE, meek::count(&mut ctx)),
    };
    let elected_ids = ctx.elected.clone();
    Ok(TallyResult {
        method,
        rule: rule.to_string(),
        seats: election.seats,
        candidates: election.candidates.clone(),
        elected: elected_ids.iter().map(|&c| election.candidates[c].clone()).collect(),
        elected_ids,
        decimals,
        valid_papers: prepared.valid,
        blank_papers: prepared.blank,
        tie_broken_by_lot: ctx.rounds.iter().any(|r| r.lot_drawn),
        rounds: ctx.rounds,
    })
}

/// Checks an election before counting; the server calls it when a paper is
/// cast so that a bad paper is refused at once rather than at the count.
///
/// Refuses unknown candidates, a candidate marked twice, and more marks than
/// the method allows. A blank paper (empty ranking) is accepted: it is counted
/// as blank.
pub fn validate(method: Method, election: &Election) -> Result<(), TallyError> {
    if election.seats == 0 {
        return Err(TallyError::NoSeats);
    }
    let n = election.candidates.len();
    if n == 0 || n > MAX_CANDIDATES {
        return Err(TallyError::CandidateCount {
            count: n,
            max: MAX_CANDIDATES,
        });
    }
    if method == Method::Irv && election.seats != 1 {
        return Err(TallyError::SingleSeatMethod {
            method,
            seats: election.seats,
        });
    }
    if let Some(&c) = election.withdrawn.iter().find(|&&c| c >= n) {
        return Err(TallyError::UnknownWithdrawn { candidate: c });
    }
    let max = match method {
        Method::Plurality => Some(1),
        _ => election.max_choices,
    };
    let mut total: u64 = 0;
    let mut seen = vec![false; n];
    for (i, paper) in election.papers.iter().enumerate() {
        validate_paper_with(i, paper, n, max, &mut seen)?;
        total = total
            .checked_add(paper.weight)
            .filter(|&t| t <= i64::MAX as u64)
            .ok_or(TallyError::TooManyPapers)?;
    }
    Ok(())
}

/// Checks one paper against the election (the same checks as [`validate`]);
/// `index` is only used to label the error.
pub fn validate_paper(method: Method, election: &Election, index: usize, paper: &Paper) -> Result<(), TallyError> {
    let n = election.candidates.len();
    let max = match method {
        Method::Plurality => Some(1),
        _ => election.max_choices,
    };
    let mut seen = vec![false; n];
    validate_paper_with(index, paper, n, max, &mut seen)
}

fn validate_paper_with(
    index: usize,
    paper: &Paper,
    n: usize,
    max: Option<usize>,
    seen: &mut [bool],
) -> Result<(), TallyError> {
    let mut result = Ok(());
    for &c in &paper.ranking {
        if c >= n {
            result = Err(TallyError::UnknownCandidate {
                paper: index,
                candidate: c,
                count: n,
            });
            break;
        }
        if seen[c] {
            result = Err(TallyError::DuplicateCandidate {
                paper: index,
                candidate: c,
            });
            break;
        }
        seen[c] = true;
    }
    for &c in &paper.ranking {
        if c < n {
            seen[c] = false;
        }
    }
    result?;
    if let Some(max) = max {
        if paper.ranking.len() > max {
            return Err(TallyError::TooManyChoices {
                paper: index,
                choices: paper.ranking.len(),
                max,
            });
        }
    }
    Ok(())
}

/// Papers ready to count: withdrawn candidates removed, blank papers set
/// aside, identical rankings grouped and sorted so that nothing depends on
/// the order in which papers were given.
pub(crate) struct Prepared {
    /// All rankings, one after another.
    pub prefs: Vec<u32>,
    /// `prefs[starts[g]..starts[g + 1]]` is group `g`'s ranking.
    pub starts: Vec<usize>,
    /// Number of papers in each group.
    pub weights: Vec<u64>,
    /// Sum of weights of non-blank papers.
    pub valid: u64,
    /// Sum of weights of blank papers.
    pub blank: u64,
}

impl Prepared {
    fn new(election: &Election) -> Self {
        const NONE: u32 = u32::MAX;
        // Group identical rankings without one allocation per group: rankings
        // live one after another in `arena`; `heads` maps a ranking's hash to
        // the newest group with that hash and `chain` links older ones. The
        // hash only speeds up grouping: groups are sorted afterwards, so
        // nothing depends on hash values or on the order of the papers.
        let mut arena: Vec<u32> = Vec::new();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut weights: Vec<u64> = Vec::new();
        let mut chain: Vec<u32> = Vec::new();
        let mut heads: HashMap<u64, u32, BuildHasherDefault<FxHasher>> = HashMap::default();
        let mut blank = 0u64;
        let mut buf: Vec<u32> = Vec::new();
        for paper in &election.papers {
            if paper.weight == 0 {
                continue;
            }
            buf.clear();
            buf.extend(
                paper
                    .ranking
                    .iter()
                    .filter(|c| !election.withdrawn.contains(c))
                    .map(|&c| c as u32),
            );
            if buf.is_empty() {
                blank += paper.weight;
                continue;
            }
            let mut h = FxHasher::default();
            for &c in &buf {
                h.write_u32(c);
            }
            let key = h.finish();
            let head = heads.get(&key).copied().unwrap_or(NONE);
            let mut g = head;
            while g != NONE {
                let (s, e) = spans[g as usize];
                if arena[s..e] == buf[..] {
                    weights[g as usize] += paper.weight;
                    break;
                }
                g = chain[g as usize];
            }
            if g == NONE {
                let id = weights.len() as u32;
                spans.push((arena.len(), arena.len() + buf.len()));
                arena.extend_from_slice(&buf);
                weights.push(paper.weight);
                chain.push(head);
                heads.insert(key, id);
            }
        }
        drop(heads);
        let mut order: Vec<u32> = (0..weights.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (sa, ea) = spans[a as usize];
            let (sb, eb) = spans[b as usize];
            arena[sa..ea].cmp(&arena[sb..eb])
        });
        let mut prefs = Vec::with_capacity(arena.len());
        let mut starts = Vec::with_capacity(order.len() + 1);
        let mut sorted_weights = Vec::with_capacity(order.len());
        let mut valid = 0u64;
        for g in order {
            let (s, e) = spans[g as usize];
            starts.push(prefs.len());
            prefs.extend_from_slice(&arena[s..e]);
            sorted_weights.push(weights[g as usize]);
            valid += weights[g as usize];
        }
        starts.push(prefs.len());
        Self {
            prefs,
            starts,
            weights: sorted_weights,
            valid,
            blank,
        }
    }

    /// Number of paper groups.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Group `g`'s ranking.
    pub fn ranking(&self, g: usize) -> &[u32] {
        &self.prefs[self.starts[g]..self.starts[g + 1]]
    }
}

/// A small multiplicative hasher (the "FxHash" scheme used inside rustc) for
/// grouping rankings: several times faster than the default SipHash on
/// short integer keys. Hash flooding is no concern here: the keys are
/// candidate numbers already validated, and the result does not depend on
/// hash order because groups are sorted afterwards.
#[derive(Default)]
struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.hash = (self.hash.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Shared state of a count: the rounds so far, the elected, the lot generator.
pub(crate) struct Context<'a> {
    pub election: &'a Election,
    pub papers: &'a Prepared,
    pub rounds: Vec<Round>,
    pub elected: Vec<CandidateId>,
    /// Raw counts at the end of each round, for looking back at ties.
    pub history: Vec<Vec<i128>>,
    rng: ChaCha20Rng,
}

impl<'a> Context<'a> {
    fn new(election: &'a Election, papers: &'a Prepared, seed: [u8; 32]) -> Self {
        Self {
            election,
            papers,
            rounds: Vec::new(),
            elected: Vec::new(),
            history: Vec::new(),
            rng: ChaCha20Rng::from_seed(seed),
        }
    }

    /// Number of candidates.
    pub fn n(&self) -> usize {
        self.election.candidates.len()
    }

    /// Whether candidate `c` stands (was not withdrawn).
    pub fn stands(&self, c: CandidateId) -> bool {
        !self.election.withdrawn.contains(&c)
    }

    /// Draws a number in `0..n` uniformly from the seeded stream, without
    /// modulo bias (draws falling in the incomplete last block are redrawn).
    pub fn draw(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        let n = n as u64;
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let r = self.rng.next_u64();
            if r < zone {
                return (r % n) as usize;
            }
        }
    }

    /// Picks one of `tied` (equal now): by the most recent earlier round at
    /// which their counts differed (the lowest then if `lowest`, else the
    /// highest), narrowing the set and looking further back while several
    /// remain equal; then by lot among those still equal.
    pub fn break_tie(&mut self, tied: &[CandidateId], lowest: bool, purpose: TiePurpose) -> Tie {
        let mut left: Vec<CandidateId> = tied.to_vec();
        left.sort_unstable();
        let mut decided_at = None;
        // The current counts are the last history entry when a round has been
        // recorded; earlier rounds are everything before the round in progress.
        let earlier = self.history.len();
        for r in (0..earlier).rev() {
            let counts = &self.history[r];
            let best = if lowest {
                left.iter().map(|&c| counts[c]).min()
            } else {
                left.iter().map(|&c| counts[c]).max()
            };
            let Some(best) = best else { break };
            let narrowed: Vec<CandidateId> = left.iter().copied().filter(|&c| counts[c] == best).collect();
            if narrowed.len() < left.len() {
                left = narrowed;
                decided_at = Some(r + 1);
                if left.len() == 1 {
                    break;
                }
            }
        }
        let (chosen, resolved_by) = if left.len() == 1 {
            (
                left[0],
                TieResolution::EarlierRound {
                    round: decided_at.unwrap_or(0),
                },
            )
        } else {
            let i = self.draw(left.len());
            (left[i], TieResolution::Lot { among: left.clone() })
        };
        let mut candidates = tied.to_vec();
        candidates.sort_unstable();
        Tie {
            purpose,
            candidates,
            resolved_by,
            chosen: vec![chosen],
        }
    }

    /// Appends a round; `raw` are the counts in units used for later tie-breaks.
    pub fn push_round(&mut self, mut round: Round, raw: Vec<i128>) {
        round.number = self.rounds.len() + 1;
        round.lot_drawn = round
            .ties
            .iter()
            .any(|t| matches!(t.resolved_by, TieResolution::Lot { .. }));
        for d in &round.elected {
            self.elected.push(d.candidate);
        }
        self.history.push(raw);
        self.rounds.push(round);
    }
}

/// Builds a [`Round`] from raw unit counts (helper shared by the methods).
pub(crate) struct RoundBuilder {
    pub decimals: u8,
}

impl RoundBuilder {
    /// A round with counts and changes computed from raw figures.
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        &self,
        action: Action,
        counts: &[i128],
        previous: Option<&[i128]>,
        exhausted: i128,
        previous_exhausted: i128,
        lost: i128,
        quota: Option<i128>,
    ) -> Round {
        let d = self.decimals;
        Round {
            number: 0,
            action,
            counts: counts.iter().map(|&v| Votes::new(v, d)).collect(),
            transfers: counts
                .iter()
                .enumerate()
                .map(|(i, &v)| Votes::new(v - previous.map_or(0, |p| p[i]), d))
                .collect(),
            exhausted: Votes::new(exhausted, d),
            exhausted_change: Votes::new(exhausted - previous_exhausted, d),
            lost_to_truncation: Votes::new(lost, d),
            quota: quota.map(|q| Votes::new(q, d)),
            elected: Vec::new(),
            excluded: Vec::new(),
            ties: Vec::new(),
            lot_drawn: false,
        }
    }
}

/// Sorts candidates by votes, highest first; equal votes are ordered by the
/// most recent earlier round where they differed, then by ballot order. Used
/// only to list candidates elected together, where the order changes nothing.
pub(crate) fn order_for_listing(ctx: &Context<'_>, cands: &mut [CandidateId], now: &[i128]) {
    cands.sort_by(|&a, &b| {
        now[b].cmp(&now[a]).then_with(|| {
            for counts in ctx.history.iter().rev() {
                if counts[a] != counts[b] {
                    return counts[b].cmp(&counts[a]);
                }
            }
            a.cmp(&b)
        })
    });
}

/// Elects the `seats` candidates with the most votes in a one-round count
/// (plurality, approval). Only candidates with at least one vote can be
/// elected. A tie for the last seat(s) is decided by lot among the tied
/// candidates, drawing one at a time as many as there are seats left.
pub(crate) fn select_top(ctx: &mut Context<'_>, votes: Vec<i128>) {
    let seats = ctx.election.seats;
    let mut ranked: Vec<CandidateId> = (0..ctx.n()).filter(|&c| ctx.stands(c) && votes[c] > 0).collect();
    ranked.sort_by(|&a, &b| votes[b].cmp(&votes[a]).then(a.cmp(&b)));
    let mut chosen: Vec<CandidateId> = Vec::new();
    let mut ties = Vec::new();
    if ranked.len() <= seats {
        chosen = ranked;
    } else {
        let threshold = votes[ranked[seats - 1]];
        chosen.extend(ranked.iter().copied().filter(|&c| votes[c] > threshold));
        let mut tied: Vec<CandidateId> = ranked.iter().copied().filter(|&c| votes[c] == threshold).collect();
        let need = seats - chosen.len();
        if tied.len() == need {
            chosen.extend(tied);
        } else {
            let all = tied.clone();
            let mut won = Vec::new();
            for _ in 0..need {
                let i = ctx.draw(tied.len());
                won.push(tied.remove(i));
            }
            chosen.extend(won.iter().copied());
            ties.push(Tie {
                purpose: TiePurpose::LastSeats,
                candidates: all.clone(),
                resolved_by: TieResolution::Lot { among: all },
                chosen: won,
            });
        }
    }
    let builder = RoundBuilder { decimals: 0 };
    let mut round = builder.build(Action::Count, &votes, None, 0, 0, 0, None);
    round.elected = chosen
        .into_iter()
        .map(|candidate| Decision {
            candidate,
            reason: Reason::MostVotes,
        })
        .collect();
    round.ties = ties;
    ctx.push_round(round, votes);
}

/// A human round-by-round table of a result, as printed by `concord tally`.
///
/// Candidates are rows and rounds are columns; below the table each round's
/// action and decisions are spelt out, with any tie and how it was broken.
pub fn render_table(result: &TallyResult, election: &Election) -> String {
    use fmt::Write as _;
    let name = |c: CandidateId| -> &str { election.candidates.get(c).map(String::as_str).unwrap_or("?") };
    let mut out = String::new();
    if !election.title.is_empty() {
        let _ = writeln!(out, "{}", election.title);
    }
    let _ = writeln!(out, "Rule: {}", result.rule);
    let _ = writeln!(
        out,
        "Seats: {}   Valid papers: {}   Blank papers: {}",
        result.seats, result.valid_papers, result.blank_papers
    );
    if let Some(q) = result.rounds.first().and_then(|r| r.quota) {
        let _ = writeln!(out, "Quota: {q}");
    }
    out.push('\n');

    let label_width = election
        .candidates
        .iter()
        .map(|c| c.chars().count())
        .chain(["Non-transferable".len(), "Lost to truncation".len()])
        .max()
        .unwrap_or(10)
        .min(40);
    let col_width = result
        .rounds
        .iter()
        .flat_map(|r| r.counts.iter().map(|v| v.to_string().len()))
        .max()
        .unwrap_or(1)
        .max(8)
        + 2;
    let truncate = |s: &str| -> String { s.chars().take(label_width).collect() };

    let _ = write!(out, "{:<label_width$}", "Round");
    for r in &result.rounds {
        let _ = write!(out, "{:>col_width$}", r.number);
    }
    out.push('\n');
    for c in 0..election.candidates.len() {
        if election.withdrawn.contains(&c) {
            continue;
        }
        let _ = write!(out, "{:<label_width$}", truncate(name(c)));
        for r in &result.rounds {
            let v = r.counts.get(c).map(ToString::to_string).unwrap_or_default();
            let _ = write!(out, "{v:>col_width$}");
        }
        out.push('\n');
    }
    if result.method.is_ranked() {
        let _ = write!(out, "{:<label_width$}", "Non-transferable");
        for r in &result.rounds {
            let _ = write!(out, "{:>col_width$}", r.exhausted.to_string());
        }
        out.push('\n');
    }
    if result.method == Method::ScottishStv {
        let _ = write!(out, "{:<label_width$}", "Lost to truncation");
        for r in &result.rounds {
            let _ = write!(out, "{:>col_width$}", r.lost_to_truncation.to_string());
        }
        out.push('\n');
    }
    out.push('\n');

    for r in &result.rounds {
        let what = match &r.action {
            Action::Count => "count of the papers".to_string(),
            Action::FirstPreferences => "first preferences counted".to_string(),
            Action::SurplusTransfer {
                candidate,
                surplus,
                transfer_values,
            } => {
                let tvs: Vec<String> = transfer_values
                    .iter()
                    .map(|t| format!("{} -> {}", t.paper_value, t.transfer_value))
                    .collect();
                format!(
                    "surplus of {} ({surplus}) transferred; transfer values: {}",
                    name(*candidate),
                    tvs.join(", ")
                )
            }
            Action::Exclusion { candidate } => {
                format!("{} excluded; their papers transferred", name(*candidate))
            }
            Action::MeekIteration {
                iterations,
                total_surplus,
                ..
            } => format!("keep values iterated {iterations} times (total surplus {total_surplus})"),
        };
        let _ = writeln!(out, "Round {}: {what}", r.number);
        for t in &r.ties {
            let names: Vec<&str> = t.candidates.iter().map(|&c| name(c)).collect();
            let chosen: Vec<&str> = t.chosen.iter().map(|&c| name(c)).collect();
            let how = match &t.resolved_by {
                TieResolution::EarlierRound { round } => {
                    format!("decided by the counts at round {round}")
                }
                TieResolution::Lot { among } => {
                    let among: Vec<&str> = among.iter().map(|&c| name(c)).collect();
                    format!("decided by lot among {}", among.join(", "))
                }
            };
            let purpose = match t.purpose {
                TiePurpose::Exclusion => "exclusion",
                TiePurpose::SurplusOrder => "order of surpluses",
                TiePurpose::LastSeats => "last seats",
            };
            let _ = writeln!(
                out,
                "  tie ({purpose}) between {}: {how}; chosen: {}",
                names.join(", "),
                chosen.join(", ")
            );
        }
        for d in &r.excluded {
            let _ = writeln!(out, "  excluded: {} ({})", name(d.candidate), d.reason.describe());
        }
        for d in &r.elected {
            let _ = writeln!(out, "  elected: {} ({})", name(d.candidate), d.reason.describe());
        }
    }
    out.push('\n');
    if result.elected.is_empty() {
        let _ = writeln!(out, "Nobody elected.");
    } else {
        let _ = writeln!(out, "Elected, in order: {}", result.elected.join(", "));
    }
    if result.tie_broken_by_lot {
        let _ = writeln!(
            out,
            "Note: at least one tie was broken by lot drawn from the published seed."
        );
    }
    out
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// An election from `(weight, ranking)` pairs with 1-based candidate
    /// numbers as in published examples.
    pub fn election(names: &[&str], seats: usize, papers: &[(u64, &[usize])]) -> Election {
        Election {
            title: String::new(),
            candidates: names.iter().map(|s| s.to_string()).collect(),
            seats,
            withdrawn: BTreeSet::new(),
            papers: papers
                .iter()
                .map(|(w, r)| Paper::grouped(*w, r.iter().map(|c| c - 1).collect()))
                .collect(),
            max_choices: None,
        }
    }

    pub const SEED: [u8; 32] = [7; 32];
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn votes_display() {
        assert_eq!(Votes::new(4171414, 5).to_string(), "41.71414");
        assert_eq!(Votes::new(-5, 5).to_string(), "-0.00005");
        assert_eq!(Votes::new(12, 0).to_string(), "12");
    }

    #[test]
    fn method_names_round_trip() {
        for m in Method::ALL {
            assert_eq!(m.name().parse::<Method>().unwrap(), m);
        }
        assert_eq!("STV".parse::<Method>().unwrap(), Method::ScottishStv);
        assert!("borda".parse::<Method>().is_err());
    }

    #[test]
    fn validation_errors_are_typed() {
        let mut e = election(&["A", "B"], 1, &[(1, &[1, 2])]);
        e.papers.push(Paper::new(vec![5]));
        assert_eq!(
            validate(Method::Irv, &e),
            Err(TallyError::UnknownCandidate {
                paper: 1,
                candidate: 5,
                count: 2
            })
        );
        e.papers[1] = Paper::new(vec![1, 1]);
        assert_eq!(
            validate(Method::Irv, &e),
            Err(TallyError::DuplicateCandidate { paper: 1, candidate: 1 })
        );
        e.papers[1] = Paper::new(vec![0, 1]);
        assert_eq!(
            validate(Method::Plurality, &e),
            Err(TallyError::TooManyChoices {
                paper: 0,
                choices: 2,
                max: 1
            })
        );
        e.max_choices = Some(1);
        assert!(matches!(
            validate(Method::Approval, &e),
            Err(TallyError::TooManyChoices { .. })
        ));
        e.max_choices = None;
        e.papers[1] = Paper::new(vec![]);
        assert_eq!(validate(Method::Irv, &e), Ok(()));
        let r = count(Method::Irv, &e, SEED).unwrap();
        assert_eq!(r.blank_papers, 1);
        assert_eq!(r.valid_papers, 1);
        e.seats = 2;
        assert!(matches!(
            count(Method::Irv, &e, SEED),
            Err(TallyError::SingleSeatMethod { .. })
        ));
        e.seats = 0;
        assert_eq!(count(Method::ScottishStv, &e, SEED), Err(TallyError::NoSeats));
    }

    #[test]
    fn too_many_papers_is_an_error() {
        let e = election(&["A"], 1, &[(u64::MAX, &[1]), (1, &[1])]);
        assert_eq!(validate(Method::Plurality, &e), Err(TallyError::TooManyPapers));
    }

    #[test]
    fn lots_are_reproducible_and_seed_dependent() {
        let e = election(&["A", "B", "C", "D"], 1, &[(1, &[1]), (1, &[2]), (1, &[3]), (1, &[4])]);
        let a = count(Method::Plurality, &e, [1; 32]).unwrap();
        let b = count(Method::Plurality, &e, [1; 32]).unwrap();
        assert_eq!(a, b);
        assert!(a.tie_broken_by_lot);
        let winners: BTreeSet<String> = (0u8..40)
            .map(|s| count(Method::Plurality, &e, [s; 32]).unwrap().elected[0].clone())
            .collect();
        assert!(winners.len() > 1, "different seeds should give different lots");
    }

    #[test]
    fn json_has_the_required_fields() {
        let e = election(&["Ann", "Bob"], 1, &[(3, &[1]), (2, &[2])]);
        let r = count(Method::Irv, &e, SEED).unwrap();
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["method"], "irv");
        assert_eq!(v["seats"], 1);
        assert_eq!(v["elected"], serde_json::json!(["Ann"]));
        assert_eq!(v["tie_broken_by_lot"], false);
        assert!(v["rounds"].is_array());
        assert_eq!(v["rounds"][0]["counts"], serde_json::json!(["3", "2"]));
    }

    #[test]
    fn table_mentions_every_candidate_and_the_winner() {
        let e = election(&["Ann", "Bob"], 1, &[(3, &[1]), (2, &[2])]);
        let r = count(Method::ScottishStv, &e, SEED).unwrap();
        let t = render_table(&r, &e);
        assert!(t.contains("Ann") && t.contains("Bob"));
        assert!(t.contains("Elected, in order: Ann"), "{t}");
    }
}
