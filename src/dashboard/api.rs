//! The dashboard's JSON twin, under `/api/v1/coops/{slug}/dashboard`.

use actix_web::{web, HttpResponse};

use super::service::{self, Dashboard};
use crate::auth::extract::InCoop;
use crate::error::{AppResult, Problem};
use crate::web::state::AppState;

/// Mounts the endpoint (inside the `/api/v1` scope).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/coops/{slug}/dashboard").route(web::get().to(dashboard)));
}

/// The caller's dashboard: the sections of every role they hold, as on the co-op's
/// home page.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/dashboard", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = Dashboard), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn dashboard(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::dashboard(&state, &scope).await?))
}
