//! Meeting use cases: scheduling and editing, the agenda, attendance, minutes and
//! their adoption, and everything the meeting page shows. Each change is one
//! transaction with its audit event; the API and the pages both call these.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{self, AgendaItem, Attendance, BallotProxy, Dated, Details, Kind, MeetingError, Status};
use super::store::{self, Meeting};
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::ballots::rules::{BallotResult, Mode, Question, Status as BallotStatus};
use crate::ballots::store::LegalBasis;
use crate::calendar::{Entry, When};
use crate::coops::store::Coop;
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::i18n::text_with;
use crate::web::state::AppState;

/// How long a meeting lasts in calendars.
pub const MEETING_HOURS: i64 = 2;

/// A rule's refusal as an HTTP error: fields are 422, the state of things 409.
pub fn meeting_error(error: MeetingError) -> AppError {
    match error {
        MeetingError::Invalid { field, message } => AppError::field(field, message),
        MeetingError::State(message) => AppError::Conflict(message),
    }
}

fn meeting_errors(errors: Vec<MeetingError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| match e {
                MeetingError::Invalid { field, message } => FieldError::new(field, message),
                MeetingError::State(message) => FieldError::new("meeting", message),
            })
            .collect(),
    )
}

/// A meeting as the secretary schedules or edits it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct MeetingInput {
    /// `general`, `annual` or `extraordinary`.
    pub kind: String,
    /// Its title ("Annual general meeting 2026").
    pub title: String,
    /// When it starts (RFC 3339; the pages read it in the co-op's time zone).
    pub starts_at: DateTime<Utc>,
    /// An address or a link to the video call.
    #[serde(default)]
    pub place: String,
}

fn details(input: &MeetingInput) -> AppResult<Details> {
    let kind = Kind::parse(&input.kind);
    let details = Details {
        kind: kind.unwrap_or(Kind::General),
        title: input.title.trim().to_string(),
        starts_at: input.starts_at,
        place: input.place.trim().to_string(),
    };
    let mut errors = rules::check_details(&details);
    if kind.is_none() {
        errors.insert(
            0,
            MeetingError::Invalid {
                field: "kind".into(),
                message: "Choose a general, annual or extraordinary meeting.".into(),
            },
        );
    }
    if errors.is_empty() {
        Ok(details)
    } else {
        Err(meeting_errors(errors))
    }
}

fn subject(id: Uuid) -> String {
    format!("meeting:{id}")
}

/// Refuses a meeting date the bylaws' notice period does not allow, counted from a
/// convocation sent now; nothing is required without bylaws or a notice period.
async fn check_notice(conn: &mut AsyncPgConnection, coop: &Coop, starts_at: DateTime<Utc>) -> AppResult<()> {
    if let Some(rule) = crate::bylaws::service::notice_rule(conn, coop.id).await? {
        let now = Utc::now();
        crate::ballots::rules::notice_check(rule.days, Some(now), starts_at)
            .map_err(|short| AppError::field("starts_at", rule.refusal("a meeting", short, now, &coop.time_zone)))?;
    }
    Ok(())
}

/// Convenes the members to a meeting when the bylaws in force require notice: the
/// e-mail is the convocation, and the time it went out is recorded. After the
/// commit; a failure is logged.
async fn convene(conn: &mut AsyncPgConnection, state: &AppState, scope: &InCoop, meeting: &Meeting) {
    let (coop, actor) = (&scope.coop, scope.caller.user.id);
    let args = vec![
        ("coop", coop.name.clone()),
        ("title", meeting.title.clone()),
        (
            "when",
            crate::web::i18n::datetime_in(meeting.starts_at, &coop.time_zone),
        ),
        ("place", meeting.place.clone()),
        (
            "link",
            format!("{}/c/{}/meetings/{}", state.settings.public_url, coop.slug, meeting.id),
        ),
    ];
    let notice = crate::mail::NoticeOf {
        coop_id: coop.id,
        kind: crate::notifications::rules::LegalNotice::Convocation,
        subject_id: meeting.id,
        created_by: Some(actor),
    };
    let kind = crate::notifications::rules::MailKind::MeetingConvocation;
    if crate::bylaws::service::send_notice(conn, notice, kind, args).await {
        if let Err(e) = store::set_notice_sent_at(conn, coop.id, meeting.id, Utc::now()).await {
            tracing::error!(error = %e, meeting = %meeting.id, "a convocation was sent but not recorded");
        }
    }
}

