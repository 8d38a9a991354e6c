//! Faults, with `concord serve` as a separate process on a real database: the server
//! killed (SIGKILL) in the middle of a burst of votes, of posting a distribution and
//! of a CSV import; the database stopped immediately under load and started again;
//! a backup restored. After each, every write that was acknowledged is there exactly
//! once, nothing is half-written, and `concord audit verify` passes.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use concord::auth::token::{TokenKeys, TokenKind};
use concord::config::Settings;
use concord::db::local_cluster::{ClusterOptions, LocalCluster};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::{json, Value};
use tokio_postgres::NoTls;
use uuid::Uuid;

use crate::common::process::{self, Served};
use crate::common::{json, TestApp, DEMO_PASSWORD};

/// Members added to the demo co-op for the bursts.
pub(crate) const VOTERS: usize = 240;
/// Concurrent voters.
const CONCURRENCY: usize = 16;

pub(crate) async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

pub(crate) async fn count(db: &tokio_postgres::Client, query: &str) -> i64 {
    db.query_one(query, &[])
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .get(0)
}

/// Adds `n` members in good standing to the demo co-op; returns their user ids.
pub(crate) async fn add_members(db: &tokio_postgres::Client, n: usize) -> Vec<Uuid> {
    let rows = db
        .query(
            "WITH coop AS (SELECT id, next_member_number AS first FROM coops WHERE slug = 'demo'),
             new_users AS (
               INSERT INTO users (id, email, display_name, locale)
               SELECT gen_random_uuid(), 'voter' || g || '@faults.test', 'Voter ' || g, 'en'
               FROM generate_series(1, $1::int) g
               RETURNING id, email),
             numbered AS (
               SELECT u.id, row_number() OVER (ORDER BY u.email) AS g FROM new_users u),
             new_members AS (
               INSERT INTO members (coop_id, id, user_id, roles, number, status, state)
               SELECT coop.id, gen_random_uuid(), n.id, '{member}', coop.first + n.g, 'member',
                 jsonb_build_object('status', 'member', 'since', '2020-01-01', 'previous', NULL,
                   'applied_on', '2020-01-01', 'probation_until', NULL, 'admitted_on', '2020-01-01',
                   'admission_ref', 'faults', 'member_since', '2020-01-01', 'leave_until', NULL,
                   'notice_date', NULL, 'exit_ref', NULL, 'exit_reason', NULL)
               FROM numbered n CROSS JOIN coop
               RETURNING coop_id, id, user_id),
             changes AS (
               INSERT INTO member_status_changes (coop_id, id, member_id, status, transition, effective_on, decision_ref)
               SELECT coop_id, gen_random_uuid(), id, 'member', 'admit', '2020-01-01', 'faults' FROM new_members)
             SELECT user_id::text FROM new_members",
            &[&(n as i32)],
        )
        .await
        .unwrap();
    db.execute(
        "UPDATE coops SET next_member_number = next_member_number + $1::int + 1 WHERE slug = 'demo'",
        &[&(n as i32)],
    )
    .await
    .unwrap();
    // The demo's bylaws (Article 8) let only a member with a fully paid qualifying share
    // vote: each voter gets the same subscription and payment as Sam's (two shares, paid
    // at once), with ids and a bank reference of their own.
    db.batch_execute(
        "WITH template AS (
           SELECT e.* FROM capital_entries e JOIN members m ON m.id = e.member_id JOIN users u ON u.id = m.user_id
           WHERE u.email = 'secretary@demo.coop' AND e.kind IN ('subscribe', 'payment')),
         voters AS (
           SELECT m.id AS member, md5(m.id::text || 'subscription')::uuid AS subscription, u.email
           FROM members m JOIN users u ON u.id = m.user_id WHERE u.email LIKE '%@faults.test'),
         copies AS (
           SELECT t.*, v.*, md5(v.member::text || t.kind)::uuid AS entry_id,
             CASE WHEN t.kind = 'payment' THEN 'FAULTS-' || v.email END AS new_reference
           FROM template t CROSS JOIN voters v)
         INSERT INTO capital_entries (coop_id, id, member_id, share_class_id, kind, entry_date, amount, reference,
                                      entry, recorded_by)
         SELECT coop_id, entry_id, member, share_class_id, kind, entry_date, amount, new_reference,
           jsonb_set(jsonb_set(jsonb_set(
             CASE WHEN kind = 'payment' THEN jsonb_set(entry, '{kind,reference}', to_jsonb(new_reference)) ELSE entry END,
             '{id}', to_jsonb(entry_id::text)), '{member}', to_jsonb(member::text)),
             '{kind,subscription}', to_jsonb(subscription::text)),
           recorded_by
         FROM copies ORDER BY member, kind DESC",
    )
    .await
    .unwrap();
    rows.iter().map(|r| r.get::<_, String>(0).parse().unwrap()).collect()
}

