//! Co-op use cases.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;
use uuid::Uuid;

use super::rules::{check_new_coop, check_parameters, NewCoop, Parameters};
use super::store::{self, Coop};
use crate::audit;
use crate::auth::permissions::{Role, RoleSet};
use crate::auth::store::User;
use crate::error::{AppError, AppResult};
use crate::membership::service::add_member_directly;

/// Creates a co-op, optionally with a first admin, in one transaction. Only operators
/// may; `actor` is `None` for the command line.
pub async fn create(
    conn: &mut AsyncPgConnection,
    actor: Option<&User>,
    new: NewCoop,
    first_admin: Option<Uuid>,
) -> AppResult<Coop> {
    if actor.is_some_and(|a| !a.is_operator) {
        return Err(AppError::Forbidden);
    }
    let errors = check_new_coop(&new);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor_id = actor.map(|a| a.id);
    conn.transaction(async |conn| {
        if store::by_slug(conn, &new.slug).await?.is_some() {
            return Err(AppError::field("slug", "This short name is taken."));
        }
        let coop = store::insert(conn, &new).await?;
        audit::append(
            conn,
            Some(coop.id),
            actor_id,
            "coop.created",
            &format!("coop:{}", coop.id),
            json!({"slug": coop.slug, "name": coop.name, "currency": coop.currency,
                   "locale": coop.locale, "time_zone": coop.time_zone}),
        )
        .await?;
        if let Some(user_id) = first_admin {
            let roles = RoleSet::new([Role::Admin]);
            let member_id = add_member_directly(conn, coop.id, user_id, &roles, actor_id, "founding admin").await?;
            audit::append(
                conn,
                Some(coop.id),
                actor_id,
                "member.added",
                &format!("member:{member_id}"),
                json!({"user": user_id, "roles": roles.names()}),
            )
            .await?;
        }
        Ok(coop)
    })
    .await
}

/// The co-op's governance parameters (every member may read them).
pub async fn parameters(
    state: &crate::server::AppState,
    scope: &crate::auth::extract::InCoop,
) -> AppResult<Parameters> {
    scope.require(crate::auth::permissions::Action::ViewCoop)?;
    let mut conn = crate::db::conn(&state.pool).await?;
    store::parameters(&mut conn, scope.coop.id).await
}

/// Replaces the co-op's governance parameters (the board), audited with the values
/// before and after.
pub async fn set_parameters(
    state: &crate::server::AppState,
    scope: &crate::auth::extract::InCoop,
    new: &Parameters,
) -> AppResult<Parameters> {
    scope.require(crate::auth::permissions::Action::ManageParameters)?;
    let errors = check_parameters(new);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut conn = crate::db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        // Once the co-op has bylaws in Concord, they carry these parameters: only an
        // amendment adopted by the members changes them.
        if let Some(bylaws) = crate::bylaws::store::current(conn, coop_id).await? {
            return Err(AppError::Conflict(format!(
                "The bylaws in force (version {}) set these parameters: change them by amendment.",
                bylaws.number
            )));
        }
        let before = store::parameters(conn, coop_id).await?;
        store::save_parameters(conn, coop_id, new).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "coop.parameters_changed",
            &format!("coop:{coop_id}"),
            json!({"before": before, "after": new}),
        )
        .await?;
        Ok(new.clone())
    })
    .await
}
