//! The server's background workers: the recurring tasks of the schedule and the
//! one-off jobs from the queue in PostgreSQL (`jobs`), and the delivery of the
//! outbox (`mail`). Any number of Concord processes may run them against one
//! database: every claim is `FOR UPDATE SKIP LOCKED` with a lease.
//!
//! Their connections come from the server's pool, at most one per worker at a time:
//! the jobs' share of the pool is bounded by the number of workers, so a long job
//! never takes the connections requests need.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::AsyncPgConnection;

use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::error::{AppError, AppResult};
use crate::export::{self, background::Export};
use crate::mail::{Delivered, Mailer};
use crate::{audit, ballots, jobs, membership, notifications, patronage, shares};

/// A task of the schedule: one row in `jobs`, run by one process at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurring {
    /// Opens scheduled drafts and closes ballots whose window ended (every few
    /// seconds, and at once on start, so a close that fell while the server was
    /// down happens at once; a vote after the close is refused by the clock in any
    /// case, so this only bounds how late the result goes out).
    BallotSchedule,
    /// Takes offices from members whose leaving has taken effect since it was
    /// recorded (access already ignores them from that day).
    EndOffices,
    /// Queues the daily digests due (each user's at most once a day).
    DailyDigests,
    /// Reminds those who have not voted on a ballot closing within the day, and
    /// members of instalments of shares due (each marked, so reminded once).
    Reminders,
    /// Erases the files of background exports a day after they were written.
    ExpiredExports,
}

impl Recurring {
    /// Every recurring task.
    pub const ALL: [Recurring; 5] = [
        Recurring::BallotSchedule,
        Recurring::EndOffices,
        Recurring::DailyDigests,
        Recurring::Reminders,
        Recurring::ExpiredExports,
    ];

    /// Its row's key in `jobs`.
    pub fn key(self) -> &'static str {
        match self {
            Recurring::BallotSchedule => "ballot_schedule",
            Recurring::EndOffices => "end_offices",
            Recurring::DailyDigests => "daily_digests",
            Recurring::Reminders => "reminders",
            Recurring::ExpiredExports => "expired_exports",
        }
    }

    /// How long after a run it is due again.
    pub fn period(self) -> Duration {
        match self {
            Recurring::BallotSchedule => Duration::from_secs(5),
            Recurring::Reminders => Duration::from_secs(900),
            Recurring::EndOffices | Recurring::DailyDigests | Recurring::ExpiredExports => Duration::from_secs(3_600),
        }
    }

    /// How long after a process first creates its row the task first runs: the
    /// digests wait an hour, so a restart never sends one early.
    fn first_after(self) -> Duration {
        match self {
            Recurring::DailyDigests => Duration::from_secs(3_600),
            Recurring::BallotSchedule | Recurring::EndOffices | Recurring::Reminders | Recurring::ExpiredExports => {
                Duration::ZERO
            }
        }
    }

    fn from_key(key: &str) -> Option<Recurring> {
        Recurring::ALL.into_iter().find(|r| r.key() == key)
    }

    async fn run(self, conn: &mut AsyncPgConnection, settings: &Settings) -> AppResult<()> {
        let now = chrono::Utc::now();
        match self {
            Recurring::BallotSchedule => ballots::service::run_schedule(conn, settings).await.map(drop),
            Recurring::EndOffices => membership::service::end_offices_of_former_members(conn, now)
                .await
                .map(drop),
            Recurring::DailyDigests => notifications::service::send_due_digests(conn, now).await.map(drop),
            Recurring::Reminders => {
                // A failure of one kind of reminder does not hold back the other.
                let ballots = ballots::service::remind(conn, settings).await;
                let instalments = shares::service::remind(conn, settings).await;
                ballots.and(instalments).map(drop)
            }
            Recurring::ExpiredExports => export::background::erase_expired(conn).await.map(drop),
        }
    }
}

/// How often an idle worker looks for work.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// What the workers share.
#[derive(Clone)]
pub struct Workers {
    /// The server's pool.
    pub pool: DbPool,
    /// The configuration.
    pub settings: Arc<Settings>,
    /// The relay.
    pub mailer: Mailer,
    /// Held while this process delivers the outbox, so a caller that wants the
    /// outbox delivered (a test, the CLI) waits for a delivery already under way.
    pub delivering: Arc<tokio::sync::Mutex<()>>,
    /// Shared by this process's job workers while they run jobs; taken whole by a
    /// caller that wants every job due run now, once the runs under way are done.
    pub running_jobs: Arc<tokio::sync::RwLock<()>>,
}

impl Workers {
    /// The background workers of a server (the schedule, the job queue, the
    /// outbox's delivery), sharing its pool, relay and locks.
    pub fn of(state: &crate::web::state::AppState) -> Workers {
        Workers {
            pool: state.pool.clone(),
            settings: state.settings.clone(),
            mailer: state.mailer.clone(),
            delivering: state.delivering.clone(),
            running_jobs: state.running_jobs.clone(),
        }
    }

