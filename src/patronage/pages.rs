//! Year-end distribution pages: the treasurer's years, hours and distributions (the
//! draft with its chart, the report, the printable page), and each member's hours
//! and notice of allocation. Thin: every change goes through the service.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::own_rules::{self, OwnRules};
use super::rules::Preset;
use super::service::{
    self, DistributionView, HoursInput, NewDistribution, NewYear, PaymentInput, PaymentReversal, PostRequest,
    ProposeRequest, RedeemRequest, RedemptionReversal, ReverseRequest,
};
use super::workflow;
use crate::auth::extract::{InCoop, OnRegister};
use crate::auth::permissions::Action;
use crate::error::{AppError, AppResult, FieldError};
use crate::money::Locale;
use crate::web::i18n;
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

/// The rules a treasurer may adjust on the draft form (keys of `RULES.toml`).
pub const RULE_FIELDS: [&str; 6] = [
    "reserve_rate",
    "share_return_rate",
    "share_return_max_of_surplus",
    "patronage_basis",
    "min_hours",
    "cash_min_rate",
];

/// The rules the co-op's own rule set may adjust: those of the draft form and the
/// revolving period of retained patronage (`revolving_years`), which applies to
/// the co-op's retained amounts rather than to one distribution.
pub const OWN_RULE_FIELDS: [&str; 7] = [
    "reserve_rate",
    "share_return_rate",
    "share_return_max_of_surplus",
    "patronage_basis",
    "min_hours",
    "cash_min_rate",
    "revolving_years",
];

/// Which change just succeeded, for the notice at the top of a page.
#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
    member_id: Option<Uuid>,
}

fn base(scope: &InCoop) -> String {
    format!("/c/{}/patronage", scope.coop.slug)
}

/// Turns a refusal into messages next to fields; anything else is an error page.
fn form_errors(error: AppError, conflict_field: &str) -> AppResult<Vec<FieldError>> {
    match error {
        AppError::Validation(found) => Ok(found),
        AppError::Conflict(message) => Ok(vec![FieldError::new(conflict_field, message)]),
        other => Err(other),
    }
}

fn parse_date(field: &str, text: &str, errors: &mut Vec<FieldError>) -> NaiveDate {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
        errors.push(FieldError::new(field, "Enter a date (YYYY-MM-DD)."));
        NaiveDate::MIN
    })
}

