//! The membership lifecycle: who may become a member, how, and who may vote.
//!
//! Everything here is pure: no I/O, no clock. The current state of a
//! membership is a [`MemberState`]; a [`Transition`] (admission, leave,
//! resignation, expulsion …) carries its actor and its dates, and [`apply`]
//! returns the next state or a [`LifecycleError`] that names the status and
//! the transition refused. The co-op's parameters are a [`MembershipPolicy`].
//!
//! The register is a legal document: every transition also produces a dated
//! [`StatusChange`] ([`history_entry`]) that is appended, never overwritten,
//! and [`status_on`] reads the status on any past date from that history.
//! [`in_good_standing`] says whether a member may vote on a date, and why not;
//! ballots call it when they freeze their roll. Member numbers come from
//! [`next_member_number`].
//!
//! The rules, with the table of legal transitions and a worked example, are in
//! `docs/rules/membership.md`.

use std::fmt;

use crate::auth::permissions::Standing as AccessStanding;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The identity of a membership (one person in one co-op).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub Uuid);

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Who performed a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in user (a secretary, a board member, the person themself).
    User(Uuid),
    /// Concord itself, for an automatic transition (becoming a member when
    /// the qualifying share is fully paid).
    System,
}

/// The status of a membership on the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Has applied; not yet decided.
    Applicant,
    /// In the candidate (probation) period before admission; the end date is
    /// [`MemberState::probation_until`].
    Candidate,
    /// Admitted by the board, but the qualifying share is not yet fully paid.
    Admitted,
    /// A full member.
    Member,
    /// A member on leave; votes only where the co-op allows it.
    OnLeave,
    /// Has resigned (from the effective date of the resignation). Final.
    Resigned,
    /// Expelled by a decision of the board. Final.
    Expelled,
    /// The application was refused. Final.
    Rejected,
    /// The applicant or candidate withdrew. Final.
    Withdrawn,
}

impl MemberStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [MemberStatus; 9] = [
        MemberStatus::Applicant,
        MemberStatus::Candidate,
        MemberStatus::Admitted,
        MemberStatus::Member,
        MemberStatus::OnLeave,
        MemberStatus::Resigned,
        MemberStatus::Expelled,
        MemberStatus::Rejected,
        MemberStatus::Withdrawn,
    ];

    /// The name used in the API, the database and the register CSV.
    pub fn name(self) -> &'static str {
        match self {
            MemberStatus::Applicant => "applicant",
            MemberStatus::Candidate => "candidate",
            MemberStatus::Admitted => "admitted",
            MemberStatus::Member => "member",
            MemberStatus::OnLeave => "on_leave",
            MemberStatus::Resigned => "resigned",
            MemberStatus::Expelled => "expelled",
            MemberStatus::Rejected => "rejected",
            MemberStatus::Withdrawn => "withdrawn",
        }
    }

    /// True for the statuses no transition leaves: resigned, expelled,
    /// rejected, withdrawn.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            MemberStatus::Resigned | MemberStatus::Expelled | MemberStatus::Rejected | MemberStatus::Withdrawn
        )
    }

    /// True for the statuses of someone admitted and not gone: admitted,
    /// member, on leave (the register's current members).
    pub fn is_admitted(self) -> bool {
        matches!(
            self,
            MemberStatus::Admitted | MemberStatus::Member | MemberStatus::OnLeave
        )
    }
}

impl MemberStatus {
    /// What the status gives for access to the co-op (see
    /// [`crate::auth::permissions::allowed`]): every final status is a former member's,
    /// whether they were ever admitted or not.
    pub fn standing(self) -> AccessStanding {
        match self {
            MemberStatus::Applicant => AccessStanding::Applicant,
            MemberStatus::Candidate => AccessStanding::Probation,
            MemberStatus::Admitted => AccessStanding::Admitted,
            MemberStatus::Member => AccessStanding::Member,
            MemberStatus::OnLeave => AccessStanding::OnLeave,
            MemberStatus::Resigned | MemberStatus::Expelled | MemberStatus::Rejected | MemberStatus::Withdrawn => {
                AccessStanding::Former
            }
        }
    }
}

impl MemberState {
    /// The standing for access on `date`: the status in force that day (a resignation
    /// counts from its effective date). Before the first status there is none: an
    /// applicant's, who sees nothing but their application.
    pub fn standing_on(&self, date: NaiveDate) -> AccessStanding {
        self.status_on(date)
            .map_or(AccessStanding::Applicant, MemberStatus::standing)
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for MemberStatus {
    type Err = LifecycleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MemberStatus::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or_else(|| LifecycleError::UnknownStatus { name: s.to_string() })
    }
}

/// The co-op's membership parameters (part of its bylaws).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipPolicy {
    /// Admission makes a full member only once the qualifying share is fully
    /// paid; until then the person is [`MemberStatus::Admitted`].
    pub requires_qualifying_share: bool,
    /// Length of the candidate (probation) period that must precede
    /// admission, in months (1 to [`MAX_PROBATION_MONTHS`]). `None`: no
    /// probation is required (one may still be started with an end date).
    pub probation_months: Option<u32>,
    /// Members on leave keep their vote.
    pub members_on_leave_may_vote: bool,
}

/// Longest probation period a policy may set, in months.
pub const MAX_PROBATION_MONTHS: u32 = 60;

impl MembershipPolicy {
    /// Checks the parameters: `probation_months` between 1 and
    /// [`MAX_PROBATION_MONTHS`] when set.
    pub fn validate(&self) -> Result<(), LifecycleError> {
        match self.probation_months {
            Some(m) if m == 0 || m > MAX_PROBATION_MONTHS => Err(LifecycleError::InvalidPolicy {
                reason: format!("probation_months must be between 1 and {MAX_PROBATION_MONTHS}, not {m}"),
            }),
            _ => Ok(()),
        }
    }
}

