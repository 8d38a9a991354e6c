//! The member register: applications, admissions with member numbers, the dated
//! history, the register as of a date and its CSV export.

use crate::common::{csrf_of, json, problem, TestApp};
use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

async fn apply(app: &TestApp, name: &str, email: &str) -> String {
    app.apply("demo", name, email, "I bake bread.").await
}

async fn change(app: &TestApp, token: &str, member: &str, body: Value) -> reqwest::Response {
    app.client()
        .post(app.at(&format!("/api/v1/coops/demo/members/{member}/status")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn register(app: &TestApp, token: &str, query: &str) -> Value {
    json(
        app.client()
            .get(app.at(&format!("/api/v1/coops/demo/register{query}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await
}

#[tokio::test]
async fn an_applicant_is_admitted_gets_the_next_number_and_an_invitation() {
    let app = TestApp::demo().await;
    let id = apply(&app, "Nadia Baker", "nadia@bakery.test").await;
    let notice = app
        .outbox()
        .into_iter()
        .find(|m| m.contains("To: secretary@demo.coop"))
        .expect("the secretary is told");
    assert!(notice.contains("Nadia Baker"));
    let secretary = app.demo_token("secretary@demo.coop").await;
    let applicants = register(&app, &secretary, "?status=applicant&q=nadia").await;
    assert_eq!(applicants.as_array().unwrap().len(), 1);
    assert_eq!(applicants[0]["number"], Value::Null);
    assert_eq!(applicants[0]["may_vote"], false);

    // The demo's bylaws give admissions to the board: its ballot carries, and the
    // register follows. Article 8 makes an admitted applicant a member once their
    // qualifying share is fully paid: until then Nadia is admitted, numbered, no voter.
    let ballot = app.decide_on_member("admission", &id, "").await;
    let line = register(&app, &secretary, "?q=nadia").await;
    assert_eq!(line[0]["status"], "admitted");
    assert_eq!(
        line[0]["number"], 8,
        "the demo's seven members, Rémi who left among them, hold 1 to 7"
    );
    assert_eq!(line[0]["may_vote"], false);
    // The treasurer records her one qualifying share (€50.00) and its payment in full.
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let classes = json(
        app.api(
            &treasurer,
            reqwest::Method::GET,
            "/api/v1/coops/demo/share-classes",
            None,
        )
        .await,
        200,
    )
    .await;
    let class = classes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["qualifying"] == true)
        .unwrap()["id"]
        .clone();
    let entry = |body: Value| {
        app.api(
            &treasurer,
            reqwest::Method::POST,
            "/api/v1/coops/demo/capital/entries",
            Some(body),
        )
    };
    let subscribed = json(
        entry(
            json!({"operation": "subscribe", "member_id": id, "class_id": class, "shares": 1,
            "date": app.today("demo").await.to_string(), "in_instalments": false}),
        )
        .await,
        201,
    )
    .await;
    let subscription = subscribed[0]["kind"]["subscription"].clone();
    json(
        entry(
            json!({"operation": "payment", "subscription_id": subscription, "date": app.today("demo").await.to_string(),
            "amount": "50.00", "method": "bank_transfer", "reference": "VIR-NADIA"}),
        )
        .await,
        201,
    )
    .await;
    let line = register(&app, &secretary, "?q=nadia").await;
    assert_eq!(line[0]["status"], "member");
    assert_eq!(line[0]["number"], 8);
    assert_eq!(line[0]["may_vote"], true);
    let link = app.link_mailed_to("nadia@bakery.test");
    assert!(link.contains("/password/reset?token="));

    let history = json(
        app.client()
            .get(app.at(&format!("/api/v1/coops/demo/members/{id}/history")))
            .bearer_auth(&secretary)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let steps: Vec<(&str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["transition"].as_str().unwrap(), h["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("apply", "applicant"),
            ("admit", "admitted"),
            ("become_member", "member")
        ]
    );
    assert_eq!(
        history[1]["decision_ref"],
        format!("ballot {} (admission of a member)", ballot["id"].as_str().unwrap())
    );
}

#[tokio::test]
async fn numbers_are_never_given_twice_even_to_simultaneous_admissions() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(apply(&app, &format!("Applicant {i}"), &format!("applicant{i}@bakery.test")).await);
    }
    // Six ballots of the board, closing at the same time.
    for closed in app.decide_on_members("admission", &ids, "").await {
        assert_eq!(closed["result"]["questions"][0]["carried"], true, "{closed}");
    }
    let mut numbers: Vec<i64> = register(&app, &secretary, "")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["number"].as_i64())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=13).collect::<Vec<i64>>());
}

#[tokio::test]
async fn illegal_or_incomplete_changes_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let id = apply(&app, "Olga", "olga@bakery.test").await;
    let events_before: i64 = app.sql("SELECT count(*) FROM audit_events").await[0].get(0);

    // Admitting and expelling follow the ballot that decided them, never a change
    // typed on the register.
    for typed in [
        json!({"transition": "expel", "date": app.today("demo").await.to_string(), "decision_ref": "B1", "reason": "none"}),
        json!({"transition": "admit", "date": app.today("demo").await.to_string(), "decision_ref": "Board 12"}),
    ] {
        let body = problem(change(&app, &secretary, &id, typed).await, 422, "validation").await;
        assert_eq!(body["errors"][0]["field"], "transition", "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("decided by a ballot"),
            "{body}"
        );
    }

    let no_ref = change(
        &app,
        &secretary,
        &id,
        json!({"transition": "reject", "date": app.today("demo").await.to_string(), "decision_ref": " ", "reason": "Full team"}),
    )
    .await;
    let body = problem(no_ref, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "decision_ref");

    let unknown = change(
        &app,
        &secretary,
        &id,
        json!({"transition": "crown", "date": app.today("demo").await.to_string()}),
    )
    .await;
    problem(unknown, 422, "validation").await;
    let bad_date = change(
        &app,
        &secretary,
        &id,
        json!({"transition": "reject", "date": "31/12/2026", "decision_ref": "B", "reason": "Full team"}),
    )
    .await;
    problem(bad_date, 422, "validation").await;

    let events_after: i64 = app.sql("SELECT count(*) FROM audit_events").await[0].get(0);
    assert_eq!(events_before, events_after);
    let state = app
        .sql(&format!("SELECT status, number FROM members WHERE id = '{id}'"))
        .await;
    assert_eq!(state[0].get::<_, String>(0), "applicant");
    assert_eq!(state[0].get::<_, Option<i64>>(1), None);

    // Rejecting twice: the second is a conflict.
    let reject = json!({"transition": "reject", "date": app.today("demo").await.to_string(), "decision_ref": "B2", "reason": "Full team"});
    let first = change(&app, &secretary, &id, reject.clone()).await;
    assert_eq!(first.status(), 200);
    let again = change(&app, &secretary, &id, reject).await;
    problem(again, 409, "conflict").await;
}

#[tokio::test]
async fn only_secretaries_and_the_board_change_statuses() {
    let app = TestApp::demo().await;
    let id = apply(&app, "Pia", "pia@bakery.test").await;
    for (email, expected) in [
        ("member@demo.coop", 403),
        ("treasurer@demo.coop", 403),
        ("admin@demo.coop", 200),
    ] {
        let token = app.demo_token(email).await;
        let response = change(
            &app,
            &token,
            &id,
            json!({"transition": "start_probation", "date": app.today("demo").await.to_string(),
            "until": (app.today("demo").await + Duration::days(180)).to_string()}),
        )
        .await;
        assert_eq!(response.status(), expected, "{email}");
    }
    let member = app.demo_token("member@demo.coop").await;
    let refused = app
        .client()
        .get(app.at("/api/v1/coops/demo/register"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    problem(refused, 403, "forbidden").await;
}

#[tokio::test]
async fn the_register_as_of_a_date_shows_who_was_a_member_then() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let members = register(&app, &board, "?q=member@demo.coop").await;
    let max = members[0]["id"].as_str().unwrap().to_string();
    let today = app.today("demo").await;
    let effective = today + Duration::days(30);
    let resigned = change(
        &app,
        &board,
        &max,
        json!({"transition": "resign", "notice_date": today.to_string(),
        "effective_date": effective.to_string()}),
    )
    .await;
    assert_eq!(resigned.status(), 200);
    let now = register(&app, &board, "?q=member@demo.coop").await;
    assert_eq!(
        now[0]["status"], "member",
        "still a member until the resignation takes effect"
    );
    let later = register(&app, &board, &format!("?q=member@demo.coop&as_of={effective}")).await;
    assert_eq!(later[0]["status"], "resigned");
    // The demo co-op was founded at its general meeting of 14 March 2021: the day
    // before, no one was on the register.
    let before = register(&app, &board, "?as_of=2021-03-13").await;
    assert!(
        before.as_array().unwrap().iter().all(|l| l["status"].is_null()),
        "no one was on the register before the founding"
    );
    // A hundred days ago all six members and Rémi (who resigned ten days ago) were
    // members; Camille had not applied yet.
    let then = register(&app, &board, &format!("?as_of={}", today - Duration::days(100))).await;
    let mut members_then: Vec<&str> = then
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "member")
        .map(|l| l["email"].as_str().unwrap())
        .collect();
    members_then.sort();
    assert_eq!(
        members_then,
        [
            "admin@demo.coop",
            "board@demo.coop",
            "marie@demo.coop",
            "member@demo.coop",
            "remi@example.org",
            "secretary@demo.coop",
            "treasurer@demo.coop"
        ]
    );

    let csv = app
        .client()
        .get(app.at(&format!("/api/v1/coops/demo/register.csv?as_of={effective}")))
        .bearer_auth(&board)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "number",
            "name",
            "email",
            "status",
            "applied_on",
            "admitted_on",
            "member_since",
            "left_on",
            "employment",
            "may_vote"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8, "six members, Rémi who left, and the demo's applicant");
    let max_row = rows.iter().find(|r| &r[2] == "member@demo.coop").unwrap();
    assert_eq!(&max_row[3], "resigned");
    assert_eq!(&max_row[7], effective.to_string());
    assert_eq!(&max_row[9], "false");
}

