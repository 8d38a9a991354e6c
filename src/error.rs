//! One error type for the whole application, answered as RFC 9457 problem details.
//!
//! Every API error is `application/problem+json` with a stable `type`; pages turn the
//! same errors into an HTML page (see `web::errors`). Internal errors are logged with
//! the request id and never show their detail to the caller.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A validation failure attached to one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct FieldError {
    /// The field's name as the client sent it (`email`, `roles[1]`).
    pub field: String,
    /// What is wrong, in a sentence of the caller's language.
    pub message: String,
    /// The stable code of what is wrong (`error-share-books-closed`), whatever the
    /// language; the Fluent message id of `message` (`locales/*/errors.ftl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl FieldError {
    /// A field error from a field name and a message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
            code: None,
        }
    }

    /// A field error by its stable code, put into words in the request's language.
    pub fn coded(field: impl Into<String>, code: &'static str, args: &[(&str, String)]) -> Self {
        FieldError {
            field: field.into(),
            message: i18n::say(code, args),
            code: Some(code.to_string()),
        }
    }
}

/// The problem details body (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened this time.
    pub detail: String,
    /// The invalid fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request to make instead, when the refused one has a lawful counterpart
    /// (closing an online ballot early: `POST …/cancel`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
}

/// Every error a request can end with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication is required")]
    Unauthorized,
    #[error("the e-mail or the password is wrong")]
    BadCredentials,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("the method is not allowed on this resource")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    /// An online ballot asked to close before its closing time while members on its
    /// roll have yet to vote: only a cancellation (`cancel`, the endpoint) may end it.
    #[error("{detail}")]
    ClosingEarly { detail: String, cancel: String },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// An import over the row limit, refused before any of it is read into the database.
    #[error("the file has {rows} rows; an import takes at most {limit} rows (the operator sets the limit: CONCORD_IMPORT_MAX_ROWS)")]
    TooManyRows { rows: usize, limit: usize },
    #[error("the content type must be {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("too many attempts: try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// An internal error with a message for the log (never shown to the caller).
    pub fn internal(message: impl Into<String>) -> Self {
        AppError::Internal(message.into())
    }

    /// A validation error on a single field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// A validation error on a single field, by its stable code (see [`FieldError::coded`]).
    pub fn coded_field(field: impl Into<String>, code: &'static str, args: &[(&str, String)]) -> Self {
        AppError::Validation(vec![FieldError::coded(field, code, args)])
    }

    /// A conflict with the state of things, by its stable code, put into words in the
    /// request's language.
    pub fn coded_conflict(code: &'static str, args: &[(&str, String)]) -> Self {
        AppError::Conflict(i18n::say(code, args))
    }

    /// The stable short name used in the problem `type`.
    pub fn slug(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation",
            AppError::BadRequest(_) => "bad-request",
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "bad-credentials",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::MethodNotAllowed => "method-not-allowed",
            AppError::Conflict(_) => "conflict",
            AppError::ClosingEarly { .. } => "closing-early",
            AppError::PayloadTooLarge { .. } => "payload-too-large",
            AppError::TooManyRows { .. } => "too-many-rows",
            AppError::UnsupportedMediaType { .. } => "unsupported-media-type",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::Unavailable => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The problem's title, in the request's language (`problem-<slug>` in
    /// `locales/*/errors.ftl`).
    fn title(&self) -> String {
        i18n::say(&format!("problem-{}", self.slug()), &[])
    }

    /// What happened, in the request's language: the message the error carries, or
    /// the kind's own sentence (`problem-<slug>-detail`) with its figures.
    fn detail(&self) -> String {
        let say = |args: &[(&str, String)]| i18n::say(&format!("problem-{}-detail", self.slug()), args);
        match self {
            AppError::BadRequest(message) | AppError::Conflict(message) => message.clone(),
            AppError::ClosingEarly { detail, .. } => detail.clone(),
            AppError::PayloadTooLarge { limit } => say(&[("limit", limit.to_string())]),
            AppError::TooManyRows { rows, limit } => say(&[("rows", rows.to_string()), ("limit", limit.to_string())]),
            AppError::UnsupportedMediaType { expected } => say(&[("expected", expected.to_string())]),
            AppError::TooManyRequests { retry_after_secs } => say(&[("seconds", retry_after_secs.to_string())]),
            // The cause of an internal error stays in the log.
            _ => say(&[]),
        }
    }

    /// The problem details body for this error.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("/problems/{}", self.slug()),
            title: self.title(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            errors: match self {
                AppError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            instead: match self {
                AppError::ClosingEarly { cancel, .. } => Some(format!("POST {cancel}")),
                _ => None,
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict(_) | AppError::ClosingEarly { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge { .. } | AppError::TooManyRows { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            tracing::error!(%cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if matches!(self, AppError::Unavailable) {
            // The database is usually back within seconds (a restart, a failover).
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        if matches!(self, AppError::Unauthorized | AppError::BadCredentials) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match error {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(Kind::UniqueViolation, info) => AppError::Conflict(format!(
                "this already exists ({})",
                info.constraint_name().unwrap_or("unique")
            )),
            Error::DatabaseError(Kind::ForeignKeyViolation, _) => AppError::NotFound,
            // The database's own rules (e.g. a vote on a ballot that closed meanwhile):
            // the change is refused as a conflict with the state of things.
            Error::DatabaseError(Kind::CheckViolation, info) => {
                AppError::Conflict(format!("refused by the database: {}", info.message()))
            }
            Error::DatabaseError(Kind::SerializationFailure, _) => {
                AppError::Conflict("a concurrent change got there first; try again".into())
            }
            // The database went away under the request (stopped, restarted, the network
            // cut): diesel-async reports a lost connection as "unable to send", and the
            // server's last words before it closes the session (SQLSTATE class 57,
            // "terminating connection …") carry no kind of their own.
            Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => AppError::Unavailable,
            Error::DatabaseError(Kind::Unknown, info) if info.message().starts_with("terminating connection") => {
                AppError::Unavailable
            }
            Error::BrokenTransactionManager => AppError::Unavailable,
            // The connection's lock or statement timeout ran out (the database is busy
            // with something long): the change was rolled back, and a retry may pass.
            Error::DatabaseError(_, info) if info.message().starts_with("canceling statement due to") => {
                AppError::Unavailable
            }
            // A NUL that got past the input check (PostgreSQL's 22021): the caller's
            // input is at fault, never the server.
            Error::DatabaseError(Kind::Unknown, info)
                if info.message().starts_with("invalid byte sequence for encoding") =>
            {
                AppError::field("request", "The request holds a character text cannot hold (NUL).")
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<tera::Error> for AppError {
    fn from(error: tera::Error) -> Self {
        use std::error::Error as _;
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        AppError::Internal(format!("template: {message}"))
    }
}

/// The result of every handler and service function.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of problem has its title and its sentence, in English and in French.
    #[test]
    fn every_problem_kind_is_put_into_words_in_both_languages() {
        let kinds = [
            AppError::Validation(Vec::new()),
            AppError::BadRequest("x".into()),
            AppError::Unauthorized,
            AppError::BadCredentials,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::MethodNotAllowed,
            AppError::Conflict("x".into()),
            AppError::ClosingEarly {
                detail: "x".into(),
                cancel: "/c".into(),
            },
            AppError::PayloadTooLarge { limit: 7 },
            AppError::TooManyRows { rows: 8, limit: 7 },
            AppError::UnsupportedMediaType {
                expected: "application/json",
            },
            AppError::TooManyRequests { retry_after_secs: 7 },
            AppError::Unavailable,
            AppError::Internal("the cause".into()),
        ];
        for error in &kinds {
            let in_lang = |lang: &'static str| {
                let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
                rt.block_on(i18n::per_request(lang, async { error.problem() }))
            };
            let (en, fr) = (in_lang("en"), in_lang("fr"));
            let slug = error.slug();
            for problem in [&en, &fr] {
                assert!(
                    !problem.title.starts_with("problem-") && !problem.title.is_empty(),
                    "{slug}"
                );
                assert!(
                    !problem.detail.starts_with("problem-") && !problem.detail.is_empty(),
                    "{slug}"
                );
                assert!(
                    !problem.detail.contains("the cause"),
                    "an internal cause stays in the log"
                );
            }
            assert_ne!(en.title, fr.title, "{slug}'s title is translated");
        }
    }
}
