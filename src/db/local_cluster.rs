//! A private PostgreSQL cluster under Concord's data directory.
//!
//! `concord serve` without `DATABASE_URL`, and the test harness, use this: it runs
//! `initdb` once, starts `postgres` listening only on a Unix socket inside the data
//! directory (no TCP port to collide with, no password to leak), waits until the server
//! reports itself ready, and stops it on [`LocalCluster::stop`] or on drop. The server
//! process also gets a parent-death signal, so a killed Concord never leaves it behind.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::{Gid, Pid, Uid, User};
use sha2::{Digest, Sha256};

/// The superuser `initdb` creates; it authenticates by the socket's file permissions.
pub const SUPERUSER: &str = "concord";

/// Unix socket paths are limited to 108 bytes including the `.s.PGSQL.5432` name.
const MAX_SOCKET_DIR_LEN: usize = 90;

/// Everything that can keep the local cluster from running, each with a sentence a
/// person can act on.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL server binaries were not found: install PostgreSQL 15 or newer \
         (on Debian or Ubuntu: `apt-get install postgresql`), or set DATABASE_URL to use an existing server"
    )]
    BinariesNotFound,
    #[error(
        "Concord runs as root, and PostgreSQL refuses to: create a `postgres` system user \
         (installing the postgresql package does) or run Concord as another user"
    )]
    NoPostgresUser,
    #[error("could not prepare the data directory {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("initdb failed (see {log}): {detail}")]
    Initdb { log: PathBuf, detail: String },
    #[error("PostgreSQL did not start (see {log}): {detail}")]
    Start { log: PathBuf, detail: String },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ClusterError + '_ {
    move |source| ClusterError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How the cluster is tuned: a production data directory must survive a power cut,
/// a throw-away test cluster need not.
#[derive(Debug, Clone, Copy)]
pub struct ClusterOptions {
    /// `false` turns off fsync and synchronous commit (tests only).
    pub durable: bool,
    /// `max_connections` of the server.
    pub max_connections: u32,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            durable: true,
            max_connections: 200,
        }
    }
}

/// A running local cluster.
#[derive(Debug)]
pub struct LocalCluster {
    pg_dir: PathBuf,
    socket_dir: PathBuf,
    log_path: PathBuf,
    /// The server this value started (none for one that was already running); the
    /// supervisor puts a restarted server here.
    child: Arc<Mutex<Option<Child>>>,
    /// The thread that restarts the server when it dies, once [`LocalCluster::supervise`]d.
    supervisor: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

/// How many times a supervised server was restarted after it died (`/metrics`:
/// `concord_postgres_restarts_total`).
pub static RESTARTS: LazyLock<prometheus::IntCounter> = LazyLock::new(|| {
    prometheus::IntCounter::new(
        "concord_postgres_restarts_total",
        "Restarts of the local PostgreSQL server after it died",
    )
    .expect("a valid metric")
});

/// The longest wait between two attempts to restart a dead server.
const MOST_BACKOFF: Duration = Duration::from_secs(30);

fn lock(child: &Mutex<Option<Child>>) -> std::sync::MutexGuard<'_, Option<Child>> {
    child.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The owner the server runs as when Concord itself runs as root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: Uid,
    gid: Gid,
}

