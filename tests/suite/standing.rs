//! Authority follows the register (issue 18, findings 1–3): what an applicant, a former
//! member and an expelled officer may still do, and who grants roles. The whole
//! route × standing × role matrix is `authz_matrix`; these are the journeys that
//! found the holes, each failing before its fix.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{json, problem, TestApp};

/// Gives a login without a password (an applicant, Rémi) the demo password, as a
/// password reset would.
async fn give_password(app: &TestApp, email: &str) {
    app.exec(&format!(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'member@demo.coop') \
         WHERE email = '{email}'"
    ))
    .await;
}

/// A member's roles as the register stores them, comma-separated.
async fn roles_of(app: &TestApp, member_id: &str) -> String {
    app.sql(&format!(
        "SELECT array_to_string(roles, ',') FROM members WHERE id = '{member_id}'"
    ))
    .await[0]
        .get(0)
}

async fn status_of(app: &TestApp, path: &str, token: &str) -> u16 {
    app.api(token, Method::GET, path, None).await.status().as_u16()
}

/// What a member may read, and an applicant or a former member may not.
const MEMBERS_ONLY: [&str; 8] = [
    "/api/v1/coops/demo",
    "/api/v1/coops/demo/ballots",
    "/api/v1/coops/demo/bylaws",
    "/api/v1/coops/demo/bylaws/amendments",
    "/api/v1/coops/demo/meetings",
    "/api/v1/coops/demo/parameters",
    "/api/v1/coops/demo/share-classes",
    "/api/v1/coops/demo/dashboard",
];

