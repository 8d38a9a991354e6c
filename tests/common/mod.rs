//! The test harness: one local PostgreSQL cluster per test run (under `target/tmp`),
//! template databases migrated once (one empty, one with the demo co-op), and for
//! every test its own database cloned from a template and its own server on
//! `127.0.0.1:0`, both dropped when the test ends.

#![allow(dead_code)]

pub mod browser;
pub mod process;
pub mod smtp;

use std::path::PathBuf;
use std::sync::{mpsc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::web;
use concord::config::Settings;
use concord::db::local_cluster::{ClusterOptions, LocalCluster};
use concord::server::{self, AppState};
use serde_json::Value;

const EMPTY_TEMPLATE: &str = "concord_template";
const DEMO_TEMPLATE: &str = "concord_template_demo";

/// The demo password (every demo login has it).
pub const DEMO_PASSWORD: &str = concord::demo::PASSWORD;

/// The demo co-op's members who may vote and have a login.
pub const DEMO_VOTERS: [&str; 6] = [
    "admin@demo.coop",
    "treasurer@demo.coop",
    "secretary@demo.coop",
    "board@demo.coop",
    "member@demo.coop",
    "marie@demo.coop",
];

struct Cluster {
    socket_dir: PathBuf,
}

impl Cluster {
    fn connection_string(&self, database: &str) -> String {
        format!(
            "host='{}' user='concord' dbname='{database}'",
            self.socket_dir.display()
        )
    }
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// The cluster of this test run, started on first use by a thread that lives as long
/// as the test process (the server is tied to that thread and stops with it).
fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("test-cluster".into())
            .spawn(move || {
                let options = ClusterOptions {
                    durable: false,
                    max_connections: 300,
                };
                let cluster = LocalCluster::start(&tmp_dir().join("cluster"), options).expect("start the test cluster");
                let info = Cluster {
                    socket_dir: cluster.socket_dir().to_path_buf(),
                };
                prepare_templates(&info);
                tx.send(info).expect("hand over the cluster");
                // Keep the cluster (and this thread) for the rest of the run.
                loop {
                    std::thread::park();
                }
            })
            .expect("spawn the cluster thread");
        rx.recv().expect("the test cluster started")
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn admin_client(cluster: &Cluster) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&cluster.connection_string("postgres"), tokio_postgres::NoTls)
        .await
        .expect("connect to the test cluster");
    tokio::spawn(connection);
    client
}

/// Rebuilds both templates, and drops the databases a crashed earlier run left.
fn prepare_templates(cluster: &Cluster) {
    runtime().block_on(async {
        let admin = admin_client(cluster).await;
        let leftovers = admin
            .query("SELECT datname FROM pg_database WHERE datname LIKE 't\\_%' OR datname LIKE 'concord\\_template%'", &[])
            .await
            .unwrap();
        for row in leftovers {
            let name: String = row.get(0);
            admin.batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
        }
        admin.batch_execute(&format!("CREATE DATABASE {EMPTY_TEMPLATE}")).await.unwrap();
        concord::db::migrate(&cluster.connection_string(EMPTY_TEMPLATE)).await.expect("migrate the template");
        admin
            .batch_execute(&format!("CREATE DATABASE {DEMO_TEMPLATE} TEMPLATE {EMPTY_TEMPLATE}"))
            .await
            .unwrap();
        let pool = concord::db::pool(&cluster.connection_string(DEMO_TEMPLATE), 2).unwrap();
        concord::demo::load(&pool).await.expect("load the demo");
        drop(pool);
        // No session may stay open on a template, or CREATE DATABASE … TEMPLATE fails.
        admin
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN ('{EMPTY_TEMPLATE}', '{DEMO_TEMPLATE}')"
            ))
            .await
            .unwrap();
    });
}

/// A new database cloned from a template.
async fn create_database(demo: bool) -> String {
    let database = format!("t_{}", uuid::Uuid::new_v4().simple());
    let template = if demo { DEMO_TEMPLATE } else { EMPTY_TEMPLATE };
    admin_client(cluster())
        .await
        .batch_execute(&format!("CREATE DATABASE {database} TEMPLATE {template}"))
        .await
        .expect("clone the template");
    database
}

/// How a test wants its application.
pub struct Options {
    /// Start from the demo co-op instead of an empty database.
    pub demo: bool,
    /// Adjust the settings.
    pub settings: Box<dyn FnOnce(&mut Settings) + Send>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            demo: true,
            settings: Box::new(|_| {}),
        }
    }
}