fn parse_uuid(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Uuid {
    text.trim().parse().unwrap_or_else(|_| {
        errors.push(FieldError::new(field, "Choose one."));
        Uuid::nil()
    })
}

// ---------------------------------------------------------------------------
// home and years

async fn home_page(req: &HttpRequest, state: &AppState, scope: &InCoop) -> AppResult<Page> {
    let years = service::years(state, scope).await?;
    let manage = scope.can(Action::ManageDistribution);
    let distributions = if manage || scope.can(Action::ApproveDistribution) {
        service::distributions(state, scope).await?
    } else {
        Vec::new()
    };
    let labels: HashMap<Uuid, String> = years.iter().map(|y| (y.id, y.label.clone())).collect();
    let distributions: Vec<serde_json::Value> = distributions
        .iter()
        .map(|d| serde_json::json!({"d": d, "year": labels.get(&d.fiscal_year_id)}))
        .collect();
    let own = if manage || scope.can(Action::ApproveDistribution) {
        Some(own_rules::get(state, scope).await?)
    } else {
        None
    };
    let rules_form = own
        .as_ref()
        .and_then(|o| o.saved.as_ref())
        .map(|saved| DraftForm {
            preset: saved.preset.clone().unwrap_or_default(),
            rules: saved.overrides.clone(),
            ..DraftForm::default()
        })
        .unwrap_or_default();
    let mut page = Page::in_coop(req, scope)?;
    page.insert("years", &years)
        .insert("distributions", &distributions)
        .insert("can_manage", &manage)
        .insert("own_rules", &own)
        .insert("rules_form", &rules_form)
        .insert("presets", &Preset::ALL.map(|p| p.name()))
        .insert("rule_fields", &RULE_FIELDS)
        .insert("own_rule_fields", &OWN_RULE_FIELDS)
        .insert("form", &YearForm::default());
    Ok(page)
}

/// Saves the co-op's own rule set from the patronage home (treasurers and the board).
pub async fn save_rules(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<DraftForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let input = OwnRules {
        preset: Some(form.preset.clone()),
        overrides: form
            .rules
            .iter()
            .filter(|(k, _)| OWN_RULE_FIELDS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    let errors = match own_rules::save(&state, &scope, &input).await {
        Ok(_) => return Ok(see_other(&format!("{}?done=rules", base(&scope)))),
        Err(e) => form_errors(e, "preset")?,
    };
    let mut page = home_page(&req, &state, &scope).await?;
    page.insert("rules_form", &form).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/home.html")
}

/// The patronage home: fiscal years and distributions.
pub async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<Done>,
) -> AppResult<HttpResponse> {
    let mut page = home_page(&req, &state, &scope).await?;
    page.insert("done", &query.done);
    page.render("patronage/home.html")
}

/// What the new-year form sends.
#[derive(Default, Deserialize, Serialize)]
pub struct YearForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

/// Creates a fiscal year.
pub async fn create_year(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<YearForm>,
) -> AppResult<HttpResponse> {
    // Refused before the form is read: a caller without the role learns nothing from it.
    scope.require(Action::ManageDistribution)?;
    let form = form.0;
    let mut errors = Vec::new();
    let new = NewYear {
        label: form.label.clone(),
        starts_on: parse_date("starts_on", &form.starts_on, &mut errors),
        ends_on: parse_date("ends_on", &form.ends_on, &mut errors),
    };
    if errors.is_empty() {
        match service::create_year(&state, &scope, &new).await {
            Ok(year) => return Ok(see_other(&format!("{}/years/{}", base(&scope), year.id))),
            Err(e) => errors = form_errors(e, "label")?,
        }
    }
    let mut page = home_page(&req, &state, &scope).await?;
    page.insert("form", &form).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/home.html")
}

async fn year_page(req: &HttpRequest, state: &AppState, scope: &InCoop, year_id: Uuid) -> AppResult<Page> {
    scope.require(Action::ManageDistribution)?;
    let year = service::year(state, scope, year_id).await?;
    let hours = service::hours(state, scope, year_id, None).await?;
    let register = crate::membership::service::register(state, scope, year.ends_on, None, None).await?;
    let names: HashMap<Uuid, (Option<i64>, String)> = register
        .iter()
        .map(|l| (l.id, (l.number, l.display_name.clone())))
        .collect();
    let lines: Vec<serde_json::Value> = hours
        .iter()
        .map(|h| {
            let (number, name) = names.get(&h.member_id).cloned().unwrap_or_default();
            serde_json::json!({"h": h, "number": number, "name": name})
        })
        .collect();
    let members: Vec<serde_json::Value> = register
        .iter()
        .filter(|l| l.number.is_some())
        .map(|l| serde_json::json!({"id": l.id, "number": l.number, "name": l.display_name}))
        .collect();
    let total: rust_decimal::Decimal = hours.iter().map(|h| h.hours).sum();
    let mut page = Page::in_coop(req, scope)?;
    page.insert("year", &year)
        .insert("lines", &lines)
        .insert("total", &total)
        .insert("members", &members)
        .insert("presets", &Preset::ALL.map(|p| p.name()))
        .insert("rule_fields", &RULE_FIELDS)
        .insert("hours_form", &HoursForm::default())
        .insert("draft_form", &DraftForm::default())
        .insert("own_rules", &own_rules::get(state, scope).await?.saved)
        .insert("csv", "");
    Ok(page)
}

/// A fiscal year: its hours, the forms to add, import and close, and to open a
/// distribution.
pub async fn year(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    query: web::Query<Done>,
) -> AppResult<HttpResponse> {
    let mut page = year_page(&req, &state, &scope, path.1).await?;
    page.insert("done", &query.done);
    page.render("patronage/year.html")
}

/// What the hours form sends.
#[derive(Default, Deserialize, Serialize)]
pub struct HoursForm {
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    period_start: String,
    #[serde(default)]
    period_end: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    wages: String,
    #[serde(default)]
    reason: String,
}

/// Records or corrects one line of hours.
pub async fn record_hours(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    form: PageForm<HoursForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let mut errors = Vec::new();
    let input = HoursInput {
        member_id: parse_uuid("member_id", &form.member_id, &mut errors),
        period_start: parse_date("period_start", &form.period_start, &mut errors),
        period_end: parse_date("period_end", &form.period_end, &mut errors),
        hours: form.hours.clone(),
        wages: Some(form.wages.clone()),
        reason: Some(form.reason.clone()),
    };
    if errors.is_empty() {
        match service::record_hours(&state, &scope, path.1, &input).await {
            Ok(_) => return Ok(see_other(&format!("{}/years/{}?done=hours", base(&scope), path.1))),
            Err(e) => errors = form_errors(e, "hours")?,
        }
    }
    let mut page = year_page(&req, &state, &scope, path.1).await?;
    page.insert("hours_form", &form).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/year.html")
}

/// What the import form sends: the CSV pasted or uploaded as text.
#[derive(Default, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
}

/// Imports hours from CSV, all or nothing; the bad lines are listed.
pub async fn import_hours(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    form: PageForm<ImportForm>,
) -> AppResult<HttpResponse> {
    let errors = match service::import_hours(&state, &scope, path.1, &form.0.csv).await {
        Ok(_) => return Ok(see_other(&format!("{}/years/{}?done=import", base(&scope), path.1))),
        Err(e) => form_errors(e, "csv")?,
    };
    let mut page = year_page(&req, &state, &scope, path.1).await?;
    page.insert("csv", &form.0.csv)
        .insert("import_errors", &errors)
        .errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/year.html")
}

/// The CSRF token alone (buttons that send nothing else).
#[derive(Default, Deserialize)]
pub struct Empty {}

/// Closes a year for hours.
pub async fn close_year(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    _form: PageForm<Empty>,
) -> AppResult<HttpResponse> {
    let errors = match service::close_year(&state, &scope, path.1).await {
        Ok(_) => return Ok(see_other(&format!("{}/years/{}?done=closed", base(&scope), path.1))),
        Err(e) => form_errors(e, "close")?,
    };
    let mut page = year_page(&req, &state, &scope, path.1).await?;
    page.errors(&errors);
    page.render_status(StatusCode::CONFLICT, "patronage/year.html")
}

/// What the draft form sends: the year, the surplus, a preset and rule fields.
#[derive(Default, Deserialize, Serialize)]
pub struct DraftForm {
    #[serde(default)]
    fiscal_year_id: String,
    #[serde(default)]
    surplus: String,
    #[serde(default)]
    preset: String,
    #[serde(default)]
    board_may_approve: Option<String>,
    #[serde(flatten)]
    rules: BTreeMap<String, String>,
}

/// Computes a draft distribution and shows it.
pub async fn create_distribution(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<DraftForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let mut errors = Vec::new();
    let year_id = parse_uuid("fiscal_year_id", &form.fiscal_year_id, &mut errors);
    let overrides: BTreeMap<String, String> = form
        .rules
        .iter()
        .filter(|(k, v)| RULE_FIELDS.contains(&k.as_str()) && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let new = NewDistribution {
        fiscal_year_id: year_id,
        surplus: form.surplus.clone(),
        preset: Some(form.preset.clone()).filter(|p| !p.is_empty()),
        overrides,
        board_may_approve: form.board_may_approve.is_some(),
    };
    if errors.is_empty() {
        match service::create_distribution(&state, &scope, &new, true).await {
            Ok(view) => return Ok(see_other(&format!("{}/distributions/{}", base(&scope), view.id))),
            Err(e) => errors = form_errors(e, "surplus")?,
        }
    }
    let mut page = year_page(&req, &state, &scope, year_id).await?;
    page.insert("draft_form", &form).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/year.html")
}

// ---------------------------------------------------------------------------
// a distribution

/// The chart's legend and title in the reader's language.
fn chart(view: &DistributionView, lang: &str) -> String {
    let locale = Locale::from_tag(lang).unwrap_or(Locale::En);
    let t = &view.totals;
    let label =
        |key: &str, amount: &crate::money::Money| format!("{} — {}", i18n::text(lang, key), amount.format(locale));
    let labels = [
        label("patronage-reserve", &t.reserve),
        label("patronage-share-return", &t.share_return),
        label("patronage-cash", &t.cash),
        label("patronage-retained", &t.retained),
    ];
    workflow::chart_svg(
        &view.allocation,
        &i18n::text_with(lang, "patronage-chart-title", &[("surplus", t.surplus.format(locale))]),
        &labels,
    )
}

/// The rule set a distribution applied, setting by setting, in words: the preset
/// it started from, the reserve, the return on shares and who approves it.
fn rules_in_words(view: &service::DistributionView, lang: &str) -> Vec<(String, String)> {
    use super::limits::percent;
    let rules = &view.rule_set;
    vec![
        (
            i18n::text(lang, "patronage-rule-preset"),
            rules
                .preset
                .map(|p| p.name().to_string())
                .unwrap_or_else(|| i18n::text(lang, "patronage-rule-custom")),
        ),
        (i18n::text(lang, "patronage-rule-reserve"), percent(rules.reserve_rate)),
        (
            i18n::text(lang, "patronage-rule-share-return"),
            rules
                .share_return_rate
                .map(percent)
                .unwrap_or_else(|| i18n::text(lang, "patronage-rule-no-return")),
        ),
        (
            i18n::text(lang, "patronage-rule-approval"),
            i18n::text(
                lang,
                if view.board_may_approve {
                    "patronage-rule-approval-board"
                } else {
                    "patronage-rule-approval-members"
                },
            ),
        ),
    ]
}

/// The bylaws' limits on a distribution in one sentence, naming their version and
/// article; `None` without bylaws.
fn limits_in_words(limits: Option<(super::limits::BylawLimits, Option<String>)>, lang: &str) -> Option<String> {
    use super::limits::percent;
    let (limits, article) = limits?;
    Some(i18n::text_with(
        lang,
        "patronage-bylaws-limits",
        &[
            ("version", limits.version.to_string()),
            ("article", article.unwrap_or_else(|| "none".into())),
            ("reserve", percent(limits.reserve_rate_min)),
            ("share_return", percent(limits.share_return_rate_max)),
            (
                "approver",
                if limits.board_may_approve { "board" } else { "members" }.to_string(),
            ),
        ],
    ))
}

async fn distribution_page(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    focus: Option<Uuid>,
) -> AppResult<Page> {
    let view = service::distribution(state, scope, id, focus).await?;
    let ballots = if scope.can(Action::ManageDistribution) && view.status == workflow::DistributionStatus::Draft {
        service::approving_ballots(state, scope, view.board_may_approve).await?
    } else {
        Vec::new()
    };
    let mut page = Page::in_coop(req, scope)?;
    let lang = page.lang;
    let limits = limits_in_words(service::bylaw_limits(state, scope).await?, lang);
    page.insert("approving_ballots", &ballots)
        .insert("rules", &rules_in_words(&view, lang))
        .insert("limits", &limits);
    let svg = chart(&view, page.lang);
    page.insert("view", &view)
        .insert("chart", &svg)
        .insert("can_manage", &scope.can(Action::ManageDistribution))
        .insert("can_approve", &scope.can(Action::ApproveDistribution))
        .insert("today", &scope.coop.today());
    Ok(page)
}

/// A distribution: the draft at once, then the report of what was posted.
pub async fn distribution(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    query: web::Query<Done>,
) -> AppResult<HttpResponse> {
    let mut page = distribution_page(&req, &state, &scope, path.1, query.member_id).await?;
    page.insert("done", &query.done);
    page.render("patronage/distribution.html")
}

/// The printable report.
pub async fn print(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    distribution_page(&req, &state, &scope, path.1, None)
        .await?
        .render("patronage/print.html")
}

/// The report as CSV.
pub async fn report_csv(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    super::api::report_csv_download(&state, &scope, path.1).await
}

/// A step's form: the ballot (propose), the reason and date (reverse), a payment.
#[derive(Default, Deserialize, Serialize)]
pub struct StepForm {
    #[serde(default)]
    ballot_id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    payment_id: String,
}

/// One of the workflow's buttons on the distribution page.
pub async fn step(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, String)>,
    form: PageForm<StepForm>,
) -> AppResult<HttpResponse> {
    let (_, id, action) = path.into_inner();
    let form = form.0;
    let mut errors = Vec::new();
    let date = match form.date.trim() {
        "" => None,
        text => Some(parse_date("date", text, &mut errors)),
    };
    let result = if !errors.is_empty() {
        Err(AppError::Validation(errors))
    } else {
        match action.as_str() {
            "propose" => {
                let mut errors = Vec::new();
                let ballot_id = match form.ballot_id.trim() {
                    "" => None,
                    text => Some(parse_uuid("ballot_id", text, &mut errors)),
                };
                if errors.is_empty() {
                    service::propose(&state, &scope, id, &ProposeRequest { ballot_id }).await
                } else {
                    Err(AppError::Validation(errors))
                }
            }
            "return" => service::return_to_draft(&state, &scope, id).await,
            "post" => service::post(&state, &scope, id, &PostRequest { date, notify: true }, true).await,
            "reverse" => {
                let request = ReverseRequest {
                    reason: form.reason.clone(),
                    date,
                };
                service::reverse(&state, &scope, id, &request).await
            }
            "payments" => {
                let mut errors = Vec::new();
                let input = PaymentInput {
                    member_id: parse_uuid("member_id", &form.member_id, &mut errors),
                    account: form.account.clone(),
                    amount: form.amount.clone(),
                    date,
                    reference: Some(form.reference.clone()),
                };
                if errors.is_empty() {
                    service::record_payment(&state, &scope, id, &input).await
                } else {
                    Err(AppError::Validation(errors))
                }
            }
            "payment-reverse" => {
                let mut errors = Vec::new();
                let payment = parse_uuid("payment_id", &form.payment_id, &mut errors);
                let request = PaymentReversal {
                    reason: form.reason.clone(),
                    date,
                };
                if errors.is_empty() {
                    service::reverse_payment(&state, &scope, id, payment, &request).await
                } else {
                    Err(AppError::Validation(errors))
                }
            }
            "redemption-reverse" => {
                let mut errors = Vec::new();
                let member = parse_uuid("member_id", &form.member_id, &mut errors);
                let request = RedemptionReversal {
                    reason: form.reason.clone(),
                    date,
                };
                if errors.is_empty() {
                    service::reverse_redemption(&state, &scope, id, member, &request).await
                } else {
                    Err(AppError::Validation(errors))
                }
            }
            _ => Err(AppError::NotFound),
        }
    };
    let errors = match result {
        Ok(_) => return Ok(see_other(&format!("{}/distributions/{id}?done={action}", base(&scope)))),
        Err(e) => form_errors(e, &action)?,
    };
    let mut page = distribution_page(&req, &state, &scope, id, None).await?;
    page.insert("step_form", &form).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/distribution.html")
}

// ---------------------------------------------------------------------------
// retained patronage due for redemption

/// The date the retained patronage due is read on.
#[derive(Deserialize)]
pub struct RetainedQuery {
    as_of: Option<String>,
    done: Option<String>,
}

/// What the redemption form sends.
#[derive(Default, Deserialize, Serialize)]
pub struct RedeemForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    fiscal_year_id: String,
}