#[tokio::test]
async fn an_applicant_sees_their_application_and_nothing_of_the_coop() {
    let app = TestApp::demo().await;
    app.apply("demo", "Eve Outsider", "eve@outside.test", "").await;
    give_password(&app, "eve@outside.test").await;
    let eve = app.demo_token("eve@outside.test").await;
    for path in MEMBERS_ONLY {
        assert_eq!(status_of(&app, path, &eve).await, 403, "{path}");
    }
    let ballot: String = app
        .sql("SELECT id::text FROM ballots WHERE status = 'closed' LIMIT 1")
        .await[0]
        .get(0);
    assert_eq!(
        status_of(&app, &format!("/api/v1/coops/demo/ballots/{ballot}"), &eve).await,
        403
    );
    let amendment: String = app
        .sql("SELECT id::text FROM bylaw_amendments ORDER BY created_at DESC LIMIT 1")
        .await[0]
        .get(0);
    let comment = app
        .api(
            &eve,
            Method::POST,
            &format!("/api/v1/coops/demo/bylaws/amendments/{amendment}/comments"),
            Some(json!({"body": "I was never admitted", "article": 1})),
        )
        .await;
    problem(comment, 403, "forbidden").await;
    // The pages: her application, and no way into the co-op's.
    let browser = app.signed_in("eve@outside.test").await;
    let home = browser.get(app.at("/c/demo")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let home = home.text().await.unwrap();
    assert!(home.contains("Your application to"), "{home}");
    assert!(!home.contains("/c/demo/ballots"), "no link to the ballots");
    for page in [
        "/c/demo/ballots",
        "/c/demo/bylaws",
        "/c/demo/meetings",
        "/c/demo/capital/me",
    ] {
        let response = browser.get(app.at(page)).send().await.unwrap();
        assert_eq!(response.status(), 403, "{page}");
    }
}

#[tokio::test]
async fn a_former_member_keeps_their_own_records_and_nothing_else() {
    let app = TestApp::demo().await;
    give_password(&app, "remi@example.org").await;
    let remi = app.demo_token("remi@example.org").await;
    let (remi_id, marie_id) = (
        app.member_id("remi@example.org").await,
        app.member_id("marie@demo.coop").await,
    );
    for path in MEMBERS_ONLY {
        assert_eq!(status_of(&app, path, &remi).await, 403, "{path}");
    }
    // His statement, with the redemption the co-op still owes him.
    let statement = app
        .api(
            &remi,
            Method::GET,
            &format!("/api/v1/coops/demo/members/{remi_id}/capital"),
            None,
        )
        .await;
    let statement: Value = json(statement, 200).await;
    assert!(statement.to_string().contains("redemption"), "{statement}");
    assert_eq!(
        status_of(&app, &format!("/api/v1/coops/demo/members/{marie_id}/capital"), &remi).await,
        403,
        "not someone else's"
    );
    let browser = app.signed_in("remi@example.org").await;
    let home = browser
        .get(app.at("/c/demo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Rémi reads French.
    assert!(home.contains("plus membre de Riverside"), "{home}");
    assert!(!home.contains("/c/demo/ballots"), "no link to the ballots");
    let mine = browser.get(app.at("/c/demo/capital/me")).send().await.unwrap();
    assert_eq!(mine.status(), 303);
    assert_eq!(
        mine.headers()["location"],
        format!("/c/demo/capital/{remi_id}").as_str()
    );
    let page = browser
        .get(app.at(&format!("/c/demo/capital/{remi_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        browser
            .get(app.at("/c/demo/patronage/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        browser.get(app.at("/c/demo/ballots")).send().await.unwrap().status(),
        403
    );
}

#[tokio::test]
async fn an_expelled_officer_loses_their_office_at_once_and_on_the_register() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let board_id = app.member_id("board@demo.coop").await;
    let camille = app.member_id("camille@example.org").await;
    // The members expel her, as the bylaws say: grounds sent, heard, two-thirds.
    app.decide_on_member("expulsion", &board_id, "Repeated breach of the bylaws")
        .await;
    // The same token, minutes later: no office, no membership.
    let admit = app
        .api(
            &board,
            Method::POST,
            "/api/v1/coops/demo/ballots",
            Some(
                json!({"title": "Admit Camille", "decision_kind": "admission", "subject_member_id": camille,
                        "questions": [{"title": "Admit?", "kind": "motion", "threshold": {"kind": "simple"},
                                       "base": "cast_excluding_abstentions"}]}),
            ),
        )
        .await;
    problem(admit, 403, "forbidden").await;
    assert_eq!(
        roles_of(&app, &board_id).await,
        "member",
        "the register no longer gives the office"
    );
    let ended: String = app
        .sql(&format!(
            "SELECT data::text FROM audit_events WHERE action = 'member.roles_ended' AND subject = 'member:{board_id}'"
        ))
        .await[0]
        .get(0);
    let ended: Value = serde_json::from_str(&ended).unwrap();
    assert_eq!(ended, json!({"from": ["member", "board"], "to": ["member"]}));
}

#[tokio::test]
async fn only_another_admin_grants_a_role_and_only_to_a_full_member() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let admin_id = app.member_id("admin@demo.coop").await;
    let before = roles_of(&app, &admin_id).await;
    let own = app
        .api(
            &admin,
            Method::PUT,
            &format!("/api/v1/coops/demo/members/{admin_id}/roles"),
            Some(json!({"roles": ["admin", "board", "treasurer"]})),
        )
        .await;
    let body = problem(own, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "roles");
    assert_eq!(roles_of(&app, &admin_id).await, before);
    // An applicant cannot hold an office.
    let camille = app.member_id("camille@example.org").await;
    let office = app
        .api(
            &admin,
            Method::PUT,
            &format!("/api/v1/coops/demo/members/{camille}/roles"),
            Some(json!({"roles": ["board"]})),
        )
        .await;
    problem(office, 422, "validation").await;
    assert_eq!(roles_of(&app, &camille).await, "member");
    // A full member can, and the audit log keeps the roles before and after.
    let marie = app.member_id("marie@demo.coop").await;
    let granted = app
        .api(
            &admin,
            Method::PUT,
            &format!("/api/v1/coops/demo/members/{marie}/roles"),
            Some(json!({"roles": ["treasurer"]})),
        )
        .await;
    assert_eq!(granted.status(), 204);
    let event: String = app
        .sql(&format!(
            "SELECT data::text FROM audit_events WHERE action = 'member.roles_changed' AND subject = 'member:{marie}'"
        ))
        .await[0]
        .get(0);
    assert_eq!(
        serde_json::from_str::<Value>(&event).unwrap(),
        json!({"from": ["member"], "to": ["member", "treasurer"]})
    );
}

/// Finding 13 of issue 18 (the form's half): the public application form told whether
/// an address was known; and anyone could put someone else's address (and account) on
/// a co-op's register. Now every application waits for the address's own confirmation.
#[tokio::test]
async fn the_application_form_answers_the_same_for_any_address_and_records_nothing_unconfirmed() {
    let app = TestApp::demo().await;
    let members_before: i64 = app.sql("SELECT count(*) FROM members").await[0].get(0);
    let mut answers = Vec::new();
    // A member of the co-op, an account of another kind (the operator), a stranger.
    for email in ["member@demo.coop", "operator@demo.coop", "nobody@outside.test"] {
        let response = app
            .client()
            .post(app.at("/api/v1/coops/demo/applications"))
            .json(&json!({"display_name": "Someone", "email": email, "motivation": ""}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers: Vec<String> = response
            .headers()
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
            .map(|(name, value)| format!("{name}: {value:?}"))
            .collect();
        answers.push((status, headers, response.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, 202);
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:#?}");
    assert_eq!(
        app.sql("SELECT count(*) FROM members").await[0].get::<_, i64>(0),
        members_before,
        "nobody is on the register before confirming"
    );
    // The operator's own confirmation attaches their account, as an applicant only.
    assert_eq!(app.confirm_application("operator@demo.coop").await.status(), 200);
    let status: String = app
        .sql("SELECT m.status FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'operator@demo.coop'")
        .await[0]
        .get(0);
    assert_eq!(status, "applicant");
    // A member confirming an application changes nothing.
    let already = app.confirm_application("member@demo.coop").await;
    assert!(already
        .text()
        .await
        .unwrap()
        .contains("already has an application or a membership"));
    // A link confirms once.
    let again = app.confirm_application("operator@demo.coop").await;
    assert_eq!(again.status(), 422);
    assert_eq!(
        app.sql("SELECT count(*) FROM members").await[0].get::<_, i64>(0),
        members_before + 1
    );
}

/// Finding 3 of issue 18 (the admin's invitation): inviting an address that has a
/// Concord account attached that account at once, showing the co-op the name it
/// carries. Now its holder accepts first.
#[tokio::test]
async fn someone_with_an_account_joins_only_by_accepting_the_invitation() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let members =
        "SELECT count(*) FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'operator@demo.coop'";
    let invite = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/coops/demo/members",
            Some(json!({"email": "operator@demo.coop", "display_name": "Whoever", "roles": ["treasurer"]})),
        )
        .await;
    assert_eq!(invite.status(), 202);
    assert_eq!(app.sql(members).await[0].get::<_, i64>(0), 0, "not on the register yet");
    let link = app.link_mailed_to("operator@demo.coop");
    assert!(link.contains("/invitations/accept?token="), "{link}");
    let client = app.client();
    let page = client.get(&link).send().await.unwrap().text().await.unwrap();
    let token = link.split("token=").nth(1).unwrap().to_string();
    let action = link.split('?').next().unwrap().to_string();
    let accept = |client: reqwest::Client, token: String, page: String| {
        let action = action.clone();
        async move {
            client
                .post(action)
                .form(&[("csrf", crate::common::csrf_of(&page)), ("token", token)])
                .send()
                .await
                .unwrap()
        }
    };
    let accepted = accept(client.clone(), token.clone(), page.clone()).await;
    assert_eq!(accepted.status(), 200);
    let operator = app.member_id("operator@demo.coop").await;
    assert_eq!(roles_of(&app, &operator).await, "member,treasurer");
    // A link is accepted once.
    assert_eq!(accept(client, token, page).await.status(), 422);
    assert_eq!(app.sql(members).await[0].get::<_, i64>(0), 1);
}

/// A resignation recorded today to take effect later keeps the office until then, and
/// the hourly sweep ends it, audited, once the day has come.
#[tokio::test]
async fn an_office_ends_on_the_day_a_later_resignation_takes_effect() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let treasurer_id = app.member_id("treasurer@demo.coop").await;
    let today = app.today("demo").await;
    let effective = today + chrono::Days::new(30);
    let resign = app
        .api(
            &secretary,
            Method::POST,
            &format!("/api/v1/coops/demo/members/{treasurer_id}/status"),
            Some(json!({"transition": "resign", "notice_date": today.to_string(),
                        "effective_date": effective.to_string()})),
        )
        .await;
    assert_eq!(resign.status(), 200);
    assert_eq!(
        roles_of(&app, &treasurer_id).await,
        "member,treasurer",
        "serving notice, still the treasurer"
    );
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    assert_eq!(
        app.api(&treasurer, Method::GET, "/api/v1/coops/demo/capital", None)
            .await
            .status(),
        200
    );
    let pool = concord::db::pool(&app.database_url(), 1).unwrap();
    // The sweep at noon, Paris time, of `day`.
    let sweep = async |day: chrono::NaiveDate| {
        let mut conn = pool.get().await.unwrap();
        let noon_in_paris = day.and_hms_opt(11, 0, 0).unwrap().and_utc();
        concord::membership::service::end_offices_of_former_members(&mut conn, noon_in_paris).await
    };
    assert_eq!(sweep(today).await.unwrap(), 0, "not yet");
    assert_eq!(sweep(effective).await.unwrap(), 1);
    assert_eq!(roles_of(&app, &treasurer_id).await, "member");
    let event = app
        .sql(&format!(
            "SELECT actor IS NULL, data::text FROM audit_events \
             WHERE action = 'member.roles_ended' AND subject = 'member:{treasurer_id}'"
        ))
        .await;
    assert!(event[0].get::<_, bool>(0), "ended by Concord itself");
    assert_eq!(
        serde_json::from_str::<Value>(&event[0].get::<_, String>(1)).unwrap(),
        json!({"from": ["member", "treasurer"], "to": ["member"]})
    );
    assert_eq!(sweep(effective).await.unwrap(), 0, "once");
}
