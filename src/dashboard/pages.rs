//! The co-op's home page: the caller's dashboard.

use actix_web::{web, HttpRequest, HttpResponse};

use super::service;
use crate::auth::extract::OnRegister;
use crate::error::AppResult;
use crate::web::page::Page;
use crate::web::state::AppState;

/// Mounts the page.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/c/{slug}").route(web::get().to(home)));
}

/// The co-op's home: the sections of every role the caller holds; for an applicant
/// their application, for a former member the records they keep.
pub async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
) -> AppResult<HttpResponse> {
    if !scope.standing.belongs() {
        let mut page = Page::in_coop(&req, &scope)?;
        page.insert("standing", &scope.standing);
        return page.render("coops/not_a_member.html");
    }
    let dashboard = service::dashboard(&state, &scope).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("d", &dashboard);
    page.render("coops/home.html")
}
