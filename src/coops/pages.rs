//! The co-op's home page.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::error::AppResult;
use crate::server::AppState;
use crate::web::page::Page;

/// The co-op's home: who you are there and where to go.
pub async fn home(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    scope.require(Action::ViewCoop)?;
    // Open ballots come first on a member's home page: voting is what they come for.
    let open: Vec<_> = crate::ballots::service::list(&state, &scope)
        .await?
        .into_iter()
        .filter(|b| b.status == crate::ballots::rules::Status::Open)
        .collect();
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("open_ballots", &open);
    page.render("coops/home.html")
}