/// Access tokens signed with the key in `data_dir`, as the server signs them.
fn tokens(data_dir: &Path, users: &[Uuid]) -> Vec<(Uuid, String)> {
    let keys = TokenKeys::new(&Settings::with_data_dir(data_dir).unwrap().signing_key);
    let now = chrono::Utc::now().timestamp();
    users
        .iter()
        .map(|&user| {
            let token = keys.issue(user, 0, TokenKind::Access, now, Duration::from_secs(3600));
            (user, token)
        })
        .collect()
}

pub(crate) async fn log_in(url: &str, email: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/token"))
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    json(response, 200).await["access_token"].as_str().unwrap().to_string()
}

async fn call(url: &str, token: &str, path: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{url}/api/v1/coops/demo{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A one-question secret motion, opened by the secretary (its roll frozen).
pub(crate) async fn open_ballot(url: &str) -> String {
    let secretary = log_in(url, "secretary@demo.coop").await;
    let created = call(
        url,
        &secretary,
        "/ballots",
        json!({"title": "Move the bakery", "closes_at": "2031-06-30T18:00:00Z",
               "questions": [{"title": "Move to the new premises", "kind": "motion",
                              "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]}),
    )
    .await;
    let id = json(created, 201).await["id"].as_str().unwrap().to_string();
    json(
        call(url, &secretary, &format!("/ballots/{id}/open"), json!({})).await,
        200,
    )
    .await;
    id
}

/// What became of one vote request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// 201: the vote is acknowledged.
    Cast,
    /// This member had voted already (a second vote needs the first one's receipt).
    AlreadyVoted,
    /// 503: the database was unavailable; nothing was acknowledged.
    Unavailable,
    /// No answer (the server died; behind a load balancer, 502): nothing was acknowledged.
    NoAnswer,
}

/// A process to signal once a third of the votes of a burst are acknowledged.
type Fault = Option<(Pid, Signal)>;

/// Casts one "for" vote per voter, CONCURRENCY at a time, and delivers `fault` (with
/// requests in flight) once a third of them are acknowledged.
pub(crate) async fn vote_all(
    server: &str,
    ballot: &str,
    voters: Vec<(Uuid, String)>,
    fault: Fault,
) -> HashMap<Uuid, Outcome> {
    let queue = Arc::new(Mutex::new(VecDeque::from(voters)));
    let outcomes = Arc::new(Mutex::new(HashMap::new()));
    let cast = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let path = format!("{server}/api/v1/coops/demo/ballots/{ballot}/votes");
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (queue, outcomes, cast, client, path) = (
            queue.clone(),
            outcomes.clone(),
            cast.clone(),
            client.clone(),
            path.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let Some((user, token)) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let sent = client
                    .post(&path)
                    .bearer_auth(&token)
                    .json(&json!({"answers": ["for"]}))
                    .send()
                    .await;
                let outcome = match sent {
                    Err(_) => Outcome::NoAnswer,
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let content_type = response
                            .headers()
                            .get("content-type")
                            .map(|v| v.to_str().unwrap().to_string());
                        let body = response.text().await.unwrap_or_default();
                        match status {
                            201 => Outcome::Cast,
                            422 if body.contains(r#"{"field":"receipt""#) => Outcome::AlreadyVoted,
                            // A load balancer's answer when the instance died under the request.
                            502 => Outcome::NoAnswer,
                            503 => {
                                assert_eq!(content_type.as_deref(), Some("application/problem+json"), "{body}");
                                Outcome::Unavailable
                            }
                            other => panic!("a vote answered {other}: {body}"),
                        }
                    }
                };
                outcomes.lock().unwrap().insert(user, outcome);
                if outcome == Outcome::Cast && cast.fetch_add(1, Ordering::SeqCst) + 1 == VOTERS / 3 {
                    if let Some((pid, signal)) = fault {
                        kill(pid, signal).unwrap();
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    Arc::try_unwrap(outcomes).unwrap().into_inner().unwrap()
}

pub(crate) fn came_mid_burst(outcomes: &HashMap<Uuid, Outcome>) {
    let cast = outcomes.values().filter(|o| **o == Outcome::Cast).count();
    assert!(
        (VOTERS / 3..VOTERS).contains(&cast),
        "the fault came mid-burst: {cast} cast"
    );
}

/// Checks the ballot after a fault: every acknowledged vote counted exactly once, one
/// paper per participation; then every voter not acknowledged votes again and is
/// either counted now or found to have voted already; in the end every voter has
/// voted exactly once.
pub(crate) async fn votes_are_whole(
    db: &tokio_postgres::Client,
    url: &str,
    ballot: &str,
    voters: &[(Uuid, String)],
    outcomes: &HashMap<Uuid, Outcome>,
) {
    let acknowledged: Vec<Uuid> = outcomes
        .iter()
        .filter(|(_, o)| **o == Outcome::Cast)
        .map(|(u, _)| *u)
        .collect();
    let acknowledged: Vec<String> = acknowledged.iter().map(Uuid::to_string).collect();
    let counted: i64 = db
        .query_one(
            "SELECT count(*) FROM ballot_participations p JOIN members m ON m.id = p.member_id
             WHERE p.ballot_id = $1::text::uuid AND m.user_id::text = ANY($2)",
            &[&ballot, &acknowledged],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(counted as usize, acknowledged.len(), "every acknowledged vote is there");
    let papers = format!("SELECT count(*) FROM ballot_papers WHERE ballot_id = '{ballot}'");
    let participations = format!("SELECT count(*) FROM ballot_participations WHERE ballot_id = '{ballot}'");
    assert_eq!(
        count(db, &papers).await,
        count(db, &participations).await,
        "one paper per participation"
    );

    let again: Vec<(Uuid, String)> = voters
        .iter()
        .filter(|(user, _)| outcomes.get(user) != Some(&Outcome::Cast))
        .cloned()
        .collect();
    let retried = vote_all(url, ballot, again.clone(), None).await;
    assert!(
        retried
            .values()
            .all(|o| matches!(o, Outcome::Cast | Outcome::AlreadyVoted)),
        "{retried:?}"
    );
    assert_eq!(count(db, &participations).await, voters.len() as i64);
    assert_eq!(count(db, &papers).await, voters.len() as i64);
}

pub(crate) fn audit_verifies(envs: &[(&str, &OsStr)]) {
    let output = process::concord(&["audit", "verify"], envs);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("intact"));
}

/// `concord serve` on the test's database, with the test's signing key.
fn serve_on(app: &TestApp) -> Served {
    let url = app.database_url();
    process::serve(
        &[],
        &[
            ("DATABASE_URL", OsStr::new(&url)),
            ("CONCORD_DATA_DIR", app.data_dir.as_os_str()),
        ],
    )
}

#[tokio::test]
async fn the_server_killed_during_a_burst_of_votes_loses_no_acknowledged_vote() {
    let app = TestApp::database_only(true).await;
    let db = connect(&app.database_url()).await;
    let voters = tokens(&app.data_dir, &add_members(&db, VOTERS).await);
    let server = serve_on(&app);
    let ballot = open_ballot(&server.url).await;

    // The server dies once a third of the votes are acknowledged, requests in flight.
    let crash = Some((Pid::from_raw(server.pid() as i32), Signal::SIGKILL));
    let outcomes = vote_all(&server.url, &ballot, voters.clone(), crash).await;
    server.kill();
    came_mid_burst(&outcomes);

    let server = serve_on(&app);
    votes_are_whole(&db, &server.url, &ballot, &voters, &outcomes).await;
    let url = app.database_url();
    audit_verifies(&[("DATABASE_URL", OsStr::new(&url))]);
    server.stop();
}

/// Holds an exclusive lock on `audit_events` (reads pass, writes wait), so that a
/// request's transaction stops at its audit event, its last write, with everything
/// else written; returns the lock's session.
async fn hold_audit_lock(url: &str) -> tokio_postgres::Client {
    let holder = connect(url).await;
    holder
        .batch_execute("BEGIN; LOCK TABLE audit_events IN EXCLUSIVE MODE")
        .await
        .unwrap();
    holder
}

/// Waits until a request's transaction has written and waits on the audit lock.
async fn until_stopped_at_the_audit_event(db: &tokio_postgres::Client) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let waiting = count(
            db,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
             AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL
             AND query ILIKE 'INSERT INTO \"audit_events\"%'",
        )
        .await;
        if waiting > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "the request never reached its audit event");
        tokio::task::yield_now().await;
    }
}

/// Sends a request that will never be answered (the server is killed meanwhile).
fn send_unanswered(url: String, token: String, path: &str, body: Value) -> tokio::task::JoinHandle<()> {
    let path = path.to_string();
    tokio::spawn(async move {
        let answer = reqwest::Client::new()
            .post(format!("{url}/api/v1/coops/demo{path}"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await;
        assert!(answer.is_err(), "the request was answered: {answer:?}");
    })
}

#[tokio::test]
async fn the_server_killed_while_posting_a_distribution_posts_nothing() {
    let app = TestApp::database_only(true).await;
    let db = connect(&app.database_url()).await;
    let server = serve_on(&app);
    let treasurer = log_in(&server.url, "treasurer@demo.coop").await;
    let id: String = db
        .query_one("SELECT id::text FROM distributions WHERE status = 'draft'", &[])
        .await
        .unwrap()
        .get(0);
    // Approved, as the board's ballot would have it (the ballot is not what fails here).
    db.batch_execute(&format!(
        "UPDATE distributions SET status = 'approved', approved_at = now() WHERE id = '{id}'"
    ))
    .await
    .unwrap();
    let ledger = "SELECT (SELECT count(*) FROM distribution_entries) + (SELECT count(*) FROM distribution_postings)
                  + (SELECT count(*) FROM capital_entries WHERE kind LIKE 'patronage%')";
    let before = count(&db, ledger).await;

    let lock = hold_audit_lock(&app.database_url()).await;
    let post = send_unanswered(
        server.url.clone(),
        treasurer.clone(),
        &format!("/distributions/{id}/post"),
        json!({"notify": false}),
    );
    until_stopped_at_the_audit_event(&db).await;
    server.kill();
    post.await.unwrap();
    lock.batch_execute("COMMIT").await.unwrap();

    let server = serve_on(&app);
    assert_eq!(count(&db, ledger).await, before, "no entry of the interrupted posting");
    let status: String = db
        .query_one("SELECT status FROM distributions WHERE id = $1::text::uuid", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "approved");
    let treasurer = log_in(&server.url, "treasurer@demo.coop").await;
    let posted = json(
        call(
            &server.url,
            &treasurer,
            &format!("/distributions/{id}/post"),
            json!({"notify": false}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(posted["status"], "posted");
    // The ledger holds exactly one posting, and its entries add up to the allocation.
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM distribution_postings WHERE distribution_id = '{id}'")
        )
        .await,
        1
    );
    let reserve: String = db
        .query_one(
            "SELECT sum(reserve)::text FROM distribution_entries WHERE distribution_id = $1::text::uuid",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(reserve, posted["totals"]["reserve"]["amount"].as_str().unwrap());
    let url = app.database_url();
    audit_verifies(&[("DATABASE_URL", OsStr::new(&url))]);
    server.stop();
}

#[tokio::test]
async fn the_server_killed_during_a_register_import_imports_nothing() {
    let app = TestApp::database_only(true).await;
    let db = connect(&app.database_url()).await;
    let server = serve_on(&app);
    let secretary = log_in(&server.url, "secretary@demo.coop").await;
    let mut csv = String::from("number,name,email,status,member_since,employment_status\n");
    for i in 0..500 {
        csv.push_str(&format!(
            ",Newcomer {i},newcomer{i}@import.test,member,2024-09-01,worker\n"
        ));
    }
    let members = "SELECT count(*) FROM members";
    let users = "SELECT count(*) FROM users";
    let (members_before, users_before) = (count(&db, members).await, count(&db, users).await);

    let lock = hold_audit_lock(&app.database_url()).await;
    let import = {
        let (url, token, csv) = (server.url.clone(), secretary.clone(), csv.clone());
        tokio::spawn(async move {
            let answer = reqwest::Client::new()
                .post(format!("{url}/api/v1/coops/demo/register/import"))
                .bearer_auth(token)
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await;
            assert!(answer.is_err(), "the import was answered: {answer:?}");
        })
    };
    until_stopped_at_the_audit_event(&db).await;
    server.kill();
    import.await.unwrap();
    lock.batch_execute("COMMIT").await.unwrap();

    let server = serve_on(&app);
    assert_eq!(
        count(&db, members).await,
        members_before,
        "no member of the interrupted import"
    );
    assert_eq!(
        count(&db, users).await,
        users_before,
        "no login of the interrupted import"
    );
    let secretary = log_in(&server.url, "secretary@demo.coop").await;
    let again = reqwest::Client::new()
        .post(server.at("/api/v1/coops/demo/register/import"))
        .bearer_auth(&secretary)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(json(again, 201).await["imported"], 500);
    assert_eq!(count(&db, members).await, members_before + 500);
    let url = app.database_url();
    audit_verifies(&[("DATABASE_URL", OsStr::new(&url))]);
    server.stop();
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("faults-{name}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn readyz(url: &str) -> (u16, Option<String>) {
    let response = reqwest::get(format!("{url}/readyz")).await.unwrap();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    (response.status().as_u16(), content_type)
}

#[tokio::test]
async fn the_database_lost_and_back_is_503_meanwhile_and_loses_no_acknowledged_vote() {
    // A cluster of this test's own, durable as in production, that it can stop.
    let home = scratch_dir("db-loss");
    let mut cluster = LocalCluster::start(&home.join("cluster"), ClusterOptions::default()).unwrap();
    let url = cluster.connection_string("concord");
    concord::db::ensure_database(&cluster.connection_string("postgres"), "concord")
        .await
        .unwrap();
    concord::db::migrate(&url).await.unwrap();
    concord::demo::load(&concord::db::pool(&url, 2).unwrap()).await.unwrap();
    let db = connect(&url).await;
    let data_dir = home.join("data");
    let voters = tokens(&data_dir, &add_members(&db, VOTERS).await);
    drop(db);
    let envs = [
        ("DATABASE_URL", OsStr::new(&url)),
        ("CONCORD_DATA_DIR", data_dir.as_os_str()),
    ];
    let mut server = process::serve(&[], &envs);
    let ballot = open_ballot(&server.url).await;

    // PostgreSQL stops immediately (as `pg_ctl stop -m immediate` does: SIGQUIT) once a
    // third of the votes are acknowledged; the rest of the burst meets no database.
    let loss = Some((Pid::from_raw(cluster.pid().unwrap() as i32), Signal::SIGQUIT));
    let outcomes = vote_all(&server.url, &ballot, voters.clone(), loss).await;
    cluster.stop();
    came_mid_burst(&outcomes);
    assert!(outcomes.values().any(|o| *o == Outcome::Unavailable), "{outcomes:?}");
    assert!(
        outcomes.values().all(|o| *o != Outcome::NoAnswer),
        "the server always answered"
    );
    assert_eq!(
        readyz(&server.url).await,
        (503, Some("application/problem+json".into()))
    );
    assert!(server.is_running());

    // Back: the same server process serves again by itself.
    let cluster = LocalCluster::start(&home.join("cluster"), ClusterOptions::default()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while readyz(&server.url).await.0 != 200 {
        assert!(Instant::now() < deadline, "ready again after the database came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let db = connect(&url).await;
    votes_are_whole(&db, &server.url, &ballot, &voters, &outcomes).await;
    assert!(server.is_running());
    audit_verifies(&envs);
    server.stop();
    drop(cluster);
    std::fs::remove_dir_all(&home).ok();
}

/// A digest of every table of the database: its rows, in a stable order.
async fn digest(url: &str) -> Vec<(String, i64, String)> {
    let db = connect(url).await;
    let tables: Vec<String> = db
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut digest = Vec::new();
    for table in tables {
        let row = db
            .query_one(
                &format!(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
                ),
                &[],
            )
            .await
            .unwrap();
        digest.push((table, row.get(0), row.get(1)));
    }
    digest
}

/// Waits until the sessions this test opened on `app`'s database have ended (a closed
/// client's server process exits a moment later): a restore refuses to run beside
/// other sessions. It watches from the cluster's `postgres` database, not counted.
async fn until_no_session_on(app: &TestApp) {
    let watcher = app
        .database_url()
        .replace(&format!("dbname='{}'", app.database), "dbname='postgres'");
    let db = connect(&watcher).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let others = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND backend_type = 'client backend'",
        app.database
    );
    while count(&db, &others).await > 0 {
        assert!(Instant::now() < deadline, "a session stayed open");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_backup_restores_the_demo_co_op_to_an_equal_state() {
    let source = TestApp::demo().await;
    // A vote on the record too (papers, receipts, audit events).
    let member = source.demo_token("member@demo.coop").await;
    let mut motion = None;
    for row in source
        .sql("SELECT id::text FROM ballots WHERE status = 'open' ORDER BY title")
        .await
    {
        let id: String = row.get(0);
        let path = format!("/api/v1/coops/demo/ballots/{id}");
        let shown = json(source.api(&member, reqwest::Method::GET, &path, None).await, 200).await;
        let questions = shown["questions"].as_array().unwrap().clone();
        if questions.iter().all(|q| q["kind"] == "motion") {
            motion = Some((id, questions.len()));
        }
    }
    let (ballot, questions) = motion.expect("the demo has an open motion");
    let answers: Vec<Value> = (0..questions).map(|_| json!("abstain")).collect();
    let cast = source
        .api(
            &member,
            reqwest::Method::POST,
            &format!("/api/v1/coops/demo/ballots/{ballot}/votes"),
            Some(json!({"answers": answers})),
        )
        .await;
    assert_eq!(cast.status(), 201);

    let file = scratch_dir("backup").join("concord.backup");
    let source_url = source.database_url();
    let from = [("DATABASE_URL", OsStr::new(&source_url))];
    let backup = process::concord(&["backup", file.to_str().unwrap()], &from);
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "a backup holds personal data");

    // Into a new, empty database.
    let target = TestApp::database_only(false).await;
    let target_url = target.database_url();
    let into = [("DATABASE_URL", OsStr::new(&target_url))];
    let restore = process::concord(&["restore", file.to_str().unwrap()], &into);
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    let (before, after) = (digest(&source_url).await, digest(&target_url).await);
    assert!(before.iter().any(|(t, n, _)| t == "ballot_papers" && *n > 0));
    assert_eq!(before, after, "every table restored row for row");
    audit_verifies(&into);
    let verified = |envs: &[(&str, &OsStr)]| {
        String::from_utf8_lossy(&process::concord(&["audit", "verify"], envs).stdout).to_string()
    };
    assert_eq!(verified(&from), verified(&into), "the same chains, event for event");

    // A second restore would overwrite data: refused unless asked for.
    until_no_session_on(&target).await;
    let again = process::concord(&["restore", file.to_str().unwrap()], &into);
    assert_eq!(again.status.code(), Some(1));
    let refusal = String::from_utf8_lossy(&again.stderr);
    assert!(refusal.contains("--replace"), "{refusal}");
    until_no_session_on(&target).await;
    let replaced = process::concord(&["restore", "--replace", file.to_str().unwrap()], &into);
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
    assert_eq!(digest(&target_url).await, before);

    // A file that is no backup changes nothing.
    let junk = file.with_file_name("junk.backup");
    std::fs::write(&junk, "PGDMP? no").unwrap();
    until_no_session_on(&target).await;
    let refused = process::concord(&["restore", "--replace", junk.to_str().unwrap()], &into);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a Concord backup"));
    assert_eq!(digest(&target_url).await, before);
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}
