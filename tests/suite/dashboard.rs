//! The co-op's dashboard per role (page and API), notifications since the last
//! visit, and e-mail preferences with the daily digest.

use crate::common::browser::Browser;
use crate::common::{csrf_of, json, problem, TestApp};
use crate::patronage_browser::{sign_in_as, sign_out};
use serde_json::{json, Value};

const DASHBOARD: &str = "/api/v1/coops/demo/dashboard";

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    json(app.api(token, reqwest::Method::GET, path, None).await, 200).await
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = client.get(app.at(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// Every member's sections, then a role's own.
fn sections(own: &[&str]) -> Value {
    let mut all = vec!["ballots", "membership", "hours", "notices", "decisions"];
    all.extend(own);
    json!(all)
}

fn eur(value: &Value) -> &str {
    assert_eq!(value["currency"], "EUR", "{value}");
    value["amount"].as_str().unwrap()
}

async fn one(app: &TestApp, sql: &str) -> String {
    app.sql(sql).await[0].get(0)
}

async fn member_id(app: &TestApp, email: &str) -> String {
    app.member_id(email).await
}

/// Creates (and, if asked, opens) a ballot as the secretary; returns its id.
async fn ballot(app: &TestApp, token: &str, title: &str, open: bool) -> String {
    let body = json!({
        "title": title,
        "description": "",
        "closes_at": "2031-06-30T18:00:00Z",
        "questions": [
            {"title": "Adopt it", "kind": "motion", "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"},
            {"title": "Choose a name", "kind": "election", "method": "plurality", "seats": 1,
             "candidates": [{"name": "Zebulon Quux"}, {"name": "Ada Plain"}]}
        ]
    });
    let path = "/api/v1/coops/demo/ballots";
    let created = json(app.api(token, reqwest::Method::POST, path, Some(body)).await, 201).await;
    let id = created["id"].as_str().unwrap().to_string();
    if open {
        let opened = app
            .api(
                token,
                reqwest::Method::POST,
                &format!("{path}/{id}/open"),
                Some(json!({})),
            )
            .await;
        json(opened, 200).await;
    }
    id
}

/// The ballot's closing time passes (nobody votes in these tests, and an online
/// ballot closes early only once every member on the roll has voted).
async fn close(app: &TestApp, token: &str, id: &str) {
    app.closing_time_passes(token, id).await;
}

async fn set_delivery(app: &TestApp, token: &str, delivery: &str) {
    let body = json!({"delivery": delivery});
    let answer = app
        .api(token, reqwest::Method::PUT, "/api/v1/me/email-preferences", Some(body))
        .await;
    assert_eq!(json(answer, 200).await, json!({"delivery": delivery}));
}

/// Sets Max's e-mail preference; returns the secretary's token.
async fn max_prefers(app: &TestApp, delivery: &str) -> String {
    set_delivery(app, &app.demo_token("member@demo.coop").await, delivery).await;
    app.demo_token("secretary@demo.coop").await
}

/// Opens and closes a ballot: the roll gets the notice of the vote, then the result.
async fn decide(app: &TestApp, secretary: &str, title: &str) {
    let id = ballot(app, secretary, title, true).await;
    close(app, secretary, &id).await;
}

fn mails_to<'a>(outbox: &'a [String], to: &str, containing: &str) -> Vec<&'a String> {
    outbox
        .iter()
        .filter(|m| m.contains(&format!("To: {to}")) && m.contains(containing))
        .collect()
}

