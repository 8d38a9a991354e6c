//! Membership use cases: inviting people and changing roles.

use chrono::Utc;
use diesel_async::AsyncConnection;
use serde_json::json;
use uuid::Uuid;

use super::rules::{check_invitation, leaves_no_admin};
use super::store;
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::{Action, Role, RoleSet};
use crate::auth::service::new_link_secret;
use crate::auth::store as users;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::mail::Mail;
use crate::server::AppState;
use crate::web::i18n;

/// Invites a person into the co-op with roles: creates their login if they have none
/// (with an e-mailed link to choose a password) and their membership, in one
/// transaction; the e-mail goes once it has committed.
pub async fn invite(
    state: &AppState,
    scope: &InCoop,
    email: &str,
    display_name: &str,
    roles: &[String],
) -> AppResult<Uuid> {
    scope.require(Action::ManageMembers)?;
    let invitation = check_invitation(email, display_name, roles).map_err(AppError::Validation)?;
    let coop = scope.coop.clone();
    let actor = scope.caller.user.id;
    let expires = Utc::now() + state.settings.invitation_ttl;
    let mut conn = db::conn(&state.pool).await?;
    let (member_id, user, link_secret) = conn
        .transaction(async |conn| {
            let user = match users::find_by_email(conn, &invitation.email).await? {
                Some(user) => user,
                None => {
                    users::create(
                        conn,
                        &invitation.email,
                        &invitation.display_name,
                        &coop.locale,
                        None,
                        false,
                    )
                    .await?
                }
            };
            // Someone without a password yet gets a link to choose one.
            let secret = if user.password_hash.is_none() {
                let (secret, hash) = new_link_secret();
                users::create_token(conn, user.id, "invitation", &hash, expires).await?;
                Some(secret)
            } else {
                None
            };
            if store::membership(conn, coop.id, user.id).await?.is_some() {
                return Err(AppError::field("email", "This person is already a member."));
            }
            let member_id = store::insert(conn, coop.id, user.id, &invitation.roles).await?;
            audit::append(
                conn,
                Some(coop.id),
                Some(actor),
                "member.invited",
                &format!("member:{member_id}"),
                json!({"email": user.email, "roles": invitation.roles.names()}),
            )
            .await?;
            Ok::<_, AppError>((member_id, user, secret))
        })
        .await?;
    let lang = user.locale.clone();
    let link = match link_secret {
        Some(secret) => format!("{}/password/reset?token={secret}", state.settings.public_url),
        None => format!("{}/c/{}", state.settings.public_url, coop.slug),
    };
    let mail = Mail {
        to: user.email.clone(),
        subject: i18n::text_with(&lang, "mail-invite-subject", &[("coop", coop.name.clone())]),
        body: i18n::text_with(
            &lang,
            "mail-invite-body",
            &[
                ("coop", coop.name.clone()),
                ("link", link),
                ("inviter", scope.caller.user.display_name.clone()),
            ],
        ),
    };
    state.mailer.send(&state.settings.mail_from, mail).await?;
    Ok(member_id)
}

/// Replaces a member's roles; the co-op always keeps at least one admin.
pub async fn set_roles(state: &AppState, scope: &InCoop, member_id: Uuid, roles: &[String]) -> AppResult<()> {
    scope.require(Action::ManageMembers)?;
    let roles = RoleSet::parse(roles).map_err(|m| AppError::field("roles", m))?;
    let coop_id = scope.coop.id;
    let actor = scope.caller.user.id;
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let admins = store::admins_for_update(conn, coop_id).await?;
        let before = store::roles_for_update(conn, coop_id, member_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let before = RoleSet::parse(&before).map_err(AppError::internal)?;
        if leaves_no_admin(before.has(Role::Admin), roles.has(Role::Admin), admins.len()) {
            return Err(AppError::Conflict("The co-op must keep at least one admin.".into()));
        }
        store::set_roles(conn, coop_id, member_id, &roles).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "member.roles_changed",
            &format!("member:{member_id}"),
            json!({"from": before.names(), "to": roles.names()}),
        )
        .await
    })
    .await
}
