//! Founding a co-op and its setup checklist (the home page is the dashboard's).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::extract::{InCoop, MaybeCaller};
use crate::auth::permissions::Action;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

use super::rules::{setup_steps, NewCoop, Parameters, COUNTRY_PRESETS, CURRENCIES, LOCALES};
use super::service;

/// The founding form as typed.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FoundForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    preset: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    locale: String,
    #[serde(default)]
    time_zone: String,
}

fn found_page(req: &HttpRequest, caller: &crate::auth::extract::Caller, form: &FoundForm) -> AppResult<Page> {
    let mut page = Page::new(req, Some(&caller.user), None)?;
    let presets: Vec<&str> = COUNTRY_PRESETS.iter().map(|p| p.key).collect();
    page.insert("form", form)
        .insert("presets", &presets)
        .insert("preset_defaults", &COUNTRY_PRESETS)
        .insert("currencies", &CURRENCIES)
        .insert("locales", &LOCALES);
    Ok(page)
}

/// The first step of a new co-op: its name, country preset, currency, language and
/// time zone.
pub async fn found_form(req: HttpRequest, state: web::Data<AppState>, caller: MaybeCaller) -> AppResult<HttpResponse> {
    let Some(caller) = caller.0 else {
        return Ok(see_other("/login?next=/coops/new"));
    };
    if !service::may_found(&caller.user, state.settings.self_service_coops) {
        return Err(AppError::Forbidden);
    }
    found_page(&req, &caller, &FoundForm::default())?.render("coops/new.html")
}

/// Founds the co-op and goes on to its setup checklist.
pub async fn found(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    form: PageForm<FoundForm>,
) -> AppResult<HttpResponse> {
    let Some(caller) = caller.0 else {
        return Ok(see_other("/login?next=/coops/new"));
    };
    let form = form.0;
    let new = NewCoop {
        slug: form.slug.trim().to_lowercase(),
        name: form.name.clone(),
        currency: form.currency.clone(),
        locale: form.locale.clone(),
        time_zone: form.time_zone.trim().to_string(),
        preset: Some(form.preset.clone()),
    };
    let mut conn = crate::db::conn(&state.pool).await?;
    match service::found(&mut conn, &caller.user, state.settings.self_service_coops, new).await {
        Ok(coop) => Ok(see_other(&format!("/c/{}/setup", coop.slug))),
        Err(AppError::Validation(errors)) => {
            let mut page = found_page(&req, &caller, &form)?;
            page.errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "coops/new.html")
        }
        Err(other) => Err(other),
    }
}

/// What the setup page is told after sending invitations.
#[derive(Deserialize)]
pub struct SetupQuery {
    invited: Option<usize>,
}

/// The setup checklist: each step, done or not, with the page that does it.
pub async fn setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<SetupQuery>,
) -> AppResult<HttpResponse> {
    let facts = service::setup(&state, &scope).await?;
    let steps = setup_steps(&facts);
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("steps", &steps)
        .insert("facts", &facts)
        .insert("done_count", &steps.iter().filter(|s| s.done).count())
        .insert("can_invite", &scope.can(Action::ManageMembers));
    if let Some(invited) = query.invited {
        page.insert("invited", &invited);
    }
    page.render("coops/setup.html")
}

/// Sends invitations to every member who has no password and no valid link.
pub async fn invite_waiting(
    state: web::Data<AppState>,
    scope: InCoop,
    _form: PageForm<crate::auth::pages::EmptyForm>,
) -> AppResult<HttpResponse> {
    let count = crate::membership::service::invite_waiting(&state, &scope).await?;
    Ok(see_other(&format!(
        "/c/{}/setup?invited={count}#invitations",
        scope.coop.slug
    )))
}

/// The founding and setup pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/coops/new")
            .route(web::get().to(found_form))
            .route(web::post().to(found)),
    )
    .service(web::resource("/c/{slug}/setup").route(web::get().to(setup)))
    .service(web::resource("/c/{slug}/setup/invitations").route(web::post().to(invite_waiting)));
}

/// The form of the parameters page, every field as typed.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ParametersForm {
    #[serde(default)]
    requires_qualifying_share: Option<String>,
    #[serde(default)]
    probation_months: String,
    #[serde(default)]
    members_on_leave_may_vote: Option<String>,
    #[serde(default)]
    redemption_hold: Option<String>,
    #[serde(default)]
    capital_floor: String,
    #[serde(default)]
    quorum_kind: String,
    #[serde(default)]
    quorum_value: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    fraction: String,
    #[serde(default)]
    base: String,
    #[serde(default)]
    proxy_kind: String,
    #[serde(default)]
    proxy_value: String,
    #[serde(default)]
    secret: Option<String>,
}

