//! Share capital pages: the co-op's capital for treasurers, each member's statement,
//! and the treasurer's forms (classes, subscriptions, payments).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::PaymentMethod;
use super::service::{self, NewClass, Operation};
use crate::auth::extract::{InCoop, OnRegister};
use crate::auth::permissions::Action;
use crate::coops::store::Coop;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::page::{see_other, Page, PageForm};
use crate::web::state::AppState;

/// The query of the capital pages: the date, and which change just succeeded.
#[derive(Deserialize)]
pub struct CapitalQuery {
    as_of: Option<NaiveDate>,
    done: Option<String>,
    count: Option<usize>,
}

impl CapitalQuery {
    /// The date asked for, or today where `coop` is.
    fn date(&self, coop: &Coop) -> NaiveDate {
        self.as_of.unwrap_or_else(|| coop.today())
    }
}

async fn capital_page(req: &HttpRequest, state: &AppState, scope: &InCoop, as_of: NaiveDate) -> AppResult<Page> {
    let totals = service::totals(state, scope, as_of).await?;
    let classes = service::classes(state, scope).await?;
    let register = crate::membership::service::register(state, scope, as_of, None, None).await?;
    let names: std::collections::HashMap<Uuid, (Option<i64>, String)> = register
        .into_iter()
        .map(|l| (l.id, (l.number, l.display_name)))
        .collect();
    let accounts: Vec<serde_json::Value> = totals
        .accounts
        .iter()
        .map(|a| {
            let (number, name) = names.get(&a.member.0).cloned().unwrap_or_default();
            serde_json::json!({"member": a.member.0, "number": number, "name": name, "account": a})
        })
        .collect();
    let mut page = Page::in_coop(req, scope)?;
    page.insert("totals", &totals.totals)
        .insert("accounts", &accounts)
        .insert("classes", &classes)
        .insert("as_of", &as_of)
        .insert("can_manage", &scope.can(Action::ManageCapital))
        .insert("form", &ClassForm::default())
        .insert("holdings_text", "")
        .insert("holdings_errors", &Vec::<FieldError>::new());
    Ok(page)
}

/// What the holdings import sends: the CSV text, pasted or read from a file.
#[derive(Deserialize)]
pub struct HoldingsForm {
    #[serde(default)]
    csv: String,
}

/// Imports existing share holdings from the capital page.
pub async fn import_holdings(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<HoldingsForm>,
) -> AppResult<HttpResponse> {
    match service::import_holdings(&state, &scope, &form.0.csv).await {
        Ok(count) => Ok(see_other(&format!(
            "/c/{}/capital?done=holdings&count={count}",
            scope.coop.slug
        ))),
        Err(AppError::Validation(errors)) => {
            let mut page = capital_page(&req, &state, &scope, scope.coop.today()).await?;
            page.insert("holdings_text", &form.0.csv)
                .insert("holdings_errors", &errors);
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "shares/capital.html")
        }
        Err(other) => Err(other),
    }
}

/// The co-op's capital: totals, every member's account, the share classes.
pub async fn capital(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    query: web::Query<CapitalQuery>,
) -> AppResult<HttpResponse> {
    let mut page = capital_page(&req, &state, &scope, query.date(&scope.coop)).await?;
    page.insert("done", &query.done).insert("count", &query.count);
    page.render("shares/capital.html")
}

/// What the share-class form sends.
#[derive(Default, Deserialize, Serialize)]
pub struct ClassForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    par_value: String,
    #[serde(default)]
    qualifying: Option<String>,
    #[serde(default)]
    max_per_member: String,
    #[serde(default)]
    instalment_count: String,
    #[serde(default)]
    instalment_period_months: String,
}

