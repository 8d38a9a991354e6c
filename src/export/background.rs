//! Exports of large co-ops made in the background (issue 20): a request for a file
//! over `--export-inline-rows` rows queues a job and answers at once with the job's
//! address; a job worker writes the file into `export_files`, where whoever asked
//! downloads it for a day, then it is erased (it holds names and addresses).
//!
//! The domains build the files (the register, the audit log); this module keeps the
//! jobs and the files and knows who may read them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::permissions::Action;
use crate::db::schema::{export_files, jobs};
use crate::error::{AppError, AppResult};
use crate::jobs::{Claimed, Job};

/// How long a finished export's file may be downloaded.
pub const KEEP_HOURS: i64 = 24;

/// What a background export produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// The register as of a date (`register.csv`).
    Register,
    /// The co-op's whole audit log (`audit.csv`).
    AuditLog,
}

impl Export {
    /// Every export made in the background.
    pub const ALL: [Export; 2] = [Export::Register, Export::AuditLog];

    /// Its job kind.
    pub fn kind(self) -> &'static str {
        match self {
            Export::Register => "export_register",
            Export::AuditLog => "export_audit",
        }
    }

    /// The export a job kind makes, if it is one.
    pub fn of_kind(kind: &str) -> Option<Export> {
        Export::ALL.into_iter().find(|e| e.kind() == kind)
    }

    /// What a caller must be allowed to do to ask for it, follow it and download it.
    pub fn requires(self) -> Action {
        match self {
            Export::Register => Action::ViewMembers,
            Export::AuditLog => Action::ViewAudit,
        }
    }
}

/// An export asked for: the file, made within the request, or the job making it.
#[derive(Debug)]
pub enum Exported {
    /// A small export: the file.
    File {
        /// Its name, for the download.
        filename: String,
        /// Its bytes.
        content: Vec<u8>,
    },
    /// A large export: the job making it.
    Queued(Uuid),
}

/// Queues an export for `user` with its `params`, or answers the same export this
/// user asked for and that is still waiting, so reloading the link queues nothing
/// more.
pub async fn start(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    user_id: Uuid,
    export: Export,
    params: serde_json::Value,
) -> AppResult<Uuid> {
    let waiting: Option<Uuid> = jobs::table
        .filter(jobs::coop_id.eq(coop_id))
        .filter(jobs::kind.eq(export.kind()))
        .filter(jobs::created_by.eq(user_id))
        .filter(jobs::status.eq("queued"))
        .filter(jobs::payload.eq(&params))
        .select(jobs::id)
        .first(conn)
        .await
        .optional()?;
    match waiting {
        Some(id) => Ok(id),
        None => crate::jobs::enqueue(conn, Some(coop_id), export.kind(), params, Some(user_id)).await,
    }
}

/// Keeps the file an export job made, for [`KEEP_HOURS`], and answers the job's
/// result: the file's name, size and rows.
pub async fn save(
    conn: &mut AsyncPgConnection,
    job: &Claimed,
    filename: &str,
    rows: usize,
    content: Vec<u8>,
) -> AppResult<serde_json::Value> {
    let coop_id = job
        .coop_id
        .ok_or_else(|| AppError::internal("an export job without its co-op"))?;
    let bytes = content.len();
    diesel::insert_into(export_files::table)
        .values((
            export_files::job_id.eq(job.id),
            export_files::coop_id.eq(coop_id),
            export_files::filename.eq(filename),
            export_files::content.eq(content),
            export_files::expires_at.eq(Utc::now() + chrono::Duration::hours(KEEP_HOURS)),
        ))
        // A job run again after its lease ran out replaces its file.
        .on_conflict(export_files::job_id)
        .do_update()
        .set((
            export_files::filename.eq(filename),
            export_files::content.eq(diesel::upsert::excluded(export_files::content)),
        ))
        .execute(conn)
        .await?;
    crate::jobs::progress(conn, job.id, rows as i64, rows as i64).await?;
    Ok(json!({ "filename": filename, "bytes": bytes, "rows": rows }))
}

/// A background export as its page and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportJob {
    /// The job: queued or running (`running`), done, or failed.
    #[serde(flatten)]
    pub job: Job,
    /// Where the file is downloaded, once done and until it expires.
    pub file_url: Option<String>,
    /// When the file is erased.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An export the caller asked for, if they still may read it: another's export, an
/// export of something they may no longer see, or any other job is not found.
pub async fn find(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    user_id: Uuid,
    may: impl Fn(Action) -> bool,
    id: Uuid,
    file_url: String,
) -> AppResult<ExportJob> {
    let job = crate::jobs::find(conn, coop_id, id).await?;
    let allowed = Export::of_kind(&job.kind).is_some_and(|e| may(e.requires()));
    if !allowed || job.created_by != Some(user_id) {
        return Err(AppError::NotFound);
    }
    let expires_at: Option<DateTime<Utc>> = export_files::table
        .filter(export_files::job_id.eq(id))
        .filter(export_files::expires_at.gt(diesel::dsl::now))
        .select(export_files::expires_at)
        .first(conn)
        .await
        .optional()?;
    Ok(ExportJob {
        job,
        file_url: expires_at.map(|_| file_url),
        expires_at,
    })
}

/// The file of an export the caller may read (see [`find`]): its name and content.
pub async fn file(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    user_id: Uuid,
    may: impl Fn(Action) -> bool,
    id: Uuid,
) -> AppResult<(String, Vec<u8>)> {
    let export = find(conn, coop_id, user_id, may, id, String::new()).await?;
    if export.expires_at.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(export_files::table
        .filter(export_files::job_id.eq(id))
        .select((export_files::filename, export_files::content))
        .first(conn)
        .await?)
}

/// Erases the files whose day is over. Answers how many.
pub async fn erase_expired(conn: &mut AsyncPgConnection) -> AppResult<usize> {
    Ok(
        diesel::delete(export_files::table.filter(export_files::expires_at.le(diesel::dsl::now)))
            .execute(conn)
            .await?,
    )
}
