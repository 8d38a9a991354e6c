//! `concord serve` as a newcomer runs it, and as an operator keeps it: its own cluster under the data directory,
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

/// Issue 20, finding 1: any `concord` command on the data directory of a running
/// server took the server's PostgreSQL for an orphan and stopped it; the server then
/// answered 503 until restarted, though the operator's guide runs `remind` and
/// `audit verify` from cron and `backup` while serving. Each command now uses the
/// running server's PostgreSQL and leaves it running: with a vote cast beside each
/// command, `/readyz` answers 200 all the while, and the same postmaster serves after
/// the last command.
#[tokio::test]
async fn operator_commands_beside_a_running_server_leave_it_serving() {
    let data = data_dir("beside");
    let served = serve(&data);
    let postmaster = postmaster_pid(&data).expect("the server's cluster runs");
    // A watcher asks /readyz without pause while the commands run.
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let (url, watching) = (served.url.clone(), watching.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let (mut asked, mut not_ready) = (0u32, Vec::new());
            while watching.load(std::sync::atomic::Ordering::Relaxed) {
                let status = match client.get(format!("{url}/readyz")).send().await {
                    Ok(answer) => answer.status().to_string(),
                    Err(e) => e.to_string(),
                };
                asked += 1;
                if status != "200 OK" {
                    not_ready.push(status);
                }
            }
            (asked, not_ready)
        })
    };
    let envs = [("CONCORD_DATA_DIR", data.as_os_str())];
    let backup = data.join("beside.backup");
    // The demo's open motion, and the members on its roll who have not voted yet: one
    // of them votes while each command runs.
    let voters = not_yet_voted(&served.url).await;
    assert_eq!(voters.len(), 4, "{voters:?}");
    let commands: [Vec<String>; 4] = [
        vec!["audit".into(), "verify".into()],
        vec!["backup".into(), backup.to_str().unwrap().into()],
        vec!["remind".into()],
        vec!["coop".into(), "list".into()],
    ];
    for (args, (token, ballot)) in commands.into_iter().zip(voters) {
        let data = data.clone();
        let command = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            (
                format!("{args:?}"),
                process::concord(&args, &[("CONCORD_DATA_DIR", data.as_os_str())]),
            )
        });
        let vote = reqwest::Client::new()
            .post(format!("{}/api/v1/coops/demo/ballots/{ballot}/votes", served.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({"answers": ["for"]}))
            .send();
        let (command, vote) = tokio::join!(command, vote);
        let (args, output) = command.unwrap();
        assert!(
            output.status.success(),
            "{args}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(vote.unwrap().status(), 201, "a vote cast while {args} ran");
        assert_eq!(log_in(&served.url).await, 200, "after {args}");
    }
    // `user create` reads the passphrase from standard input.
    let mut create = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["user", "create", "--email", "ops@beside.test", "--name", "Ops"])
        .env("CONCORD_DATA_DIR", &data)
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(create.stdin.as_mut().unwrap(), b"a long operator passphrase\n").unwrap();
    let created = create.wait_with_output().unwrap();
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    // Restoring would pull the database from under the server: refused, nothing done.
    let restore = process::concord(&["restore", backup.to_str().unwrap(), "--replace"], &envs);
    assert_eq!(restore.status.code(), Some(1));
    let said = String::from_utf8_lossy(&restore.stderr);
    assert!(said.contains("stop it before restoring"), "{said}");
    watching.store(false, std::sync::atomic::Ordering::Relaxed);
    let (asked, not_ready) = watcher.await.unwrap();
    assert!(asked > 0);
    assert_eq!(not_ready, Vec::<String>::new(), "of {asked} readiness checks");
    assert_eq!(postmaster_pid(&data).as_deref(), Some(postmaster.as_str()));
    assert!(std::fs::metadata(&backup).unwrap().len() > 0);
    stop(served);
    assert!(postmaster_pid(&data).is_none(), "the cluster stopped with the server");
    std::fs::remove_dir_all(&data).ok();
}

