//! Issue 19, finding 4, in headless Chromium: the board tries to close an online
//! ballot early, gets the cancellation form instead, gives a reason and confirms,
//! and the ballot is cancelled, deciding nothing.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::common::browser::Browser;
use crate::common::{json, TestApp, DEMO_PASSWORD};

#[tokio::test]
async fn the_board_closing_an_online_ballot_early_gets_the_cancellation_form() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let ballots = "/api/v1/coops/demo/ballots";
    let created = json(
        app.api(
            &board,
            reqwest::Method::POST,
            ballots,
            Some(json!({
                "title": "Buy the van",
                "closes_at": Utc::now() + Duration::days(13),
                "questions": [{"title": "Buy the van", "kind": "motion",
                               "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]
            })),
        )
        .await,
        201,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    json(
        app.api(
            &board,
            reqwest::Method::POST,
            &format!("{ballots}/{id}/open"),
            Some(json!({})),
        )
        .await,
        200,
    )
    .await;
    let marie = app.demo_token("marie@demo.coop").await;
    json(
        app.api(
            &marie,
            reqwest::Method::POST,
            &format!("{ballots}/{id}/votes"),
            Some(json!({"answers": ["for"]})),
        )
        .await,
        201,
    )
    .await;

    let browser = Browser::start(1280, 900).await;
    browser.goto(&app.at("/login")).await;
    browser.fill("#email", "board@demo.coop").await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
    let page = app.at(&format!("/c/demo/ballots/{id}"));
    browser.goto(&page).await;
    browser
        .click_and_wait(
            "form[action$='/close'] button",
            &app.at(&format!("/c/demo/ballots/{id}/close")),
        )
        .await;
    assert_eq!(browser.text("h1").await, "Cancel “Buy the van”?");
    let why = browser.text("#closing-early").await;
    assert!(why.contains("1 of 6 members have voted"), "{why}");
    assert!(why.contains("It can only be cancelled."), "{why}");
    browser.screenshot("ballot-cancel-instead-of-close").await;
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "the cancellation form: {violations:#?}");

    browser.fill("#reason", "The supplier withdrew the van.").await;
    browser.click("#confirm").await;
    browser.click_and_wait("#cancel-form button[type=submit]", &page).await;
    assert!(browser
        .text("main")
        .await
        .contains("This ballot was cancelled: The supplier withdrew the van."),);
    browser.close().await;

    let stored = app
        .sql(&format!(
            "SELECT status, cancel_reason, result IS NULL FROM ballots WHERE id = '{id}'"
        ))
        .await;
    assert_eq!(stored[0].get::<_, String>(0), "cancelled");
    assert_eq!(stored[0].get::<_, String>(1), "The supplier withdrew the van.");
    assert!(stored[0].get::<_, bool>(2), "a cancelled ballot has no result");
}
