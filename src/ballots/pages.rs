//! Ballot pages: the list, a ballot with its turnout and result, voting one screen
//! per question (no JavaScript needed), the receipt, proxies, and the secretary's
//! forms (draft, open, close, cancel, a meeting's paper votes, the roll).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::charts::{self, Bar, Part, Words};
use super::rules::{
    Answer, Attachment, Base, Candidate, Fraction, Mode, ProxyLimit, Question, QuestionKind, QuestionResult, Quorum,
    Settings, Status, Threshold,
};
use super::service::{self, BallotInput, BallotView, CastInput};
use super::tally::Method;
use super::words::{base_words, threshold_words};
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::bylaws::rules::{DecidingBody, DecisionKind};
use crate::coops::store::Coop;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::i18n::text_with;
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

type Pairs = Vec<(String, String)>;
type BallotPath = web::Path<(String, Uuid)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn fields<'a>(pairs: &'a Pairs, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    pairs.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn words(lang: &str) -> Words<'static> {
    if lang == "fr" {
        Words::FRENCH
    } else {
        Words::ENGLISH
    }
}

fn t(lang: &str, key: &str, args: &[(&str, String)]) -> String {
    text_with(lang, key, args)
}

// ---------------------------------------------------------------------------
// The list

/// The co-op's ballots, open ones first.
pub async fn list(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let ballots = service::list(&state, &scope).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("ballots", &ballots)
        .insert("can_manage", &scope.can(Action::ManageBallots));
    page.render("ballots/list.html")
}

// ---------------------------------------------------------------------------
// The draft editor

/// A question as the editor's form holds it (every field as typed).
#[derive(Debug, Clone, Serialize)]
struct QuestionForm {
    title: String,
    text: String,
    kind: String,
    threshold: String,
    fraction: String,
    base: String,
    abstain: bool,
    method: String,
    seats: String,
    max_choices: String,
    candidates: String,
    links: String,
}

impl Default for QuestionForm {
    fn default() -> Self {
        QuestionForm {
            title: String::new(),
            text: String::new(),
            kind: "motion".into(),
            threshold: "simple".into(),
            fraction: String::new(),
            base: "cast_excluding_abstentions".into(),
            abstain: true,
            method: "scottish_stv".into(),
            seats: "1".into(),
            max_choices: String::new(),
            candidates: String::new(),
            links: String::new(),
        }
    }
}

/// The whole editor form.
#[derive(Debug, Clone, Serialize)]
struct BallotForm {
    title: String,
    description: String,
    mode: String,
    secret: bool,
    allow_change: bool,
    opens_at: String,
    closes_at: String,
    quorum_kind: String,
    quorum_value: String,
    proxy_kind: String,
    proxy_value: String,
    decision_kind: String,
    subject_member_id: String,
    grounds: String,
    body: String,
    questions: Vec<QuestionForm>,
}

/// A fraction typed as `n/d`.
fn typed_fraction(text: &str) -> Option<Fraction> {
    let (n, d) = text.trim().split_once('/')?;
    Fraction::new(n.trim().parse().ok()?, d.trim().parse().ok()?).ok()
}

fn typed_count(text: &str) -> Option<u32> {
    text.trim().parse::<u32>().ok().filter(|n| *n > 0)
}

/// A quorum from the form's kind (`none`, `count`, `fraction`) and value.
pub(crate) fn typed_quorum(kind: &str, value: &str) -> Option<Quorum> {
    match kind {
        "count" => typed_count(value).map(|count| Quorum::Count { count }),
        "fraction" => typed_fraction(value).map(|fraction| Quorum::Fraction { fraction }),
        _ => Some(Quorum::None),
    }
}

/// A proxy limit from the form's kind (`none`, `per_holder`, `one_per`) and value.
pub(crate) fn typed_proxies(kind: &str, value: &str) -> Option<ProxyLimit> {
    match kind {
        "per_holder" => typed_count(value).map(|count| ProxyLimit::PerHolder { count }),
        "one_per" => typed_count(value).map(|members| ProxyLimit::OnePer { members }),
        _ => Some(ProxyLimit::None),
    }
}

/// A threshold from the form's kind and, for a custom one, its fraction.
pub(crate) fn typed_threshold(kind: &str, fraction: &str) -> Option<Threshold> {
    Some(match kind {
        "absolute" => Threshold::Absolute,
        "two_thirds" => Threshold::TwoThirds,
        "three_quarters" => Threshold::ThreeQuarters,
        "custom" => Threshold::Custom {
            fraction: typed_fraction(fraction)?,
        },
        _ => Threshold::Simple,
    })
}

/// A base from the form.
pub(crate) fn typed_base(kind: &str) -> Base {
    match kind {
        "all_papers" => Base::AllPapers,
        "members_present" => Base::MembersPresent,
        "roll" => Base::Roll,
        _ => Base::CastExcludingAbstentions,
    }
}

/// A threshold as the form shows it: its kind and, for a custom one, its fraction.
pub(crate) fn threshold_form(t: Threshold) -> (String, String) {
    match t {
        Threshold::Simple => ("simple".into(), String::new()),
        Threshold::Absolute => ("absolute".into(), String::new()),
        Threshold::TwoThirds => ("two_thirds".into(), String::new()),
        Threshold::ThreeQuarters => ("three_quarters".into(), String::new()),
        Threshold::Custom { fraction } => ("custom".into(), fraction.to_string()),
    }
}

