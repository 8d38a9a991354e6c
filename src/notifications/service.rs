//! Notifications and e-mail delivery: each user's preference applied to every
//! ordinary message, the daily digests, and what changed in a co-op since a member's
//! last visit (decision 0011).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rules::{self, Delivery, MailClass, MailKind, NoticeKind, Route};
use super::store;
use crate::auth::extract::InCoop;
use crate::auth::store::User;
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::mail::Mail;
use crate::web::state::AppState;

/// Applies each recipient's preference to messages of `kind`: returns those to send
/// now; those for a daily digest are queued, those the recipient does not want are
/// dropped. Legal notices are always returned whole. One query for the preferences.
pub async fn sort_out(conn: &mut AsyncPgConnection, kind: MailKind, mails: Vec<Mail>) -> AppResult<Vec<Mail>> {
    if kind.class() == MailClass::LegalNotice || mails.is_empty() {
        return Ok(mails);
    }
    let addresses: Vec<String> = mails.iter().map(|m| m.to.clone()).collect();
    let accounts: HashMap<String, (uuid::Uuid, Delivery)> = store::deliveries(conn, &addresses)
        .await?
        .into_iter()
        .map(|(id, email, delivery)| (email, (id, delivery)))
        .collect();
    let mut now = Vec::new();
    let mut later = Vec::new();
    for mail in mails {
        // An address without an account (cannot happen today) has no preference.
        let (user_id, delivery) = accounts
            .get(&mail.to)
            .copied()
            .unwrap_or((uuid::Uuid::nil(), Delivery::Immediate));
        match rules::route(kind, delivery) {
            Route::Send => now.push(mail),
            Route::Digest => later.push((user_id, mail.subject, mail.body)),
            Route::Drop => {}
        }
    }
    store::queue(conn, &later).await?;
    Ok(now)
}

/// Queues one message of `kind` in the caller's transaction, if its recipient's
/// preference says now (see [`sort_out`]). `coop_id` names the co-op it concerns.
pub async fn send(
    conn: &mut AsyncPgConnection,
    coop_id: Option<uuid::Uuid>,
    kind: MailKind,
    mail: Mail,
) -> AppResult<()> {
    let mails = sort_out(conn, kind, vec![mail]).await?;
    crate::mail::queue(conn, coop_id, &mails).await
}

/// Queues every digest due at `now` (a task of the schedule, and callable from
/// tests with any `now`): one e-mail per user with messages waiting and no digest
/// in the last day, listing them oldest first. Each digest is claimed and queued in
/// one transaction, so it goes out once whichever process runs this. Returns the
/// digests queued.
pub async fn send_due_digests(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> AppResult<usize> {
    use crate::web::i18n::text_with;
    let waiting = store::waiting(conn).await?;
    let mut by_user: Vec<(uuid::Uuid, Vec<store::Waiting>)> = Vec::new();
    for item in waiting {
        match by_user.last_mut() {
            Some((user, items)) if *user == item.user_id => items.push(item),
            _ => by_user.push((item.user_id, vec![item])),
        }
    }
    let mut sent = 0;
    for (user_id, items) in by_user {
        let first = &items[0];
        if !rules::digest_due(items.len(), first.last_digest_at, now) {
            continue;
        }
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let queued = conn
            .transaction::<_, AppError, _>(async |conn| {
                let claimed = store::claim(conn, user_id, &ids, now).await?;
                let messages: Vec<(String, String)> = items
                    .iter()
                    .filter(|i| claimed.contains(&i.id))
                    .map(|i| (i.subject.clone(), i.body.clone()))
                    .collect();
                if messages.is_empty() {
                    return Ok(false);
                }
                let args = [
                    ("name", first.display_name.clone()),
                    ("count", messages.len().to_string()),
                ];
                let mail = Mail {
                    to: first.email.clone(),
                    subject: text_with(&first.locale, "digest-subject", &args),
                    body: rules::digest_body(&text_with(&first.locale, "digest-intro", &args), &messages),
                };
                crate::mail::queue(conn, None, &[mail]).await?;
                Ok(true)
            })
            .await?;
        sent += usize::from(queued);
    }
    Ok(sent)
}

/// A user's e-mail preference, as the account page and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmailPreferences {
    /// immediate, daily or none.
    pub delivery: Delivery,
}

