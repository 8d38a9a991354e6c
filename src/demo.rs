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
use crate::error::{AppError, AppResult};
use crate::membership::lifecycle::{self, Actor, MemberId, MemberState, StatusChange, Transition};
use crate::membership::service::add_member_since;
use crate::membership::store as members;
use crate::money::{Currency, Money};
use crate::shares::rules::{
    self as shares, EntryId, InstalmentPlan, LedgerEntry, PaymentMethod, PaymentRequest, RedemptionId,
    RedemptionRequest, RedemptionRules, ShareClass, ShareClassId, SubscribeRequest, SubscriptionId, TransferId,
    TransferRequest,
};
use crate::shares::store as shares_store;
use chrono::{Duration, NaiveDate};
use uuid::Uuid;

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

/// When each demo member joined, in [`PEOPLE`]'s order (the operator is not a member):
/// Amina, Théo and Sam founded the co-op at its founding general meeting, the others
/// joined later, and all of them worked through the closed year.
const JOINED: [&str; 6] = [
    "2021-03-14",
    "2021-03-14",
    "2021-03-14",
    "2022-05-02",
    "2023-09-04",
    "2024-02-05",
];

/// The founding general meeting, when Rémi (who has since left) joined too.
const FOUNDED: &str = "2021-03-14";

fn date(text: &str) -> AppResult<chrono::NaiveDate> {
    text.parse()
        .map_err(|e| AppError::internal(format!("demo date {text}: {e}")))
}

/// Loads the demo co-op unless it is there already, and returns the logins with a
/// description of their roles.
pub async fn load(pool: &DbPool) -> AppResult<Vec<(String, String)>> {
    let mut conn = db::conn(pool).await?;
    if coops::by_slug(&mut conn, SLUG).await?.is_none() {
        create(&mut conn).await?;
        audit::chain_pending(&mut conn).await?;
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
            preset: None,
        },
        None,
    )
    .await?;
    // Article 8 of the demo's bylaws: the qualifying share is paid before one votes.
    let mut parameters = coops::parameters(conn, coop.id).await?;
    parameters.requires_qualifying_share = true;
    coops::save_parameters(conn, coop.id, &parameters).await?;
    let mut member_ids = Vec::new();
    for (((_, _, _, roles), user_id), joined) in PEOPLE.iter().zip(&ids).zip(JOINED) {
        let roles = RoleSet::new(roles.iter().copied());
        let reference = if joined == FOUNDED {
            "Founding general meeting"
        } else {
            "Board minutes"
        };
        let member_id = add_member_since(conn, &coop, *user_id, &roles, None, reference, date(joined)?).await?;
        audit::append(
            conn,
            Some(coop.id),
            None,
            "member.added",
            &format!("member:{member_id}"),
            json!({"user": user_id, "roles": roles.names(), "since": joined, "demo": true}),
        )
        .await?;
        member_ids.push(member_id);
    }
    // The demo's dates are days of the co-op's calendar, like every record's.
    let today = coop.today();
    let former = former_member(conn, coop.id, ids[2], today).await?;
    member_ids.push(former);
    share_capital(conn, coop.id, ids[1], &member_ids, today).await?;
    applicant(conn, coop.id, today).await?;
    // Max Member (the member login of the README) has not voted yet on the open ballots.
    crate::ballots::service::seed_demo(conn, &coop, ids[2], member_ids[4]).await?;
    // Bea (board) drafts; Amina, Théo, Sam vote for the amendment and Bea abstains;
    // Max comments on the open draft.
    crate::bylaws::service::seed_demo(conn, &coop, ids[3], &member_ids[..4], member_ids[4]).await?;
    // The year-end distribution follows the bylaws just put in force.
    patronage(conn, coop.id, ids[1], &member_ids, today).await?;
    // Sam (secretary) keeps the 2025 AGM's record; the autumn meeting is to come.
    crate::meetings::service::seed_demo(conn, &coop, ids[2], &member_ids[..5]).await?;
    tracing::info!(coop = %coop.slug, "demo co-op created");
    Ok(())
}

