//! Bylaws pages: the version in force (and the first import), history and
//! comparison, amendments with their diff, comments and the steps to a vote.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{
    self, DecidingBody, DecisionKind, DecisionRule, DistributionApprover, GovernanceSchedule, PatronageBasis,
    ScheduleChange,
};
use super::service::{self, AmendmentInput, CommentInput, ImportInput, SubmitInput};
use super::store::Version;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::ballots::pages::{
    base_form, local_input, local_time, proxy_form, quorum_form, threshold_form, typed_base, typed_proxies,
    typed_quorum, typed_threshold,
};
use crate::ballots::rules::{Mode, ProxyLimit, Quorum};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::i18n::{text, text_with};
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

type Form = BTreeMap<String, String>;
type AmendmentPath = web::Path<(String, Uuid)>;

/// Mounts the pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::resource;
    cfg.service(resource("/c/{slug}/bylaws").route(web::get().to(in_force)))
        .service(resource("/c/{slug}/bylaws/import").route(web::post().to(import)))
        .service(resource("/c/{slug}/bylaws/versions").route(web::get().to(history)))
        .service(resource("/c/{slug}/bylaws/versions/{number}").route(web::get().to(version)))
        .service(resource("/c/{slug}/bylaws/versions/{number}/markdown").route(web::get().to(super::api::markdown)))
        .service(resource("/c/{slug}/bylaws/compare").route(web::get().to(compare)))
        .service(
            resource("/c/{slug}/bylaws/amendments")
                .route(web::get().to(amendments))
                .route(web::post().to(create)),
        )
        .service(resource("/c/{slug}/bylaws/amendments/new").route(web::get().to(new_form)))
        .service(
            resource("/c/{slug}/bylaws/amendments/{amendment_id}")
                .route(web::get().to(amendment))
                .route(web::post().to(revise)),
        )
        .service(resource("/c/{slug}/bylaws/amendments/{amendment_id}/edit").route(web::get().to(edit_form)))
        .service(resource("/c/{slug}/bylaws/amendments/{amendment_id}/comments").route(web::post().to(comment)))
        .service(resource("/c/{slug}/bylaws/amendments/{amendment_id}/{action}").route(web::post().to(act)))
        .service(resource("/c/{slug}/bylaws/comments/{comment_id}/hide").route(web::post().to(hide)));
}

/// The form with every field a template reads, blank where it was not sent (a
/// template cannot compare a missing field).
fn with_blanks<K: Into<String>>(form: &Form, names: impl IntoIterator<Item = K>) -> Form {
    let mut complete = form.clone();
    for name in names {
        complete.entry(name.into()).or_default();
    }
    complete
}

fn field<'a>(form: &'a Form, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or("")
}

/// A decision rule in words, as the ballots word it.
fn rule_words(lang: &str, rule: DecisionRule) -> String {
    crate::ballots::words::rule_words(lang, rule.quorum, rule.threshold, rule.base)
}