/// One test's application: its own database and its own server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The test's database name.
    pub database: String,
    /// The test's data directory (signing key, outbox).
    pub data_dir: PathBuf,
    handle: Option<ServerHandle>,
    thread: Option<JoinHandle<()>>,
    /// The server's background work (a password reset's mail), waited for before the
    /// outbox is read.
    background: Option<tokio_util::task::TaskTracker>,
    /// The server's runtime and workers, to deliver its outbox before it is read.
    workers: Option<(tokio::runtime::Handle, concord::worker::Workers)>,
}

impl TestApp {
    /// An application with the demo co-op.
    pub async fn demo() -> TestApp {
        TestApp::spawn(Options::default()).await
    }

    /// An application with an empty database.
    pub async fn empty() -> TestApp {
        TestApp::spawn(Options {
            demo: false,
            ..Options::default()
        })
        .await
    }

    /// A database of its own (the demo co-op's or an empty one) and no server: for
    /// tests that run `concord` as a separate process on it. `url` is empty.
    pub async fn database_only(demo: bool) -> TestApp {
        let database = create_database(demo).await;
        let data_dir = tmp_dir().join("apps").join(&database);
        std::fs::create_dir_all(&data_dir).unwrap();
        TestApp {
            url: String::new(),
            database,
            data_dir,
            handle: None,
            thread: None,
            background: None,
            workers: None,
        }
    }

