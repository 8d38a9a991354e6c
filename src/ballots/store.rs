//! Ballots in the database: the ballot row, its frozen roll, participations, papers
//! and proxies. Every query is scoped to the co-op it is given.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::rules::{Answer, BallotParameters, BallotResult, CountedPaper, Question, Settings, Status};
use crate::bylaws::rules::{ArticleNumber, DecidingBody, DecisionKind};
use crate::db::schema::{
    ballot_notices, ballot_papers, ballot_participations, ballot_proxies, ballot_subjects, ballot_voters, ballots,
    coops, meeting_agenda_items, meetings,
};
use crate::error::{AppError, AppResult};

/// A ballot as stored.
#[derive(Debug, Clone)]
pub struct Ballot {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// Its description (Markdown).
    pub description: String,
    /// How it is run.
    pub settings: Settings,
    /// Its questions.
    pub questions: Vec<Question>,
    /// Where it is in its life.
    pub status: Status,
    /// When it opens by itself (online ballots).
    pub opens_at: Option<DateTime<Utc>>,
    /// When it closes by itself (online ballots).
    pub closes_at: Option<DateTime<Utc>>,
    /// The seed of the lots (hex), from the opening.
    pub seed: Option<String>,
    /// Members on the roll, from the opening.
    pub roll_size: Option<i32>,
    /// When it opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When it closed or was cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// The result, once closed.
    pub result: Option<BallotResult>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The kind of decision it takes, whose rule the bylaws set.
    pub decision_kind: DecisionKind,
    /// The rule it decides under, fixed when it opened.
    pub legal_basis: Option<LegalBasis>,
    /// Who votes on it: the members, or the board.
    pub body: DecidingBody,
}

/// The rule a ballot decides under, fixed when it opens: the kind of decision, the
/// version of the bylaws in force that day (none before a co-op adopts bylaws: its
/// governance parameters then), the article of them that sets the rule of that kind
/// and the least rule they set for it. A
/// consequence (a distribution approved, an amendment adopted) follows only a ballot
/// whose basis is the right kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LegalBasis {
    /// The kind of decision.
    #[schema(value_type = String)]
    pub kind: DecisionKind,
    /// The version of the bylaws in force at the opening.
    pub bylaws_version: Option<i32>,
    /// The least quorum, threshold and base the bylaws set for that kind.
    #[schema(value_type = Object)]
    pub rule: BallotParameters,
    /// The article of those bylaws that sets that rule, when one does (bases stored
    /// before Concord looked for it have none).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub article: Option<ArticleNumber>,
}

type BallotRow = (
    Uuid,
    String,
    String,
    Value,
    Value,
    String,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<i32>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<Value>,
    DateTime<Utc>,
    String,
    Option<Value>,
    String,
);

macro_rules! ballot_columns {
    () => {
        (
            ballots::id,
            ballots::title,
            ballots::description,
            ballots::settings,
            ballots::questions,
            ballots::status,
            ballots::opens_at,
            ballots::closes_at,
            ballots::seed,
            ballots::roll_size,
            ballots::opened_at,
            ballots::ended_at,
            ballots::cancel_reason,
            ballots::result,
            ballots::created_at,
            ballots::decision_kind,
            ballots::legal_basis,
            ballots::body,
        )
    };
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("stored ballot {what}: {e}"))
}

fn to_ballot(row: BallotRow) -> AppResult<Ballot> {
    Ok(Ballot {
        id: row.0,
        title: row.1,
        description: row.2,
        settings: serde_json::from_value(row.3).map_err(|e| corrupt("settings", e))?,
        questions: serde_json::from_value(row.4).map_err(|e| corrupt("questions", e))?,
        status: Status::parse(&row.5).ok_or_else(|| corrupt("status", &row.5))?,
        opens_at: row.6,
        closes_at: row.7,
        seed: row.8,
        roll_size: row.9,
        opened_at: row.10,
        ended_at: row.11,
        cancel_reason: row.12,
        result: row
            .13
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| corrupt("result", e))?,
        created_at: row.14,
        decision_kind: DecisionKind::parse(&row.15).ok_or_else(|| corrupt("decision kind", &row.15))?,
        legal_basis: row
            .16
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| corrupt("legal basis", e))?,
        body: DecidingBody::parse(&row.17).ok_or_else(|| corrupt("body", &row.17))?,
    })
}

