//! A real SMTP server for the delivery tests: aiosmtpd (pinned), installed from PyPI
//! into a virtual environment under `target/` the first time, as the browser tests
//! fetch axe-core. `tests/support/smtp_server.py` accepts mail into a folder and
//! refuses the addresses it is given with a permanent 550.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The aiosmtpd release the tests use.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// The virtual environment's Python, with aiosmtpd installed.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("smtp-venv");
        let python = venv.join("bin/python");
        let installed = python.is_file()
            && Command::new(&python)
                .args(["-c", "import aiosmtpd"])
                .status()
                .is_ok_and(|s| s.success());
        if !installed {
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .expect("python3 is installed (with venv: apt-get install python3-venv)");
            assert!(made.success(), "python3 -m venv failed");
            let pip = Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    AIOSMTPD,
                ])
                .status()
                .expect("pip runs");
            assert!(pip.success(), "pip install {AIOSMTPD} failed (PyPI must be reachable)");
        }
        python
    })
}

/// A relay that is down: it holds its port (so no other test's server takes it)
/// and hangs up on every connection before saying a word.
pub struct DownRelay {
    port: u16,
    stopping: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DownRelay {
    /// Takes a free port and hangs up on whoever connects.
    pub fn start() -> DownRelay {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stopping = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stopping.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                drop(stream);
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
            }
        });
        DownRelay {
            port,
            stopping,
            thread: Some(thread),
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Frees the port (for the relay to come back on it).
    pub fn stop(mut self) -> u16 {
        self.end();
        self.port
    }

    fn end(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
            // Wakes the accepting thread, which then sees the flag.
            let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
            thread.join().unwrap();
        }
    }
}

impl Drop for DownRelay {
    fn drop(&mut self) {
        self.end();
    }
}

/// A running SMTP server; killed when dropped.
pub struct SmtpServer {
    child: Child,
    /// Where accepted messages are written.
    pub maildir: PathBuf,
}

impl SmtpServer {
    /// Starts the server on `port`, writing to `maildir` and refusing `refused`, and
    /// waits until it listens.
    pub fn start(port: u16, maildir: &Path, refused: &[&str]) -> SmtpServer {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(maildir)
            .args(refused)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        SmtpServer {
            child,
            maildir: maildir.to_path_buf(),
        }
    }

    /// The messages accepted so far: (envelope recipient, raw message).
    pub fn received(&self) -> Vec<(String, String)> {
        let mut mails: Vec<(String, String)> = std::fs::read_dir(&self.maildir)
            .map(|dir| {
                dir.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .map(|e| {
                        let text = std::fs::read_to_string(e.path()).unwrap();
                        let (first, rest) = text.split_once("\r\n").unwrap();
                        let to = first.trim_start_matches("X-Envelope-To: ").to_string();
                        (to, rest.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        mails.sort();
        mails
    }

    /// Stops the server (the mail relay goes down).
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.kill();
    }
}