/// The schedule as the page lists it: one line per setting, in plain words.
fn schedule_lines(lang: &str, s: &GovernanceSchedule) -> Vec<(String, String)> {
    let yes_no = |b: bool| text(lang, if b { "bylaws-yes" } else { "bylaws-no" });
    let mut lines: Vec<(String, String)> = DecisionKind::ALL
        .into_iter()
        .map(|k| {
            (
                text(lang, &format!("bylaws-decision-{k}")),
                rule_words(lang, s.decisions.get(k)),
            )
        })
        .collect();
    let proxies = match s.proxies {
        ProxyLimit::None => text(lang, "ballot-proxies-none"),
        ProxyLimit::PerHolder { count } => {
            text_with(lang, "bylaws-proxies-per-holder", &[("count", count.to_string())])
        }
        ProxyLimit::OnePer { members } => {
            text_with(lang, "bylaws-proxies-one-per", &[("members", members.to_string())])
        }
    };
    let d = &s.distribution;
    lines.extend([
        (text(lang, "bylaws-field-proxies"), proxies),
        (text(lang, "bylaws-field-secret"), yes_no(s.secret_ballots)),
        (text(lang, "bylaws-field-on-leave"), yes_no(s.members_on_leave_vote)),
        (
            text(lang, "bylaws-field-paid-share"),
            yes_no(s.qualifying_share_must_be_paid),
        ),
        (
            text(lang, "bylaws-field-probation"),
            s.probation_months
                .map_or_else(|| text(lang, "bylaws-none-value"), |m| m.to_string()),
        ),
        (text(lang, "bylaws-field-redemption-hold"), yes_no(s.redemption_hold)),
        (text(lang, "bylaws-field-capital-floor"), s.capital_floor.clone()),
        (text(lang, "bylaws-field-notice"), s.notice_days.to_string()),
        (text(lang, "bylaws-field-preset"), d.preset.clone()),
        (
            text(lang, "bylaws-field-basis"),
            text(lang, &format!("bylaws-basis-{}", basis_name(d.basis))),
        ),
        (text(lang, "bylaws-field-reserve-rate"), d.reserve_rate.clone()),
        (
            text(lang, "bylaws-field-share-return-rate"),
            d.share_return_rate.clone(),
        ),
        (
            text(lang, "bylaws-field-approved-by"),
            text(lang, &format!("bylaws-approver-{}", approver_name(d.approved_by))),
        ),
        (
            text(lang, "bylaws-field-admission-by"),
            text(lang, &format!("bylaws-body-{}", s.admission_by.name())),
        ),
        (
            text(lang, "bylaws-field-expulsion-by"),
            text(lang, &format!("bylaws-body-{}", s.expulsion_by.name())),
        ),
        (text(lang, "bylaws-field-hearing"), yes_no(s.hearing_before_expulsion)),
        (
            text(lang, "bylaws-field-board-quorum"),
            crate::ballots::words::quorum_words(lang, s.board_quorum),
        ),
    ]);
    lines
}

fn basis_name(b: PatronageBasis) -> &'static str {
    match b {
        PatronageBasis::Hours => "hours",
        PatronageBasis::Wages => "wages",
        PatronageBasis::Equal => "equal",
    }
}

fn approver_name(a: DistributionApprover) -> &'static str {
    match a {
        DistributionApprover::MembersBallot => "members_ballot",
        DistributionApprover::Board => "board",
    }
}

/// The schedule's fields as the amendment form names them.
fn schedule_form(s: &GovernanceSchedule) -> Form {
    let mut form = Form::new();
    let mut put = |k: String, v: String| {
        form.insert(k, v);
    };
    for kind in DecisionKind::ALL {
        let rule = s.decisions.get(kind);
        let (qk, qv) = quorum_form(rule.quorum);
        let (tk, tf) = threshold_form(rule.threshold);
        put(format!("{kind}_quorum_kind"), qk);
        put(format!("{kind}_quorum_value"), qv);
        put(format!("{kind}_threshold"), tk);
        put(format!("{kind}_fraction"), tf);
        put(format!("{kind}_base"), base_form(rule.base));
    }
    let (pk, pv) = proxy_form(s.proxies);
    put("proxy_kind".into(), pk);
    put("proxy_value".into(), pv);
    let on = |b: bool| if b { "on".to_string() } else { String::new() };
    put("secret_ballots".into(), on(s.secret_ballots));
    put("members_on_leave_vote".into(), on(s.members_on_leave_vote));
    put(
        "qualifying_share_must_be_paid".into(),
        on(s.qualifying_share_must_be_paid),
    );
    put("redemption_hold".into(), on(s.redemption_hold));
    put(
        "probation_months".into(),
        s.probation_months.map(|m| m.to_string()).unwrap_or_default(),
    );
    put("capital_floor".into(), s.capital_floor.clone());
    put("notice_days".into(), s.notice_days.to_string());
    put("preset".into(), s.distribution.preset.clone());
    put("basis".into(), basis_name(s.distribution.basis).into());
    put("reserve_rate".into(), s.distribution.reserve_rate.clone());
    put("share_return_rate".into(), s.distribution.share_return_rate.clone());
    put("approved_by".into(), approver_name(s.distribution.approved_by).into());
    put("admission_by".into(), s.admission_by.name().into());
    put("expulsion_by".into(), s.expulsion_by.name().into());
    put("hearing_before_expulsion".into(), on(s.hearing_before_expulsion));
    let (bk, bv) = quorum_form(s.board_quorum);
    put("board_quorum_kind".into(), bk);
    put("board_quorum_value".into(), bv);
    form
}