impl LocalCluster {
    /// Initialises (once) and starts the cluster under `data_dir`.
    pub fn start(data_dir: &Path, options: ClusterOptions) -> Result<LocalCluster, ClusterError> {
        let bin = find_bindir().ok_or(ClusterError::BinariesNotFound)?;
        fs::create_dir_all(data_dir).map_err(io_err(data_dir))?;
        let data_dir = data_dir.canonicalize().map_err(io_err(data_dir))?;
        let run_as = if Uid::effective().is_root() {
            Some(postgres_owner(&data_dir.join("pg"))?)
        } else {
            None
        };
        let home = cluster_home(&data_dir, run_as.is_some())?;
        let pg_dir = home.join("pg");
        let socket_dir = socket_dir_for(&home);
        let log_path = data_dir.join("postgres.log");
        for dir in [&home, &socket_dir] {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        touch(&log_path)?;
        if let Some(owner) = run_as {
            // The server must reach its folders and write its log; nothing else of the
            // data directory (the signing key) is opened to it.
            set_mode(&data_dir, 0o711)?;
            set_mode(&home, 0o711)?;
            chown(&socket_dir, owner)?;
            chown(&log_path, owner)?;
        }
        set_mode(&socket_dir, 0o700)?;

        if !pg_dir.join("PG_VERSION").exists() {
            initdb(&bin, &pg_dir, &log_path, run_as)?;
        }
        // A server already running on this data directory (a `concord serve`, while an
        // operator's command runs beside it) is used as it is, and never stopped.
        if let Some(pid) = running_server(&pg_dir) {
            tracing::info!(
                pid,
                "using the PostgreSQL server already running on this data directory"
            );
            return Ok(LocalCluster {
                pg_dir,
                socket_dir,
                log_path,
                child: Arc::new(Mutex::new(None)),
                supervisor: None,
            });
        }
        clear_stale_lock_files(&pg_dir, &socket_dir);

        let log = fs::OpenOptions::new()
            .append(true)
            .open(&log_path)
            .map_err(io_err(&log_path))?;
        let log_err = log.try_clone().map_err(io_err(&log_path))?;
        let mut command = Command::new(bin.join("postgres"));
        command
            .arg("-D")
            .arg(&pg_dir)
            .arg("-k")
            .arg(&socket_dir)
            .args(["-c", "listen_addresses="])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(["-c", &format!("max_connections={}", options.max_connections)])
            .args(["-c", "logging_collector=off"]);
        if !options.durable {
            command.args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]);
        }
        command
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0);
        if let Some(owner) = run_as {
            command.uid(owner.uid.as_raw()).gid(owner.gid.as_raw());
        }
        // SAFETY: only async-signal-safe work (one prctl call) between fork and exec.
        // The one unsafe block of the workspace (the lints deny any other).
        #[allow(unsafe_code)]
        unsafe {
            command.pre_exec(|| nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from));
        }
        let child = command.spawn().map_err(|e| ClusterError::Start {
            log: log_path.clone(),
            detail: e.to_string(),
        })?;
        let mut cluster = LocalCluster {
            pg_dir,
            socket_dir,
            log_path,
            child: Arc::new(Mutex::new(Some(child))),
            supervisor: None,
        };
        cluster.wait_ready(Duration::from_secs(120))?;
        Ok(cluster)
    }

    /// The folder holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// A connection string (key/value form) for `database` on this cluster.
    pub fn connection_string(&self, database: &str) -> String {
        format!(
            "host='{}' user='{}' dbname='{}'",
            quote(&self.socket_dir.to_string_lossy()),
            SUPERUSER,
            quote(database)
        )
    }

    /// Waits until `postmaster.pid` says the server accepts connections, or the
    /// server exits, or the time runs out.
    fn wait_ready(&mut self, limit: Duration) -> Result<(), ClusterError> {
        let deadline = Instant::now() + limit;
        let pid_file = self.pg_dir.join("postmaster.pid");
        loop {
            let exited = lock(&self.child)
                .as_mut()
                .and_then(|child| child.try_wait().ok().flatten());
            if let Some(status) = exited {
                *lock(&self.child) = None;
                return Err(ClusterError::Start {
                    log: self.log_path.clone(),
                    detail: format!("the server exited with {status}: {}", log_tail(&self.log_path)),
                });
            }
            if let Ok(text) = fs::read_to_string(&pid_file) {
                if text.lines().nth(7).map(str::trim) == Some("ready") {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(ClusterError::Start {
                    log: self.log_path.clone(),
                    detail: "the server was not ready in time".into(),
                });
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Stops the server with a fast shutdown (open sessions are rolled back, committed
    /// data is safe) and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some((stopping, thread)) = self.supervisor.take() {
            stopping.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
        let child = lock(&self.child).take();
        if let Some(mut child) = child {
            let pid = Pid::from_raw(child.id() as i32);
            let _ = kill(pid, Signal::SIGINT);
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) if Instant::now() > deadline => {
                        let _ = kill(pid, Signal::SIGQUIT);
                        let _ = child.wait();
                        break;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }
    }

    /// The server's process id, while it runs and this value started it (`None` for
    /// a server of the same data directory that was already running).
    pub fn pid(&self) -> Option<u32> {
        lock(&self.child).as_ref().map(Child::id)
    }

    /// Watches the server this value started and, if it dies, starts it again (the
    /// same data directory and options), waiting 1 s, then twice as long after each
    /// failed attempt up to 30 s; each death is logged and counted in [`RESTARTS`].
    /// Meanwhile the application answers 503 and is ready again once the server is.
    /// A server that was already running (not started here) is not supervised.
    pub fn supervise(&mut self, data_dir: &Path, options: ClusterOptions) {
        if self.supervisor.is_some() || self.pid().is_none() {
            return;
        }
        let stopping = Arc::new(AtomicBool::new(false));
        let (child, stop, data_dir) = (self.child.clone(), stopping.clone(), data_dir.to_path_buf());
        // The restarted server's parent-death signal follows this thread, which lives
        // until the cluster is stopped.
        let thread = std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let died = lock(&child).as_mut().and_then(|c| c.try_wait().ok().flatten());
                let Some(status) = died else {
                    continue;
                };
                *lock(&child) = None;
                RESTARTS.inc();
                tracing::error!(%status, "the PostgreSQL server died; restarting it");
                let mut backoff = Duration::from_secs(1);
                while !stop.load(Ordering::Relaxed) {
                    match LocalCluster::start(&data_dir, options) {
                        Ok(restarted) => {
                            // The new server moves into the supervised slot; the value
                            // that started it, left empty, stops nothing when dropped.
                            *lock(&child) = lock(&restarted.child).take();
                            tracing::warn!("the PostgreSQL server is running again");
                            break;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, wait = ?backoff, "the PostgreSQL server could not be restarted yet");
                            let until = Instant::now() + backoff;
                            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                                std::thread::sleep(Duration::from_millis(100));
                            }
                            backoff = (backoff * 2).min(MOST_BACKOFF);
                        }
                    }
                }
            }
        });
        self.supervisor = Some((stopping, thread));
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn quote(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Finds the folder holding `initdb` and `postgres`: `CONCORD_PG_BINDIR` if set (and
/// nothing else then), else `pg_config --bindir`, then the newest
/// `/usr/lib/postgresql/*/bin`, then `PATH`.
pub fn find_bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("postgres").is_file() && dir.join("initdb").is_file();
    if let Some(dir) = std::env::var_os("CONCORD_PG_BINDIR") {
        let dir = PathBuf::from(dir);
        return has_server(&dir).then_some(dir);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_server(&dir) {
            return Some(dir);
        }
    }
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                Some((version, e.path().join("bin")))
            })
            .filter(|(_, dir)| has_server(dir))
            .collect();
        versions.sort();
        if let Some((_, dir)) = versions.pop() {
            return Some(dir);
        }
    }
    std::env::var_os("PATH").and_then(|path| std::env::split_paths(&path).find(|dir| has_server(dir)))
}