#[tokio::test]
async fn people_apply_and_secretaries_admit_through_the_pages() {
    let app = TestApp::demo().await;
    let visitor = app.client();
    let form = visitor
        .get(app.at("/c/demo/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let bad = visitor
        .post(app.at("/c/demo/apply"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("display_name", "Quentin"),
            ("email", "quentin"),
            ("motivation", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("id=\"email-error\"") && html.contains("value=\"Quentin\""));
    let sent = visitor
        .post(app.at("/c/demo/apply"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("display_name", "Quentin"),
            ("email", "quentin@bakery.test"),
            ("motivation", "<script>alert(1)</script>"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    assert_eq!(app.confirm_application("quentin@bakery.test").await.status(), 200);

    let secretary = app.signed_in("secretary@demo.coop").await;
    let register = secretary
        .get(app.at("/c/demo/register?status=applicant"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(register.contains("Quentin"));
    let id = app
        .sql("SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'quentin@bakery.test'")
        .await[0]
        .get::<_, String>(0);
    let page = secretary
        .get(app.at(&format!("/c/demo/register/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
        "the motivation is shown inert"
    );
    assert!(!page.contains("<script>alert(1)"));
    let csrf = csrf_of(&page);
    let bad = secretary
        .post(app.at(&format!("/c/demo/register/{id}/status")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("transition", "start_probation"),
            ("date", "not a date"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("id=\"date-error\""));
    let good = secretary
        .post(app.at(&format!("/c/demo/register/{id}/status")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("transition", "start_probation"),
            ("date", &app.today("demo").await.to_string()),
            ("until", &(app.today("demo").await + Duration::days(180)).to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 303);
    let after = secretary
        .get(app.at(&format!("/c/demo/register/{id}?done=changed")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        after.contains("The change is recorded.") && after.contains("Candidate"),
        "{after}"
    );
    // The admission itself is put to the board's vote from the member's page.
    assert!(
        after.contains(&format!("/ballots/new?decision_kind=admission&amp;subject={id}")),
        "{after}"
    );
}

async fn import(app: &TestApp, token: &str, csv: &str) -> reqwest::Response {
    app.client()
        .post(app.at("/api/v1/coops/demo/register/import"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_existing_register_is_imported_whole() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let csv = "number,name,email,status,member_since,employment_status\n\
               40,Gus Old-Timer,gus@bakery.test,member,2015-03-01,worker\n\
               ,Hana New,hana@bakery.test,member,2024-09-01,non_worker\n\
               ,Ivo Hopeful,ivo@bakery.test,applicant,,\n";
    let response = import(&app, &secretary, csv).await;
    assert_eq!(json(response, 201).await["imported"], 3);
    let lines = register(&app, &secretary, "?as_of=2020-01-01").await;
    let members: Vec<(&str, i64)> = lines
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "member")
        .map(|l| (l["email"].as_str().unwrap(), l["number"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        members,
        [("gus@bakery.test", 40)],
        "only Gus was a member in 2020, with his old number"
    );
    let hana = register(&app, &secretary, "?q=hana").await;
    assert_eq!(hana[0]["number"], 41, "numbers continue after the highest imported");
    assert_eq!(hana[0]["employment_status"], "non_worker");
    let ivo = register(&app, &secretary, "?q=ivo").await;
    assert_eq!(ivo[0]["status"], "applicant");
    // Imported people choose their password with the reset link.
    let reset = app
        .client()
        .post(app.at("/api/v1/auth/password-reset"))
        .json(&json!({"email": "gus@bakery.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 202);
    assert!(app.link_mailed_to("gus@bakery.test").contains("token="));
}

/// Issue 20, finding 3: an import took one statement per row without a number on the
/// co-op's row. They are now taken at once; the numbers must be those the rows got
/// before: after the highest the file keeps, in the order of the file.
#[tokio::test]
async fn an_import_numbers_the_rows_without_one_after_the_highest_kept_in_file_order() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let counter = || app.sql("SELECT next_member_number FROM coops WHERE slug = 'demo'");
    assert_eq!(counter().await[0].get::<_, i64>(0), 8, "the demo's members hold 1 to 7");
    let csv = "number,name,email,status,member_since,employment_status\n\
               ,Ana First,ana@bakery.test,member,2020-01-01,\n\
               12,Ben Kept,ben@bakery.test,member,2019-05-01,worker\n\
               ,Cyd Waiting,cyd@bakery.test,applicant,,\n\
               ,Dee Second,dee@bakery.test,member,,non_worker\n\
               ,Eve Third,eve@bakery.test,member,2021-03-04,\n";
    assert_eq!(json(import(&app, &secretary, csv).await, 201).await["imported"], 5);
    let rows = app
        .sql(
            "SELECT u.email, m.number, m.status, m.employment_status, array_length(m.roles, 1), \
                    (SELECT string_agg(h.transition || ' ' || h.effective_on, ',') FROM member_status_changes h \
                     WHERE h.coop_id = m.coop_id AND h.member_id = m.id) \
             FROM members m JOIN users u ON u.id = m.user_id \
             WHERE u.email LIKE '%@bakery.test' ORDER BY u.email",
        )
        .await;
    let today = app.today("demo").await;
    // e-mail, number, status, employment, roles, history
    type Line = (String, Option<i64>, String, String, Option<i32>, String);
    let found: Vec<Line> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
        .collect();
    let line = |email: &str, number: Option<i64>, status: &str, work: &str, history: String| {
        (
            email.to_string(),
            number,
            status.to_string(),
            work.to_string(),
            None,
            history,
        )
    };
    assert_eq!(
        found,
        [
            line(
                "ana@bakery.test",
                Some(13),
                "member",
                "worker",
                "admit 2020-01-01".into()
            ),
            line(
                "ben@bakery.test",
                Some(12),
                "member",
                "worker",
                "admit 2019-05-01".into()
            ),
            line("cyd@bakery.test", None, "applicant", "worker", format!("apply {today}")),
            line(
                "dee@bakery.test",
                Some(14),
                "member",
                "non_worker",
                format!("admit {today}")
            ),
            line(
                "eve@bakery.test",
                Some(15),
                "member",
                "worker",
                "admit 2021-03-04".into()
            ),
        ]
    );
    assert_eq!(counter().await[0].get::<_, i64>(0), 16);
    let events = app
        .sql(
            "SELECT data->>'rows', data->>'emails' FROM audit_events \
             WHERE action = 'member.register_imported'",
        )
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].get::<_, Option<String>>(0).as_deref(), Some("5"));
    assert_eq!(
        serde_json::from_str::<Value>(&events[0].get::<_, String>(1)).unwrap(),
        json!([
            "ana@bakery.test",
            "ben@bakery.test",
            "cyd@bakery.test",
            "dee@bakery.test",
            "eve@bakery.test"
        ])
    );
    // The co-op's next admission takes the number after the import's.
    let nadia = apply(&app, "Nadia Baker", "nadia@bakery.test").await;
    app.decide_on_member("admission", &nadia, "").await;
    assert_eq!(register(&app, &secretary, "?q=nadia").await[0]["number"], 16);
}

/// Issue 20, finding 3: a register of 560,000 rows held the co-op's lock for more than
/// twelve minutes. A file over the row limit is refused at once, saying the limit, and
/// writes nothing.
#[tokio::test]
async fn a_register_over_the_row_limit_is_refused_whole_saying_the_limit() {
    // The test runs the at-limit import's job itself.
    let app = TestApp::spawn(crate::common::Options {
        settings: Box::new(|s| s.job_workers = 0),
        ..Default::default()
    })
    .await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let counts = || async {
        let row = &app
            .sql(
                "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM members), \
                        (SELECT count(*) FROM member_status_changes), (SELECT count(*) FROM audit_events), \
                        (SELECT next_member_number FROM coops WHERE slug = 'demo')",
            )
            .await[0];
        (0..5).map(|i| row.get::<_, i64>(i)).collect::<Vec<i64>>()
    };
    let before = counts().await;
    let mut csv = String::from("name,email\n");
    for i in 0..100_001 {
        csv.push_str(&format!("Person {i},p{i}@bakery.test\n"));
    }
    let body = problem(import(&app, &secretary, &csv).await, 413, "too-many-rows").await;
    assert_eq!(
        body["detail"],
        "the file has 100001 rows; an import takes at most 100000 rows \
         (the operator sets the limit: CONCORD_IMPORT_MAX_ROWS)"
    );
    // A file well over the size limit is answered with the limit, not cut off.
    let body = problem(import(&app, &secretary, &csv.repeat(4)).await, 413, "payload-too-large").await;
    assert_eq!(body["detail"], "the request body is larger than 8388608 bytes");
    // The register page says it beside the pasted file.
    let browser = app.signed_in("secretary@demo.coop").await;
    let page = app.page(&browser, "/c/demo/register").await;
    let response = browser
        .post(app.at("/c/demo/register/import"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("csv", csv.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let errors = &html[html.find("id=\"import-errors\"").expect("the import's errors")..];
    assert!(
        errors.contains("csv: The file has 100001 rows; an import takes at most 100000."),
        "{}",
        &errors[..600.min(errors.len())]
    );
    assert_eq!(counts().await, before, "nothing written");
    // One row fewer goes through, as a background job (it is over the rows imported
    // within the request).
    let at_limit = &csv[..csv.rfind("Person 100000").unwrap()];
    let queued = json(import(&app, &secretary, at_limit).await, 202).await;
    assert_eq!(app.run_jobs(), 1);
    let path = queued["status_url"].as_str().unwrap();
    let done = json(app.api(&secretary, reqwest::Method::GET, path, None).await, 200).await;
    assert_eq!(done["result"]["imported"], 100_000, "{done}");
}

/// Finding 3 of issue 18: whoever keeps the register could make anyone admin through
/// the import's `roles` column, and the import attached existing accounts (another
/// co-op's person, with their real name) without their consent.
#[tokio::test]
async fn an_import_gives_no_roles_and_attaches_no_existing_account() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let before: i64 = app.sql("SELECT count(*) FROM members").await[0].get(0);
    let response = import(
        &app,
        &secretary,
        "name,email,roles\nMallory,mallory@bakery.test,admin\n",
    )
    .await;
    let body = problem(response, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "line 1");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`roles` is refused"),
        "{body}"
    );
    // Someone with an account elsewhere (here: the operator, who belongs to no co-op).
    let response = import(
        &app,
        &secretary,
        "name,email\nNew Person,new@bakery.test\nSomeone Else,OPERATOR@demo.coop\n",
    )
    .await;
    let body = problem(response, 422, "validation").await;
    let errors: Vec<(&str, bool)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap(),
                e["message"].as_str().unwrap().contains("already has a Concord account"),
            )
        })
        .collect();
    assert_eq!(errors, [("line 3", true)]);
    assert_eq!(
        app.sql("SELECT count(*) FROM members").await[0].get::<_, i64>(0),
        before,
        "nothing imported"
    );
}

#[tokio::test]
async fn one_bad_line_imports_nothing_and_every_bad_line_is_named() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let before: i64 = app.sql("SELECT count(*) FROM members").await[0].get(0);
    let events: i64 = app.sql("SELECT count(*) FROM audit_events").await[0].get(0);
    let csv = "number,name,email,member_since\n\
               50,Good Row,good@bakery.test,2020-01-01\n\
               1,Number Taken,taken@bakery.test,2020-01-01\n\
               ,No Email,,2020-01-01\n\
               ,Bad Date,date@bakery.test,01/01/2020\n\
               ,Already,member@demo.coop,\n";
    let response = import(&app, &secretary, csv).await;
    let body = problem(response, 422, "validation").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["line 3", "line 4", "line 5", "line 6"]);
    assert_eq!(
        app.sql("SELECT count(*) FROM members").await[0].get::<_, i64>(0),
        before
    );
    assert_eq!(
        app.sql("SELECT count(*) FROM audit_events").await[0].get::<_, i64>(0),
        events
    );
    assert_eq!(
        app.sql("SELECT count(*) FROM users WHERE email = 'good@bakery.test'")
            .await[0]
            .get::<_, i64>(0),
        0
    );

    let wrong_type = app
        .client()
        .post(app.at("/api/v1/coops/demo/register/import"))
        .bearer_auth(&secretary)
        .json(&json!({"csv": csv}))
        .send()
        .await
        .unwrap();
    problem(wrong_type, 415, "unsupported-media-type").await;
    let member = app.demo_token("member@demo.coop").await;
    problem(
        import(&app, &member, "name,email\nA,a@b.coop\n").await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_board_keeps_notes_that_only_the_board_reads() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let max = register(&app, &board, "?q=member@demo.coop").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let put = |token: &str, body: Value| {
        app.client()
            .put(app.at(&format!("/api/v1/coops/demo/members/{max}/profile")))
            .bearer_auth(token.to_string())
            .json(&body)
            .send()
    };
    let saved = put(
        &board,
        json!({"employment_start": "2021-09-01", "employment_status": "worker",
        "board_notes": "Asked for a leave next spring."}),
    )
    .await
    .unwrap();
    assert_eq!(saved.status(), 204);
    let seen_by_board = register(&app, &board, "?q=member@demo.coop").await;
    assert_eq!(seen_by_board[0]["board_notes"], "Asked for a leave next spring.");
    assert_eq!(seen_by_board[0]["employment_start"], "2021-09-01");
    let seen_by_secretary = register(&app, &secretary, "?q=member@demo.coop").await;
    assert_eq!(seen_by_secretary[0]["board_notes"], Value::Null);
    // The secretary may edit the profile, but not the board's notes.
    let by_secretary = put(
        &secretary,
        json!({"employment_status": "non_worker", "board_notes": "overwritten"}),
    )
    .await
    .unwrap();
    assert_eq!(by_secretary.status(), 204);
    let after = register(&app, &board, "?q=member@demo.coop").await;
    assert_eq!(after[0]["board_notes"], "Asked for a leave next spring.");
    assert_eq!(after[0]["employment_status"], "non_worker");
    let member = app.demo_token("member@demo.coop").await;
    problem(
        put(&member, json!({"employment_status": "worker"})).await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    let future = put(
        &board,
        json!({"employment_start": "2999-01-01", "employment_status": "boss"}),
    )
    .await
    .unwrap();
    let body = problem(future, 422, "validation").await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);
    // The notes stay out of the audit log, which admins read.
    let logged: i64 = app
        .sql("SELECT count(*) FROM audit_events WHERE data::text LIKE '%leave next spring%'")
        .await[0]
        .get(0);
    assert_eq!(logged, 0);
}

/// Issue 19, finding 8: where the co-op requires a paid qualifying share, the register
/// said "may vote: no" for everyone, while the roll read the capital ledger. Both now
/// come from one rule: the register's voters are exactly the roll of a ballot opened
/// that day.
#[tokio::test]
async fn the_register_and_the_roll_name_the_same_voters() {
    let app = TestApp::demo().await;
    // The demo's Article 8: the qualifying share must be fully paid before voting.
    app.exec("UPDATE coops SET requires_qualifying_share = true WHERE slug = 'demo'")
        .await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let lines = register(&app, &secretary, "").await;
    let may_vote = |email: &str| {
        lines
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["email"] == email)
            .unwrap_or_else(|| panic!("{email} on the register"))["may_vote"]
            .clone()
    };
    // Marie paid her €50 share; Max pays his two shares in instalments and has paid
    // €50, one share in full; Rémi left; Camille has only applied.
    assert_eq!(may_vote("marie@demo.coop"), true);
    assert_eq!(may_vote("admin@demo.coop"), true);
    assert_eq!(may_vote("member@demo.coop"), true);
    assert_eq!(may_vote("remi@example.org"), false);
    assert_eq!(may_vote("camille@example.org"), false);
    let mut on_register: Vec<String> = lines
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["may_vote"] == true)
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    on_register.sort();

    let created = json(
        app.api(
            &secretary,
            reqwest::Method::POST,
            "/api/v1/coops/demo/ballots",
            Some(json!({
                "title": "Who votes",
                "closes_at": "2031-06-30T18:00:00Z",
                "settings": {"mode": "online", "secret": true, "allow_change": false,
                             "quorum": {"kind": "none"}, "proxies": {"kind": "none"}},
                "questions": [{"title": "Buy the oven", "kind": "motion",
                               "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]
            })),
        )
        .await,
        201,
    )
    .await;
    let id = created["id"].as_str().unwrap();
    json(
        app.api(
            &secretary,
            reqwest::Method::POST,
            &format!("/api/v1/coops/demo/ballots/{id}/open"),
            None,
        )
        .await,
        200,
    )
    .await;
    let roll: Vec<String> = app
        .sql(&format!(
            "SELECT member_id::text FROM ballot_voters WHERE ballot_id = '{id}' ORDER BY member_id::text"
        ))
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(roll, on_register);
    assert_eq!(roll.len(), 6, "Amina, Théo, Sam, Bea, Max and Marie");
}

/// The demo co-op, importing files of more than two rows in the background; the
/// test runs the job itself (`run_jobs`), so it reads the import while it waits.
async fn app_with_import_jobs() -> TestApp {
    TestApp::spawn(crate::common::Options {
        settings: Box::new(|s| {
            s.import_inline_rows = 2;
            s.job_workers = 0;
        }),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn a_large_import_runs_as_a_job_followed_on_its_page_and_keeps_no_file() {
    let app = app_with_import_jobs().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let csv = "name,email\nAda Worker,ada@bakery.test\nBo Worker,bo@bakery.test\nCy Worker,cy@bakery.test\n";
    let queued = import(&app, &secretary, csv).await;
    assert_eq!(queued.status(), 202);
    let location = queued.headers()["location"].to_str().unwrap().to_string();
    let body: Value = queued.json().await.unwrap();
    assert_eq!(body["status_url"], location.as_str());
    let waiting = json(app.api(&secretary, Method::GET, &location, None).await, 200).await;
    assert_eq!(
        (
            waiting["status"].as_str(),
            waiting["progress_total"].as_i64(),
            waiting["running"].as_bool()
        ),
        (Some("queued"), Some(3), Some(false))
    );
    let job = body["job"].as_str().unwrap().to_string();
    let page = app
        .page(
            &app.signed_in("secretary@demo.coop").await,
            &format!("/c/demo/register/imports/{job}"),
        )
        .await;
    assert!(
        page.contains("http-equiv=\"refresh\""),
        "the page reloads itself while it waits"
    );
    assert!(page.contains("Waiting to start: 3 rows."), "{page}");
    assert_eq!(app.run_jobs(), 1);
    let done = json(app.api(&secretary, Method::GET, &location, None).await, 200).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["result"], json!({"imported": 3}));
    assert_eq!(done["progress_done"], 3);
    let entered = app
        .sql("SELECT count(*) FROM users WHERE email LIKE '%@bakery.test'")
        .await;
    assert_eq!(entered[0].get::<_, i64>(0), 3);
    // The file (names and addresses) is not kept once imported.
    let kept = app
        .sql(&format!("SELECT payload::text FROM jobs WHERE id = '{job}'"))
        .await;
    assert_eq!(kept[0].get::<_, String>(0), "{}");
    let page = app
        .page(
            &app.signed_in("secretary@demo.coop").await,
            &format!("/c/demo/register/imports/{job}"),
        )
        .await;
    assert!(page.contains("3 people entered on the register."), "{page}");
    assert!(!page.contains("http-equiv=\"refresh\""));
    // Only the register's keepers follow it, and only in their co-op.
    let member = app.demo_token("member@demo.coop").await;
    assert_eq!(app.api(&member, Method::GET, &location, None).await.status(), 403);
    let elsewhere = location.replace("/coops/demo/", "/coops/nowhere/");
    assert_eq!(app.api(&secretary, Method::GET, &elsewhere, None).await.status(), 404);
}

#[tokio::test]
async fn a_large_import_with_a_bad_row_fails_whole_and_its_page_lists_the_row() {
    let app = app_with_import_jobs().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let csv = "name,email\nAda Worker,ada@bakery.test\nBo Worker,not-an-address\nCy Worker,cy@bakery.test\n";
    let queued = import(&app, &secretary, csv).await;
    assert_eq!(queued.status(), 202);
    let location = queued.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(app.run_jobs(), 1);
    let failed = json(app.api(&secretary, Method::GET, &location, None).await, 200).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["attempts"], 1, "bad input is not retried");
    assert_eq!(failed["result"]["status"], 422, "{failed}");
    let errors = failed["result"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["field"], "line 3");
    let entered = app
        .sql("SELECT count(*) FROM users WHERE email LIKE '%@bakery.test'")
        .await;
    assert_eq!(entered[0].get::<_, i64>(0), 0, "nothing imported");
    let job = location.rsplit('/').next().unwrap();
    let page = app
        .page(
            &app.signed_in("secretary@demo.coop").await,
            &format!("/c/demo/register/imports/{job}"),
        )
        .await;
    assert!(page.contains("Nothing was imported."), "{page}");
    assert!(page.contains("line 3: "));
}
