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

#[tokio::test]
async fn a_treasurer_records_a_payment_and_the_member_sees_it() {
    let app = TestApp::demo().await;
    let browser = Browser::start(1280, 900).await;
    browser.goto(&app.at("/login")).await;
    browser.fill("#email", "treasurer@demo.coop").await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
    browser.goto(&app.at("/c/demo/capital")).await;
    assert_eq!(browser.text("h1").await, "Capital social", "the treasurer reads French");
    browser.screenshot("capital-treasurer").await;
    let max = app
        .sql("SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'member@demo.coop'")
        .await[0]
        .get::<_, String>(0);
    browser.goto(&app.at(&format!("/c/demo/capital/{max}"))).await;
    // Max subscribed 2 shares at €50.00 in 4 instalments and has paid nothing yet.
    let amount = browser
        .client
        .find(fantoccini::Locator::Css("input[name=amount]"))
        .await
        .unwrap();
    amount.send_keys("25.00").await.unwrap();
    browser.fill("input[name=reference]", "VIR-MAX-1").await;
    browser
        .click_and_wait(
            "form[action$='/entries'] input[value=payment] ~ button[type=submit]",
            &app.at(&format!("/c/demo/capital/{max}?done=payment")),
        )
        .await;
    assert_eq!(browser.text(".notice").await, "L’écriture est enregistrée.");
    browser.close().await;

    let member = Browser::start(360, 740).await;
    member.goto(&app.at("/login")).await;
    member.fill("#email", "member@demo.coop").await;
    member.fill("#password", DEMO_PASSWORD).await;
    member
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
    member
        .click_and_wait(
            "a[href='/c/demo/capital/me']",
            &app.at(&format!("/c/demo/capital/{max}")),
        )
        .await;
    let facts = member.text("dl.facts").await;
    assert!(facts.contains("Paid\n€25.00"), "{facts}");
    assert!(facts.contains("Still to pay\n€75.00"), "{facts}");
    member.screenshot("statement-phone").await;
    member.close().await;
}

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.at("/login")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
}

async fn ballot_id(app: &TestApp, title: &str) -> String {
    app.sql(&format!("SELECT id::text FROM ballots WHERE title = '{title}'"))
        .await[0]
        .get(0)
}

#[tokio::test]
async fn a_member_votes_on_a_phone_and_keeps_the_receipt() {
    let app = TestApp::demo().await;
    let bike = ballot_id(&app, "Buy a second delivery bike").await;
    let board = ballot_id(&app, "Board election 2026").await;
    let browser = Browser::start(360, 740).await;
    sign_in(&browser, &app, "member@demo.coop").await;
    let home = browser.text("section.open-ballots").await;
    assert!(
        home.contains("Buy a second delivery bike") && home.contains("Board election 2026"),
        "{home}"
    );
    browser.screenshot("ballots-home-phone").await;
    browser
        .click_and_wait(
            &format!("section.open-ballots a[href='/c/demo/ballots/{bike}/vote']"),
            &app.at(&format!("/c/demo/ballots/{bike}/vote")),
        )
        .await;
    browser.click("input[name=answer][value=for]").await;
    browser.screenshot("ballot-vote-phone").await;
    browser
        .click_and_wait_for("form.vote button[type=submit]", "#receipt-code")
        .await;
    assert_eq!(browser.text("h1").await, "Vote recorded");
    let receipt = browser.text("#receipt-code").await;
    assert!(crate::common::receipt_like(&receipt), "{receipt}");
    browser.screenshot("ballot-receipt-phone").await;

    // The election: rank Marie first and Amina second.
    browser.goto(&app.at(&format!("/c/demo/ballots/{board}/vote"))).await;
    browser.click("#rank_2 option[value='1']").await;
    browser.click("#rank_0 option[value='2']").await;
    browser
        .click_and_wait_for("form.vote button[type=submit]", "#receipt-code")
        .await;
    assert!(browser.text("main").await.contains("Marie Membre > Amina Admin"));
    let widths = browser
        .client
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(widths[1], 360, "no horizontal scrolling on a phone");

    // The ballot page now says the vote is recorded, and shows the turnout.
    browser.goto(&app.at(&format!("/c/demo/ballots/{bike}"))).await;
    assert_eq!(browser.text(".vote-call .notice").await, "Your vote is recorded.");
    assert!(browser.text("main").await.contains("3 of 6 members have voted."));
    browser.close().await;
    let papers = app
        .sql(&format!(
            "SELECT count(*) FROM ballot_papers WHERE ballot_id = '{bike}'"
        ))
        .await;
    assert_eq!(papers[0].get::<_, i64>(0), 3);
}

#[tokio::test]
async fn the_secretary_opens_and_closes_a_meeting_vote() {
    let app = TestApp::demo().await;
    let browser = Browser::start(1280, 900).await;
    sign_in(&browser, &app, "secretary@demo.coop").await;
    browser.goto(&app.at("/c/demo/ballots/new")).await;
    browser.fill("#title", "Extraordinary meeting").await;
    browser.click("input[name=mode][value=meeting]").await;
    browser.fill("#q0_title", "Move to the new workshop").await;
    browser.click("#q0_threshold option[value=absolute]").await;
    browser.screenshot("ballot-new").await;
    browser
        .click_and_wait_for("button[value=save]", "form[action$='/open'] button")
        .await;
    browser
        .click_and_wait_for("form[action$='/open'] button", "form[action$='/close'] button")
        .await;
    assert_eq!(browser.text("h1 + p .badge").await, "Open");
    let id = ballot_id(&app, "Extraordinary meeting").await;

    // Three members vote on paper at the meeting.
    browser.goto(&app.at(&format!("/c/demo/ballots/{id}/meeting"))).await;
    for email in ["marie@demo.coop", "board@demo.coop", "member@demo.coop"] {
        let member: String = app
            .sql(&format!(
                "SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = '{email}'"
            ))
            .await[0]
            .get(0);
        browser.click(&format!("input[name=member][value='{member}']")).await;
    }
    browser.fill("#papers", "2 | for\n1 | against").await;
    browser
        .click_and_wait(
            "form[action$='/meeting'] button[type=submit]",
            &app.at(&format!("/c/demo/ballots/{id}/roll")),
        )
        .await;
    assert!(browser.text("main").await.contains("3 of 6 members have voted."));
    browser.goto(&app.at(&format!("/c/demo/ballots/{id}"))).await;
    browser
        .click_and_wait_for("form[action$='/close'] button", "#results")
        .await;
    let result = browser.text("article.result").await;
    assert!(result.contains("Carried"), "{result}");
    assert!(
        result.contains("2 for, 1 against, 0 abstaining: 66.66 % of 3 votes cast excluding abstentions; the absolute majority threshold is met."),
        "{result}"
    );
    browser.screenshot("ballot-result").await;
    browser.close().await;
}
