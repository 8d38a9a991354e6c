//! Health, readiness, metrics, the OpenAPI document and security headers.

use crate::common::{json, Options, TestApp};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::empty().await;
    let client = app.client();
    assert_eq!(
        json(client.get(app.at("/healthz")).send().await.unwrap(), 200).await["status"],
        "ok"
    );
    assert_eq!(
        json(client.get(app.at("/readyz")).send().await.unwrap(), 200).await["status"],
        "ready"
    );
}

#[tokio::test]
async fn metrics_are_exposed_for_prometheus() {
    let app = TestApp::empty().await;
    let client = app.client();
    client.get(app.at("/healthz")).send().await.unwrap();
    let text = client
        .get(app.at("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("concord_http_requests_total"), "{text}");
}

/// The number of series of the request counter in a `/metrics` answer.
fn request_series(metrics: &str) -> usize {
    metrics
        .lines()
        .filter(|l| l.starts_with("concord_http_requests_total{"))
        .count()
}

/// Issue 20, finding 5: 30,000 made-up paths took `/metrics` from 134 KB to 137 MB,
/// each path a label. Every unmatched path now counts under one label.
#[tokio::test]
async fn made_up_addresses_share_one_metrics_label() {
    let app = TestApp::empty().await;
    let client = app.client();
    let scan = |from: usize, to: usize| {
        let client = client.clone();
        let app = &app;
        async move {
            for i in from..to {
                let answer = client.get(app.at(&format!("/no-such-page-{i}"))).send().await.unwrap();
                assert_eq!(answer.status(), 404);
            }
            client
                .get(app.at("/metrics"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let after_20 = scan(0, 20).await;
    let after_60 = scan(20, 60).await;
    assert!(!after_60.contains("no-such-page"), "{after_60}");
    assert!(after_60.contains("endpoint=\"UNMATCHED\""), "{after_60}");
    // 40 more made-up paths add no series (the /metrics requests themselves add one).
    assert_eq!(request_series(&after_60), request_series(&after_20) + 1, "{after_60}");
}

/// With a token configured, `/metrics` answers only to it.
#[tokio::test]
async fn metrics_answer_only_to_their_token_when_one_is_set() {
    let app = TestApp::spawn(Options {
        demo: false,
        settings: Box::new(|s| s.metrics_token = Some("metrics-token-of-this-test".into())),
    })
    .await;
    let get = |token: Option<&str>| {
        let request = app.client().get(app.at("/metrics"));
        match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        }
        .send()
    };
    let anonymous = get(None).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer realm=\"metrics\"");
    assert_eq!(get(Some("metrics-token-of-this-tesT")).await.unwrap().status(), 401);
    let allowed = get(Some("metrics-token-of-this-test")).await.unwrap();
    assert_eq!(allowed.status(), 200);
    assert!(allowed.text().await.unwrap().contains("concord_http_requests_total"));
}

/// With `--metrics-bind`, `/metrics` is served on that address only.
#[tokio::test]
async fn metrics_bound_apart_are_not_served_beside_the_application() {
    // A free port: bound, read, released for Concord to bind.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let app = TestApp::spawn(Options {
        demo: false,
        settings: Box::new(move |s| s.metrics_bind = Some(free.to_string())),
    })
    .await;
    let beside = app.client().get(app.at("/metrics")).send().await.unwrap();
    assert_eq!(beside.status(), 404);
    app.client().get(app.at("/healthz")).send().await.unwrap();
    let apart = app.client().get(format!("http://{free}/metrics")).send().await.unwrap();
    assert_eq!(apart.status(), 200);
    assert!(apart.text().await.unwrap().contains("endpoint=\"/healthz\""));
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = TestApp::empty().await;
    let doc = json(app.client().get(app.at("/api/openapi.json")).send().await.unwrap(), 200).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/auth/token",
        "/api/v1/auth/password",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/auth/logout-everywhere",
        "/api/v1/me",
        "/api/v1/coops",
        "/api/v1/coops/{slug}",
        "/api/v1/coops/{slug}/members",
        "/api/v1/coops/{slug}/members/{member_id}/roles",
        "/api/v1/coops/{slug}/applications",
        "/api/v1/coops/{slug}/register",
        "/api/v1/coops/{slug}/register.csv",
        "/api/v1/coops/{slug}/members/{member_id}/status",
        "/api/v1/coops/{slug}/members/{member_id}/history",
        "/api/v1/coops/{slug}/audit",
        "/api/v1/coops/{slug}/audit.csv",
        "/api/v1/coops/{slug}/ballots",
        "/api/v1/coops/{slug}/ballots/{ballot_id}",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/open",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/close",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/cancel",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/votes",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/proxy",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/meeting-papers",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/roll",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/roll-call",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/receipts",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/receipts/check",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/papers.blt",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/results.csv",
        "/api/v1/coops/{slug}/parameters",
        "/api/v1/coops/{slug}/fiscal-years",
        "/api/v1/coops/{slug}/fiscal-years/{year_id}/close",
        "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours",
        "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours/import",
        "/api/v1/coops/{slug}/members/{member_id}/hours",
        "/api/v1/coops/{slug}/distributions",
        "/api/v1/coops/{slug}/distributions/{distribution_id}",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/propose",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/return",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/post",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/reverse",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/payments",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/report.csv",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/notices",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/notices/{member_id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is missing");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::empty().await;
    for path in ["/login", "/api/v1/me", "/static/style.css"] {
        let response = app.client().get(app.at(path)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
    }
}

#[tokio::test]
async fn pages_follow_the_language_of_the_visitor() {
    let app = TestApp::empty().await;
    let client = app.client();
    let french = client
        .get(app.at("/login"))
        .header("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(french.contains("<html lang=\"fr\">"));
    assert!(french.contains("Mot de passe oublié ?"));
    let english = client
        .get(app.at("/login"))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">"));
}

