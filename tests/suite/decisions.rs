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
    let (app_ref, sam_ref) = (&app, &sam);
    let post = move |path: String, body: Value| async move { post(app_ref, sam_ref, &path, Some(body)).await };
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

fn admission_of(member: &str) -> Value {
    json!({"title": "Admission", "decision_kind": "admission", "subject_member_id": member,
           "closes_at": "2031-06-30T18:00:00Z",
           "questions": [{"title": "Admit?", "kind": "motion", "threshold": {"kind": "simple"},
                          "base": "cast_excluding_abstentions"}]})
}

async fn post(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> reqwest::Response {
    app.api(token, reqwest::Method::POST, path, body).await
}

async fn cast(app: &TestApp, email: &str, ballot: &str, answer: &str) -> u16 {
    let token = app.demo_token(email).await;
    let vote = json!({"answers": [answer]});
    post(app, &token, &format!("{BALLOTS}/{ballot}/votes"), Some(vote))
        .await
        .status()
        .as_u16()
}

async fn status_of(app: &TestApp, member: &str) -> String {
    app.sql(&format!("SELECT status FROM members WHERE id = '{member}'"))
        .await[0]
        .get(0)
}

/// Issue 19, finding 1: the demo's bylaws give admissions to the board (Article 6).
/// An admission is a ballot of the board — its roll the board's members in good
/// standing, its quorum the board's — and the applicant is admitted only when it
/// carries; a tie, a missed quorum or a ballot of another kind admits no one.
#[tokio::test]
async fn the_board_admits_by_its_own_ballot_and_only_when_it_carries() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let nadia = app.apply("demo", "Nadia", "nadia@bakery.test", "I bake.").await;
    let max = app.member_id("member@demo.coop").await;

    // Only an applicant or a candidate can be admitted, and only an admission or an
    // expulsion names a member.
    let of_a_member = problem(
        post(&app, &secretary, BALLOTS, Some(admission_of(&max))).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(of_a_member["errors"][0]["field"], "subject_member_id", "{of_a_member}");
    let mut ordinary = admission_of(&nadia);
    ordinary["decision_kind"] = json!("ordinary");
    let named = problem(post(&app, &secretary, BALLOTS, Some(ordinary)).await, 422, "validation").await;
    assert_eq!(named["errors"][0]["field"], "subject_member_id");
    let mut nobody = admission_of(&nadia);
    nobody["subject_member_id"] = Value::Null;
    let unnamed = problem(post(&app, &secretary, BALLOTS, Some(nobody)).await, 422, "validation").await;
    assert_eq!(unnamed["errors"][0]["field"], "subject_member_id");

    // A tie on the board: not carried, Nadia stays an applicant.
    let first = json(post(&app, &secretary, BALLOTS, Some(admission_of(&nadia))).await, 201).await;
    assert_eq!(first["body"], "board");
    assert_eq!(first["subject"]["display_name"], "Nadia");
    let id = first["id"].as_str().unwrap();
    let opened = json(post(&app, &secretary, &format!("{BALLOTS}/{id}/open"), None).await, 200).await;
    assert_eq!(opened["roll_size"], 2, "Amina and Bea sit on the board");
    assert_eq!(
        cast(&app, "member@demo.coop", id, "for").await,
        409,
        "Max is not on the board"
    );
    assert_eq!(cast(&app, "admin@demo.coop", id, "for").await, 201);
    assert_eq!(cast(&app, "board@demo.coop", id, "against").await, 201);
    let tied = json(
        post(&app, &secretary, &format!("{BALLOTS}/{id}/close"), None).await,
        200,
    )
    .await;
    assert_eq!(tied["result"]["questions"][0]["carried"], false);
    assert_eq!(status_of(&app, &nadia).await, "applicant");

    // Nobody on the board votes before the closing time: no quorum (1 of 2), no admission.
    let second = json(post(&app, &secretary, BALLOTS, Some(admission_of(&nadia))).await, 201).await;
    let id = second["id"].as_str().unwrap();
    json(post(&app, &secretary, &format!("{BALLOTS}/{id}/open"), None).await, 200).await;
    let lapsed = app.closing_time_passes(&secretary, id).await;
    assert_eq!(lapsed["result"]["quorum_met"], false);
    assert_eq!(lapsed["result"]["quorum_required"], 1);
    assert_eq!(status_of(&app, &nadia).await, "applicant");

    // Both vote for: Nadia is admitted, numbered, and invited to choose a password.
    let carried = app.decide_on_member("admission", &nadia, "").await;
    assert_eq!(status_of(&app, &nadia).await, "admitted");
    let audited = app
        .sql(&format!(
            "SELECT data->'consequence'->>'status' FROM audit_events WHERE action = 'ballot.closed' \
             AND subject = 'ballot:{}'",
            carried["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(audited[0].get::<_, Option<String>>(0).as_deref(), Some("admitted"));
    assert!(app
        .link_mailed_to("nadia@bakery.test")
        .contains("/password/reset?token="));

    // Were the bylaws to give admissions to the members, a draft made for the board
    // could not open: the body is the one the bylaws name when it opens.
    let olga = app.apply("demo", "Olga", "olga@bakery.test", "").await;
    let draft = json(post(&app, &secretary, BALLOTS, Some(admission_of(&olga))).await, 201).await;
    app.exec(
        "ALTER TABLE bylaw_versions DISABLE TRIGGER USER;
         UPDATE bylaw_versions SET schedule = jsonb_set(schedule, '{admission_by}', '\"members\"');
         ALTER TABLE bylaw_versions ENABLE TRIGGER USER;",
    )
    .await;
    let path = format!("{BALLOTS}/{}/open", draft["id"].as_str().unwrap());
    let stale = problem(post(&app, &secretary, &path, None).await, 409, "conflict").await;
    assert!(stale["detail"].as_str().unwrap().contains("the members"), "{stale}");
    let members = json(post(&app, &secretary, BALLOTS, Some(admission_of(&olga))).await, 201).await;
    assert_eq!(members["body"], "members");
}

/// Issue 19, finding 1: an expulsion (Article 7: the members, two-thirds, after the
/// member was told the grounds in writing and heard). The grounds go to the member
/// when the draft is saved; the vote cannot open before the hearing is recorded; a
/// vote short of two-thirds expels no one.
#[tokio::test]
async fn a_member_is_sent_the_grounds_and_heard_before_the_members_vote_on_expelling_them() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let max = app.member_id("member@demo.coop").await;
    let mut draft = admission_of(&max);
    draft["decision_kind"] = json!("expulsion");
    draft["questions"][0]["threshold"] = json!({"kind": "two_thirds"});
    // Grounds are required.
    let bare = problem(
        post(&app, &secretary, BALLOTS, Some(draft.clone())).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(bare["errors"][0]["field"], "grounds");
    draft["grounds"] = json!("Took the delivery van for a week without asking.");
    let ballot = json(post(&app, &secretary, BALLOTS, Some(draft)).await, 201).await;
    assert_eq!(ballot["body"], "members");
    let id = ballot["id"].as_str().unwrap();
    let mail = app
        .outbox()
        .into_iter()
        .rev()
        .find(|m| m.contains("To: member@demo.coop"))
        .unwrap()
        .replace("=\r\n", "");
    assert!(
        mail.contains("Took the delivery van for a week without asking."),
        "{mail}"
    );

    // Not heard yet: the vote cannot open.
    let open = format!("{BALLOTS}/{id}/open");
    let unheard = problem(post(&app, &secretary, &open, None).await, 422, "validation").await;
    assert_eq!(unheard["errors"][0]["field"], "heard_on");
    // A hearing before the grounds were sent, or in the future, is refused.
    let hearing = format!("{BALLOTS}/{id}/hearing");
    let today = app.today("demo").await;
    for day in [today - chrono::Duration::days(1), today + chrono::Duration::days(1)] {
        let body = json!({"heard_on": day.to_string(), "note": "Max explained."});
        let refused = problem(post(&app, &secretary, &hearing, Some(body)).await, 422, "validation").await;
        assert_eq!(refused["errors"][0]["field"], "heard_on");
    }
    let note = "Max said the van was needed for a sick colleague's move.";
    let body = json!({"heard_on": today.to_string(), "note": note});
    json(post(&app, &secretary, &hearing, Some(body)).await, 200).await;
    // Voters read the grounds and the hearing on the ballot's page.
    let marie = app.signed_in("marie@demo.coop").await;
    json(post(&app, &secretary, &open, None).await, 200).await;
    let page = app.page(&marie, &format!("/c/demo/ballots/{id}")).await;
    assert!(
        page.contains("Took the delivery van") && page.contains("sick colleague"),
        "{page}"
    );

    // 3 for, 3 against: short of two-thirds, Max stays a member.
    for (email, answer) in [
        ("admin@demo.coop", "for"),
        ("treasurer@demo.coop", "for"),
        ("secretary@demo.coop", "for"),
        ("board@demo.coop", "against"),
        ("member@demo.coop", "against"),
        ("marie@demo.coop", "against"),
    ] {
        assert_eq!(cast(&app, email, id, answer).await, 201, "{email}");
    }
    let lost = app.closing_time_passes(&secretary, id).await;
    assert_eq!(lost["result"]["questions"][0]["carried"], false);
    assert_eq!(status_of(&app, &max).await, "member");

    // Carried by everyone: expelled, dated today, the grounds as the reason.
    let carried = app
        .decide_on_member("expulsion", &max, "Took the delivery van again.")
        .await;
    assert_eq!(status_of(&app, &max).await, "expelled");
    let change = app
        .sql(&format!(
            "SELECT decision_ref, reason FROM member_status_changes WHERE member_id = '{max}' AND transition = 'expel'"
        ))
        .await;
    assert_eq!(
        change[0].get::<_, String>(0),
        format!("ballot {} (expulsion of a member)", carried["id"].as_str().unwrap())
    );
    assert_eq!(change[0].get::<_, String>(1), "Took the delivery van again.");
}

/// Issue 19: a dissolution (the demo's bylaws: half the members taking part, two-thirds
/// of the votes cast) that carries puts the co-op in liquidation from the day of the
/// close — no applications, admissions or new subscriptions, and a notice on every
/// page — while one short of two-thirds changes nothing.
#[tokio::test]
async fn a_dissolution_carried_puts_the_coop_in_liquidation_and_one_short_changes_nothing() {
    let app = TestApp::demo().await;
    let secretary = app.demo_token("secretary@demo.coop").await;
    let dissolve = || async {
        let body = ballot("dissolution", settings(half()), motion("two_thirds"));
        let id = json(post(&app, &secretary, BALLOTS, Some(body)).await, 201).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        json(post(&app, &secretary, &format!("{BALLOTS}/{id}/open"), None).await, 200).await;
        id
    };
    let dissolved_on = || async {
        app.sql("SELECT dissolved_on::text FROM coops WHERE slug = 'demo'")
            .await[0]
            .get::<_, Option<String>>(0)
    };

    // 3 for and 3 against: short of two-thirds (4 of 6).
    let short = dissolve().await;
    for (i, email) in crate::common::DEMO_VOTERS.iter().enumerate() {
        let answer = if i < 3 { "for" } else { "against" };
        assert_eq!(cast(&app, email, &short, answer).await, 201);
    }
    let lost = app.closing_time_passes(&secretary, &short).await;
    assert_eq!(lost["result"]["questions"][0]["carried"], false);
    assert_eq!(dissolved_on().await, None);

    let carried = dissolve().await;
    for email in crate::common::DEMO_VOTERS {
        assert_eq!(cast(&app, email, &carried, "for").await, 201);
    }
    app.closing_time_passes(&secretary, &carried).await;
    let today = app.today("demo").await.to_string();
    assert_eq!(dissolved_on().await.as_deref(), Some(today.as_str()));
    let audited = app
        .sql("SELECT data->>'ballot' FROM audit_events WHERE action = 'coop.dissolved'")
        .await;
    assert_eq!(audited[0].get::<_, String>(0), carried);

    // In liquidation: no application, no admission, no new subscription, no second dissolution.
    let application = app
        .client()
        .post(app.at("/api/v1/coops/demo/applications"))
        .json(&json!({"display_name": "Late", "email": "late@bakery.test"}))
        .send()
        .await
        .unwrap();
    let refused = problem(application, 409, "conflict").await;
    assert!(
        refused["detail"].as_str().unwrap().contains("being wound up"),
        "{refused}"
    );
    let marie = app.member_id("marie@demo.coop").await;
    let admission = post(&app, &secretary, BALLOTS, Some(admission_of(&marie))).await;
    problem(admission, 409, "conflict").await;
    let again = post(
        &app,
        &secretary,
        BALLOTS,
        Some(ballot("dissolution", settings(half()), motion("two_thirds"))),
    );
    problem(again.await, 409, "conflict").await;
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let class: String = app
        .sql("SELECT s.id::text FROM share_classes s JOIN coops c ON c.id = s.coop_id WHERE c.slug = 'demo' AND s.qualifying")
        .await[0]
        .get(0);
    let subscription = json!({"operation": "subscribe", "member_id": marie, "class_id": class, "shares": 1,
                              "date": today, "in_instalments": false});
    let subscribed = post(
        &app,
        &treasurer,
        "/api/v1/coops/demo/capital/entries",
        Some(subscription),
    )
    .await;
    problem(subscribed, 409, "conflict").await;
    // Every page of the co-op says so; its application page offers no form.
    let member = app.signed_in("member@demo.coop").await;
    let home = app.page(&member, "/c/demo").await;
    assert!(home.contains("The members dissolved the co-op on"), "{home}");
    let form = app
        .client()
        .get(app.at("/c/demo/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("takes no applications") && !form.contains("name=\"email\""),
        "{form}"
    );
}

/// Issue 19, "Proposing a distribution": the distribution's page states the rule set
/// it applied and the bylaws' limits with their version and article, not only the
/// rule set's fingerprint.
#[tokio::test]
async fn the_distribution_page_states_its_rules_and_the_bylaws_limits_they_obey() {
    let app = TestApp::demo().await;
    let id: String = app
        .sql("SELECT id::text FROM distributions WHERE status = 'draft'")
        .await[0]
        .get(0);
    let treasurer = app.signed_in("treasurer@demo.coop").await;
    let page = app
        .page(&treasurer, &format!("/c/demo/patronage/distributions/{id}"))
        .await;
    // The demo's treasurer reads French; its bylaws (Article 15) put at least 10 % in the reserve.
    for said in [
        "<dt>Part des excédents mise en réserve</dt><dd>10 %</dd>",
        "<dt>Rémunération annuelle des parts, au plus</dt><dd>5 %</dd>",
        "Dans les limites des statuts en vigueur, version 2, article 15 : au moins 10 % des excédents en réserve, \
         au plus 5 % par an sur les parts, approbation par le conseil ou les associés.",
    ] {
        assert!(page.contains(said), "{said} in {page}");
    }
}
