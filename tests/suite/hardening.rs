//! Hostile requests from issue 18: redirects off the site, control characters in
//! text, formulas in CSV exports, the login throttle at a general meeting, forged
//! `X-Forwarded-For`, CSRF tokens of another session, old account links, the outbox's
//! permissions, and back-dated share subscriptions.

use serde_json::json;

use crate::common::{csrf_of, problem, Options, TestApp, DEMO_PASSWORD};

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

/// The field errors of a 422 problem, as `(field, message)`.
async fn refused_fields(response: reqwest::Response) -> Vec<(String, String)> {
    let body = problem(response, 422, "validation").await;
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const CONTROL_MESSAGE: &str =
    "This holds a control character (such as NUL) on line 1; only tabs and line breaks are allowed.";

#[tokio::test]
async fn a_nul_in_a_display_name_is_refused_naming_the_field() {
    let app = TestApp::demo().await;
    let token = app.demo_token("member@demo.coop").await;
    let response = app
        .api(
            &token,
            reqwest::Method::PUT,
            "/api/v1/me",
            Some(json!({"display_name": "Max\u{0}Member", "locale": "en"})),
        )
        .await;
    assert_eq!(
        refused_fields(response).await,
        [("display_name".to_string(), CONTROL_MESSAGE.to_string())]
    );
    // The page's form: the same refusal, shown with the field's name.
    let client = app.signed_in("member@demo.coop").await;
    let account = client
        .get(app.at("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(app.at("/account/profile"))
        .form(&[
            ("csrf", csrf_of(&account).as_str()),
            ("display_name", "Max\u{1b}[2J"),
            ("locale", "en"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"display_name-error\""), "{html}");
    assert!(html.contains("This holds a control character"), "{html}");
    let name: String = app
        .sql("SELECT display_name FROM users WHERE email = 'member@demo.coop'")
        .await[0]
        .get(0);
    assert_eq!(name, "Max Member");
}

#[tokio::test]
async fn a_nul_in_a_public_application_is_refused_naming_the_field() {
    let app = TestApp::demo().await;
    let response = app
        .client()
        .post(app.at("/api/v1/coops/demo/applications"))
        .json(&json!({"display_name": "Rosa\u{0}", "email": "rosa@bakery.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused_fields(response).await,
        [("display_name".to_string(), CONTROL_MESSAGE.to_string())]
    );
    let rows = app.sql("SELECT 1 FROM users WHERE email = 'rosa@bakery.test'").await;
    assert!(rows.is_empty());
}

#[tokio::test]
async fn a_nul_in_a_csv_import_is_refused_naming_the_line() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let csv = "number,name,email,status,member_since,employment_status\n\
               ,Hana New,hana@bakery.test,member,2024-09-01,non_worker\n\
               ,Ivo\u{0}Hopeful,ivo@bakery.test,applicant,,\n";
    let response = app
        .client()
        .post(app.at("/api/v1/coops/demo/register/import"))
        .bearer_auth(&secretary)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let fields = refused_fields(response).await;
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].0, "line 3");
    assert!(fields[0].1.contains("on line 3"), "{fields:?}");
    let rows = app.sql("SELECT 1 FROM users WHERE email = 'hana@bakery.test'").await;
    assert!(rows.is_empty(), "nothing imported");
}

#[tokio::test]
async fn a_formula_in_a_name_is_neutralised_in_register_csv() {
    let app = TestApp::demo().await;
    let member = app.demo_token("member@demo.coop").await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"Max\")";
    let response = app
        .api(
            &member,
            reqwest::Method::PUT,
            "/api/v1/me",
            Some(json!({"display_name": formula, "locale": "en"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let secretary = app.demo_token("secretary@demo.coop").await;
    let csv = app
        .api(
            &secretary,
            reqwest::Method::GET,
            "/api/v1/coops/demo/register.csv",
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    let line = csv
        .lines()
        .find(|l| l.contains("member@demo.coop"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(
        line.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Max\"\")\",member@demo.coop,"),
        "{line}"
    );
    assert!(!csv.contains(",\"=HYPERLINK"), "{csv}");
}

/// The ballots' results go through the same writer: a question's title is the
/// secretary's text, a candidate's name anyone's they were told.
#[tokio::test]
async fn a_formula_in_a_question_is_neutralised_in_results_csv() {
    let app = TestApp::demo().await;
    let id: String = app
        .sql("SELECT id::text FROM ballots WHERE status = 'closed' LIMIT 1")
        .await[0]
        .get(0);
    // As if the secretary had titled the question so: a closed ballot is final, so
    // its guard steps aside for this one statement.
    app.exec(&format!(
        "ALTER TABLE ballots DISABLE TRIGGER USER; \
         UPDATE ballots SET questions = jsonb_set(questions, '{{0,title}}', '\"=1+1\"') WHERE id = '{id}'; \
         ALTER TABLE ballots ENABLE TRIGGER USER;"
    ))
    .await;
    let member = app.demo_token("member@demo.coop").await;
    let csv = app
        .api(
            &member,
            reqwest::Method::GET,
            &format!("/api/v1/coops/demo/ballots/{id}/results.csv"),
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.lines().nth(1).is_some_and(|l| l.starts_with("1,'=1+1,")), "{csv}");
    assert!(!csv.contains(",=1+1,"), "{csv}");
}

/// Asks for an API token; the status.
async fn token_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.client()
        .post(app.at("/api/v1/auth/token"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_general_meeting_on_one_address_logs_in_after_others_failed() {
    let app = TestApp::demo().await;
    // Thirty typos from the meeting's one address spend its allowance (30)...
    for i in 0..30 {
        assert_eq!(
            token_status(&app, &format!("typo{i}@demo.coop"), "wrong password").await,
            401
        );
    }
    // ...yet sixty right passwords all get in, some accounts many times (more than
    // their own allowance of 5).
    let logins = [
        "member@demo.coop",
        "marie@demo.coop",
        "secretary@demo.coop",
        "board@demo.coop",
    ];
    for i in 0..60 {
        assert_eq!(
            token_status(&app, logins[i % logins.len()], DEMO_PASSWORD).await,
            200,
            "login {i}"
        );
    }
    // Wrong passwords stay throttled: from the spent address an account gets one try...
    assert_eq!(token_status(&app, "treasurer@demo.coop", "wrong password").await, 401);
    assert_eq!(token_status(&app, "treasurer@demo.coop", "wrong password").await, 429);
    // (An account that used its own allowance on failures is refused even the right
    // password: `security::fifty_parallel_guesses_get_five_password_checks_and_the_rest_429`.)
}

#[tokio::test]
async fn rotating_the_left_most_forwarded_hop_does_not_escape_the_address_limit() {
    let app = TestApp::spawn(Options {
        settings: Box::new(|s| {
            s.trust_proxy = std::num::NonZeroUsize::new(1);
            s.throttle.per_ip_burst = 3;
            s.throttle.per_account_burst = 100;
        }),
        ..Options::default()
    })
    .await;
    // The client writes a new address each time; the proxy appends the real one.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let response = app
            .client()
            .post(app.at("/api/v1/auth/token"))
            .header("x-forwarded-for", format!("198.51.100.{i}, 203.0.113.9"))
            .json(&json!({"email": "member@demo.coop", "password": "a wrong guess"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429, 429]);
    // Another client behind the same proxy is another address.
    let response = app
        .client()
        .post(app.at("/api/v1/auth/token"))
        .header("x-forwarded-for", "203.0.113.10")
        .json(&json!({"email": "member@demo.coop", "password": "a wrong guess"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

/// The value of the cookie `name` a response sets.
fn cookie_set(response: &reqwest::Response, name: &str) -> String {
    response
        .cookies()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .value()
        .to_string()
}

/// A browser's raw cookies and a page's CSRF token: `(csrf cookie, session, token)`,
/// signed in as `email` when given.
async fn browser(app: &TestApp, email: Option<&str>) -> (String, String, String) {
    let client = app.client();
    let page = client.get(app.at("/login")).send().await.unwrap();
    let csrf_cookie = cookie_set(&page, "concord_csrf");
    let token = csrf_of(&page.text().await.unwrap());
    let Some(email) = email else {
        return (csrf_cookie, String::new(), token);
    };
    let login = client
        .post(app.at("/login"))
        .form(&[("csrf", token.as_str()), ("email", email), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let session = cookie_set(&login, "concord_session");
    let account = client
        .get(app.at("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (csrf_cookie, session, csrf_of(&account))
}

#[tokio::test]
async fn an_attackers_csrf_cookie_and_token_do_not_work_with_the_victims_session() {
    let app = TestApp::demo().await;
    let (victim_cookie, victim_session, victim_token) = browser(&app, Some("marie@demo.coop")).await;
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post_profile = |csrf_cookie: String, token: String| {
        raw.post(app.at("/account/profile"))
            .header(
                "cookie",
                format!("concord_csrf={csrf_cookie}; concord_session={victim_session}"),
            )
            .form(&[("csrf", token.as_str()), ("display_name", "Pwned"), ("locale", "en")])
            .send()
    };
    // The attacker's own cookie and token, signed out and signed in as themselves,
    // planted beside the victim's session.
    for attacker in [None, Some("member@demo.coop")] {
        let (cookie, _, token) = browser(&app, attacker).await;
        let response = post_profile(cookie, token).await.unwrap();
        assert_eq!(response.status(), 403, "attacker signed in as {attacker:?}");
    }
    let name: String = app
        .sql("SELECT display_name FROM users WHERE email = 'marie@demo.coop'")
        .await[0]
        .get(0);
    assert_eq!(name, "Marie Membre");
    // The victim's own form still works.
    let response = post_profile(victim_cookie, victim_token).await.unwrap();
    assert_eq!(response.status(), 303);
}

/// Asks for a reset link for `email` and returns its secret.
async fn reset_secret(app: &TestApp, email: &str) -> String {
    let asked = app
        .client()
        .post(app.at("/api/v1/auth/password-reset"))
        .json(&json!({"email": email}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 202);
    secret_mailed_to(app, email)
}

/// The secret of the newest link mailed to `email`.
fn secret_mailed_to(app: &TestApp, email: &str) -> String {
    let link = app.link_mailed_to(email);
    link.split("token=").nth(1).unwrap().to_string()
}

/// Sets a password with a link's secret; the status.
async fn confirm(app: &TestApp, secret: &str, password: &str) -> u16 {
    app.client()
        .post(app.at("/api/v1/auth/password-reset/confirm"))
        .json(&json!({"token": secret, "new_password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_password_set_with_a_newer_reset_link_revokes_the_older_one() {
    let app = TestApp::demo().await;
    let older = reset_secret(&app, "member@demo.coop").await;
    let newer = reset_secret(&app, "member@demo.coop").await;
    assert_ne!(older, newer);
    assert_eq!(confirm(&app, &newer, "the newer link's password").await, 204);
    assert_eq!(confirm(&app, &older, "the older link's password").await, 422);
    app.token("member@demo.coop", "the newer link's password").await;
}

#[tokio::test]
async fn accepting_an_invitation_revokes_other_links_and_invitations_live_72_hours() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let invited = app
        .api(
            &admin,
            reqwest::Method::POST,
            "/api/v1/coops/demo/members",
            Some(json!({"email": "newbie@demo.coop", "display_name": "Newbie", "roles": []})),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let invitation = secret_mailed_to(&app, "newbie@demo.coop");
    let hours: f64 = app
        .sql(
            "SELECT (extract(epoch FROM t.expires_at - t.created_at) / 3600)::float8 FROM account_tokens t
             JOIN users u ON u.id = t.user_id WHERE u.email = 'newbie@demo.coop' AND purpose = 'invitation'",
        )
        .await[0]
        .get(0);
    assert!((71.99..=72.0).contains(&hours), "{hours}");
    let reset = reset_secret(&app, "newbie@demo.coop").await;
    assert_eq!(confirm(&app, &invitation, "newbie's chosen password").await, 204);
    assert_eq!(confirm(&app, &reset, "someone else's password").await, 422);
    app.token("newbie@demo.coop", "newbie's chosen password").await;
}

#[tokio::test]
async fn changing_a_password_while_signed_in_revokes_outstanding_links() {
    let app = TestApp::demo().await;
    let reset = reset_secret(&app, "member@demo.coop").await;
    let token = app.demo_token("member@demo.coop").await;
    let changed = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/auth/password",
            Some(json!({"current_password": DEMO_PASSWORD, "new_password": "a brand new passphrase"})),
        )
        .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(confirm(&app, &reset, "the thief's password").await, 422);
    app.token("member@demo.coop", "a brand new passphrase").await;
}

#[tokio::test]
async fn outbox_mail_is_private_and_the_data_directory_is_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::demo().await;
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    reset_secret(&app, "member@demo.coop").await;
    let outbox = app.data_dir.join("outbox");
    assert_eq!(mode(&outbox), 0o700);
    let mails: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!mails.is_empty());
    for mail in &mails {
        assert_eq!(mode(mail), 0o600, "{}", mail.display());
    }
    // The harness made the data directory under the usual umask (0755): tightened at
    // start, search bit kept for the postgres system user.
    assert_eq!(mode(&app.data_dir), 0o711);
    // A directory opened up again is tightened again on the next start.
    std::fs::set_permissions(&app.data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    concord::config::Settings::with_data_dir(&app.data_dir).unwrap();
    assert_eq!(mode(&app.data_dir), 0o711);
}

#[tokio::test]
async fn a_member_cannot_back_date_their_own_share_subscription() {
    let app = TestApp::demo().await;
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let class = app
        .api(
            &treasurer,
            reqwest::Method::POST,
            "/api/v1/coops/demo/share-classes",
            Some(json!({"name": "Parts", "par_value": "10.00"})),
        )
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let max: String = app
        .sql("SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'member@demo.coop'")
        .await[0]
        .get(0);
    let today = app.today("demo").await.to_string();
    let member = app.demo_token("member@demo.coop").await;
    let subscribe =
        |date: &str| json!({"operation": "subscribe", "member_id": max, "class_id": class, "shares": 1, "date": date});
    let back_dated = app
        .api(
            &member,
            reqwest::Method::POST,
            "/api/v1/coops/demo/capital/entries",
            Some(subscribe("1900-01-01")),
        )
        .await;
    let fields = refused_fields(back_dated).await;
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].0, "date");
    assert!(fields[0].1.contains(&today), "{fields:?}");
    let entries: i64 = app.sql("SELECT count(*) FROM capital_entries").await[0].get(0);
    let dated_today = app
        .api(
            &member,
            reqwest::Method::POST,
            "/api/v1/coops/demo/capital/entries",
            Some(subscribe(&today)),
        )
        .await;
    assert_eq!(dated_today.status(), 201);
    let after: i64 = app.sql("SELECT count(*) FROM capital_entries").await[0].get(0);
    assert_eq!(after, entries + 1);
}

/// Finding 14, the officers' half: a treasurer dates a subscription from the first
/// day after the last closed fiscal year to today, never into closed books nor into
/// the future, and says why when it is not today; the reason is in the audit log.
#[tokio::test]
async fn an_officer_back_dates_a_subscription_only_into_open_books_and_says_why() {
    let app = &TestApp::demo().await;
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let class: String = app
        .sql("SELECT id::text FROM share_classes WHERE name = 'Parts sociales'")
        .await[0]
        .get(0);
    let max = app.member_id("member@demo.coop").await;
    let day = |offset: i32| async move {
        let row = &app
            .sql(&format!(
                "SELECT ((now() AT TIME ZONE time_zone)::date + {offset})::text FROM coops WHERE slug = 'demo'"
            ))
            .await[0];
        row.get::<_, String>(0)
    };
    let (today, yesterday, tomorrow) = (day(0).await, day(-1).await, day(1).await);
    let subscribe = |date: &str, reason: Option<&str>| {
        let body = json!({"operation": "subscribe", "member_id": max, "class_id": class, "shares": 1,
            "date": date, "reason": reason});
        app.api(
            &treasurer,
            reqwest::Method::POST,
            "/api/v1/coops/demo/capital/entries",
            Some(body),
        )
    };
    let entries = || async { app.sql("SELECT count(*) FROM capital_entries").await[0].get::<_, i64>(0) };
    let before = entries().await;

    // The demo's year closed yesterday: its books take nothing more.
    let closed = refused_fields(subscribe(&yesterday, Some("forgotten")).await).await;
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].0, "date");
    assert!(
        closed[0].1.contains(&yesterday) && closed[0].1.contains(&today),
        "names the closed books and the first open day: {closed:?}"
    );
    let future = refused_fields(subscribe(&tomorrow, Some("promised")).await).await;
    assert_eq!(future[0].0, "date");
    // Nor does an import of holdings write into them.
    let import = app
        .client()
        .post(app.at("/api/v1/coops/demo/capital/holdings/import"))
        .bearer_auth(&treasurer)
        .header("content-type", "text/csv")
        .body(format!(
            "email,class,shares,subscribed_on\nmember@demo.coop,Parts sociales,1,{yesterday}\n"
        ))
        .send()
        .await
        .unwrap();
    let lines = refused_fields(import).await;
    assert_eq!(lines[0].0, "line 2");
    assert!(lines[0].1.contains("books are closed"), "{lines:?}");
    assert_eq!(entries().await, before, "nothing written");

    // Once the last closed year ended forty days ago, the days since are open.
    app.exec(
        "UPDATE fiscal_years SET starts_on = starts_on - 40, ends_on = ends_on - 40;
         UPDATE hours_entries SET period_start = period_start - 40, period_end = period_end - 40;",
    )
    .await;
    let ten_days_ago = day(-10).await;
    let unexplained = refused_fields(subscribe(&ten_days_ago, None).await).await;
    // Théo's language is French, and so is what he is told.
    assert_eq!(
        unexplained,
        [(
            "reason".to_string(),
            "Dites pourquoi la souscription est datée d'avant aujourd'hui.".to_string()
        )]
    );
    assert_eq!(entries().await, before);
    // The treasurer's page asks for the reason beside the date and says what is missing.
    let pages = app.signed_in("treasurer@demo.coop").await;
    let statement = format!("/c/demo/capital/{max}");
    let page = app.page(&pages, &statement).await;
    assert!(page.contains("name=\"reason\""), "{page}");
    let without_reason = pages
        .post(app.at(&format!("{statement}/entries")))
        .form(&[
            ("csrf", crate::common::csrf_of(&page).as_str()),
            ("operation", "subscribe"),
            ("class_id", &class),
            ("shares", "1"),
            ("date", &ten_days_ago),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(without_reason.status(), 422);
    let answer = without_reason.text().await.unwrap();
    assert!(answer.contains("id=\"reason-error\""), "{answer}");
    assert!(
        answer.contains("Dites pourquoi la souscription est datée"),
        "in French beside the field: {answer}"
    );
    assert_eq!(entries().await, before);
    assert_eq!(
        subscribe(&ten_days_ago, Some("signed at the November meeting"))
            .await
            .status(),
        201
    );
    assert_eq!(subscribe(&today, None).await.status(), 201, "today needs no reason");
    assert_eq!(entries().await, before + 2);
    let audited = app
        .sql(&format!(
            "SELECT data->>'reason' FROM audit_events WHERE action = 'shares.subscribed' AND data->>'date' = '{ten_days_ago}'"
        ))
        .await;
    assert_eq!(audited.len(), 1);
    assert_eq!(
        audited[0].get::<_, Option<String>>(0).as_deref(),
        Some("signed at the November meeting")
    );
}
