//! Bylaws use cases: the first import, versions and comparisons, amendments from
//! draft to adoption by ballot, and members' comments. Each change is one
//! transaction with its audit event; adopting a version also writes the
//! parameters the rest of Concord obeys (`coops.*`), in the same transaction.

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{
    self, Amendment, ArticleChange, ArticleEdit, Conflict, DecisionKind, DecisionRule, GovernanceSchedule,
    ScheduleChange,
};
use super::store::{self, AmendmentChange, AmendmentRow, Comment, NewComment, NewVersion, Revision, Version};
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::ballots::rules::{Attachment, Mode, NoticeShort, Question, QuestionKind, Quorum, Settings};
use crate::ballots::service::{BallotInput, By};
use crate::coops::rules::Parameters;
use crate::coops::store::Coop;
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::notifications::rules::MailKind;
use crate::web::state::AppState;

/// How long an author may edit their comment.
pub const COMMENT_EDIT_MINUTES: i64 = 15;

/// The longest comment.
pub const MAX_COMMENT_CHARS: usize = 5000;

/// The first bylaws of a co-op, as received.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ImportInput {
    /// The bylaws in Markdown, one `# Article N — Title` heading per article.
    #[serde(default)]
    pub markdown: Option<String>,
    /// Start from Concord's model bylaws in this language (`en` or `fr`) instead.
    #[serde(default)]
    pub model: Option<String>,
    /// The founding decision that adopted them ("General meeting of 12 March 2024, resolution 3").
    pub reference: String,
    /// The governance schedule. Left out: the model's schedule with `model`, otherwise
    /// the co-op's current parameters.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub schedule: Option<GovernanceSchedule>,
}

/// An amendment as the board drafts or revises it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AmendmentInput {
    /// A short title ("Raise the quorum of ordinary decisions").
    pub title: String,
    /// Why (Markdown), shown with the ballot.
    pub rationale: String,
    /// The whole text as it would read once adopted (Markdown); Concord derives the
    /// article changes from it. Leave out to give `changes` instead.
    #[serde(default)]
    pub text: Option<String>,
    /// The article changes, applied in order (when `text` is left out).
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    pub changes: Option<Vec<ArticleEdit>>,
    /// The whole new governance schedule, when the amendment changes it.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<GovernanceSchedule>,
    /// For a revision: what changed since the last one.
    #[serde(default)]
    pub note: String,
}

/// How an amendment goes to the vote.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SubmitInput {
    /// `online` (a window; the default) or `meeting`.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub mode: Option<Mode>,
    /// When the ballot opens; left out, it opens now (where the notice period allows).
    #[serde(default)]
    pub opens_at: Option<DateTime<Utc>>,
    /// When an online ballot closes.
    #[serde(default)]
    pub closes_at: Option<DateTime<Utc>>,
}

/// A comment as written.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CommentInput {
    /// The article it is about (left out: the amendment as a whole).
    #[serde(default)]
    pub article: Option<String>,
    /// The comment it answers.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// The text (Markdown, at most 5,000 characters).
    pub body: String,
}

/// An amendment with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AmendmentView {
    /// The amendment's row.
    pub amendment: AmendmentRow,
    /// Its latest revision.
    #[schema(value_type = Object)]
    pub text: Amendment,
    /// The articles it changes, against its base version.
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<ArticleChange>,
    /// The schedule fields it changes.
    #[schema(value_type = Vec<Object>)]
    pub schedule_changes: Vec<ScheduleChange>,
    /// The version in force.
    pub current_version: i32,
    /// What changed since its base that it clashes with (empty when it applies to
    /// the version in force, or can be carried over by a rebase).
    #[schema(value_type = Vec<Object>)]
    pub conflicts: Vec<Conflict>,
    /// The rule its ballot must meet: the amendment rule of the version in force.
    #[schema(value_type = Object)]
    pub procedure: DecisionRule,
    /// Whether it changes the amendment procedure itself (decided under the old one).
    pub changes_procedure: bool,
    /// Every revision, oldest first.
    pub revisions: Vec<Revision>,
}

fn conflict(message: impl Into<String>) -> AppError {
    AppError::Conflict(message.into())
}

fn amendment_error(error: rules::AmendmentError) -> AppError {
    AppError::field("changes", error.to_string())
}

fn schedule_errors(prefix: &str, schedule: &GovernanceSchedule) -> Vec<FieldError> {
    schedule
        .validate()
        .into_iter()
        .map(|(field, message)| FieldError::new(format!("{prefix}.{field}"), message))
        .collect()
}

/// Writes what the version in force sets into the parameters the rest of Concord
/// reads (membership, ballots), inside the adopting transaction.
async fn put_in_force(conn: &mut AsyncPgConnection, coop_id: Uuid, schedule: &GovernanceSchedule) -> AppResult<()> {
    let parameters = Parameters::from_schedule(schedule)
        .ok_or_else(|| AppError::field("schedule.capital_floor", "Give an amount, e.g. 1000.00."))?;
    crate::coops::store::save_parameters(conn, coop_id, &parameters).await
}

/// The version in force, if the co-op has adopted bylaws in Concord.
pub async fn current(state: &AppState, scope: &InCoop) -> AppResult<Option<Version>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    store::current(&mut conn, scope.coop.id).await
}

/// One adopted version.
pub async fn version(state: &AppState, scope: &InCoop, number: i32) -> AppResult<Version> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    store::version_by_number(&mut conn, scope.coop.id, number).await
}

/// Every adopted version, newest first.
pub async fn history(state: &AppState, scope: &InCoop) -> AppResult<Vec<Version>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    store::history(&mut conn, scope.coop.id).await
}

