//! E-mail through a real SMTP server (aiosmtpd): the outbox keeps every message
//! while the relay is down and delivers it when it is back; a permanent refusal
//! marks that member's copy failed and the others go; the secretary sees who was
//! reached and resends to the others, never twice to anyone.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::smtp::{DownRelay, SmtpServer};
use crate::common::{csrf_of, json, Options, TestApp};

const BALLOTS: &str = "/api/v1/coops/demo/ballots";

/// The demo co-op, its mail going to an SMTP relay on `port`.
async fn app_with_relay(port: u16) -> TestApp {
    TestApp::spawn(Options {
        settings: Box::new(move |s| s.mail = concord::config::MailSettings::Smtp(format!("smtp://127.0.0.1:{port}"))),
        ..Options::default()
    })
    .await
}

/// Opens a motion: its call to vote is a legal notice to the roll. Answers the
/// ballot's id.
async fn open_motion(app: &TestApp, secretary: &str) -> String {
    let body = json!({
        "title": "Buy the van",
        "closes_at": "2031-06-30T18:00:00Z",
        "questions": [{"title": "Buy the van", "kind": "motion",
                       "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]
    });
    let draft = json(app.api(secretary, Method::POST, BALLOTS, Some(body)).await, 201).await;
    let id = draft["id"].as_str().unwrap().to_string();
    let path = format!("{BALLOTS}/{id}/open");
    json(app.api(secretary, Method::POST, &path, Some(json!({}))).await, 200).await;
    id
}

/// The call to vote of `ballot`, as the secretary reads it.
async fn call_to_vote(app: &TestApp, secretary: &str, ballot: &str) -> Value {
    let notices = json(
        app.api(secretary, Method::GET, "/api/v1/coops/demo/notices", None)
            .await,
        200,
    )
    .await;
    let notice = notices
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["subject_id"] == ballot && n["kind"] == "ballot_opening")
        .expect("the call to vote is listed");
    let path = format!("/api/v1/coops/demo/notices/{}", notice["id"].as_str().unwrap());
    json(app.api(secretary, Method::GET, &path, None).await, 200).await
}

fn count(notice: &Value, what: &str) -> i64 {
    notice["notice"][what].as_i64().unwrap()
}

#[actix_web::test]
async fn a_relay_down_loses_nothing_and_a_refused_address_is_marked_failed_the_others_sent_once() {
    let down = DownRelay::start();
    let app = app_with_relay(down.port()).await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    // The relay is down when the ballot opens: the opening stands, the calls to vote wait.
    let ballot = open_motion(&app, &secretary).await;
    app.settle();
    let roll = app.roll_logins(&ballot).await;
    assert_eq!(roll.len(), 6);
    let waiting = call_to_vote(&app, &secretary, &ballot).await;
    assert_eq!(
        (
            count(&waiting, "total"),
            count(&waiting, "sent"),
            count(&waiting, "queued")
        ),
        (6, 0, 6)
    );
    for line in waiting["deliveries"].as_array().unwrap() {
        assert_eq!(line["status"], "queued");
        assert_eq!(line["attempts"], 1);
        assert!(
            !line["last_answer"].as_str().unwrap().is_empty(),
            "the reason is kept: {line}"
        );
    }
    // The relay comes back, refusing one member's address for good; the retry falls due.
    let refused = "board@demo.coop";
    let maildir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("smtp-{}", app.database));
    let relay = SmtpServer::start(down.stop(), &maildir, &[refused]);
    app.exec("UPDATE outgoing_mail SET next_attempt_at = now() WHERE status = 'queued'")
        .await;
    app.settle();
    let received = relay.received();
    let reached: Vec<&str> = received.iter().map(|(to, _)| to.as_str()).collect();
    let expected: Vec<&str> = roll.iter().map(String::as_str).filter(|e| *e != refused).collect();
    assert_eq!(reached, expected, "each member reached once, the refused one not");
    assert!(received.iter().all(|(_, m)| m.contains("Buy the van")));
    let after = call_to_vote(&app, &secretary, &ballot).await;
    assert_eq!(
        (
            count(&after, "sent"),
            count(&after, "queued"),
            count(&after, "not_reached")
        ),
        (5, 0, 1)
    );
    let failed: Vec<&Value> = after["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] != "sent")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["recipient"], refused);
    assert_eq!(failed[0]["status"], "failed");
    assert!(
        failed[0]["last_answer"].as_str().unwrap().contains("550"),
        "{}",
        failed[0]
    );
    // Resending goes to the one not reached, never again to the others.
    let id = after["notice"]["id"].as_str().unwrap();
    let resend = format!("/api/v1/coops/demo/notices/{id}/resend");
    let requeued = json(app.api(&secretary, Method::POST, &resend, None).await, 200).await;
    assert_eq!(requeued, json!({"requeued": 1}));
    app.settle();
    assert_eq!(relay.received().len(), 5, "nobody got it twice");
    let csv_path = format!("/api/v1/coops/demo/notices/{id}/deliveries.csv");
    let csv = app
        .api(&secretary, Method::GET, &csv_path, None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 7, "a header and one line per member: {csv}");
    assert!(csv
        .lines()
        .any(|l| l.contains(refused) && l.contains(",failed,1,") && l.contains("550")));
    relay.stop();
    let _ = std::fs::remove_dir_all(&maildir);
}

#[actix_web::test]
async fn only_the_officer_of_the_notice_follows_it_and_another_coop_never() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let ballot = open_motion(&app, &secretary).await;
    app.settle();
    let notice = call_to_vote(&app, &secretary, &ballot).await;
    let id = notice["notice"]["id"].as_str().unwrap();
    assert_eq!(count(&notice, "sent"), 6);
    let path = format!("/api/v1/coops/demo/notices/{id}");
    // A member, and the treasurer (who follows notices of allocation only), may not.
    for login in ["member@demo.coop", "treasurer@demo.coop"] {
        let token = app.demo_token(login).await;
        assert_eq!(app.api(&token, Method::GET, &path, None).await.status(), 403, "{login}");
        let resend = format!("{path}/resend");
        assert_eq!(
            app.api(&token, Method::POST, &resend, None).await.status(),
            403,
            "{login}"
        );
    }
    let member = app.demo_token("member@demo.coop").await;
    let list = app.api(&member, Method::GET, "/api/v1/coops/demo/notices", None).await;
    assert_eq!(list.status(), 403);
    // The treasurer's list leaves out the secretary's notices.
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let theirs = json(
        app.api(&treasurer, Method::GET, "/api/v1/coops/demo/notices", None)
            .await,
        200,
    )
    .await;
    assert!(theirs.as_array().unwrap().iter().all(|n| n["kind"] == "allocation"));
    // A notice of this co-op is not found through another co-op's address.
    let operator = app.demo_token("operator@demo.coop").await;
    let other = json(
        app.api(
            &operator,
            Method::POST,
            "/api/v1/coops",
            Some(
                json!({"name": "Other Co-op", "slug": "other", "currency": "EUR", "locale": "en",
                        "time_zone": "Europe/Paris"}),
            ),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(other["slug"], "other");
    let elsewhere = format!("/api/v1/coops/other/notices/{id}");
    let status = app.api(&operator, Method::GET, &elsewhere, None).await.status();
    assert!(status == 403 || status == 404, "{status}");
}

#[actix_web::test]
async fn the_secretary_reads_the_delivery_on_a_page_and_resends_from_it() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let ballot = open_motion(&app, &secretary).await;
    app.settle();
    // One copy could not be delivered (an address the relay refused).
    app.exec(
        "UPDATE outgoing_mail SET status = 'failed', last_answer = '550 5.1.1 mailbox unavailable'
          WHERE recipient = 'member@demo.coop' AND notice_id IS NOT NULL",
    )
    .await;
    let notice = call_to_vote(&app, &secretary, &ballot).await;
    let id = notice["notice"]["id"].as_str().unwrap().to_string();
    let browser = app.signed_in("secretary@demo.coop").await;
    let page = app.page(&browser, &format!("/c/demo/notices/{id}")).await;
    assert!(page.contains("5 of 6 delivered, 1 not reached"), "{page}");
    assert!(page.contains("550 5.1.1 mailbox unavailable"));
    let list = app.page(&browser, "/c/demo/notices").await;
    assert!(list.contains(&format!("/c/demo/notices/{id}")));
    let answer = browser
        .post(app.at(&format!("/c/demo/notices/{id}/resend")))
        .form(&[("csrf", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/c/demo/notices/{id}?requeued=1"));
    let again = app.page(&browser, &location).await;
    assert!(again.contains("One copy queued again."), "{again}");
    app.settle();
    let reached = call_to_vote(&app, &secretary, &ballot).await;
    assert_eq!(count(&reached, "sent"), 6);
    let to_max = app
        .outbox()
        .into_iter()
        .filter(|m| m.contains("To: member@demo.coop") && m.contains("Buy the van"))
        .count();
    assert_eq!(
        to_max, 2,
        "the first copy went to the outbox folder, the resent one too"
    );
}

#[actix_web::test]
async fn a_reset_links_body_is_erased_from_the_outbox_once_delivered() {
    let app = TestApp::demo().await;
    let asked = app
        .client()
        .post(app.at("/api/v1/auth/password-reset"))
        .json(&json!({"email": "member@demo.coop"}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 202);
    let link = app.link_mailed_to("member@demo.coop");
    assert!(link.contains("token="));
    let kept = app
        .sql("SELECT status, body FROM outgoing_mail WHERE recipient = 'member@demo.coop' AND sensitive")
        .await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].get::<_, String>(0), "sent");
    assert_eq!(kept[0].get::<_, String>(1), "", "no link left in the database");
}

#[actix_web::test]
async fn posting_a_distribution_queues_each_members_notice_of_allocation_as_a_job() {
    // The test runs the jobs itself (`settle`), so none is half-run when it reads.
    let app = TestApp::spawn(Options {
        settings: Box::new(|s| s.job_workers = 0),
        ..Options::default()
    })
    .await;
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let id: String = app
        .sql("SELECT id::text FROM distributions WHERE status = 'draft'")
        .await[0]
        .get(0);
    app.board_approves_distribution(&id).await;
    let post = format!("/api/v1/coops/demo/distributions/{id}/post");
    let posted = json(
        app.api(&treasurer, Method::POST, &post, Some(json!({"notify": true})))
            .await,
        200,
    )
    .await;
    assert_eq!(posted["status"], "posted");
    // The notices are a job committed with the posting; the workers queue them (and
    // deliver them) within a second, as `settle` does here.
    app.settle();
    let notices = json(
        app.api(&treasurer, Method::GET, "/api/v1/coops/demo/notices", None)
            .await,
        200,
    )
    .await;
    let notices = notices.as_array().unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["kind"], "allocation");
    assert_eq!(notices[0]["subject_id"], id.as_str());
    // One notice per member with an allocation, each delivered.
    let allocated: i64 = app
        .sql(&format!(
            "SELECT count(DISTINCT member_id) FROM distribution_entries WHERE distribution_id = '{id}'"
        ))
        .await[0]
        .get(0);
    assert!(allocated > 0);
    assert_eq!(notices[0]["total"], allocated);
    assert_eq!(notices[0]["sent"], allocated);
    let to_max = app
        .outbox()
        .into_iter()
        .filter(|m| m.contains("To: member@demo.coop") && m.contains("Subject: ") && m.contains("/notice"))
        .count();
    assert_eq!(to_max, 1, "Max has his notice once");
    // Sending them again is another job, another notice followed on its own.
    let again = format!("/api/v1/coops/demo/distributions/{id}/notices");
    let job = json(app.api(&treasurer, Method::POST, &again, None).await, 202).await;
    assert!(job["job"].is_string());
    app.settle();
    let notices = json(
        app.api(&treasurer, Method::GET, "/api/v1/coops/demo/notices", None)
            .await,
        200,
    )
    .await;
    assert_eq!(notices.as_array().unwrap().len(), 2);
}