/// The schedule a form describes; errors name the form's fields.
fn typed_schedule(form: &Form) -> Result<GovernanceSchedule, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut s = GovernanceSchedule::defaults();
    for kind in DecisionKind::ALL {
        let f = |name: &str| field(form, &format!("{kind}_{name}")).to_string();
        let quorum = typed_quorum(&f("quorum_kind"), &f("quorum_value")).unwrap_or_else(|| {
            errors.push(FieldError::new(
                format!("{kind}_quorum_value"),
                "Give a number of members (12) or a fraction of the roll (1/4).",
            ));
            Quorum::None
        });
        let threshold = typed_threshold(&f("threshold"), &f("fraction")).unwrap_or_else(|| {
            errors.push(FieldError::new(
                format!("{kind}_fraction"),
                "Give a fraction such as 3/5.",
            ));
            crate::ballots::rules::Threshold::Simple
        });
        let rule = DecisionRule {
            quorum,
            threshold,
            base: typed_base(&f("base")),
        };
        match kind {
            DecisionKind::Ordinary => s.decisions.ordinary = rule,
            DecisionKind::BylawAmendment => s.decisions.bylaw_amendment = rule,
            DecisionKind::Admission => s.decisions.admission = rule,
            DecisionKind::Expulsion => s.decisions.expulsion = rule,
            DecisionKind::DistributionApproval => s.decisions.distribution_approval = rule,
            DecisionKind::Dissolution => s.decisions.dissolution = rule,
        }
    }
    s.proxies = typed_proxies(field(form, "proxy_kind"), field(form, "proxy_value")).unwrap_or_else(|| {
        errors.push(FieldError::new("proxy_value", "Give a number of 1 or more."));
        ProxyLimit::None
    });
    let on = |name: &str| !field(form, name).is_empty();
    s.secret_ballots = on("secret_ballots");
    s.members_on_leave_vote = on("members_on_leave_vote");
    s.qualifying_share_must_be_paid = on("qualifying_share_must_be_paid");
    s.redemption_hold = on("redemption_hold");
    s.probation_months = match field(form, "probation_months").trim() {
        "" | "0" => None,
        m => m.parse().map(Some).unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "probation_months",
                "Give a number of months, or leave it empty.",
            ));
            None
        }),
    };
    s.capital_floor = field(form, "capital_floor").trim().to_string();
    s.notice_days = field(form, "notice_days").trim().parse().unwrap_or_else(|_| {
        errors.push(FieldError::new("notice_days", "Give a number of days."));
        0
    });
    s.distribution.preset = field(form, "preset").to_string();
    s.distribution.basis = match field(form, "basis") {
        "wages" => PatronageBasis::Wages,
        "equal" => PatronageBasis::Equal,
        _ => PatronageBasis::Hours,
    };
    s.distribution.reserve_rate = field(form, "reserve_rate").trim().to_string();
    s.distribution.share_return_rate = field(form, "share_return_rate").trim().to_string();
    s.distribution.approved_by = match field(form, "approved_by") {
        "board" => DistributionApprover::Board,
        _ => DistributionApprover::MembersBallot,
    };
    let body = |name: &str| DecidingBody::parse(field(form, name));
    s.admission_by = body("admission_by").unwrap_or(DecidingBody::Board);
    s.expulsion_by = body("expulsion_by").unwrap_or(DecidingBody::Members);
    s.hearing_before_expulsion = on("hearing_before_expulsion");
    s.board_quorum =
        typed_quorum(field(form, "board_quorum_kind"), field(form, "board_quorum_value")).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "board_quorum_value",
                "Give a number of board members (2) or a fraction of the board (1/2).",
            ));
            Quorum::None
        });
    // The schedule's own checks, under the names of the form's fields.
    errors.extend(
        s.validate()
            .into_iter()
            .map(|(path, message)| FieldError::new(form_field(&path), message)),
    );
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

