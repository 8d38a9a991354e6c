//! Co-op use cases.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;
use uuid::Uuid;

use super::rules::{
    check_new_coop, check_parameters, country_preset, with_preset_defaults, NewCoop, Parameters, SetupFacts,
};
use super::store::{self, Coop};
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::{Action, Role, RoleSet};
use crate::auth::store::User;
use crate::error::{AppError, AppResult};
use crate::membership::service::add_member_directly;
use crate::web::state::AppState;

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
    let first = first_admin.map(|user| (user, RoleSet::new([Role::Admin])));
    conn.transaction(async |conn| create_in(conn, actor.map(|a| a.id), new, first).await)
        .await
}

/// Whether `user` may found a co-op: operators always, anyone else where the
/// instance allows self-service founding.
pub fn may_found(user: &User, self_service: bool) -> bool {
    user.is_operator || self_service
}

/// Founds a co-op from the web: its founder (an operator, or anyone signed in where
/// the instance allows self-service) becomes its first member with every officer's
/// role (admin, board, secretary, treasurer) until they hand them out, and the
/// country preset's distribution rules become the co-op's own, in one transaction.
pub async fn found(conn: &mut AsyncPgConnection, founder: &User, self_service: bool, new: NewCoop) -> AppResult<Coop> {
    if !may_found(founder, self_service) {
        return Err(AppError::Forbidden);
    }
    let roles = RoleSet::new([Role::Admin, Role::Board, Role::Secretary, Role::Treasurer]);
    let founder_id = founder.id;
    conn.transaction(async |conn| create_in(conn, Some(founder_id), new, Some((founder_id, roles))).await)
        .await
}

async fn create_in(
    conn: &mut AsyncPgConnection,
    actor_id: Option<Uuid>,
    new: NewCoop,
    first_member: Option<(Uuid, RoleSet)>,
) -> AppResult<Coop> {
    let new = with_preset_defaults(new);
    let errors = check_new_coop(&new);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let preset = country_preset(&new).map_err(|e| AppError::Validation(vec![e]))?;
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
               "locale": coop.locale, "time_zone": coop.time_zone, "preset": preset.map(|p| p.key)}),
    )
    .await?;
    if let Some((user_id, roles)) = first_member {
        let member_id = add_member_directly(conn, &coop, user_id, &roles, actor_id, "founding member").await?;
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
    if let (Some(preset), Some(actor)) = (preset, actor_id) {
        let rules = crate::patronage::own_rules::OwnRules {
            preset: Some(preset.key.to_string()),
            overrides: Default::default(),
        };
        crate::patronage::own_rules::save_in(conn, coop.id, actor, &rules).await?;
    }
    Ok(coop)
}

/// Where a co-op's setup stands: its steps and what is left (its officers).
pub async fn setup(state: &AppState, scope: &InCoop) -> AppResult<SetupFacts> {
    scope.require(Action::ViewMembers)?;
    let mut conn = crate::db::conn(&state.pool).await?;
    store::setup_facts(&mut conn, scope.coop.id).await
}

/// The co-op's governance parameters (every member may read them).
pub async fn parameters(
    state: &crate::web::state::AppState,
    scope: &crate::auth::extract::InCoop,
) -> AppResult<Parameters> {
    scope.require(crate::auth::permissions::Action::ViewCoop)?;
    let mut conn = crate::db::conn(&state.pool).await?;
    store::parameters(&mut conn, scope.coop.id).await
}

/// Replaces the co-op's governance parameters (the board), audited with the values
/// before and after.
pub async fn set_parameters(
    state: &crate::web::state::AppState,
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
