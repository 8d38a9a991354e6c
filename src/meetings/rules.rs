//! The pure rules of general meetings: kinds and statuses, what may change when,
//! the agenda's shape, who may be recorded as attending (and by which proxy), the
//! count against the roll and quorum, and when minutes may be adopted. No I/O, no
//! clock: the caller passes the time in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ballots::rules::{check_proxy, BallotError, ProxyLimit, Quorum};

/// The longest title of a meeting or of an agenda item.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest place (an address or a link).
pub const MAX_PLACE_CHARS: usize = 500;
/// The longest reason for a cancellation.
pub const MAX_REASON_CHARS: usize = 500;
/// The longest note of an agenda item (Markdown).
pub const MAX_NOTE_CHARS: usize = 10_000;
/// The most items on one agenda.
pub const MAX_AGENDA_ITEMS: usize = 100;
/// The longest minutes (Markdown).
pub const MAX_MINUTES_CHARS: usize = 100_000;

/// What kind of general meeting it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An ordinary general meeting.
    General,
    /// The annual general meeting (accounts, the year's distribution, elections).
    Annual,
    /// An extraordinary general meeting (e.g. to amend the bylaws).
    Extraordinary,
}

impl Kind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Kind; 3] = [Kind::General, Kind::Annual, Kind::Extraordinary];

    /// The kind's name as stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::General => "general",
            Kind::Annual => "annual",
            Kind::Extraordinary => "extraordinary",
        }
    }

    /// The kind a stored or submitted name stands for.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Where a meeting is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = MeetingStatus)]
pub enum Status {
    /// Called, not yet held: details, agenda and attendance may change.
    Scheduled,
    /// Held: attendance and minutes are being recorded.
    Held,
    /// Its minutes were adopted by a later meeting: frozen.
    Adopted,
    /// Called off, with a reason.
    Cancelled,
}

impl Status {
    /// The status's name as stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Held => "held",
            Status::Adopted => "adopted",
            Status::Cancelled => "cancelled",
        }
    }

    /// The status a stored name stands for.
    pub fn parse(name: &str) -> Option<Status> {
        [Status::Scheduled, Status::Held, Status::Adopted, Status::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == name)
    }

    /// Whether the meeting's details, agenda, attendance and minutes may still change.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Scheduled | Status::Held)
    }
}

/// Why a change to a meeting is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    /// A field is wrong; `field` is named as the API names it.
    #[error("{message}")]
    Invalid {
        /// The field (`title`, `agenda[2].ballot_id`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The meeting's state forbids the change.
    #[error("{0}")]
    State(String),
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> MeetingError {
    MeetingError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// A meeting's details as the secretary gives them, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// The kind of meeting.
    pub kind: Kind,
    /// Its title ("Annual general meeting 2026").
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// An address or a link to the video call.
    pub place: String,
}

/// Checks a meeting's details; every problem, field by field.
pub fn check_details(details: &Details) -> Vec<MeetingError> {
    let mut errors = Vec::new();
    let title = details.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        errors.push(invalid("title", "Give the meeting a title of 1 to 200 characters."));
    }
    if details.place.trim().chars().count() > MAX_PLACE_CHARS {
        errors.push(invalid("place", "Give the place or link in at most 500 characters."));
    }
    errors
}

/// Whether the details may be edited: while the meeting is scheduled or held; the
/// date only while it is scheduled.
pub fn check_edit(status: Status, date_changes: bool) -> Result<(), MeetingError> {
    match status {
        Status::Scheduled => Ok(()),
        Status::Held if !date_changes => Ok(()),
        Status::Held => Err(invalid(
            "starts_at",
            "The meeting was held: its date can no longer change.",
        )),
        Status::Adopted => Err(MeetingError::State(
            "The minutes of this meeting are adopted: the meeting can no longer change.".into(),
        )),
        Status::Cancelled => Err(MeetingError::State(
            "This meeting was cancelled: it can no longer change.".into(),
        )),
    }
}

/// Whether two times fall in the same minute: forms give a meeting's time to the
/// minute, so a time sent back unchanged is no change of date.
pub fn same_minute(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    a.timestamp().div_euclid(60) == b.timestamp().div_euclid(60)
}

