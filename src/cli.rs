//! The command line: `concord serve`, `migrate`, `audit verify`, `user …`, `coop …`,
//! `remind`, `tally`, `allocate`, `backup`, `restore`.

use std::io::{BufRead, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{MailSettings, Settings};
use crate::coops::rules::NewCoop;
use crate::db::local_cluster::{ClusterOptions, LocalCluster};
use crate::error::{AppError, AppResult};
use crate::web::state::AppState;
use crate::{audit, auth, coops, db, demo, server};

/// Concord: governance for worker co-operatives.
#[derive(Parser, Debug)]
#[command(name = "concord", version, about)]
pub struct Cli {
    /// Concord's own files: the local database cluster, the signing key, the mail outbox.
    #[arg(long, env = "CONCORD_DATA_DIR", default_value = "./concord-data", global = true)]
    pub data_dir: PathBuf,
    /// Use this PostgreSQL server instead of the local cluster.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web pages and the JSON API.
    Serve(ServeArgs),
    /// Apply pending database migrations.
    Migrate,
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage logins.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage co-ops.
    Coop {
        #[command(subcommand)]
        command: CoopCommand,
    },
    /// Send the reminders due now: instalments of shares falling due today (then
    /// weekly while overdue), and ballots closing within a day to members who have
    /// not voted. A server sends them itself every quarter of an hour; this sends
    /// them at once (never twice to a member), and delivers the outbox.
    Remind(RemindArgs),
    /// Show the outbox: messages by status (queued, sent, failed: refused by the mail
    /// server, dead: not delivered after every retry), and the latest not delivered
    /// with the mail server's answer.
    Mail,
    /// Count a BLT ballot file offline, with exactly the server's counting code.
    Tally(TallyArgs),
    /// Compute a year-end distribution offline, with exactly the server's code.
    Allocate(AllocateArgs),
    /// Write the whole database (every co-op, the logins, the audit log) to FILE, a
    /// pg_dump archive readable by its owner only. Safe while Concord serves. With
    /// `--dir DIR --keep N` instead, write `DIR/concord-<UTC time>.backup` and keep
    /// the newest N such archives (for a daily cron job).
    Backup {
        /// The archive to write.
        #[arg(required_unless_present = "dir", conflicts_with = "dir")]
        file: Option<PathBuf>,
        /// Write a timestamped archive into this folder.
        #[arg(long, requires = "keep")]
        dir: Option<PathBuf>,
        /// With `--dir`: how many archives to keep, the newest (older ones are removed).
        #[arg(long, requires = "dir")]
        keep: Option<std::num::NonZeroUsize>,
    },
    /// Replace the database with the archive FILE made by `backup`, in one
    /// transaction. Stop Concord first.
    Restore {
        /// The archive to read.
        file: PathBuf,
        /// Overwrite a database that already holds logins or co-ops.
        #[arg(long)]
        replace: bool,
    },
}

/// Options of `remind`.
#[derive(Args, Debug)]
pub struct RemindArgs {
    /// The URL people reach Concord at, for the links in the e-mails.
    #[arg(long, env = "CONCORD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    /// Send through this SMTP relay instead of the outbox.
    #[arg(long, env = "CONCORD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of the e-mails.
    #[arg(long, env = "CONCORD_MAIL_FROM")]
    pub mail_from: Option<String>,
}

/// Options of `tally`.
#[derive(Args, Debug)]
pub struct TallyArgs {
    /// The ballot file (BLT format).
    pub file: PathBuf,
    /// plurality, approval, irv, stv (Scottish rules) or meek.
    #[arg(long, default_value = "stv")]
    pub method: String,
    /// Seats to fill, instead of the file's header.
    #[arg(long)]
    pub seats: Option<usize>,
    /// The seed of the lot that breaks ties, 64 hexadecimal digits; by default the
    /// SHA-256 of the file, so the same file always gives the same result.
    #[arg(long)]
    pub seed: Option<String>,
    /// Print the result as JSON instead of the round table.
    #[arg(long)]
    pub json: bool,
}

/// Options of `allocate`.
#[derive(Args, Debug)]
pub struct AllocateArgs {
    /// The rule set (TOML): an optional `preset` and keys that override it.
    #[arg(long)]
    pub rules: PathBuf,
    /// The members (CSV with header `member,hours,wages,capital`).
    #[arg(long)]
    pub members: PathBuf,
    /// The distributable surplus, e.g. 50000.00 (negative for a loss).
    #[arg(long, allow_hyphen_values = true)]
    pub surplus: String,
    /// Print the allocation as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Options of `serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Load the demo co-op (once) and print its logins.
    #[arg(long)]
    pub demo: bool,
    /// The address to listen on.
    #[arg(long, env = "CONCORD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The URL people reach Concord at (for links in e-mails); defaults to http://BIND.
    #[arg(long, env = "CONCORD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Mark cookies Secure and send HSTS (set when served over HTTPS).
    #[arg(long, env = "CONCORD_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Trust X-Forwarded-For for the client address (behind a reverse proxy).
    #[arg(long, env = "CONCORD_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// With --trust-proxy: how many reverse proxies stand in front of Concord (each
    /// appends one hop to X-Forwarded-For); the client is the hop just before them.
    #[arg(long, env = "CONCORD_TRUSTED_PROXIES", default_value_t = NonZeroUsize::MIN)]
    pub trusted_proxies: NonZeroUsize,
    /// Send e-mail through this SMTP relay (smtp:// or smtps://) instead of the outbox.
    #[arg(long, env = "CONCORD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of e-mails.
    #[arg(long, env = "CONCORD_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Database connections in the pool.
    #[arg(long, env = "CONCORD_POOL_SIZE", default_value_t = 16)]
    pub pool_size: usize,
    /// HTTP worker threads (0: one per core).
    #[arg(long, env = "CONCORD_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Background workers for long jobs (register imports); each takes at most one
    /// of the pool's connections at a time.
    #[arg(long, env = "CONCORD_JOB_WORKERS", default_value_t = 2)]
    pub job_workers: usize,
    /// Let anyone signed in found a co-op from the web (otherwise operators only).
    #[arg(long, env = "CONCORD_SELF_SERVICE_COOPS")]
    pub self_service_coops: bool,
    /// Serve `/metrics` on this address only (e.g. `127.0.0.1:9090`), not beside the app.
    #[arg(long, env = "CONCORD_METRICS_BIND")]
    pub metrics_bind: Option<String>,
    /// Answer `/metrics` only to `Authorization: Bearer <this token>`.
    #[arg(long, env = "CONCORD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Seconds one statement of a request may run before it is cancelled (503).
    #[arg(long, env = "CONCORD_STATEMENT_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub statement_timeout: u64,
    /// Seconds a request may wait for a lock before it gives up (503, to retry).
    #[arg(long, env = "CONCORD_LOCK_TIMEOUT", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub lock_timeout: u64,
    /// Largest CSV file an import accepts, in MiB (413 beyond).
    #[arg(long, env = "CONCORD_IMPORT_LIMIT_MIB", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub import_limit_mib: u64,
    /// Most rows a register import accepts (413 beyond, before any is written).
    #[arg(long, env = "CONCORD_IMPORT_MAX_ROWS", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub import_max_rows: u64,
    /// Register imports of more rows than this run as a background job, followed on
    /// a page, rather than within the request.
    #[arg(long, env = "CONCORD_IMPORT_INLINE_ROWS", default_value_t = 2_000)]
    pub import_inline_rows: usize,
    /// Exports of more rows than this (the register, the audit log) are written in
    /// the background, followed on a page, rather than within the request.
    #[arg(long, env = "CONCORD_EXPORT_INLINE_ROWS", default_value_t = 10_000)]
    pub export_inline_rows: usize,
}

/// `audit` subcommands.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk every co-op's chain; exit 1 naming the first broken link.
    Verify,
}

