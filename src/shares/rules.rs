//! Share capital: share classes, subscriptions paid in instalments, and the
//! append-only capital ledger from which every balance is derived.
//!
//! Everything here is pure: no I/O, no clock, no randomness (identifiers are
//! passed in). A co-op's shares come in [`ShareClass`]es; a member subscribes
//! a number of shares of a class, possibly paid by instalments
//! ([`schedule`], [`dues`]). Every movement of capital is a [`LedgerEntry`]
//! that is appended and never changed: a correction is a
//! [`EntryKind::Reversal`] of an earlier entry.
//!
//! Before anything is written, the service builds the entries with the
//! functions that check them: [`subscribe`], [`record_payment`],
//! [`transfer`], [`redeem`], [`pay_redemption`], [`retain_patronage`] and
//! [`reverse`]. Each refuses with a [`ShareError`] saying which rule failed,
//! and each also checks that the new entries leave every later date of the
//! ledger consistent (a payment recorded late cannot unsettle a transfer
//! already made). Balances are never stored: [`account`] derives a member's
//! [`CapitalAccount`] and [`coop_totals`] the co-op's [`CoopTotals`], as of
//! any date, and the totals always equal the sum of the accounts.
//!
//! The rules, every refusal, and a worked example are in
//! `docs/rules/share-capital.md`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::membership::lifecycle::{MemberId, MemberState, MembershipPolicy};
use crate::money::{Currency, Money, MoneyError};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// The identity of a share class.
    ShareClassId
);
id_type!(
    /// The identity of a subscription (shared by its subscribe entry and its
    /// payments).
    SubscriptionId
);
id_type!(
    /// The identity of a transfer (shared by its two halves).
    TransferId
);
id_type!(
    /// The identity of a redemption (shared by its entry and its payments).
    RedemptionId
);
id_type!(
    /// The identity of one ledger entry.
    EntryId
);

/// Most instalments a plan may have.
pub const MAX_INSTALMENTS: u32 = 120;
/// Longest period between two instalments, in months.
pub const MAX_PERIOD_MONTHS: u32 = 12;
/// Longest name of a share class, in characters.
pub const MAX_CLASS_NAME: usize = 80;

/// How a subscription may be paid in instalments: `count` equal instalments
/// (to the cent), the first on the day of subscription and then one every
/// `period_months` months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstalmentPlan {
    /// Number of instalments, 2 to [`MAX_INSTALMENTS`].
    pub count: u32,
    /// Months between two instalments, 1 to [`MAX_PERIOD_MONTHS`] (3 is
    /// quarterly).
    pub period_months: u32,
}

impl InstalmentPlan {
    /// Checks the ranges of `count` and `period_months`.
    pub fn validate(&self) -> Result<(), ShareError> {
        if !(2..=MAX_INSTALMENTS).contains(&self.count) {
            return Err(ShareError::invalid_class(
                "instalments.count",
                format!("must be between 2 and {MAX_INSTALMENTS}, not {}", self.count),
            ));
        }
        if !(1..=MAX_PERIOD_MONTHS).contains(&self.period_months) {
            return Err(ShareError::invalid_class(
                "instalments.period_months",
                format!("must be between 1 and {MAX_PERIOD_MONTHS}, not {}", self.period_months),
            ));
        }
        Ok(())
    }
}

/// A class of shares of a co-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareClass {
    /// Identity.
    pub id: ShareClassId,
    /// Name shown to people; not blank, at most [`MAX_CLASS_NAME`] characters.
    pub name: String,
    /// Nominal value of one share; positive. Subscriptions, transfers and
    /// redemptions are all at par.
    pub par_value: Money,
    /// One fully paid share of this class is the qualifying (membership)
    /// share. At most one class of a co-op is qualifying.
    pub qualifying: bool,
    /// Most shares of this class one member may hold (subscribed, paid or
    /// not, plus received by transfer); `None` for no limit.
    pub max_per_member: Option<u32>,
    /// The instalment plan a subscriber may choose; `None`: paid at once.
    pub instalments: Option<InstalmentPlan>,
}

impl ShareClass {
    /// Checks one class: a name, a positive par value, a maximum of at least
    /// one share, a valid instalment plan.
    pub fn validate(&self) -> Result<(), ShareError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(ShareError::invalid_class("name", "must not be blank"));
        }
        if name.chars().count() > MAX_CLASS_NAME {
            return Err(ShareError::invalid_class(
                "name",
                format!("must be at most {MAX_CLASS_NAME} characters"),
            ));
        }
        if !self.par_value.is_positive() {
            return Err(ShareError::invalid_class("par_value", "must be more than zero"));
        }
        if self.max_per_member == Some(0) {
            return Err(ShareError::invalid_class(
                "max_per_member",
                "must be at least 1 (leave it empty for no limit)",
            ));
        }
        if let Some(plan) = &self.instalments {
            plan.validate()?;
        }
        Ok(())
    }

    /// The price of `shares` shares at par.
    pub fn price(&self, shares: u32) -> Result<Money, ShareError> {
        Ok(self.par_value.checked_mul(shares)?)
    }
}

/// Checks a co-op's classes together: each valid, identities and names (case
/// aside) unique, at most one qualifying class, all in one currency.
pub fn validate_classes(classes: &[ShareClass]) -> Result<(), ShareError> {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for c in classes {
        c.validate()?;
        if !ids.insert(c.id) {
            return Err(ShareError::invalid_class("id", format!("{} is used twice", c.id)));
        }
        if !names.insert(c.name.trim().to_lowercase()) {
            return Err(ShareError::invalid_class(
                "name",
                format!("{:?} is used twice", c.name.trim()),
            ));
        }
        if let Some(first) = classes.first() {
            first.par_value.same_currency(c.par_value)?;
        }
    }
    if classes.iter().filter(|c| c.qualifying).count() > 1 {
        return Err(ShareError::invalid_class(
            "qualifying",
            "at most one class may be the qualifying share",
        ));
    }
    Ok(())
}

/// One instalment of a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// The day it falls due.
    pub due: NaiveDate,
    /// The amount.
    pub amount: Money,
}

/// The instalments of a subscription of `total` made on `subscribed_on`.
///
/// Without a plan: one instalment of `total`, due on `subscribed_on`. With a
/// plan of `n` instalments every `p` months: instalment `k` (from 0) is due
/// `k × p` months after `subscribed_on` (clamped to the end of a shorter
/// month), and the amounts are `total / n` rounded down to the cent, the
/// first `r` instalments taking one cent more, where `r` is the number of
/// cents left over. So €100.00 in 3 is 33.34, 33.33, 33.33, and the amounts
/// always add up to exactly `total`. (A negative total is split the same way
/// by magnitude; a plan with a count of 0 is read as 1.)
pub fn schedule(subscribed_on: NaiveDate, total: Money, plan: Option<&InstalmentPlan>) -> Vec<Instalment> {
    let (count, period) = plan.map_or((1, 0), |p| (p.count.max(1), p.period_months));
    let cents = total.cents();
    let magnitude = cents.unsigned_abs();
    let base = magnitude / u64::from(count);
    let extra = magnitude % u64::from(count);
    let sign: i64 = if cents < 0 { -1 } else { 1 };
    (0..count)
        .map(|k| {
            let part = base + u64::from(u64::from(k) < extra);
            let due = subscribed_on
                .checked_add_months(Months::new(k * period))
                .unwrap_or(NaiveDate::MAX);
            let amount =
                Money::from_cents(sign * part as i64, total.currency()).expect("a part of an amount is within range");
            Instalment { due, amount }
        })
        .collect()
}

/// Where one instalment stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstalmentState {
    /// Fully paid.
    Paid,
    /// Falls due on a later date.
    Upcoming,
    /// Falls due on that very date and is not fully paid.
    Due,
    /// Fell due on an earlier date and is not fully paid.
    Overdue,
}

/// One instalment and what was paid against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalmentLine {
    /// The day it falls due.
    pub due: NaiveDate,
    /// Its amount.
    pub amount: Money,
    /// The part of it paid (payments go to the oldest instalment first).
    pub paid: Money,
    /// Where it stands.
    pub state: InstalmentState,
}

/// What is paid, due and overdue on a subscription as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dues {
    /// Each instalment.
    pub lines: Vec<InstalmentLine>,
    /// Paid up to the date.
    pub paid: Money,
    /// Fallen due on or before the date and not paid (includes `overdue`).
    pub due: Money,
    /// Fallen due before the date and not paid.
    pub overdue: Money,
    /// Not yet fallen due.
    pub upcoming: Money,
    /// The first instalment not fully paid, with the amount still to pay on it.
    pub next: Option<Instalment>,
}

/// What is due and overdue on `schedule` as of `as_of`, given the payments
/// made (date and amount; payments dated after `as_of` are ignored). Payments
/// settle the oldest instalment first; anything paid beyond the total is
/// ignored (the checks never let that happen).
pub fn dues(schedule: &[Instalment], payments: &[(NaiveDate, Money)], as_of: NaiveDate) -> Result<Dues, ShareError> {
    let currency = schedule
        .first()
        .map(|i| i.amount.currency())
        .or_else(|| payments.first().map(|p| p.1.currency()))
        .unwrap_or(Currency::Eur);
    let cur = |c: i64| Money::from_cents(c, currency);
    let mut available: i64 = 0;
    for (date, amount) in payments {
        amount.same_currency(cur(0)?)?;
        if *date <= as_of {
            available += amount.cents();
        }
    }
    let paid_total = available;
    let (mut due, mut overdue, mut upcoming) = (0i64, 0i64, 0i64);
    let mut next = None;
    let mut lines = Vec::with_capacity(schedule.len());
    for inst in schedule {
        inst.amount.same_currency(cur(0)?)?;
        let amount = inst.amount.cents();
        let paid = available.clamp(0, amount.max(0));
        available -= paid;
        let rest = amount - paid;
        let state = if rest <= 0 {
            InstalmentState::Paid
        } else if inst.due > as_of {
            upcoming += rest;
            InstalmentState::Upcoming
        } else if inst.due == as_of {
            due += rest;
            InstalmentState::Due
        } else {
            due += rest;
            overdue += rest;
            InstalmentState::Overdue
        };
        if rest > 0 && next.is_none() {
            next = Some(Instalment {
                due: inst.due,
                amount: cur(rest)?,
            });
        }
        lines.push(InstalmentLine {
            due: inst.due,
            amount: inst.amount,
            paid: cur(paid)?,
            state,
        });
    }
    Ok(Dues {
        lines,
        paid: cur(paid_total)?,
        due: cur(due)?,
        overdue: cur(overdue)?,
        upcoming: cur(upcoming)?,
        next,
    })
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Bank transfer.
    BankTransfer,
    /// Cash.
    Cash,
    /// Cheque.
    Cheque,
    /// Card.
    Card,
    /// Deducted from wages.
    PayrollDeduction,
    /// Anything else (say what in the reference).
    Other,
}

/// One movement of capital. Appended, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Identity.
    pub id: EntryId,
    /// Whose account it is on.
    pub member: MemberId,
    /// The date it takes effect (value date).
    pub date: NaiveDate,
    /// What it is.
    pub kind: EntryKind,
}

/// The kinds of ledger entry, with their data. Every amount is positive; the
/// kind says in which direction it moves the balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// The member commits to buy `shares` shares of `class` at par for
    /// `amount`, paid at once or by `plan` (a copy of the class's plan as it
    /// was on the day).
    Subscribe {
        /// The subscription.
        subscription: SubscriptionId,
        /// The class.
        class: ShareClassId,
        /// Number of shares.
        shares: u32,
        /// `shares × par`.
        amount: Money,
        /// The instalment plan chosen, if any.
        plan: Option<InstalmentPlan>,
    },
    /// A payment against a subscription.
    Payment {
        /// The subscription paid.
        subscription: SubscriptionId,
        /// Its class.
        class: ShareClassId,
        /// Amount paid.
        amount: Money,
        /// How.
        method: PaymentMethod,
        /// Bank or receipt reference; unique among payments not reversed.
        reference: Option<String>,
    },
    /// Fully paid shares leave the seller (paired with a
    /// [`EntryKind::TransferIn`] of the same `transfer`).
    TransferOut {
        /// The transfer.
        transfer: TransferId,
        /// The class.
        class: ShareClassId,
        /// The buyer.
        to: MemberId,
        /// Number of shares.
        shares: u32,
        /// `shares × par`.
        amount: Money,
        /// Reference of the board's approval.
        decision_ref: String,
    },
    /// Fully paid shares reach the buyer (paired with a
    /// [`EntryKind::TransferOut`]).
    TransferIn {
        /// The transfer.
        transfer: TransferId,
        /// The class.
        class: ShareClassId,
        /// The seller.
        from: MemberId,
        /// Number of shares.
        shares: u32,
        /// `shares × par`.
        amount: Money,
        /// Reference of the board's approval.
        decision_ref: String,
    },
    /// The co-op buys back fully paid shares at par; `amount` becomes payable
    /// to the member.
    Redemption {
        /// The redemption.
        redemption: RedemptionId,
        /// The class.
        class: ShareClassId,
        /// Number of shares.
        shares: u32,
        /// `shares × par`.
        amount: Money,
        /// Reference of the board's decision.
        decision_ref: String,
    },
    /// The co-op pays (part of) a redemption to the member.
    RedemptionPaid {
        /// The redemption paid.
        redemption: RedemptionId,
        /// Its class.
        class: ShareClassId,
        /// Amount paid.
        amount: Money,
        /// Bank or receipt reference.
        reference: Option<String>,
    },
    /// Patronage of a fiscal year retained in the member's capital account
    /// (written by a posted distribution).
    PatronageRetained {
        /// The fiscal year (the year it ends in).
        fiscal_year: i32,
        /// Amount retained.
        amount: Money,
    },
    /// A loss of a fiscal year charged to the member's capital account (written by
    /// a posted distribution whose rules allocate a loss to members): it takes
    /// `amount` from the retained patronage, never more than the retained balance
    /// ([`chargeable_loss`]); the co-op's reserve bears the rest.
    PatronageLoss {
        /// The fiscal year (the year it ends in).
        fiscal_year: i32,
        /// Amount charged, positive.
        amount: Money,
    },
    /// Retained patronage of a fiscal year redeemed under the co-op's revolving
    /// schedule (written by `patronage::service::redeem_retained`, its reference
    /// the distribution that retained it): it takes `amount` out of the retained
    /// patronage; the cash owed for it is a payable of that distribution.
    /// Reversed only with its payable (`patronage::service::reverse_redemption`).
    PatronageRedeemed {
        /// The fiscal year redeemed (the year it ends in).
        fiscal_year: i32,
        /// Amount redeemed, positive.
        amount: Money,
    },
    /// Cancels the effect of entry `of` from this entry's date on.
    /// Reversing a subscription cancels it.
    Reversal {
        /// The entry reversed.
        of: EntryId,
        /// Why; required.
        reason: String,
    },
}

impl EntryKind {
    /// The kind's name (`transfer_out`).
    pub fn name(&self) -> &'static str {
        match self {
            EntryKind::Subscribe { .. } => "subscribe",
            EntryKind::Payment { .. } => "payment",
            EntryKind::TransferOut { .. } => "transfer_out",
            EntryKind::TransferIn { .. } => "transfer_in",
            EntryKind::Redemption { .. } => "redemption",
            EntryKind::RedemptionPaid { .. } => "redemption_paid",
            EntryKind::PatronageRetained { .. } => "patronage_retained",
            EntryKind::PatronageLoss { .. } => "patronage_loss",
            EntryKind::PatronageRedeemed { .. } => "patronage_redeemed",
            EntryKind::Reversal { .. } => "reversal",
        }
    }

    /// The share class, for kinds that have one.
    pub fn class(&self) -> Option<ShareClassId> {
        match self {
            EntryKind::Subscribe { class, .. }
            | EntryKind::Payment { class, .. }
            | EntryKind::TransferOut { class, .. }
            | EntryKind::TransferIn { class, .. }
            | EntryKind::Redemption { class, .. }
            | EntryKind::RedemptionPaid { class, .. } => Some(*class),
            EntryKind::PatronageRetained { .. }
            | EntryKind::PatronageLoss { .. }
            | EntryKind::PatronageRedeemed { .. }
            | EntryKind::Reversal { .. } => None,
        }
    }

    /// The number of shares, for kinds that move shares.
    pub fn shares(&self) -> Option<u32> {
        match self {
            EntryKind::Subscribe { shares, .. }
            | EntryKind::TransferOut { shares, .. }
            | EntryKind::TransferIn { shares, .. }
            | EntryKind::Redemption { shares, .. } => Some(*shares),
            _ => None,
        }
    }

    /// The amount, for every kind but a reversal.
    pub fn amount(&self) -> Option<Money> {
        match self {
            EntryKind::Subscribe { amount, .. }
            | EntryKind::Payment { amount, .. }
            | EntryKind::TransferOut { amount, .. }
            | EntryKind::TransferIn { amount, .. }
            | EntryKind::Redemption { amount, .. }
            | EntryKind::RedemptionPaid { amount, .. }
            | EntryKind::PatronageRetained { amount, .. }
            | EntryKind::PatronageLoss { amount, .. }
            | EntryKind::PatronageRedeemed { amount, .. } => Some(*amount),
            EntryKind::Reversal { .. } => None,
        }
    }
}

