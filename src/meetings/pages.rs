//! Meeting pages: the list (and the form to schedule one), a meeting with its
//! agenda, attendance and minutes (and the secretary's forms), the printable
//! minutes, and the meeting's calendar file.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use super::rules::{AgendaItem, Kind, Status};
use super::service::{self, AdoptInput, AgendaInput, AttendanceInput, MeetingInput, MeetingView, MinutesInput};
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::ballots::pages::{local_input, local_time, present_results};
use crate::ballots::words::legal_basis;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

type Form = BTreeMap<String, String>;
type MeetingPath = web::Path<(String, Uuid)>;

/// Blank agenda rows offered below the current items.
const BLANK_ROWS: usize = 3;

/// Mounts the pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::resource;
    cfg.service(
        resource("/c/{slug}/meetings")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(resource("/c/{slug}/meetings/{meeting_id}").route(web::get().to(show)))
    .service(resource("/c/{slug}/meetings/{meeting_id}/print").route(web::get().to(print)))
    .service(resource("/c/{slug}/meetings/{meeting_id}/calendar.ics").route(web::get().to(ics)))
    .service(resource("/c/{slug}/meetings/{meeting_id}/{action}").route(web::post().to(act)));
}

fn field<'a>(form: &'a Form, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or("")
}

fn kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.as_str()).collect()
}

/// Reads the details form; a bad date is a field error before the service sees it.
fn meeting_input(form: &Form, scope: &InCoop) -> Result<MeetingInput, AppError> {
    let starts_at = match local_time(field(form, "starts_at"), &scope.coop) {
        Ok(Some(at)) => at,
        Ok(None) => {
            return Err(AppError::field(
                "starts_at",
                "Give the date and time the meeting starts.",
            ))
        }
        Err(message) => return Err(AppError::field("starts_at", message)),
    };
    Ok(MeetingInput {
        kind: field(form, "kind").to_string(),
        title: field(form, "title").to_string(),
        starts_at,
        place: field(form, "place").to_string(),
    })
}

fn blank_details() -> Form {
    ["kind", "title", "starts_at", "place"]
        .into_iter()
        .map(|k| {
            (
                k.to_string(),
                if k == "kind" { "general".into() } else { String::new() },
            )
        })
        .collect()
}

fn with_blanks(form: &Form) -> Form {
    let mut complete = blank_details();
    complete.extend(form.iter().map(|(k, v)| (k.clone(), v.clone())));
    complete
}

async fn render_list(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    form: &Form,
    errors: &[FieldError],
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let meetings = service::list(state, scope).await?;
    let now = Utc::now();
    let (upcoming, past): (Vec<_>, Vec<_>) = meetings.into_iter().partition(|m| m.starts_at >= now);
    let mut page = Page::in_coop(req, scope)?;
    page.insert("upcoming", &upcoming.into_iter().rev().collect::<Vec<_>>())
        .insert("past", &past)
        .insert("can_manage", &scope.can(Action::ManageMeetings))
        .insert("kinds", &kinds())
        .insert("form", &with_blanks(form))
        .errors(errors);
    page.render_status(status, "meetings/list.html")
}

/// The co-op's meetings: upcoming first, then past; the form to schedule one.
pub async fn list(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    render_list(&req, &state, &scope, &Form::new(), &[], StatusCode::OK).await
}

