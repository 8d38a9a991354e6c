//! Ballot use cases: each authorises, opens one transaction, applies the rules,
//! stores, appends the audit event and commits. The API and the pages both call
//! these, so they cannot disagree.
//!
//! Secrecy: on a secret ballot no function here writes, logs or audits anything that
//! links a member to a paper. The participation (who) and the paper (what) are
//! written in one transaction to two tables that share no key.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{
    self, Answer, BallotError, BallotParameters, BallotResult, CountedPaper, Mode, Question, QuestionKind, Settings,
    Status, Step,
};
use super::store::{self, Ballot, BallotFields, LegalBasis, Lock};
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::bylaws::rules::{ArticleNumber, DecidingBody, DecisionKind, GovernanceSchedule};
use crate::coops::store::Coop;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::mail::Mail;
use crate::membership::store as members;
use crate::notifications::rules::{LegalNotice, MailKind};
use crate::web::state::AppState;

/// A rule's refusal as an HTTP error: fields are 422, the rest 409.
pub fn ballot_error(error: BallotError) -> AppError {
    match (error.field(), &error) {
        (Some(field), BallotError::BadAnswer { code, args, .. }) => AppError::coded_field(field, code, args),
        (Some(field), _) => AppError::field(field, error.to_string()),
        (None, _) => AppError::Conflict(error.to_string()),
    }
}

fn step(status: Status, step: Step) -> AppResult<()> {
    rules::check_step(status, step).map_err(AppError::Conflict)
}

/// A ballot as a client describes it when creating or editing a draft.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct BallotInput {
    /// Its title ("Annual general meeting 2026").
    pub title: String,
    /// What it is about (Markdown).
    #[serde(default)]
    pub description: String,
    /// How it is run; the co-op's parameters when left out.
    pub settings: Option<Settings>,
    /// The questions, answered on one visit.
    pub questions: Vec<Question>,
    /// When an online ballot opens by itself (optional: it can be opened by hand).
    pub opens_at: Option<DateTime<Utc>>,
    /// When an online ballot closes by itself (required to open an online ballot).
    pub closes_at: Option<DateTime<Utc>>,
    /// The kind of decision it takes (`ordinary` when left out): `admission`,
    /// `expulsion`, `distribution_approval`, `dissolution`; the bylaws in force set
    /// its least rule. Amendments go to the vote from the bylaws.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub decision_kind: Option<DecisionKind>,
    /// The member an admission or an expulsion is about (required for those, refused
    /// for any other kind).
    #[serde(default)]
    pub subject_member_id: Option<Uuid>,
    /// The grounds of an expulsion, sent to the member in writing (required for an
    /// expulsion).
    #[serde(default)]
    pub grounds: Option<String>,
    /// Who votes: `members` or `board`. Left out, the body the bylaws name (the
    /// members, for a distribution's approval); `board` only where the bylaws give
    /// the decision to the board.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub body: Option<DecidingBody>,
}

/// The settings a new ballot starts from: the co-op's parameters.
pub fn default_settings(p: &BallotParameters) -> Settings {
    Settings {
        mode: Mode::Online,
        secret: p.secret,
        allow_change: true,
        quorum: p.quorum,
        proxies: p.proxies,
    }
}

/// The members in good standing today, in the co-op's time zone: the roll a ballot
/// opening now would freeze.
pub(crate) async fn eligible_members(conn: &mut AsyncPgConnection, coop: &Coop) -> AppResult<Vec<Uuid>> {
    crate::shares::service::voters_on(conn, coop.id, coop.today()).await
}

/// The roll a ballot voted on by `body` would freeze now: the members in good
/// standing, or those of them who sit on the board.
pub(crate) async fn roll_of(conn: &mut AsyncPgConnection, coop: &Coop, body: DecidingBody) -> AppResult<Vec<Uuid>> {
    let voters = eligible_members(conn, coop).await?;
    Ok(match body {
        DecidingBody::Members => voters,
        DecidingBody::Board => {
            let board: std::collections::HashSet<Uuid> =
                members::board_members(conn, coop.id).await?.into_iter().collect();
            voters.into_iter().filter(|m| board.contains(m)).collect()
        }
    })
}

fn check_window(
    settings: &Settings,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if o >= c {
            return Err(AppError::field("closes_at", "The ballot must close after it opens."));
        }
    }
    if settings.mode == Mode::Online && opens_at.is_some() && closes_at.is_none() {
        return Err(AppError::field("closes_at", "An online ballot needs a closing time."));
    }
    // The clock cannot see who is in the room: the chair closes a meeting's vote.
    if settings.mode == Mode::Meeting && closes_at.is_some() {
        return Err(AppError::field(
            "closes_at",
            "A meeting ballot is closed by the chair during the meeting, once the attendance is recorded: leave the closing time empty.",
        ));
    }
    Ok(())
}

/// What the bylaws in force say of one kind of decision: who may vote on it, the
/// least rule a ballot on it must respect, and the version of the bylaws that sets
/// it. The members' ordinary rule is the co-op's governance parameters, which the
/// bylaws in force set when they come into force; a co-op without bylaws decides
/// every kind under its parameters, with Concord's default table of who decides.
pub(crate) struct InForce {
    kind: DecisionKind,
    /// The schedule that applies: the bylaws' in force, or (without bylaws,
    /// `bylaws_version` none) Concord's defaults.
    schedule: GovernanceSchedule,
    /// The co-op's governance parameters.
    ordinary: BallotParameters,
    /// The version of the bylaws in force, if any.
    pub(crate) bylaws_version: Option<i32>,
    /// The article of the bylaws this kind of decision is taken under, if one says.
    pub(crate) article: Option<ArticleNumber>,
}

impl InForce {
    /// The body that votes when the ballot asks for `requested` (or for nothing): the
    /// body the bylaws name; for a distribution's approval the members by default
    /// (they may always approve one themselves) and the board only where the bylaws
    /// let it approve.
    fn body(&self, requested: Option<DecidingBody>) -> AppResult<DecidingBody> {
        let named = self.schedule.decided_by(self.kind);
        let (default, allowed): (DecidingBody, &[DecidingBody]) = match (self.kind, named) {
            (DecisionKind::DistributionApproval, DecidingBody::Board) => {
                (DecidingBody::Members, &[DecidingBody::Members, DecidingBody::Board])
            }
            (_, DecidingBody::Board) => (DecidingBody::Board, &[DecidingBody::Board]),
            (_, DecidingBody::Members) => (DecidingBody::Members, &[DecidingBody::Members]),
        };
        let body = requested.unwrap_or(default);
        if !allowed.contains(&body) {
            return Err(AppError::field(
                "body",
                match named {
                    DecidingBody::Board => "The bylaws give this decision to the board: make it a ballot of the board.",
                    DecidingBody::Members => "The bylaws give this decision to the members, not to the board.",
                },
            ));
        }
        Ok(body)
    }

    /// Whether a draft voted on by `body` may still open under the bylaws in force.
    fn allows(&self, body: DecidingBody) -> AppResult<()> {
        self.body(Some(body)).map(|_| ()).map_err(|_| {
            AppError::Conflict(format!(
                "The bylaws in force now give this decision to {}: cancel this draft and make a new ballot.",
                match body {
                    DecidingBody::Board => "the members",
                    DecidingBody::Members => "the board",
                }
            ))
        })
    }

    /// The least rule of a ballot voted on by `body`.
    fn parameters(&self, body: DecidingBody) -> BallotParameters {
        match (self.bylaws_version.is_some(), body) {
            (true, DecidingBody::Board) => self.schedule.board_parameters(self.kind),
            (true, DecidingBody::Members) if self.kind != DecisionKind::Ordinary => {
                self.schedule.ballot_parameters(self.kind)
            }
            (false, DecidingBody::Board) => BallotParameters {
                quorum: self.schedule.board_quorum,
                proxies: rules::ProxyLimit::None,
                secret: false,
                ..self.ordinary
            },
            _ => self.ordinary,
        }
    }
}

async fn in_force(conn: &mut AsyncPgConnection, coop: &Coop, kind: DecisionKind) -> AppResult<InForce> {
    let current = crate::bylaws::store::current(conn, coop.id).await?;
    let bylaws_version = current.as_ref().map(|c| c.number);
    // The article a decision of this kind is taken under, for its legal basis.
    let article = current.as_ref().and_then(|c| {
        crate::bylaws::rules::decision_article(&c.bylaws, &c.schedule.decisions, kind).and_then(ArticleNumber::of)
    });
    Ok(InForce {
        article,
        kind,
        schedule: current.map_or_else(GovernanceSchedule::defaults, |c| c.schedule),
        ordinary: store::parameters(conn, coop.id).await?,
        bylaws_version,
    })
}

/// The settings of a new or edited draft of `kind`, checked against the rule the
/// bylaws in force give that kind, and who votes on it.
async fn checked_settings(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    kind: DecisionKind,
    input: &BallotInput,
) -> AppResult<(Settings, DecidingBody)> {
    let rule = in_force(conn, coop, kind).await?;
    let body = rule.body(input.body)?;
    check_decision_question(kind, &input.questions)?;
    let settings = validated(conn, coop, input, &rule.parameters(body), body).await?;
    check_subject(conn, coop, kind, input).await?;
    Ok((settings, body))
}

/// An admission or an expulsion names its member, whose place on the register must
/// allow it; an expulsion states its grounds. No other kind is about one member.
async fn check_subject(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    kind: DecisionKind,
    input: &BallotInput,
) -> AppResult<()> {
    let grounds = input.grounds.as_deref().unwrap_or("").trim();
    let Some(transition) =
        crate::membership::service::transition_of(kind, coop.today(), String::from("ballot"), grounds)
    else {
        if input.subject_member_id.is_some() || !grounds.is_empty() {
            return Err(AppError::field(
                "subject_member_id",
                "Only an admission or an expulsion is about one member.",
            ));
        }
        return Ok(());
    };
    let Some(member) = input.subject_member_id else {
        return Err(AppError::field(
            "subject_member_id",
            "Choose the member this decision is about.",
        ));
    };
    if kind == DecisionKind::Expulsion && grounds.is_empty() {
        return Err(AppError::field(
            "grounds",
            "State the grounds: the member is sent them in writing before the vote.",
        ));
    }
    if grounds.chars().count() > MAX_GROUNDS {
        return Err(AppError::field(
            "grounds",
            format!("Keep the grounds under {MAX_GROUNDS} characters."),
        ));
    }
    register_allows(conn, coop, member, &transition).await
}