/// The co-op's ballot parameters.
pub async fn parameters(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<BallotParameters> {
    let value: Value = coops::table
        .find(coop_id)
        .select(coops::ballot_parameters)
        .first(conn)
        .await?;
    serde_json::from_value(value).map_err(|e| corrupt("parameters", e))
}

/// Saves the co-op's ballot parameters.
pub async fn save_parameters(conn: &mut AsyncPgConnection, coop_id: Uuid, p: &BallotParameters) -> AppResult<()> {
    diesel::update(coops::table.find(coop_id))
        .set(coops::ballot_parameters.eq(serde_json::to_value(p).map_err(|e| corrupt("parameters", e))?))
        .execute(conn)
        .await?;
    Ok(())
}

/// What a new or edited ballot holds.
pub struct BallotFields<'a> {
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Settings.
    pub settings: &'a Settings,
    /// Questions.
    pub questions: &'a [Question],
    /// Scheduled opening.
    pub opens_at: Option<DateTime<Utc>>,
    /// Scheduled close.
    pub closes_at: Option<DateTime<Utc>>,
}

fn json<T: serde::Serialize>(value: &T) -> AppResult<Value> {
    serde_json::to_value(value).map_err(|e| AppError::internal(e.to_string()))
}

/// Inserts a draft ballot for a kind of decision, voted on by `body`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    (kind, body): (DecisionKind, DecidingBody),
    fields: &BallotFields<'_>,
) -> AppResult<()> {
    diesel::insert_into(ballots::table)
        .values((
            ballots::coop_id.eq(coop_id),
            ballots::id.eq(id),
            ballots::decision_kind.eq(kind.name()),
            ballots::body.eq(body.name()),
            ballots::title.eq(fields.title),
            ballots::description.eq(fields.description),
            ballots::settings.eq(json(fields.settings)?),
            ballots::questions.eq(json(&fields.questions)?),
            ballots::opens_at.eq(fields.opens_at),
            ballots::closes_at.eq(fields.closes_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a draft's fields.
pub async fn update(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, fields: &BallotFields<'_>) -> AppResult<()> {
    diesel::update(ballots::table.find((coop_id, id)))
        .set((
            ballots::title.eq(fields.title),
            ballots::description.eq(fields.description),
            ballots::settings.eq(json(fields.settings)?),
            ballots::questions.eq(json(&fields.questions)?),
            ballots::opens_at.eq(fields.opens_at),
            ballots::closes_at.eq(fields.closes_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the rule a ballot decides under, when it opens.
pub async fn set_legal_basis(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    basis: &LegalBasis,
) -> AppResult<()> {
    diesel::update(ballots::table.find((coop_id, id)))
        .set(ballots::legal_basis.eq(json(basis)?))
        .execute(conn)
        .await?;
    Ok(())
}

/// How a ballot row is read: plainly, shared (a vote: the close waits for it), or
/// for update (opening, closing, proxies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// No lock.
    None,
    /// `FOR SHARE`.
    Share,
    /// `FOR UPDATE`.
    Update,
}

/// One ballot of the co-op.
pub async fn find(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, lock: Lock) -> AppResult<Ballot> {
    let query = ballots::table
        .filter(ballots::coop_id.eq(coop_id).and(ballots::id.eq(id)))
        .select(ballot_columns!());
    let row: BallotRow = match lock {
        Lock::None => query.first(conn).await?,
        Lock::Share => query.for_share().first(conn).await?,
        Lock::Update => query.for_update().first(conn).await?,
    };
    to_ballot(row)
}

/// Every ballot of the co-op, newest first.
pub async fn list(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Ballot>> {
    let rows: Vec<BallotRow> = ballots::table
        .filter(ballots::coop_id.eq(coop_id))
        .order(ballots::created_at.desc())
        .select(ballot_columns!())
        .load(conn)
        .await?;
    rows.into_iter().map(to_ballot).collect()
}

/// Opens a ballot: status, seed, roll size and time.
pub async fn mark_open(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    seed: &str,
    roll_size: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(ballots::table.find((coop_id, id)))
        .set((
            ballots::status.eq("open"),
            ballots::seed.eq(seed),
            ballots::roll_size.eq(roll_size),
            ballots::opened_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Closes a ballot with its result.
pub async fn mark_closed(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    result: &BallotResult,
    now: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(ballots::table.find((coop_id, id)))
        .set((
            ballots::status.eq("closed"),
            ballots::result.eq(json(result)?),
            ballots::ended_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes a ballot's papers again, in the order of their random ids, so that none of
/// them keeps a trace of when it was cast: PostgreSQL keeps, for every row, the id of
/// the transaction that wrote it (`xmin`, shared with the participation written beside
/// the paper) and the rows' physical order follows the order of the votes. Done while
/// the ballot is still open, in the transaction that ends it (decision 0012).
pub async fn rewrite_papers(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<()> {
    diesel::sql_query(
        "WITH taken AS (DELETE FROM ballot_papers WHERE coop_id = $1 AND ballot_id = $2 RETURNING *) \
         INSERT INTO ballot_papers SELECT * FROM taken ORDER BY id",
    )
    .bind::<diesel::sql_types::Uuid, _>(coop_id)
    .bind::<diesel::sql_types::Uuid, _>(ballot_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// How long the clean-up after a close waits for the papers' table before settling
/// for a plain vacuum.
const REBUILD_LOCK_TIMEOUT: &str = "5s";

/// Removes the old row versions of papers and participations, which keep the
/// transaction id a paper shared with its voter's participation until a vacuum
/// (decision 0013). `VACUUM FULL` writes the papers' table into new files: a plain
/// `VACUUM` drops the versions from the pages' item lists but leaves their bytes in
/// the freed space. Cannot run inside a transaction: call it after the close commits.
/// Falls back to a plain `VACUUM` when the table stays locked or the role does not
/// own it.
pub async fn vacuum_papers(conn: &mut AsyncPgConnection) -> AppResult<()> {
    use diesel_async::SimpleAsyncConnection;
    wait_for_older_snapshots(conn).await?;
    conn.batch_execute(&format!("SET lock_timeout = '{REBUILD_LOCK_TIMEOUT}'"))
        .await?;
    let rebuilt = conn.batch_execute("VACUUM FULL ballot_papers").await;
    conn.batch_execute("RESET lock_timeout").await?;
    if let Err(e) = rebuilt {
        tracing::warn!(error = %e, "ballot papers not rebuilt after a close; vacuumed instead");
        conn.batch_execute("VACUUM ballot_papers").await?;
    }
    conn.batch_execute("VACUUM ballot_participations").await?;
    Ok(())
}

/// How long the clean-up after a close waits for transactions that began before it.
const OLDER_SNAPSHOTS_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Waits (at most [`OLDER_SNAPSHOTS_WAIT`]) until no other session of the cluster
/// holds a transaction or a snapshot that began before now: while one does, PostgreSQL
/// keeps every row version it could still see, so a vacuum would leave the ballot's
/// old papers in place (an audit chainer or a request running during the close is
/// enough). Sessions in *other* databases count too: a transaction running anywhere
/// lowers the xmin of every snapshot taken meanwhile, the vacuum's own included (a
/// `CREATE DATABASE` elsewhere kept every old paper). A transaction id taken now marks
/// "now"; any session whose transaction or snapshot is older holds the horizon.
async fn wait_for_older_snapshots(conn: &mut AsyncPgConnection) -> AppResult<()> {
    let started = std::time::Instant::now();
    let older = "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE pid <> pg_backend_pid() \
                   AND (age(backend_xmin) > age($1::text::xid) OR age(backend_xid) > age($1::text::xid))";
    // The low 32 bits of the 64-bit id: what `xid` columns hold.
    let now: Count = diesel::sql_query("SELECT (pg_current_xact_id()::text::numeric % 4294967296)::bigint AS n")
        .get_result(conn)
        .await?;
    loop {
        let waiting: Count = diesel::sql_query(older)
            .bind::<diesel::sql_types::Text, _>(now.n.to_string())
            .get_result(conn)
            .await?;
        if waiting.n == 0 {
            return Ok(());
        }
        if started.elapsed() > OLDER_SNAPSHOTS_WAIT {
            tracing::warn!(
                sessions = waiting.n,
                "ballot papers vacuumed while older transactions still run"
            );
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Cancels a ballot with the reason.
pub async fn mark_cancelled(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(ballots::table.find((coop_id, id)))
        .set((
            ballots::status.eq("cancelled"),
            ballots::cancel_reason.eq(reason),
            ballots::ended_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Freezes the roll: one row per eligible member.
pub async fn insert_roll(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    members: &[Uuid],
) -> AppResult<()> {
    // PostgreSQL takes at most 65,535 parameters per statement; three per row.
    for chunk in members.chunks(20_000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|m| {
                (
                    ballot_voters::coop_id.eq(coop_id),
                    ballot_voters::ballot_id.eq(ballot_id),
                    ballot_voters::member_id.eq(*m),
                )
            })
            .collect();
        diesel::insert_into(ballot_voters::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Whether a member is on the ballot's roll.
pub async fn on_roll(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid, member: Uuid) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        ballot_voters::table.find((coop_id, ballot_id, member)),
    ))
    .get_result(conn)
    .await?)
}

/// Of the given ballots, those a member is on the roll of and those they took part
/// in: two queries for a whole list of ballots, each a set of primary-key lookups.
pub async fn member_standing(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_ids: &[Uuid],
    member: Uuid,
) -> AppResult<(HashSet<Uuid>, HashSet<Uuid>)> {
    let on_roll: Vec<Uuid> = ballot_voters::table
        .filter(ballot_voters::coop_id.eq(coop_id))
        .filter(ballot_voters::ballot_id.eq_any(ballot_ids))
        .filter(ballot_voters::member_id.eq(member))
        .select(ballot_voters::ballot_id)
        .load(conn)
        .await?;
    let took_part: Vec<Uuid> = ballot_participations::table
        .filter(ballot_participations::coop_id.eq(coop_id))
        .filter(ballot_participations::ballot_id.eq_any(ballot_ids))
        .filter(ballot_participations::member_id.eq(member))
        .select(ballot_participations::ballot_id)
        .load(conn)
        .await?;
    Ok((on_roll.into_iter().collect(), took_part.into_iter().collect()))
}

/// A line of the roll: the member, and how they took part (if they did).
#[derive(Debug, Clone, Queryable)]
pub struct RollLine {
    /// The member.
    pub member_id: Uuid,
    /// Their number.
    pub number: Option<i64>,
    /// Their name.
    pub display_name: String,
    /// `online`, `proxy` or `meeting` once they took part.
    pub channel: Option<String>,
}

/// The roll with participation, by member number.
pub async fn roll(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<Vec<RollLine>> {
    use crate::db::schema::{members, users};
    Ok(ballot_voters::table
        .inner_join(
            members::table.on(members::coop_id
                .eq(ballot_voters::coop_id)
                .and(members::id.eq(ballot_voters::member_id))),
        )
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .left_join(
            ballot_participations::table.on(ballot_participations::coop_id
                .eq(ballot_voters::coop_id)
                .and(ballot_participations::ballot_id.eq(ballot_voters::ballot_id))
                .and(ballot_participations::member_id.eq(ballot_voters::member_id))),
        )
        .filter(
            ballot_voters::coop_id
                .eq(coop_id)
                .and(ballot_voters::ballot_id.eq(ballot_id)),
        )
        .order((members::number.asc().nulls_last(), users::display_name))
        .select((
            ballot_voters::member_id,
            members::number,
            users::display_name,
            ballot_participations::channel.nullable(),
        ))
        .load(conn)
        .await?)
}

/// How many members took part.
pub async fn participants(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<i64> {
    Ok(ballot_participations::table
        .filter(
            ballot_participations::coop_id
                .eq(coop_id)
                .and(ballot_participations::ballot_id.eq(ballot_id)),
        )
        .count()
        .get_result(conn)
        .await?)
}

/// How a member took part, if they did.
pub async fn participation(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    member: Uuid,
) -> AppResult<Option<(String, Option<Uuid>)>> {
    Ok(ballot_participations::table
        .find((coop_id, ballot_id, member))
        .select((ballot_participations::channel, ballot_participations::proxy_holder))
        .first(conn)
        .await
        .optional()?)
}

/// Records a participation; `false` when the member already took part (the primary
/// key decides, whatever the interleaving of concurrent requests). `receipt_hash` is
/// the participation's hash of the voter's receipt on a secret ballot
/// (`rules::participation_receipt_hash`), never the paper's.
pub async fn insert_participation(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    member: Uuid,
    channel: &str,
    proxy_holder: Option<Uuid>,
    receipt_hash: Option<&str>,
) -> AppResult<bool> {
    let inserted = diesel::insert_into(ballot_participations::table)
        .values((
            ballot_participations::coop_id.eq(coop_id),
            ballot_participations::ballot_id.eq(ballot_id),
            ballot_participations::member_id.eq(member),
            ballot_participations::channel.eq(channel),
            ballot_participations::proxy_holder.eq(proxy_holder),
            ballot_participations::receipt_hash.eq(receipt_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// A paper to insert.
pub struct NewPaper<'a> {
    /// The answers.
    pub answers: &'a [Answer],
    /// How many identical papers (meeting aggregates).
    pub weight: i32,
    /// `online` or `meeting`.
    pub channel: &'a str,
    /// The receipt's hash (online papers).
    pub receipt_hash: Option<&'a str>,
    /// The voter, on an open ballot only.
    pub member_id: Option<Uuid>,
}

/// Inserts a paper with a random v4 id (time-ordered ids would leak the order of votes).
pub async fn insert_paper(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    paper: &NewPaper<'_>,
) -> AppResult<()> {
    diesel::insert_into(ballot_papers::table)
        .values((
            ballot_papers::coop_id.eq(coop_id),
            ballot_papers::ballot_id.eq(ballot_id),
            ballot_papers::id.eq(Uuid::new_v4()),
            ballot_papers::answers.eq(json(&paper.answers)?),
            ballot_papers::weight.eq(paper.weight),
            ballot_papers::channel.eq(paper.channel),
            ballot_papers::receipt_hash.eq(paper.receipt_hash),
            ballot_papers::member_id.eq(paper.member_id),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Binds a member's participation to a new receipt, on the condition that it is bound
/// to `presented` (both participation hashes); `false` when it is not, so a vote is
/// changed only with the voter's own receipt.
pub async fn rebind_receipt(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    member: Uuid,
    presented: &str,
    new: &str,
) -> AppResult<bool> {
    let updated = diesel::update(
        ballot_participations::table
            .find((coop_id, ballot_id, member))
            .filter(ballot_participations::receipt_hash.eq(presented)),
    )
    .set(ballot_participations::receipt_hash.eq(new))
    .execute(conn)
    .await?;
    Ok(updated == 1)
}

/// Removes the paper with this receipt (a changed vote); `false` when none has it.
pub async fn delete_paper_by_receipt(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    receipt_hash: &str,
) -> AppResult<bool> {
    let deleted = diesel::delete(
        ballot_papers::table.filter(
            ballot_papers::coop_id
                .eq(coop_id)
                .and(ballot_papers::ballot_id.eq(ballot_id))
                .and(ballot_papers::receipt_hash.eq(receipt_hash)),
        ),
    )
    .execute(conn)
    .await?;
    Ok(deleted == 1)
}

/// Removes an open ballot's paper of one member (a changed vote).
pub async fn delete_paper_of_member(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    member: Uuid,
) -> AppResult<bool> {
    let deleted = diesel::delete(
        ballot_papers::table.filter(
            ballot_papers::coop_id
                .eq(coop_id)
                .and(ballot_papers::ballot_id.eq(ballot_id))
                .and(ballot_papers::member_id.eq(member)),
        ),
    )
    .execute(conn)
    .await?;
    Ok(deleted == 1)
}

/// Whether the ballot has a paper with this receipt.
pub async fn paper_counted(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    receipt_hash: &str,
) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        ballot_papers::table.filter(
            ballot_papers::coop_id
                .eq(coop_id)
                .and(ballot_papers::ballot_id.eq(ballot_id))
                .and(ballot_papers::receipt_hash.eq(receipt_hash)),
        ),
    ))
    .get_result(conn)
    .await?)
}

/// Every paper of a ballot, in the order of their random ids (which says nothing
/// about who voted when).
pub async fn papers(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<Vec<CountedPaper>> {
    let rows: Vec<(Value, i32)> = ballot_papers::table
        .filter(
            ballot_papers::coop_id
                .eq(coop_id)
                .and(ballot_papers::ballot_id.eq(ballot_id)),
        )
        .order(ballot_papers::id)
        .select((ballot_papers::answers, ballot_papers::weight))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(answers, weight)| {
            Ok(CountedPaper {
                weight: u64::try_from(weight).map_err(|e| corrupt("weight", e))?,
                answers: serde_json::from_value(answers).map_err(|e| corrupt("paper", e))?,
            })
        })
        .collect()
}

/// An open ballot's papers with the member who cast each (roll-call), by number.
pub async fn open_papers(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
) -> AppResult<Vec<(Option<i64>, String, Vec<Answer>)>> {
    use crate::db::schema::{members, users};
    let rows: Vec<(Option<i64>, String, Value)> = ballot_papers::table
        .inner_join(
            members::table.on(members::coop_id
                .eq(ballot_papers::coop_id)
                .and(members::id.nullable().eq(ballot_papers::member_id))),
        )
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(
            ballot_papers::coop_id
                .eq(coop_id)
                .and(ballot_papers::ballot_id.eq(ballot_id)),
        )
        .order(members::number.asc().nulls_last())
        .select((members::number, users::display_name, ballot_papers::answers))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(n, name, answers)| {
            Ok((
                n,
                name,
                serde_json::from_value(answers).map_err(|e| corrupt("paper", e))?,
            ))
        })
        .collect()
}

/// The receipts' hashes of a ballot, sorted (the published list).
pub async fn receipt_hashes(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<Vec<String>> {
    let hashes: Vec<Option<String>> = ballot_papers::table
        .filter(
            ballot_papers::coop_id
                .eq(coop_id)
                .and(ballot_papers::ballot_id.eq(ballot_id)),
        )
        .order(ballot_papers::receipt_hash)
        .select(ballot_papers::receipt_hash)
        .load(conn)
        .await?;
    Ok(hashes.into_iter().flatten().collect())
}

/// An active proxy.
#[derive(Debug, Clone, Queryable)]
pub struct Proxy {
    /// Who gave it.
    pub grantor_id: Uuid,
    /// Who holds it.
    pub holder_id: Uuid,
    /// When.
    pub given_at: DateTime<Utc>,
}

/// The active proxies of a ballot.
pub async fn proxies(conn: &mut AsyncPgConnection, coop_id: Uuid, ballot_id: Uuid) -> AppResult<Vec<Proxy>> {
    Ok(ballot_proxies::table
        .filter(
            ballot_proxies::coop_id
                .eq(coop_id)
                .and(ballot_proxies::ballot_id.eq(ballot_id))
                .and(ballot_proxies::withdrawn_at.is_null()),
        )
        .order(ballot_proxies::given_at)
        .select((
            ballot_proxies::grantor_id,
            ballot_proxies::holder_id,
            ballot_proxies::given_at,
        ))
        .load(conn)
        .await?)
}

/// Gives (or gives again, to someone else) a proxy.
pub async fn give_proxy(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    grantor: Uuid,
    holder: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(ballot_proxies::table)
        .values((
            ballot_proxies::coop_id.eq(coop_id),
            ballot_proxies::ballot_id.eq(ballot_id),
            ballot_proxies::grantor_id.eq(grantor),
            ballot_proxies::holder_id.eq(holder),
            ballot_proxies::given_at.eq(now),
        ))
        .on_conflict((
            ballot_proxies::coop_id,
            ballot_proxies::ballot_id,
            ballot_proxies::grantor_id,
        ))
        .do_update()
        .set((
            ballot_proxies::holder_id.eq(holder),
            ballot_proxies::given_at.eq(now),
            ballot_proxies::withdrawn_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes back a member's proxy; `false` when they had none.
pub async fn withdraw_proxy(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    grantor: Uuid,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let n = diesel::update(
        ballot_proxies::table
            .find((coop_id, ballot_id, grantor))
            .filter(ballot_proxies::withdrawn_at.is_null()),
    )
    .set(ballot_proxies::withdrawn_at.eq(now))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Online ballots whose window has ended, and scheduled drafts whose time has come,
/// in every co-op: `(coop_id, ballot_id, status)`.
pub async fn due(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> AppResult<Vec<(Uuid, Uuid, String)>> {
    Ok(ballots::table
        .filter(
            ballots::status
                .eq("open")
                .and(ballots::closes_at.le(now))
                .or(ballots::status.eq("draft").and(ballots::opens_at.le(now))),
        )
        .order(ballots::created_at)
        .select((ballots::coop_id, ballots::id, ballots::status))
        .load(conn)
        .await?)
}

/// Voters of open ballots closing before `before` who have neither voted nor been
/// reminded: `(coop_id, ballot_id, member_id)`.
pub async fn to_remind(conn: &mut AsyncPgConnection, before: DateTime<Utc>) -> AppResult<Vec<(Uuid, Uuid, Uuid)>> {
    Ok(ballot_voters::table
        .inner_join(
            ballots::table.on(ballots::coop_id
                .eq(ballot_voters::coop_id)
                .and(ballots::id.eq(ballot_voters::ballot_id))),
        )
        .left_join(
            ballot_participations::table.on(ballot_participations::coop_id
                .eq(ballot_voters::coop_id)
                .and(ballot_participations::ballot_id.eq(ballot_voters::ballot_id))
                .and(ballot_participations::member_id.eq(ballot_voters::member_id))),
        )
        .filter(
            ballots::status
                .eq("open")
                .and(ballots::closes_at.le(before))
                .and(ballot_voters::reminded_at.is_null())
                .and(ballot_participations::member_id.nullable().is_null()),
        )
        .select((
            ballot_voters::coop_id,
            ballot_voters::ballot_id,
            ballot_voters::member_id,
        ))
        .load(conn)
        .await?)
}

/// Notes that a voter was reminded.
pub async fn mark_reminded(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    member: Uuid,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    // Only the first to mark a voter reminds them: two processes reminding at once
    // send one reminder.
    let marked = diesel::update(ballot_voters::table.find((coop_id, ballot_id, member)))
        .filter(ballot_voters::reminded_at.is_null())
        .set(ballot_voters::reminded_at.eq(now))
        .execute(conn)
        .await?;
    Ok(marked == 1)
}

/// The e-mail, name and language of every member on a roll.
pub async fn roll_addresses(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
) -> AppResult<Vec<(String, String, String)>> {
    use crate::db::schema::{members, users};
    Ok(ballot_voters::table
        .inner_join(
            members::table.on(members::coop_id
                .eq(ballot_voters::coop_id)
                .and(members::id.eq(ballot_voters::member_id))),
        )
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(
            ballot_voters::coop_id
                .eq(coop_id)
                .and(ballot_voters::ballot_id.eq(ballot_id)),
        )
        .select((users::email, users::display_name, users::locale))
        .load(conn)
        .await?)
}

/// The distributions proposed to the members with this ballot as their decision.
pub async fn distributions_awaiting(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
) -> AppResult<Vec<Uuid>> {
    use crate::db::schema::distributions;
    Ok(distributions::table
        .filter(
            distributions::coop_id
                .eq(coop_id)
                .and(distributions::ballot_id.eq(ballot_id))
                .and(distributions::status.eq("proposed")),
        )
        .select(distributions::id)
        .load(conn)
        .await?)
}

/// When the notice of a ballot was sent, if it was.
pub async fn notice_sent_at(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) -> AppResult<Option<DateTime<Utc>>> {
    Ok(ballot_notices::table
        .filter(
            ballot_notices::coop_id
                .eq(coop_id)
                .and(ballot_notices::ballot_id.eq(id)),
        )
        .select(ballot_notices::sent_at)
        .first(conn)
        .await
        .optional()?)
}

/// Records when the notice of a ballot was sent (`None`: the draft changed since,
/// so the notice given no longer describes it).
pub async fn set_notice_sent_at(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    match at {
        Some(at) => {
            diesel::insert_into(ballot_notices::table)
                .values((
                    ballot_notices::coop_id.eq(coop_id),
                    ballot_notices::ballot_id.eq(id),
                    ballot_notices::sent_at.eq(at),
                ))
                .on_conflict((ballot_notices::coop_id, ballot_notices::ballot_id))
                .do_update()
                .set(ballot_notices::sent_at.eq(at))
                .execute(conn)
                .await?;
        }
        None => {
            diesel::delete(
                ballot_notices::table.filter(
                    ballot_notices::coop_id
                        .eq(coop_id)
                        .and(ballot_notices::ballot_id.eq(id)),
                ),
            )
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// The earliest convocation sent for a meeting (not cancelled) whose agenda puts
/// this ballot to the vote: the notice of a meeting's ballot is the meeting's.
pub async fn meeting_notice_sent_at(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
) -> AppResult<Option<DateTime<Utc>>> {
    let sent: Vec<Option<DateTime<Utc>>> = meeting_agenda_items::table
        .inner_join(
            meetings::table.on(meetings::coop_id
                .eq(meeting_agenda_items::coop_id)
                .and(meetings::id.eq(meeting_agenda_items::meeting_id))),
        )
        .filter(meeting_agenda_items::coop_id.eq(coop_id))
        .filter(meeting_agenda_items::ballot_id.eq(ballot_id))
        .filter(meetings::status.ne("cancelled"))
        .select(meetings::notice_sent_at)
        .load(conn)
        .await?;
    Ok(sent.into_iter().flatten().min())
}

/// The member a decision on one member (an admission, an expulsion) concerns, with
/// the grounds stated, when the member was sent them, and their hearing.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = ballot_subjects)]
pub struct Subject {
    /// The member.
    pub member_id: Uuid,
    /// The grounds stated for an expulsion (empty for an admission).
    pub grounds: String,
    /// When the grounds were sent to the member.
    pub notified_at: Option<DateTime<Utc>>,
    /// The day the member was heard.
    pub heard_on: Option<chrono::NaiveDate>,
    /// What the hearing recorded: the member's answer, or that they chose not to answer.
    pub hearing_note: String,
}

/// Records the member a draft decides on, with the grounds.
pub async fn insert_subject(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    member_id: Uuid,
    grounds: &str,
) -> AppResult<()> {
    diesel::insert_into(ballot_subjects::table)
        .values((
            ballot_subjects::coop_id.eq(coop_id),
            ballot_subjects::ballot_id.eq(id),
            ballot_subjects::member_id.eq(member_id),
            ballot_subjects::grounds.eq(grounds),
        ))
        .on_conflict((ballot_subjects::coop_id, ballot_subjects::ballot_id))
        .do_update()
        .set((
            ballot_subjects::member_id.eq(member_id),
            ballot_subjects::grounds.eq(grounds),
            ballot_subjects::notified_at.eq(None::<DateTime<Utc>>),
            ballot_subjects::heard_on.eq(None::<chrono::NaiveDate>),
            ballot_subjects::hearing_note.eq(""),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The member a ballot decides on, if it decides on one.
pub async fn subject(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) -> AppResult<Option<Subject>> {
    Ok(ballot_subjects::table
        .find((coop_id, id))
        .select(Subject::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Records when the grounds were sent to the member.
pub async fn set_subject_notified(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(ballot_subjects::table.find((coop_id, id)))
        .set(ballot_subjects::notified_at.eq(Some(at)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the member's hearing.
pub async fn set_hearing(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    heard_on: chrono::NaiveDate,
    note: &str,
) -> AppResult<()> {
    diesel::update(ballot_subjects::table.find((coop_id, id)))
        .set((
            ballot_subjects::heard_on.eq(Some(heard_on)),
            ballot_subjects::hearing_note.eq(note),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
