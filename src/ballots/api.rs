//! Ballot endpoints of the JSON API.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::service::{self, BallotInput, BallotView, CastInput, MeetingPapers, Receipt, ReceiptCheck};
use crate::auth::extract::{InCoop, MemberJson};
use crate::error::{AppResult, Problem};
use crate::web::state::AppState;

type BallotPath = web::Path<(String, Uuid)>;

/// The co-op's ballots, open ones first.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/ballots", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, description = "The ballots")), security(("bearer" = [])))]
pub async fn list(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state, &scope).await?))
}

/// Creates a draft ballot (secretaries and the board).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots", tag = "ballots", request_body = BallotInput,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = BallotView), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<BallotInput>,
) -> AppResult<HttpResponse> {
    let ballot = service::create(&state, &scope, &body).await?;
    Ok(HttpResponse::Created().json(service::view(&state, &scope, ballot.id).await?))
}

/// One ballot: questions, settings, turnout, the caller's participation and proxies,
/// and the result once closed.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/ballots/{ballot_id}", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = BallotView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn show(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Replaces a draft's title, settings and questions.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/ballots/{ballot_id}", tag = "ballots", request_body = BallotInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = BallotView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    body: MemberJson<BallotInput>,
) -> AppResult<HttpResponse> {
    service::update(&state, &scope, path.1, &body).await?;
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Opens a ballot: freezes the roll and publishes the seed of the lots.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/open", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = BallotView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn open(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    service::open(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Closes a ballot and computes its result, once.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/close", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = BallotView), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn close(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    service::close(&state, &scope, path.1).await?;
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Why a ballot is cancelled.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CancelInput {
    /// The reason, required.
    pub reason: String,
}

/// Cancels a draft or open ballot, with a reason.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/cancel", tag = "ballots", request_body = CancelInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = BallotView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn cancel(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    body: MemberJson<CancelInput>,
) -> AppResult<HttpResponse> {
    service::cancel(&state, &scope, path.1, &body.reason).await?;
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Records the hearing of the member a draft expulsion is about.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/hearing", tag = "ballots",
    request_body = service::HearingInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = BallotView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn hearing(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    body: MemberJson<service::HearingInput>,
) -> AppResult<HttpResponse> {
    service::record_hearing(&state, &scope, path.1, &body).await?;
    Ok(HttpResponse::Ok().json(service::view(&state, &scope, path.1).await?))
}

/// Casts a vote (or changes it, with the receipt on a secret ballot); answers the receipt.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/votes", tag = "ballots", request_body = CastInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 201, body = Receipt), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn cast(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    body: MemberJson<CastInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::cast(&state, &scope, path.1, &body).await?))
}

/// To whom a proxy is given.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ProxyInput {
    /// The member who will hold it.
    pub holder_id: Uuid,
}

/// Gives one's proxy for this ballot to another member.
#[utoipa::path(put, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/proxy", tag = "ballots", request_body = ProxyInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 204, description = "Given"), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn give_proxy(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    body: MemberJson<ProxyInput>,
) -> AppResult<HttpResponse> {
    service::give_proxy(&state, &scope, path.1, body.holder_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes one's proxy back (before it is used).
#[utoipa::path(delete, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/proxy", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 204, description = "Taken back"), (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn withdraw_proxy(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    service::withdraw_proxy(&state, &scope, path.1).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Records the paper votes of members present at a meeting, as an aggregate.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/meeting-papers", tag = "ballots",
    request_body = MeetingPapers,
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 201, description = "Papers recorded"), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn meeting_papers(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    body: MemberJson<MeetingPapers>,
) -> AppResult<HttpResponse> {
    let papers = service::record_meeting_papers(&state, &scope, path.1, &body).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "papers": papers })))
}

/// A line of the roll.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollEntry {
    /// The member.
    pub member_id: Uuid,
    /// Their number.
    pub number: Option<i64>,
    /// Their name.
    pub display_name: String,
    /// How they took part, if they did: `online`, `proxy` or `meeting`.
    pub participated: Option<String>,
}

/// The frozen roll and who has taken part (secretaries and the board).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/roll", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = Vec<RollEntry>), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn roll(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    let lines: Vec<RollEntry> = service::roll(&state, &scope, path.1)
        .await?
        .into_iter()
        .map(|l| RollEntry {
            member_id: l.member_id,
            number: l.number,
            display_name: l.display_name,
            participated: l.channel,
        })
        .collect();
    Ok(HttpResponse::Ok().json(lines))
}

/// How one member voted on an open (roll-call) ballot, published after the close.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollCallEntry {
    /// Their member number.
    pub number: Option<i64>,
    /// Their name.
    pub display_name: String,
    /// Their answers, one per question.
    #[schema(value_type = Vec<Object>)]
    pub answers: Vec<super::rules::Answer>,
}

/// Who chose what on a closed open (roll-call) ballot; refused on a secret ballot.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/roll-call", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = Vec<RollCallEntry>), (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn roll_call(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    let lines: Vec<RollCallEntry> = service::roll_call(&state, &scope, path.1)
        .await?
        .into_iter()
        .map(|(number, display_name, answers)| RollCallEntry {
            number,
            display_name,
            answers,
        })
        .collect();
    Ok(HttpResponse::Ok().json(lines))
}

/// The published receipt list of a closed ballot (SHA-256 of every receipt code).
#[utoipa::path(get, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/receipts", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = Vec<String>), (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn receipts(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::receipts(&state, &scope, path.1).await?))
}

/// A receipt code to check.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ReceiptInput {
    /// The code shown after voting.
    pub code: String,
}

/// Checks that the paper with this receipt is in the ballot (counted as cast; never what it says).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/receipts/check", tag = "ballots",
    request_body = ReceiptInput,
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, body = ReceiptCheck), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn check_receipt(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    body: MemberJson<ReceiptInput>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::check_receipt(&state, &scope, path.1, &body.code).await?))
}

/// Which question to export.
#[derive(Debug, Deserialize, IntoParams)]
pub struct QuestionQuery {
    /// The question, from 1 (default 1).
    pub question: Option<usize>,
}

/// The papers of an election question of a closed ballot as a BLT file: anonymous,
/// in random order; `concord tally` counts it with the server's code.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/papers.blt", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot"), QuestionQuery),
    responses((status = 200, description = "The BLT file", content_type = "text/plain"), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn papers_blt(
    state: web::Data<AppState>,
    scope: InCoop,
    path: BallotPath,
    query: web::Query<QuestionQuery>,
) -> AppResult<HttpResponse> {
    let question = query.question.unwrap_or(1).saturating_sub(1);
    let blt = service::papers_blt(&state, &scope, path.1, question).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"ballot-{}-q{}.blt\"", path.1, question + 1),
        ))
        .body(blt))
}

/// The results of a closed ballot as CSV.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/ballots/{ballot_id}/results.csv", tag = "ballots",
    params(("slug" = String, Path, description = "The co-op's short name"), ("ballot_id" = Uuid, Path, description = "The ballot")),
    responses((status = 200, description = "The results", content_type = "text/csv"), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn results_csv(state: web::Data<AppState>, scope: InCoop, path: BallotPath) -> AppResult<HttpResponse> {
    let csv = service::results_csv(&state, &scope, path.1).await?;
    Ok(crate::export::api::attachment(
        &format!("ballot-{}-results.csv", path.1),
        csv,
    ))
}