/// As root the server runs as the owner of an existing cluster (when that is not
/// root), otherwise as the `postgres` system user.
fn postgres_owner(pg_dir: &Path) -> Result<RunAs, ClusterError> {
    if let Ok(meta) = fs::metadata(pg_dir) {
        if meta.uid() != 0 {
            return Ok(RunAs {
                uid: Uid::from_raw(meta.uid()),
                gid: Gid::from_raw(meta.gid()),
            });
        }
    }
    let user = User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or(ClusterError::NoPostgresUser)?;
    Ok(RunAs {
        uid: user.uid,
        gid: user.gid,
    })
}

/// Where the cluster lives: inside the data directory, unless Concord runs as root and
/// some parent folder is closed to other users (say, under `/root`); then in a folder
/// under `/var/tmp` named after the data directory, so it is found again next time.
fn cluster_home(data_dir: &Path, as_root: bool) -> Result<PathBuf, ClusterError> {
    let reachable = data_dir
        .ancestors()
        .skip(1)
        .all(|dir| fs::metadata(dir).map(|m| m.mode() & 0o001 != 0).unwrap_or(false));
    if !as_root || reachable {
        return Ok(data_dir.to_path_buf());
    }
    let home = PathBuf::from("/var/tmp").join(format!("concord-{}", short_hash(data_dir)));
    tracing::warn!(
        data_dir = %data_dir.display(),
        cluster = %home.display(),
        "the data directory is not reachable by the postgres user; the cluster lives elsewhere"
    );
    Ok(home)
}

