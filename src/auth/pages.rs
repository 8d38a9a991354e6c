//! Account pages: log in and out, the account page, forgotten and reset passwords.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::api::client_ip;
use super::extract::{Caller, MaybeCaller, SESSION_COOKIE};
use super::service;
use crate::coops::service as coops_service;
use crate::coops::store as coops;
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::i18n;
use crate::web::page::{see_other, Page, PageForm, LANG_COOKIE};
use crate::web::state::AppState;

/// A redirect target from the login form or the language switch, kept on this site:
/// a path of printable ASCII (no space, no control character) starting with one `/`
/// not followed by `/` or `\`; anything else goes home. Browsers drop tabs and line
/// breaks inside a URL, so `/\t/evil.example` would read as `//evil.example`, and a
/// control character cannot go into a `Location` header at all.
pub(crate) fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/') && !n[1..].starts_with(['/', '\\']) && n.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            n
        }
        _ => "/",
    }
}

/// Field errors in the page's language, for the errors the forms expect.
fn form_errors(lang: &str, error: &AppError) -> Option<Vec<FieldError>> {
    match error {
        AppError::Validation(errors) => Some(errors.clone()),
        AppError::BadCredentials => Some(vec![FieldError::new("password", i18n::text(lang, "login-failed"))]),
        AppError::TooManyRequests { retry_after_secs } => Some(vec![FieldError::new(
            "email",
            i18n::text_with(lang, "login-throttled", &[("seconds", retry_after_secs.to_string())]),
        )]),
        _ => None,
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind TLS, living as long as
/// the session token it carries.
fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(state.settings.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(state.settings.session_ttl.as_secs() as i64))
        .finish()
}

/// The query of the login page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The front door: a signed-in user's co-ops, or the login page.
pub async fn home(req: HttpRequest, state: web::Data<AppState>, caller: MaybeCaller) -> AppResult<HttpResponse> {
    let Some(caller) = caller.0 else {
        return Ok(see_other("/login"));
    };
    let mut conn = db::conn(&state.pool).await?;
    let memberships = coops::for_user(&mut conn, caller.user.id).await?;
    if let [(coop, _)] = memberships.as_slice() {
        return Ok(see_other(&format!("/c/{}", coop.slug)));
    }
    let mut page = Page::new(&req, Some(&caller.user), None)?;
    let list: Vec<_> = memberships
        .iter()
        .map(|(coop, roles)| serde_json::json!({"slug": coop.slug, "name": coop.name, "roles": roles}))
        .collect();
    page.insert("memberships", &list).insert(
        "can_found",
        &coops_service::may_found(&caller.user, state.settings.self_service_coops),
    );
    page.render("home.html")
}

/// The login form.
pub async fn login_form(req: HttpRequest, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let mut page = Page::new(&req, None, None)?;
    page.insert("next", safe_next(query.next.as_deref()));
    page.insert("email", "");
    page.render("auth/login.html")
}

/// What the login form sends.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Logs in and sets the session cookie.
pub async fn login(req: HttpRequest, state: web::Data<AppState>, form: PageForm<LoginForm>) -> AppResult<HttpResponse> {
    let form = form.0;
    let next = safe_next(form.next.as_deref()).to_string();
    let ip = client_ip(&req, state.settings.trust_proxy);
    match service::login(&state, &form.email, &form.password, ip).await {
        Ok(user) => {
            let cookie = session_cookie(&state, service::session_token(&state, &user));
            let mut response = see_other(&next);
            response
                .add_cookie(&cookie)
                .map_err(|e| AppError::internal(e.to_string()))?;
            Ok(response)
        }
        Err(error) => {
            let mut page = Page::new(&req, None, None)?;
            let Some(errors) = form_errors(page.lang, &error) else {
                return Err(error);
            };
            page.insert("next", &next).insert("email", &form.email).errors(&errors);
            let status = match error {
                AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            page.render_status(status, "auth/login.html")
        }
    }
}

/// An empty form: only its CSRF token matters.
#[derive(Deserialize)]
pub struct EmptyForm {}

/// Logs out of this browser.
pub async fn logout(state: web::Data<AppState>, _form: PageForm<EmptyForm>) -> AppResult<HttpResponse> {
    let mut response = see_other("/login");
    let mut cookie = session_cookie(&state, String::new());
    cookie.make_removal();
    response
        .add_cookie(&cookie)
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(response)
}

/// The query of the account page: which change just succeeded.
#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub(crate) fn account_page(req: &HttpRequest, caller: &Caller, done: Option<&str>) -> AppResult<Page> {
    let mut page = Page::new(req, Some(&caller.user), None)?;
    page.insert("done", &done);
    page.insert("display_name", &caller.user.display_name);
    page.insert("locale", &caller.user.locale);
    Ok(page)
}

/// The account page: name, language, password, sessions.
pub async fn account(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<DoneQuery>,
) -> AppResult<HttpResponse> {
    let mut page = account_page(&req, &caller, query.done.as_deref())?;
    page.insert(
        "has_calendar",
        &crate::calendar::has_feed(&state, caller.user.id).await?,
    );
    let email = crate::notifications::service::preferences(&state, &caller.user).await?;
    page.insert("delivery", email.delivery.as_str())
        .insert("deliveries", &crate::notifications::pages::deliveries());
    page.render("auth/account.html")
}

/// What the profile form sends.
#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    locale: String,
}

