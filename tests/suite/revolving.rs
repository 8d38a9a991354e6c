//! The revolving schedule of retained patronage through HTTP: the co-op's
//! `revolving_years`, what is due for redemption (exact to the cent, after a loss
//! charged in between), the redemption (once per year, concurrency-safe, with cash
//! owed until paid), its reversal, the member's schedule, and bad input refused
//! with nothing changed. The worked example is the one of
//! docs/rules/distribution.md §9.

use crate::common::{csrf_of, json, problem, TestApp};
use serde_json::{json, Value};

struct Coop<'a> {
    app: &'a TestApp,
    treasurer: String,
}

impl<'a> Coop<'a> {
    async fn new(app: &'a TestApp) -> Coop<'a> {
        app.exec(
            "DELETE FROM distributions; DELETE FROM hours_entries; DELETE FROM fiscal_years;
             UPDATE members SET state = jsonb_set(state, '{member_since}', '\"2020-01-01\"') WHERE number IS NOT NULL;",
        )
        .await;
        Coop {
            app,
            treasurer: app.demo_token("treasurer@demo.coop").await,
        }
    }

    async fn send(&self, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> reqwest::Response {
        self.app
            .api(token, method, &format!("/api/v1/coops/demo{path}"), body)
            .await
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.send(&self.treasurer, reqwest::Method::POST, path, Some(body))
            .await
    }

    async fn get(&self, path: &str) -> Value {
        json(self.send(&self.treasurer, reqwest::Method::GET, path, None).await, 200).await
    }

    async fn max(&self) -> String {
        self.app
            .sql(
                "SELECT m.id::text FROM members m JOIN users u ON u.id = m.user_id \
                 WHERE u.email = 'member@demo.coop'",
            )
            .await[0]
            .get(0)
    }

    async fn scalar(&self, sql: &str) -> String {
        self.app.sql(&format!("SELECT coalesce(({sql})::text, '')")).await[0].get(0)
    }

    /// A fiscal year in which only Max worked, its distribution computed with
    /// `rules`, approved by the board and posted on `posted_on`. Answers the year's
    /// id and the distribution's.
    async fn posted_year(&self, label: &str, surplus: &str, rules: Value, posted_on: &str) -> (String, String) {
        let year = json(
            self.post(
                "/fiscal-years",
                json!({"label": label, "starts_on": format!("{label}-01-01"), "ends_on": format!("{label}-12-31")}),
            )
            .await,
            201,
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let max = self.max().await;
        json(
            self.post(
                &format!("/fiscal-years/{year}/hours"),
                json!({"member_id": max, "period_start": format!("{label}-01-01"),
                    "period_end": format!("{label}-12-31"), "hours": "1600"}),
            )
            .await,
            201,
        )
        .await;
        json(self.post(&format!("/fiscal-years/{year}/close"), json!({})).await, 200).await;
        let mut body = rules;
        body["fiscal_year_id"] = json!(year);
        body["surplus"] = json!(surplus);
        body["board_may_approve"] = json!(true);
        let id = json(self.post("/distributions", body).await, 201).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        self.app.board_approves_distribution(&id).await;
        json(
            self.post(
                &format!("/distributions/{id}/post"),
                json!({"notify": false, "date": posted_on}),
            )
            .await,
            200,
        )
        .await;
        (year, id)
    }

    /// The worked example: €1,000.00 retained for 2022, €800.00 for 2023, a loss of
    /// €300.00 charged in 2024, €600.00 retained for 2025.
    async fn worked_example(&self) -> [(String, String); 4] {
        let surplus = json!({"overrides": {"reserve_rate": "0.10", "cash_min_rate": "0.20"}});
        let loss = json!({"preset": "us_worker", "overrides": {"reserve_rate": "0.10"}});
        [
            self.posted_year("2022", "1388.89", surplus.clone(), "2023-03-31").await,
            self.posted_year("2023", "1111.12", surplus.clone(), "2024-03-31").await,
            self.posted_year("2024", "-300.00", loss, "2025-03-31").await,
            self.posted_year("2025", "833.34", surplus, "2026-03-31").await,
        ]
    }

    async fn redemptions_written(&self) -> String {
        self.scalar(
            "SELECT count(*) || ' ' || (SELECT count(*) FROM capital_entries WHERE kind = 'patronage_redeemed') \
             || ' ' || (SELECT count(*) FROM distribution_entries WHERE revolving <> 0) \
             || ' ' || (SELECT count(*) FROM audit_events WHERE action = 'patronage.retained_redeemed') \
             FROM retained_redemptions",
        )
        .await
    }
}

fn amount(v: &Value) -> &str {
    v["amount"].as_str().unwrap_or_else(|| panic!("money in {v}"))
}

fn lines(view: &Value) -> Vec<(String, String, String, String, String)> {
    view["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["fiscal_year"].as_str().unwrap().to_string(),
                l["due_on"].as_str().unwrap_or("").to_string(),
                amount(&l["retained"]).to_string(),
                amount(&l["lost"]).to_string(),
                amount(&l["outstanding"]).to_string(),
            )
        })
        .collect()
}

fn row(
    year: &str,
    due_on: &str,
    retained: &str,
    lost: &str,
    outstanding: &str,
) -> (String, String, String, String, String) {
    (
        year.into(),
        due_on.into(),
        retained.into(),
        lost.into(),
        outstanding.into(),
    )
}

#[tokio::test]
async fn retained_patronage_revolves_after_the_coops_period_exact_to_the_cent() {
    let app = TestApp::demo().await;
    let c = Coop::new(&app).await;
    let [(y2022, d2022), (y2023, d2023), _, _] = c.worked_example().await;
    let max = c.max().await;
    let retained = format!(
        "SELECT sum(CASE kind WHEN 'patronage_retained' THEN amount ELSE -amount END) FROM capital_entries c \
         WHERE member_id = '{max}' AND kind LIKE 'patronage_%' \
           AND NOT EXISTS (SELECT 1 FROM capital_entries r WHERE r.reverses = c.id)"
    );
    assert_eq!(c.scalar(&retained).await, "2100.00");

    // Without a revolving period nothing is due, and redeeming is refused.
    let none = c.get("/retained-patronage/due?as_of=2026-04-15").await;
    assert_eq!(
        (none["revolving_years"].clone(), none["lines"].as_array().unwrap().len()),
        (Value::Null, 0)
    );
    let refused = c
        .post("/retained-patronage/redemptions", json!({"date": "2026-04-15"}))
        .await;
    problem(refused, 409, "conflict").await;

    // The co-op's rule set: revolving_years is a whole number from 1 to 30.
    let put = |overrides: Value| {
        c.send(
            &c.treasurer,
            reqwest::Method::PUT,
            "/rule-set",
            Some(json!({"overrides": overrides})),
        )
    };
    for bad in ["0", "31", "2.5", "two", "-1"] {
        let refused = put(json!({"revolving_years": bad})).await;
        let body = problem(refused, 422, "validation").await;
        assert_eq!(body["errors"][0]["field"], "revolving_years", "{bad}: {body}");
    }
    assert_eq!(c.get("/rule-set").await["saved"], Value::Null);
    let saved = json(put(json!({"revolving_years": "2", "reserve_rate": "0.10"})).await, 200).await;
    assert_eq!(saved["rule_set"]["revolving_years"], 2);

    // Due on 15 April 2026: 2022 (due 31 Dec 2024) less the loss, and 2023 (due 31
    // Dec 2025); 2025's amount is due on 31 Dec 2027.
    let due = c.get("/retained-patronage/due?as_of=2026-04-15").await;
    assert_eq!(due["revolving_years"], 2);
    assert_eq!(
        lines(&due),
        vec![
            row("2022", "2024-12-31", "1000.00", "300.00", "700.00"),
            row("2023", "2025-12-31", "800.00", "0.00", "800.00"),
        ]
    );
    assert_eq!(amount(&due["total"]), "1500.00");
    // On the day before 2022's due date nothing; on it, the whole €1,000.00 (the
    // loss was charged later, in 2025).
    assert!(lines(&c.get("/retained-patronage/due?as_of=2024-12-30").await).is_empty());
    assert_eq!(
        lines(&c.get("/retained-patronage/due?as_of=2024-12-31").await),
        vec![row("2022", "2024-12-31", "1000.00", "0.00", "1000.00")]
    );

    // Who may: a member neither reads nor redeems; the board reads but does not redeem.
    let member = app.demo_token("member@demo.coop").await;
    let board = app.demo_token("board@demo.coop").await;
    for (token, read, redeem) in [(&member, 403, 403), (&board, 200, 403)] {
        let got = c
            .send(token, reqwest::Method::GET, "/retained-patronage/due", None)
            .await;
        assert_eq!(got.status(), read);
        let posted = c
            .send(
                token,
                reqwest::Method::POST,
                "/retained-patronage/redemptions",
                Some(json!({"date": "2026-04-15"})),
            )
            .await;
        assert_eq!(posted.status(), redeem);
    }

    // Bad input is refused, naming its field, and nothing is written.
    let before = c.redemptions_written().await;
    assert_eq!(before, "0 0 0 0");
    let refused = c
        .post("/retained-patronage/redemptions", json!({"date": "2999-01-01"}))
        .await;
    assert_eq!(problem(refused, 422, "validation").await["errors"][0]["field"], "date");
    let refused = c
        .post(
            "/retained-patronage/redemptions",
            json!({"date": "2026-04-15", "fiscal_year_id": "00000000-0000-0000-0000-000000000000"}),
        )
        .await;
    assert_eq!(
        problem(refused, 422, "validation").await["errors"][0]["field"],
        "fiscal_year_id"
    );
    let refused = c
        .post("/retained-patronage/redemptions", json!({"date": "tomorrow"}))
        .await;
    assert_eq!(refused.status(), 422);
    let refused = c
        .post("/retained-patronage/redemptions", json!({"date": "2024-12-30"}))
        .await;
    problem(refused, 409, "conflict").await;
    assert_eq!(c.redemptions_written().await, before);

    // 2022 alone, then once more: refused, nothing written twice.
    let redeemed = json(
        c.post(
            "/retained-patronage/redemptions",
            json!({"date": "2026-04-15", "fiscal_year_id": y2022}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        lines(&redeemed),
        vec![row("2022", "2024-12-31", "1000.00", "300.00", "700.00")]
    );
    let again = c
        .post(
            "/retained-patronage/redemptions",
            json!({"date": "2026-04-15", "fiscal_year_id": y2022}),
        )
        .await;
    assert!(problem(again, 409, "conflict").await["detail"]
        .as_str()
        .unwrap()
        .contains("already redeemed"));
    assert_eq!(c.redemptions_written().await, "1 1 1 1");
    // Everything else due: 2023 only.
    let rest = json(
        c.post("/retained-patronage/redemptions", json!({"date": "2026-04-15"}))
            .await,
        201,
    )
    .await;
    assert_eq!(amount(&rest["total"]), "800.00");
    problem(
        c.post("/retained-patronage/redemptions", json!({"date": "2026-04-15"}))
            .await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(c.redemptions_written().await, "2 2 2 2");
    assert_eq!(c.scalar(&retained).await, "600.00");
    assert_eq!(
        c.scalar("SELECT sum(revolving) FROM distribution_entries").await,
        "1500.00"
    );

    // Max's statement: each year, what became of it, and when 2025 comes back.
    let statement = json(
        c.send(
            &member,
            reqwest::Method::GET,
            &format!("/members/{max}/capital?as_of=2026-04-15"),
            None,
        )
        .await,
        200,
    )
    .await;
    let schedule = &statement["retained_schedule"];
    assert_eq!(
        lines(schedule),
        vec![
            row("2022", "2024-12-31", "1000.00", "300.00", "0.00"),
            row("2023", "2025-12-31", "800.00", "0.00", "0.00"),
            row("2025", "2027-12-31", "600.00", "0.00", "600.00"),
        ]
    );
    assert_eq!(amount(&statement["account"]["retained_patronage"]), "600.00");
    assert_eq!(amount(&schedule["lines"][0]["redeemed"]), "700.00");

    // The cash is owed until paid, on the year's distribution.
    let view = c.get(&format!("/distributions/{d2022}")).await;
    let line = view["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["member_id"] == max.as_str())
        .unwrap()
        .clone();
    assert_eq!(amount(&line["revolving_owed"]), "700.00");
    let too_much = c
        .post(
            &format!("/distributions/{d2022}/payments"),
            json!({"member_id": max, "account": "revolving_payable", "amount": "700.01"}),
        )
        .await;
    problem(too_much, 422, "validation").await;
    json(
        c.post(
            &format!("/distributions/{d2022}/payments"),
            json!({"member_id": max, "account": "revolving_payable", "amount": "700.00", "date": "2026-04-20"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        c.scalar(&format!(
            "SELECT sum(revolving) FROM distribution_entries WHERE distribution_id = '{d2022}'"
        ))
        .await,
        "0.00"
    );
    // A redemption that stands (paid or not) keeps its distribution from being
    // reversed, and a paid one is not reversed before its payment.
    let refused = c
        .post(
            &format!("/distributions/{d2022}/reverse"),
            json!({"reason": "wrong year"}),
        )
        .await;
    problem(refused, 409, "conflict").await;
    let refused = c
        .post(
            &format!("/distributions/{d2022}/redemptions/{max}/reverse"),
            json!({"reason": "by mistake"}),
        )
        .await;
    problem(refused, 409, "conflict").await;

    // Reversing 2023's redemption (unpaid) makes it due again, to the cent; it is
    // redeemed again (the next round) exactly once, however many ask at once.
    let refused = c
        .post(
            &format!("/distributions/{d2023}/redemptions/{max}/reverse"),
            json!({"reason": " "}),
        )
        .await;
    assert_eq!(
        problem(refused, 422, "validation").await["errors"][0]["field"],
        "reason"
    );
    json(
        c.post(
            &format!("/distributions/{d2023}/redemptions/{max}/reverse"),
            json!({"reason": "redeemed by mistake", "date": "2026-04-16"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(c.scalar(&retained).await, "1400.00");
    let due = c.get("/retained-patronage/due?as_of=2026-04-16").await;
    assert_eq!(lines(&due), vec![row("2023", "2025-12-31", "800.00", "0.00", "800.00")]);
    let attempts = (0..6).map(|_| {
        c.post(
            "/retained-patronage/redemptions",
            json!({"date": "2026-04-16", "fiscal_year_id": y2023}),
        )
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    assert_eq!(
        c.scalar(&format!(
            "SELECT string_agg(round::text || ':' || amount::text, ',' ORDER BY round) FROM retained_redemptions \
             WHERE distribution_id = '{d2023}'"
        ))
        .await,
        "1:800.00,2:800.00"
    );
    assert_eq!(c.scalar(&retained).await, "600.00");
    assert_eq!(
        c.scalar(&format!(
            "SELECT sum(revolving) FROM distribution_entries WHERE distribution_id = '{d2023}'"
        ))
        .await,
        "800.00"
    );
    // The ledgers stay append-only.
    let changed = app.sql("SELECT count(*) FROM retained_redemptions").await[0].get::<_, i64>(0);
    assert_eq!(changed, 3);
    assert!(app
        .client()
        .get(app.at("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("/api/v1/coops/{slug}/retained-patronage/redemptions"));
}

#[tokio::test]
async fn the_treasurer_redeems_from_the_page_and_the_member_sees_the_schedule() {
    let app = TestApp::demo().await;
    let c = Coop::new(&app).await;
    c.worked_example().await;
    let client = app.signed_in("treasurer@demo.coop").await;
    let home = client
        .get(app.at("/c/demo/patronage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&home);
    assert!(home.contains("/c/demo/patronage/retained"));
    // The rule set's field: a bad value is shown next to it, nothing saved.
    let refused = client
        .post(app.at("/c/demo/patronage/rules"))
        .form(&[("csrf", csrf.as_str()), ("preset", ""), ("revolving_years", "45")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("id=\"own-revolving_years\" name=\"revolving_years\" value=\"45\" aria-invalid"),
        "{page}"
    );
    assert_eq!(c.get("/rule-set").await["saved"], Value::Null);
    let saved = client
        .post(app.at("/c/demo/patronage/rules"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("preset", ""),
            ("revolving_years", "2"),
            ("reserve_rate", "0.10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let page = client
        .get(app.at("/c/demo/patronage/retained?as_of=2026-04-15"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The treasurer reads French: "700,00 €".
    assert!(
        page.contains("700,00") && page.contains("800,00") && page.contains("500,00"),
        "{page}"
    );
    // A date in the future is refused next to its field.
    let refused = client
        .post(app.at("/c/demo/patronage/retained/redeem"))
        .form(&[("csrf", csrf.as_str()), ("date", "2999-01-01"), ("fiscal_year_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("aria-invalid"));
    assert_eq!(c.redemptions_written().await, "0 0 0 0");
    let redeemed = client
        .post(app.at("/c/demo/patronage/retained/redeem"))
        .form(&[("csrf", csrf.as_str()), ("date", "2026-04-15"), ("fiscal_year_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(redeemed.status(), 303);
    assert_eq!(
        redeemed.headers()["location"].to_str().unwrap(),
        "/c/demo/patronage/retained?as_of=2026-04-15&done=redeemed"
    );
    assert_eq!(c.redemptions_written().await, "2 2 2 1");
    // Twice: the form again with the reason.
    let again = client
        .post(app.at("/c/demo/patronage/retained/redeem"))
        .form(&[("csrf", csrf.as_str()), ("date", "2026-04-15"), ("fiscal_year_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    assert_eq!(c.redemptions_written().await, "2 2 2 1");

    // Max sees each year on his capital statement.
    let max = app.signed_in("member@demo.coop").await;
    let me = max.get(app.at("/c/demo/capital/me")).send().await.unwrap();
    let location = me.headers()["location"].to_str().unwrap().to_string();
    let statement = max.get(app.at(&location)).send().await.unwrap().text().await.unwrap();
    assert!(
        statement.contains("2027-12-31") && statement.contains("600.00"),
        "{statement}"
    );
}
