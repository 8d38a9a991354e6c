//! The page of a background export: its progress (the page reloads itself while it
//! runs, no script needed), then the link to its file.

use actix_web::{web, HttpRequest, HttpResponse};
use uuid::Uuid;

use crate::auth::extract::InCoop;
use crate::error::AppResult;
use crate::web::page::Page;
use crate::web::state::AppState;

/// The export's page.
pub async fn job(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    let file_url = format!("/c/{}/exports/{}/file", scope.coop.slug, path.1);
    let export = super::api::find(&state, &scope, path.1, file_url).await?;
    let detail = export
        .job
        .result
        .as_ref()
        .filter(|_| export.job.status == "failed")
        .and_then(|r| r.get("detail"))
        .and_then(|d| d.as_str())
        .map(str::to_string);
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("export", &export).insert("detail", &detail);
    page.render("export/job.html")
}

/// The export's file.
pub async fn file(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    super::api::download(&state, &scope, path.1).await
}
