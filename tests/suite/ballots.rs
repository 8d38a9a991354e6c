//! Ballots through the API: the whole life of a ballot, one member one vote under
//! concurrency, secrecy, receipts, proxies, meetings, refusals and exports.

use crate::common::{json, problem, TestApp};
use serde_json::{json, Value};

struct Ballots<'a> {
    app: &'a TestApp,
    secretary: String,
}

const BASE: &str = "/api/v1/coops/demo/ballots";

impl<'a> Ballots<'a> {
    async fn new(app: &'a TestApp) -> Ballots<'a> {
        Ballots {
            app,
            secretary: app.demo_token("secretary@demo.coop").await,
        }
    }

    async fn send(&self, method: reqwest::Method, token: &str, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.app.client().request(method, self.app.at(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, token, path, Some(body)).await
    }

    async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, token, path, None).await
    }

    /// Creates and opens a ballot; answers its id.
    async fn open(&self, body: Value) -> String {
        let created = json(self.post(&self.secretary, BASE, body).await, 201).await;
        let id = created["id"].as_str().unwrap().to_string();
        let opened = json(
            self.post(&self.secretary, &format!("{BASE}/{id}/open"), json!({}))
                .await,
            200,
        )
        .await;
        assert_eq!(opened["status"], "open");
        id
    }

    async fn vote(&self, token: &str, id: &str, body: Value) -> reqwest::Response {
        self.post(token, &format!("{BASE}/{id}/votes"), body).await
    }

    async fn close(&self, id: &str) -> Value {
        json(
            self.post(&self.secretary, &format!("{BASE}/{id}/close"), json!({}))
                .await,
            200,
        )
        .await
    }

    async fn member_id(&self, email: &str) -> String {
        self.app.member_id(email).await
    }

    async fn count(&self, sql: &str) -> i64 {
        self.app.sql(sql).await[0].get(0)
    }
}

fn agm() -> Value {
    json!({
        "title": "AGM 2026",
        "description": "The **annual** general meeting.",
        "closes_at": "2031-06-30T18:00:00Z",
        "questions": [
            {"title": "Approve the 2026 accounts", "kind": "motion",
             "threshold": {"kind": "two_thirds"}, "base": "cast_excluding_abstentions",
             "attachments": [{"label": "Accounts", "url": "https://example.org/accounts.pdf"}]},
            {"title": "Elect two board members", "kind": "election", "method": "scottish_stv", "seats": 2,
             "candidates": [{"name": "Ana"}, {"name": "Ben", "statement": "I keep the books."}, {"name": "Cy"}]}
        ]
    })
}

use crate::common::DEMO_VOTERS as VOTERS;

