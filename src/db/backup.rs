//! `concord backup FILE` and `concord restore FILE`: the whole Concord database (every
//! co-op, the platform's logins and the audit log) as one `pg_dump` archive, and back.
//!
//! A backup is a consistent snapshot even while Concord serves (pg_dump reads in one
//! repeatable-read transaction). It is written beside its final name and renamed only
//! once complete, readable by its owner only: it holds personal data and password
//! hashes. A restore replaces the database's schema in one transaction, so a failure
//! leaves the database as it was; it refuses while other sessions are connected (stop
//! Concord first) and refuses to overwrite data unless asked to.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::db::local_cluster::find_bindir;
use crate::error::{AppError, AppResult};

/// What a backup holds, as counted in the snapshot's database just before it was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// Co-ops.
    pub coops: i64,
    /// Members of every co-op (any standing).
    pub members: i64,
    /// Audit events of every chain.
    pub audit_events: i64,
}

/// Tables whose presence in an archive says it is a Concord backup.
const MARKER_TABLES: [&str; 3] = ["__diesel_schema_migrations", "audit_events", "coops"];

/// Writes the archive of the database at `url` to `file`.
pub async fn backup(url: &str, file: &Path) -> AppResult<Contents> {
    let contents = count(url).await?;
    let partial = partial_path(file);
    let output = Command::new(tool("pg_dump")?)
        .args([
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            url,
            "--file",
        ])
        .arg(&partial)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| AppError::internal(format!("cannot run pg_dump: {e}")))?;
    if !output.status.success() {
        let _ = std::fs::remove_file(&partial);
        return Err(AppError::internal(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let finish = || -> std::io::Result<()> {
        std::fs::set_permissions(&partial, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, file)
    };
    finish().map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        AppError::internal(format!("cannot write {}: {e}", file.display()))
    })?;
    Ok(contents)
}

/// Replaces the database at `url` with the archive in `file`. With `replace` false, a
/// database that already holds logins or co-ops is left alone.
pub async fn restore(url: &str, file: &Path, replace: bool) -> AppResult<Contents> {
    check_archive(file)?;
    let (client, driver) = connect(url).await?;
    let others: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            &[],
        )
        .await
        .map_err(sql_err)?
        .get(0);
    if others > 0 {
        return Err(AppError::Conflict(format!(
            "{others} other session(s) are connected to the database: stop Concord before restoring"
        )));
    }
    let holds_data: bool = client
        .query_one(
            "SELECT to_regclass('public.users') IS NOT NULL \
             AND (EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM coops))",
            &[],
        )
        .await
        .map_err(sql_err)?
        .get(0);
    drop(client);
    let _ = driver.await;
    if holds_data && !replace {
        return Err(AppError::Conflict(
            "the database already holds logins or co-ops: pass --replace to overwrite them".into(),
        ));
    }
    load_archive(url, file)?;
    count(url).await
}

/// Refuses a file that is not a readable archive with Concord's tables.
fn check_archive(file: &Path) -> AppResult<()> {
    if !file.is_file() {
        return Err(AppError::field("file", format!("{} does not exist", file.display())));
    }
    let listing = Command::new(tool("pg_restore")?)
        .arg("--list")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| AppError::internal(format!("cannot run pg_restore: {e}")))?;
    let toc = String::from_utf8_lossy(&listing.stdout);
    let has_table = |name: &str| {
        toc.lines().any(|line| {
            line.split_whitespace()
                .collect::<Vec<_>>()
                .windows(3)
                .any(|w| w == ["TABLE", "public", name])
        })
    };
    if !listing.status.success() || !MARKER_TABLES.iter().all(|t| has_table(t)) {
        return Err(AppError::field(
            "file",
            format!("{} is not a Concord backup (made by `concord backup`)", file.display()),
        ));
    }
    Ok(())
}

/// Feeds the archive, as SQL, to psql in one transaction that first empties the schema:
/// tables a newer Concord added and the archive lacks go too, and the migrations the
/// archive records are applied again on the next start.
fn load_archive(url: &str, file: &Path) -> AppResult<()> {
    let mut sql = Command::new(tool("pg_restore")?)
        .args(["--no-owner", "--no-privileges", "--file", "-"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| AppError::internal(format!("cannot run pg_restore: {e}")))?;
    let script = sql.stdout.take().expect("piped stdout");
    let psql = Command::new(tool("psql")?)
        .args([
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set",
            "ON_ERROR_STOP=1",
        ])
        .args(["--dbname", url])
        .args([
            "--command",
            "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
        ])
        .args(["--file", "-"])
        .stdin(script)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| AppError::internal(format!("cannot run psql: {e}")))?;
    let dumped = sql
        .wait_with_output()
        .map_err(|e| AppError::internal(format!("pg_restore: {e}")))?;
    if !dumped.status.success() {
        return Err(AppError::internal(format!(
            "pg_restore failed, nothing was changed: {}",
            String::from_utf8_lossy(&dumped.stderr).trim()
        )));
    }
    if !psql.status.success() {
        return Err(AppError::internal(format!(
            "the restore failed, nothing was changed: {}",
            String::from_utf8_lossy(&psql.stderr).trim()
        )));
    }
    Ok(())
}

