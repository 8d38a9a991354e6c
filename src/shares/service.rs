//! Share capital use cases. Each one locks the co-op's ledger, checks the new entries
//! against the whole ledger with the pure rules, appends them and the audit event in
//! one transaction.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{
    self, CapitalAccount, CoopTotals, Dues, EntryId, EntryKind, InstalmentPlan, LedgerEntry, PaymentMethod,
    PaymentRequest, RedemptionId, RedemptionPaymentRequest, RedemptionRequest, RedemptionRules, ReversalRequest,
    ShareClass, ShareClassId, ShareError, SubscribeRequest, SubscriptionId, TransferId, TransferRequest,
};
use super::store;
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::membership::lifecycle::{self, Actor, MemberId, MemberStatus, Transition};
use crate::membership::store as members;
use crate::money::{Currency, Locale, Money, Sign};
use crate::notifications::rules::MailKind;
use crate::web::state::AppState;

/// A rule's refusal as an HTTP error: bad input is 422 with its field, an unknown
/// reference 404, anything the ledger's state forbids 409.
fn share_error(error: ShareError) -> AppError {
    let field = match &error {
        ShareError::InvalidClass { field, .. } => Some(field.clone()),
        ShareError::Money { .. } | ShareError::NotPositive => Some("amount".to_string()),
        ShareError::NoShares => Some("shares".to_string()),
        ShareError::MissingDecisionRef => Some("decision_ref".to_string()),
        ShareError::MissingReason => Some("reason".to_string()),
        ShareError::NotToday { .. } | ShareError::InTheFuture { .. } | ShareError::BooksClosed { .. } => {
            Some("date".to_string())
        }
        ShareError::BackdatedWithoutReason => Some("reason".to_string()),
        ShareError::NoInstalmentPlan => Some("in_instalments".to_string()),
        _ => None,
    };
    let mut args = error.args(|amount| amount.format(Locale::from_tag(i18n::request_language()).unwrap_or(Locale::En)));
    if let ShareError::ReversalWouldBreak { problem, .. } | ShareError::ConflictsWithLaterEntries { problem, .. } =
        &error
    {
        args.push(("problem", i18n::say(problem.code(), &problem.args())));
    }
    match (field, &error) {
        (Some(field), _) => AppError::coded_field(field, error.code(), &args),
        (
            None,
            ShareError::UnknownClass { .. }
            | ShareError::UnknownSubscription { .. }
            | ShareError::UnknownEntry { .. }
            | ShareError::UnknownRedemption { .. },
        ) => AppError::NotFound,
        _ => AppError::coded_conflict(error.code(), &args),
    }
}

fn parse_money(field: &str, text: &str, currency: Currency) -> AppResult<Money> {
    Money::parse_with(text, currency, Sign::Positive).map_err(|e| AppError::coded_field(field, e.code(), &e.args()))
}

/// A new share class, as a treasurer describes it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct NewClass {
    /// Its name ("Parts sociales A").
    pub name: String,
    /// The par value of one share, e.g. "50.00".
    pub par_value: String,
    /// Whether holding one fully paid share of this class is what makes a member.
    #[serde(default)]
    pub qualifying: bool,
    /// The most shares one member may hold.
    pub max_per_member: Option<u32>,
    /// Instalments allowed: how many.
    pub instalment_count: Option<u32>,
    /// Instalments allowed: months between two.
    pub instalment_period_months: Option<u32>,
}