/// utoipa names a schema after its type, and a second type of the same name silently
/// replaces the first in the OpenAPI document (clients then validate answers against
/// the wrong shape): every type deriving `ToSchema` has a name of its own, or an `as`.
#[test]
fn every_api_schema_has_a_name_of_its_own() {
    fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut names = std::collections::HashMap::<String, usize>::new();
    for text in &files {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.starts_with("#[derive(") && line.contains("ToSchema")) {
                continue;
            }
            let mut alias = None;
            for next in &lines[i + 1..] {
                if let Some(rest) = next.trim().strip_prefix("#[schema(as = ") {
                    alias = Some(rest.trim_end_matches(")]").to_string());
                } else if let Some(rest) = next
                    .strip_prefix("pub struct ")
                    .or_else(|| next.strip_prefix("pub enum "))
                {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    *names.entry(alias.take().unwrap_or(name)).or_default() += 1;
                    break;
                }
            }
        }
    }
    let mut twice: Vec<&String> = names.iter().filter(|(_, n)| **n > 1).map(|(name, _)| name).collect();
    twice.sort();
    assert!(names.len() > 50, "the scan found the schemas");
    assert!(twice.is_empty(), "schema names used twice: {twice:?}");
}

/// Issue 20, finding 3: requests waiting on a lock (admissions behind a register
/// import) had no lock timeout and each held a pooled connection until the pool ran
/// dry and every co-op's pages and `/readyz` answered 503. A request now gives up
/// after the lock timeout with 503 and `Retry-After`, and the rest keep being served.
#[tokio::test]
async fn a_request_stuck_behind_a_lock_gives_up_and_frees_its_connection() {
    let app = TestApp::spawn(Options {
        demo: true,
        settings: Box::new(|s| s.timeouts.lock = std::time::Duration::from_secs(1)),
    })
    .await;
    // Another session holds the demo co-op's register, as a long import would.
    let (holder, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    holder
        .batch_execute("BEGIN; SELECT id FROM coops WHERE slug = 'demo' FOR UPDATE")
        .await
        .unwrap();
    let secretary = app.demo_token("secretary@demo.coop").await;
    let import = || {
        app.client()
            .post(app.at("/api/v1/coops/demo/register/import"))
            .bearer_auth(&secretary)
            .header("content-type", "text/csv")
            .body("number,name,email,status,member_since,employment_status\n,Ivo Late,ivo@bakery.test,applicant,,\n")
            .send()
    };
    // More waiting requests than the pool has connections: each gives up in turn.
    let waiting: Vec<_> = (0..10).map(|_| import()).collect();
    for answer in futures::future::join_all(waiting).await {
        let answer = answer.unwrap();
        assert_eq!(answer.status(), 503);
        assert_eq!(answer.headers()["retry-after"], "5");
    }
    // Meanwhile, and after, the rest is served.
    assert_eq!(app.client().get(app.at("/readyz")).send().await.unwrap().status(), 200);
    let register = app.api(&secretary, reqwest::Method::GET, "/api/v1/coops/demo/register", None);
    assert_eq!(register.await.status(), 200);
    // Once the lock is released the import goes through, written once.
    holder.batch_execute("COMMIT").await.unwrap();
    assert_eq!(import().await.unwrap().status(), 201);
    let ivo = app
        .sql("SELECT count(*) FROM users WHERE email = 'ivo@bakery.test'")
        .await;
    assert_eq!(ivo[0].get::<_, i64>(0), 1);
}

#[tokio::test]
async fn a_request_holding_a_connection_is_refused_a_second_in_the_tests() {
    let app = TestApp::database_only(false).await;
    let pool = concord::db::pool(&app.database_url(), 4).unwrap();
    concord::db::one_connection_per_request(async {
        let first = concord::db::conn(&pool).await.unwrap();
        let second = concord::db::conn(&pool).await;
        assert!(
            matches!(second, Err(concord::error::AppError::Internal(_))),
            "a debug build refuses the second connection"
        );
        drop(first);
        let again = concord::db::conn(&pool).await;
        assert!(again.is_ok(), "once the first is back, the request may take one");
    })
    .await;
    // Outside a request (the workers, the CLI) connections are not counted.
    let (a, b) = (concord::db::conn(&pool).await, concord::db::conn(&pool).await);
    assert!(a.is_ok() && b.is_ok());
}
