//! The audit chain: every change leaves an event, the chain verifies, tampering is
//! found, and the table refuses edits.

use std::process::Command;

use crate::common::{json, problem, TestApp};
use serde_json::json;

fn verify(app: &TestApp) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", app.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test]
async fn changes_are_chained_and_verify() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let client = app.client();
    client
        .post(app.at("/api/v1/coops/demo/members"))
        .bearer_auth(&admin)
        .json(&json!({"email": "audited@demo.coop", "display_name": "Audited", "roles": []}))
        .send()
        .await
        .unwrap();
    let events = json(
        client
            .get(app.at("/api/v1/coops/demo/audit"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let newest = &events[0];
    assert_eq!(newest["action"], "member.invited");
    assert_eq!(newest["actor"], "admin@demo.coop");
    assert_eq!(newest["data"]["email"], "audited@demo.coop");
    let seqs: Vec<i64> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (1..=seqs.len() as i64).rev().collect();
    assert_eq!(seqs, expected, "one chain, no gaps, newest first");
    let output = verify(&app);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains(&format!("{} events, intact", seqs.len())), "{report}");
}

#[tokio::test]
async fn the_audit_table_refuses_update_delete_and_truncate() {
    let app = TestApp::demo().await;
    let (client, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    for statement in [
        "UPDATE audit_events SET action = 'nothing.happened'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        let error = client.batch_execute(statement).await.unwrap_err();
        assert!(
            error.to_string().contains("append-only") || format!("{error:?}").contains("append-only"),
            "{statement}: {error:?}"
        );
    }
}

#[tokio::test]
async fn tampering_is_found_at_the_first_broken_link() {
    let app = TestApp::demo().await;
    assert!(verify(&app).status.success());
    // A superuser can bypass the trigger; the chain still tells.
    app.exec(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; \
         UPDATE audit_events SET data = '{\"email\": \"forged@demo.coop\"}' \
           WHERE seq = 3 AND coop_id IS NOT NULL; \
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only",
    )
    .await;
    let output = verify(&app);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken at event 3: its content does not match its hash"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_deleted_event_is_found() {
    let app = TestApp::demo().await;
    app.exec(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; \
         DELETE FROM audit_events WHERE seq = 2 AND coop_id IS NULL; \
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only",
    )
    .await;
    let output = verify(&app);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("platform: broken at event 3: expected sequence number 2"),
        "{stderr}"
    );
}

#[tokio::test]
async fn admins_download_the_log_as_csv_and_others_cannot() {
    let app = TestApp::demo().await;
    let client = app.client();
    let admin = app.demo_token("admin@demo.coop").await;
    let response = client
        .get(app.at("/api/v1/coops/demo/audit.csv"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["seq", "at", "actor", "action", "subject", "data", "hash"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][0], "1");
    assert_eq!(&rows[0][3], "coop.created");
    let count: i64 = app
        .sql("SELECT count(*) FROM audit_events WHERE coop_id IS NOT NULL")
        .await[0]
        .get(0);
    assert_eq!(rows.len() as i64, count);
    let member = app.demo_token("member@demo.coop").await;
    let refused = client
        .get(app.at("/api/v1/coops/demo/audit.csv"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    problem(refused, 403, "forbidden").await;
}

#[tokio::test]
async fn a_failed_change_leaves_no_event() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let before: i64 = app.sql("SELECT count(*) FROM audit_events").await[0].get(0);
    let members = json(
        app.client()
            .get(app.at("/api/v1/coops/demo/members"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let admin_id = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "admin@demo.coop")
        .unwrap()["id"]
        .clone();
    let response = app
        .client()
        .put(app.at(&format!(
            "/api/v1/coops/demo/members/{}/roles",
            admin_id.as_str().unwrap()
        )))
        .bearer_auth(&admin)
        .json(&json!({"roles": []}))
        .send()
        .await
        .unwrap();
    problem(response, 409, "conflict").await;
    let after: i64 = app.sql("SELECT count(*) FROM audit_events").await[0].get(0);
    assert_eq!(before, after);
}

#[tokio::test]
async fn chaining_gives_an_event_its_place_once_and_changes_nothing_it_says() {
    let app = TestApp::demo().await;
    let (client, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(
            "INSERT INTO audit_events (coop_id, at, action, subject, data) \
             VALUES (NULL, now(), 'test.pending', 'thing:1', '{}')",
        )
        .await
        .unwrap();
    let place = "seq = 1000000, prev_hash = '\\x00', hash = '\\x01'";
    let rewrite = format!("UPDATE audit_events SET {place}, action = 'test.rewritten' WHERE action = 'test.pending'");
    let error = client.batch_execute(&rewrite).await.unwrap_err();
    assert!(format!("{error:?}").contains("append-only"), "{error:?}");
    let half = "UPDATE audit_events SET seq = 1000000 WHERE action = 'test.pending'";
    let error = client.batch_execute(half).await.unwrap_err();
    assert!(format!("{error:?}").contains("audit_events_chained_whole"), "{error:?}");
    client
        .batch_execute(&format!(
            "UPDATE audit_events SET {place} WHERE action = 'test.pending'"
        ))
        .await
        .unwrap();
    let again = "UPDATE audit_events SET seq = 1000001 WHERE action = 'test.pending'";
    let error = client.batch_execute(again).await.unwrap_err();
    assert!(format!("{error:?}").contains("append-only"), "{error:?}");
}

#[tokio::test]
async fn concurrent_changes_and_readers_leave_one_whole_chain() {
    let app = TestApp::demo().await;
    let admin = app.demo_token("admin@demo.coop").await;
    let before: i64 = app
        .sql("SELECT count(*) FROM audit_events WHERE coop_id IS NOT NULL")
        .await[0]
        .get(0);
    // Invitations written at once, while other requests read the log (and so chain
    // what has committed so far) in the middle of them.
    let invites = (0..24).map(|n| {
        app.client()
            .post(app.at("/api/v1/coops/demo/members"))
            .bearer_auth(&admin)
            .json(&json!({"email": format!("crowd{n}@demo.coop"), "display_name": format!("Crowd {n}"), "roles": []}))
            .send()
    });
    let reads = (0..8).map(|_| {
        app.client()
            .get(app.at("/api/v1/coops/demo/audit?limit=5"))
            .bearer_auth(&admin)
            .send()
    });
    let (invited, read) = tokio::join!(futures::future::join_all(invites), futures::future::join_all(reads));
    assert!(invited.into_iter().all(|r| r.unwrap().status() == 201));
    assert!(read.into_iter().all(|r| r.unwrap().status() == 200));

    let events = json(
        app.client()
            .get(app.at("/api/v1/coops/demo/audit?limit=500"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let events = events.as_array().unwrap();
    assert_eq!(events.len() as i64, before + 24);
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=before + 24).rev().collect::<Vec<_>>());
    let mut invited: Vec<&str> = events
        .iter()
        .filter(|e| e["action"] == "member.invited")
        .filter_map(|e| e["data"]["email"].as_str())
        .filter(|email| email.starts_with("crowd"))
        .collect();
    invited.sort_unstable();
    invited.dedup();
    assert_eq!(invited.len(), 24, "each invitation once");
    assert!(verify(&app).status.success());
}