    /// Starts the workers on the current runtime: the schedule's, `job_workers`
    /// for one-off jobs, and the outbox's.
    pub fn spawn(self) {
        let schedule = self.clone();
        tokio::spawn(async move { schedule.run_recurring().await });
        for _ in 0..self.settings.job_workers {
            let jobs = self.clone();
            tokio::spawn(async move { jobs.run_one_off().await });
        }
        tokio::spawn(async move {
            let mut every = tokio::time::interval(POLL_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(e) = self.deliver_mail().await {
                    tracing::warn!(error = %e, "delivering the outbox");
                }
            }
        });
    }

    /// Delivers the outbox's messages that are due, now (after any delivery this
    /// process has under way).
    pub async fn deliver_mail(&self) -> AppResult<Delivered> {
        let _delivering = self.delivering.lock().await;
        crate::mail::deliver_due(&self.pool, &self.mailer, &self.settings.mail_from).await
    }

    /// The tasks this process runs: the ballot schedule and the reminders only where
    /// they are on.
    fn recurring_here(&self) -> Vec<Recurring> {
        Recurring::ALL
            .into_iter()
            .filter(|r| match r {
                Recurring::BallotSchedule => self.settings.schedule_ballots,
                Recurring::Reminders => self.settings.send_reminders,
                Recurring::EndOffices | Recurring::DailyDigests | Recurring::ExpiredExports => true,
            })
            .collect()
    }

    async fn run_recurring(self) {
        let here = self.recurring_here();
        let mut every = tokio::time::interval(POLL_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The tasks' rows are made once, on the first tick the database answers.
        let mut ensured = false;
        loop {
            every.tick().await;
            if !ensured {
                match self.ensure_rows(&here).await {
                    Ok(()) => ensured = true,
                    Err(e) => {
                        tracing::warn!(error = %e, "making the schedule's rows");
                        continue;
                    }
                }
            }
            if let Err(e) = self.recurring_pass(&here).await {
                tracing::warn!(error = %e, "running the schedule");
            }
        }
    }

    async fn ensure_rows(&self, here: &[Recurring]) -> AppResult<()> {
        let mut conn = db::conn(&self.pool).await?;
        for task in here {
            jobs::ensure_recurring(&mut conn, task.key(), task.first_after()).await?;
        }
        Ok(())
    }

    async fn recurring_pass(&self, here: &[Recurring]) -> AppResult<()> {
        let mut conn = db::conn(&self.pool).await?;
        let keys: Vec<&str> = here.iter().map(|r| r.key()).collect();
        while let Some(job) = jobs::claim(&mut conn, Some(&keys)).await? {
            let Some(task) = job.unique_key.as_deref().and_then(Recurring::from_key) else {
                continue;
            };
            let error = task.run(&mut conn, &self.settings).await.err().map(|e| {
                tracing::warn!(error = %e, task = task.key(), "a task of the schedule failed");
                e.to_string()
            });
            jobs::reschedule(&mut conn, job.id, task.period(), error).await?;
        }
        Ok(())
    }

    async fn run_one_off(self) {
        let mut every = tokio::time::interval(POLL_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let _shared = self.running_jobs.read().await;
            if let Err(e) = self.claim_and_run().await {
                tracing::warn!(error = %e, "running the job queue");
            }
        }
    }

    /// Runs the one-off jobs due now, after those this process's workers have under
    /// way, until none is left to claim. Answers how many it ran.
    pub async fn one_off_pass(&self) -> AppResult<usize> {
        let _whole = self.running_jobs.write().await;
        self.claim_and_run().await
    }

    async fn claim_and_run(&self) -> AppResult<usize> {
        let mut ran = 0;
        loop {
            let mut conn = db::conn(&self.pool).await?;
            let Some(job) = jobs::claim(&mut conn, None).await? else {
                return Ok(ran);
            };
            let outcome = self.run_job(&mut conn, &job).await;
            if let Err(e) = &outcome {
                tracing::warn!(error = %e, job = %job.id, kind = job.kind, "a job failed");
            }
            jobs::finish(&mut conn, &job, outcome).await?;
            ran += 1;
        }
    }

    async fn run_job(&self, conn: &mut AsyncPgConnection, job: &jobs::Claimed) -> Result<serde_json::Value, AppError> {
        match job.kind.as_str() {
            membership::service::REGISTER_IMPORT => membership::service::run_import_job(conn, job).await,
            patronage::service::ALLOCATION_NOTICES => {
                patronage::service::run_notices_job(conn, &self.settings, job).await
            }
            kind if kind == Export::Register.kind() => membership::service::run_export_job(conn, job).await,
            kind if kind == Export::AuditLog.kind() => audit::run_export_job(conn, job).await,
            other => Err(AppError::BadRequest(format!("no worker knows the job kind `{other}`"))),
        }
    }
}
