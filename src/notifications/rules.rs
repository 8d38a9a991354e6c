//! The pure rules of notifications and e-mail: which message is a legal notice, how
//! a user's preference routes an ordinary one, when a daily digest is due and what
//! it says, and which of a co-op's recorded events a member is shown.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::permissions::{Role, RoleSet};

/// Every e-mail Concord sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// An invitation to join a co-op (with the link to choose a password).
    Invitation,
    /// A password reset link the user asked for.
    PasswordReset,
    /// An applicant told they are admitted.
    Admission,
    /// A ballot opened: the notice of a vote.
    BallotOpened,
    /// The notice the bylaws require before a ballot opens (its dates and text).
    BallotNotice,
    /// A ballot cancelled: who cancelled it and why (it decides nothing).
    BallotCancelled,
    /// The convocation of a general meeting: the notice the bylaws require.
    MeetingConvocation,
    /// A reminder, a day before a ballot closes, to those who have not voted.
    BallotReminder,
    /// A ballot's result.
    BallotResult,
    /// An amendment of the bylaws shared for comments.
    AmendmentShared,
    /// An amendment of the bylaws put to the members' vote.
    AmendmentVote,
    /// An amendment of the bylaws adopted: the new bylaws in force.
    AmendmentAdopted,
    /// A new application, to the secretaries.
    Application,
    /// A member's notice of allocation of a year-end distribution.
    NoticeOfAllocation,
    /// A member's shares redeemed.
    Redemption,
    /// A reminder of share instalments due.
    InstalmentReminder,
}

/// How a message is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailClass {
    /// The law, the bylaws or the user's own request require it be delivered:
    /// always sent at once, whatever the user's preference.
    LegalNotice,
    /// Everything else: follows the user's preference.
    Ordinary,
}

impl MailKind {
    /// Every kind, for exhaustive tests.
    pub const ALL: [MailKind; 16] = [
        MailKind::Invitation,
        MailKind::PasswordReset,
        MailKind::Admission,
        MailKind::BallotOpened,
        MailKind::BallotNotice,
        MailKind::BallotCancelled,
        MailKind::MeetingConvocation,
        MailKind::BallotReminder,
        MailKind::BallotResult,
        MailKind::AmendmentShared,
        MailKind::AmendmentVote,
        MailKind::AmendmentAdopted,
        MailKind::Application,
        MailKind::NoticeOfAllocation,
        MailKind::Redemption,
        MailKind::InstalmentReminder,
    ];

    /// Whether the message is a legal notice (always delivered) or an ordinary one.
    /// Legal notices: what gives access to an account (invitation, reset), a
    /// decision about the person (admission, redemption of their shares, their
    /// notice of allocation), and the notices of a vote, of its cancellation, of a
    /// meeting and of the bylaws in force
    /// that members must receive for the decision to be valid.
    pub fn class(self) -> MailClass {
        match self {
            MailKind::Invitation
            | MailKind::PasswordReset
            | MailKind::Admission
            | MailKind::BallotOpened
            | MailKind::BallotNotice
            | MailKind::BallotCancelled
            | MailKind::MeetingConvocation
            | MailKind::AmendmentVote
            | MailKind::AmendmentAdopted
            | MailKind::NoticeOfAllocation
            | MailKind::Redemption => MailClass::LegalNotice,
            MailKind::BallotReminder
            | MailKind::BallotResult
            | MailKind::AmendmentShared
            | MailKind::Application
            | MailKind::InstalmentReminder => MailClass::Ordinary,
        }
    }

    /// The Fluent messages of its subject and body.
    pub fn keys(self) -> (&'static str, &'static str) {
        match self {
            MailKind::Invitation => ("mail-invite-subject", "mail-invite-body"),
            MailKind::PasswordReset => ("mail-reset-subject", "mail-reset-body"),
            MailKind::Admission => ("mail-admitted-subject", "mail-admitted-body"),
            MailKind::BallotOpened => ("mail-ballot-opened-subject", "mail-ballot-opened-body"),
            MailKind::BallotNotice => ("mail-ballot-notice-subject", "mail-ballot-notice-body"),
            MailKind::BallotCancelled => ("mail-ballot-cancelled-subject", "mail-ballot-cancelled-body"),
            MailKind::MeetingConvocation => ("mail-meeting-convocation-subject", "mail-meeting-convocation-body"),
            MailKind::BallotReminder => ("mail-ballot-reminder-subject", "mail-ballot-reminder-body"),
            MailKind::BallotResult => ("mail-ballot-result-subject", "mail-ballot-result-body"),
            MailKind::AmendmentShared => ("mail-amendment-shared-subject", "mail-amendment-shared-body"),
            MailKind::AmendmentVote => ("mail-amendment-vote-subject", "mail-amendment-vote-body"),
            MailKind::AmendmentAdopted => ("mail-amendment-adopted-subject", "mail-amendment-adopted-body"),
            MailKind::Application => ("mail-application-subject", "mail-application-body"),
            MailKind::NoticeOfAllocation => ("mail-notice-subject", "mail-notice-body"),
            MailKind::Redemption => ("mail-redemption-subject", "mail-redemption-body"),
            MailKind::InstalmentReminder => ("mail-instalment-subject", "mail-instalment-body"),
        }
    }
}