/// Whether a change to the agenda, the attendance or the minutes may be made.
pub fn check_open(status: Status) -> Result<(), MeetingError> {
    match status {
        Status::Scheduled | Status::Held => Ok(()),
        Status::Adopted => Err(MeetingError::State(
            "The minutes of this meeting are adopted: its record is frozen.".into(),
        )),
        Status::Cancelled => Err(MeetingError::State("This meeting was cancelled.".into())),
    }
}

/// Marks a meeting held: only a scheduled meeting that has started by `now`.
pub fn mark_held(status: Status, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<Status, MeetingError> {
    if status != Status::Scheduled {
        return Err(MeetingError::State(
            "Only a scheduled meeting can be marked as held.".into(),
        ));
    }
    if starts_at > now {
        return Err(MeetingError::State(
            "The meeting has not started yet: it can be marked as held once it has.".into(),
        ));
    }
    Ok(Status::Held)
}

/// Cancels a scheduled meeting, with a reason of 1 to 500 characters.
pub fn cancel(status: Status, reason: &str) -> Result<Status, MeetingError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(invalid(
            "reason",
            "Say why the meeting is cancelled (1 to 500 characters).",
        ));
    }
    if status != Status::Scheduled {
        return Err(MeetingError::State("Only a scheduled meeting can be cancelled.".into()));
    }
    Ok(Status::Cancelled)
}

/// Checks the minutes' length.
pub fn check_minutes(minutes: &str) -> Result<(), MeetingError> {
    if minutes.chars().count() > MAX_MINUTES_CHARS {
        return Err(invalid(
            "minutes",
            "The minutes may be at most 100,000 characters long.",
        ));
    }
    Ok(())
}

/// A meeting as the adoption of minutes sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    /// Its id.
    pub id: Uuid,
    /// Its status.
    pub status: Status,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
}

/// Whether the minutes of `minutes_of` (which are `text`) may be adopted by
/// `adopting`: the first was held and has minutes, the second is a later meeting
/// that has started by `now` and is not cancelled.
pub fn check_adoption(minutes_of: Dated, text: &str, adopting: Dated, now: DateTime<Utc>) -> Result<(), MeetingError> {
    match minutes_of.status {
        Status::Held => {}
        Status::Adopted => return Err(MeetingError::State("These minutes are already adopted.".into())),
        Status::Scheduled => {
            return Err(MeetingError::State(
                "The meeting has not been held yet: there are no minutes to adopt.".into(),
            ))
        }
        Status::Cancelled => return Err(MeetingError::State("This meeting was cancelled.".into())),
    }
    if text.trim().is_empty() {
        return Err(MeetingError::State("Draft the minutes before they are adopted.".into()));
    }
    if adopting.id == minutes_of.id || adopting.starts_at <= minutes_of.starts_at {
        return Err(invalid(
            "adopted_by",
            "Minutes are adopted by a later meeting: choose a meeting held after this one.",
        ));
    }
    if adopting.status == Status::Cancelled {
        return Err(invalid("adopted_by", "That meeting was cancelled."));
    }
    if adopting.starts_at > now {
        return Err(invalid(
            "adopted_by",
            "That meeting has not started yet: minutes are adopted at the meeting itself.",
        ));
    }
    Ok(())
}

/// One agenda item as given, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgendaItem {
    /// What is discussed ("Approval of the 2025 accounts").
    pub title: String,
    /// Details in Markdown (left out: none).
    #[serde(default)]
    pub note: String,
    /// The ballot this item decides, of the same co-op.
    #[serde(default)]
    pub ballot_id: Option<Uuid>,
}

/// Checks an agenda and returns it trimmed; every problem, item by item. A ballot
/// appears at most once; whether it belongs to the co-op is the caller's check
/// (and the database's, by its composite key).
pub fn check_agenda(items: &[AgendaItem]) -> Result<Vec<AgendaItem>, Vec<MeetingError>> {
    let mut errors = Vec::new();
    if items.len() > MAX_AGENDA_ITEMS {
        errors.push(invalid("agenda", "An agenda has at most 100 items."));
    }
    let mut seen = Vec::new();
    let mut clean = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let title = item.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            errors.push(invalid(
                format!("agenda[{i}].title"),
                "Give each item a title of 1 to 200 characters.",
            ));
        }
        if item.note.chars().count() > MAX_NOTE_CHARS {
            errors.push(invalid(
                format!("agenda[{i}].note"),
                "A note may be at most 10,000 characters long.",
            ));
        }
        if let Some(ballot) = item.ballot_id {
            if seen.contains(&ballot) {
                errors.push(invalid(
                    format!("agenda[{i}].ballot_id"),
                    "This ballot is already linked to another item of the agenda.",
                ));
            }
            seen.push(ballot);
        }
        clean.push(AgendaItem {
            title: title.to_string(),
            note: item.note.trim().to_string(),
            ballot_id: item.ballot_id,
        });
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// One line of attendance: a member present in person (`proxy_holder` none) or
/// represented by a member present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attendance {
    /// The member.
    pub member_id: Uuid,
    /// Who holds their proxy, when they are represented.
    pub proxy_holder: Option<Uuid>,
}