/// A change of status, with the data it needs. Every transition names its
/// [`Actor`] and its dates; nothing reads a clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "transition", rename_all = "snake_case")]
pub enum Transition {
    /// Applicant → candidate: start the probation period. Without `until`
    /// the end date is `date` plus the policy's `probation_months` (clamped
    /// to the end of a shorter month: 31 January + 1 month is 28/29 February).
    StartProbation {
        /// Who recorded it.
        actor: Actor,
        /// First day of probation.
        date: NaiveDate,
        /// Last day of probation; after `date`.
        until: Option<NaiveDate>,
    },
    /// Applicant or candidate → admitted (or directly member when the co-op
    /// requires no qualifying share), by a board decision. An applicant can
    /// be admitted directly only when the policy requires no probation; a
    /// candidate may be admitted before the end of probation (the board
    /// decides).
    Admit {
        /// Who recorded it.
        actor: Actor,
        /// Date of the board's decision; the admission takes effect that day.
        date: NaiveDate,
        /// Reference of the board's decision (minutes, resolution number);
        /// required.
        decision_ref: String,
    },
    /// Admitted → member. Applied automatically by the service once the
    /// qualifying share is fully paid (with [`Actor::System`] or the
    /// treasurer who recorded the payment).
    BecomeMember {
        /// Who recorded it.
        actor: Actor,
        /// Date the membership starts (the day the share was fully paid).
        date: NaiveDate,
        /// The qualifying share is fully paid on `date`.
        qualifying_share_paid: bool,
    },
    /// Member → on leave.
    GoOnLeave {
        /// Who recorded it.
        actor: Actor,
        /// First day of leave.
        from: NaiveDate,
        /// Expected last day of leave, if known (informative: the return is
        /// recorded with [`Transition::ReturnFromLeave`]).
        until: Option<NaiveDate>,
    },
    /// On leave → member.
    ReturnFromLeave {
        /// Who recorded it.
        actor: Actor,
        /// First day back.
        date: NaiveDate,
    },
    /// Admitted, member or on leave → resigned. The person stays what they
    /// were until the effective date.
    Resign {
        /// Who recorded it.
        actor: Actor,
        /// Date notice was given.
        notice_date: NaiveDate,
        /// Date the resignation takes effect; not before `notice_date`.
        effective_date: NaiveDate,
    },
    /// Admitted, member or on leave → expelled, by a board decision with a
    /// reason.
    Expel {
        /// Who recorded it.
        actor: Actor,
        /// Date of the decision; the expulsion takes effect that day.
        date: NaiveDate,
        /// Reference of the board's decision; required.
        decision_ref: String,
        /// Reason given; required.
        reason: String,
    },
    /// Applicant or candidate → rejected, by a board decision with a reason.
    Reject {
        /// Who recorded it.
        actor: Actor,
        /// Date of the decision.
        date: NaiveDate,
        /// Reference of the board's decision; required.
        decision_ref: String,
        /// Reason given; required.
        reason: String,
    },
    /// Applicant or candidate → withdrawn, at the person's request.
    Withdraw {
        /// Who recorded it.
        actor: Actor,
        /// Date of the withdrawal.
        date: NaiveDate,
    },
}

/// The name of a kind of transition, for errors, the register and the audit
/// log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionName {
    /// [`Transition::StartProbation`].
    StartProbation,
    /// [`Transition::Admit`].
    Admit,
    /// [`Transition::BecomeMember`].
    BecomeMember,
    /// [`Transition::GoOnLeave`].
    GoOnLeave,
    /// [`Transition::ReturnFromLeave`].
    ReturnFromLeave,
    /// [`Transition::Resign`].
    Resign,
    /// [`Transition::Expel`].
    Expel,
    /// [`Transition::Reject`].
    Reject,
    /// [`Transition::Withdraw`].
    Withdraw,
    /// Not a transition: the application that opens a membership's history.
    Apply,
}

impl TransitionName {
    /// The snake_case name (`go_on_leave`).
    pub fn name(self) -> &'static str {
        match self {
            TransitionName::StartProbation => "start_probation",
            TransitionName::Admit => "admit",
            TransitionName::BecomeMember => "become_member",
            TransitionName::GoOnLeave => "go_on_leave",
            TransitionName::ReturnFromLeave => "return_from_leave",
            TransitionName::Resign => "resign",
            TransitionName::Expel => "expel",
            TransitionName::Reject => "reject",
            TransitionName::Withdraw => "withdraw",
            TransitionName::Apply => "apply",
        }
    }

    /// What the transition does, as a verb phrase for error messages
    /// ("cannot expel someone whose status is applicant").
    pub fn verb(self) -> &'static str {
        match self {
            TransitionName::StartProbation => "start the probation of",
            TransitionName::Admit => "admit",
            TransitionName::BecomeMember => "make a full member",
            TransitionName::GoOnLeave => "put on leave",
            TransitionName::ReturnFromLeave => "bring back from leave",
            TransitionName::Resign => "record the resignation of",
            TransitionName::Expel => "expel",
            TransitionName::Reject => "reject",
            TransitionName::Withdraw => "record the withdrawal of",
            TransitionName::Apply => "record the application of",
        }
    }
}

impl fmt::Display for TransitionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Transition {
    /// The kind of transition.
    pub fn name(&self) -> TransitionName {
        match self {
            Transition::StartProbation { .. } => TransitionName::StartProbation,
            Transition::Admit { .. } => TransitionName::Admit,
            Transition::BecomeMember { .. } => TransitionName::BecomeMember,
            Transition::GoOnLeave { .. } => TransitionName::GoOnLeave,
            Transition::ReturnFromLeave { .. } => TransitionName::ReturnFromLeave,
            Transition::Resign { .. } => TransitionName::Resign,
            Transition::Expel { .. } => TransitionName::Expel,
            Transition::Reject { .. } => TransitionName::Reject,
            Transition::Withdraw { .. } => TransitionName::Withdraw,
        }
    }

