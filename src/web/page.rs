//! Rendering pages: the template context every page shares (language, user, co-op,
//! navigation, CSRF token), form parsing with the CSRF check, and HTML error pages.

use actix_web::body::{to_bytes, BoxBody, EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::future::Future;
use std::pin::Pin;

use super::i18n;
use crate::auth::extract::{InCoop, SESSION_COOKIE};
use crate::auth::permissions::Action;
use crate::auth::store::User;
use crate::coops::store::Coop;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::state::AppState;

/// The cookie holding the random value the CSRF token is derived from.
pub const CSRF_COOKIE: &str = "concord_csrf";
/// The cookie an anonymous visitor's language choice is kept in.
pub const LANG_COOKIE: &str = "concord_lang";

/// The form token for a CSRF cookie value and the session it is used in: an HMAC
/// under the signing key of both. The cookie binds forms seen before signing in (the
/// login, an application); the session cookie (the signed session token, empty when
/// signed out) binds the token to the session, so a token an attacker got with their
/// own cookies is refused with the victim's session, and a cookie planted by a
/// sibling domain is useless without the key.
pub fn csrf_token(key: &[u8], cookie_value: &str, session: &str) -> String {
    hex::encode(csrf_mac(key, cookie_value, session).finalize().into_bytes())
}

fn csrf_mac(key: &[u8], cookie_value: &str, session: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"csrf|");
    mac.update(cookie_value.as_bytes());
    mac.update(b"|session|");
    mac.update(session.as_bytes());
    mac
}

fn csrf_valid(key: &[u8], cookie_value: &str, session: &str, token: &str) -> bool {
    let Ok(token) = hex::decode(token) else {
        return false;
    };
    csrf_mac(key, cookie_value, session).verify_slice(&token).is_ok()
}

/// The session cookie's value on a request (empty when there is none), which the
/// CSRF token is bound to.
fn session_of(req: &HttpRequest) -> String {
    req.cookie(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default()
}

/// The language of a page: the user's, then the co-op's, then the visitor's choice,
/// then `Accept-Language`, then English.
/// The page's language is the request's from then on (its errors are in it too).
pub fn language(req: &HttpRequest, user: Option<&User>, coop: Option<&Coop>) -> &'static str {
    let lang = user
        .and_then(|u| i18n::supported(&u.locale))
        .or_else(|| coop.and_then(|c| i18n::supported(&c.locale)))
        .unwrap_or_else(|| visitor_language(req));
    crate::i18n::set_request_language(lang);
    lang
}

/// A visitor's language: their choice on the page (the language cookie), then
/// `Accept-Language`, then English.
pub fn visitor_language(req: &HttpRequest) -> &'static str {
    req.cookie(LANG_COOKIE)
        .and_then(|c| i18n::supported(c.value()))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok())
                .and_then(i18n::from_accept_language)
        })
        .unwrap_or("en")
}

/// A page being built.
pub struct Page {
    state: web::Data<AppState>,
    context: tera::Context,
    new_csrf_cookie: Option<String>,
    /// The page's language.
    pub lang: &'static str,
}

/// Navigation links a co-op page shows, by what the caller may do.
#[derive(Serialize)]
struct Nav {
    /// The co-op's pages for those who belong to it (ballots, bylaws, meetings…).
    belongs: bool,
    /// The caller's own records (a former member keeps these).
    own: bool,
    members: bool,
    capital: bool,
    audit: bool,
}

impl Page {
    /// A page for a request, with whoever is signed in and the co-op it is about.
    pub fn new(req: &HttpRequest, user: Option<&User>, coop: Option<&Coop>) -> AppResult<Page> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| AppError::internal("application state missing"))?;
        let lang = language(req, user, coop);
        let (cookie_value, new_csrf_cookie) = match req.cookie(CSRF_COOKIE) {
            Some(c) if c.value().len() == 64 => (c.value().to_string(), None),
            _ => {
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                let value = hex::encode(bytes);
                (value.clone(), Some(value))
            }
        };
        let mut context = tera::Context::new();
        context.insert("lang", lang);
        context.insert(
            "csrf",
            &csrf_token(&state.settings.signing_key, &cookie_value, &session_of(req)),
        );
        context.insert("user", &user);
        context.insert("coop", &coop);
        context.insert("path", req.path());
        context.insert("errors", &Vec::<FieldError>::new());
        context.insert("done", &Option::<String>::None);
        Ok(Page {
            state,
            context,
            new_csrf_cookie,
            lang,
        })
    }

    /// A page inside a co-op, with the navigation its roles allow.
    pub fn in_coop(req: &HttpRequest, scope: &InCoop) -> AppResult<Page> {
        let mut page = Page::new(req, Some(&scope.caller.user), Some(&scope.coop))?;
        page.insert(
            "nav",
            &Nav {
                belongs: scope.standing.belongs(),
                own: scope.can(Action::ViewOwnRecords),
                members: scope.can(Action::ViewMembers),
                capital: scope.can(Action::ViewMembers) || scope.can(Action::ManageCapital),
                audit: scope.can(Action::ViewAudit),
            },
        );
        page.insert("roles", &scope.roles.names());
        Ok(page)
    }

    /// Adds a value to the template context.
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> &mut Self {
        self.context.insert(key, value);
        self
    }

    /// Adds field errors (shown next to their fields).
    pub fn errors(&mut self, errors: &[FieldError]) -> &mut Self {
        self.context.insert("errors", errors);
        self
    }

    /// Renders `template` with status 200.
    pub fn render(self, template: &str) -> AppResult<HttpResponse> {
        self.render_status(StatusCode::OK, template)
    }

    /// Renders `template` with `status` (422 for a form shown again with errors).
    pub fn render_status(self, status: StatusCode, template: &str) -> AppResult<HttpResponse> {
        let html = self.state.templates.render(template, &self.context)?;
        let mut response = HttpResponse::build(status);
        response.content_type("text/html; charset=utf-8");
        if let Some(value) = self.new_csrf_cookie {
            response.cookie(
                Cookie::build(CSRF_COOKIE, value)
                    .path("/")
                    .http_only(true)
                    .secure(self.state.settings.secure_cookies)
                    .same_site(SameSite::Lax)
                    .finish(),
            );
        }
        Ok(response.body(html))
    }
}