#[actix_web::test]
async fn a_secret_ballot_from_draft_to_result() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    let id = b.open(agm()).await;
    let view = json(b.get(&b.secretary, &format!("{BASE}/{id}")).await, 200).await;
    assert_eq!(
        view["roll_size"], 6,
        "every demo member in good standing is on the roll"
    );
    assert_eq!(
        view["seed"].as_str().unwrap().len(),
        64,
        "the seed is published at opening"
    );
    assert_eq!(
        app.outbox().iter().filter(|m| m.contains("AGM 2026")).count(),
        6,
        "the roll is told"
    );

    // 4 for, 2 against on the motion (exactly 2/3: carried); STV papers.
    let choices: [(&str, Value); 6] = [
        ("for", json!([0, 1])),
        ("for", json!([0, 2])),
        ("for", json!([1, 0])),
        ("for", json!([1])),
        ("against", json!([2, 1])),
        ("against", json!([])),
    ];
    let mut receipts = Vec::new();
    for (email, (motion, ranking)) in VOTERS.iter().zip(choices) {
        let token = app.demo_token(email).await;
        let receipt = json(
            b.vote(&token, &id, json!({"answers": [motion, {"choices": ranking}]}))
                .await,
            201,
        )
        .await;
        assert_eq!(receipt["changed"], false);
        receipts.push((token, receipt["code"].as_str().unwrap().to_string()));
    }
    let turnout = json(b.get(&b.secretary, &format!("{BASE}/{id}")).await, 200).await;
    assert_eq!(turnout["participants"], 6);
    assert!(turnout["result"].is_null(), "no result before the close");

    // A second vote needs the receipt; with it, the vote is replaced.
    let (token, code) = &receipts[5];
    problem(
        b.vote(token, &id, json!({"answers": ["for", {"choices": [1]}]})).await,
        422,
        "validation",
    )
    .await;
    let changed = json(
        b.vote(
            token,
            &id,
            json!({"answers": ["abstain", {"choices": [1]}], "receipt": code.to_lowercase()}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(changed["changed"], true);
    let new_code = changed["code"].as_str().unwrap().to_string();
    assert_ne!(&new_code, code);
    problem(
        b.vote(
            token,
            &id,
            json!({"answers": ["for", {"choices": [1]}], "receipt": code}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(
        b.count(&format!("SELECT count(*) FROM ballot_papers WHERE ballot_id = '{id}'"))
            .await,
        6
    );
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM ballot_participations WHERE ballot_id = '{id}'"
        ))
        .await,
        6
    );

    // Receipts and papers are published at the close, not before.
    problem(
        b.get(&b.secretary, &format!("{BASE}/{id}/receipts")).await,
        409,
        "conflict",
    )
    .await;
    let closed = b.close(&id).await;
    assert_eq!(closed["status"], "closed");
    let result = &closed["result"];
    assert_eq!(
        (result["roll"].as_u64(), result["participants"].as_u64()),
        (Some(6), Some(6))
    );
    let motion = &result["questions"][0];
    assert_eq!(motion["counts"], json!({"for": 4, "against": 1, "abstain": 1}));
    assert_eq!(motion["base_size"], 5);
    assert_eq!(motion["percent_for"], "80.00");
    assert_eq!(motion["carried"], true);
    let election = &result["questions"][1]["count"];
    assert!(election["rule"].as_str().unwrap().contains("Scottish"), "{election}");
    assert_eq!(election["valid_papers"], 6);
    assert_eq!(
        election["blank_papers"], 0,
        "the blank paper was replaced by a vote for Ben"
    );
    // First preferences Ana 2, Ben 3, Cy 1; Droop quota 6/3 + 1 = 3: Ben is elected at
    // once, then Cy is excluded and Ana takes the second seat.
    let mut elected: Vec<String> = serde_json::from_value(election["elected"].clone()).unwrap();
    elected.sort();
    assert_eq!(elected, vec!["Ana".to_string(), "Ben".to_string()]);

    // Voting after the close changes nothing.
    problem(
        b.vote(&receipts[0].0, &id, json!({"answers": ["for", {"choices": [0]}]}))
            .await,
        409,
        "conflict",
    )
    .await;

    let hashes: Vec<String> =
        serde_json::from_value(json(b.get(&b.secretary, &format!("{BASE}/{id}/receipts")).await, 200).await).unwrap();
    assert_eq!(hashes.len(), 6);
    let check = json(
        b.post(
            &receipts[5].0,
            &format!("{BASE}/{id}/receipts/check"),
            json!({"code": new_code}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(check["found"], true);
    assert!(hashes.contains(&check["hash"].as_str().unwrap().to_string()));
    assert!(
        check.get("answers").is_none(),
        "a check never shows the choice: {check}"
    );
    let old = json(
        b.post(
            &receipts[5].0,
            &format!("{BASE}/{id}/receipts/check"),
            json!({"code": code}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(old["found"], false, "a replaced paper is gone");

    // The BLT export counts to the same result offline.
    let blt = b
        .get(&b.secretary, &format!("{BASE}/{id}/papers.blt?question=2"))
        .await
        .text()
        .await
        .unwrap();
    assert!(blt.starts_with("3 2\n"), "{blt}");
    let file = app.data_dir.join("q2.blt");
    std::fs::create_dir_all(&app.data_dir).unwrap();
    std::fs::write(&file, &blt).unwrap();
    let tally = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["tally", file.to_str().unwrap(), "--method", "stv", "--json"])
        .output()
        .unwrap();
    let offline: Value = serde_json::from_slice(&tally.stdout).unwrap();
    let mut offline_elected: Vec<String> = serde_json::from_value(offline["elected"].clone()).unwrap();
    offline_elected.sort();
    assert_eq!(offline_elected, elected);

    let csv = b
        .get(&b.secretary, &format!("{BASE}/{id}/results.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("1,Approve the 2026 accounts,for,4,4,carried"), "{csv}");
    assert!(csv.contains("2,Elect two board members,Ben,3.00000,"), "{csv}");

    // The audit log says who took part, never what they chose; a closed ballot is final.
    let events = app
        .sql(&format!(
            "SELECT action, data::text FROM audit_events WHERE subject = 'ballot:{id}' ORDER BY id"
        ))
        .await;
    let participated = events
        .iter()
        .filter(|r| r.get::<_, String>(0) == "ballot.participated")
        .count();
    assert_eq!(participated, 6);
    for row in events
        .iter()
        .filter(|r| r.get::<_, String>(0).starts_with("ballot.participated"))
    {
        let data: Value = serde_json::from_str(&row.get::<_, String>(1)).unwrap();
        let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["channel", "member_id"], "{data}");
    }
    problem(
        b.post(&b.secretary, &format!("{BASE}/{id}/close"), json!({})).await,
        409,
        "conflict",
    )
    .await;
    problem(
        b.post(&b.secretary, &format!("{BASE}/{id}/cancel"), json!({"reason": "oops"}))
            .await,
        409,
        "conflict",
    )
    .await;
}

#[actix_web::test]
async fn secret_papers_carry_no_member_and_the_database_refuses_one_that_does() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    let id = b.open(agm()).await;
    let token = app.demo_token("member@demo.coop").await;
    json(
        b.vote(&token, &id, json!({"answers": ["for", {"choices": [0]}]})).await,
        201,
    )
    .await;
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM ballot_papers WHERE ballot_id = '{id}' AND member_id IS NULL"
        ))
        .await,
        1
    );
    let member = b.member_id("member@demo.coop").await;
    app.exec(&format!(
        "DO $$ BEGIN INSERT INTO ballot_papers (coop_id, ballot_id, id, answers, channel, receipt_hash, member_id)
         SELECT coop_id, id, gen_random_uuid(), '[]', 'online', repeat('a', 64), '{member}' FROM ballots WHERE id = '{id}';
         EXCEPTION WHEN check_violation THEN RAISE NOTICE 'refused'; END $$"
    ))
    .await;
    assert_eq!(
        b.count(&format!("SELECT count(*) FROM ballot_papers WHERE ballot_id = '{id}'"))
            .await,
        1,
        "the trigger refused the paper naming a member"
    );
}

#[actix_web::test]
async fn one_member_firing_many_votes_at_once_gets_exactly_one() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    let mut body = agm();
    body["settings"] = json!({"mode": "online", "secret": true, "allow_change": false,
        "quorum": {"kind": "none"}, "proxies": {"kind": "none"}});
    let id = b.open(body).await;
    let token = app.demo_token("member@demo.coop").await;
    let votes = (0..24).map(|i| {
        let answer = if i % 2 == 0 { "for" } else { "against" };
        b.vote(&token, &id, json!({"answers": [answer, {"choices": [i % 3]}]}))
    });
    let statuses: Vec<u16> = futures::future::join_all(votes)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 23, "{statuses:?}");
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM ballot_participations WHERE ballot_id = '{id}'"
        ))
        .await,
        1
    );
    assert_eq!(
        b.count(&format!("SELECT count(*) FROM ballot_papers WHERE ballot_id = '{id}'"))
            .await,
        1
    );
}