/// What changed between two versions: the articles and the schedule.
pub async fn compare(
    state: &AppState,
    scope: &InCoop,
    from: i32,
    to: i32,
) -> AppResult<(Vec<ArticleChange>, Vec<ScheduleChange>)> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let old = store::version_by_number(&mut conn, scope.coop.id, from).await?;
    let new = store::version_by_number(&mut conn, scope.coop.id, to).await?;
    Ok((
        rules::compare(&old.bylaws, &new.bylaws),
        rules::schedule_changes(&old.schedule, &new.schedule),
    ))
}

/// Adopts a co-op's first bylaws (version 1) by the board, with a reference to the
/// founding decision. Refused once the co-op has bylaws: they change by amendment.
pub async fn import(state: &AppState, scope: &InCoop, input: &ImportInput) -> AppResult<Version> {
    scope.require(Action::ManageParameters)?;
    let reference = input.reference.trim();
    let mut errors = Vec::new();
    if reference.is_empty() || reference.chars().count() > 500 {
        errors.push(FieldError::new(
            "reference",
            "Name the decision that adopted these bylaws (at most 500 characters).",
        ));
    }
    let parsed = match (&input.markdown, &input.model) {
        (Some(text), None) if !text.trim().is_empty() => rules::parse_markdown(text).map_err(|e| {
            let at = e.line().map(|l| format!("line {l}: ")).unwrap_or_default();
            FieldError::new("markdown", format!("{at}{e}"))
        }),
        (None, Some(lang)) if crate::coops::rules::LOCALES.contains(&lang.as_str()) => {
            rules::parse_markdown(super::model::bylaws(lang))
                .map_err(|e| FieldError::new("model", format!("the model bylaws do not parse: {e}")))
        }
        (None, Some(_)) => Err(FieldError::new(
            "model",
            "Choose the model in English (en) or French (fr).",
        )),
        _ => Err(FieldError::new(
            "markdown",
            "Paste the bylaws in Markdown, or start from the model bylaws.",
        )),
    };
    let bylaws = parsed.map_err(|e| errors.push(e)).ok();
    let mut conn = db::conn(&state.pool).await?;
    let schedule = match (&input.schedule, &input.model) {
        (Some(s), _) => s.clone(),
        (None, Some(_)) => super::model::schedule(),
        (None, None) => crate::coops::store::parameters(&mut conn, scope.coop.id)
            .await?
            .to_schedule(),
    };
    errors.extend(schedule_errors("schedule", &schedule));
    let Some(bylaws) = bylaws.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        store::lock(conn, coop_id).await?;
        if let Some(v) = store::current(conn, coop_id).await? {
            return Err(conflict(format!(
                "The co-op already has bylaws (version {}): they change by amendment.",
                v.number
            )));
        }
        let new = NewVersion {
            number: 1,
            bylaws: &bylaws,
            schedule: &schedule,
            reference,
            amendment_id: None,
            ballot_id: None,
            adopted_by: Some(actor),
        };
        store::insert_version(conn, coop_id, &new).await?;
        put_in_force(conn, coop_id, &schedule).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "bylaws.adopted",
            &format!("bylaws:{coop_id}:1"),
            json!({"version": 1, "reference": reference, "articles": bylaws.articles.len(),
                   "schedule": schedule, "by": "board"}),
        )
        .await?;
        store::version_by_number(conn, coop_id, 1).await
    })
    .await
}

async fn require_current(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Version> {
    store::current(conn, coop_id)
        .await?
        .ok_or_else(|| conflict("The co-op has no bylaws in Concord yet: import them first."))
}

/// The amendment an input describes, drafted on `base`; every problem field by field.
fn build(base: &Version, input: &AmendmentInput) -> AppResult<Amendment> {
    let title = input.title.trim();
    let mut errors = Vec::new();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new(
            "title",
            "Give the amendment a title of 1 to 200 characters.",
        ));
    }
    let changes = match (&input.text, &input.changes) {
        (Some(text), _) => match rules::parse_markdown(text) {
            Ok(edited) => rules::edits_between(&base.bylaws, &edited),
            Err(e) => {
                let at = e.line().map(|l| format!("line {l}: ")).unwrap_or_default();
                errors.push(FieldError::new("text", format!("{at}{e}")));
                Vec::new()
            }
        },
        (None, Some(changes)) => changes.clone(),
        (None, None) => Vec::new(),
    };
    // A schedule equal to the one in force is no change to it.
    let parameters = input.parameters.clone().filter(|p| *p != base.schedule);
    let amendment = Amendment {
        base_version: base.number as u32,
        changes,
        parameters,
        rationale: input.rationale.trim().to_string(),
    };
    if errors.is_empty() {
        errors.extend(
            rules::check_amendment(&amendment)
                .into_iter()
                .map(|(field, message)| FieldError::new(field, message)),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    rules::apply(&base.bylaws, &amendment).map_err(amendment_error)?;
    Ok(amendment)
}

/// Drafts an amendment on the version in force (the board and the secretary).
pub async fn create_amendment(state: &AppState, scope: &InCoop, input: &AmendmentInput) -> AppResult<AmendmentView> {
    scope.require(Action::DraftBylaws)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let id = Uuid::now_v7();
    conn.transaction(async |conn| {
        let base = require_current(conn, coop_id).await?;
        let amendment = build(&base, input)?;
        let title = input.title.trim();
        store::insert_amendment(conn, coop_id, id, title, &amendment, actor).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "bylaws.amendment_drafted",
            &format!("amendment:{id}"),
            json!({"title": title, "revision": 1, "amendment": amendment}),
        )
        .await
    })
    .await?;
    view_in(&mut conn, scope, id).await
}

