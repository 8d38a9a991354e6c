//! The main journeys in headless Chromium.

use crate::common::browser::Browser;
use crate::common::{json, TestApp, DEMO_PASSWORD};

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
    // Max subscribed 2 shares at €50.00 in 4 instalments of €25 when he joined in
    // September 2023 and has paid €50 (one share, enough to vote): €50 is still to pay.
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
    // The €50 he had paid and the €25 the treasurer just recorded.
    assert!(facts.contains("Paid\n€75.00"), "{facts}");
    assert!(facts.contains("Still to pay\n€25.00"), "{facts}");
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

/// At a meeting: ticks the members present on the ballot's meeting page, records
/// their paper votes (`n | answer` lines) and waits for the roll.
/// The meeting the ballot is voted at, started a minute ago, with `present` recorded
/// as attending (through the API): a meeting ballot is closed on its attendance.
async fn hold_meeting(app: &TestApp, ballot: &str, present: &[&str]) {
    use reqwest::Method;
    use serde_json::json as body;
    let token = app.demo_token("secretary@demo.coop").await;
    let meeting = body!({"kind": "extraordinary", "title": "Extraordinary meeting",
                         "starts_at": chrono::Utc::now() - chrono::Duration::minutes(1)});
    let meeting = json(
        app.api(&token, Method::POST, "/api/v1/coops/demo/meetings", Some(meeting))
            .await,
        201,
    )
    .await;
    let at = format!("/api/v1/coops/demo/meetings/{}", meeting["id"].as_str().unwrap());
    let agenda = body!({"items": [{"title": "The vote", "ballot_id": ballot}]});
    let set = app
        .api(&token, Method::PUT, &format!("{at}/agenda"), Some(agenda))
        .await;
    assert_eq!(set.status(), 200);
    for email in present {
        let line = body!({"member_id": app.member_id(email).await});
        let recorded = app
            .api(&token, Method::POST, &format!("{at}/attendance"), Some(line))
            .await;
        assert_eq!(recorded.status(), 201);
    }
}

