//! Hostile input: bodies too large or too deep, huge CSV files, names from every
//! script, and HTML or script in every text a page shows.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{json, problem, TestApp};

/// Largest body a JSON route accepts by default.
const BODY_LIMIT: usize = 256 * 1024;
/// Largest CSV an import accepts.
const IMPORT_LIMIT: usize = 8 * 1024 * 1024;

#[tokio::test]
async fn every_json_route_refuses_an_oversized_body_with_413() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let doc: Value = serde_json::to_value(<concord::server::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(BODY_LIMIT));
    let mut routes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation["requestBody"]["content"]["application/json"].is_null() {
                continue;
            }
            routes += 1;
            let mut filled = path.replace("{slug}", "demo").replace("{number}", "1");
            while let (Some(start), Some(end)) = (filled.find('{'), filled.find('}')) {
                filled.replace_range(start..=end, &uuid::Uuid::nil().to_string());
            }
            let url = app.at(&filled);
            let response = app
                .client()
                .request(method.to_uppercase().parse().unwrap(), url)
                .bearer_auth(&admin)
                .header("content-type", "application/json")
                .body(big.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 413, "{method} {path}");
            let body = problem(response, 413, "payload-too-large").await;
            assert_eq!(
                body["detail"],
                format!("the request body is larger than {BODY_LIMIT} bytes"),
                "{method} {path}"
            );
        }
    }
    assert!(routes > 40, "{routes} routes take JSON");
}

#[tokio::test]
async fn deeply_nested_json_is_refused_cleanly() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    for depth in [200, 100_000] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!("{{\"title\": \"Deep\", \"questions\": {nested}}}");
        let body = if body.len() > BODY_LIMIT { nested } else { body };
        let response = app
            .client()
            .post(app.at("/api/v1/coops/demo/ballots"))
            .bearer_auth(&secretary)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let kind = match status {
            400 => "bad-request",
            422 => "validation",
            413 => "payload-too-large",
            _ => panic!("depth {depth}: {status}"),
        };
        problem(response, status, kind).await;
    }
    // The server is still there.
    let list = app
        .client()
        .get(app.at("/api/v1/coops/demo/ballots"))
        .bearer_auth(&secretary)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
}

/// A CSV one byte over the import limit.
fn huge_csv() -> String {
    let mut csv = String::from("email,display_name\n");
    while csv.len() <= IMPORT_LIMIT {
        csv.push_str("someone@example.org,Someone Somewhere\n");
    }
    csv
}