/// Whether the register, as it stands, lets a decision on `member` take effect: their
/// place allows the change, and a co-op in liquidation admits no one. Checked when
/// the ballot is made, when it opens and when it carries.
async fn register_allows(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    member: Uuid,
    transition: &crate::membership::lifecycle::Transition,
) -> AppResult<()> {
    if transition.name() == crate::membership::lifecycle::TransitionName::Admit {
        coop.refuse_if_dissolved("admits no one")?;
    }
    crate::membership::service::check_transition(conn, coop.id, member, transition).await
}

/// The longest grounds of an expulsion.
const MAX_GROUNDS: usize = 5_000;

/// What a draft stores of `input`, with its checked `settings`.
fn fields_of<'a>(input: &'a BallotInput, settings: &'a Settings) -> BallotFields<'a> {
    BallotFields {
        title: input.title.trim(),
        description: &input.description,
        settings,
        questions: &input.questions,
        opens_at: input.opens_at,
        closes_at: input.closes_at,
    }
}

/// A ballot that takes a named decision decides it by its first question, a motion.
fn check_decision_question(kind: DecisionKind, questions: &[Question]) -> AppResult<()> {
    let first_is_motion = matches!(questions.first().map(|q| &q.kind), Some(QuestionKind::Motion { .. }));
    if kind != DecisionKind::Ordinary && !first_is_motion {
        return Err(AppError::field(
            "questions[0]",
            "This decision is taken by a motion: make the first question a motion.",
        ));
    }
    Ok(())
}

async fn validated(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    input: &BallotInput,
    parameters: &BallotParameters,
    body: DecidingBody,
) -> AppResult<Settings> {
    let parameters = *parameters;
    let settings = input.settings.unwrap_or_else(|| default_settings(&parameters));
    // The board votes online: a general meeting's attendance says nothing of it.
    if body == DecidingBody::Board && settings.mode == Mode::Meeting {
        return Err(AppError::field(
            "mode",
            "The bylaws give this decision to the board, which votes online: choose an online ballot.",
        ));
    }
    let roll = roll_of(conn, coop, body).await?.len() as u64;
    rules::validate_ballot(
        input.title.trim(),
        &input.description,
        &settings,
        &input.questions,
        &parameters,
        roll,
    )
    .map_err(ballot_error)?;
    check_window(&settings, input.opens_at, input.closes_at)?;
    // A candidate named as a member must be one of this co-op's members.
    for (i, q) in input.questions.iter().enumerate() {
        if let rules::QuestionKind::Election { candidates, .. } = &q.kind {
            for (j, c) in candidates.iter().enumerate() {
                if let Some(member) = c.member_id {
                    if members::address(conn, coop.id, member).await?.is_none() {
                        return Err(AppError::field(
                            format!("questions[{i}].candidates[{j}].member_id"),
                            "This candidate is not a member of the co-op.",
                        ));
                    }
                }
            }
        }
    }
    if let Some(o) = input.opens_at {
        let now = Utc::now();
        if o <= now {
            return Err(AppError::field("opens_at", "The opening time must be in the future."));
        }
        // Scheduling sends the notice now, so the opening must be far enough ahead.
        // The members' notice is for the members' ballots; the board keeps its own.
        let notice = match body {
            DecidingBody::Members => crate::bylaws::service::notice_rule(conn, coop.id).await?,
            DecidingBody::Board => None,
        };
        if let Some(rule) = notice {
            rules::notice_check(rule.days, Some(now), o)
                .map_err(|short| AppError::field("opens_at", rule.refusal("a ballot", short, now, &coop.time_zone)))?;
        }
    }
    Ok(settings)
}

/// Creates a draft ballot (secretaries and the board).
pub async fn create(state: &AppState, scope: &InCoop, input: &BallotInput) -> AppResult<Ballot> {
    scope.require(Action::ManageBallots)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop, actor) = (&scope.coop, scope.caller.user.id);
    if input.decision_kind == Some(DecisionKind::BylawAmendment) {
        return Err(AppError::field(
            "decision_kind",
            "An amendment of the bylaws goes to the vote from its page in the bylaws.",
        ));
    }
    let ballot = conn
        .transaction(async |conn| create_in(conn, coop, actor, input).await)
        .await?;
    give_notice(&mut conn, state, coop, &ballot).await;
    send_grounds(&mut conn, state, coop, &ballot).await;
    Ok(ballot)
}

/// Gives the members notice of a ballot scheduled to open, when the bylaws in force
/// require notice: the e-mail (its dates and the link to its text) is the notice,
/// and the time it went out is recorded, since the opening waits the bylaws' days
/// from then. After the commit; a failure is logged and leaves no notice recorded,
/// so the ballot cannot open on a notice nobody got.
async fn give_notice(conn: &mut AsyncPgConnection, state: &AppState, coop: &Coop, ballot: &Ballot) {
    let Some(opens) = ballot.opens_at else {
        return;
    };
    let when = |t: DateTime<Utc>| crate::web::i18n::datetime_in(t, &coop.time_zone);
    let args = vec![
        ("coop", coop.name.clone()),
        ("title", ballot.title.clone()),
        ("opens", when(opens)),
        ("closes", ballot.closes_at.map(when).unwrap_or_default()),
        (
            "link",
            format!("{}/c/{}/ballots/{}", state.settings.public_url, coop.slug, ballot.id),
        ),
    ];
    let notice = crate::mail::NoticeOf {
        coop_id: coop.id,
        kind: LegalNotice::BallotNotice,
        subject_id: ballot.id,
        created_by: None,
    };
    if crate::bylaws::service::send_notice(conn, notice, MailKind::BallotNotice, args).await {
        notice_sent(conn, coop.id, ballot.id).await;
    }
}

/// Records that the notice of a ballot went out now (this e-mail or, for an
/// amendment, the e-mail putting it to the vote). A failure is logged: the ballot
/// then counts as not noticed, the safe side.
pub(crate) async fn notice_sent(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) {
    if let Err(e) = store::set_notice_sent_at(conn, coop_id, id, Some(Utc::now())).await {
        tracing::error!(error = %e, ballot = %id, "the notice of a ballot was sent but not recorded");
    }
}

/// Creates a draft ballot inside the caller's transaction, checked against the rule
/// the bylaws in force give its kind of decision.
pub(crate) async fn create_in(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    actor: Uuid,
    input: &BallotInput,
) -> AppResult<Ballot> {
    let id = Uuid::now_v7();
    let kind = input.decision_kind.unwrap_or(DecisionKind::Ordinary);
    if kind == DecisionKind::Dissolution {
        coop.refuse_if_dissolved("cannot be dissolved again")?;
    }
    let (settings, body) = checked_settings(conn, coop, kind, input).await?;
    let fields = fields_of(input, &settings);
    store::insert(conn, coop.id, id, (kind, body), &fields).await?;
    save_subject(conn, coop.id, id, input).await?;
    audit::append(
        conn,
        Some(coop.id),
        Some(actor),
        "ballot.created",
        &format!("ballot:{id}"),
        json!({"title": fields.title, "settings": settings, "questions": input.questions,
               "opens_at": input.opens_at, "closes_at": input.closes_at, "kind": kind, "body": body.name(),
               "subject": input.subject_member_id, "grounds": input.grounds}),
    )
    .await?;
    store::find(conn, coop.id, id, Lock::None).await
}

async fn save_subject(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid, input: &BallotInput) -> AppResult<()> {
    match input.subject_member_id {
        Some(member) => {
            let grounds = input.grounds.as_deref().unwrap_or("").trim();
            store::insert_subject(conn, coop_id, id, member, grounds).await
        }
        None => Ok(()),
    }
}

/// Replaces a draft's title, settings and questions.
pub async fn update(state: &AppState, scope: &InCoop, id: Uuid, input: &BallotInput) -> AppResult<Ballot> {
    scope.require(Action::ManageBallots)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop, actor) = (&scope.coop, scope.caller.user.id);
    let ballot = conn
        .transaction(async |conn| {
            let ballot = store::find(conn, coop.id, id, Lock::Update).await?;
            step(ballot.status, Step::Edit)?;
            // A notice given describes the draft as it was: a changed draft needs a new one.
            store::set_notice_sent_at(conn, coop.id, id, None).await?;
            let (settings, body) = checked_settings(conn, coop, ballot.decision_kind, input).await?;
            if body != ballot.body {
                return Err(AppError::field("body", "Who votes on a ballot is set when it is made."));
            }
            let fields = fields_of(input, &settings);
            store::update(conn, coop.id, id, &fields).await?;
            // The grounds sent and the hearing held were about the draft as it was.
            save_subject(conn, coop.id, id, input).await?;
            audit::append(
                conn,
                Some(coop.id),
                Some(actor),
                "ballot.updated",
                &format!("ballot:{id}"),
                json!({"title": fields.title, "settings": settings, "questions": input.questions,
                   "opens_at": input.opens_at, "closes_at": input.closes_at}),
            )
            .await?;
            store::find(conn, coop.id, id, Lock::None).await
        })
        .await?;
    give_notice(&mut conn, state, coop, &ballot).await;
    send_grounds(&mut conn, state, coop, &ballot).await;
    Ok(ballot)
}

