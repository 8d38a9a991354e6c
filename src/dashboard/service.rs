//! The co-op's dashboard: one page (and its JSON twin) with the sections of every
//! role the caller holds, each read through the services and queries its domain
//! already has, so the dashboard and the domain pages cannot disagree.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{self, Outcome, Section};
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::ballots::rules::Status;
use crate::ballots::service::BallotSummary;
use crate::coops::rules::SetupReminder;
use crate::db;
use crate::error::AppResult;
use crate::membership::lifecycle::{MemberState, MemberStatus};
use crate::membership::store::RegisterRow;
use crate::money::Money;
use crate::shares::rules::InstalmentState;
use crate::web::state::AppState;

/// One instalment of the caller's shares not yet paid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstalmentDue {
    /// The share class.
    pub class: String,
    /// The day it falls (or fell) due.
    pub due_on: NaiveDate,
    /// Still to pay on it.
    #[schema(value_type = Object)]
    pub amount: Money,
    /// Fell due before today and is not paid.
    pub overdue: bool,
}

/// The caller's membership and shares.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyMembership {
    /// Their member number.
    pub number: Option<i64>,
    /// Their status on the register.
    pub status: String,
    /// Shares held, all classes.
    pub shares_held: u64,
    /// Paid on their subscriptions.
    #[schema(value_type = Object)]
    pub paid: Money,
    /// Fallen due and not paid (overdue included).
    #[schema(value_type = Object)]
    pub due: Money,
    /// Overdue.
    #[schema(value_type = Object)]
    pub overdue: Money,
    /// The instalments not yet paid, oldest first.
    pub instalments: Vec<InstalmentDue>,
}

/// The caller's hours in the current fiscal year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyHours {
    /// The year's label.
    pub year: String,
    /// Its first day.
    pub starts_on: NaiveDate,
    /// Its last day.
    pub ends_on: NaiveDate,
    /// Hours recorded.
    #[schema(value_type = String)]
    pub hours: rust_decimal::Decimal,
}

/// A notice of allocation of the caller's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyNotice {
    /// The distribution.
    pub distribution_id: Uuid,
    /// Its fiscal year.
    pub year: String,
    /// Where the distribution stands.
    pub status: String,
}

/// A decision of the co-op: a ballot closed recently.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Decision {
    /// The ballot.
    pub ballot_id: Uuid,
    /// Its title.
    pub title: String,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// What each question decided, as stored with the result.
    pub outcomes: Vec<Outcome>,
}

/// A member and an amount.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberAmount {
    /// The member.
    pub member_id: Uuid,
    /// Their name.
    pub name: String,
    /// The amount.
    #[schema(value_type = Object)]
    pub amount: Money,
    /// Of which overdue (instalments only).
    #[schema(value_type = Object)]
    pub overdue: Option<Money>,
}

/// Payments due across the co-op (treasurers).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Payments {
    /// Members with instalments fallen due and unpaid.
    pub instalments: Vec<MemberAmount>,
    /// Former members owed their redeemed shares.
    pub redemptions: Vec<MemberAmount>,
    /// Retained patronage due back under the revolving period.
    pub retained: Vec<MemberAmount>,
    /// Its total.
    #[schema(value_type = Object)]
    pub retained_total: Money,
}

/// The current fiscal year and where it stands (treasurers).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearState {
    /// The year.
    pub year_id: Uuid,
    /// Its label.
    pub label: String,
    /// Its first day.
    pub starts_on: NaiveDate,
    /// Its last day.
    pub ends_on: NaiveDate,
    /// Closed for hours: the hours are complete.
    pub hours_complete: bool,
    /// How far its distribution has gone: draft, proposed, approved or posted (none
    /// before one is drafted).
    pub distribution: Option<String>,
}