/// Whether a line of attendance may be added to `recorded`: the member belongs to
/// the roll (`members`), is not recorded yet; a proxy's holder is a member present
/// in person, not the member themself, and holds fewer proxies than the co-op's
/// limit allows (the ballots' rule, [`check_proxy`]).
pub fn check_attendance(
    recorded: &[Attendance],
    members: &[Uuid],
    line: Attendance,
    limit: ProxyLimit,
) -> Result<(), MeetingError> {
    if !members.contains(&line.member_id) {
        return Err(invalid(
            "member_id",
            "This person is not a member in good standing of the co-op.",
        ));
    }
    if recorded.iter().any(|a| a.member_id == line.member_id) {
        return Err(MeetingError::State(
            "This member's attendance is already recorded for this meeting.".into(),
        ));
    }
    let Some(holder) = line.proxy_holder else {
        return Ok(());
    };
    let present = |m: Uuid| recorded.iter().any(|a| a.member_id == m && a.proxy_holder.is_none());
    if holder != line.member_id && !present(holder) {
        return Err(invalid(
            "proxy_holder",
            "A proxy is held by a member present in person: record the holder's attendance first.",
        ));
    }
    let held = recorded.iter().filter(|a| a.proxy_holder == Some(holder)).count() as u64;
    check_proxy(limit, members.len() as u64, holder == line.member_id, true, held).map_err(|e| match e {
        BallotError::Proxy(message) => invalid(
            "proxy_holder",
            message
                .replace("This ballot", "The co-op's proxy rule")
                .replace("this ballot", "this co-op"),
        ),
        other => invalid("proxy_holder", other.to_string()),
    })
}

/// Whether a line may be removed: a member present in person who still holds
/// proxies cannot be removed before them.
pub fn check_removal(recorded: &[Attendance], member: Uuid) -> Result<(), MeetingError> {
    if !recorded.iter().any(|a| a.member_id == member) {
        return Err(MeetingError::State("This member's attendance is not recorded.".into()));
    }
    if recorded.iter().any(|a| a.proxy_holder == Some(member)) {
        return Err(MeetingError::State(
            "This member holds proxies at the meeting: remove those first.".into(),
        ));
    }
    Ok(())
}

/// A proxy given on a ballot of the agenda (from the ballot's proxies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BallotProxy {
    /// Who gave it.
    pub grantor: Uuid,
    /// Who holds it.
    pub holder: Uuid,
}

/// Who took part in the meeting and how, and the count against the roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Count {
    /// Members present in person.
    pub present: Vec<Uuid>,
    /// Members represented: (member, holder, recorded at the meeting rather than
    /// taken from a ballot's proxy).
    pub represented: Vec<(Uuid, Uuid, bool)>,
    /// Members in good standing.
    pub roll: u64,
    /// Participants the co-op's quorum needs on that roll.
    pub quorum_required: u64,
    /// Whether present and represented members reach it.
    pub quorum_met: bool,
}

/// Counts the attendance: the members present in person, the members represented
/// (by a proxy recorded at the meeting or, for members not recorded, a proxy given
/// on one of the agenda's ballots to a member present), and the total against the
/// co-op's quorum on a roll of `roll` members.
pub fn count(recorded: &[Attendance], ballot_proxies: &[BallotProxy], roll: u64, quorum: Quorum) -> Count {
    let present: Vec<Uuid> = recorded
        .iter()
        .filter(|a| a.proxy_holder.is_none())
        .map(|a| a.member_id)
        .collect();
    let mut represented: Vec<(Uuid, Uuid, bool)> = recorded
        .iter()
        .filter_map(|a| a.proxy_holder.map(|h| (a.member_id, h, true)))
        .collect();
    for p in ballot_proxies {
        let known = recorded.iter().any(|a| a.member_id == p.grantor) || represented.iter().any(|r| r.0 == p.grantor);
        if !known && present.contains(&p.holder) {
            represented.push((p.grantor, p.holder, false));
        }
    }
    let participants = (present.len() + represented.len()) as u64;
    let quorum_required = quorum.required(roll);
    Count {
        present,
        represented,
        roll,
        quorum_required,
        quorum_met: participants >= quorum_required,
    }
}

