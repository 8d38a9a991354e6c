//! The co-op's home page.

use actix_web::{HttpRequest, HttpResponse};

use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::error::AppResult;
use crate::web::page::Page;

/// The co-op's home: who you are there and where to go.
pub async fn home(req: HttpRequest, scope: InCoop) -> AppResult<HttpResponse> {
    scope.require(Action::ViewCoop)?;
    Page::in_coop(&req, &scope)?.render("coops/home.html")
}
