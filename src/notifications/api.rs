//! Notification and e-mail preference endpoints of the JSON API.

use actix_web::{web, HttpResponse};

use super::deliveries::{self, NoticeDeliveries, NoticeSummary};
use super::service::{self, EmailPreferences, EmailPreferencesInput, Notifications};
use crate::auth::extract::{Caller, InCoop, MemberJson};
use crate::error::{AppResult, Problem};
use crate::web::state::AppState;

/// Mounts the endpoints (inside the `/api/v1` scope).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::resource;
    cfg.service(
        resource("/me/email-preferences")
            .route(web::get().to(preferences))
            .route(web::put().to(set_preferences)),
    )
    .service(resource("/coops/{slug}/notifications").route(web::get().to(notifications)))
    .service(resource("/coops/{slug}/notices").route(web::get().to(notices)))
    .service(resource("/coops/{slug}/notices/{notice_id}").route(web::get().to(notice)))
    .service(resource("/coops/{slug}/notices/{notice_id}/deliveries.csv").route(web::get().to(notice_csv)))
    .service(resource("/coops/{slug}/notices/{notice_id}/resend").route(web::post().to(resend)));
}

/// The caller's e-mail preference.
#[utoipa::path(get, path = "/api/v1/me/email-preferences", tag = "auth",
    responses((status = 200, body = EmailPreferences), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn preferences(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::preferences(&state, &caller.user).await?))
}

/// Changes the caller's e-mail preference: immediate, daily (one digest a day) or
/// none (legal notices are sent whatever the preference).
#[utoipa::path(put, path = "/api/v1/me/email-preferences", tag = "auth", request_body = EmailPreferencesInput,
    responses((status = 200, body = EmailPreferences), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_preferences(
    state: web::Data<AppState>,
    caller: Caller,
    body: MemberJson<EmailPreferencesInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::set_preferences(&state, &caller.user, &body).await?))
}

/// What changed in the co-op since the caller's last visit, as their roles may see
/// it; reading them marks them seen.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/notifications", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = Notifications), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn notifications(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::visit(&state, &scope).await?))
}

/// A notice's path: the co-op and the notice.
type NoticePath = web::Path<(String, uuid::Uuid)>;

/// The co-op's legal notices the caller follows (secretary: convocations and
/// ballot notices; treasurer: notices of allocation), with how far each got.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/notices", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = [NoticeSummary]), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn notices(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(deliveries::list(&state, &scope).await?))
}

/// A legal notice and each member's delivery: sent, queued, failed (the relay's
/// answer) or dead (every retry failed).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/notices/{notice_id}", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name"), ("notice_id" = uuid::Uuid, Path, description = "The notice")),
    responses((status = 200, body = NoticeDeliveries), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn notice(state: web::Data<AppState>, scope: InCoop, path: NoticePath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(deliveries::show(&state, &scope, path.1).await?))
}

/// A legal notice's deliveries as CSV.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/notices/{notice_id}/deliveries.csv", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name"), ("notice_id" = uuid::Uuid, Path, description = "The notice")),
    responses((status = 200, description = "One line per member", content_type = "text/csv"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn notice_csv(state: web::Data<AppState>, scope: InCoop, path: NoticePath) -> AppResult<HttpResponse> {
    let shown = deliveries::show(&state, &scope, path.1).await?;
    deliveries_csv(&shown)
}

/// The CSV answer for a notice's deliveries (the API and the page).
pub fn deliveries_csv(shown: &NoticeDeliveries) -> AppResult<HttpResponse> {
    Ok(crate::export::api::attachment(
        &format!("notice-{}.csv", shown.notice.id),
        deliveries::csv(shown)?,
    ))
}

/// Queues again, at once, every copy of the notice that has not reached its member.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/notices/{notice_id}/resend", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name"), ("notice_id" = uuid::Uuid, Path, description = "The notice")),
    responses((status = 200, description = "How many were queued again"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn resend(state: web::Data<AppState>, scope: InCoop, path: NoticePath) -> AppResult<HttpResponse> {
    let requeued = deliveries::resend(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "requeued": requeued })))
}