/// The amendment form's field for a schedule path (`decisions.ordinary.quorum`
/// is `ordinary_quorum_value`).
fn form_field(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("decisions.") {
        let (kind, part) = rest.split_once('.').unwrap_or((rest, "quorum"));
        let suffix = if part == "threshold" {
            "fraction"
        } else {
            "quorum_value"
        };
        return format!("{kind}_{suffix}");
    }
    match path {
        "proxies" => "proxy_value".into(),
        "board_quorum" => "board_quorum_value".into(),
        other => other.trim_start_matches("distribution.").into(),
    }
}

/// What the schedule changes look like on a page: the setting's name and both values in words.
fn schedule_change_lines(lang: &str, old: &GovernanceSchedule, changes: &[ScheduleChange]) -> Vec<[String; 3]> {
    let Ok(new) = apply_changes(old, changes) else {
        return Vec::new();
    };
    let (before, after) = (schedule_lines(lang, old), schedule_lines(lang, &new));
    before
        .into_iter()
        .zip(after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, a)| [b.0, b.1, a.1])
        .collect()
}

/// `old` with the changed fields set to their new values.
fn apply_changes(old: &GovernanceSchedule, changes: &[ScheduleChange]) -> Result<GovernanceSchedule, ()> {
    let mut value = serde_json::to_value(old).map_err(|_| ())?;
    for change in changes {
        let pointer = format!("/{}", change.field.replace('.', "/"));
        let slot = value.pointer_mut(&pointer).ok_or(())?;
        *slot = serde_json::from_str(&change.new).map_err(|_| ())?;
    }
    serde_json::from_value(value).map_err(|_| ())
}

/// An article as the page prints it: its anchor, and whether a section starts with it.
#[derive(Serialize)]
struct PrintedArticle<'a> {
    #[serde(flatten)]
    article: &'a rules::Article,
    anchor: String,
    starts_section: bool,
}

fn version_page(page: &mut Page, lang: &str, v: &Version) {
    let articles: Vec<PrintedArticle> = v
        .bylaws
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| PrintedArticle {
            article: a,
            anchor: format!("art-{}", a.number.replace(' ', "-")),
            starts_section: a.section.is_some() && (i == 0 || v.bylaws.articles[i - 1].section != a.section),
        })
        .collect();
    page.insert("version", v)
        .insert("articles", &articles)
        .insert("schedule", &schedule_lines(lang, &v.schedule));
}

/// The bylaws in force, with the import form for a co-op that has none yet.
pub async fn in_force(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let current = service::current(&state, &scope).await?;
    render_in_force(&req, &state, &scope, current, &Form::new(), &[], StatusCode::OK).await
}

async fn render_in_force(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    current: Option<Version>,
    form: &Form,
    errors: &[FieldError],
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let mut page = Page::in_coop(req, scope)?;
    let lang = page.lang;
    if let Some(v) = &current {
        version_page(&mut page, lang, v);
        page.insert("latest", &true);
    }
    let open = service::amendments(state, scope)
        .await?
        .into_iter()
        .filter(|a| matches!(a.status.as_str(), "open" | "voting"))
        .count();
    page.insert("open_amendments", &open)
        .insert(
            "can_import",
            &(current.is_none() && scope.can(Action::ManageParameters)),
        )
        .insert("can_draft", &scope.can(Action::DraftBylaws))
        // Every field the import form compares is there, blank if not typed yet.
        .insert("form", &with_blanks(form, ["source", "markdown", "reference"]))
        .errors(errors);
    page.render_status(status, "bylaws/show.html")
}

