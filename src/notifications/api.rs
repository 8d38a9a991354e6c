//! Notification and e-mail preference endpoints of the JSON API.

use actix_web::{web, HttpResponse};

use super::service::{self, EmailPreferences, EmailPreferencesInput, Notifications};
use crate::auth::extract::{Caller, InCoop, MemberJson};
use crate::error::{AppResult, Problem};
use crate::server::AppState;

/// Mounts the endpoints (inside the `/api/v1` scope).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::resource;
    cfg.service(
        resource("/me/email-preferences")
            .route(web::get().to(preferences))
            .route(web::put().to(set_preferences)),
    )
    .service(resource("/coops/{slug}/notifications").route(web::get().to(notifications)));
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
