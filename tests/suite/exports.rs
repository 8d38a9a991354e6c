//! Exports of large co-ops are written in the background (issue 20): the request
//! answers at once with the job, a job worker writes the file, and only whoever asked
//! downloads it, for a day, while they may still see what it holds.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{json, Options, TestApp};

/// The demo co-op, where any export of more than `inline_rows` rows is a job, which
/// waits until the test runs it (no job workers).
async fn app_exporting_inline(inline_rows: usize) -> TestApp {
    TestApp::spawn(Options {
        settings: Box::new(move |s| {
            s.export_inline_rows = inline_rows;
            s.job_workers = 0;
        }),
        ..Options::default()
    })
    .await
}

async fn body(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_large_register_is_written_in_the_background_and_only_its_requester_downloads_it() {
    let app = app_exporting_inline(3).await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let today = app.today("demo").await;
    let path = format!("/api/v1/coops/demo/register.csv?as_of={today}");
    let asked = app.api(&secretary, Method::GET, &path, None).await;
    assert_eq!(asked.status(), 202);
    let location = asked.headers()["location"].to_str().unwrap().to_string();
    let queued = json(asked, 202).await;
    let job = queued["job"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/coops/demo/exports/{job}"));
    assert_eq!(queued["status_url"], location.as_str());
    // Asking again while it waits queues nothing more.
    let again = json(app.api(&secretary, Method::GET, &path, None).await, 202).await;
    assert_eq!(again["job"], job.as_str());
    assert_eq!(
        app.sql("SELECT 1 FROM jobs WHERE kind = 'export_register'").await.len(),
        1
    );
    let waiting = json(app.api(&secretary, Method::GET, &location, None).await, 200).await;
    assert_eq!(
        (&waiting["status"], &waiting["file_url"]),
        (&json!("queued"), &Value::Null)
    );

    assert_eq!(app.run_jobs(), 1);
    let done = json(app.api(&secretary, Method::GET, &location, None).await, 200).await;
    assert_eq!(done["status"], "done");
    let people: i64 = app
        .sql("SELECT count(*) FROM members m JOIN coops c ON c.id = m.coop_id WHERE c.slug = 'demo'")
        .await[0]
        .get(0);
    assert_eq!(done["progress_total"], people);
    assert_eq!(done["result"]["rows"], people);
    assert_eq!(done["result"]["filename"], format!("demo-register-{today}.csv"));
    let file_url = done["file_url"].as_str().unwrap().to_string();
    assert_eq!(file_url, format!("{location}/file"));
    let file = body(app.api(&secretary, Method::GET, &file_url, None).await).await;

    // The same file as a small co-op gets within the request.
    let inline = TestApp::demo().await;
    let token = inline.demo_token("secretary@demo.coop").await;
    let expected = body(inline.api(&token, Method::GET, &path, None).await).await;
    assert_eq!(file, expected);
    assert_eq!(
        file.lines().count() as i64,
        people + 1,
        "a header and one line per person"
    );

    // The board may export the register too, but this export is the secretary's.
    let board = app.demo_token("board@demo.coop").await;
    for url in [&location, &file_url] {
        assert_eq!(app.api(&board, Method::GET, url, None).await.status(), 404);
    }
    // An export is not a register import, nor the reverse.
    let import_url = format!("/api/v1/coops/demo/register/imports/{job}");
    assert_eq!(app.api(&secretary, Method::GET, &import_url, None).await.status(), 404);

    // Once the secretary no longer holds the office, not even their own export.
    let admin = app.demo_token("admin@demo.coop").await;
    let secretary_id = app.member_id("secretary@demo.coop").await;
    let roles = format!("/api/v1/coops/demo/members/{secretary_id}/roles");
    let changed = app
        .api(&admin, Method::PUT, &roles, Some(json!({"roles": ["member"]})))
        .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(app.api(&secretary, Method::GET, &file_url, None).await.status(), 404);
}

#[tokio::test]
async fn the_register_page_follows_the_export_then_offers_the_file_for_a_day() {
    let app = app_exporting_inline(3).await;
    let secretary = app.signed_in("secretary@demo.coop").await;
    let asked = secretary
        .get(app.at("/c/demo/register.csv?status=member"))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 303);
    let page_path = asked.headers()["location"].to_str().unwrap().to_string();
    assert!(page_path.starts_with("/c/demo/exports/"), "{page_path}");
    let waiting = app.page(&secretary, &page_path).await;
    assert!(waiting.contains("Waiting to start."), "{waiting}");
    assert!(waiting.contains(r#"<meta http-equiv="refresh" content="2">"#));

    assert_eq!(app.run_jobs(), 1);
    let members: i64 = app
        .sql("SELECT count(*) FROM members m JOIN coops c ON c.id = m.coop_id WHERE c.slug = 'demo' AND m.status = 'member'")
        .await[0]
        .get(0);
    let done = app.page(&secretary, &page_path).await;
    assert!(
        !done.contains("http-equiv=\"refresh\""),
        "a finished export stops reloading"
    );
    assert!(done.contains(&format!("The file is ready: {members} lines.")), "{done}");
    let file_path = format!("{page_path}/file");
    assert!(done.contains(&format!(r#"<a href="{file_path}" download>"#)), "{done}");
    let file = body(secretary.get(app.at(&file_path)).send().await.unwrap()).await;
    assert_eq!(file.lines().count() as i64, members + 1);
    assert!(
        file.lines().skip(1).all(|l| l.contains(",member,")),
        "only members: {file}"
    );

    // A day later the file is gone, and the page says so.
    app.exec("UPDATE export_files SET expires_at = now() - interval '1 second'")
        .await;
    let expired = app.page(&secretary, &page_path).await;
    assert!(
        expired.contains("This file was erased a day after it was made."),
        "{expired}"
    );
    let gone = secretary.get(app.at(&file_path)).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    let pool = concord::db::pool(&app.database_url(), 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    assert_eq!(concord::export::background::erase_expired(&mut conn).await.unwrap(), 1);
    assert!(
        app.sql("SELECT 1 FROM export_files").await.is_empty(),
        "the names and addresses are erased"
    );
}

#[tokio::test]
async fn a_long_audit_log_is_written_in_the_background_whole() {
    let app = app_exporting_inline(5).await;
    let admin = app.demo_token("admin@demo.coop").await;
    let asked = json(
        app.api(&admin, Method::GET, "/api/v1/coops/demo/audit.csv", None).await,
        202,
    )
    .await;
    assert_eq!(app.run_jobs(), 1);
    let done = json(
        app.api(&admin, Method::GET, asked["status_url"].as_str().unwrap(), None)
            .await,
        200,
    )
    .await;
    assert_eq!(done["result"]["filename"], "demo-audit.csv");
    let file = body(
        app.api(&admin, Method::GET, done["file_url"].as_str().unwrap(), None)
            .await,
    )
    .await;
    let events: i64 = app
        .sql("SELECT count(*) FROM audit_events e JOIN coops c ON c.id = e.coop_id WHERE c.slug = 'demo' AND e.seq IS NOT NULL")
        .await[0]
        .get(0);
    assert!(events > 5);
    assert_eq!(file.lines().next(), Some("seq,at,actor,action,subject,data,hash"));
    let seqs: Vec<i64> = file
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(seqs, (1..=events).collect::<Vec<_>>(), "every event, oldest first");
}
