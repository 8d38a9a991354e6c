//! The co-op's governance parameters: read by every member, changed by the board,
//! audited, checked, and obeyed by the ballots that follow.

use crate::common::{csrf_of, json, problem, TestApp};
use serde_json::json;

const PATH: &str = "/api/v1/coops/demo/parameters";

#[tokio::test]
async fn the_board_changes_the_rules_and_new_ballots_follow_them() {
    let app = TestApp::demo().await;
    app.without_bylaws().await;
    let (board, member) = (
        app.demo_token("board@demo.coop").await,
        app.demo_token("member@demo.coop").await,
    );
    let client = app.client();
    let current = json(client.get(app.at(PATH)).bearer_auth(&member).send().await.unwrap(), 200).await;
    assert_eq!(current["ballots"]["proxies"], json!({"kind": "none"}));
    let mut wanted = current.clone();
    wanted["ballots"]["proxies"] = json!({"kind": "one_per", "members": 20});
    wanted["ballots"]["threshold"] = json!({"kind": "two_thirds"});
    wanted["capital_floor"] = json!("2500.00");
    // Members read the rules; only the board changes them.
    problem(
        client
            .put(app.at(PATH))
            .bearer_auth(&member)
            .json(&wanted)
            .send()
            .await
            .unwrap(),
        403,
        "forbidden",
    )
    .await;
    let saved = json(
        client
            .put(app.at(PATH))
            .bearer_auth(&board)
            .json(&wanted)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(saved, wanted);
    let event = app
        .sql("SELECT data->'before'->'ballots'->'proxies'->>'kind', data->'after'->>'capital_floor' FROM audit_events WHERE action = 'coop.parameters_changed'")
        .await;
    assert_eq!(
        (event[0].get::<_, String>(0), event[0].get::<_, String>(1)),
        ("none".into(), "2500.00".into())
    );

    // A ballot may now allow one proxy per member (6 on the roll: at least one each),
    // but not ask for less than two thirds.
    let secretary = app.demo_token("secretary@demo.coop").await;
    let ballot = |threshold: serde_json::Value| {
        json!({"title": "Rules in force", "closes_at": "2031-01-01T00:00:00Z",
               "settings": {"mode": "online", "secret": true, "allow_change": true,
                            "quorum": {"kind": "none"}, "proxies": {"kind": "per_holder", "count": 1}},
               "questions": [{"title": "Q", "kind": "motion", "threshold": threshold, "base": "all_papers"}]})
    };
    let loose = client
        .post(app.at("/api/v1/coops/demo/ballots"))
        .bearer_auth(&secretary)
        .json(&ballot(json!({"kind": "simple"})))
        .send()
        .await
        .unwrap();
    let p = problem(loose, 422, "validation").await;
    assert_eq!(p["errors"][0]["field"], "questions[0].threshold");
    let ok = client
        .post(app.at("/api/v1/coops/demo/ballots"))
        .bearer_auth(&secretary)
        .json(&ballot(json!({"kind": "three_quarters"})))
        .send()
        .await
        .unwrap();
    json(ok, 201).await;
}

#[tokio::test]
async fn bad_rules_are_refused_field_by_field_and_change_nothing() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let client = app.client();
    let before = json(client.get(app.at(PATH)).bearer_auth(&board).send().await.unwrap(), 200).await;
    let mut bad = before.clone();
    bad["probation_months"] = json!(99);
    bad["capital_floor"] = json!("-5.00");
    bad["ballots"]["quorum"] = json!({"kind": "fraction", "numerator": 3, "denominator": 2});
    bad["ballots"]["proxies"] = json!({"kind": "per_holder", "count": 0});
    let p = problem(
        client
            .put(app.at(PATH))
            .bearer_auth(&board)
            .json(&bad)
            .send()
            .await
            .unwrap(),
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
    assert_eq!(
        fields,
        ["probation_months", "capital_floor", "ballots.quorum", "ballots.proxies"]
    );
    let after = json(client.get(app.at(PATH)).bearer_auth(&board).send().await.unwrap(), 200).await;
    assert_eq!(after, before);
}

#[tokio::test]
async fn the_rules_page_shows_everyone_and_saves_for_the_board() {
    let app = TestApp::demo().await;
    app.without_bylaws().await;
    let member = app.signed_in("member@demo.coop").await;
    let page = member
        .get(app.at("/c/demo/parameters"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Membership") && page.contains("<fieldset disabled>"),
        "{page}"
    );
    assert!(!page.contains("Save the rules"), "members cannot save");
    let board = app.signed_in("board@demo.coop").await;
    let page = board
        .get(app.at("/c/demo/parameters"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let form = |floor: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("requires_qualifying_share", "on".to_string()),
            ("capital_floor", floor.to_string()),
            ("quorum_kind", "fraction".into()),
            ("quorum_value", "1/4".into()),
            ("threshold", "simple".into()),
            ("base", "cast_excluding_abstentions".into()),
            ("proxy_kind", "none".into()),
            ("secret", "on".into()),
        ]
    };
    let bad = board
        .post(app.at("/c/demo/parameters"))
        .form(&form("12.345"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("id=\"capital_floor-error\""));
    let good = board
        .post(app.at("/c/demo/parameters"))
        .form(&form("1000"))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 303);
    let stored = app
        .sql("SELECT capital_floor::text, ballot_parameters->'quorum'->>'denominator' FROM coops WHERE slug = 'demo'")
        .await;
    assert_eq!(
        (stored[0].get::<_, String>(0), stored[0].get::<_, String>(1)),
        ("1000.00".into(), "4".into())
    );
}

#[tokio::test]
async fn once_bylaws_are_in_force_only_an_amendment_changes_the_rules() {
    let app = TestApp::demo().await;
    let board = app.demo_token("board@demo.coop").await;
    let client = app.client();
    let current = json(client.get(app.at(PATH)).bearer_auth(&board).send().await.unwrap(), 200).await;
    let refused = client
        .put(app.at(PATH))
        .bearer_auth(&board)
        .json(&current)
        .send()
        .await
        .unwrap();
    let p = problem(refused, 409, "conflict").await;
    assert!(p["detail"].as_str().unwrap().contains("version 2"), "{p}");
    let page = app
        .signed_in("board@demo.coop")
        .await
        .get(app.at("/c/demo/parameters"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("version 2 of the bylaws") && !page.contains("type=\"submit\" class=\"primary\""));
}