/// Adopts the first bylaws from the pasted Markdown or the model.
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let model = field(&form, "source").strip_prefix("model-").map(String::from);
    let input = ImportInput {
        markdown: model.is_none().then(|| field(&form, "markdown").to_string()),
        model,
        reference: field(&form, "reference").to_string(),
        schedule: None,
    };
    match service::import(&state, &scope, &input).await {
        Ok(_) => Ok(see_other(&format!("/c/{}/bylaws", scope.coop.slug))),
        Err(AppError::Validation(errors)) => {
            render_in_force(
                &req,
                &state,
                &scope,
                None,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// One version (an older one, read-only).
pub async fn version(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let v = service::version(&state, &scope, path.1).await?;
    let latest = service::current(&state, &scope).await?.map(|c| c.number) == Some(v.number);
    let mut page = Page::in_coop(&req, &scope)?;
    let lang = page.lang;
    version_page(&mut page, lang, &v);
    page.insert("latest", &latest)
        .insert("can_import", &false)
        .insert("can_draft", &false)
        .insert("open_amendments", &0)
        .insert("form", &Form::new());
    page.render("bylaws/show.html")
}

/// Every version, with the form to compare two.
pub async fn history(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let versions = service::history(&state, &scope).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("versions", &versions);
    page.render("bylaws/history.html")
}

/// Two versions to compare, as the form sends them.
#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    from: Option<i32>,
    to: Option<i32>,
}

/// The diff of two versions.
pub async fn compare(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<CompareQuery>,
) -> AppResult<HttpResponse> {
    let current = service::current(&state, &scope).await?.ok_or(AppError::NotFound)?;
    let to = query.to.unwrap_or(current.number);
    let from = query.from.unwrap_or((to - 1).max(1));
    let (changes, schedule_changes) = service::compare(&state, &scope, from, to).await?;
    let old = service::version(&state, &scope, from).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    let lang = page.lang;
    page.insert("from", &from)
        .insert("to", &to)
        .insert("versions", &service::history(&state, &scope).await?)
        .insert("changes", &present_changes(&changes))
        .insert(
            "schedule_changes",
            &schedule_change_lines(lang, &old.schedule, &schedule_changes),
        );
    page.render("bylaws/compare.html")
}

/// An article change as the page shows it, with the diff's HTML built (escaped) by the rules.
#[derive(Serialize)]
struct ChangeLine {
    number: String,
    title: String,
    change: &'static str,
    html: String,
    text: String,
}

fn present_changes(changes: &[rules::ArticleChange]) -> Vec<ChangeLine> {
    use rules::ChangeKind::*;
    changes
        .iter()
        .map(|c| {
            let (change, html, text) = match &c.kind {
                Added { article } => ("added", String::new(), article.body.clone()),
                Removed { article } => ("removed", String::new(), article.body.clone()),
                Retitled { old, new } => ("retitled", String::new(), format!("{old} → {new}")),
                BodyChanged { spans } => ("body", rules::render_diff_html(spans), String::new()),
                Moved { from, to } => (
                    "moved",
                    String::new(),
                    format!("{} → {}", from.as_deref().unwrap_or("—"), to.as_deref().unwrap_or("—")),
                ),
                Reordered { after } => ("reordered", String::new(), after.clone().unwrap_or_default()),
            };
            ChangeLine {
                number: c.number.clone(),
                title: c.title.clone(),
                change,
                html,
                text,
            }
        })
        .collect()
}

/// The amendments: drafts (for the board), open for comments, voted, decided.
pub async fn amendments(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    let list = service::amendments(&state, &scope).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("amendments", &list)
        .insert("can_draft", &scope.can(Action::DraftBylaws));
    page.render("bylaws/amendments.html")
}

fn render_editor(
    req: &HttpRequest,
    scope: &InCoop,
    id: Option<Uuid>,
    form: &Form,
    errors: &[FieldError],
) -> AppResult<HttpResponse> {
    scope.require(Action::DraftBylaws)?;
    let mut page = Page::in_coop(req, scope)?;
    let known = schedule_form(&GovernanceSchedule::defaults()).into_keys();
    let form = with_blanks(
        form,
        known.chain(["title", "rationale", "text", "note"].map(String::from)),
    );
    page.insert("form", &form)
        .insert("amendment_id", &id)
        .insert("kinds", &DecisionKind::ALL.map(|k| k.name()))
        .insert("presets", &rules::PRESETS)
        .errors(errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page.render_status(status, "bylaws/edit.html")
}

/// A new amendment: the text in force to edit, and its schedule.
pub async fn new_form(req: HttpRequest, state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    scope.require(Action::DraftBylaws)?;
    let current = service::current(&state, &scope)
        .await?
        .ok_or_else(|| AppError::Conflict("Import the bylaws before amending them.".into()))?;
    let mut form = schedule_form(&current.schedule);
    form.insert("text".into(), rules::to_markdown(&current.bylaws));
    render_editor(&req, &scope, None, &form, &[])
}

/// A draft's next revision, starting from its latest.
pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
) -> AppResult<HttpResponse> {
    scope.require(Action::DraftBylaws)?;
    let view = service::amendment(&state, &scope, path.1).await?;
    let base = service::version(&state, &scope, view.amendment.base_version).await?;
    let amended = rules::apply(&base.bylaws, &view.text).map_err(|e| AppError::internal(e.to_string()))?;
    let mut form = schedule_form(&rules::adopted_schedule(&base.schedule, &view.text));
    form.insert("title".into(), view.amendment.title.clone());
    form.insert("rationale".into(), view.text.rationale.clone());
    form.insert("text".into(), rules::to_markdown(&amended));
    render_editor(&req, &scope, Some(path.1), &form, &[])
}

fn amendment_input(form: &Form) -> Result<AmendmentInput, Vec<FieldError>> {
    let schedule = typed_schedule(form)?;
    Ok(AmendmentInput {
        title: field(form, "title").to_string(),
        rationale: field(form, "rationale").to_string(),
        text: Some(field(form, "text").to_string()),
        changes: None,
        parameters: Some(schedule),
        note: field(form, "note").to_string(),
    })
}

/// The API's field names as the form's.
fn form_errors(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let field = if e.field.starts_with("changes") {
                "text".to_string()
            } else {
                e.field
            };
            FieldError::new(field, e.message)
        })
        .collect()
}