/// The demo logins on the open motion's roll who have not voted yet, each with a
/// token and the motion's id.
async fn not_yet_voted(url: &str) -> Vec<(String, String)> {
    let client = reqwest::Client::new();
    let mut voters = Vec::new();
    for login in ["member", "treasurer", "secretary", "board", "admin", "marie"] {
        let token = crate::faults::log_in(url, &format!("{login}@demo.coop")).await;
        let ballots: serde_json::Value = client
            .get(format!("{url}/api/v1/coops/demo/ballots"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let motion = ballots
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["title"] == "Buy a second delivery bike")
            .expect("the demo's open motion");
        if motion["on_roll"] == true && motion["voted"] == false {
            voters.push((token, motion["id"].as_str().unwrap().to_string()));
        }
    }
    voters
}

/// Issue 20, "Backups on a schedule": `concord backup --dir DIR --keep N` writes a
/// timestamped archive and keeps the newest N, touching no other file of the folder.
#[test]
fn scheduled_backups_keep_the_newest_archives() {
    let data = data_dir("rotate");
    let dir = data.join("backups");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "the operator's own file").unwrap();
    let envs = [("CONCORD_DATA_DIR", data.as_os_str())];
    let mut written = Vec::new();
    for _ in 0..3 {
        let output = process::concord(&["backup", "--dir", dir.to_str().unwrap(), "--keep", "2"], &envs);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        let archive = stdout
            .split_whitespace()
            .nth(1)
            .unwrap()
            .trim_end_matches(':')
            .to_string();
        written.push(std::path::PathBuf::from(archive));
    }
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    let name = |p: &std::path::PathBuf| p.file_name().unwrap().to_str().unwrap().to_string();
    assert_eq!(left, [name(&written[1]), name(&written[2]), "notes.txt".to_string()]);
    // Neither a file nor a folder: refused by the command line itself.
    assert_eq!(process::concord(&["backup"], &envs).status.code(), Some(2));
    std::fs::remove_dir_all(&data).ok();
}

/// Issue 20, finding 2: the embedded PostgreSQL was never restarted after it died, and
/// the server answered 503 for ever. It is now supervised: killed with SIGKILL, then
/// with SIGQUIT, it is started again; the server is ready again on its own, nothing
/// written before is lost, and `/metrics` counts the restarts.
#[tokio::test]
async fn a_killed_postgresql_is_restarted_and_serving_resumes() {
    use nix::sys::signal::{kill, Signal};
    let data = data_dir("supervised");
    let served = serve(&data);
    assert_eq!(log_in(&served.url).await, 200);
    let client = reqwest::Client::new();
    let pid_of = |text: Option<String>| text.and_then(|t| t.lines().next().map(str::to_string));
    for signal in [Signal::SIGKILL, Signal::SIGQUIT] {
        let before = pid_of(postmaster_pid(&data)).expect("a server runs");
        kill(nix::unistd::Pid::from_raw(before.parse().unwrap()), signal).unwrap();
        let killed = std::time::Instant::now();
        loop {
            let ready = client
                .get(format!("{}/readyz", served.url))
                .send()
                .await
                .map(|r| r.status().as_u16());
            let now = pid_of(postmaster_pid(&data));
            if ready.is_ok_and(|s| s == 200) && now.is_some_and(|p| p != before) {
                break;
            }
            assert!(
                killed.elapsed() < std::time::Duration::from_secs(60),
                "ready again after {signal}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        eprintln!("ready again {:?} after {signal}", killed.elapsed());
    }
    // The demo's logins (written before both deaths) still work.
    assert_eq!(log_in(&served.url).await, 200);
    let metrics = client
        .get(format!("{}/metrics", served.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("concord_postgres_restarts_total 2"), "{metrics}");
    stop(served);
    assert!(
        postmaster_pid(&data).is_none(),
        "the restarted cluster stopped with the server"
    );
    std::fs::remove_dir_all(&data).ok();
}