/// Sends a member the grounds of a proposed expulsion, in writing, and records when:
/// the vote cannot open before (and, where the bylaws require it, before the member
/// was heard). After the commit; a failure is logged and leaves the grounds unsent,
/// so the ballot waits for an edit that sends them again.
async fn send_grounds(conn: &mut AsyncPgConnection, state: &AppState, coop: &Coop, ballot: &Ballot) {
    if ballot.decision_kind != DecisionKind::Expulsion {
        return;
    }
    let sent = async {
        let Some(subject) = store::subject(conn, coop.id, ballot.id).await? else {
            return Ok(());
        };
        let Some((email, name, locale)) = members::address(conn, coop.id, subject.member_id).await? else {
            return Ok(());
        };
        let args = [
            ("coop", coop.name.clone()),
            ("name", name),
            ("grounds", subject.grounds.clone()),
            ("title", ballot.title.clone()),
            (
                "link",
                format!("{}/c/{}/ballots/{}", state.settings.public_url, coop.slug, ballot.id),
            ),
        ];
        let mail = Mail {
            to: email,
            subject: crate::web::i18n::text_with(&locale, "mail-expulsion-grounds-subject", &args),
            body: crate::web::i18n::text_with(&locale, "mail-expulsion-grounds-body", &args),
        };
        conn.transaction(async |conn| {
            crate::mail::queue(conn, Some(coop.id), &[mail]).await?;
            store::set_subject_notified(conn, coop.id, ballot.id, Utc::now()).await
        })
        .await
    };
    if let Err(e) = sent.await {
        tracing::error!(error = %e, ballot = %ballot.id, "the grounds of an expulsion were not sent");
    }
}

/// Who opens or closes: a person, or the clock.
#[derive(Debug, Clone, Copy)]
pub enum By {
    /// A secretary or board member.
    User(Uuid),
    /// The scheduler (end of the window, scheduled opening).
    Clock,
}

impl By {
    pub(crate) fn user(self) -> Option<Uuid> {
        match self {
            By::User(u) => Some(u),
            By::Clock => None,
        }
    }
}

/// A ballot that has just opened or closed, with its co-op: what the members are told about.
pub(crate) struct Changed {
    pub(crate) coop: Coop,
    pub(crate) ballot: Ballot,
}

pub(crate) async fn open_in(conn: &mut AsyncPgConnection, coop: &Coop, id: Uuid, by: By) -> AppResult<Changed> {
    let ballot = store::find(conn, coop.id, id, Lock::Update).await?;
    step(ballot.status, Step::Open)?;
    let now = Utc::now();
    if ballot.settings.mode == Mode::Online {
        match ballot.closes_at {
            None => {
                return Err(AppError::field(
                    "closes_at",
                    "Set when the ballot closes before opening it.",
                ))
            }
            Some(c) if c <= now => {
                return Err(AppError::field(
                    "closes_at",
                    "The closing time has passed; set a later one before opening.",
                ))
            }
            _ => {}
        }
    }
    // The rule is the one the bylaws in force give this kind of decision today.
    let in_force = in_force(conn, coop, ballot.decision_kind).await?;
    in_force.allows(ballot.body)?;
    let notice = match ballot.body {
        DecidingBody::Members => crate::bylaws::service::notice_rule(conn, coop.id).await?,
        DecidingBody::Board => None,
    };
    if let Some(rule) = notice {
        // The ballot's own notice, or the convocation of a meeting that puts it to the vote.
        let own = store::notice_sent_at(conn, coop.id, id).await?;
        let meeting = store::meeting_notice_sent_at(conn, coop.id, id).await?;
        let noticed = own.into_iter().chain(meeting).min();
        rules::notice_check(rule.days, noticed, now)
            .map_err(|short| AppError::field("opens_at", rule.refusal("a ballot", short, now, &coop.time_zone)))?;
    }
    check_subject_before_opening(conn, coop, &ballot, in_force.schedule.hearing_before_expulsion).await?;
    let (parameters, bylaws_version, article) = (
        in_force.parameters(ballot.body),
        in_force.bylaws_version,
        in_force.article,
    );
    let roll = roll_of(conn, coop, ballot.body).await?;
    // The parameters may have changed since the draft was written; the roll is now known.
    rules::validate_ballot(
        &ballot.title,
        &ballot.description,
        &ballot.settings,
        &ballot.questions,
        &parameters,
        roll.len() as u64,
    )
    .map_err(ballot_error)?;
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    let seed = hex::encode(seed);
    let roll_size = i32::try_from(roll.len()).map_err(|_| AppError::internal("roll too large"))?;
    store::insert_roll(conn, coop.id, id, &roll).await?;
    store::mark_open(conn, coop.id, id, &seed, roll_size, now).await?;
    let basis = LegalBasis {
        kind: ballot.decision_kind,
        bylaws_version,
        rule: parameters,
        article,
    };
    store::set_legal_basis(conn, coop.id, id, &basis).await?;
    // Proxies given before the opening lapse when either member is not on the roll.
    let on_roll: std::collections::HashSet<Uuid> = roll.iter().copied().collect();
    for proxy in store::proxies(conn, coop.id, id).await? {
        if !on_roll.contains(&proxy.grantor_id) || !on_roll.contains(&proxy.holder_id) {
            store::withdraw_proxy(conn, coop.id, id, proxy.grantor_id, now).await?;
        }
    }
    audit::append(
        conn,
        Some(coop.id),
        by.user(),
        "ballot.opened",
        &format!("ballot:{id}"),
        json!({"roll_size": roll_size, "seed": seed, "legal_basis": basis, "body": ballot.body.name(),
               "by": if by.user().is_some() { "user" } else { "schedule" }}),
    )
    .await?;
    Ok(Changed {
        coop: coop.clone(),
        ballot: store::find(conn, coop.id, id, Lock::None).await?,
    })
}

/// Before a vote on one member opens: their place on the register still allows the
/// decision and, for an expulsion, they were sent the grounds and (where the bylaws
/// give the right) heard since.
async fn check_subject_before_opening(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    ballot: &Ballot,
    hearing_required: bool,
) -> AppResult<()> {
    let Some(subject) = store::subject(conn, coop.id, ballot.id).await? else {
        return Ok(());
    };
    if let Some(transition) = crate::membership::service::transition_of(
        ballot.decision_kind,
        coop.today(),
        String::from("ballot"),
        &subject.grounds,
    ) {
        register_allows(conn, coop, subject.member_id, &transition).await?;
    }
    if ballot.decision_kind != DecisionKind::Expulsion {
        return Ok(());
    }
    if subject.notified_at.is_none() {
        return Err(AppError::field(
            "grounds",
            "The member has not been sent the grounds in writing yet: save the draft again to send them.",
        ));
    }
    if hearing_required && subject.heard_on.is_none() {
        return Err(AppError::field(
            "heard_on",
            "The bylaws give the member the right to be heard before the vote: record the hearing first.",
        ));
    }
    Ok(())
}

/// A member's hearing before a vote on their expulsion.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct HearingInput {
    /// The day the member was heard (or given the chance and declined).
    pub heard_on: chrono::NaiveDate,
    /// What the member said, or that they declined to answer; shown to the voters.
    pub note: String,
}

/// Records the hearing of the member a draft expulsion is about (secretaries and the
/// board): on or after the day the grounds were sent, not in the future, with what
/// the member said.
pub async fn record_hearing(state: &AppState, scope: &InCoop, id: Uuid, input: &HearingInput) -> AppResult<Ballot> {
    scope.require(Action::ManageBallots)?;
    let (coop, actor) = (&scope.coop, scope.caller.user.id);
    let note = input.note.trim();
    if note.is_empty() || note.chars().count() > MAX_GROUNDS {
        return Err(AppError::field(
            "note",
            format!("Say what the member answered, or that they declined (at most {MAX_GROUNDS} characters)."),
        ));
    }
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let ballot = store::find(conn, coop.id, id, Lock::Update).await?;
        step(ballot.status, Step::Edit)?;
        let subject = match (ballot.decision_kind, store::subject(conn, coop.id, id).await?) {
            (DecisionKind::Expulsion, Some(subject)) => subject,
            _ => {
                return Err(AppError::Conflict(
                    "Only a member facing expulsion is heard before the vote.".into(),
                ))
            }
        };
        let Some(sent_on) = subject.notified_at.map(|t| coop.date_of(t)) else {
            return Err(AppError::field(
                "heard_on",
                "The member must be sent the grounds before being heard: save the draft again to send them.",
            ));
        };
        if input.heard_on < sent_on || input.heard_on > coop.today() {
            return Err(AppError::field(
                "heard_on",
                format!("The hearing is on or after {sent_on}, the day the grounds were sent, and not in the future."),
            ));
        }
        store::set_hearing(conn, coop.id, id, input.heard_on, note).await?;
        audit::append(
            conn,
            Some(coop.id),
            Some(actor),
            "ballot.hearing_recorded",
            &format!("ballot:{id}"),
            json!({"member": subject.member_id, "heard_on": input.heard_on, "note": note}),
        )
        .await?;
        Ok(ballot)
    })
    .await
}

