//! The extractors every handler goes through: [`Caller`] (who is asking) and
//! [`InCoop`] (who is asking, in the co-op named by the URL, with their standing on its
//! register and the roles that standing lets them hold). [`InCoop`] admits only those
//! who belong to the co-op; [`OnRegister`] anyone on its register, for the few routes
//! that serve applicants and former members (their own records).
//!
//! The API authenticates with `Authorization: Bearer`, the pages with the session
//! cookie; neither accepts the other's credential, so a page's cookie can never drive
//! the API from another site.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;

use super::permissions::{allowed, Action, RoleSet, Standing};
use super::store::{self, User};
use super::token::TokenKind;
use crate::coops::store::{self as coops, Coop};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::membership::store as members;
use crate::web::state::AppState;

/// The name of the web session cookie.
pub const SESSION_COOKIE: &str = "concord_session";

/// An authenticated user.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user, as loaded for this request.
    pub user: User,
}

/// An optional [`Caller`]: pages that anyone may see.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

/// A caller inside the co-op named by the URL's `{slug}`, with their roles there.
#[derive(Debug, Clone)]
pub struct InCoop {
    /// Who is asking.
    pub caller: Caller,
    /// The co-op of the URL.
    pub coop: Coop,
    /// The caller's member id there.
    pub member_id: uuid::Uuid,
    /// The caller's standing on the register today.
    pub standing: Standing,
    /// The caller's roles there, as far as their standing lets them hold them (a
    /// member on leave or gone holds `member` alone, whatever the register stores).
    pub roles: RoleSet,
}

impl InCoop {
    /// Refuses with 403 unless the caller's standing and roles allow `action`.
    pub fn require(&self, action: Action) -> AppResult<()> {
        if self.can(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether the caller's standing and roles allow `action`.
    pub fn can(&self, action: Action) -> bool {
        allowed(self.standing, &self.roles, action)
    }

    /// Refuses with 403 unless `member_id`'s records are the caller's own (and their
    /// standing lets them read their own records), or one of `actions` is allowed.
    pub fn require_own_or(&self, member_id: uuid::Uuid, actions: &[Action]) -> AppResult<()> {
        let own = member_id == self.member_id && self.can(Action::ViewOwnRecords);
        if own || actions.iter().any(|a| self.can(*a)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A caller on the register of the co-op of the URL, whatever their standing: an
/// applicant or a former member too. Handlers taking it must check what the standing
/// allows ([`InCoop::require`]); everything else takes [`InCoop`].
#[derive(Debug, Clone)]
pub struct OnRegister(pub InCoop);

fn is_api(req: &HttpRequest) -> bool {
    req.path().starts_with("/api/")
}

/// The credential this request carries, if any, and which kind of token it must be.
fn credential(req: &HttpRequest) -> Option<(String, TokenKind)> {
    if is_api(req) {
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)?
            .to_str()
            .ok()?;
        let (scheme, token) = header.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| (token.trim().to_string(), TokenKind::Access))
    } else {
        req.cookie(SESSION_COOKIE)
            .map(|c| (c.value().to_string(), TokenKind::Session))
    }
}

/// The request's one resolution of its [`Caller`], shared by every extractor that
/// needs it: actix extracts a handler's arguments concurrently, and each resolving
/// the caller would hold a connection of its own at the same time.
async fn resolve_caller(req: &HttpRequest) -> AppResult<Option<Caller>> {
    request_cell::<Option<Caller>>(req)
        .get_or_try_init(|| find_caller(req))
        .await
        .cloned()
}

/// The language of the request's caller, when it carries a credential that is still
/// good. Resolved before anything else of the request (see
/// `server::answer_in_one_language`), so that everything it is told, an error raised
/// while its body is read included, is in one language whichever of the handler's
/// arguments actix reads first. It is the request's one resolution of the caller
/// ([`resolve_caller`]), so it costs nothing more.
pub async fn caller_language(req: &HttpRequest) -> Option<&'static str> {
    credential(req)?;
    let caller = resolve_caller(req).await.ok()??;
    crate::i18n::supported(&caller.user.locale)
}

async fn find_caller(req: &HttpRequest) -> AppResult<Option<Caller>> {
    let Some((token, kind)) = credential(req) else {
        return Ok(None);
    };
    let state = app_state(req)?;
    let Some(claims) = state.keys.check(&token, kind) else {
        return Ok(None);
    };
    let mut conn = db::conn(&state.pool).await?;
    let user = store::find(&mut conn, claims.sub).await?;
    // A password change or "log out everywhere" bumped the version: the token is dead.
    Ok(user
        .filter(|u| u.token_version == claims.ver)
        .map(|user| Caller { user }))
}

fn app_state(req: &HttpRequest) -> AppResult<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))
}

