//! Bad input gets problem+json with the right status, never a 500.

use crate::common::{problem, TestApp};
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = TestApp::empty().await;
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    problem(response, 400, "bad-request").await;
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415() {
    let app = TestApp::empty().await;
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .header("content-type", "text/plain")
        .body("email=a&password=b")
        .send()
        .await
        .unwrap();
    problem(response, 415, "unsupported-media-type").await;
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = TestApp::empty().await;
    let huge = "x".repeat(300 * 1024);
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": huge, "password": "p"}))
        .send()
        .await
        .unwrap();
    problem(response, 413, "payload-too-large").await;
}

#[tokio::test]
async fn a_missing_field_names_the_field() {
    let app = TestApp::empty().await;
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "a@b.coop"}))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "password");
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_a_422() {
    let app = TestApp::empty().await;
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": 12, "password": []}))
        .send()
        .await
        .unwrap();
    problem(response, 422, "validation").await;
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let app = TestApp::empty().await;
    let client = app.client();
    problem(
        client.get(app.at("/api/v1/no-such-thing")).send().await.unwrap(),
        404,
        "not-found",
    )
    .await;
    problem(
        client.get(app.at("/api/v1/auth/token")).send().await.unwrap(),
        405,
        "method-not-allowed",
    )
    .await;
    problem(
        client.delete(app.at("/api/v1/me")).send().await.unwrap(),
        405,
        "method-not-allowed",
    )
    .await;
}

#[tokio::test]
async fn a_malformed_id_in_a_path_is_a_404() {
    let app = TestApp::demo().await;
    let token = app.demo_token("admin@demo.coop").await;
    let response = app
        .client()
        .put(app.at("/api/v1/coops/demo/members/not-a-uuid/roles"))
        .bearer_auth(token)
        .json(&json!({"roles": []}))
        .send()
        .await
        .unwrap();
    problem(response, 404, "not-found").await;
}

#[tokio::test]
async fn a_bad_query_is_a_400_and_an_out_of_range_limit_a_422() {
    let app = TestApp::demo().await;
    let token = app.demo_token("admin@demo.coop").await;
    let client = app.client();
    let response = client
        .get(app.at("/api/v1/coops/demo/audit?limit=lots"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    problem(response, 400, "bad-request").await;
    let response = client
        .get(app.at("/api/v1/coops/demo/audit?limit=0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let body = problem(response, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "limit");
}

#[tokio::test]
async fn pages_show_errors_as_html_not_json() {
    let app = TestApp::empty().await;
    let response = app.client().get(app.at("/no/such/page")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("This page does not exist"), "{html}");
}

/// A refusal is answered in the caller's own language, whatever their browser asks
/// for, with the same stable code in each; a visitor who is not signed in gets their
/// `Accept-Language`.
#[tokio::test]
async fn a_refusal_is_in_the_callers_language_with_one_code() {
    let app = TestApp::demo().await;
    let class: String = app
        .sql("SELECT id::text FROM share_classes WHERE name = 'Parts sociales'")
        .await[0]
        .get(0);
    let today = app.today("demo").await;
    // Marie's language is French, Max's English; each asks to back-date their own
    // subscription, which only a treasurer may.
    let mut said = Vec::new();
    for (email, browser) in [("marie@demo.coop", "en"), ("member@demo.coop", "fr")] {
        let token = app.demo_token(email).await;
        let member = app.member_id(email).await;
        let body = json!({"operation": "subscribe", "member_id": member, "class_id": class, "shares": 1,
                          "date": "2020-01-02"});
        let response = app
            .client()
            .post(app.at("/api/v1/coops/demo/capital/entries"))
            .bearer_auth(&token)
            .header("Accept-Language", browser)
            .json(&body)
            .send()
            .await
            .unwrap();
        let refused = problem(response, 422, "validation").await;
        let field = &refused["errors"][0];
        assert_eq!(
            (&field["field"], &field["code"]),
            (&json!("date"), &json!("error-share-not-today"))
        );
        said.push((refused["title"].clone(), field["message"].clone()));
    }
    assert_eq!(
        said,
        [
            (
                json!("Saisie invalide"),
                json!(format!(
                    "Votre propre souscription est datée d'aujourd'hui ({today}) ; seul un trésorier peut en enregistrer une à une autre date."
                ))
            ),
            (
                json!("Invalid input"),
                json!(format!(
                    "your own subscription is dated today ({today}); only a treasurer may record another date"
                ))
            ),
        ]
    );
    // A vote on a closed ballot: each is told in their language.
    let closed: String = app
        .sql("SELECT id::text FROM ballots WHERE status = 'closed' ORDER BY closes_at LIMIT 1")
        .await[0]
        .get(0);
    for (email, detail) in [
        ("marie@demo.coop", "Ce scrutin est clos ; les votes ne sont plus reçus."),
        ("member@demo.coop", "This ballot is closed; votes are no longer taken."),
    ] {
        let token = app.demo_token(email).await;
        let vote = app
            .api(
                &token,
                reqwest::Method::POST,
                &format!("/api/v1/coops/demo/ballots/{closed}/votes"),
                Some(json!({"answers": ["for"]})),
            )
            .await;
        assert_eq!(problem(vote, 409, "conflict").await["detail"], detail, "{email}");
    }
    // A visitor applying to join, by their browser's language.
    for (browser, message) in [
        ("fr", "Cette adresse e-mail n'est pas valide."),
        ("en-US", "This is not a valid e-mail address."),
    ] {
        let response = app
            .client()
            .post(app.at("/api/v1/coops/demo/applications"))
            .header("Accept-Language", browser)
            .json(&json!({"display_name": "Vi Visitor", "email": "not an address", "motivation": ""}))
            .send()
            .await
            .unwrap();
        let refused = problem(response, 422, "validation").await;
        assert_eq!(
            (&refused["errors"][0]["code"], &refused["errors"][0]["message"]),
            (&json!("error-email-invalid"), &json!(message))
        );
    }
    for (browser, title) in [
        ("fr-CA,fr;q=0.9", "Authentification requise"),
        ("en-GB", "Authentication required"),
    ] {
        let response = app
            .client()
            .get(app.at("/api/v1/coops/demo/capital"))
            .header("Accept-Language", browser)
            .send()
            .await
            .unwrap();
        assert_eq!(problem(response, 401, "unauthorized").await["title"], title);
    }
}
