//! The members page: the list, invitations and roles.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use chrono::NaiveDate;

use super::api::RegisterQuery;
use super::service::{self, Application, TransitionRequest};
use super::store;
use crate::auth::api::client_ip;
use crate::auth::extract::InCoop;
use crate::auth::permissions::{Action, Role};
use crate::coops::store::{self as coops, Coop};
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::i18n;
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

async fn members_page(req: &HttpRequest, state: &AppState, scope: &InCoop) -> AppResult<Page> {
    scope.require(Action::ViewMembers)?;
    let mut conn = db::conn(&state.pool).await?;
    let members = store::list(&mut conn, scope.coop.id).await?;
    let mut page = Page::in_coop(req, scope)?;
    page.insert("members", &members)
        .insert("can_manage", &scope.can(Action::ManageMembers))
        .insert("all_roles", &Role::ALL.map(Role::as_str))
        .insert(
            "form",
            &serde_json::json!({"email": "", "display_name": "", "roles": []}),
        );
    Ok(page)
}

/// The query of the members page: which change just succeeded.
#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The list of members, with the invitation form for admins.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<DoneQuery>,
) -> AppResult<HttpResponse> {
    let mut page = members_page(&req, &state, &scope).await?;
    page.insert("done", &query.done);
    page.render("membership/members.html")
}

/// What the invitation form sends.
#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    roles: Vec<String>,
}

/// Sends an invitation.
pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<InviteForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    match service::invite(&state, &scope, &form.email, &form.display_name, &form.roles).await {
        Ok(service::Invited::Member(_)) => Ok(see_other(&format!("/c/{}/members?done=invited", scope.coop.slug))),
        Ok(service::Invited::Pending) => Ok(see_other(&format!(
            "/c/{}/members?done=invitation_pending",
            scope.coop.slug
        ))),
        Err(AppError::Validation(errors)) => show_again(&req, &state, &scope, &form, &errors).await,
        Err(AppError::Conflict(message)) => {
            show_again(&req, &state, &scope, &form, &[FieldError::new("email", message)]).await
        }
        Err(other) => Err(other),
    }
}

async fn show_again(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    form: &InviteForm,
    errors: &[FieldError],
) -> AppResult<HttpResponse> {
    let mut page = members_page(req, state, scope).await?;
    page.insert(
        "form",
        &serde_json::json!({"email": form.email, "display_name": form.display_name, "roles": form.roles}),
    )
    .errors(errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/members.html")
}

/// What the roles form sends.
#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// Saves a member's roles.
pub async fn set_roles(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    form: PageForm<RolesForm>,
) -> AppResult<HttpResponse> {
    match service::set_roles(&state, &scope, path.1, &form.0.roles).await {
        Ok(()) => Ok(see_other(&format!("/c/{}/members?done=roles", scope.coop.slug))),
        Err(AppError::Conflict(message)) => {
            let mut page = members_page(&req, &state, &scope).await?;
            page.errors(&[FieldError::new(format!("roles-{}", path.1), message)]);
            page.render_status(StatusCode::CONFLICT, "membership/members.html")
        }
        Err(other) => Err(other),
    }
}

/// The public application form of a co-op.
pub async fn apply_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let coop = coops::by_slug(&mut conn, &path).await?.ok_or(AppError::NotFound)?;
    let mut page = Page::new(&req, None, Some(&coop))?;
    page.insert("sent", &false).insert(
        "form",
        &serde_json::json!({"display_name": "", "email": "", "motivation": ""}),
    );
    page.render("membership/apply.html")
}

/// Records an application from the public form.
pub async fn apply(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: PageForm<Application>,
) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let coop = coops::by_slug(&mut conn, &path).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let ip = client_ip(&req, state.settings.trust_proxy);
    let result = service::apply(&state, &coop, &form.0, ip).await;
    let mut page = Page::new(&req, None, Some(&coop))?;
    page.insert(
        "form",
        &serde_json::json!({"display_name": form.0.display_name, "email": form.0.email,
        "motivation": form.0.motivation}),
    );
    match result {
        Ok(_) => {
            page.insert("sent", &true);
            page.render("membership/apply.html")
        }
        Err(AppError::Validation(errors)) => {
            page.insert("sent", &false).errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/apply.html")
        }
        // In liquidation: the page says the co-op takes no applications.
        Err(AppError::Conflict(_)) if coop.dissolved_on.is_some() => {
            page.insert("sent", &false);
            page.render_status(StatusCode::CONFLICT, "membership/apply.html")
        }
        Err(AppError::TooManyRequests { .. }) => {
            let message = i18n::text(page.lang, "error-429");
            page.insert("sent", &false).errors(&[FieldError::new("email", message)]);
            page.render_status(StatusCode::TOO_MANY_REQUESTS, "membership/apply.html")
        }
        Err(other) => Err(other),
    }
}