/// Stores a new revision of a draft (every revision is kept). The base stays: a
/// stale draft is brought up to date by [`rebase`].
pub async fn revise(state: &AppState, scope: &InCoop, id: Uuid, input: &AmendmentInput) -> AppResult<AmendmentView> {
    scope.require(Action::DraftBylaws)?;
    let note = input.note.trim();
    if note.chars().count() > 2000 {
        return Err(AppError::field("note", "Say what changed in at most 2,000 characters."));
    }
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let row = store::amendment(conn, coop_id, id, true).await?;
        if !matches!(row.status.as_str(), "draft" | "open" | "conflict") {
            return Err(conflict(
                "Only a draft can be revised; this amendment is no longer one.",
            ));
        }
        let base = store::version_by_number(conn, coop_id, row.base_version).await?;
        let amendment = build(&base, input)?;
        let revision = row.revision + 1;
        store::insert_revision(conn, coop_id, id, revision, &amendment, note, actor).await?;
        let status = if row.status == "conflict" { Some("draft") } else { None };
        let title = input.title.trim();
        store::update_amendment(
            conn,
            coop_id,
            id,
            AmendmentChange {
                title: Some(title),
                revision: Some(revision),
                status,
                ..Default::default()
            },
        )
        .await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "bylaws.amendment_revised",
            &format!("amendment:{id}"),
            json!({"title": title, "revision": revision, "note": note, "amendment": amendment}),
        )
        .await
    })
    .await?;
    view_in(&mut conn, scope, id).await
}

/// Carries a draft drafted on an older version over to the version in force, when
/// nothing it edits changed since; otherwise every conflict, for the board to
/// redraft.
pub async fn rebase(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<AmendmentView> {
    scope.require(Action::DraftBylaws)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let row = store::amendment(conn, coop_id, id, true).await?;
        if !matches!(row.status.as_str(), "draft" | "open" | "conflict") {
            return Err(conflict("Only a draft can be rebased."));
        }
        let current = require_current(conn, coop_id).await?;
        if row.base_version == current.number {
            return Err(conflict(format!(
                "This draft is already on version {}, the version in force.",
                current.number
            )));
        }
        let base = store::version_by_number(conn, coop_id, row.base_version).await?;
        let text = latest(conn, coop_id, id).await?;
        let rebased = rules::rebase(as_rules(&current), as_rules(&base), &text).map_err(|found| {
            let list: Vec<String> = found.iter().map(ToString::to_string).collect();
            conflict(format!(
                "This draft clashes with version {}: {}. Redraft it on the version in force.",
                current.number,
                list.join("; ")
            ))
        })?;
        let revision = row.revision + 1;
        let note = format!("Carried over to version {}.", current.number);
        store::insert_revision(conn, coop_id, id, revision, &rebased, &note, actor).await?;
        store::update_amendment(
            conn,
            coop_id,
            id,
            AmendmentChange {
                base_version: Some(current.number),
                revision: Some(revision),
                status: (row.status == "conflict").then_some("draft"),
                ..Default::default()
            },
        )
        .await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "bylaws.amendment_rebased",
            &format!("amendment:{id}"),
            json!({"from_version": row.base_version, "to_version": current.number, "revision": revision}),
        )
        .await
    })
    .await?;
    view_in(&mut conn, scope, id).await
}

fn as_rules(v: &Version) -> rules::Version<'_> {
    rules::Version {
        number: v.number as u32,
        bylaws: &v.bylaws,
        schedule: &v.schedule,
    }
}

async fn latest(conn: &mut AsyncPgConnection, coop_id: Uuid, id: Uuid) -> AppResult<Amendment> {
    store::revisions(conn, coop_id, id)
        .await?
        .pop()
        .map(|r| r.amendment)
        .ok_or_else(|| AppError::internal("an amendment without a revision"))
}

/// Moves an amendment to a new status, from one of `from`, audited.
async fn set_status(
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    from: &[&str],
    to: &'static str,
    action: &str,
) -> AppResult<AmendmentRow> {
    scope.require(Action::DraftBylaws)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let row = store::amendment(conn, coop_id, id, true).await?;
        if !from.contains(&row.status.as_str()) {
            return Err(conflict(format!(
                "This amendment is {}: it cannot be {to} now.",
                row.status
            )));
        }
        store::update_amendment(
            conn,
            coop_id,
            id,
            AmendmentChange {
                status: Some(to),
                ..Default::default()
            },
        )
        .await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            action,
            &format!("amendment:{id}"),
            json!({"from": row.status, "to": to}),
        )
        .await?;
        store::amendment(conn, coop_id, id, false).await
    })
    .await
}