    /// Who performed it.
    pub fn actor(&self) -> Actor {
        match self {
            Transition::StartProbation { actor, .. }
            | Transition::Admit { actor, .. }
            | Transition::BecomeMember { actor, .. }
            | Transition::GoOnLeave { actor, .. }
            | Transition::ReturnFromLeave { actor, .. }
            | Transition::Resign { actor, .. }
            | Transition::Expel { actor, .. }
            | Transition::Reject { actor, .. }
            | Transition::Withdraw { actor, .. } => *actor,
        }
    }

    /// The date it was decided or notified (the notice date of a resignation,
    /// the first day of a leave).
    pub fn date(&self) -> NaiveDate {
        match self {
            Transition::StartProbation { date, .. }
            | Transition::Admit { date, .. }
            | Transition::BecomeMember { date, .. }
            | Transition::ReturnFromLeave { date, .. }
            | Transition::Expel { date, .. }
            | Transition::Reject { date, .. }
            | Transition::Withdraw { date, .. } => *date,
            Transition::GoOnLeave { from, .. } => *from,
            Transition::Resign { notice_date, .. } => *notice_date,
        }
    }

    /// The date the new status takes effect: the effective date of a
    /// resignation, [`Transition::date`] for every other transition.
    pub fn effective_date(&self) -> NaiveDate {
        match self {
            Transition::Resign { effective_date, .. } => *effective_date,
            other => other.date(),
        }
    }
}

/// The status a membership had before its current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorStatus {
    /// The status.
    pub status: MemberStatus,
    /// The date it took effect.
    pub since: NaiveDate,
}

/// The current state of one membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberState {
    /// The status, from [`MemberState::since`] on.
    pub status: MemberStatus,
    /// The date the status took effect (may be in the future for a
    /// resignation with a later effective date).
    pub since: NaiveDate,
    /// The status before, which still holds before `since`.
    pub previous: Option<PriorStatus>,
    /// Date of the application.
    pub applied_on: NaiveDate,
    /// Last day of the probation period, once one was started.
    pub probation_until: Option<NaiveDate>,
    /// Date of admission.
    pub admitted_on: Option<NaiveDate>,
    /// Reference of the admission decision.
    pub admission_ref: Option<String>,
    /// First day as a full member.
    pub member_since: Option<NaiveDate>,
    /// Expected end of the current leave.
    pub leave_until: Option<NaiveDate>,
    /// Notice date of a resignation.
    pub notice_date: Option<NaiveDate>,
    /// Reference of the decision that ended the membership (expulsion,
    /// rejection).
    pub exit_ref: Option<String>,
    /// Reason of an expulsion or a rejection.
    pub exit_reason: Option<String>,
}

impl MemberState {
    /// A new applicant who applied on `applied_on`.
    pub fn applicant(applied_on: NaiveDate) -> MemberState {
        MemberState {
            status: MemberStatus::Applicant,
            since: applied_on,
            previous: None,
            applied_on,
            probation_until: None,
            admitted_on: None,
            admission_ref: None,
            member_since: None,
            leave_until: None,
            notice_date: None,
            exit_ref: None,
            exit_reason: None,
        }
    }

    /// A full member from `date`, entered directly on the register (a founder, a
    /// member added by the co-op's admin, or one imported from an earlier register),
    /// with the reference of the decision or record that made them a member.
    pub fn member_from(date: NaiveDate, admission_ref: &str) -> MemberState {
        MemberState {
            status: MemberStatus::Member,
            admitted_on: Some(date),
            admission_ref: Some(admission_ref.to_string()),
            member_since: Some(date),
            ..MemberState::applicant(date)
        }
    }

    /// The status on `date` as far as this state tells: the current status
    /// from [`MemberState::since`], the previous one before it; `None` for a
    /// date before both (read the register with [`status_on`] instead).
    pub fn status_on(&self, date: NaiveDate) -> Option<MemberStatus> {
        if date >= self.since {
            Some(self.status)
        } else {
            self.previous.filter(|p| date >= p.since).map(|p| p.status)
        }
    }
}

/// Why a transition or a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum LifecycleError {
    /// The transition is not allowed from the current status (expelling an
    /// applicant, admitting twice, resigning twice …).
    #[error("cannot {verb} someone whose status is {status}", verb = .transition.verb())]
    IllegalTransition {
        /// The current status.
        status: MemberStatus,
        /// The transition refused.
        transition: TransitionName,
    },
    /// The transition is dated before the current status took effect.
    #[error("{transition} is dated {date}, before the current status ({status}) took effect on {since}")]
    DateBeforeCurrentStatus {
        /// The transition.
        transition: TransitionName,
        /// Its date.
        date: NaiveDate,
        /// The current status.
        status: MemberStatus,
        /// When the current status took effect.
        since: NaiveDate,
    },
    /// A decision reference is required and was empty.
    #[error("{transition} needs the reference of the board's decision")]
    MissingDecisionRef {
        /// The transition.
        transition: TransitionName,
    },
    /// A reason is required and was empty.
    #[error("{transition} needs a reason")]
    MissingReason {
        /// The transition.
        transition: TransitionName,
    },
    /// A resignation whose effective date is before its notice date.
    #[error("the resignation takes effect on {effective_date}, before notice was given on {notice_date}")]
    EffectiveBeforeNotice {
        /// Notice date.
        notice_date: NaiveDate,
        /// Effective date.
        effective_date: NaiveDate,
    },
    /// A leave that ends before it starts.
    #[error("the leave ends on {until}, before it starts on {from}")]
    LeaveEndsBeforeStart {
        /// First day.
        from: NaiveDate,
        /// Last day.
        until: NaiveDate,
    },
    /// A probation that ends on or before the day it starts.
    #[error("the probation ends on {until}, not after it starts on {from}")]
    ProbationEndsBeforeStart {
        /// First day.
        from: NaiveDate,
        /// Last day.
        until: NaiveDate,
    },
    /// No end date was given for a probation and the policy sets no length.
    #[error("the probation needs an end date: the co-op's policy sets no probation length")]
    NoProbationLength,
    /// The co-op requires a probation period before admission.
    #[error("the co-op requires a probation of {months} months before admission; start the probation first")]
    ProbationRequired {
        /// The policy's probation length.
        months: u32,
    },
    /// Becoming a member needs the qualifying share fully paid.
    #[error("the qualifying share must be fully paid before becoming a member")]
    QualifyingShareUnpaid,
    /// The membership policy is invalid.
    #[error("invalid membership policy: {reason}")]
    InvalidPolicy {
        /// What is wrong.
        reason: String,
    },
    /// A status name that does not exist.
    #[error("unknown status {name:?}")]
    UnknownStatus {
        /// The name given.
        name: String,
    },
}