/// Creates a share class (treasurers).
pub async fn create_class(state: &AppState, scope: &InCoop, new: &NewClass) -> AppResult<ShareClass> {
    scope.require(Action::ManageCapital)?;
    let mut conn = db::conn(&state.pool).await?;
    let currency = store::currency(&mut conn, scope.coop.id).await?;
    let instalments = match (new.instalment_count, new.instalment_period_months) {
        (None, None) => None,
        (Some(count), Some(period_months)) => Some(InstalmentPlan { count, period_months }),
        _ => {
            return Err(AppError::coded_field(
                "instalment_count",
                "error-share-instalments-both-or-neither",
                &[],
            ))
        }
    };
    let class = ShareClass {
        id: ShareClassId(Uuid::now_v7()),
        name: new.name.trim().to_string(),
        par_value: parse_money("par_value", &new.par_value, currency)?,
        qualifying: new.qualifying,
        max_per_member: new.max_per_member,
        instalments,
    };
    class.validate().map_err(share_error)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let mut all = store::classes(conn, coop_id, currency).await?;
        all.push(class.clone());
        rules::validate_classes(&all).map_err(share_error)?;
        store::insert_class(conn, coop_id, &class).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "shares.class_created",
            &format!("share_class:{}", class.id.0),
            serde_json::to_value(&class).unwrap_or_default(),
        )
        .await?;
        Ok(class)
    })
    .await
}

/// The co-op's share classes (every member may see them).
pub async fn classes(state: &AppState, scope: &InCoop) -> AppResult<Vec<ShareClass>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let currency = store::currency(&mut conn, scope.coop.id).await?;
    store::classes(&mut conn, scope.coop.id, currency).await
}

/// One ledger operation, as a client asks for it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "operation", rename_all = "snake_case")]
pub enum Operation {
    /// A member subscribes shares (treasurers, or the member for themself).
    Subscribe {
        /// Who subscribes.
        member_id: Uuid,
        /// Of which class.
        class_id: Uuid,
        /// How many shares.
        shares: u32,
        /// The date of the subscription.
        date: NaiveDate,
        /// Pay by the class's instalment plan.
        #[serde(default)]
        in_instalments: bool,
        /// Why an officer dates the subscription before today (required then).
        #[serde(default)]
        reason: Option<String>,
    },
    /// A payment against a subscription (treasurers).
    Payment {
        /// The subscription paid.
        subscription_id: Uuid,
        /// The date received.
        date: NaiveDate,
        /// The amount, e.g. "12.50".
        amount: String,
        /// How it was paid: bank_transfer, cash, cheque, card, payroll_deduction, other.
        #[schema(value_type = String)]
        method: PaymentMethod,
        /// The bank or cheque reference; the same payment cannot be recorded twice.
        reference: Option<String>,
    },
    /// Fully paid shares move from one member to another, approved by the board.
    Transfer {
        /// Who gives the shares.
        seller_id: Uuid,
        /// Who takes them.
        buyer_id: Uuid,
        /// Of which class.
        class_id: Uuid,
        /// How many.
        shares: u32,
        /// The date of the transfer.
        date: NaiveDate,
        /// The board's decision.
        decision_ref: String,
    },
    /// Shares are redeemed at par, decided by the board; the amount becomes payable.
    Redemption {
        /// Whose shares.
        member_id: Uuid,
        /// Of which class.
        class_id: Uuid,
        /// How many.
        shares: u32,
        /// The date of the decision.
        date: NaiveDate,
        /// The board's decision.
        decision_ref: String,
    },
    /// A redemption is paid out (treasurers).
    RedemptionPayment {
        /// The redemption paid.
        redemption_id: Uuid,
        /// The date paid.
        date: NaiveDate,
        /// The amount.
        amount: String,
        /// The bank reference.
        reference: Option<String>,
    },
    /// An entry is corrected by a reversal with a reason (treasurers).
    Reversal {
        /// The entry reversed.
        entry_id: Uuid,
        /// The date of the correction.
        date: NaiveDate,
        /// Why.
        reason: String,
    },
}

impl Operation {
    /// The action the caller needs; a member may subscribe for themself.
    fn allowed(&self, scope: &InCoop) -> bool {
        match self {
            Operation::Subscribe { member_id, .. } => {
                scope.can(Action::ManageCapital) || (*member_id == scope.member_id && scope.can(Action::Vote))
            }
            Operation::Transfer { .. } | Operation::Redemption { .. } => scope.can(Action::ManageRegister),
            _ => scope.can(Action::ManageCapital),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Operation::Subscribe { .. } => "subscribed",
            Operation::Payment { .. } => "payment_recorded",
            Operation::Transfer { .. } => "transferred",
            Operation::Redemption { .. } => "redeemed",
            Operation::RedemptionPayment { .. } => "redemption_paid",
            Operation::Reversal { .. } => "reversed",
        }
    }
}

