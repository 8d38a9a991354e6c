//! The main journeys in headless Chromium.

use crate::common::browser::Browser;
use crate::common::{TestApp, DEMO_PASSWORD};

#[tokio::test]
async fn a_member_logs_in_and_switches_to_french() {
    let app = TestApp::demo().await;
    let browser = Browser::start(1280, 900).await;
    browser.goto(&app.at("/")).await;
    assert_eq!(browser.path().await, "/login");
    browser.fill("#email", "member@demo.coop").await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser.screenshot("login").await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
    assert_eq!(browser.text("h1").await, "Riverside Workers' Co-op");
    assert_eq!(browser.page_lang().await, "en");
    browser.screenshot("coop-home-en").await;

    browser.goto(&app.at("/account")).await;
    browser.click("#locale").await;
    browser.click("#locale option[value=fr]").await;
    browser
        .click_and_wait(
            "form[action='/account/profile'] button[type=submit]",
            &app.at("/account?done=profile"),
        )
        .await;
    assert_eq!(browser.page_lang().await, "fr");
    assert_eq!(browser.text("h1").await, "Mon compte");
    assert_eq!(
        browser.text(".notice").await,
        "Votre nom et votre langue sont enregistrés."
    );
    browser.goto(&app.at("/c/demo")).await;
    assert!(browser.text("main").await.contains("Vos rôles ici"));
    browser.screenshot("coop-home-fr").await;
    browser.close().await;
    let saved = app
        .sql("SELECT locale FROM users WHERE email = 'member@demo.coop'")
        .await;
    assert_eq!(saved[0].get::<_, String>(0), "fr");
}

#[tokio::test]
async fn an_admin_invites_a_member_on_a_phone() {
    let app = TestApp::demo().await;
    let browser = Browser::start(360, 740).await;
    browser.goto(&app.at("/login")).await;
    browser.fill("#email", "admin@demo.coop").await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
    browser.goto(&app.at("/c/demo/members")).await;
    browser.fill("#invite-email", "phone.invite@demo.coop").await;
    browser.fill("#invite-name", "Phone Invite").await;
    browser
        .click("form[action$='/members/invite'] input[value=treasurer]")
        .await;
    browser.screenshot("members-phone").await;
    browser
        .click_and_wait(
            "form[action$='/members/invite'] button[type=submit]",
            &app.at("/c/demo/members?done=invited"),
        )
        .await;
    assert_eq!(browser.text(".notice").await, "The invitation is sent.");
    assert!(browser.text("table").await.contains("phone.invite@demo.coop"));
    let widths = browser
        .client
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(widths[0], 360, "the phone's viewport");
    assert_eq!(widths[1], 360, "no horizontal scrolling on a phone");
    browser.close().await;
    assert!(app
        .link_mailed_to("phone.invite@demo.coop")
        .contains("/password/reset?token="));
}