    /// An application as `options` say.
    pub async fn spawn(options: Options) -> TestApp {
        let cluster = cluster();
        let database = create_database(options.demo).await;
        let data_dir = tmp_dir().join("apps").join(&database);
        let mut settings = Settings::with_data_dir(&data_dir).expect("settings");
        settings.workers = 1;
        settings.pool_size = 8;
        settings.send_reminders = false;
        (options.settings)(&mut settings);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        settings.public_url = format!("http://{address}");
        let url = cluster.connection_string(&database);
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            runtime().block_on(async move {
                let pool = concord::db::pool_with(&url, settings.pool_size, Some(settings.timeouts)).unwrap();
                let state = web::Data::new(AppState::new(settings, pool).unwrap());
                let background = state.background.clone();
                let workers = (tokio::runtime::Handle::current(), concord::worker::Workers::of(&state));
                let server = server::listen(state, listener).unwrap();
                tx.send((server.handle(), background, workers)).unwrap();
                let _ = server.await;
            })
        });
        let (handle, background, workers) = rx.recv().expect("the test server started");
        TestApp {
            url: format!("http://{address}"),
            database,
            data_dir,
            handle: Some(handle),
            thread: Some(thread),
            background: Some(background),
            workers: Some(workers),
        }
    }

    /// A client that keeps cookies and does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client signed in through the login page as a demo login (session cookie).
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let login = client
            .get(self.at("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let response = client
            .post(self.at("/login"))
            .form(&[
                ("csrf", csrf_of(&login).as_str()),
                ("email", email),
                ("password", DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{email} logs in");
        client
    }

    /// The HTML of a page read by a signed-in browser client, which must answer 200.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        let response = client.get(self.at(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// The URL of `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Sends an API request with a bearer token and, if given, a JSON body.
    pub async fn api(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client().request(method, self.at(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// An API token for a login.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let response = self
            .client()
            .post(self.at("/api/v1/auth/token"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "log in as {email}");
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    /// An API token for a demo login.
    pub async fn demo_token(&self, email: &str) -> String {
        self.token(email, DEMO_PASSWORD).await
    }

    /// Runs SQL as the cluster's superuser on the test's database.
    pub async fn sql(&self, query: &str) -> Vec<tokio_postgres::Row> {
        let (client, connection) =
            tokio_postgres::connect(&cluster().connection_string(&self.database), tokio_postgres::NoTls)
                .await
                .unwrap();
        tokio::spawn(connection);
        client
            .query(query, &[])
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    /// Today where the co-op `slug` is, as PostgreSQL reckons it from the co-op's
    /// time zone: the day its records are dated by, which is not UTC's for an hour
    /// or more of every day.
    pub async fn today(&self, slug: &str) -> chrono::NaiveDate {
        let rows = self
            .sql(&format!(
                "SELECT (now() AT TIME ZONE time_zone)::date::text FROM coops WHERE slug = '{slug}'"
            ))
            .await;
        rows[0].get::<_, String>(0).parse().unwrap()
    }

    /// Runs several SQL statements as the cluster's superuser, in one batch.
    pub async fn exec(&self, statements: &str) {
        let (client, connection) =
            tokio_postgres::connect(&cluster().connection_string(&self.database), tokio_postgres::NoTls)
                .await
                .unwrap();
        tokio::spawn(connection);
        client
            .batch_execute(statements)
            .await
            .unwrap_or_else(|e| panic!("{statements}: {e}"));
    }

    /// Makes the demo co-op one that has not adopted bylaws in Concord yet (its
    /// parameters are then the board's to set), as a co-op is before its first
    /// import. The append-only triggers are lifted for this setup only.
    pub async fn without_bylaws(&self) {
        self.exec(
            "ALTER TABLE bylaw_versions DISABLE TRIGGER USER; ALTER TABLE bylaw_revisions DISABLE TRIGGER USER;
             DELETE FROM bylaw_comments; DELETE FROM bylaw_revisions; DELETE FROM bylaw_amendments;
             DELETE FROM bylaw_versions;
             ALTER TABLE bylaw_versions ENABLE TRIGGER USER; ALTER TABLE bylaw_revisions ENABLE TRIGGER USER;",
        )
        .await;
    }

    /// Gives the demo co-op's bylaws in force a notice period of `days` days, as the
    /// model bylaws' Article 11 says (the demo's own schedule gives none). The
    /// append-only trigger is lifted for this setup only.
    pub async fn bylaws_give_notice(&self, days: u32) {
        self.exec(&format!(
            "ALTER TABLE bylaw_versions DISABLE TRIGGER USER;
             UPDATE bylaw_versions SET schedule = jsonb_set(schedule, '{{notice_days}}', '{days}')
              WHERE number = (SELECT max(number) FROM bylaw_versions v WHERE v.coop_id = bylaw_versions.coop_id);
             ALTER TABLE bylaw_versions ENABLE TRIGGER USER;"
        ))
        .await;
    }

    /// Lets an open ballot's closing time pass (a test cannot wait days): it then
    /// closes by the clock, as it would have at its time. For tests whose point is the
    /// result of a ballot on which not every member on the roll voted; answers the
    /// ballot as `token` reads it, closed.
    pub async fn closing_time_passes(&self, token: &str, ballot: &str) -> Value {
        self.exec(&format!(
            "UPDATE ballots SET closes_at = now() - interval '1 second' WHERE id = '{ballot}'"
        ))
        .await;
        let path = format!(
            "/api/v1/coops/{}/ballots/{ballot}",
            self.sql(&format!(
                "SELECT c.slug FROM ballots b JOIN coops c ON c.id = b.coop_id WHERE b.id = '{ballot}'"
            ))
            .await[0]
                .get::<_, String>(0)
        );
        let closed = json(self.api(token, reqwest::Method::GET, &path, None).await, 200).await;
        assert_eq!(closed["status"], "closed", "{closed}");
        closed
    }

    /// Waits until the server has run the task of its schedule `key` once since it
    /// started (the task's row in `jobs` records each run's end).
    pub async fn wait_for_recurring(&self, key: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let query = format!("SELECT 1 FROM jobs WHERE unique_key = '{key}' AND finished_at IS NOT NULL");
        while self.sql(&query).await.is_empty() {
            assert!(std::time::Instant::now() < deadline, "the server never ran `{key}`");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The connection string of the test's database.
    pub fn database_url(&self) -> String {
        cluster().connection_string(&self.database)
    }

    /// Waits for the work the server does after answering (a reset link's mail),
    /// then has the server run the jobs waiting (the notices of a posting) and deliver
    /// its outbox, as its workers would within a second.
    pub fn settle(&self) {
        if let Some(background) = &self.background {
            background.close();
            futures::executor::block_on(background.wait());
            background.reopen();
        }
        if let Some((runtime, workers)) = &self.workers {
            let workers = workers.clone();
            futures::executor::block_on(runtime.spawn(async move {
                workers.one_off_pass().await?;
                workers.deliver_mail().await
            }))
            .expect("the jobs and the delivery ran")
            .expect("the jobs ran and the outbox was delivered");
        }
    }

    /// Runs the one-off jobs waiting in the queue (a large register import) on the
    /// server's workers, as they would within a second. Answers how many ran.
    pub fn run_jobs(&self) -> usize {
        let (runtime, workers) = self.workers.as_ref().expect("a server");
        let workers = workers.clone();
        futures::executor::block_on(runtime.spawn(async move { workers.one_off_pass().await }))
            .expect("the jobs ran")
            .expect("the queue was read")
    }

    /// The logins of the members on a ballot's roll, sorted.
    pub async fn roll_logins(&self, ballot: &str) -> Vec<String> {
        self.sql(&format!(
            "SELECT u.email FROM ballot_voters v JOIN members m ON m.id = v.member_id JOIN users u ON u.id = m.user_id
             WHERE v.ballot_id = '{ballot}' ORDER BY u.email"
        ))
        .await
        .iter()
        .map(|r| r.get(0))
        .collect()
    }

    /// The e-mails in the outbox, as raw messages, oldest first, once the server's
    /// background work is done.
    pub fn outbox(&self) -> Vec<String> {
        self.settle();
        let mut files: Vec<_> = std::fs::read_dir(self.data_dir.join("outbox"))
            .map(|dir| {
                dir.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }

    /// Takes a decision on one member of the demo co-op as its bylaws say:
    /// `admission` by a ballot of the board, `expulsion` by the members' ballot after
    /// the member was sent the grounds and heard. The secretary drafts and opens it,
    /// every demo account on its roll votes for, and it closes once all have voted.
    /// Answers the closed ballot.
    pub async fn decide_on_member(&self, kind: &str, member_id: &str, grounds: &str) -> Value {
        self.decide_on_members(kind, &[member_id.to_string()], grounds)
            .await
            .remove(0)
    }

    /// [`TestApp::decide_on_member`] for several members, one ballot each, the
    /// ballots closing at the same time.
    pub async fn decide_on_members(&self, kind: &str, member_ids: &[String], grounds: &str) -> Vec<Value> {
        let secretary = self.demo_token("secretary@demo.coop").await;
        let ballots = "/api/v1/coops/demo/ballots";
        let mut ids = Vec::new();
        for member_id in member_ids {
            let mut draft = serde_json::json!({
                "title": format!("{kind} of a member"), "decision_kind": kind, "subject_member_id": member_id,
                "closes_at": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339(),
                "questions": [{"title": "Agreed?", "kind": "motion", "threshold": {"kind": "simple"},
                               "base": "cast_excluding_abstentions"}]});
            if kind == "expulsion" {
                draft["grounds"] = grounds.into();
                draft["questions"][0]["threshold"] = serde_json::json!({"kind": "two_thirds"});
            }
            let ballot = json(
                self.api(&secretary, reqwest::Method::POST, ballots, Some(draft)).await,
                201,
            )
            .await;
            let id = ballot["id"].as_str().unwrap().to_string();
            if kind == "expulsion" {
                let today = self.today("demo").await.to_string();
                let hearing = serde_json::json!({"heard_on": today, "note": "The member answered the grounds."});
                let path = format!("{ballots}/{id}/hearing");
                json(
                    self.api(&secretary, reqwest::Method::POST, &path, Some(hearing)).await,
                    200,
                )
                .await;
            }
            let open = format!("{ballots}/{id}/open");
            json(self.api(&secretary, reqwest::Method::POST, &open, None).await, 200).await;
            ids.push(id);
        }
        for email in DEMO_VOTERS {
            let token = self.demo_token(email).await;
            for id in &ids {
                let vote = serde_json::json!({"answers": ["for"]});
                let cast = self
                    .api(
                        &token,
                        reqwest::Method::POST,
                        &format!("{ballots}/{id}/votes"),
                        Some(vote),
                    )
                    .await;
                // Those not on the roll (not on the board, or not in good standing) are refused.
                assert!(
                    [201, 409].contains(&cast.status().as_u16()),
                    "{}",
                    cast.text().await.unwrap()
                );
            }
        }
        let closes = ids.iter().map(|id| {
            let close = format!("{ballots}/{id}/close");
            let secretary = secretary.clone();
            async move { json(self.api(&secretary, reqwest::Method::POST, &close, None).await, 200).await }
        });
        let closed = futures::future::join_all(closes).await;
        for ballot in &closed {
            assert_eq!(ballot["status"], "closed", "{ballot}");
        }
        closed
    }

    /// Has the demo's board approve a draft distribution, as its bylaws let it: the
    /// secretary makes a ballot of the board for that decision, the treasurer proposes
    /// the distribution with it, both board members vote for, and the close approves
    /// the distribution. Answers the closed ballot.
    pub async fn board_approves_distribution(&self, distribution_id: &str) -> Value {
        let secretary = self.demo_token("secretary@demo.coop").await;
        let ballots = "/api/v1/coops/demo/ballots";
        let draft = serde_json::json!({
            "title": "The board approves the distribution", "decision_kind": "distribution_approval",
            "body": "board", "closes_at": (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339(),
            "questions": [{"title": "Approve the year's distribution", "kind": "motion",
                           "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]});
        let ballot = json(
            self.api(&secretary, reqwest::Method::POST, ballots, Some(draft)).await,
            201,
        )
        .await;
        let id = ballot["id"].as_str().unwrap();
        let treasurer = self.demo_token("treasurer@demo.coop").await;
        let propose = format!("/api/v1/coops/demo/distributions/{distribution_id}/propose");
        let proposal = Some(serde_json::json!({"ballot_id": id}));
        let proposed = self.api(&treasurer, reqwest::Method::POST, &propose, proposal).await;
        assert_eq!(json(proposed, 200).await["status"], "proposed");
        json(
            self.api(&secretary, reqwest::Method::POST, &format!("{ballots}/{id}/open"), None)
                .await,
            200,
        )
        .await;
        for email in ["admin@demo.coop", "board@demo.coop"] {
            let token = self.demo_token(email).await;
            let vote = Some(serde_json::json!({"answers": ["for"]}));
            json(
                self.api(&token, reqwest::Method::POST, &format!("{ballots}/{id}/votes"), vote)
                    .await,
                201,
            )
            .await;
        }
        let closed = json(
            self.api(
                &secretary,
                reqwest::Method::POST,
                &format!("{ballots}/{id}/close"),
                None,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(closed["result"]["questions"][0]["carried"], true, "{closed}");
        closed
    }

    /// The member id of a login in the (only) co-op it belongs to.
    pub async fn member_id(&self, email: &str) -> String {
        self.sql(&format!(
            "SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = '{email}'"
        ))
        .await[0]
            .get(0)
    }

    /// Applies to join the co-op `slug` as a visitor would: the form through the API,
    /// then the confirmation link e-mailed to `email` (its page, its button). Returns
    /// the applicant's member id.
    pub async fn apply(&self, slug: &str, name: &str, email: &str, motivation: &str) -> String {
        let response = self
            .client()
            .post(self.at(&format!("/api/v1/coops/{slug}/applications")))
            .json(&serde_json::json!({"display_name": name, "email": email, "motivation": motivation}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
        let confirmed = self.confirm_application(email).await;
        assert_eq!(confirmed.status(), 200);
        self.sql(&format!(
            "SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id JOIN coops c ON c.id = m.coop_id \
             WHERE lower(u.email) = lower('{email}') AND c.slug = '{slug}'"
        ))
        .await[0]
            .get(0)
    }

    /// Opens the newest application link mailed to `email` and presses its button.
    pub async fn confirm_application(&self, email: &str) -> reqwest::Response {
        let link = self.link_mailed_to(email);
        assert!(link.contains("/apply/confirm?token="), "{link}");
        let client = self.client();
        let page = client.get(&link).send().await.unwrap().text().await.unwrap();
        let token = link.split("token=").nth(1).unwrap().to_string();
        let action = link.split('?').next().unwrap().to_string();
        client
            .post(action)
            .form(&[("csrf", csrf_of(&page)), ("token", token)])
            .send()
            .await
            .unwrap()
    }

    /// The first link to this server found in the newest e-mail to `to`.
    pub fn link_mailed_to(&self, to: &str) -> String {
        let mail = self
            .outbox()
            .into_iter()
            .rev()
            .find(|m| m.contains(&format!("To: {to}")))
            .unwrap_or_else(|| panic!("no mail to {to}"));
        // Quoted-printable soft line breaks would cut the link.
        let unfolded = mail.replace("=\r\n", "").replace("=3D", "=");
        let start = unfolded.find(&self.url).expect("a link in the mail");
        unfolded[start..].split_whitespace().next().unwrap().to_string()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            futures::executor::block_on(handle.stop(false));
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let database = self.database.clone();
        let data_dir = self.data_dir.clone();
        // A runtime of its own: this may run inside the test's runtime.
        let _ = std::thread::spawn(move || {
            runtime().block_on(async {
                admin_client(cluster())
                    .await
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                    .await
                    .ok();
            });
            let _ = std::fs::remove_dir_all(data_dir);
        })
        .join();
    }
}

/// Reads a JSON response body, asserting its status first.
pub async fn json(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Asserts a problem+json answer and returns its body.
pub async fn problem(response: reqwest::Response, status: u16, kind: &str) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = json(response, status).await;
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["type"], format!("/problems/{kind}"), "body: {body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

/// The CSRF token of a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..start + 64].to_string()
}

/// Whether a text looks like a receipt code (five groups of four base-32 characters).
pub fn receipt_like(code: &str) -> bool {
    code.len() == 24
        && code.split('-').count() == 5
        && code
            .split('-')
            .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()))
}
