//! Issue 19, finding 1: every kind of decision under the rule the bylaws in force give
//! it. A ballot is made for a kind of decision; it cannot be given a weaker rule than
//! the bylaws' for that kind, the rule is fixed (with the bylaws' version) when it
//! opens, and only a ballot of the right kind has the decision's consequence.

use crate::common::{json, problem, TestApp};
use serde_json::{json, Value};

const BALLOTS: &str = "/api/v1/coops/demo/ballots";

fn motion(threshold: &str) -> Value {
    json!({"title": "Decide", "kind": "motion", "threshold": {"kind": threshold}, "base": "cast_excluding_abstentions"})
}

fn ballot(kind: &str, settings: Value, question: Value) -> Value {
    json!({"title": format!("A {kind} ballot"), "closes_at": "2031-06-30T18:00:00Z", "decision_kind": kind,
           "settings": settings, "questions": [question]})
}

fn settings(quorum: Value) -> Value {
    json!({"mode": "online", "secret": true, "allow_change": false, "quorum": quorum, "proxies": {"kind": "none"}})
}

fn half() -> Value {
    json!({"kind": "fraction", "numerator": 1, "denominator": 2})
}

#[tokio::test]
async fn a_ballot_takes_its_kind_of_decision_under_the_bylaws_rule_for_it() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let create = |body: Value| app.api(&secretary, reqwest::Method::POST, BALLOTS, Some(body));
    let refused_field = |body: Value| async {
        let answer = problem(create(body).await, 422, "validation").await;
        answer["errors"][0]["field"].as_str().unwrap().to_string()
    };

    // The demo's bylaws (version 2) ask for dissolution: half the members taking part
    // and two-thirds of the votes cast. A simple majority, or no quorum, is refused.
    let weaker_majority = ballot("dissolution", settings(half()), motion("simple"));
    assert_eq!(refused_field(weaker_majority).await, "questions[0].threshold");
    let no_quorum = ballot("dissolution", settings(json!({"kind": "none"})), motion("two_thirds"));
    assert_eq!(refused_field(no_quorum).await, "quorum");
    // The same ballot as an ordinary decision needs neither.
    let ordinary = ballot("ordinary", settings(json!({"kind": "none"})), motion("simple"));
    json(create(ordinary).await, 201).await;
    // A named decision is taken by a motion, first.
    let election = json!({"title": "Board", "kind": "election", "method": "plurality", "seats": 1,
                          "candidates": [{"name": "Ada"}, {"name": "Bo"}]});
    assert_eq!(
        refused_field(ballot("expulsion", settings(half()), election)).await,
        "questions[0]"
    );
    // An amendment goes to the vote from the bylaws, never as a free-standing ballot.
    let amendment = ballot("bylaw_amendment", settings(half()), motion("two_thirds"));
    assert_eq!(refused_field(amendment).await, "decision_kind");
    let unknown = problem(
        create(ballot("coronation", settings(half()), motion("two_thirds"))).await,
        422,
        "validation",
    )
    .await;
    let message = unknown["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("coronation") && message.contains("distribution_approval"),
        "{unknown}"
    );

    // The rule is fixed, with the bylaws' version, when the ballot opens.
    let dissolution = json(
        create(ballot("dissolution", settings(half()), motion("two_thirds"))).await,
        201,
    )
    .await;
    assert_eq!(dissolution["decision_kind"], "dissolution");
    assert_eq!(dissolution["legal_basis"], Value::Null, "not before it opens");
    let id = dissolution["id"].as_str().unwrap();
    json(
        app.api(&secretary, reqwest::Method::POST, &format!("{BALLOTS}/{id}/open"), None)
            .await,
        200,
    )
    .await;
    let opened = json(
        app.api(&secretary, reqwest::Method::GET, &format!("{BALLOTS}/{id}"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(
        opened["legal_basis"],
        json!({"kind": "dissolution", "bylaws_version": 2, "article": "12",
               "rule": {"quorum": {"kind": "fraction", "numerator": 1, "denominator": 2},
                        "threshold": {"kind": "two_thirds"}, "base": "cast_excluding_abstentions",
                        "proxies": opened["legal_basis"]["rule"]["proxies"], "secret": true}})
    );
    let audited = app
        .sql(&format!(
            "SELECT data->'legal_basis'->>'kind' FROM audit_events WHERE action = 'ballot.opened' AND subject = 'ballot:{id}'"
        ))
        .await;
    assert_eq!(audited[0].get::<_, Option<String>>(0).as_deref(), Some("dissolution"));
    // The ballot's page names it too: the article, the rule and the version.
    let member = app.signed_in("member@demo.coop").await;
    let page = unescaped(&app.page(&member, &format!("/c/demo/ballots/{id}")).await);
    assert!(
        page.contains(
            "To be decided under Article 12 (two-thirds of votes cast excluding abstentions; \
             quorum: 1/2 of the roll), bylaws version 2."
        ),
        "{page}"
    );
}

async fn post(app: &TestApp, token: &str, path: String, body: Value) -> reqwest::Response {
    app.api(token, reqwest::Method::POST, &path, Some(body)).await
}

/// The id of what a request created.
async fn created(response: reqwest::Response) -> String {
    json(response, 201).await["id"].as_str().unwrap().to_string()
}

/// The text of a page as a reader sees it (tera escapes apostrophes and slashes).
fn unescaped(html: &str) -> String {
    html.replace("&#x27;", "'").replace("&#x2F;", "/")
}

/// Issue 19: every recorded decision states its legal basis — on the ballot's page,
/// in the results e-mail and in the meeting's record of decisions (its page and the
/// printable minutes) — in English and in French.
#[tokio::test]
async fn every_recorded_decision_states_its_legal_basis_in_each_language() {
    let app = TestApp::demo().await;
    let sam = app.demo_token("secretary@demo.coop").await;
    let post = |path: String, body: Value| post(&app, &sam, path, body);
    let meeting = created(
        post(
            "/api/v1/coops/demo/meetings".into(),
            json!({"kind": "general", "title": "Summer general meeting", "place": "The workshop",
                   "starts_at": chrono::Utc::now() - chrono::Duration::hours(1)}),
        )
        .await,
    )
    .await;
    let ballot = created(
        post(
            BALLOTS.into(),
            json!({"title": "Summer votes", "closes_at": null,
                   "settings": {"mode": "meeting", "secret": true, "allow_change": false,
                                "quorum": {"kind": "none"}, "proxies": {"kind": "none"}},
                   "questions": [motion("simple")]}),
        )
        .await,
    )
    .await;
    json(post(format!("{BALLOTS}/{ballot}/open"), json!({})).await, 200).await;
    let agenda = json!({"items": [{"title": "The summer rota", "ballot_id": ballot}]});
    let put = app
        .api(
            &sam,
            reqwest::Method::PUT,
            &format!("/api/v1/coops/demo/meetings/{meeting}/agenda"),
            Some(agenda),
        )
        .await;
    assert_eq!(put.status(), 200);
    let roll: Vec<String> = app
        .sql(&format!(
            "SELECT member_id::text FROM ballot_voters WHERE ballot_id = '{ballot}' ORDER BY member_id LIMIT 3"
        ))
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    for member in &roll[..3] {
        let recorded = post(
            format!("/api/v1/coops/demo/meetings/{meeting}/attendance"),
            json!({"member_id": member}),
        )
        .await;
        assert_eq!(recorded.status(), 201);
    }
    let papers = json!({"members": roll[..3], "papers": [
        {"count": 2, "answers": ["for"]}, {"count": 1, "answers": ["against"]}]});
    json(post(format!("{BALLOTS}/{ballot}/meeting-papers"), papers).await, 201).await;
    let closed = json(post(format!("{BALLOTS}/{ballot}/close"), json!({})).await, 200).await;
    assert_eq!(closed["result"]["questions"][0]["carried"], true);
    // Ordinary decisions are taken under Article 12 of the demo's bylaws.
    assert_eq!(closed["legal_basis"]["article"], "12");
    let audited = app
        .sql(&format!(
            "SELECT data->'legal_basis'->>'article' FROM audit_events WHERE action = 'ballot.opened' AND subject = 'ballot:{ballot}'"
        ))
        .await;
    assert_eq!(audited[0].get::<_, Option<String>>(0).as_deref(), Some("12"));

    let english = "Carried under Article 12 (simple majority of votes cast excluding abstentions; \
                   quorum: none), bylaws version 2.";
    let french = "Adoptée en vertu de l'article 12 des statuts, version 2 : \
                  majorité simple des suffrages exprimés (hors abstentions) ; quorum : aucun.";
    let member = app.signed_in("member@demo.coop").await;
    let marie = app.signed_in("marie@demo.coop").await;
    for (reader, sentence) in [(&member, english), (&marie, french)] {
        for path in [
            format!("/c/demo/ballots/{ballot}"),
            format!("/c/demo/meetings/{meeting}"),
            format!("/c/demo/meetings/{meeting}/print"),
        ] {
            let page = unescaped(&app.page(reader, &path).await);
            assert_eq!(page.matches(sentence).count(), 1, "{path}: {page}");
        }
    }
    // The results e-mail, in each recipient's language.
    let results: Vec<String> = app
        .outbox()
        .into_iter()
        .map(|m| {
            let decoded = quoted_printable::decode(m.as_bytes(), quoted_printable::ParseMode::Robust).unwrap();
            String::from_utf8(decoded).unwrap()
        })
        .filter(|m| m.contains("Summer votes") && (m.contains("is closed") || m.contains("est clos")))
        .collect();
    for sentence in [english, french] {
        assert!(results.iter().any(|m| m.contains(sentence)), "{sentence}: {results:?}");
    }
}

/// The page for a new ballot starts from the rule of the kind asked for, and names it.
#[tokio::test]
async fn the_new_ballot_page_starts_from_the_rule_of_its_kind() {
    let app = TestApp::demo().await;
    let secretary = app.signed_in("secretary@demo.coop").await;
    let page = app
        .page(&secretary, "/c/demo/ballots/new?decision_kind=expulsion")
        .await;
    assert!(page.contains("<option value=\"expulsion\" selected>"), "{page}");
    // Two-thirds of the votes cast and half the members, as the bylaws set for expulsions.
    assert!(page.contains("value=\"1&#x2F;2\""), "{page}");
    assert!(page.contains("<option value=\"two_thirds\" selected"), "{page}");
}

/// Issue 19, finding 9: the demo's bylaws say what their schedule applies — no
/// probation, at least 10 % to the reserve, the distribution approved by the board.
#[tokio::test]
async fn the_demos_bylaws_say_what_their_schedule_applies() {
    let app = TestApp::demo().await;
    let member = app.demo_token("member@demo.coop").await;
    let text = app
        .client()
        .get(app.at("/api/v1/coops/demo/bylaws/versions/1/markdown"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for said in [
        "The board decides on admission",
        "at least **10 %** of the surplus",
        "on a proposal of the treasurer approved by the board",
    ] {
        assert!(text.contains(said), "{said} in {text}");
    }
    assert!(!text.contains("probation of"), "{text}");
    let version = json(
        app.api(
            &member,
            reqwest::Method::GET,
            "/api/v1/coops/demo/bylaws/versions/1",
            None,
        )
        .await,
        200,
    )
    .await;
    let schedule = &version["schedule"];
    assert_eq!(schedule["probation_months"], Value::Null);
    assert_eq!(schedule["distribution"]["reserve_rate"], "0.10");
    assert_eq!(schedule["distribution"]["approved_by"], "board");
}