/// The meeting at which a meeting ballot is being voted, among the meetings whose
/// agenda lists it (`linked`): the one that started last by `now` among those still
/// open (scheduled or held). A ballot adjourned to a later meeting is thus decided
/// at the later one; a ballot whose meeting has not started cannot be closed, since
/// the chair closes the vote during the meeting.
pub fn meeting_of_vote(linked: &[Dated], now: DateTime<Utc>) -> Result<Uuid, MeetingError> {
    if linked.is_empty() {
        return Err(MeetingError::State(
            "This ballot is voted at a meeting but is on no meeting's agenda: put it on the agenda of its meeting and record the attendance before closing it.".into(),
        ));
    }
    let open: Vec<&Dated> = linked.iter().filter(|m| m.status.is_open()).collect();
    if open.is_empty() {
        return Err(MeetingError::State(
            "The meetings whose agenda lists this ballot are cancelled or their minutes adopted: a meeting ballot is closed during its meeting.".into(),
        ));
    }
    open.into_iter()
        .filter(|m| m.starts_at <= now)
        .max_by_key(|m| (m.starts_at, m.id))
        .map(|m| m.id)
        .ok_or_else(|| {
            MeetingError::State(
                "The meeting of this ballot has not started yet: the chair closes the vote during the meeting.".into(),
            )
        })
}

/// Whether a meeting ballot may be closed on `recorded`: the quorum is measured on
/// the members present, so their attendance must be recorded first.
pub fn check_recorded(recorded: &[Attendance]) -> Result<(), MeetingError> {
    if recorded.is_empty() {
        return Err(MeetingError::State(
            "Record the meeting's attendance before closing this ballot: its quorum is measured on the members present.".into(),
        ));
    }
    Ok(())
}