type Boxed<T> = Pin<Box<dyn Future<Output = AppResult<T>>>>;

impl FromRequest for MaybeCaller {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { resolve_caller(&req).await.map(MaybeCaller) })
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { resolve_caller(&req).await?.ok_or(AppError::Unauthorized) })
    }
}

async fn resolve_in_coop(req: &HttpRequest) -> AppResult<InCoop> {
    let caller = resolve_caller(req).await?.ok_or(AppError::Unauthorized)?;
    let slug = req.match_info().get("slug").ok_or(AppError::NotFound)?.to_string();
    let state = app_state(req)?;
    let mut conn = db::conn(&state.pool).await?;
    // Someone else's co-op and a co-op that does not exist look the same: 404.
    let coop = coops::by_slug(&mut conn, &slug).await?.ok_or(AppError::NotFound)?;
    let (member_id, names, state) = members::access(&mut conn, coop.id, caller.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = state.standing_on(coop.today());
    let roles = standing.effective_roles(&RoleSet::parse(&names).map_err(AppError::internal)?);
    Ok(InCoop {
        caller,
        coop,
        member_id,
        standing,
        roles,
    })
}

/// The request's one cell for a `T` resolved once and shared by the extractors that
/// need it (the caller; [`InCoop`], the handler's own and [`MemberJson`]'s), so it
/// costs its queries once.
fn request_cell<T: 'static>(req: &HttpRequest) -> Rc<OnceCell<T>> {
    if let Some(cell) = req.extensions().get::<Rc<OnceCell<T>>>() {
        return cell.clone();
    }
    let cell = Rc::new(OnceCell::new());
    req.extensions_mut().insert(cell.clone());
    cell
}

async fn on_register(req: &HttpRequest) -> AppResult<InCoop> {
    request_cell::<InCoop>(req)
        .get_or_try_init(|| resolve_in_coop(req))
        .await
        .cloned()
}

/// The caller in the co-op of the URL, refused with 403 unless they belong to it: an
/// applicant or a former member is on the register, so the co-op is no secret to them.
async fn shared_in_coop(req: &HttpRequest) -> AppResult<InCoop> {
    let scope = on_register(req).await?;
    if scope.standing.belongs() {
        Ok(scope)
    } else {
        Err(AppError::Forbidden)
    }
}

impl FromRequest for InCoop {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { shared_in_coop(&req).await })
    }
}

impl FromRequest for OnRegister {
    type Error = AppError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { on_register(&req).await.map(OnRegister) })
    }
}

/// A JSON body that is read only once the caller is known: signed in and, on a route
/// of a co-op, a member of it. A stranger is refused (401, or 404 like a co-op that
/// does not exist) whatever the body, so a malformed body tells them nothing; the
/// body's own errors (413, 415, 400, 422) come after.
#[derive(Debug)]
pub struct MemberJson<T>(pub T);

impl<T> MemberJson<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for MemberJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for MemberJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        // Not polled until the caller is known: the payload waits in it.
        let body = web::Json::<T>::from_request(&req, payload);
        Box::pin(async move {
            if req.match_info().get("slug").is_some() {
                shared_in_coop(&req).await?;
            } else {
                resolve_caller(&req).await?.ok_or(AppError::Unauthorized)?;
            }
            Ok(MemberJson(body.await?.into_inner()))
        })
    }
}