fn short_hash(path: &Path) -> String {
    hex::encode(&Sha256::digest(path.as_os_str().as_encoded_bytes())[..8])
}

fn socket_dir_for(home: &Path) -> PathBuf {
    let dir = home.join("run");
    if dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        dir
    } else {
        std::env::temp_dir().join(format!("concord-{}", short_hash(home)))
    }
}

fn touch(path: &Path) -> Result<(), ClusterError> {
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
        .map_err(io_err(path))
}

fn set_mode(path: &Path, mode: u32) -> Result<(), ClusterError> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(io_err(path))
}

fn chown(path: &Path, owner: RunAs) -> Result<(), ClusterError> {
    nix::unistd::chown(path, Some(owner.uid), Some(owner.gid)).map_err(|e| ClusterError::Io {
        path: path.to_path_buf(),
        source: e.into(),
    })
}

fn initdb(bin: &Path, pg_dir: &Path, log_path: &Path, run_as: Option<RunAs>) -> Result<(), ClusterError> {
    fs::create_dir_all(pg_dir).map_err(io_err(pg_dir))?;
    set_mode(pg_dir, 0o700)?;
    if let Some(owner) = run_as {
        chown(pg_dir, owner)?;
    }
    let mut command = Command::new(bin.join("initdb"));
    command
        .arg("-D")
        .arg(pg_dir)
        .args(["-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C"])
        .stdin(Stdio::null());
    if let Some(owner) = run_as {
        command.uid(owner.uid.as_raw()).gid(owner.gid.as_raw());
    }
    let out = command.output().map_err(|e| ClusterError::Initdb {
        log: log_path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if let Ok(mut log) = fs::OpenOptions::new().append(true).open(log_path) {
        let _ = log.write_all(&out.stdout);
        let _ = log.write_all(&out.stderr);
    }
    if !out.status.success() {
        return Err(ClusterError::Initdb {
            log: log_path.to_path_buf(),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(())
}

/// The process id of a PostgreSQL server of this very cluster that is running and
/// accepts connections, if there is one. One that is still starting is waited for
/// (up to a minute); one that is shutting down is waited out, and then there is none.
fn running_server(pg_dir: &Path) -> Option<i32> {
    let pid_file = pg_dir.join("postmaster.pid");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pid = read_pid(&pid_file).filter(|pid| is_our_postgres(*pid, pg_dir))?;
        let status = fs::read_to_string(&pid_file).ok()?;
        match status.lines().nth(7).map(str::trim) {
            Some("ready") => return Some(pid),
            _ if Instant::now() > deadline => return None,
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// After a crash the server's lock files may name a process id that now belongs to
/// another program (ids are reused quickly in containers), and PostgreSQL would then
/// refuse to start: such files are removed. (A live server of this cluster is never
/// touched: [`running_server`] found it first.)
fn clear_stale_lock_files(pg_dir: &Path, socket_dir: &Path) {
    let pid_file = pg_dir.join("postmaster.pid");
    if let Some(pid) = read_pid(&pid_file) {
        if !is_our_postgres(pid, pg_dir) {
            tracing::info!(pid, "removing a stale postmaster.pid left by a crash");
            let _ = fs::remove_file(&pid_file);
        }
    }
    let socket_lock = socket_dir.join(".s.PGSQL.5432.lock");
    if let Some(pid) = read_pid(&socket_lock) {
        if !is_our_postgres(pid, pg_dir) {
            let _ = fs::remove_file(&socket_lock);
            let _ = fs::remove_file(socket_dir.join(".s.PGSQL.5432"));
        }
    }
}

fn read_pid(path: &Path) -> Option<i32> {
    fs::read_to_string(path).ok()?.lines().next()?.trim().parse().ok()
}

fn is_our_postgres(pid: i32, pg_dir: &Path) -> bool {
    if kill(Pid::from_raw(pid), None).is_err() {
        return false;
    }
    // The postmaster runs with the data directory as its working directory.
    let cwd = fs::read_link(format!("/proc/{pid}/cwd")).ok();
    let canonical = pg_dir.canonicalize().ok();
    cwd.is_some() && cwd == canonical
}

fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
