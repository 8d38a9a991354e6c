//! Accounts: tokens, revocation, throttling, password reset, sessions and CSRF.

use std::ffi::OsStr;

use crate::common::process;
use crate::common::{csrf_of, json, problem, Options, TestApp, DEMO_PASSWORD};
use serde_json::json;

#[tokio::test]
async fn a_token_opens_the_api_and_me_lists_memberships() {
    let app = TestApp::demo().await;
    let token = app.demo_token("treasurer@demo.coop").await;
    let response = app
        .client()
        .get(app.at("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let me = json(response, 200).await;
    assert_eq!(me["user"]["email"], "treasurer@demo.coop");
    assert_eq!(me["user"]["locale"], "fr");
    assert!(me["user"].get("password_hash").is_none());
    assert_eq!(
        me["memberships"],
        json!([{"slug": "demo", "name": "Riverside Workers' Co-op", "roles": ["member", "treasurer"]}])
    );
}

#[tokio::test]
async fn the_token_response_has_the_documented_shape() {
    let app = TestApp::demo().await;
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "MEMBER@demo.coop", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    let body = json(response, 200).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::demo().await;
    let client = app.client();
    let wrong = client
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "member@demo.coop", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    let wrong = problem(wrong, 401, "bad-credentials").await;
    let unknown = client
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "nobody@demo.coop", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    let unknown = problem(unknown, 401, "bad-credentials").await;
    assert_eq!(wrong, unknown);
}

#[tokio::test]
async fn missing_bad_and_foreign_tokens_are_401() {
    let app = TestApp::demo().await;
    let client = app.client();
    problem(
        client.get(app.at("/api/v1/me")).send().await.unwrap(),
        401,
        "unauthorized",
    )
    .await;
    let bad = client
        .get(app.at("/api/v1/me"))
        .bearer_auth("a.b.c")
        .send()
        .await
        .unwrap();
    problem(bad, 401, "unauthorized").await;
    // A token signed with another key (another instance) is refused.
    let other = concord::auth::token::TokenKeys::new(&[9u8; 64]).issue(
        uuid::Uuid::new_v4(),
        0,
        concord::auth::token::TokenKind::Access,
        chrono::Utc::now().timestamp(),
        std::time::Duration::from_secs(60),
    );
    let foreign = client
        .get(app.at("/api/v1/me"))
        .bearer_auth(other)
        .send()
        .await
        .unwrap();
    problem(foreign, 401, "unauthorized").await;
}

#[tokio::test]
async fn the_sixth_attempt_on_an_account_is_throttled_with_retry_after() {
    let app = TestApp::demo().await;
    let client = app.client();
    for _ in 0..5 {
        let response = client
            .post(app.at("/api/v1/auth/token"))
            .json(&json!({"email": "member@demo.coop", "password": "wrong password!"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    // Even the right password is refused now: the limit is on attempts.
    let response = client
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "member@demo.coop", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    problem(response, 429, "too-many-requests").await;
    // Another account from the same address still gets in.
    app.demo_token("board@demo.coop").await;
}

#[tokio::test]
async fn failures_through_one_server_count_on_another_sharing_the_database() {
    let app = TestApp::demo().await;
    // A second Concord process on the same database, with the same signing key.
    let url = app.database_url();
    let other = process::serve(
        &[],
        &[
            ("DATABASE_URL", OsStr::new(&url)),
            ("CONCORD_DATA_DIR", app.data_dir.as_os_str()),
        ],
    );
    let client = app.client();
    let mut statuses = Vec::new();
    for server in [
        &app.url, &other.url, &app.url, &other.url, &app.url, &other.url, &app.url,
    ] {
        let response = client
            .post(format!("{server}/api/v1/auth/token"))
            .json(&json!({"email": "member@demo.coop", "password": "wrong password!"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    // Five failures in all, three on one server and two on the other, spend the
    // account's allowance on both.
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    other.stop();
}

#[tokio::test]
async fn the_throttle_keeps_rows_only_for_failures_still_counting() {
    let app = TestApp::demo().await;
    let buckets = async || -> Vec<(String, f64)> {
        app.sql("SELECT key, tokens FROM login_throttle ORDER BY key")
            .await
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    app.demo_token("member@demo.coop").await;
    // A right password gives back what it took: nothing is left to remember.
    assert_eq!(buckets().await, []);
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "Member@Demo.coop ", "password": "wrong password!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // A failure spends one of the account's five and one of the address's thirty.
    assert_eq!(
        buckets().await,
        [
            ("account:member@demo.coop".to_string(), 4.0),
            ("ip:127.0.0.1".to_string(), 29.0)
        ]
    );
    // Once refilled, the next request forgets them.
    app.exec("UPDATE login_throttle SET full_at = now() - interval '1 second', at = now() - interval '1 hour'")
        .await;
    app.demo_token("board@demo.coop").await;
    assert_eq!(buckets().await, []);
}

#[tokio::test]
async fn an_address_is_throttled_across_accounts() {
    let app = TestApp::spawn(Options {
        settings: Box::new(|s| s.throttle.per_ip_burst = 3),
        ..Options::default()
    })
    .await;
    let client = app.client();
    for email in ["a@x.coop", "b@x.coop", "c@x.coop"] {
        let response = client
            .post(app.at("/api/v1/auth/token"))
            .json(&json!({"email": email, "password": "whatever it is"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    // The spent address refuses another guess on an account that already failed...
    let response = client
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "a@x.coop", "password": "another guess"}))
        .send()
        .await
        .unwrap();
    problem(response, 429, "too-many-requests").await;
    // ...but never a right password for an account without failures (issue 18 #15).
    let response = client
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": "member@demo.coop", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_password_change_revokes_every_older_token() {
    let app = TestApp::demo().await;
    let client = app.client();
    let old = app.demo_token("member@demo.coop").await;
    let other_device = app.demo_token("member@demo.coop").await;
    let response = client
        .post(app.at("/api/v1/auth/password"))
        .bearer_auth(&old)
        .json(&json!({"current_password": DEMO_PASSWORD, "new_password": "a brand new passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    for token in [&old, &other_device] {
        let response = client
            .get(app.at("/api/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        problem(response, 401, "unauthorized").await;
    }
    let fresh = app.token("member@demo.coop", "a brand new passphrase").await;
    let response = client
        .get(app.at("/api/v1/me"))
        .bearer_auth(&fresh)
        .send()
        .await
        .unwrap();
    json(response, 200).await;
}

#[tokio::test]
async fn a_weak_or_wrong_password_change_is_refused_and_changes_nothing() {
    let app = TestApp::demo().await;
    let client = app.client();
    let token = app.demo_token("member@demo.coop").await;
    let cases = [
        (DEMO_PASSWORD, "short", "password"),
        (DEMO_PASSWORD, "password1234", "password"),
        ("the wrong current one", "a brand new passphrase", "current_password"),
    ];
    for (current, new, field) in cases {
        let response = client
            .post(app.at("/api/v1/auth/password"))
            .bearer_auth(&token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
            .await
            .unwrap();
        let body = problem(response, 422, "validation").await;
        assert_eq!(body["errors"][0]["field"], field);
    }
    // The token still works and the old password still logs in.
    let response = client
        .get(app.at("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    json(response, 200).await;
    app.demo_token("member@demo.coop").await;
}

#[tokio::test]
async fn logging_out_everywhere_kills_tokens_and_sessions() {
    let app = TestApp::demo().await;
    let browser = app.signed_in("member@demo.coop").await;
    assert_eq!(browser.get(app.at("/account")).send().await.unwrap().status(), 200);
    let token = app.demo_token("member@demo.coop").await;
    let response = app
        .client()
        .post(app.at("/api/v1/auth/logout-everywhere"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let me = app
        .client()
        .get(app.at("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    problem(me, 401, "unauthorized").await;
    let account = browser.get(app.at("/account")).send().await.unwrap();
    assert_eq!(account.status(), 303);
    assert_eq!(account.headers()["location"], "/login?next=%2Faccount");
}

#[tokio::test]
async fn a_reset_link_sets_a_password_once() {
    let app = TestApp::demo().await;
    let client = app.client();
    for email in ["member@demo.coop", "nobody@demo.coop"] {
        let response = client
            .post(app.at("/api/v1/auth/password-reset"))
            .json(&json!({"email": email}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
    }
    assert_eq!(app.outbox().len(), 1, "only the real account gets a mail");
    let link = app.link_mailed_to("member@demo.coop");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let old = app.demo_token("member@demo.coop").await;
    let confirm = |password: &'static str| {
        client
            .post(app.at("/api/v1/auth/password-reset/confirm"))
            .json(&json!({"token": token, "new_password": password}))
            .send()
    };
    let weak = confirm("tooshort").await.unwrap();
    problem(weak, 422, "validation").await;
    assert_eq!(confirm("reset worked nicely").await.unwrap().status(), 204);
    let again = confirm("and once more please").await.unwrap();
    let body = problem(again, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "token");
    app.token("member@demo.coop", "reset worked nicely").await;
    let me = client.get(app.at("/api/v1/me")).bearer_auth(old).send().await.unwrap();
    problem(me, 401, "unauthorized").await;
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = TestApp::demo().await;
    let client = app.client();
    client
        .post(app.at("/api/v1/auth/password-reset"))
        .json(&json!({"email": "member@demo.coop"}))
        .send()
        .await
        .unwrap();
    let token = app
        .link_mailed_to("member@demo.coop")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    app.sql("UPDATE account_tokens SET expires_at = now() - interval '1 second'")
        .await;
    let response = client
        .post(app.at("/api/v1/auth/password-reset/confirm"))
        .json(&json!({"token": token, "new_password": "too late for this"}))
        .send()
        .await
        .unwrap();
    problem(response, 422, "validation").await;
    app.demo_token("member@demo.coop").await;
}

#[tokio::test]
async fn the_login_page_sets_a_safe_session_cookie() {
    let app = TestApp::demo().await;
    let client = app.client();
    let page = client
        .get(app.at("/login?next=/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("email", "member@demo.coop"),
            ("password", DEMO_PASSWORD),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/account");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("concord_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    let account = client
        .get(app.at("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(account.contains("Max Member"));
}

#[tokio::test]
async fn a_wrong_login_shows_the_error_next_to_the_field() {
    let app = TestApp::demo().await;
    let client = app.client();
    let page = client.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("email", "member@demo.coop"),
            ("password", "nope nope nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"password-error\""), "{html}");
    assert!(html.contains("The e-mail or the password is wrong."));
    assert!(html.contains("value=\"member@demo.coop\""));
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let app = TestApp::demo().await;
    let client = app.client();
    let page = client.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
    let good = csrf_of(&page);
    let forged = format!("{}{}", &good[..63], if good.ends_with('0') { '1' } else { '0' });
    for token in ["", forged.as_str()] {
        let response = client
            .post(app.at("/login"))
            .form(&[
                ("csrf", token),
                ("email", "member@demo.coop"),
                ("password", DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        assert!(response.headers().get("set-cookie").is_none());
    }
    // Another browser's token does not fit this browser's cookie.
    let stranger = app.client();
    let response = stranger
        .post(app.at("/login"))
        .form(&[
            ("csrf", good.as_str()),
            ("email", "member@demo.coop"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn the_forgot_and_reset_pages_work_without_javascript() {
    let app = TestApp::demo().await;
    let client = app.client();
    let page = client
        .get(app.at("/password/forgot"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(app.at("/password/forgot"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("email", "marie@demo.coop")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mail = app.outbox().pop().unwrap();
    assert!(
        mail.contains("Choisissez un nouveau mot de passe"),
        "Marie gets it in French: {mail}"
    );
    let link = app.link_mailed_to("marie@demo.coop");
    let form = client.get(&link).send().await.unwrap().text().await.unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let short = client
        .post(app.at("/password/reset"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("token", token),
            ("new_password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    assert!(short.text().await.unwrap().contains("id=\"new_password-error\""));
    let done = client
        .post(app.at("/password/reset"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("token", token),
            ("new_password", "marie a un nouveau mot"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    app.token("marie@demo.coop", "marie a un nouveau mot").await;
    let used = client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(
        used.contains("This link has expired or has already been used."),
        "{used}"
    );
}