/// Shares a draft with the members for their comments, and tells them.
pub async fn share(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<AmendmentRow> {
    let row = set_status(state, scope, id, &["draft"], "open", "bylaws.amendment_shared").await?;
    let mut conn = db::conn(&state.pool).await?;
    if let Err(e) = tell_members(&mut conn, &state.settings, &scope.coop, &row, MailKind::AmendmentShared).await {
        tracing::error!(error = %e, "cannot queue the announcement of an amendment");
    }
    Ok(row)
}

/// Withdraws an amendment that has not gone to the vote.
pub async fn withdraw(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<AmendmentRow> {
    set_status(
        state,
        scope,
        id,
        &["draft", "open", "conflict"],
        "withdrawn",
        "bylaws.amendment_withdrawn",
    )
    .await
}

/// Queues an e-mail to every current member about an amendment.
async fn tell_members(
    conn: &mut AsyncPgConnection,
    settings: &crate::config::Settings,
    coop: &Coop,
    row: &AmendmentRow,
    kind: MailKind,
) -> AppResult<()> {
    let recipients = store::member_addresses(conn, coop.id).await?;
    let link = format!("{}/c/{}/bylaws/amendments/{}", settings.public_url, coop.slug, row.id);
    let args = vec![
        ("coop", coop.name.clone()),
        ("title", row.title.clone()),
        ("link", link),
    ];
    crate::mail::queue_all(conn, coop.id, recipients, kind, args, |_| Vec::new(), None)
        .await
        .map(drop)
}

/// The notice the bylaws in force give members of a meeting or a ballot, and the
/// article that gives it (for the refusal to name).
#[derive(Debug, Clone)]
pub struct NoticeRule {
    /// Days of notice (0: none).
    pub days: u32,
    /// "Article 11 of the bylaws", or "The bylaws" when no article states it.
    pub source: String,
}

impl NoticeRule {
    /// Why `what` ("a ballot", "a meeting") cannot happen yet, for the person who
    /// scheduled it; `earliest` in the co-op's time zone `tz`.
    pub fn refusal(&self, what: &str, short: NoticeShort, now: DateTime<Utc>, tz: &str) -> String {
        let when = |t: DateTime<Utc>| crate::web::i18n::datetime_in(t, tz);
        let days = self.days;
        match short {
            NoticeShort::NotGiven => format!(
                "{} gives members {days} days' notice of {what}, and none was given: set it at least {days} days \
                 ahead ({} or later) so that Concord sends the notice.",
                self.source,
                when(now + Duration::days(i64::from(days)))
            ),
            NoticeShort::Until { earliest } => format!(
                "{} gives members {days} days' notice of {what}: it can be on {} or later.",
                self.source,
                when(earliest)
            ),
        }
    }
}

/// The notice rule of the bylaws in force; `None` when the co-op has no bylaws in
/// Concord (nothing is required then) or they give no notice period.
pub async fn notice_rule(conn: &mut AsyncPgConnection, coop_id: Uuid) -> AppResult<Option<NoticeRule>> {
    let Some(current) = store::current(conn, coop_id).await? else {
        return Ok(None);
    };
    let days = current.schedule.notice_days;
    if days == 0 {
        return Ok(None);
    }
    let source = match rules::notice_article(&current.bylaws, days) {
        Some(article) => format!("Article {} of the bylaws", article.number),
        None => "The bylaws".to_string(),
    };
    Ok(Some(NoticeRule { days, source }))
}

/// Queues to every member the notice the bylaws in force require (a ballot's
/// notice, a meeting's convocation) when they require one, as the legal notice
/// `notice` followed member by member; answers whether it was queued, so the caller
/// records when. After the commit; failures are logged.
pub async fn send_notice(
    conn: &mut AsyncPgConnection,
    notice: crate::mail::NoticeOf,
    kind: MailKind,
    args: Vec<(&'static str, String)>,
) -> bool {
    let coop_id = notice.coop_id;
    match notice_rule(conn, coop_id).await {
        Ok(Some(_)) => {}
        Ok(None) => return false,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the notice rule");
            return false;
        }
    }
    let recipients = match store::member_addresses(conn, coop_id).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the members to give them notice");
            return false;
        }
    };
    match crate::mail::queue_all(conn, coop_id, recipients, kind, args, |_| Vec::new(), Some(notice)).await {
        Ok(_) => true,
        Err(e) => {
            tracing::error!(error = %e, "cannot queue a notice");
            false
        }
    }
}

/// Puts an amendment to the members' vote: a ballot (one motion) with the quorum
/// and majority the version in force requires for amendments, opened now or at
/// `opens_at` (no earlier than the bylaws' notice period allows). The amendment
/// must be drafted on the version in force (rebase it first otherwise).
pub async fn submit(state: &AppState, scope: &InCoop, id: Uuid, input: &SubmitInput) -> AppResult<AmendmentView> {
    scope.require(Action::DraftBylaws)?;
    scope.require(Action::ManageBallots)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop, actor) = (scope.coop.clone(), scope.caller.user.id);
    let public_url = state.settings.public_url.clone();
    let row = conn
        .transaction(async |conn| {
            store::lock(conn, coop.id).await?;
            let row = store::amendment(conn, coop.id, id, true).await?;
            if !matches!(row.status.as_str(), "draft" | "open") {
                return Err(conflict(format!(
                    "This amendment is {}: only a draft goes to the vote.",
                    row.status
                )));
            }
            let current = require_current(conn, coop.id).await?;
            if row.base_version != current.number {
                return Err(conflict(format!(
                    "This draft was written on version {} and version {} is in force: rebase it first.",
                    row.base_version, current.number
                )));
            }
            let now = Utc::now();
            let text = latest(conn, coop.id, id).await?;
            let rule = rules::procedure_for_amendment(&current.schedule);
            let parameters = current.schedule.ballot_parameters(DecisionKind::BylawAmendment);
            let mode = input.mode.unwrap_or(Mode::Online);
            let lang = coop.locale.as_str();
            let link = format!("{public_url}/c/{}/bylaws/amendments/{id}", coop.slug);
            let ballot_input = BallotInput {
                title: crate::web::i18n::text_with(lang, "bylaws-ballot-title", &[("title", row.title.clone())]),
                description: text.rationale.clone(),
                settings: Some(Settings {
                    mode,
                    secret: parameters.secret,
                    allow_change: true,
                    quorum: rule.quorum,
                    proxies: parameters.proxies,
                }),
                questions: vec![Question {
                    title: row.title.clone(),
                    text: crate::web::i18n::text(lang, "bylaws-ballot-question"),
                    attachments: vec![Attachment {
                        label: crate::web::i18n::text(lang, "bylaws-ballot-attachment"),
                        url: link,
                    }],
                    kind: QuestionKind::Motion {
                        allow_abstain: true,
                        threshold: rule.threshold,
                        base: rule.base,
                    },
                }],
                opens_at: input.opens_at.filter(|o| *o > now),
                closes_at: input.closes_at,
                decision_kind: Some(DecisionKind::BylawAmendment),
                subject_member_id: None,
                body: None,
                grounds: None,
            };
            let ballot = crate::ballots::service::create_in(conn, &coop, actor, &ballot_input).await?;
            store::update_amendment(
                conn,
                coop.id,
                id,
                AmendmentChange {
                    status: Some("voting"),
                    ballot_id: Some(Some(ballot.id)),
                    ..Default::default()
                },
            )
            .await?;
            audit::append(
                conn,
                Some(coop.id),
                Some(actor),
                "bylaws.amendment_submitted",
                &format!("amendment:{id}"),
                json!({"ballot": ballot.id, "revision": row.revision, "rule": rule}),
            )
            .await?;
            // Online and due now: open at once (a meeting's ballot is opened live).
            if mode == Mode::Online && ballot_input.opens_at.is_none() {
                crate::ballots::service::open_in(conn, &coop, ballot.id, By::User(actor)).await?;
            }
            store::amendment(conn, coop.id, id, false).await
        })
        .await?;
    if let Err(e) = tell_members(&mut conn, &state.settings, &coop, &row, MailKind::AmendmentVote).await {
        tracing::error!(error = %e, "cannot queue the announcement of an amendment");
    }
    // That e-mail, with the amendment's text, is the members' notice of its ballot.
    if let Some(ballot) = row.ballot_id {
        crate::ballots::service::notice_sent(&mut conn, coop.id, ballot).await;
    }
    view_in(&mut conn, scope, id).await
}