/// Saves the name and language.
pub async fn save_profile(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    form: PageForm<ProfileForm>,
) -> AppResult<HttpResponse> {
    match service::update_profile(&state, &caller.user, &form.0.display_name, &form.0.locale).await {
        Ok(_) => Ok(see_other("/account?done=profile")),
        Err(AppError::Validation(errors)) => {
            let mut page = account_page(&req, &caller, None)?;
            page.insert("display_name", &form.0.display_name).errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "auth/account.html")
        }
        Err(other) => Err(other),
    }
}

/// What the password form sends.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Changes the password; this browser gets a fresh session, all others are logged out.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    form: PageForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    match service::change_password(&state, &caller.user, &form.0.current_password, &form.0.new_password).await {
        Ok(user) => {
            let mut response = see_other("/account?done=password");
            let cookie = session_cookie(&state, service::session_token(&state, &user));
            response
                .add_cookie(&cookie)
                .map_err(|e| AppError::internal(e.to_string()))?;
            Ok(response)
        }
        Err(AppError::Validation(errors)) => {
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| match e.field.as_str() {
                    "password" => FieldError::new("new_password", e.message),
                    _ => e,
                })
                .collect();
            let mut page = account_page(&req, &caller, None)?;
            page.errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "auth/account.html")
        }
        Err(other) => Err(other),
    }
}

/// Logs out of every browser and revokes every API token.
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    caller: Caller,
    _form: PageForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    service::logout_everywhere(&state, &caller.user).await?;
    Ok(see_other("/login"))
}

/// The "forgot your password" form.
pub async fn forgot_form(req: HttpRequest) -> AppResult<HttpResponse> {
    let mut page = Page::new(&req, None, None)?;
    page.insert("sent", &false);
    page.render("auth/forgot.html")
}

/// What the forgot form sends.
#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// Sends the reset link (or pretends to, for unknown addresses).
pub async fn forgot(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: PageForm<ForgotForm>,
) -> AppResult<HttpResponse> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    let result = service::request_password_reset(&state, &form.0.email, ip).await;
    let mut page = Page::new(&req, None, None)?;
    match result {
        Ok(()) => {
            page.insert("sent", &true);
            page.render("auth/forgot.html")
        }
        Err(error) => {
            let Some(errors) = form_errors(page.lang, &error) else {
                return Err(error);
            };
            page.insert("sent", &false).errors(&errors);
            page.render_status(StatusCode::TOO_MANY_REQUESTS, "auth/forgot.html")
        }
    }
}

/// The query of a reset or invitation link.
#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The form to choose a password from an e-mailed link.
pub async fn reset_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> AppResult<HttpResponse> {
    let mut page = Page::new(&req, None, None)?;
    page.insert("token", &query.token);
    page.insert("valid", &service::link_is_valid(&state, &query.token).await?);
    page.render("auth/reset.html")
}

/// What the reset form sends.
#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
}

/// Sets the password from the link, then asks to log in.
pub async fn reset(req: HttpRequest, state: web::Data<AppState>, form: PageForm<ResetForm>) -> AppResult<HttpResponse> {
    match service::reset_password(&state, &form.0.token, &form.0.new_password).await {
        Ok(_) => Ok(see_other("/login?next=/")),
        Err(AppError::Validation(errors)) => {
            let valid = !errors.iter().any(|e| e.field == "token");
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| match e.field.as_str() {
                    "password" => FieldError::new("new_password", e.message),
                    _ => e,
                })
                .collect();
            let mut page = Page::new(&req, None, None)?;
            page.insert("token", &form.0.token)
                .insert("valid", &valid)
                .errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "auth/reset.html")
        }
        Err(other) => Err(other),
    }
}

/// What the language switch sends.
#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

/// Switches the language: saved on the account when signed in, in a cookie otherwise.
pub async fn set_language(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    form: PageForm<LanguageForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    if !i18n::SUPPORTED.contains(&form.lang.as_str()) {
        return Err(AppError::field("lang", "The language must be `en` or `fr`."));
    }
    if let Some(caller) = caller.0 {
        service::update_profile(&state, &caller.user, &caller.user.display_name, &form.lang).await?;
    }
    let mut response = see_other(safe_next(form.next.as_deref()));
    let cookie = Cookie::build(LANG_COOKIE, form.lang)
        .path("/")
        .secure(state.settings.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(365))
        .finish();
    response
        .add_cookie(&cookie)
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn login_redirects_stay_on_this_site() {
        assert_eq!(safe_next(Some("/c/demo")), "/c/demo");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("")), "/");
        assert_eq!(safe_next(Some("c/demo")), "/");
    }

    #[test]
    fn login_redirects_refuse_control_characters_and_spaces() {
        assert_eq!(safe_next(Some("/\t/evil.example/phish")), "/");
        assert_eq!(safe_next(Some("/\n/x")), "/");
        assert_eq!(safe_next(Some("/\r\n/x")), "/");
        assert_eq!(safe_next(Some("/c/demo\0")), "/");
        assert_eq!(safe_next(Some("/c/de mo")), "/");
        assert_eq!(safe_next(Some("/c/d\u{e9}mo")), "/");
        assert_eq!(safe_next(Some("/c/demo?x=1#top")), "/c/demo?x=1#top");
        assert_eq!(safe_next(Some("/")), "/");
    }
}