/// A base as the form names it.
pub(crate) fn base_form(base: Base) -> String {
    serde_json::to_value(base)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// A quorum as the form shows it.
pub(crate) fn quorum_form(q: Quorum) -> (String, String) {
    match q {
        Quorum::None => ("none".into(), String::new()),
        Quorum::Count { count } => ("count".into(), count.to_string()),
        Quorum::Fraction { fraction } => ("fraction".into(), fraction.to_string()),
    }
}

/// A proxy limit as the form shows it.
pub(crate) fn proxy_form(p: ProxyLimit) -> (String, String) {
    match p {
        ProxyLimit::None => ("none".into(), String::new()),
        ProxyLimit::PerHolder { count } => ("per_holder".into(), count.to_string()),
        ProxyLimit::OnePer { members } => ("one_per".into(), members.to_string()),
    }
}

/// A time typed in a `datetime-local` field, in the co-op's time zone: `None` when
/// left empty, the message to show next to the field when it does not read.
pub(crate) fn local_time(text: &str, coop: &Coop) -> Result<Option<DateTime<Utc>>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let tz = coop.zone();
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|n| tz.from_local_datetime(&n).single())
        .map(|d| Some(d.with_timezone(&Utc)))
        .ok_or("Give a date and a time, e.g. 2026-12-01T18:00.")
}

