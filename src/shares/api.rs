//! Share capital endpoints of the JSON API.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;

use crate::coops::store::Coop;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::rules::EntryKind;
use super::service::{self, NewClass, Operation, Statement, Totals};
use crate::auth::extract::{InCoop, MemberJson, OnRegister};
use crate::error::{AppResult, Problem};
use crate::web::state::AppState;

/// The date a statement or the totals are drawn up at.
#[derive(Deserialize, IntoParams)]
pub struct AsOf {
    /// The date (default: today).
    pub as_of: Option<NaiveDate>,
}

impl AsOf {
    /// The date asked for, or today where `coop` is.
    fn date(&self, coop: &Coop) -> NaiveDate {
        self.as_of.unwrap_or_else(|| coop.today())
    }
}

/// The co-op's share classes.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/share-classes", tag = "shares",
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 200, description = "The share classes")), security(("bearer" = [])))]
pub async fn classes(state: web::Data<AppState>, scope: InCoop) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::classes(&state, &scope).await?))
}

/// Creates a share class (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/share-classes", tag = "shares", request_body = NewClass,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, description = "The new class"), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_class(
    state: web::Data<AppState>,
    scope: InCoop,
    body: MemberJson<NewClass>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::create_class(&state, &scope, &body).await?))
}

/// Records a ledger operation: subscription, payment, transfer, redemption,
/// redemption payment or reversal. Answers the entries written.
#[utoipa::path(post, path = "/api/v1/coops/{slug}/capital/entries", tag = "shares", request_body = Operation,
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, description = "The entries written"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record(state: web::Data<AppState>, scope: InCoop, body: MemberJson<Operation>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(service::record(&state, &scope, body.into_inner()).await?))
}

/// The co-op's capital as of a date, with every member's account.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/capital", tag = "shares",
    params(("slug" = String, Path, description = "The co-op's short name"), AsOf),
    responses((status = 200, body = Totals), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn totals(state: web::Data<AppState>, scope: InCoop, query: web::Query<AsOf>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::totals(&state, &scope, query.date(&scope.coop)).await?))
}

/// A member's capital statement as of a date.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/members/{member_id}/capital", tag = "shares",
    params(("slug" = String, Path, description = "The co-op's short name"), ("member_id" = Uuid, Path, description = "The member"), AsOf),
    responses((status = 200, body = Statement), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn statement(
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
    path: web::Path<(String, Uuid)>,
    query: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::statement(&state, &scope, path.1, query.date(&scope.coop)).await?))
}

/// A member's ledger entries as CSV, for the accountant.
pub fn statement_csv(statement: &Statement) -> AppResult<Vec<u8>> {
    let mut writer = crate::export::CsvExport::new();
    writer.write_record(["date", "entry", "kind", "shares", "amount", "reference", "detail"])?;
    for entry in &statement.entries {
        let (kind, shares, amount, reference, detail) = match &entry.kind {
            EntryKind::Subscribe { shares, amount, .. } => {
                ("subscribe", Some(*shares), Some(*amount), None, String::new())
            }
            EntryKind::Payment {
                amount,
                reference,
                method,
                ..
            } => ("payment", None, Some(*amount), reference.clone(), format!("{method:?}")),
            EntryKind::TransferOut {
                shares,
                amount,
                decision_ref,
                ..
            } => ("transfer_out", Some(*shares), Some(*amount), None, decision_ref.clone()),
            EntryKind::TransferIn {
                shares,
                amount,
                decision_ref,
                ..
            } => ("transfer_in", Some(*shares), Some(*amount), None, decision_ref.clone()),
            EntryKind::Redemption {
                shares,
                amount,
                decision_ref,
                ..
            } => ("redemption", Some(*shares), Some(*amount), None, decision_ref.clone()),
            EntryKind::RedemptionPaid { amount, reference, .. } => {
                ("redemption_paid", None, Some(*amount), reference.clone(), String::new())
            }
            EntryKind::PatronageRetained { amount, fiscal_year } => {
                ("patronage_retained", None, Some(*amount), None, fiscal_year.to_string())
            }
            EntryKind::PatronageLoss { amount, fiscal_year } => {
                ("patronage_loss", None, Some(*amount), None, fiscal_year.to_string())
            }
            EntryKind::PatronageRedeemed { amount, fiscal_year } => {
                ("patronage_redeemed", None, Some(*amount), None, fiscal_year.to_string())
            }
            EntryKind::Reversal { of, reason } => ("reversal", None, None, None, format!("{} ({reason})", of.0)),
        };
        writer.write_record([
            entry.date.to_string(),
            entry.id.0.to_string(),
            kind.to_string(),
            shares.map(|s| s.to_string()).unwrap_or_default(),
            amount.map(|a| a.amount().to_string()).unwrap_or_default(),
            reference.unwrap_or_default(),
            detail,
        ])?;
    }
    writer.finish()
}

/// A member's ledger entries as CSV.
#[utoipa::path(get, path = "/api/v1/coops/{slug}/members/{member_id}/capital.csv", tag = "shares",
    params(("slug" = String, Path, description = "The co-op's short name"), ("member_id" = Uuid, Path, description = "The member"), AsOf),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn statement_csv_response(
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
    path: web::Path<(String, Uuid)>,
    query: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    statement_csv_download(&state, &scope, path.1, query.date(&scope.coop)).await
}

/// The CSV download of a member's entries (the API and the statement page).
pub async fn statement_csv_download(
    state: &AppState,
    scope: &InCoop,
    member: Uuid,
    as_of: NaiveDate,
) -> AppResult<HttpResponse> {
    let statement = service::statement(state, scope, member, as_of).await?;
    Ok(crate::export::api::attachment(
        &format!("capital-{member}-{as_of}.csv"),
        statement_csv(&statement)?,
    ))
}

/// Imports existing share holdings from CSV (`text/csv` body; columns `email, class,
/// shares, subscribed_on, paid, paid_on, reference`), whole or not at all: each row a
/// subscription and, for what was paid, a payment (treasurers).
#[utoipa::path(post, path = "/api/v1/coops/{slug}/capital/holdings/import", tag = "shares",
    request_body(content = String, content_type = "text/csv"),
    params(("slug" = String, Path, description = "The co-op's short name")),
    responses((status = 201, body = crate::membership::api::Imported), (status = 403, body = Problem),
        (status = 415, body = Problem),
        (status = 422, body = Problem, description = "Every bad row, as `line N`, and nothing imported")),
    security(("bearer" = [])))]
pub async fn import_holdings(
    state: web::Data<AppState>,
    scope: InCoop,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let body = crate::web::input::body_within(payload, state.settings.import_limit).await?;
    let text = crate::membership::api::csv_body(&req, &body)?;
    let imported = service::import_holdings(&state, &scope, text).await?;
    Ok(HttpResponse::Created().json(crate::membership::api::Imported { imported }))
}
