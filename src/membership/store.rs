//! Members (a user's membership in one co-op) and their roles.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::lifecycle::{Actor, MemberState, MemberStatus, StatusChange};
use crate::auth::permissions::RoleSet;
use crate::db::schema::{coops, member_status_changes, members, pending_applications, pending_invitations, users};
use crate::error::{AppError, AppResult};

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

/// What access needs of a user's entry on a co-op's register: the member id, the roles
/// as stored and the lifecycle state (the standing is the state's status on the day).
pub async fn access(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    user_id: Uuid,
) -> AppResult<Option<(Uuid, Vec<String>, super::lifecycle::MemberState)>> {
    let row: Option<(Uuid, Vec<String>, serde_json::Value)> = members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::user_id.eq(user_id))
        .select((members::id, members::roles, members::state))
        .first(conn)
        .await
        .optional()?;
    row.map(|(id, roles, state)| {
        serde_json::from_value(state)
            .map(|state| (id, roles, state))
            .map_err(|e| AppError::internal(format!("member state: {e}")))
    })
    .transpose()
}

/// Takes the co-op's next member number. The co-op's row stays locked until the
/// transaction ends, so two admissions never get the same number, and a number once
/// taken is never given again.
pub async fn take_member_number(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<i64> {
    Ok(diesel::update(coops::table.find(coop_id))
        .set(coops::next_member_number.eq(coops::next_member_number + 1))
        .returning(coops::next_member_number - 1)
        .get_result(conn)
        .await?)
}

/// A new entry on the register.
pub struct NewMember<'a> {
    /// The co-op.
    pub coop_id: Uuid,
    /// The person's login.
    pub user_id: Uuid,
    /// Their roles.
    pub roles: &'a RoleSet,
    /// Their lifecycle state.
    pub state: &'a MemberState,
    /// Their member number, once admitted.
    pub number: Option<i64>,
    /// What they wrote when applying.
    pub motivation: &'a str,
}

/// Adds a user to a co-op's register, with the first entry of their history.
pub async fn insert(conn: &mut AsyncPgConnection, new: NewMember<'_>, first: &StatusChange) -> AppResult<Uuid> {
    let state = serde_json::to_value(new.state).map_err(|e| AppError::internal(e.to_string()))?;
    let member_id: Uuid = diesel::insert_into(members::table)
        .values((
            members::coop_id.eq(new.coop_id),
            members::id.eq(Uuid::now_v7()),
            members::user_id.eq(new.user_id),
            members::roles.eq(new.roles.names()),
            members::number.eq(new.number),
            members::status.eq(status_name(new.state.status)),
            members::state.eq(state),
            members::motivation.eq(new.motivation),
        ))
        .returning(members::id)
        .get_result(conn)
        .await?;
    record_change(conn, new.coop_id, member_id, first).await?;
    Ok(member_id)
}