/// A redirect after a successful form (POST/redirect/GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// The largest form a route takes, where it is not the configured body limit (the
/// import forms); put beside the route's `PayloadConfig` so a refusal names it.
#[derive(Debug, Clone, Copy)]
pub struct FormLimit(pub usize);

/// A submitted page form, parsed into `T` after its CSRF token was checked.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for PageForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = AppResult<Self>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::internal("application state missing"))?;
            if req.content_type() != "application/x-www-form-urlencoded" {
                return Err(AppError::UnsupportedMediaType {
                    expected: "application/x-www-form-urlencoded",
                });
            }
            let limit = req.app_data::<FormLimit>().map_or(state.settings.body_limit, |l| l.0);
            let body = body.await.map_err(|_| AppError::PayloadTooLarge { limit })?;
            let CsrfField { csrf } = serde_html_form::from_bytes(&body)
                .map_err(|_| AppError::BadRequest("the form could not be read".into()))?;
            let cookie = req
                .cookie(CSRF_COOKIE)
                .map(|c| c.value().to_string())
                .unwrap_or_default();
            if cookie.is_empty() || !csrf_valid(&state.settings.signing_key, &cookie, &session_of(&req), &csrf) {
                return Err(AppError::Forbidden);
            }
            serde_html_form::from_bytes(&body)
                .map(PageForm)
                .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))
        })
    }
}

/// Turns problem+json errors on page routes into HTML error pages (and a missing
/// login into a redirect to the login page), so the pages and the API share one
/// error type.
pub async fn html_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let path = req.path().to_string();
    let page_route = !path.starts_with("/api/") && !matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics");
    let response = next.call(req).await?;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !page_route || !is_problem {
        return Ok(response.map_body(|_, body| EitherBody::left(body.boxed())));
    }
    let status = response.status();
    let (req, res) = response.into_parts();
    if status == StatusCode::UNAUTHORIZED {
        let target = format!(
            "/login?next={}",
            serde_urlencoded::to_string([("", path.as_str())])
                .unwrap_or_default()
                .trim_start_matches('=')
        );
        let redirect = see_other(&target);
        return Ok(ServiceResponse::new(req, redirect).map_into_right_body());
    }
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    let body = to_bytes(res.into_body()).await.unwrap_or_default();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    // The language the request was answered in, its message's: the caller's own
    // when signed in.
    let lang = crate::i18n::request_language();
    let html = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| {
            let mut context = tera::Context::new();
            context.insert("lang", lang);
            context.insert("status", &status.as_u16());
            context.insert("detail", problem.get("detail").and_then(|d| d.as_str()).unwrap_or(""));
            // A form refused before its page could show it again (a control character)
            // lists its fields here.
            context.insert("errors", problem.get("errors").unwrap_or(&serde_json::Value::Null));
            context.insert("user", &Option::<User>::None);
            context.insert("coop", &Option::<Coop>::None);
            context.insert("path", &path);
            state.templates.render("error.html", &context).ok()
        })
        .unwrap_or_else(|| format!("<!doctype html><title>{status}</title><h1>{status}</h1>"));
    let mut page = HttpResponse::build(status);
    page.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    ));
    if let Some(retry_after) = retry_after {
        page.insert_header((header::RETRY_AFTER, retry_after));
    }
    Ok(ServiceResponse::new(req, page.body(html)).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csrf_token_is_valid_for_its_cookie_session_and_key_only() {
        let key = b"key-one-key-one-key-one-key-one!";
        let token = csrf_token(key, "abc", "session-a");
        assert!(csrf_valid(key, "abc", "session-a", &token));
        assert!(!csrf_valid(key, "abd", "session-a", &token));
        assert!(!csrf_valid(key, "abc", "session-b", &token));
        assert!(!csrf_valid(key, "abc", "", &token));
        assert!(!csrf_valid(
            b"key-two-key-two-key-two-key-two!",
            "abc",
            "session-a",
            &token
        ));
        assert!(!csrf_valid(key, "abc", "session-a", "zz"));
        // Signed out, the cookie alone binds the token.
        assert!(csrf_valid(key, "abc", "", &csrf_token(key, "abc", "")));
    }
}
