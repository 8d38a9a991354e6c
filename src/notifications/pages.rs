//! The notifications page and the e-mail preference form of the account page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use uuid::Uuid;

use super::deliveries::{self, NoticeSummary};
use super::rules::{Delivery, LegalNotice};
use super::service::{self, EmailPreferencesInput};
use crate::auth::extract::{Caller, InCoop};
use crate::error::{AppError, AppResult};
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

/// Mounts the pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/c/{slug}/notifications").route(web::get().to(notifications)))
        .service(web::resource("/c/{slug}/notices").route(web::get().to(notices)))
        .service(web::resource("/c/{slug}/notices/{notice_id}").route(web::get().to(notice)))
        .service(web::resource("/c/{slug}/notices/{notice_id}/deliveries.csv").route(web::get().to(notice_csv)))
        .service(web::resource("/c/{slug}/notices/{notice_id}/resend").route(web::post().to(resend)))
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

/// The co-op's legal notices the caller follows.
pub async fn notices(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let notices = deliveries::list(&state, &scope).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("notices", &notices);
    page.render("notifications/notices.html")
}

/// A legal notice, member by member, with the resend button.
pub async fn notice(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    let shown = deliveries::show(&state, &scope, path.1).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("shown", &shown)
        .insert("subject_path", &subject_path(&shown.notice))
        .insert("requeued", &req.query_string().strip_prefix("requeued=").unwrap_or(""));
    page.render("notifications/notice.html")
}

/// Where the notice's subject is read (under the co-op's pages).
fn subject_path(notice: &NoticeSummary) -> String {
    let id = notice.subject_id;
    match LegalNotice::parse(&notice.kind) {
        Some(LegalNotice::Allocation) => format!("/patronage/distributions/{id}"),
        Some(LegalNotice::Convocation) => format!("/meetings/{id}"),
        _ => format!("/ballots/{id}"),
    }
}

/// The notice's deliveries as CSV.
pub async fn notice_csv(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    let shown = deliveries::show(&state, &scope, path.1).await?;
    super::api::deliveries_csv(&shown)
}

/// Resends the notice to those it has not reached, then shows it again.
pub async fn resend(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    _form: PageForm<std::collections::BTreeMap<String, String>>,
) -> AppResult<HttpResponse> {
    let requeued = deliveries::resend(&state, &scope, path.1).await?;
    Ok(see_other(&format!(
        "/c/{}/notices/{}?requeued={requeued}",
        scope.coop.slug, path.1
    )))
}