/// How a user wants their ordinary e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Each message as it happens (the default).
    #[default]
    Immediate,
    /// Gathered in one digest a day.
    Daily,
    /// None: only legal notices are sent.
    None,
}

impl Delivery {
    /// Every preference, in the order the account page offers them.
    pub const ALL: [Delivery; 3] = [Delivery::Immediate, Delivery::Daily, Delivery::None];

    /// The name as stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Immediate => "immediate",
            Delivery::Daily => "daily",
            Delivery::None => "none",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(name: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

/// What becomes of one message for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Sent now.
    Send,
    /// Kept for the recipient's next daily digest.
    Digest,
    /// Not sent.
    Drop,
}

/// Where a message of `kind` goes for a recipient who prefers `delivery`.
pub fn route(kind: MailKind, delivery: Delivery) -> Route {
    match (kind.class(), delivery) {
        (MailClass::LegalNotice, _) | (MailClass::Ordinary, Delivery::Immediate) => Route::Send,
        (MailClass::Ordinary, Delivery::Daily) => Route::Digest,
        (MailClass::Ordinary, Delivery::None) => Route::Drop,
    }
}

/// The least time between two digests to the same user.
pub const DIGEST_EVERY: Duration = Duration::hours(24);

/// Whether a user's digest is due at `now`: something waits, and no digest went to
/// them in the last [`DIGEST_EVERY`].
pub fn digest_due(waiting: usize, last_sent: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    waiting > 0 && last_sent.is_none_or(|last| now - last >= DIGEST_EVERY)
}

/// The body of a digest: its introduction, then each message (subject underlined,
/// then its body), oldest first, separated by a blank line.
pub fn digest_body(intro: &str, items: &[(String, String)]) -> String {
    let mut body = String::from(intro.trim_end());
    for (subject, text) in items {
        body.push_str("\n\n");
        body.push_str(subject);
        body.push('\n');
        body.push_str(&"-".repeat(subject.chars().count()));
        body.push('\n');
        body.push_str(text.trim_end());
    }
    body.push('\n');
    body
}

/// A recorded change a member is told about, by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A ballot opened.
    BallotOpened,
    /// A ballot closed: its result is out.
    BallotClosed,
    /// A ballot was cancelled.
    BallotCancelled,
    /// A general meeting was called.
    MeetingCalled,
    /// A general meeting was cancelled.
    MeetingCancelled,
    /// Minutes were adopted.
    MinutesAdopted,
    /// A version of the bylaws came into force.
    BylawsAdopted,
    /// An amendment was shared for comments.
    AmendmentShared,
    /// A year-end distribution was posted.
    DistributionPosted,
    /// A movement on the reader's own capital account.
    MyCapital,
    /// A change of the reader's own standing or roles.
    MyStanding,
    /// A movement on a member's capital account (treasurers).
    Capital,
    /// Hours recorded or imported, a year closed (treasurers).
    Hours,
    /// A distribution drafted, a payment or a redemption of retained patronage
    /// recorded (treasurers).
    Distribution,
    /// A new application (secretaries and the board).
    Application,
    /// A member's standing changed (secretaries and the board).
    Standing,
    /// An amendment drafted or put to the vote (secretaries and the board).
    Amendment,
}

