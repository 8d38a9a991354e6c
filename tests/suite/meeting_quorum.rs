//! Issue 19, findings 5 and 6, through the API and the pages: a meeting ballot's
//! quorum is measured on the attendance when the chair closes the vote, not on the
//! voters; "two thirds of the members present" is a base; a meeting ballot is closed
//! only once its meeting's attendance is recorded; and the meeting page and the
//! ballot's stored result say the same.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::{csrf_of, json, problem, TestApp};

const BALLOTS: &str = "/api/v1/coops/demo/ballots";
const MEETINGS: &str = "/api/v1/coops/demo/meetings";

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client()
        .post(app.at(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    json(
        app.client().get(app.at(path)).bearer_auth(token).send().await.unwrap(),
        200,
    )
    .await
}

/// Members in good standing imported through the register, so the roll reaches `roll`.
async fn grow_roll_to(app: &TestApp, token: &str, meeting: &str, roll: u64) {
    let now = get(app, token, &format!("{MEETINGS}/{meeting}")).await["roll"]
        .as_u64()
        .unwrap();
    let mut csv = String::from("number,name,email,status,member_since,employment_status\n");
    for i in 0..roll - now {
        csv.push_str(&format!(",Worker {i},worker{i}@demo.test,member,2024-01-15,worker\n"));
    }
    let imported = app
        .client()
        .post(app.at("/api/v1/coops/demo/register/import"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert!(imported.status().is_success(), "{}", imported.text().await.unwrap());
    // The demo's bylaws ask for a paid qualifying share before one votes: each pays
    // theirs today (the books are closed until yesterday).
    let today = app.today("demo").await;
    let mut holdings = String::from("email,class,shares,subscribed_on\n");
    for i in 0..roll - now {
        holdings.push_str(&format!("worker{i}@demo.test,Parts sociales,1,{today}\n"));
    }
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let paid = app
        .client()
        .post(app.at("/api/v1/coops/demo/capital/holdings/import"))
        .bearer_auth(&treasurer)
        .header("content-type", "text/csv")
        .body(holdings)
        .send()
        .await
        .unwrap();
    assert!(paid.status().is_success(), "{}", paid.text().await.unwrap());
    let grown = get(app, token, &format!("{MEETINGS}/{meeting}")).await;
    assert_eq!(grown["roll"], roll);
}

#[tokio::test]
async fn sixty_present_of_81_with_20_voting_15_to_5_carries_and_the_page_agrees_with_the_result() {
    let app = TestApp::demo().await;
    let sam = app.demo_token("secretary@demo.coop").await;

    // The general meeting, started an hour ago, in a co-op of 81 members in good
    // standing whose ordinary quorum is a quarter: 21.
    let meeting = json(
        post(
            &app,
            &sam,
            MEETINGS,
            json!({"kind": "general", "title": "Spring general meeting", "place": "The workshop",
                   "starts_at": Utc::now() - Duration::hours(1)}),
        )
        .await,
        201,
    )
    .await;
    let meeting = meeting["id"].as_str().unwrap().to_string();
    grow_roll_to(&app, &sam, &meeting, 81).await;
    app.exec(
        "UPDATE coops SET ballot_parameters = jsonb_set(ballot_parameters, '{quorum}', \
         '{\"kind\": \"fraction\", \"numerator\": 1, \"denominator\": 4}') WHERE slug = 'demo'",
    )
    .await;

    // Its ballot: a motion by a majority of the votes cast, and one needing two
    // thirds of the members present.
    let ballot = json(
        post(
            &app,
            &sam,
            BALLOTS,
            json!({"title": "Spring general meeting: the votes", "closes_at": null,
                   "settings": {"mode": "meeting", "secret": true, "allow_change": false,
                                "quorum": {"kind": "fraction", "numerator": 1, "denominator": 4},
                                "proxies": {"kind": "none"}},
                   "questions": [
                       {"title": "Adopt the delivery rota", "kind": "motion",
                        "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"},
                       {"title": "Sell the old van", "kind": "motion",
                        "threshold": {"kind": "two_thirds"}, "base": "members_present"}]}),
        )
        .await,
        201,
    )
    .await;
    let ballot = ballot["id"].as_str().unwrap().to_string();
    json(
        post(&app, &sam, &format!("{BALLOTS}/{ballot}/open"), json!({})).await,
        200,
    )
    .await;
    let roll: Vec<String> = get(&app, &sam, &format!("{BALLOTS}/{ballot}/roll"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["member_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(roll.len(), 81);
    let close_path = format!("{BALLOTS}/{ballot}/close");
    let close = || post(&app, &sam, &close_path, json!({}));

    // Not on any agenda yet: the chair cannot close it.
    let nowhere = problem(close().await, 409, "conflict").await;
    assert!(
        nowhere["detail"].as_str().unwrap().contains("on no meeting's agenda"),
        "{nowhere}"
    );
    let agenda = json!({"items": [{"title": "The rota and the van", "ballot_id": ballot}]});
    let response = app
        .client()
        .put(app.at(&format!("{MEETINGS}/{meeting}/agenda")))
        .bearer_auth(&sam)
        .json(&agenda)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // On the agenda, but nobody recorded present: still refused, and nothing stored.
    let unrecorded = problem(close().await, 409, "conflict").await;
    assert_eq!(
        unrecorded["detail"],
        "Record the meeting's attendance before closing this ballot: its quorum is measured on the members present."
    );
    let status: String = app
        .sql(&format!("SELECT status FROM ballots WHERE id = '{ballot}'"))
        .await[0]
        .get(0);
    assert_eq!(status, "open");
    // Nor does the page promise a quorum it cannot measure yet.
    let view = get(&app, &sam, &format!("{MEETINGS}/{meeting}")).await;
    assert!(view["agenda"][0]["ballot"]["quorum_now"].is_null(), "{view}");

    // Sixty members present.
    for member in &roll[..60] {
        let recorded = post(
            &app,
            &sam,
            &format!("{MEETINGS}/{meeting}/attendance"),
            json!({"member_id": member}),
        )
        .await;
        assert_eq!(recorded.status(), 201);
    }
    let view = get(&app, &sam, &format!("{MEETINGS}/{meeting}")).await;
    assert_eq!(
        (&view["roll"], &view["quorum_required"], &view["quorum_met"]),
        (&json!(81), &json!(21), &json!(true))
    );
    assert_eq!(view["present"].as_array().unwrap().len(), 60);
    // The page tells the chair what the close would find.
    assert_eq!(
        view["agenda"][0]["ballot"]["quorum_now"],
        json!({"present": 60, "required": 21, "met": true})
    );

    // Twenty of them vote on paper, 15 for and 5 against on both motions.
    let papers = json!({"members": roll[..20], "papers": [
        {"count": 15, "answers": ["for", "for"]}, {"count": 5, "answers": ["against", "against"]}]});
    json(
        post(&app, &sam, &format!("{BALLOTS}/{ballot}/meeting-papers"), papers).await,
        201,
    )
    .await;

    let closed = json(close().await, 200).await;
    let result = &closed["result"];
    assert_eq!(
        (
            &result["roll"],
            &result["participants"],
            &result["present"],
            &result["quorum_required"],
            &result["quorum_met"]
        ),
        (&json!(81), &json!(20), &json!(60), &json!(21), &json!(true))
    );
    let rota = &result["questions"][0];
    assert_eq!(rota["counts"], json!({"for": 15, "against": 5, "abstain": 0}));
    assert_eq!((&rota["base_size"], &rota["carried"]), (&json!(20), &json!(true)));
    // 15 of the 60 present is not two thirds of them.
    let van = &result["questions"][1];
    assert_eq!(
        (&van["base"], &van["base_size"], &van["percent_for"], &van["carried"]),
        (&json!("members_present"), &json!(60), &json!("25.00"), &json!(false))
    );

    // The meeting shows the very result the ballot stored, and says the same of the quorum.
    let view = get(&app, &sam, &format!("{MEETINGS}/{meeting}")).await;
    assert_eq!(view["agenda"][0]["ballot"]["result"], *result);
    assert_eq!(view["quorum_met"], result["quorum_met"]);
    assert!(view["agenda"][0]["ballot"]["quorum_now"].is_null());
    let session = app.signed_in("member@demo.coop").await;
    let meeting_page = app.page(&session, &format!("/c/demo/meetings/{meeting}")).await;
    let quorum = "Quorum reached: 60 members present or represented when the vote closed, 21 were needed.";
    assert!(meeting_page.contains(quorum), "{meeting_page}");
    assert!(meeting_page.contains("The quorum (21) is reached."), "{meeting_page}");
    assert!(!meeting_page.contains("not reached"), "{meeting_page}");
    assert!(meeting_page.contains("15 for, 5 against, 0 abstaining: 75.00 % of 20 votes cast excluding abstentions"));
    assert!(meeting_page.contains("15 for, 5 against, 0 abstaining: 25.00 % of 60 members present or represented"));
    let ballot_page = app.page(&session, &format!("/c/demo/ballots/{ballot}")).await;
    assert!(ballot_page.contains(quorum), "{ballot_page}");
    let marie = app.signed_in("marie@demo.coop").await;
    let french = app.page(&marie, &format!("/c/demo/meetings/{meeting}")).await;
    assert!(
        french.contains("Quorum atteint : 60 associés présents ou représentés à la clôture du vote, 21 requis."),
        "{french}"
    );
    assert!(
        french.contains("25,00 % de 60 associés présents ou représentés"),
        "{french}"
    );

    // The attendance at the time of the vote is what was stored: a member leaving
    // afterwards changes the meeting's count, never the decided result.
    let left = app
        .client()
        .delete(app.at(&format!("{MEETINGS}/{meeting}/attendance/{}", roll[59])))
        .bearer_auth(&sam)
        .send()
        .await
        .unwrap();
    assert!(left.status().is_success());
    let view = get(&app, &sam, &format!("{MEETINGS}/{meeting}")).await;
    assert_eq!(view["present"].as_array().unwrap().len(), 59);
    assert_eq!(view["agenda"][0]["ballot"]["result"]["present"], 60);

    // The close is audited with the attendance and the meeting it was measured at.
    let audit: Value = app
        .sql(&format!(
            "SELECT data::text FROM audit_events WHERE action = 'ballot.closed' AND subject = 'ballot:{ballot}'"
        ))
        .await[0]
        .get::<_, String>(0)
        .parse()
        .unwrap();
    assert_eq!((&audit["present"], &audit["meeting"]), (&json!(60), &json!(meeting)));
}

#[tokio::test]
async fn members_present_is_refused_online_and_a_meeting_ballot_has_no_closing_time() {
    let app = TestApp::demo().await;
    let sam = app.demo_token("secretary@demo.coop").await;
    let question = json!({"title": "Sell the old van", "kind": "motion",
                          "threshold": {"kind": "two_thirds"}, "base": "members_present"});
    let online = problem(
        post(
            &app,
            &sam,
            BALLOTS,
            json!({"title": "Online", "closes_at": Utc::now() + Duration::days(20), "questions": [question]}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert_eq!(online["errors"][0]["field"], "questions[0].base");
    assert_eq!(
        online["errors"][0]["message"],
        "The members present are counted at a meeting: hold this ballot at a meeting, or measure an online ballot against the whole roll."
    );
    let meeting = |closes_at: Value| {
        json!({"title": "At the meeting", "closes_at": closes_at,
               "settings": {"mode": "meeting", "secret": true, "allow_change": false,
                            "quorum": {"kind": "fraction", "numerator": 1, "denominator": 4},
                            "proxies": {"kind": "none"}},
               "questions": [question]})
    };
    let timed = problem(
        post(&app, &sam, BALLOTS, meeting(json!(Utc::now() + Duration::days(20)))).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(timed["errors"][0]["field"], "closes_at");
    let created = json(post(&app, &sam, BALLOTS, meeting(Value::Null)).await, 201).await;
    assert_eq!(created["questions"][0]["base"], "members_present");
    // "A majority of the members present" is an absolute majority of them.
    let mut simple = meeting(Value::Null);
    simple["questions"][0]["threshold"] = json!({"kind": "simple"});
    let refused = problem(post(&app, &sam, BALLOTS, simple).await, 422, "validation").await;
    assert_eq!(refused["errors"][0]["field"], "questions[0].threshold");
    // The base is documented in the API.
    let openapi = get(&app, &sam, "/api/openapi.json").await;
    let bases = openapi["components"]["schemas"]["Base"].to_string();
    assert!(bases.contains("members_present"), "{bases}");
    let quorum_now = &openapi["components"]["schemas"]["VoteQuorum"]["properties"];
    assert!(quorum_now["present"].is_object(), "{openapi}");
}

#[tokio::test]
async fn the_ballot_form_offers_members_present_in_both_languages_and_refuses_it_online() {
    let app = TestApp::demo().await;
    let sam = app.signed_in("secretary@demo.coop").await;
    let form = app.page(&sam, "/c/demo/ballots/new").await;
    assert!(form.contains("<option value=\"members_present\">members present or represented</option>"));
    let token = app.demo_token("secretary@demo.coop").await;
    let french = app
        .api(
            &token,
            reqwest::Method::PUT,
            "/api/v1/me",
            Some(json!({"display_name": "Sam Secretary", "locale": "fr"})),
        )
        .await;
    assert_eq!(french.status(), 200);
    let french = app.page(&sam, "/c/demo/ballots/new").await;
    assert!(
        french.contains("<option value=\"members_present\">associés présents ou représentés</option>"),
        "{french}"
    );
    let csrf = csrf_of(&form);
    let fields = |mode: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Sell the van".to_string()),
            ("mode", mode.into()),
            (
                "closes_at",
                if mode == "online" { "2031-03-01T18:00" } else { "" }.into(),
            ),
            ("secret", "on".into()),
            ("quorum_kind", "fraction".into()),
            ("quorum_value", "1/4".into()),
            ("proxy_kind", "none".into()),
            ("question_count", "1".into()),
            ("q0_title", "Sell the old van".into()),
            ("q0_kind", "motion".into()),
            ("q0_threshold", "two_thirds".into()),
            ("q0_base", "members_present".into()),
            ("q0_abstain", "on".into()),
            ("action", "save".into()),
        ]
    };
    let save = |mode| sam.post(app.at("/c/demo/ballots")).form(&fields(mode)).send();
    let online = save("online").await.unwrap();
    assert_eq!(online.status(), 422);
    let html = online.text().await.unwrap();
    assert!(html.contains("id=\"q0_base-error\""), "{html}");
    assert!(html.contains("counted at a meeting"));
    let saved = save("meeting").await.unwrap();
    assert_eq!(saved.status(), 303);
    let base: String = app
        .sql("SELECT questions->0->>'base' FROM ballots WHERE title = 'Sell the van'")
        .await[0]
        .get(0);
    assert_eq!(base, "members_present");
    // The bylaws schedule names it for every kind of decision.
    let board = app.signed_in("board@demo.coop").await;
    let schedule = app.page(&board, "/c/demo/bylaws/amendments/new").await;
    assert_eq!(
        schedule
            .matches("<option value=\"members_present\">members present or represented</option>")
            .count(),
        6,
        "{schedule}"
    );
}

#[tokio::test]
async fn bylaws_asking_two_thirds_of_the_members_present_put_an_amendment_to_a_meeting() {
    let app = TestApp::demo().await;
    let token = app.demo_token("board@demo.coop").await;
    let bylaws = "/api/v1/coops/demo/bylaws";
    // A co-op whose bylaws amend themselves by two thirds of the members present.
    let mut schedule = get(&app, &token, bylaws).await["schedule"].clone();
    schedule["decisions"]["bylaw_amendment"]["threshold"] = json!({"kind": "two_thirds"});
    schedule["decisions"]["bylaw_amendment"]["base"] = json!("members_present");
    schedule["notice_days"] = json!(0);
    app.without_bylaws().await;
    let imported = post(
        &app,
        &token,
        &format!("{bylaws}/import"),
        json!({"model": "en", "reference": "Founding meeting", "schedule": schedule}),
    )
    .await;
    assert!(imported.status().is_success(), "{}", imported.text().await.unwrap());
    let in_force = get(&app, &token, bylaws).await;
    assert_eq!(
        in_force["schedule"]["decisions"]["bylaw_amendment"]["base"],
        "members_present"
    );
    let text = app
        .api(
            &token,
            reqwest::Method::GET,
            &format!("{bylaws}/versions/{}/markdown", in_force["number"]),
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    let draft = json(
        post(
            &app,
            &token,
            &format!("{bylaws}/amendments"),
            json!({"title": "Our name", "rationale": "We have one.",
                   "text": text.replace("**[name]**", "**Riverside Workers**")}),
        )
        .await,
        201,
    )
    .await;
    let id = draft["amendment"]["id"].as_str().unwrap().to_string();

    // Online, the members present cannot be counted: the page says so by the mode.
    let board = app.signed_in("board@demo.coop").await;
    let path = format!("/c/demo/bylaws/amendments/{id}");
    let csrf = csrf_of(&app.page(&board, &path).await);
    let submit = |mode: &'static str, closes_at: &'static str| {
        board
            .post(app.at(&format!("{path}/submit")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("mode", mode),
                ("opens_at", ""),
                ("closes_at", closes_at),
            ])
            .send()
    };
    let online = submit("online", "2031-01-01T00:00").await.unwrap();
    assert_eq!(online.status(), 422);
    let html = online.text().await.unwrap();
    assert!(html.contains("id=\"mode-error\""), "{html}");
    assert!(html.contains("counted at a meeting"), "{html}");
    // At a meeting it goes to the vote with the bylaws' rule.
    assert_eq!(submit("meeting", "").await.unwrap().status(), 303);
    let rule: String = app
        .sql(&format!(
            "SELECT b.questions->0->>'base' FROM ballots b JOIN bylaw_amendments a ON a.ballot_id = b.id \
             WHERE a.id = '{id}'"
        ))
        .await[0]
        .get(0);
    assert_eq!(rule, "members_present");
}