/// Schedules a meeting (the secretary and the board).
pub async fn create(state: &AppState, scope: &InCoop, input: &MeetingInput) -> AppResult<Meeting> {
    scope.require(Action::ManageMeetings)?;
    let details = details(input)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let id = Uuid::now_v7();
    let mut conn = db::conn(&state.pool).await?;
    let meeting = conn
        .transaction(async |conn| {
            check_notice(conn, &scope.coop, details.starts_at).await?;
            store::insert(conn, coop_id, id, &details, actor).await?;
            audit::append(
                conn,
                Some(coop_id),
                Some(actor),
                "meetings.scheduled",
                &subject(id),
                json!({"kind": details.kind, "title": details.title, "starts_at": details.starts_at,
                   "place": details.place}),
            )
            .await?;
            store::find(conn, coop_id, id, false).await
        })
        .await?;
    convene(&mut conn, state, scope, &meeting).await;
    Ok(meeting)
}

/// Edits a meeting's details while it is scheduled (or, but for its date, held).
pub async fn update(state: &AppState, scope: &InCoop, id: Uuid, input: &MeetingInput) -> AppResult<Meeting> {
    scope.require(Action::ManageMeetings)?;
    let mut details = details(input)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    let (meeting, moved) = conn
        .transaction(async |conn| {
            let meeting = store::find(conn, coop_id, id, true).await?;
            if rules::same_minute(meeting.starts_at, details.starts_at) {
                details.starts_at = meeting.starts_at;
            }
            let moved = meeting.starts_at != details.starts_at;
            rules::check_edit(meeting.status, moved).map_err(meeting_error)?;
            // A new date needs a new convocation, with the bylaws' notice from now.
            if moved {
                check_notice(conn, &scope.coop, details.starts_at).await?;
            }
            store::update_details(conn, coop_id, id, &details).await?;
            audit::append(
                conn,
                Some(coop_id),
                Some(actor),
                "meetings.updated",
                &subject(id),
                json!({"kind": details.kind, "title": details.title, "starts_at": details.starts_at,
                   "place": details.place}),
            )
            .await?;
            Ok::<_, AppError>((store::find(conn, coop_id, id, false).await?, moved))
        })
        .await?;
    if moved {
        convene(&mut conn, state, scope, &meeting).await;
    }
    Ok(meeting)
}

/// Marks a meeting as held, once it has started.
pub async fn mark_held(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Meeting> {
    scope.require(Action::ManageMeetings)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let meeting = store::find(conn, coop_id, id, true).await?;
        let status = rules::mark_held(meeting.status, meeting.starts_at, Utc::now()).map_err(meeting_error)?;
        store::set_status(conn, coop_id, id, status, None).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "meetings.held",
            &subject(id),
            json!({}),
        )
        .await?;
        store::find(conn, coop_id, id, false).await
    })
    .await
}

/// Cancels a scheduled meeting, with a reason.
pub async fn cancel(state: &AppState, scope: &InCoop, id: Uuid, reason: &str) -> AppResult<Meeting> {
    scope.require(Action::ManageMeetings)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let reason = reason.trim();
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let meeting = store::find(conn, coop_id, id, true).await?;
        let status = rules::cancel(meeting.status, reason).map_err(meeting_error)?;
        store::set_status(conn, coop_id, id, status, Some(reason)).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "meetings.cancelled",
            &subject(id),
            json!({"reason": reason}),
        )
        .await?;
        store::find(conn, coop_id, id, false).await
    })
    .await
}

/// The whole agenda, as the secretary sets it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct AgendaInput {
    /// The items, in order.
    pub items: Vec<AgendaItem>,
}

