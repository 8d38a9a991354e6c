//! Importing an existing register, whole or not at all, in time linear in its rows:
//! a constant number of statements per 50,000 people, whatever the file's size.
//!
//! The work takes a connection and plain values (no request, no application state),
//! so that a background job can run it as the API does.

use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;
use uuid::Uuid;

use super::lifecycle::{Actor, MemberState, MemberStatus, StatusChange, TransitionName};
use super::rules::{assign_member_numbers, numbers_to_take, parse_register_import, ImportStatus};
use super::store;
use crate::audit;
use crate::auth::store as users;
use crate::error::{AppError, AppResult, FieldError};

/// Refuses, before any work, a file with more rows than `max_rows`, saying both.
pub fn check_row_limit(csv_text: &str, max_rows: usize) -> AppResult<()> {
    let rows = crate::import::row_count(csv_text);
    if rows > max_rows {
        return Err(AppError::TooManyRows { rows, limit: max_rows });
    }
    Ok(())
}

/// Imports a register (CSV text) onto co-op `coop_id` as `actor`, in one transaction:
/// every row is checked first, and one bad row imports nothing and reports every bad
/// row with its line. New logins get the co-op's `locale`; `today` is the default date
/// of membership. Returns how many people were entered.
pub async fn import_register(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    actor: Uuid,
    locale: &str,
    csv_text: &str,
    today: NaiveDate,
) -> AppResult<usize> {
    let imported: usize = conn
        .transaction::<_, AppError, _>(async |conn| {
            // One import at a time per co-op, and no number taken meanwhile.
            store::lock_register(conn, coop_id).await?;
            let (numbers, emails) = store::taken_numbers_and_emails(conn, coop_id).await?;
            let rows = parse_register_import(csv_text, today, &numbers, &emails).map_err(|errors| {
                AppError::Validation(
                    errors
                        .into_iter()
                        .map(|e| FieldError::new(format!("line {}", e.line), e.reason))
                        .collect(),
                )
            })?;
            // Someone who already has a Concord account (in another co-op, or who
            // applied elsewhere) joins only by accepting an invitation: an import never
            // attaches their account, nor shows their name, without them.
            let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
            let existing = users::existing_emails(conn, &emails).await?;
            let refused: Vec<FieldError> = rows
                .iter()
                .filter(|r| existing.contains(&r.email.to_lowercase()))
                .map(|r| {
                    FieldError::new(
                        format!("line {}", r.line),
                        format!(
                            "`{}` already has a Concord account: invite this person from the members page, \
                             and they join when they accept",
                            r.email
                        ),
                    )
                })
                .collect();
            if !refused.is_empty() {
                return Err(AppError::Validation(refused));
            }
            let (kept, wanted) = numbers_to_take(&rows);
            let first = if kept.is_some() || wanted > 0 {
                store::take_member_numbers(conn, coop_id, kept, wanted).await?
            } else {
                0
            };
            let numbers = assign_member_numbers(&rows, first);
            let people: Vec<store::Imported> = rows
                .iter()
                .zip(numbers)
                .map(|(row, number)| store::Imported {
                    user_id: Uuid::now_v7(),
                    member_id: Uuid::now_v7(),
                    email: row.email.clone(),
                    name: row.name.clone(),
                    number,
                    state: match row.status {
                        ImportStatus::Member => MemberState::member_from(row.since, "imported register"),
                        ImportStatus::Applicant => MemberState::applicant(row.since),
                    },
                    employment_status: if row.worker { "worker" } else { "non_worker" },
                })
                .collect();
            store::insert_imported(conn, coop_id, locale, &people).await?;
            let firsts: Vec<StatusChange> = rows
                .iter()
                .map(|row| match row.status {
                    ImportStatus::Member => StatusChange {
                        status: MemberStatus::Member,
                        effective: row.since,
                        recorded_on: today,
                        actor: Actor::User(actor),
                        transition: TransitionName::Admit,
                        decision_ref: Some("imported register".into()),
                        reason: None,
                    },
                    ImportStatus::Applicant => StatusChange::application(row.since, Actor::User(actor)),
                })
                .collect();
            let history: Vec<(Uuid, &StatusChange)> = people.iter().map(|p| p.member_id).zip(firsts.iter()).collect();
            store::record_changes(conn, coop_id, &history).await?;
            audit::append(
                conn,
                Some(coop_id),
                Some(actor),
                "member.register_imported",
                &format!("coop:{coop_id}"),
                json!({"rows": rows.len(), "emails": emails}),
            )
            .await?;
            Ok(rows.len())
        })
        .await?;
    // A large import changes the tables' sizes at once; fresh statistics keep the
    // plans that follow (the foreign-key checks of the next ballot's roll, above all)
    // on their indexes. Measured: opening a ballot for 100,000 just-imported members
    // took 30–40 s on stale statistics and 4 s after this. A failure only costs speed.
    if imported >= ANALYZE_AFTER_IMPORT_OF {
        use diesel_async::RunQueryDsl;
        if let Err(e) = diesel::sql_query("ANALYZE users, members, member_status_changes")
            .execute(conn)
            .await
        {
            tracing::warn!(error = %e, "statistics not refreshed after an import");
        }
    }
    Ok(imported)
}

/// The size of an import after which the tables' statistics are refreshed.
const ANALYZE_AFTER_IMPORT_OF: usize = 1000;
