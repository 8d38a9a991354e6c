//! Membership endpoints of the JSON API.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;

use crate::coops::store::Coop;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::lifecycle::MemberStatus;
use super::service::{self, Application, ProfileChange, RegisterLine, TransitionRequest};
use super::store::{self, HistoryRow, MemberView};
use crate::auth::api::client_ip;
use crate::auth::extract::{InCoop, MemberJson};
use crate::auth::permissions::Action;
use crate::coops::store as coops;
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::web::state::AppState;

/// The members of the co-op with their roles.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/members", tag = "membership",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = [MemberView]), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    scope.require(Action::ViewMembers)?;
    let mut conn = db::conn(&state.pool).await?;
    Ok(HttpResponse::Ok().json(store::list(&mut conn, scope.coop.id).await?))
}

/// Whom to invite, with which roles.
#[derive(Deserialize, ToSchema)]
pub struct InvitationRequest {
    /// Their e-mail; an invitation link goes there.
    pub email: String,
    /// Their name.
    pub display_name: String,
    /// Their roles; `member` is always included.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// The new member's id.
#[derive(Serialize, ToSchema)]
pub struct Created {
    /// The member's id in this co-op.
    pub id: Uuid,
}

/// Invites a person into the co-op (admins). Someone new is entered at once (201); an
/// address that has a Concord account already is asked to accept (202), and joins when
/// its holder does.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/members", tag = "membership", request_body = InvitationRequest,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = Created), (status = 202, description = "The invitee has an account: they were asked to accept"),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn invite(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<InvitationRequest>,
) -> AppResult<HttpResponse> {
    match service::invite(&state, &scope, &body.email, &body.display_name, &body.roles).await? {
        service::Invited::Member(id) => Ok(HttpResponse::Created().json(Created { id })),
        service::Invited::Pending => Ok(HttpResponse::Accepted().finish()),
    }
}

/// A member's new roles.
#[derive(Deserialize, ToSchema)]
pub struct RolesRequest {
    /// The roles; `member` is always included.
    pub roles: Vec<String>,
}

/// Replaces a member's roles (admins); the co-op keeps at least one admin.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/members/{member_id}/roles", tag = "membership",
    request_body = RolesRequest,
    params(("slug" = String, Path, description = "The co-op's short name"), ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_roles(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    body: MemberJson<RolesRequest>,
) -> AppResult<HttpResponse> {
    service::set_roles(&state, &scope, path.1, &body.roles).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Applies to join a co-op (no login needed). The answer is the same whether or not
/// the address is known: a link to confirm the application is e-mailed to it, and the
/// application reaches the register once confirmed.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/applications", tag = "membership", request_body = Application,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 202, description = "A link to confirm the application was e-mailed to the address given"),
        (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn apply(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Application>,
) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let coop = coops::by_slug(&mut conn, &path).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let ip = client_ip(&req, state.settings.trust_proxy);
    service::apply(&state, &coop, &body, ip).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Which part of the register to show.
#[derive(Deserialize, IntoParams)]
pub struct RegisterQuery {
    /// The register as of this date (default: today).
    pub as_of: Option<NaiveDate>,
    /// Only members with this status on that date.
    pub status: Option<String>,
    /// Only names or e-mails containing this.
    pub q: Option<String>,
    /// (Pages) how many people an import just entered.
    #[param(ignore)]
    pub imported: Option<usize>,
}

impl RegisterQuery {
    /// The date (today where `coop` is, by default) and the status filter, checked.
    pub fn parse(&self, coop: &Coop) -> AppResult<(NaiveDate, Option<MemberStatus>)> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(name) => Some(
                serde_json::from_value(serde_json::json!(name))
                    .map_err(|_| AppError::field("status", format!("unknown status `{name}`")))?,
            ),
        };
        Ok((self.as_of.unwrap_or_else(|| coop.today()), status))
    }
}

/// The register as of a date (secretaries, board, treasurer, admins).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/register", tag = "membership",
    params(("slug" = String, Path, description = "The co-op's short name"), RegisterQuery),
    responses((status = 200, body = [RegisterLine]), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn register(
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<RegisterQuery>,
) -> AppResult<HttpResponse> {
    let (as_of, status) = query.parse(&scope.coop)?;
    let lines = service::register(&state, &scope, as_of, status, query.q.as_deref()).await?;
    Ok(HttpResponse::Ok().json(lines))
}

/// The register as CSV, as of a date: the file, or for a large register the
/// background job making it (see [`crate::export::api::respond`]).
pub async fn register_csv_response(
    state: &AppState,
    scope: &InCoop,
    query: &RegisterQuery,
    on_pages: bool,
) -> AppResult<HttpResponse> {
    let (as_of, status) = query.parse(&scope.coop)?;
    let exported = service::export_register(state, scope, as_of, status, query.q.as_deref()).await?;
    Ok(crate::export::api::respond(exported, scope, on_pages))
}

/// The register as CSV (the legal document), as of a date. A register of more than
/// `--export-inline-rows` people is written in the background: 202 with the export's
/// address, where the file's address appears once it is written.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/register.csv", tag = "membership",
    params(("slug" = String, Path, description = "The co-op's short name"), RegisterQuery),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 202, body = crate::export::api::ExportQueued, description = "A large register: the export's job"),
        (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn register_csv(
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<RegisterQuery>,
) -> AppResult<HttpResponse> {
    register_csv_response(&state, &scope, &query, false).await
}

/// Records a change of status (secretaries and the board): admission, leave,
/// resignation, expulsion… Illegal changes answer 409 and change nothing.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/members/{member_id}/status", tag = "membership",
    request_body = TransitionRequest,
    params(("slug" = String, Path, description = "The co-op's short name"), ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 200, description = "The member's new state"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn change_status(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    body: MemberJson<TransitionRequest>,
) -> AppResult<HttpResponse> {
    let new_state = service::change_status(&state, &scope, path.1, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(new_state))
}

/// A member's dated history on the register.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/members/{member_id}/history", tag = "membership",
    params(("slug" = String, Path, description = "The co-op's short name"), ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 200, body = [HistoryRow]), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn history(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    // Members see their own history; the register's keepers see everyone's.
    if path.1 != scope.member_id {
        scope.require(Action::ViewMembers)?;
    }
    let mut conn = db::conn(&state.pool).await?;
    let rows = store::history(&mut conn, scope.coop.id, Some(path.1)).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Ok().json(rows))
}

/// How many people an import entered.
#[derive(Serialize, ToSchema)]
pub struct Imported {
    /// People entered on the register.
    pub imported: usize,
}

/// Imports an existing register from CSV (`text/csv` body; columns `number, name,
/// email, status, member_since, employment_status, roles`), whole or not at all.
/// Secretaries and the board.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/register/import", tag = "membership",
    request_body(content = String, content_type = "text/csv"),
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = Imported), (status = 202, body = ImportQueued), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "Every bad row, as `line N`, and nothing imported")),
    security(("bearer" = [])))]