fn required(value: &str, missing: LifecycleError) -> Result<String, LifecycleError> {
    let v = value.trim();
    if v.is_empty() {
        Err(missing)
    } else {
        Ok(v.to_string())
    }
}

/// Applies `transition` to `current` under `policy` and returns the next
/// state, or refuses:
/// - [`LifecycleError::IllegalTransition`] when the transition is not in the
///   table of legal transitions for the current status (see
///   `docs/rules/membership.md`);
/// - [`LifecycleError::DateBeforeCurrentStatus`] when it is dated (or takes
///   effect) before the current status took effect: the history only moves
///   forward;
/// - the transition's own checks (decision reference and reason, dates in
///   order, probation, qualifying share).
///
/// Pure: the same inputs always give the same answer.
pub fn apply(
    current: &MemberState,
    transition: &Transition,
    policy: &MembershipPolicy,
) -> Result<MemberState, LifecycleError> {
    use MemberStatus as S;
    let name = transition.name();
    let legal = match transition {
        Transition::StartProbation { .. } => current.status == S::Applicant,
        Transition::Admit { .. } | Transition::Reject { .. } | Transition::Withdraw { .. } => {
            matches!(current.status, S::Applicant | S::Candidate)
        }
        Transition::BecomeMember { .. } => current.status == S::Admitted,
        Transition::GoOnLeave { .. } => current.status == S::Member,
        Transition::ReturnFromLeave { .. } => current.status == S::OnLeave,
        Transition::Resign { .. } | Transition::Expel { .. } => current.status.is_admitted(),
    };
    if !legal {
        return Err(LifecycleError::IllegalTransition {
            status: current.status,
            transition: name,
        });
    }
    let date = transition.date();
    if date < current.since || transition.effective_date() < current.since {
        return Err(LifecycleError::DateBeforeCurrentStatus {
            transition: name,
            date: date.min(transition.effective_date()),
            status: current.status,
            since: current.since,
        });
    }

    let mut next = current.clone();
    next.previous = Some(PriorStatus {
        status: current.status,
        since: current.since,
    });
    next.since = transition.effective_date();
    match transition {
        Transition::StartProbation { date, until, .. } => {
            let until = match (until, policy.probation_months) {
                (Some(u), _) => *u,
                (None, Some(m)) => date.checked_add_months(Months::new(m)).unwrap_or(NaiveDate::MAX),
                (None, None) => return Err(LifecycleError::NoProbationLength),
            };
            if until <= *date {
                return Err(LifecycleError::ProbationEndsBeforeStart { from: *date, until });
            }
            next.status = S::Candidate;
            next.probation_until = Some(until);
        }
        Transition::Admit { date, decision_ref, .. } => {
            if let (S::Applicant, Some(months)) = (current.status, policy.probation_months) {
                return Err(LifecycleError::ProbationRequired { months });
            }
            let decision_ref = required(decision_ref, LifecycleError::MissingDecisionRef { transition: name })?;
            next.admitted_on = Some(*date);
            next.admission_ref = Some(decision_ref);
            if policy.requires_qualifying_share {
                next.status = S::Admitted;
            } else {
                next.status = S::Member;
                next.member_since = Some(*date);
            }
        }
        Transition::BecomeMember {
            date,
            qualifying_share_paid,
            ..
        } => {
            if policy.requires_qualifying_share && !qualifying_share_paid {
                return Err(LifecycleError::QualifyingShareUnpaid);
            }
            next.status = S::Member;
            next.member_since = Some(*date);
        }
        Transition::GoOnLeave { from, until, .. } => {
            if let Some(until) = until {
                if until < from {
                    return Err(LifecycleError::LeaveEndsBeforeStart {
                        from: *from,
                        until: *until,
                    });
                }
            }
            next.status = S::OnLeave;
            next.leave_until = *until;
        }
        Transition::ReturnFromLeave { .. } => {
            next.status = S::Member;
            next.leave_until = None;
        }
        Transition::Resign {
            notice_date,
            effective_date,
            ..
        } => {
            if effective_date < notice_date {
                return Err(LifecycleError::EffectiveBeforeNotice {
                    notice_date: *notice_date,
                    effective_date: *effective_date,
                });
            }
            next.status = S::Resigned;
            next.notice_date = Some(*notice_date);
        }
        Transition::Expel {
            decision_ref, reason, ..
        }
        | Transition::Reject {
            decision_ref, reason, ..
        } => {
            let decision_ref = required(decision_ref, LifecycleError::MissingDecisionRef { transition: name })?;
            let reason = required(reason, LifecycleError::MissingReason { transition: name })?;
            next.status = if name == TransitionName::Expel {
                S::Expelled
            } else {
                S::Rejected
            };
            next.exit_ref = Some(decision_ref);
            next.exit_reason = Some(reason);
        }
        Transition::Withdraw { .. } => {
            next.status = S::Withdrawn;
        }
    }
    Ok(next)
}

/// True when an [`MemberStatus::Admitted`] person should now become a member:
/// the service calls it after recording a payment and, when true, applies
/// [`Transition::BecomeMember`] in the same transaction.
pub fn becomes_member(state: &MemberState, qualifying_share_paid: bool, policy: &MembershipPolicy) -> bool {
    state.status == MemberStatus::Admitted && (qualifying_share_paid || !policy.requires_qualifying_share)
}

