//! Bylaws endpoints of the JSON API, under `/api/v1/coops/{slug}/bylaws`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::service::{self, AmendmentInput, AmendmentView, CommentInput, ImportInput, SubmitInput};
use super::store::{AmendmentRow, Comment, Version};
use crate::auth::extract::{InCoop, MemberJson};
use crate::error::{AppError, AppResult, Problem};
use crate::web::state::AppState;

type AmendmentPath = web::Path<(String, Uuid)>;

/// Mounts the endpoints (inside the `/api/v1` scope).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::resource;
    cfg.service(resource("/coops/{slug}/bylaws").route(web::get().to(current)))
        .service(resource("/coops/{slug}/bylaws/import").route(web::post().to(import)))
        .service(resource("/coops/{slug}/bylaws/versions").route(web::get().to(history)))
        .service(resource("/coops/{slug}/bylaws/versions/{number}").route(web::get().to(version)))
        .service(resource("/coops/{slug}/bylaws/versions/{number}/markdown").route(web::get().to(markdown)))
        .service(resource("/coops/{slug}/bylaws/compare").route(web::get().to(compare)))
        .service(
            resource("/coops/{slug}/bylaws/amendments")
                .route(web::get().to(amendments))
                .route(web::post().to(create_amendment)),
        )
        .service(
            resource("/coops/{slug}/bylaws/amendments/{amendment_id}")
                .route(web::get().to(amendment))
                .route(web::put().to(revise)),
        )
        .service(resource("/coops/{slug}/bylaws/amendments/{amendment_id}/share").route(web::post().to(share)))
        .service(resource("/coops/{slug}/bylaws/amendments/{amendment_id}/withdraw").route(web::post().to(withdraw)))
        .service(resource("/coops/{slug}/bylaws/amendments/{amendment_id}/rebase").route(web::post().to(rebase)))
        .service(resource("/coops/{slug}/bylaws/amendments/{amendment_id}/submit").route(web::post().to(submit)))
        .service(
            resource("/coops/{slug}/bylaws/amendments/{amendment_id}/comments")
                .route(web::get().to(comments))
                .route(web::post().to(add_comment)),
        )
        .service(resource("/coops/{slug}/bylaws/comments/{comment_id}").route(web::put().to(edit_comment)))
        .service(resource("/coops/{slug}/bylaws/comments/{comment_id}/hide").route(web::post().to(hide_comment)));
}

/// The bylaws in force: articles and governance schedule.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = Version), (status = 404, body = Problem, description = "No bylaws adopted yet")),
    security(("bearer" = [])))]
pub async fn current(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let version = service::current(&state, &scope).await?.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(version))
}

/// Adopts the co-op's first bylaws (version 1) by the board: Markdown or the model.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/import", tag = "bylaws", request_body = ImportInput,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = Version), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn import(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<ImportInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::import(&state, &scope, &body).await?))
}

/// Every adopted version, newest first.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws/versions", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = [Version])), security(("bearer" = [])))]
pub async fn history(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::history(&state, &scope).await?))
}

/// One adopted version.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws/versions/{number}", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), ("number" = i32, Path, description = "The version")),
    responses((status = 200, body = Version), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn version(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::version(&state, &scope, path.1).await?))
}

/// One adopted version as Markdown (the import format).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws/versions/{number}/markdown", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), ("number" = i32, Path, description = "The version")),
    responses((status = 200, content_type = "text/markdown", body = String), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn markdown(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let version = service::version(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"{}-bylaws-v{}.md\"",
                scope.coop.slug, version.number
            ),
        ))
        .body(super::rules::to_markdown(&version.bylaws)))
}

/// Two versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CompareQuery {
    /// The older version.
    pub from: i32,
    /// The newer version.
    pub to: i32,
}

/// What changed between two versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    /// The article changes, in document order (word-level diffs of changed texts).
    #[schema(value_type = Vec<Object>)]
    pub articles: Vec<super::rules::ArticleChange>,
    /// The governance schedule's changed fields.
    #[schema(value_type = Vec<Object>)]
    pub schedule: Vec<super::rules::ScheduleChange>,
}