/// The co-op's capital (treasurers).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Capital {
    /// Members with shares.
    pub members: usize,
    /// Shares held.
    pub shares_held: u64,
    /// Subscribed.
    #[schema(value_type = Object)]
    pub subscribed: Money,
    /// Paid.
    #[schema(value_type = Object)]
    pub paid: Money,
    /// Share capital standing (the balance of every account).
    #[schema(value_type = Object)]
    pub balance: Money,
    /// Patronage retained in members' accounts.
    #[schema(value_type = Object)]
    pub retained_patronage: Money,
}

/// Someone waiting for the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Applicant {
    /// Their member id.
    pub member_id: Uuid,
    /// Their name.
    pub name: String,
    /// The day they applied.
    pub applied_on: NaiveDate,
}

/// A ballot waiting for its keepers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BallotLine {
    /// The ballot.
    pub ballot_id: Uuid,
    /// Its title.
    pub title: String,
    /// When it closes (or closed).
    pub closes_at: Option<DateTime<Utc>>,
}

/// An amendment of the bylaws in draft.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AmendmentLine {
    /// The amendment.
    pub amendment_id: Uuid,
    /// Its title.
    pub title: String,
}

/// A recent change of a member's standing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandingChange {
    /// The member.
    pub member_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their status from then.
    pub status: String,
    /// What happened.
    pub transition: String,
    /// When it took effect.
    pub effective_on: NaiveDate,
}

/// The co-op's dashboard for the caller: each part is there (not null) when one of
/// the caller's roles shows its section.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// The sections shown, in page order.
    pub sections: Vec<Section>,
    /// The day, in the co-op's time zone.
    pub today: NaiveDate,
    /// What changed since the caller's last visit to their notifications.
    pub unseen_notifications: usize,
    /// Open ballots, soonest close first, with whether the caller voted.
    pub open_ballots: Vec<BallotSummary>,
    /// The caller's membership and shares.
    pub membership: Option<MyMembership>,
    /// The caller's hours in the current fiscal year (none before the first year).
    pub hours: Option<MyHours>,
    /// The caller's notices of allocation, newest first.
    pub notices: Vec<MyNotice>,
    /// The co-op's recent decisions, newest first.
    pub decisions: Vec<Decision>,
    /// Payments due across the co-op.
    pub payments: Option<Payments>,
    /// The current fiscal year.
    pub fiscal_year: Option<YearState>,
    /// The capital totals.
    pub capital: Option<Capital>,
    /// Applications waiting.
    pub applications: Option<Vec<Applicant>>,
    /// Drafts of ballots, to open.
    pub ballots_to_open: Option<Vec<BallotLine>>,
    /// Open ballots past their closing time or closed by hand, to close.
    pub ballots_to_close: Option<Vec<BallotLine>>,
    /// Amendments of the bylaws in draft.
    pub amendments: Option<Vec<AmendmentLine>>,
    /// Recent changes of members' standing, newest first.
    pub standing: Option<Vec<StandingChange>>,
    /// What is left to set up or to chase.
    #[schema(value_type = Vec<Object>)]
    pub reminders: Vec<SetupReminder>,
}

