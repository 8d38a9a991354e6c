//! The delivery of legal notices, member by member: who was reached, who was not
//! and why (the relay's answer), and a resend to those not reached. The secretary
//! follows convocations and ballot notices, the treasurer notices of allocation.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::LegalNotice;
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::web::state::AppState;

/// The action a caller needs to follow a notice of this kind.
fn action_for(kind: LegalNotice) -> Action {
    match kind {
        LegalNotice::Allocation => Action::ManageDistribution,
        LegalNotice::Convocation => Action::ManageMeetings,
        LegalNotice::BallotNotice | LegalNotice::BallotOpening => Action::ManageBallots,
    }
}

/// A legal notice and how far its delivery has gone.
#[derive(Debug, Clone, Serialize, ToSchema, diesel::QueryableByName)]
pub struct NoticeSummary {
    /// The notice.
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// allocation, convocation, ballot_notice or ballot_opening.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The distribution, meeting or ballot it is about.
    #[diesel(sql_type = SqlUuid)]
    pub subject_id: Uuid,
    /// When it was queued.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Messages in all (one per member).
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    /// Accepted by the mail relay.
    #[diesel(sql_type = BigInt)]
    pub sent: i64,
    /// Waiting for their first or next attempt.
    #[diesel(sql_type = BigInt)]
    pub queued: i64,
    /// Refused by the relay, or given up after every retry: not reached.
    #[diesel(sql_type = BigInt)]
    pub not_reached: i64,
}

/// One member's copy of a notice.
#[derive(Debug, Clone, Serialize, ToSchema, diesel::QueryableByName)]
pub struct DeliveryLine {
    /// The member (none if the address matched no member when it was queued).
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub member_id: Option<Uuid>,
    /// Their member number.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub member_number: Option<i64>,
    /// Their name.
    #[diesel(sql_type = Nullable<Text>)]
    pub name: Option<String>,
    /// The address it was sent to.
    #[diesel(sql_type = Text)]
    pub recipient: String,
    /// queued, sent, failed (refused for good) or dead (every retry failed).
    #[diesel(sql_type = Text)]
    pub status: String,
    /// Attempts so far.
    #[diesel(sql_type = Int4)]
    pub attempts: i32,
    /// The relay's last answer, or why it could not be reached.
    #[diesel(sql_type = Nullable<Text>)]
    pub last_answer: Option<String>,
    /// When the relay accepted it.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub sent_at: Option<DateTime<Utc>>,
}

/// A notice with each member's delivery.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeDeliveries {
    /// The notice.
    pub notice: NoticeSummary,
    /// One line per member, by member number.
    pub deliveries: Vec<DeliveryLine>,
}

const SUMMARY: &str = "SELECT n.id, n.kind, n.subject_id, n.created_at,
        count(o.id) AS total,
        count(o.id) FILTER (WHERE o.status = 'sent') AS sent,
        count(o.id) FILTER (WHERE o.status = 'queued') AS queued,
        count(o.id) FILTER (WHERE o.status IN ('failed', 'dead')) AS not_reached
   FROM notices n LEFT JOIN outgoing_mail o ON o.notice_id = n.id
  WHERE n.coop_id = $1";

/// The co-op's legal notices the caller may follow, newest first.
pub async fn list(state: &AppState, scope: &InCoop) -> AppResult<Vec<NoticeSummary>> {
    let kinds: Vec<&str> = LegalNotice::ALL
        .into_iter()
        .filter(|k| scope.require(action_for(*k)).is_ok())
        .map(LegalNotice::as_str)
        .collect();
    if kinds.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut conn = db::conn(&state.pool).await?;
    Ok(diesel::sql_query(format!(
        "{SUMMARY} AND n.kind = ANY($2) GROUP BY n.id ORDER BY n.created_at DESC, n.id LIMIT 200"
    ))
    .bind::<SqlUuid, _>(scope.coop.id)
    .bind::<diesel::sql_types::Array<Text>, _>(kinds)
    .load(&mut conn)
    .await?)
}

async fn summary(conn: &mut AsyncPgConnection, scope: &InCoop, id: Uuid) -> AppResult<NoticeSummary> {
    let found: Option<NoticeSummary> = diesel::sql_query(format!("{SUMMARY} AND n.id = $2 GROUP BY n.id"))
        .bind::<SqlUuid, _>(scope.coop.id)
        .bind::<SqlUuid, _>(id)
        .load(conn)
        .await?
        .into_iter()
        .next();
    let notice = found.ok_or(AppError::NotFound)?;
    let kind = LegalNotice::parse(&notice.kind).ok_or_else(|| AppError::internal("unknown notice kind"))?;
    scope.require(action_for(kind))?;
    Ok(notice)
}

/// A notice and each member's delivery.
pub async fn show(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<NoticeDeliveries> {
    let mut conn = db::conn(&state.pool).await?;
    let notice = summary(&mut conn, scope, id).await?;
    let deliveries = diesel::sql_query(
        "SELECT o.member_id, m.number AS member_number, u.display_name AS name, o.recipient, o.status,
                o.attempts, o.last_answer, o.sent_at
           FROM outgoing_mail o
           LEFT JOIN members m ON m.coop_id = o.coop_id AND m.id = o.member_id
           LEFT JOIN users u ON u.id = m.user_id
          WHERE o.notice_id = $1
          ORDER BY m.number NULLS LAST, o.recipient",
    )
    .bind::<SqlUuid, _>(id)
    .load(&mut conn)
    .await?;
    Ok(NoticeDeliveries { notice, deliveries })
}

/// Queues again, at once, every copy of a notice that has not reached its member:
/// refused, given up, or waiting for a retry. Audited. Answers how many.
pub async fn resend(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<usize> {
    let mut conn = db::conn(&state.pool).await?;
    summary(&mut conn, scope, id).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let requeued = diesel::sql_query(
            "UPDATE outgoing_mail SET status = 'queued', attempts = 0, next_attempt_at = now(), claimed_until = NULL
              WHERE notice_id = $1 AND status <> 'sent'
                AND (claimed_until IS NULL OR claimed_until < now())",
        )
        .bind::<SqlUuid, _>(id)
        .execute(conn)
        .await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "notice.resent",
            &format!("notice:{id}"),
            json!({"requeued": requeued}),
        )
        .await?;
        Ok(requeued)
    })
    .await
}

/// The deliveries as CSV, one line per member, for the minute book.
pub fn csv(deliveries: &NoticeDeliveries) -> AppResult<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "member_number",
        "name",
        "recipient",
        "status",
        "attempts",
        "last_answer",
        "sent_at",
    ];
    out.write_record(header)
        .map_err(|e| AppError::internal(e.to_string()))?;
    for line in &deliveries.deliveries {
        out.write_record([
            line.member_number.map(|n| n.to_string()).unwrap_or_default(),
            line.name.clone().unwrap_or_default(),
            line.recipient.clone(),
            line.status.clone(),
            line.attempts.to_string(),
            line.last_answer.clone().unwrap_or_default(),
            line.sent_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ])
        .map_err(|e| AppError::internal(e.to_string()))?;
    }
    let bytes = out.into_inner().map_err(|e| AppError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(e.to_string()))
}