/// Opens a ballot: freezes the roll, draws and publishes the seed, tells the members.
pub async fn open(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Ballot> {
    scope.require(Action::ManageBallots)?;
    let mut conn = db::conn(&state.pool).await?;
    let opened = conn
        .transaction(async |conn| {
            let opened = open_in(conn, &scope.coop, id, By::User(scope.caller.user.id)).await?;
            announce(conn, &state.settings, &opened, Announcement::Opened).await?;
            Ok::<_, AppError>(opened)
        })
        .await?;
    Ok(opened.ballot)
}

#[derive(Clone, Copy)]
pub(crate) enum Announcement {
    /// The ballot opened.
    Opened,
    /// Its result is published.
    Result,
}

/// Queues the e-mails to the roll in the transaction of the opening or the close
/// (the opening is a legal notice, followed member by member), with what the close
/// decided: an adopted amendment's announcement, an admitted member's invitation.
pub(crate) async fn announce(
    conn: &mut AsyncPgConnection,
    settings: &crate::config::Settings,
    what: &Changed,
    kind: Announcement,
) -> AppResult<()> {
    let addresses = store::roll_addresses(conn, what.coop.id, what.ballot.id).await?;
    let link = format!(
        "{}/c/{}/ballots/{}",
        settings.public_url, what.coop.slug, what.ballot.id
    );
    let mail_kind = match kind {
        Announcement::Opened => MailKind::BallotOpened,
        Announcement::Result => MailKind::BallotResult,
    };
    let closes = what
        .ballot
        .closes_at
        .map(|c| crate::web::i18n::datetime_in(c, &what.coop.time_zone))
        .unwrap_or_default();
    // An online ballot that ended before its closing time did so because everyone
    // on the roll had voted (any other early end is a cancellation): the result says so.
    let ended_early = what.ballot.settings.mode == Mode::Online
        && matches!((what.ballot.ended_at, what.ballot.closes_at), (Some(e), Some(c)) if e < c);
    let args = vec![
        ("coop", what.coop.name.clone()),
        ("title", what.ballot.title.clone()),
        ("closes", closes),
        ("link", link),
        ("ended", if ended_early { "everyone" } else { "time" }.to_string()),
    ];
    // The result states the legal basis of the decision in each recipient's language
    // (`none` for a ballot opened before Concord kept it), worded once per language
    // rather than once per member.
    let ballot = &what.ballot;
    let sentences: Vec<(&str, String)> = crate::web::i18n::SUPPORTED
        .into_iter()
        .map(|lang| match (kind, ballot.legal_basis) {
            (Announcement::Result, Some(b)) => (
                lang,
                super::words::legal_basis(lang, &b, ballot.status, ballot.result.as_ref()),
            ),
            _ => (lang, "none".to_string()),
        })
        .collect();
    let basis = |lang: &str| {
        let (_, sentence) = sentences.iter().find(|(l, _)| *l == lang).unwrap_or(&sentences[0]);
        vec![("basis", sentence.clone())]
    };
    let notice = matches!(kind, Announcement::Opened).then_some(crate::mail::NoticeOf {
        coop_id: what.coop.id,
        kind: LegalNotice::BallotOpening,
        subject_id: what.ballot.id,
        created_by: None,
    });
    crate::mail::queue_all(conn, what.coop.id, addresses, mail_kind, args, basis, notice).await?;
    if let Announcement::Result = kind {
        crate::bylaws::service::announce_decided(conn, settings, &what.coop, what.ballot.id).await?;
        if what.ballot.decision_kind == DecisionKind::Admission {
            if let Some(subject) = store::subject(conn, what.coop.id, what.ballot.id).await? {
                crate::membership::service::welcome_admitted(conn, settings, &what.coop, subject.member_id).await?;
            }
        }
    }
    Ok(())
}

pub(crate) async fn close_in(conn: &mut AsyncPgConnection, coop: &Coop, id: Uuid, by: By) -> AppResult<Changed> {
    let ballot = store::find(conn, coop.id, id, Lock::Update).await?;
    step(ballot.status, Step::Close)?;
    let now = Utc::now();
    if let (By::Clock, Some(c)) = (by, ballot.closes_at) {
        if c > now {
            return Err(AppError::Conflict("This ballot's window has not ended.".into()));
        }
    }
    let participants = store::participants(conn, coop.id, id).await? as u64;
    let roll = ballot.roll_size.unwrap_or(0).max(0) as u64;
    let closing = rules::closing(ballot.settings.mode, ballot.closes_at, now, participants, roll);
    if let rules::Closing::Early { voted, roll } = closing {
        return Err(AppError::ClosingEarly {
            detail: format!(
                "This online ballot closes on {} and {voted} of the {roll} members on its roll have voted: \
                 it may close earlier only once every one of them has. To end it now, cancel it with a reason; \
                 a cancelled ballot decides nothing.",
                ballot
                    .closes_at
                    .map(|c| crate::web::i18n::datetime_in(c, &coop.time_zone))
                    .unwrap_or_default()
            ),
            cancel: format!("/api/v1/coops/{}/ballots/{id}/cancel", coop.slug),
        });
    }
    // At a meeting the quorum (and the "members present" base) is measured on the
    // attendance when the chair closes the vote, which must be recorded by then.
    let at_meeting = match ballot.settings.mode {
        Mode::Meeting => Some(crate::meetings::service::attendance_at_close(conn, coop.id, id).await?),
        Mode::Online => None,
    };
    store::rewrite_papers(conn, coop.id, id).await?;
    let papers = store::papers(conn, coop.id, id).await?;
    let result = count(&ballot, &papers, participants, at_meeting.map(|a| a.present))?;
    store::mark_closed(conn, coop.id, id, &result, now).await?;
    // Only a ballot that opened for a kind of decision, under the rule the bylaws gave
    // it, takes that decision, by its first question: a motion that carried.
    let opened_for = |kind: DecisionKind| ballot.legal_basis.is_some_and(|b| b.kind == kind);
    let decided = |kind: DecisionKind| rules::takes_decision(opened_for(kind), &result);
    // A year-end distribution put to this ballot is settled in the same transaction as
    // the result: approved if the ballot decided it, back to draft if not.
    if opened_for(DecisionKind::DistributionApproval) {
        let passed = decided(DecisionKind::DistributionApproval);
        for distribution in store::distributions_awaiting(conn, coop.id, id).await? {
            crate::patronage::service::settle_from_ballot(conn, coop.id, distribution, passed, by.user()).await?;
        }
    }
    // So is an amendment of the bylaws: adopted (a new version in force) or rejected.
    if opened_for(DecisionKind::BylawAmendment) {
        let passed = decided(DecisionKind::BylawAmendment);
        crate::bylaws::service::settle_from_ballot(conn, coop, id, passed, by.user()).await?;
    }
    // An admission or an expulsion decided changes the member's place on the register,
    // dated the day of the close, with the ballot as the decision's reference.
    let mut consequence = match store::subject(conn, coop.id, id).await? {
        Some(subject) if decided(DecisionKind::Admission) || decided(DecisionKind::Expulsion) => {
            decide_on_member(conn, coop, &ballot, &subject, by).await?
        }
        _ => None,
    };
    // A dissolution carried puts the co-op in liquidation from the day of the close.
    if decided(DecisionKind::Dissolution) && coop.dissolved_on.is_none() {
        let day = coop.today();
        crate::coops::store::mark_dissolved(conn, coop.id, day, id).await?;
        audit::append(
            conn,
            Some(coop.id),
            by.user(),
            "coop.dissolved",
            &format!("coop:{}", coop.id),
            json!({"ballot": id, "dissolved_on": day}),
        )
        .await?;
        consequence = Some(json!({"dissolved_on": day}));
    }
    audit::append(
        conn,
        Some(coop.id),
        by.user(),
        "ballot.closed",
        &format!("ballot:{id}"),
        json!({"participants": participants, "papers": result.papers, "quorum_met": result.quorum_met,
        "present": result.present, "meeting": at_meeting.map(|a| a.meeting_id),
        "papers_hash": result.papers_hash, "legal_basis": ballot.legal_basis, "consequence": consequence,
        "by": match (by, closing) {
            (By::Clock, _) => "end_of_window",
            (By::User(_), rules::Closing::EveryoneVoted) => "everyone_voted",
            (By::User(_), _) => "user",
        }}),
    )
    .await?;
    Ok(Changed {
        coop: coop.clone(),
        ballot: store::find(conn, coop.id, id, Lock::None).await?,
    })
}

/// Applies an admission or expulsion a ballot carried, inside the close. The register
/// may have moved since the opening (the applicant withdrew, the member resigned):
/// then the ballot still closes with its result, the register is left as it is, and
/// the refusal is returned for the audit event.
async fn decide_on_member(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    ballot: &Ballot,
    subject: &store::Subject,
    by: By,
) -> AppResult<Option<serde_json::Value>> {
    let decision_ref = format!("ballot {} ({})", ballot.id, ballot.title);
    let Some(transition) =
        crate::membership::service::transition_of(ballot.decision_kind, coop.today(), decision_ref, &subject.grounds)
    else {
        return Ok(None);
    };
    if let Err(refused) = register_allows(conn, coop, subject.member_id, &transition).await {
        return Ok(Some(
            json!({"member": subject.member_id, "applied": false, "why": refused.to_string()}),
        ));
    }
    let next = crate::membership::service::apply_in(conn, coop, subject.member_id, &transition, by.user()).await?;
    Ok(Some(json!({"member": subject.member_id, "applied": true,
                   "status": crate::membership::store::status_name(next.status)})))
}

/// After the transaction that ended a ballot has committed: removes the old row
/// versions that still share a transaction id with a voter's participation. The
/// ballot has ended whatever happens here, so a failure is logged, not answered.
async fn forget_writers(conn: &mut AsyncPgConnection) {
    if let Err(e) = store::vacuum_papers(conn).await {
        tracing::warn!(error = %e, "old versions of ballot papers not vacuumed after a close");
    }
}

fn count(ballot: &Ballot, papers: &[CountedPaper], participants: u64, present: Option<u64>) -> AppResult<BallotResult> {
    let seed_hex = ballot.seed.as_deref().unwrap_or_default();
    let seed: [u8; 32] = hex::decode(seed_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| AppError::internal("stored seed is not 32 bytes"))?;
    rules::count_ballot(
        &ballot.questions,
        papers,
        ballot.roll_size.unwrap_or(0) as u64,
        participants,
        present,
        ballot.settings.quorum,
        seed,
    )
    .map_err(|e| AppError::internal(e.to_string()))
}

/// Closes a ballot by hand and publishes the result: a meeting's vote (the chair
/// closes it), or an online ballot whose closing time has come or on which every
/// member on the roll has voted. Any other early end is a cancellation ([`cancel`]).
pub async fn close(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Ballot> {
    scope.require(Action::ManageBallots)?;
    let mut conn = db::conn(&state.pool).await?;
    let closed = conn
        .transaction(async |conn| {
            let closed = close_in(conn, &scope.coop, id, By::User(scope.caller.user.id)).await?;
            announce(conn, &state.settings, &closed, Announcement::Result).await?;
            Ok::<_, AppError>(closed)
        })
        .await?;
    forget_writers(&mut conn).await;
    Ok(closed.ballot)
}

/// Cancels a draft or open ballot; the reason is required and audited, and the
/// members on its roll (or, for a draft already noticed, the members noticed) are
/// told by e-mail who cancelled it and why. A cancelled ballot decides nothing: no
/// result is counted and nothing it proposed takes effect.
pub async fn cancel(state: &AppState, scope: &InCoop, id: Uuid, reason: &str) -> AppResult<Ballot> {
    scope.require(Action::ManageBallots)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(AppError::field(
            "reason",
            "Say why the ballot is cancelled (at most 2,000 characters).",
        ));
    }
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let (cancelled, was_open, noticed) = conn
        .transaction(async |conn| {
            let ballot = store::find(conn, coop_id, id, Lock::Update).await?;
            step(ballot.status, Step::Cancel)?;
            let was_open = ballot.status == Status::Open;
            let noticed = store::notice_sent_at(conn, coop_id, id).await?.is_some();
            if was_open {
                store::rewrite_papers(conn, coop_id, id).await?;
            }
            store::mark_cancelled(conn, coop_id, id, reason, Utc::now()).await?;
            crate::bylaws::service::ballot_cancelled(conn, coop_id, id, actor).await?;
            audit::append(
                conn,
                Some(coop_id),
                Some(actor),
                "ballot.cancelled",
                &format!("ballot:{id}"),
                json!({"reason": reason}),
            )
            .await?;
            Ok::<_, AppError>((store::find(conn, coop_id, id, Lock::None).await?, was_open, noticed))
        })
        .await?;
    if was_open {
        forget_writers(&mut conn).await;
    }
    let recipients = if was_open {
        store::roll_addresses(&mut conn, coop_id, id).await
    } else if noticed {
        crate::bylaws::store::member_addresses(&mut conn, coop_id).await
    } else {
        Ok(Vec::new())
    };
    match recipients {
        Ok(recipients) if !recipients.is_empty() => {
            let by = members::address(&mut conn, coop_id, scope.member_id)
                .await
                .ok()
                .flatten()
                .map(|(_, name, _)| name)
                .unwrap_or_default();
            let args = vec![
                ("coop", scope.coop.name.clone()),
                ("title", cancelled.title.clone()),
                ("by", by),
                ("reason", reason.to_string()),
                (
                    "link",
                    format!("{}/c/{}/ballots/{id}", state.settings.public_url, scope.coop.slug),
                ),
            ];
            let kind = MailKind::BallotCancelled;
            if let Err(e) =
                crate::mail::queue_all(&mut conn, coop_id, recipients, kind, args, |_| Vec::new(), None).await
            {
                tracing::error!(error = %e, "cannot queue the announcement of a cancellation");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "cannot read the roll to announce a cancellation"),
    }
    Ok(cancelled)
}

/// Opens scheduled drafts and closes ballots whose window has ended, in every co-op.
/// The background task runs it every few seconds and once at start, so a close is
/// never missed across a restart. Returns how many ballots changed.
pub async fn run_schedule(conn: &mut AsyncPgConnection, settings: &crate::config::Settings) -> AppResult<usize> {
    let due = store::due(conn, Utc::now()).await?;
    let mut changed = 0;
    let mut closed = false;
    for (coop_id, id, status) in due {
        let Some(coop) = crate::coops::store::by_id(conn, coop_id).await? else {
            continue;
        };
        let outcome = conn
            .transaction(async |conn| {
                let (done, kind) = if status == "open" {
                    (close_in(conn, &coop, id, By::Clock).await?, Announcement::Result)
                } else {
                    (open_in(conn, &coop, id, By::Clock).await?, Announcement::Opened)
                };
                announce(conn, settings, &done, kind).await?;
                Ok::<_, AppError>(kind)
            })
            .await;
        match outcome {
            Ok(kind) => {
                changed += 1;
                closed |= matches!(kind, Announcement::Result);
            }
            // Another server closed it first, or a scheduled opening is invalid now:
            // log it and carry on with the others.
            Err(e) => tracing::warn!(ballot = %id, error = %e, "scheduled ballot step skipped"),
        }
    }
    if closed {
        forget_writers(conn).await;
    }
    Ok(changed)
}

/// A ballot whose window ended is closed before anyone reads it, so nobody ever
/// sees an "open" ballot that can no longer take votes. On the reader's own
/// connection: a request holding one connection never waits for a second.
async fn close_if_due(
    conn: &mut AsyncPgConnection,
    settings: &crate::config::Settings,
    coop: &Coop,
    ballot: Ballot,
) -> AppResult<Ballot> {
    if ballot.status == Status::Open && ballot.closes_at.is_some_and(|c| c <= Utc::now()) {
        let closed = conn
            .transaction(async |conn| {
                let closed = close_in(conn, coop, ballot.id, By::Clock).await?;
                announce(conn, settings, &closed, Announcement::Result).await?;
                Ok::<_, AppError>(closed)
            })
            .await;
        return match closed {
            Ok(closed) => {
                forget_writers(conn).await;
                Ok(closed.ballot)
            }
            // Closed meanwhile by the scheduler: read it again.
            Err(AppError::Conflict(_)) => store::find(conn, coop.id, ballot.id, Lock::None).await,
            Err(e) => Err(e),
        };
    }
    Ok(ballot)
}

/// A vote, as a client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CastInput {
    /// One answer per question: `"for"`, `"against"`, `"abstain"`, or
    /// `{"choices": [2, 0]}` (candidates by 0-based position; empty for blank).
    #[schema(value_type = Vec<Object>)]
    pub answers: Vec<Answer>,
    /// Vote for this member, whose proxy the caller holds.
    pub for_member: Option<Uuid>,
    /// Change an earlier vote on a secret ballot: its receipt code.
    pub receipt: Option<String>,
}

/// What a voter gets back.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Receipt {
    /// The ballot.
    pub ballot_id: Uuid,
    /// The receipt code (shown once; the server keeps only its hash). `None` on an
    /// open ballot, where the paper carries the voter's name instead.
    pub code: Option<String>,
    /// True when an earlier vote was replaced.
    pub changed: bool,
    /// The member the vote was cast for (the caller, or the member represented).
    pub member_id: Uuid,
}