/// Share classes, subscriptions from each member's joining (two in instalments and
/// overdue), and a transfer, written through the same rules as the treasurer's pages.
async fn share_capital(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    treasurer: Uuid,
    member_ids: &[Uuid],
    today: NaiveDate,
) -> AppResult<()> {
    let eur = |cents: i64| Money::from_cents(cents, Currency::Eur).map_err(|e| AppError::internal(e.to_string()));
    let qualifying = ShareClass {
        id: ShareClassId(Uuid::now_v7()),
        name: "Parts sociales".into(),
        par_value: eur(50 * 100)?,
        qualifying: true,
        max_per_member: Some(200),
        instalments: Some(InstalmentPlan {
            count: 4,
            period_months: 1,
        }),
    };
    shares_store::insert_class(conn, coop_id, &qualifying).await?;
    let fail = |e: shares::ShareError| AppError::internal(format!("demo capital: {e}"));
    let mut ledger: Vec<LedgerEntry> = Vec::new();
    // (member index, shares, in instalments, euros paid); 6 is Rémi, who has left.
    // Théo and Max pay by instalments and are behind, each with one share paid: enough
    // to vote.
    let holdings = [
        (0, 10, false, 500),
        (1, 4, true, 50),
        (2, 2, false, 100),
        (3, 3, false, 150),
        (4, 2, true, 50),
        (5, 1, false, 50),
        (6, 2, false, 100),
    ];
    for (index, count, in_instalments, paid) in holdings {
        let start = date(JOINED.get(index).copied().unwrap_or(FOUNDED))?;
        let subscription = SubscriptionId(Uuid::now_v7());
        let request = SubscribeRequest {
            id: EntryId(Uuid::now_v7()),
            subscription,
            member: MemberId(member_ids[index]),
            date: start,
            shares: count,
            in_instalments,
        };
        ledger.push(shares::subscribe(&ledger, &qualifying, &request).map_err(fail)?);
        if paid > 0 {
            let payment = PaymentRequest {
                id: EntryId(Uuid::now_v7()),
                subscription,
                date: start + Duration::days(3),
                amount: eur(paid * 100)?,
                method: PaymentMethod::BankTransfer,
                reference: Some(format!("DEMO-{index:02}")),
            };
            ledger.push(shares::record_payment(&ledger, &qualifying, &payment).map_err(fail)?);
        }
    }
    // The board approved a transfer of two fully paid shares from Amina to Bea today.
    let transfer = TransferRequest {
        out_id: EntryId(Uuid::now_v7()),
        in_id: EntryId(Uuid::now_v7()),
        transfer: TransferId(Uuid::now_v7()),
        seller: MemberId(member_ids[0]),
        buyer: MemberId(member_ids[3]),
        date: today,
        shares: 2,
        decision_ref: "Board minutes, demo".into(),
        seller_in_good_standing: true,
        buyer_in_good_standing: true,
    };
    ledger.extend(shares::transfer(&ledger, &qualifying, &transfer).map_err(fail)?);
    // Rémi left the co-op: the board redeemed his two shares at par; not paid out yet.
    let redemption = RedemptionRequest {
        id: EntryId(Uuid::now_v7()),
        redemption: RedemptionId(Uuid::now_v7()),
        member: MemberId(member_ids[6]),
        date: today - Duration::days(5),
        shares: 2,
        decision_ref: "Board minutes, demo".into(),
    };
    let rules = RedemptionRules {
        capital_floor: eur(0)?,
        redemption_hold: false,
    };
    ledger.push(shares::redeem(&ledger, &qualifying, &redemption, &rules).map_err(fail)?);
    shares_store::append(conn, coop_id, &ledger, treasurer).await?;
    Ok(())
}

/// Rémi, a member since the co-op's founding who resigned ten days ago.
async fn former_member(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    secretary: Uuid,
    today: NaiveDate,
) -> AppResult<Uuid> {
    let user = users::create(conn, "remi@example.org", "Rémi Retraité", "fr", None, false).await?;
    let start = date(FOUNDED)?;
    let number = members::take_member_number(conn, coop_id).await?;
    let state = MemberState::member_from(start, "Founding general meeting");
    let first = lifecycle::history_entry(
        &Transition::Admit {
            actor: Actor::User(secretary),
            date: start,
            decision_ref: "Founding general meeting".into(),
        },
        &state,
    );
    let new = members::NewMember {
        coop_id,
        user_id: user.id,
        roles: &RoleSet::new([]),
        state: &state,
        number: Some(number),
        motivation: "",
    };
    let member_id = members::insert(conn, new, &first).await?;
    let resignation = Transition::Resign {
        actor: Actor::User(secretary),
        notice_date: today - Duration::days(40),
        effective_date: today - Duration::days(10),
    };
    let policy = members::policy(conn, coop_id).await?;
    let resigned = lifecycle::apply(&state, &resignation, &policy).map_err(|e| AppError::internal(e.to_string()))?;
    let entry = members::Entry {
        id: member_id,
        user_id: user.id,
        number: Some(number),
        state: resigned.clone(),
    };
    members::save_state(conn, coop_id, &entry).await?;
    members::record_change(
        conn,
        coop_id,
        member_id,
        &lifecycle::history_entry(&resignation, &resigned),
    )
    .await?;
    Ok(member_id)
}

