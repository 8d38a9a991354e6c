//! Co-op endpoints of the JSON API.

use actix_web::{web, HttpResponse};

use super::rules::NewCoop;
use super::service;
use super::store::{self, Coop};
use crate::auth::extract::{Caller, InCoop};
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::server::AppState;

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

/// Creates a co-op (operators only).
#[utoipa::path(post, path = "/api/v1/coops", tag = "coops", request_body = NewCoop,
    responses((status = 201, body = Coop), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(state: web::Data<AppState>, caller: Caller, body: web::Json<NewCoop>) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let coop = service::create(&mut conn, Some(&caller.user), body.into_inner(), None).await?;
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
    body: web::Json<super::rules::Parameters>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::set_parameters(&state, &scope, &body).await?))
}