pub async fn import(
    state: web::Data<AppState>,
    scope: InCoop,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let body = crate::web::input::body_within(payload, state.settings.import_limit).await?;
    match service::import_register(&state, &scope, csv_body(&req, &body)?).await? {
        service::ImportStarted::Imported(imported) => Ok(HttpResponse::Created().json(Imported { imported })),
        service::ImportStarted::Queued(job) => {
            let status_url = format!("/api/v1/coops/{}/register/imports/{job}", scope.coop.slug);
            Ok(HttpResponse::Accepted()
                .insert_header(("Location", status_url.clone()))
                .json(ImportQueued { job, status_url }))
        }
    }
}

/// A large import, queued as a background job.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportQueued {
    /// The job.
    pub job: Uuid,
    /// Where its progress and result are read.
    pub status_url: String,
}

/// A register import run in the background: queued or running (`running`), done
/// (`result.imported`), or failed (`result` is the problem that stopped it, with
/// every bad row); nothing is imported unless it is done.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/register/imports/{job_id}", tag = "membership",
    params(("slug" = String, Path, description = "The co-op's short name"), ("job_id" = Uuid, Path, description = "The import's job")),
    responses((status = 200, body = crate::jobs::Job), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn import_job(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::import_job(&state, &scope, path.1).await?))
}

/// The text of a CSV upload: a `text/csv` body in UTF-8.
pub(crate) fn csv_body<'a>(req: &HttpRequest, body: &'a [u8]) -> AppResult<&'a str> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("text/csv") {
        return Err(AppError::UnsupportedMediaType { expected: "text/csv" });
    }
    std::str::from_utf8(body).map_err(|_| AppError::BadRequest("the file must be UTF-8 text".into()))
}

/// Saves a member's profile on the register: start and kind of employment, and the
/// board's notes (board only). Secretaries and the board.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/members/{member_id}/profile", tag = "membership",
    request_body = ProfileChange,
    params(("slug" = String, Path, description = "The co-op's short name"), ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_profile(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    body: MemberJson<ProfileChange>,
) -> AppResult<HttpResponse> {
    service::update_profile(&state, &scope, path.1, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}