async fn retained_page(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    as_of: NaiveDate,
    form: &RedeemForm,
) -> AppResult<Page> {
    let view = service::due_for_redemption(state, scope, as_of).await?;
    // The years that have something due, for the form's choice.
    let mut years: Vec<(Uuid, String)> = view
        .lines
        .iter()
        .map(|l| (l.fiscal_year_id, l.fiscal_year.clone()))
        .collect();
    years.dedup();
    let years: Vec<serde_json::Value> = years
        .into_iter()
        .map(|(id, label)| serde_json::json!({"id": id, "label": label}))
        .collect();
    let mut page = Page::in_coop(req, scope)?;
    page.insert("view", &view)
        .insert("years", &years)
        .insert("form", form)
        .insert("can_manage", &scope.can(Action::ManageDistribution));
    Ok(page)
}

/// Retained patronage due for redemption on a date (treasurers and the board),
/// with the treasurer's redemption form.
pub async fn retained(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<RetainedQuery>,
) -> AppResult<HttpResponse> {
    let today = scope.coop.today();
    let mut errors = Vec::new();
    let as_of = match query.as_of.as_deref().map(str::trim) {
        None | Some("") => today,
        Some(text) => parse_date("as_of", text, &mut errors),
    };
    let as_of = if errors.is_empty() { as_of } else { today };
    let form = RedeemForm {
        date: as_of.min(today).to_string(),
        ..RedeemForm::default()
    };
    let mut page = retained_page(&req, &state, &scope, as_of, &form).await?;
    page.insert("done", &query.done).errors(&errors);
    if errors.is_empty() {
        page.render("patronage/retained.html")
    } else {
        page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/retained.html")
    }
}