/// Decides the amendment a closing ballot votes on, inside the close's transaction:
/// carried, the amended text and schedule become the next version, in force at
/// once; otherwise the amendment is rejected. An amendment whose base went stale
/// while it was voted on is carried over when nothing it edits changed, and
/// otherwise marked `conflict` (nothing is adopted; the board redrafts).
pub(crate) async fn settle_from_ballot(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    ballot_id: Uuid,
    carried: bool,
    by: Option<Uuid>,
) -> AppResult<()> {
    let Some(row) = store::amendment_of_ballot(conn, coop.id, ballot_id).await? else {
        return Ok(());
    };
    if row.status != "voting" {
        return Ok(());
    }
    store::lock(conn, coop.id).await?;
    let subject = format!("amendment:{}", row.id);
    let mark = async |conn: &mut AsyncPgConnection, status: &'static str, data: serde_json::Value| {
        store::update_amendment(
            conn,
            coop.id,
            row.id,
            AmendmentChange {
                status: Some(status),
                ..Default::default()
            },
        )
        .await?;
        audit::append(
            conn,
            Some(coop.id),
            by,
            &format!("bylaws.amendment_{status}"),
            &subject,
            data,
        )
        .await
    };
    if !carried {
        return mark(conn, "rejected", json!({"ballot": ballot_id})).await;
    }
    let current = require_current(conn, coop.id).await?;
    let mut text = latest(conn, coop.id, row.id).await?;
    if row.base_version != current.number {
        let base = store::version_by_number(conn, coop.id, row.base_version).await?;
        match rules::rebase(as_rules(&current), as_rules(&base), &text) {
            Ok(rebased) => text = rebased,
            Err(found) => {
                let list: Vec<String> = found.iter().map(ToString::to_string).collect();
                return mark(conn, "conflict", json!({"ballot": ballot_id, "conflicts": list})).await;
            }
        }
    }
    let bylaws = match rules::apply(&current.bylaws, &text) {
        Ok(b) => b,
        Err(e) => {
            return mark(
                conn,
                "conflict",
                json!({"ballot": ballot_id, "conflicts": [e.to_string()]}),
            )
            .await
        }
    };
    let schedule = rules::adopted_schedule(&current.schedule, &text);
    let number = current.number + 1;
    let reference = format!("{} (ballot {ballot_id})", row.title);
    let new = NewVersion {
        number,
        bylaws: &bylaws,
        schedule: &schedule,
        reference: &reference.chars().take(500).collect::<String>(),
        amendment_id: Some(row.id),
        ballot_id: Some(ballot_id),
        adopted_by: by,
    };
    store::insert_version(conn, coop.id, &new).await?;
    put_in_force(conn, coop.id, &schedule).await?;
    store::update_amendment(
        conn,
        coop.id,
        row.id,
        AmendmentChange {
            status: Some("adopted"),
            adopted_version: Some(number),
            base_version: Some(text.base_version as i32),
            ..Default::default()
        },
    )
    .await?;
    audit::append(
        conn,
        Some(coop.id),
        by,
        "bylaws.adopted",
        &format!("bylaws:{}:{number}", coop.id),
        json!({"version": number, "amendment": row.id, "ballot": ballot_id,
               "schedule_changes": rules::schedule_changes(&current.schedule, &schedule)}),
    )
    .await
}

/// Tells the members an amendment was adopted, in the transaction of the close.
pub(crate) async fn announce_decided(
    conn: &mut AsyncPgConnection,
    settings: &crate::config::Settings,
    coop: &Coop,
    ballot_id: Uuid,
) -> AppResult<()> {
    let adopted = store::amendments_in(conn, coop.id, &["adopted"])
        .await?
        .into_iter()
        .find(|r| r.ballot_id == Some(ballot_id));
    match adopted {
        Some(row) => tell_members(conn, settings, coop, &row, MailKind::AmendmentAdopted).await,
        None => Ok(()),
    }
}

