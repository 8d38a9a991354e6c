//! The notifications page and the e-mail preference form of the account page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::rules::Delivery;
use super::service::{self, EmailPreferencesInput};
use crate::auth::extract::{Caller, InCoop};
use crate::error::{AppError, AppResult};
use crate::server::AppState;
use crate::web::page::{see_other, Page, PageForm};

/// Mounts the pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/c/{slug}/notifications").route(web::get().to(notifications)))
        .service(web::resource("/account/email").route(web::post().to(save_preferences)));
}

/// What changed since the last visit; visiting marks it seen.
pub async fn notifications(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let notifications = service::visit(&state, &scope).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("notifications", &notifications);
    page.render("notifications/list.html")
}

/// The choices of the account page's e-mail form.
pub fn deliveries() -> Vec<&'static str> {
    Delivery::ALL.iter().map(|d| d.as_str()).collect()
}

/// Saves the e-mail preference from the account page.
pub async fn save_preferences(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    form: PageForm<EmailPreferencesInput>,
) -> AppResult<HttpResponse> {
    match service::set_preferences(&state, &caller.user, &form.0).await {
        Ok(_) => Ok(see_other("/account?done=email#email")),
        Err(AppError::Validation(errors)) => {
            let mut page = crate::auth::pages::account_page(&req, &caller, None)?;
            page.insert("delivery", &form.0.delivery)
                .insert("deliveries", &deliveries())
                .insert(
                    "has_calendar",
                    &crate::calendar::has_feed(&state, caller.user.id).await?,
                )
                .errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "auth/account.html")
        }
        Err(other) => Err(other),
    }
}
