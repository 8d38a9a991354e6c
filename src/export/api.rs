//! The API of background exports: follow one, download its file.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::background::{self, Exported};
use crate::auth::extract::InCoop;
use crate::db;
use crate::error::AppResult;
use crate::web::state::AppState;

/// A large export, queued as a background job.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportQueued {
    /// The job.
    pub job: Uuid,
    /// Where its progress is read and, once done, its file's address.
    pub status_url: String,
}

/// The answer to an export request: the file (200), or for a large export the job
/// making it: 202 with its address in the API, the job's page on the site.
pub fn respond(exported: Exported, scope: &InCoop, on_pages: bool) -> HttpResponse {
    match exported {
        Exported::File { filename, content } => attachment(&filename, content),
        Exported::Queued(job) if on_pages => {
            crate::web::page::see_other(&format!("/c/{}/exports/{job}", scope.coop.slug))
        }
        Exported::Queued(job) => {
            let status_url = format!("/api/v1/coops/{}/exports/{job}", scope.coop.slug);
            HttpResponse::Accepted()
                .insert_header((header::LOCATION, status_url.clone()))
                .json(ExportQueued { job, status_url })
        }
    }
}

/// A CSV file to download.
pub fn attachment(filename: &str, content: impl Into<Vec<u8>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(content.into())
}

/// The caller's export: its job, and once done its file's address (for a day).
pub async fn find(state: &AppState, scope: &InCoop, id: Uuid, file_url: String) -> AppResult<background::ExportJob> {
    let mut conn = db::conn(&state.pool).await?;
    background::find(
        &mut conn,
        scope.coop.id,
        scope.caller.user.id,
        |action| scope.can(action),
        id,
        file_url,
    )
    .await
}

/// The file of the caller's export.
pub async fn download(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let (filename, content) = background::file(
        &mut conn,
        scope.coop.id,
        scope.caller.user.id,
        |action| scope.can(action),
        id,
    )
    .await?;
    Ok(attachment(&filename, content))
}

/// An export made in the background (the register or the audit log of a large
/// co-op): queued or running (`running`, `progress_total` rows), done (`file_url`,
/// until `expires_at`), or failed. Only whoever asked for it, while they may still
/// see what it exports.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/exports/{export_id}", tag = "exports",
    params(("slug" = String, Path, description = "The co-op's short name"), ("export_id" = Uuid, Path, description = "The export's job")),
    responses((status = 200, body = background::ExportJob), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn job(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    let file_url = format!("/api/v1/coops/{}/exports/{}/file", scope.coop.slug, path.1);
    Ok(HttpResponse::Ok().json(find(&state, &scope, path.1, file_url).await?))
}

/// The file of a finished export, for a day after it is made.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/exports/{export_id}/file", tag = "exports",
    params(("slug" = String, Path, description = "The co-op's short name"), ("export_id" = Uuid, Path, description = "The export's job")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn file(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    download(&state, &scope, path.1).await
}