/// A time as a `datetime-local` field shows it, in the co-op's time zone.
pub(crate) fn local_input(at: Option<DateTime<Utc>>, coop: &Coop) -> String {
    at.map(|a| a.with_timezone(&coop.zone()).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

impl BallotForm {
    fn new(settings: &Settings) -> Self {
        let (quorum_kind, quorum_value) = quorum_form(settings.quorum);
        let (proxy_kind, proxy_value) = proxy_form(settings.proxies);
        BallotForm {
            title: String::new(),
            description: String::new(),
            mode: "online".into(),
            secret: settings.secret,
            allow_change: settings.allow_change,
            opens_at: String::new(),
            closes_at: String::new(),
            quorum_kind,
            quorum_value,
            proxy_kind,
            proxy_value,
            decision_kind: DecisionKind::Ordinary.name().into(),
            subject_member_id: String::new(),
            grounds: String::new(),
            body: String::new(),
            questions: vec![QuestionForm::default()],
        }
    }

    fn of(view: &BallotView, coop: &Coop) -> Self {
        let mut form = BallotForm::new(&view.settings);
        form.title = view.title.clone();
        form.description = view.description.clone();
        form.mode = if view.settings.mode == Mode::Meeting {
            "meeting"
        } else {
            "online"
        }
        .into();
        form.decision_kind = view.decision_kind.name().into();
        form.body = view.body.clone();
        if let Some(subject) = &view.subject {
            form.subject_member_id = subject.subject.member_id.to_string();
            form.grounds = subject.subject.grounds.clone();
        }
        form.opens_at = local_input(view.opens_at, coop);
        form.closes_at = local_input(view.closes_at, coop);
        form.questions = view
            .questions
            .iter()
            .map(|q| {
                let mut f = QuestionForm {
                    title: q.title.clone(),
                    text: q.text.clone(),
                    links: q
                        .attachments
                        .iter()
                        .map(|a| format!("{} | {}", a.label, a.url))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    ..QuestionForm::default()
                };
                match &q.kind {
                    QuestionKind::Motion {
                        allow_abstain,
                        threshold,
                        base,
                    } => {
                        f.abstain = *allow_abstain;
                        f.base = base_form(*base);
                        (f.threshold, f.fraction) = threshold_form(*threshold);
                    }
                    QuestionKind::Election {
                        method,
                        seats,
                        max_choices,
                        candidates,
                    } => {
                        f.kind = "election".into();
                        f.method = method.name().into();
                        f.seats = seats.to_string();
                        f.max_choices = max_choices.map(|m| m.to_string()).unwrap_or_default();
                        f.candidates = candidates
                            .iter()
                            .map(|c| {
                                if c.statement.is_empty() {
                                    c.name.clone()
                                } else {
                                    format!("{} | {}", c.name, c.statement)
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n");
                    }
                }
                f
            })
            .collect();
        form
    }

    fn read(pairs: &Pairs) -> Self {
        let count: usize = field(pairs, "question_count")
            .parse()
            .unwrap_or(1)
            .clamp(1, super::rules::MAX_QUESTIONS);
        let questions = (0..count)
            .map(|i| {
                let f = |name: &str| field(pairs, &format!("q{i}_{name}")).to_string();
                QuestionForm {
                    title: f("title"),
                    text: f("text"),
                    kind: f("kind"),
                    threshold: f("threshold"),
                    fraction: f("fraction"),
                    base: f("base"),
                    abstain: !f("abstain").is_empty(),
                    method: f("method"),
                    seats: f("seats"),
                    max_choices: f("max_choices"),
                    candidates: f("candidates"),
                    links: f("links"),
                }
            })
            .collect();
        let g = |name: &str| field(pairs, name).to_string();
        BallotForm {
            title: g("title"),
            description: g("description"),
            mode: g("mode"),
            secret: !g("secret").is_empty(),
            allow_change: !g("allow_change").is_empty(),
            opens_at: g("opens_at"),
            closes_at: g("closes_at"),
            quorum_kind: g("quorum_kind"),
            quorum_value: g("quorum_value"),
            proxy_kind: g("proxy_kind"),
            proxy_value: g("proxy_value"),
            decision_kind: g("decision_kind"),
            subject_member_id: g("subject_member_id"),
            grounds: g("grounds"),
            body: g("body"),
            questions,
        }
    }

    /// The API's input, or the errors next to the form's fields.
    fn input(&self, coop: &Coop) -> Result<BallotInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut error = |field: &str, message: &str| errors.push(FieldError::new(field, message));
        let quorum = typed_quorum(&self.quorum_kind, &self.quorum_value).unwrap_or_else(|| {
            error(
                "quorum_value",
                "Give a number of members (12) or a fraction of the roll (1/4).",
            );
            Quorum::None
        });
        let proxies = typed_proxies(&self.proxy_kind, &self.proxy_value).unwrap_or_else(|| {
            error("proxy_value", "Give a whole number.");
            ProxyLimit::None
        });
        let decision_kind = match self.decision_kind.trim() {
            "" => None,
            name => DecisionKind::parse(name).or_else(|| {
                error("decision_kind", "Choose the kind of decision.");
                None
            }),
        };
        let subject_member_id = match self.subject_member_id.trim() {
            "" => None,
            id => Uuid::parse_str(id).ok().or_else(|| {
                error("subject_member_id", "Choose the member from the list.");
                None
            }),
        };
        let mut when = |name: &str, text: &str| {
            local_time(text, coop).unwrap_or_else(|message| {
                error(name, message);
                None
            })
        };
        let opens_at = when("opens_at", &self.opens_at);
        let closes_at = when("closes_at", &self.closes_at);
        let mut questions = Vec::new();
        for (i, q) in self.questions.iter().enumerate() {
            let at = |name: &str| format!("q{i}_{name}");
            let attachments = q
                .links
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (label, url) = l.rsplit_once('|').unwrap_or((l, l));
                    Attachment {
                        label: label.trim().to_string(),
                        url: url.trim().to_string(),
                    }
                })
                .collect();
            let kind = if q.kind == "election" {
                let method = q.method.parse::<Method>().unwrap_or(Method::ScottishStv);
                let seats = q.seats.trim().parse::<usize>().unwrap_or_else(|_| {
                    error(&at("seats"), "Give the number of seats.");
                    1
                });
                let max_choices = match q.max_choices.trim() {
                    "" => None,
                    m => match m.parse::<usize>() {
                        Ok(m) => Some(m),
                        Err(_) => {
                            error(&at("max_choices"), "Give a whole number, or leave it empty.");
                            None
                        }
                    },
                };
                let candidates = q
                    .candidates
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| {
                        let (name, statement) = l.split_once('|').unwrap_or((l, ""));
                        Candidate {
                            name: name.trim().to_string(),
                            statement: statement.trim().to_string(),
                            member_id: None,
                        }
                    })
                    .collect();
                QuestionKind::Election {
                    method,
                    seats,
                    max_choices,
                    candidates,
                }
            } else {
                let threshold = typed_threshold(&q.threshold, &q.fraction).unwrap_or_else(|| {
                    error(&at("fraction"), "Give a fraction such as 3/5.");
                    Threshold::Simple
                });
                let base = typed_base(&q.base);
                QuestionKind::Motion {
                    allow_abstain: q.abstain,
                    threshold,
                    base,
                }
            };
            questions.push(Question {
                title: q.title.trim().to_string(),
                text: q.text.clone(),
                attachments,
                kind,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(BallotInput {
            title: self.title.trim().to_string(),
            description: self.description.clone(),
            settings: Some(Settings {
                mode: if self.mode == "meeting" {
                    Mode::Meeting
                } else {
                    Mode::Online
                },
                secret: self.secret,
                allow_change: self.allow_change,
                quorum,
                proxies,
            }),
            questions,
            opens_at,
            closes_at,
            decision_kind,
            subject_member_id,
            grounds: Some(self.grounds.trim().to_string()).filter(|g| !g.is_empty()),
            body: DecidingBody::parse(self.body.trim()),
        })
    }
}

/// The editor's name for a field the service named (`questions[1].seats` → `q1_seats`).
fn form_field(api_field: &str) -> String {
    if let Some(rest) = api_field.strip_prefix("questions[") {
        if let Some((index, tail)) = rest.split_once("].") {
            let name = tail.split(['.', '[']).next().unwrap_or(tail);
            let name = match name {
                "attachments" => "links",
                "candidates" => "candidates",
                other => other,
            };
            return format!("q{index}_{name}");
        }
    }
    match api_field {
        "quorum" => "quorum_value".into(),
        "proxies" => "proxy_value".into(),
        "questions" => "q0_title".into(),
        other => other.into(),
    }
}

async fn render_editor(
    (req, state): (&HttpRequest, &AppState),
    scope: &InCoop,
    form: &BallotForm,
    errors: &[FieldError],
    ballot: Option<Uuid>,
) -> AppResult<HttpResponse> {
    let kind = DecisionKind::parse(&form.decision_kind).unwrap_or(DecisionKind::Ordinary);
    let body = match DecidingBody::parse(&form.body) {
        Some(chosen) => chosen,
        None => service::rule_for(state, scope, kind, None).await?.1,
    };
    let subjects = service::subject_choices(state, scope, kind).await?;
    let mut page = Page::in_coop(req, scope)?;
    page.insert("form", form)
        .insert("body", body.name())
        .insert("subjects", &subjects)
        .insert("ballot_id", &ballot)
        .insert("methods", &Method::ALL.iter().map(|m| m.name()).collect::<Vec<_>>())
        .errors(errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page.render_status(status, "ballots/edit.html")
}

/// Which kind of decision a new ballot is for (`?decision_kind=distribution_approval`).
#[derive(Deserialize)]
pub struct NewBallotQuery {
    #[serde(default)]
    decision_kind: Option<String>,
    /// The member an admission or an expulsion is about (from the register's page).
    #[serde(default)]
    subject: Option<Uuid>,
    /// `board` for a ballot of the board where the bylaws allow one.
    #[serde(default)]
    body: Option<String>,
}

/// The form for a new ballot, from the rule the bylaws give its kind of decision.
pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<NewBallotQuery>,
) -> AppResult<HttpResponse> {
    scope.require(Action::ManageBallots)?;
    let kind = query
        .decision_kind
        .as_deref()
        .and_then(DecisionKind::parse)
        .filter(|k| *k != DecisionKind::BylawAmendment)
        .unwrap_or(DecisionKind::Ordinary);
    // A body the bylaws do not allow for this kind is ignored: the form starts from theirs.
    let requested = query.body.as_deref().and_then(DecidingBody::parse);
    let (parameters, body) = match service::rule_for(&state, &scope, kind, requested).await {
        Ok(rule) => rule,
        Err(_) => service::rule_for(&state, &scope, kind, None).await?,
    };
    let mut form = BallotForm::new(&service::default_settings(&parameters));
    form.body = body.name().into();
    form.decision_kind = kind.name().into();
    form.subject_member_id = query.subject.map(|id| id.to_string()).unwrap_or_default();
    if let Some(q) = form.questions.first_mut() {
        (q.threshold, q.fraction) = threshold_form(parameters.threshold);
        q.base = base_form(parameters.base);
    }
    render_editor((&req, &state), &scope, &form, &[], None).await
}

/// The editor of a draft.
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
) -> AppResult<HttpResponse> {
    scope.require(Action::ManageBallots)?;
    let view = service::view(&state, &scope, path.1).await?;
    if view.status != Status::Draft {
        return Ok(see_other(&format!("/c/{}/ballots/{}", scope.coop.slug, path.1)));
    }
    render_editor(
        (&req, &state),
        &scope,
        &BallotForm::of(&view, &scope.coop),
        &[],
        Some(path.1),
    )
    .await
}

async fn save(
    req: HttpRequest,
    state: &AppState,
    scope: InCoop,
    pairs: Pairs,
    existing: Option<Uuid>,
) -> AppResult<HttpResponse> {
    scope.require(Action::ManageBallots)?;
    let mut form = BallotForm::read(&pairs);
    match field(&pairs, "action") {
        "add_question" if form.questions.len() < super::rules::MAX_QUESTIONS => {
            form.questions.push(QuestionForm::default());
            return render_editor((&req, state), &scope, &form, &[], existing).await;
        }
        "remove_question" if form.questions.len() > 1 => {
            form.questions.pop();
            return render_editor((&req, state), &scope, &form, &[], existing).await;
        }
        _ => {}
    }
    let input = match form.input(&scope.coop) {
        Ok(input) => input,
        Err(errors) => return render_editor((&req, state), &scope, &form, &errors, existing).await,
    };
    let saved = match existing {
        Some(id) => service::update(state, &scope, id, &input).await,
        None => service::create(state, &scope, &input).await,
    };
    match saved {
        Ok(ballot) => Ok(see_other(&format!("/c/{}/ballots/{}", scope.coop.slug, ballot.id))),
        Err(AppError::Validation(found)) => {
            let errors: Vec<FieldError> = found
                .into_iter()
                .map(|e| FieldError::new(form_field(&e.field), e.message))
                .collect();
            render_editor((&req, state), &scope, &form, &errors, existing).await
        }
        Err(e) => Err(e),
    }
}

/// Saves a new draft (or adds a question to the form).
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<Pairs>,
) -> AppResult<HttpResponse> {
    save(req, &state, scope, form.0, None).await
}

/// Saves an edited draft.
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    form: PageForm<Pairs>,
) -> AppResult<HttpResponse> {
    save(req, &state, scope, form.0, Some(path.1)).await
}

// ---------------------------------------------------------------------------
// One ballot

/// Each question's result as the page shows it: the sentence with the arithmetic,
/// the chart, and for counts in rounds, the table (also the meeting pages' view of a
/// linked ballot's stored result).
pub(crate) fn present_results(
    lang: &str,
    questions: &[Question],
    result: Option<&crate::ballots::rules::BallotResult>,
) -> Vec<serde_json::Value> {
    let Some(result) = result else {
        return Vec::new();
    };
    let words = words(lang);
    questions
        .iter()
        .zip(&result.questions)
        .map(|(q, r)| match r {
            QuestionResult::Motion(m) => {
                let percent = m
                    .percent_for
                    .clone()
                    .map(|p| if lang == "fr" { p.replace('.', ",") } else { p })
                    .unwrap_or_else(|| "—".into());
                let sentence = t(
                    lang,
                    if m.threshold_met {
                        "ballot-motion-met"
                    } else {
                        "ballot-motion-not-met"
                    },
                    &[
                        ("for", m.counts.for_.to_string()),
                        ("against", m.counts.against.to_string()),
                        ("abstain", m.counts.abstain.to_string()),
                        ("percent", percent),
                        ("base", m.base_size.to_string()),
                        ("base_words", base_words(lang, m.base)),
                        ("threshold", threshold_words(lang, m.threshold)),
                    ],
                );
                let bars = [
                    (t(lang, "ballot-for", &[]), m.counts.for_, m.carried),
                    (t(lang, "ballot-against", &[]), m.counts.against, false),
                    (t(lang, "ballot-abstain", &[]), m.counts.abstain, false),
                ]
                .into_iter()
                .map(|(label, value, highlight)| Bar {
                    label,
                    value,
                    note: None,
                    highlight,
                })
                .collect::<Vec<_>>();
                json!({"kind": "motion", "title": q.title, "carried": m.carried, "sentence": sentence,
                       "chart": charts::bar_chart_in(&words, &q.title, &bars)})
            }
            QuestionResult::Election { count, valid } => {
                let ranked = count.method.is_ranked();
                let chart = if ranked {
                    let rounds: Vec<Vec<Option<String>>> = count
                        .rounds
                        .iter()
                        .map(|round| {
                            // A candidate is shown until the round in which they were excluded.
                            (0..count.candidates.len())
                                .map(|c| {
                                    let gone = count
                                        .rounds
                                        .iter()
                                        .take_while(|r| r.number < round.number)
                                        .any(|r| r.excluded.iter().any(|d| d.candidate == c));
                                    (!gone).then(|| round.counts[c].to_string())
                                })
                                .collect()
                        })
                        .collect();
                    let quota = count.rounds.first().and_then(|r| r.quota).map(|q| q.to_string());
                    charts::rounds_chart_in(&words, &q.title, &count.candidates, &rounds, quota.as_deref())
                } else {
                    let last = count.rounds.last();
                    let bars: Vec<Bar> = count
                        .candidates
                        .iter()
                        .enumerate()
                        .map(|(c, name)| Bar {
                            label: name.clone(),
                            value: last
                                .and_then(|r| r.counts.get(c))
                                .map(|v| u64::try_from(v.units()).unwrap_or(0))
                                .unwrap_or(0),
                            note: None,
                            highlight: count.elected_ids.contains(&c),
                        })
                        .collect();
                    charts::bar_chart_in(&words, &q.title, &bars)
                };
                json!({"kind": "election", "title": q.title, "valid": valid, "count": count, "ranked": ranked,
                       "chart": chart})
            }
        })
        .collect()
}

async fn render_ballot(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    extra: impl FnOnce(&mut Page),
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let view = service::view(state, scope, id).await?;
    let mut page = Page::in_coop(req, scope)?;
    let lang = page.lang.to_string();
    let results = present_results(&lang, &view.questions, view.result.as_ref());
    let roll = view.roll_size.unwrap_or(0).max(0) as u64;
    let turnout = charts::stacked_bar_in(
        &words(&lang),
        &t(&lang, "ballot-turnout", &[]),
        &[
            Part::new(t(&lang, "ballot-voted", &[]), view.participants.to_string()),
            Part::new(
                t(&lang, "ballot-not-yet", &[]),
                roll.saturating_sub(view.participants as u64).to_string(),
            ),
        ],
    );
    let holders = if view.on_roll && view.my_participation.is_none() && view.my_proxy_holder.is_none() {
        service::proxy_holders(state, scope, id).await?
    } else {
        Vec::new()
    };
    let holder_name = match view.my_proxy_holder {
        Some(holder) => service::member_name(state, scope, holder).await?,
        None => None,
    };
    let basis = view
        .legal_basis
        .map(|b| super::words::legal_basis(&lang, &b, view.status, view.result.as_ref()));
    page.insert("ballot", &view)
        .insert("legal_basis", &basis)
        .insert("results", &results)
        .insert("turnout_chart", &turnout)
        .insert("can_manage", &scope.can(Action::ManageBallots))
        .insert(
            "holders",
            &holders
                .iter()
                .map(|(id, name)| json!({"id": id, "name": name}))
                .collect::<Vec<_>>(),
        )
        .insert("holder_name", &holder_name);
    extra(&mut page);
    page.render_status(status, "ballots/show.html")
}

/// One ballot: what it asks, its turnout, the caller's vote and proxies, the result.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
) -> AppResult<HttpResponse> {
    render_ballot(&req, &state, &scope, path.1, |_| {}, StatusCode::OK).await
}

