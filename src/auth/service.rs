//! Account use cases: logging in, changing and resetting passwords, revoking tokens,
//! accepting invitations. The API and the pages both call these.

use std::net::IpAddr;

use base64::Engine;
use chrono::Utc;
use diesel_async::AsyncConnection;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::password;
use super::store::{self, User};
use crate::audit;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::mail::Mail;
use crate::web::i18n;
use crate::web::state::AppState;

/// A new random secret for a link, and the hash that is stored in its place.
pub fn new_link_secret() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = link_secret_hash(&secret);
    (secret, hash)
}

/// The stored form of a link secret.
pub fn link_secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Checks an e-mail and password, counting the attempt against the throttles first;
/// a right password gives the count back (only failures count). Unknown e-mails and
/// wrong passwords get the same error after the same work.
pub async fn login(state: &AppState, email: &str, password: &str, ip: Option<IpAddr>) -> AppResult<User> {
    let mut conn = db::conn(&state.pool).await?;
    let attempt = state.throttle.login(&mut conn, email, ip).await?;
    let user = store::find_by_email(&mut conn, email).await?;
    // Not held through the deliberately slow hash check.
    drop(conn);
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    if password::verify(password.to_string(), stored).await? {
        state
            .throttle
            .succeeded(&mut *db::conn(&state.pool).await?, attempt)
            .await?;
        Ok(user.expect("a verified password has a user"))
    } else {
        tracing::info!("failed login");
        Err(AppError::BadCredentials)
    }
}

/// Changes a password after checking the current one, revoking every token and every
/// outstanding reset or invitation link.
pub async fn change_password(state: &AppState, user: &User, current: &str, new: &str) -> AppResult<User> {
    if !password::verify(current.to_string(), user.password_hash.clone()).await? {
        return Err(AppError::field("current_password", "The current password is wrong."));
    }
    password::check_new_password(new, &user.email).map_err(|e| AppError::Validation(vec![e]))?;
    let hash = password::hash(new.to_string()).await?;
    let mut conn = db::conn(&state.pool).await?;
    let user_id = user.id;
    conn.transaction(async |conn| {
        let user = store::set_password(conn, user_id, &hash).await?;
        let revoked = store::revoke_links(conn, user_id, Utc::now()).await?;
        audit::append(
            conn,
            None,
            Some(user_id),
            "user.password_changed",
            &format!("user:{user_id}"),
            json!({"links_revoked": revoked}),
        )
        .await?;
        Ok(user)
    })
    .await
}

/// Revokes every token and session of a user ("log out everywhere").
pub async fn logout_everywhere(state: &AppState, user: &User) -> AppResult<User> {
    let mut conn = db::conn(&state.pool).await?;
    let user_id = user.id;
    conn.transaction(async |conn| {
        let user = store::bump_token_version(conn, user_id).await?;
        audit::append(
            conn,
            None,
            Some(user_id),
            "user.logged_out_everywhere",
            &format!("user:{user_id}"),
            json!({}),
        )
        .await?;
        Ok(user)
    })
    .await
}

/// Sends a password-reset link if the address belongs to a user. The answer is the
/// same either way, so the form cannot be used to find out who has an account; and
/// it takes the same time: after the throttle (the same for everyone), the lookup,
/// the link and the mail are done in the background, once the answer has gone.
pub async fn request_password_reset(state: &AppState, email: &str, ip: Option<IpAddr>) -> AppResult<()> {
    state
        .throttle
        .attempt_shared(&mut *db::conn(&state.pool).await?, email, ip)
        .await?;
    let (pool, settings) = (state.pool.clone(), state.settings.clone());
    let email = email.to_string();
    state.background.spawn(async move {
        if let Err(error) = send_reset_link(&pool, &settings, &email).await {
            tracing::error!(%error, "a password-reset request failed");
        }
    });
    Ok(())
}

async fn send_reset_link(pool: &db::DbPool, settings: &crate::config::Settings, email: &str) -> AppResult<()> {
    let mut conn = db::conn(pool).await?;
    let Some(user) = store::find_by_email(&mut conn, email).await? else {
        return Ok(());
    };
    let (secret, hash) = new_link_secret();
    let expires = Utc::now() + settings.reset_token_ttl;
    let link = format!("{}/password/reset?token={secret}", settings.public_url);
    let minutes = (settings.reset_token_ttl.as_secs() / 60).to_string();
    let mail = Mail {
        to: user.email.clone(),
        subject: i18n::text(&user.locale, "mail-reset-subject"),
        body: i18n::text_with(&user.locale, "mail-reset-body", &[("link", link), ("minutes", minutes)]),
    };
    conn.transaction(async |conn| {
        store::create_token(conn, user.id, "password_reset", &hash, expires).await?;
        audit::append(
            conn,
            None,
            None,
            "user.password_reset_requested",
            &format!("user:{}", user.id),
            json!({}),
        )
        .await?;
        crate::mail::queue_sensitive(conn, &mail).await
    })
    .await
}