impl NoticeKind {
    /// The Fluent message that says it.
    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::BallotOpened => "notif-ballot-opened",
            NoticeKind::BallotClosed => "notif-ballot-closed",
            NoticeKind::BallotCancelled => "notif-ballot-cancelled",
            NoticeKind::MeetingCalled => "notif-meeting-called",
            NoticeKind::MeetingCancelled => "notif-meeting-cancelled",
            NoticeKind::MinutesAdopted => "notif-minutes-adopted",
            NoticeKind::BylawsAdopted => "notif-bylaws-adopted",
            NoticeKind::AmendmentShared => "notif-amendment-shared",
            NoticeKind::DistributionPosted => "notif-distribution-posted",
            NoticeKind::MyCapital => "notif-my-capital",
            NoticeKind::MyStanding => "notif-my-standing",
            NoticeKind::Capital => "notif-capital",
            NoticeKind::Hours => "notif-hours",
            NoticeKind::Distribution => "notif-distribution",
            NoticeKind::Application => "notif-application",
            NoticeKind::Standing => "notif-standing",
            NoticeKind::Amendment => "notif-amendment",
        }
    }
}

/// The actions of the audit log that may ever become a notice (to narrow the query).
pub const NOTICE_ACTIONS: [&str; 36] = [
    "ballot.opened",
    "ballot.closed",
    "ballot.cancelled",
    "meetings.scheduled",
    "meetings.cancelled",
    "meetings.minutes_adopted",
    "bylaws.adopted",
    "bylaws.amendment_shared",
    "bylaws.amendment_drafted",
    "bylaws.amendment_submitted",
    "patronage.distribution_posted",
    "patronage.distribution_drafted",
    "patronage.payment_recorded",
    "patronage.retained_redeemed",
    "patronage.hours_recorded",
    "patronage.hours_imported",
    "patronage.hours_corrected",
    "patronage.year_closed",
    "shares.subscribed",
    "shares.payment_recorded",
    "shares.transferred",
    "shares.redeemed",
    "shares.redemption_paid",
    "shares.reversed",
    "shares.holdings_imported",
    "member.applied",
    "member.roles_changed",
    "member.start_probation",
    "member.admit",
    "member.become_member",
    "member.go_on_leave",
    "member.return_from_leave",
    "member.resign",
    "member.expel",
    "member.reject",
    "member.withdraw",
];

/// Whether a change of a member's record (`member.<name>`) is a change of their
/// standing or roles: a transition of the membership lifecycle other than the
/// application itself, or new roles.
fn is_standing(name: &str) -> bool {
    use crate::membership::lifecycle::TransitionName;
    name == "roles_changed"
        || serde_json::from_value::<TransitionName>(serde_json::Value::from(name))
            .is_ok_and(|t| t != TransitionName::Apply)
}

/// What a reader is told about one recorded event (`action` on `subject`, e.g.
/// `ballot.opened` on `ballot:…`), given their roles and their own member id; `None`
/// when they may not see it. Only the action and the subject are read, never the
/// event's data, so nothing a role may not see (an e-mail, a vote, a note) can leak
/// into a notice; votes themselves (`ballot.participated`) are never notices.
pub fn notice(action: &str, subject: &str, roles: &RoleSet, me: uuid::Uuid) -> Option<NoticeKind> {
    let treasurer = roles.has(Role::Treasurer);
    let registrar = roles.has(Role::Secretary) || roles.has(Role::Board);
    let about_me = subject == format!("member:{me}");
    let (area, name) = action.split_once('.')?;
    match (area, name) {
        ("ballot", "opened") => Some(NoticeKind::BallotOpened),
        ("ballot", "closed") => Some(NoticeKind::BallotClosed),
        ("ballot", "cancelled") => Some(NoticeKind::BallotCancelled),
        ("meetings", "scheduled") => Some(NoticeKind::MeetingCalled),
        ("meetings", "cancelled") => Some(NoticeKind::MeetingCancelled),
        ("meetings", "minutes_adopted") => Some(NoticeKind::MinutesAdopted),
        ("bylaws", "adopted") => Some(NoticeKind::BylawsAdopted),
        ("bylaws", "amendment_shared") => Some(NoticeKind::AmendmentShared),
        ("bylaws", "amendment_drafted" | "amendment_submitted") if registrar => Some(NoticeKind::Amendment),
        ("patronage", "distribution_posted") => Some(NoticeKind::DistributionPosted),
        ("patronage", "distribution_drafted" | "payment_recorded" | "retained_redeemed") if treasurer => {
            Some(NoticeKind::Distribution)
        }
        ("patronage", "hours_recorded" | "hours_imported" | "hours_corrected" | "year_closed") if treasurer => {
            Some(NoticeKind::Hours)
        }
        ("shares", _) if about_me => Some(NoticeKind::MyCapital),
        ("shares", _) if treasurer => Some(NoticeKind::Capital),
        ("member", "applied") if registrar => Some(NoticeKind::Application),
        ("member", name) if is_standing(name) && about_me => Some(NoticeKind::MyStanding),
        ("member", name) if is_standing(name) && registrar => Some(NoticeKind::Standing),
        _ => None,
    }
}

