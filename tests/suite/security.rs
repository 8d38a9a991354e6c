//! Attacks on accounts: telling accounts apart by the login's answer, guessing
//! passwords in parallel, replaying a reset link, keeping a stolen session, and the
//! session cookie's flags. (CSRF on every form is in `authz_matrix`, which knows every
//! route; the basic login and reset journeys are in `auth`.)

use serde_json::json;

use crate::common::{csrf_of, problem, Options, TestApp, DEMO_PASSWORD};

/// The login page's answer to a failed login, with its per-request CSRF token blanked.
async fn page_login(app: &TestApp, email: &str, password: &str) -> (u16, String) {
    let client = app.client();
    let page = client.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let response = client
        .post(app.at("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .unwrap()
        .replace(&csrf, "CSRF")
        .replace(email, "EMAIL");
    (status, body)
}

#[tokio::test]
async fn the_login_page_answers_an_unknown_email_as_a_wrong_password() {
    let app = TestApp::demo().await;
    let wrong = page_login(&app, "member@demo.coop", "not the password at all").await;
    let unknown = page_login(&app, "nobody@demo.coop", "not the password at all").await;
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong, unknown);
    // An invited user without a password yet answers the same too.
    let invited = page_login(&app, "camille@example.org", "not the password at all").await;
    assert_eq!(wrong, invited);
}

#[tokio::test]
async fn fifty_parallel_guesses_get_five_password_checks_and_the_rest_429() {
    let app = TestApp::spawn(Options {
        settings: Box::new(|s| s.throttle.refill = std::time::Duration::from_secs(3600)),
        ..Options::default()
    })
    .await;
    let client = app.client();
    let guesses = (0..50).map(|i| {
        client
            .post(app.at("/api/v1/auth/token"))
            .json(&json!({"email": "member@demo.coop", "password": format!("guess number {i}")}))
            .send()
    });
    let answers = futures::future::join_all(guesses).await;
    let mut checked = 0;
    let mut throttled = 0;
    for answer in answers {
        let answer = answer.unwrap();
        match answer.status().as_u16() {
            401 => {
                checked += 1;
                problem(answer, 401, "bad-credentials").await;
            }
            429 => {
                throttled += 1;
                let retry_after: u64 = answer.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                assert!((1..=3600).contains(&retry_after), "{retry_after}");
                problem(answer, 429, "too-many-requests").await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((checked, throttled), (5, 45));
    // The right password is refused too until the allowance refills.
    let right = client
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "member@demo.coop", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    problem(right, 429, "too-many-requests").await;
}

#[tokio::test]
async fn a_reset_link_used_twice_at_once_sets_one_password() {
    let app = TestApp::demo().await;
    let client = app.client();
    let asked = client
        .post(app.at("/api/v1/auth/password-reset"))
        .json(&json!({"email": "member@demo.coop"}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 202);
    let link = app.link_mailed_to("member@demo.coop");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let passwords = ["first racing password", "second racing password"];
    let confirms = passwords.iter().map(|password| {
        client
            .post(app.at("/api/v1/auth/password-reset/confirm"))
            .json(&json!({"token": token, "new_password": password}))
            .send()
    });
    let statuses: Vec<u16> = futures::future::join_all(confirms)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, [204, 422], "{statuses:?}");
    let winner = passwords[statuses.iter().position(|s| *s == 204).unwrap()];
    app.token("member@demo.coop", winner).await;
    let used: i64 = app
        .sql("SELECT count(*) FROM account_tokens WHERE purpose = 'password_reset' AND used_at IS NULL")
        .await[0]
        .get(0);
    assert_eq!(used, 0, "the link is used up");
}

#[tokio::test]
async fn a_stolen_session_cookie_and_token_die_when_the_owner_logs_out_everywhere() {
    let app = TestApp::demo().await;
    let owner = app.signed_in("member@demo.coop").await;
    let account = owner
        .get(app.at("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The thief copies the session cookie and an API token.
    let thief_token = app.demo_token("member@demo.coop").await;
    let cookie = {
        let login = app.client();
        let page = login.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
        let response = login
            .post(app.at("/login"))
            .form(&[
                ("csrf", csrf_of(&page).as_str()),
                ("email", "member@demo.coop"),
                ("password", DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        let value = response
            .cookies()
            .find(|c| c.name() == "concord_session")
            .unwrap()
            .value()
            .to_string();
        value
    };
    let thief = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let as_thief = || {
        thief
            .get(app.at("/account"))
            .header("cookie", format!("concord_session={cookie}"))
            .send()
    };
    assert_eq!(as_thief().await.unwrap().status(), 200);
    // The owner logs out everywhere from the account page.
    let response = owner
        .post(app.at("/account/logout-everywhere"))
        .form(&[("csrf", csrf_of(&account).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let stolen = as_thief().await.unwrap();
    assert_eq!(stolen.status(), 303);
    assert_eq!(stolen.headers()["location"], "/login?next=%2Faccount");
    let me = app
        .client()
        .get(app.at("/api/v1/me"))
        .bearer_auth(&thief_token)
        .send()
        .await
        .unwrap();
    problem(me, 401, "unauthorized").await;
}

/// The `Set-Cookie` header of `name` in a response.
fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

async fn cookies_of_a_login(app: &TestApp) -> (String, String) {
    // No cookie store: it would not send a Secure cookie back over plain HTTP.
    let client = app.client();
    let page = client.get(app.at("/login")).send().await.unwrap();
    let csrf_cookie = set_cookie(&page, "concord_csrf");
    let html = page.text().await.unwrap();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.at("/login"))
        .header("cookie", csrf_cookie.split(';').next().unwrap())
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("email", "member@demo.coop"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    (set_cookie(&response, "concord_session"), csrf_cookie)
}

#[tokio::test]
async fn cookies_are_http_only_same_site_and_secure_when_configured() {
    let plain = TestApp::demo().await;
    let (session, csrf) = cookies_of_a_login(&plain).await;
    for cookie in [&session, &csrf] {
        let flags: Vec<&str> = cookie.split("; ").skip(1).collect();
        assert!(flags.contains(&"HttpOnly"), "{cookie}");
        assert!(flags.contains(&"SameSite=Lax"), "{cookie}");
        assert!(flags.contains(&"Path=/"), "{cookie}");
        assert!(!flags.contains(&"Secure"), "no Secure flag over plain HTTP: {cookie}");
    }
    assert!(session.contains("Max-Age="), "{session}");
    let secure = TestApp::spawn(Options {
        settings: Box::new(|s| s.secure_cookies = true),
        ..Options::default()
    })
    .await;
    let (session, csrf) = cookies_of_a_login(&secure).await;
    for cookie in [&session, &csrf] {
        let flags: Vec<&str> = cookie.split("; ").skip(1).collect();
        assert!(flags.contains(&"Secure"), "{cookie}");
        assert!(flags.contains(&"HttpOnly"), "{cookie}");
        assert!(flags.contains(&"SameSite=Lax"), "{cookie}");
    }
}
