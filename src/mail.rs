//! Outgoing e-mail. Every message is first a row of the `outgoing_mail` table,
//! written in the transaction of the change that causes it (a durable outbox, so a
//! relay that is down loses nothing); [`deliver_due`] hands the rows to the relay
//! (SMTP when configured, otherwise one `.eml` file per message in the data
//! directory's `outbox` folder), retries transient failures with backoff and records
//! every answer. The folder holds reset and invitation links: it is 0700 and each
//! file 0600, created so from the start (never readable by another local user, not
//! even for a moment).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::config::MailSettings;
use crate::db::schema::{notices, outgoing_mail};
use crate::db::{self, DbPool};
use crate::error::{AppError, AppResult};
use crate::notifications::rules::LegalNotice;

/// Hands messages to the relay.
#[derive(Clone)]
pub enum Mailer {
    /// Files in a folder.
    Outbox(PathBuf),
    /// An SMTP relay.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

impl Mailer {
    /// The mailer the settings ask for.
    pub fn new(settings: &MailSettings) -> AppResult<Mailer> {
        match settings {
            MailSettings::Outbox(dir) => {
                std::fs::create_dir_all(dir)
                    .and_then(|()| std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)))
                    .map_err(|e| AppError::internal(format!("cannot create the outbox {}: {e}", dir.display())))?;
                Ok(Mailer::Outbox(dir.clone()))
            }
            MailSettings::Smtp(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| Mailer::Smtp(builder.build()))
                .map_err(|e| AppError::internal(format!("bad SMTP URL: {e}"))),
        }
    }

    /// Hands one message to the relay and says how it answered. An address lettre
    /// cannot parse is refused for good; a relay that cannot be reached defers.
    async fn transmit(&self, from: &str, to: &str, subject: &str, body: &str) -> Outcome {
        let from: Mailbox = match from.parse() {
            Ok(from) => from,
            Err(e) => return Outcome::Deferred(format!("bad sender address: {e}")),
        };
        let to: Mailbox = match to.parse() {
            Ok(to) => to,
            Err(e) => return Outcome::Refused(format!("bad recipient address: {e}")),
        };
        let message = match Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
        {
            Ok(message) => message,
            Err(e) => return Outcome::Refused(format!("cannot build the message: {e}")),
        };
        match self {
            Mailer::Outbox(dir) => match write_private(dir, &message.formatted()).await {
                Ok(()) => Outcome::Sent("written to the outbox folder".into()),
                Err(e) => Outcome::Deferred(format!("cannot write to the outbox folder: {e}")),
            },
            Mailer::Smtp(transport) => match transport.send(message).await {
                Ok(response) => Outcome::Sent(format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )),
                Err(e) if e.is_permanent() => Outcome::Refused(e.to_string()),
                Err(e) => Outcome::Deferred(e.to_string()),
            },
        }
    }
}

/// Writes one message into the outbox as `<random id>.eml`, readable by its owner
/// only (lettre's file transport leaves that to the umask).
async fn write_private(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let path = dir.join(format!("{}.eml", uuid::Uuid::new_v4()));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .await?;
    file.write_all(bytes).await?;
    file.flush().await
}

/// Whether `address` is an e-mail address lettre would send to.
pub fn is_valid_address(address: &str) -> bool {
    address.len() <= 254 && address.parse::<lettre::Address>().is_ok()
}