/// Casts (or changes) a vote. One participation per member is a primary key, so
/// concurrent requests from the same member leave exactly one participation and one
/// paper, whatever their interleaving.
pub async fn cast(state: &AppState, scope: &InCoop, id: Uuid, input: &CastInput) -> AppResult<Receipt> {
    scope.require(Action::Vote)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, me, actor) = (scope.coop.id, scope.member_id, scope.caller.user.id);
    conn.transaction(async |conn| {
        // A shared lock: the close waits for every vote in progress and then counts it.
        // A vote after the closing time is refused by the clock below, whether or not
        // the scheduler has closed the ballot yet.
        let ballot = store::find(conn, coop_id, id, Lock::Share).await?;
        if ballot.status != Status::Open || ballot.closes_at.is_some_and(|c| c <= Utc::now()) {
            return Err(AppError::coded_conflict(
                match ballot.status {
                    Status::Draft => "error-ballot-not-open-yet",
                    Status::Cancelled => "error-ballot-cancelled",
                    _ => "error-ballot-closed",
                },
                &[],
            ));
        }
        rules::validate_answers(&ballot.questions, &input.answers).map_err(ballot_error)?;
        let voter = input.for_member.unwrap_or(me);
        let by_proxy = voter != me;
        if by_proxy {
            let holds = store::proxies(conn, coop_id, id)
                .await?
                .iter()
                .any(|p| p.grantor_id == voter && p.holder_id == me);
            if !holds {
                return Err(AppError::coded_field("for_member", "error-ballot-no-such-proxy", &[]));
            }
            if !store::on_roll(conn, coop_id, id, me).await? {
                return Err(AppError::coded_conflict("error-ballot-holder-not-on-roll", &[]));
            }
        }
        if !store::on_roll(conn, coop_id, id, voter).await? {
            return Err(AppError::coded_conflict(
                if by_proxy {
                    "error-ballot-grantor-not-on-roll"
                } else {
                    "error-ballot-not-on-roll"
                },
                &[],
            ));
        }
        let channel = if by_proxy { "proxy" } else { "online" };
        let secret = ballot.settings.secret;
        // The new receipt: the paper keeps one hash of it, the participation another
        // (decision 0013), so only the code relates them.
        let code = secret.then(|| {
            let mut bytes = [0u8; rules::RECEIPT_BYTES];
            rand::rng().fill_bytes(&mut bytes);
            rules::receipt_code(bytes)
        });
        let canonical = code.as_deref().map(|c| rules::normalise_receipt(c).unwrap_or_default());
        let hash = canonical.as_deref().map(rules::receipt_hash);
        let bound = canonical.as_deref().map(rules::participation_receipt_hash);
        let first = store::insert_participation(
            conn,
            coop_id,
            id,
            voter,
            channel,
            by_proxy.then_some(me),
            bound.as_deref(),
        )
        .await?;
        if !first {
            if !ballot.settings.allow_change {
                return Err(AppError::Conflict(if by_proxy {
                    "This member has already voted; this ballot does not allow changing a vote.".into()
                } else {
                    "You have already voted; this ballot does not allow changing a vote.".into()
                }));
            }
            let (channel_then, holder_then) = store::participation(conn, coop_id, id, voter)
                .await?
                .ok_or_else(|| AppError::internal("participation vanished"))?;
            // Only whoever cast the vote may change it: the member in person, or the
            // holder who used the proxy. A member's own vote ends any proxy.
            let cast_by_caller = match channel_then.as_str() {
                "online" => !by_proxy,
                "proxy" => holder_then == Some(me),
                _ => false,
            };
            if !cast_by_caller {
                return Err(AppError::Conflict(if by_proxy {
                    "This member has already voted in person.".into()
                } else if channel_then == "proxy" {
                    "Your proxy holder has already voted for you on this ballot.".into()
                } else {
                    "Your vote was recorded at the meeting.".into()
                }));
            }
            let removed = if secret {
                let Some(code) = input.receipt.as_deref() else {
                    return Err(AppError::field(
                        "receipt",
                        "You have already voted. To change your vote, give the receipt code you were shown.",
                    ));
                };
                let presented = rules::normalise_receipt(code)
                    .ok_or_else(|| AppError::field("receipt", "This is not a receipt code."))?;
                // Only the receipt this participation holds: another voter's code
                // must not reach their paper. Nothing is deleted before this holds.
                let own = store::rebind_receipt(
                    conn,
                    coop_id,
                    id,
                    voter,
                    &rules::participation_receipt_hash(&presented),
                    bound.as_deref().unwrap_or_default(),
                )
                .await?;
                if !own {
                    return Err(AppError::field("receipt", "This is not the receipt of your vote."));
                }
                store::delete_paper_by_receipt(conn, coop_id, id, &rules::receipt_hash(&presented)).await?
            } else {
                store::delete_paper_of_member(conn, coop_id, id, voter).await?
            };
            if !removed {
                return Err(AppError::field(
                    "receipt",
                    "No vote on this ballot has this receipt code.",
                ));
            }
        } else if !by_proxy && ballot.settings.proxies != rules::ProxyLimit::None {
            // Voting in person takes back a proxy the holder has not used.
            store::withdraw_proxy(conn, coop_id, id, voter, Utc::now()).await?;
        }
        // Every online paper carries a receipt hash (a table constraint). An open
        // ballot's paper names its voter instead, so its hash is of a random value
        // that nobody holds.
        let open_receipt = (!secret).then(|| {
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            hex::encode(bytes)
        });
        store::insert_paper(
            conn,
            coop_id,
            id,
            &store::NewPaper {
                answers: &input.answers,
                weight: 1,
                channel: "online",
                receipt_hash: hash.as_deref().or(open_receipt.as_deref()),
                member_id: (!secret).then_some(voter),
            },
        )
        .await?;
        // Who took part, never what they chose.
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            if first {
                "ballot.participated"
            } else {
                "ballot.vote_changed"
            },
            &format!("ballot:{id}"),
            json!({"member_id": voter, "channel": channel}),
        )
        .await?;
        Ok(Receipt {
            ballot_id: id,
            code,
            changed: !first,
            member_id: voter,
        })
    })
    .await
}