/// A change of e-mail preference, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct EmailPreferencesInput {
    /// immediate (each message as it happens), daily (one digest a day) or none
    /// (only legal notices, which are always sent).
    #[serde(default)]
    pub delivery: String,
}

/// The signed-in user's e-mail preference.
pub async fn preferences(state: &AppState, user: &User) -> AppResult<EmailPreferences> {
    let mut conn = db::conn(&state.pool).await?;
    Ok(EmailPreferences {
        delivery: store::delivery(&mut conn, user.id).await?,
    })
}

/// Changes the signed-in user's e-mail preference (audited in the platform's log).
pub async fn set_preferences(
    state: &AppState,
    user: &User,
    input: &EmailPreferencesInput,
) -> AppResult<EmailPreferences> {
    use diesel_async::AsyncConnection;
    let Some(delivery) = Delivery::parse(input.delivery.trim()) else {
        return Err(AppError::Validation(vec![FieldError::new(
            "delivery",
            "Choose immediate, daily or none.",
        )]));
    };
    let mut conn = db::conn(&state.pool).await?;
    let user_id = user.id;
    conn.transaction(async |conn| {
        store::set_delivery(conn, user_id, delivery).await?;
        crate::audit::append(
            conn,
            None,
            Some(user_id),
            "user.email_preferences_changed",
            &format!("user:{user_id}"),
            serde_json::json!({"delivery": delivery.as_str()}),
        )
        .await
    })
    .await?;
    Ok(EmailPreferences { delivery })
}

/// One thing that changed in the co-op, as the reader is told it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    /// Its place in the co-op's record.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What it is.
    pub kind: NoticeKind,
    /// The Fluent message that says it.
    pub key: String,
    /// The page about it, under the co-op's address (empty when there is none).
    pub path: String,
}

/// What changed since the reader's last visit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notifications {
    /// The newest first, [`SHOWN`] at most.
    pub items: Vec<Notification>,
    /// How many there are (more than shown when over [`SHOWN`]).
    pub unseen: usize,
    /// The co-op's record read up to here.
    #[serde(skip)]
    pub upto: i64,
}

/// The most notifications listed.
pub const SHOWN: usize = 50;

/// The most events read to find them (older ones count as seen).
const READ_AT_MOST: i64 = 1000;

/// What changed in the co-op since the caller last visited their notifications, as
/// their roles may see it: two queries (after chaining what is pending).
pub async fn since_last_visit(conn: &mut AsyncPgConnection, scope: &InCoop) -> AppResult<Notifications> {
    crate::audit::chain_pending(conn).await?;
    let (coop_id, user_id) = (scope.coop.id, scope.caller.user.id);
    let after = store::last_seen(conn, coop_id, user_id).await?.unwrap_or(0);
    let upto = store::max_seq(conn, coop_id).await?;
    let events = store::events_between(conn, coop_id, (after, upto), &rules::NOTICE_ACTIONS, READ_AT_MOST).await?;
    let all: Vec<Notification> = events
        .into_iter()
        .filter_map(|e| {
            let kind = rules::notice(&e.action, &e.subject, &scope.roles, scope.member_id)?;
            Some(Notification {
                seq: e.seq,
                at: e.at,
                kind,
                key: kind.key().to_string(),
                path: rules::notice_path(kind, &e.subject),
            })
        })
        .collect();
    let unseen = all.len();
    Ok(Notifications {
        items: all.into_iter().take(SHOWN).collect(),
        unseen,
        upto,
    })
}

/// The caller's notifications, marked seen by this visit.
pub async fn visit(state: &AppState, scope: &InCoop) -> AppResult<Notifications> {
    scope.require(crate::auth::permissions::Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let notifications = since_last_visit(&mut conn, scope).await?;
    store::mark_seen(&mut conn, scope.coop.id, scope.caller.user.id, notifications.upto).await?;
    Ok(notifications)
}
