//! The pure rules of the co-op's dashboard: which sections each role sees, what a
//! closed ballot decided, which fiscal year is the current one and where it stands,
//! which instalments are worth showing, and which ballots are waiting on their keepers.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::permissions::{Action, Role, RoleSet};
use crate::ballots::rules::{BallotResult, QuestionResult, Status};
use crate::shares::rules::{InstalmentLine, InstalmentState};

/// One section of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Open ballots, with their deadlines and a link to vote.
    Ballots,
    /// The member's own membership and shares, instalments due.
    Membership,
    /// The member's hours in the current fiscal year.
    Hours,
    /// The member's notices of allocation.
    Notices,
    /// The co-op's recent decisions.
    Decisions,
    /// Payments due and overdue across the co-op (treasurers).
    Payments,
    /// The current fiscal year's state (treasurers).
    FiscalYear,
    /// The capital totals (treasurers).
    Capital,
    /// Applications waiting for a decision (secretaries and the board).
    Applications,
    /// Ballots to open and to close (secretaries and the board).
    BallotsToRun,
    /// Amendments of the bylaws in draft (secretaries and the board).
    Amendments,
    /// Members whose standing changed recently (secretaries and the board).
    Standing,
    /// What is left to set up (every officer).
    Setup,
}

impl Section {
    /// Every section, in the order of the page.
    pub const ALL: [Section; 13] = [
        Section::Ballots,
        Section::Membership,
        Section::Hours,
        Section::Notices,
        Section::Decisions,
        Section::Payments,
        Section::FiscalYear,
        Section::Capital,
        Section::Applications,
        Section::BallotsToRun,
        Section::Amendments,
        Section::Standing,
        Section::Setup,
    ];

    /// The roles that see the section (any one of them suffices).
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Section::Ballots | Section::Membership | Section::Hours | Section::Notices | Section::Decisions => {
                &[Member, Treasurer, Secretary, Board, Admin]
            }
            Section::Payments | Section::FiscalYear | Section::Capital => &[Treasurer],
            Section::Applications | Section::BallotsToRun | Section::Amendments | Section::Standing => {
                &[Secretary, Board]
            }
            Section::Setup => &[Treasurer, Secretary, Board, Admin],
        }
    }

    /// The permission the section's facts are read under.
    pub fn action(self) -> Action {
        match self {
            Section::Ballots | Section::Decisions => Action::ViewCoop,
            Section::Membership | Section::Hours | Section::Notices => Action::ViewPatronage,
            Section::Payments | Section::FiscalYear | Section::Capital => Action::ManageCapital,
            Section::Applications | Section::Standing => Action::ManageRegister,
            Section::BallotsToRun => Action::ManageBallots,
            Section::Amendments => Action::DraftBylaws,
            Section::Setup => Action::ViewMembers,
        }
    }
}

/// The sections a member holding `roles` sees, in page order: every role's sections
/// together (a member who is also treasurer sees both).
pub fn sections(roles: &RoleSet) -> Vec<Section> {
    Section::ALL
        .into_iter()
        .filter(|s| s.roles().iter().any(|r| roles.has(*r)))
        .collect()
}

/// What one question of a closed ballot decided, as stored with its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The motion was carried.
    Carried,
    /// The motion was not carried (the threshold was not met).
    Rejected,
    /// Too few took part: nothing was decided.
    NoQuorum,
    /// The election's winners, in order of election.
    Elected {
        /// Their names.
        names: Vec<String>,
    },
}

/// The outcome of each question of a stored result.
pub fn outcomes(result: &BallotResult) -> Vec<Outcome> {
    result
        .questions
        .iter()
        .map(|q| match q {
            QuestionResult::Motion(m) if m.carried => Outcome::Carried,
            QuestionResult::Motion(_) if !result.quorum_met => Outcome::NoQuorum,
            QuestionResult::Motion(_) => Outcome::Rejected,
            QuestionResult::Election { valid: false, .. } => Outcome::NoQuorum,
            QuestionResult::Election { count, .. } => Outcome::Elected {
                names: count.elected.clone(),
            },
        })
        .collect()
}

/// How long a closed ballot counts as a recent decision.
pub const RECENT: Duration = Duration::days(90);

/// The most recent decisions shown.
pub const RECENT_DECISIONS: usize = 5;

/// Whether a ballot that ended at `ended_at` is a recent decision at `now`.
pub fn is_recent(ended_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    ended_at.is_some_and(|ended| ended <= now && now - ended <= RECENT)
}

/// Whether a ballot waits for its keepers to close it: open, and either without a
/// closing time (closed by hand) or past it.
pub fn to_close(status: Status, closes_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == Status::Open && closes_at.is_none_or(|c| c <= now)
}