/// Compares two versions.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws/compare", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), CompareQuery),
    responses((status = 200, body = Comparison), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn compare(
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<CompareQuery>,
) -> AppResult<HttpResponse> {
    let (articles, schedule) = service::compare(&state, &scope, query.from, query.to).await?;
    Ok(HttpResponse::Ok().json(Comparison { articles, schedule }))
}

/// The amendments the caller may see (drafts only for the board and the secretary).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws/amendments", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = [AmendmentRow])), security(("bearer" = [])))]
pub async fn amendments(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::amendments(&state, &scope).await?))
}

/// Drafts an amendment on the version in force (the board and the secretary).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/amendments", tag = "bylaws", request_body = AmendmentInput,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = AmendmentView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_amendment(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<AmendmentInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::create_amendment(&state, &scope, &body).await?))
}

/// One amendment: its text, the diff against its base, schedule changes,
/// conflicts with the version in force, the rule its vote needs, every revision.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 200, body = AmendmentView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn amendment(state: web::Data<AppState>, scope: InCoop, path: AmendmentPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::amendment(&state, &scope, path.1).await?))
}

/// Stores a new revision of a draft.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}", tag = "bylaws",
    request_body = AmendmentInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 200, body = AmendmentView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn revise(
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    body: MemberJson<AmendmentInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::revise(&state, &scope, path.1, &body).await?))
}

/// Shares a draft with the members for comments (and e-mails them).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/share", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 200, body = AmendmentRow), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn share(state: web::Data<AppState>, scope: InCoop, path: AmendmentPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::share(&state, &scope, path.1).await?))
}

/// Withdraws an amendment that has not gone to the vote.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/withdraw", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 200, body = AmendmentRow), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn withdraw(state: web::Data<AppState>, scope: InCoop, path: AmendmentPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::withdraw(&state, &scope, path.1).await?))
}

/// Carries a stale draft over to the version in force, or answers 409 with its conflicts.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/rebase", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 200, body = AmendmentView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn rebase(state: web::Data<AppState>, scope: InCoop, path: AmendmentPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::rebase(&state, &scope, path.1).await?))
}

/// Puts an amendment to the vote: a ballot with the amendment rule of the version in force.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/submit", tag = "bylaws",
    request_body = SubmitInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 200, body = AmendmentView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn submit(
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    body: MemberJson<SubmitInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::submit(&state, &scope, path.1, &body).await?))
}

/// The comments on an amendment, oldest first.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/comments", tag = "bylaws",
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 200, body = [Comment]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn comments(state: web::Data<AppState>, scope: InCoop, path: AmendmentPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::comments(&state, &scope, path.1).await?))
}

/// Comments on an amendment (members), on one article or on the whole.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/comments", tag = "bylaws",
    request_body = CommentInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("amendment_id" = Uuid, Path, description = "The amendment")),
    responses((status = 201, body = Comment), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_comment(
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    body: MemberJson<CommentInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::add_comment(&state, &scope, path.1, &body).await?))
}

/// A comment's new text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentEdit {
    /// The text (Markdown).
    pub body: String,
}

/// Edits one's own comment within 15 minutes of writing it.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/bylaws/comments/{comment_id}", tag = "bylaws",
    request_body = CommentEdit,
    params(("slug" = String, Path, description = "The co-op's short name"), ("comment_id" = Uuid, Path, description = "The comment")),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn edit_comment(
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    body: MemberJson<CommentEdit>,
) -> AppResult<HttpResponse> {
    service::edit_comment(&state, &scope, path.1, &body.body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Why a comment is hidden.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HideInput {
    /// The reason, shown in the comment's place.
    pub reason: String,
}

/// Hides a comment (the secretary and the board).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/bylaws/comments/{comment_id}/hide", tag = "bylaws",
    request_body = HideInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("comment_id" = Uuid, Path, description = "The comment")),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn hide_comment(
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    body: MemberJson<HideInput>,
) -> AppResult<HttpResponse> {
    service::hide_comment(&state, &scope, path.1, &body.reason).await?;
    Ok(HttpResponse::NoContent().finish())
}