fn class_of(classes: &[ShareClass], id: Uuid) -> AppResult<&ShareClass> {
    classes
        .iter()
        .find(|c| c.id.0 == id)
        .ok_or_else(|| AppError::coded_field("class_id", "error-share-no-such-class", &[]))
}

fn entry_class(
    ledger: &[LedgerEntry],
    kind_filter: impl Fn(&EntryKind) -> Option<ShareClassId>,
) -> Option<ShareClassId> {
    ledger.iter().find_map(|e| kind_filter(&e.kind))
}

/// Whether a member is in good standing on a date, from the register.
async fn in_good_standing(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member: Uuid,
    qualifying_paid: bool,
    on: NaiveDate,
) -> AppResult<bool> {
    let policy = members::policy(conn, coop_id).await?;
    let entry = members::entry_for_update(conn, coop_id, member)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(lifecycle::in_good_standing(&entry.state, qualifying_paid, &policy, on).may_vote())
}

/// The members who may vote on `on`, in the register's order: the roll of a ballot
/// or a meeting opened that day, and the register's "may vote" ([`rules::may_vote`]).
pub async fn voters_on(conn: &mut AsyncPgConnection, coop_id: Uuid, on: NaiveDate) -> AppResult<Vec<Uuid>> {
    let register = members::register(conn, coop_id).await?;
    voters_among(conn, coop_id, &register, on).await
}