/// The current fiscal year among `(starts_on, ends_on)` spans: the one containing
/// `today`, else the latest one that has started. Returns its index.
pub fn current_year(spans: &[(NaiveDate, NaiveDate)], today: NaiveDate) -> Option<usize> {
    spans
        .iter()
        .position(|(start, end)| *start <= today && today <= *end)
        .or_else(|| {
            spans
                .iter()
                .enumerate()
                .filter(|(_, (start, _))| *start <= today)
                .max_by_key(|(_, (start, _))| *start)
                .map(|(i, _)| i)
        })
}

/// Where the current fiscal year's distribution stands, from its distributions'
/// statuses: the furthest along, reversed ones aside.
pub fn distribution_stage(statuses: &[&str]) -> Option<&'static str> {
    ["posted", "approved", "proposed", "draft"]
        .into_iter()
        .find(|stage| statuses.contains(stage))
}

/// The instalments worth showing a member: those not fully paid, each marked
/// overdue or not.
pub fn open_instalments(lines: &[InstalmentLine]) -> Vec<&InstalmentLine> {
    lines.iter().filter(|l| l.state != InstalmentState::Paid).collect()
}

/// How long a change of standing stays on the secretaries' dashboard.
pub const RECENT_STANDING: Duration = Duration::days(30);