/// The members present for a meeting ballot's vote: the members of its roll
/// (`roll`) present in person or represented at the meeting — by a proxy recorded
/// at the meeting, or by one given on this ballot (`ballot_proxies`) to a member
/// present, as [`count`] counts them — together with any member of the roll who
/// voted (`voted`) without being recorded (on a phone, on paper). Each member
/// counts once. This is the figure the ballot's quorum and its "members present"
/// base are measured on, so it can never be smaller than the number of voters.
pub fn present_for_vote(recorded: &[Attendance], ballot_proxies: &[BallotProxy], roll: &[Uuid], voted: &[Uuid]) -> u64 {
    let attendance = count(recorded, ballot_proxies, 0, Quorum::None);
    let roll: std::collections::HashSet<Uuid> = roll.iter().copied().collect();
    let taking_part: std::collections::HashSet<Uuid> = attendance
        .present
        .iter()
        .copied()
        .chain(attendance.represented.iter().map(|r| r.0))
        .chain(voted.iter().copied())
        .filter(|m| roll.contains(m))
        .collect();
    taking_part.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ballots::rules::Fraction;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, hour, 0, 0).unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn kinds_and_statuses_round_trip_their_names() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("picnic"), None);
        for status in [Status::Scheduled, Status::Held, Status::Adopted, Status::Cancelled] {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert!(Status::Held.is_open() && !Status::Adopted.is_open() && !Status::Cancelled.is_open());
    }

    #[test]
    fn details_need_a_title_and_a_short_place() {
        let details = Details {
            kind: Kind::Annual,
            title: "  ".into(),
            starts_at: at(18),
            place: "x".repeat(501),
        };
        let fields: Vec<String> = check_details(&details)
            .into_iter()
            .map(|e| match e {
                MeetingError::Invalid { field, .. } => field,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(fields, ["title", "place"]);
        let good = Details {
            title: "AGM".into(),
            place: "The workshop".into(),
            ..details
        };
        assert!(check_details(&good).is_empty());
    }

    #[test]
    fn a_held_meeting_keeps_its_date_and_an_adopted_one_everything() {
        assert!(check_edit(Status::Scheduled, true).is_ok());
        assert!(check_edit(Status::Held, false).is_ok());
        assert!(matches!(
            check_edit(Status::Held, true),
            Err(MeetingError::Invalid { .. })
        ));
        assert!(matches!(
            check_edit(Status::Adopted, false),
            Err(MeetingError::State(_))
        ));
        assert!(matches!(
            check_edit(Status::Cancelled, false),
            Err(MeetingError::State(_))
        ));
        assert!(check_open(Status::Held).is_ok());
        assert!(check_open(Status::Adopted).is_err());
    }

    #[test]
    fn a_time_resent_to_the_minute_is_the_same_time() {
        let stored = at(18) + chrono::Duration::seconds(42);
        assert!(same_minute(stored, at(18)));
        assert!(!same_minute(stored, at(18) + chrono::Duration::minutes(1)));
        assert!(!same_minute(stored, at(17) + chrono::Duration::seconds(59)));
    }

    #[test]
    fn a_meeting_is_held_once_started_and_cancelled_only_before() {
        assert_eq!(mark_held(Status::Scheduled, at(18), at(19)), Ok(Status::Held));
        assert!(mark_held(Status::Scheduled, at(18), at(17)).is_err());
        assert!(mark_held(Status::Held, at(18), at(19)).is_err());
        assert_eq!(cancel(Status::Scheduled, "Venue flooded"), Ok(Status::Cancelled));
        assert!(matches!(
            cancel(Status::Scheduled, " "),
            Err(MeetingError::Invalid { .. })
        ));
        assert!(matches!(cancel(Status::Held, "Too late"), Err(MeetingError::State(_))));
    }

    #[test]
    fn minutes_are_adopted_by_a_later_meeting_that_has_started() {
        let first = Dated {
            id: id(1),
            status: Status::Held,
            starts_at: at(10),
        };
        let later = Dated {
            id: id(2),
            status: Status::Scheduled,
            starts_at: at(12),
        };
        assert!(check_adoption(first, "We met.", later, at(13)).is_ok());
        // Not by itself, nor by an earlier meeting.
        assert!(check_adoption(first, "We met.", first, at(13)).is_err());
        let earlier = Dated {
            starts_at: at(9),
            ..later
        };
        assert!(matches!(
            check_adoption(first, "We met.", earlier, at(13)),
            Err(MeetingError::Invalid { field, .. }) if field == "adopted_by"
        ));
        // Not before the adopting meeting has started, nor by a cancelled one.
        assert!(check_adoption(first, "We met.", later, at(11)).is_err());
        let cancelled = Dated {
            status: Status::Cancelled,
            ..later
        };
        assert!(check_adoption(first, "We met.", cancelled, at(13)).is_err());
        // Only held meetings with minutes, and only once.
        assert!(check_adoption(first, "  ", later, at(13)).is_err());
        let adopted = Dated {
            status: Status::Adopted,
            ..first
        };
        assert!(matches!(
            check_adoption(adopted, "We met.", later, at(13)),
            Err(MeetingError::State(_))
        ));
        let scheduled = Dated {
            status: Status::Scheduled,
            ..first
        };
        assert!(check_adoption(scheduled, "We met.", later, at(13)).is_err());
    }

    #[test]
    fn minutes_have_a_length_limit() {
        assert!(check_minutes(&"a".repeat(MAX_MINUTES_CHARS)).is_ok());
        assert!(check_minutes(&"a".repeat(MAX_MINUTES_CHARS + 1)).is_err());
    }

    #[test]
    fn the_agenda_is_trimmed_and_each_ballot_linked_once() {
        let item = |title: &str, ballot: Option<Uuid>| AgendaItem {
            title: title.into(),
            note: " note ".into(),
            ballot_id: ballot,
        };
        let clean = check_agenda(&[item(" Accounts ", Some(id(7))), item("Board", None)]).unwrap();
        assert_eq!(clean[0].title, "Accounts");
        assert_eq!(clean[0].note, "note");
        let errors = check_agenda(&[item("", None), item("A", Some(id(7))), item("B", Some(id(7)))]).unwrap_err();
        let fields: Vec<String> = errors
            .into_iter()
            .map(|e| match e {
                MeetingError::Invalid { field, .. } => field,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(fields, ["agenda[0].title", "agenda[2].ballot_id"]);
        let long: Vec<AgendaItem> = (0..=MAX_AGENDA_ITEMS).map(|_| item("x", None)).collect();
        assert!(check_agenda(&long).is_err());
        assert_eq!(check_agenda(&[]), Ok(Vec::new()));
    }

    #[test]
    fn attendance_is_for_members_once_with_proxies_within_the_limit() {
        let members = [id(1), id(2), id(3), id(4)];
        let present = |m| Attendance {
            member_id: m,
            proxy_holder: None,
        };
        let by = |m, h| Attendance {
            member_id: m,
            proxy_holder: Some(h),
        };
        let limit = ProxyLimit::PerHolder { count: 1 };
        assert!(check_attendance(&[], &members, present(id(1)), limit).is_ok());
        // A stranger, or someone recorded already.
        assert!(matches!(
            check_attendance(&[], &members, present(id(9)), limit),
            Err(MeetingError::Invalid { field, .. }) if field == "member_id"
        ));
        assert!(matches!(
            check_attendance(&[present(id(1))], &members, present(id(1)), limit),
            Err(MeetingError::State(_))
        ));
        // The holder must be present in person, not the member, and within the limit.
        assert!(check_attendance(&[present(id(1))], &members, by(id(2), id(1)), limit).is_ok());
        assert!(check_attendance(&[], &members, by(id(2), id(1)), limit).is_err());
        assert!(check_attendance(&[present(id(1))], &members, by(id(1), id(1)), limit).is_err());
        assert!(check_attendance(&[present(id(1)), by(id(2), id(1))], &members, by(id(3), id(1)), limit).is_err());
        assert!(check_attendance(&[present(id(1))], &members, by(id(2), id(1)), ProxyLimit::None).is_err());
    }

    #[test]
    fn a_holder_is_removed_after_the_proxies_they_hold() {
        let recorded = [
            Attendance {
                member_id: id(1),
                proxy_holder: None,
            },
            Attendance {
                member_id: id(2),
                proxy_holder: Some(id(1)),
            },
        ];
        assert!(check_removal(&recorded, id(1)).is_err());
        assert!(check_removal(&recorded, id(2)).is_ok());
        assert!(check_removal(&recorded, id(3)).is_err());
    }

    #[test]
    fn the_count_adds_ballot_proxies_of_members_not_recorded() {
        let recorded = [
            Attendance {
                member_id: id(1),
                proxy_holder: None,
            },
            Attendance {
                member_id: id(2),
                proxy_holder: None,
            },
            Attendance {
                member_id: id(3),
                proxy_holder: Some(id(1)),
            },
        ];
        let proxies = [
            // Taken: member 4 is represented by member 2, who is present.
            BallotProxy {
                grantor: id(4),
                holder: id(2),
            },
            // Ignored: member 3 is recorded already; member 6's holder is absent.
            BallotProxy {
                grantor: id(3),
                holder: id(2),
            },
            BallotProxy {
                grantor: id(6),
                holder: id(5),
            },
        ];
        let half = Quorum::Fraction {
            fraction: Fraction::new(1, 2).unwrap(),
        };
        let c = count(&recorded, &proxies, 10, half);
        assert_eq!(c.present, vec![id(1), id(2)]);
        assert_eq!(c.represented, vec![(id(3), id(1), true), (id(4), id(2), false)]);
        assert_eq!((c.roll, c.quorum_required, c.quorum_met), (10, 5, false));
        let c = count(&recorded, &proxies, 8, half);
        assert!(c.quorum_met);
        assert!(count(&[], &[], 3, Quorum::None).quorum_met);
    }

    #[test]
    fn a_ballot_is_voted_at_its_latest_started_open_meeting() {
        let meeting = |n, status, hour| Dated {
            id: id(n),
            status,
            starts_at: at(hour),
        };
        let err = |linked: &[Dated], now| match meeting_of_vote(linked, now) {
            Err(MeetingError::State(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(err(&[], at(12)).contains("on no meeting's agenda"));
        let over = [meeting(1, Status::Cancelled, 9), meeting(2, Status::Adopted, 10)];
        assert!(err(&over, at(12)).contains("cancelled or their minutes adopted"));
        let later = [meeting(3, Status::Scheduled, 14)];
        assert!(err(&later, at(12)).contains("has not started yet"));
        // Adjourned from the 10 o'clock meeting to the 11 o'clock one: voted at the later.
        let adjourned = [
            meeting(4, Status::Held, 10),
            meeting(5, Status::Scheduled, 11),
            meeting(6, Status::Scheduled, 14),
            meeting(7, Status::Cancelled, 11),
        ];
        assert_eq!(meeting_of_vote(&adjourned, at(12)), Ok(id(5)));
        assert_eq!(meeting_of_vote(&adjourned, at(10)), Ok(id(4)));
        assert_eq!(meeting_of_vote(&adjourned, at(15)), Ok(id(6)));
    }

    #[test]
    fn a_meeting_ballot_closes_only_once_the_attendance_is_recorded() {
        assert!(
            matches!(check_recorded(&[]), Err(MeetingError::State(m)) if m.contains("Record the meeting's attendance"))
        );
        let one = [Attendance {
            member_id: id(1),
            proxy_holder: None,
        }];
        assert_eq!(check_recorded(&one), Ok(()));
    }

    #[test]
    fn the_members_present_for_a_vote_are_those_of_its_roll_present_represented_or_voting_once_each() {
        let present = |m| Attendance {
            member_id: m,
            proxy_holder: None,
        };
        let recorded = [
            present(id(1)),
            present(id(2)),
            // Represented at the meeting by member 1.
            Attendance {
                member_id: id(3),
                proxy_holder: Some(id(1)),
            },
            // Present but admitted after the ballot opened: not on its roll.
            present(id(9)),
        ];
        // Member 4 gave this ballot's proxy to member 2, who is present; member 5's
        // holder is absent.
        let proxies = [
            BallotProxy {
                grantor: id(4),
                holder: id(2),
            },
            BallotProxy {
                grantor: id(5),
                holder: id(8),
            },
        ];
        let roll: Vec<Uuid> = (1..=8).map(id).collect();
        // Member 1 voted (present), member 6 voted on a phone without being recorded.
        let voted = [id(1), id(6)];
        assert_eq!(present_for_vote(&recorded, &proxies, &roll, &voted), 5);
        assert_eq!(present_for_vote(&recorded, &[], &roll, &[]), 3);
        assert_eq!(present_for_vote(&[], &proxies, &roll, &voted), 2);
    }

    #[test]
    fn the_issue_meeting_60_present_of_81_with_20_voting_is_60_present() {
        let roll: Vec<Uuid> = (1..=81).map(id).collect();
        let recorded: Vec<Attendance> = roll[..60]
            .iter()
            .map(|m| Attendance {
                member_id: *m,
                proxy_holder: None,
            })
            .collect();
        let voted = &roll[..20];
        assert_eq!(present_for_vote(&recorded, &[], &roll, voted), 60);
        // The meeting page's own count says the same against the co-op's quorum of 21.
        let page = count(&recorded, &[], 81, Quorum::Count { count: 21 });
        assert_eq!(
            (page.present.len(), page.quorum_required, page.quorum_met),
            (60, 21, true)
        );
    }

    proptest::proptest! {
        #[test]
        fn the_members_present_for_a_vote_lie_between_its_voters_and_its_roll(
            lines in proptest::collection::vec((0u128..40, proptest::option::of(0u128..40)), 0..40),
            voted in proptest::collection::vec(0u128..40, 0..40),
            roll_size in 0u128..40,
        ) {
            // Recorded as check_attendance allows: each member once, holders present.
            let mut recorded: Vec<Attendance> = Vec::new();
            for (member, holder) in lines {
                let holder_present = |h| recorded.iter().any(|a: &Attendance| a.member_id == id(h) && a.proxy_holder.is_none());
                let proxy_holder = holder.filter(|h| *h != member && holder_present(*h)).map(id);
                if !recorded.iter().any(|a| a.member_id == id(member)) {
                    recorded.push(Attendance { member_id: id(member), proxy_holder });
                }
            }
            let roll: Vec<Uuid> = (0..roll_size).map(id).collect();
            let voted: Vec<Uuid> = voted.into_iter().map(id).collect();
            let n = present_for_vote(&recorded, &[], &roll, &voted);
            let voters_on_roll = roll.iter().filter(|m| voted.contains(m)).count() as u64;
            proptest::prop_assert!(voters_on_roll <= n && n <= roll.len() as u64);
            let attending = roll.iter().filter(|m| recorded.iter().any(|a| a.member_id == **m) || voted.contains(m)).count();
            proptest::prop_assert_eq!(n, attending as u64);
            let mut reversed = recorded.clone();
            reversed.reverse();
            proptest::prop_assert_eq!(present_for_vote(&reversed, &[], &roll, &voted), n);
        }
    }
}