/// One line of the register's history: a status that took effect on a date.
/// Appended for every transition, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The status from `effective` on.
    pub status: MemberStatus,
    /// The date the status took effect.
    pub effective: NaiveDate,
    /// The date the transition was decided or notified.
    pub recorded_on: NaiveDate,
    /// Who performed it.
    pub actor: Actor,
    /// What happened.
    pub transition: TransitionName,
    /// The decision reference (admission, expulsion, rejection).
    pub decision_ref: Option<String>,
    /// The reason (expulsion, rejection).
    pub reason: Option<String>,
}

impl StatusChange {
    /// The first line of a membership's history: the application.
    pub fn application(applied_on: NaiveDate, actor: Actor) -> StatusChange {
        StatusChange {
            status: MemberStatus::Applicant,
            effective: applied_on,
            recorded_on: applied_on,
            actor,
            transition: TransitionName::Apply,
            decision_ref: None,
            reason: None,
        }
    }
}

/// The history line for `transition`, given the state [`apply`] returned for
/// it.
pub fn history_entry(transition: &Transition, next: &MemberState) -> StatusChange {
    let (decision_ref, reason) = match transition {
        Transition::Admit { decision_ref, .. } => (Some(decision_ref.trim().to_string()), None),
        Transition::Expel {
            decision_ref, reason, ..
        }
        | Transition::Reject {
            decision_ref, reason, ..
        } => (Some(decision_ref.trim().to_string()), Some(reason.trim().to_string())),
        _ => (None, None),
    };
    StatusChange {
        status: next.status,
        effective: transition.effective_date(),
        recorded_on: transition.date(),
        actor: transition.actor(),
        transition: transition.name(),
        decision_ref,
        reason,
    }
}

/// The status on `date` according to a membership's history: the status of
/// the change with the latest effective date on or before `date` (between
/// changes effective the same day, the later in `history`, which is in the
/// order recorded). `None` before the first change (not yet an applicant).
pub fn status_on(history: &[StatusChange], date: NaiveDate) -> Option<MemberStatus> {
    history
        .iter()
        .enumerate()
        .filter(|(_, c)| c.effective <= date)
        .max_by_key(|(i, c)| (c.effective, *i))
        .map(|(_, c)| c.status)
}

/// Whether a member may vote on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", content = "reason", rename_all = "snake_case")]
pub enum Standing {
    /// In good standing: may vote.
    Good,
    /// Not in good standing, for this reason.
    NotInGoodStanding(StandingReason),
}

impl Standing {
    /// True when the member may vote.
    pub fn may_vote(&self) -> bool {
        matches!(self, Standing::Good)
    }
}

/// Why someone may not vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum StandingReason {
    /// Not a member on that date (applicant, candidate, admitted without the
    /// qualifying share, resigned, expelled …).
    NotAMember {
        /// The status on that date.
        status: MemberStatus,
    },
    /// On leave, and the co-op does not let members on leave vote.
    OnLeave,
    /// The co-op requires the qualifying share and it is not fully paid.
    QualifyingShareUnpaid,
    /// The state does not say what the status was on that date (a date
    /// before the last two changes): read the register.
    UnknownOnDate,
}

/// Whether the member whose state is `state` may vote on `on`: a member
/// (or a member on leave where the policy allows it) whose qualifying share is
/// fully paid when the policy requires one. Holding more shares never gives
/// more than one vote. Ballots call this when freezing their roll.
pub fn in_good_standing(
    state: &MemberState,
    qualifying_share_paid: bool,
    policy: &MembershipPolicy,
    on: NaiveDate,
) -> Standing {
    let bad = Standing::NotInGoodStanding;
    let Some(status) = state.status_on(on) else {
        return bad(StandingReason::UnknownOnDate);
    };
    match status {
        MemberStatus::Member => {}
        MemberStatus::OnLeave if policy.members_on_leave_may_vote => {}
        MemberStatus::OnLeave => return bad(StandingReason::OnLeave),
        other => return bad(StandingReason::NotAMember { status: other }),
    }
    if policy.requires_qualifying_share && !qualifying_share_paid {
        return bad(StandingReason::QualifyingShareUnpaid);
    }
    Standing::Good
}

