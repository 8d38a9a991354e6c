//! The audit log over the API: JSON pages and a CSV export.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::store::EventView;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::server::AppState;

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

/// The whole log as CSV, oldest first.
pub fn to_csv(events: &[EventView]) -> AppResult<Vec<u8>> {
    let mut writer = crate::export::CsvExport::new();
    writer.write_record(["seq", "at", "actor", "action", "subject", "data", "hash"])?;
    for e in events.iter().rev() {
        writer.write_record([
            e.seq.to_string(),
            e.at.to_rfc3339(),
            e.actor.clone().unwrap_or_default(),
            e.action.clone(),
            e.subject.clone(),
            e.data.to_string(),
            e.hash.clone(),
        ])?;
    }
    writer.finish()
}

/// Every event of a co-op as CSV (admins).
pub async fn csv_export(state: &AppState, scope: &InCoop) -> AppResult<HttpResponse> {
    scope.require(Action::ViewAudit)?;
    let mut conn = db::conn(&state.pool).await?;
    let events = super::events(&mut conn, scope.coop.id, None, i64::MAX).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}-audit.csv\"", scope.coop.slug),
        ))
        .body(to_csv(&events)?))
}

/// The whole log as CSV, oldest first (admins).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/audit.csv", tag = "audit",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn csv(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    csv_export(&state, &scope).await
}
