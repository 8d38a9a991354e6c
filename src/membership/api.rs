//! Membership endpoints of the JSON API.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::service;
use super::store::{self, MemberView};
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppResult, Problem};
use crate::server::AppState;

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

/// Invites a person into the co-op (admins).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/members", tag = "membership", request_body = InvitationRequest,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn invite(
    state: web::Data<AppState>,
    scope: InCoop,
    body: web::Json<InvitationRequest>,
) -> AppResult<HttpResponse> {
    let id = service::invite(&state, &scope, &body.email, &body.display_name, &body.roles).await?;
    Ok(HttpResponse::Created().json(Created { id }))
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
    body: web::Json<RolesRequest>,
) -> AppResult<HttpResponse> {
    service::set_roles(&state, &scope, path.1, &body.roles).await?;
    Ok(HttpResponse::NoContent().finish())
}
