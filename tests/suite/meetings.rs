//! General meetings through HTTP: the secretary schedules, builds the agenda with a
//! ballot, records attendance, drafts the minutes, a later meeting adopts them and
//! they are frozen (by the API and by the database); members read; another co-op
//! sees nothing; the printable minutes carry the ballot's stored result.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::{csrf_of, json, problem, TestApp};

async fn member_id(app: &TestApp, coop: &str, email: &str) -> String {
    app.sql(&format!(
        "SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id JOIN coops c ON c.id = m.coop_id
         WHERE u.email = '{email}' AND c.slug = '{coop}'"
    ))
    .await[0]
        .get(0)
}

async fn closed_ballot(app: &TestApp) -> String {
    app.sql("SELECT id::text FROM ballots WHERE title = 'Annual general meeting 2025'")
        .await[0]
        .get(0)
}

async fn schedule(app: &TestApp, token: &str, title: &str, hours_from_now: i64) -> Value {
    json(
        app.client()
            .post(app.at("/api/v1/coops/demo/meetings"))
            .bearer_auth(token)
            .json(&json!({"kind": "general", "title": title, "place": "The workshop",
                          "starts_at": Utc::now() + Duration::hours(hours_from_now)}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await
}

#[tokio::test]
async fn the_secretary_runs_a_meeting_until_its_minutes_are_adopted_and_frozen() {
    let app = TestApp::demo().await;
    let client = app.client();
    let sam = app.demo_token("secretary@demo.coop").await;
    let base = app.at("/api/v1/coops/demo/meetings");

    // Bad input is a problem with the fields named.
    let bad = problem(
        client
            .post(&base)
            .bearer_auth(&sam)
            .json(&json!({"kind": "picnic", "title": " ", "starts_at": Utc::now()}))
            .send()
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "title"]);

    let agm = schedule(&app, &sam, "Spring general meeting", -3).await;
    assert_eq!(agm["status"], "scheduled");
    let later = schedule(&app, &sam, "Summer general meeting", -1).await;
    let (id, later_id) = (agm["id"].as_str().unwrap(), later["id"].as_str().unwrap());
    let at = |path: &str| format!("{base}/{id}{path}");

    // The agenda links the closed ballot; the same ballot twice, or an unknown one, is refused.
    let ballot = closed_ballot(&app).await;
    let agenda = json!({"items": [
        {"title": "The 2025 accounts", "note": "See **the notice**.", "ballot_id": ballot},
        {"title": "Any other business"}]});
    let view = json(
        client
            .put(at("/agenda"))
            .bearer_auth(&sam)
            .json(&agenda)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(view["agenda"][0]["ballot"]["status"], "closed");
    assert_eq!(view["agenda"][0]["ballot"]["result"]["quorum_met"], true);
    assert_eq!(view["agenda"][1]["position"], 2);
    let twice = json!({"items": [{"title": "A", "ballot_id": ballot}, {"title": "B", "ballot_id": ballot}]});
    let refused = problem(
        client
            .put(at("/agenda"))
            .bearer_auth(&sam)
            .json(&twice)
            .send()
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "agenda[1].ballot_id");
    let unknown = json!({"items": [{"title": "A", "ballot_id": uuid::Uuid::new_v4()}]});
    problem(
        client
            .put(at("/agenda"))
            .bearer_auth(&sam)
            .json(&unknown)
            .send()
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;

    // Attendance: members once; not an applicant; a proxy held by a member present.
    let amina = member_id(&app, "demo", "admin@demo.coop").await;
    let max = member_id(&app, "demo", "member@demo.coop").await;
    let marie = member_id(&app, "demo", "marie@demo.coop").await;
    let bea = member_id(&app, "demo", "board@demo.coop").await;
    let camille: String = app
        .sql("SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'camille@example.org'")
        .await[0]
        .get(0);
    let attend = |body: Value| client.post(at("/attendance")).bearer_auth(&sam).json(&body).send();
    json(attend(json!({"member_id": amina})).await.unwrap(), 201).await;
    // The demo's rules allow no proxies ...
    let none = problem(
        attend(json!({"member_id": marie, "proxy_holder": amina}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(
        none["errors"][0]["message"],
        "The co-op's proxy rule does not allow proxies."
    );
    // ... until the co-op's parameters allow one per holder.
    app.exec(
        "UPDATE coops SET ballot_parameters = jsonb_set(ballot_parameters, '{proxies}', \
         '{\"kind\": \"per_holder\", \"count\": 1}') WHERE slug = 'demo'",
    )
    .await;
    json(attend(json!({"member_id": max})).await.unwrap(), 201).await;
    let again = problem(attend(json!({"member_id": max})).await.unwrap(), 409, "conflict").await;
    assert!(
        again["detail"].as_str().unwrap().contains("already recorded"),
        "{again}"
    );
    let stranger = problem(attend(json!({"member_id": camille})).await.unwrap(), 422, "validation").await;
    assert_eq!(stranger["errors"][0]["field"], "member_id");
    let view = json(
        attend(json!({"member_id": marie, "proxy_holder": amina}))
            .await
            .unwrap(),
        201,
    )
    .await;
    // One per holder: a second proxy for Amina is refused.
    let second = problem(
        attend(json!({"member_id": bea, "proxy_holder": amina})).await.unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(second["errors"][0]["field"], "proxy_holder");
    assert_eq!(view["present"].as_array().unwrap().len(), 2);
    assert_eq!(view["represented"][0]["holder"]["name"], "Amina Admin");
    assert_eq!(view["represented"][0]["source"], "meeting");

    // Minutes wait until the meeting is held.
    let minutes = |text: &str| {
        client
            .put(at("/minutes"))
            .bearer_auth(&sam)
            .json(&json!({"minutes": text}))
            .send()
    };
    problem(minutes("Too early").await.unwrap(), 409, "conflict").await;
    let held = json(client.post(at("/held")).bearer_auth(&sam).send().await.unwrap(), 200).await;
    assert_eq!(held["status"], "held");
    json(minutes("## Accounts\n\nApproved.").await.unwrap(), 200).await;

    // Adopted by a later meeting only.
    let adopt = |by: &str| {
        client
            .post(at("/minutes/adopt"))
            .bearer_auth(&sam)
            .json(&json!({"adopted_by": by}))
            .send()
    };
    let itself = problem(adopt(id).await.unwrap(), 422, "validation").await;
    assert_eq!(itself["errors"][0]["field"], "adopted_by");
    let adopted = json(adopt(later_id).await.unwrap(), 200).await;
    assert_eq!(adopted["status"], "adopted");
    assert_eq!(adopted["minutes_adopted_by"], later_id);

    // Frozen: the API refuses every change ...
    problem(minutes("Rewritten").await.unwrap(), 409, "conflict").await;
    problem(adopt(later_id).await.unwrap(), 409, "conflict").await;
    problem(attend(json!({"member_id": bea})).await.unwrap(), 409, "conflict").await;
    problem(
        client
            .put(at("/agenda"))
            .bearer_auth(&sam)
            .json(&agenda)
            .send()
            .await
            .unwrap(),
        409,
        "conflict",
    )
    .await;
    problem(
        client
            .delete(at(&format!("/attendance/{max}")))
            .bearer_auth(&sam)
            .send()
            .await
            .unwrap(),
        409,
        "conflict",
    )
    .await;
    // ... and so does the database, whoever asks.
    let (db, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    for statement in [
        format!("UPDATE meetings SET minutes = 'forged' WHERE id = '{id}'"),
        format!("DELETE FROM meetings WHERE id = '{id}'"),
        format!("UPDATE meeting_agenda_items SET title = 'forged' WHERE meeting_id = '{id}'"),
        format!("DELETE FROM meeting_attendance WHERE meeting_id = '{id}'"),
        format!(
            "INSERT INTO meeting_attendance (coop_id, meeting_id, member_id, recorded_by)
                 SELECT coop_id, id, '{bea}', created_by FROM meetings WHERE id = '{id}'"
        ),
    ] {
        let error = db.batch_execute(&statement).await.expect_err(&statement);
        assert!(
            error.to_string().contains("frozen") || format!("{error:?}").contains("frozen"),
            "{error:?}"
        );
    }
    let stored: String = app
        .sql(&format!("SELECT minutes FROM meetings WHERE id = '{id}'"))
        .await[0]
        .get(0);
    assert_eq!(stored, "## Accounts\n\nApproved.");
    // Minutes can only be adopted by a later meeting, in the database too.
    let error = db
        .batch_execute(&format!(
            "UPDATE meetings SET status = 'adopted', minutes_adopted_by = '{id}', minutes_adopted_at = now()
             WHERE id = '{later_id}'"
        ))
        .await
        .expect_err("an earlier meeting cannot adopt");
    assert!(format!("{error:?}").contains("later meeting"), "{error:?}");

    // The view says which meeting adopted them, and that one lists what it adopted.
    let view = json(client.get(at("")).bearer_auth(&sam).send().await.unwrap(), 200).await;
    assert_eq!(view["adopted_by"]["id"], later_id);
    let later_view = json(
        client
            .get(format!("{base}/{later_id}"))
            .bearer_auth(&sam)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(later_view["adopts"][0]["id"], id);

    // Every change is on the audit log.
    let actions: Vec<String> = app
        .sql(&format!(
            "SELECT action FROM audit_events WHERE subject = 'meeting:{id}' ORDER BY id"
        ))
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        actions,
        [
            "meetings.scheduled",
            "meetings.agenda_set",
            "meetings.attendance_recorded",
            "meetings.attendance_recorded",
            "meetings.attendance_recorded",
            "meetings.held",
            "meetings.minutes_saved",
            "meetings.minutes_adopted",
        ]
    );
}

#[tokio::test]
async fn members_read_meetings_but_only_the_secretary_and_board_change_them() {
    let app = TestApp::demo().await;
    let client = app.client();
    let max = app.demo_token("member@demo.coop").await;
    let bea = app.demo_token("board@demo.coop").await;
    let base = app.at("/api/v1/coops/demo/meetings");
    let list = json(client.get(&base).bearer_auth(&max).send().await.unwrap(), 200).await;
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Autumn general meeting", "2025 AGM"]);
    let agm = list[1]["id"].as_str().unwrap();
    let view = json(
        client
            .get(format!("{base}/{agm}"))
            .bearer_auth(&max)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(view["meeting"]["status"], "held");
    assert_eq!(view["present"].as_array().unwrap().len(), 5);
    assert_eq!(view["agenda"][0]["ballot"]["status"], "closed");

    let body = json!({"kind": "general", "title": "Mine", "starts_at": Utc::now()});
    problem(
        client.post(&base).bearer_auth(&max).json(&body).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    for (method, path, body) in [
        ("PUT", "/minutes", json!({"minutes": "x"})),
        ("PUT", "/agenda", json!({"items": []})),
        ("POST", "/held", json!({})),
        ("POST", "/cancel", json!({"reason": "x"})),
    ] {
        let request = match method {
            "PUT" => client.put(format!("{base}/{agm}{path}")),
            _ => client.post(format!("{base}/{agm}{path}")),
        };
        problem(
            request.bearer_auth(&max).json(&body).send().await.unwrap(),
            403,
            "forbidden",
        )
        .await;
    }
    // The board may schedule, and cancel with a reason.
    let created = json(
        client.post(&base).bearer_auth(&bea).json(&body).send().await.unwrap(),
        201,
    )
    .await;
    let id = created["id"].as_str().unwrap();
    problem(
        client
            .post(format!("{base}/{id}/cancel"))
            .bearer_auth(&bea)
            .json(&json!({"reason": " "}))
            .send()
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    let cancelled = json(
        client
            .post(format!("{base}/{id}/cancel"))
            .bearer_auth(&bea)
            .json(&json!({"reason": "The venue is flooded"}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(cancelled["cancel_reason"], "The venue is flooded");

    // The endpoints are in the OpenAPI document.
    let openapi = json(client.get(app.at("/api/openapi.json")).send().await.unwrap(), 200).await;
    for path in [
        "/api/v1/coops/{slug}/meetings",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/attendance",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/minutes/adopt",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} is documented");
    }

    // The member's page shows the meeting without the secretary's forms.
    let session = app.signed_in("member@demo.coop").await;
    let page = session
        .get(app.at(&format!("/c/demo/meetings/{agm}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("2025 AGM") && page.contains("Max Member"));
    assert!(page.contains("Draft minutes, not yet adopted."));
    assert!(!page.contains("Record attendance"));
    // In French for Marie, the ballot's result too.
    let marie = app.signed_in("marie@demo.coop").await;
    let page_fr = marie
        .get(app.at(&format!("/c/demo/meetings/{agm}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page_fr.contains("Ordre du jour") && page_fr.contains("Présences"));
    assert!(page_fr.contains("Assemblée générale annuelle") && page_fr.contains("Adoptée"));
    let list = session
        .get(app.at("/c/demo/meetings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("href=\"/c/demo/meetings\""),
        "the navigation links the meetings"
    );
    assert!(!list.contains("Schedule a meeting"));
    let refused = session
        .post(app.at(&format!("/c/demo/meetings/{agm}/minutes")))
        .form(&[("csrf", csrf_of(&page).as_str()), ("minutes", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn another_coop_neither_sees_nor_reaches_a_meeting() {
    let app = TestApp::demo().await;
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
    let client = app.client();
    let bea = app.demo_token("board@demo.coop").await;
    let max = app.demo_token("member@demo.coop").await;
    let sam = app.demo_token("secretary@demo.coop").await;
    // Bea is the other co-op's admin, who does not run meetings; their secretary would.
    problem(
        client
            .post(app.at("/api/v1/coops/other/meetings"))
            .bearer_auth(&bea)
            .json(&json!({"kind": "annual", "title": "Their AGM", "starts_at": Utc::now()}))
            .send()
            .await
            .unwrap(),
        403,
        "forbidden",
    )
    .await;
    let theirs: String = app
        .sql(
            "INSERT INTO meetings (coop_id, id, kind, title, starts_at, created_by)
             SELECT c.id, gen_random_uuid(), 'annual', 'Their AGM', now(), u.id FROM coops c, users u
             WHERE c.slug = 'other' AND u.email = 'board@demo.coop' RETURNING id::text",
        )
        .await[0]
        .get(0);
    let theirs = theirs.as_str();
    // Their admin reads it; ...
    json(
        client
            .get(app.at(&format!("/api/v1/coops/other/meetings/{theirs}")))
            .bearer_auth(&bea)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    // A demo member is no member of the other co-op: 404, as if it did not exist.
    problem(
        client
            .get(app.at(&format!("/api/v1/coops/other/meetings/{theirs}")))
            .bearer_auth(&max)
            .send()
            .await
            .unwrap(),
        404,
        "not-found",
    )
    .await;
    // Nor is their meeting reachable through the demo's address.
    problem(
        client
            .get(app.at(&format!("/api/v1/coops/demo/meetings/{theirs}")))
            .bearer_auth(&sam)
            .send()
            .await
            .unwrap(),
        404,
        "not-found",
    )
    .await;
    problem(
        client
            .put(app.at(&format!("/api/v1/coops/demo/meetings/{theirs}/minutes")))
            .bearer_auth(&sam)
            .json(&json!({"minutes": "x"}))
            .send()
            .await
            .unwrap(),
        404,
        "not-found",
    )
    .await;
    // A demo meeting refuses their member and their ballots.
    let ours = schedule(&app, &sam, "Ours", 1).await;
    let ours = ours["id"].as_str().unwrap();
    let bea_there = member_id(&app, "other", "board@demo.coop").await;
    let stranger = problem(
        client
            .post(app.at(&format!("/api/v1/coops/demo/meetings/{ours}/attendance")))
            .bearer_auth(&sam)
            .json(&json!({"member_id": bea_there}))
            .send()
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(stranger["errors"][0]["field"], "member_id");
    // The page of another co-op's meeting is a 404 for a demo member too.
    let session = app.signed_in("member@demo.coop").await;
    let page = session
        .get(app.at(&format!("/c/other/meetings/{theirs}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn the_printable_minutes_and_the_calendar_carry_the_meeting() {
    let app = TestApp::demo().await;
    let session = app.signed_in("member@demo.coop").await;
    let agm: String = app.sql("SELECT id::text FROM meetings WHERE title = '2025 AGM'").await[0].get(0);
    let ballot = closed_ballot(&app).await;
    let text = |path: String| {
        let request = session.get(app.at(&path)).send();
        async move { request.await.unwrap().text().await.unwrap() }
    };
    // The sentence the ballot's own page shows is the one the minutes print.
    let ballot_page = text(format!("/c/demo/ballots/{ballot}")).await;
    let sentence = "3 for, 1 against, 1 abstaining";
    assert!(ballot_page.contains(sentence), "{ballot_page}");
    let print = text(format!("/c/demo/meetings/{agm}/print")).await;
    assert!(print.contains("Minutes: 2025 AGM"));
    assert!(print.contains(sentence), "{print}");
    assert!(print.contains("Approve the 2025 accounts") && print.contains("Carried"));
    assert!(print.contains("Max Member") && print.contains("Questions from members"));
    assert!(print.contains("the board will"), "the minutes are printed");

    // The meeting's own calendar file.
    let page = text(format!("/c/demo/meetings/{agm}")).await;
    let ics = format!("/c/demo/meetings/{agm}/calendar.ics");
    assert!(page.contains(&ics));
    let file = session.get(app.at(&ics)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "text/calendar; charset=utf-8");
    let body = file.text().await.unwrap();
    assert!(
        body.contains("SUMMARY:Meeting: 2025 AGM (Riverside Workers' Co-op)"),
        "{body}"
    );
    assert_eq!(body.matches("BEGIN:VEVENT").count(), 1);

    // Both meetings are in the member's calendar feed.
    let account = text("/account".into()).await;
    let made = session
        .post(app.at("/account/calendar"))
        .form(&[("csrf", csrf_of(&account).as_str()), ("action", "new")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "id=\"calendar-address\">";
    let start = made.find(marker).expect("the new address") + marker.len();
    let address = made[start..start + made[start..].find('<').unwrap()].replace("&#x2F;", "/");
    let feed = app.client().get(&address).send().await.unwrap().text().await.unwrap();
    assert!(feed.contains("SUMMARY:Meeting: 2025 AGM"), "{feed}");
    assert!(feed.contains("SUMMARY:Meeting: Autumn general meeting"), "{feed}");
}

#[tokio::test]
async fn the_secretary_records_attendance_on_the_page_with_messages_next_to_the_fields() {
    let app = TestApp::demo().await;
    let sam = app.signed_in("secretary@demo.coop").await;
    let next: String = app
        .sql("SELECT id::text FROM meetings WHERE title = 'Autumn general meeting'")
        .await[0]
        .get(0);
    let path = format!("/c/demo/meetings/{next}");
    let page = sam.get(app.at(&path)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Record attendance"));
    let csrf = csrf_of(&page);
    let marie = member_id(&app, "demo", "marie@demo.coop").await;
    let max = member_id(&app, "demo", "member@demo.coop").await;
    let post = |action: &str, form: Vec<(&str, String)>| {
        let mut fields = vec![("csrf", csrf.clone())];
        fields.extend(form.into_iter());
        sam.post(app.at(&format!("{path}/{action}"))).form(&fields).send()
    };
    let done = post(
        "attend",
        vec![("member_id", marie.clone()), ("proxy_holder", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(done.status(), 303);
    // Twice: the page again, with the message by the form.
    let twice = post(
        "attend",
        vec![("member_id", marie.clone()), ("proxy_holder", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(twice.status(), 409);
    assert!(twice.text().await.unwrap().contains("already recorded"));
    // A proxy held by someone absent is refused next to the holder field.
    let bea = member_id(&app, "demo", "board@demo.coop").await;
    let absent_holder = post("attend", vec![("member_id", max.clone()), ("proxy_holder", bea)])
        .await
        .unwrap();
    assert_eq!(absent_holder.status(), 422);
    assert!(absent_holder
        .text()
        .await
        .unwrap()
        .contains("id=\"proxy_holder-error\""));
    let unknown = post(
        "attend",
        vec![("member_id", "nobody".into()), ("proxy_holder", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(unknown.status(), 422);
    let html = unknown.text().await.unwrap();
    assert!(html.contains("id=\"member_id-error\""), "{html}");
    // A bad date while editing the details stays in the form, with its message.
    let bad = post(
        "details",
        vec![
            ("kind", "general".into()),
            ("title", "Autumn general meeting".into()),
            ("starts_at", "tomorrow".into()),
            ("place", String::new()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("id=\"starts_at-error\"") && html.contains("value=\"tomorrow\""));
    // The agenda form: an item added from a blank row.
    let agenda = post(
        "agenda",
        vec![
            ("title_0", "Adoption of the minutes of the 2025 AGM".into()),
            ("note_0", String::new()),
            ("ballot_0", String::new()),
            ("title_1", "Delivery rota".into()),
            ("note_1", "A proposal from the board.".into()),
            ("ballot_1", String::new()),
            ("title_2", String::new()),
            ("note_2", String::new()),
            ("ballot_2", String::new()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(agenda.status(), 303);
    let page = sam.get(app.at(&path)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Delivery rota") && page.contains("A proposal from the board."));
    assert!(page.contains("Marie Membre"));

    // A held meeting's details change, but not its date: sent back as the form shows
    // it (to the minute), the date is no change.
    let agm_path = format!("/c/demo/meetings/{}", {
        let id: String = app.sql("SELECT id::text FROM meetings WHERE title = '2025 AGM'").await[0].get(0);
        id
    });
    let agm_page = sam.get(app.at(&agm_path)).send().await.unwrap().text().await.unwrap();
    let marker = "id=\"starts_at\" name=\"starts_at\" type=\"datetime-local\" required value=\"";
    let start = agm_page.find(marker).expect("the date field") + marker.len();
    let shown = agm_page[start..start + 16].to_string();
    let save = |starts_at: String| {
        sam.post(app.at(&format!("{agm_path}/details")))
            .form(&[
                ("csrf", csrf.clone()),
                ("kind", "annual".into()),
                ("title", "2025 annual general meeting".into()),
                ("starts_at", starts_at),
                ("place", "Online".into()),
            ])
            .send()
    };
    assert_eq!(save(shown).await.unwrap().status(), 303);
    let moved = save("2025-06-01T18:00".into()).await.unwrap();
    assert_eq!(moved.status(), 422);
    assert!(moved.text().await.unwrap().contains("its date can no longer change"));
    let title: String = app.sql("SELECT title FROM meetings WHERE place = 'Online'").await[0].get(0);
    assert_eq!(title, "2025 annual general meeting");

    // Minutes drafted on the page; the autumn meeting has not started, so it cannot
    // adopt them yet: the message is next to the field.
    let minutes = sam
        .post(app.at(&format!("{agm_path}/minutes")))
        .form(&[("csrf", csrf.clone()), ("minutes", "Accounts **approved**.".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(minutes.status(), 303);
    let early = sam
        .post(app.at(&format!("{agm_path}/adopt")))
        .form(&[("csrf", csrf.clone()), ("adopted_by", next.clone())])
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 422);
    let html = early.text().await.unwrap();
    assert!(html.contains("id=\"adopted_by-error\"") && html.contains("has not started yet"));
    let print = sam
        .get(app.at(&format!("{agm_path}/print")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(print.contains("Accounts <strong>approved</strong>."));
}