/// Gives a proxy for one ballot to another member (before or during the vote).
pub async fn give_proxy(state: &AppState, scope: &InCoop, id: Uuid, holder: Uuid) -> AppResult<()> {
    scope.require(Action::Vote)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop, me, actor) = (&scope.coop, scope.member_id, scope.caller.user.id);
    conn.transaction(async |conn| {
        // Locking the ballot serialises grants, so the per-holder limit holds under
        // concurrent requests.
        let ballot = store::find(conn, coop.id, id, Lock::Update).await?;
        if !matches!(ballot.status, Status::Draft | Status::Open) {
            return Err(AppError::Conflict(
                "Proxies can only be given before the ballot closes.".into(),
            ));
        }
        let (roll, grantor_ok, holder_ok) = if ballot.status == Status::Open {
            (
                ballot.roll_size.unwrap_or(0) as u64,
                store::on_roll(conn, coop.id, id, me).await?,
                store::on_roll(conn, coop.id, id, holder).await?,
            )
        } else {
            let eligible = eligible_members(conn, coop).await?;
            (
                eligible.len() as u64,
                eligible.contains(&me),
                eligible.contains(&holder),
            )
        };
        if !grantor_ok {
            return Err(AppError::Conflict(
                "Only a member who may vote on this ballot can give a proxy.".into(),
            ));
        }
        if store::participation(conn, coop.id, id, me).await?.is_some() {
            return Err(AppError::Conflict("You have already voted on this ballot.".into()));
        }
        let proxies = store::proxies(conn, coop.id, id).await?;
        let held = proxies
            .iter()
            .filter(|p| p.holder_id == holder && p.grantor_id != me)
            .count() as u64;
        if proxies.iter().any(|p| p.holder_id == me) {
            return Err(ballot_error(BallotError::Proxy(
                "You hold proxies on this ballot; a proxy holder cannot pass their own vote on.".into(),
            )));
        }
        if proxies.iter().any(|p| p.grantor_id == holder) {
            return Err(ballot_error(BallotError::Proxy(
                "This member has given their own proxy; choose someone who votes.".into(),
            )));
        }
        rules::check_proxy(ballot.settings.proxies, roll, me == holder, holder_ok, held).map_err(ballot_error)?;
        store::give_proxy(conn, coop.id, id, me, holder, Utc::now()).await?;
        audit::append(
            conn,
            Some(coop.id),
            Some(actor),
            "ballot.proxy_given",
            &format!("ballot:{id}"),
            json!({"grantor": me, "holder": holder}),
        )
        .await?;
        Ok(())
    })
    .await
}

/// Takes back one's proxy (before the holder used it).
pub async fn withdraw_proxy(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<()> {
    scope.require(Action::Vote)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, me, actor) = (scope.coop.id, scope.member_id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let ballot = store::find(conn, coop_id, id, Lock::Update).await?;
        if !matches!(ballot.status, Status::Draft | Status::Open) {
            return Err(AppError::Conflict("This ballot is over.".into()));
        }
        if let Some((channel, _)) = store::participation(conn, coop_id, id, me).await? {
            if channel == "proxy" {
                return Err(AppError::Conflict(
                    "Your proxy holder has already voted for you.".into(),
                ));
            }
        }
        if !store::withdraw_proxy(conn, coop_id, id, me, Utc::now()).await? {
            return Err(AppError::Conflict("You have not given a proxy on this ballot.".into()));
        }
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "ballot.proxy_withdrawn",
            &format!("ballot:{id}"),
            json!({"grantor": me}),
        )
        .await?;
        Ok(())
    })
    .await
}

/// Paper votes counted at a meeting, recorded as an aggregate.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct MeetingPapers {
    /// The members present who voted on paper (each marked as having taken part).
    pub members: Vec<Uuid>,
    /// The papers, grouped: how many papers gave these answers.
    pub papers: Vec<MeetingPaper>,
}

/// A group of identical paper votes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct MeetingPaper {
    /// How many papers.
    pub count: u32,
    /// Their answers, one per question.
    #[schema(value_type = Vec<Object>)]
    pub answers: Vec<Answer>,
}

/// Records the paper votes of members present at a meeting (secretaries and the
/// board): the number of papers must equal the number of members marked.
pub async fn record_meeting_papers(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    input: &MeetingPapers,
) -> AppResult<u64> {
    scope.require(Action::ManageBallots)?;
    let total: u64 = input.papers.iter().map(|p| u64::from(p.count)).sum();
    let distinct: std::collections::BTreeSet<Uuid> = input.members.iter().copied().collect();
    if distinct.len() != input.members.len() {
        return Err(AppError::field("members", "A member is listed twice."));
    }
    if input.members.is_empty() || total != input.members.len() as u64 {
        return Err(AppError::field(
            "papers",
            format!(
                "{total} papers for {} members: every member marked present casts exactly one paper.",
                input.members.len()
            ),
        ));
    }
    if input.papers.iter().any(|p| p.count == 0) {
        return Err(AppError::field("papers", "A group of papers must count at least one."));
    }
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let ballot = store::find(conn, coop_id, id, Lock::Share).await?;
        if ballot.status != Status::Open || ballot.settings.mode != Mode::Meeting {
            return Err(AppError::Conflict(
                "Paper votes are recorded on an open meeting ballot.".into(),
            ));
        }
        for (i, p) in input.papers.iter().enumerate() {
            rules::validate_answers(&ballot.questions, &p.answers)
                .map_err(|e| AppError::field(format!("papers[{i}].answers"), e.to_string()))?;
        }
        for m in &input.members {
            if !store::on_roll(conn, coop_id, id, *m).await? {
                return Err(AppError::field(
                    "members",
                    format!("Member {m} is not on this ballot's roll."),
                ));
            }
            if !store::insert_participation(conn, coop_id, id, *m, "meeting", None, None).await? {
                return Err(AppError::field("members", format!("Member {m} has already voted.")));
            }
            store::withdraw_proxy(conn, coop_id, id, *m, Utc::now()).await?;
        }
        for p in &input.papers {
            store::insert_paper(
                conn,
                coop_id,
                id,
                &store::NewPaper {
                    answers: &p.answers,
                    weight: p.count as i32,
                    channel: "meeting",
                    receipt_hash: None,
                    member_id: None,
                },
            )
            .await?;
        }
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "ballot.meeting_papers",
            &format!("ballot:{id}"),
            json!({"members": input.members, "papers": total}),
        )
        .await?;
        Ok(total)
    })
    .await
}

/// A ballot as one member sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BallotView {
    /// Its id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Settings.
    pub settings: Settings,
    /// Questions.
    pub questions: Vec<Question>,
    /// Status.
    pub status: Status,
    /// Scheduled opening.
    pub opens_at: Option<DateTime<Utc>>,
    /// Scheduled close.
    pub closes_at: Option<DateTime<Utc>>,
    /// When it opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When it closed or was cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// The seed of the lots, published at opening.
    pub seed: Option<String>,
    /// Members on the roll (from the opening).
    pub roll_size: Option<i32>,
    /// Members who have taken part so far (turnout; never who chose what).
    pub participants: i64,
    /// Whether the caller is on the roll.
    pub on_roll: bool,
    /// How the caller took part, if they did (`online`, `proxy`, `meeting`).
    pub my_participation: Option<String>,
    /// The member holding the caller's proxy.
    pub my_proxy_holder: Option<Uuid>,
    /// Members whose proxy the caller holds, and whether each has voted.
    pub proxies_held: Vec<HeldProxy>,
    /// The result, once closed.
    pub result: Option<BallotResult>,
    /// The kind of decision it takes.
    #[schema(value_type = String)]
    pub decision_kind: DecisionKind,
    /// The rule it decides under (from the opening): kind, bylaws version, least rule.
    pub legal_basis: Option<LegalBasis>,
    /// Who votes on it: `members` or `board`.
    pub body: String,
    /// The member an admission or an expulsion is about.
    pub subject: Option<SubjectView>,
}

/// The member a decision is about, as the ballot's page shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubjectView {
    /// The member's name.
    pub display_name: String,
    /// The stored grounds and hearing.
    #[serde(flatten)]
    pub subject: store::Subject,
}

/// A proxy the caller holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeldProxy {
    /// The member represented.
    pub member_id: Uuid,
    /// Their name.
    pub display_name: String,
    /// Whether a vote has been cast for them (by anyone).
    pub voted: bool,
}