async fn count(url: &str) -> AppResult<Contents> {
    let (client, driver) = connect(url).await?;
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM coops), (SELECT count(*) FROM members), (SELECT count(*) FROM audit_events)",
            &[],
        )
        .await
        .map_err(sql_err)?;
    let contents = Contents {
        coops: row.get(0),
        members: row.get(1),
        audit_events: row.get(2),
    };
    drop(client);
    let _ = driver.await;
    Ok(contents)
}

async fn connect(url: &str) -> AppResult<(tokio_postgres::Client, tokio::task::JoinHandle<()>)> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| AppError::internal(format!("cannot connect to the database: {e}")))?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok((client, driver))
}

fn sql_err(e: tokio_postgres::Error) -> AppError {
    AppError::internal(format!("database: {e}"))
}

/// The PostgreSQL client tool `name` of the installed server's version.
fn tool(name: &str) -> AppResult<PathBuf> {
    let path = find_bindir()
        .map(|dir| dir.join(name))
        .filter(|p| p.is_file())
        .ok_or_else(|| AppError::internal(format!("{name} was not found: install the PostgreSQL client tools")))?;
    Ok(path)
}

/// The time in a rotated archive's name (UTC, to the millisecond, sortable).
const ROTATED_TIME: &str = "%Y%m%dT%H%M%S%.3fZ";

/// The name of a rotated archive written at `now`: `concord-20261207T031500.123Z.backup`.
/// Names sort as their times do.
pub fn rotated_name(now: chrono::DateTime<chrono::Utc>) -> String {
    format!("concord-{}.backup", now.format(ROTATED_TIME))
}

/// Which of `names` (the files of a backup folder) to remove so that the newest
/// `keep` rotated archives remain: only names [`rotated_name`] makes count, so an
/// operator's other files (and an archive still being written, `….partial`) are
/// never touched.
pub fn beyond_keep(names: &[String], keep: usize) -> Vec<String> {
    let is_rotated = |name: &str| {
        name.strip_prefix("concord-")
            .and_then(|rest| rest.strip_suffix(".backup"))
            .is_some_and(|time| chrono::NaiveDateTime::parse_from_str(time, ROTATED_TIME).is_ok())
    };
    let mut rotated: Vec<&String> = names.iter().filter(|n| is_rotated(n)).collect();
    rotated.sort_unstable_by(|a, b| b.cmp(a));
    rotated.into_iter().skip(keep).cloned().collect()
}

/// Removes the rotated archives of `dir` beyond the newest `keep`; returns their paths.
pub fn rotate(dir: &Path, keep: usize) -> AppResult<Vec<PathBuf>> {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| AppError::internal(format!("cannot read {}: {e}", dir.display())))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    let mut removed = Vec::new();
    for name in beyond_keep(&names, keep) {
        let path = dir.join(name);
        std::fs::remove_file(&path)
            .map_err(|e| AppError::internal(format!("cannot remove {}: {e}", path.display())))?;
        removed.push(path);
    }
    Ok(removed)
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

/// Writes one line per figure of `contents` (for the command line).
pub fn report(out: &mut impl Write, verb: &str, file: &Path, contents: &Contents) -> std::io::Result<()> {
    writeln!(
        out,
        "{verb} {}: {} co-op(s), {} member(s), {} audit event(s)",
        file.display(),
        contents.coops,
        contents.members,
        contents.audit_events
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_the_newest_archives_and_touches_nothing_else() {
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        let mut names: Vec<String> = ["2026-12-05T03:00:00Z", "2026-12-07T03:00:00Z", "2026-12-06T03:00:00.5Z"]
            .iter()
            .map(|t| rotated_name(at(t)))
            .collect();
        assert_eq!(names[0], "concord-20261205T030000.000Z.backup");
        names.extend([
            "notes.txt".into(),
            "concord-20261208T030000.000Z.backup.partial".into(),
            "concord-old.backup".into(),
        ]);
        assert_eq!(beyond_keep(&names, 2), ["concord-20261205T030000.000Z.backup"]);
        assert_eq!(beyond_keep(&names, 3), Vec::<String>::new());
        assert_eq!(beyond_keep(&names, 1).len(), 2);
    }
}