/// Queues one translated message of `kind` to each recipient (`(email, name,
/// locale)`): the subject and body are the kind's Fluent messages with `args`, the
/// recipient's `name`, and more arguments worded in each recipient's language by
/// `localised` (given the locale), for a sentence Fluent builds from other
/// messages. Each recipient's e-mail preference applies first (an ordinary message
/// may wait for their daily digest or not be sent; a legal notice always goes).
/// With `notice`, the messages are that legal notice, followed member by member;
/// answers its id.
pub async fn queue_all(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    recipients: Vec<(String, String, String)>,
    kind: crate::notifications::rules::MailKind,
    args: Vec<(&'static str, String)>,
    localised: impl Fn(&str) -> Vec<(&'static str, String)>,
    notice: Option<NoticeOf>,
) -> AppResult<Option<Uuid>> {
    use crate::web::i18n::text_with;
    let (subject_key, body_key) = kind.keys();
    let mails = recipients
        .into_iter()
        .map(|(email, name, locale)| {
            let mut with_name = args.clone();
            with_name.extend(localised(&locale));
            with_name.push(("name", name));
            Mail {
                to: email,
                subject: text_with(&locale, subject_key, &with_name),
                body: text_with(&locale, body_key, &with_name),
            }
        })
        .collect();
    let mails = crate::notifications::service::sort_out(conn, kind, mails).await?;
    match notice {
        Some(notice) => queue_notice(conn, &notice, &mails).await.map(Some),
        None => queue(conn, Some(coop_id), &mails).await.map(|()| None),
    }
}

/// A legal notice sent to many members at once, whose delivery is tracked member by
/// member (see `notifications::service::deliveries`).
#[derive(Debug, Clone, Copy)]
pub struct NoticeOf {
    /// The co-op giving notice.
    pub coop_id: Uuid,
    /// Which notice.
    pub kind: LegalNotice,
    /// The distribution, meeting or ballot it is about.
    pub subject_id: Uuid,
    /// Who had it sent (none for the schedule).
    pub created_by: Option<Uuid>,
}

/// Rows per INSERT: nine parameters a row stays far below PostgreSQL's 65,535.
const QUEUE_CHUNK: usize = 2_000;

#[derive(Insertable)]
#[diesel(table_name = outgoing_mail)]
struct NewMail<'a> {
    coop_id: Option<Uuid>,
    notice_id: Option<Uuid>,
    recipient: &'a str,
    subject: &'a str,
    body: &'a str,
    sensitive: bool,
}

/// Puts `mails` in the outbox, in the caller's transaction: they go out once it
/// commits (by whichever Concord process claims them), and not at all if it rolls
/// back. `coop_id` names the co-op they concern, if any.
pub async fn queue(conn: &mut AsyncPgConnection, coop_id: Option<Uuid>, mails: &[Mail]) -> AppResult<()> {
    insert(conn, coop_id, None, mails, false).await
}

/// [`queue`] for a message carrying a secret (a reset or invitation link): its body
/// is erased from the outbox once it is sent or given up.
pub async fn queue_sensitive(conn: &mut AsyncPgConnection, mail: &Mail) -> AppResult<()> {
    insert(conn, None, None, std::slice::from_ref(mail), true).await
}

/// Queues a legal notice to each of `mails`' recipients and records the notice, so
/// its delivery can be followed member by member and resent to those not reached.
/// Answers the notice's id.
pub async fn queue_notice(conn: &mut AsyncPgConnection, notice: &NoticeOf, mails: &[Mail]) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    diesel::insert_into(notices::table)
        .values((
            notices::id.eq(id),
            notices::coop_id.eq(notice.coop_id),
            notices::kind.eq(notice.kind.as_str()),
            notices::subject_id.eq(notice.subject_id),
            notices::created_by.eq(notice.created_by),
        ))
        .execute(conn)
        .await?;
    insert(conn, Some(notice.coop_id), Some(id), mails, false).await?;
    // Each delivery names its member, so the list survives a change of address.
    diesel::sql_query(
        "UPDATE outgoing_mail o SET member_id = m.id
           FROM members m JOIN users u ON u.id = m.user_id
          WHERE o.notice_id = $1 AND m.coop_id = $2 AND lower(u.email) = lower(o.recipient)",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Uuid, _>(notice.coop_id)
    .execute(conn)
    .await?;
    Ok(id)
}

async fn insert(
    conn: &mut AsyncPgConnection,
    coop_id: Option<Uuid>,
    notice_id: Option<Uuid>,
    mails: &[Mail],
    sensitive: bool,
) -> AppResult<()> {
    for chunk in mails.chunks(QUEUE_CHUNK) {
        let rows: Vec<NewMail> = chunk
            .iter()
            .map(|m| NewMail {
                coop_id,
                notice_id,
                recipient: &m.to,
                subject: &m.subject,
                body: &m.body,
                sensitive,
            })
            .collect();
        diesel::insert_into(outgoing_mail::table)
            .values(&rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    /// Accepted by the relay.
    pub sent: usize,
    /// Refused for good (a permanent answer): marked failed.
    pub failed: usize,
    /// Not delivered this time (a transient answer or no relay): tried again later,
    /// or given up (dead) after the last retry.
    pub deferred: usize,
}

/// Messages claimed at a time, and how long the claim keeps other processes off
/// them (a process that dies mid-way leaves them to the others after that).
const CLAIM_BATCH: i64 = 200;
const CLAIM_LEASE_SECONDS: i32 = 300;

/// Messages handed to the relay at the same time.
const SEND_AT_ONCE: usize = 8;

/// Attempts before a message that keeps failing transiently is given up (dead):
/// with [`retry_after`], about a day of retries, as mail servers themselves allow.
pub const MAX_ATTEMPTS: i32 = 30;

/// How long after its `attempts`-th failed attempt a message is tried again: 30
/// seconds, doubling, at most an hour; `None` once [`MAX_ATTEMPTS`] are spent.
pub fn retry_after(attempts: i32) -> Option<std::time::Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = attempts.clamp(1, 8) - 1;
    Some(std::time::Duration::from_secs((30u64 << doublings).min(3_600)))
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = diesel::sql_types::Int8)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    recipient: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    subject: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    body: String,
    #[diesel(sql_type = diesel::sql_types::Int4)]
    attempts: i32,
}

/// How the relay answered one message.
enum Outcome {
    Sent(String),
    Refused(String),
    Deferred(String),
}

/// Delivers the messages due, a batch at a time, until none is left to claim.
/// Several processes may run this at once: each claims its own rows (`FOR UPDATE
/// SKIP LOCKED` and a lease), so a message is handed to the relay by one of them.
/// A message is sent at least once: a process killed between the relay's answer and
/// the row's update leaves it to be sent again when the lease ends.
pub async fn deliver_due(pool: &DbPool, mailer: &Mailer, from: &str) -> AppResult<Delivered> {
    let mut total = Delivered::default();
    loop {
        let mut conn = db::conn(pool).await?;
        let claimed: Vec<Claimed> = diesel::sql_query(
            "UPDATE outgoing_mail SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
              WHERE id IN (SELECT id FROM outgoing_mail
                            WHERE status = 'queued' AND next_attempt_at <= now()
                              AND (claimed_until IS NULL OR claimed_until < now())
                            ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
              RETURNING id, recipient, subject, body, attempts",
        )
        .bind::<diesel::sql_types::Int8, _>(CLAIM_BATCH)
        .bind::<diesel::sql_types::Int4, _>(CLAIM_LEASE_SECONDS)
        .load(&mut conn)
        .await?;
        if claimed.is_empty() {
            return Ok(total);
        }
        // The connection goes back while the relay talks: a slow relay holds no
        // connection of the pool. A few messages are handed over at once (lettre
        // keeps a pool of relay connections).
        drop(conn);
        let outcomes: Vec<(i64, i32, Outcome)> = futures_util::stream::iter(claimed)
            .map(|row| async move {
                let outcome = mailer.transmit(from, &row.recipient, &row.subject, &row.body).await;
                (row.id, row.attempts, outcome)
            })
            .buffer_unordered(SEND_AT_ONCE)
            .collect()
            .await;
        let (mut ids, mut statuses, mut answers, mut waits) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (id, attempts, outcome) in outcomes {
            let (status, answer, next) = match outcome {
                Outcome::Sent(answer) => {
                    total.sent += 1;
                    ("sent", answer, None)
                }
                Outcome::Refused(answer) => {
                    total.failed += 1;
                    tracing::warn!(mail = id, answer, "the relay refused a message");
                    ("failed", answer, None)
                }
                Outcome::Deferred(answer) => {
                    total.deferred += 1;
                    match retry_after(attempts) {
                        Some(wait) => ("queued", answer, Some(wait)),
                        None => {
                            tracing::error!(mail = id, answer, "a message was given up after its last retry");
                            ("dead", answer, None)
                        }
                    }
                }
            };
            ids.push(id);
            statuses.push(status);
            answers.push(answer);
            waits.push(next.map_or(0.0, |w| w.as_secs_f64()));
        }
        // One statement records the whole batch.
        let mut conn = db::conn(pool).await?;
        diesel::sql_query(
            "UPDATE outgoing_mail o SET status = b.status, last_answer = b.answer, claimed_until = NULL,
                    next_attempt_at = now() + make_interval(secs => b.wait),
                    sent_at = CASE WHEN b.status = 'sent' THEN now() END,
                    body = CASE WHEN o.sensitive AND b.status <> 'queued' THEN '' ELSE o.body END
               FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[]) AS b(id, status, answer, wait)
              WHERE o.id = b.id",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::Int8>, _>(ids)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(statuses)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(answers)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Double>, _>(waits)
        .execute(&mut conn)
        .await?;
    }
}

/// A message the relay has not accepted (yet), for the operator.
#[derive(Debug, QueryableByName)]
pub struct Undelivered {
    /// The recipient.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub recipient: String,
    /// queued (waiting for a retry), failed or dead.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    /// Attempts so far.
    #[diesel(sql_type = diesel::sql_types::Int4)]
    pub attempts: i32,
    /// The relay's last answer.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub last_answer: Option<String>,
}

/// The outbox at a glance (`concord mail`): messages by status, and the latest 20
/// that were tried and not delivered.
pub async fn overview(conn: &mut AsyncPgConnection) -> AppResult<(Vec<(String, i64)>, Vec<Undelivered>)> {
    let counts = outgoing_mail::table
        .group_by(outgoing_mail::status)
        .select((outgoing_mail::status, diesel::dsl::count_star()))
        .order(outgoing_mail::status)
        .load(conn)
        .await?;
    let undelivered = diesel::sql_query(
        "SELECT recipient, status, attempts, last_answer FROM outgoing_mail
          WHERE status IN ('failed', 'dead') OR (status = 'queued' AND attempts > 0)
          ORDER BY id DESC LIMIT 20",
    )
    .load(conn)
    .await?;
    Ok((counts, undelivered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferred_message_waits_longer_each_time_up_to_an_hour_then_is_given_up() {
        let seconds = |n| retry_after(n).map(|d| d.as_secs());
        assert_eq!(seconds(1), Some(30));
        assert_eq!(seconds(2), Some(60));
        assert_eq!(seconds(7), Some(1_920));
        assert_eq!(seconds(8), Some(3_600));
        assert_eq!(seconds(29), Some(3_600));
        assert_eq!(seconds(MAX_ATTEMPTS), None);
        // About a day of retries in all, as mail servers allow.
        let total: u64 = (1..MAX_ATTEMPTS).filter_map(seconds).sum();
        assert_eq!(total, 30 + 60 + 120 + 240 + 480 + 960 + 1_920 + 22 * 3_600);
    }
}