fn optional_number(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<u32> {
    match text.trim() {
        "" => None,
        value => value.parse().map(Some).unwrap_or_else(|_| {
            errors.push(FieldError::coded(field, "error-form-whole-number-or-empty", &[]));
            None
        }),
    }
}

/// Creates a share class from the capital page.
pub async fn create_class(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    form: PageForm<ClassForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let mut errors = Vec::new();
    let new = NewClass {
        name: form.name.clone(),
        par_value: form.par_value.clone(),
        qualifying: form.qualifying.is_some(),
        max_per_member: optional_number("max_per_member", &form.max_per_member, &mut errors),
        instalment_count: optional_number("instalment_count", &form.instalment_count, &mut errors),
        instalment_period_months: optional_number(
            "instalment_period_months",
            &form.instalment_period_months,
            &mut errors,
        ),
    };
    if errors.is_empty() {
        match service::create_class(&state, &scope, &new).await {
            Ok(_) => return Ok(see_other(&format!("/c/{}/capital?done=class", scope.coop.slug))),
            Err(AppError::Validation(found)) => errors = found,
            Err(AppError::Conflict(message)) => errors.push(FieldError::new("name", message)),
            Err(other) => return Err(other),
        }
    }
    let mut page = capital_page(&req, &state, &scope, scope.coop.today()).await?;
    page.insert("form", &form).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "shares/capital.html")
}

async fn statement_page(
    req: &HttpRequest,
    state: &AppState,
    scope: &InCoop,
    member: Uuid,
    as_of: NaiveDate,
) -> AppResult<Page> {
    let statement = service::statement(state, scope, member, as_of).await?;
    // A former member reads their statement; the classes are for the forms of those
    // who may still subscribe or record.
    let classes = if scope.can(Action::ViewCoop) {
        service::classes(state, scope).await?
    } else {
        Vec::new()
    };
    // Who could receive a transfer (the board only sees this list).
    let others: Vec<serde_json::Value> = if scope.can(Action::ManageRegister) {
        crate::membership::service::register(state, scope, as_of, None, None)
            .await?
            .into_iter()
            .filter(|l| l.id != member && l.may_vote)
            .map(|l| serde_json::json!({"id": l.id, "name": l.display_name}))
            .collect()
    } else {
        Vec::new()
    };
    let mut page = Page::in_coop(req, scope)?;
    page.insert("statement", &statement)
        .insert("member_id", &member)
        .insert("classes", &classes)
        .insert("as_of", &as_of)
        .insert("today", &scope.coop.today())
        .insert("can_manage", &scope.can(Action::ManageCapital))
        .insert(
            "can_subscribe",
            &(scope.can(Action::ManageCapital) || (member == scope.member_id && scope.can(Action::Vote))),
        )
        .insert("can_decide", &scope.can(Action::ManageRegister))
        .insert("others", &others)
        .insert(
            "methods",
            &["bank_transfer", "cash", "cheque", "card", "payroll_deduction", "other"],
        )
        .insert("form", &EntryForm::default());
    Ok(page)
}

/// A member's capital statement.
pub async fn statement(
    req: HttpRequest,
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
    path: web::Path<(String, Uuid)>,
    query: web::Query<CapitalQuery>,
) -> AppResult<HttpResponse> {
    let mut page = statement_page(&req, &state, &scope, path.1, query.date(&scope.coop)).await?;
    page.insert("done", &query.done);
    page.render("shares/statement.html")
}

/// The signed-in member's own statement.
pub async fn my_statement(OnRegister(scope): OnRegister) -> AppResult<HttpResponse> {
    scope.require(Action::ViewOwnRecords)?;
    Ok(see_other(&format!(
        "/c/{}/capital/{}",
        scope.coop.slug, scope.member_id
    )))
}

/// What the subscription and payment forms send.
#[derive(Default, Deserialize, Serialize)]
pub struct EntryForm {
    #[serde(default)]
    operation: String,
    #[serde(default)]
    class_id: String,
    #[serde(default)]
    shares: String,
    #[serde(default)]
    in_instalments: Option<String>,
    #[serde(default)]
    subscription_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    decision_ref: String,
    #[serde(default)]
    buyer_id: String,
    #[serde(default)]
    reason: String,
}