/// The page a notice links to, under the co-op's address (`/c/{slug}`), from the
/// event's subject.
pub fn notice_path(kind: NoticeKind, subject: &str) -> String {
    let id = subject.split_once(':').map(|(_, id)| id).unwrap_or_default();
    match kind {
        NoticeKind::BallotOpened | NoticeKind::BallotClosed | NoticeKind::BallotCancelled => {
            format!("/ballots/{id}")
        }
        NoticeKind::MeetingCalled | NoticeKind::MeetingCancelled | NoticeKind::MinutesAdopted => {
            format!("/meetings/{id}")
        }
        NoticeKind::BylawsAdopted => "/bylaws".into(),
        NoticeKind::AmendmentShared | NoticeKind::Amendment => format!("/bylaws/amendments/{id}"),
        NoticeKind::DistributionPosted => "/patronage/me".into(),
        NoticeKind::MyCapital => "/capital/me".into(),
        NoticeKind::MyStanding => "".into(),
        NoticeKind::Capital if subject.starts_with("member:") => format!("/capital/{id}"),
        NoticeKind::Capital => "/capital".into(),
        NoticeKind::Hours | NoticeKind::Distribution => "/patronage".into(),
        NoticeKind::Application | NoticeKind::Standing => format!("/register/{id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    #[test]
    fn legal_notices_and_ordinary_messages() {
        let legal: Vec<_> = MailKind::ALL
            .into_iter()
            .filter(|k| k.class() == MailClass::LegalNotice)
            .collect();
        assert_eq!(
            legal,
            [
                MailKind::Invitation,
                MailKind::PasswordReset,
                MailKind::Admission,
                MailKind::BallotOpened,
                MailKind::BallotNotice,
                MailKind::BallotCancelled,
                MailKind::MeetingConvocation,
                MailKind::AmendmentVote,
                MailKind::AmendmentAdopted,
                MailKind::NoticeOfAllocation,
                MailKind::Redemption,
            ]
        );
        let ordinary: Vec<_> = MailKind::ALL
            .into_iter()
            .filter(|k| k.class() == MailClass::Ordinary)
            .collect();
        assert_eq!(
            ordinary,
            [
                MailKind::BallotReminder,
                MailKind::BallotResult,
                MailKind::AmendmentShared,
                MailKind::Application,
                MailKind::InstalmentReminder,
            ]
        );
    }

    #[test]
    fn every_kind_has_its_own_subject_and_body() {
        let mut subjects: Vec<_> = MailKind::ALL.iter().map(|k| k.keys().0).collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), MailKind::ALL.len());
        for kind in MailKind::ALL {
            let (subject, body) = kind.keys();
            assert!(subject.ends_with("-subject") && body.ends_with("-body"), "{kind:?}");
            assert_eq!(subject.trim_end_matches("-subject"), body.trim_end_matches("-body"));
        }
    }

    #[test]
    fn every_route_of_every_kind_and_preference() {
        for kind in MailKind::ALL {
            for delivery in Delivery::ALL {
                let expected = match (kind.class(), delivery) {
                    (MailClass::LegalNotice, _) => Route::Send,
                    (MailClass::Ordinary, Delivery::Immediate) => Route::Send,
                    (MailClass::Ordinary, Delivery::Daily) => Route::Digest,
                    (MailClass::Ordinary, Delivery::None) => Route::Drop,
                };
                assert_eq!(route(kind, delivery), expected, "{kind:?} {delivery:?}");
            }
        }
        assert_eq!(route(MailKind::NoticeOfAllocation, Delivery::None), Route::Send);
        assert_eq!(route(MailKind::BallotResult, Delivery::None), Route::Drop);
        assert_eq!(route(MailKind::BallotResult, Delivery::Daily), Route::Digest);
    }

    #[test]
    fn preferences_read_back_what_they_write() {
        for delivery in Delivery::ALL {
            assert_eq!(Delivery::parse(delivery.as_str()), Some(delivery));
            assert_eq!(serde_json::to_value(delivery).unwrap(), delivery.as_str());
        }
        assert_eq!(Delivery::parse("weekly"), None);
        assert_eq!(Delivery::parse(""), None);
        assert_eq!(Delivery::parse("Daily"), None);
        assert_eq!(Delivery::default(), Delivery::Immediate);
    }

    #[test]
    fn a_digest_is_due_once_a_day_when_something_waits() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 7, 0, 0).unwrap();
        assert!(!digest_due(0, None, now), "nothing waits");
        assert!(digest_due(1, None, now), "never sent");
        assert!(!digest_due(3, Some(now - Duration::hours(23)), now));
        assert!(!digest_due(
            3,
            Some(now - Duration::hours(24) + Duration::seconds(1)),
            now
        ));
        assert!(digest_due(3, Some(now - Duration::hours(24)), now));
        assert!(digest_due(1, Some(now - Duration::days(3)), now));
        assert!(!digest_due(0, Some(now - Duration::days(3)), now));
    }

    #[test]
    fn a_digest_lists_each_message_under_its_subject() {
        let items = vec![
            ("Result: Budget".to_string(), "Carried.\n".to_string()),
            ("Reminder".to_string(), "Vote by Friday.".to_string()),
        ];
        assert_eq!(
            digest_body("Hello Max,\n", &items),
            "Hello Max,\n\nResult: Budget\n--------------\nCarried.\n\nReminder\n--------\nVote by Friday.\n"
        );
        assert_eq!(digest_body("Hello", &[]), "Hello\n");
    }

    fn roles(list: &[Role]) -> RoleSet {
        RoleSet::new(list.iter().copied())
    }

    #[test]
    fn what_every_member_is_told() {
        let me = Uuid::now_v7();
        let member = roles(&[]);
        let cases = [
            ("ballot.opened", NoticeKind::BallotOpened),
            ("ballot.closed", NoticeKind::BallotClosed),
            ("ballot.cancelled", NoticeKind::BallotCancelled),
            ("meetings.scheduled", NoticeKind::MeetingCalled),
            ("meetings.cancelled", NoticeKind::MeetingCancelled),
            ("meetings.minutes_adopted", NoticeKind::MinutesAdopted),
            ("bylaws.adopted", NoticeKind::BylawsAdopted),
            ("bylaws.amendment_shared", NoticeKind::AmendmentShared),
            ("patronage.distribution_posted", NoticeKind::DistributionPosted),
        ];
        for (action, kind) in cases {
            assert_eq!(notice(action, "x:1", &member, me), Some(kind), "{action}");
            assert!(NOTICE_ACTIONS.contains(&action), "{action}");
        }
    }

    #[test]
    fn votes_proxies_comments_and_accounts_are_never_notices() {
        let me = Uuid::now_v7();
        let everyone = roles(&Role::ALL);
        for action in [
            "ballot.participated",
            "ballot.proxy_given",
            "ballot.proxy_withdrawn",
            "ballot.meeting_papers",
            "ballot.created",
            "bylaws.comment_added",
            "bylaws.comment_hidden",
            "user.password_changed",
            "member.invited",
            "member.invitations_sent",
            "member.added",
            "coop.parameters_changed",
            "meetings.attendance_recorded",
            "nonsense",
        ] {
            assert_eq!(notice(action, &format!("member:{me}"), &everyone, me), None, "{action}");
        }
    }

    #[test]
    fn own_records_for_the_member_others_for_their_keepers() {
        let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
        let mine = format!("member:{me}");
        let theirs = format!("member:{other}");
        let member = roles(&[]);
        let treasurer = roles(&[Role::Treasurer]);
        let secretary = roles(&[Role::Secretary]);
        let board = roles(&[Role::Board]);
        let admin = roles(&[Role::Admin]);
        assert_eq!(
            notice("shares.payment_recorded", &mine, &member, me),
            Some(NoticeKind::MyCapital)
        );
        assert_eq!(notice("shares.payment_recorded", &theirs, &member, me), None);
        assert_eq!(
            notice("shares.payment_recorded", &theirs, &treasurer, me),
            Some(NoticeKind::Capital)
        );
        assert_eq!(
            notice("shares.payment_recorded", &mine, &treasurer, me),
            Some(NoticeKind::MyCapital)
        );
        assert_eq!(notice("shares.payment_recorded", &theirs, &secretary, me), None);
        assert_eq!(
            notice("member.resign", &mine, &member, me),
            Some(NoticeKind::MyStanding)
        );
        assert_eq!(notice("member.resign", &theirs, &member, me), None);
        assert_eq!(notice("member.resign", &theirs, &treasurer, me), None);
        assert_eq!(
            notice("member.resign", &theirs, &secretary, me),
            Some(NoticeKind::Standing)
        );
        assert_eq!(notice("member.resign", &theirs, &board, me), Some(NoticeKind::Standing));
        assert_eq!(notice("member.resign", &theirs, &admin, me), None);
        assert_eq!(
            notice("member.applied", &theirs, &board, me),
            Some(NoticeKind::Application)
        );
        assert_eq!(notice("member.applied", &theirs, &member, me), None);
        assert_eq!(notice("member.applied", &mine, &member, me), None);
        for action in [
            "patronage.hours_imported",
            "patronage.year_closed",
            "patronage.hours_recorded",
        ] {
            assert_eq!(notice(action, "fiscal_year:1", &treasurer, me), Some(NoticeKind::Hours));
            assert_eq!(notice(action, "fiscal_year:1", &board, me), None);
        }
        for action in ["patronage.distribution_drafted", "patronage.payment_recorded"] {
            assert_eq!(notice(action, &theirs, &treasurer, me), Some(NoticeKind::Distribution));
            assert_eq!(notice(action, &theirs, &member, me), None);
        }
        assert_eq!(
            notice("bylaws.amendment_drafted", "amendment:1", &board, me),
            Some(NoticeKind::Amendment)
        );
        assert_eq!(notice("bylaws.amendment_drafted", "amendment:1", &member, me), None);
    }

    #[test]
    fn notices_link_to_their_page() {
        let id = "0192";
        let cases = [
            (NoticeKind::BallotOpened, "ballot:0192", format!("/ballots/{id}")),
            (NoticeKind::BallotClosed, "ballot:0192", format!("/ballots/{id}")),
            (NoticeKind::MeetingCalled, "meeting:0192", format!("/meetings/{id}")),
            (
                NoticeKind::AmendmentShared,
                "amendment:0192",
                format!("/bylaws/amendments/{id}"),
            ),
            (NoticeKind::BylawsAdopted, "bylaws:c:2", "/bylaws".to_string()),
            (
                NoticeKind::DistributionPosted,
                "distribution:0192",
                "/patronage/me".to_string(),
            ),
            (NoticeKind::MyCapital, "member:0192", "/capital/me".to_string()),
            (NoticeKind::MyStanding, "member:0192", String::new()),
            (NoticeKind::Capital, "member:0192", format!("/capital/{id}")),
            (NoticeKind::Capital, "coop:0192", "/capital".to_string()),
            (NoticeKind::Hours, "fiscal_year:0192", "/patronage".to_string()),
            (NoticeKind::Application, "member:0192", format!("/register/{id}")),
            (NoticeKind::Standing, "member:0192", format!("/register/{id}")),
        ];
        for (kind, subject, path) in cases {
            assert_eq!(notice_path(kind, subject), path, "{kind:?}");
            assert!(kind.key().starts_with("notif-"));
        }
    }

    #[test]
    fn the_query_reads_exactly_the_actions_that_can_be_notices() {
        let me = Uuid::now_v7();
        let everyone = roles(&Role::ALL);
        for action in NOTICE_ACTIONS {
            assert!(
                notice(action, &format!("member:{me}"), &everyone, me).is_some(),
                "{action}"
            );
        }
        let members: Vec<&str> = NOTICE_ACTIONS
            .iter()
            .filter_map(|a| a.strip_prefix("member."))
            .collect();
        assert_eq!(members.iter().filter(|m| is_standing(m)).count(), 10, "{members:?}");
        assert!(!is_standing("apply") && !is_standing("profile_changed") && !is_standing("invited"));
    }
}

/// A legal notice whose delivery is followed member by member: the secretary and
/// the treasurer see who was reached and resend to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalNotice {
    /// The members' notices of allocation of a year-end distribution.
    Allocation,
    /// The convocation of a general meeting.
    Convocation,
    /// The notice the bylaws require before a ballot opens.
    BallotNotice,
    /// A ballot's opening: the call to vote.
    BallotOpening,
}

impl LegalNotice {
    /// Every legal notice.
    pub const ALL: [LegalNotice; 4] = [
        LegalNotice::Allocation,
        LegalNotice::Convocation,
        LegalNotice::BallotNotice,
        LegalNotice::BallotOpening,
    ];

    /// Its name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            LegalNotice::Allocation => "allocation",
            LegalNotice::Convocation => "convocation",
            LegalNotice::BallotNotice => "ballot_notice",
            LegalNotice::BallotOpening => "ballot_opening",
        }
    }

    /// The notice named `name` in the database.
    pub fn parse(name: &str) -> Option<LegalNotice> {
        LegalNotice::ALL.into_iter().find(|n| n.as_str() == name)
    }
}