/// Which party of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The member giving the shares.
    Seller,
    /// The member receiving them.
    Buyer,
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Party::Seller => "seller",
            Party::Buyer => "buyer",
        })
    }
}

/// A state a ledger must never reach on any date; reported when new entries
/// would make a later date of the ledger inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Violation {
    /// A member would have given away or redeemed more fully paid shares of a
    /// class than they had.
    #[error("{member} would hold {shares} fully paid shares of class {class}")]
    NegativeHolding {
        /// The member.
        member: MemberId,
        /// The class.
        class: ShareClassId,
        /// The (negative) count.
        shares: i64,
    },
    /// A member would hold more shares of a class than its maximum.
    #[error("{member} would hold {shares} shares of class {class}, more than the maximum of {max}")]
    OverMaximum {
        /// The member.
        member: MemberId,
        /// The class.
        class: ShareClassId,
        /// Shares held.
        shares: i64,
        /// The maximum.
        max: u32,
    },
    /// Payments on a subscription would exceed its amount.
    #[error("subscription {subscription} would be paid more than its amount")]
    OverPaid {
        /// The subscription.
        subscription: SubscriptionId,
    },
    /// A payment would stand against a subscription that does not exist yet
    /// or is cancelled.
    #[error("a payment would stand against subscription {subscription}, which is cancelled or not yet made")]
    PaymentWithoutSubscription {
        /// The subscription.
        subscription: SubscriptionId,
    },
    /// Payments of a redemption would exceed its amount or stand without it.
    #[error("redemption {redemption} would be paid more than its amount, or paid when cancelled")]
    RedemptionOverPaid {
        /// The redemption.
        redemption: RedemptionId,
    },
    /// Retained patronage would be negative.
    #[error("{member}'s retained patronage would be negative")]
    NegativeRetained {
        /// The member.
        member: MemberId,
    },
}
impl Violation {
    /// The stable code of this broken state (`locales/*/errors.ftl`), with
    /// [`Violation::args`].
    pub fn code(&self) -> &'static str {
        match self {
            Violation::NegativeHolding { .. } => "error-share-violation-negative-holding",
            Violation::OverMaximum { .. } => "error-share-violation-over-maximum",
            Violation::OverPaid { .. } => "error-share-violation-over-paid",
            Violation::PaymentWithoutSubscription { .. } => "error-share-violation-payment-without-subscription",
            Violation::RedemptionOverPaid { .. } => "error-share-violation-redemption-over-paid",
            Violation::NegativeRetained { .. } => "error-share-violation-negative-retained",
        }
    }

    /// The figures of the message named by [`Violation::code`].
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Violation::NegativeHolding { member, class, shares } => {
                vec![
                    ("member", member.to_string()),
                    ("class", class.to_string()),
                    ("shares", shares.to_string()),
                ]
            }
            Violation::OverMaximum {
                member,
                class,
                shares,
                max,
            } => vec![
                ("member", member.to_string()),
                ("class", class.to_string()),
                ("shares", shares.to_string()),
                ("max", max.to_string()),
            ],
            Violation::OverPaid { subscription } | Violation::PaymentWithoutSubscription { subscription } => {
                vec![("subscription", subscription.to_string())]
            }
            Violation::RedemptionOverPaid { redemption } => vec![("redemption", redemption.to_string())],
            Violation::NegativeRetained { member } => vec![("member", member.to_string())],
        }
    }
}

/// Why an operation on share capital was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ShareError {
    /// A share class is invalid.
    #[error("share class {field}: {reason}")]
    InvalidClass {
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// An amount is invalid (currency, range).
    #[error("{source}")]
    Money {
        /// The money error.
        #[from]
        source: MoneyError,
    },
    /// An amount that must be positive is zero or negative.
    #[error("the amount must be more than zero")]
    NotPositive,
    /// A number of shares of zero.
    #[error("the number of shares must be at least 1")]
    NoShares,
    /// An entry or operation identifier is already in the ledger.
    #[error("identifier {id} is already used in the ledger")]
    DuplicateId {
        /// The identifier.
        id: Uuid,
    },
    /// The class given is not the one of the subscription, transfer or
    /// redemption.
    #[error("the operation is on class {found}, not on class {expected}")]
    WrongClass {
        /// The class of the operation.
        expected: ShareClassId,
        /// The class given.
        found: ShareClassId,
    },
    /// A class needed for the check was not given.
    #[error("share class {class} is unknown")]
    UnknownClass {
        /// The class.
        class: ShareClassId,
    },
    /// Instalments were asked for on a class paid at once.
    #[error("shares of this class must be paid at once: the class has no instalment plan")]
    NoInstalmentPlan,
    /// The member would hold more shares of the class than its maximum.
    #[error("a member may hold at most {max} shares of this class; holds {held}, asked for {requested}")]
    MaxPerMember {
        /// The class maximum.
        max: u32,
        /// Shares held on the date.
        held: u64,
        /// Shares asked for.
        requested: u32,
    },
    /// No subscription with this identifier.
    #[error("subscription {subscription} does not exist")]
    UnknownSubscription {
        /// The subscription.
        subscription: SubscriptionId,
    },
    /// The subscription was cancelled.
    #[error("subscription {subscription} is cancelled")]
    SubscriptionCancelled {
        /// The subscription.
        subscription: SubscriptionId,
    },
    /// The subscription is already fully paid.
    #[error("subscription {subscription} is already fully paid")]
    SubscriptionFullyPaid {
        /// The subscription.
        subscription: SubscriptionId,
    },
    /// A payment larger than what remains to pay.
    #[error("the payment of {amount} is more than the {remaining} that remains to pay")]
    Overpayment {
        /// Still to pay.
        remaining: Money,
        /// The payment offered.
        amount: Money,
    },
    /// A date before the entry it depends on.
    #[error("the date {date} is before the {what} it applies to ({earliest})")]
    DateTooEarly {
        /// What it depends on (`subscription`, `redemption`, `entry`).
        what: String,
        /// The date given.
        date: NaiveDate,
        /// The earliest date allowed.
        earliest: NaiveDate,
    },
    /// The payment reference is already on a payment that stands.
    #[error("a payment with reference {reference:?} is already recorded")]
    DuplicateReference {
        /// The reference.
        reference: String,
    },
    /// A transfer from a member to themself.
    #[error("a member cannot transfer shares to themself")]
    SameMember,
    /// A redemption of retained patronage is reversed with the cash it owes, by
    /// the patronage module, not as a lone capital entry.
    #[error("a redemption of retained patronage is reversed from the retained patronage page, with its payable")]
    RedeemedPatronage,
    /// A party of a transfer is not in good standing.
    #[error("the {party} of a transfer must be a member in good standing")]
    NotInGoodStanding {
        /// Which party.
        party: Party,
    },
    /// A board decision reference is required.
    #[error("the reference of the board's decision is required")]
    MissingDecisionRef,
    /// A reason is required.
    #[error("a reason is required")]
    MissingReason,
    /// A member recording their own subscription dated another day than today.
    #[error("your own subscription is dated today ({today}); only a treasurer may record another date")]
    NotToday {
        /// Today, where the co-op is.
        today: NaiveDate,
    },
    /// An officer's subscription dated in the future.
    #[error("a subscription cannot be dated after today ({today})")]
    InTheFuture {
        /// Today, where the co-op is.
        today: NaiveDate,
    },
    /// An officer's subscription dated in a fiscal year whose books are closed.
    #[error("the books are closed until {closed_until}: date the subscription {open_from} or later")]
    BooksClosed {
        /// The last day of the latest closed fiscal year.
        closed_until: NaiveDate,
        /// The first day that may still be written.
        open_from: NaiveDate,
    },
    /// An officer's back-dated subscription without a reason.
    #[error("say why the subscription is dated before today")]
    BackdatedWithoutReason,
    /// Not enough fully paid shares to transfer or redeem.
    #[error("only {available} fully paid shares of this class are held; {requested} asked for")]
    NotEnoughPaidShares {
        /// Fully paid shares held on the date.
        available: u64,
        /// Shares asked for.
        requested: u32,
    },
    /// Redemptions are held (until the year's accounts are approved).
    #[error("redemptions are on hold until the year's accounts are approved")]
    RedemptionHeld,
    /// The redemption would take the co-op's paid-up capital below its floor.
    #[error("the redemption would take the co-op's capital to {capital_after}, below its floor of {floor}")]
    BelowCapitalFloor {
        /// Paid-up capital after the redemption.
        capital_after: Money,
        /// The floor.
        floor: Money,
    },
    /// No redemption with this identifier.
    #[error("redemption {redemption} does not exist")]
    UnknownRedemption {
        /// The redemption.
        redemption: RedemptionId,
    },
    /// The redemption was cancelled.
    #[error("redemption {redemption} is cancelled")]
    RedemptionCancelled {
        /// The redemption.
        redemption: RedemptionId,
    },
    /// The redemption is already paid in full.
    #[error("redemption {redemption} is already paid in full")]
    RedemptionFullyPaid {
        /// The redemption.
        redemption: RedemptionId,
    },
    /// A redemption payment larger than what remains payable.
    #[error("the payment of {amount} is more than the {remaining} still payable")]
    RedemptionOverpayment {
        /// Still payable.
        remaining: Money,
        /// The payment offered.
        amount: Money,
    },
    /// No entry with this identifier.
    #[error("entry {id} does not exist")]
    UnknownEntry {
        /// The entry.
        id: EntryId,
    },
    /// The entry is already reversed.
    #[error("entry {id} is already reversed")]
    AlreadyReversed {
        /// The entry.
        id: EntryId,
    },
    /// A reversal cannot itself be reversed: record the original again.
    #[error("a reversal cannot be reversed; record the original entry again instead")]
    CannotReverseReversal,
    /// A subscription with payments standing cannot be cancelled.
    #[error("the subscription has {payments} payments standing; reverse (refund) them first")]
    SubscriptionHasPayments {
        /// Payments standing.
        payments: usize,
    },
    /// A redemption with payments standing cannot be reversed.
    #[error("the redemption has {payments} payments standing; reverse them first")]
    RedemptionHasPayments {
        /// Payments standing.
        payments: usize,
    },
    /// The reversal would leave the ledger inconsistent on a date.
    #[error("the reversal would break the ledger on {date}: {problem}")]
    ReversalWouldBreak {
        /// The first date broken.
        date: NaiveDate,
        /// What would break.
        problem: Violation,
    },
    /// The new entry is consistent on its date but not with later entries.
    #[error("the entry conflicts with later entries: on {date}, {problem}")]
    ConflictsWithLaterEntries {
        /// The first date broken.
        date: NaiveDate,
        /// What would break.
        problem: Violation,
    },
    /// The ledger itself is inconsistent (a balance below zero): it was
    /// written without these checks.
    #[error("the ledger is inconsistent: {reason}")]
    InconsistentLedger {
        /// What is wrong.
        reason: String,
    },
}

