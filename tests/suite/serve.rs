//! `concord serve` as a newcomer runs it: its own cluster under the data directory,
//! a clean stop, a restart on the same data, recovery from a stale lock file, and a
//! clear sentence when PostgreSQL is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::process::{self, Served};
use crate::common::DEMO_PASSWORD;

fn data_dir(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `concord serve --demo` on its own cluster under `data`.
fn serve(data: &Path) -> Served {
    process::serve(&["--demo"], &[("CONCORD_DATA_DIR", data.as_os_str())])
}

fn stop(served: Served) {
    served.stop();
}

fn postmaster_pid(data: &Path) -> Option<String> {
    std::fs::read_to_string(data.join("pg/postmaster.pid")).ok()
}

async fn log_in(url: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/token"))
        .json(&serde_json::json!({"email": "admin@demo.coop", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn serve_starts_stops_and_restarts_on_the_same_data() {
    let data = data_dir("restart");
    let first = serve(&data);
    assert_eq!(
        reqwest::get(format!("{}/readyz", first.url)).await.unwrap().status(),
        200
    );
    assert_eq!(log_in(&first.url).await, 200);
    // Listening on a socket inside the data directory, never on TCP.
    let settings = std::fs::read_to_string(data.join("pg/postmaster.pid")).unwrap();
    assert!(
        settings.lines().nth(5).unwrap_or("x").trim().is_empty(),
        "no TCP listen address: {settings}"
    );
    stop(first);
    assert!(postmaster_pid(&data).is_none(), "the cluster stopped with the server");
    let key = std::fs::read_to_string(data.join("signing-key")).unwrap();
    let second = serve(&data);
    assert_eq!(log_in(&second.url).await, 200, "the same demo logins after a restart");
    assert_eq!(
        std::fs::read_to_string(data.join("signing-key")).unwrap(),
        key,
        "the same signing key"
    );
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(data.join("signing-key")).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    stop(second);
    std::fs::remove_dir_all(&data).ok();
}

#[tokio::test]
async fn serve_recovers_from_a_stale_lock_file_after_a_crash() {
    let data = data_dir("stale");
    let first = serve(&data);
    stop(first);
    // A crash leaves postmaster.pid behind, naming a process id that now belongs to
    // some other program (here: this test).
    let stale = format!(
        "{}\n{}\n0\n5432\n\n\n0 0\nready   \n",
        std::process::id(),
        data.join("pg").display()
    );
    std::fs::write(data.join("pg/postmaster.pid"), stale).unwrap();
    let second = serve(&data);
    assert_eq!(log_in(&second.url).await, 200);
    stop(second);
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn missing_postgresql_is_one_clear_sentence_and_exit_code_1() {
    let data = data_dir("missing");
    let output = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["serve"])
        .env("CONCORD_DATA_DIR", &data)
        .env("CONCORD_PG_BINDIR", "/nonexistent")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("PostgreSQL server binaries were not found: install PostgreSQL 15 or newer"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn migrate_applies_and_reports() {
    let data = data_dir("migrate");
    let output = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["migrate"])
        .env("CONCORD_DATA_DIR", &data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("applied 20261125000001"), "{stdout}");
    // A second run has nothing left to apply.
    let again = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["migrate"])
        .env("CONCORD_DATA_DIR", &data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&again.stdout), "migrations are up to date\n");
    std::fs::remove_dir_all(&data).ok();
}
