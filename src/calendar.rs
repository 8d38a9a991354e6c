//! Calendars: a secret iCalendar feed per user (ballot windows, meetings and
//! instalment due dates in every co-op they belong to) and one `.ics` file per
//! ballot, made with the `icalendar` crate.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use icalendar::{Calendar, Component, Event, EventLike};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::extract::{Caller, InCoop};
use crate::auth::permissions::Action;
use crate::ballots::rules::{Mode, Status};
use crate::ballots::store::Ballot;
use crate::coops::store::Coop;
use crate::db::{self, schema::calendar_feeds};
use crate::error::{AppError, AppResult};
use crate::web::i18n::text_with;
use crate::web::page::PageForm;
use crate::web::state::AppState;

/// Mounts the feed, its management on the account page, and the ballot files.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/calendar/{token}").route(web::get().to(feed)))
        .service(web::resource("/account/calendar").route(web::post().to(manage_feed)))
        .service(web::resource("/c/{slug}/ballots/{ballot_id}/calendar.ics").route(web::get().to(ballot_ics)));
}

/// One entry of a calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// A stable id, so a calendar updates the entry rather than adding another.
    pub uid: String,
    /// Its title.
    pub summary: String,
    /// When it happens.
    pub when: When,
    /// The page it links to.
    pub url: String,
}

/// When an entry happens.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// From one moment to another (a ballot's window, a meeting).
    Span(DateTime<Utc>, DateTime<Utc>),
    /// A whole day (a due date).
    Day(NaiveDate),
}

/// How long a meeting's entry lasts when its ballot gives no end.
const MEETING_HOURS: i64 = 2;

/// The entries a ballot gives: its window while it is scheduled or open, or the
/// meeting at which it is held. Closed and cancelled ballots give none.
pub fn ballot_entry(lang: &str, coop: &Coop, ballot: &Ballot, public_url: &str) -> Option<Entry> {
    if !matches!(ballot.status, Status::Draft | Status::Open) {
        return None;
    }
    let start = ballot.opened_at.or(ballot.opens_at)?;
    let meeting = ballot.settings.mode == Mode::Meeting;
    let end = ballot
        .closes_at
        .filter(|end| *end > start)
        .or_else(|| meeting.then(|| start + Duration::hours(MEETING_HOURS)))?;
    let key = if meeting { "calendar-meeting" } else { "calendar-ballot" };
    Some(Entry {
        uid: format!("ballot-{}@concord", ballot.id),
        summary: text_with(
            lang,
            key,
            &[("title", ballot.title.clone()), ("coop", coop.name.clone())],
        ),
        when: When::Span(start, end),
        url: format!("{public_url}/c/{}/ballots/{}", coop.slug, ballot.id),
    })
}

/// The calendar text (RFC 5545) of some entries.
pub fn ics(name: &str, entries: &[Entry]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for entry in entries {
        let mut event = Event::new();
        event.uid(&entry.uid).summary(&entry.summary).url(&entry.url);
        match entry.when {
            When::Span(start, end) => event.starts(start).ends(end),
            When::Day(day) => event.all_day(day),
        };
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

fn calendar_response(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}.ics\"")))
        .body(body)
}

