//! `concord` run as a separate process, as an operator runs it: started, stopped,
//! killed.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::thread::JoinHandle;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// A running `concord serve`.
pub struct Served {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Everything it writes to stderr, when started by [`serve_logged`].
    log: Option<JoinHandle<String>>,
}

/// Starts `concord serve --bind 127.0.0.1:0 EXTRA…` with `envs` (and no `DATABASE_URL`
/// unless given) and waits for its "ready" line.
pub fn serve(extra: &[&str], envs: &[(&str, &OsStr)]) -> Served {
    start(extra, envs, false)
}

/// [`serve`], keeping every line of its log for [`Served::stop_with_log`].
pub fn serve_logged(extra: &[&str], envs: &[(&str, &OsStr)]) -> Served {
    start(extra, envs, true)
}

fn start(extra: &[&str], envs: &[(&str, &OsStr)], keep_log: bool) -> Served {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    for (key, value) in envs {
        command.env(key, value);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if keep_log {
            Stdio::piped()
        } else if std::env::var_os("CONCORD_TEST_SERVER_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap();
    let log = child.stderr.take().map(|mut stderr| {
        std::thread::spawn(move || {
            let mut text = String::new();
            stderr.read_to_string(&mut text).unwrap();
            text
        })
    });
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("serve exited before it was ready").unwrap();
        if let Some(rest) = line.strip_prefix("Concord is ready at ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Served {
        child: Some(child),
        url,
        log,
    }
}

impl Served {
    /// The URL of `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Whether the process still runs.
    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| c.try_wait().unwrap().is_none())
    }

    /// Kills the process with SIGKILL, as a crash or the OOM killer would.
    pub fn kill(mut self) {
        self.end(Signal::SIGKILL);
    }

    /// Stops the process with SIGTERM and asserts it exits cleanly.
    pub fn stop(mut self) {
        let status = self.end(Signal::SIGTERM);
        assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
    }

    /// [`Served::stop`], then everything the server logged.
    pub fn stop_with_log(mut self) -> String {
        let log = self.log.take().expect("started by serve_logged");
        self.stop();
        log.join().unwrap()
    }

    fn end(&mut self, signal: Signal) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        // A zombie (already dead, not yet reaped) takes the signal without complaint.
        kill(Pid::from_raw(child.id() as i32), signal).unwrap();
        child.wait().unwrap()
    }
}

/// A test that fails leaves no server behind.
impl Drop for Served {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.end(Signal::SIGKILL);
        }
    }
}

/// Runs a `concord` command to its end with `envs` (and no `DATABASE_URL` unless given).
pub fn concord(args: &[&str], envs: &[(&str, &OsStr)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concord"));
    command.args(args).env_remove("DATABASE_URL").env("RUST_LOG", "warn");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.stdin(Stdio::null()).output().unwrap()
}
