//! Health, readiness, metrics, the OpenAPI document and security headers.

use crate::common::{json, TestApp};

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
        "/api/v1/coops/{slug}/distributions/{distribution_id}/approve",
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
