//! Meetings in the database: the meeting row, its agenda and its attendance. Every
//! query is scoped to the co-op it is given.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{AgendaItem, Attendance, Details, Kind, Status};
use crate::db::schema::{meeting_agenda_items, meeting_attendance, meetings};
use crate::error::{AppError, AppResult};

/// A meeting as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Meeting {
    /// Its id.
    pub id: Uuid,
    /// General, annual or extraordinary.
    pub kind: Kind,
    /// Its title.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// An address or a link.
    pub place: String,
    /// Where it is in its life.
    pub status: Status,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// The minutes (Markdown).
    pub minutes: String,
    /// The later meeting that adopted the minutes.
    pub minutes_adopted_by: Option<Uuid>,
    /// When the minutes were adopted.
    pub minutes_adopted_at: Option<DateTime<Utc>>,
    /// When it was scheduled.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

type MeetingRow = (
    Uuid,
    String,
    String,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
    String,
    Option<Uuid>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    DateTime<Utc>,
);

macro_rules! meeting_columns {
    () => {
        (
            meetings::id,
            meetings::kind,
            meetings::title,
            meetings::starts_at,
            meetings::place,
            meetings::status,
            meetings::cancel_reason,
            meetings::minutes,
            meetings::minutes_adopted_by,
            meetings::minutes_adopted_at,
            meetings::created_at,
            meetings::updated_at,
        )
    };
}

fn to_meeting(row: MeetingRow) -> AppResult<Meeting> {
    Ok(Meeting {
        id: row.0,
        kind: Kind::parse(&row.1).ok_or_else(|| AppError::internal(format!("stored meeting kind {}", row.1)))?,
        title: row.2,
        starts_at: row.3,
        place: row.4,
        status: Status::parse(&row.5).ok_or_else(|| AppError::internal(format!("stored meeting status {}", row.5)))?,
        cancel_reason: row.6,
        minutes: row.7,
        minutes_adopted_by: row.8,
        minutes_adopted_at: row.9,
        created_at: row.10,
        updated_at: row.11,
    })
}