/// Members present at the ballot's meeting vote on paper.
async fn record_meeting_papers(browser: &Browser, app: &TestApp, ballot: &str, present: &[&str], papers: &str) {
    hold_meeting(app, ballot, present).await;
    browser
        .goto(&app.at(&format!("/c/demo/ballots/{ballot}/meeting")))
        .await;
    for email in present {
        let member: String = app
            .sql(&format!(
                "SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = '{email}'"
            ))
            .await[0]
            .get(0);
        browser.click(&format!("input[name=member][value='{member}']")).await;
    }
    browser.fill("#papers", papers).await;
    browser
        .click_and_wait(
            "form[action$='/meeting'] button[type=submit]",
            &app.at(&format!("/c/demo/ballots/{ballot}/roll")),
        )
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
    record_meeting_papers(
        &browser,
        &app,
        &id,
        &["marie@demo.coop", "board@demo.coop", "member@demo.coop"],
        "2 | for\n1 | against",
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

#[tokio::test]
async fn the_board_amends_the_bylaws_a_member_comments_and_a_meeting_adopts_it() {
    let app = TestApp::demo().await;
    let text = app
        .client()
        .get(app.at("/api/v1/coops/demo/bylaws/versions/2/markdown"))
        .bearer_auth(app.demo_token("board@demo.coop").await)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // The board drafts by editing the text, and shares the draft.
    let board = Browser::start(1280, 900).await;
    sign_in(&board, &app, "board@demo.coop").await;
    board.goto(&app.at("/c/demo/bylaws/amendments/new")).await;
    board.fill("#title", "Our new workshop").await;
    board.fill("#rationale", "We moved to a bigger workshop in May.").await;
    board
        .fill("#text", &text.replace("12 Wheel Street", "14 Wheel Street"))
        .await;
    board
        .click_and_wait_for(
            "form[action$='/amendments'] button[type=submit]",
            "form[action$='/share'] button",
        )
        .await;
    assert!(board.text(".change").await.contains("Article 1"));
    board
        .click_and_wait_for("form[action$='/share'] button", "h1 .status-open")
        .await;
    let id = board.path().await.rsplit('/').next().unwrap().to_string();
    board.screenshot("bylaws-amendment").await;

    // Max reads it on his phone and comments on article 1.
    let member = Browser::start(360, 740).await;
    sign_in(&member, &app, "member@demo.coop").await;
    member.goto(&app.at(&format!("/c/demo/bylaws/amendments/{id}"))).await;
    member.click("#article option[value='1']").await;
    member
        .fill("#body", "Good news: there is room for the second bike.")
        .await;
    member
        .click_and_wait_for("#comments form.card button[type=submit]", ".comment")
        .await;
    assert!(member.text(".comment").await.contains("room for the second bike"));
    member.close().await;

    // Put to a meeting's vote; four members vote for on paper; the close adopts it.
    board.goto(&app.at(&format!("/c/demo/bylaws/amendments/{id}"))).await;
    board.click("#mode option[value=meeting]").await;
    board
        .click_and_wait_for("form[action$='/submit'] button", "a.ballot-link")
        .await;
    board
        .click_and_wait_for("a.ballot-link", "form[action$='/open'] button")
        .await;
    board
        .click_and_wait_for("form[action$='/open'] button", "form[action$='/close'] button")
        .await;
    let ballot = board.path().await.rsplit('/').next().unwrap().to_string();
    record_meeting_papers(
        &board,
        &app,
        &ballot,
        &[
            "admin@demo.coop",
            "treasurer@demo.coop",
            "board@demo.coop",
            "member@demo.coop",
        ],
        "4 | for",
    )
    .await;
    board.goto(&app.at(&format!("/c/demo/ballots/{ballot}"))).await;
    board
        .click_and_wait_for("form[action$='/close'] button", "#results")
        .await;

    // Version 3 is in force.
    board.goto(&app.at("/c/demo/bylaws")).await;
    let page = board.text("main").await;
    assert!(page.contains("Version 3") && page.contains("14 Wheel Street"), "{page}");
    board.screenshot("bylaws-in-force").await;
    board.close().await;
}

/// Every page of the main journeys, by who sees it.
const AUDITED_PAGES: [(&str, &[&str]); 3] = [
    (
        "member@demo.coop",
        &[
            "/",
            "/account",
            "/c/demo",
            "/c/demo/ballots",
            "/c/demo/capital/me",
            "/c/demo/patronage",
            "/c/demo/bylaws",
            "/c/demo/bylaws/versions",
            "/c/demo/bylaws/compare?from=1&to=2",
            "/c/demo/bylaws/amendments",
            "/c/demo/parameters",
        ],
    ),
    (
        "board@demo.coop",
        &[
            "/c/demo/register",
            "/c/demo/ballots/new",
            "/c/demo/bylaws/amendments/new",
        ],
    ),
    ("treasurer@demo.coop", &["/c/demo/capital"]),
];

#[tokio::test]
async fn the_main_pages_pass_the_accessibility_audit() {
    let app = TestApp::demo().await;
    let mut found = Vec::new();
    for (email, pages) in AUDITED_PAGES {
        let browser = Browser::start(1280, 900).await;
        sign_in(&browser, &app, email).await;
        for page in pages {
            browser.goto(&app.at(page)).await;
            found.extend(
                browser
                    .accessibility_violations()
                    .await
                    .into_iter()
                    .map(|v| format!("{page} ({email}): {v}")),
            );
        }
        // The ballot and amendment pages, whose addresses hold ids.
        if email == "member@demo.coop" {
            // The audit itself works: an image without a text alternative is found.
            browser.goto(&app.at("/c/demo")).await;
            browser
                .client
                .execute(
                    "document.querySelector('main').append(document.createElement('img'))",
                    vec![],
                )
                .await
                .unwrap();
            let control = browser.accessibility_violations().await;
            assert!(
                control.iter().any(|v| v.starts_with("image-alt (critical)")),
                "{control:?}"
            );
            for title in ["Buy a second delivery bike", "Annual general meeting 2025"] {
                browser
                    .goto(&app.at(&format!("/c/demo/ballots/{}", ballot_id(&app, title).await)))
                    .await;
                found.extend(
                    browser
                        .accessibility_violations()
                        .await
                        .into_iter()
                        .map(|v| format!("{title}: {v}")),
                );
            }
            let amendment: String = app
                .sql("SELECT id::text FROM bylaw_amendments WHERE status = 'open'")
                .await[0]
                .get(0);
            browser
                .goto(&app.at(&format!("/c/demo/bylaws/amendments/{amendment}")))
                .await;
            found.extend(
                browser
                    .accessibility_violations()
                    .await
                    .into_iter()
                    .map(|v| format!("amendment: {v}")),
            );
        }
        browser.close().await;
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[tokio::test]
async fn a_member_votes_with_the_keyboard_alone() {
    use fantoccini::key::Key;
    let app = TestApp::demo().await;
    let bike = ballot_id(&app, "Buy a second delivery bike").await;
    let browser = Browser::start(1280, 900).await;
    sign_in(&browser, &app, "member@demo.coop").await;
    // From the home page: Tab to the ballot's "vote now" link, Enter.
    browser
        .tab_to(&format!("section.open-ballots a[href='/c/demo/ballots/{bike}/vote']"))
        .await;
    browser.press(Key::Enter).await;
    browser
        .client
        .wait()
        .for_element(fantoccini::Locator::Css("input[name=answer][value=for]"))
        .await
        .unwrap();
    // Tab to the first choice, Space to choose it, Tab to the button, Enter.
    browser.tab_to("input[name=answer][value=for]").await;
    browser.press(Key::Space).await;
    browser.tab_to("form.vote button[type=submit]").await;
    browser.press(Key::Enter).await;
    browser
        .client
        .wait()
        .for_element(fantoccini::Locator::Css("#receipt-code"))
        .await
        .unwrap();
    assert_eq!(browser.text("h1").await, "Vote recorded");
    let papers = app
        .sql(&format!(
            "SELECT answers::text FROM ballot_papers WHERE ballot_id = '{bike}' ORDER BY answers::text"
        ))
        .await;
    let answers: Vec<String> = papers.iter().map(|r| r.get(0)).collect();
    assert_eq!(
        answers,
        ["[\"against\"]", "[\"for\"]", "[\"for\"]"],
        "Max's paper is the third"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_members_pages_fit_a_phone_without_scrolling_sideways() {
    let app = TestApp::demo().await;
    let browser = Browser::start(360, 740).await;
    sign_in(&browser, &app, "member@demo.coop").await;
    let bike = ballot_id(&app, "Buy a second delivery bike").await;
    let agm = ballot_id(&app, "Annual general meeting 2025").await;
    let amendment: String = app
        .sql("SELECT id::text FROM bylaw_amendments WHERE status = 'open'")
        .await[0]
        .get(0);
    let mut pages: Vec<(String, String)> = AUDITED_PAGES[0]
        .1
        .iter()
        .map(|p| (p.to_string(), format!("phone{}", p.replace(['/', '?', '=', '&'], "-"))))
        .collect();
    pages.push((format!("/c/demo/ballots/{bike}/vote"), "phone-vote".into()));
    pages.push((format!("/c/demo/ballots/{agm}"), "phone-ballot-result".into()));
    pages.push((
        format!("/c/demo/bylaws/amendments/{amendment}"),
        "phone-amendment".into(),
    ));
    let mut too_wide = Vec::new();
    for (page, shot) in &pages {
        browser.goto(&app.at(page)).await;
        let widths = browser
            .client
            .execute(
                "return [window.innerWidth, document.documentElement.scrollWidth]",
                vec![],
            )
            .await
            .unwrap();
        let (inner, scroll) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        if scroll > inner {
            too_wide.push(format!("{page}: {scroll} px wide in a {inner} px window"));
        }
        browser.screenshot(shot).await;
    }
    assert!(too_wide.is_empty(), "{}", too_wide.join("\n"));
    browser.close().await;
}