async fn allow_proxies(app: &TestApp, count: u32) {
    app.exec(&format!(
        "UPDATE coops SET ballot_parameters = jsonb_set(ballot_parameters, '{{proxies}}', '{{\"kind\": \"per_holder\", \"count\": {count}}}') WHERE slug = 'demo'"
    ))
    .await;
}

#[actix_web::test]
async fn proxies_are_limited_used_once_and_taken_back_by_voting_in_person() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    let mut body = agm();
    body["settings"] = json!({"mode": "online", "secret": true, "allow_change": true,
        "quorum": {"kind": "none"}, "proxies": {"kind": "per_holder", "count": 1}});
    // The co-op's parameters allow no proxies: the ballot cannot either.
    let refused = problem(b.post(&b.secretary, BASE, body.clone()).await, 422, "validation").await;
    assert_eq!(refused["errors"][0]["field"], "proxies");
    allow_proxies(&app, 1).await;
    let id = b.open(body).await;
    let (max, marie, board) = (
        app.demo_token("member@demo.coop").await,
        app.demo_token("marie@demo.coop").await,
        app.demo_token("board@demo.coop").await,
    );
    let marie_id = b.member_id("marie@demo.coop").await;
    let max_id = b.member_id("member@demo.coop").await;
    let proxy = format!("{BASE}/{id}/proxy");
    let give = |token: String, holder: String| {
        let proxy = proxy.clone();
        let b = &b;
        async move {
            b.send(reqwest::Method::PUT, &token, &proxy, Some(json!({"holder_id": holder})))
                .await
        }
    };
    assert_eq!(give(max.clone(), max_id.clone()).await.status(), 409, "not to oneself");
    assert_eq!(give(max.clone(), marie_id.clone()).await.status(), 204);
    let limit = give(board.clone(), marie_id.clone()).await;
    let limit = problem(limit, 409, "conflict").await;
    assert!(limit["detail"].as_str().unwrap().contains("already holds 1"), "{limit}");

    // Marie votes for herself and, separately, for Max.
    json(
        b.vote(&marie, &id, json!({"answers": ["for", {"choices": [0]}]})).await,
        201,
    )
    .await;
    let for_max = json(
        b.vote(
            &marie,
            &id,
            json!({"answers": ["against", {"choices": [1]}], "for_member": max_id}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(for_max["member_id"], max_id.as_str());
    // Max can no longer vote: his vote was cast by proxy.
    let late = problem(
        b.vote(&max, &id, json!({"answers": ["for", {"choices": [2]}]})).await,
        409,
        "conflict",
    )
    .await;
    assert!(late["detail"].as_str().unwrap().contains("proxy holder"), "{late}");
    // Board cannot vote for someone whose proxy it does not hold.
    problem(
        b.vote(
            &board,
            &id,
            json!({"answers": ["for", {"choices": [2]}], "for_member": max_id}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    let channels = app
        .sql(&format!(
            "SELECT channel FROM ballot_participations WHERE ballot_id = '{id}' ORDER BY channel"
        ))
        .await;
    let channels: Vec<String> = channels.iter().map(|r| r.get(0)).collect();
    assert_eq!(channels, vec!["online", "proxy"]);

    // Board gives a proxy to Admin, then votes in person: the proxy is taken back.
    let admin_id = b.member_id("admin@demo.coop").await;
    let admin = app.demo_token("admin@demo.coop").await;
    assert_eq!(give(board.clone(), admin_id.clone()).await.status(), 204);
    json(
        b.vote(&board, &id, json!({"answers": ["for", {"choices": [0]}]})).await,
        201,
    )
    .await;
    let board_id = b.member_id("board@demo.coop").await;
    problem(
        b.vote(
            &admin,
            &id,
            json!({"answers": ["for", {"choices": [0]}], "for_member": board_id}),
        )
        .await,
        422,
        "validation",
    )
    .await;
}

#[actix_web::test]
async fn holder_and_member_racing_leave_one_vote() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    allow_proxies(&app, 1).await;
    let mut body = agm();
    body["settings"] = json!({"mode": "online", "secret": true, "allow_change": false,
        "quorum": {"kind": "none"}, "proxies": {"kind": "per_holder", "count": 1}});
    let id = b.open(body).await;
    let (max, marie) = (
        app.demo_token("member@demo.coop").await,
        app.demo_token("marie@demo.coop").await,
    );
    let (max_id, marie_id) = (
        b.member_id("member@demo.coop").await,
        b.member_id("marie@demo.coop").await,
    );
    let given = b
        .send(
            reqwest::Method::PUT,
            &max,
            &format!("{BASE}/{id}/proxy"),
            Some(json!({"holder_id": marie_id})),
        )
        .await;
    assert_eq!(given.status(), 204);
    let mut racers = Vec::new();
    for i in 0..10 {
        racers.push(if i % 2 == 0 {
            b.vote(&max, &id, json!({"answers": ["for", {"choices": [0]}]}))
        } else {
            b.vote(
                &marie,
                &id,
                json!({"answers": ["against", {"choices": [1]}], "for_member": max_id}),
            )
        });
    }
    let statuses: Vec<u16> = futures::future::join_all(racers)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM ballot_participations WHERE ballot_id = '{id}' AND member_id = '{max_id}'"
        ))
        .await,
        1
    );
    assert_eq!(
        b.count(&format!("SELECT count(*) FROM ballot_papers WHERE ballot_id = '{id}'"))
            .await,
        1
    );
}

#[actix_web::test]
async fn bad_votes_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    let member = app.demo_token("member@demo.coop").await;
    let draft = json(b.post(&b.secretary, BASE, agm()).await, 201).await;
    let draft_id = draft["id"].as_str().unwrap();
    problem(b.get(&member, &format!("{BASE}/{draft_id}")).await, 404, "not-found").await;
    problem(
        b.vote(&member, draft_id, json!({"answers": ["for", {"choices": [0]}]}))
            .await,
        409,
        "conflict",
    )
    .await;
    let id = b.open(agm()).await;
    let cases = [
        (json!({"answers": ["for"]}), "answers"),
        (json!({"answers": ["maybe", {"choices": [0]}]}), "body"),
        (json!({"answers": ["for", {"choices": [7]}]}), "answers[1]"),
        (json!({"answers": ["for", {"choices": [0, 0]}]}), "answers[1]"),
        (json!({"answers": [{"choices": [0]}, {"choices": [0]}]}), "answers[0]"),
        (json!({"answers": ["for", "against"]}), "answers[1]"),
    ];
    for (body, field) in cases {
        let response = b.vote(&member, &id, body.clone()).await;
        let p = problem(response, 422, "validation").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    // A member who is not on the roll (removed from the frozen roll here) cannot vote.
    let max_id = b.member_id("member@demo.coop").await;
    app.exec(&format!(
        "DELETE FROM ballot_voters WHERE ballot_id = '{id}' AND member_id = '{max_id}'"
    ))
    .await;
    let off = problem(
        b.vote(&member, &id, json!({"answers": ["for", {"choices": [0]}]}))
            .await,
        409,
        "conflict",
    )
    .await;
    assert!(off["detail"].as_str().unwrap().contains("roll"), "{off}");
    assert_eq!(
        b.count(&format!("SELECT count(*) FROM ballot_papers WHERE ballot_id = '{id}'"))
            .await,
        0
    );
    assert_eq!(
        b.count(&format!(
            "SELECT count(*) FROM ballot_participations WHERE ballot_id = '{id}'"
        ))
        .await,
        0
    );

    // Members do not run ballots; another co-op's ballot does not exist.
    problem(b.post(&member, BASE, agm()).await, 403, "forbidden").await;
    problem(
        b.post(&member, &format!("{BASE}/{id}/close"), json!({})).await,
        403,
        "forbidden",
    )
    .await;
    app.exec("INSERT INTO coops (id, slug, name, currency, locale, time_zone) VALUES (gen_random_uuid(), 'other', 'Other', 'EUR', 'en', 'UTC')")
        .await;
    problem(
        b.vote(&member, &id, json!({"answers": ["for", {"choices": [0]}]}))
            .await,
        409,
        "conflict",
    )
    .await;
    let elsewhere = b.get(&member, &format!("/api/v1/coops/other/ballots/{id}")).await;
    assert_eq!(elsewhere.status(), 404);

    // Bad ballots: a candidate from nowhere, a cancel without a reason, a window that
    // ends before it starts.
    let mut stranger = agm();
    stranger["questions"][1]["candidates"][0]["member_id"] = json!(uuid::Uuid::new_v4());
    let p = problem(b.post(&b.secretary, BASE, stranger).await, 422, "validation").await;
    assert_eq!(p["errors"][0]["field"], "questions[1].candidates[0].member_id");
    problem(
        b.post(&b.secretary, &format!("{BASE}/{id}/cancel"), json!({"reason": " "}))
            .await,
        422,
        "validation",
    )
    .await;
    let mut backwards = agm();
    backwards["opens_at"] = json!("2031-07-01T00:00:00Z");
    let p = problem(b.post(&b.secretary, BASE, backwards).await, 422, "validation").await;
    assert_eq!(p["errors"][0]["field"], "closes_at");
    let cancelled = json(
        b.post(
            &b.secretary,
            &format!("{BASE}/{id}/cancel"),
            json!({"reason": "Wrong candidates"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "Wrong candidates");
}

#[actix_web::test]
async fn a_ballot_past_its_window_is_closed_when_next_read() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    let id = b.open(agm()).await;
    let member = app.demo_token("member@demo.coop").await;
    json(
        b.vote(&member, &id, json!({"answers": ["for", {"choices": [2]}]}))
            .await,
        201,
    )
    .await;
    app.exec(&format!(
        "UPDATE ballots SET closes_at = now() - interval '1 minute' WHERE id = '{id}'"
    ))
    .await;
    let late = problem(
        b.vote(&member, &id, json!({"answers": ["against", {"choices": [0]}]}))
            .await,
        409,
        "conflict",
    )
    .await;
    assert!(late["detail"].as_str().unwrap().contains("closed"), "{late}");
    let view = json(b.get(&member, &format!("{BASE}/{id}")).await, 200).await;
    assert_eq!(view["status"], "closed");
    assert_eq!(view["result"]["participants"], 1);
    assert_eq!(view["result"]["quorum_met"], true);
    assert_eq!(view["result"]["questions"][0]["counts"]["for"], 1);
}

#[actix_web::test]
async fn a_meeting_records_paper_votes_and_an_open_ballot_names_voters_after_the_close() {
    let app = TestApp::demo().await;
    let b = Ballots::new(&app).await;
    let body = json!({
        "title": "Extraordinary meeting", "closes_at": null,
        "settings": {"mode": "meeting", "secret": false, "allow_change": true,
                     "quorum": {"kind": "fraction", "numerator": 1, "denominator": 2}, "proxies": {"kind": "none"}},
        "questions": [{"title": "Move to the new workshop", "kind": "motion", "allow_abstain": false,
                       "threshold": {"kind": "absolute"}, "base": "roll"}]
    });
    let id = b.open(body).await;
    let max = app.demo_token("member@demo.coop").await;
    json(b.vote(&max, &id, json!({"answers": ["against"]})).await, 201).await;
    json(b.vote(&max, &id, json!({"answers": ["for"]})).await, 201).await; // open ballot: changed without a code
    problem(
        b.vote(&max, &id, json!({"answers": ["abstain"]})).await,
        422,
        "validation",
    )
    .await;
    let present = [
        b.member_id("marie@demo.coop").await,
        b.member_id("board@demo.coop").await,
    ];
    let papers = format!("{BASE}/{id}/meeting-papers");
    let mismatch = json!({"members": present, "papers": [{"count": 3, "answers": ["for"]}]});
    problem(b.post(&b.secretary, &papers, mismatch).await, 422, "validation").await;
    let already =
        json!({"members": [b.member_id("member@demo.coop").await], "papers": [{"count": 1, "answers": ["for"]}]});
    problem(b.post(&b.secretary, &papers, already).await, 422, "validation").await;
    let ok =
        json!({"members": present, "papers": [{"count": 1, "answers": ["for"]}, {"count": 1, "answers": ["against"]}]});
    json(b.post(&b.secretary, &papers, ok).await, 201).await;
    let roll = json(b.get(&b.secretary, &format!("{BASE}/{id}/roll")).await, 200).await;
    let took_part: Vec<&str> = roll
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["participated"].as_str())
        .collect();
    assert_eq!(took_part.len(), 3);
    assert_eq!(took_part.iter().filter(|c| **c == "meeting").count(), 2);
    // The chair closes it at its meeting, once the attendance is recorded: the quorum
    // is measured on the members present (issue 19).
    let close_path = format!("{BASE}/{id}/close");
    let close = || b.post(&b.secretary, &close_path, json!({}));
    let nowhere = problem(close().await, 409, "conflict").await;
    assert!(nowhere["detail"].as_str().unwrap().contains("agenda"), "{nowhere}");
    let meetings = "/api/v1/coops/demo/meetings";
    let meeting = json(
        b.post(
            &b.secretary,
            meetings,
            json!({"kind": "extraordinary", "title": "Extraordinary meeting",
                   "starts_at": chrono::Utc::now() - chrono::Duration::minutes(30)}),
        )
        .await,
        201,
    )
    .await;
    let meeting = format!("{meetings}/{}", meeting["id"].as_str().unwrap());
    let agenda = json!({"items": [{"title": "The new workshop", "ballot_id": id}]});
    let set = b
        .send(
            reqwest::Method::PUT,
            &b.secretary,
            &format!("{meeting}/agenda"),
            Some(agenda),
        )
        .await;
    assert_eq!(set.status(), 200);
    let unrecorded = problem(close().await, 409, "conflict").await;
    assert!(
        unrecorded["detail"].as_str().unwrap().contains("attendance"),
        "{unrecorded}"
    );
    for member in &present {
        json(
            b.post(
                &b.secretary,
                &format!("{meeting}/attendance"),
                json!({"member_id": member}),
            )
            .await,
            201,
        )
        .await;
    }
    let closed = b.close(&id).await;
    let result = &closed["result"];
    // 2 present and Max, who voted on his phone: 3 of 6 take part, the quorum of 1/2
    // is met; 2 for is not more than half of 6.
    assert_eq!(
        (
            result["participants"].as_u64(),
            result["present"].as_u64(),
            result["quorum_required"].as_u64()
        ),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(
        result["questions"][0]["counts"],
        json!({"for": 2, "against": 1, "abstain": 0})
    );
    assert_eq!(result["questions"][0]["base_size"], 6);
    assert_eq!(result["questions"][0]["carried"], false);
    // An open ballot names who chose what after the close (the meeting's papers are anonymous).
    let roll_call = json(b.get(&max, &format!("{BASE}/{id}/roll-call")).await, 200).await;
    assert_eq!(
        roll_call,
        json!([{"number": 5, "display_name": "Max Member", "answers": ["for"]}])
    );
}

/// Posts a page form with its CSRF token taken from `form_page`.
async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = client
        .get(app.at(form_page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::common::csrf_of(&html);
    let mut body: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    body.extend_from_slice(fields);
    client.post(app.at(action)).form(&body).send().await.unwrap()
}

#[actix_web::test]
async fn the_secretary_and_a_member_run_a_ballot_through_the_pages() {
    let app = TestApp::demo().await;
    let secretary = app.signed_in("secretary@demo.coop").await;
    let common = [
        ("title", "Spring vote"),
        ("mode", "online"),
        ("closes_at", "2031-03-01T18:00"),
        ("secret", "on"),
        ("allow_change", "on"),
        ("quorum_kind", "fraction"),
        ("quorum_value", "1/2"),
        ("proxy_kind", "none"),
        ("question_count", "2"),
        ("q0_title", "Buy the new oven"),
        ("q0_kind", "motion"),
        ("q0_threshold", "two_thirds"),
        ("q0_base", "cast_excluding_abstentions"),
        ("q0_abstain", "on"),
        ("q1_title", "Workshop lead"),
        ("q1_kind", "election"),
        ("q1_method", "irv"),
        ("q1_seats", "1"),
        ("q1_candidates", "Ana | Ten years at the bench\nBen"),
    ];
    // A mistake comes back next to its field, with everything typed kept.
    let mut bad: Vec<(&str, &str)> = common.to_vec();
    bad.retain(|(k, _)| *k != "q1_seats");
    bad.push(("q1_seats", "2"));
    bad.push(("action", "save"));
    let response = post_form(&app, &secretary, "/c/demo/ballots/new", "/c/demo/ballots", &bad).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"q1_seats-error\""), "{html}");
    assert!(html.contains("Ten years at the bench"));

    let mut good: Vec<(&str, &str)> = common.to_vec();
    good.push(("action", "save"));
    let response = post_form(&app, &secretary, "/c/demo/ballots/new", "/c/demo/ballots", &good).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id = location.rsplit('/').next().unwrap().to_string();
    let response = post_form(&app, &secretary, &location, &format!("{location}/open"), &[]).await;
    assert_eq!(response.status(), 303);
    let closes = app
        .sql(&format!("SELECT closes_at::text FROM ballots WHERE id = '{id}'"))
        .await;
    assert_eq!(
        closes[0].get::<_, String>(0),
        "2031-03-01 17:00:00+00",
        "18:00 in Paris is 17:00 UTC in March"
    );

    // The member sees it first on the home page, and votes one screen per question.
    let member = app.signed_in("member@demo.coop").await;
    let home = member
        .get(app.at("/c/demo"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("Spring vote") && home.contains(&format!("/c/demo/ballots/{id}/vote")),
        "{home}"
    );
    let vote = format!("/c/demo/ballots/{id}/vote");
    let response = post_form(&app, &member, &vote, &vote, &[("step", "0"), ("answer", "for")]).await;
    assert_eq!(response.status(), 200);
    let second = response.text().await.unwrap();
    assert!(
        second.contains("Workshop lead") && second.contains("name=\"a0\" value=\"for\""),
        "{second}"
    );
    let csrf = crate::common::csrf_of(&second);
    let duplicate = member
        .post(app.at(&vote))
        .form(&[
            ("csrf", csrf.as_str()),
            ("step", "1"),
            ("a0", "for"),
            ("rank_0", "1"),
            ("rank_1", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(duplicate.status(), 422);
    assert!(duplicate
        .text()
        .await
        .unwrap()
        .contains("Two candidates have the rank 1"));
    let done = member
        .post(app.at(&vote))
        .form(&[
            ("csrf", csrf.as_str()),
            ("step", "1"),
            ("a0", "for"),
            ("rank_0", "2"),
            ("rank_1", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let confirmation = done.text().await.unwrap();
    assert!(
        confirmation.contains("Your vote on “Spring vote” is recorded"),
        "{confirmation}"
    );
    let code_start = confirmation
        .find("id=\"receipt-code\" class=\"receipt-code\">")
        .unwrap()
        + 39;
    let code = &confirmation[code_start..code_start + 24];
    assert!(crate::common::receipt_like(code), "{code}");
    assert!(confirmation.contains("Buy the new oven: For") && confirmation.contains("Workshop lead: Ben &gt; Ana"));

    // Closing it now, with one member of six having voted, is not a close: the
    // secretary is offered the cancellation instead. At its closing time it closes.
    let ballot = format!("/c/demo/ballots/{id}");
    let early = post_form(&app, &secretary, &ballot, &format!("{ballot}/close"), &[]).await;
    assert_eq!(early.status(), 409);
    assert!(early.text().await.unwrap().contains("id=\"cancel-form\""));
    let token = app.demo_token("secretary@demo.coop").await;
    app.closing_time_passes(&token, &id).await;
    // Closed: the result page states the rule and the arithmetic, with charts.
    let result = member.get(app.at(&ballot)).send().await.unwrap().text().await.unwrap();
    assert!(
        result.contains("The quorum was not reached (1 took part, 3 were needed)"),
        "{result}"
    );
    assert!(
        result.contains("1 for, 0 against, 0 abstaining: 100.00 % of 1 votes cast excluding abstentions; the two-thirds threshold is met."),
        "{result}"
    );
    assert!(result.contains("<svg"), "charts are drawn on the server");
    let csv = member
        .get(app.at(&format!("{ballot}/results.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv
        .text()
        .await
        .unwrap()
        .contains("1,Buy the new oven,for,1,1,not carried"));
    let check = post_form(&app, &member, &ballot, &format!("{ballot}/check"), &[("code", code)]).await;
    assert!(check.text().await.unwrap().contains("Your paper is in the count"));
}

#[tokio::test]
async fn remind_writes_once_to_those_who_have_not_voted_a_day_before_the_close() {
    let app = TestApp::demo().await;
    // The demo's open motion closes within the day: 2 of its 6 voters have voted.
    app.exec("UPDATE ballots SET closes_at = now() + interval '3 hours' WHERE title = 'Buy a second delivery bike'")
        .await;
    // The command shares the server's data directory, outbox included: whichever of
    // them delivers a reminder, it is written there once.
    let data = app.data_dir.clone();
    let remind = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["remind", "--public-url", "https://coop.example"])
            .env("DATABASE_URL", app.database_url())
            .env("CONCORD_DATA_DIR", &data)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let first = remind();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        "2 instalment reminders and 4 ballot reminders sent\n"
    );
    let mails: Vec<String> = app
        .outbox()
        .into_iter()
        .filter(|m| m.contains("Buy a second delivery bike"))
        .collect();
    assert_eq!(mails.len(), 4);
    assert!(mails.iter().any(|m| m.contains("To: member@demo.coop")));
    assert!(mails.iter().all(|m| m.contains("https://coop.example/c/demo/ballots/")));
    let second = remind();
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "0 instalment reminders and 0 ballot reminders sent\n",
        "each member is reminded once per ballot"
    );
    let again = app.outbox();
    assert_eq!(
        again
            .iter()
            .filter(|m| m.contains("Buy a second delivery bike"))
            .count(),
        4
    );
}

#[actix_web::test]
async fn the_schedule_opens_and_closes_ballots_on_time_once() {
    // This test runs the scheduler's step itself, so the server's own task stays off.
    let app = TestApp::spawn(crate::common::Options {
        settings: Box::new(|s| s.schedule_ballots = false),
        ..Default::default()
    })
    .await;
    let b = Ballots::new(&app).await;
    let mut body = agm();
    body["opens_at"] = json!("2031-06-01T08:00:00Z");
    let draft = json(b.post(&b.secretary, BASE, body).await, 201).await;
    let id = draft["id"].as_str().unwrap().to_string();
    // Time passes: the opening is due, and so is the demo's open motion's close.
    app.exec(&format!(
        "UPDATE ballots SET opens_at = now() - interval '1 second' WHERE id = '{id}'"
    ))
    .await;
    app.exec("UPDATE ballots SET closes_at = now() - interval '1 second' WHERE title = 'Buy a second delivery bike'")
        .await;
    // The same step the server's background task runs every few seconds.
    let settings = concord::config::Settings::with_data_dir(&app.data_dir).unwrap();
    let pool = concord::db::pool(&app.database_url(), 2).unwrap();
    let mut conn = pool.get().await.unwrap();
    let changed = concord::ballots::service::run_schedule(&mut conn, &settings)
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let states = app
        .sql(&format!(
            "SELECT status, roll_size FROM ballots WHERE id = '{id}' OR title = 'Buy a second delivery bike' ORDER BY title"
        ))
        .await;
    let states: Vec<(String, Option<i32>)> = states.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        states,
        vec![("open".to_string(), Some(6)), ("closed".to_string(), Some(6))]
    );
    let closed_by_clock = app
        .sql("SELECT count(*) FROM audit_events WHERE action = 'ballot.closed' AND actor IS NULL AND data->>'by' = 'end_of_window'")
        .await;
    assert_eq!(closed_by_clock[0].get::<_, i64>(0), 1);
    assert!(app
        .outbox()
        .iter()
        .any(|m| m.contains("Result: Buy a second delivery bike")));
    // Nothing is left to do: a second run (another server, a restart) changes nothing.
    assert_eq!(
        concord::ballots::service::run_schedule(&mut conn, &settings)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn readers_of_a_ballot_past_its_close_each_need_one_connection() {
    // A pool of three connections and no scheduler: the readers close the ballot.
    // Were each reader to take a second connection for the close while holding its
    // first, three of them would hold the whole pool waiting for a fourth.
    let app = TestApp::spawn(crate::common::Options {
        settings: Box::new(|s| {
            s.pool_size = 3;
            s.job_workers = 0;
            s.schedule_ballots = false;
        }),
        ..Default::default()
    })
    .await;
    let id: String = app
        .sql("SELECT id::text FROM ballots WHERE title = 'Buy a second delivery bike'")
        .await[0]
        .get(0);
    app.exec("UPDATE ballots SET closes_at = now() - interval '1 second' WHERE title = 'Buy a second delivery bike'")
        .await;
    let member = app.demo_token("member@demo.coop").await;
    let path = format!("/api/v1/coops/demo/ballots/{id}");
    let reads = futures::future::join_all((0..6).map(|_| app.api(&member, reqwest::Method::GET, &path, None))).await;
    for read in reads {
        let ballot = json(read, 200).await;
        assert_eq!(ballot["status"], "closed");
    }
    let closes = app
        .sql(&format!(
            "SELECT count(*) FROM audit_events WHERE action = 'ballot.closed' AND subject = 'ballot:{id}'"
        ))
        .await;
    assert_eq!(closes[0].get::<_, i64>(0), 1, "closed once");
}
