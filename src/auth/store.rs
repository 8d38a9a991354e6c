//! Users and their single-use tokens.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::schema::{account_tokens, users};
use crate::error::AppResult;

/// A login.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = users)]
pub struct User {
    /// The user's id.
    pub id: Uuid,
    /// Their e-mail address (unique, case-insensitive).
    pub email: String,
    /// The name shown to others.
    pub display_name: String,
    /// `en` or `fr`.
    pub locale: String,
    /// The argon2id hash; never serialised.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Bumped to revoke every token.
    #[serde(skip)]
    pub token_version: i32,
    /// Operators create co-ops and run the instance.
    pub is_operator: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

/// A user by id.
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Option<User>> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await
        .optional()?)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// A user by e-mail, whatever its case.
pub async fn find_by_email(conn: &mut AsyncPgConnection, email: &str) -> AppResult<Option<User>> {
    Ok(users::table
        .filter(lower(users::email).eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Which of `emails` (compared in lower case) already belong to an account, in lower
/// case.
pub async fn existing_emails(
    conn: &mut AsyncPgConnection,
    emails: &[String],
) -> AppResult<std::collections::HashSet<String>> {
    let wanted: Vec<String> = emails.iter().map(|e| e.trim().to_lowercase()).collect();
    let found: Vec<String> = users::table
        .filter(lower(users::email).eq_any(&wanted))
        .select(lower(users::email))
        .load(conn)
        .await?;
    Ok(found.into_iter().collect())
}

/// The language of each account among `emails` (as stored), in one query.
pub async fn locales_of(
    conn: &mut AsyncPgConnection,
    emails: &[&str],
) -> AppResult<std::collections::HashMap<String, String>> {
    let found: Vec<(String, String)> = users::table
        .filter(users::email.eq_any(emails))
        .select((users::email, users::locale))
        .load(conn)
        .await?;
    Ok(found.into_iter().collect())
}

/// Creates a user; `password_hash` is `None` for an invited user.
pub async fn create(
    conn: &mut AsyncPgConnection,
    email: &str,
    display_name: &str,
    locale: &str,
    password_hash: Option<&str>,
    is_operator: bool,
) -> AppResult<User> {
    Ok(diesel::insert_into(users::table)
        .values((
            users::id.eq(Uuid::now_v7()),
            users::email.eq(email.trim()),
            users::display_name.eq(display_name.trim()),
            users::locale.eq(locale),
            users::password_hash.eq(password_hash),
            users::is_operator.eq(is_operator),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// Sets a new password hash and revokes every token issued before.
pub async fn set_password(conn: &mut AsyncPgConnection, id: Uuid, hash: &str) -> AppResult<User> {
    Ok(diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// Revokes every token issued before.
pub async fn bump_token_version(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<User> {
    Ok(diesel::update(users::table.find(id))
        .set((
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// Changes the name and language.
pub async fn update_profile(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    display_name: &str,
    locale: &str,
) -> AppResult<User> {
    Ok(diesel::update(users::table.find(id))
        .set((
            users::display_name.eq(display_name.trim()),
            users::locale.eq(locale),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// Stores the hash of a new single-use token.
pub async fn create_token(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    purpose: &str,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::id.eq(Uuid::new_v4()),
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(token_hash),
            account_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks an unused, unexpired token used and returns its user and purpose; `None`
/// when no such token exists. The row is locked, so two uses race to one winner.
pub async fn consume_token(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> AppResult<Option<(Uuid, String)>> {
    Ok(diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(token_hash))
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::expires_at.gt(now)),
    )
    .set(account_tokens::used_at.eq(now))
    .returning((account_tokens::user_id, account_tokens::purpose))
    .get_result(conn)
    .await
    .optional()?)
}

/// Uses up every outstanding reset and invitation link of a user (their password was
/// just set: an older link must not set it again). Returns how many were revoked.
pub async fn revoke_links(conn: &mut AsyncPgConnection, user_id: Uuid, now: DateTime<Utc>) -> AppResult<usize> {
    Ok(diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)
    .await?)
}

/// Whether a token would be accepted now (to show the form, before it is used).
pub async fn token_is_valid(conn: &mut AsyncPgConnection, token_hash: &[u8], now: DateTime<Utc>) -> AppResult<bool> {
    let found: Option<Uuid> = account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now))
        .select(account_tokens::id)
        .first(conn)
        .await
        .optional()?;
    Ok(found.is_some())
}