impl ShareError {
    /// The stable code of this refusal: the Fluent message that puts it into words
    /// (`locales/*/errors.ftl`), with [`ShareError::args`].
    pub fn code(&self) -> &'static str {
        match self {
            ShareError::InvalidClass { .. } => "error-share-invalid-class",
            ShareError::Money { source } => source.code(),
            ShareError::NotPositive => "error-share-not-positive",
            ShareError::NoShares => "error-share-no-shares",
            ShareError::DuplicateId { .. } => "error-share-duplicate-id",
            ShareError::WrongClass { .. } => "error-share-wrong-class",
            ShareError::UnknownClass { .. } => "error-share-unknown-class",
            ShareError::NoInstalmentPlan => "error-share-no-instalment-plan",
            ShareError::MaxPerMember { .. } => "error-share-max-per-member",
            ShareError::UnknownSubscription { .. } => "error-share-unknown-subscription",
            ShareError::SubscriptionCancelled { .. } => "error-share-subscription-cancelled",
            ShareError::SubscriptionFullyPaid { .. } => "error-share-subscription-fully-paid",
            ShareError::Overpayment { .. } => "error-share-overpayment",
            ShareError::DateTooEarly { .. } => "error-share-date-too-early",
            ShareError::DuplicateReference { .. } => "error-share-duplicate-reference",
            ShareError::SameMember => "error-share-same-member",
            ShareError::RedeemedPatronage => "error-share-redeemed-patronage",
            ShareError::NotInGoodStanding { .. } => "error-share-not-in-good-standing",
            ShareError::MissingDecisionRef => "error-share-missing-decision-ref",
            ShareError::MissingReason => "error-share-missing-reason",
            ShareError::NotToday { .. } => "error-share-not-today",
            ShareError::InTheFuture { .. } => "error-share-in-the-future",
            ShareError::BooksClosed { .. } => "error-share-books-closed",
            ShareError::BackdatedWithoutReason => "error-share-backdated-without-reason",
            ShareError::NotEnoughPaidShares { .. } => "error-share-not-enough-paid-shares",
            ShareError::RedemptionHeld => "error-share-redemption-held",
            ShareError::BelowCapitalFloor { .. } => "error-share-below-capital-floor",
            ShareError::UnknownRedemption { .. } => "error-share-unknown-redemption",
            ShareError::RedemptionCancelled { .. } => "error-share-redemption-cancelled",
            ShareError::RedemptionFullyPaid { .. } => "error-share-redemption-fully-paid",
            ShareError::RedemptionOverpayment { .. } => "error-share-redemption-overpayment",
            ShareError::UnknownEntry { .. } => "error-share-unknown-entry",
            ShareError::AlreadyReversed { .. } => "error-share-already-reversed",
            ShareError::CannotReverseReversal => "error-share-cannot-reverse-reversal",
            ShareError::SubscriptionHasPayments { .. } => "error-share-subscription-has-payments",
            ShareError::RedemptionHasPayments { .. } => "error-share-redemption-has-payments",
            ShareError::ReversalWouldBreak { .. } => "error-share-reversal-would-break",
            ShareError::ConflictsWithLaterEntries { .. } => "error-share-conflicts-with-later-entries",
            ShareError::InconsistentLedger { .. } => "error-share-inconsistent-ledger",
        }
    }

    /// The figures of the message named by [`ShareError::code`], amounts written by
    /// `money` (the caller's language decides how). The `problem` of an entry or a
    /// reversal that would break the ledger is its [`Violation`], put into words by
    /// its own code.
    pub fn args(&self, money: impl Fn(&Money) -> String) -> Vec<(&'static str, String)> {
        let text = |value: &dyn fmt::Display| value.to_string();
        match self {
            ShareError::InvalidClass { field, reason } => vec![("field", field.clone()), ("reason", reason.clone())],
            ShareError::Money { source } => source.args(),
            ShareError::DuplicateId { id } => vec![("id", text(id))],
            ShareError::WrongClass { expected, found } => vec![("expected", text(expected)), ("found", text(found))],
            ShareError::UnknownClass { class } => vec![("class", text(class))],
            ShareError::MaxPerMember { max, held, requested } => {
                vec![("max", text(max)), ("held", text(held)), ("requested", text(requested))]
            }
            ShareError::UnknownSubscription { subscription }
            | ShareError::SubscriptionCancelled { subscription }
            | ShareError::SubscriptionFullyPaid { subscription } => vec![("subscription", text(subscription))],
            ShareError::Overpayment { remaining, amount } | ShareError::RedemptionOverpayment { remaining, amount } => {
                vec![("remaining", money(remaining)), ("amount", money(amount))]
            }
            ShareError::DateTooEarly { what, date, earliest } => {
                vec![
                    ("what", what.clone()),
                    ("date", text(date)),
                    ("earliest", text(earliest)),
                ]
            }
            ShareError::DuplicateReference { reference } => vec![("reference", reference.clone())],
            ShareError::NotInGoodStanding { party } => vec![("party", text(party))],
            ShareError::NotToday { today } | ShareError::InTheFuture { today } => vec![("today", text(today))],
            ShareError::BooksClosed {
                closed_until,
                open_from,
            } => {
                vec![("closed_until", text(closed_until)), ("open_from", text(open_from))]
            }
            ShareError::NotEnoughPaidShares { available, requested } => {
                vec![("available", text(available)), ("requested", text(requested))]
            }
            ShareError::BelowCapitalFloor { capital_after, floor } => {
                vec![("capital_after", money(capital_after)), ("floor", money(floor))]
            }
            ShareError::UnknownRedemption { redemption }
            | ShareError::RedemptionCancelled { redemption }
            | ShareError::RedemptionFullyPaid { redemption } => vec![("redemption", text(redemption))],
            ShareError::UnknownEntry { id } | ShareError::AlreadyReversed { id } => vec![("id", text(id))],
            ShareError::SubscriptionHasPayments { payments } | ShareError::RedemptionHasPayments { payments } => {
                vec![("payments", text(payments))]
            }
            ShareError::ReversalWouldBreak { date, .. } | ShareError::ConflictsWithLaterEntries { date, .. } => {
                vec![("date", text(date))]
            }
            ShareError::InconsistentLedger { reason } => vec![("reason", reason.clone())],
            ShareError::NotPositive
            | ShareError::NoShares
            | ShareError::NoInstalmentPlan
            | ShareError::SameMember
            | ShareError::RedeemedPatronage
            | ShareError::MissingDecisionRef
            | ShareError::MissingReason
            | ShareError::BackdatedWithoutReason
            | ShareError::RedemptionHeld
            | ShareError::CannotReverseReversal => Vec::new(),
        }
    }

    fn invalid_class(field: &str, reason: impl Into<String>) -> Self {
        ShareError::InvalidClass {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

// ---------------------------------------------------------------------------
// Derivation: what stands on a date.

/// Entries that stand on `as_of`: dated on or before it, not reversals, and
/// not reversed by a reversal dated on or before it.
fn live(entries: &[LedgerEntry], as_of: NaiveDate) -> impl Iterator<Item = &LedgerEntry> {
    let reversed: HashSet<EntryId> = entries
        .iter()
        .filter(|e| e.date <= as_of)
        .filter_map(|e| match &e.kind {
            EntryKind::Reversal { of, .. } => Some(*of),
            _ => None,
        })
        .collect();
    entries
        .iter()
        .filter(move |e| e.date <= as_of && !matches!(e.kind, EntryKind::Reversal { .. }) && !reversed.contains(&e.id))
}

fn is_reversed(entries: &[LedgerEntry], id: EntryId) -> bool {
    entries
        .iter()
        .any(|e| matches!(&e.kind, EntryKind::Reversal { of, .. } if *of == id))
}

#[derive(Debug, Clone, Default)]
struct SubPos {
    member: Option<MemberId>,
    class: Option<ShareClassId>,
    date: Option<NaiveDate>,
    shares: i64,
    amount: i64,
    plan: Option<InstalmentPlan>,
    payments: Vec<(NaiveDate, i64)>,
    paid: i64,
}

impl SubPos {
    fn exists(&self) -> bool {
        self.date.is_some()
    }

    /// Shares covered by payments: ⌊paid × shares / amount⌋.
    fn fully_paid(&self) -> i64 {
        if self.amount <= 0 {
            return 0;
        }
        (i128::from(self.paid.max(0)) * i128::from(self.shares) / i128::from(self.amount)) as i64
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct ClassCounts {
    subscribed: i64,
    fully_paid_subscribed: i64,
    moved: i64,
}

impl ClassCounts {
    fn held(&self) -> i64 {
        self.subscribed + self.moved
    }
    fn fully_paid(&self) -> i64 {
        self.fully_paid_subscribed + self.moved
    }
}

#[derive(Debug, Clone, Default)]
struct Position {
    subs: BTreeMap<SubscriptionId, SubPos>,
    redemptions: BTreeMap<RedemptionId, (i64, i64)>,
    transfer_in: i64,
    transfer_out: i64,
    redeemed: i64,
    redemption_paid: i64,
    retained: i64,
    // Share movements (transfers, redemptions) per class, signed.
    moved: BTreeMap<ShareClassId, i64>,
}

impl Position {
    fn add(&mut self, e: &LedgerEntry) {
        match &e.kind {
            EntryKind::Subscribe {
                subscription,
                class,
                shares,
                amount,
                plan,
            } => {
                let s = self.subs.entry(*subscription).or_default();
                s.member = Some(e.member);
                s.class = Some(*class);
                s.date = Some(e.date);
                s.shares = i64::from(*shares);
                s.amount = amount.cents();
                s.plan = *plan;
            }
            EntryKind::Payment {
                subscription, amount, ..
            } => {
                let s = self.subs.entry(*subscription).or_default();
                s.paid += amount.cents();
                s.payments.push((e.date, amount.cents()));
            }
            EntryKind::TransferOut {
                class, shares, amount, ..
            } => {
                *self.moved.entry(*class).or_default() -= i64::from(*shares);
                self.transfer_out += amount.cents();
            }
            EntryKind::TransferIn {
                class, shares, amount, ..
            } => {
                *self.moved.entry(*class).or_default() += i64::from(*shares);
                self.transfer_in += amount.cents();
            }
            EntryKind::Redemption {
                redemption,
                class,
                shares,
                amount,
                ..
            } => {
                *self.moved.entry(*class).or_default() -= i64::from(*shares);
                self.redeemed += amount.cents();
                self.redemptions.entry(*redemption).or_default().0 += amount.cents();
            }
            EntryKind::RedemptionPaid { redemption, amount, .. } => {
                self.redemption_paid += amount.cents();
                self.redemptions.entry(*redemption).or_default().1 += amount.cents();
            }
            EntryKind::PatronageRetained { amount, .. } => self.retained += amount.cents(),
            EntryKind::PatronageLoss { amount, .. } | EntryKind::PatronageRedeemed { amount, .. } => {
                self.retained -= amount.cents()
            }
            EntryKind::Reversal { .. } => {}
        }
    }

    fn classes(&self) -> BTreeMap<ShareClassId, ClassCounts> {
        let mut out: BTreeMap<ShareClassId, ClassCounts> = BTreeMap::new();
        for s in self.subs.values().filter(|s| s.exists()) {
            let c = out.entry(s.class.expect("a subscription has a class")).or_default();
            c.subscribed += s.shares;
            c.fully_paid_subscribed += s.fully_paid();
        }
        for (class, moved) in &self.moved {
            out.entry(*class).or_default().moved += moved;
        }
        out
    }

    fn class(&self, class: ShareClassId) -> ClassCounts {
        self.classes().get(&class).copied().unwrap_or_default()
    }

    fn subscribed(&self) -> i64 {
        self.subs.values().filter(|s| s.exists()).map(|s| s.amount).sum()
    }

    fn paid(&self) -> i64 {
        self.subs.values().map(|s| s.paid).sum()
    }

    /// Paid-up share capital: paid + transferred in − out − redeemed.
    fn paid_up(&self) -> i64 {
        self.paid() + self.transfer_in - self.transfer_out - self.redeemed
    }

    /// The first thing wrong with this position, if any.
    fn violation(&self, member: MemberId, maxima: &BTreeMap<ShareClassId, u32>) -> Option<Violation> {
        for (id, s) in &self.subs {
            if !s.exists() && s.paid != 0 {
                return Some(Violation::PaymentWithoutSubscription { subscription: *id });
            }
            if s.paid > s.amount {
                return Some(Violation::OverPaid { subscription: *id });
            }
        }
        for (class, counts) in self.classes() {
            if counts.fully_paid() < 0 {
                return Some(Violation::NegativeHolding {
                    member,
                    class,
                    shares: counts.fully_paid(),
                });
            }
            if let Some(max) = maxima.get(&class) {
                if counts.held() > i64::from(*max) {
                    return Some(Violation::OverMaximum {
                        member,
                        class,
                        shares: counts.held(),
                        max: *max,
                    });
                }
            }
        }
        for (id, (amount, paid)) in &self.redemptions {
            if paid > amount {
                return Some(Violation::RedemptionOverPaid { redemption: *id });
            }
        }
        if self.retained < 0 {
            return Some(Violation::NegativeRetained { member });
        }
        None
    }
}

fn position(entries: &[LedgerEntry], member: MemberId, as_of: NaiveDate) -> Position {
    let mut p = Position::default();
    for e in live(entries, as_of).filter(|e| e.member == member) {
        p.add(e);
    }
    p
}

/// Checks that `member`'s position is sound on `from` and on every later date
/// on which one of their entries takes effect.
fn check_timeline(
    entries: &[LedgerEntry],
    member: MemberId,
    from: NaiveDate,
    maxima: &BTreeMap<ShareClassId, u32>,
) -> Result<(), (NaiveDate, Violation)> {
    let dates: BTreeSet<NaiveDate> = std::iter::once(from)
        .chain(
            entries
                .iter()
                .filter(|e| e.member == member && e.date >= from)
                .map(|e| e.date),
        )
        .collect();
    for date in dates {
        if let Some(v) = position(entries, member, date).violation(member, maxima) {
            return Err((date, v));
        }
    }
    Ok(())
}

fn check_new_entries(
    ledger: &[LedgerEntry],
    new: &[LedgerEntry],
    maxima: &BTreeMap<ShareClassId, u32>,
    wrap: fn(NaiveDate, Violation) -> ShareError,
) -> Result<(), ShareError> {
    let mut all = ledger.to_vec();
    all.extend(new.iter().cloned());
    let members: BTreeSet<MemberId> = new.iter().map(|e| e.member).collect();
    for member in members {
        let from = new
            .iter()
            .filter(|e| e.member == member)
            .map(|e| e.date)
            .min()
            .expect("one entry");
        check_timeline(&all, member, from, maxima).map_err(|(d, v)| wrap(d, v))?;
    }
    Ok(())
}

fn later(date: NaiveDate, problem: Violation) -> ShareError {
    ShareError::ConflictsWithLaterEntries { date, problem }
}

fn maxima_of(class: &ShareClass) -> BTreeMap<ShareClassId, u32> {
    class.max_per_member.map(|m| (class.id, m)).into_iter().collect()
}

fn ledger_currency(ledger: &[LedgerEntry]) -> Option<Currency> {
    ledger.iter().find_map(|e| e.kind.amount()).map(|m| m.currency())
}

fn check_currency(ledger: &[LedgerEntry], amount: Money) -> Result<(), ShareError> {
    if let Some(c) = ledger_currency(ledger) {
        Money::zero(c).same_currency(amount)?;
    }
    Ok(())
}

fn check_new_id(ledger: &[LedgerEntry], id: EntryId) -> Result<(), ShareError> {
    if ledger.iter().any(|e| e.id == id) {
        return Err(ShareError::DuplicateId { id: id.0 });
    }
    Ok(())
}

fn non_blank(s: &str, missing: ShareError) -> Result<String, ShareError> {
    let t = s.trim();
    if t.is_empty() {
        Err(missing)
    } else {
        Ok(t.to_string())
    }
}

fn positive(amount: Money) -> Result<(), ShareError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(ShareError::NotPositive)
    }
}

fn clean_reference(reference: &Option<String>) -> Option<String> {
    reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

// ---------------------------------------------------------------------------
// Operations: each checks, then returns the entries to append.

/// Checks the date of a subscription a member records for themself: today, where the
/// co-op is. A back-dated (or future) subscription changes what the member held on
/// past dates — the qualifying share, the capital a return is paid on — which is the
/// treasurer's to record, not the member's.
pub fn own_subscription_date(date: NaiveDate, today: NaiveDate) -> Result<(), ShareError> {
    if date == today {
        Ok(())
    } else {
        Err(ShareError::NotToday { today })
    }
}

/// Checks the date of a subscription an officer records: from the first day the books
/// are still open (the day after the latest closed fiscal year, `closed_until`) to
/// today, and with a reason when it is not today. A closed year's distribution was
/// computed from the capital held in it; a subscription written into it would change
/// what members held after the co-op had accounted for it. Before any year is closed,
/// the co-op's earlier history may be recorded (with its reason).
pub fn officer_subscription_date(
    date: NaiveDate,
    today: NaiveDate,
    closed_until: Option<NaiveDate>,
    reason: Option<&str>,
) -> Result<(), ShareError> {
    if date > today {
        return Err(ShareError::InTheFuture { today });
    }
    in_open_books(date, closed_until)?;
    if date < today && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(ShareError::BackdatedWithoutReason);
    }
    Ok(())
}

/// Checks that `date` falls in books still open: after `closed_until`, the last day of
/// the latest closed fiscal year (any date while none is closed).
pub fn in_open_books(date: NaiveDate, closed_until: Option<NaiveDate>) -> Result<(), ShareError> {
    match closed_until.filter(|&closed| date <= closed) {
        Some(closed_until) => Err(ShareError::BooksClosed {
            closed_until,
            open_from: closed_until.succ_opt().unwrap_or(closed_until),
        }),
        None => Ok(()),
    }
}

/// A member subscribes shares of a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeRequest {
    /// Identity of the new entry.
    pub id: EntryId,
    /// Identity of the new subscription.
    pub subscription: SubscriptionId,
    /// The subscriber.
    pub member: MemberId,
    /// Date of the subscription (first instalment due that day).
    pub date: NaiveDate,
    /// Number of shares, at least 1.
    pub shares: u32,
    /// Pay by the class's instalment plan rather than at once.
    pub in_instalments: bool,
}

/// Checks and builds a [`EntryKind::Subscribe`] entry for `shares × par`.
/// Refused: no shares, instalments on a class without a plan, the class
/// maximum exceeded (counting every share held on the date, paid or not),
/// an identifier already used, an amount out of range.
pub fn subscribe(
    ledger: &[LedgerEntry],
    class: &ShareClass,
    req: &SubscribeRequest,
) -> Result<LedgerEntry, ShareError> {
    check_new_id(ledger, req.id)?;
    if ledger
        .iter()
        .any(|e| matches!(&e.kind, EntryKind::Subscribe { subscription, .. } if *subscription == req.subscription))
    {
        return Err(ShareError::DuplicateId { id: req.subscription.0 });
    }
    if req.shares == 0 {
        return Err(ShareError::NoShares);
    }
    let plan = match (req.in_instalments, class.instalments) {
        (true, None) => return Err(ShareError::NoInstalmentPlan),
        (true, plan) => plan,
        (false, _) => None,
    };
    let amount = class.price(req.shares)?;
    check_currency(ledger, amount)?;
    if let Some(max) = class.max_per_member {
        let held = position(ledger, req.member, req.date).class(class.id).held().max(0) as u64;
        if held + u64::from(req.shares) > u64::from(max) {
            return Err(ShareError::MaxPerMember {
                max,
                held,
                requested: req.shares,
            });
        }
    }
    let entry = LedgerEntry {
        id: req.id,
        member: req.member,
        date: req.date,
        kind: EntryKind::Subscribe {
            subscription: req.subscription,
            class: class.id,
            shares: req.shares,
            amount,
            plan,
        },
    };
    check_new_entries(ledger, std::slice::from_ref(&entry), &maxima_of(class), later)?;
    Ok(entry)
}

/// A payment against a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    /// Identity of the new entry.
    pub id: EntryId,
    /// The subscription paid.
    pub subscription: SubscriptionId,
    /// Date the money was received.
    pub date: NaiveDate,
    /// Amount, positive.
    pub amount: Money,
    /// How.
    pub method: PaymentMethod,
    /// Bank or receipt reference (blank is none).
    pub reference: Option<String>,
}

/// Checks and builds a [`EntryKind::Payment`] entry on the subscriber's
/// account. Refused: a non-positive amount or another currency; an unknown
/// subscription, one of another class, a cancelled one (its subscribe entry
/// reversed), one already fully paid; more than what remains to pay
/// (counting every payment standing, whatever its date); a date before the
/// subscription; a reference already on a payment that stands.
pub fn record_payment(
    ledger: &[LedgerEntry],
    class: &ShareClass,
    req: &PaymentRequest,
) -> Result<LedgerEntry, ShareError> {
    check_new_id(ledger, req.id)?;
    positive(req.amount)?;
    class.par_value.same_currency(req.amount)?;
    check_currency(ledger, req.amount)?;
    let sub = ledger
        .iter()
        .find(|e| matches!(&e.kind, EntryKind::Subscribe { subscription, .. } if *subscription == req.subscription))
        .ok_or(ShareError::UnknownSubscription {
            subscription: req.subscription,
        })?;
    let EntryKind::Subscribe {
        class: sub_class,
        amount: sub_amount,
        ..
    } = &sub.kind
    else {
        unreachable!("found by kind")
    };
    if *sub_class != class.id {
        return Err(ShareError::WrongClass {
            expected: *sub_class,
            found: class.id,
        });
    }
    if is_reversed(ledger, sub.id) {
        return Err(ShareError::SubscriptionCancelled {
            subscription: req.subscription,
        });
    }
    if req.date < sub.date {
        return Err(ShareError::DateTooEarly {
            what: "subscription".into(),
            date: req.date,
            earliest: sub.date,
        });
    }
    let paid: i64 = live(ledger, NaiveDate::MAX)
        .filter_map(|e| match &e.kind {
            EntryKind::Payment {
                subscription, amount, ..
            } if *subscription == req.subscription => Some(amount.cents()),
            _ => None,
        })
        .sum();
    let remaining = sub_amount.cents() - paid;
    if remaining <= 0 {
        return Err(ShareError::SubscriptionFullyPaid {
            subscription: req.subscription,
        });
    }
    if req.amount.cents() > remaining {
        return Err(ShareError::Overpayment {
            remaining: Money::from_cents(remaining, req.amount.currency())?,
            amount: req.amount,
        });
    }
    let reference = clean_reference(&req.reference);
    if let Some(r) = &reference {
        let taken = live(ledger, NaiveDate::MAX)
            .any(|e| matches!(&e.kind, EntryKind::Payment { reference: Some(other), .. } if other.trim() == r));
        if taken {
            return Err(ShareError::DuplicateReference { reference: r.clone() });
        }
    }
    let entry = LedgerEntry {
        id: req.id,
        member: sub.member,
        date: req.date,
        kind: EntryKind::Payment {
            subscription: req.subscription,
            class: class.id,
            amount: req.amount,
            method: req.method,
            reference,
        },
    };
    check_new_entries(ledger, std::slice::from_ref(&entry), &maxima_of(class), later)?;
    Ok(entry)
}

