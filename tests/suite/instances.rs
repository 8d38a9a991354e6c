//! Several instances: two `concord serve` processes on one PostgreSQL (`DATABASE_URL`)
//! behind Debian's HAProxy, configured by the file operators use
//! (docs/deploy/haproxy.cfg). Through the balancer, wrong passwords spread over both
//! instances count against one allowance; a burst of votes survives one instance
//! killed in its middle (no acknowledged vote lost, none counted twice, the balancer
//! serving on through the survivor); and the ballot, closed by the clock while two
//! instances read it at once, closes once.

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use nix::sys::signal::Signal;
use nix::unistd::Pid;
use serde_json::json;
use uuid::Uuid;

use crate::common::process::{self, Served};
use crate::common::{json, TestApp};
use crate::faults::{self, VOTERS};

/// The key every instance signs and checks tokens with (`CONCORD_SIGNING_KEY`): a
/// token from one is good on the other.
const SIGNING_KEY: &str = concat!(
    "5ec12e755ec12e755ec12e755ec12e755ec12e755ec12e755ec12e755ec12e75",
    "5ec12e755ec12e755ec12e755ec12e755ec12e755ec12e755ec12e755ec12e75"
);

/// How long HAProxy may take to accept connections.
const BALANCER_STARTS_WITHIN: Duration = Duration::from_secs(10);

/// `concord serve --trust-proxy` on the test's database, with a data directory of
/// its own (its own file outbox) and the shared signing key.
fn instance(app: &TestApp, name: &str) -> Served {
    let data = app.data_dir.join(name);
    std::fs::create_dir_all(&data).unwrap();
    let url = app.database_url();
    process::serve(
        &["--trust-proxy"],
        &[
            ("DATABASE_URL", OsStr::new(&url)),
            ("CONCORD_DATA_DIR", data.as_os_str()),
            ("CONCORD_SIGNING_KEY", OsStr::new(SIGNING_KEY)),
        ],
    )
}

/// HAProxy in the foreground with docs/deploy/haproxy.cfg, in front of two instances.
struct Balancer {
    child: Child,
    url: String,
}