/// Redeems the retained patronage due (treasurers); the form again with the
/// message next to its field when refused.
pub async fn redeem_retained(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<RedeemForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let mut errors = Vec::new();
    let date = match form.date.trim() {
        "" => None,
        text => Some(parse_date("date", text, &mut errors)),
    };
    let fiscal_year_id = match form.fiscal_year_id.trim() {
        "" => None,
        text => Some(parse_uuid("fiscal_year_id", text, &mut errors)),
    };
    let result = if errors.is_empty() {
        service::redeem_retained(&state, &scope, &RedeemRequest { date, fiscal_year_id }).await
    } else {
        Err(AppError::Validation(errors))
    };
    let errors = match result {
        Ok(view) => {
            return Ok(see_other(&format!(
                "{}/retained?as_of={}&done=redeemed",
                base(&scope),
                view.as_of
            )))
        }
        Err(e) => form_errors(e, "fiscal_year_id")?,
    };
    let today = scope.coop.today();
    let as_of = date.filter(|d| *d != NaiveDate::MIN && *d <= today).unwrap_or(today);
    let mut page = retained_page(&req, &state, &scope, as_of, &form).await?;
    page.errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "patronage/retained.html")
}

// ---------------------------------------------------------------------------
// members

/// The signed-in member's hours and notices.
pub async fn mine(
    req: HttpRequest,
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
) -> AppResult<HttpResponse> {
    let hours = service::member_hours(&state, &scope, scope.member_id).await?;
    let notices: Vec<serde_json::Value> = service::my_notices(&state, &scope)
        .await?
        .into_iter()
        .map(|(d, year)| serde_json::json!({"d": d, "year": year}))
        .collect();
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("years", &hours).insert("notices", &notices);
    page.render("patronage/me.html")
}

async fn notice_page(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    id: Uuid,
    member: Uuid,
) -> AppResult<HttpResponse> {
    let notice = service::notice(state, scope, id, member).await?;
    let mut page = Page::in_coop(req, scope)?;
    let pct = |d: rust_decimal::Decimal| (d * rust_decimal::Decimal::from(100)).normalize().to_string();
    let r = &notice.rule_set;
    page.insert("notice", &notice)
        .insert("reserve_pct", &pct(r.reserve_rate))
        .insert("share_pct", &r.share_return_rate.map(pct))
        .insert("cash_pct", &pct(r.cash_min_rate))
        .insert("basis", r.patronage_basis.name());
    page.render("patronage/notice.html")
}

/// The signed-in member's notice of allocation (printable).
pub async fn my_notice(
    req: HttpRequest,
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    notice_page(&req, &state, &scope, path.1, scope.member_id).await
}

/// A member's notice, as the treasurer sees it.
pub async fn member_notice(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    notice_page(&req, &state, &scope, path.1, path.2).await
}
