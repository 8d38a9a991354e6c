//! Settings, typed and validated once at start.
//!
//! Every setting comes from a command-line flag with a `CONCORD_*` environment
//! fallback (see `docs/configuration.md`).

use std::fs;
use std::io::Write;
use std::num::NonZeroUsize;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::RngCore;

use crate::error::AppError;

/// Largest CSV file an import accepts by default (a register of some 100,000 people);
/// `Settings::import_limit` is the one in force.
pub const IMPORT_LIMIT: usize = 8 * 1024 * 1024;

/// Login throttling: a burst of attempts, then one more every `refill`.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleSettings {
    /// Attempts allowed at once for one account.
    pub per_account_burst: u32,
    /// Attempts allowed at once from one IP address.
    pub per_ip_burst: u32,
    /// How long until one more attempt is allowed.
    pub refill: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        ThrottleSettings {
            per_account_burst: 5,
            per_ip_burst: 30,
            refill: Duration::from_secs(60),
        }
    }
}

/// Where e-mail goes.
#[derive(Debug, Clone)]
pub enum MailSettings {
    /// One `.eml` file per message in this folder (the default: nothing leaves the machine).
    Outbox(PathBuf),
    /// An SMTP relay, as `smtp://user:pass@host:port` or `smtps://…`.
    Smtp(String),
}

/// The whole configuration of a running Concord.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Concord's own files: the local cluster, the signing key, the mail outbox.
    pub data_dir: PathBuf,
    /// An external PostgreSQL server; `None` starts the local cluster.
    pub database_url: Option<String>,
    /// The base URL people reach Concord at, used in e-mailed links.
    pub public_url: String,
    /// Whether cookies carry the `Secure` flag (true behind TLS).
    pub secure_cookies: bool,
    /// The key that signs tokens and session cookies.
    pub signing_key: Vec<u8>,
    /// Lifetime of API access tokens.
    pub access_token_ttl: Duration,
    /// Lifetime of a web session.
    pub session_ttl: Duration,
    /// Lifetime of a password-reset link.
    pub reset_token_ttl: Duration,
    /// Lifetime of an invitation link (72 hours; "invite those waiting" sends a new
    /// one to whoever let theirs expire).
    pub invitation_ttl: Duration,
    /// The sender of every e-mail.
    pub mail_from: String,
    /// Where e-mail goes.
    pub mail: MailSettings,
    /// Login throttling.
    pub throttle: ThrottleSettings,
    /// Behind how many reverse proxies Concord runs, whose `X-Forwarded-For` hops it
    /// trusts (`None`: the peer's address is the client's).
    pub trust_proxy: Option<NonZeroUsize>,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Database connections in the pool.
    pub pool_size: usize,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// Background workers for one-off jobs (register imports): at most this many
    /// of the pool's connections go to jobs at once.
    pub job_workers: usize,
    /// Run the ballot scheduler (scheduled openings, closes at the end of the window)
    /// in this process. Always on for `serve`; a test that drives the scheduler by
    /// hand turns it off.
    pub schedule_ballots: bool,
    /// Send the reminders (ballots closing within the day, instalments due) from this
    /// process, every quarter of an hour. Always on for `serve` (several servers
    /// remind each member once); the tests turn it off unless they test it, so the
    /// demo's reminders do not land in every test's outbox.
    pub send_reminders: bool,
    /// Whether anyone signed in may found a co-op (otherwise operators only).
    pub self_service_coops: bool,
    /// Where `/metrics` is served instead of beside the application, if anywhere else.
    pub metrics_bind: Option<String>,
    /// The bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<String>,
    /// How long a request's statement may run and wait for a lock.
    pub timeouts: crate::db::Timeouts,
    /// Largest CSV file an import accepts, in bytes (every import, API and pages).
    pub import_limit: usize,
    /// Most rows a register import accepts. Checked before the import takes its
    /// connection: a larger file is refused at once rather than holding the
    /// register's lock for minutes.
    pub import_max_rows: usize,
    /// Register imports of more rows than this run as a background job, followed on
    /// a page, rather than within the request.
    pub import_inline_rows: usize,
    /// Exports of more rows than this (a register of more people, an audit log of
    /// more events) are written in the background, followed on a page.
    pub export_inline_rows: usize,
}

