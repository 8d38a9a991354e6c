//! Bylaws through the API and the pages: versions, amendments from draft to
//! adoption by ballot, the parameters the adopted version sets, comments, stale
//! drafts, refusals, and Markdown that stays inert.

use crate::common::{json, problem, TestApp};
use serde_json::{json, Value};

const BYLAWS: &str = "/api/v1/coops/demo/bylaws";
const BALLOTS: &str = "/api/v1/coops/demo/ballots";

/// The demo's members who vote in these tests (Max and Marie too, where needed).
use crate::common::DEMO_VOTERS as VOTERS;

struct Session<'a> {
    app: &'a TestApp,
    board: String,
}

impl<'a> Session<'a> {
    async fn new(app: &'a TestApp) -> Session<'a> {
        Session {
            app,
            board: app.demo_token("board@demo.coop").await,
        }
    }

    async fn send(&self, method: reqwest::Method, token: &str, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.app.client().request(method, self.app.at(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, token, path, None).await
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, token, path, Some(body)).await
    }

    async fn in_force(&self) -> Value {
        json(self.get(&self.board, BYLAWS).await, 200).await
    }

    /// The Markdown of the version in force with `old` replaced by `new`.
    async fn edited_text(&self, old: &str, new: &str) -> String {
        let current = self.in_force().await;
        let number = current["number"].as_i64().unwrap();
        let text = self
            .get(&self.board, &format!("{BYLAWS}/versions/{number}/markdown"))
            .await
            .text()
            .await
            .unwrap();
        assert!(text.contains(old), "{old} not in the bylaws");
        text.replace(old, new)
    }

    /// Drafts an amendment (as the board) and answers its id.
    async fn draft(&self, title: &str, text: String, parameters: Option<Value>) -> String {
        let mut body = json!({"title": title, "rationale": "Because we said so.", "text": text});
        if let Some(p) = parameters {
            body["parameters"] = p;
        }
        let view = json(self.post(&self.board, &format!("{BYLAWS}/amendments"), body).await, 201).await;
        view["amendment"]["id"].as_str().unwrap().to_string()
    }

    /// Puts an amendment to an online vote opening now; answers its ballot id.
    async fn submit(&self, id: &str) -> String {
        let view = json(
            self.post(
                &self.board,
                &format!("{BYLAWS}/amendments/{id}/submit"),
                json!({"closes_at": "2031-01-01T00:00:00Z"}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(view["amendment"]["status"], "voting");
        view["amendment"]["ballot_id"].as_str().unwrap().to_string()
    }

    /// Each voter casts one answer on a one-motion ballot.
    async fn vote(&self, ballot: &str, voters: &[&str], answer: &str) {
        for email in voters {
            let token = self.app.demo_token(email).await;
            json(
                self.post(
                    &token,
                    &format!("{BALLOTS}/{ballot}/votes"),
                    json!({"answers": [answer]}),
                )
                .await,
                201,
            )
            .await;
        }
    }

    /// The ballot's closing time passes: not every member votes in these tests, and
    /// an online ballot closes early only once all have.
    async fn close(&self, ballot: &str) -> Value {
        let secretary = self.app.demo_token("secretary@demo.coop").await;
        self.app.closing_time_passes(&secretary, ballot).await
    }

    async fn amendment(&self, id: &str) -> Value {
        json(self.get(&self.board, &format!("{BYLAWS}/amendments/{id}")).await, 200).await
    }
}

#[tokio::test]
async fn an_adopted_amendment_becomes_the_version_in_force_and_its_quorum_governs_the_next_ballot() {
    let app = TestApp::demo().await;
    let s = Session::new(&app).await;
    let member = app.demo_token("member@demo.coop").await;
    let before = s.in_force().await;
    assert_eq!(before["number"], 2);
    assert_eq!(
        before["schedule"]["decisions"]["ordinary"]["quorum"],
        json!({"kind": "none"})
    );

    // The board raises the quorum of ordinary decisions to five members.
    let mut schedule = before["schedule"].clone();
    schedule["decisions"]["ordinary"]["quorum"] = json!({"kind": "count", "count": 5});
    let text = s
        .edited_text(
            "A decision is taken, whatever the number of members who take part,",
            "A decision is valid only if at least **five** members take part, and is taken",
        )
        .await;
    let id = s.draft("A quorum of five", text, Some(schedule)).await;

    // A draft is the board's until it is shared.
    problem(
        s.get(&member, &format!("{BYLAWS}/amendments/{id}")).await,
        404,
        "not-found",
    )
    .await;
    let mails = app.outbox().len();
    json(
        s.post(&s.board, &format!("{BYLAWS}/amendments/{id}/share"), json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        app.outbox().len(),
        mails + 6,
        "every member is told the draft is open for comments"
    );
    let view = json(s.get(&member, &format!("{BYLAWS}/amendments/{id}")).await, 200).await;
    assert_eq!(view["changes"][0]["number"], "12");
    assert_eq!(view["changes"][0]["change"], "body_changed");
    assert_eq!(
        view["schedule_changes"],
        json!([{"field": "decisions.ordinary.quorum", "old": r#"{"kind":"none"}"#, "new": r#"{"count":5,"kind":"count"}"#}])
    );

    // Max comments on article 12; Marie answers him.
    let comment = json(
        s.post(
            &member,
            &format!("{BYLAWS}/amendments/{id}/comments"),
            json!({"article": "12", "body": "Five of six is a lot in August."}),
        )
        .await,
        201,
    )
    .await;
    let marie = app.demo_token("marie@demo.coop").await;
    json(
        s.post(
            &marie,
            &format!("{BYLAWS}/amendments/{id}/comments"),
            json!({"article": "12", "parent_id": comment["id"], "body": "We can vote online in August."}),
        )
        .await,
        201,
    )
    .await;
    let comments = json(s.get(&member, &format!("{BYLAWS}/amendments/{id}/comments")).await, 200).await;
    assert_eq!(comments.as_array().unwrap().len(), 2);
    assert_eq!(comments[1]["parent_id"], comment["id"]);

    // Put to the vote under the amendment rule of the version in force: two thirds
    // of the votes cast, quorum half the roll.
    let mails = app.outbox().len();
    let ballot = s.submit(&id).await;
    assert_eq!(app.outbox().len(), mails + 6, "every member is told of the vote");
    let opened = json(s.get(&member, &format!("{BALLOTS}/{ballot}")).await, 200).await;
    assert_eq!(opened["status"], "open");
    assert_eq!(opened["questions"][0]["threshold"], json!({"kind": "two_thirds"}));
    assert_eq!(
        opened["settings"]["quorum"],
        json!({"kind": "fraction", "numerator": 1, "denominator": 2})
    );
    s.vote(&ballot, &VOTERS[..4], "for").await;
    s.vote(&ballot, &VOTERS[4..5], "against").await;
    let mails = app.outbox().len();
    let closed = s.close(&ballot).await;
    assert_eq!(
        app.outbox().len(),
        mails + 12,
        "the result to the roll, the adoption to every member"
    );
    assert_eq!(closed["result"]["questions"][0]["carried"], true);

    // Adopted in the close: version 3 is in force, and the parameters follow it.
    let after = s.in_force().await;
    assert_eq!(after["number"], 3);
    assert_eq!(after["ballot_id"], ballot.as_str());
    assert!(after["bylaws"]["articles"][11]["body"]
        .as_str()
        .unwrap()
        .contains("**five** members"));
    assert_eq!(s.amendment(&id).await["amendment"]["status"], "adopted");
    let parameters = json(s.get(&member, "/api/v1/coops/demo/parameters").await, 200).await;
    assert_eq!(parameters["ballots"]["quorum"], json!({"kind": "count", "count": 5}));
    let events = app
        .sql("SELECT data->>'version' FROM audit_events WHERE action = 'bylaws.adopted' ORDER BY id")
        .await;
    assert_eq!(
        events.iter().map(|r| r.get::<_, String>(0)).collect::<Vec<_>>(),
        ["1", "2", "3"]
    );

    // The next ordinary motion starts from the new quorum: four members take part,
    // all for, and nothing is decided.
    let secretary = app.demo_token("secretary@demo.coop").await;
    let motion = json(
        s.post(
            &secretary,
            BALLOTS,
            json!({"title": "Paint the workshop", "closes_at": "2031-01-01T00:00:00Z",
                   "questions": [{"title": "Paint it green", "kind": "motion",
                                  "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(motion["settings"]["quorum"], json!({"kind": "count", "count": 5}));
    let motion = motion["id"].as_str().unwrap().to_string();
    json(
        s.post(&secretary, &format!("{BALLOTS}/{motion}/open"), json!({})).await,
        200,
    )
    .await;
    s.vote(&motion, &VOTERS[..4], "for").await;
    let result = s.close(&motion).await["result"].clone();
    assert_eq!(
        (result["quorum_met"].clone(), result["questions"][0]["carried"].clone()),
        (json!(false), json!(false))
    );

    // Version 3 now says in its schedule what the articles say, and the history
    // compares versions 2 and 3.
    let compared = json(s.get(&member, &format!("{BYLAWS}/compare?from=2&to=3")).await, 200).await;
    assert_eq!(compared["articles"][0]["number"], "12");
    assert_eq!(compared["schedule"][0]["field"], "decisions.ordinary.quorum");
}

#[tokio::test]
async fn a_rejected_amendment_changes_nothing() {
    let app = TestApp::demo().await;
    let s = Session::new(&app).await;
    let before = s.in_force().await;
    let text = s
        .edited_text(
            "bicycle deliveries and repairs",
            "bicycle deliveries, repairs and rentals",
        )
        .await;
    let id = s.draft("Rentals", text, None).await;
    let ballot = s.submit(&id).await;
    s.vote(&ballot, &VOTERS[..2], "for").await;
    s.vote(&ballot, &VOTERS[2..4], "against").await;
    assert_eq!(s.close(&ballot).await["result"]["questions"][0]["carried"], false);
    assert_eq!(s.amendment(&id).await["amendment"]["status"], "rejected");
    assert_eq!(s.in_force().await, before);
    let versions = json(s.get(&s.board, &format!("{BYLAWS}/versions")).await, 200).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn two_amendments_of_one_article_cannot_both_be_adopted_against_a_stale_base() {
    let app = TestApp::demo().await;
    let s = Session::new(&app).await;
    let first = s
        .draft(
            "Rentals",
            s.edited_text("deliveries and repairs", "deliveries, repairs and rentals")
                .await,
            None,
        )
        .await;
    let second = s
        .draft(
            "Cargo",
            s.edited_text("deliveries and repairs", "cargo deliveries and repairs")
                .await,
            None,
        )
        .await;
    let elsewhere = s
        .draft(
            "Office",
            s.edited_text("12 Wheel Street", "14 Wheel Street").await,
            None,
        )
        .await;
    let (ballot_one, ballot_two) = (s.submit(&first).await, s.submit(&second).await);
    s.vote(&ballot_one, &VOTERS[..4], "for").await;
    s.vote(&ballot_two, &VOTERS[..4], "for").await;
    s.close(&ballot_one).await;
    assert_eq!(s.in_force().await["number"], 3);

    // The second was voted on version 2; article 2 has changed since: carried, but
    // not adopted, and shown to the board as a conflict.
    s.close(&ballot_two).await;
    let second_view = s.amendment(&second).await;
    assert_eq!(second_view["amendment"]["status"], "conflict");
    assert_eq!(s.in_force().await["number"], 3);
    assert!(s.in_force().await["bylaws"]["articles"][1]["body"]
        .as_str()
        .unwrap()
        .contains("deliveries, repairs and rentals"));
    let conflicts = app
        .sql("SELECT data->'conflicts'->>0 FROM audit_events WHERE action = 'bylaws.amendment_conflict'")
        .await;
    assert!(conflicts[0].get::<_, String>(0).contains("article 2"));

    // A stale draft of another article is carried over; one of the same article is not.
    let rebased = json(
        s.post(&s.board, &format!("{BYLAWS}/amendments/{elsewhere}/rebase"), json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(rebased["amendment"]["base_version"], 3);
    assert_eq!(rebased["amendment"]["revision"], 2);
    let refused = s
        .post(&s.board, &format!("{BYLAWS}/amendments/{second}/rebase"), json!({}))
        .await;
    let p = problem(refused, 409, "conflict").await;
    assert!(p["detail"].as_str().unwrap().contains("article 2"), "{p}");
    // A stale draft cannot go to the vote.
    let demo_draft = json(s.get(&s.board, &format!("{BYLAWS}/amendments")).await, 200).await;
    let quorum_draft = demo_draft
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "A quorum of one quarter")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let stale = s
        .post(
            &s.board,
            &format!("{BYLAWS}/amendments/{quorum_draft}/submit"),
            json!({"closes_at": "2031-01-01T00:00:00Z"}),
        )
        .await;
    problem(stale, 409, "conflict").await;
}

#[tokio::test]
async fn an_amendment_of_the_amendment_rule_is_decided_under_the_old_rule() {
    let app = TestApp::demo().await;
    let s = Session::new(&app).await;
    let mut schedule = s.in_force().await["schedule"].clone();
    schedule["decisions"]["bylaw_amendment"]["threshold"] = json!({"kind": "simple"});
    let text = s.edited_text("a majority of **two thirds**", "a simple majority").await;
    let id = s.draft("Simple majority for amendments", text, Some(schedule)).await;
    let view = s.amendment(&id).await;
    assert_eq!(view["changes_procedure"], true);
    assert_eq!(view["procedure"]["threshold"], json!({"kind": "two_thirds"}));
    let ballot = s.submit(&id).await;
    // Three for, two against: a simple majority, not two thirds.
    s.vote(&ballot, &VOTERS[..3], "for").await;
    s.vote(&ballot, &VOTERS[3..5], "against").await;
    assert_eq!(s.close(&ballot).await["result"]["questions"][0]["carried"], false);
    assert_eq!(s.in_force().await["number"], 2);
}

#[tokio::test]
async fn bad_drafts_comments_and_imports_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let s = Session::new(&app).await;
    let member = app.demo_token("member@demo.coop").await;
    // Members comment; they do not draft.
    let by_member = s
        .post(
            &member,
            &format!("{BYLAWS}/amendments"),
            json!({"title": "x", "rationale": "y", "text": "# Article 1 — Only\n\nOne."}),
        )
        .await;
    problem(by_member, 403, "forbidden").await;
    // The first import is refused once bylaws exist.
    let again = s
        .post(
            &s.board,
            &format!("{BYLAWS}/import"),
            json!({"model": "en", "reference": "Again"}),
        )
        .await;
    problem(again, 409, "conflict").await;
    // A text with nothing changed, a bad heading, a bad schedule: field errors.
    let unchanged = s.edited_text("Wheel", "Wheel").await;
    let p = problem(
        s.post(
            &s.board,
            &format!("{BYLAWS}/amendments"),
            json!({"title": "Nothing", "rationale": "", "text": unchanged}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["rationale", "changes"]);
    let p = problem(
        s.post(
            &s.board,
            &format!("{BYLAWS}/amendments"),
            json!({"title": "Bad", "rationale": "r", "text": "Preamble\n# Article 1 — A\n\nB"}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "text");
    assert!(p["errors"][0]["message"].as_str().unwrap().starts_with("line 1"));
    let mut schedule = s.in_force().await["schedule"].clone();
    schedule["distribution"]["reserve_rate"] = json!("1.5");
    let p = problem(
        s.post(
            &s.board,
            &format!("{BYLAWS}/amendments"),
            json!({"title": "Bad rate", "rationale": "r", "text": s.edited_text("Wheel", "Wheel").await,
                   "parameters": schedule}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "parameters.distribution.reserve_rate");

    // Comments: on an unknown article, empty, by someone outside the co-op, or on
    // another co-op's bylaws are refused.
    let list = json(s.get(&member, &format!("{BYLAWS}/amendments")).await, 200).await;
    let open = list[0]["id"].as_str().unwrap().to_string();
    let comments = format!("{BYLAWS}/amendments/{open}/comments");
    let p = problem(
        s.post(&member, &comments, json!({"article": "99", "body": "?"})).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "article");
    problem(
        s.post(&member, &comments, json!({"body": "   "})).await,
        422,
        "validation",
    )
    .await;
    let operator = app.demo_token("operator@demo.coop").await;
    let outsider = s.post(&operator, &comments, json!({"body": "Hello"})).await;
    assert!(matches!(outsider.status().as_u16(), 403 | 404));
    json(
        s.post(
            &operator,
            "/api/v1/coops",
            json!({"slug": "other", "name": "Other Co-op", "currency": "EUR", "locale": "en", "time_zone": "UTC"}),
        )
        .await,
        201,
    )
    .await;
    let elsewhere = s
        .post(
            &member,
            &format!("/api/v1/coops/other/bylaws/amendments/{open}/comments"),
            json!({"body": "Hello"}),
        )
        .await;
    assert!(matches!(elsewhere.status().as_u16(), 403 | 404));
    let count = app.sql("SELECT count(*) FROM bylaw_comments").await;
    assert_eq!(count[0].get::<_, i64>(0), 1, "only the demo's comment");

    // A draft withdrawn before it was shared stays the board's.
    let withdrawn = s
        .draft("Second thoughts", s.edited_text("Wheel", "Wheels").await, None)
        .await;
    json(
        s.post(
            &s.board,
            &format!("{BYLAWS}/amendments/{withdrawn}/withdraw"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    problem(
        s.get(&member, &format!("{BYLAWS}/amendments/{withdrawn}")).await,
        404,
        "not-found",
    )
    .await;
    problem(
        s.post(&s.board, &format!("{BYLAWS}/amendments/{withdrawn}/submit"), json!({}))
            .await,
        409,
        "conflict",
    )
    .await;
}

#[tokio::test]
async fn comments_are_edited_by_their_author_and_hidden_by_the_secretary_with_a_reason() {
    let app = TestApp::demo().await;
    let s = Session::new(&app).await;
    let (member, marie, secretary) = (
        app.demo_token("member@demo.coop").await,
        app.demo_token("marie@demo.coop").await,
        app.demo_token("secretary@demo.coop").await,
    );
    let list = json(s.get(&member, &format!("{BYLAWS}/amendments")).await, 200).await;
    let open = list[0]["id"].as_str().unwrap().to_string();
    let comment = json(
        s.post(
            &member,
            &format!("{BYLAWS}/amendments/{open}/comments"),
            json!({"body": "First try"}),
        )
        .await,
        201,
    )
    .await;
    let path = format!("{BYLAWS}/comments/{}", comment["id"].as_str().unwrap());
    let edit = |token: String, body: &str| {
        let request = s
            .app
            .client()
            .put(s.app.at(&path))
            .bearer_auth(token)
            .json(&json!({"body": body}));
        async move { request.send().await.unwrap() }
    };
    assert_eq!(edit(member.clone(), "Second try").await.status(), 204);
    problem(edit(marie.clone(), "Not mine").await, 403, "forbidden").await;
    // Past the window, the author writes a new comment instead.
    app.exec("UPDATE bylaw_comments SET created_at = created_at - interval '16 minutes'")
        .await;
    problem(edit(member.clone(), "Third try").await, 409, "conflict").await;

    problem(
        s.post(&marie, &format!("{path}/hide"), json!({"reason": "No"})).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        s.post(&secretary, &format!("{path}/hide"), json!({"reason": " "}))
            .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(
        s.post(&secretary, &format!("{path}/hide"), json!({"reason": "Off topic"}))
            .await
            .status(),
        204
    );
    let comments = json(
        s.get(&marie, &format!("{BYLAWS}/amendments/{open}/comments")).await,
        200,
    )
    .await;
    let hidden = comments
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == comment["id"])
        .unwrap();
    assert_eq!(
        (hidden["body"].clone(), hidden["hidden_reason"].clone()),
        (json!(""), json!("Off topic"))
    );
    let audit = app
        .sql("SELECT action FROM audit_events WHERE action LIKE 'bylaws.comment_%' ORDER BY id")
        .await;
    let actions: Vec<String> = audit.iter().map(|r| r.get(0)).collect();
    assert_eq!(
        actions,
        ["bylaws.comment_added", "bylaws.comment_edited", "bylaws.comment_hidden"]
    );
}

#[tokio::test]
async fn markdown_with_scripts_renders_inert_on_the_pages() {
    let app = TestApp::demo().await;
    let s = Session::new(&app).await;
    let text = s
        .edited_text(
            "bicycle deliveries and repairs",
            "bicycle deliveries <script>alert('bylaws')</script> [x](javascript:alert(1))",
        )
        .await;
    let id = s.draft("Scripts", text, None).await;
    json(
        s.post(&s.board, &format!("{BYLAWS}/amendments/{id}/share"), json!({}))
            .await,
        200,
    )
    .await;
    let member = app.demo_token("member@demo.coop").await;
    json(
        s.post(
            &member,
            &format!("{BYLAWS}/amendments/{id}/comments"),
            json!({"body": "<img src=x onerror=alert('comment')> **bold**"}),
        )
        .await,
        201,
    )
    .await;
    let page = app
        .signed_in("member@demo.coop")
        .await
        .get(app.at(&format!("/c/demo/bylaws/amendments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;alert("),
        "the diff shows the script as text"
    );
    assert!(!html.contains("<script>alert("));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("href=\"javascript:"));
    assert!(html.contains("<strong>bold</strong>"));
}

#[tokio::test]
async fn the_pages_show_the_bylaws_history_and_compare_and_the_board_drafts_through_a_form() {
    let app = TestApp::demo().await;
    let member = app.signed_in("member@demo.coop").await;
    let get = |path: &str| {
        let request = member.get(app.at(path));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let in_force = get("/c/demo/bylaws").await;
    assert!(in_force.contains("Version 2") && in_force.contains("Article 12") && in_force.contains("Outline"));
    assert!(in_force.contains("bicycle deliveries and repairs in the city"));
    let history = get("/c/demo/bylaws/versions").await;
    assert!(history.contains("Founding general meeting, 14 March 2021"));
    let compare = get("/c/demo/bylaws/compare?from=1&to=2").await;
    assert!(compare.contains("<del>") && compare.contains("<ins>") && compare.contains("in the city"));
    let markdown = get("/c/demo/bylaws/versions/2/markdown").await;
    assert!(markdown.contains("# Article 1 — Name and form"));

    // The board drafts through the form: the text edited, one field of the schedule wrong.
    let board = app.signed_in("board@demo.coop").await;
    let form_page = board
        .get(app.at("/c/demo/bylaws/amendments/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::common::csrf_of(&form_page);
    let text = markdown.replace("12 Wheel Street", "14 Wheel Street");
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf),
        ("title".into(), "New address".into()),
        ("rationale".into(), "We moved.".into()),
        ("text".into(), text),
        ("notice_days".into(), "many".into()),
        ("capital_floor".into(), "0.00".into()),
        ("reserve_rate".into(), "0.15".into()),
        ("share_return_rate".into(), "0".into()),
        ("preset".into(), "custom".into()),
        ("secret_ballots".into(), "on".into()),
    ];
    for kind in [
        "ordinary",
        "bylaw_amendment",
        "admission",
        "expulsion",
        "distribution_approval",
        "dissolution",
    ] {
        form.push((format!("{kind}_quorum_kind"), "none".into()));
        form.push((format!("{kind}_threshold"), "simple".into()));
    }
    let refused = board
        .post(app.at("/c/demo/bylaws/amendments"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("id=\"notice_days-error\""));
    form.retain(|(k, _)| k != "notice_days");
    form.push(("notice_days".into(), "0".into()));
    let saved = board
        .post(app.at("/c/demo/bylaws/amendments"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303, "on to the amendment");
    let location = saved.headers()["location"].to_str().unwrap().to_string();
    let html = board.get(app.at(&location)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<del>**12</del><ins>**14</ins> Wheel Street"), "{html}");
}
