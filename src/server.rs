//! The actix application: middleware, the route table, static assets.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::middleware::{from_fn, DefaultHeaders};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer, Resource};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use diesel_async::RunQueryDsl;
use rust_embed::RustEmbed;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;

use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::input::json_error;
use crate::web::page::{html_errors, FormLimit};
pub use crate::web::state::AppState;
use crate::{
    audit, auth, ballots, bylaws, coops, dashboard, export, meetings, membership, notifications, patronage, shares,
};

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

/// The OpenAPI description of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Concord API", description = "Governance for worker co-operatives."),
    paths(
        auth::api::token,
        auth::api::logout_everywhere,
        auth::api::change_password,
        auth::api::request_reset,
        auth::api::confirm_reset,
        auth::api::me,
        auth::api::update_me,
        coops::api::list,
        coops::api::create,
        coops::api::show,
        coops::api::setup,
        coops::api::invite_waiting,
        shares::api::import_holdings,
        membership::api::list,
        membership::api::invite,
        membership::api::set_roles,
        membership::api::apply,
        membership::api::register,
        membership::api::register_csv,
        membership::api::change_status,
        membership::api::history,
        membership::api::import,
        membership::api::import_job,
        membership::api::update_profile,
        export::api::job,
        export::api::file,
        shares::api::classes,
        coops::api::parameters,
        coops::api::set_parameters,
        ballots::api::list,
        ballots::api::create,
        ballots::api::show,
        ballots::api::update,
        ballots::api::open,
        ballots::api::close,
        ballots::api::cancel,
        ballots::api::hearing,
        ballots::api::cast,
        ballots::api::give_proxy,
        ballots::api::withdraw_proxy,
        ballots::api::meeting_papers,
        ballots::api::roll,
        ballots::api::roll_call,
        ballots::api::receipts,
        ballots::api::check_receipt,
        ballots::api::papers_blt,
        ballots::api::results_csv,
        shares::api::create_class,
        shares::api::record,
        shares::api::totals,
        shares::api::statement,
        shares::api::statement_csv_response,
        audit::api::list,
        audit::api::csv,
        patronage::api::years,
        patronage::api::create_year,
        patronage::api::close_year,
        patronage::api::hours,
        patronage::api::record_hours,
        patronage::api::import_hours,
        patronage::api::member_hours,
        patronage::api::distributions,
        patronage::api::create_distribution,
        patronage::api::distribution,
        patronage::api::propose,
        patronage::api::return_to_draft,
        patronage::api::post,
        patronage::api::reverse,
        patronage::api::record_payment,
        patronage::api::reverse_payment,
        patronage::api::own_rules,
        patronage::api::save_own_rules,
        patronage::api::report_csv,
        patronage::api::notice,
        patronage::api::send_notices,
        patronage::api::retained_due,
        patronage::api::redeem_retained,
        patronage::api::reverse_redemption,
        bylaws::api::current,
        bylaws::api::import,
        bylaws::api::history,
        bylaws::api::version,
        bylaws::api::markdown,
        bylaws::api::compare,
        bylaws::api::amendments,
        bylaws::api::create_amendment,
        bylaws::api::amendment,
        bylaws::api::revise,
        bylaws::api::share,
        bylaws::api::withdraw,
        bylaws::api::rebase,
        bylaws::api::submit,
        bylaws::api::comments,
        bylaws::api::add_comment,
        bylaws::api::edit_comment,
        bylaws::api::hide_comment,
        meetings::api::list,
        meetings::api::create,
        meetings::api::show,
        meetings::api::update,
        meetings::api::held,
        meetings::api::cancel,
        meetings::api::agenda,
        meetings::api::attend,
        meetings::api::unattend,
        meetings::api::minutes,
        meetings::api::adopt,
        dashboard::api::dashboard,
        notifications::api::notifications,
        notifications::api::notices,
        notifications::api::notice,
        notifications::api::notice_csv,
        notifications::api::resend,
        notifications::api::preferences,
        notifications::api::set_preferences,
    ),
    components(schemas(FieldError)),
    modifiers(&BearerScheme, &ProblemResponses),
    tags((name = "auth"), (name = "coops"), (name = "membership"), (name = "shares"), (name = "ballots"), (name = "patronage"), (name = "bylaws"), (name = "meetings"), (name = "audit"), (name = "exports"))
)]
pub struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Every error answer is RFC 9457 problem+json (see `AppError::error_response`): the
/// document says so for each 4xx and 5xx response, whatever the handler annotated.
struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in operation.responses.responses.iter_mut() {
                    let RefOr::T(response) = response else { continue };
                    if !(status.starts_with('4') || status.starts_with('5')) {
                        continue;
                    }
                    if let Some(content) = response.content.shift_remove("application/json") {
                        response.content.insert("application/problem+json".into(), content);
                    }
                }
            }
        }
    }
}