/// The caller's dashboard.
pub async fn dashboard(state: &AppState, scope: &InCoop) -> AppResult<Dashboard> {
    scope.require(Action::ViewCoop)?;
    let sections = rules::sections(&scope.roles);
    let shows = |s: Section| sections.contains(&s) && scope.can(s.action());
    let today = scope.coop.today();
    let now = Utc::now();
    let coop_id = scope.coop.id;

    // Every ballot once (this also closes those past their time): the decisions come
    // from the rows, every other section from their list lines.
    let ballot_rows = crate::ballots::service::visible(state, scope).await?;
    let ballots = crate::ballots::service::summarise(state, scope, &ballot_rows).await?;
    let mut conn = db::conn(&state.pool).await?;
    let unseen_notifications = crate::notifications::service::since_last_visit(&mut conn, scope)
        .await?
        .unseen;
    // The whole register only for the officers' sections: a member's dashboard must
    // not grow with the co-op.
    let with_state = |row: RegisterRow| Some((serde_json::from_value::<MemberState>(row.state.clone()).ok()?, row));
    let people: Vec<(MemberState, RegisterRow)> = if [Section::Applications, Section::Payments, Section::Standing]
        .into_iter()
        .any(shows)
    {
        crate::membership::store::register(&mut conn, coop_id)
            .await?
            .into_iter()
            .filter_map(with_state)
            .collect()
    } else {
        Vec::new()
    };
    let names: HashMap<Uuid, &str> = people.iter().map(|(_, p)| (p.id, p.display_name.as_str())).collect();
    let name = |id: Uuid| names.get(&id).map(|n| n.to_string()).unwrap_or_default();

    let open_ballots: Vec<BallotSummary> = ballots.iter().filter(|b| b.status == Status::Open).cloned().collect();

    let decisions = if shows(Section::Decisions) {
        let mut closed: Vec<_> = ballot_rows
            .iter()
            .filter(|b| b.status == Status::Closed && rules::is_recent(b.ended_at, now))
            .collect();
        closed.sort_by_key(|b| std::cmp::Reverse(b.ended_at));
        closed
            .into_iter()
            .take(rules::RECENT_DECISIONS)
            .map(|b| Decision {
                ballot_id: b.id,
                title: b.title.clone(),
                closed_at: b.ended_at,
                outcomes: b.result.as_ref().map(rules::outcomes).unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };

    let membership = if shows(Section::Membership) {
        let holdings = crate::shares::service::holdings_in(&mut conn, coop_id, scope.member_id, today).await?;
        let me = crate::membership::store::register_entry(&mut conn, coop_id, scope.member_id)
            .await?
            .and_then(with_state);
        let mut instalments: Vec<InstalmentDue> = holdings
            .subscriptions
            .iter()
            .flat_map(|s| {
                rules::open_instalments(&s.dues.lines)
                    .into_iter()
                    .map(|l| InstalmentDue {
                        class: s.class.clone(),
                        due_on: l.due,
                        amount: l.amount.checked_sub(l.paid).unwrap_or(l.amount),
                        overdue: l.state == InstalmentState::Overdue,
                    })
            })
            .collect();
        instalments.sort_by_key(|i| i.due_on);
        Some(MyMembership {
            number: me.as_ref().and_then(|(_, p)| p.number),
            status: me
                .map(|(state, _)| crate::membership::store::status_name(state.status))
                .unwrap_or_default(),
            shares_held: holdings.account.shares_held,
            paid: holdings.account.paid,
            due: holdings.account.due,
            overdue: holdings.account.overdue,
            instalments,
        })
    } else {
        None
    };

    let years = crate::patronage::store::years(&mut conn, coop_id).await?;
    let spans: Vec<_> = years.iter().map(|y| (y.starts_on, y.ends_on)).collect();
    let current = rules::current_year(&spans, today).map(|i| &years[i]);

    let hours = match current {
        Some(year) if shows(Section::Hours) => {
            let lines = crate::patronage::store::hours(&mut conn, coop_id, year.id, Some(scope.member_id)).await?;
            Some(MyHours {
                year: year.label.clone(),
                starts_on: year.starts_on,
                ends_on: year.ends_on,
                hours: lines.iter().map(|l| l.hours).sum(),
            })
        }
        _ => None,
    };
    drop(conn);

    let notices = if shows(Section::Notices) {
        crate::patronage::service::my_notices(state, scope)
            .await?
            .into_iter()
            .map(|(d, year)| MyNotice {
                distribution_id: d.id,
                year: year.label,
                status: d.status,
            })
            .collect()
    } else {
        Vec::new()
    };

    let (payments, fiscal_year, capital) = if shows(Section::Payments) {
        let totals = crate::shares::service::totals(state, scope, today).await?;
        let instalments = totals
            .accounts
            .iter()
            .filter(|a| !a.due.is_zero())
            .map(|a| MemberAmount {
                member_id: a.member.0,
                name: name(a.member.0),
                amount: a.due,
                overdue: Some(a.overdue),
            })
            .collect();
        let redemptions = totals
            .accounts
            .iter()
            .filter(|a| !a.redemption_payable.is_zero())
            .map(|a| MemberAmount {
                member_id: a.member.0,
                name: name(a.member.0),
                amount: a.redemption_payable,
                overdue: None,
            })
            .collect();
        let due = crate::patronage::service::due_for_redemption(state, scope, today).await?;
        let retained = due
            .lines
            .iter()
            .map(|l| MemberAmount {
                member_id: l.member_id,
                name: l.name.clone(),
                amount: l.outstanding,
                overdue: None,
            })
            .collect();
        let mut conn = db::conn(&state.pool).await?;
        let fiscal_year = match current {
            Some(year) => {
                let distributions = crate::patronage::store::distributions(&mut conn, coop_id).await?;
                let statuses: Vec<&str> = distributions
                    .iter()
                    .filter(|d| d.fiscal_year_id == year.id)
                    .map(|d| d.status.as_str())
                    .collect();
                Some(YearState {
                    year_id: year.id,
                    label: year.label.clone(),
                    starts_on: year.starts_on,
                    ends_on: year.ends_on,
                    hours_complete: year.status != "open",
                    distribution: rules::distribution_stage(&statuses).map(str::to_string),
                })
            }
            None => None,
        };
        let t = &totals.totals;
        let capital = Capital {
            members: t.members,
            shares_held: t.shares_held,
            subscribed: t.subscribed,
            paid: t.paid,
            balance: t.balance,
            retained_patronage: t.retained_patronage,
        };
        (
            Some(Payments {
                instalments,
                redemptions,
                retained,
                retained_total: due.total,
            }),
            fiscal_year,
            Some(capital),
        )
    } else {
        (None, None, None)
    };

    let applications = shows(Section::Applications).then(|| {
        people
            .iter()
            .filter(|(state, _)| state.status == MemberStatus::Applicant)
            .map(|(state, p)| Applicant {
                member_id: p.id,
                name: p.display_name.clone(),
                applied_on: state.applied_on,
            })
            .collect()
    });
    let line = |b: &BallotSummary| BallotLine {
        ballot_id: b.id,
        title: b.title.clone(),
        closes_at: b.closes_at,
    };
    let ballots_to_open =
        shows(Section::BallotsToRun).then(|| ballots.iter().filter(|b| b.status == Status::Draft).map(line).collect());
    let ballots_to_close = shows(Section::BallotsToRun).then(|| {
        ballots
            .iter()
            .filter(|b| rules::to_close(b.status, b.closes_at, now))
            .map(line)
            .collect()
    });
    let amendments = if shows(Section::Amendments) {
        Some(
            crate::bylaws::service::amendments(state, scope)
                .await?
                .into_iter()
                .filter(|a| a.status == "draft")
                .map(|a| AmendmentLine {
                    amendment_id: a.id,
                    title: a.title,
                })
                .collect(),
        )
    } else {
        None
    };
    let standing = if shows(Section::Standing) {
        let mut conn = db::conn(&state.pool).await?;
        let history = crate::membership::store::history(&mut conn, coop_id, None).await?;
        let keys: Vec<_> = history.iter().map(|h| (h.member_id, h.recorded_at)).collect();
        Some(
            rules::recent_standing(&keys, now)
                .into_iter()
                .map(|i| {
                    let h = &history[i];
                    StandingChange {
                        member_id: h.member_id,
                        name: name(h.member_id),
                        status: h.status.clone(),
                        transition: h.transition.clone(),
                        effective_on: h.effective_on,
                    }
                })
                .collect(),
        )
    } else {
        None
    };
    let reminders = if shows(Section::Setup) {
        crate::coops::rules::setup_reminders(&crate::coops::service::setup(state, scope).await?)
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        sections,
        today,
        unseen_notifications,
        open_ballots,
        membership,
        hours,
        notices,
        decisions,
        payments,
        fiscal_year,
        capital,
        applications,
        ballots_to_open,
        ballots_to_close,
        amendments,
        standing,
        reminders,
    })
}