/// Someone who applied through the public page and waits for the board.
async fn applicant(conn: &mut AsyncPgConnection, coop_id: Uuid, today: NaiveDate) -> AppResult<()> {
    let user = users::create(conn, "camille@example.org", "Camille Candidate", "fr", None, false).await?;
    let state = MemberState::applicant(today);
    let new = members::NewMember {
        coop_id,
        user_id: user.id,
        roles: &RoleSet::new([]),
        state: &state,
        number: None,
        motivation: "Je travaille au fournil depuis six mois et je souhaite devenir associée.",
    };
    members::insert(conn, new, &StatusChange::application(today, Actor::User(user.id))).await?;
    Ok(())
}

/// A fiscal year closed for hours (the twelve months to yesterday), with every demo
/// member's hours, and a draft distribution of its surplus under the rule set the
/// bylaws in force name (their reserve rate, return on shares, basis and approver),
/// computed by the same code as the treasurer's pages.
async fn patronage(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    treasurer: Uuid,
    member_ids: &[Uuid],
    today: NaiveDate,
) -> AppResult<()> {
    use crate::patronage::{allocate, limits, service as distribution, store as patronage, workflow};
    use chrono::Datelike;
    use rust_decimal::Decimal;
    let (starts_on, ends_on) = (today - Duration::days(365), today - Duration::days(1));
    let year = patronage::FiscalYear {
        id: Uuid::now_v7(),
        label: format!("{}–{}", starts_on.year(), ends_on.year()),
        starts_on,
        ends_on,
        status: workflow::YearStatus::Open.as_str().into(),
        closed_at: None,
    };
    patronage::insert_year(conn, coop_id, &year).await?;
    // Hours worked in the year, in the order of `member_ids` (Rémi, who left, last).
    let hours = [1650, 1607, 1200, 900, 1450, 1100, 480];
    let lines: Vec<workflow::HoursLine> = member_ids
        .iter()
        .zip(hours)
        .map(|(member, hours)| workflow::HoursLine {
            member: MemberId(*member),
            period_start: starts_on,
            period_end: ends_on,
            hours: Decimal::from(hours),
            wages: None,
        })
        .collect();
    patronage::insert_hours(conn, coop_id, year.id, &lines, treasurer).await?;
    patronage::set_year_status(conn, coop_id, year.id, workflow::YearStatus::Closed, treasurer).await?;
    let inputs = distribution::gather_inputs(conn, coop_id, &year).await?;
    let bylaws = crate::bylaws::store::current(conn, coop_id)
        .await?
        .ok_or_else(|| AppError::internal("demo distribution: no bylaws in force"))?;
    let (preset, overrides) = limits::schedule_rules(&bylaws.schedule.distribution);
    let rules = distribution::rule_set_of(preset.as_deref(), &overrides)?;
    let bounds = limits::BylawLimits::of(bylaws.number, &bylaws.schedule.distribution)
        .ok_or_else(|| AppError::internal("demo distribution: the bylaws' rates are not decimals"))?;
    let beyond = limits::check(&rules, bounds.board_may_approve, &bounds);
    if !beyond.is_empty() {
        return Err(AppError::internal(format!(
            "demo distribution beyond the bylaws: {beyond:?}"
        )));
    }
    let surplus = Decimal::new(4_821_000, 2);
    let members: Vec<_> = inputs.iter().map(|i| i.input.clone()).collect();
    let alloc = allocate::allocate(surplus, &rules, &members)
        .map_err(|e| AppError::internal(format!("demo distribution: {e}")))?;
    let json = |v: serde_json::Result<String>| v.map_err(|e| AppError::internal(e.to_string()));
    let id = Uuid::now_v7();
    let hash = workflow::rule_set_hash(&rules);
    patronage::insert_distribution(
        conn,
        coop_id,
        &patronage::NewDistribution {
            id,
            fiscal_year_id: year.id,
            surplus,
            rule_set: &json(serde_json::to_string(&rules))?,
            rule_set_hash: &hash,
            inputs: &json(serde_json::to_string(&inputs))?,
            result: &json(serde_json::to_string(&alloc))?,
            board_may_approve: bounds.board_may_approve,
        },
    )
    .await?;
    audit::append(
        conn,
        Some(coop_id),
        Some(treasurer),
        "patronage.distribution_drafted",
        &format!("distribution:{id}"),
        json!({"fiscal_year": year.id, "surplus": surplus, "rule_set": rules, "rule_set_hash": hash,
                "bylaws_version": bylaws.number, "demo": true}),
    )
    .await?;
    Ok(())
}