/// The ballot page again after a refused action: field errors next to their fields,
/// a conflict (the ballot's state forbids it) next to `conflict_field`.
async fn refused(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    error: AppError,
    conflict_field: &str,
) -> AppResult<HttpResponse> {
    let (errors, status) = match error {
        AppError::Validation(errors) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Conflict(message) => (vec![FieldError::new(conflict_field, message)], StatusCode::CONFLICT),
        other => return Err(other),
    };
    render_ballot(
        req,
        state,
        scope,
        id,
        |p| {
            p.errors(&errors);
        },
        status,
    )
    .await
}

/// Open, close or cancel, or record a hearing (secretaries and the board).
pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, String)>,
    form: PageForm<Pairs>,
) -> AppResult<HttpResponse> {
    let (_, id, action) = path.into_inner();
    let done = match action.as_str() {
        "open" => service::open(&state, &scope, id).await.map(|_| ()),
        "hearing" => {
            let lang = Page::in_coop(&req, &scope)?.lang.to_string();
            match chrono::NaiveDate::parse_from_str(field(&form.0, "heard_on").trim(), "%Y-%m-%d") {
                Ok(heard_on) => {
                    let input = service::HearingInput {
                        heard_on,
                        note: field(&form.0, "note").to_string(),
                    };
                    service::record_hearing(&state, &scope, id, &input).await.map(|_| ())
                }
                Err(_) => Err(AppError::Validation(vec![FieldError::new(
                    "heard_on",
                    t(&lang, "ballot-hearing-date-missing", &[]),
                )])),
            }
        }
        "close" => match service::close(&state, &scope, id).await {
            // Closing an online ballot early is not a close: the page offers the
            // only lawful way to end it now, a cancellation.
            Err(AppError::ClosingEarly { .. }) => {
                let form = CancelForm {
                    early: true,
                    reason: "",
                    errors: &[],
                };
                return cancel_form(&req, &state, &scope, id, form, StatusCode::CONFLICT).await;
            }
            other => other.map(|_| ()),
        },
        "cancel" => {
            let reason = field(&form.0, "reason");
            let lang = Page::in_coop(&req, &scope)?.lang.to_string();
            let mut errors = Vec::new();
            if field(&form.0, "confirm") != "yes" {
                errors.push(FieldError::new(
                    "confirm",
                    t(&lang, "ballot-cancel-confirm-missing", &[]),
                ));
            }
            let cancelled = if errors.is_empty() {
                service::cancel(&state, &scope, id, reason).await.map(|_| ())
            } else {
                Err(AppError::Validation(errors))
            };
            return match cancelled {
                Ok(()) => Ok(see_other(&format!("/c/{}/ballots/{id}", scope.coop.slug))),
                Err(AppError::Validation(errors)) => {
                    let form = CancelForm {
                        early: false,
                        reason,
                        errors: &errors,
                    };
                    cancel_form(&req, &state, &scope, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
                }
                Err(e) => refused(&req, &state, &scope, id, e, "action").await,
            };
        }
        _ => return Err(AppError::NotFound),
    };
    match done {
        Ok(()) => Ok(see_other(&format!("/c/{}/ballots/{id}", scope.coop.slug))),
        Err(e) => refused(&req, &state, &scope, id, e, "action").await,
    }
}

/// What the cancellation page shows besides the ballot.
struct CancelForm<'a> {
    /// Whether it is shown because someone tried to close an online ballot early.
    early: bool,
    /// The reason typed so far.
    reason: &'a str,
    /// Messages next to the fields.
    errors: &'a [FieldError],
}

