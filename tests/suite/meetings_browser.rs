//! General meetings in headless Chromium: the secretary records attendance, a
//! member reads the meeting pages, and both pass the accessibility audit.

use crate::common::browser::Browser;
use crate::common::{TestApp, DEMO_PASSWORD};

async fn sign_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.at("/login")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/c/demo"))
        .await;
}

#[tokio::test]
async fn the_secretary_records_attendance_and_a_member_reads_the_meeting() {
    let app = TestApp::demo().await;
    let autumn: String = app
        .sql("SELECT id::text FROM meetings WHERE title = 'Autumn general meeting'")
        .await[0]
        .get(0);
    let agm: String = app.sql("SELECT id::text FROM meetings WHERE title = '2025 AGM'").await[0].get(0);
    let page = app.at(&format!("/c/demo/meetings/{autumn}"));

    let secretary = Browser::start(1280, 900).await;
    sign_in(&secretary, &app, "secretary@demo.coop").await;
    secretary
        .click_and_wait("nav a[href='/c/demo/register']", &app.at("/c/demo/register"))
        .await;
    secretary.screenshot("register-secretary").await;
    secretary
        .click_and_wait("nav a[href='/c/demo/meetings']", &app.at("/c/demo/meetings"))
        .await;
    secretary
        .click_and_wait(&format!("a[href='/c/demo/meetings/{autumn}']"), &page)
        .await;
    for email in ["marie@demo.coop", "member@demo.coop"] {
        let member = app.member_id(email).await;
        secretary.click(&format!("#member_id option[value='{member}']")).await;
        secretary
            .click_and_wait("form[action$='/attend'] button[type=submit]", &format!("{page}#attend"))
            .await;
    }
    let attendance = secretary.text("section[aria-labelledby=attendance]").await;
    assert!(
        attendance.contains("Marie Membre") && attendance.contains("Max Member"),
        "{attendance}"
    );
    assert!(attendance.contains("2 present and 0 represented"), "{attendance}");
    secretary.screenshot("meeting-secretary").await;
    let violations = secretary.accessibility_violations().await;
    assert!(violations.is_empty(), "the secretary's meeting page: {violations:#?}");
    secretary.close().await;

    let member = Browser::start(360, 740).await;
    sign_in(&member, &app, "member@demo.coop").await;
    member.goto(&page).await;
    let attendance = member.text("section[aria-labelledby=attendance]").await;
    assert!(attendance.contains("Marie Membre"), "{attendance}");
    member.goto(&app.at(&format!("/c/demo/meetings/{agm}"))).await;
    let agenda = member.text("section[aria-labelledby=agenda]").await;
    assert!(
        agenda.contains("Approve the 2025 accounts") && agenda.contains("Carried"),
        "{agenda}"
    );
    assert!(member
        .text("section[aria-labelledby=minutes]")
        .await
        .contains("Draft minutes"));
    member.screenshot("meeting-member-phone").await;
    let violations = member.accessibility_violations().await;
    assert!(violations.is_empty(), "the member's meeting page: {violations:#?}");
    let widths = member
        .client
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(widths[0], widths[1], "no horizontal scrolling on a phone");
    member.close().await;
}