/// Replaces the agenda (all items in one transaction). Each linked ballot must be
/// one of the co-op's.
pub async fn set_agenda(state: &AppState, scope: &InCoop, id: Uuid, input: &AgendaInput) -> AppResult<()> {
    scope.require(Action::ManageMeetings)?;
    let items = rules::check_agenda(&input.items).map_err(meeting_errors)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let meeting = store::find(conn, coop_id, id, true).await?;
        rules::check_open(meeting.status).map_err(meeting_error)?;
        let mut unknown = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(ballot) = item.ballot_id {
                match crate::ballots::store::find(conn, coop_id, ballot, crate::ballots::store::Lock::None).await {
                    Ok(_) => {}
                    Err(AppError::NotFound) => unknown.push(FieldError::new(
                        format!("agenda[{i}].ballot_id"),
                        "There is no such ballot in this co-op.",
                    )),
                    Err(other) => return Err(other),
                }
            }
        }
        if !unknown.is_empty() {
            return Err(AppError::Validation(unknown));
        }
        store::replace_agenda(conn, coop_id, id, &items).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "meetings.agenda_set",
            &subject(id),
            json!({"items": items}),
        )
        .await
    })
    .await
}

/// One line of attendance as the secretary records it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct AttendanceInput {
    /// The member (their id in this co-op).
    pub member_id: Uuid,
    /// Who holds their proxy, when they are represented rather than present.
    #[serde(default)]
    pub proxy_holder: Option<Uuid>,
}

/// Records that a member is present, or represented by a member present. Refused
/// for someone who is not a member in good standing of this co-op, for a member
/// already recorded, and for a proxy outside the co-op's proxy rule.
pub async fn record_attendance(state: &AppState, scope: &InCoop, id: Uuid, input: &AttendanceInput) -> AppResult<()> {
    scope.require(Action::ManageMeetings)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let coop = scope.coop.clone();
    let line = Attendance {
        member_id: input.member_id,
        proxy_holder: input.proxy_holder,
    };
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let meeting = store::find(conn, coop_id, id, true).await?;
        rules::check_open(meeting.status).map_err(meeting_error)?;
        let recorded = store::attendance(conn, coop_id, id).await?;
        let members = crate::ballots::service::eligible_members(conn, &coop).await?;
        let limit = crate::ballots::store::parameters(conn, coop_id).await?.proxies;
        rules::check_attendance(&recorded, &members, line, limit).map_err(meeting_error)?;
        store::insert_attendance(conn, coop_id, id, line, actor).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "meetings.attendance_recorded",
            &subject(id),
            json!({"member": line.member_id, "proxy_holder": line.proxy_holder}),
        )
        .await
    })
    .await
}

/// Removes a line of attendance recorded by mistake.
pub async fn remove_attendance(state: &AppState, scope: &InCoop, id: Uuid, member: Uuid) -> AppResult<()> {
    scope.require(Action::ManageMeetings)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let meeting = store::find(conn, coop_id, id, true).await?;
        rules::check_open(meeting.status).map_err(meeting_error)?;
        let recorded = store::attendance(conn, coop_id, id).await?;
        rules::check_removal(&recorded, member).map_err(meeting_error)?;
        store::delete_attendance(conn, coop_id, id, member).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "meetings.attendance_removed",
            &subject(id),
            json!({"member": member}),
        )
        .await
    })
    .await
}

/// The minutes as drafted.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct MinutesInput {
    /// The minutes in Markdown.
    pub minutes: String,
}

/// Saves the draft minutes of a held meeting. Adopted minutes are frozen.
pub async fn save_minutes(state: &AppState, scope: &InCoop, id: Uuid, input: &MinutesInput) -> AppResult<Meeting> {
    scope.require(Action::ManageMeetings)?;
    rules::check_minutes(&input.minutes).map_err(meeting_error)?;
    let minutes = input.minutes.trim();
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let meeting = store::find(conn, coop_id, id, true).await?;
        rules::check_open(meeting.status).map_err(meeting_error)?;
        if meeting.status != Status::Held {
            return Err(AppError::Conflict(
                "Minutes are drafted once the meeting is held: mark it as held first.".into(),
            ));
        }
        store::set_minutes(conn, coop_id, id, minutes).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "meetings.minutes_saved",
            &subject(id),
            json!({"minutes": minutes}),
        )
        .await?;
        store::find(conn, coop_id, id, false).await
    })
    .await
}

/// Which meeting adopts the minutes.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct AdoptInput {
    /// The later meeting that adopts them.
    pub adopted_by: Uuid,
}

fn dated(m: &Meeting) -> Dated {
    Dated {
        id: m.id,
        status: m.status,
        starts_at: m.starts_at,
    }
}

