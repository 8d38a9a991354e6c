//! Meeting endpoints of the JSON API, under `/api/v1/coops/{slug}/meetings`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::service::{self, AdoptInput, AgendaInput, AttendanceInput, MeetingInput, MeetingView, MinutesInput};
use super::store::Meeting;
use crate::auth::extract::{InCoop, MemberJson};
use crate::error::{AppResult, Problem};
use crate::web::state::AppState;

type MeetingPath = web::Path<(String, Uuid)>;

/// Mounts the endpoints (inside the `/api/v1` scope).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::resource;
    cfg.service(
        resource("/coops/{slug}/meetings")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        resource("/coops/{slug}/meetings/{meeting_id}")
            .route(web::get().to(show))
            .route(web::put().to(update)),
    )
    .service(resource("/coops/{slug}/meetings/{meeting_id}/held").route(web::post().to(held)))
    .service(resource("/coops/{slug}/meetings/{meeting_id}/cancel").route(web::post().to(cancel)))
    .service(resource("/coops/{slug}/meetings/{meeting_id}/agenda").route(web::put().to(agenda)))
    .service(resource("/coops/{slug}/meetings/{meeting_id}/attendance").route(web::post().to(attend)))
    .service(resource("/coops/{slug}/meetings/{meeting_id}/attendance/{member_id}").route(web::delete().to(unattend)))
    .service(resource("/coops/{slug}/meetings/{meeting_id}/minutes").route(web::put().to(minutes)))
    .service(resource("/coops/{slug}/meetings/{meeting_id}/minutes/adopt").route(web::post().to(adopt)));
}

/// The co-op's meetings, latest first.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/meetings", tag = "meetings",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = [Meeting])), security(("bearer" = [])))]
pub async fn list(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state, &scope).await?))
}

/// Schedules a meeting (the secretary and the board).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/meetings", tag = "meetings", request_body = MeetingInput,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = Meeting), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<MeetingInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::create(&state, &scope, &body).await?))
}

/// One meeting: agenda with each linked ballot's stored result, attendance, minutes.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/meetings/{meeting_id}", tag = "meetings",
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 200, body = MeetingView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn show(state: web::Data<AppState>, scope: InCoop, path: MeetingPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Edits a meeting's details (its date only while it is scheduled).
#[utoipa::path(put, path = "/api/v1/coops/{slug}/meetings/{meeting_id}", tag = "meetings", request_body = MeetingInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 200, body = Meeting), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
    body: MemberJson<MeetingInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::update(&state, &scope, path.1, &body).await?))
}

/// Marks a meeting as held, once it has started.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/meetings/{meeting_id}/held", tag = "meetings",
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 200, body = Meeting), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn held(state: web::Data<AppState>, scope: InCoop, path: MeetingPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::mark_held(&state, &scope, path.1).await?))
}

/// Why a meeting is cancelled.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(as = MeetingCancelInput)]
pub struct CancelInput {
    /// The reason (1 to 500 characters).
    pub reason: String,
}

/// Cancels a scheduled meeting, with a reason.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/meetings/{meeting_id}/cancel", tag = "meetings", request_body = CancelInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 200, body = Meeting), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn cancel(
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
    body: MemberJson<CancelInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::cancel(&state, &scope, path.1, &body.reason).await?))
}

/// Replaces the agenda; each item may link a ballot of the co-op.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/meetings/{meeting_id}/agenda", tag = "meetings", request_body = AgendaInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 200, body = MeetingView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn agenda(
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
    body: MemberJson<AgendaInput>,
) -> AppResult<HttpResponse> {
    service::set_agenda(&state, &scope, path.1, &body).await?;
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Records a member present, or represented by a member present.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/meetings/{meeting_id}/attendance", tag = "meetings",
    request_body = AttendanceInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 201, body = MeetingView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn attend(
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
    body: MemberJson<AttendanceInput>,
) -> AppResult<HttpResponse> {
    service::record_attendance(&state, &scope, path.1, &body).await?;
    Ok(HttpResponse::Created().json(service::view(&state, &scope, path.1).await?))
}

/// Removes a line of attendance recorded by mistake.
#[utoipa::path(delete, path = "/api/v1/coops/{slug}/meetings/{meeting_id}/attendance/{member_id}", tag = "meetings",
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting"),
        ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 200, body = MeetingView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn unattend(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    service::remove_attendance(&state, &scope, path.1, path.2).await?;
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Saves the draft minutes of a held meeting.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/meetings/{meeting_id}/minutes", tag = "meetings", request_body = MinutesInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 200, body = Meeting), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn minutes(
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
    body: MemberJson<MinutesInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::save_minutes(&state, &scope, path.1, &body).await?))
}

/// Records that a later meeting adopted the minutes; they are frozen from then on.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/meetings/{meeting_id}/minutes/adopt", tag = "meetings",
    request_body = AdoptInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("meeting_id" = Uuid, Path, description = "The meeting")),
    responses((status = 200, body = Meeting), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn adopt(
    state: web::Data<AppState>,
    scope: InCoop,
    path: MeetingPath,
    body: MemberJson<AdoptInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::adopt_minutes(&state, &scope, path.1, &body).await?))
}
