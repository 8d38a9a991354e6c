//! Share classes and the capital ledger in the database.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::rules::{EntryId, EntryKind, InstalmentPlan, LedgerEntry, ShareClass, ShareClassId};
use crate::db::schema::{capital_entries, coops, share_classes};
use crate::error::{AppError, AppResult};
use crate::membership::lifecycle::MemberId;
use crate::money::{Currency, Money};

#[derive(Queryable)]
struct ClassRow {
    id: Uuid,
    name: String,
    par_value: Decimal,
    qualifying: bool,
    max_per_member: Option<i32>,
    instalment_count: Option<i32>,
    instalment_period_months: Option<i32>,
}

/// The co-op's currency, as the money rules know it.
pub async fn currency(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Currency> {
    let code: String = coops::table.find(coop_id).select(coops::currency).first(conn).await?;
    code.parse()
        .map_err(|_| AppError::internal(format!("unknown currency {code}")))
}

/// The co-op's redemption rules: a hold until the accounts are approved, and the
/// capital floor.
pub async fn redemption_rules(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<(bool, Decimal)> {
    Ok(coops::table
        .find(coop_id)
        .select((coops::redemption_hold, coops::capital_floor))
        .first(conn)
        .await?)
}

/// Every share class of a co-op, by name.
pub async fn classes(conn: &mut AsyncPgConnection, coop_id: Uuid, currency: Currency) -> AppResult<Vec<ShareClass>> {
    let rows: Vec<ClassRow> = share_classes::table
        .filter(share_classes::coop_id.eq(coop_id))
        .order(share_classes::name)
        .select((
            share_classes::id,
            share_classes::name,
            share_classes::par_value,
            share_classes::qualifying,
            share_classes::max_per_member,
            share_classes::instalment_count,
            share_classes::instalment_period_months,
        ))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(ShareClass {
                id: ShareClassId(row.id),
                name: row.name,
                par_value: Money::new(row.par_value, currency).map_err(|e| AppError::internal(e.to_string()))?,
                qualifying: row.qualifying,
                max_per_member: row.max_per_member.map(|m| m as u32),
                instalments: row
                    .instalment_count
                    .zip(row.instalment_period_months)
                    .map(|(count, period)| InstalmentPlan {
                        count: count as u32,
                        period_months: period as u32,
                    }),
            })
        })
        .collect()
}