/// Drafts an amendment.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let result = match amendment_input(&form) {
        Ok(input) => service::create_amendment(&state, &scope, &input).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(view) => Ok(see_other(&format!(
            "/c/{}/bylaws/amendments/{}",
            scope.coop.slug, view.amendment.id
        ))),
        Err(AppError::Validation(errors)) => render_editor(&req, &scope, None, &form, &form_errors(errors)),
        Err(e) => Err(e),
    }
}

/// Stores a draft's new revision.
pub async fn revise(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    let (form, id) = (form.0, path.1);
    let result = match amendment_input(&form) {
        Ok(input) => service::revise(&state, &scope, id, &input).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/c/{}/bylaws/amendments/{id}", scope.coop.slug))),
        Err(AppError::Validation(errors)) => render_editor(&req, &scope, Some(id), &form, &form_errors(errors)),
        Err(e) => Err(e),
    }
}

/// A comment with its answers, as the page nests them.
#[derive(Serialize)]
struct Thread {
    /// The opening comment.
    top: Uuid,
    /// The opening comment, then its answers in order.
    comments: Vec<super::store::Comment>,
}

/// One amendment: the diff, the schedule changes, the procedure, conflicts,
/// revisions, comments per article, and the board's steps.
pub async fn amendment(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
) -> AppResult<HttpResponse> {
    render_amendment(&req, &state, &scope, path.1, &Form::new(), &[], StatusCode::OK).await
}