/// Records that a later meeting adopted the minutes; they are frozen from then on.
pub async fn adopt_minutes(state: &AppState, scope: &InCoop, id: Uuid, input: &AdoptInput) -> AppResult<Meeting> {
    scope.require(Action::ManageMeetings)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        // Both rows locked, always in the same order, so that the adopting meeting
        // cannot be cancelled meanwhile and two adoptions never wait on each other.
        let mut locked = Vec::new();
        let mut ids = [id, input.adopted_by];
        ids.sort();
        for one in ids {
            match store::find(conn, coop_id, one, true).await {
                Err(AppError::NotFound) if one != id => {
                    return Err(AppError::field("adopted_by", "There is no such meeting in this co-op."))
                }
                found => locked.push(found?),
            }
        }
        let meeting = locked.iter().find(|m| m.id == id).cloned().ok_or(AppError::NotFound)?;
        let adopting = locked
            .iter()
            .find(|m| m.id == input.adopted_by)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let now = Utc::now();
        rules::check_adoption(dated(&meeting), &meeting.minutes, dated(&adopting), now).map_err(meeting_error)?;
        store::adopt(conn, coop_id, id, adopting.id, now).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "meetings.minutes_adopted",
            &subject(id),
            json!({"adopted_by": adopting.id, "minutes_sha256": hex::encode(
                <sha2::Sha256 as sha2::Digest>::digest(meeting.minutes.as_bytes()))}),
        )
        .await?;
        store::find(conn, coop_id, id, false).await
    })
    .await
}

/// Where and on how many members present a meeting ballot is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtClose {
    /// The meeting at which the vote is closed.
    pub meeting_id: Uuid,
    /// The members of the ballot's roll present or represented there, or who voted
    /// ([`rules::present_for_vote`]).
    pub present: u64,
}

/// The attendance a meeting ballot is decided on, inside the transaction that
/// closes it: its meeting ([`rules::meeting_of_vote`]) is locked, so no line of
/// attendance changes before the result is stored, and must have its attendance
/// recorded. Refused (409) otherwise, with what to do.
pub async fn attendance_at_close(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<AtClose> {
    let meeting_id = meeting_of_vote(conn, coop_id, ballot_id)
        .await?
        .map_err(meeting_error)?;
    store::find(conn, coop_id, meeting_id, true).await?;
    let recorded = store::attendance(conn, coop_id, meeting_id).await?;
    rules::check_recorded(&recorded).map_err(meeting_error)?;
    Ok(AtClose {
        meeting_id,
        present: present_for_vote(conn, coop_id, ballot_id, &recorded).await?,
    })
}

/// [`rules::meeting_of_vote`] among the meetings whose agenda lists the ballot, now.
async fn meeting_of_vote(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
) -> AppResult<Result<Uuid, MeetingError>> {
    let linked: Vec<Dated> = store::listing_ballot(conn, coop_id, ballot_id)
        .await?
        .iter()
        .map(dated)
        .collect();
    Ok(rules::meeting_of_vote(&linked, Utc::now()))
}

/// [`rules::present_for_vote`] for one ballot on a meeting's `recorded` attendance.
async fn present_for_vote(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    recorded: &[Attendance],
) -> AppResult<u64> {
    let proxies: Vec<BallotProxy> = crate::ballots::store::proxies(conn, coop_id, ballot_id)
        .await?
        .into_iter()
        .map(|p| BallotProxy {
            grantor: p.grantor_id,
            holder: p.holder_id,
        })
        .collect();
    let roll = crate::ballots::store::roll(conn, coop_id, ballot_id).await?;
    let members: Vec<Uuid> = roll.iter().map(|l| l.member_id).collect();
    let voted: Vec<Uuid> = roll
        .iter()
        .filter(|l| l.channel.is_some())
        .map(|l| l.member_id)
        .collect();
    Ok(rules::present_for_vote(recorded, &proxies, &members, &voted))
}

/// The co-op's meetings, latest first (every member).
pub async fn list(state: &AppState, scope: &InCoop) -> AppResult<Vec<Meeting>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    store::list(&mut conn, scope.coop.id).await
}