/// Schedules a meeting (the secretary and the board).
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    scope.require(Action::ManageMeetings)?;
    let form = form.0;
    let result = match meeting_input(&form, &scope) {
        Ok(input) => service::create(&state, &scope, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(meeting) => Ok(see_other(&format!("/c/{}/meetings/{}", scope.coop.slug, meeting.id))),
        Err(AppError::Validation(errors)) => {
            render_list(&req, &state, &scope, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// The agenda as the page shows it: each linked ballot with its status and, once
/// closed, its stored result in sentences (as the ballot's own page shows it).
fn present_agenda(lang: &str, view: &MeetingView) -> Vec<serde_json::Value> {
    view.agenda
        .iter()
        .map(|item| {
            let ballot = item.ballot.as_ref().map(|b| {
                json!({
                    "id": b.id,
                    "title": b.title,
                    "status": b.status.as_str(),
                    "result": b.result,
                    "quorum_now": b.quorum_now,
                    "results": present_results(lang, &b.questions, b.result.as_ref()),
                    // The minutes' record of the decision: under which article and rule.
                    "legal_basis": b.legal_basis.map(|basis| legal_basis(lang, &basis, b.status, b.result.as_ref())),
                })
            });
            json!({"position": item.position, "title": item.title, "note": item.note, "ballot": ballot})
        })
        .collect()
}

/// The page's forms as last submitted (or as stored), for the secretary.
struct Forms {
    details: Form,
    agenda: Vec<Form>,
    minutes: String,
}

fn stored_forms(view: &MeetingView, scope: &InCoop) -> Forms {
    let m = &view.meeting;
    let details: Form = [
        ("kind", m.kind.as_str().to_string()),
        ("title", m.title.clone()),
        ("starts_at", local_input(Some(m.starts_at), &scope.coop)),
        ("place", m.place.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut agenda: Vec<Form> = view
        .agenda
        .iter()
        .map(|i| {
            [
                ("title", i.title.clone()),
                ("note", i.note.clone()),
                (
                    "ballot",
                    i.ballot.as_ref().map(|b| b.id.to_string()).unwrap_or_default(),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        })
        .collect();
    agenda.extend((0..BLANK_ROWS).map(|_| blank_row()));
    Forms {
        details,
        agenda,
        minutes: m.minutes.clone(),
    }
}

fn blank_row() -> Form {
    ["title", "note", "ballot"]
        .into_iter()
        .map(|k| (k.to_string(), String::new()))
        .collect()
}

async fn render_meeting(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    edit: impl FnOnce(&mut Forms),
    errors: &[FieldError],
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let view = service::view(state, scope, id).await?;
    let mut page = Page::in_coop(req, scope)?;
    let lang = page.lang.to_string();
    let can_manage = scope.can(Action::ManageMeetings);
    page.insert("view", &view)
        .insert("meeting", &view.meeting)
        .insert("agenda", &present_agenda(&lang, &view))
        .insert("can_manage", &can_manage)
        .insert("is_open", &view.meeting.status.is_open())
        .insert("kinds", &kinds())
        .errors(errors);
    if can_manage && view.meeting.status.is_open() {
        let mut forms = stored_forms(&view, scope);
        edit(&mut forms);
        let recorded: Vec<Uuid> = view
            .present
            .iter()
            .map(|p| p.id)
            .chain(
                view.represented
                    .iter()
                    .filter(|r| r.source == "meeting")
                    .map(|r| r.member.id),
            )
            .collect();
        let roll = service::roll(state, scope).await?;
        let absent: Vec<_> = roll.iter().filter(|p| !recorded.contains(&p.id)).collect();
        let later: Vec<_> = service::list(state, scope)
            .await?
            .into_iter()
            .filter(|m| m.starts_at > view.meeting.starts_at && m.status != Status::Cancelled)
            .map(|m| json!({"id": m.id, "title": m.title, "starts_at": m.starts_at}))
            .collect();
        let ballots: Vec<_> = service::ballots(state, scope)
            .await?
            .into_iter()
            .map(|(id, title)| json!({"id": id.to_string(), "title": title}))
            .collect();
        page.insert("details", &forms.details)
            .insert("agenda_rows", &forms.agenda)
            .insert("minutes_text", &forms.minutes)
            .insert("absent", &absent)
            .insert("later", &later)
            .insert("ballots", &ballots);
    }
    page.render_status(status, "meetings/show.html")
}

/// One meeting: agenda with ballots and results, attendance, minutes.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
) -> AppResult<HttpResponse> {
    render_meeting(&req, &state, &scope, path.1, |_| {}, &[], StatusCode::OK).await
}

/// The printable minutes: the agenda, attendance, the minutes and each linked
/// ballot's result as stored.
pub async fn print(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
) -> AppResult<HttpResponse> {
    let view = service::view(&state, &scope, path.1).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    let lang = page.lang.to_string();
    page.insert("view", &view)
        .insert("meeting", &view.meeting)
        .insert("agenda", &present_agenda(&lang, &view));
    page.render("meetings/print.html")
}

/// The meeting as an iCalendar file ("add to calendar").
pub async fn ics(state: web::Data<AppState>, scope: InCoop, path: MeetingPath) -> AppResult<HttpResponse> {
    let (meeting, body) = service::ics(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"meeting-{}.ics\"", meeting.id),
        ))
        .body(body))
}

/// The agenda form as read: the items, every row as typed, and for each item the
/// row it came from.
struct AgendaForm {
    items: Vec<AgendaItem>,
    rows: Vec<Form>,
    origin: Vec<usize>,
}

/// Reads the agenda form's rows (`title_N`, `note_N`, `ballot_N`), skipping blank
/// ones.
fn agenda_items(form: &Form) -> Result<AgendaForm, AppError> {
    let mut rows = Vec::new();
    let mut n = 0;
    while form.contains_key(&format!("title_{n}")) {
        let row: Form = ["title", "note", "ballot"]
            .into_iter()
            .map(|k| (k.to_string(), field(form, &format!("{k}_{n}")).to_string()))
            .collect();
        rows.push(row);
        n += 1;
    }
    let mut items = Vec::new();
    let mut origin = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.values().all(|v| v.trim().is_empty()) {
            continue;
        }
        let ballot = match field(row, "ballot").trim() {
            "" => None,
            text => Some(
                text.parse::<Uuid>()
                    .map_err(|_| AppError::field(format!("ballot_{i}"), "Choose one of the co-op's ballots."))?,
            ),
        };
        items.push(AgendaItem {
            title: field(row, "title").to_string(),
            note: field(row, "note").to_string(),
            ballot_id: ballot,
        });
        origin.push(i);
    }
    Ok(AgendaForm { items, rows, origin })
}

/// `agenda[2].title` → `title_5` when the third item came from the sixth row.
fn agenda_field(field: &str, origin: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("agenda[") else {
        return field.to_string();
    };
    let Some((index, name)) = rest.split_once("].") else {
        return "agenda".to_string();
    };
    let name = if name == "ballot_id" { "ballot" } else { name };
    match index.parse::<usize>().ok().and_then(|i| origin.get(i)) {
        Some(row) => format!("{name}_{row}"),
        None => "agenda".to_string(),
    }
}

/// The secretary's actions on a meeting: `details`, `held`, `cancel`, `agenda`,
/// `attend`, `unattend`, `minutes`, `adopt`. A refusal shows the page again with the
/// message next to the field (a conflict next to the action's form).
pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, String)>,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    scope.require(Action::ManageMeetings)?;
    let (id, action) = (path.1, path.2.clone());
    let form = form.0;
    let mut origin = Vec::new();
    let mut agenda_rows = None;
    let outcome = match action.as_str() {
        "details" => match meeting_input(&form, &scope) {
            Ok(input) => service::update(&state, &scope, id, &input).await.map(|_| ()),
            Err(e) => Err(e),
        },
        "held" => service::mark_held(&state, &scope, id).await.map(|_| ()),
        "cancel" => service::cancel(&state, &scope, id, field(&form, "reason"))
            .await
            .map(|_| ()),
        "agenda" => match agenda_items(&form) {
            Ok(read) => {
                origin = read.origin;
                agenda_rows = Some(read.rows);
                service::set_agenda(&state, &scope, id, &AgendaInput { items: read.items }).await
            }
            Err(e) => Err(e),
        },
        "attend" => {
            let member = field(&form, "member_id").parse::<Uuid>();
            let holder = match field(&form, "proxy_holder").trim() {
                "" => Ok(None),
                text => text.parse::<Uuid>().map(Some),
            };
            match (member, holder) {
                (Ok(member_id), Ok(proxy_holder)) => {
                    let input = AttendanceInput {
                        member_id,
                        proxy_holder,
                    };
                    service::record_attendance(&state, &scope, id, &input).await
                }
                (Err(_), _) => Err(AppError::field("member_id", "Choose a member.")),
                (_, Err(_)) => Err(AppError::field(
                    "proxy_holder",
                    "Choose the member who holds the proxy.",
                )),
            }
        }
        "unattend" => match field(&form, "member_id").parse::<Uuid>() {
            Ok(member) => service::remove_attendance(&state, &scope, id, member).await,
            Err(_) => Err(AppError::field("member_id", "Choose a member.")),
        },
        "minutes" => {
            let input = MinutesInput {
                minutes: field(&form, "minutes").to_string(),
            };
            service::save_minutes(&state, &scope, id, &input).await.map(|_| ())
        }
        "adopt" => match field(&form, "adopted_by").parse::<Uuid>() {
            Ok(adopted_by) => service::adopt_minutes(&state, &scope, id, &AdoptInput { adopted_by })
                .await
                .map(|_| ()),
            Err(_) => Err(AppError::field(
                "adopted_by",
                "Choose the meeting that adopted the minutes.",
            )),
        },
        _ => return Err(AppError::NotFound),
    };
    let (errors, status) = match outcome {
        Ok(()) => return Ok(see_other(&format!("/c/{}/meetings/{id}#{action}", scope.coop.slug))),
        Err(AppError::Validation(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(message)) => (vec![FieldError::new(action.clone(), message)], StatusCode::CONFLICT),
        Err(other) => return Err(other),
    };
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|e| FieldError::new(agenda_field(&e.field, &origin), e.message))
        .collect();
    let submitted = form.clone();
    let action_name = action.clone();
    render_meeting(
        &req,
        &state,
        &scope,
        id,
        move |forms| match action_name.as_str() {
            "details" => {
                forms.details = ["kind", "title", "starts_at", "place"]
                    .into_iter()
                    .map(|k| (k.to_string(), field(&submitted, k).to_string()))
                    .collect()
            }
            "agenda" => {
                if let Some(rows) = agenda_rows {
                    forms.agenda = rows;
                }
            }
            "minutes" => forms.minutes = field(&submitted, "minutes").to_string(),
            _ => {}
        },
        &errors,
        status,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agenda_errors_point_at_the_row_they_came_from() {
        assert_eq!(agenda_field("agenda[1].title", &[0, 3]), "title_3");
        assert_eq!(agenda_field("agenda[0].ballot_id", &[2]), "ballot_2");
        assert_eq!(agenda_field("agenda", &[]), "agenda");
        assert_eq!(agenda_field("agenda[9].title", &[0]), "agenda");
        assert_eq!(agenda_field("member_id", &[]), "member_id");
    }

    #[test]
    fn blank_agenda_rows_are_skipped() {
        let form: Form = [
            ("title_0", "Accounts"),
            ("note_0", ""),
            ("ballot_0", ""),
            ("title_1", ""),
            ("note_1", ""),
            ("ballot_1", ""),
            ("title_2", "Board"),
            ("note_2", "Two seats"),
            ("ballot_2", "00000000-0000-0000-0000-000000000007"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let read = agenda_items(&form).unwrap();
        assert_eq!(read.items.len(), 2);
        assert_eq!(read.rows.len(), 3);
        assert_eq!(read.origin, vec![0, 2]);
        assert_eq!(read.items[1].ballot_id, Some(Uuid::from_u128(7)));
    }
}