/// A transfer of fully paid shares between two members, approved by the
/// board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    /// Identity of the seller's entry.
    pub out_id: EntryId,
    /// Identity of the buyer's entry.
    pub in_id: EntryId,
    /// Identity of the transfer.
    pub transfer: TransferId,
    /// The member giving the shares.
    pub seller: MemberId,
    /// The member receiving them.
    pub buyer: MemberId,
    /// Date of the transfer.
    pub date: NaiveDate,
    /// Number of shares, at least 1.
    pub shares: u32,
    /// Reference of the board's approval; required.
    pub decision_ref: String,
    /// The seller is in good standing on `date` (from
    /// `membership::lifecycle::in_good_standing`).
    pub seller_in_good_standing: bool,
    /// The buyer is in good standing on `date`.
    pub buyer_in_good_standing: bool,
}

/// Checks and builds the two halves of a transfer at par:
/// [`EntryKind::TransferOut`] on the seller's account and
/// [`EntryKind::TransferIn`] on the buyer's. Refused: no shares, a transfer to
/// oneself, no board decision, a party not in good standing, the seller
/// holding fewer fully paid shares of the class than asked on the date, the
/// buyer going over the class maximum, identifiers already used.
pub fn transfer(
    ledger: &[LedgerEntry],
    class: &ShareClass,
    req: &TransferRequest,
) -> Result<[LedgerEntry; 2], ShareError> {
    check_new_id(ledger, req.out_id)?;
    check_new_id(ledger, req.in_id)?;
    if req.out_id == req.in_id {
        return Err(ShareError::DuplicateId { id: req.in_id.0 });
    }
    if ledger.iter().any(|e| {
        matches!(&e.kind, EntryKind::TransferOut { transfer, .. } | EntryKind::TransferIn { transfer, .. }
            if *transfer == req.transfer)
    }) {
        return Err(ShareError::DuplicateId { id: req.transfer.0 });
    }
    if req.shares == 0 {
        return Err(ShareError::NoShares);
    }
    if req.seller == req.buyer {
        return Err(ShareError::SameMember);
    }
    let decision_ref = non_blank(&req.decision_ref, ShareError::MissingDecisionRef)?;
    if !req.seller_in_good_standing {
        return Err(ShareError::NotInGoodStanding { party: Party::Seller });
    }
    if !req.buyer_in_good_standing {
        return Err(ShareError::NotInGoodStanding { party: Party::Buyer });
    }
    let available = position(ledger, req.seller, req.date)
        .class(class.id)
        .fully_paid()
        .max(0) as u64;
    if available < u64::from(req.shares) {
        return Err(ShareError::NotEnoughPaidShares {
            available,
            requested: req.shares,
        });
    }
    if let Some(max) = class.max_per_member {
        let held = position(ledger, req.buyer, req.date).class(class.id).held().max(0) as u64;
        if held + u64::from(req.shares) > u64::from(max) {
            return Err(ShareError::MaxPerMember {
                max,
                held,
                requested: req.shares,
            });
        }
    }
    let amount = class.price(req.shares)?;
    check_currency(ledger, amount)?;
    let entries = [
        LedgerEntry {
            id: req.out_id,
            member: req.seller,
            date: req.date,
            kind: EntryKind::TransferOut {
                transfer: req.transfer,
                class: class.id,
                to: req.buyer,
                shares: req.shares,
                amount,
                decision_ref: decision_ref.clone(),
            },
        },
        LedgerEntry {
            id: req.in_id,
            member: req.buyer,
            date: req.date,
            kind: EntryKind::TransferIn {
                transfer: req.transfer,
                class: class.id,
                from: req.seller,
                shares: req.shares,
                amount,
                decision_ref,
            },
        },
    ];
    check_new_entries(ledger, &entries, &maxima_of(class), later)?;
    Ok(entries)
}

/// A redemption of fully paid shares at par, decided by the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionRequest {
    /// Identity of the new entry.
    pub id: EntryId,
    /// Identity of the redemption.
    pub redemption: RedemptionId,
    /// The member whose shares are redeemed.
    pub member: MemberId,
    /// Date of the decision; the shares leave the capital that day.
    pub date: NaiveDate,
    /// Number of shares, at least 1.
    pub shares: u32,
    /// Reference of the board's decision; required.
    pub decision_ref: String,
}

/// The co-op's rules on redemptions, passed in by the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionRules {
    /// The co-op's paid-up share capital may not fall below this amount.
    pub capital_floor: Money,
    /// Redemptions are held (e.g. until the year's accounts are approved).
    pub redemption_hold: bool,
}

/// Checks and builds a [`EntryKind::Redemption`] entry at par; the amount
/// becomes payable to the member. Refused: no shares, no board decision,
/// redemptions on hold, fewer fully paid shares of the class than asked on
/// the date, the co-op's paid-up capital falling below the floor (on the
/// date, or on the latest date of the ledger), identifiers already used.
pub fn redeem(
    ledger: &[LedgerEntry],
    class: &ShareClass,
    req: &RedemptionRequest,
    rules: &RedemptionRules,
) -> Result<LedgerEntry, ShareError> {
    check_new_id(ledger, req.id)?;
    if ledger
        .iter()
        .any(|e| matches!(&e.kind, EntryKind::Redemption { redemption, .. } if *redemption == req.redemption))
    {
        return Err(ShareError::DuplicateId { id: req.redemption.0 });
    }
    if req.shares == 0 {
        return Err(ShareError::NoShares);
    }
    let decision_ref = non_blank(&req.decision_ref, ShareError::MissingDecisionRef)?;
    if rules.redemption_hold {
        return Err(ShareError::RedemptionHeld);
    }
    let available = position(ledger, req.member, req.date)
        .class(class.id)
        .fully_paid()
        .max(0) as u64;
    if available < u64::from(req.shares) {
        return Err(ShareError::NotEnoughPaidShares {
            available,
            requested: req.shares,
        });
    }
    let amount = class.price(req.shares)?;
    check_currency(ledger, amount)?;
    class.par_value.same_currency(rules.capital_floor)?;
    let last = ledger.iter().map(|e| e.date).max().unwrap_or(req.date).max(req.date);
    for date in [req.date, last] {
        let capital = paid_up_capital(ledger, date) - amount.cents();
        if capital < rules.capital_floor.cents() {
            return Err(ShareError::BelowCapitalFloor {
                capital_after: Money::from_cents(capital, amount.currency())?,
                floor: rules.capital_floor,
            });
        }
    }
    let entry = LedgerEntry {
        id: req.id,
        member: req.member,
        date: req.date,
        kind: EntryKind::Redemption {
            redemption: req.redemption,
            class: class.id,
            shares: req.shares,
            amount,
            decision_ref,
        },
    };
    check_new_entries(ledger, std::slice::from_ref(&entry), &maxima_of(class), later)?;
    Ok(entry)
}

fn paid_up_capital(entries: &[LedgerEntry], as_of: NaiveDate) -> i64 {
    live(entries, as_of)
        .map(|e| match &e.kind {
            EntryKind::Payment { amount, .. } => amount.cents(),
            EntryKind::Redemption { amount, .. } => -amount.cents(),
            _ => 0,
        })
        .sum()
}

/// A payment of a redemption to the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionPaymentRequest {
    /// Identity of the new entry.
    pub id: EntryId,
    /// The redemption paid.
    pub redemption: RedemptionId,
    /// Date paid.
    pub date: NaiveDate,
    /// Amount, positive.
    pub amount: Money,
    /// Bank reference (blank is none).
    pub reference: Option<String>,
}

/// Checks and builds a [`EntryKind::RedemptionPaid`] entry. Refused: a
/// non-positive amount, an unknown or cancelled redemption, a date before
/// it, a redemption already paid in full, more than remains payable.
pub fn pay_redemption(ledger: &[LedgerEntry], req: &RedemptionPaymentRequest) -> Result<LedgerEntry, ShareError> {
    check_new_id(ledger, req.id)?;
    positive(req.amount)?;
    check_currency(ledger, req.amount)?;
    let red = ledger
        .iter()
        .find(|e| matches!(&e.kind, EntryKind::Redemption { redemption, .. } if *redemption == req.redemption))
        .ok_or(ShareError::UnknownRedemption {
            redemption: req.redemption,
        })?;
    let EntryKind::Redemption { class, amount, .. } = &red.kind else {
        unreachable!("found by kind")
    };
    if is_reversed(ledger, red.id) {
        return Err(ShareError::RedemptionCancelled {
            redemption: req.redemption,
        });
    }
    if req.date < red.date {
        return Err(ShareError::DateTooEarly {
            what: "redemption".into(),
            date: req.date,
            earliest: red.date,
        });
    }
    let paid: i64 = live(ledger, NaiveDate::MAX)
        .filter_map(|e| match &e.kind {
            EntryKind::RedemptionPaid { redemption, amount, .. } if *redemption == req.redemption => {
                Some(amount.cents())
            }
            _ => None,
        })
        .sum();
    let remaining = amount.cents() - paid;
    if remaining <= 0 {
        return Err(ShareError::RedemptionFullyPaid {
            redemption: req.redemption,
        });
    }
    if req.amount.cents() > remaining {
        return Err(ShareError::RedemptionOverpayment {
            remaining: Money::from_cents(remaining, req.amount.currency())?,
            amount: req.amount,
        });
    }
    let entry = LedgerEntry {
        id: req.id,
        member: red.member,
        date: req.date,
        kind: EntryKind::RedemptionPaid {
            redemption: req.redemption,
            class: *class,
            amount: req.amount,
            reference: clean_reference(&req.reference),
        },
    };
    check_new_entries(ledger, std::slice::from_ref(&entry), &BTreeMap::new(), later)?;
    Ok(entry)
}

/// Patronage retained in a member's capital account by a posted
/// distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetainRequest {
    /// Identity of the new entry.
    pub id: EntryId,
    /// The member.
    pub member: MemberId,
    /// Date of posting.
    pub date: NaiveDate,
    /// The fiscal year the patronage is for.
    pub fiscal_year: i32,
    /// Amount retained, positive.
    pub amount: Money,
}

/// Checks and builds a [`EntryKind::PatronageRetained`] entry. Refused: a
/// non-positive amount, another currency than the ledger's, an identifier
/// already used. (Charging a loss to members' accounts is not modelled yet.)
pub fn retain_patronage(ledger: &[LedgerEntry], req: &RetainRequest) -> Result<LedgerEntry, ShareError> {
    check_new_id(ledger, req.id)?;
    positive(req.amount)?;
    check_currency(ledger, req.amount)?;
    Ok(LedgerEntry {
        id: req.id,
        member: req.member,
        date: req.date,
        kind: EntryKind::PatronageRetained {
            fiscal_year: req.fiscal_year,
            amount: req.amount,
        },
    })
}

/// How much of a loss of `loss_cents` (positive) a member's capital account can
/// bear when its retained patronage is `retained_cents`: all of it, but never
/// more than the retained balance, so no account goes below zero (paid-in share
/// capital is redeemed at par and is never charged). The co-op's reserve bears
/// the rest. A negative balance or loss charges nothing.
pub fn chargeable_loss(retained_cents: i64, loss_cents: i64) -> i64 {
    loss_cents.min(retained_cents).max(0)
}

/// A correction: reverse an earlier entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReversalRequest {
    /// The entry to reverse (either half of a transfer reverses both).
    pub of: EntryId,
    /// Date the reversal takes effect; not before the entry.
    pub date: NaiveDate,
    /// Why; required.
    pub reason: String,
}

/// Checks and builds the [`EntryKind::Reversal`] entries that undo `req.of`
/// from `req.date` on: one entry, or two for a transfer (one on each
/// party's account), each on the account of the entry it reverses, with
/// identities drawn from `next_id`. Reversing a subscription cancels it.
///
/// Refused: no reason; an unknown entry; a reversal (record the original
/// again instead); an entry already reversed; a date before the entry; a
/// subscription with payments standing ([`ShareError::SubscriptionHasPayments`]:
/// refund them first by reversing them); a redemption with payments standing;
/// and any reversal that would leave a later date inconsistent
/// ([`ShareError::ReversalWouldBreak`], e.g. reversing a payment whose shares
/// were since transferred, or a transfer whose shares the buyer has since
/// redeemed). `classes` gives the class maxima to respect.
pub fn reverse(
    ledger: &[LedgerEntry],
    classes: &[ShareClass],
    req: &ReversalRequest,
    next_id: &mut dyn FnMut() -> EntryId,
) -> Result<Vec<LedgerEntry>, ShareError> {
    let reason = non_blank(&req.reason, ShareError::MissingReason)?;
    let target = ledger
        .iter()
        .find(|e| e.id == req.of)
        .ok_or(ShareError::UnknownEntry { id: req.of })?;
    if matches!(target.kind, EntryKind::Reversal { .. }) {
        return Err(ShareError::CannotReverseReversal);
    }
    let mut targets = vec![target];
    if let EntryKind::TransferOut { transfer, .. } | EntryKind::TransferIn { transfer, .. } = &target.kind {
        targets.extend(ledger.iter().filter(|e| {
            e.id != target.id
                && matches!(&e.kind, EntryKind::TransferOut { transfer: t, .. } | EntryKind::TransferIn { transfer: t, .. }
                    if t == transfer)
        }));
    }
    for t in &targets {
        if is_reversed(ledger, t.id) {
            return Err(ShareError::AlreadyReversed { id: t.id });
        }
        if req.date < t.date {
            return Err(ShareError::DateTooEarly {
                what: "entry".into(),
                date: req.date,
                earliest: t.date,
            });
        }
    }
    let standing = live(ledger, NaiveDate::MAX);
    match &target.kind {
        EntryKind::Subscribe { subscription, .. } => {
            let payments = standing
                .filter(|e| matches!(&e.kind, EntryKind::Payment { subscription: s, .. } if s == subscription))
                .count();
            if payments > 0 {
                return Err(ShareError::SubscriptionHasPayments { payments });
            }
        }
        EntryKind::PatronageRedeemed { .. } => return Err(ShareError::RedeemedPatronage),
        EntryKind::Redemption { redemption, .. } => {
            let payments = standing
                .filter(|e| matches!(&e.kind, EntryKind::RedemptionPaid { redemption: r, .. } if r == redemption))
                .count();
            if payments > 0 {
                return Err(ShareError::RedemptionHasPayments { payments });
            }
        }
        _ => {}
    }
    let new: Vec<LedgerEntry> = targets
        .iter()
        .map(|t| LedgerEntry {
            id: next_id(),
            member: t.member,
            date: req.date,
            kind: EntryKind::Reversal {
                of: t.id,
                reason: reason.clone(),
            },
        })
        .collect();
    for e in &new {
        check_new_id(ledger, e.id)?;
    }
    let mut maxima = BTreeMap::new();
    for t in &targets {
        if let Some(class_id) = t.kind.class() {
            let class = classes
                .iter()
                .find(|c| c.id == class_id)
                .ok_or(ShareError::UnknownClass { class: class_id })?;
            if let Some(max) = class.max_per_member {
                maxima.insert(class_id, max);
            }
        }
    }
    check_new_entries(ledger, &new, &maxima, |date, problem| ShareError::ReversalWouldBreak {
        date,
        problem,
    })?;
    Ok(new)
}