/// `user` subcommands.
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a login; the password is typed without echo, or read from standard
    /// input when it is a pipe.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// `en` or `fr`.
        #[arg(long, default_value = "en")]
        locale: String,
        /// Make this user an operator (creates co-ops, runs the instance).
        #[arg(long)]
        operator: bool,
    },
    /// Set a user's password (typed without echo, or read from standard input when
    /// it is a pipe); their tokens are revoked.
    SetPassword {
        #[arg(long)]
        email: String,
    },
}

/// `coop` subcommands.
#[derive(Subcommand, Debug)]
pub enum CoopCommand {
    /// Create a co-op.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "EUR")]
        currency: String,
        #[arg(long, default_value = "en")]
        locale: String,
        #[arg(long, default_value = "Europe/Paris")]
        time_zone: String,
        /// The e-mail of an existing user who becomes its first admin.
        #[arg(long)]
        admin: Option<String>,
    },
    /// List every co-op.
    List,
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("concord: {}", describe(&error));
            ExitCode::from(1)
        }
    }
}

fn describe(error: &AppError) -> String {
    match error {
        AppError::Internal(message) => message.clone(),
        AppError::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("CONCORD_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The database Concord uses: an external server, or the local cluster it started.
pub struct Database {
    /// The connection string.
    pub url: String,
    /// The local cluster, kept alive as long as this value.
    pub cluster: Option<LocalCluster>,
}

/// The database's name inside the local cluster.
pub const LOCAL_DATABASE: &str = "concord";

/// Opens the database: `DATABASE_URL` if given, otherwise the local cluster under the
/// data directory. Call it from the main thread: the cluster's server process is tied
/// to the thread that starts it.
pub fn open_database(data_dir: &std::path::Path, database_url: Option<&str>) -> AppResult<Database> {
    match database_url {
        Some(url) => Ok(Database {
            url: url.to_string(),
            cluster: None,
        }),
        None => {
            let cluster = LocalCluster::start(data_dir, ClusterOptions::default())
                .map_err(|e| AppError::internal(e.to_string()))?;
            Ok(Database {
                url: cluster.connection_string(LOCAL_DATABASE),
                cluster: Some(cluster),
            })
        }
    }
}

fn runtime() -> AppResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::internal(format!("cannot start the runtime: {e}")))
}

/// Prepares the database: creates the local one if needed and applies migrations.
pub async fn prepare(database: &Database) -> AppResult<Vec<String>> {
    if let Some(cluster) = &database.cluster {
        db::ensure_database(&cluster.connection_string("postgres"), LOCAL_DATABASE).await?;
    }
    db::migrate(&database.url).await
}

fn run(cli: Cli) -> AppResult<ExitCode> {
    // The offline commands need no database.
    let cli = match cli.command {
        Command::Tally(args) => return Ok(tally(args)),
        Command::Allocate(args) => return Ok(allocate(args)),
        _ => cli,
    };
    let mut database = open_database(&cli.data_dir, cli.database_url.as_deref())?;
    // A server's own PostgreSQL is restarted if it dies (from this, the main thread:
    // the supervisor's thread outlives every request).
    if let (Command::Serve(_), Some(cluster)) = (&cli.command, database.cluster.as_mut()) {
        cluster.supervise(&cli.data_dir, ClusterOptions::default());
    }
    let rt = runtime()?;
    let code = rt.block_on(async {
        let applied = prepare(&database).await?;
        let code = match cli.command {
            Command::Serve(args) => serve(&cli.data_dir, &database, args).await,
            Command::Migrate => {
                for migration in &applied {
                    println!("applied {migration}");
                }
                println!("migrations are up to date");
                Ok(ExitCode::SUCCESS)
            }
            Command::Audit {
                command: AuditCommand::Verify,
            } => verify(&database).await,
            Command::User { command } => user(&database, command).await,
            Command::Coop { command } => coop(&database, command).await,
            Command::Remind(args) => remind(&cli.data_dir, &database, args).await,
            Command::Mail => {
                let pool = db::pool(&database.url, 1)?;
                let (counts, undelivered) = crate::mail::overview(&mut *db::conn(&pool).await?).await?;
                for (status, count) in counts {
                    println!("{status}: {count}");
                }
                for mail in undelivered {
                    println!(
                        "not delivered: {} ({}, {} attempts): {}",
                        mail.recipient,
                        mail.status,
                        mail.attempts,
                        mail.last_answer.unwrap_or_default()
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Backup { file, dir, keep } => {
                // The snapshot carries a whole chain: nothing left pending.
                let pool = db::pool(&database.url, 1)?;
                audit::chain_pending(&mut *db::conn(&pool).await?).await?;
                let file = match (&file, &dir) {
                    (Some(file), _) => file.clone(),
                    (None, Some(dir)) => dir.join(db::backup::rotated_name(chrono::Utc::now())),
                    (None, None) => unreachable!("clap requires FILE or --dir"),
                };
                let contents = db::backup::backup(&database.url, &file).await?;
                db::backup::report(&mut std::io::stdout(), "wrote", &file, &contents).ok();
                if let (Some(dir), Some(keep)) = (dir, keep) {
                    for old in db::backup::rotate(&dir, keep.get())? {
                        println!("removed {}", old.display());
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Restore { file, replace } => {
                // Replacing the database under a server that is answering would pull
                // its data away mid-request.
                if database.cluster.as_ref().is_some_and(|c| c.pid().is_none()) {
                    return Err(AppError::Conflict(
                        "a Concord server is running on this data directory: stop it before restoring".into(),
                    ));
                }
                let contents = db::backup::restore(&database.url, &file, replace).await?;
                // An archive from an older Concord is brought up to this one's schema.
                for migration in db::migrate(&database.url).await? {
                    println!("applied {migration}");
                }
                db::backup::report(&mut std::io::stdout(), "restored", &file, &contents).ok();
                Ok(ExitCode::SUCCESS)
            }
            Command::Tally(_) | Command::Allocate(_) => unreachable!("handled before the database opens"),
        }?;
        // What the command wrote to the audit log is chained before it exits, so the
        // log is whole even when no server runs to chain it.
        let pool = db::pool(&database.url, 1)?;
        audit::chain_pending(&mut *db::conn(&pool).await?).await?;
        Ok(code)
    });
    drop(rt);
    drop(database);
    code
}

async fn serve(data_dir: &std::path::Path, database: &Database, args: ServeArgs) -> AppResult<ExitCode> {
    let mut settings = Settings::with_data_dir(data_dir)?;
    settings.database_url = database.cluster.is_none().then(|| database.url.clone());
    settings.public_url = args.public_url.unwrap_or_else(|| format!("http://{}", args.bind));
    settings.secure_cookies = args.secure_cookies;
    settings.trust_proxy = args.trust_proxy.then_some(args.trusted_proxies);
    settings.pool_size = args.pool_size;
    settings.workers = args.workers;
    settings.job_workers = args.job_workers;
    settings.self_service_coops = args.self_service_coops;
    settings.timeouts = db::Timeouts {
        statement: std::time::Duration::from_secs(args.statement_timeout),
        lock: std::time::Duration::from_secs(args.lock_timeout),
    };
    settings.metrics_bind = args.metrics_bind;
    settings.metrics_token = args.metrics_token.filter(|t| !t.is_empty());
    settings.import_limit = usize::try_from(args.import_limit_mib * 1024 * 1024).unwrap_or(usize::MAX);
    settings.import_max_rows = usize::try_from(args.import_max_rows).unwrap_or(usize::MAX);
    settings.import_inline_rows = args.import_inline_rows;
    settings.export_inline_rows = args.export_inline_rows;
    if let Some(url) = args.smtp_url {
        settings.mail = MailSettings::Smtp(url);
    }
    if let Some(from) = args.mail_from {
        settings.mail_from = from;
    }
    let pool = db::pool_with(&database.url, settings.pool_size, Some(settings.timeouts))?;
    let state = actix_web::web::Data::new(AppState::new(settings, pool)?);
    if args.demo {
        let logins = demo::load(&state.pool).await?;
        println!(
            "Demo co-op loaded. Log in with any of these (password: {}):",
            demo::PASSWORD
        );
        for (email, roles) in logins {
            println!("  {email:<28} {roles}");
        }
    }
    // Listen for SIGTERM before saying "ready", so a stop right after is clean.
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| AppError::internal(e.to_string()))?;
    let (server, address) = server::bind(state.clone(), &args.bind)
        .map_err(|e| AppError::internal(format!("cannot listen on {}: {e}", args.bind)))?;
    println!("Concord is ready at http://{address}/ (data in {})", data_dir.display());
    std::io::stdout().flush().ok();
    let handle = server.handle();
    let mut server = tokio::spawn(server);
    tokio::select! {
        result = &mut server => {
            result.map_err(|e| AppError::internal(e.to_string()))?.map_err(|e| AppError::internal(e.to_string()))?;
        }
        _ = tokio::signal::ctrl_c() => handle.stop(true).await,
        _ = terminate.recv() => handle.stop(true).await,
    }
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn verify(database: &Database) -> AppResult<ExitCode> {
    let pool = db::pool(&database.url, 1)?;
    let mut conn = db::conn(&pool).await?;
    let result = audit::verify_all(&mut conn).await?;
    let name = |coop: &Option<uuid::Uuid>| coop.map_or_else(|| "platform".to_string(), |id| format!("co-op {id}"));
    for (coop, count) in &result.chains {
        println!("{}: {count} events, intact", name(coop));
    }
    match result.broken {
        None => Ok(ExitCode::SUCCESS),
        Some((coop, link)) => {
            eprintln!("{}: broken at event {}: {}", name(&coop), link.seq, link.reason);
            Ok(ExitCode::from(1))
        }
    }
}

/// The password: typed at a terminal without echo, or one line of standard input when
/// it is a pipe (a script, a secret manager).
fn read_password() -> AppResult<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ")
            .map_err(|e| AppError::internal(format!("cannot read the password from the terminal: {e}")));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| AppError::internal(format!("cannot read the password from standard input: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

async fn user(database: &Database, command: UserCommand) -> AppResult<ExitCode> {
    let pool = db::pool(&database.url, 1)?;
    let mut conn = db::conn(&pool).await?;
    match command {
        UserCommand::Create {
            email,
            name,
            locale,
            operator,
        } => {
            let password = read_password()?;
            let user = auth::service::create_user(&mut conn, &email, &name, &locale, &password, operator).await?;
            println!("created {} ({})", user.email, user.id);
        }
        UserCommand::SetPassword { email } => {
            let password = read_password()?;
            let user = auth::store::find_by_email(&mut conn, &email)
                .await?
                .ok_or(AppError::NotFound)?;
            auth::password::check_new_password(&password, &user.email).map_err(|e| AppError::Validation(vec![e]))?;
            let hash = auth::password::hash(password).await?;
            use diesel_async::AsyncConnection;
            conn.transaction(async |conn| {
                auth::store::set_password(conn, user.id, &hash).await?;
                audit::append(
                    conn,
                    None,
                    None,
                    "user.password_set_by_operator",
                    &format!("user:{}", user.id),
                    serde_json::json!({}),
                )
                .await
            })
            .await?;
            println!("password set for {}; their sessions and tokens are revoked", user.email);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn coop(database: &Database, command: CoopCommand) -> AppResult<ExitCode> {
    let pool = db::pool(&database.url, 1)?;
    let mut conn = db::conn(&pool).await?;
    match command {
        CoopCommand::Create {
            slug,
            name,
            currency,
            locale,
            time_zone,
            admin,
        } => {
            let admin_id = match admin {
                Some(email) => Some(
                    auth::store::find_by_email(&mut conn, &email)
                        .await?
                        .ok_or_else(|| AppError::field("admin", format!("no user has the e-mail {email}")))?
                        .id,
                ),
                None => None,
            };
            let new = NewCoop {
                slug,
                name,
                currency,
                locale,
                time_zone,
                preset: None,
            };
            let coop = coops::service::create(&mut conn, None, new, admin_id).await?;
            println!("created {} ({})", coop.slug, coop.id);
        }
        CoopCommand::List => {
            for coop in coops::store::all(&mut conn).await? {
                println!(
                    "{:<24} {:<40} {} {} {}",
                    coop.slug, coop.name, coop.currency, coop.locale, coop.time_zone
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a file for an offline command; a missing file is bad input (exit 2).
fn read_input(path: &std::path::Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("concord: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })
}

fn tally(args: TallyArgs) -> ExitCode {
    use crate::ballots::tally::{self, blt, Method};
    use sha2::{Digest, Sha256};
    let text = match read_input(&args.file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let bad_input = |message: String| {
        eprintln!("concord: {message}");
        ExitCode::from(2)
    };
    let method: Method = match args.method.parse() {
        Ok(method) => method,
        Err(e) => return bad_input(format!("{e}")),
    };
    let mut election = match blt::read_blt(&text) {
        Ok(election) => election,
        Err(e) => return bad_input(format!("{}: {e}", args.file.display())),
    };
    if let Some(seats) = args.seats {
        election.seats = seats;
    }
    let seed: [u8; 32] = match args.seed.as_deref() {
        None => Sha256::digest(text.as_bytes()).into(),
        Some(hex_seed) => match hex::decode(hex_seed).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) {
            Some(seed) => seed,
            None => return bad_input("the seed must be 64 hexadecimal digits".into()),
        },
    };
    match tally::count(method, &election, seed) {
        Ok(result) if args.json => {
            println!("{}", serde_json::to_string_pretty(&result).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(result) => {
            print!("{}", tally::render_table(&result, &election));
            ExitCode::SUCCESS
        }
        Err(e) => bad_input(format!("{}: {e}", args.file.display())),
    }
}

fn allocate(args: AllocateArgs) -> ExitCode {
    use crate::patronage::offline;
    let (rules, members) = match (read_input(&args.rules), read_input(&args.members)) {
        (Ok(rules), Ok(members)) => (rules, members),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    match offline::run(&rules, &members, &args.surplus) {
        Ok(allocation) if args.json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&offline::to_json(&allocation)).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Ok(allocation) => {
            print!("{}", offline::render_table(&allocation));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("concord: {e}");
            ExitCode::from(e.exit_code().clamp(1, 255) as u8)
        }
    }
}

async fn remind(data_dir: &std::path::Path, database: &Database, args: RemindArgs) -> AppResult<ExitCode> {
    let mut settings = Settings::with_data_dir(data_dir)?;
    settings.public_url = args.public_url;
    if let Some(url) = args.smtp_url {
        settings.mail = MailSettings::Smtp(url);
    }
    if let Some(from) = args.mail_from {
        settings.mail_from = from;
    }
    let pool = db::pool(&database.url, 2)?;
    let mailer = crate::mail::Mailer::new(&settings.mail)?;
    let (instalments, ballots) = {
        let mut conn = db::conn(&pool).await?;
        let instalments = crate::shares::service::remind(&mut conn, &settings).await?;
        (
            instalments,
            crate::ballots::service::remind(&mut conn, &settings).await?,
        )
    };
    // The reminders are in the outbox: deliver them now rather than wait for a
    // server (a server running beside this delivers its share too, never the same).
    let workers = crate::worker::Workers {
        pool,
        settings: std::sync::Arc::new(settings),
        mailer,
        delivering: Default::default(),
        running_jobs: Default::default(),
    };
    let delivered = workers.deliver_mail().await?;
    println!("{instalments} instalment reminders and {ballots} ballot reminders sent");
    let waiting = delivered.failed + delivered.deferred;
    if waiting > 0 {
        println!("{waiting} messages not delivered now: see `concord mail` (a server delivers those it can retry)");
    }
    Ok(ExitCode::SUCCESS)
}
