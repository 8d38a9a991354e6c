//! Calendars: a member's secret feed (made, replaced, revoked), what it holds, and
//! the "add to calendar" file of a ballot.

use crate::common::{csrf_of, TestApp};

async fn address_from(page: &str) -> String {
    let marker = "id=\"calendar-address\">";
    let start = page.find(marker).expect("the new address is shown") + marker.len();
    // The page escapes the address's slashes as HTML does.
    page[start..start + page[start..].find('<').unwrap()].replace("&#x2F;", "/")
}

#[tokio::test]
async fn a_member_gets_a_secret_feed_of_ballots_and_can_replace_or_revoke_it() {
    let app = TestApp::demo().await;
    let max = app.signed_in("member@demo.coop").await;
    let account = max.get(app.at("/account")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("Make my calendar address"));
    let make = |csrf: String, action: &'static str| {
        let request = max
            .post(app.at("/account/calendar"))
            .form(&[("csrf", csrf.as_str()), ("action", action)]);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let first = address_from(&make(csrf_of(&account), "new").await).await;
    assert!(first.starts_with(&app.at("/calendar/")) && first.ends_with(".ics"));

    // The address alone opens the feed: no login.
    let anonymous = app.client();
    let feed = anonymous.get(&first).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert_eq!(feed.headers()["content-type"], "text/calendar; charset=utf-8");
    let text = feed.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR"));
    // The two open ballots, each with its window; the closed ones are not there.
    let closes: String = app
        .sql("SELECT to_char(closes_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"') FROM ballots WHERE title = 'Buy a second delivery bike'")
        .await[0]
        .get(0);
    assert!(text.contains("SUMMARY:Vote: Buy a second delivery bike"), "{text}");
    assert!(text.contains(&format!("DTEND:{closes}")), "{text}");
    assert!(text.contains("SUMMARY:Vote: Board election 2026"));
    assert!(!text.contains("Annual general meeting 2025"));

    // A new address revokes the old one; revoking removes the feed.
    let account = max.get(app.at("/account")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("You have a calendar address"));
    let second = address_from(&make(csrf_of(&account), "new").await).await;
    assert_ne!(first, second);
    assert_eq!(anonymous.get(&first).send().await.unwrap().status(), 404);
    assert_eq!(anonymous.get(&second).send().await.unwrap().status(), 200);
    let account = max.get(app.at("/account")).send().await.unwrap().text().await.unwrap();
    make(csrf_of(&account), "revoke").await;
    assert_eq!(anonymous.get(&second).send().await.unwrap().status(), 404);
    let guess = format!("{}/calendar/{}.ics", app.url, "0".repeat(64));
    assert_eq!(anonymous.get(&guess).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_ballot_can_be_added_to_a_calendar_by_its_members_only() {
    let app = TestApp::demo().await;
    let id: String = app
        .sql("SELECT id::text FROM ballots WHERE title = 'Buy a second delivery bike'")
        .await[0]
        .get(0);
    let path = format!("/c/demo/ballots/{id}/calendar.ics");
    let max = app.signed_in("member@demo.coop").await;
    let page = max
        .get(app.at(&format!("/c/demo/ballots/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&path), "the ballot page links to its calendar file");
    let file = max.get(app.at(&path)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    let text = file.text().await.unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
    assert!(text.contains(&format!("UID:ballot-{id}@concord")));
    let operator = app.signed_in("operator@demo.coop").await;
    let refused = operator.get(app.at(&path)).send().await.unwrap().status();
    assert!(matches!(refused.as_u16(), 403 | 404), "{refused}");
}
