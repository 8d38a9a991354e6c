//! The audit log over the API: JSON pages and a CSV export.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::store::EventView;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::web::state::AppState;

/// Paging through the log, newest first.
#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only events before this sequence number.
    pub before: Option<i64>,
    /// At most this many events (1 to 500, default 100).
    pub limit: Option<i64>,
}

impl AuditQuery {
    fn limit(&self) -> AppResult<i64> {
        match self.limit.unwrap_or(100) {
            n @ 1..=500 => Ok(n),
            _ => Err(AppError::field("limit", "The limit must be between 1 and 500.")),
        }
    }
}

/// The co-op's audit events, newest first (admins).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/audit", tag = "audit",
    params(("slug" = String, Path, description = "The co-op's short name"), AuditQuery),
    responses((status = 200, body = [EventView]), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(state: web::Data<AppState>, scope: InCoop, query: web::Query<AuditQuery>) -> AppResult<HttpResponse> {
    scope.require(Action::ViewAudit)?;
    let limit = query.limit()?;
    let mut conn = db::conn(&state.pool).await?;
    Ok(HttpResponse::Ok().json(super::events(&mut conn, scope.coop.id, query.before, limit).await?))
}

/// Every event of a co-op as CSV (admins): the file, or for a long log the
/// background job writing it (see [`crate::export::api::respond`]).
pub async fn csv_export(state: &AppState, scope: &InCoop, on_pages: bool) -> AppResult<HttpResponse> {
    scope.require(Action::ViewAudit)?;
    let mut conn = db::conn(&state.pool).await?;
    let exported = super::export(
        &mut conn,
        &scope.coop,
        scope.caller.user.id,
        state.settings.export_inline_rows,
    )
    .await?;
    Ok(crate::export::api::respond(exported, scope, on_pages))
}

/// The whole log as CSV, oldest first (admins). A log of more than
/// `--export-inline-rows` events is written in the background: 202 with the export's
/// address, where the file's address appears once it is written.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/audit.csv", tag = "audit",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 202, body = crate::export::api::ExportQueued, description = "A long log: the export's job"),
        (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn csv(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    csv_export(&state, &scope, false).await
}