/// A ballot linked to an agenda item, as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkedBallot {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// Draft, open, closed or cancelled.
    #[schema(value_type = String)]
    pub status: BallotStatus,
    /// Its questions.
    #[schema(value_type = Vec<Object>)]
    pub questions: Vec<Question>,
    /// The result as the ballot stored it at its close.
    #[schema(value_type = Option<Object>)]
    pub result: Option<BallotResult>,
    /// The rule it decides under, fixed at its opening.
    pub legal_basis: Option<LegalBasis>,
    /// An open meeting ballot voted at this meeting: its quorum as the close would
    /// measure it now, on this meeting's attendance.
    pub quorum_now: Option<VoteQuorum>,
}

/// A meeting ballot's quorum on the attendance as recorded so far.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct VoteQuorum {
    /// Members of the ballot's roll present, represented, or who voted.
    pub present: u64,
    /// Members its quorum needs on its roll.
    pub required: u64,
    /// Whether closing now would meet the quorum.
    pub met: bool,
}

/// An agenda item with its ballot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgendaView {
    /// Its place, from 1.
    pub position: i32,
    /// What is discussed.
    pub title: String,
    /// Details (Markdown).
    pub note: String,
    /// The linked ballot.
    pub ballot: Option<LinkedBallot>,
}

/// A member, named.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    /// Their id in the co-op.
    pub id: Uuid,
    /// Their name.
    pub name: String,
}

/// A member represented at the meeting.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Represented {
    /// The member represented.
    pub member: Person,
    /// The member present who holds the proxy.
    pub holder: Person,
    /// `meeting` (recorded at the meeting) or `ballot` (a proxy on one of the agenda's ballots).
    pub source: String,
}

/// Another meeting, in short.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingRef {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// When it started.
    pub starts_at: DateTime<Utc>,
}

/// A meeting with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingView {
    /// The meeting.
    pub meeting: Meeting,
    /// The agenda, in order.
    pub agenda: Vec<AgendaView>,
    /// Members present in person.
    pub present: Vec<Person>,
    /// Members represented by a proxy.
    pub represented: Vec<Represented>,
    /// Members in good standing.
    pub roll: u64,
    /// Participants the co-op's quorum needs.
    pub quorum_required: u64,
    /// Whether present and represented members reach it.
    pub quorum_met: bool,
    /// The meeting that adopted these minutes.
    pub adopted_by: Option<MeetingRef>,
    /// The earlier meetings whose minutes this one adopted.
    pub adopts: Vec<MeetingRef>,
}

fn reference(m: &Meeting) -> MeetingRef {
    MeetingRef {
        id: m.id,
        title: m.title.clone(),
        starts_at: m.starts_at,
    }
}

/// One meeting with its agenda (and each linked ballot's stored result), its
/// attendance counted against the roll, and its minutes (every member).
pub async fn view(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<MeetingView> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    view_in(&mut conn, &scope.coop, id).await
}