/// The page an invitation's link opens: one button, so that a mail scanner following
/// the link accepts nothing.
pub async fn accept_form(req: HttpRequest, query: web::Query<LinkSecret>) -> AppResult<HttpResponse> {
    let mut page = Page::new(&req, None, None)?;
    page.insert("token", &query.token)
        .insert("joined", &Option::<Coop>::None);
    page.render("membership/accept.html")
}

/// Accepts an invitation from its e-mailed link.
pub async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: PageForm<LinkSecret>,
) -> AppResult<HttpResponse> {
    let result = service::accept_invitation(&state, &form.0.token).await;
    let mut page = Page::new(&req, None, None)?;
    page.insert("token", &form.0.token);
    match result {
        Ok(coop) => {
            page.insert("joined", &Some(coop));
            page.render("membership/accept.html")
        }
        Err(AppError::Validation(errors)) => {
            page.insert("joined", &Option::<Coop>::None).errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/accept.html")
        }
        Err(other) => Err(other),
    }
}

/// The secret of an e-mailed link (confirming an application, accepting an
/// invitation): in the link's query, then in its page's one-button form.
#[derive(Deserialize)]
pub struct LinkSecret {
    #[serde(default)]
    token: String,
}

/// The page an application's confirmation link opens: one button, so that a mail
/// scanner following the link confirms nothing.
pub async fn confirm_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<LinkSecret>,
) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let coop = coops::by_slug(&mut conn, &path).await?.ok_or(AppError::NotFound)?;
    let mut page = Page::new(&req, None, Some(&coop))?;
    page.insert("token", &query.token)
        .insert("outcome", &Option::<&str>::None);
    page.render("membership/apply_confirm.html")
}

/// Confirms an application from its e-mailed link.
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: PageForm<LinkSecret>,
) -> AppResult<HttpResponse> {
    let mut conn = db::conn(&state.pool).await?;
    let coop = coops::by_slug(&mut conn, &path).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let result = service::confirm_application(&state, &coop, &form.0.token).await;
    let mut page = Page::new(&req, None, Some(&coop))?;
    page.insert("token", &form.0.token);
    match result {
        Ok(outcome) => {
            let outcome = match outcome {
                service::Confirmation::Recorded => "recorded",
                service::Confirmation::AlreadyOnRegister => "already",
            };
            page.insert("outcome", &Some(outcome));
            page.render("membership/apply_confirm.html")
        }
        Err(AppError::Validation(errors)) => {
            page.insert("outcome", &Option::<&str>::None).errors(&errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/apply_confirm.html")
        }
        Err(other) => Err(other),
    }
}

/// The register as of a date, with filters and the CSV download.
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<RegisterQuery>,
) -> AppResult<HttpResponse> {
    let (as_of, status) = query.parse(&scope.coop)?;
    let lines = service::register(&state, &scope, as_of, status, query.q.as_deref()).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("lines", &lines)
        .insert("as_of", &as_of)
        .insert("status", &status.map(store::status_name))
        .insert("q", &query.q.clone().unwrap_or_default())
        .insert("statuses", &ALL_STATUSES)
        .insert(
            "csv_query",
            &serde_urlencoded::to_string([("as_of", as_of.to_string())]).unwrap_or_default(),
        )
        .insert("can_import", &scope.can(Action::ManageRegister))
        .insert("imported", &query.imported)
        .insert("import_text", "")
        .insert("import_errors", &Vec::<FieldError>::new());
    page.render("membership/register.html")
}

/// The register as CSV.
pub async fn register_csv(
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<RegisterQuery>,
) -> AppResult<HttpResponse> {
    super::api::register_csv_response(&state, &scope, &query, true).await
}

const ALL_STATUSES: [&str; 9] = [
    "applicant",
    "candidate",
    "admitted",
    "member",
    "on_leave",
    "resigned",
    "expelled",
    "rejected",
    "withdrawn",
];