/// Stores a new share class.
pub async fn insert_class(conn: &mut AsyncPgConnection, coop_id: Uuid, class: &ShareClass) -> AppResult<()> {
    diesel::insert_into(share_classes::table)
        .values((
            share_classes::coop_id.eq(coop_id),
            share_classes::id.eq(class.id.0),
            share_classes::name.eq(class.name.trim()),
            share_classes::par_value.eq(class.par_value.amount()),
            share_classes::qualifying.eq(class.qualifying),
            share_classes::max_per_member.eq(class.max_per_member.map(|m| m as i32)),
            share_classes::instalment_count.eq(class.instalments.map(|p| p.count as i32)),
            share_classes::instalment_period_months.eq(class.instalments.map(|p| p.period_months as i32)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Locks the co-op's ledger until the transaction ends: every check a new entry
/// passes is made against a ledger no one else is writing to.
pub async fn lock_ledger(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind::<Text, _>(format!("capital:{coop_id}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// A capital ledger row as stored: the entry's JSON, or, for a patronage entry, its
/// columns alone (migration 000100: 100,000 of them are written by one posting).
#[derive(Queryable, Selectable)]
#[diesel(table_name = capital_entries)]
pub struct StoredEntry {
    id: Uuid,
    member_id: Uuid,
    kind: String,
    entry_date: chrono::NaiveDate,
    amount: Option<Decimal>,
    fiscal_year: Option<i32>,
    currency: Option<String>,
    entry: Option<serde_json::Value>,
}

impl StoredEntry {
    /// The ledger entry the row holds.
    pub fn into_entry(self) -> AppResult<LedgerEntry> {
        let broken = |what: &str| AppError::internal(format!("ledger entry {}: {what}", self.id));
        if let Some(json) = self.entry {
            return serde_json::from_value(json).map_err(|e| broken(&e.to_string()));
        }
        let fiscal_year = self.fiscal_year.ok_or_else(|| broken("no fiscal year"))?;
        let currency: Currency = self
            .currency
            .as_deref()
            .unwrap_or_default()
            .parse()
            .map_err(|_| broken("no currency"))?;
        let amount = Money::new(self.amount.ok_or_else(|| broken("no amount"))?, currency)
            .map_err(|e| broken(&e.to_string()))?;
        let kind = match self.kind.as_str() {
            "patronage_retained" => EntryKind::PatronageRetained { fiscal_year, amount },
            "patronage_loss" => EntryKind::PatronageLoss { fiscal_year, amount },
            "patronage_redeemed" => EntryKind::PatronageRedeemed { fiscal_year, amount },
            other => return Err(broken(&format!("a {other} entry without its JSON"))),
        };
        Ok(LedgerEntry {
            id: EntryId(self.id),
            member: MemberId(self.member_id),
            date: self.entry_date,
            kind,
        })
    }
}

/// The `entry`, `fiscal_year` and `currency` columns of `entry`: a patronage
/// entry is stored by its fiscal year and currency (its other columns say the
/// rest), any other as its JSON.
pub fn stored_columns(entry: &LedgerEntry) -> AppResult<(Option<serde_json::Value>, Option<i32>, Option<String>)> {
    match &entry.kind {
        EntryKind::PatronageRetained { fiscal_year, amount }
        | EntryKind::PatronageLoss { fiscal_year, amount }
        | EntryKind::PatronageRedeemed { fiscal_year, amount } => {
            Ok((None, Some(*fiscal_year), Some(amount.currency().code().to_string())))
        }
        _ => Ok((
            Some(serde_json::to_value(entry).map_err(|e| AppError::internal(e.to_string()))?),
            None,
            None,
        )),
    }
}

/// Reads stored rows into ledger entries.
pub fn entries_of(rows: Vec<StoredEntry>) -> AppResult<Vec<LedgerEntry>> {
    rows.into_iter().map(StoredEntry::into_entry).collect()
}

/// The co-op's whole ledger, in the order written.
pub async fn ledger(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Vec<LedgerEntry>> {
    let rows = capital_entries::table
        .filter(capital_entries::coop_id.eq(coop_id))
        .order(capital_entries::seq)
        .select(StoredEntry::as_select())
        .load(conn)
        .await?;
    entries_of(rows)
}

/// One member's entries, in the order they were written: all their account and
/// their subscriptions' dues depend on (a reversal, a transfer's leg, a payment is
/// always recorded against the member whose position it changes).
pub async fn member_ledger(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
) -> AppResult<Vec<LedgerEntry>> {
    let rows = capital_entries::table
        .filter(capital_entries::coop_id.eq(coop_id))
        .filter(capital_entries::member_id.eq(member_id))
        .order(capital_entries::seq)
        .select(StoredEntry::as_select())
        .load(conn)
        .await?;
    entries_of(rows)
}

/// The stored name of an entry's kind, its class, amount, reference and the entry
/// it reverses.
pub fn columns(
    kind: &EntryKind,
) -> (
    &'static str,
    Option<Uuid>,
    Option<Decimal>,
    Option<String>,
    Option<Uuid>,
) {
    match kind {
        EntryKind::Subscribe { class, amount, .. } => ("subscribe", Some(class.0), Some(amount.amount()), None, None),
        EntryKind::Payment {
            class,
            amount,
            reference,
            ..
        } => ("payment", Some(class.0), Some(amount.amount()), reference.clone(), None),
        EntryKind::TransferOut { class, amount, .. } => {
            ("transfer_out", Some(class.0), Some(amount.amount()), None, None)
        }
        EntryKind::TransferIn { class, amount, .. } => {
            ("transfer_in", Some(class.0), Some(amount.amount()), None, None)
        }
        EntryKind::Redemption { class, amount, .. } => ("redemption", Some(class.0), Some(amount.amount()), None, None),
        EntryKind::RedemptionPaid {
            class,
            amount,
            reference,
            ..
        } => (
            "redemption_paid",
            Some(class.0),
            Some(amount.amount()),
            reference.clone(),
            None,
        ),
        EntryKind::PatronageRetained { amount, .. } => ("patronage_retained", None, Some(amount.amount()), None, None),
        EntryKind::PatronageLoss { amount, .. } => ("patronage_loss", None, Some(amount.amount()), None, None),
        EntryKind::PatronageRedeemed { amount, .. } => ("patronage_redeemed", None, Some(amount.amount()), None, None),
        EntryKind::Reversal { of, .. } => ("reversal", None, None, None, Some(of.0)),
    }
}

/// Appends entries to the ledger (never updated, never deleted).
pub async fn append(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    entries: &[LedgerEntry],
    recorded_by: Uuid,
) -> AppResult<()> {
    for entry in entries {
        let (kind, class, amount, reference, reverses) = columns(&entry.kind);
        let (json, fiscal_year, currency) = stored_columns(entry)?;
        diesel::insert_into(capital_entries::table)
            .values((
                capital_entries::coop_id.eq(coop_id),
                capital_entries::id.eq(entry.id.0),
                capital_entries::member_id.eq(entry.member.0),
                capital_entries::share_class_id.eq(class),
                capital_entries::kind.eq(kind),
                capital_entries::entry_date.eq(entry.date),
                capital_entries::amount.eq(amount),
                capital_entries::reference.eq(reference),
                capital_entries::reverses.eq(reverses),
                capital_entries::entry.eq(json),
                capital_entries::fiscal_year.eq(fiscal_year),
                capital_entries::currency.eq(currency),
                capital_entries::recorded_by.eq(recorded_by),
            ))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The co-op's members who have not left, by lower-case e-mail.
pub async fn members_by_email(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
) -> AppResult<std::collections::HashMap<String, Uuid>> {
    use crate::db::schema::{members, users};
    let rows: Vec<(String, Uuid)> = members::table
        .inner_join(users::table.on(users::id.eq(members::user_id)))
        .filter(members::coop_id.eq(coop_id))
        .filter(members::status.ne_all(["resigned", "expelled"]))
        .select((users::email, members::id))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|(email, id)| (email.to_lowercase(), id)).collect())
}

/// The day each member of a co-op was last reminded of instalments due.
pub async fn last_instalment_reminders(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
) -> AppResult<std::collections::HashMap<Uuid, chrono::NaiveDate>> {
    use crate::db::schema::instalment_reminders as r;
    let rows: Vec<(Uuid, chrono::NaiveDate)> = r::table
        .filter(r::coop_id.eq(coop_id))
        .select((r::member_id, r::last_sent_on))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Notes that a member is reminded of their instalments `today`, if their last
/// reminder is still `last_seen` (as read before deciding): answers false when
/// another process reminded them meanwhile, so a member is reminded once.
pub async fn mark_instalment_reminder(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    last_seen: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> AppResult<bool> {
    use diesel::sql_types::{Date, Nullable, Uuid as SqlUuid};
    let marked = diesel::sql_query(
        "INSERT INTO instalment_reminders (coop_id, member_id, last_sent_on) VALUES ($1, $2, $3)
         ON CONFLICT (coop_id, member_id) DO UPDATE SET last_sent_on = EXCLUDED.last_sent_on
          WHERE instalment_reminders.last_sent_on IS NOT DISTINCT FROM $4",
    )
    .bind::<SqlUuid, _>(coop_id)
    .bind::<SqlUuid, _>(member_id)
    .bind::<Date, _>(today)
    .bind::<Nullable<Date>, _>(last_seen)
    .execute(conn)
    .await?;
    Ok(marked == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(entry: &LedgerEntry) -> StoredEntry {
        let (json, fiscal_year, currency) = stored_columns(entry).unwrap();
        let amount = match &entry.kind {
            EntryKind::PatronageRetained { amount, .. }
            | EntryKind::PatronageLoss { amount, .. }
            | EntryKind::PatronageRedeemed { amount, .. } => Some(amount.amount()),
            _ => None,
        };
        StoredEntry {
            id: entry.id.0,
            member_id: entry.member.0,
            kind: entry.kind.name().to_string(),
            entry_date: entry.date,
            amount,
            fiscal_year,
            currency,
            entry: json,
        }
    }

    #[test]
    fn a_patronage_entry_is_kept_in_columns_and_read_back_whole() {
        let amount = Money::from_cents(1_234_567, Currency::Cad).unwrap();
        let entry = |kind| LedgerEntry {
            id: EntryId(Uuid::now_v7()),
            member: MemberId(Uuid::now_v7()),
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
            kind,
        };
        for kind in [
            EntryKind::PatronageRetained {
                fiscal_year: 2025,
                amount,
            },
            EntryKind::PatronageLoss {
                fiscal_year: 2024,
                amount,
            },
            EntryKind::PatronageRedeemed {
                fiscal_year: 2019,
                amount,
            },
        ] {
            let original = entry(kind);
            let row = stored(&original);
            assert_eq!((row.entry.is_none(), row.currency.as_deref()), (true, Some("CAD")));
            assert_eq!(row.into_entry().unwrap(), original);
        }
        // A reversal keeps its JSON: its reason has no column.
        let reversal = entry(EntryKind::Reversal {
            of: EntryId(Uuid::now_v7()),
            reason: "paid twice".into(),
        });
        let row = stored(&reversal);
        assert_eq!((row.fiscal_year, row.entry.is_some()), (None, true));
        assert_eq!(row.into_entry().unwrap(), reversal);
    }
}