/// One ballot as the caller sees it. Drafts are for secretaries and the board only.
pub async fn view(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<BallotView> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let ballot = store::find(&mut conn, scope.coop.id, id, Lock::None).await?;
    if ballot.status == Status::Draft && !scope.can(Action::ManageBallots) {
        return Err(AppError::NotFound);
    }
    let ballot = close_if_due(&mut conn, &state.settings, &scope.coop, ballot).await?;
    view_of(&mut conn, scope, ballot).await
}

async fn view_of(conn: &mut AsyncPgConnection, scope: &InCoop, ballot: Ballot) -> AppResult<BallotView> {
    let (coop_id, me, id) = (scope.coop.id, scope.member_id, ballot.id);
    let participants = store::participants(conn, coop_id, id).await?;
    let on_roll = store::on_roll(conn, coop_id, id, me).await?;
    let mine = store::participation(conn, coop_id, id, me).await?;
    let proxies = store::proxies(conn, coop_id, id).await?;
    let my_proxy_holder = proxies.iter().find(|p| p.grantor_id == me).map(|p| p.holder_id);
    let mut proxies_held = Vec::new();
    for p in proxies.iter().filter(|p| p.holder_id == me) {
        let name = members::address(conn, coop_id, p.grantor_id)
            .await?
            .map(|(_, name, _)| name)
            .unwrap_or_default();
        proxies_held.push(HeldProxy {
            member_id: p.grantor_id,
            display_name: name,
            voted: store::participation(conn, coop_id, id, p.grantor_id).await?.is_some(),
        });
    }
    let subject = match store::subject(conn, coop_id, id).await? {
        Some(subject) => Some(SubjectView {
            display_name: members::address(conn, coop_id, subject.member_id)
                .await?
                .map(|(_, name, _)| name)
                .unwrap_or_default(),
            subject,
        }),
        None => None,
    };
    Ok(BallotView {
        id,
        title: ballot.title,
        description: ballot.description,
        settings: ballot.settings,
        questions: ballot.questions,
        status: ballot.status,
        opens_at: ballot.opens_at,
        closes_at: ballot.closes_at,
        opened_at: ballot.opened_at,
        ended_at: ballot.ended_at,
        cancel_reason: ballot.cancel_reason,
        seed: ballot.seed,
        roll_size: ballot.roll_size,
        participants,
        on_roll,
        my_participation: mine.map(|(c, _)| c),
        my_proxy_holder,
        proxies_held,
        result: ballot.result,
        decision_kind: ballot.decision_kind,
        legal_basis: ballot.legal_basis,
        body: ballot.body.name().into(),
        subject,
    })
}

/// A line of the list of ballots.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BallotSummary {
    /// Its id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Status.
    pub status: Status,
    /// When it closes.
    pub closes_at: Option<DateTime<Utc>>,
    /// When it closed or was cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    /// Whether the caller has taken part.
    pub voted: bool,
    /// Whether the caller is on the roll.
    pub on_roll: bool,
}

/// The co-op's ballots: open ones first (soonest close first), then drafts (for
/// those who run ballots), then closed and cancelled, newest first.
pub async fn list(state: &AppState, scope: &InCoop) -> AppResult<Vec<BallotSummary>> {
    summarise(state, scope, &visible(state, scope).await?).await
}

/// Every ballot the caller may see (drafts only for those who run ballots), newest
/// first, each one past its closing time closed first.
pub async fn visible(state: &AppState, scope: &InCoop) -> AppResult<Vec<Ballot>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let manager = scope.can(Action::ManageBallots);
    let mut ballots = Vec::new();
    for b in store::list(&mut conn, scope.coop.id).await? {
        if b.status == Status::Draft && !manager {
            continue;
        }
        ballots.push(close_if_due(&mut conn, &state.settings, &scope.coop, b).await?);
    }
    Ok(ballots)
}

/// The list lines of `ballots` for the caller: open ones first, soonest close first.
pub async fn summarise(state: &AppState, scope: &InCoop, ballots: &[Ballot]) -> AppResult<Vec<BallotSummary>> {
    let mut conn = db::conn(&state.pool).await?;
    let ids: Vec<Uuid> = ballots.iter().map(|b| b.id).collect();
    let (on_roll, took_part) = store::member_standing(&mut conn, scope.coop.id, &ids, scope.member_id).await?;
    let mut lines: Vec<BallotSummary> = ballots
        .iter()
        .map(|b| BallotSummary {
            voted: took_part.contains(&b.id),
            on_roll: on_roll.contains(&b.id),
            id: b.id,
            title: b.title.clone(),
            status: b.status,
            closes_at: b.closes_at,
            ended_at: b.ended_at,
        })
        .collect();
    let rank = |s: Status| match s {
        Status::Open => 0,
        Status::Draft => 1,
        Status::Closed => 2,
        Status::Cancelled => 3,
    };
    lines.sort_by(|a, b| {
        rank(a.status).cmp(&rank(b.status)).then_with(|| match a.status {
            Status::Open => a.closes_at.cmp(&b.closes_at),
            _ => std::cmp::Ordering::Equal,
        })
    });
    Ok(lines)
}

/// The roll with who has taken part (secretaries and the board; never what anyone chose).
pub async fn roll(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Vec<store::RollLine>> {
    scope.require(Action::ManageBallots)?;
    let mut conn = db::conn(&state.pool).await?;
    store::find(&mut conn, scope.coop.id, id, Lock::None).await?;
    store::roll(&mut conn, scope.coop.id, id).await
}

/// A closed ballot, for the exports: refuses anything not closed.
async fn closed(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<(Ballot, db::DbConn)> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let ballot = store::find(&mut conn, scope.coop.id, id, Lock::None).await?;
    let ballot = close_if_due(&mut conn, &state.settings, &scope.coop, ballot).await?;
    if ballot.status != Status::Closed {
        return Err(AppError::Conflict(
            "The papers and receipts are published when the ballot closes.".into(),
        ));
    }
    Ok((ballot, conn))
}

/// The published receipt list: the SHA-256 of every receipt code, sorted.
pub async fn receipts(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Vec<String>> {
    let (_, mut conn) = closed(state, scope, id).await?;
    store::receipt_hashes(&mut conn, scope.coop.id, id).await
}

/// What a receipt check finds: whether the paper is counted, never what it says, so
/// that a code cannot prove a vote to a buyer (decision 0013).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptCheck {
    /// Whether a paper with this receipt is in the ballot (counted as cast).
    pub found: bool,
    /// The receipt's hash, as in the published list.
    pub hash: String,
}

/// Checks that the paper with this receipt code is in the ballot.
pub async fn check_receipt(state: &AppState, scope: &InCoop, id: Uuid, code: &str) -> AppResult<ReceiptCheck> {
    scope.require(Action::ViewCoop)?;
    let canonical =
        rules::normalise_receipt(code).ok_or_else(|| AppError::field("code", "This is not a receipt code."))?;
    let hash = rules::receipt_hash(&canonical);
    let mut conn = db::conn(&state.pool).await?;
    store::find(&mut conn, scope.coop.id, id, Lock::None).await?;
    Ok(ReceiptCheck {
        found: store::paper_counted(&mut conn, scope.coop.id, id, &hash).await?,
        hash,
    })
}

/// The papers of one election question as a BLT file: anonymous, in random order.
pub async fn papers_blt(state: &AppState, scope: &InCoop, id: Uuid, question: usize) -> AppResult<String> {
    use rand::seq::SliceRandom;
    let (ballot, mut conn) = closed(state, scope, id).await?;
    let q = ballot.questions.get(question).ok_or(AppError::NotFound)?;
    let mut papers = store::papers(&mut conn, scope.coop.id, id).await?;
    papers.shuffle(&mut rand::rng());
    let election = rules::election_for_export(q, &papers, question)
        .ok_or_else(|| AppError::Conflict("This question is a motion; its papers are in the results CSV.".into()))?;
    super::tally::blt::write_blt(&election).map_err(|e| AppError::internal(e.to_string()))
}

/// A closed open (roll-call) ballot's papers with names: who chose what.
pub async fn roll_call(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
) -> AppResult<Vec<(Option<i64>, String, Vec<Answer>)>> {
    let (ballot, mut conn) = closed(state, scope, id).await?;
    if ballot.settings.secret {
        return Err(AppError::Conflict("This was a secret ballot.".into()));
    }
    store::open_papers(&mut conn, scope.coop.id, id).await
}

/// The results as CSV: one line per question and option.
pub async fn results_csv(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Vec<u8>> {
    let (ballot, _) = closed(state, scope, id).await?;
    let result = ballot
        .result
        .ok_or_else(|| AppError::internal("closed ballot without result"))?;
    // Titles and candidates' names are anyone's text: through the one export writer.
    let mut w = crate::export::CsvExport::new();
    w.write_record(["question", "title", "option", "votes", "final_votes", "outcome"])?;
    for (i, (q, r)) in ballot.questions.iter().zip(&result.questions).enumerate() {
        let n = (i + 1).to_string();
        match r {
            rules::QuestionResult::Motion(m) => {
                let outcome = if m.carried { "carried" } else { "not carried" };
                for (option, votes) in [
                    ("for", m.counts.for_),
                    ("against", m.counts.against),
                    ("abstain", m.counts.abstain),
                ] {
                    let votes = votes.to_string();
                    w.write_record([n.as_str(), &q.title, option, &votes, &votes, outcome])?;
                }
            }
            rules::QuestionResult::Election { count, valid } => {
                // First preferences (or the single count), and the votes at the last round.
                let at = |round: Option<&super::tally::Round>, c: usize| {
                    round
                        .and_then(|r| r.counts.get(c))
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                };
                for (c, name) in count.candidates.iter().enumerate() {
                    let outcome = if count.elected_ids.contains(&c) && *valid {
                        "elected"
                    } else {
                        ""
                    };
                    let (first, last) = (at(count.rounds.first(), c), at(count.rounds.last(), c));
                    w.write_record([n.as_str(), &q.title, name, &first, &last, outcome])?;
                }
            }
        }
    }
    w.finish()
}

/// The co-op's ballot parameters.
pub async fn parameters(state: &AppState, scope: &InCoop) -> AppResult<BallotParameters> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    store::parameters(&mut conn, scope.coop.id).await
}

/// The least rule the bylaws in force give a kind of decision (what a new ballot of
/// that kind starts from).
pub async fn rule_for(
    state: &AppState,
    scope: &InCoop,
    kind: DecisionKind,
    requested: Option<DecidingBody>,
) -> AppResult<(BallotParameters, DecidingBody)> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let rule = in_force(&mut conn, &scope.coop, kind).await?;
    let body = rule.body(requested)?;
    Ok((rule.parameters(body), body))
}