/// The cancellation form on a page of its own: asked for when closing an online
/// ballot early, and shown again with its messages when a cancellation is refused.
async fn cancel_form(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    form: CancelForm<'_>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let view = service::view(state, scope, id).await?;
    let mut page = Page::in_coop(req, scope)?;
    page.insert("ballot", &view)
        .insert("early", &form.early)
        .insert("reason", form.reason)
        .errors(form.errors);
    page.render_status(status, "ballots/cancel.html")
}

/// Gives or takes back the caller's proxy.
pub async fn proxy(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    form: PageForm<Pairs>,
) -> AppResult<HttpResponse> {
    let id = path.1;
    let outcome = if field(&form.0, "action") == "withdraw" {
        service::withdraw_proxy(&state, &scope, id).await
    } else {
        match field(&form.0, "holder_id").parse::<Uuid>() {
            Ok(holder) => service::give_proxy(&state, &scope, id, holder).await,
            Err(_) => Err(AppError::field("holder_id", "Choose the member who will vote for you.")),
        }
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!("/c/{}/ballots/{id}", scope.coop.slug))),
        Err(e) => refused(&req, &state, &scope, id, e, "holder_id").await,
    }
}

/// Checks a receipt code against the ballot's papers.
pub async fn check_receipt(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    form: PageForm<Pairs>,
) -> AppResult<HttpResponse> {
    let id = path.1;
    let code = field(&form.0, "code").to_string();
    match service::check_receipt(&state, &scope, id, &code).await {
        Ok(check) => {
            render_ballot(
                &req,
                &state,
                &scope,
                id,
                |p| {
                    p.insert("check", &check);
                },
                StatusCode::OK,
            )
            .await
        }
        Err(e) => refused(&req, &state, &scope, id, e, "code").await,
    }
}