/// Whether a reset or invitation link is still good (to show its form).
pub async fn link_is_valid(state: &AppState, secret: &str) -> AppResult<bool> {
    let mut conn = db::conn(&state.pool).await?;
    store::token_is_valid(&mut conn, &link_secret_hash(secret), Utc::now()).await
}

/// Sets a password from a reset or invitation link, which is used up; every older
/// token of the user is revoked, and every other reset or invitation link with it.
pub async fn reset_password(state: &AppState, secret: &str, new: &str) -> AppResult<User> {
    let hash_of_secret = link_secret_hash(secret);
    let mut conn = db::conn(&state.pool).await?;
    // The password rules need the e-mail: look it up (without using the link) first.
    if !store::token_is_valid(&mut conn, &hash_of_secret, Utc::now()).await? {
        return Err(AppError::field(
            "token",
            "This link has expired or has already been used.",
        ));
    }
    let password_hash = password::hash(new.to_string()).await?;
    let new = new.to_string();
    conn.transaction(async |conn| {
        let (user_id, purpose) = store::consume_token(conn, &hash_of_secret, Utc::now())
            .await?
            .ok_or_else(|| AppError::field("token", "This link has expired or has already been used."))?;
        let user = store::find(conn, user_id).await?.ok_or(AppError::NotFound)?;
        password::check_new_password(&new, &user.email).map_err(|e| AppError::Validation(vec![e]))?;
        let user = store::set_password(conn, user_id, &password_hash).await?;
        // Every other reset or invitation link of the account dies with this one.
        let revoked = store::revoke_links(conn, user_id, Utc::now()).await?;
        let action = if purpose == "invitation" {
            "user.invitation_accepted"
        } else {
            "user.password_reset"
        };
        audit::append(
            conn,
            None,
            Some(user_id),
            action,
            &format!("user:{user_id}"),
            json!({"links_revoked": revoked}),
        )
        .await?;
        Ok(user)
    })
    .await
}

/// Why a display name is refused, if it is: 1 to 100 characters once trimmed.
pub fn check_display_name(name: &str) -> Option<crate::error::FieldError> {
    let count = name.trim().chars().count();
    (count == 0 || count > 100)
        .then(|| crate::error::FieldError::new("display_name", "The name must have 1 to 100 characters."))
}

/// Changes a user's name and language.
pub async fn update_profile(state: &AppState, user: &User, display_name: &str, locale: &str) -> AppResult<User> {
    let mut errors = Vec::new();
    let name = display_name.trim();
    errors.extend(crate::auth::service::check_display_name(name));
    if !i18n::SUPPORTED.contains(&locale) {
        errors.push(crate::error::FieldError::new(
            "locale",
            "The language must be `en` or `fr`.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut conn = db::conn(&state.pool).await?;
    let user_id = user.id;
    conn.transaction(async |conn| {
        let user = store::update_profile(conn, user_id, name, locale).await?;
        audit::append(
            conn,
            None,
            Some(user_id),
            "user.profile_changed",
            &format!("user:{user_id}"),
            json!({"display_name": name, "locale": locale}),
        )
        .await?;
        Ok(user)
    })
    .await
}

/// Issues an API access token and its lifetime in seconds.
pub fn access_token(state: &AppState, user: &User) -> (String, u64) {
    let ttl = state.settings.access_token_ttl;
    let token = state.keys.issue(
        user.id,
        user.token_version,
        super::token::TokenKind::Access,
        Utc::now().timestamp(),
        ttl,
    );
    (token, ttl.as_secs())
}

/// Issues a web session token.
pub fn session_token(state: &AppState, user: &User) -> String {
    state.keys.issue(
        user.id,
        user.token_version,
        super::token::TokenKind::Session,
        Utc::now().timestamp(),
        state.settings.session_ttl,
    )
}

/// Creates a login with a password (the command line and the demo use this).
pub async fn create_user(
    conn: &mut diesel_async::AsyncPgConnection,
    email: &str,
    display_name: &str,
    locale: &str,
    password: &str,
    is_operator: bool,
) -> AppResult<User> {
    let mut errors = Vec::new();
    if !crate::mail::is_valid_address(email.trim()) {
        errors.push(crate::error::FieldError::new(
            "email",
            "This is not a valid e-mail address.",
        ));
    }
    errors.extend(crate::auth::service::check_display_name(display_name));
    if !i18n::SUPPORTED.contains(&locale) {
        errors.push(crate::error::FieldError::new(
            "locale",
            "The language must be `en` or `fr`.",
        ));
    }
    if let Err(e) = password::check_new_password(password, email) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = password::hash(password.to_string()).await?;
    conn.transaction(async |conn| {
        if store::find_by_email(conn, email).await?.is_some() {
            return Err(AppError::field("email", "A user with this e-mail already exists."));
        }
        let user = store::create(conn, email, display_name, locale, Some(&hash), is_operator).await?;
        audit::append(
            conn,
            None,
            None,
            "user.created",
            &format!("user:{}", user.id),
            json!({"email": user.email, "operator": is_operator}),
        )
        .await?;
        Ok(user)
    })
    .await
}