/// A member a ballot of `kind` could be about, for the editor's list: applicants
/// and candidates for an admission, members for an expulsion, by name.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectChoice {
    /// The member's id.
    pub id: Uuid,
    /// Their name.
    pub name: String,
    /// Their status on the register.
    pub status: String,
}

/// The members a ballot of `kind` could be about (secretaries and the board).
pub async fn subject_choices(state: &AppState, scope: &InCoop, kind: DecisionKind) -> AppResult<Vec<SubjectChoice>> {
    scope.require(Action::ManageBallots)?;
    let wanted: &[&str] = match kind {
        DecisionKind::Admission => &["applicant", "candidate"],
        DecisionKind::Expulsion => &["admitted", "member", "on_leave"],
        _ => return Ok(Vec::new()),
    };
    let mut conn = db::conn(&state.pool).await?;
    let mut choices: Vec<SubjectChoice> = members::register(&mut conn, scope.coop.id)
        .await?
        .into_iter()
        .filter_map(|row| {
            let status = row.state.get("status")?.as_str()?.to_string();
            wanted.contains(&status.as_str()).then_some(SubjectChoice {
                id: row.id,
                name: row.display_name,
                status,
            })
        })
        .collect();
    choices.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(choices)
}

/// Reminds the members who have not voted, within the day before an online ballot
/// closes, once each (the server's reminders, every quarter of an hour, and
/// `concord remind`). Answers the reminders queued.
pub async fn remind(conn: &mut AsyncPgConnection, settings: &crate::config::Settings) -> AppResult<usize> {
    use crate::web::i18n::text_with;
    let now = Utc::now();
    let mut sent = 0;
    for (coop_id, ballot_id, member) in store::to_remind(conn, now + chrono::Duration::hours(24)).await? {
        let Some(coop) = crate::coops::store::by_id(conn, coop_id).await? else {
            continue;
        };
        let ballot = store::find(conn, coop_id, ballot_id, Lock::None).await?;
        let Some((email, name, locale)) = members::address(conn, coop_id, member).await? else {
            continue;
        };
        let args = [
            ("coop", coop.name.clone()),
            ("title", ballot.title.clone()),
            ("name", name),
            (
                "closes",
                ballot
                    .closes_at
                    .map(|c| crate::web::i18n::datetime_in(c, &coop.time_zone))
                    .unwrap_or_default(),
            ),
            (
                "link",
                format!("{}/c/{}/ballots/{}", settings.public_url, coop.slug, ballot_id),
            ),
        ];
        let (subject, body) = MailKind::BallotReminder.keys();
        let mail = Mail {
            to: email,
            subject: text_with(&locale, subject, &args),
            body: text_with(&locale, body, &args),
        };
        let reminded = conn
            .transaction(async |conn| {
                let first = store::mark_reminded(conn, coop_id, ballot_id, member, now).await?;
                if first {
                    crate::notifications::service::send(conn, Some(coop_id), MailKind::BallotReminder, mail).await?;
                }
                Ok::<_, AppError>(first)
            })
            .await?;
        if !reminded {
            continue;
        }
        sent += 1;
    }
    Ok(sent)
}

/// The members a caller may give their proxy to on an open ballot: the roll, less
/// the caller. Empty when the ballot takes no proxies.
pub async fn proxy_holders(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    scope.require(Action::Vote)?;
    let mut conn = db::conn(&state.pool).await?;
    let ballot = store::find(&mut conn, scope.coop.id, id, Lock::None).await?;
    if ballot.status != Status::Open || ballot.settings.proxies == rules::ProxyLimit::None {
        return Ok(Vec::new());
    }
    Ok(store::roll(&mut conn, scope.coop.id, id)
        .await?
        .into_iter()
        .filter(|l| l.member_id != scope.member_id)
        .map(|l| (l.member_id, l.display_name))
        .collect())
}

/// A member's name, for the pages (any member of the co-op may see another's name).
pub async fn member_name(state: &AppState, scope: &InCoop, member: Uuid) -> AppResult<Option<String>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    Ok(members::address(&mut conn, scope.coop.id, member)
        .await?
        .map(|(_, name, _)| name))
}

/// The demo co-op's ballots: a closed one with its result, an open motion and an open
/// STV election, each with a few votes already cast (never by `keep_for`, so that
/// member can try voting). Written through the same steps as the pages.
pub async fn seed_demo(conn: &mut AsyncPgConnection, coop: &Coop, secretary: Uuid, keep_for: Uuid) -> AppResult<()> {
    use rules::{Base, Candidate, Quorum, Threshold};
    let parameters = store::parameters(conn, coop.id).await?;
    let settings = default_settings(&parameters);
    let now = Utc::now();
    let motion = |title: &str, text: &str, threshold| Question {
        title: title.into(),
        text: text.into(),
        attachments: Vec::new(),
        kind: rules::QuestionKind::Motion {
            allow_abstain: true,
            threshold,
            base: Base::CastExcludingAbstentions,
        },
    };
    let candidate = |name: &str, statement: &str| Candidate {
        name: name.into(),
        statement: statement.into(),
        member_id: None,
    };
    let board = Question {
        title: "Elect the board (3 seats)".into(),
        text: "Rank as many candidates as you like, **1** for your first choice.".into(),
        attachments: Vec::new(),
        kind: rules::QuestionKind::Election {
            method: super::tally::Method::ScottishStv,
            seats: 3,
            max_choices: None,
            candidates: vec![
                candidate(
                    "Amina Admin",
                    "Six years on the board; I would like to finish the workshop move.",
                ),
                candidate("Bea Board", "Bookkeeping, and a fair schedule for everyone."),
                candidate(
                    "Marie Membre",
                    "Je veux que les nouveaux associés soient mieux accueillis.",
                ),
                candidate("Sam Secretary", "Minutes on time, every time."),
                candidate("Théo Trésorier", "Transparence des comptes."),
            ],
        },
    };
    let ballots: [(&str, Vec<Question>, Option<i64>, Settings); 3] = [
        (
            "Annual general meeting 2025",
            vec![
                motion(
                    "Approve the 2025 accounts",
                    "The accounts were sent with the notice of the meeting.",
                    Threshold::Simple,
                ),
                motion("Raise the reserve rate to 20 %", "", Threshold::TwoThirds),
            ],
            None,
            // Voted at the meeting and closed there by the chair: an online ballot
            // closes only at its time or once everyone on the roll has voted.
            Settings {
                mode: Mode::Meeting,
                quorum: Quorum::Fraction {
                    fraction: rules::Fraction::new(1, 2).map_err(AppError::internal)?,
                },
                ..settings
            },
        ),
        (
            "Buy a second delivery bike",
            vec![motion(
                "Buy a second cargo bike (€4,800)",
                "Deliveries doubled this year. The quote is attached to the board's minutes.",
                Threshold::Simple,
            )],
            Some(7),
            settings,
        ),
        ("Board election 2026", vec![board], Some(10), settings),
    ];
    let papers: [Vec<Vec<Answer>>; 3] = [
        vec![
            vec![Answer::For, Answer::For],
            vec![Answer::For, Answer::Against],
            vec![Answer::For, Answer::For],
            vec![Answer::Abstain, Answer::For],
            vec![Answer::Against, Answer::For],
        ],
        vec![vec![Answer::For], vec![Answer::Against]],
        vec![
            vec![Answer::Choices(vec![0, 1, 3])],
            vec![Answer::Choices(vec![2, 4, 0])],
        ],
    ];
    for ((title, questions, days, settings), papers) in ballots.into_iter().zip(papers) {
        let id = Uuid::now_v7();
        let fields = BallotFields {
            title,
            description: "",
            settings: &settings,
            questions: &questions,
            opens_at: None,
            // A meeting's ballot has no closing time: the chair closes it.
            closes_at: days.map(|days| now + chrono::Duration::days(days)),
        };
        store::insert(
            conn,
            coop.id,
            id,
            (DecisionKind::Ordinary, DecidingBody::Members),
            &fields,
        )
        .await?;
        audit::append(
            conn,
            Some(coop.id),
            Some(secretary),
            "ballot.created",
            &format!("ballot:{id}"),
            json!({"title": title, "demo": true}),
        )
        .await?;
        open_in(conn, coop, id, By::User(secretary)).await?;
        let voters: Vec<Uuid> = store::roll(conn, coop.id, id)
            .await?
            .into_iter()
            .map(|l| l.member_id)
            .filter(|m| *m != keep_for)
            .collect();
        seed_papers(conn, coop.id, id, voters.into_iter().zip(papers)).await?;
        // The 2025 AGM's ballot is closed by its chair once the meeting's attendance
        // is recorded (meetings::service::seed_demo).
    }
    Ok(())
}

/// Demo papers on an open secret ballot: each voter's participation and an
/// anonymous paper (with a receipt nobody holds), as a vote would write them.
pub(crate) async fn seed_papers(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    id: Uuid,
    papers: impl IntoIterator<Item = (Uuid, Vec<Answer>)>,
) -> AppResult<()> {
    for (voter, answers) in papers {
        store::insert_participation(conn, coop_id, id, voter, "online", None, None).await?;
        let mut bytes = [0u8; rules::RECEIPT_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        let code = rules::receipt_code(bytes);
        let hash = rules::receipt_hash(&rules::normalise_receipt(&code).unwrap_or_default());
        let paper = store::NewPaper {
            answers: &answers,
            weight: 1,
            channel: "online",
            receipt_hash: Some(&hash),
            member_id: None,
        };
        store::insert_paper(conn, coop_id, id, &paper).await?;
        audit::append(
            conn,
            Some(coop_id),
            None,
            "ballot.participated",
            &format!("ballot:{id}"),
            json!({"member_id": voter, "channel": "online"}),
        )
        .await?;
    }
    Ok(())
}
