//! The co-op's home page: the caller's dashboard.

use actix_web::{web, HttpRequest, HttpResponse};

use super::service;
use crate::auth::extract::InCoop;
use crate::error::AppResult;
use crate::server::AppState;
use crate::web::page::Page;

/// Mounts the page.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/c/{slug}").route(web::get().to(home)));
}

/// The co-op's home: the sections of every role the caller holds.
pub async fn home(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let dashboard = service::dashboard(&state, &scope).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("d", &dashboard);
    page.render("coops/home.html")
}
