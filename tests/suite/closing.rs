//! Issue 19, findings 3 and 4, through the API: a ballot or a meeting waits for the
//! notice the bylaws give (the e-mail is the notice, its time is kept); an online
//! ballot closes at its time, or earlier only once every member on the roll has
//! voted; any other early end is a cancellation, with a reason, audited, told to
//! every voter, and it decides nothing.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::{json, problem, TestApp};

const BALLOTS: &str = "/api/v1/coops/demo/ballots";

fn motion(title: &str, opens_at: Option<chrono::DateTime<Utc>>) -> Value {
    let mut body = json!({
        "title": title,
        "closes_at": Utc::now() + Duration::days(30),
        "settings": {"mode": "online", "secret": true, "allow_change": true,
                     "quorum": {"kind": "none"}, "proxies": {"kind": "none"}},
        "questions": [{"title": "Buy the van", "kind": "motion",
                       "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]
    });
    if let Some(at) = opens_at {
        body["opens_at"] = json!(at);
    }
    body
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.api(token, reqwest::Method::POST, path, Some(body)).await
}

async fn create(app: &TestApp, token: &str, body: Value) -> String {
    json(post(app, token, BALLOTS, body).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates and opens an online motion closing in 30 days.
async fn open_motion(app: &TestApp, token: &str, title: &str) -> String {
    let id = create(app, token, motion(title, None)).await;
    json(post(app, token, &format!("{BALLOTS}/{id}/open"), json!({})).await, 200).await;
    id
}

/// The one value a query answers.
async fn one<T: for<'a> tokio_postgres::types::FromSql<'a>>(app: &TestApp, sql: &str) -> T {
    app.sql(sql).await[0].get(0)
}

/// The e-mails in the outbox (bodies decoded) that contain one of `markers` (a message's words in
/// English and in French: two demo members read French).
fn mails(app: &TestApp, markers: &[&str]) -> Vec<String> {
    app.outbox()
        .into_iter()
        .map(|m| {
            let decoded = quoted_printable::decode(m.as_bytes(), quoted_printable::ParseMode::Robust).unwrap();
            String::from_utf8(decoded).unwrap()
        })
        .filter(|m| markers.iter().any(|k| m.contains(k)))
        .collect()
}

/// The demo co-op's members who get its notices (members, on leave, admitted).
async fn noticed_members(app: &TestApp) -> usize {
    let n: i64 = one(
        app,
        "SELECT count(*) FROM members m JOIN coops c ON c.id = m.coop_id
         WHERE c.slug = 'demo' AND m.status IN ('member', 'on_leave', 'admitted')",
    )
    .await;
    n as usize
}

async fn vote(app: &TestApp, email: &str, ballot: &str) {
    let token = app.demo_token(email).await;
    json(
        post(
            app,
            &token,
            &format!("{BALLOTS}/{ballot}/votes"),
            json!({"answers": ["for"]}),
        )
        .await,
        201,
    )
    .await;
}

/// Finding 4: one board member closed an online ballot 13 days early, alone, after
/// seeing who had voted. Closing early is refused with a problem pointing to the
/// cancellation, and the ballot stays open with nothing counted.
#[tokio::test]
async fn closing_an_online_ballot_early_is_refused_and_points_to_the_cancellation() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let id = open_motion(&app, &board, "Buy the van").await;
    vote(&app, "marie@demo.coop", &id).await;

    let refused = problem(
        post(&app, &board, &format!("{BALLOTS}/{id}/close"), json!({})).await,
        409,
        "closing-early",
    )
    .await;
    assert_eq!(refused["instead"], format!("POST {BALLOTS}/{id}/cancel"));
    let detail = refused["detail"].as_str().unwrap();
    assert!(detail.contains("1 of the 6 members on its roll have voted"), "{detail}");
    let view = json(
        app.api(&board, reqwest::Method::GET, &format!("{BALLOTS}/{id}"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(view["status"], "open");
    assert_eq!(view["result"], Value::Null);
    let closes: i64 = one(
        &app,
        &format!("SELECT count(*) FROM audit_events WHERE action = 'ballot.closed' AND subject = 'ballot:{id}'"),
    )
    .await;
    assert_eq!(closes, 0);
}

/// An online ballot may close before its time once every member on the roll has
/// voted, and the results e-mail says that is why it closed.
#[tokio::test]
async fn an_online_ballot_closes_early_once_everyone_on_the_roll_has_voted() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let id = open_motion(&app, &secretary, "Buy the van").await;
    let voters = app.roll_logins(&id).await;
    assert_eq!(voters.len(), 6);
    for email in &voters[..5] {
        vote(&app, email, &id).await;
    }
    problem(
        post(&app, &secretary, &format!("{BALLOTS}/{id}/close"), json!({})).await,
        409,
        "closing-early",
    )
    .await;
    vote(&app, &voters[5], &id).await;
    let closed = json(
        post(&app, &secretary, &format!("{BALLOTS}/{id}/close"), json!({})).await,
        200,
    )
    .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["result"]["questions"][0]["counts"]["for"], 6);
    let by: String = one(
        &app,
        &format!("SELECT data->>'by' FROM audit_events WHERE action = 'ballot.closed' AND subject = 'ballot:{id}'"),
    )
    .await;
    assert_eq!(by, "everyone_voted");
    let link = format!("/c/demo/ballots/{id}");
    let results: Vec<String> = mails(&app, &["is closed", "est clos"])
        .into_iter()
        .filter(|m| m.contains(&link))
        .collect();
    assert_eq!(results.len(), 6);
    assert!(
        results
            .iter()
            .all(|m| m.contains("because every member on the roll had voted")
                || m.contains("parce que tous les membres de la liste électorale avaient voté")),
        "{}",
        results[0]
    );
}

/// A ballot that ends at its time says nothing of an early close.
#[tokio::test]
async fn a_ballot_closed_at_its_time_does_not_claim_everyone_voted() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let id = open_motion(&app, &secretary, "Buy the van").await;
    vote(&app, "marie@demo.coop", &id).await;
    let closed = app.closing_time_passes(&secretary, &id).await;
    assert_eq!(closed["result"]["questions"][0]["counts"]["for"], 1);
    let link = format!("/c/demo/ballots/{id}");
    let results: Vec<String> = mails(&app, &["is closed", "est clos"])
        .into_iter()
        .filter(|m| m.contains(&link))
        .collect();
    assert_eq!(results.len(), 6);
    assert!(
        results
            .iter()
            .all(|m| !m.contains("every member") && !m.contains("tous les membres")),
        "{}",
        results[0]
    );
}

/// The only other early end is a cancellation: a reason is required, it is audited
/// with who cancelled, every voter on the roll is told who and why, and the ballot
/// decides nothing (no result is ever published).
#[tokio::test]
async fn a_cancellation_needs_a_reason_is_audited_and_tells_every_voter_who_and_why() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let id = open_motion(&app, &board, "Buy the van").await;
    vote(&app, "marie@demo.coop", &id).await;
    let cancel = format!("{BALLOTS}/{id}/cancel");
    let refused = problem(
        post(&app, &board, &cancel, json!({"reason": "  "})).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "reason");

    let cancelled = json(
        post(
            &app,
            &board,
            &cancel,
            json!({"reason": "The quote for the van has expired."}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["result"], Value::Null);
    let board_user: String = one(&app, "SELECT id::text FROM users WHERE email = 'board@demo.coop'").await;
    let audited = app
        .sql(&format!(
            "SELECT actor::text, data->>'reason' FROM audit_events WHERE action = 'ballot.cancelled' AND subject = 'ballot:{id}'"
        ))
        .await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].get::<_, String>(0), board_user);
    assert_eq!(audited[0].get::<_, String>(1), "The quote for the van has expired.");

    let board_name: String = one(&app, "SELECT display_name FROM users WHERE email = 'board@demo.coop'").await;
    let told = mails(&app, &["The quote for the van has expired."]);
    assert_eq!(told.len(), 6, "every member on the roll is told");
    for voter in app.roll_logins(&id).await {
        assert!(told.iter().any(|m| m.contains(&format!("To: {voter}"))), "{voter}");
    }
    assert!(
        told.iter().all(
            |m| m.contains(&format!("cancelled by {board_name}, who gave this reason"))
                || m.contains(&format!("annulé par {board_name}, pour cette raison"))
        ),
        "{}",
        told[0]
    );
    // Nothing can bring a result back.
    problem(
        post(&app, &board, &format!("{BALLOTS}/{id}/close"), json!({})).await,
        409,
        "conflict",
    )
    .await;
}

/// Finding 3: with bylaws giving 15 days' notice, an ordinary ballot opened at once.
/// It now waits for the notice: opening at once or scheduling it 5 days ahead is
/// refused naming Article 11; scheduling it 16 days ahead sends the notice e-mail
/// and keeps its time; it opens once 15 days have passed since.
#[tokio::test]
async fn an_ordinary_ballot_waits_for_the_notice_the_bylaws_give() {
    let app = TestApp::demo().await;
    app.bylaws_give_notice(15).await;
    let secretary = app.demo_token("secretary@demo.coop").await;

    let at_once = create(&app, &secretary, motion("Buy the van", None)).await;
    let refused = problem(
        post(&app, &secretary, &format!("{BALLOTS}/{at_once}/open"), json!({})).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "opens_at");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Article 11 of the bylaws gives members 15 days' notice of a ballot"),
        "{message}"
    );

    let soon = problem(
        post(
            &app,
            &secretary,
            BALLOTS,
            motion("Buy the van", Some(Utc::now() + Duration::days(5))),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(soon["errors"][0]["field"], "opens_at");
    assert!(
        soon["errors"][0]["message"].as_str().unwrap().contains("Article 11"),
        "{soon}"
    );

    let id = create(
        &app,
        &secretary,
        motion("Buy the van", Some(Utc::now() + Duration::days(16))),
    )
    .await;
    let notices = mails(&app, &["This is the notice the bylaws of", "Voici la convocation que"]).len();
    assert_eq!(notices, noticed_members(&app).await, "the members are given notice");
    let sent_just_now: bool = one(
        &app,
        &format!("SELECT sent_at > now() - interval '1 minute' FROM ballot_notices WHERE ballot_id = '{id}'"),
    )
    .await;
    assert!(sent_just_now, "the notice's time is kept");
    let early = problem(
        post(&app, &secretary, &format!("{BALLOTS}/{id}/open"), json!({})).await,
        422,
        "validation",
    )
    .await;
    assert!(
        early["errors"][0]["message"].as_str().unwrap().contains("it can be on"),
        "{early}"
    );

    // Fifteen days pass (a test cannot wait them).
    app.exec(&format!(
        "UPDATE ballot_notices SET sent_at = sent_at - interval '15 days' WHERE ballot_id = '{id}'"
    ))
    .await;
    let opened = json(
        post(&app, &secretary, &format!("{BALLOTS}/{id}/open"), json!({})).await,
        200,
    )
    .await;
    assert_eq!(opened["status"], "open");
}

/// Editing a noticed draft takes its notice away: members were told of the old text.
#[tokio::test]
async fn editing_a_noticed_ballot_needs_a_new_notice() {
    let app = TestApp::demo().await;
    app.bylaws_give_notice(15).await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let opens = Utc::now() + Duration::days(16);
    let id = create(&app, &secretary, motion("Buy the van", Some(opens))).await;
    app.exec(&format!(
        "UPDATE ballot_notices SET sent_at = sent_at - interval '15 days' WHERE ballot_id = '{id}'"
    ))
    .await;
    let edited = app
        .api(
            &secretary,
            reqwest::Method::PUT,
            &format!("{BALLOTS}/{id}"),
            Some(motion("Buy the electric van", Some(opens))),
        )
        .await;
    json(edited, 200).await;
    let refused = problem(
        post(&app, &secretary, &format!("{BALLOTS}/{id}/open"), json!({})).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "opens_at");
    let noticed = noticed_members(&app).await;
    assert_eq!(
        mails(&app, &["This is the notice the bylaws of", "Voici la convocation que"]).len(),
        2 * noticed,
        "the new text is noticed to the same members"
    );
}

/// Finding 3 for meetings: a general meeting cannot be called with less notice than
/// the bylaws give; its convocation e-mail is the notice and its time is kept.
#[tokio::test]
async fn a_meeting_is_convened_with_the_notice_the_bylaws_give() {
    let app = TestApp::demo().await;
    app.bylaws_give_notice(15).await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let meetings = "/api/v1/coops/demo/meetings";
    let body = |days: i64| {
        json!({"kind": "general", "title": "Spring general meeting", "place": "The workshop",
               "starts_at": Utc::now() + Duration::days(days)})
    };
    let refused = problem(post(&app, &secretary, meetings, body(5)).await, 422, "validation").await;
    assert_eq!(refused["errors"][0]["field"], "starts_at");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Article 11 of the bylaws gives members 15 days' notice of a meeting"),
        "{refused}"
    );

    let meeting = json(post(&app, &secretary, meetings, body(20)).await, 201).await;
    let id = meeting["id"].as_str().unwrap();
    let sent_just_now: Option<bool> = one(
        &app,
        &format!("SELECT notice_sent_at > now() - interval '1 minute' FROM meetings WHERE id = '{id}'"),
    )
    .await;
    assert_eq!(sent_just_now, Some(true), "the convocation's time is kept");
    let convocations = mails(&app, &["You are convened to", "convoqué·e à"]).len();
    assert_eq!(convocations, noticed_members(&app).await);

    // Moving it closer than the notice allows is refused too.
    let moved = app
        .api(
            &secretary,
            reqwest::Method::PUT,
            &format!("{meetings}/{id}"),
            Some(body(3)),
        )
        .await;
    let moved = problem(moved, 422, "validation").await;
    assert_eq!(moved["errors"][0]["field"], "starts_at");
}

/// A meeting's ballot is noticed by the meeting's convocation.
#[tokio::test]
async fn a_meeting_ballot_opens_on_the_meetings_convocation() {
    let app = TestApp::demo().await;
    app.bylaws_give_notice(15).await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let mut body = motion("Elect the chair", None);
    body["settings"]["mode"] = json!("meeting");
    // The chair closes a meeting's ballot: it has no closing time.
    body.as_object_mut().unwrap().remove("closes_at");
    let id = create(&app, &secretary, body).await;
    let open = format!("{BALLOTS}/{id}/open");
    problem(post(&app, &secretary, &open, json!({})).await, 422, "validation").await;

    let meeting = json(
        post(
            &app,
            &secretary,
            "/api/v1/coops/demo/meetings",
            json!({"kind": "general", "title": "Spring general meeting", "place": "The workshop",
                   "starts_at": Utc::now() + Duration::days(16)}),
        )
        .await,
        201,
    )
    .await;
    let meeting = meeting["id"].as_str().unwrap();
    json(
        app.api(
            &secretary,
            reqwest::Method::PUT,
            &format!("/api/v1/coops/demo/meetings/{meeting}/agenda"),
            Some(json!({"items": [{"title": "Elect the chair", "note": "", "ballot_id": id}]})),
        )
        .await,
        200,
    )
    .await;
    // The meeting's day comes.
    app.exec(&format!(
        "UPDATE meetings SET notice_sent_at = notice_sent_at - interval '16 days' WHERE id = '{meeting}'"
    ))
    .await;
    let opened = json(post(&app, &secretary, &open, json!({})).await, 200).await;
    assert_eq!(opened["status"], "open");
}

/// Where a co-op has adopted no bylaws in Concord, nothing is required: a ballot
/// opens at once and no notice is sent.
#[tokio::test]
async fn without_bylaws_a_ballot_opens_at_once_without_notice() {
    let app = TestApp::demo().await;
    app.without_bylaws().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let id = open_motion(&app, &secretary, "Buy the van").await;
    assert_eq!(
        app.outbox().iter().filter(|m| m.contains("Notice of a ballot")).count(),
        0
    );
    let noticed: i64 = one(
        &app,
        &format!("SELECT count(*) FROM ballot_notices WHERE ballot_id = '{id}'"),
    )
    .await;
    assert_eq!(noticed, 0);
}

/// The cancellation form asks for a confirmation and a reason, with the message
/// next to the field left out, in the member's language.
#[tokio::test]
async fn the_cancellation_form_shows_its_messages_next_to_the_fields() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let id = open_motion(&app, &board, "Buy the van").await;
    let client = app.signed_in("board@demo.coop").await;
    let page = client
        .get(app.at(&format!("/c/demo/ballots/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::common::csrf_of(&page);
    let cancel = app.at(&format!("/c/demo/ballots/{id}/cancel"));

    let unconfirmed = client
        .post(&cancel)
        .form(&[("csrf", csrf.as_str()), ("reason", "The supplier withdrew the van.")])
        .send()
        .await
        .unwrap();
    assert_eq!(unconfirmed.status(), 422);
    let html = unconfirmed.text().await.unwrap();
    assert!(
        html.contains("<p class=\"field-error\" id=\"confirm-error\">Tick the box to confirm the cancellation.</p>"),
        "{html}"
    );
    assert!(
        html.contains("The supplier withdrew the van.</textarea>"),
        "what was typed is kept"
    );

    let no_reason = client
        .post(&cancel)
        .form(&[("csrf", csrf.as_str()), ("reason", " "), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(no_reason.status(), 422);
    assert!(no_reason.text().await.unwrap().contains("id=\"reason-error\""));

    let early = client
        .post(app.at(&format!("/c/demo/ballots/{id}/close")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 409);
    assert!(early.text().await.unwrap().contains("id=\"cancel-form\""));
    let view = json(
        app.api(&board, reqwest::Method::GET, &format!("{BALLOTS}/{id}"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(view["status"], "open");
}
