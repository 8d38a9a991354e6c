//! What every request handler can reach: the pool, the settings, the keys, the
//! templates. It lives below the domains, which take it from their handlers.

use std::sync::Arc;

use rust_embed::RustEmbed;

use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::Settings;
use crate::db::DbPool;
use crate::error::AppResult;
use crate::mail::Mailer;
use crate::web::i18n::Translate;

/// Everything a request handler can reach.
pub struct AppState {
    /// Database connections.
    pub pool: DbPool,
    /// The configuration.
    pub settings: Arc<Settings>,
    /// Token signing and checking.
    pub keys: TokenKeys,
    /// Login throttling.
    pub throttle: LoginThrottle,
    /// The page templates.
    pub templates: Arc<tera::Tera>,
    /// Outgoing e-mail.
    pub mailer: Mailer,
    /// Work a request started and does not wait for (a password reset's link and
    /// mail, so the answer takes the same time whether the account exists).
    pub background: tokio_util::task::TaskTracker,
    /// Held while this process delivers the outbox.
    pub delivering: Arc<tokio::sync::Mutex<()>>,
    /// Held by this process's job workers while they run jobs.
    pub running_jobs: Arc<tokio::sync::RwLock<()>>,
}

#[derive(RustEmbed)]
#[folder = "templates/"]
struct TemplateFiles;

/// Compiles the templates embedded in the binary.
pub fn templates() -> AppResult<tera::Tera> {
    let mut tera = tera::Tera::default();
    let files: Vec<(String, String)> = TemplateFiles::iter()
        .filter_map(|name| {
            let file = TemplateFiles::get(&name)?;
            Some((name.to_string(), String::from_utf8_lossy(&file.data).into_owned()))
        })
        .collect();
    tera.add_raw_templates(files)?;
    tera.register_function("t", Translate);
    tera.register_filter("money", crate::web::i18n::money_filter);
    tera.register_filter("in_tz", crate::web::i18n::in_tz_filter);
    tera.register_filter("markdown", crate::web::markdown::filter);
    tera.autoescape_on(vec![".html"]);
    Ok(tera)
}

impl AppState {
    /// The state for a server using `pool`.
    pub fn new(settings: Settings, pool: DbPool) -> AppResult<AppState> {
        settings.validate()?;
        Ok(AppState {
            keys: TokenKeys::new(&settings.signing_key),
            throttle: LoginThrottle::new(&settings.throttle),
            templates: Arc::new(templates()?),
            mailer: Mailer::new(&settings.mail)?,
            settings: Arc::new(settings),
            pool,
            background: tokio_util::task::TaskTracker::new(),
            delivering: Arc::default(),
            running_jobs: Arc::default(),
        })
    }
}