/// [`voters_on`] among register rows the caller has read already.
pub async fn voters_among(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    register: &[members::RegisterRow],
    on: NaiveDate,
) -> AppResult<Vec<Uuid>> {
    let policy = members::policy(conn, coop_id).await?;
    // The ledger is read only where the qualifying share decides.
    let (ledger, classes) = if policy.requires_qualifying_share {
        let currency = store::currency(conn, coop_id).await?;
        (
            store::ledger(conn, coop_id).await?,
            store::classes(conn, coop_id, currency).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut voters = Vec::new();
    for row in register {
        let state = <lifecycle::MemberState as serde::Deserialize>::deserialize(&row.state)
            .map_err(|e| AppError::internal(format!("member state: {e}")))?;
        if rules::may_vote(&state, &policy, &ledger, &classes, MemberId(row.id), on) {
            voters.push(row.id);
        }
    }
    Ok(voters)
}

/// Imports existing share holdings from CSV, whole or not at all (treasurers): each
/// row becomes a subscription and, for what was paid, a payment, checked by the same
/// rules as any other against the ledger as the earlier rows leave it. One bad row
/// imports nothing and every bad row is reported with its line. Members whose
/// qualifying share is then paid become full members, as after any payment.
/// Returns how many holdings were imported.
pub async fn import_holdings(state: &AppState, scope: &InCoop, csv_text: &str) -> AppResult<usize> {
    scope.require(Action::ManageCapital)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let today = scope.coop.today();
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        store::lock_ledger(conn, coop_id).await?;
        let currency = store::currency(conn, coop_id).await?;
        let line_errors = |errors: Vec<crate::import::ImportError>| {
            AppError::Validation(
                errors
                    .into_iter()
                    .map(|e| crate::error::FieldError::new(format!("line {}", e.line), e.reason))
                    .collect(),
            )
        };
        let holdings = super::holdings::parse(csv_text, currency, today).map_err(line_errors)?;
        let classes = store::classes(conn, coop_id, currency).await?;
        let members_by_email = store::members_by_email(conn, coop_id).await?;
        let closed_until = crate::coops::store::books_closed_until(conn, coop_id).await?;
        let mut ledger = store::ledger(conn, coop_id).await?;
        let mut written = Vec::new();
        let mut errors = Vec::new();
        for holding in &holdings {
            let refused = |reason: String| crate::import::ImportError {
                line: holding.line,
                reason,
            };
            // An import writes history only where the books are still open, as an
            // officer's back-dated subscription does.
            if let Err(closed) = rules::in_open_books(holding.subscribed_on.min(holding.paid_on), closed_until) {
                errors.push(refused(closed.to_string()));
                continue;
            }
            let Some(member) = members_by_email.get(&holding.email.to_lowercase()) else {
                errors.push(refused(format!(
                    "no member with the e-mail {} on the register",
                    holding.email
                )));
                continue;
            };
            let Some(class) = classes.iter().find(|c| c.name.eq_ignore_ascii_case(&holding.class)) else {
                errors.push(refused(format!("no share class is named `{}`", holding.class)));
                continue;
            };
            let subscription = SubscriptionId(Uuid::now_v7());
            let subscribe = SubscribeRequest {
                id: EntryId(Uuid::now_v7()),
                subscription,
                member: MemberId(*member),
                date: holding.subscribed_on,
                shares: holding.shares,
                in_instalments: false,
            };
            let entries = rules::subscribe(&ledger, class, &subscribe).and_then(|subscribed| {
                let price = class.price(holding.shares)?;
                let paid = holding.paid.unwrap_or(price);
                ledger.push(subscribed.clone());
                if paid.cents() == 0 {
                    return Ok(vec![subscribed]);
                }
                let payment = PaymentRequest {
                    id: EntryId(Uuid::now_v7()),
                    subscription,
                    date: holding.paid_on,
                    amount: paid,
                    method: PaymentMethod::Other,
                    reference: holding.reference.clone(),
                };
                let paid = rules::record_payment(&ledger, class, &payment)?;
                ledger.push(paid.clone());
                Ok(vec![subscribed, paid])
            });
            match entries {
                Ok(entries) => written.extend(entries),
                Err(e) => errors.push(refused(e.to_string())),
            }
        }
        if !errors.is_empty() {
            return Err(line_errors(errors));
        }
        store::append(conn, coop_id, &written, actor).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "shares.holdings_imported",
            &format!("coop:{coop_id}"),
            json!({"holdings": holdings.len(), "entries": written.len()}),
        )
        .await?;
        promote_paid_up_members(conn, coop_id, today, actor, &ledger, &classes, &written).await?;
        Ok(holdings.len())
    })
    .await
}

/// Records one ledger operation and returns the entries written. A member whose
/// shares the board decided to redeem is told by e-mail once it is recorded.
pub async fn record(state: &AppState, scope: &InCoop, operation: Operation) -> AppResult<Vec<LedgerEntry>> {
    let entries = write(state, scope, operation).await?;
    for entry in &entries {
        if let EntryKind::Redemption { shares, amount, .. } = &entry.kind {
            notify_redemption(state, scope, entry.member.0, *shares, *amount).await?;
        }
    }
    Ok(entries)
}

async fn notify_redemption(
    state: &AppState,
    scope: &InCoop,
    member: Uuid,
    shares: u32,
    amount: Money,
) -> AppResult<()> {
    use crate::web::i18n;
    let mut conn = db::conn(&state.pool).await?;
    let Some(user_id) = members::membership_by_id(&mut conn, scope.coop.id, member).await? else {
        return Ok(());
    };
    let Some(user) = crate::auth::store::find(&mut conn, user_id).await? else {
        return Ok(());
    };
    let locale = crate::money::Locale::from_tag(&user.locale).unwrap_or(crate::money::Locale::En);
    let mail = crate::mail::Mail {
        to: user.email.clone(),
        subject: i18n::text_with(
            &user.locale,
            "mail-redemption-subject",
            &[("coop", scope.coop.name.clone())],
        ),
        body: i18n::text_with(
            &user.locale,
            "mail-redemption-body",
            &[
                ("coop", scope.coop.name.clone()),
                ("shares", shares.to_string()),
                ("amount", amount.format(locale)),
                (
                    "link",
                    format!("{}/c/{}/capital/me", state.settings.public_url, scope.coop.slug),
                ),
            ],
        ),
    };
    crate::mail::queue(&mut conn, Some(scope.coop.id), &[mail]).await
}

