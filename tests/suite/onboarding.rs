//! Founding a co-op and setting it up: country presets, self-service, importing the
//! share holdings whole or not at all, the setup checklist and the invitations, and
//! a browser journey from nothing to a first ballot.

use serde_json::json;

use crate::common::browser::Browser;
use crate::common::{json, problem, Options, TestApp, DEMO_PASSWORD};

async fn self_service_app() -> TestApp {
    TestApp::spawn(Options {
        settings: Box::new(|s| s.self_service_coops = true),
        ..Options::default()
    })
    .await
}

/// Founds `slug` as Max (a member of the demo, not an operator) on a self-service
/// instance, with a qualifying share class at 25.00 and three people on the register.
async fn founded_with_register(app: &TestApp, slug: &str) -> String {
    let max = app.demo_token("member@demo.coop").await;
    let client = app.client();
    let coop = json(
        client
            .post(app.at("/api/v1/coops"))
            .bearer_auth(&max)
            .json(&json!({"slug": slug, "name": "Fair Bakers", "preset": "scop_fr"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(coop["currency"], "EUR");
    json(
        client
            .post(app.at(&format!("/api/v1/coops/{slug}/share-classes")))
            .bearer_auth(&max)
            .json(&json!({"name": "Parts sociales", "par_value": "25.00", "qualifying": true}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let register = "name,email,member_since\n\
                    Ada Baker,ada@bakers.example,2021-03-01\n\
                    Bo Baker,bo@bakers.example,2022-06-01\n\
                    Cy Baker,cy@bakers.example,2023-01-10\n";
    let imported = json(
        client
            .post(app.at(&format!("/api/v1/coops/{slug}/register/import")))
            .bearer_auth(&max)
            .header("content-type", "text/csv")
            .body(register)
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(imported["imported"], 3);
    max
}

#[tokio::test]
async fn an_operator_creates_a_coop_from_a_country_preset() {
    let app = TestApp::demo().await;
    let operator = app.demo_token("operator@demo.coop").await;
    let client = app.client();
    let coop = json(
        client
            .post(app.at("/api/v1/coops"))
            .bearer_auth(&operator)
            .json(&json!({"slug": "hudson-riders", "name": "Hudson Riders", "preset": "us_worker"}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(
        (&coop["currency"], &coop["locale"], &coop["time_zone"]),
        (&json!("USD"), &json!("en"), &json!("America/New_York"))
    );
    let saved = app
        .sql("SELECT r.preset FROM coop_rule_sets r JOIN coops c ON c.id = r.coop_id WHERE c.slug = 'hudson-riders'")
        .await;
    assert_eq!(saved[0].get::<_, String>(0), "us_worker");

    let unknown = client
        .post(app.at("/api/v1/coops"))
        .bearer_auth(&operator)
        .json(&json!({"slug": "berlin", "name": "Berlin", "preset": "eg_de"}))
        .send()
        .await
        .unwrap();
    let body = problem(unknown, 422, "validation").await;
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "preset"),
        "{body}"
    );
    assert_eq!(
        app.sql("SELECT count(*) FROM coops WHERE slug = 'berlin'").await[0].get::<_, i64>(0),
        0
    );
}

#[tokio::test]
async fn only_operators_found_coops_unless_the_instance_allows_self_service() {
    let closed = TestApp::demo().await;
    let max = closed.demo_token("member@demo.coop").await;
    let refused = closed
        .client()
        .post(closed.at("/api/v1/coops"))
        .bearer_auth(&max)
        .json(&json!({"slug": "fair-bakers", "name": "Fair Bakers", "preset": "scop_fr"}))
        .send()
        .await
        .unwrap();
    problem(refused, 403, "forbidden").await;

    let open = self_service_app().await;
    founded_with_register(&open, "fair-bakers").await;
    let roles = open
        .sql(
            "SELECT array_to_string(m.roles, ',') FROM members m JOIN users u ON u.id = m.user_id \
             JOIN coops c ON c.id = m.coop_id WHERE c.slug = 'fair-bakers' AND u.email = 'member@demo.coop'",
        )
        .await;
    let mut roles: Vec<String> = roles[0].get::<_, String>(0).split(',').map(str::to_string).collect();
    roles.sort();
    assert_eq!(roles, ["admin", "board", "member", "secretary", "treasurer"]);
}

#[tokio::test]
async fn share_holdings_are_imported_whole_or_not_at_all() {
    let app = self_service_app().await;
    let max = founded_with_register(&app, "fair-bakers").await;
    let import = |csv: &'static str| {
        app.client()
            .post(app.at("/api/v1/coops/fair-bakers/capital/holdings/import"))
            .bearer_auth(&max)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
    };
    let entries = || async {
        app.sql("SELECT count(*) FROM capital_entries e JOIN coops c ON c.id = e.coop_id WHERE c.slug = 'fair-bakers'")
            .await[0]
            .get::<_, i64>(0)
    };
    let bad = "email,class,shares,subscribed_on,paid\n\
               ada@bakers.example,Parts sociales,2,2021-03-01,\n\
               nobody@bakers.example,Parts sociales,1,2022-06-01,\n\
               bo@bakers.example,Preference,1,2022-06-01,\n\
               cy@bakers.example,parts sociales,1,2023-01-10,30.00\n";
    let body = problem(import(bad).await.unwrap(), 422, "validation").await;
    let lines: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(lines, ["line 3", "line 4", "line 5"], "{body}");
    assert_eq!(entries().await, 0, "nothing written");

    let good = "email,class,shares,subscribed_on,paid,paid_on,reference\n\
                ada@bakers.example,Parts sociales,2,2021-03-01,,,\n\
                bo@bakers.example,Parts sociales,1,2022-06-01,10.00,2022-07-01,VIR-22\n\
                cy@bakers.example,parts sociales,1,2023-01-10,0,,\n";
    let imported = json(import(good).await.unwrap(), 201).await;
    assert_eq!(imported["imported"], 3);
    // Ada: subscribed and paid 50.00; Bo: subscribed 25.00, paid 10.00; Cy: subscribed only.
    let ledger = app
        .sql(
            "SELECT u.email, e.kind, e.amount::text, e.entry_date::text FROM capital_entries e \
             JOIN members m ON m.coop_id = e.coop_id AND m.id = e.member_id JOIN users u ON u.id = m.user_id \
             JOIN coops c ON c.id = e.coop_id WHERE c.slug = 'fair-bakers' ORDER BY u.email, e.kind DESC",
        )
        .await;
    let rows: Vec<(String, String, String, String)> = ledger
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let row = |email: &str, kind: &str, amount: &str, date: &str| {
        (
            email.to_string(),
            kind.to_string(),
            amount.to_string(),
            date.to_string(),
        )
    };
    assert_eq!(
        rows,
        [
            row("ada@bakers.example", "subscribe", "50.00", "2021-03-01"),
            row("ada@bakers.example", "payment", "50.00", "2021-03-01"),
            row("bo@bakers.example", "subscribe", "25.00", "2022-06-01"),
            row("bo@bakers.example", "payment", "10.00", "2022-07-01"),
            row("cy@bakers.example", "subscribe", "25.00", "2023-01-10"),
        ]
    );
    let audited = app
        .sql("SELECT data::text FROM audit_events WHERE action = 'shares.holdings_imported'")
        .await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].get::<_, String>(0), r#"{"entries": 5, "holdings": 3}"#);
}

#[tokio::test]
async fn the_setup_checklist_follows_the_coop_and_invitations_go_once() {
    let app = self_service_app().await;
    let max = founded_with_register(&app, "fair-bakers").await;
    let setup = || async {
        json(
            app.client()
                .get(app.at("/api/v1/coops/fair-bakers/setup"))
                .bearer_auth(&max)
                .send()
                .await
                .unwrap(),
            200,
        )
        .await
    };
    let done = |view: &serde_json::Value| -> Vec<(String, bool)> {
        view["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["key"].as_str().unwrap().to_string(), s["done"].as_bool().unwrap()))
            .collect()
    };
    let step = |key: &str, is_done: bool| (key.to_string(), is_done);
    let before = setup().await;
    assert_eq!(
        done(&before),
        [
            step("classes", true),
            step("bylaws", false),
            step("distribution", true),
            step("register", true),
            step("holdings", false),
            step("invitations", false),
            step("ballot", false),
        ]
    );
    assert_eq!(before["facts"]["members_without_password"], 3);
    assert_eq!(
        before["reminders"][1],
        json!({"key": "no-password", "count": 3, "path": "/setup#invitations"})
    );

    let invite = || async {
        json(
            app.client()
                .post(app.at("/api/v1/coops/fair-bakers/setup/invitations"))
                .bearer_auth(&max)
                .send()
                .await
                .unwrap(),
            200,
        )
        .await
    };
    assert_eq!(invite().await["invited"], 3);
    assert_eq!(invite().await["invited"], 0, "a valid link is not sent again");
    for email in ["ada@bakers.example", "bo@bakers.example", "cy@bakers.example"] {
        assert!(app.link_mailed_to(email).contains("/password/reset?token="));
    }
    let after = setup().await;
    assert!(done(&after).contains(&step("invitations", true)));
    assert_eq!(
        after["facts"]["members_without_password"], 3,
        "until they choose a password"
    );

    let member = app.demo_token("marie@demo.coop").await;
    let refused = app
        .client()
        .get(app.at("/api/v1/coops/demo/setup"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    problem(refused, 403, "forbidden").await;
}

#[tokio::test]
async fn an_operator_goes_from_nothing_to_a_first_ballot_through_the_pages() {
    let app = TestApp::demo().await;
    let browser = Browser::start(1280, 900).await;
    browser.goto(&app.at("/login")).await;
    browser.fill("#email", "operator@demo.coop").await;
    browser.fill("#password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form.stack button[type=submit]", &app.at("/"))
        .await;
    browser
        .click_and_wait("a[href='/coops/new']", &app.at("/coops/new"))
        .await;
    assert!(browser.accessibility_violations().await.is_empty());
    browser.fill("#name", "Fair Bakers").await;
    browser.fill("#slug", "demo").await;
    browser.click("input[name=preset][value=scop_fr]").await;
    browser
        .click_and_wait_for("form[action='/coops/new'] button[type=submit]", "#slug-error")
        .await;
    assert_eq!(browser.text("#slug-error").await, "This short name is taken.");
    browser.fill("#slug", "fair-bakers").await;
    browser.screenshot("coop-new").await;
    browser
        .click_and_wait(
            "form[action='/coops/new'] button[type=submit]",
            &app.at("/c/fair-bakers/setup"),
        )
        .await;
    assert_eq!(browser.text("main h1 + p").await, "1 of 7 steps done.");
    browser.screenshot("setup-start").await;

    // Share classes.
    browser.goto(&app.at("/c/fair-bakers/capital")).await;
    browser.fill("#name", "Parts sociales").await;
    browser.fill("#par_value", "25.00").await;
    browser.click("input[name=qualifying]").await;
    browser
        .click_and_wait(
            "form[action$='/capital/classes'] button[type=submit]",
            &app.at("/c/fair-bakers/capital?done=class"),
        )
        .await;
    // Bylaws, from the French model.
    browser.goto(&app.at("/c/fair-bakers/bylaws")).await;
    browser.click("input[name=source][value=model-fr]").await;
    browser
        .fill("#reference", "Assemblée constitutive du 2 novembre 2026")
        .await;
    browser
        .click_and_wait_for("form[action$='/bylaws/import'] button[type=submit]", "article.bylaws")
        .await;
    // The register.
    browser.goto(&app.at("/c/fair-bakers/register")).await;
    browser
        .fill(
            "#csv",
            "name,email,member_since\nAda Baker,ada@bakers.example,2021-03-01\nBo Baker,bo@bakers.example,2022-06-01\n",
        )
        .await;
    browser
        .click_and_wait(
            "form[action$='/register/import'] button[type=submit]",
            &app.at("/c/fair-bakers/register?imported=2"),
        )
        .await;
    // The holdings: a wrong class first, then right.
    browser.goto(&app.at("/c/fair-bakers/capital")).await;
    browser
        .fill(
            "#holdings-csv",
            "email,class,shares,subscribed_on\nada@bakers.example,Ordinary,2,2021-03-01\n",
        )
        .await;
    browser
        .click_and_wait_for(
            "form[action$='/capital/holdings'] button[type=submit]",
            "#holdings-errors",
        )
        .await;
    assert!(browser
        .text("#holdings-errors")
        .await
        .contains("line 2: no share class is named `Ordinary`"));
    browser
        .fill(
            "#holdings-csv",
            "email,class,shares,subscribed_on\nada@bakers.example,Parts sociales,2,2021-03-01\nbo@bakers.example,Parts sociales,1,2022-06-01\n",
        )
        .await;
    browser
        .click_and_wait(
            "form[action$='/capital/holdings'] button[type=submit]",
            &app.at("/c/fair-bakers/capital?done=holdings&count=2"),
        )
        .await;
    // Invitations.
    browser.goto(&app.at("/c/fair-bakers/setup")).await;
    browser
        .click_and_wait_for(
            "form[action$='/setup/invitations'] button",
            "section[aria-labelledby=invitations] .notice",
        )
        .await;
    assert_eq!(
        browser.text("section[aria-labelledby=invitations] .notice").await,
        "2 invitations sent."
    );
    // A first ballot.
    browser.goto(&app.at("/c/fair-bakers/ballots/new")).await;
    browser.fill("#title", "Approve the founding accounts").await;
    browser
        .fill("#q0_title", "Approve the accounts of the founding year")
        .await;
    browser
        .click_and_wait_for("button[value=save]", "form[action$='/open'] button")
        .await;

    browser.goto(&app.at("/c/fair-bakers/setup")).await;
    assert_eq!(browser.text("main h1 + p").await, "7 of 7 steps done.");
    assert!(browser.accessibility_violations().await.is_empty());
    browser.screenshot("setup-done").await;
    browser.goto(&app.at("/c/fair-bakers")).await;
    let todo = browser.text("#todo + ul").await;
    assert!(todo.contains("2 invited members have not set a password."), "{todo}");
    assert!(todo.contains("No fiscal year yet"), "{todo}");
    browser.close().await;
    assert!(app
        .link_mailed_to("bo@bakers.example")
        .contains("/password/reset?token="));
}
