//! Hostile requests from issue 18: redirects off the site, control characters in
//! text, formulas in CSV exports, the login throttle at a general meeting, forged
//! `X-Forwarded-For`, CSRF tokens of another session, old account links, the outbox's
//! permissions, and back-dated share subscriptions.

use crate::common::{csrf_of, TestApp, DEMO_PASSWORD};

/// Logs in through the login page with `next` and returns the status and `Location`.
async fn login_with_next(app: &TestApp, email: &str, password: &str, next: &str) -> (u16, String) {
    let client = app.client();
    let page = client.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("email", email),
            ("password", password),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

#[tokio::test]
async fn login_next_with_control_characters_goes_home() {
    let app = TestApp::demo().await;
    for next in [
        "/\t/evil.example/phish",
        "/\n/x",
        "/\r\n/x",
        "//evil.example",
        "/\\evil.example",
    ] {
        let answer = login_with_next(&app, "member@demo.coop", DEMO_PASSWORD, next).await;
        assert_eq!(answer, (303, "/".to_string()), "next={next:?}");
    }
    let kept = login_with_next(&app, "marie@demo.coop", DEMO_PASSWORD, "/c/demo/ballots").await;
    assert_eq!(kept, (303, "/c/demo/ballots".to_string()));
}