async fn write(state: &AppState, scope: &InCoop, operation: Operation) -> AppResult<Vec<LedgerEntry>> {
    if !operation.allowed(scope) {
        return Err(AppError::Forbidden);
    }
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        store::lock_ledger(conn, coop_id).await?;
        let currency = store::currency(conn, coop_id).await?;
        let classes = store::classes(conn, coop_id, currency).await?;
        let ledger = store::ledger(conn, coop_id).await?;
        let new_id = || EntryId(Uuid::now_v7());
        let entries = match &operation {
            Operation::Subscribe {
                member_id,
                class_id,
                shares,
                date,
                in_instalments,
                reason,
            } => {
                scope.coop.refuse_if_dissolved("takes no new subscriptions of shares")?;
                let today = scope.coop.today();
                if scope.can(Action::ManageCapital) {
                    let closed_until = crate::coops::store::books_closed_until(conn, coop_id).await?;
                    rules::officer_subscription_date(*date, today, closed_until, reason.as_deref())
                        .map_err(share_error)?;
                } else {
                    rules::own_subscription_date(*date, today).map_err(share_error)?;
                }
                // The member must be on this co-op's register.
                members::entry_for_update(conn, coop_id, *member_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let request = SubscribeRequest {
                    id: new_id(),
                    subscription: SubscriptionId(Uuid::now_v7()),
                    member: MemberId(*member_id),
                    date: *date,
                    shares: *shares,
                    in_instalments: *in_instalments,
                };
                vec![rules::subscribe(&ledger, class_of(&classes, *class_id)?, &request).map_err(share_error)?]
            }
            Operation::Payment {
                subscription_id,
                date,
                amount,
                method,
                reference,
            } => {
                let class = entry_class(&ledger, |k| match k {
                    EntryKind::Subscribe {
                        subscription, class, ..
                    } if subscription.0 == *subscription_id => Some(*class),
                    _ => None,
                })
                .ok_or(AppError::NotFound)?;
                let class = class_of(&classes, class.0)?;
                let request = PaymentRequest {
                    id: new_id(),
                    subscription: SubscriptionId(*subscription_id),
                    date: *date,
                    amount: parse_money("amount", amount, currency)?,
                    method: *method,
                    reference: reference
                        .as_ref()
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty()),
                };
                vec![rules::record_payment(&ledger, class, &request).map_err(share_error)?]
            }
            Operation::Transfer {
                seller_id,
                buyer_id,
                class_id,
                shares,
                date,
                decision_ref,
            } => {
                let seller_paid = rules::qualifying_share_paid(&ledger, &classes, MemberId(*seller_id), *date);
                let buyer_paid = rules::qualifying_share_paid(&ledger, &classes, MemberId(*buyer_id), *date);
                let request = TransferRequest {
                    out_id: new_id(),
                    in_id: new_id(),
                    transfer: TransferId(Uuid::now_v7()),
                    seller: MemberId(*seller_id),
                    buyer: MemberId(*buyer_id),
                    date: *date,
                    shares: *shares,
                    decision_ref: decision_ref.clone(),
                    seller_in_good_standing: in_good_standing(conn, coop_id, *seller_id, seller_paid, *date).await?,
                    buyer_in_good_standing: in_good_standing(conn, coop_id, *buyer_id, buyer_paid, *date).await?,
                };
                rules::transfer(&ledger, class_of(&classes, *class_id)?, &request)
                    .map_err(share_error)?
                    .to_vec()
            }
            Operation::Redemption {
                member_id,
                class_id,
                shares,
                date,
                decision_ref,
            } => {
                members::entry_for_update(conn, coop_id, *member_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let (hold, floor) = store::redemption_rules(conn, coop_id).await?;
                let redemption_rules = RedemptionRules {
                    capital_floor: Money::new(floor, currency).map_err(|e| AppError::internal(e.to_string()))?,
                    redemption_hold: hold,
                };
                let request = RedemptionRequest {
                    id: new_id(),
                    redemption: RedemptionId(Uuid::now_v7()),
                    member: MemberId(*member_id),
                    date: *date,
                    shares: *shares,
                    decision_ref: decision_ref.clone(),
                };
                vec![
                    rules::redeem(&ledger, class_of(&classes, *class_id)?, &request, &redemption_rules)
                        .map_err(share_error)?,
                ]
            }
            Operation::RedemptionPayment {
                redemption_id,
                date,
                amount,
                reference,
            } => {
                let request = RedemptionPaymentRequest {
                    id: new_id(),
                    redemption: RedemptionId(*redemption_id),
                    date: *date,
                    amount: parse_money("amount", amount, currency)?,
                    reference: reference.clone(),
                };
                vec![rules::pay_redemption(&ledger, &request).map_err(share_error)?]
            }
            Operation::Reversal { entry_id, date, reason } => {
                let request = ReversalRequest {
                    of: EntryId(*entry_id),
                    date: *date,
                    reason: reason.clone(),
                };
                let mut next = new_id;
                rules::reverse(&ledger, &classes, &request, &mut next).map_err(share_error)?
            }
        };
        store::append(conn, coop_id, &entries, actor).await?;
        let backdated_because = match &operation {
            Operation::Subscribe {
                reason: Some(reason), ..
            } if !reason.trim().is_empty() => Some(reason.trim()),
            _ => None,
        };
        for entry in &entries {
            let mut details = serde_json::to_value(entry).unwrap_or_default();
            if let (Some(reason), Some(details)) = (backdated_because, details.as_object_mut()) {
                details.insert("reason".into(), reason.into());
            }
            audit::append(
                conn,
                Some(coop_id),
                Some(actor),
                &format!("shares.{}", operation.name()),
                &format!("member:{}", entry.member.0),
                details,
            )
            .await?;
        }
        let mut ledger = ledger;
        ledger.extend(entries.iter().cloned());
        promote_paid_up_members(conn, coop_id, scope.coop.today(), actor, &ledger, &classes, &entries).await?;
        Ok(entries)
    })
    .await
}