impl EntryForm {
    fn operation(&self, member: Uuid) -> Result<Operation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError::coded("date", "error-form-date", &[])))
            .ok();
        let operation = match self.operation.as_str() {
            "subscribe" => {
                let class = Uuid::parse_str(&self.class_id)
                    .map_err(|_| errors.push(FieldError::coded("class_id", "error-share-choose-class", &[])))
                    .ok();
                let shares = self
                    .shares
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| errors.push(FieldError::coded("shares", "error-share-whole-shares", &[])))
                    .ok();
                match (class, shares, date) {
                    (Some(class_id), Some(shares), Some(date)) => Some(Operation::Subscribe {
                        member_id: member,
                        class_id,
                        shares,
                        date,
                        in_instalments: self.in_instalments.is_some(),
                        reason: Some(self.reason.trim().to_string()).filter(|r| !r.is_empty()),
                    }),
                    _ => None,
                }
            }
            "redemption" | "transfer" => {
                let class = Uuid::parse_str(&self.class_id)
                    .map_err(|_| errors.push(FieldError::coded("class_id", "error-share-choose-class", &[])))
                    .ok();
                let shares = self
                    .shares
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| errors.push(FieldError::coded("shares", "error-share-whole-shares", &[])))
                    .ok();
                let buyer = if self.operation == "transfer" {
                    Uuid::parse_str(&self.buyer_id)
                        .map_err(|_| errors.push(FieldError::coded("buyer_id", "error-share-choose-buyer", &[])))
                        .ok()
                } else {
                    None
                };
                match (class, shares, date, buyer) {
                    (Some(class_id), Some(shares), Some(date), Some(buyer_id)) => Some(Operation::Transfer {
                        seller_id: member,
                        buyer_id,
                        class_id,
                        shares,
                        date,
                        decision_ref: self.decision_ref.clone(),
                    }),
                    (Some(class_id), Some(shares), Some(date), None) if self.operation == "redemption" => {
                        Some(Operation::Redemption {
                            member_id: member,
                            class_id,
                            shares,
                            date,
                            decision_ref: self.decision_ref.clone(),
                        })
                    }
                    _ => None,
                }
            }
            "payment" => {
                let subscription = Uuid::parse_str(&self.subscription_id)
                    .map_err(|_| {
                        errors.push(FieldError::coded(
                            "subscription_id",
                            "error-share-choose-subscription",
                            &[],
                        ))
                    })
                    .ok();
                let method: Option<PaymentMethod> = serde_json::from_value(serde_json::json!(self.method))
                    .map_err(|_| errors.push(FieldError::coded("method", "error-share-choose-method", &[])))
                    .ok();
                match (subscription, method, date) {
                    (Some(subscription_id), Some(method), Some(date)) => Some(Operation::Payment {
                        subscription_id,
                        date,
                        amount: self.amount.clone(),
                        method,
                        reference: Some(self.reference.clone()).filter(|r| !r.trim().is_empty()),
                    }),
                    _ => None,
                }
            }
            _ => {
                errors.push(FieldError::coded("operation", "error-share-unknown-operation", &[]));
                None
            }
        };
        operation.filter(|_| errors.is_empty()).ok_or(errors)
    }
}

/// Records a subscription or a payment from a statement page.
pub async fn record(
    req: HttpRequest,
    state: web::Data<AppState>,
    scope: InCoop,
    path: web::Path<(String, Uuid)>,
    form: PageForm<EntryForm>,
) -> AppResult<HttpResponse> {
    // Refused before the form is read when no entry on this account is the caller's
    // to record (treasurers record most, secretaries and the board transfers and
    // redemptions, a member subscribes for themself).
    let member = path.1;
    if !(scope.can(Action::ManageCapital) || scope.can(Action::ManageRegister) || member == scope.member_id) {
        return Err(AppError::Forbidden);
    }
    let errors = match form.0.operation(member) {
        Ok(operation) => match service::record(&state, &scope, operation).await {
            Ok(_) => {
                let done = &form.0.operation;
                return Ok(see_other(&format!(
                    "/c/{}/capital/{member}?done={done}",
                    scope.coop.slug
                )));
            }
            Err(AppError::Validation(errors)) => errors,
            Err(AppError::Conflict(message)) => vec![FieldError::new(
                if form.0.operation == "payment" {
                    "amount"
                } else {
                    "shares"
                },
                message,
            )],
            Err(other) => return Err(other),
        },
        Err(errors) => errors,
    };
    let mut page = statement_page(&req, &state, &scope, member, scope.coop.today()).await?;
    page.insert("form", &form.0).errors(&errors);
    page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "shares/statement.html")
}

/// A member's ledger entries as CSV, from the statement page.
pub async fn statement_csv(
    state: web::Data<AppState>,
    OnRegister(scope): OnRegister,
    path: web::Path<(String, Uuid)>,
    query: web::Query<CapitalQuery>,
) -> AppResult<HttpResponse> {
    super::api::statement_csv_download(&state, &scope, path.1, query.date(&scope.coop)).await
}