/// Whether `member` holds at least one fully paid share of the qualifying
/// class on `as_of` (false when no class is qualifying).
pub fn qualifying_share_paid(
    entries: &[LedgerEntry],
    classes: &[ShareClass],
    member: MemberId,
    as_of: NaiveDate,
) -> bool {
    let Some(q) = classes.iter().find(|c| c.qualifying) else {
        return false;
    };
    position(entries, member, as_of).class(q.id).fully_paid() >= 1
}

/// Whether a member may vote on `on`: in good standing under the co-op's policy
/// (status, probation, leave) and, where the co-op requires it, holding a fully paid
/// qualifying share on that day. The register's "may vote", a ballot's roll and a
/// meeting's all come from this one rule, so they cannot disagree.
pub fn may_vote(
    state: &MemberState,
    policy: &MembershipPolicy,
    entries: &[LedgerEntry],
    classes: &[ShareClass],
    member: MemberId,
    on: NaiveDate,
) -> bool {
    let paid = !policy.requires_qualifying_share || qualifying_share_paid(entries, classes, member, on);
    crate::membership::lifecycle::in_good_standing(state, paid, policy, on).may_vote()
}

/// What is paid, due and overdue on one subscription as of a date (its
/// schedule and the payments standing on that date).
pub fn subscription_dues(
    entries: &[LedgerEntry],
    subscription: SubscriptionId,
    as_of: NaiveDate,
) -> Result<Dues, ShareError> {
    let mut sub = None;
    let mut payments = Vec::new();
    for e in live(entries, as_of) {
        match &e.kind {
            EntryKind::Subscribe {
                subscription: s,
                amount,
                plan,
                ..
            } if *s == subscription => sub = Some((e.date, *amount, *plan)),
            EntryKind::Payment {
                subscription: s,
                amount,
                ..
            } if *s == subscription => payments.push((e.date, *amount)),
            _ => {}
        }
    }
    let (date, amount, plan) = sub.ok_or(ShareError::UnknownSubscription { subscription })?;
    dues(&schedule(date, amount, plan.as_ref()), &payments, as_of)
}

// ---------------------------------------------------------------------------
// Balances.

/// Shares of one class held by a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassHolding {
    /// The class.
    pub class: ShareClassId,
    /// Shares held: subscribed (paid or not) + received − given − redeemed.
    pub shares_held: u64,
    /// Of which fully paid (⌊paid × shares ÷ amount⌋ of each subscription,
    /// plus received − given − redeemed).
    pub fully_paid_shares: u64,
}

/// A member's capital account as of a date, derived from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalAccount {
    /// The member.
    pub member: MemberId,
    /// The date.
    pub as_of: NaiveDate,
    /// Shares held, all classes (any number of shares is still one vote).
    pub shares_held: u64,
    /// Of which fully paid.
    pub fully_paid_shares: u64,
    /// Holdings per class, by class identity.
    pub classes: Vec<ClassHolding>,
    /// Total of the subscriptions standing (cancelled ones excluded).
    pub subscribed: Money,
    /// Paid on them.
    pub paid: Money,
    /// Still to pay on them, fallen due or not (`subscribed − paid`).
    pub unpaid: Money,
    /// Fallen due on or before the date and not paid (includes `overdue`).
    pub due: Money,
    /// Fallen due before the date and not paid.
    pub overdue: Money,
    /// Value at par of the shares received by transfer.
    pub transferred_in: Money,
    /// Value at par of the shares given by transfer.
    pub transferred_out: Money,
    /// Value at par of the shares redeemed.
    pub redeemed: Money,
    /// Paid out on redemptions.
    pub redemption_paid: Money,
    /// Owed to the member on redemptions (`redeemed − redemption_paid`).
    pub redemption_payable: Money,
    /// Patronage retained in the account.
    pub retained_patronage: Money,
    /// Paid-up share capital: `paid + transferred_in − transferred_out −
    /// redeemed`.
    pub paid_up_capital: Money,
    /// The capital account balance: `paid_up_capital + retained_patronage`.
    pub balance: Money,
}

/// The co-op's totals as of a date, computed from the ledger directly (not by
/// adding up accounts); they always equal the sum of the members' accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoopTotals {
    /// The date.
    pub as_of: NaiveDate,
    /// Members with at least one entry standing.
    pub members: usize,
    /// Shares held by members, all classes.
    pub shares_held: u64,
    /// Of which fully paid.
    pub fully_paid_shares: u64,
    /// Subscriptions standing.
    pub subscribed: Money,
    /// Paid on them.
    pub paid: Money,
    /// Still to pay on them.
    pub unpaid: Money,
    /// Fallen due and not paid.
    pub due: Money,
    /// Overdue.
    pub overdue: Money,
    /// Transferred in (equals `transferred_out`).
    pub transferred_in: Money,
    /// Transferred out.
    pub transferred_out: Money,
    /// Redeemed.
    pub redeemed: Money,
    /// Paid out on redemptions.
    pub redemption_paid: Money,
    /// Owed to former members on redemptions.
    pub redemption_payable: Money,
    /// Patronage retained.
    pub retained_patronage: Money,
    /// Paid-up share capital (`paid − redeemed`).
    pub paid_up_capital: Money,
    /// Sum of the balances.
    pub balance: Money,
}

fn nonneg(value: i64, what: &str) -> Result<i64, ShareError> {
    if value < 0 {
        Err(ShareError::InconsistentLedger {
            reason: format!("{what} is {value} (below zero)"),
        })
    } else {
        Ok(value)
    }
}

fn nonneg_count(value: i64, what: &str) -> Result<u64, ShareError> {
    nonneg(value, what).map(|v| v as u64)
}

fn check_entry_currencies<'a>(
    entries: impl Iterator<Item = &'a LedgerEntry>,
    currency: Currency,
) -> Result<(), ShareError> {
    let zero = Money::zero(currency);
    for e in entries {
        if let Some(a) = e.kind.amount() {
            zero.same_currency(a)?;
        }
    }
    Ok(())
}

/// Sums of due and overdue over subscriptions.
fn due_sums<'a>(
    subs: impl Iterator<Item = &'a SubPos>,
    as_of: NaiveDate,
    currency: Currency,
) -> Result<(i64, i64), ShareError> {
    let (mut due, mut overdue) = (0, 0);
    for s in subs.filter(|s| s.exists()) {
        let total = Money::from_cents(s.amount, currency)?;
        let payments = s
            .payments
            .iter()
            .map(|(d, c)| Ok((*d, Money::from_cents(*c, currency)?)))
            .collect::<Result<Vec<_>, MoneyError>>()?;
        let date = s.date.expect("exists");
        let d = dues(&schedule(date, total, s.plan.as_ref()), &payments, as_of)?;
        due += d.due.cents();
        overdue += d.overdue.cents();
    }
    Ok((due, overdue))
}

/// `member`'s capital account as of `as_of` (entries dated after it, and
/// reversals dated after it, are not counted). `currency` is the co-op's;
/// an entry in another currency, or a figure below zero, means the ledger
/// was written without the checks and is reported as an error.
pub fn account(
    entries: &[LedgerEntry],
    member: MemberId,
    as_of: NaiveDate,
    currency: Currency,
) -> Result<CapitalAccount, ShareError> {
    check_entry_currencies(entries.iter().filter(|e| e.member == member), currency)?;
    let p = position(entries, member, as_of);
    if let Some(v) = p.violation(member, &BTreeMap::new()) {
        return Err(ShareError::InconsistentLedger { reason: v.to_string() });
    }
    let m = |cents: i64, what: &str| -> Result<Money, ShareError> {
        Ok(Money::from_cents(nonneg(cents, what)?, currency)?)
    };
    let mut classes = Vec::new();
    let (mut held, mut fully_paid) = (0u64, 0u64);
    for (class, c) in p.classes() {
        let h = ClassHolding {
            class,
            shares_held: nonneg_count(c.held(), "shares held")?,
            fully_paid_shares: nonneg_count(c.fully_paid(), "fully paid shares")?,
        };
        held += h.shares_held;
        fully_paid += h.fully_paid_shares;
        if h.shares_held > 0 {
            classes.push(h);
        }
    }
    let (due, overdue) = due_sums(p.subs.values(), as_of, currency)?;
    let paid_up = p.paid_up();
    Ok(CapitalAccount {
        member,
        as_of,
        shares_held: held,
        fully_paid_shares: fully_paid,
        classes,
        subscribed: m(p.subscribed(), "subscribed")?,
        paid: m(p.paid(), "paid")?,
        unpaid: m(p.subscribed() - p.paid(), "unpaid")?,
        due: m(due, "due")?,
        overdue: m(overdue, "overdue")?,
        transferred_in: m(p.transfer_in, "transferred in")?,
        transferred_out: m(p.transfer_out, "transferred out")?,
        redeemed: m(p.redeemed, "redeemed")?,
        redemption_paid: m(p.redemption_paid, "redemption paid")?,
        redemption_payable: m(p.redeemed - p.redemption_paid, "redemption payable")?,
        retained_patronage: m(p.retained, "retained patronage")?,
        paid_up_capital: m(paid_up, "paid-up capital")?,
        balance: m(paid_up + p.retained, "balance")?,
    })
}

/// Days between two reminders to a member whose instalments stay overdue.
pub const OVERDUE_REMINDER_EVERY_DAYS: i64 = 7;

/// Whether a member whose account on `today` is `account` is reminded of their
/// instalments today, given the day they were last reminded. Nothing due, no
/// reminder. Otherwise a member is reminded on the day an instalment falls due, and
/// while something stays overdue, once every [`OVERDUE_REMINDER_EVERY_DAYS`] days;
/// never twice on one day.
pub fn instalment_reminder_due(account: &CapitalAccount, last_reminded: Option<NaiveDate>, today: NaiveDate) -> bool {
    if account.due.is_zero() {
        return false;
    }
    let Some(last) = last_reminded else {
        return true;
    };
    if last >= today {
        return false;
    }
    // `due` counts what fell due up to today, `overdue` what fell due before it: the
    // difference fell due today.
    let falls_due_today = account.due != account.overdue;
    falls_due_today || (today - last).num_days() >= OVERDUE_REMINDER_EVERY_DAYS
}