/// Answers in words, one line per question ("Approve the accounts: for").
fn describe_answers(lang: &str, questions: &[Question], answers: &[Answer]) -> Vec<String> {
    questions
        .iter()
        .zip(answers)
        .map(|(q, a)| {
            let said = match (a, &q.kind) {
                (Answer::For, _) => t(lang, "ballot-for", &[]),
                (Answer::Against, _) => t(lang, "ballot-against", &[]),
                (Answer::Abstain, _) => t(lang, "ballot-abstain", &[]),
                (Answer::Choices(c), _) if c.is_empty() => t(lang, "ballot-blank", &[]),
                (Answer::Choices(c), QuestionKind::Election { candidates, method, .. }) => c
                    .iter()
                    .filter_map(|i| candidates.get(*i).map(|x| x.name.clone()))
                    .collect::<Vec<_>>()
                    .join(if method.is_ranked() { " > " } else { ", " }),
                (Answer::Choices(_), _) => String::new(),
            };
            format!("{}: {said}", q.title)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Voting, one screen per question

fn encode(answer: &Answer) -> String {
    match answer {
        Answer::For => "for".into(),
        Answer::Against => "against".into(),
        Answer::Abstain => "abstain".into(),
        Answer::Choices(c) => format!("c:{}", c.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")),
    }
}

fn decode(text: &str) -> Option<Answer> {
    match text {
        "for" => Some(Answer::For),
        "against" => Some(Answer::Against),
        "abstain" => Some(Answer::Abstain),
        other => {
            let list = other.strip_prefix("c:")?;
            if list.is_empty() {
                return Some(Answer::Choices(Vec::new()));
            }
            list.split(',')
                .map(|i| i.parse().ok())
                .collect::<Option<Vec<usize>>>()
                .map(Answer::Choices)
        }
    }
}

/// This screen's answer, from the fields of the question's form; what is wrong
/// with it, to show beside the question.
fn answer_on_screen(question: &Question, pairs: &Pairs) -> Result<Answer, FieldError> {
    let wrong = |code: &'static str, args: &[(&str, String)]| FieldError::coded("answer", code, args);
    match &question.kind {
        QuestionKind::Motion { .. } => {
            decode(field(pairs, "answer")).ok_or_else(|| wrong("error-ballot-choose-answer", &[]))
        }
        QuestionKind::Election { method, candidates, .. } => match method {
            Method::Plurality => match field(pairs, "answer") {
                "" => Err(wrong("error-ballot-choose-candidate-or-blank", &[])),
                "blank" => Ok(Answer::Choices(Vec::new())),
                c => c
                    .parse()
                    .map(|c| Answer::Choices(vec![c]))
                    .map_err(|_| wrong("error-ballot-choose-candidate", &[])),
            },
            Method::Approval => fields(pairs, "choice")
                .map(|c| {
                    c.parse::<usize>()
                        .map_err(|_| wrong("error-ballot-choose-among-candidates", &[]))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Answer::Choices),
            _ => {
                let mut ranked: Vec<(usize, usize)> = Vec::new();
                for c in 0..candidates.len() {
                    match field(pairs, &format!("rank_{c}")) {
                        "" => {}
                        r => {
                            let rank: usize = r.parse().map_err(|_| wrong("error-ballot-rank-not-a-number", &[]))?;
                            if ranked.iter().any(|(other, _)| *other == rank) {
                                return Err(wrong("error-ballot-rank-twice", &[("rank", rank.to_string())]));
                            }
                            ranked.push((rank, c));
                        }
                    }
                }
                ranked.sort_unstable();
                if ranked.iter().enumerate().any(|(i, (rank, _))| *rank != i + 1) {
                    return Err(wrong("error-ballot-ranks-with-gaps", &[]));
                }
                Ok(Answer::Choices(ranked.into_iter().map(|(_, c)| c).collect()))
            }
        },
    }
}

#[derive(Deserialize)]
pub struct VoteQuery {
    #[serde(rename = "for")]
    for_member: Option<Uuid>,
}

async fn render_vote_screen(
    req: &HttpRequest,
    scope: &InCoop,
    view: &BallotView,
    step: usize,
    answers: &[Answer],
    for_member: Option<Uuid>,
    errors: &[FieldError],
) -> AppResult<HttpResponse> {
    let question = view.questions.get(step).ok_or(AppError::NotFound)?;
    let mut page = Page::in_coop(req, scope)?;
    let represented = for_member.and_then(|m| view.proxies_held.iter().find(|p| p.member_id == m));
    // A secret vote already cast is changed with its receipt code.
    let voted = match for_member {
        Some(m) => represented.is_some_and(|p| p.voted) && m != scope.member_id,
        None => view.my_participation.is_some(),
    };
    page.insert("ballot", view)
        .insert("question", question)
        .insert("step", &step)
        .insert("steps", &view.questions.len())
        .insert("last", &(step + 1 == view.questions.len()))
        .insert(
            "carried",
            &answers
                .iter()
                .enumerate()
                .map(|(i, a)| json!({"name": format!("a{i}"), "value": encode(a)}))
                .collect::<Vec<_>>(),
        )
        .insert("for_member", &for_member)
        .insert("represented", &represented.map(|p| p.display_name.clone()))
        .insert("needs_receipt", &(voted && view.settings.secret))
        .insert("changing", &voted)
        .errors(errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page.render_status(status, "ballots/vote.html")
}

/// The first question's screen.
pub async fn vote_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    query: web::Query<VoteQuery>,
) -> AppResult<HttpResponse> {
    let view = service::view(&state, &scope, path.1).await?;
    if view.status != Status::Open {
        return Ok(see_other(&format!("/c/{}/ballots/{}", scope.coop.slug, path.1)));
    }
    render_vote_screen(&req, &scope, &view, 0, &[], query.for_member, &[]).await
}

/// One screen answered: the next question, or, after the last, the vote is cast and
/// the confirmation shows the receipt.
pub async fn vote(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    form: PageForm<Pairs>,
) -> AppResult<HttpResponse> {
    let id = path.1;
    let pairs = form.0;
    let view = service::view(&state, &scope, id).await?;
    let for_member = field(&pairs, "for").parse::<Uuid>().ok();
    let step: usize = field(&pairs, "step").parse().unwrap_or(0);
    let question = view
        .questions
        .get(step)
        .ok_or(AppError::BadRequest("no such question".into()))?;
    let mut answers = Vec::with_capacity(step + 1);
    for i in 0..step {
        answers
            .push(decode(field(&pairs, &format!("a{i}"))).ok_or(AppError::BadRequest("the form was altered".into()))?);
    }
    let answer = match answer_on_screen(question, &pairs).and_then(|a| {
        super::rules::validate_answers(std::slice::from_ref(question), std::slice::from_ref(&a))
            .map(|_| a)
            .map_err(|e| match e {
                super::rules::BallotError::BadAnswer { code, args, .. } => FieldError::coded("answer", code, &args),
                other => FieldError::new("answer", other.to_string()),
            })
    }) {
        Ok(a) => a,
        Err(wrong) => {
            return render_vote_screen(&req, &scope, &view, step, &answers, for_member, &[wrong]).await;
        }
    };
    answers.push(answer);
    if step + 1 < view.questions.len() {
        return render_vote_screen(&req, &scope, &view, step + 1, &answers, for_member, &[]).await;
    }
    let receipt = Some(field(&pairs, "receipt").to_string()).filter(|r| !r.trim().is_empty());
    let cast = CastInput {
        answers: answers.clone(),
        for_member,
        receipt,
    };
    match service::cast(&state, &scope, id, &cast).await {
        Ok(receipt) => {
            let mut page = Page::in_coop(&req, &scope)?;
            let represented = for_member.and_then(|m| view.proxies_held.iter().find(|p| p.member_id == m));
            let summary = describe_answers(page.lang, &view.questions, &answers);
            page.insert("ballot", &view)
                .insert("receipt", &receipt)
                .insert("represented", &represented.map(|p| p.display_name.clone()))
                .insert("summary", &summary);
            page.render("ballots/voted.html")
        }
        Err(AppError::Validation(errors)) => {
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| FieldError::new(if e.field == "receipt" { "receipt" } else { "answer" }, e.message))
                .collect();
            answers.pop();
            render_vote_screen(&req, &scope, &view, step, &answers, for_member, &errors).await
        }
        Err(AppError::Conflict(message)) => {
            let errors = [FieldError::new("answer", message)];
            answers.pop();
            render_vote_screen(&req, &scope, &view, step, &answers, for_member, &errors).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// The secretary's pages: the roll and a meeting's paper votes

/// The roll and who has taken part.
pub async fn roll(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
) -> AppResult<HttpResponse> {
    let lines = service::roll(&state, &scope, path.1).await?;
    let view = service::view(&state, &scope, path.1).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("ballot", &view).insert(
        "roll",
        &lines
            .iter()
            .map(
                |l| json!({"member_id": l.member_id, "number": l.number, "name": l.display_name, "channel": l.channel}),
            )
            .collect::<Vec<_>>(),
    );
    page.render("ballots/roll.html")
}

async fn render_meeting(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    papers: &str,
    errors: &[FieldError],
) -> AppResult<HttpResponse> {
    let lines = service::roll(state, scope, id).await?;
    let view = service::view(state, scope, id).await?;
    let mut page = Page::in_coop(req, scope)?;
    page.insert("ballot", &view)
        .insert(
            "absent",
            &lines
                .iter()
                .filter(|l| l.channel.is_none())
                .map(|l| json!({"member_id": l.member_id, "number": l.number, "name": l.display_name}))
                .collect::<Vec<_>>(),
        )
        .insert("papers", papers)
        .errors(errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page.render_status(status, "ballots/meeting.html")
}

/// The form for a meeting's paper votes.
pub async fn meeting_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
) -> AppResult<HttpResponse> {
    scope.require(Action::ManageBallots)?;
    render_meeting(&req, &state, &scope, path.1, "", &[]).await
}

/// Reads one line of the meeting's papers: `count | answer | answer …`, where an
/// answer is for / against / abstain (pour / contre / abstention), candidates'
/// names separated by `>` (ranked) or `,` (marks), or `-` for blank.
fn meeting_line(questions: &[Question], line: &str) -> Result<service::MeetingPaper, String> {
    let mut parts = line.split('|').map(str::trim);
    let count: u32 = parts
        .next()
        .and_then(|c| c.parse().ok())
        .filter(|c| *c > 0)
        .ok_or("start with the number of papers")?;
    let mut answers = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        let text = parts.next().ok_or(format!("give an answer for question {}", i + 1))?;
        let answer = match (&q.kind, text.to_lowercase().as_str()) {
            (QuestionKind::Motion { .. }, "for" | "pour") => Answer::For,
            (QuestionKind::Motion { .. }, "against" | "contre") => Answer::Against,
            (QuestionKind::Motion { .. }, "abstain" | "abstention") => Answer::Abstain,
            (QuestionKind::Motion { .. }, other) => return Err(format!("“{other}” is not for, against or abstain")),
            (QuestionKind::Election { .. }, "-" | "") => Answer::Choices(Vec::new()),
            (QuestionKind::Election { candidates, .. }, names) => {
                let separator = if names.contains('>') { '>' } else { ',' };
                Answer::Choices(
                    names
                        .split(separator)
                        .map(|n| {
                            let n = n.trim();
                            candidates
                                .iter()
                                .position(|c| c.name.to_lowercase() == n)
                                .ok_or(format!("no candidate is called “{n}”"))
                        })
                        .collect::<Result<_, _>>()?,
                )
            }
        };
        answers.push(answer);
    }
    if parts.next().is_some() {
        return Err(format!("this ballot has {} questions", questions.len()));
    }
    Ok(service::MeetingPaper { count, answers })
}

/// Records a meeting's paper votes.
pub async fn meeting(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    form: PageForm<Pairs>,
) -> AppResult<HttpResponse> {
    let id = path.1;
    let pairs = form.0;
    let text = field(&pairs, "papers").to_string();
    let view = service::view(&state, &scope, id).await?;
    let mut errors = Vec::new();
    let members: Vec<Uuid> = fields(&pairs, "member").filter_map(|m| m.parse().ok()).collect();
    let mut papers = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match meeting_line(&view.questions, line) {
            Ok(p) => papers.push(p),
            Err(reason) => errors.push(FieldError::new("papers", format!("Line {}: {reason}.", n + 1))),
        }
    }
    if errors.is_empty() {
        match service::record_meeting_papers(&state, &scope, id, &service::MeetingPapers { members, papers }).await {
            Ok(_) => return Ok(see_other(&format!("/c/{}/ballots/{id}/roll", scope.coop.slug))),
            Err(AppError::Validation(found)) => {
                errors = found
                    .into_iter()
                    .map(|e| FieldError::new(if e.field == "members" { "members" } else { "papers" }, e.message))
                    .collect()
            }
            Err(AppError::Conflict(message)) => errors.push(FieldError::new("papers", message)),
            Err(e) => return Err(e),
        }
    }
    render_meeting(&req, &state, &scope, id, &text, &errors).await
}

// ---------------------------------------------------------------------------
// Exports for the pages (the CSV and BLT downloads are the API's own handlers,
// mounted under /c/ where the session cookie is the credential)

/// The published receipt list, one hash per line.
pub async fn receipts(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    let hashes = service::receipts(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(hashes.join("\n") + "\n"))
}