/// An admitted member whose qualifying share is now fully paid becomes a member,
/// in the same transaction as the payment that made it so.
async fn promote_paid_up_members(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    today: NaiveDate,
    actor: Uuid,
    ledger: &[LedgerEntry],
    classes: &[ShareClass],
    entries: &[LedgerEntry],
) -> AppResult<()> {
    let policy = members::policy(conn, coop_id).await?;
    for entry in entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Payment { .. } | EntryKind::TransferIn { .. }))
    {
        let Some(mut member) = members::entry_for_update(conn, coop_id, entry.member.0).await? else {
            continue;
        };
        let paid = rules::qualifying_share_paid(ledger, classes, entry.member, entry.date.max(today));
        if member.state.status != MemberStatus::Admitted || !lifecycle::becomes_member(&member.state, paid, &policy) {
            continue;
        }
        let transition = Transition::BecomeMember {
            actor: Actor::User(actor),
            date: entry.date.max(member.state.since),
            qualifying_share_paid: paid,
        };
        let next =
            lifecycle::apply(&member.state, &transition, &policy).map_err(|e| AppError::Conflict(e.to_string()))?;
        let change = lifecycle::history_entry(&transition, &next);
        member.state = next;
        members::save_state(conn, coop_id, &member).await?;
        members::record_change(conn, coop_id, member.id, &change).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "member.become_member",
            &format!("member:{}", member.id),
            json!({"status": "member", "effective": change.effective, "qualifying_share_paid": true}),
        )
        .await?;
    }
    Ok(())
}