/// The number for the next person admitted, given the highest number ever
/// assigned in the co-op (`None` when none was): numbers start at 1, are
/// assigned once at admission, and are never reused, so the highest number
/// ever assigned is kept even when that member has left.
///
/// # Panics
/// When `existing_max` is `i64::MAX` (no number is left).
pub fn next_member_number(existing_max: Option<i64>) -> i64 {
    match existing_max {
        None => 1,
        Some(max) if max < 1 => 1,
        Some(max) => max.checked_add(1).expect("member numbers exhausted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const BOARD: Actor = Actor::User(Uuid::from_u128(7));

    fn policy(share: bool, probation: Option<u32>, on_leave_votes: bool) -> MembershipPolicy {
        MembershipPolicy {
            requires_qualifying_share: share,
            probation_months: probation,
            members_on_leave_may_vote: on_leave_votes,
        }
    }

    fn admit(date: &str) -> Transition {
        Transition::Admit {
            actor: BOARD,
            date: d(date),
            decision_ref: "BD-2025-03".into(),
        }
    }

    fn become_member(date: &str, paid: bool) -> Transition {
        Transition::BecomeMember {
            actor: Actor::System,
            date: d(date),
            qualifying_share_paid: paid,
        }
    }

    fn expel(date: &str, decision_ref: &str, reason: &str) -> Transition {
        Transition::Expel {
            actor: BOARD,
            date: d(date),
            decision_ref: decision_ref.into(),
            reason: reason.into(),
        }
    }

    fn resign(notice: &str, effective: &str) -> Transition {
        Transition::Resign {
            actor: BOARD,
            notice_date: d(notice),
            effective_date: d(effective),
        }
    }

    fn leave(from: &str, until: Option<&str>) -> Transition {
        Transition::GoOnLeave {
            actor: BOARD,
            from: d(from),
            until: until.map(d),
        }
    }

    fn back(date: &str) -> Transition {
        Transition::ReturnFromLeave {
            actor: BOARD,
            date: d(date),
        }
    }

    fn probation(date: &str, until: Option<&str>) -> Transition {
        Transition::StartProbation {
            actor: BOARD,
            date: d(date),
            until: until.map(d),
        }
    }

    fn reject(date: &str) -> Transition {
        Transition::Reject {
            actor: BOARD,
            date: d(date),
            decision_ref: "BD-9".into(),
            reason: "no position open".into(),
        }
    }

    fn withdraw(date: &str) -> Transition {
        Transition::Withdraw {
            actor: BOARD,
            date: d(date),
        }
    }

    /// A state with the given status, since 2025-01-01.
    fn state(status: MemberStatus) -> MemberState {
        MemberState {
            status,
            ..MemberState::applicant(d("2025-01-01"))
        }
    }

    fn all_transitions() -> Vec<Transition> {
        vec![
            probation("2025-06-01", Some("2025-12-01")),
            admit("2025-06-01"),
            become_member("2025-06-01", true),
            leave("2025-06-01", None),
            back("2025-06-01"),
            resign("2025-06-01", "2025-06-30"),
            expel("2025-06-01", "BD-1", "misconduct"),
            reject("2025-06-01"),
            withdraw("2025-06-01"),
        ]
    }

    #[test]
    fn the_table_of_legal_transitions_is_exact() {
        use MemberStatus as S;
        use TransitionName as T;
        let legal: &[(S, T)] = &[
            (S::Applicant, T::StartProbation),
            (S::Applicant, T::Admit),
            (S::Applicant, T::Reject),
            (S::Applicant, T::Withdraw),
            (S::Candidate, T::Admit),
            (S::Candidate, T::Reject),
            (S::Candidate, T::Withdraw),
            (S::Admitted, T::BecomeMember),
            (S::Admitted, T::Resign),
            (S::Admitted, T::Expel),
            (S::Member, T::GoOnLeave),
            (S::Member, T::Resign),
            (S::Member, T::Expel),
            (S::OnLeave, T::ReturnFromLeave),
            (S::OnLeave, T::Resign),
            (S::OnLeave, T::Expel),
        ];
        let p = policy(true, None, false);
        for status in MemberStatus::ALL {
            for t in all_transitions() {
                let result = apply(&state(status), &t, &p);
                if legal.contains(&(status, t.name())) {
                    assert!(result.is_ok(), "{status} + {}: {result:?}", t.name());
                } else {
                    assert_eq!(
                        result,
                        Err(LifecycleError::IllegalTransition {
                            status,
                            transition: t.name()
                        }),
                        "{status} + {}",
                        t.name()
                    );
                }
            }
        }
    }

    #[test]
    fn illegal_transitions_say_what_and_from_where() {
        let p = policy(true, None, false);
        let err = apply(&state(MemberStatus::Applicant), &expel("2025-02-01", "BD-1", "x"), &p).unwrap_err();
        assert_eq!(err.to_string(), "cannot expel someone whose status is applicant");
        let err = apply(&state(MemberStatus::Member), &admit("2025-02-01"), &p).unwrap_err();
        assert_eq!(err.to_string(), "cannot admit someone whose status is member");
        let err = apply(&state(MemberStatus::Resigned), &resign("2025-02-01", "2025-02-01"), &p).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot record the resignation of someone whose status is resigned"
        );
        let err = apply(&state(MemberStatus::Admitted), &leave("2025-02-01", None), &p).unwrap_err();
        assert_eq!(err.to_string(), "cannot put on leave someone whose status is admitted");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["error"], "illegal_transition");
        assert_eq!(json["status"], "admitted");
        assert_eq!(json["transition"], "go_on_leave");
    }

    #[test]
    fn admission_then_membership_when_a_share_is_required() {
        let p = policy(true, None, false);
        let s = MemberState::applicant(d("2025-01-10"));
        let s = apply(&s, &admit("2025-03-04"), &p).unwrap();
        assert_eq!(s.status, MemberStatus::Admitted);
        assert_eq!(s.admitted_on, Some(d("2025-03-04")));
        assert_eq!(s.admission_ref.as_deref(), Some("BD-2025-03"));
        assert!(!becomes_member(&s, false, &p));
        assert!(becomes_member(&s, true, &p));
        assert_eq!(
            apply(&s, &become_member("2025-04-01", false), &p),
            Err(LifecycleError::QualifyingShareUnpaid)
        );
        let s = apply(&s, &become_member("2025-06-02", true), &p).unwrap();
        assert_eq!(s.status, MemberStatus::Member);
        assert_eq!(s.member_since, Some(d("2025-06-02")));
        assert_eq!(
            s.previous,
            Some(PriorStatus {
                status: MemberStatus::Admitted,
                since: d("2025-03-04")
            })
        );
    }

    #[test]
    fn admission_makes_a_member_at_once_without_a_share() {
        let p = policy(false, None, false);
        let s = apply(&MemberState::applicant(d("2025-01-10")), &admit("2025-02-01"), &p).unwrap();
        assert_eq!(s.status, MemberStatus::Member);
        assert_eq!(s.member_since, Some(d("2025-02-01")));
    }

    #[test]
    fn admission_needs_a_decision_reference() {
        let p = policy(true, None, false);
        let t = Transition::Admit {
            actor: BOARD,
            date: d("2025-02-01"),
            decision_ref: "  ".into(),
        };
        assert_eq!(
            apply(&state(MemberStatus::Applicant), &t, &p),
            Err(LifecycleError::MissingDecisionRef {
                transition: TransitionName::Admit
            })
        );
    }

    #[test]
    fn probation_before_admission() {
        let p = policy(true, Some(6), false);
        let s = MemberState::applicant(d("2025-01-10"));
        assert_eq!(
            apply(&s, &admit("2025-02-01"), &p),
            Err(LifecycleError::ProbationRequired { months: 6 })
        );
        let c = apply(&s, &probation("2025-08-31", None), &p).unwrap();
        assert_eq!(c.status, MemberStatus::Candidate);
        assert_eq!(
            c.probation_until,
            Some(d("2026-02-28")),
            "clamped to the end of February"
        );
        let c2 = apply(&s, &probation("2025-02-01", Some("2025-05-01")), &p).unwrap();
        assert_eq!(c2.probation_until, Some(d("2025-05-01")));
        assert_eq!(
            apply(&s, &probation("2025-02-01", Some("2025-02-01")), &p),
            Err(LifecycleError::ProbationEndsBeforeStart {
                from: d("2025-02-01"),
                until: d("2025-02-01")
            })
        );
        assert_eq!(
            apply(&s, &probation("2025-02-01", None), &policy(true, None, false)),
            Err(LifecycleError::NoProbationLength)
        );
        let a = apply(&c, &admit("2026-03-01"), &p).unwrap();
        assert_eq!(a.status, MemberStatus::Admitted);
        assert_eq!(a.probation_until, Some(d("2026-02-28")), "kept for the record");
    }

    #[test]
    fn expulsion_needs_a_decision_and_a_reason() {
        let p = policy(true, None, false);
        let m = state(MemberStatus::Member);
        assert_eq!(
            apply(&m, &expel("2025-05-01", "", "misconduct"), &p),
            Err(LifecycleError::MissingDecisionRef {
                transition: TransitionName::Expel
            })
        );
        assert_eq!(
            apply(&m, &expel("2025-05-01", "BD-7", " \t"), &p),
            Err(LifecycleError::MissingReason {
                transition: TransitionName::Expel
            })
        );
        let e = apply(&m, &expel("2025-05-01", " BD-7 ", "repeated absence"), &p).unwrap();
        assert_eq!(e.status, MemberStatus::Expelled);
        assert_eq!(e.exit_ref.as_deref(), Some("BD-7"));
        assert_eq!(e.exit_reason.as_deref(), Some("repeated absence"));
        assert!(apply(&e, &expel("2025-05-02", "BD-8", "again"), &p).is_err());
    }

    #[test]
    fn rejection_needs_a_decision_and_a_reason() {
        let p = policy(true, None, false);
        let t = Transition::Reject {
            actor: BOARD,
            date: d("2025-05-01"),
            decision_ref: "BD-1".into(),
            reason: "".into(),
        };
        assert_eq!(
            apply(&state(MemberStatus::Candidate), &t, &p),
            Err(LifecycleError::MissingReason {
                transition: TransitionName::Reject
            })
        );
        let r = apply(&state(MemberStatus::Candidate), &reject("2025-05-01"), &p).unwrap();
        assert_eq!(r.status, MemberStatus::Rejected);
        assert!(r.status.is_final());
    }

    #[test]
    fn resignation_takes_effect_on_its_date() {
        let p = policy(true, None, false);
        let m = state(MemberStatus::Member);
        assert_eq!(
            apply(&m, &resign("2025-06-30", "2025-06-29"), &p),
            Err(LifecycleError::EffectiveBeforeNotice {
                notice_date: d("2025-06-30"),
                effective_date: d("2025-06-29")
            })
        );
        let r = apply(&m, &resign("2025-05-01", "2025-06-30"), &p).unwrap();
        assert_eq!(r.status, MemberStatus::Resigned);
        assert_eq!(r.since, d("2025-06-30"));
        assert_eq!(r.notice_date, Some(d("2025-05-01")));
        assert_eq!(r.status_on(d("2025-06-29")), Some(MemberStatus::Member));
        assert_eq!(r.status_on(d("2025-06-30")), Some(MemberStatus::Resigned));
        assert_eq!(r.status_on(d("2024-12-31")), None);
        // Still votes during the notice period, not after.
        assert_eq!(in_good_standing(&r, true, &p, d("2025-06-01")), Standing::Good);
        assert_eq!(
            in_good_standing(&r, true, &p, d("2025-07-01")),
            Standing::NotInGoodStanding(StandingReason::NotAMember {
                status: MemberStatus::Resigned
            })
        );
        // Same-day resignation is allowed.
        assert!(apply(&m, &resign("2025-05-01", "2025-05-01"), &p).is_ok());
    }

    #[test]
    fn leave_and_return() {
        let p = policy(true, None, false);
        let m = state(MemberStatus::Member);
        assert_eq!(
            apply(&m, &leave("2025-03-01", Some("2025-02-01")), &p),
            Err(LifecycleError::LeaveEndsBeforeStart {
                from: d("2025-03-01"),
                until: d("2025-02-01")
            })
        );
        let l = apply(&m, &leave("2025-03-01", Some("2025-08-31")), &p).unwrap();
        assert_eq!(l.status, MemberStatus::OnLeave);
        assert_eq!(l.leave_until, Some(d("2025-08-31")));
        assert!(apply(&l, &leave("2025-04-01", None), &p).is_err(), "already on leave");
        let b = apply(&l, &back("2025-09-01"), &p).unwrap();
        assert_eq!(b.status, MemberStatus::Member);
        assert_eq!(b.leave_until, None);
        let r = apply(&l, &resign("2025-04-01", "2025-04-30"), &p).unwrap();
        assert_eq!(r.status, MemberStatus::Resigned);
    }

    #[test]
    fn no_transition_before_the_current_status() {
        let p = policy(true, None, false);
        let m = MemberState {
            since: d("2025-03-01"),
            ..state(MemberStatus::Member)
        };
        assert_eq!(
            apply(&m, &leave("2025-02-28", None), &p),
            Err(LifecycleError::DateBeforeCurrentStatus {
                transition: TransitionName::GoOnLeave,
                date: d("2025-02-28"),
                status: MemberStatus::Member,
                since: d("2025-03-01")
            })
        );
        assert!(apply(&m, &leave("2025-03-01", None), &p).is_ok(), "same day is fine");
        assert!(
            apply(&m, &resign("2025-02-01", "2025-04-01"), &p).is_err(),
            "notice before"
        );
    }

    #[test]
    fn withdrawal() {
        let p = policy(true, None, false);
        let w = apply(&state(MemberStatus::Applicant), &withdraw("2025-02-01"), &p).unwrap();
        assert_eq!(w.status, MemberStatus::Withdrawn);
        assert!(apply(&w, &admit("2025-03-01"), &p).is_err());
    }

    #[test]
    fn good_standing() {
        use StandingReason as R;
        let on = d("2025-06-01");
        let strict = policy(true, None, false);
        let lenient = policy(false, None, true);
        let member = state(MemberStatus::Member);
        let on_leave = state(MemberStatus::OnLeave);
        assert_eq!(in_good_standing(&member, true, &strict, on), Standing::Good);
        assert!(in_good_standing(&member, true, &strict, on).may_vote());
        assert_eq!(
            in_good_standing(&member, false, &strict, on),
            Standing::NotInGoodStanding(R::QualifyingShareUnpaid)
        );
        assert_eq!(in_good_standing(&member, false, &lenient, on), Standing::Good);
        assert_eq!(
            in_good_standing(&on_leave, true, &strict, on),
            Standing::NotInGoodStanding(R::OnLeave)
        );
        assert_eq!(in_good_standing(&on_leave, true, &lenient, on), Standing::Good);
        assert_eq!(
            in_good_standing(&on_leave, false, &policy(true, None, true), on),
            Standing::NotInGoodStanding(R::QualifyingShareUnpaid)
        );
        for status in MemberStatus::ALL {
            if !matches!(status, MemberStatus::Member | MemberStatus::OnLeave) {
                let s = in_good_standing(&state(status), true, &lenient, on);
                assert_eq!(s, Standing::NotInGoodStanding(R::NotAMember { status }));
                assert!(!s.may_vote());
            }
        }
        assert_eq!(
            in_good_standing(&member, true, &strict, d("2024-01-01")),
            Standing::NotInGoodStanding(R::UnknownOnDate)
        );
        let json = serde_json::to_value(in_good_standing(&on_leave, true, &strict, on)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"standing": "not_in_good_standing", "reason": {"reason": "on_leave"}})
        );
    }

    #[test]
    fn member_numbers_start_at_one_and_are_never_reused() {
        assert_eq!(next_member_number(None), 1);
        assert_eq!(next_member_number(Some(0)), 1);
        assert_eq!(next_member_number(Some(41)), 42);
        let mut max = None;
        for expected in 1..=5 {
            let n = next_member_number(max);
            assert_eq!(n, expected);
            max = Some(n);
        }
    }

    #[test]
    fn policy_validation() {
        assert!(policy(true, None, false).validate().is_ok());
        assert!(policy(true, Some(1), false).validate().is_ok());
        assert!(policy(true, Some(60), false).validate().is_ok());
        assert!(matches!(
            policy(true, Some(0), false).validate(),
            Err(LifecycleError::InvalidPolicy { .. })
        ));
        assert!(policy(true, Some(61), false).validate().is_err());
    }

    #[test]
    fn statuses_round_trip_by_name() {
        for s in MemberStatus::ALL {
            assert_eq!(s.name().parse::<MemberStatus>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.name());
        }
        assert!("ghost".parse::<MemberStatus>().is_err());
    }

    /// The worked example of `docs/rules/membership.md`.
    #[test]
    fn worked_example_history_and_register() {
        let p = policy(true, Some(6), false);
        let steps = [
            probation("2024-09-02", None),
            admit("2025-03-10"),
            become_member("2025-06-02", true),
            leave("2025-09-01", Some("2025-12-31")),
            back("2026-01-05"),
            resign("2026-03-02", "2026-05-31"),
        ];
        let mut s = MemberState::applicant(d("2024-08-20"));
        let mut history = vec![StatusChange::application(
            d("2024-08-20"),
            Actor::User(Uuid::from_u128(1)),
        )];
        for t in &steps {
            s = apply(&s, t, &p).unwrap();
            history.push(history_entry(t, &s));
        }
        assert_eq!(s.probation_until, Some(d("2025-03-02")));
        let expected = [
            ("2024-08-19", None),
            ("2024-08-20", Some(MemberStatus::Applicant)),
            ("2024-09-02", Some(MemberStatus::Candidate)),
            ("2025-03-09", Some(MemberStatus::Candidate)),
            ("2025-03-10", Some(MemberStatus::Admitted)),
            ("2025-06-02", Some(MemberStatus::Member)),
            ("2025-10-15", Some(MemberStatus::OnLeave)),
            ("2026-01-05", Some(MemberStatus::Member)),
            ("2026-04-01", Some(MemberStatus::Member)),
            ("2026-05-31", Some(MemberStatus::Resigned)),
            ("2030-01-01", Some(MemberStatus::Resigned)),
        ];
        for (date, status) in expected {
            assert_eq!(status_on(&history, d(date)), status, "{date}");
        }
        let resign_line = history.last().unwrap();
        assert_eq!(resign_line.recorded_on, d("2026-03-02"));
        assert_eq!(resign_line.effective, d("2026-05-31"));
        assert_eq!(history[2].decision_ref.as_deref(), Some("BD-2025-03"));
        // Standing on the day a ballot opens.
        assert_eq!(
            in_good_standing(&s, true, &p, d("2026-04-15")),
            Standing::Good,
            "in the notice period"
        );
    }

    #[test]
    fn status_on_uses_the_later_change_of_the_same_day() {
        let mk = |status, effective: &str| StatusChange {
            status,
            effective: d(effective),
            recorded_on: d(effective),
            actor: Actor::System,
            transition: TransitionName::Apply,
            decision_ref: None,
            reason: None,
        };
        let h = [
            mk(MemberStatus::Applicant, "2025-01-01"),
            mk(MemberStatus::Admitted, "2025-02-01"),
            mk(MemberStatus::Member, "2025-02-01"),
        ];
        assert_eq!(status_on(&h, d("2025-02-01")), Some(MemberStatus::Member));
        assert_eq!(status_on(&[], d("2025-02-01")), None);
    }
}
