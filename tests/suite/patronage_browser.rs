//! The year-end distribution in headless Chromium: the treasurer's journey from a
//! closed year to a posted distribution, and the member's notice.

use crate::common::browser::Browser;
use crate::common::{json, TestApp, DEMO_PASSWORD};
use serde_json::json;

/// Signs out (if signed in) and signs in as `email`, arriving at the co-op's home.
pub(crate) async fn sign_in_as(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.at("/login")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
}

/// What the API answers `email` for a path under the demo co-op.
async fn api_get(app: &TestApp, email: &str, path: &str) -> serde_json::Value {
    let token = app.demo_token(email).await;
    let response = app
        .client()
        .get(app.at(&format!("/api/v1/coops/demo{path}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(crate) async fn sign_out(browser: &Browser, app: &TestApp) {
    browser
        .click_and_wait("form[action='/logout'] button[type=submit]", &app.at("/login"))
        .await;
}

#[tokio::test]
async fn the_treasurer_computes_proposes_and_posts_a_distribution_and_a_member_reads_the_notice() {
    let app = TestApp::demo().await;
    // The demo's year closed for hours.
    let year: String = app
        .sql("SELECT id::text FROM fiscal_years WHERE status = 'closed'")
        .await[0]
        .get(0);
    let browser = Browser::start(1280, 900).await;
    sign_in_as(&browser, &app, "treasurer@demo.coop").await;
    browser.goto(&app.at("/c/demo/patronage")).await;
    browser.screenshot("patronage-home").await;
    browser.goto(&app.at(&format!("/c/demo/patronage/years/{year}"))).await;
    browser.fill("#surplus", "50000.00").await;
    browser.click("#preset").await;
    browser.click("#preset option[value=us_worker]").await;
    browser.click("input[name=board_may_approve]").await;
    browser
        .click_and_wait_for(
            "form[action$='/patronage/distributions'] button[type=submit]",
            "form[action$='/propose']",
        )
        .await;
    let path = browser.path().await;
    let id = path.rsplit('/').next().unwrap().to_string();
    assert_eq!(path, format!("/c/demo/patronage/distributions/{id}"));
    browser.screenshot("distribution-draft").await;
    // The draft shows the worked line the API computes, to the cent.
    let view = api_get(&app, "treasurer@demo.coop", &format!("/distributions/{id}")).await;
    let worked = view["worked_line"].as_str().unwrap().to_string();
    // us_worker: 30 % of €50,000.00 to the reserve, the pool is €35,000.00.
    assert!(
        worked.contains(" h of ") && worked.contains("× €35,000.00 = "),
        "{worked}"
    );
    assert!(browser.text("main").await.contains(&worked));
    let here = |done: &str| app.at(&format!("/c/demo/patronage/distributions/{id}?done={done}"));
    // The bylaws let the board approve: the secretary has made the board's ballot,
    // which the treasurer chooses when proposing.
    let secretary = app.demo_token("secretary@demo.coop").await;
    let board_ballot = json!({"title": "The board approves the distribution", "decision_kind": "distribution_approval",
        "body": "board", "closes_at": "2031-01-01T00:00:00Z",
        "questions": [{"title": "Approve", "kind": "motion", "threshold": {"kind": "simple"},
                       "base": "cast_excluding_abstentions"}]});
    let ballots = "/api/v1/coops/demo/ballots";
    let ballot = app
        .api(&secretary, reqwest::Method::POST, ballots, Some(board_ballot))
        .await;
    let ballot = json(ballot, 201).await["id"].as_str().unwrap().to_string();
    browser
        .goto(&app.at(&format!("/c/demo/patronage/distributions/{id}")))
        .await;
    browser.click(&format!("#ballot_id option[value='{ballot}']")).await;
    browser
        .click_and_wait("form[action$='/propose'] button[type=submit]", &here("propose"))
        .await;
    // The demo's treasurer reads French; the board and the member, English.
    assert_eq!(
        browser.text(".notice").await,
        "La répartition est proposée aux associés."
    );
    sign_out(&browser, &app).await;

    // The board votes (Amina and Bea, both for), and Bea closes its ballot once both
    // have voted: the close approves the distribution.
    let open = format!("{ballots}/{ballot}/open");
    json(app.api(&secretary, reqwest::Method::POST, &open, None).await, 200).await;
    for email in ["admin@demo.coop", "board@demo.coop"] {
        let token = app.demo_token(email).await;
        let vote = Some(json!({"answers": ["for"]}));
        let path = format!("{ballots}/{ballot}/votes");
        json(app.api(&token, reqwest::Method::POST, &path, vote).await, 201).await;
    }
    sign_in_as(&browser, &app, "board@demo.coop").await;
    let ballot_page = app.at(&format!("/c/demo/ballots/{ballot}"));
    browser.goto(&ballot_page).await;
    browser
        .click_and_wait_for("form[action$='/close'] button[type=submit]", "#results")
        .await;
    let view = api_get(&app, "board@demo.coop", &format!("/distributions/{id}")).await;
    assert_eq!(view["status"], "approved");
    sign_out(&browser, &app).await;

    sign_in_as(&browser, &app, "treasurer@demo.coop").await;
    browser
        .goto(&app.at(&format!("/c/demo/patronage/distributions/{id}")))
        .await;
    browser
        .click_and_wait("form[action$='/post'] button[type=submit]", &here("post"))
        .await;
    assert_eq!(
        browser.text(".notice").await,
        "La répartition est comptabilisée ; les avis sont envoyés."
    );
    browser.screenshot("distribution-posted").await;
    sign_out(&browser, &app).await;

    // The member reads their own notice: the figures the API gives them.
    sign_in_as(&browser, &app, "member@demo.coop").await;
    let me: String = app
        .sql("SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'member@demo.coop'")
        .await[0]
        .get(0);
    let notice = api_get(&app, "member@demo.coop", &format!("/distributions/{id}/notices/{me}")).await;
    browser
        .goto(&app.at(&format!("/c/demo/patronage/distributions/{id}/notice")))
        .await;
    let page = browser.text("main").await;
    browser.screenshot("member-notice").await;
    let line = notice["worked_line"].as_str().unwrap();
    assert!(page.contains(line), "{page}\n---\n{line}");
    browser.close().await;
    let posted = app
        .sql(&format!("SELECT status FROM distributions WHERE id = '{id}'"))
        .await;
    assert_eq!(posted[0].get::<_, String>(0), "posted");
}
