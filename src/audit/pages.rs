//! The audit log page.

use actix_web::{web, HttpRequest, HttpResponse};

use super::api::{csv_export, AuditQuery};
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 50;

/// The newest events, fifty at a time.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    scope.require(Action::ViewAudit)?;
    if query.before.is_some_and(|b| b < 1) {
        return Err(AppError::NotFound);
    }
    let mut conn = db::conn(&state.pool).await?;
    let events = super::events(&mut conn, scope.coop.id, query.before, PAGE_SIZE).await?;
    let older = events
        .last()
        .filter(|e| e.seq > 1 && events.len() as i64 == PAGE_SIZE)
        .map(|e| e.seq);
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("events", &events).insert("older", &older);
    page.render("audit/log.html")
}

/// The CSV download.
pub async fn csv(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    csv_export(&state, &scope, true).await
}