/// The changes recorded on the register. Admitting and expelling are not among
/// them: they follow the ballot that decided them.
const TRANSITIONS: [&str; 6] = [
    "start_probation",
    "go_on_leave",
    "return_from_leave",
    "resign",
    "reject",
    "withdraw",
];

async fn member_page(req: &HttpRequest, state: &AppState, scope: &InCoop, member_id: Uuid) -> AppResult<Page> {
    scope.require(Action::ViewMembers)?;
    let today = scope.coop.today();
    let lines = service::register(state, scope, today, None, None).await?;
    let line = lines
        .into_iter()
        .find(|l| l.id == member_id)
        .ok_or(AppError::NotFound)?;
    let mut conn = db::conn(&state.pool).await?;
    let history = store::history(&mut conn, scope.coop.id, Some(member_id)).await?;
    let mut page = Page::in_coop(req, scope)?;
    page.insert("member", &line)
        .insert("history", &history)
        .insert("can_change", &scope.can(Action::ManageRegister))
        .insert("can_propose", &scope.can(Action::ManageBallots))
        .insert("is_board", &scope.roles.has(Role::Board))
        .insert("transitions", &TRANSITIONS)
        .insert("today", &today)
        .insert("form", &StatusForm::default());
    Ok(page)
}

/// One member's entry: their dated history, and the status change form.
pub async fn member(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    query: web::Query<DoneQuery>,
) -> AppResult<HttpResponse> {
    let mut page = member_page(&req, &state, &scope, path.1).await?;
    page.insert("done", &query.done);
    page.render("membership/member.html")
}

/// What the status change form sends: every field of every transition, the unused
/// ones empty.
#[derive(Default, Deserialize, serde::Serialize)]
pub struct StatusForm {
    #[serde(default)]
    transition: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    notice_date: String,
    #[serde(default)]
    effective_date: String,
    #[serde(default)]
    decision_ref: String,
    #[serde(default)]
    reason: String,
}

impl StatusForm {
    /// The transition the form describes, or the fields that are wrong.
    fn request(&self) -> Result<TransitionRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut date_of = |field: &str, value: &str, required: bool| -> Option<NaiveDate> {
            match value.trim() {
                "" if !required => None,
                text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                    Ok(date) => Some(date),
                    Err(_) => {
                        errors.push(FieldError::coded(field, "error-form-date", &[]));
                        None
                    }
                },
            }
        };
        let date = date_of("date", &self.date, !matches!(self.transition.as_str(), "resign"));
        let until = date_of("until", &self.until, false);
        let resign = self.transition == "resign";
        let notice = date_of("notice_date", &self.notice_date, resign);
        let effective = date_of("effective_date", &self.effective_date, resign);
        let (decision_ref, reason) = (self.decision_ref.clone(), self.reason.clone());
        let request = match (self.transition.as_str(), date) {
            ("start_probation", Some(date)) => Some(TransitionRequest::StartProbation { date, until }),
            ("admit", Some(date)) => Some(TransitionRequest::Admit { date, decision_ref }),
            ("go_on_leave", Some(from)) => Some(TransitionRequest::GoOnLeave { from, until }),
            ("return_from_leave", Some(date)) => Some(TransitionRequest::ReturnFromLeave { date }),
            ("expel", Some(date)) => Some(TransitionRequest::Expel {
                date,
                decision_ref,
                reason,
            }),
            ("reject", Some(date)) => Some(TransitionRequest::Reject {
                date,
                decision_ref,
                reason,
            }),
            ("withdraw", Some(date)) => Some(TransitionRequest::Withdraw { date }),
            ("resign", _) => notice
                .zip(effective)
                .map(|(notice_date, effective_date)| TransitionRequest::Resign {
                    notice_date,
                    effective_date,
                }),
            (name, _) if !TRANSITIONS.contains(&name) => {
                errors.push(FieldError::coded("transition", "error-member-choose-change", &[]));
                None
            }
            _ => None,
        };
        match request {
            Some(request) if errors.is_empty() => Ok(request),
            _ => Err(errors),
        }
    }
}

