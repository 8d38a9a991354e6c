//! Share capital: classes, subscriptions in instalments, payments exact to the cent,
//! statements and totals, corrections by reversal, and races that must end
//! consistent.

use crate::common::{json, problem, Options, TestApp};
use serde_json::{json, Value};

struct Capital<'a> {
    app: &'a TestApp,
    treasurer: String,
}

impl<'a> Capital<'a> {
    async fn new(app: &'a TestApp) -> Capital<'a> {
        // The demo's books are closed until yesterday; these tests write a history dated
        // in 2026, so they start from a co-op with no closed year, where an officer may
        // date a subscription back, with a reason.
        app.exec("DELETE FROM distributions; DELETE FROM hours_entries; DELETE FROM fiscal_years;")
            .await;
        Capital {
            app,
            treasurer: app.demo_token("treasurer@demo.coop").await,
        }
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.app
            .client()
            .post(self.app.at(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        json(
            self.app
                .client()
                .get(self.app.at(path))
                .bearer_auth(&self.treasurer)
                .send()
                .await
                .unwrap(),
            200,
        )
        .await
    }

    async fn class(&self, body: Value) -> String {
        let response = self
            .post(&self.treasurer, "/api/v1/coops/demo/share-classes", body)
            .await;
        json(response, 201).await["id"].as_str().unwrap().to_string()
    }

    async fn entry(&self, body: Value) -> reqwest::Response {
        self.post(&self.treasurer, "/api/v1/coops/demo/capital/entries", body)
            .await
    }

    async fn member_id(&self, email: &str) -> String {
        self.app.member_id(email).await
    }

    async fn subscribe(&self, member: &str, class: &str, shares: u32, in_instalments: bool) -> String {
        let response = self
            .entry(
                json!({"operation": "subscribe", "member_id": member, "class_id": class, "shares": shares,
                "date": "2026-01-15", "in_instalments": in_instalments, "reason": "signed on paper in January"}),
            )
            .await;
        json(response, 201).await[0]["kind"]["subscription"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn pay(&self, subscription: &str, amount: &str, reference: &str) -> reqwest::Response {
        self.entry(
            json!({"operation": "payment", "subscription_id": subscription, "date": "2026-02-01",
            "amount": amount, "method": "bank_transfer", "reference": reference}),
        )
        .await
    }

    async fn statement(&self, member: &str, as_of: &str) -> Value {
        self.get(&format!("/api/v1/coops/demo/members/{member}/capital?as_of={as_of}"))
            .await
    }
}

fn money(value: &Value) -> String {
    value["amount"]
        .as_str()
        .unwrap_or_else(|| panic!("money in {value}"))
        .to_string()
}

/// The line of `subscription` on a member's statement: the demo's members have their
/// own subscriptions (from when they joined) besides those a test makes.
fn subscription_line<'a>(statement: &'a Value, subscription: &str) -> &'a Value {
    statement["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == subscription)
        .unwrap_or_else(|| panic!("subscription {subscription} in {statement}"))
}

#[tokio::test]
async fn a_subscription_in_instalments_is_paid_to_the_cent() {
    let app = TestApp::demo().await;
    let capital = Capital::new(&app).await;
    // €100.00 a share, payable in 3 monthly instalments: 33.34, 33.33, 33.33.
    let class = capital
        .class(json!({"name": "Parts A", "par_value": "100.00", "max_per_member": 10,
            "instalment_count": 3, "instalment_period_months": 1}))
        .await;
    let max = capital.member_id("member@demo.coop").await;
    let subscription = capital.subscribe(&max, &class, 1, true).await;
    let before = capital.statement(&max, "2026-01-20").await;
    // Max's statement lists the demo's subscription (2023) too: this test's is the one
    // of its own class.
    let lines = &subscription_line(&before, &subscription)["dues"]["lines"];
    let amounts: Vec<String> = lines.as_array().unwrap().iter().map(|l| money(&l["amount"])).collect();
    assert_eq!(amounts, ["33.34", "33.33", "33.33"]);

    assert_eq!(capital.pay(&subscription, "33.34", "VIR-001").await.status(), 201);
    let over = capital.pay(&subscription, "70.00", "VIR-002").await;
    problem(over, 409, "conflict").await;
    let bad = capital.pay(&subscription, "12.345", "VIR-003").await;
    let body = problem(bad, 422, "validation").await;
    assert_eq!(body["errors"][0]["field"], "amount");
    let negative = capital.pay(&subscription, "-5.00", "VIR-004").await;
    problem(negative, 422, "validation").await;

    let statement = capital.statement(&max, "2026-06-30").await;
    let dues = &subscription_line(&statement, &subscription)["dues"];
    assert_eq!(money(&dues["paid"]), "33.34");
    assert_eq!(
        money(&dues["overdue"]),
        "66.66",
        "both later instalments fell due by June"
    );
    // Max's account adds the demo's subscription of September 2023: two €50 shares, €50
    // paid and the other €50 overdue since December 2023.
    let account = &statement["account"];
    assert_eq!(money(&account["subscribed"]), "200.00", "100.00 + 100.00");
    assert_eq!(money(&account["paid"]), "83.34", "33.34 + 50.00");
    assert_eq!(money(&account["unpaid"]), "116.66", "66.66 + 50.00");
    assert_eq!(money(&account["overdue"]), "116.66", "66.66 + 50.00");
    assert_eq!(money(&account["balance"]), "83.34");

    assert_eq!(capital.pay(&subscription, "66.66", "VIR-005").await.status(), 201);
    let paid = capital.statement(&max, "2026-06-30").await;
    assert_eq!(
        money(&subscription_line(&paid, &subscription)["dues"]["paid"]),
        "100.00"
    );
    // Only the demo's €50 is still to pay; paid: this class's €100 and the demo's €50.
    assert_eq!(money(&paid["account"]["unpaid"]), "50.00");
    assert_eq!(money(&paid["account"]["balance"]), "150.00");
    // Max's account is one of the co-op's: the totals are the sum of the accounts.
    let totals = capital.get("/api/v1/coops/demo/capital?as_of=2026-06-30").await;
    let sum: rust_decimal::Decimal = totals["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| money(&a["balance"]).parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(money(&totals["totals"]["balance"]), sum.to_string());

    // A member sees their own statement, not someone else's.
    let member = app.demo_token("member@demo.coop").await;
    let own = app
        .client()
        .get(app.at(&format!("/api/v1/coops/demo/members/{max}/capital")))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let marie = capital.member_id("marie@demo.coop").await;
    let other = app
        .client()
        .get(app.at(&format!("/api/v1/coops/demo/members/{marie}/capital")))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    problem(other, 403, "forbidden").await;
}

#[tokio::test]
async fn the_same_payment_recorded_twice_at_once_is_written_once() {
    let app = TestApp::demo().await;
    let capital = Capital::new(&app).await;
    let class = capital.class(json!({"name": "Parts", "par_value": "50.00"})).await;
    let max = capital.member_id("member@demo.coop").await;
    let subscription = capital.subscribe(&max, &class, 4, false).await;
    let attempts = (0..8).map(|_| capital.pay(&subscription, "50.00", "BANK-2026-0042"));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let statement = capital.statement(&max, "2026-12-31").await;
    let subscription_line = statement["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == subscription.as_str())
        .unwrap();
    assert_eq!(money(&subscription_line["dues"]["paid"]), "50.00");
    let rows: i64 = app
        .sql("SELECT count(*) FROM capital_entries WHERE reference = 'BANK-2026-0042'")
        .await[0]
        .get(0);
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn concurrent_transfers_of_the_same_shares_move_them_once() {
    let app = TestApp::demo().await;
    let capital = Capital::new(&app).await;
    let class = capital.class(json!({"name": "Parts", "par_value": "50.00"})).await;
    let seller = capital.member_id("member@demo.coop").await;
    let buyers = [
        capital.member_id("marie@demo.coop").await,
        capital.member_id("board@demo.coop").await,
    ];
    let before = capital.get("/api/v1/coops/demo/capital?as_of=2026-12-31").await;
    let held_before = before["totals"]["shares_held"].as_u64().unwrap();
    let seller_before = capital.statement(&seller, "2026-12-31").await["account"]["shares_held"]
        .as_u64()
        .unwrap();
    let subscription = capital.subscribe(&seller, &class, 2, false).await;
    assert_eq!(capital.pay(&subscription, "100.00", "PAY-1").await.status(), 201);
    let board = app.demo_token("board@demo.coop").await;
    let before_joining = capital
        .post(
            &board,
            "/api/v1/coops/demo/capital/entries",
            json!({"operation": "transfer", "seller_id": seller, "buyer_id": buyers[0], "class_id": class,
                "shares": 2, "date": "2024-01-15", "decision_ref": "Board 2024-01"}),
        )
        .await;
    // Marie joined the demo co-op on 5 February 2024: a transfer needs both parties in
    // good standing on its date.
    let body = problem(before_joining, 409, "conflict").await;
    assert!(body["detail"].as_str().unwrap().contains("good standing"), "{body}");
    let today = app.today("demo").await.to_string();
    let bodies: Vec<Value> = buyers
        .iter()
        .flat_map(|buyer| std::iter::repeat_n(buyer, 3))
        .map(|buyer| {
            json!({"operation": "transfer", "seller_id": seller, "buyer_id": buyer, "class_id": class,
                "shares": 2, "date": today, "decision_ref": "Board 2026-03"})
        })
        .collect();
    let transfers = bodies
        .into_iter()
        .map(|body| capital.post(&board, "/api/v1/coops/demo/capital/entries", body));
    let statuses: Vec<u16> = futures::future::join_all(transfers)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    let totals = capital.get("/api/v1/coops/demo/capital?as_of=2026-12-31").await;
    let held: u64 = totals["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["shares_held"].as_u64().unwrap())
        .sum();
    assert_eq!(held, held_before + 2, "the two new shares exist exactly once");
    assert_eq!(totals["totals"]["shares_held"], held_before + 2);
    let seller_statement = capital.statement(&seller, "2026-12-31").await;
    assert_eq!(
        seller_statement["account"]["shares_held"], seller_before,
        "the seller keeps only their demo shares"
    );
}

#[tokio::test]
async fn a_reversal_corrects_a_payment_and_the_ledger_refuses_edits() {
    let app = TestApp::demo().await;
    let capital = Capital::new(&app).await;
    let class = capital.class(json!({"name": "Parts", "par_value": "25.00"})).await;
    let max = capital.member_id("member@demo.coop").await;
    let subscription = capital.subscribe(&max, &class, 2, false).await;
    let payment = json(capital.pay(&subscription, "50.00", "WRONG-MEMBER").await, 201).await;
    let entry = payment[0]["id"].as_str().unwrap();
    let no_reason = capital
        .entry(json!({"operation": "reversal", "entry_id": entry, "date": "2026-02-02", "reason": " "}))
        .await;
    problem(no_reason, 422, "validation").await;
    let reversed = capital
        .entry(
            json!({"operation": "reversal", "entry_id": entry, "date": "2026-02-02", "reason": "paid by someone else"}),
        )
        .await;
    assert_eq!(reversed.status(), 201);
    let statement = capital.statement(&max, "2026-12-31").await;
    // Of Max's payments only the demo's €50 of September 2023 stands: this one is undone.
    assert_eq!(money(&statement["account"]["paid"]), "50.00");
    assert_eq!(
        money(&subscription_line(&statement, &subscription)["dues"]["paid"]),
        "0.00"
    );
    let twice = capital
        .entry(json!({"operation": "reversal", "entry_id": entry, "date": "2026-02-03", "reason": "again"}))
        .await;
    problem(twice, 409, "conflict").await;
    let (client, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    for statement in ["UPDATE capital_entries SET amount = 0", "DELETE FROM capital_entries"] {
        assert!(client.batch_execute(statement).await.is_err(), "{statement}");
    }
}

/// The capital ledger's keys are checked once per statement (migration 000100), with
/// the rules of the foreign keys they replaced: a row naming a share class, a user
/// or a reversed entry that is not there fails with 23503, and a share class or a
/// user named by the ledger is neither deleted nor re-keyed. A patronage entry is
/// kept in its columns, any other entry as its JSON.
#[tokio::test]
async fn the_capital_ledger_keeps_its_keys_and_its_shape() {
    let app = TestApp::demo().await;
    let (client, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let demo = "(SELECT id FROM coops WHERE slug = 'demo')";
    let max = "(SELECT m.id FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'member@demo.coop')";
    let payment = |class: &str, recorded_by: &str| {
        format!(
            "INSERT INTO capital_entries (coop_id, id, member_id, share_class_id, kind, entry_date, amount, entry, \
             recorded_by) VALUES ({demo}, gen_random_uuid(), {max}, {class}, 'payment', '2026-01-01', 1, '{{}}', \
             {recorded_by})"
        )
    };
    let refused = |statement: String, sqlstate: tokio_postgres::error::SqlState, constraint: &'static str| {
        let client = &client;
        async move {
            let error = client.batch_execute(&statement).await.unwrap_err();
            let db = error.as_db_error().unwrap_or_else(|| panic!("{statement}: {error}"));
            assert_eq!(
                (db.code(), db.constraint()),
                (&sqlstate, Some(constraint)),
                "{statement}"
            );
        }
    };
    use tokio_postgres::error::SqlState;
    let fk = SqlState::FOREIGN_KEY_VIOLATION;
    refused(
        payment("gen_random_uuid()", "NULL"),
        fk.clone(),
        "capital_entries_coop_id_share_class_id_fkey",
    )
    .await;
    refused(
        payment("NULL", "gen_random_uuid()"),
        fk.clone(),
        "capital_entries_recorded_by_fkey",
    )
    .await;
    refused(
        format!(
            "INSERT INTO capital_entries (coop_id, id, member_id, kind, entry_date, reverses, entry) \
             VALUES ({demo}, gen_random_uuid(), {max}, 'reversal', '2026-01-01', gen_random_uuid(), '{{}}')"
        ),
        fk.clone(),
        "capital_entries_coop_id_reverses_fkey",
    )
    .await;
    // A class and a user of their own, named by one entry, cannot be deleted or
    // re-keyed; unnamed, the same class can.
    client
        .batch_execute(&format!(
            "INSERT INTO users (id, email, display_name) VALUES ('00000000-0000-7000-8000-00000000c0de', \
               'clerk@example.org', 'Clerk'); \
             INSERT INTO share_classes (coop_id, id, name, par_value) \
               VALUES ({demo}, '00000000-0000-7000-8000-0000000c1a55', 'Named', 10), \
                      ({demo}, '00000000-0000-7000-8000-0000000c1a56', 'Unnamed', 10); \
             {}",
            payment(
                "'00000000-0000-7000-8000-0000000c1a55'",
                "'00000000-0000-7000-8000-00000000c0de'"
            )
        ))
        .await
        .unwrap();
    for statement in [
        "DELETE FROM share_classes WHERE name = 'Named'",
        "UPDATE share_classes SET id = gen_random_uuid() WHERE name = 'Named'",
    ] {
        refused(
            statement.into(),
            fk.clone(),
            "capital_entries_coop_id_share_class_id_fkey",
        )
        .await;
    }
    for statement in [
        "DELETE FROM users WHERE email = 'clerk@example.org'",
        "UPDATE users SET id = gen_random_uuid() WHERE email = 'clerk@example.org'",
    ] {
        refused(statement.into(), fk.clone(), "capital_entries_recorded_by_fkey").await;
    }
    client
        .batch_execute(
            "UPDATE share_classes SET name = 'Renamed' WHERE name = 'Named'; \
                        DELETE FROM share_classes WHERE name = 'Unnamed'",
        )
        .await
        .unwrap();
    // A patronage entry has its fiscal year and currency and no JSON; any other
    // entry has its JSON and neither.
    for (kind, columns) in [
        ("patronage_retained", "2025, 'EUR', '{}'"),
        ("patronage_retained", "NULL, 'EUR', NULL"),
        ("payment", "NULL, NULL, NULL"),
        ("payment", "2025, 'EUR', '{}'"),
    ] {
        refused(
            format!(
                "INSERT INTO capital_entries (coop_id, id, member_id, kind, entry_date, amount, fiscal_year, \
                 currency, entry) VALUES ({demo}, gen_random_uuid(), {max}, '{kind}', '2026-01-01', 1, {columns})"
            ),
            SqlState::CHECK_VIOLATION,
            "capital_entries_patronage_columns",
        )
        .await;
    }
}

#[tokio::test]
async fn paying_the_qualifying_share_makes_an_admitted_applicant_a_member() {
    let app = TestApp::demo().await;
    app.exec("UPDATE coops SET requires_qualifying_share = true").await;
    let capital = Capital::new(&app).await;
    // The demo's qualifying class: "Parts sociales" at €50.00.
    let classes = capital.get("/api/v1/coops/demo/share-classes").await;
    let qualifying = classes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["qualifying"] == true)
        .unwrap();
    assert_eq!(money(&qualifying["par_value"]), "50.00");
    let class = qualifying["id"].as_str().unwrap().to_string();
    let rosa = app.apply("demo", "Rosa", "rosa@bakery.test", "").await;
    app.decide_on_member("admission", &rosa, "").await;
    let subscription = capital.subscribe(&rosa, &class, 1, false).await;
    assert_eq!(capital.pay(&subscription, "10.00", "R-1").await.status(), 201);
    let status: String = app
        .sql(&format!("SELECT status FROM members WHERE id = '{rosa}'"))
        .await[0]
        .get(0);
    assert_eq!(status, "admitted", "not yet fully paid");
    assert_eq!(capital.pay(&subscription, "40.00", "R-2").await.status(), 201);
    let status: String = app
        .sql(&format!("SELECT status FROM members WHERE id = '{rosa}'"))
        .await[0]
        .get(0);
    assert_eq!(status, "member");
}

#[tokio::test]
async fn only_treasurers_keep_the_books() {
    let app = TestApp::demo().await;
    let capital = Capital::new(&app).await;
    let member = app.demo_token("member@demo.coop").await;
    let refused = capital
        .post(
            &member,
            "/api/v1/coops/demo/share-classes",
            json!({"name": "Mine", "par_value": "1.00"}),
        )
        .await;
    problem(refused, 403, "forbidden").await;
    let class = capital
        .class(json!({"name": "Parts", "par_value": "10.00", "max_per_member": 5}))
        .await;
    let max = capital.member_id("member@demo.coop").await;
    let marie = capital.member_id("marie@demo.coop").await;
    // A member may subscribe for themself (dated today), not for someone else, and not
    // above the maximum.
    let today = app.today("demo").await.to_string();
    let own = capital
        .post(
            &member,
            "/api/v1/coops/demo/capital/entries",
            json!({"operation": "subscribe", "member_id": max, "class_id": class, "shares": 2, "date": today}),
        )
        .await;
    assert_eq!(own.status(), 201);
    let for_other = capital
        .post(
            &member,
            "/api/v1/coops/demo/capital/entries",
            json!({"operation": "subscribe", "member_id": marie, "class_id": class, "shares": 1, "date": "2026-01-01"}),
        )
        .await;
    problem(for_other, 403, "forbidden").await;
    let too_many = capital
        .post(
            &member,
            "/api/v1/coops/demo/capital/entries",
            json!({"operation": "subscribe", "member_id": max, "class_id": class, "shares": 4, "date": today}),
        )
        .await;
    problem(too_many, 409, "conflict").await;
    let bad_class = capital
        .class_response(json!({"name": "Bad", "par_value": "0.00"}))
        .await;
    problem(bad_class, 422, "validation").await;
}

impl Capital<'_> {
    async fn class_response(&self, body: Value) -> reqwest::Response {
        self.post(&self.treasurer, "/api/v1/coops/demo/share-classes", body)
            .await
    }
}

#[tokio::test]
async fn remind_writes_to_members_with_instalments_due() {
    let app = TestApp::demo().await;
    // The command shares the server's data directory, outbox included: whichever of
    // them delivers a reminder, it is written there once.
    let remind = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["remind", "--public-url", "https://coop.example"])
            .env("DATABASE_URL", app.database_url())
            .env("CONCORD_DATA_DIR", &app.data_dir)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    // In the demo, Théo (4 shares, one of four instalments paid) and Max (2 shares,
    // two of four instalments paid) have instalments due; everyone else has paid.
    assert_eq!(remind(), "2 instalment reminders and 0 ballot reminders sent\n");
    let mails: Vec<String> = app
        .outbox()
        .into_iter()
        // Undo quoted-printable: soft line breaks, and the euro sign's bytes.
        .map(|m| m.replace("=\r\n", "").replace("=E2=82=AC", "€"))
        .collect();
    let to_max = mails
        .iter()
        .find(|m| m.contains("To: member@demo.coop"))
        .expect("Max is reminded");
    // Max subscribed €100 in four monthly instalments of €25 from September 2023 and paid
    // €50: the last two, €50, fell due in November and December 2023 and are overdue.
    assert!(
        to_max.contains("€50.00 in all, of which €50.00 is overdue"),
        "two instalments of €25.00 are overdue: {to_max}"
    );
    assert!(to_max.contains("https://coop.example/c/demo/capital/me"));
    let to_theo = mails
        .iter()
        .find(|m| m.contains("To: treasurer@demo.coop"))
        .expect("Théo is reminded");
    assert!(to_theo.contains("versement"), "in French: {to_theo}");
    // Never twice a day; then weekly while the instalments stay overdue.
    assert_eq!(remind(), "0 instalment reminders and 0 ballot reminders sent\n");
    app.exec("UPDATE instalment_reminders SET last_sent_on = last_sent_on - 6")
        .await;
    assert_eq!(remind(), "0 instalment reminders and 0 ballot reminders sent\n");
    app.exec("UPDATE instalment_reminders SET last_sent_on = last_sent_on - 1")
        .await;
    assert_eq!(remind(), "2 instalment reminders and 0 ballot reminders sent\n");
    assert_eq!(
        app.outbox()
            .iter()
            .filter(|m| m.contains("To: member@demo.coop") && m.contains("/capital/me"))
            .count(),
        2,
        "Max is reminded on the first day and a week later"
    );
}

#[tokio::test]
async fn the_server_reminds_by_itself_and_never_twice_beside_the_command() {
    let app = TestApp::spawn(Options {
        settings: Box::new(|s| s.send_reminders = true),
        ..Options::default()
    })
    .await;
    // The server runs the reminders as it starts, then every quarter of an hour.
    app.wait_for_recurring("reminders").await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["remind"])
        .env("DATABASE_URL", app.database_url())
        .env("CONCORD_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "0 instalment reminders and 0 ballot reminders sent\n",
        "the server has reminded them already today"
    );
    let mut reminded: Vec<String> = app
        .outbox()
        .iter()
        .filter(|m| m.contains("/capital/me"))
        .filter_map(|m| m.lines().find(|l| l.starts_with("To: ")).map(str::to_string))
        .collect();
    reminded.sort();
    assert_eq!(reminded, ["To: member@demo.coop", "To: treasurer@demo.coop"]);
}

#[tokio::test]
async fn the_board_redeems_shares_from_the_page_and_the_member_is_told() {
    let app = TestApp::demo().await;
    let capital = Capital::new(&app).await;
    let marie = capital.member_id("marie@demo.coop").await;
    let classes = capital.get("/api/v1/coops/demo/share-classes").await;
    let class = classes[0]["id"].as_str().unwrap().to_string();
    let board = app.signed_in("board@demo.coop").await;
    let page = board
        .get(app.at(&format!("/c/demo/capital/{marie}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::common::csrf_of(&page);
    let today = app.today("demo").await.to_string();
    let no_decision = board
        .post(app.at(&format!("/c/demo/capital/{marie}/entries")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("operation", "redemption"),
            ("class_id", &class),
            ("shares", "1"),
            ("date", &today),
            ("decision_ref", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_decision.status(), 422);
    assert!(no_decision.text().await.unwrap().contains("id=\"decision_ref-error\""));
    let redeemed = board
        .post(app.at(&format!("/c/demo/capital/{marie}/entries")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("operation", "redemption"),
            ("class_id", &class),
            ("shares", "1"),
            ("date", &today),
            ("decision_ref", "Board 2026-11-25"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(redeemed.status(), 303);
    let statement = capital.statement(&marie, &today).await;
    assert_eq!(money(&statement["account"]["redemption_payable"]), "50.00");
    assert_eq!(statement["account"]["shares_held"], 0);
    let mail = app
        .outbox()
        .into_iter()
        .find(|m| m.contains("To: marie@demo.coop"))
        .expect("Marie is told");
    assert!(mail.contains("rembourser"), "{mail}");
    let redemption = statement["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"]["kind"] == "redemption")
        .unwrap()["kind"]["redemption"]
        .as_str()
        .unwrap()
        .to_string();
    let paid = capital
        .entry(
            json!({"operation": "redemption_payment", "redemption_id": redemption, "date": today,
            "amount": "50.00", "reference": "VIR-RED-1"}),
        )
        .await;
    assert_eq!(paid.status(), 201);
    let after = capital.statement(&marie, &today).await;
    assert_eq!(money(&after["account"]["redemption_payable"]), "0.00");
}

#[tokio::test]
async fn a_redemption_racing_a_transfer_of_the_same_shares_lets_one_through() {
    let app = TestApp::demo().await;
    let capital = Capital::new(&app).await;
    let board = app.demo_token("board@demo.coop").await;
    let marie = capital.member_id("marie@demo.coop").await;
    let max = capital.member_id("member@demo.coop").await;
    let class = capital.get("/api/v1/coops/demo/share-classes").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let today = app.today("demo").await.to_string();
    // Marie holds exactly one fully paid share.
    let bodies = [
        json!({"operation": "redemption", "member_id": marie, "class_id": class, "shares": 1, "date": today,
            "decision_ref": "B-1"}),
        json!({"operation": "transfer", "seller_id": marie, "buyer_id": max, "class_id": class, "shares": 1,
            "date": today, "decision_ref": "B-2"}),
    ];
    let races = bodies
        .iter()
        .cycle()
        .take(6)
        .cloned()
        .map(|body| capital.post(&board, "/api/v1/coops/demo/capital/entries", body));
    let statuses: Vec<u16> = futures::future::join_all(races)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    let statement = capital.statement(&marie, &today).await;
    assert_eq!(statement["account"]["shares_held"], 0);
    let totals = capital.get(&format!("/api/v1/coops/demo/capital?as_of={today}")).await;
    let held: u64 = totals["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["shares_held"].as_u64().unwrap())
        .sum();
    assert_eq!(held, totals["totals"]["shares_held"].as_u64().unwrap());
}