impl ParametersForm {
    fn of(p: &Parameters) -> Self {
        use crate::ballots::pages::{base_form, proxy_form, quorum_form, threshold_form};
        let on = |b: bool| b.then(|| "on".to_string());
        let (quorum_kind, quorum_value) = quorum_form(p.ballots.quorum);
        let (threshold, fraction) = threshold_form(p.ballots.threshold);
        let (proxy_kind, proxy_value) = proxy_form(p.ballots.proxies);
        ParametersForm {
            requires_qualifying_share: on(p.requires_qualifying_share),
            probation_months: p.probation_months.map(|m| m.to_string()).unwrap_or_default(),
            members_on_leave_may_vote: on(p.members_on_leave_may_vote),
            redemption_hold: on(p.redemption_hold),
            capital_floor: p.capital_floor.to_string(),
            quorum_kind,
            quorum_value,
            threshold,
            fraction,
            base: base_form(p.ballots.base),
            proxy_kind,
            proxy_value,
            secret: on(p.ballots.secret),
        }
    }

    fn parameters(&self) -> Result<Parameters, Vec<FieldError>> {
        use crate::ballots::pages::{typed_base, typed_proxies, typed_quorum, typed_threshold};
        let mut errors = Vec::new();
        let probation_months = match self.probation_months.trim() {
            "" | "0" => None,
            m => m.parse().map(Some).unwrap_or_else(|_| {
                errors.push(FieldError::new(
                    "probation_months",
                    "Give a number of months, or leave it empty.",
                ));
                None
            }),
        };
        let capital_floor = crate::money::Money::parse_with(
            if self.capital_floor.trim().is_empty() {
                "0"
            } else {
                &self.capital_floor
            },
            crate::money::Currency::Eur,
            crate::money::Sign::PositiveOrZero,
        )
        .map(|m| m.amount())
        .unwrap_or_else(|e| {
            errors.push(FieldError::new("capital_floor", e.to_string()));
            Default::default()
        });
        let quorum = typed_quorum(&self.quorum_kind, &self.quorum_value).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "quorum_value",
                "Give a number of members (12) or a fraction of the roll (1/4).",
            ));
            crate::ballots::rules::Quorum::None
        });
        let threshold = typed_threshold(&self.threshold, &self.fraction).unwrap_or_else(|| {
            errors.push(FieldError::new("fraction", "Give a fraction such as 3/5."));
            crate::ballots::rules::Threshold::Simple
        });
        let proxies = typed_proxies(&self.proxy_kind, &self.proxy_value).unwrap_or_else(|| {
            errors.push(FieldError::new("proxy_value", "Give a whole number."));
            crate::ballots::rules::ProxyLimit::None
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Parameters {
            requires_qualifying_share: self.requires_qualifying_share.is_some(),
            probation_months,
            members_on_leave_may_vote: self.members_on_leave_may_vote.is_some(),
            redemption_hold: self.redemption_hold.is_some(),
            capital_floor,
            ballots: crate::ballots::rules::BallotParameters {
                quorum,
                threshold,
                base: typed_base(&self.base),
                proxies,
                secret: self.secret.is_some(),
            },
        })
    }
}

fn render_parameters(
    req: &HttpRequest,
    scope: &InCoop,
    form: &ParametersForm,
    errors: &[FieldError],
    done: bool,
    bylaws_version: Option<i32>,
) -> AppResult<HttpResponse> {
    let mut page = Page::in_coop(req, scope)?;
    page.insert("form", form)
        .insert("bylaws_version", &bylaws_version)
        .insert(
            "can_manage",
            &(scope.can(Action::ManageParameters) && bylaws_version.is_none()),
        )
        .insert("saved", &done)
        .errors(errors);
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    page.render_status(status, "coops/parameters.html")
}

/// Where the page says a save succeeded.
#[derive(serde::Deserialize)]
pub struct SavedQuery {
    done: Option<String>,
}

/// The co-op's governance parameters: everyone reads them, the board changes them.
pub async fn parameters(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<SavedQuery>,
) -> AppResult<HttpResponse> {
    let current = super::service::parameters(&state, &scope).await?;
    let bylaws = crate::bylaws::service::current(&state, &scope).await?.map(|v| v.number);
    render_parameters(
        &req,
        &scope,
        &ParametersForm::of(&current),
        &[],
        query.done.is_some(),
        bylaws,
    )
}

/// Saves the parameters (the board).
pub async fn save_parameters(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<ParametersForm>,
) -> AppResult<HttpResponse> {
    scope.require(Action::ManageParameters)?;
    let form = form.0;
    let errors = match form.parameters() {
        Ok(p) => match super::service::set_parameters(&state, &scope, &p).await {
            Ok(_) => return Ok(see_other(&format!("/c/{}/parameters?done=saved", scope.coop.slug))),
            Err(AppError::Validation(errors)) => errors
                .into_iter()
                .map(|e| {
                    let field = match e.field.as_str() {
                        "ballots.quorum" => "quorum_value",
                        "ballots.threshold" => "fraction",
                        "ballots.proxies" => "proxy_value",
                        other => other,
                    };
                    FieldError::new(field, e.message)
                })
                .collect(),
            Err(e) => return Err(e),
        },
        Err(errors) => errors,
    };
    render_parameters(&req, &scope, &form, &errors, false, None)
}