impl Balancer {
    async fn start(one: &Served, two: &Served) -> Balancer {
        let config = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/deploy/haproxy.cfg");
        let installed = Command::new("haproxy").arg("-v").stdout(Stdio::null()).status();
        assert!(
            installed.is_ok_and(|s| s.success()),
            "haproxy is not installed: the several-instances tests need Debian's haproxy package \
             (apt-get install haproxy; .ci/run installs it)"
        );
        let listen = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let address = |served: &Served| served.url.trim_start_matches("http://").to_string();
        let child = Command::new("haproxy")
            .args(["-db", "-f", config])
            .env("CONCORD_LISTEN", listen.to_string())
            .env("CONCORD_ONE", address(one))
            .env("CONCORD_TWO", address(two))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("CONCORD_TEST_SERVER_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap();
        let balancer = Balancer {
            child,
            url: format!("http://{listen}"),
        };
        // HAProxy has no "ready" line to wait for: poll until it answers.
        let started = Instant::now();
        loop {
            if let Ok(response) = reqwest::get(balancer.at("/readyz")).await {
                assert_eq!(response.status(), 200, "both instances are ready");
                break;
            }
            assert!(started.elapsed() < BALANCER_STARTS_WITHIN, "haproxy did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        balancer
    }

    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The instance that answered, as HAProxy names it.
fn served_by(response: &reqwest::Response) -> String {
    response.headers()["x-concord-instance"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn instances_started_at_once_on_an_empty_database_each_come_up() {
    let app = TestApp::database_only(false).await;
    let empty = format!("{}_empty", app.database);
    app.exec(&format!("CREATE DATABASE {empty}")).await;
    let url = app.database_url().replace(&app.database, &empty);
    // Each instance applies the migrations as it starts: they must not trip on
    // each other.
    let started: Vec<Served> = std::thread::scope(|s| {
        let starts: Vec<_> = ["one", "two", "three"]
            .map(|name| {
                let data = app.data_dir.join(name);
                std::fs::create_dir_all(&data).unwrap();
                let url = url.clone();
                s.spawn(move || {
                    process::serve(
                        &[],
                        &[
                            ("DATABASE_URL", OsStr::new(&url)),
                            ("CONCORD_DATA_DIR", data.as_os_str()),
                            ("CONCORD_SIGNING_KEY", OsStr::new(SIGNING_KEY)),
                        ],
                    )
                })
            })
            .into_iter()
            .collect();
        starts.into_iter().map(|start| start.join().unwrap()).collect()
    });
    for served in started {
        assert_eq!(reqwest::get(served.at("/readyz")).await.unwrap().status(), 200);
        served.stop();
    }
}

#[tokio::test]
async fn wrong_passwords_spread_over_two_instances_count_against_one_allowance() {
    let app = TestApp::database_only(true).await;
    let (one, two) = (instance(&app, "one"), instance(&app, "two"));
    let balancer = Balancer::start(&one, &two).await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    let mut instances = BTreeSet::new();
    for _ in 0..6 {
        let response = client
            .post(balancer.at("/api/v1/auth/token"))
            .json(&json!({"email": "treasurer@demo.coop", "password": "wrong password"}))
            .send()
            .await
            .unwrap();
        instances.insert(served_by(&response));
        statuses.push(response.status().as_u16());
    }
    // Five failures are the account's allowance (three on one instance, two on the
    // other); each instance counting alone would have allowed ten.
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    assert_eq!(instances, BTreeSet::from(["one".to_string(), "two".to_string()]));
    drop(balancer);
    one.stop();
    two.stop();
}

#[tokio::test]
async fn votes_through_haproxy_survive_an_instance_killed_mid_burst() {
    let app = TestApp::database_only(true).await;
    let db = faults::connect(&app.database_url()).await;
    let users = faults::add_members(&db, VOTERS).await;
    // The voters log in as members do, with the demo password.
    db.execute(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'secretary@demo.coop')
         WHERE email LIKE '%@faults.test'",
        &[],
    )
    .await
    .unwrap();
    let emails: HashMap<Uuid, String> = db
        .query(
            "SELECT id::text, email FROM users WHERE email LIKE '%@faults.test'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<_, String>(0).parse().unwrap(), r.get(1)))
        .collect();
    // As the operator does before starting the instances (docs/architecture.md).
    let url = app.database_url();
    let migrated = process::concord(&["migrate"], &[("DATABASE_URL", OsStr::new(&url))]);
    assert_eq!(
        String::from_utf8_lossy(&migrated.stdout),
        "migrations are up to date\n",
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let (one, two) = (instance(&app, "one"), instance(&app, "two"));
    let balancer = Balancer::start(&one, &two).await;
    let ballot = faults::open_ballot(&balancer.url).await;
    // The calls to vote go out before the burst (whichever instance delivers them).
    outbox_delivered(&db).await;
    let voters: Vec<(Uuid, String)> = futures::stream::iter(users.iter().map(|user| {
        let url = balancer.url.clone();
        let email = emails[user].clone();
        async move { (*user, faults::log_in(&url, &email).await) }
    }))
    .buffer_unordered(8)
    .collect()
    .await;

    // Instance one dies (SIGKILL) once a third of the votes are acknowledged, votes in
    // flight on both.
    let crash = Some((Pid::from_raw(one.pid() as i32), Signal::SIGKILL));
    let outcomes = faults::vote_all(&balancer.url, &ballot, voters.clone(), crash).await;
    one.kill();
    faults::came_mid_burst(&outcomes);
    // The votes in flight on the killed instance got no answer (502 from HAProxy):
    // 12 to 16 of the 240 in three runs, all cast when voted again below.

    // The balancer serves through the survivor: every vote not acknowledged is cast
    // again through it, each voter counted exactly once.
    let ready = reqwest::get(balancer.at("/readyz")).await.unwrap();
    assert_eq!((ready.status().as_u16(), served_by(&ready)), (200, "two".to_string()));
    faults::votes_are_whole(&db, &balancer.url, &ballot, &voters, &outcomes).await;

    // The closing time passes while two instances read the ballot at once (each closes
    // a ballot it finds past its time, and each runs the ballot schedule): it closes once.
    let three = instance(&app, "three");
    let secretary = faults::log_in(&balancer.url, "secretary@demo.coop").await;
    db.execute(
        "UPDATE ballots SET closes_at = now() - interval '1 second' WHERE id = $1::text::uuid",
        &[&ballot],
    )
    .await
    .unwrap();
    let reads = [&two, &three].repeat(8).into_iter().map(|server| {
        let request = reqwest::Client::new()
            .get(server.at(&format!("/api/v1/coops/demo/ballots/{ballot}")))
            .bearer_auth(&secretary)
            .send();
        async move { json(request.await.unwrap(), 200).await["status"].clone() }
    });
    let statuses = futures::future::join_all(reads).await;
    assert!(statuses.iter().all(|s| s == "closed"), "{statuses:?}");
    let closes =
        format!("SELECT count(*) FROM audit_events WHERE action = 'ballot.closed' AND subject = 'ballot:{ballot}'");
    assert_eq!(faults::count(&db, &closes).await, 1, "the ballot closed once");
    let participations = format!("SELECT count(*) FROM ballot_participations WHERE ballot_id = '{ballot}'");
    assert_eq!(faults::count(&db, &participations).await, VOTERS as i64);
    faults::audit_verifies(&[("DATABASE_URL", OsStr::new(&url))]);
    // Every e-mail (the calls to vote, the results) was delivered once, by one of the
    // instances, into its own folder.
    outbox_delivered(&db).await;
    let rows = faults::count(&db, "SELECT count(*) FROM outgoing_mail WHERE status = 'sent'").await;
    let roll = format!("SELECT count(*) FROM ballot_voters WHERE ballot_id = '{ballot}'");
    let calls = format!(
        "SELECT count(*) FROM outgoing_mail o JOIN notices n ON n.id = o.notice_id
          WHERE n.subject_id = '{ballot}' AND n.kind = 'ballot_opening' AND o.status = 'sent'"
    );
    assert_eq!(
        faults::count(&db, &calls).await,
        faults::count(&db, &roll).await,
        "every member called to vote"
    );
    let mut written: Vec<(String, String)> = ["one", "two", "three"]
        .into_iter()
        .flat_map(|name| {
            std::fs::read_dir(app.data_dir.join(name).join("outbox"))
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|file| {
            let text = std::fs::read_to_string(file.path()).unwrap();
            let header = |name: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_default()
                    .to_string()
            };
            (header("To: "), header("Subject: "))
        })
        .collect();
    assert_eq!(written.len() as i64, rows, "each message written once");
    written.sort();
    written.dedup();
    assert_eq!(written.len() as i64, rows, "no member got a message twice");
    drop(balancer);
    two.stop();
    three.stop();
}

/// Waits until the instances have delivered every message queued so far (they do
/// within a second of the commit; the test reads the outbox's rows, not a clock).
async fn outbox_delivered(db: &tokio_postgres::Client) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while faults::count(db, "SELECT count(*) FROM outgoing_mail WHERE status = 'queued'").await > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the outbox was not delivered within a minute"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