#[tokio::test]
async fn every_csv_import_refuses_a_file_over_its_limit() {
    let app = TestApp::demo().await;
    let csv = huge_csv();
    let year: String = app.sql("SELECT id::text FROM fiscal_years LIMIT 1").await[0].get(0);
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    // Sam reads English and Théo French: each is told in their language.
    let english = format!("the request body is larger than {IMPORT_LIMIT} bytes");
    let french = format!("Le corps de la requête dépasse {IMPORT_LIMIT} octets.");
    for (token, path, detail) in [
        (&secretary, "/api/v1/coops/demo/register/import".to_string(), &english),
        (
            &treasurer,
            "/api/v1/coops/demo/capital/holdings/import".to_string(),
            &french,
        ),
        (
            &treasurer,
            format!("/api/v1/coops/demo/fiscal-years/{year}/hours/import"),
            &french,
        ),
    ] {
        let response = app
            .client()
            .post(app.at(&path))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv.clone())
            .send()
            .await
            .unwrap();
        let body = problem(response, 413, "payload-too-large").await;
        assert_eq!(&body["detail"], detail, "{path}");
    }
    // The pages' import forms: the page says how large a file may be, in the
    // officer's language.
    for (email, path, detail) in [
        ("secretary@demo.coop", "/c/demo/register/import".to_string(), &english),
        ("treasurer@demo.coop", "/c/demo/capital/holdings".to_string(), &french),
        (
            "treasurer@demo.coop",
            format!("/c/demo/patronage/years/{year}/import"),
            &french,
        ),
    ] {
        let browser = app.signed_in(email).await;
        let page = browser
            .get(app.at("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let response = browser
            .post(app.at(&path))
            .form(&[("csrf", crate::common::csrf_of(&page).as_str()), ("csv", csv.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains(detail.as_str()), "{path}: {html}");
        let lang = if *detail == english { "en" } else { "fr" };
        assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path}: {html}");
    }
}

/// Right-to-left text with its marks, combining accents, an emoji sequence joined by
/// zero-width joiners and a zero-width space.
const WORLDLY: &str = "\u{200f}مريم\u{200f} Zoe\u{308} Nguyê\u{303}n 👩🏽\u{200d}💻 a\u{200b}b";

/// The HTML of a page as a demo login sees it.
async fn page_of(app: &TestApp, email: &str, path: &str) -> String {
    let response = app.signed_in(email).await.get(app.at(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn names_from_every_script_are_kept_and_shown_exactly() {
    let app = TestApp::demo().await;
    let member = app.demo_token("member@demo.coop").await;
    let saved = json(
        app.api(
            &member,
            Method::PUT,
            "/api/v1/me",
            Some(json!({"display_name": WORLDLY, "locale": "en"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(saved["display_name"], WORLDLY);
    let stored: String = app
        .sql("SELECT display_name FROM users WHERE email = 'member@demo.coop'")
        .await[0]
        .get(0);
    assert_eq!(stored, WORLDLY, "stored as sent, byte for byte");
    let account = page_of(&app, "member@demo.coop", "/account").await;
    assert!(account.contains(WORLDLY), "the account page shows it");
    let members = page_of(&app, "admin@demo.coop", "/c/demo/members").await;
    assert!(members.contains(WORLDLY), "the members page shows it");
    // Zero-width and combining characters count as characters in the length rule.
    let long = "e\u{301}".repeat(51);
    let refused = app
        .client()
        .put(app.at("/api/v1/me"))
        .bearer_auth(&member)
        .json(&json!({"display_name": long, "locale": "en"}))
        .send()
        .await
        .unwrap();
    problem(refused, 422, "validation").await;
}

/// Markup that would run if a page put it in as HTML.
const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>";
/// The same without quotes, for names (which may not hold double quotes).
const HOSTILE_NAME: &str = "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>";

/// Whether a page shows the hostile text as text: no live tag, and the text visible.
fn inert(html: &str, page: &str) {
    for live in ["<script>alert", "<img src=x", "<svg onload", "onerror=alert(2)>"] {
        assert!(!html.contains(live), "{page} runs {live}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)"), "{page} shows the text");
}

#[tokio::test]
async fn html_and_scripts_in_every_shown_text_stay_inert() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let board = app.demo_token("board@demo.coop").await;
    let member = app.demo_token("member@demo.coop").await;
    // A member's name and the co-op's name.
    json(
        app.api(
            &member,
            Method::PUT,
            "/api/v1/me",
            Some(json!({"display_name": HOSTILE, "locale": "en"})),
        )
        .await,
        200,
    )
    .await;
    app.exec(&format!(
        "UPDATE coops SET name = '{}' WHERE slug = 'demo'",
        HOSTILE.replace('\'', "''")
    ))
    .await;
    // A ballot with every text field, voted on and closed (for the charts).
    let ballot = json(
        app.api(
            &secretary,
            Method::POST,
            "/api/v1/coops/demo/ballots",
            Some(json!({
                "title": HOSTILE,
                "description": HOSTILE,
                "closes_at": "2031-06-30T18:00:00Z",
                "settings": {"mode": "online", "secret": true, "allow_change": false,
                             "quorum": {"kind": "none"}, "proxies": {"kind": "none"}},
                "questions": [
                    {"title": HOSTILE, "text": HOSTILE, "kind": "motion",
                     "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"},
                    {"title": HOSTILE, "kind": "election", "method": "plurality", "seats": 1,
                     "candidates": [{"name": HOSTILE_NAME, "statement": HOSTILE}, {"name": "Ben"}]}
                ]
            })),
        )
        .await,
        201,
    )
    .await;
    let id = ballot["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/coops/demo/ballots/{id}");
    json(
        app.api(&secretary, Method::POST, &format!("{base}/open"), Some(json!({})))
            .await,
        200,
    )
    .await;
    let browser = app.signed_in("member@demo.coop").await;
    let vote_page = browser
        .get(app.at(&format!("/c/demo/ballots/{id}/vote")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    inert(&vote_page, "the voting page");
    json(
        app.api(
            &member,
            Method::POST,
            &format!("{base}/votes"),
            Some(json!({"answers": ["for", {"choices": [0]}]})),
        )
        .await,
        201,
    )
    .await;
    // One member of six voted: the ballot closes at its closing time.
    app.closing_time_passes(&secretary, &id).await;
    // A meeting with a hostile title, agenda note and minutes.
    let meeting = json(
        app.api(
            &secretary,
            Method::POST,
            "/api/v1/coops/demo/meetings",
            Some(json!({"kind": "general", "title": HOSTILE, "place": HOSTILE,
                          "starts_at": Utc::now() - Duration::hours(2)})),
        )
        .await,
        201,
    )
    .await;
    let meeting_id = meeting["id"].as_str().unwrap().to_string();
    let at = |tail: &str| format!("/api/v1/coops/demo/meetings/{meeting_id}{tail}");
    for (method, tail, body) in [
        (
            Method::PUT,
            "/agenda",
            Some(json!({"items": [{"title": HOSTILE, "note": HOSTILE}]})),
        ),
        (Method::POST, "/held", None),
        (Method::PUT, "/minutes", Some(json!({"minutes": HOSTILE}))),
    ] {
        json(app.api(&secretary, method, &at(tail), body).await, 200).await;
    }
    // An amendment of the bylaws: title, rationale, article text, a comment.
    let number: i32 = app.sql("SELECT max(number) FROM bylaw_versions").await[0].get(0);
    let current = app
        .api(
            &board,
            Method::GET,
            &format!("/api/v1/coops/demo/bylaws/versions/{number}/markdown"),
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    let first_article_end = current
        .find("\n# ")
        .map(|start| start + 1 + current[start + 1..].find("\n# ").unwrap_or(current.len() - start - 1));
    let mut text = current.clone();
    text.insert_str(first_article_end.unwrap(), &format!("\n{HOSTILE}\n"));
    let amendment = json(
        app.api(
            &board,
            Method::POST,
            "/api/v1/coops/demo/bylaws/amendments",
            Some(json!({"title": HOSTILE, "rationale": HOSTILE, "text": text})),
        )
        .await,
        201,
    )
    .await;
    let amendment_id = amendment["amendment"]["id"].as_str().unwrap().to_string();
    json(
        app.api(
            &board,
            Method::POST,
            &format!("/api/v1/coops/demo/bylaws/amendments/{amendment_id}/share"),
            None,
        )
        .await,
        200,
    )
    .await;
    json(
        app.api(
            &member,
            Method::POST,
            &format!("/api/v1/coops/demo/bylaws/amendments/{amendment_id}/comments"),
            Some(json!({"body": HOSTILE})),
        )
        .await,
        201,
    )
    .await;

    let admin = app.signed_in("admin@demo.coop").await;
    let secretary_browser = app.signed_in("secretary@demo.coop").await;
    let member_browser = app.signed_in("member@demo.coop").await;
    for (who, path) in [
        (&member_browser, "/account".to_string()),
        (&admin, "/c/demo".to_string()),
        (&admin, "/c/demo/members".to_string()),
        (&admin, "/c/demo/register".to_string()),
        (&admin, format!("/c/demo/ballots/{id}")),
        (&admin, "/c/demo/ballots".to_string()),
        (&secretary_browser, format!("/c/demo/meetings/{meeting_id}")),
        (&secretary_browser, format!("/c/demo/meetings/{meeting_id}/print")),
        (&admin, "/c/demo/meetings".to_string()),
        (&admin, format!("/c/demo/bylaws/amendments/{amendment_id}")),
        (&admin, "/c/demo/bylaws/amendments".to_string()),
    ] {
        let response = who.get(app.at(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        inert(&response.text().await.unwrap(), &path);
    }
}
