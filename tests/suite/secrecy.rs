//! Secret ballots cannot be unlinked by someone who reads everything: after a secret
//! election, every table and column of the database, the rows' system columns, the
//! exports and the server's log say nothing about which member cast which paper.

use std::ffi::OsStr;

use serde_json::{json, Value};

use crate::common::process::{self, Served};
use crate::common::{json, TestApp, DEMO_PASSWORD};

use crate::common::DEMO_VOTERS as VOTERS;

/// Six different rankings of three candidates: every paper can be told apart.
const RANKINGS: [[u8; 3]; 6] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/// `concord serve` on the test's database, keeping every log line it writes.
fn serve_logged(app: &TestApp) -> Served {
    let data = app.data_dir.join("logged");
    std::fs::create_dir_all(&data).unwrap();
    let database_url = app.database_url();
    process::serve_logged(
        &[],
        &[
            ("CONCORD_DATA_DIR", data.as_os_str()),
            ("DATABASE_URL", OsStr::new(&database_url)),
            ("RUST_LOG", OsStr::new("debug")),
        ],
    )
}

async fn send(
    server: &Served,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method, server.at(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn token_for(server: &Served, email: &str) -> String {
    let response = reqwest::Client::new()
        .post(server.at("/api/v1/auth/token"))
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    json(response, 200).await["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn nothing_links_a_secret_paper_to_its_voter() {
    let app = TestApp::demo().await;
    let server = serve_logged(&app);
    let secretary = token_for(&server, "secretary@demo.coop").await;
    let base = "/api/v1/coops/demo/ballots";
    let created = json(
        send(
            &server,
            &secretary,
            reqwest::Method::POST,
            base,
            Some(json!({
                "title": "Elect the stewards",
                "closes_at": "2031-06-30T18:00:00Z",
                "settings": {"mode": "online", "secret": true, "allow_change": false,
                             "quorum": {"kind": "none"}, "proxies": {"kind": "none"}},
                "questions": [
                    {"title": "Keep the four-day week", "kind": "motion",
                     "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"},
                    {"title": "Elect two stewards", "kind": "election", "method": "scottish_stv", "seats": 2,
                     "candidates": [{"name": "Ana"}, {"name": "Ben"}, {"name": "Cy"}]}
                ]
            })),
        )
        .await,
        201,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    json(
        send(
            &server,
            &secretary,
            reqwest::Method::POST,
            &format!("{base}/{id}/open"),
            Some(json!({})),
        )
        .await,
        200,
    )
    .await;
    let mut receipts = Vec::new();
    for (n, email) in VOTERS.iter().enumerate() {
        let token = token_for(&server, email).await;
        let motion = if n % 2 == 0 { "for" } else { "against" };
        let receipt = json(
            send(
                &server,
                &token,
                reqwest::Method::POST,
                &format!("{base}/{id}/votes"),
                Some(json!({"answers": [motion, {"choices": RANKINGS[n]}]})),
            )
            .await,
            201,
        )
        .await;
        receipts.push(receipt["code"].as_str().unwrap().to_string());
    }
    json(
        send(
            &server,
            &secretary,
            reqwest::Method::POST,
            &format!("{base}/{id}/close"),
            Some(json!({})),
        )
        .await,
        200,
    )
    .await;
    let blt = send(
        &server,
        &secretary,
        reqwest::Method::GET,
        &format!("{base}/{id}/papers.blt?question=2"),
        None,
    )
    .await
    .text()
    .await
    .unwrap();
    let log = server.stop_with_log();

    // The papers: random version-4 ids, no member, no time.
    let papers = app
        .sql(&format!(
            "SELECT id::text, answers::text, receipt_hash, member_id IS NULL FROM ballot_papers WHERE ballot_id = '{id}' ORDER BY id"
        ))
        .await;
    assert_eq!(papers.len(), 6);
    let paper_ids: Vec<String> = papers.iter().map(|r| r.get(0)).collect();
    for paper in &paper_ids {
        assert_eq!(
            uuid::Uuid::parse_str(paper).unwrap().get_version_num(),
            4,
            "{paper} is random"
        );
    }
    assert!(papers.iter().all(|r| r.get::<_, bool>(3)), "no paper names a member");
    let hashes: Vec<String> = papers.iter().map(|r| r.get(2)).collect();

    // Every column of every table: a paper id appears only as the paper's own key, a
    // receipt hash only on its paper, a receipt code nowhere.
    let columns = app
        .sql(
            "SELECT table_name::text, column_name::text, data_type::text, coalesce(column_default, '')::text
             FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        )
        .await;
    let ids_pattern = paper_ids.join("|");
    let hashes_pattern = hashes.join("|");
    let codes_pattern = receipts
        .iter()
        .map(|c| c.replace('-', "-?"))
        .collect::<Vec<_>>()
        .join("|");
    let mut found = Vec::new();
    for row in &columns {
        let (table, column): (String, String) = (row.get(0), row.get(1));
        for (what, pattern) in [
            ("paper id", &ids_pattern),
            ("receipt hash", &hashes_pattern),
            ("receipt code", &codes_pattern),
        ] {
            let hits: i64 = app
                .sql(&format!(
                    "SELECT count(*) FROM \"{table}\" WHERE \"{column}\"::text ~* '{pattern}'"
                ))
                .await[0]
                .get(0);
            if hits > 0 {
                found.push(format!("{what} in {table}.{column}"));
            }
        }
    }
    assert_eq!(
        found,
        [
            "paper id in ballot_papers.id",
            "receipt hash in ballot_papers.receipt_hash"
        ],
        "where the papers' keys appear"
    );
    // Neither papers nor participations have a time, a sequence or a link to the other.
    for table in ["ballot_papers", "ballot_participations"] {
        let shape: Vec<String> = columns
            .iter()
            .filter(|r| r.get::<_, String>(0) == table)
            .map(|r| {
                format!(
                    "{} {}{}",
                    r.get::<_, String>(1),
                    r.get::<_, String>(2),
                    r.get::<_, String>(3)
                )
            })
            .collect();
        assert!(
            shape
                .iter()
                .all(|c| !c.contains("time") && !c.contains("date") && !c.contains("nextval")),
            "{table}: {shape:?}"
        );
    }
    let participation_columns: Vec<String> = columns
        .iter()
        .filter(|r| r.get::<_, String>(0) == "ballot_participations")
        .map(|r| r.get(1))
        .collect();
    assert_eq!(
        participation_columns,
        [
            "coop_id",
            "ballot_id",
            "member_id",
            "channel",
            "proxy_holder",
            "receipt_hash"
        ]
    );

    // The rows themselves: the papers were written again when the ballot closed, in
    // the order of their ids, so neither the writing transaction (xmin) nor the
    // physical order (ctid) follows the votes.
    let physical: Vec<String> = app
        .sql(&format!(
            "SELECT id::text FROM ballot_papers WHERE ballot_id = '{id}' ORDER BY ctid"
        ))
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(physical, paper_ids, "rows lie in the order of their random ids");
    let shared: i64 = app
        .sql(&format!(
            "SELECT count(*) FROM ballot_papers p JOIN ballot_participations v
             ON v.xmin = p.xmin WHERE p.ballot_id = '{id}' AND v.ballot_id = '{id}'"
        ))
        .await[0]
        .get(0);
    assert_eq!(shared, 0, "no paper was written by its voter's transaction");
    let writers: i64 = app
        .sql(&format!(
            "SELECT count(DISTINCT xmin::text) FROM ballot_papers WHERE ballot_id = '{id}'"
        ))
        .await[0]
        .get(0);
    assert_eq!(writers, 1, "one transaction (the close) wrote every paper");

    // The audit log says who took part and never what they chose.
    let events = app
        .sql(&format!(
            "SELECT action, data::text FROM audit_events WHERE subject = 'ballot:{id}' ORDER BY seq"
        ))
        .await;
    let participated: Vec<String> = events
        .iter()
        .filter(|r| r.get::<_, String>(0) == "ballot.participated")
        .map(|r| r.get(1))
        .collect();
    assert_eq!(participated.len(), 6);
    for data in &participated {
        let data: Value = serde_json::from_str(data).unwrap();
        let mut keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["channel", "member_id"], "{data}");
    }

    // The ballot file holds every paper, in an order drawn afresh for each download
    // (never the order of the votes, which the audit log shows).
    let mut expected: Vec<String> = papers
        .iter()
        .map(|r| {
            let answers: Value = serde_json::from_str(r.get(1)).unwrap();
            let ranks: Vec<String> = answers[1]["choices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c.as_u64().unwrap() + 1).to_string())
                .collect();
            format!("1 {} 0", ranks.join(" "))
        })
        .collect();
    let mut lines: Vec<String> = blt.lines().skip(1).take(6).map(str::to_string).collect();
    expected.sort();
    lines.sort();
    assert_eq!(lines, expected, "{blt}");

    // The log of the whole election carries no choice, paper or receipt.
    assert!(
        log.contains(&format!("/ballots/{id}/votes")),
        "the log was captured: {log}"
    );
    for needle in ["choices", "against"]
        .into_iter()
        .map(str::to_string)
        .chain(paper_ids.iter().cloned())
        .chain(receipts.iter().cloned())
        .chain(hashes.iter().cloned())
    {
        assert!(!log.contains(&needle), "the log mentions {needle}: {log}");
    }
}

const BALLOTS: &str = "/api/v1/coops/demo/ballots";

/// Creates and opens a secret online ballot on one motion where a vote may be
/// changed; answers its id.
async fn open_changeable_motion(app: &TestApp, secretary: &str, title: &str) -> String {
    let created = json(
        app.api(
            secretary,
            reqwest::Method::POST,
            BALLOTS,
            Some(json!({
                "title": title,
                "closes_at": "2031-06-30T18:00:00Z",
                "settings": {"mode": "online", "secret": true, "allow_change": true,
                             "quorum": {"kind": "none"}, "proxies": {"kind": "none"}},
                "questions": [
                    {"title": "Keep the four-day week", "kind": "motion",
                     "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}
                ]
            })),
        )
        .await,
        201,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    step(app, secretary, &id, "open").await;
    id
}

/// Takes a step (opens) on a ballot as the secretary; answers the ballot.
async fn step(app: &TestApp, secretary: &str, id: &str, action: &str) -> Value {
    json(
        app.api(
            secretary,
            reqwest::Method::POST,
            &format!("{BALLOTS}/{id}/{action}"),
            Some(json!({})),
        )
        .await,
        200,
    )
    .await
}

/// Votes on the one motion, with a receipt to change an earlier vote.
async fn vote(app: &TestApp, token: &str, id: &str, answer: &str, receipt: Option<&str>) -> reqwest::Response {
    let mut body = json!({"answers": [answer]});
    if let Some(code) = receipt {
        body["receipt"] = json!(code);
    }
    app.api(
        token,
        reqwest::Method::POST,
        &format!("{BALLOTS}/{id}/votes"),
        Some(body),
    )
    .await
}

/// The answers on the paper whose published hash is this receipt code's.
async fn paper_of(app: &TestApp, id: &str, code: &str) -> Vec<String> {
    let canonical = code.replace('-', "");
    app.sql(&format!(
        "SELECT answers::text FROM ballot_papers WHERE ballot_id = '{id}'
         AND receipt_hash = encode(sha256(convert_to('{canonical}', 'UTF8')), 'hex')"
    ))
    .await
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// The ballot's closing time passes: these tests need a result with only some of
/// the roll having voted, and an online ballot closes early only once all have.
async fn close(app: &TestApp, secretary: &str, id: &str) -> Value {
    app.closing_time_passes(secretary, id).await
}

/// Issue 18, finding 4: Max "changed his vote" with Marie's receipt and her paper
/// was gone. A receipt now changes only the vote of the member it was given to.
#[tokio::test]
async fn another_voters_receipt_changes_nothing() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let id = open_changeable_motion(&app, &secretary, "The four-day week").await;
    let marie = app.demo_token("marie@demo.coop").await;
    let max = app.demo_token("member@demo.coop").await;
    let maries = json(vote(&app, &marie, &id, "for", None).await, 201).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let maxs = json(vote(&app, &max, &id, "against", None).await, 201).await["code"]
        .as_str()
        .unwrap()
        .to_string();

    let refused =
        crate::common::problem(vote(&app, &max, &id, "against", Some(&maries)).await, 422, "validation").await;
    assert_eq!(
        refused["errors"],
        json!([{"field": "receipt", "message": "This is not the receipt of your vote."}])
    );
    assert_eq!(
        paper_of(&app, &id, &maries).await,
        [r#"["for"]"#],
        "Marie's paper is still there"
    );
    assert_eq!(paper_of(&app, &id, &maxs).await, [r#"["against"]"#], "so is Max's");
    let papers: i64 = app
        .sql(&format!("SELECT count(*) FROM ballot_papers WHERE ballot_id = '{id}'"))
        .await[0]
        .get(0);
    assert_eq!(papers, 2);

    // Each still changes their own vote with their own receipt.
    let changed = json(vote(&app, &marie, &id, "abstain", Some(&maries)).await, 201).await;
    assert_eq!(changed["changed"], true);
    let changed = json(vote(&app, &max, &id, "for", Some(&maxs.to_lowercase())).await, 201).await;
    assert_eq!(changed["changed"], true);
    let closed = close(&app, &secretary, &id).await;
    assert_eq!(
        closed["result"]["questions"][0]["counts"],
        json!({"for": 1, "against": 0, "abstain": 1})
    );
}

/// Issue 18, finding 4: checking a receipt showed the choice to whoever held the
/// code, so a voter could prove their vote to a buyer. It now says only whether the
/// paper is counted (decision 0013).
#[tokio::test]
async fn checking_a_receipt_says_counted_not_what_it_says() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let id = open_changeable_motion(&app, &secretary, "The four-day week").await;
    let marie = app.demo_token("marie@demo.coop").await;
    let code = json(vote(&app, &marie, &id, "against", None).await, 201).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let hash: String = app
        .sql(&format!(
            "SELECT receipt_hash FROM ballot_papers WHERE ballot_id = '{id}'"
        ))
        .await[0]
        .get(0);
    let check = |code: String| {
        let (app, marie, id) = (&app, &marie, &id);
        async move {
            json(
                app.api(
                    marie,
                    reqwest::Method::POST,
                    &format!("{BALLOTS}/{id}/receipts/check"),
                    Some(json!({ "code": code })),
                )
                .await,
                200,
            )
            .await
        }
    };
    assert_eq!(check(code.clone()).await, json!({"found": true, "hash": hash}));
    close(&app, &secretary, &id).await;
    assert_eq!(check(code.clone()).await, json!({"found": true, "hash": hash}));
    let unknown = check("0000-0000-0000-0000-0000".into()).await;
    assert_eq!(unknown["found"], false);
    assert_eq!(unknown.as_object().unwrap().len(), 2, "{unknown}");

    // The page says the same, in words (Marie reads French), and never the choice.
    let client = app.signed_in("marie@demo.coop").await;
    let page = format!("/c/demo/ballots/{id}");
    let html = client.get(app.at(&page)).send().await.unwrap().text().await.unwrap();
    let answered = client
        .post(app.at(&format!("{page}/check")))
        .form(&[("csrf", crate::common::csrf_of(&html).as_str()), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    let html = answered.text().await.unwrap();
    assert!(
        html.contains(
            "Votre bulletin est dans le décompte, tel que déposé. La vérification ne montre pas ce qu&#x27;il dit"
        ),
        "{html}"
    );
    assert!(!html.contains("Keep the four-day week: "), "{html}");
}

/// The transaction ids (`xmin`, `xmax`) of every row version of a table, live or
/// dead, belonging to one ballot, read from the pages themselves with
/// `pageinspect` (a version's `t_data` starts with `coop_id` then `ballot_id`).
async fn row_versions(app: &TestApp, table: &str, ballot: &str) -> Vec<(i64, i64)> {
    app.sql(&format!(
        "SELECT t_xmin::text::bigint, t_xmax::text::bigint
         FROM generate_series(0, pg_relation_size('{table}') / current_setting('block_size')::bigint - 1) AS n,
              heap_page_items(get_raw_page('{table}', n::int))
         WHERE t_xmin IS NOT NULL AND substring(t_data FROM 17 FOR 16) = uuid_send('{ballot}')"
    ))
    .await
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// Issue 18, finding 5: the close rewrote the papers, but their old row versions
/// kept the transaction id of their voter's participation, and `pageinspect`
/// linked every voter to their choice. After the close no version of a paper, live
/// or dead, carries a transaction id found on a participation — not in the tuples'
/// headers, nor anywhere in the bytes of the papers' pages.
#[tokio::test]
async fn after_the_close_no_paper_version_shares_a_transaction_with_a_voter() {
    let app = TestApp::demo().await;
    app.exec("CREATE EXTENSION IF NOT EXISTS pageinspect").await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let id = open_changeable_motion(&app, &secretary, "The four-day week").await;
    let mut receipts = Vec::new();
    for (n, email) in VOTERS.iter().enumerate() {
        let token = app.demo_token(email).await;
        let answer = ["for", "against", "abstain"][n % 3];
        let code = json(vote(&app, &token, &id, answer, None).await, 201).await["code"]
            .as_str()
            .unwrap()
            .to_string();
        receipts.push((token, code));
    }
    // Two voters change their minds: each change deletes a paper and updates a
    // participation, leaving old versions on both sides.
    for (token, code) in &receipts[..2] {
        json(vote(&app, token, &id, "abstain", Some(code)).await, 201).await;
    }
    close(&app, &secretary, &id).await;

    let papers = row_versions(&app, "ballot_papers", &id).await;
    let participations = row_versions(&app, "ballot_participations", &id).await;
    let voters: std::collections::BTreeSet<i64> = participations
        .iter()
        .flat_map(|&(xmin, xmax)| [xmin, xmax])
        .filter(|&x| x != 0)
        .collect();
    let linked = papers
        .iter()
        .filter(|(xmin, xmax)| voters.contains(xmin) || voters.contains(xmax))
        .count();
    println!(
        "pageinspect after the close: {} paper versions, {} participation versions, {linked} linked",
        papers.len(),
        participations.len()
    );
    assert_eq!(linked, 0, "papers {papers:?}, participations {participations:?}");
    assert_eq!(papers.len(), 6, "only the six live papers remain: {papers:?}");

    // Nor do the bytes of the pages, where pruning leaves what it freed: every image
    // of one of the ballot's papers, live or stale, starts with the co-op's and the
    // ballot's ids, after a 24-byte header whose first 8 bytes are t_xmin and t_xmax.
    let pages: Vec<Vec<u8>> = app
        .sql(
            "SELECT get_raw_page('ballot_papers', n::int)
             FROM generate_series(0, pg_relation_size('ballot_papers') / current_setting('block_size')::bigint - 1) AS n",
        )
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    let coop: String = app.sql("SELECT id::text FROM coops WHERE slug = 'demo'").await[0].get(0);
    let key: Vec<u8> = [coop.as_str(), id.as_str()]
        .iter()
        .flat_map(|u| *uuid::Uuid::parse_str(u).unwrap().as_bytes())
        .collect();
    let images: Vec<(i64, i64)> = pages
        .iter()
        .flat_map(|page| {
            let key = &key;
            (24..page.len().saturating_sub(key.len())).filter_map(move |at| {
                let xid = |from: usize| i64::from(u32::from_le_bytes(page[from..from + 4].try_into().unwrap()));
                (page[at..at + key.len()] == key[..]).then(|| (xid(at - 24), xid(at - 20)))
            })
        })
        .collect();
    let stale_linked = images
        .iter()
        .filter(|(xmin, xmax)| voters.contains(xmin) || voters.contains(xmax))
        .count();
    println!(
        "page bytes after the close: {} images of the ballot's papers in {} pages, {stale_linked} linked",
        images.len(),
        pages.len()
    );
    assert_eq!(stale_linked, 0, "images {images:?}, voters {voters:?}");
    assert_eq!(images.len(), 6, "only the six live papers: {images:?}");
}