/// A member's capital statement as of a date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Statement {
    /// The account, derived from the ledger.
    #[schema(value_type = Object)]
    pub account: CapitalAccount,
    /// Each subscription with its instalments.
    #[schema(value_type = Vec<Object>)]
    pub subscriptions: Vec<SubscriptionLine>,
    /// Every entry of the member, in the order written.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<LedgerEntry>,
    /// Their retained patronage year by year, with when each year is expected
    /// back under the co-op's revolving period.
    pub retained_schedule: crate::patronage::service::RevolvingView,
}

/// A subscription and what is due on it.
#[derive(Debug, Clone, Serialize)]
pub struct SubscriptionLine {
    /// The subscription.
    pub id: Uuid,
    /// The class's name.
    pub class: String,
    /// Shares subscribed.
    pub shares: u32,
    /// The price.
    pub amount: Money,
    /// The date subscribed.
    pub date: NaiveDate,
    /// Instalments, paid and due.
    pub dues: Dues,
}

/// A member's statement (the member themself, treasurers, and the register's keepers).
pub async fn statement(state: &AppState, scope: &InCoop, member_id: Uuid, as_of: NaiveDate) -> AppResult<Statement> {
    scope.require_own_or(member_id, &[Action::ManageCapital, Action::ViewMembers])?;
    let mut conn = db::conn(&state.pool).await?;
    if members::membership_by_id(&mut conn, scope.coop.id, member_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    statement_in(&mut conn, scope.coop.id, member_id, as_of).await
}

/// A member's statement as of a date, for a caller already authorised.
pub(crate) async fn statement_in(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    as_of: NaiveDate,
) -> AppResult<Statement> {
    let Holdings {
        account,
        subscriptions,
        entries,
    } = holdings_in(conn, coop_id, member_id, as_of).await?;
    let retained_schedule = crate::patronage::service::member_schedule_in(conn, coop_id, member_id, as_of).await?;
    Ok(Statement {
        account,
        subscriptions,
        entries,
        retained_schedule,
    })
}

/// A member's account and subscriptions: their statement without the schedule of
/// retained patronage (the dashboard and the calendar need no more).
pub(crate) struct Holdings {
    pub account: CapitalAccount,
    pub subscriptions: Vec<SubscriptionLine>,
    pub entries: Vec<LedgerEntry>,
}

/// A member's holdings as of a date, for a caller already authorised.
pub(crate) async fn holdings_in(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    as_of: NaiveDate,
) -> AppResult<Holdings> {
    let currency = store::currency(conn, coop_id).await?;
    let classes = store::classes(conn, coop_id, currency).await?;
    let ledger = store::member_ledger(conn, coop_id, member_id).await?;
    let account = rules::account(&ledger, MemberId(member_id), as_of, currency).map_err(share_error)?;
    let mut subscriptions = Vec::new();
    for entry in &ledger {
        if let EntryKind::Subscribe {
            subscription,
            class,
            shares,
            amount,
            ..
        } = &entry.kind
        {
            let Ok(dues) = rules::subscription_dues(&ledger, *subscription, as_of) else {
                continue; // cancelled (reversed) subscriptions have no dues
            };
            subscriptions.push(SubscriptionLine {
                id: subscription.0,
                class: classes
                    .iter()
                    .find(|c| c.id == *class)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                shares: *shares,
                amount: *amount,
                date: entry.date,
                dues,
            });
        }
    }
    Ok(Holdings {
        account,
        subscriptions,
        entries: ledger,
    })
}

/// The co-op's capital as of a date, with every member's account; the totals are
/// checked to equal the sum of the accounts.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CapitalTotals)]
pub struct Totals {
    /// The co-op's totals.
    #[schema(value_type = Object)]
    pub totals: CoopTotals,
    /// Every member's account.
    #[schema(value_type = Vec<Object>)]
    pub accounts: Vec<CapitalAccount>,
}

/// The co-op's capital (treasurers and the register's keepers).
pub async fn totals(state: &AppState, scope: &InCoop, as_of: NaiveDate) -> AppResult<Totals> {
    if !scope.can(Action::ManageCapital) && !scope.can(Action::ViewMembers) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db::conn(&state.pool).await?;
    let currency = store::currency(&mut conn, scope.coop.id).await?;
    let ledger = store::ledger(&mut conn, scope.coop.id).await?;
    let totals = rules::coop_totals(&ledger, as_of, currency).map_err(share_error)?;
    let accounts = rules::members(&ledger)
        .into_iter()
        .map(|m| rules::account(&ledger, m, as_of, currency).map_err(share_error))
        .collect::<AppResult<Vec<_>>>()?;
    let sum = accounts
        .iter()
        .try_fold(Money::zero(currency), |sum, a| sum.checked_add(a.balance))
        .map_err(|e| AppError::internal(e.to_string()))?;
    if sum != totals.balance {
        return Err(AppError::internal(format!(
            "capital totals {} differ from the sum of the accounts {}",
            totals.balance, sum
        )));
    }
    Ok(Totals { totals, accounts })
}

/// Reminds the members of every co-op whom [`rules::instalment_reminder_due`] says
/// to remind today (the co-op's today) of the instalments of shares they owe, by
/// e-mail. Each is marked reminded in the transaction that queues the message, so
/// servers running this at once remind a member once. A co-op whose reminders fail
/// does not stop the others'; the first failure is answered after them. Answers the
/// reminders queued.
pub async fn remind(conn: &mut AsyncPgConnection, settings: &crate::config::Settings) -> AppResult<usize> {
    let mut sent = 0;
    let mut first_failure = None;
    for coop in crate::coops::store::all(conn).await? {
        match remind_in(conn, settings, &coop).await {
            Ok(n) => sent += n,
            Err(e) => {
                tracing::warn!(error = %e, coop = coop.slug, "instalment reminders");
                first_failure.get_or_insert(e);
            }
        }
    }
    match first_failure {
        Some(e) => Err(e),
        None => Ok(sent),
    }
}

async fn remind_in(
    conn: &mut AsyncPgConnection,
    settings: &crate::config::Settings,
    coop: &crate::coops::store::Coop,
) -> AppResult<usize> {
    use crate::web::i18n;
    let today = coop.today();
    let currency = store::currency(conn, coop.id).await?;
    let mut by_member: BTreeMap<MemberId, Vec<LedgerEntry>> = BTreeMap::new();
    for entry in store::ledger(conn, coop.id).await? {
        by_member.entry(entry.member).or_default().push(entry);
    }
    let last_reminded = store::last_instalment_reminders(conn, coop.id).await?;
    let mut sent = 0;
    for (member, entries) in by_member {
        let account = rules::account(&entries, member, today, currency).map_err(share_error)?;
        let last = last_reminded.get(&member.0).copied();
        if !rules::instalment_reminder_due(&account, last, today) {
            continue;
        }
        let Some((email, _name, locale_tag)) = members::address(conn, coop.id, member.0).await? else {
            continue;
        };
        let locale = crate::money::Locale::from_tag(&locale_tag).unwrap_or(crate::money::Locale::En);
        let (subject, body) = MailKind::InstalmentReminder.keys();
        let mail = crate::mail::Mail {
            to: email,
            subject: i18n::text_with(&locale_tag, subject, &[("coop", coop.name.clone())]),
            body: i18n::text_with(
                &locale_tag,
                body,
                &[
                    ("coop", coop.name.clone()),
                    ("due", account.due.format(locale)),
                    ("overdue", account.overdue.format(locale)),
                    ("link", format!("{}/c/{}/capital/me", settings.public_url, coop.slug)),
                ],
            ),
        };
        let reminded = conn
            .transaction(async |conn| {
                if !store::mark_instalment_reminder(conn, coop.id, member.0, last, today).await? {
                    return Ok::<_, AppError>(false);
                }
                crate::notifications::service::send(conn, Some(coop.id), MailKind::InstalmentReminder, mail).await?;
                Ok(true)
            })
            .await?;
        sent += usize::from(reminded);
    }
    Ok(sent)
}