impl Settings {
    /// Settings with defaults for everything but the data directory; the signing key
    /// is loaded from (or created in) the data directory.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Result<Settings, AppError> {
        let data_dir = data_dir.into();
        fs::create_dir_all(&data_dir)
            .map_err(|e| AppError::internal(format!("cannot create {}: {e}", data_dir.display())))?;
        secure_data_dir(&data_dir)?;
        let signing_key = load_or_create_key(&data_dir.join("signing-key"))?;
        Ok(Settings {
            mail: MailSettings::Outbox(data_dir.join("outbox")),
            data_dir,
            database_url: None,
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            signing_key,
            access_token_ttl: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(12 * 3600),
            reset_token_ttl: Duration::from_secs(3600),
            invitation_ttl: Duration::from_secs(72 * 3600),
            mail_from: "Concord <concord@localhost>".into(),
            throttle: ThrottleSettings::default(),
            trust_proxy: None,
            body_limit: 256 * 1024,
            pool_size: 16,
            job_workers: 2,
            workers: 0,
            schedule_ballots: true,
            send_reminders: true,
            self_service_coops: false,
            metrics_bind: None,
            metrics_token: None,
            timeouts: crate::db::Timeouts {
                statement: Duration::from_secs(60),
                lock: Duration::from_secs(5),
            },
            import_limit: IMPORT_LIMIT,
            import_max_rows: 100_000,
            import_inline_rows: 2_000,
            export_inline_rows: 10_000,
        })
    }

    /// Checks what types alone cannot.
    pub fn validate(&self) -> Result<(), AppError> {
        if self.signing_key.len() < 32 {
            return Err(AppError::field(
                "signing_key",
                "the signing key must be at least 32 bytes",
            ));
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(AppError::field(
                "public_url",
                "the public URL must start with http:// or https://",
            ));
        }
        if self.pool_size == 0 {
            return Err(AppError::field("pool_size", "the pool needs at least one connection"));
        }
        // The schedule and the outbox take a connection each as well; requests need
        // at least one of their own.
        if self.job_workers + 3 > self.pool_size {
            return Err(AppError::field(
                "job_workers",
                format!(
                    "{} job workers leave requests no connection of a pool of {}: lower --job-workers or raise --pool-size",
                    self.job_workers, self.pool_size
                ),
            ));
        }
        Ok(())
    }
}

/// The mode a data directory gets when its own is too open: no reading or writing by
/// the group or others (it holds the signing key, the outbox's reset links and the
/// local cluster). The search bits stay: when Concord runs as root, the `postgres`
/// system user must pass through to reach `<data>/pg`, and a search bit lists nothing.
/// `None` when the mode is already tight enough.
pub fn tightened_mode(mode: u32) -> Option<u32> {
    let mode = mode & 0o7777;
    (mode & 0o066 != 0).then_some(mode & !0o066)
}

/// Checks the data directory's own permissions at start, and tightens them with a
/// warning when the group or others could read or write it (refusing to start would
/// only make the operator run `chmod` by hand, and a fresh directory made under a
/// usual umask of 022 would be refused every first time).
fn secure_data_dir(dir: &Path) -> Result<(), AppError> {
    let mode = fs::metadata(dir)
        .map_err(|e| AppError::internal(format!("cannot read {}: {e}", dir.display())))?
        .permissions()
        .mode();
    if let Some(tight) = tightened_mode(mode) {
        fs::set_permissions(dir, fs::Permissions::from_mode(tight))
            .map_err(|e| AppError::internal(format!("cannot protect {}: {e}", dir.display())))?;
        tracing::warn!(
            dir = %dir.display(),
            was = format!("{:o}", mode & 0o7777),
            now = format!("{tight:o}"),
            "the data directory was readable by others; its permissions were tightened"
        );
    }
    Ok(())
}

/// The signing key: `CONCORD_SIGNING_KEY` (hex) wins; otherwise a random key generated
/// once into the data directory, readable by its owner only.
fn load_or_create_key(path: &Path) -> Result<Vec<u8>, AppError> {
    if let Ok(hex_key) = std::env::var("CONCORD_SIGNING_KEY") {
        return hex::decode(hex_key.trim())
            .map_err(|_| AppError::field("CONCORD_SIGNING_KEY", "the signing key must be hexadecimal"));
    }
    if let Ok(text) = fs::read_to_string(path) {
        return hex::decode(text.trim())
            .map_err(|_| AppError::internal(format!("{} is not a hexadecimal key", path.display())));
    }
    let mut key = [0u8; 64];
    rand::rng().fill_bytes(&mut key);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| AppError::internal(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(hex::encode(key).as_bytes())
        .map_err(|e| AppError::internal(format!("cannot write {}: {e}", path.display())))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        .map_err(|e| AppError::internal(format!("cannot protect {}: {e}", path.display())))?;
    Ok(key.to_vec())
}

#[cfg(test)]
mod tests {
    use super::tightened_mode;

    #[test]
    fn a_data_directory_others_could_read_is_tightened_keeping_search_bits() {
        assert_eq!(tightened_mode(0o40755), Some(0o711));
        assert_eq!(tightened_mode(0o777), Some(0o711));
        assert_eq!(tightened_mode(0o750), Some(0o710));
        assert_eq!(tightened_mode(0o700), None);
        assert_eq!(tightened_mode(0o711), None);
    }

    #[test]
    fn job_workers_always_leave_requests_a_connection() {
        let dir = std::env::temp_dir().join(format!("concord-settings-{}", std::process::id()));
        let mut settings = super::Settings::with_data_dir(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        settings.pool_size = 5;
        settings.job_workers = 2;
        assert!(settings.validate().is_ok());
        settings.job_workers = 3;
        let refused = settings.validate().unwrap_err().to_string();
        assert!(refused.contains("invalid fields"), "{refused}");
    }
}
