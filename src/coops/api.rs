//! Co-op endpoints of the JSON API.

use actix_web::{web, HttpResponse};

use super::rules::NewCoop;
use super::service;
use super::store::{self, Coop};
use crate::auth::extract::{Caller, InCoop, MemberJson};
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::web::state::AppState;

/// Every co-op on this instance (operators only).
#[utoipa::path(get, path = "/api/v1/coops", tag = "coops",
    responses((status = 200, body = [Coop]), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    if !caller.user.is_operator {
        return Err(AppError::Forbidden);
    }
    let mut conn = db::conn(&state.pool).await?;
    Ok(HttpResponse::Ok().json(store::all(&mut conn).await?))
}

/// Creates a co-op. An operator creates it empty (its admins are invited next);
/// where the instance allows self-service, anyone else signed in founds it and
/// becomes its first member with every officer's role. A country preset fills the
/// currency, language and time zone left blank, and gives the co-op its
/// distribution rules.
#[utoipa::path(post, path = "/api/v1/coops", tag = "coops", request_body = NewCoop,
    responses((status = 201, body = Coop), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(state: web::Data<AppState>, caller: Caller, body: MemberJson<NewCoop>) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let coop = if caller.user.is_operator {
        service::create(&mut conn, Some(&caller.user), body.into_inner(), None).await?
    } else {
        service::found(
            &mut conn,
            &caller.user,
            state.settings.self_service_coops,
            body.into_inner(),
        )
        .await?
    };
    Ok(HttpResponse::Created().json(coop))
}

/// One co-op the caller belongs to.
#[utoipa::path(get, path = "/api/v1/coops/{slug}", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = Coop), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn show(scope: InCoop) -> AppResult<HttpResponse> {
    scope.require(Action::ViewCoop)?;
    Ok(HttpResponse::Ok().json(scope.coop))
}

/// The co-op's governance parameters: membership, redemption and ballot rules.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/parameters", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = super::rules::Parameters), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn parameters(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::parameters(&state, &scope).await?))
}

/// Replaces the co-op's governance parameters (the board); audited.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/parameters", tag = "coops", request_body = super::rules::Parameters,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = super::rules::Parameters), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_parameters(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<super::rules::Parameters>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::set_parameters(&state, &scope, &body).await?))
}

/// Where the co-op's setup stands: the facts, each step and what is left (officers).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/setup", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = SetupView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn setup(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let facts = service::setup(&state, &scope).await?;
    Ok(HttpResponse::Ok().json(SetupView {
        steps: super::rules::setup_steps(&facts),
        reminders: super::rules::setup_reminders(&facts),
        facts,
    }))
}

/// A co-op's setup, as the API gives it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SetupView {
    /// What the checklist is worked out from.
    #[schema(value_type = Object)]
    pub facts: super::rules::SetupFacts,
    /// Each step, in order, and whether it is done.
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<super::rules::SetupStep>,
    /// What is left to do or to chase.
    #[schema(value_type = Vec<Object>)]
    pub reminders: Vec<super::rules::SetupReminder>,
}

/// Sends invitation links to every member with no password and no valid link
/// (admins); answers how many were sent.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/setup/invitations", tag = "coops",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, description = "`{\"invited\": N}`"), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn invite_waiting(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let invited = crate::membership::service::invite_waiting(&state, &scope).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "invited": invited })))
}