/// A resource whose unlisted methods answer 405 as problem+json.
fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(|| async { Err::<HttpResponse, _>(AppError::MethodNotAllowed) }))
}

async fn not_found() -> AppResult<HttpResponse> {
    Err(AppError::NotFound)
}

/// Answers the whole request in one language (`i18n::per_request`): a signed-in
/// caller's own, resolved first, else the visitor's (language cookie, then
/// `Accept-Language`). A page may then take the co-op's for a visitor. Static files
/// and the probes ask nobody.
async fn answer_in_one_language(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let path = req.path();
    let asks_nobody = ["/static/", "/healthz", "/readyz", "/metrics"]
        .iter()
        .any(|p| path.starts_with(p));
    let caller = if asks_nobody {
        None
    } else {
        crate::auth::extract::caller_language(req.request()).await
    };
    let lang = caller.unwrap_or_else(|| crate::web::page::visitor_language(req.request()));
    crate::i18n::per_request(lang, next.call(req)).await
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn readyz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let check = async {
        let mut conn = db::conn(&state.pool).await?;
        diesel::sql_query("SELECT 1").execute(&mut conn).await?;
        Ok::<_, AppError>(())
    };
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(())) => Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready"}))),
        _ => Err(AppError::Unavailable),
    }
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

async fn static_file(req: HttpRequest) -> AppResult<HttpResponse> {
    let name = req.match_info().get("file").unwrap_or_default();
    let file = StaticFiles::get(name).ok_or(AppError::NotFound)?;
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .content_type(mime.as_ref())
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(file.data.into_owned()))
}

/// The Prometheus middleware; build it once and clone it into every worker. Every
/// path no route matches counts under one label, `UNMATCHED`: a scan of made-up
/// addresses cannot grow the metrics without bound.
pub fn metrics() -> AppResult<PrometheusMetrics> {
    let fail = |e: &dyn std::fmt::Display| AppError::internal(format!("metrics: {e}"));
    let metrics = PrometheusMetricsBuilder::new("concord")
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|e| fail(&e))?;
    metrics
        .registry
        .register(Box::new(crate::db::local_cluster::RESTARTS.clone()))
        .map_err(|e| fail(&e))?;
    Ok(metrics)
}

/// What `/metrics` reads: the registry, and the token it asks for.
#[derive(Clone)]
struct MetricsSource {
    registry: prometheus::Registry,
    token: Option<String>,
}