/// A cancelled ballot sends its amendment back to draft, free to be put to a new vote.
pub(crate) async fn ballot_cancelled(
    conn: &mut AsyncPgConnection,
    coop_id: Uuid,
    ballot_id: Uuid,
    actor: Uuid,
) -> AppResult<()> {
    let Some(row) = store::amendment_of_ballot(conn, coop_id, ballot_id).await? else {
        return Ok(());
    };
    store::update_amendment(
        conn,
        coop_id,
        row.id,
        AmendmentChange {
            status: Some("open"),
            ballot_id: Some(None),
            ..Default::default()
        },
    )
    .await?;
    audit::append(
        conn,
        Some(coop_id),
        Some(actor),
        "bylaws.amendment_reopened",
        &format!("amendment:{}", row.id),
        json!({"cancelled_ballot": ballot_id}),
    )
    .await
}

/// Whether members who do not draft may see an amendment in this status: not while
/// it is the board's draft, nor once withdrawn (it may never have been shared).
fn shown_to_members(status: &str) -> bool {
    !matches!(status, "draft" | "withdrawn")
}

/// The co-op's amendments a caller may see (drafts only for those who draft).
pub async fn amendments(state: &AppState, scope: &InCoop) -> AppResult<Vec<AmendmentRow>> {
    scope.require(Action::ViewCoop)?;
    let mut conn = db::conn(&state.pool).await?;
    let drafts_visible = scope.can(Action::DraftBylaws);
    Ok(store::amendments(&mut conn, scope.coop.id)
        .await?
        .into_iter()
        .filter(|a| drafts_visible || shown_to_members(&a.status))
        .collect())
}

/// One amendment with its diff, schedule changes, conflicts and revisions.
pub async fn amendment(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<AmendmentView> {
    let mut conn = db::conn(&state.pool).await?;
    view_in(&mut conn, scope, id).await
}

async fn visible(conn: &mut AsyncPgConnection, scope: &InCoop, id: Uuid) -> AppResult<AmendmentRow> {
    scope.require(Action::ViewCoop)?;
    let row = store::amendment(conn, scope.coop.id, id, false).await?;
    if !shown_to_members(&row.status) && !scope.can(Action::DraftBylaws) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

async fn view_in(conn: &mut AsyncPgConnection, scope: &InCoop, id: Uuid) -> AppResult<AmendmentView> {
    let row = visible(conn, scope, id).await?;
    let coop_id = scope.coop.id;
    let revisions = store::revisions(conn, coop_id, id).await?;
    let text = revisions
        .last()
        .map(|r| r.amendment.clone())
        .ok_or_else(|| AppError::internal("an amendment without a revision"))?;
    let base = store::version_by_number(conn, coop_id, row.base_version).await?;
    let current = require_current(conn, coop_id).await?;
    let amended = rules::apply(&base.bylaws, &text).map_err(amendment_error)?;
    let schedule = rules::adopted_schedule(&base.schedule, &text);
    // Once decided, staleness no longer matters.
    let conflicts = if matches!(row.status.as_str(), "adopted" | "rejected" | "withdrawn") {
        Vec::new()
    } else {
        match rules::rebase(as_rules(&current), as_rules(&base), &text) {
            Ok(_) => Vec::new(),
            Err(found) if row.base_version != current.number => found,
            Err(_) => Vec::new(),
        }
    };
    Ok(AmendmentView {
        changes: rules::compare(&base.bylaws, &amended),
        schedule_changes: rules::schedule_changes(&base.schedule, &schedule),
        current_version: current.number,
        conflicts,
        procedure: rules::procedure_for_amendment(&current.schedule),
        changes_procedure: rules::amendment_procedure_changed(&current.schedule, &schedule),
        amendment: row,
        text,
        revisions,
    })
}

/// The comments on an amendment the caller may see.
pub async fn comments(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<Vec<Comment>> {
    let mut conn = db::conn(&state.pool).await?;
    visible(&mut conn, scope, id).await?;
    store::comments(&mut conn, scope.coop.id, id).await
}

fn check_body(body: &str) -> AppResult<&str> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::field(
            "body",
            format!("Write a comment of 1 to {MAX_COMMENT_CHARS} characters."),
        ));
    }
    Ok(body)
}

