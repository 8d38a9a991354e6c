//! The members page: the list, invitations and roles.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use super::service;
use super::store;
use crate::auth::extract::InCoop;
use crate::auth::permissions::{Action, Role};
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::server::AppState;
use crate::web::page::{see_other, Page, PageForm};

async fn members_page(req: &HttpRequest, state: &AppState, scope: &InCoop) -> AppResult<Page> {
    scope.require(Action::ViewMembers)?;
    let mut conn = db::conn(&state.pool).await?;
    let members = store::list(&mut conn, scope.coop.id).await?;
    let mut page = Page::in_coop(req, scope)?;
    page.insert("members", &members)
        .insert("can_manage", &scope.can(Action::ManageMembers))
        .insert("all_roles", &Role::ALL.map(Role::as_str))
        .insert(
            "form",
            &serde_json::json!({"email": "", "display_name": "", "roles": []}),
        );
    Ok(page)
}

/// The query of the members page: which change just succeeded.
#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The list of members, with the invitation form for admins.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<DoneQuery>,
) -> AppResult<HttpResponse> {
    let mut page = members_page(&req, &state, &scope).await?;
    page.insert("done", &query.done);
    page.render("membership/members.html")
}

/// What the invitation form sends.
#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    roles: Vec<String>,
}

/// Sends an invitation.
pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<InviteForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    match service::invite(&state, &scope, &form.email, &form.display_name, &form.roles).await {
        Ok(_) => Ok(see_other(&format!("/c/{}/members?done=invited", scope.coop.slug))),
        Err(AppError::Validation(errors)) => show_again(&req, &state, &scope, &form, &errors).await,
        Err(AppError::Conflict(message)) => {
            show_again(&req, &state, &scope, &form, &[FieldError::new("email", message)]).await
        }
        Err(other) => Err(other),
    }
}

async fn show_again(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    form: &InviteForm,
    errors: &[FieldError],
) -> AppResult<HttpResponse> {
    let mut page = members_page(req, state, scope).await?;
    page.insert(
        "form",
        &serde_json::json!({"email": form.email, "display_name": form.display_name, "roles": form.roles}),
    )
    .errors(errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/members.html")
}

/// What the roles form sends.
#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// Saves a member's roles.
pub async fn set_roles(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    form: PageForm<RolesForm>,
) -> AppResult<HttpResponse> {
    match service::set_roles(&state, &scope, path.1, &form.0.roles).await {
        Ok(()) => Ok(see_other(&format!("/c/{}/members?done=roles", scope.coop.slug))),
        Err(AppError::Conflict(message)) => {
            let mut page = members_page(&req, &state, &scope).await?;
            page.errors(&[FieldError::new(format!("roles-{}", path.1), message)]);
            page.render_status(StatusCode::CONFLICT, "membership/members.html")
        }
        Err(other) => Err(other),
    }
}
