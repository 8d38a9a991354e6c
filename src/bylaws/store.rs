//! Bylaws in the database: versions, amendments and their revisions, comments.
//! Every query is scoped to the co-op it is given.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::rules::{Amendment, Bylaws, GovernanceSchedule};
use crate::db::schema::{bylaw_amendments, bylaw_comments, bylaw_revisions, bylaw_versions, members, users};
use crate::error::{AppError, AppResult};

fn from_json<T: DeserializeOwned>(what: &str, value: Value) -> AppResult<T> {
    serde_json::from_value(value).map_err(|e| AppError::internal(format!("stored {what}: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> AppResult<Value> {
    serde_json::to_value(value).map_err(|e| AppError::internal(e.to_string()))
}

/// One adopted version of the bylaws.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Version {
    /// Its number (1 is the first adopted in Concord).
    pub number: i32,
    /// The articles.
    #[schema(value_type = Object)]
    pub bylaws: Bylaws,
    /// The governance schedule it carries.
    #[schema(value_type = Object)]
    pub schedule: GovernanceSchedule,
    /// When it was adopted (and came into force).
    pub adopted_at: DateTime<Utc>,
    /// The founding decision (version 1) or a note on the adoption.
    pub reference: String,
    /// The amendment that made it, from version 2 on.
    pub amendment_id: Option<Uuid>,
    /// The ballot that adopted it, from version 2 on.
    pub ballot_id: Option<Uuid>,
}

type VersionRow = (i32, Value, Value, DateTime<Utc>, String, Option<Uuid>, Option<Uuid>);

macro_rules! version_columns {
    () => {
        (
            bylaw_versions::number,
            bylaw_versions::articles,
            bylaw_versions::schedule,
            bylaw_versions::adopted_at,
            bylaw_versions::reference,
            bylaw_versions::amendment_id,
            bylaw_versions::ballot_id,
        )
    };
}

fn version(row: VersionRow) -> AppResult<Version> {
    Ok(Version {
        number: row.0,
        bylaws: from_json("bylaws", row.1)?,
        schedule: from_json("schedule", row.2)?,
        adopted_at: row.3,
        reference: row.4,
        amendment_id: row.5,
        ballot_id: row.6,
    })
}

/// The version in force: the latest adopted, if any.
pub async fn current(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Option<Version>> {
    let row: Option<VersionRow> = bylaw_versions::table
        .filter(bylaw_versions::coop_id.eq(coop_id))
        .order(bylaw_versions::number.desc())
        .select(version_columns!())
        .first(conn)
        .await
        .optional()?;
    row.map(version).transpose()
}

/// One version by number.
pub async fn version_by_number(conn: &mut AsyncPgConnection, coop_id: Uuid, number: i32) -> AppResult<Version> {
    let row: VersionRow = bylaw_versions::table
        .filter(
            bylaw_versions::coop_id
                .eq(coop_id)
                .and(bylaw_versions::number.eq(number)),
        )
        .select(version_columns!())
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)?;
    version(row)
}

/// Every version, newest first, without the articles.
pub async fn history(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Version>> {
    let rows: Vec<VersionRow> = bylaw_versions::table
        .filter(bylaw_versions::coop_id.eq(coop_id))
        .order(bylaw_versions::number.desc())
        .select(version_columns!())
        .load(conn)
        .await?;
    rows.into_iter().map(version).collect()
}

/// What a new version is adopted from.
pub struct NewVersion<'a> {
    /// Its number.
    pub number: i32,
    /// The articles.
    pub bylaws: &'a Bylaws,
    /// The schedule.
    pub schedule: &'a GovernanceSchedule,
    /// The founding decision or a note.
    pub reference: &'a str,
    /// The amendment, from version 2 on.
    pub amendment_id: Option<Uuid>,
    /// The ballot, from version 2 on.
    pub ballot_id: Option<Uuid>,
    /// Who adopted it (the board member who imported version 1, or who closed the ballot).
    pub adopted_by: Option<Uuid>,
}

/// Stores a new version; the primary key refuses a second version with the same number.
pub async fn insert_version(conn: &mut AsyncPgConnection, coop_id: Uuid, new: &NewVersion<'_>) -> AppResult<()> {
    diesel::insert_into(bylaw_versions::table)
        .values((
            bylaw_versions::coop_id.eq(coop_id),
            bylaw_versions::number.eq(new.number),
            bylaw_versions::articles.eq(to_json(new.bylaws)?),
            bylaw_versions::schedule.eq(to_json(new.schedule)?),
            bylaw_versions::adopted_at.eq(Utc::now()),
            bylaw_versions::reference.eq(new.reference),
            bylaw_versions::amendment_id.eq(new.amendment_id),
            bylaw_versions::ballot_id.eq(new.ballot_id),
            bylaw_versions::adopted_by.eq(new.adopted_by),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the co-op's bylaws lock for this transaction: importing, adopting and
/// submitting are decided one at a time, each against the version then in force.
pub async fn lock(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind::<diesel::sql_types::Text, _>(format!("bylaws:{coop_id}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// An amendment as stored (its text is in its latest revision).
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = bylaw_amendments)]
pub struct AmendmentRow {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// draft, open (for comments), voting, adopted, rejected, conflict, withdrawn.
    pub status: String,
    /// The version it was drafted on.
    pub base_version: i32,
    /// Its latest revision.
    pub revision: i32,
    /// The ballot that decides it, once submitted.
    pub ballot_id: Option<Uuid>,
    /// The version it made, once adopted.
    pub adopted_version: Option<i32>,
    /// Who drafted it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Its last change.
    pub updated_at: DateTime<Utc>,
}

/// One amendment, optionally locked for update.
pub async fn amendment(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    for_update: bool,
) -> AppResult<AmendmentRow> {
    let query = bylaw_amendments::table
        .filter(bylaw_amendments::coop_id.eq(coop_id).and(bylaw_amendments::id.eq(id)))
        .select(AmendmentRow::as_select());
    let row = if for_update {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    row.ok_or(AppError::NotFound)
}

/// The co-op's amendments, newest first.
pub async fn amendments(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<AmendmentRow>> {
    Ok(bylaw_amendments::table
        .filter(bylaw_amendments::coop_id.eq(coop_id))
        .order((bylaw_amendments::created_at.desc(), bylaw_amendments::id.desc()))
        .select(AmendmentRow::as_select())
        .load(conn)
        .await?)
}

/// The amendment a ballot decides, if any, locked for update.
pub async fn amendment_of_ballot(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
) -> AppResult<Option<AmendmentRow>> {
    Ok(bylaw_amendments::table
        .filter(
            bylaw_amendments::coop_id
                .eq(coop_id)
                .and(bylaw_amendments::ballot_id.eq(ballot_id)),
        )
        .select(AmendmentRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

/// Stores a new amendment with its first revision.
pub async fn insert_amendment(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    title: &str,
    amendment: &Amendment,
    by: Uuid,
) -> AppResult<()> {
    diesel::insert_into(bylaw_amendments::table)
        .values((
            bylaw_amendments::coop_id.eq(coop_id),
            bylaw_amendments::id.eq(id),
            bylaw_amendments::title.eq(title),
            bylaw_amendments::base_version.eq(amendment.base_version as i32),
            bylaw_amendments::created_by.eq(by),
        ))
        .execute(conn)
        .await?;
    insert_revision(conn, coop_id, id, 1, amendment, "", by).await
}

/// Stores a revision (never changed afterwards).
pub async fn insert_revision(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    amendment_id: Uuid,
    revision: i32,
    amendment: &Amendment,
    note: &str,
    by: Uuid,
) -> AppResult<()> {
    diesel::insert_into(bylaw_revisions::table)
        .values((
            bylaw_revisions::coop_id.eq(coop_id),
            bylaw_revisions::amendment_id.eq(amendment_id),
            bylaw_revisions::revision.eq(revision),
            bylaw_revisions::amendment.eq(to_json(amendment)?),
            bylaw_revisions::note.eq(note),
            bylaw_revisions::created_by.eq(by),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// What may change on an amendment's row.
#[derive(Default)]
pub struct AmendmentChange<'a> {
    /// A new title.
    pub title: Option<&'a str>,
    /// A new status.
    pub status: Option<&'a str>,
    /// A new base version (after a rebase).
    pub base_version: Option<i32>,
    /// A new latest revision.
    pub revision: Option<i32>,
    /// The deciding ballot (`Some(None)` detaches it).
    pub ballot_id: Option<Option<Uuid>>,
    /// The version it made.
    pub adopted_version: Option<i32>,
}

/// Updates an amendment's row.
pub async fn update_amendment(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    change: AmendmentChange<'_>,
) -> AppResult<()> {
    let target = bylaw_amendments::table.filter(bylaw_amendments::coop_id.eq(coop_id).and(bylaw_amendments::id.eq(id)));
    diesel::update(target)
        .set((
            change.title.map(|t| bylaw_amendments::title.eq(t)),
            change.status.map(|s| bylaw_amendments::status.eq(s)),
            change.base_version.map(|v| bylaw_amendments::base_version.eq(v)),
            change.revision.map(|r| bylaw_amendments::revision.eq(r)),
            change.ballot_id.map(|b| bylaw_amendments::ballot_id.eq(b)),
            change
                .adopted_version
                .map(|v| bylaw_amendments::adopted_version.eq(Some(v))),
            bylaw_amendments::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One revision of an amendment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Revision {
    /// Its number.
    pub revision: i32,
    /// The amendment as drafted then.
    #[schema(value_type = Object)]
    pub amendment: Amendment,
    /// What the board changed, in its words.
    pub note: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Every revision of an amendment, oldest first.
pub async fn revisions(conn: &mut AsyncPgConnection, coop_id: Uuid, amendment_id: Uuid) -> AppResult<Vec<Revision>> {
    let rows: Vec<(i32, Value, String, DateTime<Utc>)> = bylaw_revisions::table
        .filter(
            bylaw_revisions::coop_id
                .eq(coop_id)
                .and(bylaw_revisions::amendment_id.eq(amendment_id)),
        )
        .order(bylaw_revisions::revision.asc())
        .select((
            bylaw_revisions::revision,
            bylaw_revisions::amendment,
            bylaw_revisions::note,
            bylaw_revisions::created_at,
        ))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(revision, amendment, note, created_at)| {
            Ok(Revision {
                revision,
                amendment: from_json("amendment", amendment)?,
                note,
                created_at,
            })
        })
        .collect()
}

/// Amendments in `statuses` (e.g. those still open to a vote).
pub async fn amendments_in(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    statuses: &[&str],
) -> AppResult<Vec<AmendmentRow>> {
    Ok(bylaw_amendments::table
        .filter(bylaw_amendments::coop_id.eq(coop_id))
        .filter(bylaw_amendments::status.eq_any(statuses))
        .select(AmendmentRow::as_select())
        .load(conn)
        .await?)
}

/// One comment as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comment {
    /// Its id.
    pub id: Uuid,
    /// The article it is about (`None`: the amendment as a whole).
    pub article: Option<String>,
    /// The comment it answers.
    pub parent_id: Option<Uuid>,
    /// The author's member id.
    pub author_member: Uuid,
    /// The author's name.
    pub author: String,
    /// The text (Markdown); empty once hidden.
    pub body: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// When the secretary hid it.
    pub hidden_at: Option<DateTime<Utc>>,
    /// Why.
    pub hidden_reason: Option<String>,
}

type CommentRow = (
    Uuid,
    Option<String>,
    Option<Uuid>,
    Uuid,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// The comments on an amendment, oldest first; a hidden comment keeps its place
/// (its answers stay readable) but not its text.
pub async fn comments(conn: &mut AsyncPgConnection, coop_id: Uuid, amendment_id: Uuid) -> AppResult<Vec<Comment>> {
    let rows: Vec<CommentRow> = bylaw_comments::table
        .inner_join(
            members::table.on(members::coop_id
                .eq(bylaw_comments::coop_id)
                .and(members::id.eq(bylaw_comments::author_member))),
        )
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(
            bylaw_comments::coop_id
                .eq(coop_id)
                .and(bylaw_comments::amendment_id.eq(amendment_id)),
        )
        .order((bylaw_comments::created_at.asc(), bylaw_comments::id.asc()))
        .select((
            bylaw_comments::id,
            bylaw_comments::article,
            bylaw_comments::parent_id,
            bylaw_comments::author_member,
            users::display_name,
            bylaw_comments::body,
            bylaw_comments::created_at,
            bylaw_comments::edited_at,
            bylaw_comments::hidden_at,
            bylaw_comments::hidden_reason,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Comment {
            id: r.0,
            article: r.1,
            parent_id: r.2,
            author_member: r.3,
            author: r.4,
            body: if r.8.is_some() { String::new() } else { r.5 },
            created_at: r.6,
            edited_at: r.7,
            hidden_at: r.8,
            hidden_reason: r.9,
        })
        .collect())
}

/// A comment's amendment, author, creation time and whether it is hidden, locked.
pub async fn comment_for_update(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
) -> AppResult<(Uuid, Uuid, DateTime<Utc>, bool)> {
    type Row = (Uuid, Uuid, DateTime<Utc>, Option<DateTime<Utc>>);
    let row: Option<Row> = bylaw_comments::table
        .filter(bylaw_comments::coop_id.eq(coop_id).and(bylaw_comments::id.eq(id)))
        .select((
            bylaw_comments::amendment_id,
            bylaw_comments::author_member,
            bylaw_comments::created_at,
            bylaw_comments::hidden_at,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let row = row.ok_or(AppError::NotFound)?;
    Ok((row.0, row.1, row.2, row.3.is_some()))
}

/// A new comment.
pub struct NewComment<'a> {
    /// Its id.
    pub id: Uuid,
    /// The amendment.
    pub amendment_id: Uuid,
    /// The article, if the comment is about one.
    pub article: Option<&'a str>,
    /// The comment it answers.
    pub parent_id: Option<Uuid>,
    /// The author.
    pub author_member: Uuid,
    /// The text.
    pub body: &'a str,
}

/// Stores a comment.
pub async fn insert_comment(conn: &mut AsyncPgConnection, coop_id: Uuid, new: &NewComment<'_>) -> AppResult<()> {
    diesel::insert_into(bylaw_comments::table)
        .values((
            bylaw_comments::coop_id.eq(coop_id),
            bylaw_comments::id.eq(new.id),
            bylaw_comments::amendment_id.eq(new.amendment_id),
            bylaw_comments::article.eq(new.article),
            bylaw_comments::parent_id.eq(new.parent_id),
            bylaw_comments::author_member.eq(new.author_member),
            bylaw_comments::body.eq(new.body),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The amendment and article of a comment (to check an answer stays in its thread).
pub async fn comment_place(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
) -> AppResult<Option<(Uuid, Option<String>)>> {
    Ok(bylaw_comments::table
        .filter(bylaw_comments::coop_id.eq(coop_id).and(bylaw_comments::id.eq(id)))
        .select((bylaw_comments::amendment_id, bylaw_comments::article))
        .first(conn)
        .await
        .optional()?)
}

/// Replaces a comment's text.
pub async fn edit_comment(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, body: &str) -> AppResult<()> {
    diesel::update(bylaw_comments::table.filter(bylaw_comments::coop_id.eq(coop_id).and(bylaw_comments::id.eq(id))))
        .set((
            bylaw_comments::body.eq(body),
            bylaw_comments::edited_at.eq(Some(Utc::now())),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Hides a comment (the text stays in the database for the record).
pub async fn hide_comment(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    by: Uuid,
    reason: &str,
) -> AppResult<()> {
    diesel::update(bylaw_comments::table.filter(bylaw_comments::coop_id.eq(coop_id).and(bylaw_comments::id.eq(id))))
        .set((
            bylaw_comments::hidden_at.eq(Some(Utc::now())),
            bylaw_comments::hidden_by.eq(Some(by)),
            bylaw_comments::hidden_reason.eq(Some(reason)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Every member's address, name and locale (current members: not resigned or
/// expelled), for the bylaws' announcements.
pub async fn member_addresses(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<(String, String, String)>> {
    Ok(members::table
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(members::coop_id.eq(coop_id))
        .filter(members::status.eq_any(["member", "on_leave", "admitted"]))
        .select((users::email, users::display_name, users::locale))
        .load(conn)
        .await?)
}