/// Adds a member's comment to an amendment open for comments (or to a draft, for
/// the board), on one article or on the whole, possibly answering another.
pub async fn add_comment(state: &AppState, scope: &InCoop, id: Uuid, input: &CommentInput) -> AppResult<Comment> {
    scope.require(Action::CommentBylaws)?;
    let body = check_body(&input.body)?;
    let mut conn = db::conn(&state.pool).await?;
    let row = visible(&mut conn, scope, id).await?;
    if !matches!(row.status.as_str(), "draft" | "open" | "voting") {
        return Err(conflict("This amendment is decided: it no longer takes comments."));
    }
    let article = input
        .article
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| rules::canonical_number(a).unwrap_or_else(|| a.to_string()));
    if let Some(number) = &article {
        let base = store::version_by_number(&mut conn, scope.coop.id, row.base_version).await?;
        let text = latest(&mut conn, scope.coop.id, id).await?;
        let in_amended = rules::apply(&base.bylaws, &text)
            .map(|b| b.article(number).is_some())
            .unwrap_or(false);
        if base.bylaws.article(number).is_none() && !in_amended {
            return Err(AppError::field("article", "There is no such article in these bylaws."));
        }
    }
    let (coop_id, member, actor) = (scope.coop.id, scope.member_id, scope.caller.user.id);
    let comment_id = Uuid::now_v7();
    conn.transaction(async |conn| {
        if let Some(parent) = input.parent_id {
            match store::comment_place(conn, coop_id, parent).await? {
                Some((amendment, parent_article)) if amendment == id && parent_article == article => {}
                _ => {
                    return Err(AppError::field(
                        "parent_id",
                        "Answer a comment on the same amendment and article.",
                    ))
                }
            }
        }
        let new = NewComment {
            id: comment_id,
            amendment_id: id,
            article: article.as_deref(),
            parent_id: input.parent_id,
            author_member: member,
            body,
        };
        store::insert_comment(conn, coop_id, &new).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "bylaws.comment_added",
            &format!("comment:{comment_id}"),
            json!({"amendment": id, "article": article, "parent": input.parent_id, "body": body}),
        )
        .await
    })
    .await?;
    store::comments(&mut conn, coop_id, id)
        .await?
        .into_iter()
        .find(|c| c.id == comment_id)
        .ok_or_else(|| AppError::internal("a comment vanished"))
}

/// Replaces the text of one's own comment, within [`COMMENT_EDIT_MINUTES`] of writing it.
pub async fn edit_comment(state: &AppState, scope: &InCoop, comment_id: Uuid, body: &str) -> AppResult<()> {
    scope.require(Action::CommentBylaws)?;
    let body = check_body(body)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, member, actor) = (scope.coop.id, scope.member_id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let (amendment, author, written, hidden) = store::comment_for_update(conn, coop_id, comment_id).await?;
        visible(conn, scope, amendment).await?;
        if author != member {
            return Err(AppError::Forbidden);
        }
        if hidden || Utc::now() - written > Duration::minutes(COMMENT_EDIT_MINUTES) {
            return Err(conflict(format!(
                "A comment can be edited for {COMMENT_EDIT_MINUTES} minutes after it is written; write a new one."
            )));
        }
        store::edit_comment(conn, coop_id, comment_id, body).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "bylaws.comment_edited",
            &format!("comment:{comment_id}"),
            json!({"amendment": amendment, "body": body}),
        )
        .await
    })
    .await
}

/// Hides a comment (the secretary and the board moderate), with a reason shown in
/// its place.
pub async fn hide_comment(state: &AppState, scope: &InCoop, comment_id: Uuid, reason: &str) -> AppResult<()> {
    scope.require(Action::ModerateComments)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::field(
            "reason",
            "Say why the comment is hidden (at most 500 characters).",
        ));
    }
    let mut conn = db::conn(&state.pool).await?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    conn.transaction(async |conn| {
        let (amendment, _, _, hidden) = store::comment_for_update(conn, coop_id, comment_id).await?;
        if hidden {
            return Err(conflict("This comment is already hidden."));
        }
        store::hide_comment(conn, coop_id, comment_id, actor, reason).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "bylaws.comment_hidden",
            &format!("comment:{comment_id}"),
            json!({"amendment": amendment, "reason": reason}),
        )
        .await
    })
    .await
}

/// Replaces `old` by `new` in the article `number` of `bylaws` (demo text edits).
fn reworded(bylaws: &rules::Bylaws, number: &str, old: &str, new: &str) -> ArticleEdit {
    let article = bylaws.article(number).cloned().unwrap_or_else(|| rules::Article {
        number: number.into(),
        title: String::new(),
        body: String::new(),
        section: None,
    });
    ArticleEdit::Replace {
        number: article.number,
        title: article.title,
        body: article.body.replace(old, new),
    }
}