/// Records a change of status from the member's page.
pub async fn change_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    form: PageForm<StatusForm>,
) -> AppResult<HttpResponse> {
    // Refused before the form is read: a caller without the role learns nothing from it.
    scope.require(Action::ManageRegister)?;
    let member_id = path.1;
    let errors = match form.0.request() {
        Ok(request) => match service::change_status(&state, &scope, member_id, request).await {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "/c/{}/register/{member_id}?done=changed",
                    scope.coop.slug
                )))
            }
            Err(AppError::Conflict(message)) => vec![FieldError::new("transition", message)],
            Err(AppError::Validation(errors)) => errors,
            Err(other) => return Err(other),
        },
        Err(errors) => errors,
    };
    let mut page = member_page(&req, &state, &scope, member_id).await?;
    page.insert("form", &form.0).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/member.html")
}

/// What the import form sends: the CSV text, pasted.
#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
}

/// Imports a pasted register from the register page.
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<ImportForm>,
) -> AppResult<HttpResponse> {
    let errors = match service::import_register(&state, &scope, &form.0.csv).await {
        Ok(service::ImportStarted::Imported(count)) => {
            return Ok(see_other(&format!("/c/{}/register?imported={count}", scope.coop.slug)))
        }
        Ok(service::ImportStarted::Queued(job)) => {
            return Ok(see_other(&format!("/c/{}/register/imports/{job}", scope.coop.slug)))
        }
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::TooManyRows { rows, limit }) => {
            let lang = Page::in_coop(&req, &scope)?.lang;
            vec![FieldError::new(
                "csv",
                i18n::text_with(
                    lang,
                    "import-too-many-rows",
                    &[("rows", rows.to_string()), ("limit", limit.to_string())],
                ),
            )]
        }
        Err(other) => return Err(other),
    };
    let today = scope.coop.today();
    let lines = service::register(&state, &scope, today, None, None).await?;
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("lines", &lines)
        .insert("as_of", &today)
        .insert("status", &Option::<String>::None)
        .insert("q", "")
        .insert("statuses", &ALL_STATUSES)
        .insert("csv_query", "")
        .insert("can_import", &true)
        .insert("import_text", &form.0.csv)
        .insert("import_errors", &errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/register.html")
}

/// A register import running in the background: its progress (the page reloads
/// itself while it runs, no script needed), then what it did or every bad row.
pub async fn import_job(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    let job = service::import_job(&state, &scope, path.1).await?;
    let errors: Vec<FieldError> = job
        .result
        .as_ref()
        .and_then(|r| r.get("errors"))
        .and_then(|e| serde_json::from_value(e.clone()).ok())
        .unwrap_or_default();
    let detail = (job.status == "failed" && errors.is_empty())
        .then(|| {
            job.result
                .as_ref()
                .and_then(|r| r.get("detail"))
                .and_then(|d| d.as_str())
                .map(str::to_string)
        })
        .flatten();
    let mut page = Page::in_coop(&req, &scope)?;
    page.insert("job", &job)
        .insert(
            "imported",
            &job.result
                .as_ref()
                .and_then(|r| r.get("imported"))
                .and_then(|n| n.as_u64()),
        )
        .insert("import_errors", &errors)
        .insert("detail", &detail);
    page.render("membership/import_job.html")
}

/// What the profile form sends.
#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    employment_start: String,
    #[serde(default)]
    employment_status: String,
    board_notes: Option<String>,
}

/// Saves a member's profile from their register page.
pub async fn save_profile(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    form: PageForm<ProfileForm>,
) -> AppResult<HttpResponse> {
    let member_id = path.1;
    let start = match form.0.employment_start.trim() {
        "" => Ok(None),
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| vec![FieldError::coded("employment_start", "error-form-date", &[])]),
    };
    let errors = match start {
        Ok(employment_start) => {
            let change = service::ProfileChange {
                employment_start,
                employment_status: form.0.employment_status.clone(),
                board_notes: form.0.board_notes.clone(),
            };
            match service::update_profile(&state, &scope, member_id, &change).await {
                Ok(()) => {
                    return Ok(see_other(&format!(
                        "/c/{}/register/{member_id}?done=profile",
                        scope.coop.slug
                    )))
                }
                Err(AppError::Validation(errors)) => errors,
                Err(other) => return Err(other),
            }
        }
        Err(errors) => errors,
    };
    let mut page = member_page(&req, &state, &scope, member_id).await?;
    page.errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "membership/member.html")
}