async fn view_in(conn: &mut AsyncPgConnection, coop: &Coop, id: Uuid) -> AppResult<MeetingView> {
    let coop_id = coop.id;
    let meeting = store::find(conn, coop_id, id, false).await?;
    let recorded = store::attendance(conn, coop_id, id).await?;
    let mut agenda = Vec::new();
    let mut proxies = Vec::new();
    for row in store::agenda(conn, coop_id, id).await? {
        let ballot = match row.ballot_id {
            Some(ballot_id) => {
                let b =
                    crate::ballots::store::find(conn, coop_id, ballot_id, crate::ballots::store::Lock::None).await?;
                proxies.extend(
                    crate::ballots::store::proxies(conn, coop_id, ballot_id)
                        .await?
                        .into_iter()
                        .map(|p| BallotProxy {
                            grantor: p.grantor_id,
                            holder: p.holder_id,
                        }),
                );
                let quorum_now = match (b.status, b.settings.mode) {
                    (BallotStatus::Open, Mode::Meeting) => quorum_now(conn, coop_id, id, &b, &recorded).await?,
                    _ => None,
                };
                Some(LinkedBallot {
                    id: b.id,
                    title: b.title,
                    status: b.status,
                    questions: b.questions,
                    result: b.result,
                    legal_basis: b.legal_basis,
                    quorum_now,
                })
            }
            None => None,
        };
        agenda.push(AgendaView {
            position: row.position,
            title: row.title,
            note: row.note,
            ballot,
        });
    }
    let roll = crate::ballots::service::eligible_members(conn, coop).await?.len() as u64;
    let quorum = crate::ballots::store::parameters(conn, coop_id).await?.quorum;
    let count = rules::count(&recorded, &proxies, roll, quorum);
    let names: HashMap<Uuid, String> = crate::membership::store::list(conn, coop_id)
        .await?
        .into_iter()
        .map(|m| (m.id, m.display_name))
        .collect();
    let person = |id: Uuid| Person {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    let adopted_by = match meeting.minutes_adopted_by {
        Some(by) => Some(reference(&store::find(conn, coop_id, by, false).await?)),
        None => None,
    };
    let adopts = store::adopted_at(conn, coop_id, id)
        .await?
        .iter()
        .map(reference)
        .collect();
    Ok(MeetingView {
        present: count.present.iter().map(|m| person(*m)).collect(),
        represented: count
            .represented
            .iter()
            .map(|(m, h, at_meeting)| Represented {
                member: person(*m),
                holder: person(*h),
                source: if *at_meeting { "meeting" } else { "ballot" }.into(),
            })
            .collect(),
        roll: count.roll,
        quorum_required: count.quorum_required,
        quorum_met: count.quorum_met,
        meeting,
        agenda,
        adopted_by,
        adopts,
    })
}

/// An open meeting ballot's quorum as its close would measure it now, when this
/// meeting (`meeting_id`) is the one its close would take the attendance from and
/// the close would not be refused for want of attendance.
async fn quorum_now(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    meeting_id: Uuid,
    ballot: &crate::ballots::store::Ballot,
    recorded: &[Attendance],
) -> AppResult<Option<VoteQuorum>> {
    if rules::check_recorded(recorded).is_err()
        || meeting_of_vote(conn, coop_id, ballot.id).await?.ok() != Some(meeting_id)
    {
        return Ok(None);
    }
    let present = present_for_vote(conn, coop_id, ballot.id, recorded).await?;
    let required = ballot
        .settings
        .quorum
        .required(ballot.roll_size.unwrap_or(0).max(0) as u64);
    Ok(Some(VoteQuorum {
        present,
        required,
        met: present >= required,
    }))
}

/// The members in good standing, named, for the attendance form.
pub async fn roll(state: &AppState, scope: &InCoop) -> AppResult<Vec<Person>> {
    scope.require(Action::ManageMeetings)?;
    let mut conn = db::conn(&state.pool).await?;
    let eligible = crate::ballots::service::eligible_members(&mut conn, &scope.coop).await?;
    Ok(crate::membership::store::list(&mut conn, scope.coop.id)
        .await?
        .into_iter()
        .filter(|m| eligible.contains(&m.id))
        .map(|m| Person {
            id: m.id,
            name: m.display_name,
        })
        .collect())
}

/// The co-op's ballots (id and title), newest first, for the agenda form.
pub async fn ballots(state: &AppState, scope: &InCoop) -> AppResult<Vec<(Uuid, String)>> {
    scope.require(Action::ManageMeetings)?;
    let mut conn = db::conn(&state.pool).await?;
    Ok(crate::ballots::store::list(&mut conn, scope.coop.id)
        .await?
        .into_iter()
        .map(|b| (b.id, b.title))
        .collect())
}

/// A meeting as a calendar entry (none once cancelled).
pub fn calendar_entry(lang: &str, coop: &Coop, meeting: &Meeting, public_url: &str) -> Option<Entry> {
    if meeting.status == Status::Cancelled {
        return None;
    }
    Some(Entry {
        uid: format!("meeting-{}@concord", meeting.id),
        summary: text_with(
            lang,
            "meetings-calendar-summary",
            &[("title", meeting.title.clone()), ("coop", coop.name.clone())],
        ),
        when: When::Span(meeting.starts_at, meeting.starts_at + Duration::hours(MEETING_HOURS)),
        url: format!("{public_url}/c/{}/meetings/{}", coop.slug, meeting.id),
    })
}

/// Every meeting of a co-op as calendar entries, for the per-user feed.
pub async fn calendar_entries(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    lang: &str,
    public_url: &str,
) -> AppResult<Vec<Entry>> {
    Ok(store::list(conn, coop.id)
        .await?
        .iter()
        .filter_map(|m| calendar_entry(lang, coop, m, public_url))
        .collect())
}

/// One meeting as an iCalendar file.
pub async fn ics(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<(Meeting, String)> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let meeting = store::find(&mut conn, scope.coop.id, id, false).await?;
    let lang = scope.caller.user.locale.clone();
    let entries: Vec<Entry> = calendar_entry(&lang, &scope.coop, &meeting, &state.settings.public_url)
        .into_iter()
        .collect();
    let body = crate::calendar::ics(&meeting.title, &entries);
    Ok((meeting, body))
}

/// The demo's meetings, inside the demo's transaction: the 2025 AGM, held, whose
/// agenda links the demo's closed ballot, with its attendance and draft minutes;
/// and an upcoming general meeting that will adopt them.
pub async fn seed_demo(conn: &mut AsyncPgConnection, coop: &Coop, secretary: Uuid, present: &[Uuid]) -> AppResult<()> {
    use chrono::DurationRound;
    let now = Utc::now()
        .duration_trunc(Duration::minutes(1))
        .map_err(|e| AppError::internal(format!("demo time: {e}")))?;
    // The AGM's vote, still open: the chair closes it once the attendance is recorded.
    let closed = crate::ballots::store::list(conn, coop.id)
        .await?
        .into_iter()
        .find(|b| b.status == BallotStatus::Open && b.settings.mode == crate::ballots::rules::Mode::Meeting)
        .map(|b| b.id);
    let held = Uuid::now_v7();
    let agm = Details {
        kind: Kind::Annual,
        title: "2025 AGM".into(),
        starts_at: now - Duration::days(1),
        place: "The workshop, 12 quai des Tanneurs".into(),
    };
    store::insert(conn, coop.id, held, &agm, secretary).await?;
    let agenda = [
        AgendaItem {
            title: "The 2025 accounts and the reserve".into(),
            note: "The accounts were sent with the notice of the meeting.".into(),
            ballot_id: closed,
        },
        AgendaItem {
            title: "Questions from members".into(),
            note: String::new(),
            ballot_id: None,
        },
    ];
    store::replace_agenda(conn, coop.id, held, &agenda).await?;
    let limit = crate::ballots::store::parameters(conn, coop.id).await?.proxies;
    let mut recorded = Vec::new();
    for member in present {
        let line = Attendance {
            member_id: *member,
            proxy_holder: None,
        };
        if rules::check_attendance(&recorded, present, line, limit).is_ok() {
            store::insert_attendance(conn, coop.id, held, line, secretary).await?;
            recorded.push(line);
        }
    }
    if let Some(vote) = closed {
        crate::ballots::service::close_in(conn, coop, vote, crate::ballots::service::By::User(secretary)).await?;
    }
    store::set_status(conn, coop.id, held, Status::Held, None).await?;
    let minutes = "## 1. The 2025 accounts and the reserve\n\nThe treasurer presented the accounts. \
                   The meeting voted on paper and online; the results are below.\n\n\
                   ## 2. Questions from members\n\nMembers asked about the delivery rota; the board will \
                   propose a new one in the autumn.";
    store::set_minutes(conn, coop.id, held, minutes).await?;
    let next = Uuid::now_v7();
    let autumn = Details {
        kind: Kind::General,
        title: "Autumn general meeting".into(),
        starts_at: now + Duration::days(21),
        place: "The workshop, 12 quai des Tanneurs".into(),
    };
    store::insert(conn, coop.id, next, &autumn, secretary).await?;
    store::replace_agenda(
        conn,
        coop.id,
        next,
        &[AgendaItem {
            title: "Adoption of the minutes of the 2025 AGM".into(),
            note: String::new(),
            ballot_id: None,
        }],
    )
    .await?;
    for (id, details) in [(held, &agm), (next, &autumn)] {
        audit::append(
            conn,
            Some(coop.id),
            Some(secretary),
            "meetings.scheduled",
            &subject(id),
            json!({"kind": details.kind, "title": details.title, "starts_at": details.starts_at, "demo": true}),
        )
        .await?;
    }
    audit::append(
        conn,
        Some(coop.id),
        Some(secretary),
        "meetings.held",
        &subject(held),
        json!({"present": recorded.len(), "minutes": minutes, "demo": true}),
    )
    .await?;
    Ok(())
}
