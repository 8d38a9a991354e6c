//! The demo co-op: loaded once by `concord serve --demo`, so a newcomer has something
//! real to click through. Later capabilities add their data here.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use crate::audit;

use crate::auth::permissions::{Role, RoleSet};
use crate::auth::{service as accounts, store as users};
use crate::coops::rules::NewCoop;
use crate::coops::{service as coops_service, store as coops};
use crate::db::{self, DbPool};
use crate::error::AppResult;
use crate::membership::service::add_member_directly;
use crate::membership::store as members;

/// The password of every demo login (also in the README).
pub const PASSWORD: &str = "concord-demo-2026";

/// The demo co-op's short name.
pub const SLUG: &str = "demo";

/// The demo logins: e-mail, name, language, roles (none: an operator, not a member).
pub const PEOPLE: [(&str, &str, &str, &[Role]); 7] = [
    ("admin@demo.coop", "Amina Admin", "en", &[Role::Admin, Role::Board]),
    ("treasurer@demo.coop", "Théo Trésorier", "fr", &[Role::Treasurer]),
    ("secretary@demo.coop", "Sam Secretary", "en", &[Role::Secretary]),
    ("board@demo.coop", "Bea Board", "en", &[Role::Board]),
    ("member@demo.coop", "Max Member", "en", &[]),
    ("marie@demo.coop", "Marie Membre", "fr", &[]),
    ("operator@demo.coop", "Olu Operator", "en", &[]),
];

/// Loads the demo co-op unless it is there already, and returns the logins with a
/// description of their roles.
pub async fn load(pool: &DbPool) -> AppResult<Vec<(String, String)>> {
    let mut conn = db::conn(pool).await?;
    if coops::by_slug(&mut conn, SLUG).await?.is_none() {
        create(&mut conn).await?;
    }
    Ok(PEOPLE
        .iter()
        .map(|(email, _, _, roles)| {
            let description = if *email == "operator@demo.coop" {
                "operator (creates co-ops)".to_string()
            } else {
                RoleSet::new(roles.iter().copied()).names().join(", ")
            };
            (email.to_string(), description)
        })
        .collect())
}

/// Everything in one transaction: a demo is there whole or not at all.
async fn create(conn: &mut AsyncPgConnection) -> AppResult<()> {
    conn.transaction(async |conn| create_in(conn).await).await
}

async fn create_in(conn: &mut AsyncPgConnection) -> AppResult<()> {
    let mut ids = Vec::new();
    for (email, name, locale, _) in PEOPLE {
        let user = match users::find_by_email(conn, email).await? {
            Some(user) => user,
            None => accounts::create_user(conn, email, name, locale, PASSWORD, email == "operator@demo.coop").await?,
        };
        ids.push(user.id);
    }
    let coop = coops_service::create(
        conn,
        None,
        NewCoop {
            slug: SLUG.into(),
            name: "Riverside Workers' Co-op".into(),
            currency: "EUR".into(),
            locale: "en".into(),
            time_zone: "Europe/Paris".into(),
        },
        Some(ids[0]),
    )
    .await?;
    for ((email, _, _, roles), user_id) in PEOPLE.iter().zip(&ids).skip(1) {
        if *email != "operator@demo.coop" {
            let roles = RoleSet::new(roles.iter().copied());
            let member_id = add_member_directly(conn, coop.id, *user_id, &roles, None, "demo founder").await?;
            audit::append(
                conn,
                Some(coop.id),
                None,
                "member.added",
                &format!("member:{member_id}"),
                json!({"user": user_id, "roles": roles.names(), "demo": true}),
            )
            .await?;
        }
    }
    // The first admin of the demo also sits on the board.
    let (admin_member, _) = members::membership(conn, coop.id, ids[0])
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    members::set_roles(conn, coop.id, admin_member, &RoleSet::new(PEOPLE[0].3.iter().copied())).await?;
    tracing::info!(coop = %coop.slug, "demo co-op created");
    Ok(())
}