/// `GET /metrics`: the registry in Prometheus' text format; with a token configured,
/// only for `Authorization: Bearer <token>` (401 otherwise).
async fn metrics_page(req: HttpRequest, source: web::Data<MetricsSource>) -> HttpResponse {
    if let Some(token) = &source.token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes())) {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
                .finish();
        }
    }
    let mut body = Vec::new();
    match prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &source.registry.gather(), &mut body) {
        Ok(()) => HttpResponse::Ok().content_type(prometheus::TEXT_FORMAT).body(body),
        Err(e) => {
            tracing::error!(error = %e, "the metrics could not be encoded");
            HttpResponse::InternalServerError().finish()
        }
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The application: every route, with its middleware.
pub fn app(
    state: web::Data<AppState>,
    metrics: PrometheusMetrics,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = state.settings.body_limit;
    let import_limit = state.settings.import_limit;
    // `/metrics` beside the application, unless the operator serves it elsewhere.
    let metrics_here = state.settings.metrics_bind.is_none().then(|| MetricsSource {
        registry: metrics.registry.clone(),
        token: state.settings.metrics_token.clone(),
    });
    let mut headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"));
    if state.settings.secure_cookies {
        headers = headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains"));
    }
    App::new()
        .app_data(state)
        .app_data(
            web::JsonConfig::default()
                .limit(limit)
                .content_type_required(true)
                .error_handler(move |e, _| json_error(e, limit).into()),
        )
        .app_data(web::PayloadConfig::new(limit))
        .app_data(web::PathConfig::default().error_handler(|_: PathError, _| AppError::NotFound.into()))
        .app_data(
            web::QueryConfig::default()
                .error_handler(|e: QueryPayloadError, _| AppError::BadRequest(format!("bad query: {e}")).into()),
        )
        .wrap(from_fn(crate::web::input::refuse_control_characters))
        .wrap(from_fn(|req, next: actix_web::middleware::Next<_>| {
            crate::db::one_connection_per_request(next.call(req))
        }))
        .wrap(from_fn(html_errors))
        .wrap(from_fn(answer_in_one_language))
        .wrap(headers)
        .wrap(metrics)
        .wrap(TracingLogger::default())
        .service(resource("/healthz").route(web::get().to(healthz)))
        .service(resource("/readyz").route(web::get().to(readyz)))
        .configure(|cfg| {
            if let Some(source) = metrics_here {
                cfg.app_data(web::Data::new(source))
                    .service(resource("/metrics").route(web::get().to(metrics_page)));
            }
        })
        .service(resource("/api/openapi.json").route(web::get().to(openapi)))
        .service(
            web::scope("/api/v1")
                .service(resource("/auth/token").route(web::post().to(auth::api::token)))
                .service(resource("/auth/logout-everywhere").route(web::post().to(auth::api::logout_everywhere)))
                .service(resource("/auth/password").route(web::post().to(auth::api::change_password)))
                .service(resource("/auth/password-reset").route(web::post().to(auth::api::request_reset)))
                .service(resource("/auth/password-reset/confirm").route(web::post().to(auth::api::confirm_reset)))
                .service(
                    resource("/me")
                        .route(web::get().to(auth::api::me))
                        .route(web::put().to(auth::api::update_me)),
                )
                .service(
                    resource("/coops")
                        .route(web::get().to(coops::api::list))
                        .route(web::post().to(coops::api::create)),
                )
                .service(resource("/coops/{slug}").route(web::get().to(coops::api::show)))
                .service(resource("/coops/{slug}/setup").route(web::get().to(coops::api::setup)))
                .service(resource("/coops/{slug}/setup/invitations").route(web::post().to(coops::api::invite_waiting)))
                .service(
                    resource("/coops/{slug}/capital/holdings/import")
                        .app_data(web::PayloadConfig::new(import_limit))
                        .route(web::post().to(shares::api::import_holdings)),
                )
                .service(
                    resource("/coops/{slug}/members")
                        .route(web::get().to(membership::api::list))
                        .route(web::post().to(membership::api::invite)),
                )
                .service(
                    resource("/coops/{slug}/members/{member_id}/roles")
                        .route(web::put().to(membership::api::set_roles)),
                )
                .service(resource("/coops/{slug}/applications").route(web::post().to(membership::api::apply)))
                .service(resource("/coops/{slug}/register").route(web::get().to(membership::api::register)))
                .service(resource("/coops/{slug}/register.csv").route(web::get().to(membership::api::register_csv)))
                .service(
                    resource("/coops/{slug}/register/import")
                        .app_data(web::PayloadConfig::new(import_limit))
                        .route(web::post().to(membership::api::import)),
                )
                .service(
                    resource("/coops/{slug}/register/imports/{job_id}")
                        .route(web::get().to(membership::api::import_job)),
                )
                .service(resource("/coops/{slug}/exports/{export_id}").route(web::get().to(export::api::job)))
                .service(resource("/coops/{slug}/exports/{export_id}/file").route(web::get().to(export::api::file)))
                .service(
                    resource("/coops/{slug}/members/{member_id}/status")
                        .route(web::post().to(membership::api::change_status)),
                )
                .service(
                    resource("/coops/{slug}/members/{member_id}/history")
                        .route(web::get().to(membership::api::history)),
                )
                .service(
                    resource("/coops/{slug}/members/{member_id}/profile")
                        .route(web::put().to(membership::api::update_profile)),
                )
                .service(
                    resource("/coops/{slug}/share-classes")
                        .route(web::get().to(shares::api::classes))
                        .route(web::post().to(shares::api::create_class)),
                )
                .service(resource("/coops/{slug}/capital/entries").route(web::post().to(shares::api::record)))
                .service(resource("/coops/{slug}/capital").route(web::get().to(shares::api::totals)))
                .service(
                    resource("/coops/{slug}/members/{member_id}/capital").route(web::get().to(shares::api::statement)),
                )
                .service(
                    resource("/coops/{slug}/members/{member_id}/capital.csv")
                        .route(web::get().to(shares::api::statement_csv_response)),
                )
                .service(
                    resource("/coops/{slug}/ballots")
                        .route(web::get().to(ballots::api::list))
                        .route(web::post().to(ballots::api::create)),
                )
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}")
                        .route(web::get().to(ballots::api::show))
                        .route(web::put().to(ballots::api::update)),
                )
                .service(resource("/coops/{slug}/ballots/{ballot_id}/open").route(web::post().to(ballots::api::open)))
                .service(resource("/coops/{slug}/ballots/{ballot_id}/close").route(web::post().to(ballots::api::close)))
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/cancel").route(web::post().to(ballots::api::cancel)),
                )
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/hearing").route(web::post().to(ballots::api::hearing)),
                )
                .service(resource("/coops/{slug}/ballots/{ballot_id}/votes").route(web::post().to(ballots::api::cast)))
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/proxy")
                        .route(web::put().to(ballots::api::give_proxy))
                        .route(web::delete().to(ballots::api::withdraw_proxy)),
                )
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/meeting-papers")
                        .route(web::post().to(ballots::api::meeting_papers)),
                )
                .service(resource("/coops/{slug}/ballots/{ballot_id}/roll").route(web::get().to(ballots::api::roll)))
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/roll-call")
                        .route(web::get().to(ballots::api::roll_call)),
                )
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/receipts").route(web::get().to(ballots::api::receipts)),
                )
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/receipts/check")
                        .route(web::post().to(ballots::api::check_receipt)),
                )
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/papers.blt")
                        .route(web::get().to(ballots::api::papers_blt)),
                )
                .service(
                    resource("/coops/{slug}/ballots/{ballot_id}/results.csv")
                        .route(web::get().to(ballots::api::results_csv)),
                )
                .service(
                    resource("/coops/{slug}/parameters")
                        .route(web::get().to(coops::api::parameters))
                        .route(web::put().to(coops::api::set_parameters)),
                )
                .service(resource("/coops/{slug}/audit").route(web::get().to(audit::api::list)))
                .service(resource("/coops/{slug}/audit.csv").route(web::get().to(audit::api::csv)))
                .service(
                    resource("/coops/{slug}/fiscal-years")
                        .route(web::get().to(patronage::api::years))
                        .route(web::post().to(patronage::api::create_year)),
                )
                .service(
                    resource("/coops/{slug}/fiscal-years/{year_id}/close")
                        .route(web::post().to(patronage::api::close_year)),
                )
                .service(
                    resource("/coops/{slug}/fiscal-years/{year_id}/hours")
                        .route(web::get().to(patronage::api::hours))
                        .route(web::post().to(patronage::api::record_hours)),
                )
                .service(
                    resource("/coops/{slug}/fiscal-years/{year_id}/hours/import")
                        .app_data(web::PayloadConfig::new(import_limit))
                        .route(web::post().to(patronage::api::import_hours)),
                )
                .service(
                    resource("/coops/{slug}/members/{member_id}/hours")
                        .route(web::get().to(patronage::api::member_hours)),
                )
                .service(
                    resource("/coops/{slug}/distributions")
                        .route(web::get().to(patronage::api::distributions))
                        .route(web::post().to(patronage::api::create_distribution)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}")
                        .route(web::get().to(patronage::api::distribution)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/propose")
                        .route(web::post().to(patronage::api::propose)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/return")
                        .route(web::post().to(patronage::api::return_to_draft)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/post")
                        .route(web::post().to(patronage::api::post)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/reverse")
                        .route(web::post().to(patronage::api::reverse)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/payments")
                        .route(web::post().to(patronage::api::record_payment)),
                )
                .service(
                    resource("/coops/{slug}/rule-set")
                        .route(web::get().to(patronage::api::own_rules))
                        .route(web::put().to(patronage::api::save_own_rules)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/payments/{payment_id}/reverse")
                        .route(web::post().to(patronage::api::reverse_payment)),
                )
                .service(
                    resource("/coops/{slug}/retained-patronage/due").route(web::get().to(patronage::api::retained_due)),
                )
                .service(
                    resource("/coops/{slug}/retained-patronage/redemptions")
                        .route(web::post().to(patronage::api::redeem_retained)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/redemptions/{member_id}/reverse")
                        .route(web::post().to(patronage::api::reverse_redemption)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/report.csv")
                        .route(web::get().to(patronage::api::report_csv)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/notices")
                        .route(web::post().to(patronage::api::send_notices)),
                )
                .service(
                    resource("/coops/{slug}/distributions/{distribution_id}/notices/{member_id}")
                        .route(web::get().to(patronage::api::notice)),
                )
                .configure(bylaws::api::routes)
                .configure(meetings::api::routes)
                .configure(dashboard::api::routes)
                .configure(notifications::api::routes)
                .default_service(web::to(not_found)),
        )
        .configure(bylaws::pages::routes)
        .configure(meetings::pages::routes)
        .configure(crate::calendar::routes)
        .configure(dashboard::pages::routes)
        .configure(notifications::pages::routes)
        .service(resource("/static/{file:.*}").route(web::get().to(static_file)))
        .service(resource("/").route(web::get().to(auth::pages::home)))
        .service(
            resource("/login")
                .route(web::get().to(auth::pages::login_form))
                .route(web::post().to(auth::pages::login)),
        )
        .service(resource("/logout").route(web::post().to(auth::pages::logout)))
        .service(resource("/language").route(web::post().to(auth::pages::set_language)))
        .service(resource("/account").route(web::get().to(auth::pages::account)))
        .service(resource("/account/profile").route(web::post().to(auth::pages::save_profile)))
        .service(resource("/account/password").route(web::post().to(auth::pages::change_password)))
        .service(resource("/account/logout-everywhere").route(web::post().to(auth::pages::logout_everywhere)))
        .service(
            resource("/password/forgot")
                .route(web::get().to(auth::pages::forgot_form))
                .route(web::post().to(auth::pages::forgot)),
        )
        .service(
            resource("/password/reset")
                .route(web::get().to(auth::pages::reset_form))
                .route(web::post().to(auth::pages::reset)),
        )
        .service(
            resource("/invitations/accept")
                .route(web::get().to(membership::pages::accept_form))
                .route(web::post().to(membership::pages::accept)),
        )
        .configure(coops::pages::routes)
        .service(
            resource("/c/{slug}/parameters")
                .route(web::get().to(coops::pages::parameters))
                .route(web::post().to(coops::pages::save_parameters)),
        )
        .service(resource("/c/{slug}/members").route(web::get().to(membership::pages::list)))
        .service(resource("/c/{slug}/members/invite").route(web::post().to(membership::pages::invite)))
        .service(resource("/c/{slug}/members/{member_id}/roles").route(web::post().to(membership::pages::set_roles)))
        .service(
            resource("/c/{slug}/apply")
                .route(web::get().to(membership::pages::apply_form))
                .route(web::post().to(membership::pages::apply)),
        )
        .service(
            resource("/c/{slug}/apply/confirm")
                .route(web::get().to(membership::pages::confirm_form))
                .route(web::post().to(membership::pages::confirm)),
        )
        .service(resource("/c/{slug}/register").route(web::get().to(membership::pages::register)))
        .service(resource("/c/{slug}/register.csv").route(web::get().to(membership::pages::register_csv)))
        .service(
            resource("/c/{slug}/register/import")
                .app_data(web::PayloadConfig::new(import_limit))
                .app_data(FormLimit(import_limit))
                .route(web::post().to(membership::pages::import)),
        )
        .service(resource("/c/{slug}/register/imports/{job_id}").route(web::get().to(membership::pages::import_job)))
        .service(resource("/c/{slug}/exports/{export_id}").route(web::get().to(export::pages::job)))
        .service(resource("/c/{slug}/exports/{export_id}/file").route(web::get().to(export::pages::file)))
        .service(resource("/c/{slug}/register/{member_id}").route(web::get().to(membership::pages::member)))
        .service(
            resource("/c/{slug}/register/{member_id}/status").route(web::post().to(membership::pages::change_status)),
        )
        .service(
            resource("/c/{slug}/register/{member_id}/profile").route(web::post().to(membership::pages::save_profile)),
        )
        .service(resource("/c/{slug}/capital").route(web::get().to(shares::pages::capital)))
        .service(resource("/c/{slug}/capital/classes").route(web::post().to(shares::pages::create_class)))
        .service(
            resource("/c/{slug}/capital/holdings")
                .app_data(web::PayloadConfig::new(import_limit))
                .app_data(FormLimit(import_limit))
                .route(web::post().to(shares::pages::import_holdings)),
        )
        .service(resource("/c/{slug}/capital/me").route(web::get().to(shares::pages::my_statement)))
        .service(resource("/c/{slug}/capital/{member_id}").route(web::get().to(shares::pages::statement)))
        .service(resource("/c/{slug}/capital/{member_id}/entries").route(web::post().to(shares::pages::record)))
        .service(
            resource("/c/{slug}/capital/{member_id}/statement.csv").route(web::get().to(shares::pages::statement_csv)),
        )
        .service(
            resource("/c/{slug}/ballots")
                .route(web::get().to(ballots::pages::list))
                .route(web::post().to(ballots::pages::create)),
        )
        .service(resource("/c/{slug}/ballots/new").route(web::get().to(ballots::pages::new_form)))
        .service(resource("/c/{slug}/ballots/{ballot_id}").route(web::get().to(ballots::pages::show)))
        .service(
            resource("/c/{slug}/ballots/{ballot_id}/edit")
                .route(web::get().to(ballots::pages::edit_form))
                .route(web::post().to(ballots::pages::update)),
        )
        .service(
            resource("/c/{slug}/ballots/{ballot_id}/vote")
                .route(web::get().to(ballots::pages::vote_form))
                .route(web::post().to(ballots::pages::vote)),
        )
        .service(resource("/c/{slug}/ballots/{ballot_id}/proxy").route(web::post().to(ballots::pages::proxy)))
        .service(resource("/c/{slug}/ballots/{ballot_id}/check").route(web::post().to(ballots::pages::check_receipt)))
        .service(resource("/c/{slug}/ballots/{ballot_id}/roll").route(web::get().to(ballots::pages::roll)))
        .service(
            resource("/c/{slug}/ballots/{ballot_id}/meeting")
                .route(web::get().to(ballots::pages::meeting_form))
                .route(web::post().to(ballots::pages::meeting)),
        )
        .service(resource("/c/{slug}/ballots/{ballot_id}/results.csv").route(web::get().to(ballots::api::results_csv)))
        .service(resource("/c/{slug}/ballots/{ballot_id}/papers.blt").route(web::get().to(ballots::api::papers_blt)))
        .service(resource("/c/{slug}/ballots/{ballot_id}/receipts.txt").route(web::get().to(ballots::pages::receipts)))
        .service(resource("/c/{slug}/ballots/{ballot_id}/{action}").route(web::post().to(ballots::pages::act)))
        .service(resource("/c/{slug}/audit").route(web::get().to(audit::pages::list)))
        .service(resource("/c/{slug}/audit.csv").route(web::get().to(audit::pages::csv)))
        .service(resource("/c/{slug}/patronage").route(web::get().to(patronage::pages::home)))
        .service(resource("/c/{slug}/patronage/me").route(web::get().to(patronage::pages::mine)))
        .service(resource("/c/{slug}/patronage/years").route(web::post().to(patronage::pages::create_year)))
        .service(resource("/c/{slug}/patronage/rules").route(web::post().to(patronage::pages::save_rules)))
        .service(resource("/c/{slug}/patronage/retained").route(web::get().to(patronage::pages::retained)))
        .service(
            resource("/c/{slug}/patronage/retained/redeem").route(web::post().to(patronage::pages::redeem_retained)),
        )
        .service(resource("/c/{slug}/patronage/years/{year_id}").route(web::get().to(patronage::pages::year)))
        .service(
            resource("/c/{slug}/patronage/years/{year_id}/hours").route(web::post().to(patronage::pages::record_hours)),
        )
        .service(
            resource("/c/{slug}/patronage/years/{year_id}/import")
                .app_data(web::PayloadConfig::new(import_limit))
                .app_data(FormLimit(import_limit))
                .route(web::post().to(patronage::pages::import_hours)),
        )
        .service(
            resource("/c/{slug}/patronage/years/{year_id}/close").route(web::post().to(patronage::pages::close_year)),
        )
        .service(
            resource("/c/{slug}/patronage/distributions").route(web::post().to(patronage::pages::create_distribution)),
        )
        .service(
            resource("/c/{slug}/patronage/distributions/{distribution_id}")
                .route(web::get().to(patronage::pages::distribution)),
        )
        .service(
            resource("/c/{slug}/patronage/distributions/{distribution_id}/print")
                .route(web::get().to(patronage::pages::print)),
        )
        .service(
            resource("/c/{slug}/patronage/distributions/{distribution_id}/report.csv")
                .route(web::get().to(patronage::pages::report_csv)),
        )
        .service(
            resource("/c/{slug}/patronage/distributions/{distribution_id}/notice")
                .route(web::get().to(patronage::pages::my_notice)),
        )
        .service(
            resource("/c/{slug}/patronage/distributions/{distribution_id}/notice/{member_id}")
                .route(web::get().to(patronage::pages::member_notice)),
        )
        .service(
            resource("/c/{slug}/patronage/distributions/{distribution_id}/{action}")
                .route(web::post().to(patronage::pages::step)),
        )
        .default_service(web::to(not_found))
}

/// Serves `/metrics` alone on `address` (one worker), for an operator who keeps it
/// off the public address; it runs as long as the process.
fn serve_metrics_apart(address: &str, metrics: &PrometheusMetrics, token: Option<String>) -> std::io::Result<()> {
    let source = MetricsSource {
        registry: metrics.registry.clone(),
        token,
    };
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(source.clone()))
            .service(resource("/metrics").route(web::get().to(metrics_page)))
    })
    .workers(1)
    .disable_signals()
    .bind(address)?
    .run();
    tokio::spawn(server);
    Ok(())
}

/// Binds the HTTP server and returns it (not yet awaited) with its address.
pub fn bind(state: web::Data<AppState>, addr: &str) -> std::io::Result<(Server, SocketAddr)> {
    let listener = std::net::TcpListener::bind(addr)?;
    let address = listener.local_addr()?;
    Ok((listen(state, listener)?, address))
}

/// Serves on a listener the caller already bound (so it knows the address first).
pub fn listen(state: web::Data<AppState>, listener: std::net::TcpListener) -> std::io::Result<Server> {
    let metrics = metrics().map_err(std::io::Error::other)?;
    if let Some(address) = &state.settings.metrics_bind {
        serve_metrics_apart(address, &metrics, state.settings.metrics_token.clone())?;
    }
    let workers = state.settings.workers;
    let for_tasks = state.clone();
    let mut server = HttpServer::new(move || app(state.clone(), metrics.clone()))
        .shutdown_timeout(10)
        .disable_signals();
    if workers > 0 {
        server = server.workers(workers);
    }
    let server = server.listen(listener)?.run();
    let chainer = for_tasks.clone();
    spawn_every(AUDIT_CHAIN_EVERY, "audit chainer", move || {
        let state = chainer.clone();
        async move { audit::chain_pending(&mut *db::conn(&state.pool).await?).await.map(drop) }
    });
    crate::worker::Workers::of(&for_tasks).spawn();
    Ok(server)
}

/// How often committed audit events are given their places in the chains (from the
/// start, for events left unchained when the server stopped). Reading the log or
/// verifying it chains first, so this only bounds how long an event waits unchained.
const AUDIT_CHAIN_EVERY: Duration = Duration::from_secs(1);

/// Runs `task` at once and then every `period` until the runtime stops; a failure
/// is logged and the next run tries again.
fn spawn_every<F, Fut>(period: Duration, what: &'static str, mut task: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = AppResult<()>> + Send,
{
    tokio::spawn(async move {
        let mut every = tokio::time::interval(period);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = task().await {
                tracing::warn!(error = %e, "{what}");
            }
        }
    });
}