async fn render_amendment(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    form: &Form,
    errors: &[FieldError],
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let view = service::amendment(state, scope, id).await?;
    let comments = service::comments(state, scope, id).await?;
    let base = service::version(state, scope, view.amendment.base_version).await?;
    let now = Utc::now();
    let editable = |c: &super::store::Comment| {
        c.author_member == scope.member_id
            && c.hidden_at.is_none()
            && now - c.created_at < chrono::Duration::minutes(service::COMMENT_EDIT_MINUTES)
    };
    // Threads: top-level comments with every answer under them, by article.
    let mut threads: BTreeMap<String, Vec<Thread>> = BTreeMap::new();
    let top_of = |c: &super::store::Comment| {
        let mut top = c.clone();
        while let Some(parent) = top.parent_id.and_then(|p| comments.iter().find(|x| x.id == p)) {
            top = parent.clone();
        }
        top.id
    };
    for c in comments.iter().filter(|c| c.parent_id.is_none()) {
        let thread = std::iter::once(c.clone())
            .chain(
                comments
                    .iter()
                    .filter(|r| r.parent_id.is_some() && top_of(r) == c.id)
                    .cloned(),
            )
            .collect();
        threads
            .entry(c.article.clone().unwrap_or_default())
            .or_default()
            .push(Thread {
                top: c.id,
                comments: thread,
            });
    }
    let mut page = Page::in_coop(req, scope)?;
    let lang = page.lang;
    let article_numbers: Vec<String> = {
        let amended = rules::apply(&base.bylaws, &view.text).map_err(|e| AppError::internal(e.to_string()))?;
        amended.articles.iter().map(|a| a.number.clone()).collect()
    };
    let status_open = matches!(view.amendment.status.as_str(), "draft" | "open" | "voting");
    let editable_ids: Vec<Uuid> = comments.iter().filter(|c| editable(c)).map(|c| c.id).collect();
    let form = with_blanks(form, ["mode", "opens_at", "closes_at", "article", "body", "edit"]);
    page.insert("a", &view.amendment)
        .insert("rationale", &view.text.rationale)
        .insert("changes", &present_changes(&view.changes))
        .insert(
            "schedule_changes",
            &schedule_change_lines(lang, &base.schedule, &view.schedule_changes),
        )
        .insert(
            "conflicts",
            &view.conflicts.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
        .insert("current_version", &view.current_version)
        .insert("procedure", &rule_words(lang, view.procedure))
        .insert("changes_procedure", &view.changes_procedure)
        .insert("revisions", &view.revisions)
        .insert("threads", &threads)
        .insert("editable_ids", &editable_ids)
        .insert("article_numbers", &article_numbers)
        .insert("can_comment", &(status_open && scope.can(Action::CommentBylaws)))
        .insert("can_draft", &scope.can(Action::DraftBylaws))
        .insert("can_moderate", &scope.can(Action::ModerateComments))
        .insert(
            "earliest_opening",
            &local_input(
                Some(now + chrono::Duration::days(i64::from(base.schedule.notice_days))),
                &scope.coop,
            ),
        )
        .insert("form", &form)
        .errors(errors);
    page.render_status(status, "bylaws/amendment.html")
}

/// Comments on an amendment (or answers a comment, or edits one's own).
pub async fn comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    let (form, id) = (form.0, path.1);
    let result = match field(&form, "edit").parse::<Uuid>() {
        Ok(comment_id) => service::edit_comment(&state, &scope, comment_id, field(&form, "body")).await,
        Err(_) => {
            let input = CommentInput {
                article: Some(field(&form, "article").to_string()).filter(|a| !a.is_empty()),
                parent_id: field(&form, "parent_id").parse().ok(),
                body: field(&form, "body").to_string(),
            };
            service::add_comment(&state, &scope, id, &input).await.map(drop)
        }
    };
    let back = format!("/c/{}/bylaws/amendments/{id}#comments", scope.coop.slug);
    answer(&req, &state, &scope, id, &form, result, (&back, "body")).await
}