/// The changes of standing worth showing at `now`, from the register's history in
/// the order recorded (`(member, recorded_at)`): those recorded in the last
/// [`RECENT_STANDING`] that are not a member's first entry (an application or an
/// entry on the register is not a change of standing). Returns their indexes,
/// newest first.
pub fn recent_standing(history: &[(uuid::Uuid, DateTime<Utc>)], now: DateTime<Utc>) -> Vec<usize> {
    let mut seen = std::collections::HashSet::new();
    let mut changes: Vec<usize> = history
        .iter()
        .enumerate()
        .filter(|(_, (member, at))| !seen.insert(*member) && *at <= now && now - *at <= RECENT_STANDING)
        .map(|(i, _)| i)
        .collect();
    changes.reverse();
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permissions::can;
    use chrono::TimeZone;

    fn set(list: &[Role]) -> RoleSet {
        RoleSet::new(list.iter().copied())
    }

    const MEMBER: [Section; 5] = [
        Section::Ballots,
        Section::Membership,
        Section::Hours,
        Section::Notices,
        Section::Decisions,
    ];

    #[test]
    fn each_role_sees_its_sections() {
        assert_eq!(sections(&set(&[])), MEMBER);
        let mut treasurer = MEMBER.to_vec();
        treasurer.extend([Section::Payments, Section::FiscalYear, Section::Capital, Section::Setup]);
        assert_eq!(sections(&set(&[Role::Treasurer])), treasurer);
        let mut registrar = MEMBER.to_vec();
        registrar.extend([
            Section::Applications,
            Section::BallotsToRun,
            Section::Amendments,
            Section::Standing,
            Section::Setup,
        ]);
        assert_eq!(sections(&set(&[Role::Secretary])), registrar);
        assert_eq!(sections(&set(&[Role::Board])), registrar);
        let mut admin = MEMBER.to_vec();
        admin.push(Section::Setup);
        assert_eq!(sections(&set(&[Role::Admin])), admin);
        assert_eq!(sections(&set(&Role::ALL)), Section::ALL);
    }

    #[test]
    fn roles_add_up() {
        // Every combination of roles: the sections are the union of each role's.
        for mask in 0u32..(1 << Role::ALL.len()) {
            let roles: Vec<Role> = Role::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, r)| r)
                .collect();
            let together = sections(&set(&roles));
            let mut union: Vec<Section> = roles.iter().flat_map(|r| sections(&set(&[*r]))).collect();
            union.extend(sections(&set(&[])));
            union.sort();
            union.dedup();
            assert_eq!(together, union, "{roles:?}");
        }
    }

    #[test]
    fn a_section_is_only_shown_to_roles_allowed_to_read_it() {
        for section in Section::ALL {
            for role in section.roles() {
                assert!(can(&set(&[*role]), section.action()), "{section:?} for {role:?}");
            }
        }
    }

    fn motion(carried: bool, threshold_met: bool) -> QuestionResult {
        use crate::ballots::rules::{Base, MotionCounts, MotionOutcome, Threshold};
        QuestionResult::Motion(MotionOutcome {
            counts: MotionCounts {
                for_: 3,
                against: 1,
                abstain: 0,
            },
            threshold: Threshold::Simple,
            base: Base::CastExcludingAbstentions,
            base_size: 4,
            percent_for: Some("75.00".into()),
            threshold_met,
            carried,
        })
    }

    fn result(quorum_met: bool, questions: Vec<QuestionResult>) -> BallotResult {
        BallotResult {
            roll: 6,
            participants: 4,
            present: None,
            quorum_required: 3,
            quorum_met,
            papers: 4,
            questions,
            papers_hash: String::new(),
            seed: String::new(),
        }
    }

    #[test]
    fn what_a_ballot_decided() {
        assert_eq!(outcomes(&result(true, vec![motion(true, true)])), [Outcome::Carried]);
        assert_eq!(outcomes(&result(true, vec![motion(false, false)])), [Outcome::Rejected]);
        assert_eq!(outcomes(&result(false, vec![motion(false, true)])), [Outcome::NoQuorum]);
        assert_eq!(
            outcomes(&result(true, vec![motion(true, true), motion(false, false)])),
            [Outcome::Carried, Outcome::Rejected]
        );
        assert_eq!(outcomes(&result(true, vec![])), []);
    }

    #[test]
    fn recent_decisions_are_those_of_the_last_ninety_days() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap();
        assert!(is_recent(Some(now), now));
        assert!(is_recent(Some(now - Duration::days(90)), now));
        assert!(!is_recent(Some(now - Duration::days(90) - Duration::seconds(1)), now));
        assert!(!is_recent(Some(now + Duration::seconds(1)), now));
        assert!(!is_recent(None, now));
    }

    #[test]
    fn ballots_to_close() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap();
        assert!(to_close(Status::Open, None, now));
        assert!(to_close(Status::Open, Some(now), now));
        assert!(to_close(Status::Open, Some(now - Duration::hours(1)), now));
        assert!(!to_close(Status::Open, Some(now + Duration::hours(1)), now));
        for status in [Status::Draft, Status::Closed, Status::Cancelled] {
            assert!(!to_close(status, None, now), "{status:?}");
            assert!(!to_close(status, Some(now - Duration::hours(1)), now), "{status:?}");
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_current_fiscal_year() {
        let years = [
            (d(2024, 1, 1), d(2024, 12, 31)),
            (d(2026, 1, 1), d(2026, 12, 31)),
            (d(2025, 1, 1), d(2025, 12, 31)),
        ];
        assert_eq!(current_year(&years, d(2026, 11, 26)), Some(1));
        assert_eq!(current_year(&years, d(2025, 1, 1)), Some(2));
        assert_eq!(current_year(&years, d(2024, 12, 31)), Some(0));
        assert_eq!(current_year(&years, d(2027, 3, 1)), Some(1), "the latest started");
        assert_eq!(current_year(&years, d(2023, 3, 1)), None, "none started");
        assert_eq!(current_year(&[], d(2026, 1, 1)), None);
    }

    #[test]
    fn where_the_distribution_stands() {
        assert_eq!(distribution_stage(&[]), None);
        assert_eq!(distribution_stage(&["reversed"]), None);
        assert_eq!(distribution_stage(&["draft"]), Some("draft"));
        assert_eq!(distribution_stage(&["draft", "proposed"]), Some("proposed"));
        assert_eq!(distribution_stage(&["approved", "draft"]), Some("approved"));
        assert_eq!(distribution_stage(&["reversed", "posted", "draft"]), Some("posted"));
    }

    #[test]
    fn only_unpaid_instalments_are_shown() {
        use crate::money::{Currency, Money};
        let eur = |c| Money::from_cents(c, Currency::Eur).unwrap();
        let line = |state, paid| InstalmentLine {
            due: d(2026, 10, 1),
            amount: eur(2500),
            paid: eur(paid),
            state,
        };
        let lines = [
            line(InstalmentState::Paid, 2500),
            line(InstalmentState::Overdue, 1000),
            line(InstalmentState::Due, 0),
            line(InstalmentState::Upcoming, 0),
        ];
        let open = open_instalments(&lines);
        assert_eq!(
            open.iter().map(|l| l.state).collect::<Vec<_>>(),
            [
                InstalmentState::Overdue,
                InstalmentState::Due,
                InstalmentState::Upcoming
            ]
        );
    }

    #[test]
    fn changes_of_standing_are_a_members_later_entries_of_the_last_month() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap();
        let (a, b, c) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let history = [
            (a, now - Duration::days(400)),
            (b, now - Duration::days(2)),
            (a, now - Duration::days(31)),
            (a, now - Duration::days(30)),
            (c, now - Duration::days(1)),
            (b, now - Duration::days(1)),
            (c, now),
        ];
        assert_eq!(recent_standing(&history, now), [6, 5, 3]);
        assert_eq!(recent_standing(&history[..2], now), Vec::<usize>::new());
        assert_eq!(recent_standing(&[], now), Vec::<usize>::new());
    }
}
