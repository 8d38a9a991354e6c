//! Members (a user's membership in one co-op) and their roles.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::permissions::RoleSet;
use crate::db::schema::{members, users};
use crate::error::AppResult;

/// A member as listed to those who may see the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    /// The member's id in this co-op.
    pub id: Uuid,
    /// Their login's id.
    pub user_id: Uuid,
    /// Their name.
    pub display_name: String,
    /// Their e-mail.
    pub email: String,
    /// Their roles.
    pub roles: Vec<String>,
    /// Whether they have set a password yet.
    pub active: bool,
    /// When they were added.
    pub created_at: DateTime<Utc>,
}

/// The member id and roles of a user in a co-op, if they belong to it.
pub async fn membership(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    user_id: Uuid,
) -> AppResult<Option<(Uuid, Vec<String>)>> {
    Ok(members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::user_id.eq(user_id))
        .select((members::id, members::roles))
        .first(conn)
        .await
        .optional()?)
}

/// Adds a user to a co-op.
pub async fn insert(conn: &mut AsyncPgConnection, coop_id: Uuid, user_id: Uuid, roles: &RoleSet) -> AppResult<Uuid> {
    Ok(diesel::insert_into(members::table)
        .values((
            members::coop_id.eq(coop_id),
            members::id.eq(Uuid::now_v7()),
            members::user_id.eq(user_id),
            members::roles.eq(roles.names()),
        ))
        .returning(members::id)
        .get_result(conn)
        .await?)
}

#[derive(Queryable)]
struct ListRow {
    id: Uuid,
    user_id: Uuid,
    display_name: String,
    email: String,
    roles: Vec<String>,
    password_hash: Option<String>,
    created_at: DateTime<Utc>,
}

/// Every member of a co-op, by name.
pub async fn list(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<MemberView>> {
    let rows: Vec<ListRow> = members::table
        .inner_join(users::table)
        .filter(members::coop_id.eq(coop_id))
        .order((users::display_name, users::email))
        .select((
            members::id,
            users::id,
            users::display_name,
            users::email,
            members::roles,
            users::password_hash,
            members::created_at,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| MemberView {
            id: row.id,
            user_id: row.user_id,
            display_name: row.display_name,
            email: row.email,
            roles: row.roles,
            active: row.password_hash.is_some(),
            created_at: row.created_at,
        })
        .collect())
}

/// A member's roles, locked for update (so two role changes cannot both remove the
/// last admin).
pub async fn roles_for_update(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
) -> AppResult<Option<Vec<String>>> {
    Ok(members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::id.eq(member_id))
        .select(members::roles)
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

/// How many members of a co-op hold `admin`, locking them.
pub async fn admins_for_update(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::roles.contains(vec!["admin".to_string()]))
        .select(members::id)
        .for_update()
        .load(conn)
        .await?)
}

/// Replaces a member's roles.
pub async fn set_roles(conn: &mut AsyncPgConnection, coop_id: Uuid, member_id: Uuid, roles: &RoleSet) -> AppResult<()> {
    diesel::update(
        members::table
            .filter(members::coop_id.eq(coop_id))
            .filter(members::id.eq(member_id)),
    )
    .set(members::roles.eq(roles.names()))
    .execute(conn)
    .await?;
    Ok(())
}