/// Where a step on an amendment's page leads: back to the page on success,
/// otherwise the page again with the errors next to their fields (a refusal next to
/// `conflict_field`).
async fn answer(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    form: &Form,
    result: AppResult<()>,
    (back, conflict_field): (&str, &str),
) -> AppResult<HttpResponse> {
    let (errors, status) = match result {
        Ok(()) => return Ok(see_other(back)),
        Err(AppError::Validation(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(message)) => (vec![FieldError::new(conflict_field, message)], StatusCode::CONFLICT),
        Err(e) => return Err(e),
    };
    render_amendment(req, state, scope, id, form, &errors, status).await
}

/// The ballot's motion takes its rule from the bylaws, so the board cannot change it
/// on this form; what it chooses is how the vote is held (a "members present" base
/// needs a meeting): a refusal of the motion is shown next to the mode.
fn rule_refused_for_mode(error: AppError) -> AppError {
    match error {
        AppError::Validation(errors) => AppError::Validation(
            errors
                .into_iter()
                .map(|e| {
                    if e.field.starts_with("questions[") {
                        FieldError::new("mode", e.message)
                    } else {
                        e
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

/// Share, withdraw, rebase or submit to the vote.
pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, String)>,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    let (_, id, action) = path.into_inner();
    let form = form.0;
    let result = match action.as_str() {
        "share" => service::share(&state, &scope, id).await.map(drop),
        "withdraw" => service::withdraw(&state, &scope, id).await.map(drop),
        "rebase" => service::rebase(&state, &scope, id).await.map(drop),
        "submit" => match submit_input(&form, &scope) {
            Ok(input) => service::submit(&state, &scope, id, &input)
                .await
                .map(drop)
                .map_err(rule_refused_for_mode),
            Err(errors) => Err(AppError::Validation(errors)),
        },
        _ => return Err(AppError::NotFound),
    };
    let back = format!("/c/{}/bylaws/amendments/{id}", scope.coop.slug);
    answer(&req, &state, &scope, id, &form, result, (&back, "action")).await
}

fn submit_input(form: &Form, scope: &InCoop) -> Result<SubmitInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut when = |name: &str| {
        local_time(field(form, name), &scope.coop).unwrap_or_else(|message| {
            errors.push(FieldError::new(name, message));
            None
        })
    };
    let (opens_at, closes_at) = (when("opens_at"), when("closes_at"));
    let mode = Some(if field(form, "mode") == "meeting" {
        Mode::Meeting
    } else {
        Mode::Online
    });
    if errors.is_empty() {
        Ok(SubmitInput {
            mode,
            opens_at,
            closes_at,
        })
    } else {
        Err(errors)
    }
}

/// Hides a comment (moderation), back to its amendment's page.
pub async fn hide(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: AmendmentPath,
    form: PageForm<Form>,
) -> AppResult<HttpResponse> {
    // Refused before the form is read: a caller without the role learns nothing from it.
    scope.require(Action::ModerateComments)?;
    let form = form.0;
    let amendment: Uuid = field(&form, "amendment").parse().map_err(|_| AppError::NotFound)?;
    match service::hide_comment(&state, &scope, path.1, field(&form, "reason")).await {
        Ok(()) => Ok(see_other(&format!(
            "/c/{}/bylaws/amendments/{amendment}#comments",
            scope.coop.slug
        ))),
        Err(AppError::Validation(errors)) => {
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| FieldError::new(format!("reason-{}", path.1), e.message))
                .collect();
            render_amendment(
                &req,
                &state,
                &scope,
                amendment,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
