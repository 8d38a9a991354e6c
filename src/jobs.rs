//! The job queue in PostgreSQL: the schedule's recurring tasks and the long jobs a
//! request starts, claimed by any number of Concord processes with `FOR UPDATE SKIP
//! LOCKED` and a lease (decision 0020). A recurring task has one row, keyed by its
//! name, however many processes start: the process that claims it runs it and sets
//! its next time, so two instances never run the ballot schedule or the digests at
//! once. A process that dies mid-job leaves it to the others when the lease ends.
//!
//! This module knows no domain: the server's workers dispatch on the job's kind.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::schema::jobs;
use crate::error::{AppError, AppResult};

/// How long a claim keeps other processes off a job. Long enough for the longest
/// job (a register import of the largest file allowed); a job that outlives it may
/// be started a second time elsewhere, so every job is one transaction or safe to
/// repeat.
pub const LEASE_SECONDS: i32 = 900;

/// Attempts of a one-off job before it is given up (its last error kept).
pub const MAX_ATTEMPTS: i32 = 3;

/// A job claimed by this process.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    /// The job.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    /// What to do.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    /// The co-op it concerns, if one.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub coop_id: Option<Uuid>,
    /// Its arguments.
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub payload: serde_json::Value,
    /// Attempts so far, this one included.
    #[diesel(sql_type = diesel::sql_types::Int4)]
    pub attempts: i32,
    /// Set for a recurring task.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub unique_key: Option<String>,
    /// Who started it.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub created_by: Option<Uuid>,
}

/// A job as its page and the API show it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, ToSchema)]
#[diesel(table_name = jobs)]
pub struct Job {
    /// The job.
    pub id: Uuid,
    /// What it does (`register_import`).
    pub kind: String,
    /// queued (waiting or running), done, or failed.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// Units of work done (rows, messages).
    pub progress_done: i64,
    /// Units of work in all, once known (0 before).
    pub progress_total: i64,
    /// What it produced, once done (or the errors that stopped it).
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// Why its last attempt failed.
    pub last_error: Option<String>,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Who started it.
    pub created_by: Option<Uuid>,
    /// Whether a worker holds it now.
    #[diesel(select_expression = jobs::claimed_until.is_not_null())]
    #[diesel(select_expression_type = diesel::dsl::IsNotNull<jobs::claimed_until>)]
    pub running: bool,
}

/// Makes sure the recurring task `key` exists, due `first_after` from now if it is
/// new. Every process calls this; the row is shared.
pub async fn ensure_recurring(
    conn: &mut AsyncPgConnection,
    key: &str,
    first_after: std::time::Duration,
) -> AppResult<()> {
    let first = Utc::now() + chrono::Duration::from_std(first_after).unwrap_or_default();
    diesel::insert_into(jobs::table)
        .values((
            jobs::id.eq(Uuid::new_v4()),
            jobs::kind.eq(key),
            jobs::unique_key.eq(key),
            jobs::run_at.eq(first),
        ))
        .on_conflict(jobs::unique_key)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Queues a one-off job in the caller's transaction (it starts once that commits).
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    coop_id: Option<Uuid>,
    kind: &str,
    payload: serde_json::Value,
    created_by: Option<Uuid>,
) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    diesel::insert_into(jobs::table)
        .values((
            jobs::id.eq(id),
            jobs::coop_id.eq(coop_id),
            jobs::kind.eq(kind),
            jobs::payload.eq(payload),
            jobs::created_by.eq(created_by),
        ))
        .execute(conn)
        .await?;
    Ok(id)
}

/// Claims the job due first that no other process holds, if any: with `recurring`,
/// one of those recurring tasks; otherwise a one-off job (so a long import never
/// delays the ballot schedule).
pub async fn claim(conn: &mut AsyncPgConnection, recurring: Option<&[&str]>) -> AppResult<Option<Claimed>> {
    let claimed: Vec<Claimed> = diesel::sql_query(
        "UPDATE jobs SET claimed_until = now() + make_interval(secs => $1), attempts = attempts + 1
          WHERE id = (SELECT id FROM jobs
                       WHERE status = 'queued' AND run_at <= now()
                         AND (claimed_until IS NULL OR claimed_until < now())
                         AND CASE WHEN $2 THEN unique_key = ANY($3) ELSE unique_key IS NULL END
                       ORDER BY run_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id, kind, coop_id, payload, attempts, unique_key, created_by",
    )
    .bind::<diesel::sql_types::Int4, _>(LEASE_SECONDS)
    .bind::<diesel::sql_types::Bool, _>(recurring.is_some())
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(recurring.unwrap_or_default())
    .load(conn)
    .await?;
    Ok(claimed.into_iter().next())
}

/// Records the end of a recurring task's run and when it is due again; `error` is
/// kept for the operator until a run succeeds.
pub async fn reschedule(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    next: std::time::Duration,
    error: Option<String>,
) -> AppResult<()> {
    diesel::sql_query(
        "UPDATE jobs SET run_at = now() + make_interval(secs => $2), claimed_until = NULL, attempts = 0,
                last_error = $3, finished_at = now()
          WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Double, _>(next.as_secs_f64())
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a one-off job's end: done with its result, or (on an error) due again
/// after a backoff, or failed for good once [`MAX_ATTEMPTS`] are spent or the error
/// is the input's fault (retrying cannot help). Answers the status recorded.
pub async fn finish(
    conn: &mut AsyncPgConnection,
    job: &Claimed,
    outcome: Result<serde_json::Value, AppError>,
) -> AppResult<&'static str> {
    let (status, result, error, retry_in) = match outcome {
        Ok(result) => ("done", Some(result), None, 0),
        Err(e) => {
            // Only the service's own trouble is worth another attempt: bad input
            // fails the same way every time.
            let transient = matches!(e, AppError::Unavailable | AppError::Internal(_));
            let final_ = job.attempts >= MAX_ATTEMPTS || !transient;
            let result = serde_json::to_value(e.problem()).ok();
            let retry_in = 30 * (1 << job.attempts.clamp(0, 6));
            let status = if final_ { "failed" } else { "queued" };
            (status, result, Some(e.to_string()), retry_in)
        }
    };
    // A finished job's input (a register import's file: names and addresses) is
    // not kept once it has been used.
    diesel::sql_query(
        "UPDATE jobs SET status = $2, result = $3, last_error = $4, claimed_until = NULL,
                run_at = now() + make_interval(secs => $5),
                finished_at = CASE WHEN $2 = 'queued' THEN NULL ELSE now() END,
                payload = CASE WHEN $2 = 'queued' THEN payload ELSE '{}' END
          WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(job.id)
    .bind::<diesel::sql_types::Text, _>(status)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Jsonb>, _>(result)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(error)
    .bind::<diesel::sql_types::Int4, _>(retry_in)
    .execute(conn)
    .await?;
    Ok(status)
}

/// Records a running job's progress (`done` of `total` units), for its page.
pub async fn progress(conn: &mut AsyncPgConnection, id: Uuid, done: i64, total: i64) -> AppResult<()> {
    diesel::update(jobs::table.find(id))
        .set((jobs::progress_done.eq(done), jobs::progress_total.eq(total)))
        .execute(conn)
        .await?;
    Ok(())
}

/// A co-op's job, for its page.
pub async fn find(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) -> AppResult<Job> {
    jobs::table
        .filter(jobs::id.eq(id))
        .filter(jobs::coop_id.eq(coop_id))
        .select(Job::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}