/// The demo co-op's bylaws: the model bylaws as version 1 (with the co-op's current
/// parameters as schedule), an amendment adopted by a ballot as version 2, and a
/// draft open for comments with a member's comment. Written through the same steps
/// as the pages: the adoption happens in the ballot's close.
pub async fn seed_demo(
    conn: &mut AsyncPgConnection,
    coop: &Coop,
    board: Uuid,
    voters: &[Uuid],
    commenter: Uuid,
) -> AppResult<()> {
    // The founders adapted the model where their schedule differs from it: no
    // probation before admission, at least 10 % to the reserve, and the year-end
    // distribution approved by the board.
    let text = super::model::bylaws("en")
        .replace("[name]", &coop.name)
        .replace("[address]", "12 Wheel Street, Nantes")
        .replace(
            "An applicant first works in the co-operative for a probation of **six months**, during which they \
             take part in meetings without a vote.\n\nAt the end of the probation the board decides on admission",
            "The board decides on admission",
        )
        .replace("at least **25 %** of the surplus", "at least **10 %** of the surplus")
        .replace(
            "Each year, on a proposal of the board approved by the members:",
            "Each year, on a proposal of the treasurer approved by the board:",
        );
    let first = rules::parse_markdown(&text).map_err(|e| AppError::internal(e.to_string()))?;
    let mut schedule = crate::coops::store::parameters(conn, coop.id).await?.to_schedule();
    // The demo lets a visitor put an amendment to the vote at once.
    schedule.notice_days = 0;
    // The demo co-op's year-end practice: at least 10 % to the reserve, at most 5 % a
    // year on shares, approved by the board.
    schedule.distribution.reserve_rate = "0.10".into();
    schedule.distribution.share_return_rate = "0.05".into();
    schedule.distribution.approved_by = rules::DistributionApprover::Board;
    store::insert_version(
        conn,
        coop.id,
        &NewVersion {
            number: 1,
            bylaws: &first,
            schedule: &schedule,
            reference: "Founding general meeting, 14 March 2021",
            amendment_id: None,
            ballot_id: None,
            adopted_by: Some(board),
        },
    )
    .await?;
    put_in_force(conn, coop.id, &schedule).await?;
    audit::append(
        conn,
        Some(coop.id),
        Some(board),
        "bylaws.adopted",
        &format!("bylaws:{}:1", coop.id),
        json!({"version": 1, "demo": true}),
    )
    .await?;

    // Version 2: the bylaws say what the co-op does and how it actually decides.
    let aligned = Amendment {
        base_version: 1,
        changes: vec![
            reworded(&first, "2", "[activity]", "bicycle deliveries and repairs in the city"),
            // The demo's schedule gives no notice period, so a visitor can try a vote
            // at once; its text says so too instead of promising 15 days.
            reworded(&first, "11", "at least **15 days** before it", "before it opens"),
            reworded(
                &first,
                "12",
                "A decision is valid only if at least **one quarter** of the members take part, and is taken",
                "A decision is taken, whatever the number of members who take part,",
            ),
            reworded(
                &first,
                "13",
                "A member who cannot vote may give a written proxy to another member. No member may hold more than **one** proxy.",
                "Members vote in person or online; they do not vote by proxy.",
            ),
        ],
        parameters: None,
        rationale: "We fill in our activity and write down how we already decide: a simple majority of the \
                    votes cast, online, without proxies, called without a minimum notice."
            .into(),
    };
    let aligned_id = Uuid::now_v7();
    store::insert_amendment(
        conn,
        coop.id,
        aligned_id,
        "Say what we do and how we decide",
        &aligned,
        board,
    )
    .await?;
    let current = store::version_by_number(conn, coop.id, 1).await?;
    let rule = rules::procedure_for_amendment(&current.schedule);
    let parameters = current.schedule.ballot_parameters(DecisionKind::BylawAmendment);
    let input = BallotInput {
        title: "Bylaws amendment: Say what we do and how we decide".into(),
        description: aligned.rationale.clone(),
        // Put to the members online; it closed before its time because every member
        // on the roll had voted.
        settings: Some(Settings {
            mode: Mode::Online,
            secret: true,
            allow_change: true,
            quorum: rule.quorum,
            proxies: parameters.proxies,
        }),
        questions: vec![Question {
            title: "Say what we do and how we decide".into(),
            text: String::new(),
            attachments: Vec::new(),
            kind: QuestionKind::Motion {
                allow_abstain: true,
                threshold: rule.threshold,
                base: rule.base,
            },
        }],
        opens_at: None,
        closes_at: Some(Utc::now() + Duration::days(1)),
        decision_kind: Some(DecisionKind::BylawAmendment),
        subject_member_id: None,
        body: None,
        grounds: None,
    };
    let ballot = crate::ballots::service::create_in(conn, coop, board, &input).await?;
    store::update_amendment(
        conn,
        coop.id,
        aligned_id,
        AmendmentChange {
            status: Some("voting"),
            ballot_id: Some(Some(ballot.id)),
            ..Default::default()
        },
    )
    .await?;
    crate::ballots::service::open_in(conn, coop, ballot.id, By::User(board)).await?;
    // Bea, who drafted it, abstains; everyone else on the roll votes for it.
    let abstaining = voters.last().copied();
    let papers: Vec<(Uuid, Vec<crate::ballots::rules::Answer>)> = crate::ballots::store::roll(conn, coop.id, ballot.id)
        .await?
        .into_iter()
        .map(|line| {
            let answer = if Some(line.member_id) == abstaining {
                crate::ballots::rules::Answer::Abstain
            } else {
                crate::ballots::rules::Answer::For
            };
            (line.member_id, vec![answer])
        })
        .collect();
    crate::ballots::service::seed_papers(conn, coop.id, ballot.id, papers).await?;
    crate::ballots::service::close_in(conn, coop, ballot.id, By::User(board)).await?;

    // A draft open for comments: the quorum back to one quarter.
    let second = store::version_by_number(conn, coop.id, 2).await?;
    let mut raised = second.schedule.clone();
    raised.decisions.ordinary.quorum = Quorum::Fraction {
        fraction: crate::ballots::rules::Fraction::new(1, 4).map_err(AppError::internal)?,
    };
    let quorum = Amendment {
        base_version: 2,
        changes: vec![reworded(
            &second.bylaws,
            "12",
            "A decision is taken, whatever the number of members who take part,",
            "A decision is valid only if at least **one quarter** of the members take part, and is taken",
        )],
        parameters: Some(raised),
        rationale: "Two of our last three decisions were taken by fewer than a quarter of us. A quorum makes \
                    sure a decision is the co-op's, not a few members'."
            .into(),
    };
    let draft_id = Uuid::now_v7();
    store::insert_amendment(conn, coop.id, draft_id, "A quorum of one quarter", &quorum, board).await?;
    store::update_amendment(
        conn,
        coop.id,
        draft_id,
        AmendmentChange {
            status: Some("open"),
            ..Default::default()
        },
    )
    .await?;
    let comment = NewComment {
        id: Uuid::now_v7(),
        amendment_id: draft_id,
        article: Some("12"),
        parent_id: None,
        author_member: commenter,
        body: "Agreed, but could online ballots count towards the quorum as well as the meeting?",
    };
    store::insert_comment(conn, coop.id, &comment).await?;
    audit::append(
        conn,
        Some(coop.id),
        Some(board),
        "bylaws.amendment_shared",
        &format!("amendment:{draft_id}"),
        json!({"demo": true}),
    )
    .await
}