#[tokio::test]
async fn the_members_dashboard_shows_their_ballots_shares_hours_and_the_coops_decisions() {
    let app = TestApp::demo().await;
    let max = app.demo_token("member@demo.coop").await;
    let d = get(&app, &max, DASHBOARD).await;
    assert_eq!(d["sections"], sections(&[]));
    // Open ballots with their deadlines; Max has voted on neither.
    let open: Vec<(&str, bool, bool)> = d["open_ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["title"].as_str().unwrap(),
                b["voted"].as_bool().unwrap(),
                b["closes_at"].is_string(),
            )
        })
        .collect();
    assert_eq!(
        open,
        [
            ("Buy a second delivery bike", false, true),
            ("Board election 2026", false, true)
        ]
    );
    // Max joined on 4 September 2023 and subscribed two shares of €50 that day, in four
    // monthly instalments of €25; he paid €50 three days later (one share fully paid, so
    // Article 8 lets him vote). Payments settle the oldest instalments first: September
    // and October 2023 are paid, November and December 2023 (€25 each) overdue since.
    let subscribed = one(
        &app,
        "SELECT c.entry_date::text FROM capital_entries c JOIN members m ON m.id = c.member_id
         JOIN users u ON u.id = m.user_id WHERE u.email = 'member@demo.coop' AND c.kind = 'subscribe'",
    )
    .await;
    assert_eq!(subscribed, "2023-09-04");
    let m = &d["membership"];
    assert_eq!((m["number"].clone(), m["status"].clone()), (json!(5), json!("member")));
    assert_eq!(m["shares_held"], 2);
    assert_eq!(eur(&m["paid"]), "50.00");
    // The dashboard lists the instalments still to pay: the two paid ones are gone.
    let expected: Vec<(String, String, bool)> = ["2023-11-04", "2023-12-04"]
        .into_iter()
        .map(|due| (due.to_string(), "25.00".to_string(), true))
        .collect();
    let instalments: Vec<(String, String, bool)> = m["instalments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["class"], "Parts sociales");
            (
                i["due_on"].as_str().unwrap().to_string(),
                eur(&i["amount"]).to_string(),
                i["overdue"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(instalments, expected);
    let overdue = 2;
    // €100 subscribed, €50 paid: the other €50 fell due in 2023 and is overdue.
    assert_eq!(eur(&m["overdue"]), "50.00");
    assert_eq!(eur(&m["due"]), "50.00");
    // Hours of the current fiscal year (the demo's year ended yesterday).
    let (starts, ends): (String, String) = {
        let row = &app.sql("SELECT starts_on::text, ends_on::text FROM fiscal_years").await[0];
        (row.get(0), row.get(1))
    };
    assert_eq!(d["hours"]["hours"], "1450.00");
    assert_eq!(
        (
            d["hours"]["starts_on"].as_str().unwrap(),
            d["hours"]["ends_on"].as_str().unwrap()
        ),
        (starts.as_str(), ends.as_str())
    );
    // The demo's distribution is a draft: no notice yet.
    assert_eq!(d["notices"], json!([]));
    let decisions: Vec<(&str, Value)> = d["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["title"].as_str().unwrap(), c["outcomes"].clone()))
        .collect();
    // Newest first: the AGM's chair closed its vote after the amendment's ballot,
    // which closed once everyone had voted.
    assert_eq!(
        decisions,
        [
            (
                "Annual general meeting 2025",
                json!([{"outcome": "carried"}, {"outcome": "carried"}])
            ),
            (
                "Bylaws amendment: Say what we do and how we decide",
                json!([{"outcome": "carried"}])
            ),
        ]
    );
    for officers in [
        "payments",
        "fiscal_year",
        "capital",
        "applications",
        "ballots_to_open",
        "standing",
    ] {
        assert_eq!(d[officers], Value::Null, "{officers}");
    }
    assert_eq!(d["reminders"], json!([]));

    // The page says the same.
    let client = app.signed_in("member@demo.coop").await;
    let html = page(&client, &app, "/c/demo").await;
    for (due, _, _) in &expected {
        assert!(
            html.contains(&format!("{due} · Parts sociales · <strong>€25.00</strong>")),
            "{due}"
        );
    }
    assert_eq!(
        html.matches("<span class=\"badge late\">Overdue</span>").count(),
        overdue
    );
    assert!(html.contains("1450.00 hours recorded in the fiscal year"));
    assert_eq!(html.matches("/vote\">Vote now</a>").count(), 2);
    assert!(html.contains("Annual general meeting 2025</a>"));
    assert!(!html.contains("id=\"treasurer-payments\"") && !html.contains("id=\"registrar-work\""));
}

#[tokio::test]
async fn the_treasurers_dashboard_adds_payments_the_year_and_capital() {
    let app = TestApp::demo().await;
    let theo = app.demo_token("treasurer@demo.coop").await;
    let max = app.demo_token("member@demo.coop").await;
    let d = get(&app, &theo, DASHBOARD).await;
    assert_eq!(
        d["sections"],
        sections(&["payments", "fiscal_year", "capital", "setup"])
    );
    // Théo is a member too: his own four shares in instalments, €50 paid.
    assert_eq!(d["membership"]["shares_held"], 4);
    assert_eq!(eur(&d["membership"]["paid"]), "50.00");
    let line = |v: &Value| {
        (
            v["name"].as_str().unwrap().to_string(),
            eur(&v["amount"]).to_string(),
            v["overdue"].as_object().map(|_| eur(&v["overdue"]).to_string()),
        )
    };
    let p = &d["payments"];
    let instalments: Vec<_> = p["instalments"].as_array().unwrap().iter().map(line).collect();
    let (theo_due, max_due) = (
        eur(&d["membership"]["due"]).to_string(),
        eur(&get(&app, &max, DASHBOARD).await["membership"]["due"]).to_string(),
    );
    assert_eq!(
        instalments,
        [
            ("Théo Trésorier".to_string(), theo_due.clone(), Some(theo_due)),
            ("Max Member".to_string(), max_due.clone(), Some(max_due)),
        ]
    );
    let redemptions: Vec<_> = p["redemptions"].as_array().unwrap().iter().map(line).collect();
    assert_eq!(redemptions, [("Rémi Retraité".to_string(), "100.00".to_string(), None)]);
    assert_eq!(p["retained"], json!([]));
    assert_eq!(eur(&p["retained_total"]), "0.00");
    let year = &d["fiscal_year"];
    assert_eq!(year["hours_complete"], true);
    assert_eq!(year["distribution"], "draft");
    assert_eq!(
        year["year_id"].as_str().unwrap(),
        one(&app, "SELECT id::text FROM fiscal_years").await
    );
    let c = &d["capital"];
    assert_eq!((c["members"].clone(), c["shares_held"].clone()), (json!(7), json!(22)));
    assert_eq!(
        (
            eur(&c["subscribed"]),
            eur(&c["paid"]),
            eur(&c["balance"]),
            eur(&c["retained_patronage"])
        ),
        // €1,200 subscribed by the seven accounts; paid: Amina 500, Théo 50, Sam 100,
        // Bea 150, Max 50, Marie 50 and Rémi 100 = €1,000; less Rémi's €100 redeemed, the
        // balance is €900.
        ("1200.00", "1000.00", "900.00", "0.00")
    );
    assert_eq!(d["applications"], Value::Null);
    // The page, in Théo's French.
    let client = app.signed_in("treasurer@demo.coop").await;
    let html = page(&client, &app, "/c/demo").await;
    assert!(html.contains("Rémi Retraité</a> · 100,00\u{a0}€"));
    assert!(html.contains("Heures complètes (exercice clos)</dt><dd>Oui</dd>"));
    assert!(html.contains("<dt>Répartition</dt><dd>brouillon</dd>"));
    assert!(html.contains("<dt>Capital social</dt><dd>900,00\u{a0}€</dd>"));
}

#[tokio::test]
async fn the_secretarys_dashboard_shows_applications_ballots_to_run_and_changes_of_standing() {
    let app = TestApp::demo().await;
    let sam = app.demo_token("secretary@demo.coop").await;
    let draft = ballot(&app, &sam, "Paint the shop", false).await;
    let d = get(&app, &sam, DASHBOARD).await;
    assert_eq!(
        d["sections"],
        sections(&["applications", "ballots_to_run", "amendments", "standing", "setup"])
    );
    let today = d["today"].as_str().unwrap();
    assert_eq!(
        d["applications"],
        json!([{"member_id": member_id(&app, "camille@example.org").await, "name": "Camille Candidate",
                "applied_on": today}])
    );
    assert_eq!(
        d["ballots_to_open"],
        json!([{"ballot_id": draft, "title": "Paint the shop", "closes_at": "2031-06-30T18:00:00Z"}])
    );
    assert_eq!(d["ballots_to_close"], json!([]));
    // The demo's amendment is open for comments, not a draft.
    assert_eq!(d["amendments"], json!([]));
    let resigned: String = one(
        &app,
        "SELECT effective_on::text FROM member_status_changes WHERE transition = 'resign'",
    )
    .await;
    assert_eq!(
        d["standing"],
        json!([{"member_id": member_id(&app, "remi@example.org").await, "name": "Rémi Retraité",
                "status": "resigned", "transition": "resign", "effective_on": resigned}])
    );
    assert_eq!(d["payments"], Value::Null);
    // A ballot past its closing time is closed when read, and so is no longer to close.
    let client = app.signed_in("secretary@demo.coop").await;
    let html = page(&client, &app, "/c/demo").await;
    assert!(html.contains(&format!("<a href=\"/c/demo/ballots/{draft}\">Paint the shop</a>")));
    assert!(html.contains("Camille Candidate</a>"));
    assert!(html.contains("Rémi Retraité</a> · Resignation · Resigned"));
}

#[tokio::test]
async fn another_coops_dashboard_and_data_stay_apart() {
    let app = TestApp::spawn(crate::common::Options {
        settings: Box::new(|s| s.self_service_coops = true),
        ..Default::default()
    })
    .await;
    // Marie, a member of the demo, founds another co-op (and holds every office there).
    let marie = app.demo_token("marie@demo.coop").await;
    let sam = app.demo_token("secretary@demo.coop").await;
    let body =
        json!({"slug": "other", "name": "Other", "currency": "EUR", "locale": "en", "time_zone": "Europe/Paris"});
    json(
        app.api(&marie, reqwest::Method::POST, "/api/v1/coops", Some(body))
            .await,
        201,
    )
    .await;
    app.apply("other", "Otto Elsewhere", "otto@other.test", "").await;
    // The other co-op's dashboard has its applicant and none of the demo's facts.
    let theirs = get(&app, &marie, "/api/v1/coops/other/dashboard").await;
    let names: Vec<&str> = theirs["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Otto Elsewhere"]);
    assert_eq!(
        (theirs["open_ballots"].clone(), theirs["decisions"].clone()),
        (json!([]), json!([]))
    );
    assert_eq!(theirs["membership"]["shares_held"], 0);
    assert_eq!(theirs["membership"]["instalments"], json!([]));
    assert_eq!(theirs["hours"], Value::Null);
    assert_eq!(theirs["standing"], json!([]));
    let mine = get(&app, &marie, DASHBOARD).await;
    assert_eq!(
        mine["membership"]["shares_held"], 1,
        "her shares in the demo stay the demo's"
    );
    let ours = get(&app, &sam, DASHBOARD).await;
    assert_eq!(ours["applications"].as_array().unwrap().len(), 1);
    assert!(!ours.to_string().contains("Otto"));
    let notices = get(&app, &sam, "/api/v1/coops/demo/notifications").await;
    assert!(!notices.to_string().contains("Otto"));
    let secretary = sam;
    for path in ["/api/v1/coops/other/dashboard", "/api/v1/coops/other/notifications"] {
        let refused = app.api(&secretary, reqwest::Method::GET, path, None).await;
        assert!([403, 404].contains(&refused.status().as_u16()), "{path}");
    }
    let client = app.signed_in("secretary@demo.coop").await;
    let refused = client.get(app.at("/c/other")).send().await.unwrap();
    assert!([403, 404].contains(&refused.status().as_u16()));
}

#[tokio::test]
async fn notifications_since_the_last_visit_then_none_and_never_a_secret_choice() {
    let app = TestApp::demo().await;
    let max = app.signed_in("member@demo.coop").await;
    let secretary = app.signed_in("secretary@demo.coop").await;
    // First visits: everything the demo recorded that each may see.
    let first = page(&max, &app, "/c/demo/notifications").await;
    assert!(first.contains("A ballot opened"));
    assert!(
        !first.contains("Someone applied"),
        "applications are for the register's keepers"
    );
    page(&secretary, &app, "/c/demo/notifications").await;
    // Seen: nothing new now, on the list and on the home page.
    assert!(page(&max, &app, "/c/demo/notifications")
        .await
        .contains("Nothing new since your last visit."));
    let home = page(&max, &app, "/c/demo").await;
    assert!(home.contains("Notifications: nothing new since your last visit"));

    // A secret ballot opens; Max votes in it; someone applies.
    let sam = app.demo_token("secretary@demo.coop").await;
    let id = ballot(&app, &sam, "Name the bike", true).await;
    let token = app.demo_token("member@demo.coop").await;
    let vote = json!({"answers": ["against", {"choices": [0]}]});
    let path = format!("/api/v1/coops/demo/ballots/{id}/votes");
    let cast = app.api(&token, reqwest::Method::POST, &path, Some(vote)).await;
    assert!(cast.status().is_success(), "{}", cast.status());
    app.apply("demo", "Nadia Baker", "nadia@bakery.test", "").await;

    let home = page(&max, &app, "/c/demo").await;
    assert!(
        home.contains("Notifications: 1 new since your last visit"),
        "Max: the ballot only"
    );
    let d = get(&app, &sam, DASHBOARD).await;
    assert_eq!(
        d["unseen_notifications"], 2,
        "the secretary: the ballot and the application"
    );
    let listed = page(&max, &app, "/c/demo/notifications").await;
    assert!(listed.contains(&format!("<a href=\"/c/demo/ballots/{id}\">A ballot opened</a>")));
    assert_eq!(listed.matches("<li>").count(), 1);
    // What anyone is told never says who chose what.
    let told = get(&app, &sam, "/api/v1/coops/demo/notifications").await;
    let kinds: Vec<&str> = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["application", "ballot_opened"]);
    for page_text in [listed, told.to_string(), page(&secretary, &app, "/c/demo").await] {
        for secret in ["Zebulon", "against", "participated", "Max Member"] {
            assert!(!page_text.contains(secret), "{secret}");
        }
    }
    // Read (the API visit counts too): cleared.
    assert_eq!(get(&app, &sam, DASHBOARD).await["unseen_notifications"], 0);
    assert!(page(&max, &app, "/c/demo/notifications")
        .await
        .contains("Nothing new since your last visit."));
}

#[tokio::test]
async fn no_ordinary_email_drops_a_result_but_never_a_legal_notice() {
    let app = TestApp::demo().await;
    let sam = max_prefers(&app, "none").await;
    decide(&app, &sam, "Repaint the van").await;
    let outbox = app.outbox();
    // The notice of the vote is a legal notice: Max gets it; the result is not.
    assert_eq!(
        mails_to(&outbox, "member@demo.coop", "Vote now: Repaint the van").len(),
        1
    );
    assert_eq!(
        mails_to(&outbox, "member@demo.coop", "Result: Repaint the van").len(),
        0
    );
    assert_eq!(
        mails_to(&outbox, "admin@demo.coop", "Result: Repaint the van").len(),
        1,
        "others get it"
    );
    assert_eq!(
        app.sql("SELECT 1 FROM mail_digest_items").await.len(),
        0,
        "nothing kept either"
    );
}

#[tokio::test]
async fn a_daily_digest_gathers_ordinary_mail_and_goes_once_a_day() {
    let app = TestApp::demo().await;
    let sam = max_prefers(&app, "daily").await;
    for title in ["Repaint the van", "Plant a hedge"] {
        decide(&app, &sam, title).await;
    }
    let outbox = app.outbox();
    assert_eq!(
        mails_to(&outbox, "member@demo.coop", "Vote now: Plant a hedge").len(),
        1
    );
    assert_eq!(
        mails_to(&outbox, "member@demo.coop", "Result: ").len(),
        0,
        "kept for the digest"
    );
    let pool = concord::db::pool(&app.database_url(), 1).unwrap();
    let now = chrono::Utc::now();
    let send = async |at| {
        let mut conn = pool.get().await.unwrap();
        concord::notifications::service::send_due_digests(&mut conn, at).await
    };
    assert_eq!(send(now).await.unwrap(), 1);
    let outbox = app.outbox();
    let digests = mails_to(&outbox, "member@demo.coop", "Your daily digest: 2 messages");
    assert_eq!(digests.len(), 1);
    let digest = digests[0].replace("=\r\n", "");
    let van = digest.find("Result: Repaint the van").expect("the first result");
    let hedge = digest.find("Result: Plant a hedge").expect("the second result");
    assert!(van < hedge, "oldest first");
    assert!(digest.contains("Hello Max Member,"));
    // Sent: a second run the same day, or the day after with nothing new, sends nothing.
    assert_eq!(send(now).await.unwrap(), 0);
    assert_eq!(send(now + chrono::Duration::days(1)).await.unwrap(), 0);
    // A new result waits until a day has passed since the last digest.
    decide(&app, &sam, "Open on Sundays").await;
    assert_eq!(send(now + chrono::Duration::hours(23)).await.unwrap(), 0);
    assert_eq!(send(now + chrono::Duration::hours(24)).await.unwrap(), 1);
    let outbox = app.outbox();
    assert_eq!(
        mails_to(&outbox, "member@demo.coop", "Your daily digest: 1 message").len(),
        1
    );
}

#[tokio::test]
async fn a_bad_email_preference_gets_a_field_error_on_the_page_and_the_api() {
    let app = TestApp::demo().await;
    let token = app.demo_token("member@demo.coop").await;
    let path = "/api/v1/me/email-preferences";
    assert_eq!(
        json(app.api(&token, reqwest::Method::GET, path, None).await, 200).await,
        json!({"delivery": "immediate"})
    );
    for bad in [json!({"delivery": "weekly"}), json!({"delivery": ""}), json!({})] {
        let body = problem(
            app.api(&token, reqwest::Method::PUT, path, Some(bad)).await,
            422,
            "validation",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "delivery");
    }
    let refused = app.client().get(app.at(path)).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    // The account page's form.
    let client = app.signed_in("member@demo.coop").await;
    let account = page(&client, &app, "/account").await;
    assert!(account.contains("value=\"immediate\" checked"));
    let sent = client
        .post(app.at("/account/email"))
        .form(&[("csrf", csrf_of(&account).as_str()), ("delivery", "weekly")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 422);
    let html = sent.text().await.unwrap();
    assert!(html.contains("id=\"delivery-error\""), "the error sits by the field");
    assert!(html.contains("Choose immediate, daily or none."));
    let saved = client
        .post(app.at("/account/email"))
        .form(&[("csrf", csrf_of(&account).as_str()), ("delivery", "daily")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let account = page(&client, &app, "/account?done=email").await;
    assert!(account.contains("value=\"daily\" checked"));
    assert!(account.contains("Your e-mail preference is saved."));
    assert_eq!(
        json(app.api(&token, reqwest::Method::GET, path, None).await, 200).await,
        json!({"delivery": "daily"})
    );
}

#[tokio::test]
async fn the_dashboard_is_in_the_openapi_document() {
    let app = TestApp::demo().await;
    let doc: Value = app
        .client()
        .get(app.at("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/coops/{slug}/dashboard",
        "/api/v1/coops/{slug}/notifications",
        "/api/v1/me/email-preferences",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["Dashboard"].is_object());
}

#[tokio::test]
async fn each_roles_dashboard_on_a_phone_passes_the_accessibility_audit() {
    let app = TestApp::demo().await;
    let browser = Browser::start(360, 740).await;
    for (email, section, shot) in [
        ("member@demo.coop", "#membership", "dashboard-member"),
        ("treasurer@demo.coop", "#treasurer-payments", "dashboard-treasurer"),
        ("secretary@demo.coop", "#registrar-work", "dashboard-secretary"),
        ("board@demo.coop", "#registrar-work", "dashboard-board"),
    ] {
        sign_in_as(&browser, &app, email).await;
        assert!(!browser.text(section).await.is_empty(), "{email}");
        let violations = browser.accessibility_violations().await;
        assert!(violations.is_empty(), "{email}: {violations:?}");
        // The screenshot shows the role's own section.
        browser.goto(&app.at(&format!("/c/demo{section}"))).await;
        browser.screenshot(shot).await;
        browser.goto(&app.at("/c/demo/notifications")).await;
        let violations = browser.accessibility_violations().await;
        assert!(violations.is_empty(), "{email} notifications: {violations:?}");
        sign_out(&browser, &app).await;
    }
    browser.close().await;
}
