//! Account endpoints of the JSON API.

use std::net::IpAddr;
use std::num::NonZeroUsize;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Caller, MemberJson};
use super::service;
use super::store::User;
use crate::coops::store as coops;
use crate::db;
use crate::error::{AppResult, Problem};
use crate::web::state::AppState;

/// The client's address: the peer's, or behind `trusted_proxies` reverse proxies the
/// right-most `X-Forwarded-For` hop they did not add (see [`forwarded_client`]).
pub fn client_ip(req: &HttpRequest, trusted_proxies: Option<NonZeroUsize>) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    let Some(proxies) = trusted_proxies else {
        return peer;
    };
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    forwarded_client(&hops, proxies).or(peer)
}

/// The client's address from the `X-Forwarded-For` header values (in order) when
/// `proxies` reverse proxies stand in front: each appends the address it got the
/// request from, so the last `proxies - 1` hops are theirs and the one before them is
/// the client as the outermost proxy saw it. Everything further left was written by
/// the client and is ignored (taking the left-most let anyone pick their address and
/// walk past the per-IP login limit). With fewer hops than proxies, the left-most
/// hop; `None` when there is none or it is not an address.
pub fn forwarded_client(header_values: &[&str], proxies: NonZeroUsize) -> Option<IpAddr> {
    let hops: Vec<&str> = header_values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let index = hops.len().saturating_sub(proxies.get());
    hops.get(index)?.parse().ok()
}

/// E-mail and password.
#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The account's e-mail.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// A bearer token for the API.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// The token to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: u64,
}

/// Exchanges an e-mail and password for a short-lived bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<TokenRequest>,
) -> AppResult<HttpResponse> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    let user = service::login(&state, &body.email, &body.password, ip).await?;
    let (access_token, expires_in) = service::access_token(&state, &user);
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
    }))
}

/// Revokes every token and session of the caller.
#[utoipa::path(post, path = "/api/v1/auth/logout-everywhere", tag = "auth",
    responses((status = 204), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn logout_everywhere(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    service::logout_everywhere(&state, &caller.user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The current password and the new one.
#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    /// The password in use now.
    pub current_password: String,
    /// At least 12 characters, not a common password.
    pub new_password: String,
}

/// Changes the caller's password; every token issued before stops working.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: MemberJson<PasswordChange>,
) -> AppResult<HttpResponse> {
    service::change_password(&state, &caller.user, &body.current_password, &body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The address to send a reset link to.
#[derive(Deserialize, ToSchema)]
pub struct ResetRequest {
    /// The account's e-mail.
    pub email: String,
}

/// Sends a single-use reset link if the address has an account (the answer is the same
/// either way).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetRequest,
    responses((status = 202), (status = 429, body = Problem)))]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ResetRequest>,
) -> AppResult<HttpResponse> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    service::request_password_reset(&state, &body.email, ip).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// A reset (or invitation) link's secret and the new password.
#[derive(Deserialize, ToSchema)]
pub struct ResetConfirm {
    /// The `token` from the e-mailed link.
    pub token: String,
    /// At least 12 characters, not a common password.
    pub new_password: String,
}

/// Sets a password with an e-mailed link, which is then used up.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = ResetConfirm,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn confirm_reset(state: web::Data<AppState>, body: web::Json<ResetConfirm>) -> AppResult<HttpResponse> {
    service::reset_password(&state, &body.token, &body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One of the caller's memberships.
#[derive(Serialize, ToSchema)]
pub struct MembershipSummary {
    /// The co-op's slug.
    pub slug: String,
    /// The co-op's name.
    pub name: String,
    /// The caller's roles there.
    pub roles: Vec<String>,
}

/// The caller and their memberships.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// The caller.
    pub user: User,
    /// The co-ops they belong to.
    pub memberships: Vec<MembershipSummary>,
}

/// Who the caller is, and the co-ops they belong to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let memberships = coops::for_user(&mut conn, caller.user.id)
        .await?
        .into_iter()
        .map(|(coop, roles)| MembershipSummary {
            slug: coop.slug,
            name: coop.name,
            roles,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Me {
        user: caller.user,
        memberships,
    }))
}

/// A new name and language.
#[derive(Deserialize, ToSchema)]
pub struct ProfileChange {
    /// The name shown to others.
    pub display_name: String,
    /// `en` or `fr`.
    pub locale: String,
}

/// Changes the caller's name and language.
#[utoipa::path(put, path = "/api/v1/me", tag = "auth", request_body = ProfileChange,
    responses((status = 200, body = User), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn update_me(
    state: web::Data<AppState>,
    caller: Caller,
    body: MemberJson<ProfileChange>,
) -> AppResult<HttpResponse> {
    let user = service::update_profile(&state, &caller.user, &body.display_name, &body.locale).await?;
    Ok(HttpResponse::Ok().json(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn behind_one_proxy_the_client_is_the_right_most_hop() {
        assert_eq!(forwarded_client(&["203.0.113.9"], proxies(1)), ip("203.0.113.9"));
        // A client that writes its own header cannot choose its address.
        assert_eq!(
            forwarded_client(&["1.2.3.4, 203.0.113.9"], proxies(1)),
            ip("203.0.113.9")
        );
        assert_eq!(
            forwarded_client(&["1.2.3.4", "203.0.113.9"], proxies(1)),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_two_proxies_the_hop_before_the_inner_one() {
        assert_eq!(
            forwarded_client(&["1.2.3.4, 203.0.113.9, 10.0.0.2"], proxies(2)),
            ip("203.0.113.9")
        );
        assert_eq!(
            forwarded_client(&["2001:db8::7 ,10.0.0.2"], proxies(2)),
            ip("2001:db8::7")
        );
        // Fewer hops than proxies: the left-most there is.
        assert_eq!(forwarded_client(&["203.0.113.9"], proxies(2)), ip("203.0.113.9"));
    }

    #[test]
    fn no_usable_hop_gives_none() {
        assert_eq!(forwarded_client(&[], proxies(1)), None);
        assert_eq!(forwarded_client(&[" , "], proxies(1)), None);
        assert_eq!(forwarded_client(&["1.2.3.4, not-an-address"], proxies(1)), None);
    }
}
