//! Year-end distribution endpoints of the JSON API: fiscal years, hours (and their
//! CSV import), distributions from draft to posted, the report and the notices, and
//! the retained patronage due for redemption under the revolving schedule.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::own_rules::{self, OwnRules, OwnRulesView};
use super::service::{
    self, DistributionView, HoursInput, NewDistribution, NewYear, Notice, PaymentInput, PaymentReversal, PostRequest,
    ProposeRequest, RedeemRequest, RedemptionReversal, ReverseRequest, RevolvingView,
};
use crate::auth::extract::{InCoop, MemberJson, OnRegister};
use crate::error::{AppError, AppResult, Problem};
use crate::web::state::AppState;

/// Whose hours.
#[derive(Deserialize, IntoParams)]
pub struct HoursQuery {
    /// One member (default: everyone, for treasurers).
    pub member_id: Option<Uuid>,
}

/// Which member's worked line the report shows, and whether to answer every line.
#[derive(Deserialize, IntoParams)]
pub struct FocusQuery {
    /// The member (default: the first with patronage).
    pub member_id: Option<Uuid>,
    /// Answer every member's line (default); `false` answers the totals only, for
    /// scripts on large co-ops.
    pub lines: Option<bool>,
}

/// Whether to answer every member's line.
#[derive(Deserialize, IntoParams)]
pub struct LinesQuery {
    /// Answer every member's line (default); `false` answers the totals only.
    pub lines: Option<bool>,
}

fn answer(mut view: DistributionView, lines: Option<bool>, scope: &InCoop) -> DistributionView {
    if lines == Some(false) {
        view.lines = Vec::new();
    }
    warned(view, scope)
}

/// The view with its warnings in the caller's language.
fn warned(view: DistributionView, scope: &InCoop) -> DistributionView {
    view.warned(&scope.caller.user.locale)
}

/// The co-op's fiscal years.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/fiscal-years", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, description = "The fiscal years, latest first")), security(("bearer" = [])))]
pub async fn years(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::years(&state, &scope).await?))
}

/// Creates a fiscal year (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/fiscal-years", tag = "patronage", request_body = NewYear,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, description = "The new year"), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_year(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<NewYear>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::create_year(&state, &scope, &body).await?))
}

/// Closes a fiscal year for hours (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/fiscal-years/{year_id}/close", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"), ("year_id" = Uuid, Path, description = "The year")),
    responses((status = 200, description = "The closed year"), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn close_year(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::close_year(&state, &scope, path.1).await?))
}

/// The hours of a year (treasurers: everyone's; a member: `?member_id=` their own).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"), ("year_id" = Uuid, Path, description = "The year"), HoursQuery),
    responses((status = 200, description = "The lines of hours"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn hours(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    query: web::Query<HoursQuery>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::hours(&state, &scope, path.1, query.member_id).await?))
}

/// Records a member's hours for a period, or corrects them (a reason is required
/// once the year is closed) (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours", tag = "patronage", request_body = HoursInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("year_id" = Uuid, Path, description = "The year")),
    responses((status = 201, description = "The line stored"), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_hours(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    body: MemberJson<HoursInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::record_hours(&state, &scope, path.1, &body).await?))
}

/// Imports a year's hours from CSV (`member,period_start,period_end,hours,wages`),
/// whole or not at all: a bad row imports nothing and the problem lists every bad
/// line (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours/import", tag = "patronage",
    request_body(content = String, content_type = "text/csv"),
    params(("slug" = String, Path, description = "The co-op's short name"), ("year_id" = Uuid, Path, description = "The year")),
    responses((status = 201, description = "How many lines were imported"), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn import_hours(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let body = crate::web::input::body_within(payload, state.settings.import_limit).await?;
    let text = std::str::from_utf8(&body).map_err(|_| AppError::field("line 1", "The file is not UTF-8 text."))?;
    let imported = service::import_hours(&state, &scope, path.1, text).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({"imported": imported})))
}

