//! Co-ops, roles and tenancy through HTTP: what each role may do, and that another
//! co-op's data is never reachable.

use crate::common::{csrf_of, json, problem, TestApp};
use serde_json::{json, Value};

/// A second co-op whose first admin is the demo's board member, created the way an
/// operator does it: `concord coop create --admin`.
async fn second_coop(app: &TestApp) -> (String, Value) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args([
            "coop",
            "create",
            "--slug",
            "other",
            "--name",
            "Other Co-op",
            "--currency",
            "CAD",
        ])
        .args([
            "--locale",
            "fr",
            "--time-zone",
            "America/Montreal",
            "--admin",
            "board@demo.coop",
        ])
        .env("DATABASE_URL", app.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let board = app.demo_token("board@demo.coop").await;
    let coop = json(
        app.client()
            .get(app.at("/api/v1/coops/other"))
            .bearer_auth(&board)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    (board, coop)
}

#[tokio::test]
async fn only_operators_create_and_list_coops() {
    let app = TestApp::demo().await;
    let client = app.client();
    let admin = app.demo_token("admin@demo.coop").await;
    let body =
        json!({"slug": "new-coop", "name": "New", "currency": "EUR", "locale": "en", "time_zone": "Europe/Paris"});
    let refused = client
        .post(app.at("/api/v1/coops"))
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    problem(refused, 403, "forbidden").await;
    problem(
        client
            .get(app.at("/api/v1/coops"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
        403,
        "forbidden",
    )
    .await;
    let operator = app.demo_token("operator@demo.coop").await;
    let created = client
        .post(app.at("/api/v1/coops"))
        .bearer_auth(&operator)
        .json(&body)
        .send()
        .await
        .unwrap();
    let created = json(created, 201).await;
    assert_eq!(created["slug"], "new-coop");
    let list = json(
        client
            .get(app.at("/api/v1/coops"))
            .bearer_auth(&operator)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let slugs: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["new-coop", "demo"]);
    let again = client
        .post(app.at("/api/v1/coops"))
        .bearer_auth(&operator)
        .json(&body)
        .send()
        .await
        .unwrap();
    let again = problem(again, 422, "validation").await;
    assert_eq!(again["errors"][0]["field"], "slug");
}

#[tokio::test]
async fn a_bad_coop_names_every_bad_field_and_creates_nothing() {
    let app = TestApp::demo().await;
    let operator = app.demo_token("operator@demo.coop").await;
    let response = app
        .client()
        .post(app.at("/api/v1/coops"))
        .bearer_auth(&operator)
        .json(&json!({"slug": "Bad Slug", "name": "", "currency": "XXX", "locale": "de", "time_zone": "Nowhere/City"}))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422, "validation").await;
    let fields: Vec<_> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["slug", "name", "currency", "locale", "time_zone"]);
    assert_eq!(app.sql("SELECT count(*) FROM coops").await[0].get::<_, i64>(0), 1);
}

#[tokio::test]
async fn each_role_sees_what_it_may_and_no_more() {
    let app = TestApp::demo().await;
    let client = app.client();
    // (login, may list members, may read the audit log, may invite)
    let expectations = [
        ("member@demo.coop", 403, 403, 403),
        ("treasurer@demo.coop", 200, 403, 403),
        ("secretary@demo.coop", 200, 403, 403),
        ("board@demo.coop", 200, 403, 403),
        ("admin@demo.coop", 200, 200, 201),
    ];
    for (email, members, audit, invite) in expectations {
        let token = app.demo_token(email).await;
        let get = |path: &str| client.get(app.at(path)).bearer_auth(&token).send();
        assert_eq!(
            get("/api/v1/coops/demo").await.unwrap().status(),
            200,
            "{email} sees the co-op"
        );
        assert_eq!(
            get("/api/v1/coops/demo/members").await.unwrap().status(),
            members,
            "{email} members"
        );
        assert_eq!(
            get("/api/v1/coops/demo/audit").await.unwrap().status(),
            audit,
            "{email} audit"
        );
        let response = client
            .post(app.at("/api/v1/coops/demo/members"))
            .bearer_auth(&token)
            .json(&json!({"email": format!("new-{email}"), "display_name": "New Person", "roles": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), invite, "{email} invites");
    }
}

#[tokio::test]
async fn another_coops_slug_and_ids_answer_404_never_403() {
    let app = TestApp::demo().await;
    let (other_admin, other) = second_coop(&app).await;
    let client = app.client();
    let demo_admin = app.demo_token("admin@demo.coop").await;
    // The demo admin cannot see the other co-op at all, even though they are admin somewhere.
    for path in [
        "/api/v1/coops/other",
        "/api/v1/coops/other/members",
        "/api/v1/coops/other/audit",
    ] {
        let response = client.get(app.at(path)).bearer_auth(&demo_admin).send().await.unwrap();
        problem(response, 404, "not-found").await;
    }
    // And a member id of the demo co-op is unknown inside the other co-op.
    let demo_members = json(
        client
            .get(app.at("/api/v1/coops/demo/members"))
            .bearer_auth(&demo_admin)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let demo_member_id = demo_members[0]["id"].as_str().unwrap().to_string();
    let response = client
        .put(app.at(&format!("/api/v1/coops/other/members/{demo_member_id}/roles")))
        .bearer_auth(&other_admin)
        .json(&json!({"roles": ["admin"]}))
        .send()
        .await
        .unwrap();
    problem(response, 404, "not-found").await;
    let untouched = app
        .sql(&format!("SELECT roles FROM members WHERE id = '{demo_member_id}'"))
        .await[0]
        .get::<_, Vec<String>>(0);
    assert!(!untouched.is_empty());
    assert_eq!(other["slug"], "other");
    // Pages too.
    let browser = app.signed_in("admin@demo.coop").await;
    assert_eq!(browser.get(app.at("/c/other")).send().await.unwrap().status(), 404);
    assert_eq!(
        browser.get(app.at("/c/other/members")).send().await.unwrap().status(),
        404
    );
    assert_eq!(
        browser.get(app.at("/c/demo/members")).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn the_database_refuses_a_member_of_a_coop_that_does_not_exist() {
    let app = TestApp::demo().await;
    let (client, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let error = client
        .batch_execute(
            "INSERT INTO members (coop_id, id, user_id, state) \
             SELECT gen_random_uuid(), gen_random_uuid(), id, '{}' FROM users LIMIT 1",
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some(&tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION)
    );
}

#[tokio::test]
async fn an_invitation_creates_a_login_with_a_link_to_choose_a_password() {
    let app = TestApp::demo().await;
    let client = app.client();
    let admin = app.demo_token("admin@demo.coop").await;
    let response = client
        .post(app.at("/api/v1/coops/demo/members"))
        .bearer_auth(&admin)
        .json(&json!({"email": "new.worker@demo.coop", "display_name": "New Worker", "roles": ["treasurer"]}))
        .send()
        .await
        .unwrap();
    json(response, 201).await;
    let link = app.link_mailed_to("new.worker@demo.coop");
    assert!(link.contains("/password/reset?token="));
    let token = link.split("token=").nth(1).unwrap();
    let response = client
        .post(app.at("/api/v1/auth/password-reset/confirm"))
        .json(&json!({"token": token, "new_password": "my first concord password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let worker = app.token("new.worker@demo.coop", "my first concord password").await;
    let me = json(
        client
            .get(app.at("/api/v1/me"))
            .bearer_auth(&worker)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(me["memberships"][0]["roles"], json!(["member", "treasurer"]));
    // Inviting the same person twice is refused and sends nothing more.
    let mails = app.outbox().len();
    let again = client
        .post(app.at("/api/v1/coops/demo/members"))
        .bearer_auth(&admin)
        .json(&json!({"email": "NEW.WORKER@demo.coop", "display_name": "New Worker", "roles": []}))
        .send()
        .await
        .unwrap();
    let body = problem(again, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "email");
    assert_eq!(app.outbox().len(), mails);
}

#[tokio::test]
async fn bad_invitations_name_their_fields_and_change_nothing() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let before = app.sql("SELECT count(*) FROM members").await[0].get::<_, i64>(0);
    let response = app
        .client()
        .post(app.at("/api/v1/coops/demo/members"))
        .bearer_auth(&admin)
        .json(&json!({"email": "not an email", "display_name": "", "roles": ["emperor"]}))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422, "validation").await;
    let fields: Vec<_> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "roles"]);
    assert_eq!(
        app.sql("SELECT count(*) FROM members").await[0].get::<_, i64>(0),
        before
    );
    assert!(app.outbox().is_empty());
}

#[tokio::test]
async fn roles_change_and_the_last_admin_stays() {
    let app = TestApp::demo().await;
    let client = app.client();
    let admin = app.demo_token("admin@demo.coop").await;
    let members = json(
        client
            .get(app.at("/api/v1/coops/demo/members"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let id_of = |email: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let set = |id: String, roles: Value| {
        client
            .put(app.at(&format!("/api/v1/coops/demo/members/{id}/roles")))
            .bearer_auth(&admin)
            .json(&json!({"roles": roles}))
            .send()
    };
    assert_eq!(
        set(id_of("member@demo.coop"), json!(["secretary"]))
            .await
            .unwrap()
            .status(),
        204
    );
    let last = set(id_of("admin@demo.coop"), json!(["board"])).await.unwrap();
    problem(last, 409, "conflict").await;
    let bad = set(id_of("member@demo.coop"), json!(["pope"])).await.unwrap();
    problem(bad, 422, "validation").await;
    let roles = app
        .sql("SELECT roles FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'member@demo.coop'")
        .await;
    assert_eq!(roles[0].get::<_, Vec<String>>(0), ["member", "secretary"]);
    let secretary = app.demo_token("member@demo.coop").await;
    assert_eq!(
        client
            .get(app.at("/api/v1/coops/demo/members"))
            .bearer_auth(&secretary)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn admins_invite_from_the_members_page() {
    let app = TestApp::demo().await;
    let browser = app.signed_in("admin@demo.coop").await;
    let page = browser
        .get(app.at("/c/demo/members"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let bad = browser
        .post(app.at("/c/demo/members/invite"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "nope"),
            ("display_name", "Zoé"),
            ("roles", "board"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("id=\"email-error\""));
    assert!(html.contains("value=\"Zoé\""), "the form keeps what was typed");
    let good = browser
        .post(app.at("/c/demo/members/invite"))
        .body(format!(
            "csrf={csrf}&email=zoe%40demo.coop&display_name=Zo%C3%A9&roles=board&roles=secretary"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 303);
    let roles = app
        .sql("SELECT roles FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'zoe@demo.coop'")
        .await;
    assert_eq!(roles[0].get::<_, Vec<String>>(0), ["member", "secretary", "board"]);
}