/// One ballot as a calendar file ("add to calendar").
pub async fn ballot_ics(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let ballot =
        crate::ballots::store::find(&mut conn, scope.coop.id, path.1, crate::ballots::store::Lock::None).await?;
    let lang = scope.caller.user.locale.clone();
    let entries: Vec<Entry> = ballot_entry(&lang, &scope.coop, &ballot, &state.settings.public_url)
        .into_iter()
        .collect();
    Ok(calendar_response(
        &format!("ballot-{}", ballot.id),
        ics(&ballot.title, &entries),
    ))
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Everything a user's feed shows: in each co-op, its ballots to come or open, and
/// the user's own unpaid instalments.
async fn feed_entries(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    user_id: Uuid,
    lang: &str,
) -> AppResult<Vec<Entry>> {
    let public_url = &state.settings.public_url;
    let money_locale = crate::money::Locale::from_tag(lang).unwrap_or(crate::money::Locale::En);
    let mut entries = Vec::new();
    for (coop, _) in crate::coops::store::for_user(conn, user_id).await? {
        for ballot in crate::ballots::store::list(conn, coop.id).await? {
            entries.extend(ballot_entry(lang, &coop, &ballot, public_url));
        }
        entries.extend(crate::meetings::service::calendar_entries(conn, &coop, lang, public_url).await?);
        let Some((member_id, _)) = crate::membership::store::membership(conn, coop.id, user_id).await? else {
            continue;
        };
        let holdings = crate::shares::service::holdings_in(conn, coop.id, member_id, coop.today()).await?;
        for subscription in &holdings.subscriptions {
            for (i, line) in subscription.dues.lines.iter().enumerate() {
                let Ok(outstanding) = line.amount.checked_sub(line.paid) else {
                    continue;
                };
                if outstanding.is_zero() || outstanding.is_negative() {
                    continue;
                }
                entries.push(Entry {
                    uid: format!("instalment-{}-{i}@concord", subscription.id),
                    summary: text_with(
                        lang,
                        "calendar-instalment",
                        &[
                            ("amount", outstanding.format(money_locale)),
                            ("class", subscription.class.clone()),
                            ("coop", coop.name.clone()),
                        ],
                    ),
                    when: When::Day(line.due),
                    url: format!("{public_url}/c/{}/capital/me", coop.slug),
                });
            }
        }
    }
    Ok(entries)
}

/// A user's feed, at its secret address. An unknown or revoked address is 404.
pub async fn feed(state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let mut conn = db::conn(&state.pool).await?;
    let user_id: Uuid = calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash(token)))
        .select(calendar_feeds::user_id)
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)?;
    let user = crate::auth::store::find(&mut conn, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = feed_entries(&mut conn, &state, user_id, &user.locale).await?;
    Ok(calendar_response("concord", ics("Concord", &entries)))
}

/// What the account page's calendar forms send.
#[derive(Debug, serde::Deserialize)]
pub struct FeedForm {
    /// `new` makes a new address (revoking the old), `revoke` removes it.
    action: String,
}

/// Makes a new secret address (shown once on the page that answers) or revokes it.
pub async fn manage_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    form: PageForm<FeedForm>,
) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let user_id = caller.user.id;
    let action = form.0.action;
    if !matches!(action.as_str(), "new" | "revoke") {
        return Err(AppError::field(
            "action",
            "Choose to make a new address or to revoke it.",
        ));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    conn.transaction(async |conn| {
        diesel::delete(calendar_feeds::table.filter(calendar_feeds::user_id.eq(user_id)))
            .execute(conn)
            .await?;
        if action == "new" {
            diesel::insert_into(calendar_feeds::table)
                .values((
                    calendar_feeds::user_id.eq(user_id),
                    calendar_feeds::token_hash.eq(token_hash(&token)),
                ))
                .execute(conn)
                .await?;
        }
        // The platform's chain: the feed is the user's, across co-ops. No token in it.
        let event = if action == "new" {
            "calendar.feed_made"
        } else {
            "calendar.feed_revoked"
        };
        crate::audit::append(
            conn,
            None,
            Some(user_id),
            event,
            &format!("user:{user_id}"),
            serde_json::json!({}),
        )
        .await
    })
    .await?;
    let address = (action == "new").then(|| format!("{}/calendar/{token}.ics", state.settings.public_url));
    let mut page = crate::auth::pages::account_page(&req, &caller, Some("calendar"))?;
    page.insert("calendar_address", &address)
        .insert("has_calendar", &address.is_some());
    page.render("auth/account.html")
}

/// Whether the user has a feed (its address is not kept: only its fingerprint).
pub async fn has_feed(state: &AppState, user_id: Uuid) -> AppResult<bool> {
    let mut conn = db::conn(&state.pool).await?;
    Ok(calendar_feeds::table
        .find(user_id)
        .select(calendar_feeds::user_id)
        .first::<Uuid>(&mut conn)
        .await
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_calendar_has_one_event_per_entry_with_its_times() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
        let entries = [
            Entry {
                uid: "ballot-1@concord".into(),
                summary: "Vote: Buy a bike (Demo)".into(),
                when: When::Span(start, start + Duration::days(7)),
                url: "http://127.0.0.1:8080/c/demo/ballots/1".into(),
            },
            Entry {
                uid: "instalment-2-0@concord".into(),
                summary: "Instalment due".into(),
                when: When::Day(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()),
                url: "http://127.0.0.1:8080/c/demo/capital/me".into(),
            },
        ];
        let text = ics("Concord", &entries);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        assert!(text.contains("UID:ballot-1@concord"));
        assert!(text.contains("DTSTART:20261201T180000Z"));
        assert!(text.contains("DTEND:20261208T180000Z"));
        assert!(text.contains("DTSTART;VALUE=DATE:20270115"));
        assert!(text.contains("SUMMARY:Vote: Buy a bike (Demo)"));
    }
}