/// Every member with at least one entry in the ledger, in identity order.
pub fn members(entries: &[LedgerEntry]) -> Vec<MemberId> {
    entries
        .iter()
        .map(|e| e.member)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The co-op's totals as of `as_of`, computed in one pass over the entries
/// standing on that date (see [`CoopTotals`]).
pub fn coop_totals(entries: &[LedgerEntry], as_of: NaiveDate, currency: Currency) -> Result<CoopTotals, ShareError> {
    check_entry_currencies(entries.iter(), currency)?;
    let mut subs: BTreeMap<SubscriptionId, SubPos> = BTreeMap::new();
    let mut moved: i64 = 0;
    let mut membership = BTreeSet::new();
    let (mut t_in, mut t_out, mut redeemed, mut red_paid, mut retained) = (0i64, 0i64, 0i64, 0i64, 0i64);
    for e in live(entries, as_of) {
        membership.insert(e.member);
        match &e.kind {
            EntryKind::Subscribe {
                subscription,
                shares,
                amount,
                plan,
                class,
            } => {
                let s = subs.entry(*subscription).or_default();
                s.date = Some(e.date);
                s.class = Some(*class);
                s.shares = i64::from(*shares);
                s.amount = amount.cents();
                s.plan = *plan;
            }
            EntryKind::Payment {
                subscription, amount, ..
            } => {
                let s = subs.entry(*subscription).or_default();
                s.paid += amount.cents();
                s.payments.push((e.date, amount.cents()));
            }
            EntryKind::TransferOut { shares, amount, .. } => {
                moved -= i64::from(*shares);
                t_out += amount.cents();
            }
            EntryKind::TransferIn { shares, amount, .. } => {
                moved += i64::from(*shares);
                t_in += amount.cents();
            }
            EntryKind::Redemption { shares, amount, .. } => {
                moved -= i64::from(*shares);
                redeemed += amount.cents();
            }
            EntryKind::RedemptionPaid { amount, .. } => red_paid += amount.cents(),
            EntryKind::PatronageRetained { amount, .. } => retained += amount.cents(),
            EntryKind::PatronageLoss { amount, .. } | EntryKind::PatronageRedeemed { amount, .. } => {
                retained -= amount.cents()
            }
            EntryKind::Reversal { .. } => {}
        }
    }
    let m = |cents: i64, what: &str| -> Result<Money, ShareError> {
        Ok(Money::from_cents(nonneg(cents, what)?, currency)?)
    };
    let existing = || subs.values().filter(|s| s.exists());
    let subscribed: i64 = existing().map(|s| s.amount).sum();
    let paid: i64 = subs.values().map(|s| s.paid).sum();
    let held: i64 = existing().map(|s| s.shares).sum::<i64>() + moved;
    let fully_paid: i64 = existing().map(SubPos::fully_paid).sum::<i64>() + moved;
    let (due, overdue) = due_sums(subs.values(), as_of, currency)?;
    let paid_up = paid + t_in - t_out - redeemed;
    Ok(CoopTotals {
        as_of,
        members: membership.len(),
        shares_held: nonneg_count(held, "shares held")?,
        fully_paid_shares: nonneg_count(fully_paid, "fully paid shares")?,
        subscribed: m(subscribed, "subscribed")?,
        paid: m(paid, "paid")?,
        unpaid: m(subscribed - paid, "unpaid")?,
        due: m(due, "due")?,
        overdue: m(overdue, "overdue")?,
        transferred_in: m(t_in, "transferred in")?,
        transferred_out: m(t_out, "transferred out")?,
        redeemed: m(redeemed, "redeemed")?,
        redemption_paid: m(red_paid, "redemption paid")?,
        redemption_payable: m(redeemed - red_paid, "redemption payable")?,
        retained_patronage: m(retained, "retained patronage")?,
        paid_up_capital: m(paid_up, "paid-up capital")?,
        balance: m(paid_up + retained, "balance")?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_member_dates_their_own_subscription_today_only() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(own_subscription_date(today, today), Ok(()));
        for date in [
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(),
            today.pred_opt().unwrap(),
            today.succ_opt().unwrap(),
        ] {
            assert_eq!(own_subscription_date(date, today), Err(ShareError::NotToday { today }));
        }
    }

    #[test]
    fn an_officer_dates_a_subscription_in_the_open_books_and_says_why_when_not_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let closed = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let open_from = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let why = Some("signed at the AGM, entered late");
        assert_eq!(officer_subscription_date(today, today, Some(closed), None), Ok(()));
        assert_eq!(officer_subscription_date(open_from, today, Some(closed), why), Ok(()));
        assert_eq!(
            officer_subscription_date(open_from, today, Some(closed), Some("  ")),
            Err(ShareError::BackdatedWithoutReason)
        );
        for date in [closed, NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()] {
            assert_eq!(
                officer_subscription_date(date, today, Some(closed), why),
                Err(ShareError::BooksClosed {
                    closed_until: closed,
                    open_from
                })
            );
        }
        assert_eq!(
            officer_subscription_date(today.succ_opt().unwrap(), today, None, why),
            Err(ShareError::InTheFuture { today })
        );
        // Before any year is closed, the co-op's history may be written, with its reason.
        let history = NaiveDate::from_ymd_opt(2019, 3, 1).unwrap();
        assert_eq!(officer_subscription_date(history, today, None, why), Ok(()));
        assert_eq!(
            officer_subscription_date(history, today, None, None),
            Err(ShareError::BackdatedWithoutReason)
        );
    }

    use super::*;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn eur(text: &str) -> Money {
        Money::parse_with(text, Currency::Eur, crate::money::Sign::Any).unwrap()
    }

    const ALICE: MemberId = MemberId(Uuid::from_u128(0xA));
    const BOB: MemberId = MemberId(Uuid::from_u128(0xB));
    const CAROL: MemberId = MemberId(Uuid::from_u128(0xC));

    fn class_a() -> ShareClass {
        ShareClass {
            id: ShareClassId(Uuid::from_u128(0xA0)),
            name: "Parts A (qualifying)".into(),
            par_value: eur("50.00"),
            qualifying: true,
            max_per_member: Some(1),
            instalments: Some(InstalmentPlan {
                count: 4,
                period_months: 3,
            }),
        }
    }

    fn class_b() -> ShareClass {
        ShareClass {
            id: ShareClassId(Uuid::from_u128(0xB0)),
            name: "Parts B".into(),
            par_value: eur("25.00"),
            qualifying: false,
            max_per_member: Some(20),
            instalments: Some(InstalmentPlan {
                count: 3,
                period_months: 1,
            }),
        }
    }

    /// A ledger under construction with sequential identities.
    struct Book {
        entries: Vec<LedgerEntry>,
        next: u128,
    }

    impl Book {
        fn new() -> Self {
            Book {
                entries: Vec::new(),
                next: 1,
            }
        }
        fn id(&mut self) -> Uuid {
            self.next += 1;
            Uuid::from_u128(self.next)
        }
        fn subscribe(
            &mut self,
            class: &ShareClass,
            member: MemberId,
            date: &str,
            shares: u32,
            inst: bool,
        ) -> Result<SubscriptionId, ShareError> {
            let sub = SubscriptionId(self.id());
            let req = SubscribeRequest {
                id: EntryId(self.id()),
                subscription: sub,
                member,
                date: d(date),
                shares,
                in_instalments: inst,
            };
            let e = subscribe(&self.entries, class, &req)?;
            self.entries.push(e);
            Ok(sub)
        }
        fn pay(
            &mut self,
            class: &ShareClass,
            sub: SubscriptionId,
            date: &str,
            amount: &str,
            reference: Option<&str>,
        ) -> Result<EntryId, ShareError> {
            let req = PaymentRequest {
                id: EntryId(self.id()),
                subscription: sub,
                date: d(date),
                amount: eur(amount),
                method: PaymentMethod::BankTransfer,
                reference: reference.map(str::to_string),
            };
            let e = record_payment(&self.entries, class, &req)?;
            let id = e.id;
            self.entries.push(e);
            Ok(id)
        }
        #[allow(clippy::too_many_arguments)]
        fn transfer(
            &mut self,
            class: &ShareClass,
            seller: MemberId,
            buyer: MemberId,
            date: &str,
            shares: u32,
            standing: (bool, bool),
        ) -> Result<EntryId, ShareError> {
            let req = TransferRequest {
                out_id: EntryId(self.id()),
                in_id: EntryId(self.id()),
                transfer: TransferId(self.id()),
                seller,
                buyer,
                date: d(date),
                shares,
                decision_ref: "BD-2025-07".into(),
                seller_in_good_standing: standing.0,
                buyer_in_good_standing: standing.1,
            };
            let es = transfer(&self.entries, class, &req)?;
            let id = es[0].id;
            self.entries.extend(es);
            Ok(id)
        }
        fn redeem(
            &mut self,
            class: &ShareClass,
            member: MemberId,
            date: &str,
            shares: u32,
            floor: &str,
            hold: bool,
        ) -> Result<RedemptionId, ShareError> {
            let red = RedemptionId(self.id());
            let req = RedemptionRequest {
                id: EntryId(self.id()),
                redemption: red,
                member,
                date: d(date),
                shares,
                decision_ref: "BD-2025-09".into(),
            };
            let rules = RedemptionRules {
                capital_floor: eur(floor),
                redemption_hold: hold,
            };
            let e = redeem(&self.entries, class, &req, &rules)?;
            self.entries.push(e);
            Ok(red)
        }
        fn pay_redemption(&mut self, red: RedemptionId, date: &str, amount: &str) -> Result<(), ShareError> {
            let req = RedemptionPaymentRequest {
                id: EntryId(self.id()),
                redemption: red,
                date: d(date),
                amount: eur(amount),
                reference: None,
            };
            let e = pay_redemption(&self.entries, &req)?;
            self.entries.push(e);
            Ok(())
        }
        fn reverse(&mut self, of: EntryId, date: &str, reason: &str) -> Result<(), ShareError> {
            let req = ReversalRequest {
                of,
                date: d(date),
                reason: reason.into(),
            };
            let mut next = self.next;
            let es = reverse(&self.entries, &[class_a(), class_b()], &req, &mut || {
                next += 1;
                EntryId(Uuid::from_u128(next))
            })?;
            self.next = next;
            self.entries.extend(es);
            Ok(())
        }
        fn account(&self, member: MemberId, date: &str) -> CapitalAccount {
            account(&self.entries, member, d(date), Currency::Eur).unwrap()
        }
    }

    #[test]
    fn class_validation() {
        assert!(class_a().validate().is_ok());
        let field = |c: ShareClass| match c.validate() {
            Err(ShareError::InvalidClass { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(ShareClass {
                name: "  ".into(),
                ..class_a()
            }),
            "name"
        );
        assert_eq!(
            field(ShareClass {
                name: "x".repeat(81),
                ..class_a()
            }),
            "name"
        );
        assert_eq!(
            field(ShareClass {
                par_value: eur("0"),
                ..class_a()
            }),
            "par_value"
        );
        assert_eq!(
            field(ShareClass {
                par_value: eur("-1"),
                ..class_a()
            }),
            "par_value"
        );
        assert_eq!(
            field(ShareClass {
                max_per_member: Some(0),
                ..class_a()
            }),
            "max_per_member"
        );
        let plan = |count, period_months| ShareClass {
            instalments: Some(InstalmentPlan { count, period_months }),
            ..class_a()
        };
        assert_eq!(field(plan(1, 3)), "instalments.count");
        assert_eq!(field(plan(121, 3)), "instalments.count");
        assert_eq!(field(plan(4, 0)), "instalments.period_months");
        assert_eq!(field(plan(4, 13)), "instalments.period_months");
        assert!(plan(120, 12).validate().is_ok());
        assert!(validate_classes(&[class_a(), class_b()]).is_ok());
        let two_qualifying = ShareClass {
            qualifying: true,
            ..class_b()
        };
        assert!(validate_classes(&[class_a(), two_qualifying]).is_err());
        let same_name = ShareClass {
            name: "PARTS B".into(),
            ..class_a()
        };
        assert!(validate_classes(&[same_name, class_b()]).is_err());
        let usd = ShareClass {
            par_value: Money::parse("10", Currency::Usd).unwrap(),
            ..class_b()
        };
        assert!(matches!(
            validate_classes(&[class_a(), usd]),
            Err(ShareError::Money { .. })
        ));
    }

    #[test]
    fn schedules_split_to_the_cent() {
        let plan3 = InstalmentPlan {
            count: 3,
            period_months: 1,
        };
        let s = schedule(d("2025-02-01"), eur("100.00"), Some(&plan3));
        let amounts: Vec<_> = s.iter().map(|i| i.amount.to_string()).collect();
        assert_eq!(amounts, ["33.34 EUR", "33.33 EUR", "33.33 EUR"]);
        let dues: Vec<_> = s.iter().map(|i| i.due.to_string()).collect();
        assert_eq!(dues, ["2025-02-01", "2025-03-01", "2025-04-01"]);

        let q = InstalmentPlan {
            count: 4,
            period_months: 3,
        };
        let s = schedule(d("2025-01-31"), eur("50.00"), Some(&q));
        assert!(s.iter().all(|i| i.amount == eur("12.50")));
        let dues: Vec<_> = s.iter().map(|i| i.due.to_string()).collect();
        assert_eq!(dues, ["2025-01-31", "2025-04-30", "2025-07-31", "2025-10-31"]);

        let s = schedule(d("2025-01-01"), eur("0.02"), Some(&plan3));
        let cents: Vec<_> = s.iter().map(|i| i.amount.cents()).collect();
        assert_eq!(cents, [1, 1, 0]);
        let s = schedule(
            d("2025-01-01"),
            eur("10.00"),
            Some(&InstalmentPlan {
                count: 6,
                period_months: 2,
            }),
        );
        let cents: Vec<_> = s.iter().map(|i| i.amount.cents()).collect();
        assert_eq!(cents, [167, 167, 167, 167, 166, 166]);

        let once = schedule(d("2025-05-05"), eur("75.00"), None);
        assert_eq!(
            once,
            vec![Instalment {
                due: d("2025-05-05"),
                amount: eur("75.00")
            }]
        );
    }

    #[test]
    fn a_member_is_reminded_the_day_an_instalment_falls_due_then_weekly_while_overdue() {
        // Bob takes 3 shares B (€75) in three monthly instalments of €25 from 1 March
        // and pays the first: the second falls due on 1 April, the third on 1 May.
        let mut book = Book::new();
        let sub = book.subscribe(&class_b(), BOB, "2025-03-01", 3, true).unwrap();
        book.pay(&class_b(), sub, "2025-03-01", "25.00", None).unwrap();
        let due = |book: &Book, last: Option<&str>, today: &str| {
            let account = account(&book.entries, BOB, d(today), Currency::Eur).unwrap();
            instalment_reminder_due(&account, last.map(d), d(today))
        };
        // Nothing due in March once the first instalment is paid.
        assert!(!due(&book, None, "2025-03-15"));
        // The second falls due: reminded that day, whenever last reminded before.
        assert!(due(&book, None, "2025-04-01"));
        assert!(due(&book, Some("2025-03-30"), "2025-04-01"));
        assert!(!due(&book, Some("2025-04-01"), "2025-04-01"), "never twice a day");
        // Overdue from the next day: a week after the last reminder, not before.
        assert!(!due(&book, Some("2025-04-01"), "2025-04-02"));
        assert!(!due(&book, Some("2025-04-01"), "2025-04-07"));
        assert!(due(&book, Some("2025-04-01"), "2025-04-08"));
        // Never reminded yet (the reminders just started): reminded of the overdue sum.
        assert!(due(&book, None, "2025-04-20"));
        // The third falls due on 1 May, two days after the weekly reminder: reminded again.
        assert!(due(&book, Some("2025-04-29"), "2025-05-01"));
        // Once Bob pays everything, no more reminders.
        book.pay(&class_b(), sub, "2025-05-02", "50.00", None).unwrap();
        assert!(!due(&book, Some("2025-04-01"), "2025-05-20"));
    }

    #[test]
    fn dues_as_of_a_date() {
        let q = InstalmentPlan {
            count: 4,
            period_months: 3,
        };
        let s = schedule(d("2025-01-15"), eur("50.00"), Some(&q));
        let pays = [(d("2025-01-15"), eur("12.50")), (d("2025-04-20"), eur("12.50"))];
        let at = |date: &str| dues(&s, &pays, d(date)).unwrap();

        let x = at("2025-04-15");
        assert_eq!(
            (x.paid, x.due, x.overdue, x.upcoming),
            (eur("12.50"), eur("12.50"), eur("0"), eur("25.00"))
        );
        assert_eq!(x.lines[1].state, InstalmentState::Due);
        let x = at("2025-04-16");
        assert_eq!((x.due, x.overdue), (eur("12.50"), eur("12.50")));
        assert_eq!(x.lines[1].state, InstalmentState::Overdue);
        let x = at("2025-04-20");
        assert_eq!((x.paid, x.due, x.overdue), (eur("25.00"), eur("0"), eur("0")));
        assert_eq!(
            x.next,
            Some(Instalment {
                due: d("2025-07-15"),
                amount: eur("12.50")
            })
        );
        let x = at("2025-08-01");
        assert_eq!(
            (x.due, x.overdue, x.upcoming),
            (eur("12.50"), eur("12.50"), eur("12.50"))
        );
        let states: Vec<_> = x.lines.iter().map(|l| l.state).collect();
        use InstalmentState::*;
        assert_eq!(states, [Paid, Paid, Overdue, Upcoming]);

        // A partial payment settles the oldest instalment first.
        let part = dues(&s, &[(d("2025-01-15"), eur("20.00"))], d("2025-05-01")).unwrap();
        assert_eq!(part.lines[0].paid, eur("12.50"));
        assert_eq!(part.lines[1].paid, eur("7.50"));
        assert_eq!(part.due, eur("5.00"));
        assert_eq!(
            part.next,
            Some(Instalment {
                due: d("2025-04-15"),
                amount: eur("5.00")
            })
        );
        let usd = Money::parse("1", Currency::Usd).unwrap();
        assert!(dues(&s, &[(d("2025-01-15"), usd)], d("2025-05-01")).is_err());
    }

    /// The worked example of `docs/rules/share-capital.md`.
    #[test]
    fn worked_example() {
        let (a, b) = (class_a(), class_b());
        let mut book = Book::new();

        // Alice: the qualifying share in 4 quarterly instalments of €12.50.
        let alice_a = book.subscribe(&a, ALICE, "2025-01-15", 1, true).unwrap();
        book.pay(&a, alice_a, "2025-01-15", "12.50", Some("TX-100")).unwrap();
        book.pay(&a, alice_a, "2025-04-15", "12.50", Some("TX-101")).unwrap();
        // Alice: 4 B shares (€100.00) in 3 monthly instalments.
        let alice_b = book.subscribe(&b, ALICE, "2025-02-01", 4, true).unwrap();
        let sched: Vec<_> = subscription_dues(&book.entries, alice_b, d("2025-02-01"))
            .unwrap()
            .lines
            .iter()
            .map(|l| l.amount)
            .collect();
        assert_eq!(sched, [eur("33.34"), eur("33.33"), eur("33.33")]);
        book.pay(&b, alice_b, "2025-02-01", "33.34", Some("TX-102")).unwrap();
        book.pay(&b, alice_b, "2025-03-01", "33.33", Some("TX-103")).unwrap();
        book.pay(&b, alice_b, "2025-04-01", "33.33", Some("TX-104")).unwrap();

        // Bob: the qualifying share at once; a wrong amount typed, reversed.
        let bob_a = book.subscribe(&a, BOB, "2025-03-01", 1, false).unwrap();
        let wrong = book.pay(&a, bob_a, "2025-03-01", "5.00", Some("TX-200")).unwrap();
        book.reverse(wrong, "2025-03-02", "amount typed wrong").unwrap();
        book.pay(&a, bob_a, "2025-03-02", "50.00", Some("TX-200")).unwrap();
        assert!(qualifying_share_paid(
            &book.entries,
            &[a.clone(), b.clone()],
            BOB,
            d("2025-03-02")
        ));
        assert!(!qualifying_share_paid(
            &book.entries,
            &[a.clone(), b.clone()],
            ALICE,
            d("2025-05-01")
        ));

        // As of 1 May, Alice has paid half of her qualifying share.
        let al = book.account(ALICE, "2025-05-01");
        assert_eq!(
            (al.subscribed, al.paid, al.unpaid),
            (eur("150.00"), eur("125.00"), eur("25.00"))
        );
        assert_eq!((al.due, al.overdue), (eur("0"), eur("0")));
        assert_eq!((al.shares_held, al.fully_paid_shares), (5, 4));

        // Alice gives 2 fully paid B shares to Bob (€50.00).
        book.transfer(&b, ALICE, BOB, "2025-05-10", 2, (true, true)).unwrap();
        // Bob redeems 1 B share (€25.00): capital 175.00 → 150.00, floor 100.00.
        let red = book.redeem(&b, BOB, "2025-06-30", 1, "100.00", false).unwrap();
        book.pay_redemption(red, "2025-07-31", "25.00").unwrap();

        // Alice misses the July instalment...
        let al = book.account(ALICE, "2025-08-01");
        assert_eq!(
            (al.due, al.overdue, al.unpaid),
            (eur("12.50"), eur("12.50"), eur("25.00"))
        );
        // ...and pays the last two together in October.
        book.pay(&a, alice_a, "2025-10-15", "25.00", Some("TX-105")).unwrap();
        assert!(qualifying_share_paid(
            &book.entries,
            &[a.clone(), b.clone()],
            ALICE,
            d("2025-10-15")
        ));

        let al = book.account(ALICE, "2025-12-31");
        assert_eq!(al.subscribed, eur("150.00"));
        assert_eq!(al.paid, eur("150.00"));
        assert_eq!((al.unpaid, al.due, al.overdue), (eur("0"), eur("0"), eur("0")));
        assert_eq!((al.transferred_in, al.transferred_out), (eur("0"), eur("50.00")));
        assert_eq!((al.redeemed, al.redemption_payable), (eur("0"), eur("0")));
        assert_eq!((al.paid_up_capital, al.balance), (eur("100.00"), eur("100.00")));
        assert_eq!((al.shares_held, al.fully_paid_shares), (3, 3));
        assert_eq!(
            al.classes,
            [
                ClassHolding {
                    class: a.id,
                    shares_held: 1,
                    fully_paid_shares: 1
                },
                ClassHolding {
                    class: b.id,
                    shares_held: 2,
                    fully_paid_shares: 2
                },
            ]
        );

        let bo = book.account(BOB, "2025-12-31");
        assert_eq!((bo.subscribed, bo.paid), (eur("50.00"), eur("50.00")));
        assert_eq!(
            (bo.transferred_in, bo.redeemed, bo.redemption_paid),
            (eur("50.00"), eur("25.00"), eur("25.00"))
        );
        assert_eq!(bo.redemption_payable, eur("0"));
        assert_eq!((bo.paid_up_capital, bo.balance), (eur("75.00"), eur("75.00")));
        assert_eq!((bo.shares_held, bo.fully_paid_shares), (2, 2));

        // Between the redemption and its payment, €25.00 is payable to Bob.
        assert_eq!(book.account(BOB, "2025-07-15").redemption_payable, eur("25.00"));

        let t = coop_totals(&book.entries, d("2025-12-31"), Currency::Eur).unwrap();
        assert_eq!(t.members, 2);
        assert_eq!(
            (t.subscribed, t.paid, t.unpaid),
            (eur("200.00"), eur("200.00"), eur("0"))
        );
        assert_eq!((t.transferred_in, t.transferred_out), (eur("50.00"), eur("50.00")));
        assert_eq!(
            (t.redeemed, t.redemption_paid, t.redemption_payable),
            (eur("25.00"), eur("25.00"), eur("0"))
        );
        assert_eq!((t.paid_up_capital, t.balance), (eur("175.00"), eur("175.00")));
        assert_eq!((t.shares_held, t.fully_paid_shares), (5, 5));
        assert_eq!(t.balance, al.balance.checked_add(bo.balance).unwrap());

        // Bob's wrong payment never shows after its reversal, but did before.
        assert_eq!(book.account(BOB, "2025-03-01").paid, eur("5.00"));
        assert_eq!(book.account(BOB, "2025-03-02").paid, eur("50.00"));
    }

    #[test]
    fn refusals_of_the_worked_example() {
        let (a, b) = (class_a(), class_b());
        let mut book = Book::new();
        let alice_a = book.subscribe(&a, ALICE, "2025-01-15", 1, true).unwrap();
        book.pay(&a, alice_a, "2025-01-15", "12.50", Some("TX-100")).unwrap();
        let alice_b = book.subscribe(&b, ALICE, "2025-02-01", 4, false).unwrap();
        book.pay(&b, alice_b, "2025-02-01", "100.00", Some("TX-102")).unwrap();
        let bob_a = book.subscribe(&a, BOB, "2025-03-01", 1, false).unwrap();
        book.pay(&a, bob_a, "2025-03-01", "50.00", None).unwrap();

        // Subscriptions.
        assert_eq!(
            book.subscribe(&a, ALICE, "2025-03-01", 1, false),
            Err(ShareError::MaxPerMember {
                max: 1,
                held: 1,
                requested: 1
            })
        );
        assert_eq!(
            book.subscribe(&b, ALICE, "2025-03-01", 0, false),
            Err(ShareError::NoShares)
        );
        let no_plan = ShareClass {
            instalments: None,
            ..b.clone()
        };
        assert_eq!(
            book.subscribe(&no_plan, CAROL, "2025-03-01", 1, true),
            Err(ShareError::NoInstalmentPlan)
        );
        assert_eq!(
            book.subscribe(&b, ALICE, "2025-03-01", 17, false),
            Err(ShareError::MaxPerMember {
                max: 20,
                held: 4,
                requested: 17
            })
        );

        // Payments.
        assert_eq!(
            book.pay(&a, alice_a, "2025-04-15", "37.51", None),
            Err(ShareError::Overpayment {
                remaining: eur("37.50"),
                amount: eur("37.51")
            })
        );
        assert_eq!(
            book.pay(&a, alice_a, "2025-04-15", "0", None),
            Err(ShareError::NotPositive)
        );
        assert_eq!(
            book.pay(&a, alice_a, "2025-04-15", "-5", None),
            Err(ShareError::NotPositive)
        );
        assert_eq!(
            book.pay(&b, alice_b, "2025-04-15", "1.00", None),
            Err(ShareError::SubscriptionFullyPaid { subscription: alice_b })
        );
        assert_eq!(
            book.pay(&a, alice_a, "2025-01-14", "1.00", None),
            Err(ShareError::DateTooEarly {
                what: "subscription".into(),
                date: d("2025-01-14"),
                earliest: d("2025-01-15")
            })
        );
        assert_eq!(
            book.pay(&a, alice_a, "2025-04-15", "12.50", Some(" TX-100 ")),
            Err(ShareError::DuplicateReference {
                reference: "TX-100".into()
            })
        );
        assert_eq!(
            book.pay(&b, alice_a, "2025-04-15", "12.50", None),
            Err(ShareError::WrongClass {
                expected: a.id,
                found: b.id
            })
        );
        let ghost = SubscriptionId(Uuid::from_u128(999));
        assert_eq!(
            book.pay(&a, ghost, "2025-04-15", "1", None),
            Err(ShareError::UnknownSubscription { subscription: ghost })
        );
        let usd = PaymentRequest {
            id: EntryId(Uuid::from_u128(5000)),
            subscription: alice_a,
            date: d("2025-04-15"),
            amount: Money::parse("1", Currency::Usd).unwrap(),
            method: PaymentMethod::Cash,
            reference: None,
        };
        assert!(matches!(
            record_payment(&book.entries, &a, &usd),
            Err(ShareError::Money { .. })
        ));

        // A cancelled subscription takes no payment; one with payments cannot be cancelled.
        let carol_b = book.subscribe(&b, CAROL, "2025-03-01", 2, false).unwrap();
        let carol_sub_entry = book.entries.last().unwrap().id;
        let carol_pay = book.pay(&b, carol_b, "2025-03-01", "10.00", None).unwrap();
        assert_eq!(
            book.reverse(carol_sub_entry, "2025-03-05", "changed her mind"),
            Err(ShareError::SubscriptionHasPayments { payments: 1 })
        );
        book.reverse(carol_pay, "2025-03-05", "refunded").unwrap();
        book.reverse(carol_sub_entry, "2025-03-05", "changed her mind").unwrap();
        assert_eq!(
            book.pay(&b, carol_b, "2025-03-06", "10.00", None),
            Err(ShareError::SubscriptionCancelled { subscription: carol_b })
        );
        assert_eq!(
            book.reverse(carol_sub_entry, "2025-03-06", "again"),
            Err(ShareError::AlreadyReversed { id: carol_sub_entry })
        );

        // Transfers.
        let ok = (true, true);
        assert_eq!(
            book.transfer(&b, ALICE, ALICE, "2025-05-10", 1, ok),
            Err(ShareError::SameMember)
        );
        assert_eq!(
            book.transfer(&b, ALICE, BOB, "2025-05-10", 1, (false, true)),
            Err(ShareError::NotInGoodStanding { party: Party::Seller })
        );
        assert_eq!(
            book.transfer(&b, ALICE, BOB, "2025-05-10", 1, (true, false)),
            Err(ShareError::NotInGoodStanding { party: Party::Buyer })
        );
        assert_eq!(
            book.transfer(&b, ALICE, BOB, "2025-05-10", 5, ok),
            Err(ShareError::NotEnoughPaidShares {
                available: 4,
                requested: 5
            })
        );
        assert_eq!(
            book.transfer(&a, ALICE, CAROL, "2025-05-10", 1, ok),
            Err(ShareError::NotEnoughPaidShares {
                available: 0,
                requested: 1
            }),
            "Alice's qualifying share is not fully paid"
        );
        assert_eq!(
            book.transfer(&b, ALICE, BOB, "2025-01-31", 1, ok),
            Err(ShareError::NotEnoughPaidShares {
                available: 0,
                requested: 1
            }),
            "on that date she held no B share"
        );
        let tight = ShareClass {
            max_per_member: Some(5),
            ..b.clone()
        };
        let bob_b = book.subscribe(&tight, BOB, "2025-04-01", 4, false).unwrap();
        assert_eq!(
            book.transfer(&tight, ALICE, BOB, "2025-05-10", 2, ok),
            Err(ShareError::MaxPerMember {
                max: 5,
                held: 4,
                requested: 2
            })
        );
        let mut no_ref = TransferRequest {
            out_id: EntryId(Uuid::from_u128(6000)),
            in_id: EntryId(Uuid::from_u128(6001)),
            transfer: TransferId(Uuid::from_u128(6002)),
            seller: ALICE,
            buyer: BOB,
            date: d("2025-05-10"),
            shares: 1,
            decision_ref: " ".into(),
            seller_in_good_standing: true,
            buyer_in_good_standing: true,
        };
        assert_eq!(
            transfer(&book.entries, &b, &no_ref),
            Err(ShareError::MissingDecisionRef)
        );
        no_ref.decision_ref = "BD-1".into();
        no_ref.shares = 0;
        assert_eq!(transfer(&book.entries, &b, &no_ref), Err(ShareError::NoShares));

        // Redemptions: capital is 12.50 + 100.00 + 50.00 = 162.50.
        assert_eq!(
            book.redeem(&b, ALICE, "2025-06-30", 1, "0", true),
            Err(ShareError::RedemptionHeld)
        );
        assert_eq!(
            book.redeem(&b, ALICE, "2025-06-30", 1, "150.00", false),
            Err(ShareError::BelowCapitalFloor {
                capital_after: eur("137.50"),
                floor: eur("150.00")
            })
        );
        assert_eq!(
            book.redeem(&b, BOB, "2025-06-30", 1, "0", false),
            Err(ShareError::NotEnoughPaidShares {
                available: 0,
                requested: 1
            }),
            "Bob's B shares are unpaid"
        );
        let _ = bob_b;
        let red = book.redeem(&b, ALICE, "2025-06-30", 1, "137.50", false).unwrap();
        assert_eq!(
            book.pay_redemption(red, "2025-07-01", "25.01"),
            Err(ShareError::RedemptionOverpayment {
                remaining: eur("25.00"),
                amount: eur("25.01")
            })
        );
        assert!(matches!(
            book.pay_redemption(red, "2025-06-29", "1"),
            Err(ShareError::DateTooEarly { .. })
        ));
        book.pay_redemption(red, "2025-07-01", "20.00").unwrap();
        book.pay_redemption(red, "2025-07-02", "5.00").unwrap();
        assert_eq!(
            book.pay_redemption(red, "2025-07-03", "1.00"),
            Err(ShareError::RedemptionFullyPaid { redemption: red })
        );
        let ghost = RedemptionId(Uuid::from_u128(998));
        assert_eq!(
            book.pay_redemption(ghost, "2025-07-03", "1.00"),
            Err(ShareError::UnknownRedemption { redemption: ghost })
        );
        let red_entry = book
            .entries
            .iter()
            .find(|e| matches!(&e.kind, EntryKind::Redemption { redemption, .. } if *redemption == red))
            .unwrap()
            .id;
        assert_eq!(
            book.reverse(red_entry, "2025-08-01", "error"),
            Err(ShareError::RedemptionHasPayments { payments: 2 })
        );

        // Reversals.
        assert_eq!(
            book.reverse(red_entry, "2025-08-01", "  "),
            Err(ShareError::MissingReason)
        );
        let ghost = EntryId(Uuid::from_u128(997));
        assert_eq!(
            book.reverse(ghost, "2025-08-01", "x"),
            Err(ShareError::UnknownEntry { id: ghost })
        );
        let a_reversal = book
            .entries
            .iter()
            .find(|e| matches!(e.kind, EntryKind::Reversal { .. }))
            .unwrap()
            .id;
        assert_eq!(
            book.reverse(a_reversal, "2025-08-01", "x"),
            Err(ShareError::CannotReverseReversal)
        );
    }

    #[test]
    fn reversal_that_would_break_a_later_date_is_refused() {
        let b = class_b();
        let mut book = Book::new();
        let sub = book.subscribe(&b, ALICE, "2025-01-01", 2, false).unwrap();
        let pay = book.pay(&b, sub, "2025-01-01", "50.00", None).unwrap();
        let out = book.transfer(&b, ALICE, BOB, "2025-02-01", 2, (true, true)).unwrap();
        // The payment backs the shares Bob now holds.
        assert!(matches!(
            book.reverse(pay, "2025-03-01", "bounced"),
            Err(ShareError::ReversalWouldBreak {
                problem: Violation::NegativeHolding { .. },
                ..
            })
        ));
        // Undo the transfer first (both halves), then the payment.
        book.reverse(out, "2025-03-01", "transfer recorded by mistake").unwrap();
        let reversals = book
            .entries
            .iter()
            .filter(|e| matches!(e.kind, EntryKind::Reversal { .. }))
            .count();
        assert_eq!(reversals, 2, "one reversal on each party's account");
        book.reverse(pay, "2025-03-01", "bounced").unwrap();
        let al = book.account(ALICE, "2025-03-01");
        let bo = book.account(BOB, "2025-03-01");
        assert_eq!(
            (al.paid, al.unpaid, al.transferred_out, al.balance),
            (eur("0"), eur("50.00"), eur("0"), eur("0"))
        );
        assert_eq!((bo.transferred_in, bo.shares_held, bo.balance), (eur("0"), 0, eur("0")));
        // Earlier dates still show what happened then.
        assert_eq!(book.account(BOB, "2025-02-15").shares_held, 2);
    }

    #[test]
    fn backdated_entries_cannot_unsettle_later_ones() {
        let b = class_b();
        let mut book = Book::new();
        let sub = book.subscribe(&b, ALICE, "2025-01-01", 2, false).unwrap();
        book.pay(&b, sub, "2025-01-01", "50.00", None).unwrap();
        book.transfer(&b, ALICE, BOB, "2025-03-01", 2, (true, true)).unwrap();
        // On 1 February Alice did hold the shares, but they left on 1 March.
        assert!(matches!(
            book.transfer(&b, ALICE, CAROL, "2025-02-01", 1, (true, true)),
            Err(ShareError::ConflictsWithLaterEntries {
                date,
                problem: Violation::NegativeHolding { .. },
            }) if date == d("2025-03-01")
        ));
        assert!(matches!(
            book.redeem(&b, ALICE, "2025-02-01", 1, "0", false),
            Err(ShareError::ConflictsWithLaterEntries { .. })
        ));
    }

    #[test]
    fn identifiers_are_not_reused() {
        let b = class_b();
        let mut book = Book::new();
        book.subscribe(&b, ALICE, "2025-01-01", 1, false).unwrap();
        let e = book.entries[0].clone();
        let EntryKind::Subscribe { subscription, .. } = e.kind else {
            unreachable!()
        };
        let req = SubscribeRequest {
            id: e.id,
            subscription: SubscriptionId(Uuid::from_u128(4242)),
            member: BOB,
            date: d("2025-01-02"),
            shares: 1,
            in_instalments: false,
        };
        assert_eq!(
            subscribe(&book.entries, &b, &req),
            Err(ShareError::DuplicateId { id: e.id.0 })
        );
        let req = SubscribeRequest {
            id: EntryId(Uuid::from_u128(4243)),
            subscription,
            ..req
        };
        assert_eq!(
            subscribe(&book.entries, &b, &req),
            Err(ShareError::DuplicateId { id: subscription.0 })
        );
    }

    #[test]
    fn retained_patronage_counts_in_the_balance() {
        let b = class_b();
        let mut book = Book::new();
        let sub = book.subscribe(&b, ALICE, "2025-01-01", 1, false).unwrap();
        book.pay(&b, sub, "2025-01-01", "25.00", None).unwrap();
        let req = RetainRequest {
            id: EntryId(Uuid::from_u128(777)),
            member: ALICE,
            date: d("2026-04-30"),
            fiscal_year: 2025,
            amount: eur("312.45"),
        };
        assert_eq!(
            retain_patronage(
                &book.entries,
                &RetainRequest {
                    amount: eur("0"),
                    ..req.clone()
                }
            ),
            Err(ShareError::NotPositive)
        );
        book.entries.push(retain_patronage(&book.entries, &req).unwrap());
        let al = book.account(ALICE, "2026-12-31");
        assert_eq!(
            (al.retained_patronage, al.paid_up_capital, al.balance),
            (eur("312.45"), eur("25.00"), eur("337.45"))
        );
        book.reverse(EntryId(Uuid::from_u128(777)), "2026-05-01", "posted twice")
            .unwrap();
        assert_eq!(book.account(ALICE, "2026-12-31").balance, eur("25.00"));
    }

    #[test]
    fn accounts_refuse_a_broken_ledger() {
        let b = class_b();
        let broken = vec![LedgerEntry {
            id: EntryId(Uuid::from_u128(1)),
            member: ALICE,
            date: d("2025-01-01"),
            kind: EntryKind::TransferOut {
                transfer: TransferId(Uuid::from_u128(2)),
                class: b.id,
                to: BOB,
                shares: 1,
                amount: eur("25.00"),
                decision_ref: "x".into(),
            },
        }];
        assert!(matches!(
            account(&broken, ALICE, d("2025-01-01"), Currency::Eur),
            Err(ShareError::InconsistentLedger { .. })
        ));
        assert!(matches!(
            account(&broken, ALICE, d("2025-01-01"), Currency::Usd),
            Err(ShareError::Money { .. })
        ));
        let empty = account(&[], ALICE, d("2025-01-01"), Currency::Eur).unwrap();
        assert_eq!((empty.balance, empty.shares_held), (eur("0"), 0));
    }

    #[test]
    fn errors_serialise_with_a_stable_tag() {
        let e = ShareError::Overpayment {
            remaining: eur("37.50"),
            amount: eur("40"),
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["error"], "overpayment");
        assert_eq!(json["remaining"]["amount"], "37.50");
        assert_eq!(
            e.to_string(),
            "the payment of 40.00 EUR is more than the 37.50 EUR that remains to pay"
        );
        let entry = LedgerEntry {
            id: EntryId(Uuid::from_u128(1)),
            member: ALICE,
            date: d("2025-01-01"),
            kind: EntryKind::Reversal {
                of: EntryId(Uuid::from_u128(2)),
                reason: "x".into(),
            },
        };
        let back: LedgerEntry = serde_json::from_str(&serde_json::to_string(&entry).unwrap()).unwrap();
        assert_eq!(back, entry);
    }

    // -----------------------------------------------------------------------
    // Property tests.

    #[derive(Debug, Clone)]
    enum Op {
        Subscribe {
            member: usize,
            class: usize,
            shares: u32,
            inst: bool,
        },
        Pay {
            pick: usize,
            cents: i64,
            full: bool,
        },
        Transfer {
            seller: usize,
            buyer: usize,
            class: usize,
            shares: u32,
            standing: bool,
        },
        Redeem {
            member: usize,
            class: usize,
            shares: u32,
            floor_cents: i64,
            hold: bool,
        },
        PayRedemption {
            pick: usize,
            cents: i64,
        },
        Retain {
            member: usize,
            cents: i64,
        },
        Reverse {
            pick: usize,
        },
    }

    const MEMBERS: [MemberId; 4] = [ALICE, BOB, CAROL, MemberId(Uuid::from_u128(0xD))];

    fn op() -> impl Strategy<Value = (Op, i64)> {
        let op = prop_oneof![
            3 => (0..4usize, 0..2usize, 0..4u32, any::<bool>()).prop_map(|(member, class, shares, inst)| Op::Subscribe { member, class, shares, inst }),
            4 => (any::<usize>(), 1..12_000i64, any::<bool>()).prop_map(|(pick, cents, full)| Op::Pay { pick, cents, full }),
            2 => (0..4usize, 0..4usize, 0..2usize, 1..4u32, prop::bool::weighted(0.9)).prop_map(|(seller, buyer, class, shares, standing)| Op::Transfer { seller, buyer, class, shares, standing }),
            2 => (0..4usize, 0..2usize, 1..3u32, 0..6_000i64, prop::bool::weighted(0.1)).prop_map(|(member, class, shares, floor_cents, hold)| Op::Redeem { member, class, shares, floor_cents, hold }),
            1 => (any::<usize>(), 1..6_000i64).prop_map(|(pick, cents)| Op::PayRedemption { pick, cents }),
            1 => (0..4usize, 1..50_000i64).prop_map(|(member, cents)| Op::Retain { member, cents }),
            2 => any::<usize>().prop_map(|pick| Op::Reverse { pick }),
        ];
        // Days after 2025-01-01: mostly moving forward, sometimes back-dated.
        (op, -20..40i64)
    }

    fn classes() -> [ShareClass; 2] {
        let small = ShareClass {
            max_per_member: Some(6),
            ..class_b()
        };
        let mut odd = class_a();
        odd.par_value = eur("33.33");
        odd.max_per_member = Some(3);
        [odd, small]
    }

    /// Applies the operations through the checks, keeping those accepted.
    fn run(ops: &[(Op, i64)]) -> (Vec<LedgerEntry>, usize) {
        let classes = classes();
        let mut book = Book::new();
        let start = d("2025-01-01");
        let mut day = 0i64;
        let mut accepted = 0;
        for (op, step) in ops {
            day = (day + step).max(0);
            let date = start + chrono::Days::new(day as u64);
            let ds = date.to_string();
            let ok = match op {
                Op::Subscribe {
                    member,
                    class,
                    shares,
                    inst,
                } => book
                    .subscribe(&classes[*class], MEMBERS[*member], &ds, *shares, *inst)
                    .is_ok(),
                Op::Pay { pick, cents, full } => {
                    let subs: Vec<_> = book
                        .entries
                        .iter()
                        .filter_map(|e| match &e.kind {
                            EntryKind::Subscribe {
                                subscription, class, ..
                            } => Some((*subscription, *class)),
                            _ => None,
                        })
                        .collect();
                    if subs.is_empty() {
                        false
                    } else {
                        let (sub, class) = subs[pick % subs.len()];
                        let class = classes.iter().find(|c| c.id == class).unwrap();
                        let rest = subscription_dues(&book.entries, sub, NaiveDate::MAX).map(|d| d.due.cents());
                        let cents = match rest {
                            Ok(rest) if *full && rest > 0 => rest,
                            _ => *cents,
                        };
                        let amount = Money::from_cents(cents, Currency::Eur).unwrap().amount().to_string();
                        book.pay(class, sub, &ds, &amount, None).is_ok()
                    }
                }
                Op::Transfer {
                    seller,
                    buyer,
                    class,
                    shares,
                    standing,
                } => book
                    .transfer(
                        &classes[*class],
                        MEMBERS[*seller],
                        MEMBERS[*buyer],
                        &ds,
                        *shares,
                        (*standing, true),
                    )
                    .is_ok(),
                Op::Redeem {
                    member,
                    class,
                    shares,
                    floor_cents,
                    hold,
                } => {
                    let floor = Money::from_cents(*floor_cents, Currency::Eur)
                        .unwrap()
                        .amount()
                        .to_string();
                    book.redeem(&classes[*class], MEMBERS[*member], &ds, *shares, &floor, *hold)
                        .is_ok()
                }
                Op::PayRedemption { pick, cents } => {
                    let reds: Vec<_> = book
                        .entries
                        .iter()
                        .filter_map(|e| match &e.kind {
                            EntryKind::Redemption { redemption, .. } => Some(*redemption),
                            _ => None,
                        })
                        .collect();
                    if reds.is_empty() {
                        false
                    } else {
                        let amount = Money::from_cents(*cents, Currency::Eur).unwrap().amount().to_string();
                        book.pay_redemption(reds[pick % reds.len()], &ds, &amount).is_ok()
                    }
                }
                Op::Retain { member, cents } => {
                    let req = RetainRequest {
                        id: EntryId(book.id()),
                        member: MEMBERS[*member],
                        date,
                        fiscal_year: 2025,
                        amount: Money::from_cents(*cents, Currency::Eur).unwrap(),
                    };
                    match retain_patronage(&book.entries, &req) {
                        Ok(e) => {
                            book.entries.push(e);
                            true
                        }
                        Err(_) => false,
                    }
                }
                Op::Reverse { pick } => {
                    if book.entries.is_empty() {
                        false
                    } else {
                        let of = book.entries[pick % book.entries.len()].id;
                        let classes = classes.clone();
                        let req = ReversalRequest {
                            of,
                            date,
                            reason: "correction".into(),
                        };
                        let mut next = book.next;
                        let r = reverse(&book.entries, &classes, &req, &mut || {
                            next += 1;
                            EntryId(Uuid::from_u128(next))
                        });
                        book.next = next;
                        match r {
                            Ok(es) => {
                                book.entries.extend(es);
                                true
                            }
                            Err(_) => false,
                        }
                    }
                }
            };
            accepted += usize::from(ok);
        }
        (book.entries, accepted)
    }

    fn add(a: Money, b: Money) -> Money {
        a.checked_add(b).unwrap()
    }

    fn check_invariants(entries: &[LedgerEntry], as_of: NaiveDate) -> Result<(), TestCaseError> {
        let totals = coop_totals(entries, as_of, Currency::Eur).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let zero = Money::zero(Currency::Eur);
        let mut sum = totals.clone();
        for f in [
            &mut sum.subscribed,
            &mut sum.paid,
            &mut sum.unpaid,
            &mut sum.due,
            &mut sum.overdue,
            &mut sum.transferred_in,
            &mut sum.transferred_out,
            &mut sum.redeemed,
            &mut sum.redemption_paid,
            &mut sum.redemption_payable,
            &mut sum.retained_patronage,
            &mut sum.paid_up_capital,
            &mut sum.balance,
        ] {
            *f = zero;
        }
        sum.shares_held = 0;
        sum.fully_paid_shares = 0;
        for m in members(entries) {
            let a = account(entries, m, as_of, Currency::Eur).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for v in [
                a.subscribed,
                a.paid,
                a.unpaid,
                a.due,
                a.overdue,
                a.transferred_in,
                a.transferred_out,
                a.redeemed,
                a.redemption_paid,
                a.redemption_payable,
                a.retained_patronage,
                a.paid_up_capital,
                a.balance,
            ] {
                prop_assert!(!v.is_negative(), "negative figure in {:?}", a);
            }
            prop_assert!(a.due <= a.unpaid && a.overdue <= a.due);
            prop_assert!(a.fully_paid_shares <= a.shares_held);
            sum.subscribed = add(sum.subscribed, a.subscribed);
            sum.paid = add(sum.paid, a.paid);
            sum.unpaid = add(sum.unpaid, a.unpaid);
            sum.due = add(sum.due, a.due);
            sum.overdue = add(sum.overdue, a.overdue);
            sum.transferred_in = add(sum.transferred_in, a.transferred_in);
            sum.transferred_out = add(sum.transferred_out, a.transferred_out);
            sum.redeemed = add(sum.redeemed, a.redeemed);
            sum.redemption_paid = add(sum.redemption_paid, a.redemption_paid);
            sum.redemption_payable = add(sum.redemption_payable, a.redemption_payable);
            sum.retained_patronage = add(sum.retained_patronage, a.retained_patronage);
            sum.paid_up_capital = add(sum.paid_up_capital, a.paid_up_capital);
            sum.balance = add(sum.balance, a.balance);
            sum.shares_held += a.shares_held;
            sum.fully_paid_shares += a.fully_paid_shares;
        }
        // `members` counts those with an entry standing; compare the figures.
        sum.members = totals.members;
        prop_assert_eq!(&sum, &totals);
        prop_assert_eq!(totals.transferred_in, totals.transferred_out);
        Ok(())
    }

    fn dates_of(entries: &[LedgerEntry]) -> BTreeSet<NaiveDate> {
        let mut dates: BTreeSet<NaiveDate> = entries.iter().map(|e| e.date).collect();
        dates.insert(d("2024-12-31"));
        dates.insert(d("2030-01-01"));
        dates
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn totals_equal_the_sum_of_accounts_and_nothing_goes_negative(ops in prop::collection::vec(op(), 1..45)) {
            let (entries, _) = run(&ops);
            for date in dates_of(&entries) {
                check_invariants(&entries, date)?;
            }
        }

        #[test]
        fn reversals_restore_every_balance_exactly(ops in prop::collection::vec(op(), 1..35), pick in any::<usize>(), later in 0..30u64) {
            let (entries, _) = run(&ops);
            let candidates: Vec<&LedgerEntry> = entries
                .iter()
                .filter(|e| !matches!(e.kind, EntryKind::Reversal { .. }) && !is_reversed(&entries, e.id))
                .collect();
            prop_assume!(!candidates.is_empty());
            let target = candidates[pick % candidates.len()];
            let last = entries.iter().map(|e| e.date).max().unwrap();
            let date = last + chrono::Days::new(later);
            let req = ReversalRequest { of: target.id, date, reason: "test".into() };
            let mut n = 1u128 << 100;
            let Ok(reversals) = reverse(&entries, &classes(), &req, &mut || { n += 1; EntryId(Uuid::from_u128(n)) }) else {
                return Ok(());
            };
            let reversed_ids: HashSet<EntryId> = reversals.iter().map(|r| match &r.kind {
                EntryKind::Reversal { of, .. } => *of,
                _ => unreachable!(),
            }).collect();
            let mut with = entries.clone();
            with.extend(reversals.iter().cloned());
            let without: Vec<LedgerEntry> = entries.iter().filter(|e| !reversed_ids.contains(&e.id)).cloned().collect();
            for as_of in [date, date + chrono::Days::new(400)] {
                for m in members(&with) {
                    let a = account(&with, m, as_of, Currency::Eur).unwrap();
                    let b = account(&without, m, as_of, Currency::Eur).unwrap();
                    prop_assert_eq!(a, b);
                }
                let mut t1 = coop_totals(&with, as_of, Currency::Eur).unwrap();
                let t2 = coop_totals(&without, as_of, Currency::Eur).unwrap();
                t1.members = t2.members;
                prop_assert_eq!(t1, t2);
                check_invariants(&with, as_of)?;
            }
            // Before the reversal, nothing changed.
            let before = date.pred_opt().unwrap();
            for m in members(&entries) {
                prop_assert_eq!(
                    account(&with, m, before, Currency::Eur).unwrap(),
                    account(&entries, m, before, Currency::Eur).unwrap()
                );
            }
        }

        #[test]
        fn schedules_always_sum_to_the_total(cents in 0..MAX_CENTS_TEST, count in 1..=120u32, period in 1..=12u32, start in 0..20_000u64) {
            let total = Money::from_cents(cents, Currency::Eur).unwrap();
            let plan = InstalmentPlan { count, period_months: period };
            let on = d("2000-01-01") + chrono::Days::new(start);
            let s = schedule(on, total, Some(&plan));
            prop_assert_eq!(s.len(), count as usize);
            let sum: i64 = s.iter().map(|i| i.amount.cents()).sum();
            prop_assert_eq!(sum, cents);
            let max = s.iter().map(|i| i.amount.cents()).max().unwrap();
            let min = s.iter().map(|i| i.amount.cents()).min().unwrap();
            prop_assert!(max - min <= 1, "parts differ by at most a cent");
            prop_assert!(s.windows(2).all(|w| w[0].amount.cents() >= w[1].amount.cents()), "the first take the extra cents");
            prop_assert!(s.windows(2).all(|w| w[0].due < w[1].due));
            prop_assert_eq!(s[0].due, on);
        }
    }

    const MAX_CENTS_TEST: i64 = crate::money::MAX_CENTS;

    #[test]
    fn the_generator_exercises_the_ledger() {
        // A sanity check that the property tests do not only see refusals.
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = prop::collection::vec(op(), 40..41);
        let mut kinds = BTreeSet::new();
        let mut total = 0;
        for _ in 0..30 {
            let ops = strategy.new_tree(&mut runner).unwrap().current();
            let (entries, accepted) = run(&ops);
            total += accepted;
            kinds.extend(entries.iter().map(|e| e.kind.name()));
        }
        assert!(total > 200, "only {total} operations accepted");
        for k in [
            "subscribe",
            "payment",
            "transfer_out",
            "transfer_in",
            "redemption",
            "redemption_paid",
            "patronage_retained",
            "reversal",
        ] {
            assert!(kinds.contains(k), "no {k} was ever accepted: {kinds:?}");
        }
    }

    #[test]
    fn a_loss_takes_the_retained_balance_at_most() {
        assert_eq!(chargeable_loss(50_000, 12_345), 12_345);
        assert_eq!(chargeable_loss(10_000, 12_345), 10_000);
        assert_eq!(chargeable_loss(0, 12_345), 0);
        assert_eq!(chargeable_loss(-500, 12_345), 0);
        assert_eq!(chargeable_loss(10_000, 0), 0);
    }

    #[test]
    fn redeemed_patronage_leaves_the_account_and_is_not_reversed_alone() {
        let retained = LedgerEntry {
            id: EntryId(Uuid::from_u128(0x51)),
            member: ALICE,
            date: d("2024-03-31"),
            kind: EntryKind::PatronageRetained {
                fiscal_year: 2023,
                amount: eur("1000.00"),
            },
        };
        let redeemed = LedgerEntry {
            id: EntryId(Uuid::from_u128(0x52)),
            member: ALICE,
            date: d("2026-04-15"),
            kind: EntryKind::PatronageRedeemed {
                fiscal_year: 2023,
                amount: eur("700.00"),
            },
        };
        let ledger = vec![retained, redeemed.clone()];
        let currency = eur("0.00").currency();
        let account = super::account(&ledger, ALICE, d("2026-04-15"), currency).unwrap();
        assert_eq!(account.retained_patronage, eur("300.00"));
        assert_eq!(account.balance, eur("300.00"));
        assert_eq!(
            coop_totals(&ledger, d("2026-04-15"), currency)
                .unwrap()
                .retained_patronage,
            eur("300.00")
        );
        assert_eq!(redeemed.kind.name(), "patronage_redeemed");
        assert_eq!(redeemed.kind.amount(), Some(eur("700.00")));
        let mut next = || EntryId(Uuid::from_u128(0x53));
        let refused = reverse(
            &ledger,
            &[],
            &ReversalRequest {
                of: redeemed.id,
                date: d("2026-04-16"),
                reason: "by mistake".into(),
            },
            &mut next,
        );
        assert_eq!(refused, Err(ShareError::RedeemedPatronage));
    }
}