/// A member's hours, year by year (the member, or treasurers).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/members/{member_id}/hours", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"), ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 200, description = "Hours per year"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn member_hours(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::member_hours(&state, &scope, path.1).await?))
}

/// The co-op's distributions (treasurers and the board).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/distributions", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, description = "The distributions, newest first"), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn distributions(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::distributions(&state, &scope).await?))
}

/// Computes a draft distribution for a closed year and answers it at once
/// (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/distributions", tag = "patronage", request_body = NewDistribution,
    params(("slug" = String, Path, description = "The co-op's short name"), LinesQuery),
    responses((status = 201, body = DistributionView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_distribution(
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<LinesQuery>,
    body: MemberJson<NewDistribution>,
) -> AppResult<HttpResponse> {
    let view = service::create_distribution(&state, &scope, &body, query.lines != Some(false)).await?;
    Ok(HttpResponse::Created().json(warned(view, &scope)))
}

/// A distribution: totals, every member's line, a worked line, where it stands
/// (treasurers and the board).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/distributions/{distribution_id}", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution"), FocusQuery),
    responses((status = 200, body = DistributionView), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn distribution(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    query: web::Query<FocusQuery>,
) -> AppResult<HttpResponse> {
    let view = service::distribution(&state, &scope, path.1, query.member_id).await?;
    Ok(HttpResponse::Ok().json(answer(view, query.lines, &scope)))
}

/// Proposes a draft to the members, optionally attached to the approving ballot
/// (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/propose", tag = "patronage",
    request_body = ProposeRequest,
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution")),
    responses((status = 200, body = DistributionView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn propose(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let request: ProposeRequest = crate::web::input::optional_json(&req, payload)
        .await?
        .unwrap_or_default();
    Ok(HttpResponse::Ok().json(warned(
        service::propose(&state, &scope, path.1, &request).await?,
        &scope,
    )))
}

/// Takes a proposed or approved distribution back to draft (treasurers, the board).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/return", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution")),
    responses((status = 200, body = DistributionView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn return_to_draft(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(warned(service::return_to_draft(&state, &scope, path.1).await?, &scope)))
}

/// Posts an approved distribution: every ledger entry in one transaction.
/// Idempotent: posting it again answers it as posted and writes nothing (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/post", tag = "patronage",
    request_body = PostRequest,
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution"), LinesQuery),
    responses((status = 200, body = DistributionView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn post(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    query: web::Query<LinesQuery>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let request: PostRequest = crate::web::input::optional_json(&req, payload)
        .await?
        .unwrap_or_default();
    let view = service::post(&state, &scope, path.1, &request, query.lines != Some(false)).await?;
    Ok(HttpResponse::Ok().json(answer(view, query.lines, &scope)))
}

/// Reverses a posted distribution with a reason: opposite entries restore every
/// account to the cent (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/reverse", tag = "patronage",
    request_body = ReverseRequest,
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution")),
    responses((status = 200, body = DistributionView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn reverse(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    body: MemberJson<ReverseRequest>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(warned(service::reverse(&state, &scope, path.1, &body).await?, &scope)))
}

/// Records the payment of a share return or of cash patronage (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/payments", tag = "patronage",
    request_body = PaymentInput,
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution")),
    responses((status = 201, body = DistributionView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_payment(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    body: MemberJson<PaymentInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(warned(
        service::record_payment(&state, &scope, path.1, &body).await?,
        &scope,
    )))
}

/// Reverses a recorded payment, with a reason (treasurers): the amount is owed again.
#[utoipa::path(post,
    path = "/api/v1/coops/{slug}/distributions/{distribution_id}/payments/{payment_id}/reverse", tag = "patronage",
    request_body = PaymentReversal,
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution"),
        ("payment_id" = Uuid, Path, description = "The payment's ledger entry")),
    responses((status = 200, body = DistributionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn reverse_payment(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, Uuid)>,
    body: MemberJson<PaymentReversal>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(warned(
        service::reverse_payment(&state, &scope, path.1, path.2, &body).await?,
        &scope,
    )))
}

/// The report as CSV for the accountant (treasurers and the board).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/report.csv", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn report_csv(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    report_csv_download(&state, &scope, path.1).await
}

/// The CSV download of a report (the API and the report page).
pub async fn report_csv_download(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<HttpResponse> {
    let view = service::distribution(state, scope, id, None).await?;
    Ok(crate::export::api::attachment(
        &format!("distribution-{}.csv", view.fiscal_year.label),
        service::report_csv(&view)?,
    ))
}

/// A member's notice of allocation (the member once proposed; treasurers and the
/// board).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/notices/{member_id}", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution"),
        ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 200, body = Notice), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn notice(
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
    path: web::Path<(String, Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::notice(&state, &scope, path.1, path.2).await?))
}

/// Sends every member of a posted distribution their notice of allocation again
/// (treasurers): a job that queues them, answered at once with the job; their
/// delivery is followed on `GET /api/v1/coops/{slug}/notices`.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/distributions/{distribution_id}/notices", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution")),
    responses((status = 202, description = "The job that queues the notices"), (status = 403, body = Problem),
        (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn send_notices(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
) -> AppResult<HttpResponse> {
    let job = service::send_notices(&state, &scope, path.1).await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({ "job": job })))
}

/// The co-op's own rule set, from which a new distribution starts (treasurers and
/// the board).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/rule-set", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = OwnRulesView), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn own_rules(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(own_rules::get(&state, &scope).await?))
}

/// Saves the co-op's own rule set: a preset and the keys of `RULES.toml` that
/// override it (treasurers and the board).
#[utoipa::path(put, path = "/api/v1/coops/{slug}/rule-set", tag = "patronage", request_body = OwnRules,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, body = OwnRulesView), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn save_own_rules(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<OwnRules>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(own_rules::save(&state, &scope, &body).await?))
}

/// The date the retained patronage due is read on.
#[derive(Deserialize, IntoParams)]
pub struct AsOfQuery {
    /// The date (default: today).
    pub as_of: Option<chrono::NaiveDate>,
}

/// The retained patronage due for redemption on a date under the co-op's revolving
/// period, oldest year first (treasurers and the board).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/retained-patronage/due", tag = "patronage",
    params(("slug" = String, Path, description = "The co-op's short name"), AsOfQuery),
    responses((status = 200, body = RevolvingView), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn retained_due(
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<AsOfQuery>,
) -> AppResult<HttpResponse> {
    let as_of = query.as_of.unwrap_or_else(|| scope.coop.today());
    Ok(HttpResponse::Ok().json(service::due_for_redemption(&state, &scope, as_of).await?))
}

/// Redeems the retained patronage due on the date (every year due, or one), in one
/// transaction: capital-ledger entries, cash payables on each year's distribution,
/// an audit event (treasurers). A year already redeemed, or nothing due: 409.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/retained-patronage/redemptions", tag = "patronage",
    request_body = RedeemRequest,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = RevolvingView, description = "What was redeemed"), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn redeem_retained(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<RedeemRequest>,
) -> AppResult<HttpResponse> {
    // The body is required (`{}` redeems every year due today): a body that does
    // not read is refused, never taken for "everything".
    Ok(HttpResponse::Created().json(service::redeem_retained(&state, &scope, &body).await?))
}

/// Reverses the standing redemption of a member's retained patronage of a
/// distribution, with a reason (treasurers): the year is due again.
#[utoipa::path(post,
    path = "/api/v1/coops/{slug}/distributions/{distribution_id}/redemptions/{member_id}/reverse", tag = "patronage",
    request_body = RedemptionReversal,
    params(("slug" = String, Path, description = "The co-op's short name"),
        ("distribution_id" = Uuid, Path, description = "The distribution that retained the amount"),
        ("member_id" = Uuid, Path, description = "The member")),
    responses((status = 200, body = DistributionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn reverse_redemption(
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid, Uuid)>,
    body: MemberJson<RedemptionReversal>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::reverse_redemption(&state, &scope, path.1, path.2, &body).await?))
}
