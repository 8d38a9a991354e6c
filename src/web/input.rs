//! Control characters in a request's text are refused before any handler reads it.
//!
//! One middleware looks at the query string and at every JSON, form and CSV body
//! (the rule is in [`super::text`]) and answers 422 problem+json naming each field —
//! pages get the same list on their error page. It runs before the caller is known:
//! the answer says only what is wrong with the request's own text, never anything
//! about the co-op or the route's data, so a stranger learns nothing from it.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PayloadError};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::HttpMessage;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;

use super::page::language;
use super::state::AppState;
use super::{i18n, text};
use crate::error::{AppError, AppResult, FieldError};

/// What a body is, for the check.
#[derive(Clone, Copy)]
enum Kind {
    Json,
    Form,
    Csv,
}

fn kind_of(req: &ServiceRequest) -> Option<Kind> {
    let content_type = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = content_type.split(';').next()?.trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Some(Kind::Json),
        "application/x-www-form-urlencoded" => Some(Kind::Form),
        "text/csv" => Some(Kind::Csv),
        _ => None,
    }
}

fn body_refused(kind: Kind, body: &[u8]) -> Vec<(String, usize)> {
    match kind {
        Kind::Json if text::json_may_hold_refused(body) => serde_json::from_slice(body)
            .map(|value| text::json_refused(&value))
            .unwrap_or_default(),
        Kind::Json => Vec::new(),
        Kind::Form => serde_html_form::from_bytes::<Vec<(String, String)>>(body)
            .map(|pairs| text::pairs_refused(&pairs))
            .unwrap_or_default(),
        // An import names its bad rows `line N`; this one does too.
        Kind::Csv => std::str::from_utf8(body)
            .ok()
            .and_then(text::first_refused_line)
            .map(|line| vec![(format!("line {line}"), line)])
            .unwrap_or_default(),
    }
}

/// Reads the body (at most the largest any route takes), checks it, and puts it back
/// for the handler, followed by whatever was not read.
async fn check_body(req: &mut ServiceRequest, kind: Kind) -> Vec<(String, usize)> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // The largest body any route takes: an import's, unless the operator made the
    // import limit smaller than the general one.
    let largest = req
        .app_data::<actix_web::web::Data<AppState>>()
        .map_or(crate::config::IMPORT_LIMIT, |state| {
            state.settings.import_limit.max(state.settings.body_limit)
        });
    if declared.is_some_and(|length| length > largest) {
        // The route refuses it as too large; no need to read it.
        return Vec::new();
    }
    let mut payload = req.take_payload();
    let mut buffered = BytesMut::new();
    let mut failed: Option<PayloadError> = None;
    let mut complete = true;
    while let Some(chunk) = payload.next().await {
        match chunk {
            Ok(chunk) => buffered.extend_from_slice(&chunk),
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
        if buffered.len() > largest {
            complete = false;
            break;
        }
    }
    let buffered: Bytes = buffered.freeze();
    let found = if complete && failed.is_none() {
        body_refused(kind, &buffered)
    } else {
        Vec::new()
    };
    let head = futures_util::stream::iter([Ok(buffered)]).chain(futures_util::stream::iter(failed.map(Err)));
    req.set_payload(Payload::Stream {
        payload: Box::pin(head.chain(payload)),
    });
    found
}

/// The middleware: 422 for a control character anywhere in the request's text.
pub async fn refuse_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let mut found = serde_html_form::from_str::<Vec<(String, String)>>(req.query_string())
        .map(|pairs| text::pairs_refused(&pairs))
        .unwrap_or_default();
    if found.is_empty() {
        if let Some(kind) = kind_of(&req) {
            found = check_body(&mut req, kind).await;
        }
    }
    if found.is_empty() {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let lang = language(req.request(), None, None);
    let errors = found
        .into_iter()
        .map(|(field, line)| {
            let message = i18n::text_with(lang, "input-control-character", &[("line", line.to_string())]);
            FieldError::new(field, message)
        })
        .collect();
    Ok(req.error_response(AppError::Validation(errors)).map_into_right_body())
}

/// Reads a request body of at most `limit` bytes; a larger one is refused with 413 and
/// the limit, as problem+json (actix's own answer would be plain text).
pub async fn body_within(payload: web::Payload, limit: usize) -> AppResult<web::Bytes> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(AppError::BadRequest(format!("the body could not be read: {e}"))),
        Err(_) => Err(AppError::PayloadTooLarge { limit }),
    }
}

/// An optional JSON body: `None` when the request has none. A body that is there but
/// too large, not JSON or of the wrong shape is refused as a required one would be,
/// never taken for no body.
pub async fn optional_json<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
) -> AppResult<Option<T>> {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.body_limit)
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let body = body_within(payload, limit).await?;
    if body.is_empty() {
        return Ok(None);
    }
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime_guess::mime::Mime>().ok())
        .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
    if !is_json {
        return Err(AppError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| json_error(JsonPayloadError::Deserialize(e), limit))
}

/// A JSON body's refusal: 413 past the limit, 415 for another type, 422 naming the
/// field for a wrong shape, 400 for what is not JSON at all.
pub fn json_error(error: JsonPayloadError, limit: usize) -> AppError {
    match error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            AppError::PayloadTooLarge { limit }
        }
        JsonPayloadError::ContentType => AppError::UnsupportedMediaType {
            expected: "application/json",
        },
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let message = e.to_string();
            let field = message
                .split('`')
                .nth(1)
                .filter(|_| message.starts_with("missing field") || message.starts_with("unknown field"))
                .unwrap_or("body");
            AppError::Validation(vec![FieldError::new(field, message.clone())])
        }
        JsonPayloadError::Deserialize(e) => AppError::BadRequest(format!("malformed JSON: {e}")),
        other => AppError::BadRequest(other.to_string()),
    }
}