/// Inserts a scheduled meeting.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    details: &Details,
    actor: Uuid,
) -> AppResult<()> {
    diesel::insert_into(meetings::table)
        .values((
            meetings::coop_id.eq(coop_id),
            meetings::id.eq(id),
            meetings::kind.eq(details.kind.as_str()),
            meetings::title.eq(&details.title),
            meetings::starts_at.eq(details.starts_at),
            meetings::place.eq(&details.place),
            meetings::created_by.eq(actor),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One meeting of the co-op, locked for update when `lock`.
pub async fn find(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, lock: bool) -> AppResult<Meeting> {
    let query = meetings::table
        .filter(meetings::coop_id.eq(coop_id).and(meetings::id.eq(id)))
        .select(meeting_columns!());
    let row: MeetingRow = if lock {
        query.for_update().first(conn).await?
    } else {
        query.first(conn).await?
    };
    to_meeting(row)
}

/// Every meeting of the co-op, latest first.
pub async fn list(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Meeting>> {
    let rows: Vec<MeetingRow> = meetings::table
        .filter(meetings::coop_id.eq(coop_id))
        .order((meetings::starts_at.desc(), meetings::id))
        .select(meeting_columns!())
        .load(conn)
        .await?;
    rows.into_iter().map(to_meeting).collect()
}

/// The meetings whose minutes `adopting` adopted.
pub async fn adopted_at(conn: &mut AsyncPgConnection, coop_id: Uuid, adopting: Uuid) -> AppResult<Vec<Meeting>> {
    let rows: Vec<MeetingRow> = meetings::table
        .filter(
            meetings::coop_id
                .eq(coop_id)
                .and(meetings::minutes_adopted_by.eq(adopting)),
        )
        .order(meetings::starts_at)
        .select(meeting_columns!())
        .load(conn)
        .await?;
    rows.into_iter().map(to_meeting).collect()
}

/// The meetings whose agenda lists `ballot_id`, earliest first.
pub async fn listing_ballot(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<Vec<Meeting>> {
    let listing = meeting_agenda_items::table
        .filter(
            meeting_agenda_items::coop_id
                .eq(coop_id)
                .and(meeting_agenda_items::ballot_id.eq(ballot_id)),
        )
        .select(meeting_agenda_items::meeting_id);
    let rows: Vec<MeetingRow> = meetings::table
        .filter(meetings::coop_id.eq(coop_id).and(meetings::id.eq_any(listing)))
        .order((meetings::starts_at, meetings::id))
        .select(meeting_columns!())
        .load(conn)
        .await?;
    rows.into_iter().map(to_meeting).collect()
}

/// Saves a meeting's details.
pub async fn update_details(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, details: &Details) -> AppResult<()> {
    diesel::update(meetings::table.filter(meetings::coop_id.eq(coop_id).and(meetings::id.eq(id))))
        .set((
            meetings::kind.eq(details.kind.as_str()),
            meetings::title.eq(&details.title),
            meetings::starts_at.eq(details.starts_at),
            meetings::place.eq(&details.place),
            meetings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets a meeting's status (and the reason, for a cancellation).
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    status: Status,
    reason: Option<&str>,
) -> AppResult<()> {
    diesel::update(meetings::table.filter(meetings::coop_id.eq(coop_id).and(meetings::id.eq(id))))
        .set((
            meetings::status.eq(status.as_str()),
            meetings::cancel_reason.eq(reason),
            meetings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Saves the minutes' draft.
pub async fn set_minutes(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, minutes: &str) -> AppResult<()> {
    diesel::update(meetings::table.filter(meetings::coop_id.eq(coop_id).and(meetings::id.eq(id))))
        .set((meetings::minutes.eq(minutes), meetings::updated_at.eq(diesel::dsl::now)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the adoption of the minutes of `id` by the meeting `by`: from then on
/// the database refuses any change to the meeting, its agenda and attendance.
pub async fn adopt(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(meetings::table.filter(meetings::coop_id.eq(coop_id).and(meetings::id.eq(id))))
        .set((
            meetings::status.eq(Status::Adopted.as_str()),
            meetings::minutes_adopted_by.eq(by),
            meetings::minutes_adopted_at.eq(at),
            meetings::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One stored agenda item.
#[derive(Debug, Clone, Queryable, Serialize, ToSchema)]
pub struct AgendaRow {
    /// Its place on the agenda, from 1.
    pub position: i32,
    /// What is discussed.
    pub title: String,
    /// Details (Markdown).
    pub note: String,
    /// The linked ballot.
    pub ballot_id: Option<Uuid>,
}

/// A meeting's agenda, in order.
pub async fn agenda(conn: &mut AsyncPgConnection, coop_id: Uuid, meeting_id: Uuid) -> AppResult<Vec<AgendaRow>> {
    Ok(meeting_agenda_items::table
        .filter(
            meeting_agenda_items::coop_id
                .eq(coop_id)
                .and(meeting_agenda_items::meeting_id.eq(meeting_id)),
        )
        .order(meeting_agenda_items::position)
        .select((
            meeting_agenda_items::position,
            meeting_agenda_items::title,
            meeting_agenda_items::note,
            meeting_agenda_items::ballot_id,
        ))
        .load(conn)
        .await?)
}

/// Replaces a meeting's agenda by `items` (numbered from 1), inside the caller's
/// transaction.
pub async fn replace_agenda(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    meeting_id: Uuid,
    items: &[AgendaItem],
) -> AppResult<()> {
    diesel::delete(
        meeting_agenda_items::table.filter(
            meeting_agenda_items::coop_id
                .eq(coop_id)
                .and(meeting_agenda_items::meeting_id.eq(meeting_id)),
        ),
    )
    .execute(conn)
    .await?;
    let rows: Vec<_> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            (
                meeting_agenda_items::coop_id.eq(coop_id),
                meeting_agenda_items::meeting_id.eq(meeting_id),
                meeting_agenda_items::position.eq(i as i32 + 1),
                meeting_agenda_items::title.eq(&item.title),
                meeting_agenda_items::note.eq(&item.note),
                meeting_agenda_items::ballot_id.eq(item.ballot_id),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(meeting_agenda_items::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A meeting's attendance, in the order it was recorded.
pub async fn attendance(conn: &mut AsyncPgConnection, coop_id: Uuid, meeting_id: Uuid) -> AppResult<Vec<Attendance>> {
    let rows: Vec<(Uuid, Option<Uuid>)> = meeting_attendance::table
        .filter(
            meeting_attendance::coop_id
                .eq(coop_id)
                .and(meeting_attendance::meeting_id.eq(meeting_id)),
        )
        .order((meeting_attendance::recorded_at, meeting_attendance::member_id))
        .select((meeting_attendance::member_id, meeting_attendance::proxy_holder))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, proxy_holder)| Attendance {
            member_id,
            proxy_holder,
        })
        .collect())
}

/// Records one line of attendance.
pub async fn insert_attendance(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    meeting_id: Uuid,
    line: Attendance,
    actor: Uuid,
) -> AppResult<()> {
    diesel::insert_into(meeting_attendance::table)
        .values((
            meeting_attendance::coop_id.eq(coop_id),
            meeting_attendance::meeting_id.eq(meeting_id),
            meeting_attendance::member_id.eq(line.member_id),
            meeting_attendance::proxy_holder.eq(line.proxy_holder),
            meeting_attendance::recorded_by.eq(actor),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes one line of attendance.
pub async fn delete_attendance(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    meeting_id: Uuid,
    member_id: Uuid,
) -> AppResult<()> {
    diesel::delete(
        meeting_attendance::table.filter(
            meeting_attendance::coop_id
                .eq(coop_id)
                .and(meeting_attendance::meeting_id.eq(meeting_id))
                .and(meeting_attendance::member_id.eq(member_id)),
        ),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records when the convocation of a meeting (the notice the bylaws require) was sent.
pub async fn set_notice_sent_at(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(meetings::table.filter(meetings::coop_id.eq(coop_id).and(meetings::id.eq(id))))
        .set(meetings::notice_sent_at.eq(Some(at)))
        .execute(conn)
        .await?;
    Ok(())
}