/// The stored name of a status.
pub fn status_name(status: MemberStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Appends one change to a member's history.
pub async fn record_change(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    change: &StatusChange,
) -> AppResult<()> {
    record_changes(conn, coop_id, &[(member_id, change)]).await
}

/// Rows per statement of a bulk write (a register import): one array per column,
/// unnested in the select list (why not `FROM unnest`: see `patronage::store`).
const ARRAY_CHUNK: usize = 50_000;

/// Appends changes to members' histories, one statement per 50,000.
pub async fn record_changes(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    changes: &[(Uuid, &StatusChange)],
) -> AppResult<()> {
    use diesel::sql_types::{Array, Date, Nullable, Text, Uuid as SqlUuid};
    let column = |chunk: &[(Uuid, &StatusChange)], f: fn(&StatusChange) -> Option<String>| {
        chunk.iter().map(|(_, c)| f(c)).collect::<Vec<_>>()
    };
    for chunk in changes.chunks(ARRAY_CHUNK) {
        diesel::sql_query(
            "INSERT INTO member_status_changes (coop_id, id, member_id, status, transition, effective_on, \
             decision_ref, reason, actor) \
             SELECT $1, unnest($2), unnest($3), unnest($4), unnest($5), unnest($6), unnest($7), unnest($8), unnest($9)",
        )
        .bind::<SqlUuid, _>(coop_id)
        .bind::<Array<SqlUuid>, _>(chunk.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(chunk.iter().map(|(member, _)| *member).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|(_, c)| status_name(c.status)).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            chunk
                .iter()
                .map(|(_, c)| {
                    serde_json::to_value(c.transition)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Date>, _>(chunk.iter().map(|(_, c)| c.effective).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(column(chunk, |c| c.decision_ref.clone()))
        .bind::<Array<Nullable<Text>>, _>(column(chunk, |c| c.reason.clone()))
        .bind::<Array<Nullable<SqlUuid>>, _>(
            chunk
                .iter()
                .map(|(_, c)| match c.actor {
                    Actor::User(id) => Some(id),
                    Actor::System => None,
                })
                .collect::<Vec<_>>(),
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// A person entered by a register import: a login without a password, and their
/// place on the register with the first line of its history.
pub struct Imported {
    /// Their new login's id.
    pub user_id: Uuid,
    /// Their membership's id.
    pub member_id: Uuid,
    /// Their e-mail.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their member number, if they are a full member.
    pub number: Option<i64>,
    /// Their lifecycle state.
    pub state: MemberState,
    /// `worker` or `non_worker`.
    pub employment_status: &'static str,
}

/// Writes the logins and memberships of an import, one statement per table and
/// 50,000 people. The logins are written here rather than one by one through
/// `auth::store::create`, which costs a round trip each: a register of 500,000.
pub async fn insert_imported(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    locale: &str,
    people: &[Imported],
) -> AppResult<()> {
    use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Uuid as SqlUuid};
    // Each foreign-key check runs a plan its connection keeps. One made while these
    // tables held a few rows (the demo, the first admissions) scans the whole table,
    // once for every row written here: 20,000 people took 5 s on one connection and
    // 60 s on another. Planned afresh at the first check, with the rows written before
    // it there to count, it uses the index.
    diesel::sql_query("DISCARD PLANS").execute(conn).await?;
    for chunk in people.chunks(ARRAY_CHUNK) {
        let user_ids: Vec<Uuid> = chunk.iter().map(|p| p.user_id).collect();
        // As `auth::store::create`: no password until they set one, not an operator.
        diesel::sql_query(
            "INSERT INTO users (id, email, display_name, locale, password_hash, is_operator) \
             SELECT unnest($1), unnest($2), unnest($3), $4, NULL, false",
        )
        .bind::<Array<SqlUuid>, _>(&user_ids)
        .bind::<Array<Text>, _>(chunk.iter().map(|p| p.email.trim()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|p| p.name.trim()).collect::<Vec<_>>())
        .bind::<Text, _>(locale)
        .execute(conn)
        .await?;
        let states = chunk
            .iter()
            .map(|p| serde_json::to_value(&p.state))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::internal(e.to_string()))?;
        // No roles: an import gives none (an admin does, one person at a time).
        diesel::sql_query(
            "INSERT INTO members (coop_id, id, user_id, roles, number, status, state, motivation, employment_status) \
             SELECT $1, unnest($2), unnest($3), '{}', unnest($4), unnest($5), unnest($6), '', unnest($7)",
        )
        .bind::<SqlUuid, _>(coop_id)
        .bind::<Array<SqlUuid>, _>(chunk.iter().map(|p| p.member_id).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(&user_ids)
        .bind::<Array<Nullable<BigInt>>, _>(chunk.iter().map(|p| p.number).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(chunk.iter().map(|p| status_name(p.state.status)).collect::<Vec<_>>())
        .bind::<Array<Jsonb>, _>(states)
        .bind::<Array<Text>, _>(chunk.iter().map(|p| p.employment_status).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    }
    Ok(())
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

/// The members who hold the board role (whether or not in good standing: the
/// caller keeps those who are).
pub async fn board_members(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Uuid>> {
    use diesel::PgArrayExpressionMethods;
    Ok(members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::roles.contains(vec!["board".to_string()]))
        .select(members::id)
        .load(conn)
        .await?)
}

/// The full members of a co-op who hold `admin` (in office), locking them.
pub async fn admins_for_update(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::status.eq(status_name(MemberStatus::Member)))
        .filter(members::roles.contains(vec!["admin".to_string()]))
        .select(members::id)
        .for_update()
        .load(conn)
        .await?)
}

/// The members, across co-ops, whose recorded status is final (resigned, expelled,
/// rejected, withdrawn) and who still hold an office on the register: those whose
/// leaving took effect after it was recorded. Few, whatever the size of the registers.
pub async fn final_status_with_office(conn: &mut AsyncPgConnection) -> AppResult<Vec<(Uuid, Uuid, String)>> {
    let finals: Vec<String> = MemberStatus::ALL
        .into_iter()
        .filter(|s| s.is_final())
        .map(status_name)
        .collect();
    Ok(members::table
        .filter(members::status.eq_any(finals))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "roles <> ARRAY['member']::text[]",
        ))
        .inner_join(coops::table)
        .select((members::coop_id, members::id, coops::time_zone))
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

/// One member's register entry, locked for update when loaded with
/// [`entry_for_update`].
#[derive(Debug, Clone)]
pub struct Entry {
    /// The member's id.
    pub id: Uuid,
    /// Their login.
    pub user_id: Uuid,
    /// Their member number, once admitted.
    pub number: Option<i64>,
    /// Their lifecycle state.
    pub state: MemberState,
}

/// A member's entry, locked until the transaction ends.
pub async fn entry_for_update(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
) -> AppResult<Option<Entry>> {
    let row: Option<(Uuid, Uuid, Option<i64>, serde_json::Value)> = members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::id.eq(member_id))
        .select((members::id, members::user_id, members::number, members::state))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    row.map(|(id, user_id, number, state)| {
        let state = serde_json::from_value(state).map_err(|e| AppError::internal(format!("member state: {e}")))?;
        Ok(Entry {
            id,
            user_id,
            number,
            state,
        })
    })
    .transpose()
}

/// Saves a member's new state (and number).
pub async fn save_state(conn: &mut AsyncPgConnection, coop_id: Uuid, entry: &Entry) -> AppResult<()> {
    let state = serde_json::to_value(&entry.state).map_err(|e| AppError::internal(e.to_string()))?;
    diesel::update(
        members::table
            .filter(members::coop_id.eq(coop_id))
            .filter(members::id.eq(entry.id)),
    )
    .set((
        members::state.eq(state),
        members::status.eq(status_name(entry.state.status)),
        members::number.eq(entry.number),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// The co-op's membership parameters.
pub async fn policy(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<super::lifecycle::MembershipPolicy> {
    let (requires_qualifying_share, probation_months, members_on_leave_may_vote): (bool, Option<i32>, bool) =
        coops::table
            .find(coop_id)
            .select((
                coops::requires_qualifying_share,
                coops::probation_months,
                coops::members_on_leave_may_vote,
            ))
            .first(conn)
            .await?;
    Ok(super::lifecycle::MembershipPolicy {
        requires_qualifying_share,
        probation_months: probation_months.map(|m| m as u32),
        members_on_leave_may_vote,
    })
}

/// A line of the register, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = members, check_for_backend(diesel::pg::Pg))]
pub struct RegisterRow {
    /// The member's id.
    pub id: Uuid,
    /// Their member number, once admitted.
    pub number: Option<i64>,
    /// Their name.
    #[diesel(select_expression = users::display_name)]
    pub display_name: String,
    /// Their e-mail.
    #[diesel(select_expression = users::email)]
    pub email: String,
    /// Worker member or not.
    pub employment_status: String,
    /// What they wrote when applying.
    pub motivation: String,
    /// Their lifecycle state.
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
    /// When they started working for the co-op.
    pub employment_start: Option<chrono::NaiveDate>,
    /// The board's notes.
    pub board_notes: String,
}

/// Every entry of a co-op's register, by number (applicants last).
pub async fn register(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<RegisterRow>> {
    Ok(members::table
        .inner_join(users::table)
        .filter(members::coop_id.eq(coop_id))
        .order((members::number.asc().nulls_last(), members::created_at))
        .select(RegisterRow::as_select())
        .load(conn)
        .await?)
}

/// How many people a co-op's register holds (every status).
pub async fn register_size(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<i64> {
    Ok(members::table
        .filter(members::coop_id.eq(coop_id))
        .count()
        .get_result(conn)
        .await?)
}

/// One member's entry of the register.
pub async fn register_entry(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
) -> AppResult<Option<RegisterRow>> {
    Ok(members::table
        .inner_join(users::table)
        .filter(members::coop_id.eq(coop_id))
        .filter(members::id.eq(member_id))
        .select(RegisterRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// A line of a member's history, as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryRow {
    /// The member.
    pub member_id: Uuid,
    /// The status from `effective_on`.
    pub status: String,
    /// What happened.
    pub transition: String,
    /// When it took effect.
    pub effective_on: chrono::NaiveDate,
    /// The decision reference, if any.
    pub decision_ref: Option<String>,
    /// The reason, if any.
    pub reason: Option<String>,
    /// Who recorded it (e-mail), if a person did.
    pub actor: Option<String>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// The history of every member of a co-op (or of one), in the order recorded.
pub async fn history(conn: &mut AsyncPgConnection, coop_id: Uuid, member: Option<Uuid>) -> AppResult<Vec<HistoryRow>> {
    let mut query = member_status_changes::table
        .left_join(users::table.on(member_status_changes::actor.eq(users::id.nullable())))
        .filter(member_status_changes::coop_id.eq(coop_id))
        .into_boxed();
    if let Some(member) = member {
        query = query.filter(member_status_changes::member_id.eq(member));
    }
    let rows: Vec<HistoryTuple> = query
        .order((member_status_changes::recorded_at, member_status_changes::id))
        .select((
            member_status_changes::member_id,
            member_status_changes::status,
            member_status_changes::transition,
            member_status_changes::effective_on,
            member_status_changes::decision_ref,
            member_status_changes::reason,
            users::email.nullable(),
            member_status_changes::recorded_at,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(member_id, status, transition, effective_on, decision_ref, reason, actor, recorded_at)| HistoryRow {
                member_id,
                status,
                transition,
                effective_on,
                decision_ref,
                reason,
                actor,
                recorded_at,
            },
        )
        .collect())
}

type HistoryTuple = (
    Uuid,
    String,
    String,
    chrono::NaiveDate,
    Option<String>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

/// The e-mails of the members holding `role` in a co-op.
pub async fn emails_with_role(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    role: &str,
) -> AppResult<Vec<(String, String)>> {
    Ok(members::table
        .inner_join(users::table)
        .filter(members::coop_id.eq(coop_id))
        .filter(members::roles.contains(vec![role.to_string()]))
        .select((users::email, users::locale))
        .load(conn)
        .await?)
}

/// The login of a member of a co-op, if the id is one of its members.
pub async fn membership_by_id(conn: &mut AsyncPgConnection, coop_id: Uuid, member_id: Uuid) -> AppResult<Option<Uuid>> {
    Ok(members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::id.eq(member_id))
        .select(members::user_id)
        .first(conn)
        .await
        .optional()?)
}

/// The member numbers and e-mails already on a co-op's register.
pub async fn taken_numbers_and_emails(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
) -> AppResult<(Vec<i64>, Vec<String>)> {
    let rows: Vec<(Option<i64>, String)> = members::table
        .inner_join(users::table)
        .filter(members::coop_id.eq(coop_id))
        .select((members::number, users::email))
        .load(conn)
        .await?;
    Ok((
        rows.iter().filter_map(|(n, _)| *n).collect(),
        rows.into_iter().map(|(_, e)| e).collect(),
    ))
}

#[derive(QueryableByName)]
struct FirstNumber {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    first: i64,
}

/// Takes `count` member numbers from the co-op's counter at once, after `kept` (the
/// highest number an import keeps from an earlier register) if the counter is not
/// already past it; answers the first. The counter moves once, whatever the count.
pub async fn take_member_numbers(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    kept: Option<i64>,
    count: i64,
) -> AppResult<i64> {
    use diesel::sql_types::{BigInt, Uuid as SqlUuid};
    Ok(diesel::sql_query(
        "UPDATE coops SET next_member_number = GREATEST(next_member_number, $2) + $3 WHERE id = $1 \
         RETURNING next_member_number - $3 AS first",
    )
    .bind::<SqlUuid, _>(coop_id)
    .bind::<BigInt, _>(kept.map_or(1, |n| n + 1))
    .bind::<BigInt, _>(count)
    .get_result::<FirstNumber>(conn)
    .await?
    .first)
}

/// Locks the co-op's register (its row in `coops`) until the transaction ends, so no
/// member number is taken meanwhile.
pub async fn lock_register(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<()> {
    coops::table
        .find(coop_id)
        .select(coops::id)
        .for_update()
        .first::<Uuid>(conn)
        .await?;
    Ok(())
}

/// Saves a member's profile on the register.
pub async fn save_profile(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    employment_start: Option<chrono::NaiveDate>,
    employment_status: &str,
    board_notes: Option<&str>,
) -> AppResult<()> {
    let target = members::table
        .filter(members::coop_id.eq(coop_id))
        .filter(members::id.eq(member_id));
    let updated = diesel::update(target)
        .set((
            members::employment_start.eq(employment_start),
            members::employment_status.eq(employment_status),
        ))
        .execute(conn)
        .await?;
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    if let Some(notes) = board_notes {
        diesel::update(target)
            .set(members::board_notes.eq(notes))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A member's e-mail, name and language, if the id is one of the co-op's members.
pub async fn address(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
) -> AppResult<Option<(String, String, String)>> {
    Ok(members::table
        .inner_join(users::table)
        .filter(members::coop_id.eq(coop_id).and(members::id.eq(member_id)))
        .select((users::email, users::display_name, users::locale))
        .first(conn)
        .await
        .optional()?)
}

/// The logins of the co-op's members (not those who left) that have no password and
/// no invitation link still valid, by e-mail.
pub async fn never_invited(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<crate::auth::store::User>> {
    use crate::db::schema::account_tokens;
    let valid_invitation = account_tokens::table
        .filter(account_tokens::user_id.eq(users::id))
        .filter(account_tokens::purpose.eq("invitation"))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(diesel::dsl::now));
    Ok(members::table
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(members::coop_id.eq(coop_id))
        .filter(members::status.ne_all(["resigned", "expelled"]))
        .filter(users::password_hash.is_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(valid_invitation)))
        .order(users::email.asc())
        .select(crate::auth::store::User::as_select())
        .load(conn)
        .await?)
}

/// An application waiting for the confirmation of its e-mail address.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pending_applications)]
pub struct PendingApplication {
    /// The address given, to be confirmed.
    pub email: String,
    /// The name given.
    pub display_name: String,
    /// What they wrote.
    pub motivation: String,
}

/// Keeps an application until its e-mail address is confirmed.
pub async fn insert_pending_application(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    application: &PendingApplication,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(pending_applications::table)
        .values((
            pending_applications::coop_id.eq(coop_id),
            pending_applications::id.eq(Uuid::new_v4()),
            pending_applications::email.eq(&application.email),
            pending_applications::display_name.eq(&application.display_name),
            pending_applications::motivation.eq(&application.motivation),
            pending_applications::token_hash.eq(token_hash),
            pending_applications::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes (deletes and returns) the application a confirmation link names, if the link
/// is the co-op's and still valid: a link confirms once. Expired applications of the
/// co-op go with it.
pub async fn take_pending_application(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> AppResult<Option<PendingApplication>> {
    diesel::delete(
        pending_applications::table
            .filter(pending_applications::coop_id.eq(coop_id))
            .filter(pending_applications::expires_at.le(now)),
    )
    .execute(conn)
    .await?;
    Ok(diesel::delete(
        pending_applications::table
            .filter(pending_applications::coop_id.eq(coop_id))
            .filter(pending_applications::token_hash.eq(token_hash)),
    )
    .returning(PendingApplication::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}

/// An admin's invitation waiting for its invitee's acceptance.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pending_invitations)]
pub struct PendingInvitation {
    /// The co-op.
    pub coop_id: Uuid,
    /// The invitee's login.
    pub user_id: Uuid,
    /// The roles they will hold.
    pub roles: Vec<String>,
    /// The admin who invited them.
    pub invited_by: Uuid,
}

/// Keeps an invitation until its invitee accepts it.
pub async fn insert_pending_invitation(
    conn: &mut AsyncPgConnection,
    invitation: &PendingInvitation,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(pending_invitations::table)
        .values((
            pending_invitations::coop_id.eq(invitation.coop_id),
            pending_invitations::id.eq(Uuid::new_v4()),
            pending_invitations::user_id.eq(invitation.user_id),
            pending_invitations::roles.eq(&invitation.roles),
            pending_invitations::invited_by.eq(invitation.invited_by),
            pending_invitations::token_hash.eq(token_hash),
            pending_invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes (deletes and returns) the invitation a link names, if still valid: a link
/// is accepted once. Expired invitations go with it, as expired applications do.
pub async fn take_pending_invitation(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> AppResult<Option<PendingInvitation>> {
    diesel::delete(pending_invitations::table.filter(pending_invitations::expires_at.le(now)))
        .execute(conn)
        .await?;
    Ok(
        diesel::delete(pending_invitations::table.filter(pending_invitations::token_hash.eq(token_hash)))
            .returning(PendingInvitation::as_returning())
            .get_result(conn)
            .await
            .optional()?,
    )
}
