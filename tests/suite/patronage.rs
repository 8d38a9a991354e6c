//! The year-end distribution through HTTP: fiscal years, hours (imported all or
//! nothing), a draft with exact figures, approval, posting (once, even when asked
//! many times at once), notices, payments, and a reversal that restores every
//! account to the cent.

use crate::common::{csrf_of, json, problem, TestApp};
use serde_json::{json, Value};

struct Patronage<'a> {
    app: &'a TestApp,
    treasurer: String,
}

fn money(value: &Value) -> String {
    value["amount"]
        .as_str()
        .unwrap_or_else(|| panic!("money in {value}"))
        .to_string()
}

impl<'a> Patronage<'a> {
    async fn new(app: &'a TestApp) -> Patronage<'a> {
        // The demo has a closed year and a draft; these tests start from a clean slate.
        app.exec("DELETE FROM distributions; DELETE FROM hours_entries; DELETE FROM fiscal_years;")
            .await;
        // The demo's members all joined before 2025; for this 2025 year, Rémi (the
        // former member) left on 1 July 2025.
        app.exec(
            "UPDATE members m SET state = jsonb_set(m.state, '{since}', '\"2025-07-01\"')
               FROM users u WHERE u.id = m.user_id AND u.email = 'remi@example.org';",
        )
        .await;
        Patronage {
            app,
            treasurer: app.demo_token("treasurer@demo.coop").await,
        }
    }

    /// A draft ballot of the kind that approves a distribution, by the secretary.
    async fn approval_ballot(&self) -> String {
        let secretary = self.app.demo_token("secretary@demo.coop").await;
        let body = json!({"title": "Approve the distribution", "closes_at": "2031-01-01T00:00:00Z",
            "decision_kind": "distribution_approval",
            "questions": [{"title": "Approve the year's distribution", "kind": "motion",
                           "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]});
        let created = self
            .app
            .api(
                &secretary,
                reqwest::Method::POST,
                "/api/v1/coops/demo/ballots",
                Some(body),
            )
            .await;
        json(created, 201).await["id"].as_str().unwrap().to_string()
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

    async fn import(&self, year: &str, csv: &str) -> reqwest::Response {
        self.app
            .client()
            .post(
                self.app
                    .at(&format!("/api/v1/coops/demo/fiscal-years/{year}/hours/import")),
            )
            .bearer_auth(&self.treasurer)
            .header("content-type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .unwrap()
    }

    async fn member(&self, email: &str) -> (String, i64) {
        let row = &self
            .app
            .sql(&format!(
                "SELECT m.id::text, m.number FROM members m JOIN users u ON u.id = m.user_id \
                 JOIN coops c ON c.id = m.coop_id WHERE c.slug = 'demo' AND u.email = '{email}'"
            ))
            .await[0];
        (row.get(0), row.get(1))
    }

    async fn count(&self, sql: &str) -> i64 {
        self.app.sql(sql).await[0].get(0)
    }

    async fn sum(&self, sql: &str) -> String {
        self.app
            .sql(&format!("SELECT coalesce(({sql}), 0)::numeric(14,2)::text"))
            .await[0]
            .get(0)
    }

    /// A 2025 year with capital and hours, closed: Max has €200 paid before the
    /// year, Marie €100 paid on 2 July (183 of 365 days), and hours for Max 1607,
    /// Marie 1200, Théo 800 and Rémi 600 (he left on 1 July). The demo's own capital,
    /// paid when each member joined (2021–2024), stands all year too: Amina €500,
    /// Théo €50, Sam €100, Bea €150, Max €50, Marie €50 and Rémi €100.
    async fn closed_year(&self) -> String {
        let year = json(
            self.post(
                "/fiscal-years",
                json!({"label": "2025", "starts_on": "2025-01-01", "ends_on": "2025-12-31"}),
            )
            .await,
            201,
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let class = self.get("/share-classes").await[0]["id"].as_str().unwrap().to_string();
        for (email, shares, date) in [
            ("member@demo.coop", 4, "2024-12-15"),
            ("marie@demo.coop", 2, "2025-07-02"),
        ] {
            let (member, _) = self.member(email).await;
            let subscription = json(
                self.post(
                    "/capital/entries",
                    json!({"operation": "subscribe", "member_id": member, "class_id": class, "shares": shares,
                        "date": date, "reason": "the year's history, from the paper register"}),
                )
                .await,
                201,
            )
            .await[0]["kind"]["subscription"]
                .as_str()
                .unwrap()
                .to_string();
            let amount = format!("{}.00", shares * 50);
            json(
                self.post(
                    "/capital/entries",
                    json!({"operation": "payment", "subscription_id": subscription, "date": date,
                        "amount": amount, "method": "bank_transfer", "reference": format!("P-{email}")}),
                )
                .await,
                201,
            )
            .await;
        }
        let (_, max) = self.member("member@demo.coop").await;
        let (_, theo) = self.member("treasurer@demo.coop").await;
        let csv = format!(
            "member,period_start,period_end,hours,wages\n\
             {max},2025-01-01,2025-12-31,1607,\n\
             marie@demo.coop,2025-01-01,2025-12-31,1200.00,\n\
             {theo},2025-01-01,2025-06-30,800,\n"
        );
        assert_eq!(json(self.import(&year, &csv).await, 201).await["imported"], 3);
        let (remi, _) = self.member("remi@example.org").await;
        json(
            self.post(
                &format!("/fiscal-years/{year}/hours"),
                json!({"member_id": remi, "period_start": "2025-01-01", "period_end": "2025-06-30", "hours": "600"}),
            )
            .await,
            201,
        )
        .await;
        json(self.post(&format!("/fiscal-years/{year}/close"), json!({})).await, 200).await;
        year
    }

    async fn draft(&self, year: &str, board_may_approve: bool) -> Value {
        json(
            self.post(
                "/distributions",
                json!({"fiscal_year_id": year, "surplus": "10000.00", "board_may_approve": board_may_approve,
                    "overrides": {"reserve_rate": "0.10", "share_return_rate": "0.05", "cash_min_rate": "0.20"}}),
            )
            .await,
            201,
        )
        .await
    }

    /// A distribution proposed and approved by the board, ready to post.
    async fn approved(&self, year: &str) -> String {
        let draft = self.draft(year, true).await;
        let id = draft["id"].as_str().unwrap().to_string();
        self.app.board_approves_distribution(&id).await;
        let path = format!("/distributions/{id}");
        let approved = self.send(&self.treasurer, reqwest::Method::GET, &path, None).await;
        assert_eq!(json(approved, 200).await["status"], "approved");
        id
    }
}

fn line(view: &Value, number: i64) -> &Value {
    view["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["number"] == number)
        .unwrap_or_else(|| panic!("no line for {number}"))
}

#[tokio::test]
async fn the_treasurer_runs_a_year_end_distribution_through_the_api() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = json(
        p.post(
            "/fiscal-years",
            json!({"label": "2025", "starts_on": "2025-01-01", "ends_on": "2025-12-31"}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let overlap = p
        .post(
            "/fiscal-years",
            json!({"label": "2025b", "starts_on": "2025-06-01", "ends_on": "2026-05-31"}),
        )
        .await;
    assert_eq!(
        problem(overlap, 422, "validation").await["errors"][0]["field"],
        "starts_on"
    );

    // One bad row: nothing is imported, every bad line is named.
    let (max, max_number) = p.member("member@demo.coop").await;
    let bad = format!(
        "member,period_start,period_end,hours\n\
         {max_number},2025-01-01,2025-06-30,800\n\
         999,2025-01-01,2025-06-30,10\n\
         marie@demo.coop,2025-01-01,2025-06-30,-3\n\
         {max_number},2025-06-01,2025-06-30,10\n\
         marie@demo.coop,2025-07-01,2026-01-31,10\n"
    );
    let refused = problem(p.import(&year, &bad).await, 422, "validation").await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["line 3", "line 4", "line 5", "line 6"], "{refused}");
    assert_eq!(p.count("SELECT count(*) FROM hours_entries").await, 0);
    p.app.exec("DELETE FROM fiscal_years").await;

    let year = p.closed_year().await;
    // After closing, a correction needs a reason, and keeps before and after.
    let correction = json!({"member_id": max, "period_start": "2025-01-01", "period_end": "2025-12-31",
        "hours": "1607.00"});
    let refused = p.post(&format!("/fiscal-years/{year}/hours"), correction.clone()).await;
    assert_eq!(
        problem(refused, 422, "validation").await["errors"][0]["field"],
        "reason"
    );
    let mut with_reason = correction.clone();
    with_reason["reason"] = json!("payroll export checked");
    json(p.post(&format!("/fiscal-years/{year}/hours"), with_reason).await, 201).await;
    let audit = app
        .sql("SELECT data::text FROM audit_events WHERE action = 'patronage.hours_corrected'")
        .await;
    let data: String = audit[0].get(0);
    assert!(
        data.contains("\"before\"") && data.contains("payroll export checked"),
        "{data}"
    );
    // Imports are for open years only.
    problem(
        p.import(&year, "member,period_start,period_end,hours\n").await,
        409,
        "conflict",
    )
    .await;

    // The draft: 10 % reserve, 5 % on capital, the rest by hours, 20 % in cash.
    let draft = p.draft(&year, false).await;
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].as_str().unwrap().to_string();
    let again = p.get(&format!("/distributions/{id}")).await;
    assert_eq!(again["reproducible"], true);
    assert_eq!(again["totals"], draft["totals"]);
    assert_eq!(draft["rule_set_hash"].as_str().unwrap().len(), 64);
    let t = &draft["totals"];
    assert_eq!(money(&t["surplus"]), "10000.00");
    assert_eq!(money(&t["reserve"]), "1000.00");
    // 5 % of the capital held through the year, floored to the cent: Amina €25.00, Théo
    // €2.50, Sam €5.00, Bea €7.50, Rémi €5.00 (his shares were redeemed only in 2026),
    // Max 5 % × (€50 + €200) = €12.50, and Marie 5 % × (€50 + €100 × 183/365 =
    // €100.14) = €5.007…, so €5.00: €62.50 in all.
    assert_eq!(money(&t["share_return"]), "62.50");
    assert_eq!(money(&t["patronage"]), "8937.50");
    assert_eq!(t["hours"], "4207");
    let (_, marie_number) = p.member("marie@demo.coop").await;
    let (_, theo_number) = p.member("treasurer@demo.coop").await;
    let (remi, remi_number) = p.member("remi@example.org").await;
    let max_line = line(&draft, max_number);
    assert_eq!(money(&max_line["share_return"]), "12.50");
    assert_eq!(money(&max_line["eligible_capital"]), "250.00");
    assert_eq!(money(&line(&draft, marie_number)["eligible_capital"]), "100.14");
    assert_eq!(money(&line(&draft, marie_number)["share_return"]), "5.00");
    // 8,937.50 by hours, in cents: 1607/4207 → 341,396.78…; 1200 → 254,932.26…;
    // 800 → 169,954.84…; 600 → 127,466.13…. The floors leave 2 cents, which go to
    // the largest remainders: Théo (.84) and Max (.78).
    let patronage: Vec<String> = [max_number, marie_number, theo_number, remi_number]
        .iter()
        .map(|n| money(&line(&draft, *n)["patronage"]))
        .collect();
    assert_eq!(patronage, ["3413.97", "2549.32", "1699.55", "1274.66"]);
    // Cash is at least 20 %, rounded up: 3,413.97 × 0.2 = 682.794 → 682.80.
    assert_eq!(money(&max_line["cash"]), "682.80");
    assert_eq!(money(&max_line["retained"]), "2731.17");
    // Rémi left on 1 July: his hours count, and so does his patronage, with the return
    // on the €100 he held: 1,274.66 + 5.00.
    assert_eq!(money(&line(&draft, remi_number)["total"]), "1279.66");
    assert_eq!(
        draft["worked_line"],
        "Théo Trésorier: 800 h of 4,207 h × €8,937.50 = €1,699.55; shares: €50.00 × 5 % = €2.50; \
         cash €339.91, retained €1,359.64"
    );

    // Authorisation: a member cannot post, and another co-op never sees it.
    let member = app.demo_token("member@demo.coop").await;
    let refused = p
        .send(
            &member,
            reqwest::Method::POST,
            &format!("/distributions/{id}/post"),
            None,
        )
        .await;
    problem(refused, 403, "forbidden").await;
    problem(
        p.send(&member, reqwest::Method::GET, &format!("/distributions/{id}"), None)
            .await,
        403,
        "forbidden",
    )
    .await;
    // Not yet approved: it cannot be posted; the members' ballot approves it, not the board.
    problem(
        p.post(&format!("/distributions/{id}/post"), json!({})).await,
        409,
        "conflict",
    )
    .await;
    let ballot = p.approval_ballot().await;
    let proposed = json(
        p.post(&format!("/distributions/{id}/propose"), json!({"ballot_id": ballot}))
            .await,
        200,
    )
    .await;
    assert_eq!(proposed["status"], "proposed");
    // The ballot passes (the close settles it: see the_approving_ballot_settles_a_proposed_distribution).
    app.exec(&format!(
        "UPDATE distributions SET status = 'approved', approved_at = now() WHERE id = '{id}'"
    ))
    .await;
    let posted = json(
        p.post(&format!("/distributions/{id}/post"), json!({"date": "2026-03-31"}))
            .await,
        200,
    )
    .await;
    assert_eq!(posted["status"], "posted");
    assert_eq!(
        p.count("SELECT count(*) FROM fiscal_years WHERE status = 'distributed'")
            .await,
        1
    );

    // The ledgers: reserve, payables, and retained patronage in the capital accounts.
    assert_eq!(p.sum("SELECT sum(reserve) FROM distribution_entries").await, "1000.00");
    assert_eq!(
        p.sum("SELECT sum(share_return) FROM distribution_entries").await,
        "62.50"
    );
    let cash = money(&posted["totals"]["cash"]);
    let retained = money(&posted["totals"]["retained"]);
    assert_eq!(
        p.sum("SELECT sum(patronage_cash) FROM distribution_entries").await,
        cash
    );
    assert_eq!(
        p.sum("SELECT sum(amount) FROM capital_entries WHERE kind = 'patronage_retained'")
            .await,
        retained
    );
    let statement = p.get(&format!("/members/{max}/capital?as_of=2026-04-01")).await;
    // Max's paid capital (€50 from the demo, €200 from this year) and his retained
    // patronage: 250.00 + 2,731.17.
    assert_eq!(money(&statement["account"]["retained_patronage"]), "2731.17");
    assert_eq!(money(&statement["account"]["balance"]), "2981.17");

    // Max's notice, his alone, and by e-mail.
    let notice = json(
        p.send(
            &member,
            reqwest::Method::GET,
            &format!("/distributions/{id}/notices/{max}"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(money(&notice["line"]["cash"]), "682.80");
    assert_eq!(notice["posted_on"], "2026-03-31");
    problem(
        p.send(
            &member,
            reqwest::Method::GET,
            &format!("/distributions/{id}/notices/{remi}"),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let mail = app
        .outbox()
        .into_iter()
        .find(|m| m.contains("To: member@demo.coop") && m.contains("2025"))
        .expect("a notice to Max");
    assert!(mail.contains("682.80"), "{mail}");

    // Reversal: a reason is required; every account back to the cent.
    let no_reason = p
        .post(&format!("/distributions/{id}/reverse"), json!({"reason": " "}))
        .await;
    problem(no_reason, 422, "validation").await;
    let reversed = json(
        p.post(
            &format!("/distributions/{id}/reverse"),
            json!({"reason": "surplus misstated", "date": "2026-04-02"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reversed["status"], "reversed");
    for account in ["reserve", "share_return", "patronage_cash"] {
        assert_eq!(
            p.sum(&format!("SELECT sum({account}) FROM distribution_entries")).await,
            "0.00",
            "{account}"
        );
    }
    let statement = p.get(&format!("/members/{max}/capital?as_of=2026-04-03")).await;
    assert_eq!(money(&statement["account"]["retained_patronage"]), "0.00");
    assert_eq!(money(&statement["account"]["balance"]), "250.00");
    problem(
        p.post(&format!("/distributions/{id}/reverse"), json!({"reason": "again"}))
            .await,
        409,
        "conflict",
    )
    .await;
    // The year is open to a corrected distribution.
    assert_eq!(p.get("/fiscal-years").await[0]["status"], "closed");
    let actions: Vec<String> = app
        .sql("SELECT action FROM audit_events WHERE action LIKE 'patronage.%' ORDER BY id")
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    for expected in [
        "patronage.year_created",
        "patronage.hours_imported",
        "patronage.year_closed",
        "patronage.distribution_drafted",
        "patronage.distribution_proposed",
        "patronage.distribution_posted",
        "patronage.distribution_reversed",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
}

#[tokio::test]
async fn the_demo_has_a_closed_year_with_hours_and_a_draft() {
    let app = TestApp::demo().await;
    let treasurer = app.demo_token("treasurer@demo.coop").await;
    let get = |path: &str| {
        app.client()
            .get(app.at(&format!("/api/v1/coops/demo{path}")))
            .bearer_auth(&treasurer)
            .send()
    };
    let years = json(get("/fiscal-years").await.unwrap(), 200).await;
    assert_eq!(years[0]["status"], "closed");
    let list = json(get("/distributions").await.unwrap(), 200).await;
    let id = list[0]["id"].as_str().unwrap();
    let draft = json(get(&format!("/distributions/{id}")).await.unwrap(), 200).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["reproducible"], true);
    assert_eq!(money(&draft["totals"]["surplus"]), "48210.00");
    // Issue 19, finding 9: the draft follows the demo's bylaws in force (version 2), not
    // the US preset's 30 % reserve: its rule set is the one their schedule names.
    let schedule: Vec<String> = app
        .sql(
            "SELECT v.schedule -> 'distribution' ->> 'reserve_rate', v.schedule -> 'distribution' ->> \
             'share_return_rate', v.schedule -> 'distribution' ->> 'approved_by' FROM bylaw_versions v \
             ORDER BY v.number DESC LIMIT 1",
        )
        .await
        .iter()
        .flat_map(|r| [r.get(0), r.get(1), r.get(2)])
        .collect();
    assert_eq!(schedule, ["0.10", "0.05", "board"]);
    let rules = &draft["rule_set"];
    assert_eq!(
        (
            &rules["reserve_rate"],
            &rules["share_return_rate"],
            &rules["patronage_basis"]
        ),
        (&json!("0.10"), &json!("0.05"), &json!("hours"))
    );
    assert_eq!(draft["board_may_approve"], true, "the bylaws have the board approve");
    // 10 % of €48,210.00 to the reserve.
    assert_eq!(money(&draft["totals"]["reserve"]), "4821.00");
    // 5 % on the capital held through the year, floored to the cent: Amina €500 →
    // €25.00, Théo €50 → €2.50, Sam €100 → €5.00, Bea €150 → €7.50, Max €50 → €2.50,
    // Marie €50 → €2.50, and Rémi, who left ten days ago, €100 × 360/365 = €98.63 →
    // €4.93: €49.93. The rest, €43,339.07, goes by hours.
    assert_eq!(money(&draft["totals"]["share_return"]), "49.93");
    assert_eq!(money(&draft["totals"]["patronage"]), "43339.07");
    assert_eq!(
        draft["worked_line"],
        "Amina Admin: 1,650 h of 8,387 h × €43,339.07 = €8,526.23; shares: €500.00 × 5 % = €25.00; \
         cash €0.00, retained €8,526.23"
    );
    assert_eq!(draft["totals"]["hours"], "8387");
    assert_eq!(draft["capital_without_labour"], false);
    // Issue 19, finding 10: under the SCOP preset too, the demo's workers (members since
    // 2021–2024) share the patronage: labour is not left with nothing.
    let scop = json(
        app.api(
            &treasurer,
            reqwest::Method::POST,
            "/api/v1/coops/demo/distributions",
            Some(
                json!({"fiscal_year_id": years[0]["id"], "surplus": "48210.00", "preset": "scop_fr",
                "overrides": {"share_return_rate": "0.05"}}),
            ),
        )
        .await,
        201,
    )
    .await;
    // 15 % of €48,210.00 to the reserve, the same €49.93 on shares, and €40,928.57 to
    // the workers by hours.
    let t = &scop["totals"];
    assert_eq!(
        (money(&t["reserve"]), money(&t["share_return"]), money(&t["patronage"])),
        ("7231.50".to_string(), "49.93".to_string(), "40928.57".to_string())
    );
    assert_eq!(scop["capital_without_labour"], false);
    assert_eq!(scop["warnings"], json!([]));
    assert!(scop["lines"].as_array().unwrap().iter().all(|l| l["eligible"] == true));
}

/// Issue 19, finding 10: a distribution that pays a return on capital while labour
/// gets nothing (every worker ineligible) is flagged to the treasurer before it is
/// proposed, in the API and on the page, in the reader's language; one that pays
/// labour is not.
#[tokio::test]
async fn a_distribution_paying_capital_but_no_labour_is_flagged_before_it_is_proposed() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let ordinary = p.draft(&year, false).await;
    assert_eq!(ordinary["capital_without_labour"], false);
    assert_eq!(ordinary["warnings"], json!([]));
    // Eligible for patronage only from 2,000 hours: no one worked as much in 2025 (Max
    // most, 1,607 h). 10 % to the reserve, the same €62.50 on shares as the ordinary
    // draft, and the pool of €8,937.50 that no one may receive goes to the reserve too.
    let flagged = json(
        p.post(
            "/distributions",
            json!({"fiscal_year_id": year, "surplus": "10000.00",
                "overrides": {"reserve_rate": "0.10", "share_return_rate": "0.05", "min_hours": "2000"}}),
        )
        .await,
        201,
    )
    .await;
    let t = &flagged["totals"];
    assert_eq!(
        (money(&t["reserve"]), money(&t["share_return"]), money(&t["patronage"])),
        ("9937.50".to_string(), "62.50".to_string(), "0.00".to_string())
    );
    assert_eq!(flagged["capital_without_labour"], true);
    // Théo, the treasurer, reads Concord in French.
    let french = "Cette répartition rémunère le capital alors que le travail ne reçoit rien : aucun membre ne \
                  reçoit de ristourne. Vérifiez les règles (conditions, présence, réserve) et les heures avant de \
                  la proposer.";
    assert_eq!(flagged["warnings"], json!([french]));
    let id = flagged["id"].as_str().unwrap();
    // Bea, on the board, reads it in English.
    let board = app.demo_token("board@demo.coop").await;
    let read = json(
        p.send(&board, reqwest::Method::GET, &format!("/distributions/{id}"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(read["capital_without_labour"], true);
    assert_eq!(
        read["warnings"],
        json!([
            "This distribution pays a return on capital while labour gets nothing: no member receives \
                patronage. Check the rules (eligibility, presence, reserve) and the hours before proposing it."
        ])
    );
    // The draft's page warns the treasurer above the button that proposes it.
    let client = app.signed_in("treasurer@demo.coop").await;
    let html = app
        .page(&client, &format!("/c/demo/patronage/distributions/{id}"))
        .await;
    let warning = html.find("id=\"capital-without-labour\"").expect("the page warns");
    assert!(html[warning..].contains(french), "{html}");
    assert!(warning < html.find("/propose\"").expect("the propose form"));
    let ordinary_id = ordinary["id"].as_str().unwrap();
    let html = app
        .page(&client, &format!("/c/demo/patronage/distributions/{ordinary_id}"))
        .await;
    assert!(!html.contains("capital-without-labour"));
}

#[tokio::test]
async fn the_approving_ballot_settles_a_proposed_distribution() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let id = p.draft(&year, false).await["id"].as_str().unwrap().to_string();
    let secretary = app.demo_token("secretary@demo.coop").await;
    let client = app.client();
    // The AGM motion that decides the distribution, opened by the secretary.
    let agm = || async {
        let body = json!({"title": "Approve the distribution", "closes_at": "2031-01-01T00:00:00Z",
            "decision_kind": "distribution_approval",
            "questions": [{"title": "Approve the year's distribution", "kind": "motion",
                           "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]});
        let created = client
            .post(app.at("/api/v1/coops/demo/ballots"))
            .bearer_auth(&secretary)
            .json(&body)
            .send()
            .await
            .unwrap();
        let ballot = json(created, 201).await["id"].as_str().unwrap().to_string();
        let opened = client
            .post(app.at(&format!("/api/v1/coops/demo/ballots/{ballot}/open")))
            .bearer_auth(&secretary)
            .send()
            .await
            .unwrap();
        json(opened, 200).await;
        ballot
    };
    // Max, then Marie, vote `answers`; the others do not, so the ballot closes at its
    // closing time.
    let vote_and_close = |ballot: String, answers: &'static [&'static str]| {
        let (client, secretary) = (client.clone(), secretary.clone());
        let app = &app;
        async move {
            for (email, answer) in ["member@demo.coop", "marie@demo.coop"].iter().zip(answers) {
                let member = app.demo_token(email).await;
                let cast = client
                    .post(app.at(&format!("/api/v1/coops/demo/ballots/{ballot}/votes")))
                    .bearer_auth(&member)
                    .json(&json!({"answers": [answer]}))
                    .send()
                    .await
                    .unwrap();
                json(cast, 201).await;
            }
            app.closing_time_passes(&secretary, &ballot).await;
        }
    };
    // The members approve it (the bylaws do not give it to the board): proposing it
    // needs the ballot that decides it, one that exists and was made for that decision.
    let refused = |body: Value| async {
        let answer = p.post(&format!("/distributions/{id}/propose"), body).await;
        let body = problem(answer, 422, "validation").await;
        assert_eq!(body["errors"][0]["field"], "ballot_id", "{body}");
        body["errors"][0]["message"].as_str().unwrap().to_string()
    };
    assert!(refused(json!({})).await.contains("by ballot"));
    assert!(refused(json!({"ballot_id": uuid::Uuid::now_v7()}))
        .await
        .contains("No ballot"));
    let ordinary = json(
        client
            .post(app.at("/api/v1/coops/demo/ballots"))
            .bearer_auth(&secretary)
            .json(&json!({"title": "Anything", "closes_at": "2031-01-01T00:00:00Z",
                "questions": [{"title": "Approve", "kind": "motion",
                               "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions"}]}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(refused(json!({"ballot_id": ordinary}))
        .await
        .contains("not made to approve"));
    assert_eq!(p.get(&format!("/distributions/{id}")).await["status"], "draft");
    let propose = |ballot: String| {
        let (p, id) = (&p, &id);
        async move {
            json(
                p.post(&format!("/distributions/{id}/propose"), json!({"ballot_id": ballot}))
                    .await,
                200,
            )
            .await;
        }
    };
    // The bylaws ask a quarter of the members to take part (2 of the roll of 6): one
    // vote for it, alone, approves nothing and the draft comes back.
    let first = agm().await;
    propose(first.clone()).await;
    vote_and_close(first, &["for"]).await;
    assert_eq!(p.get(&format!("/distributions/{id}")).await["status"], "draft");
    // Rejected by the members: back to draft, with its rules as they were.
    let second = agm().await;
    propose(second.clone()).await;
    vote_and_close(second.clone(), &["against", "against"]).await;
    assert_eq!(p.get(&format!("/distributions/{id}")).await["status"], "draft");
    // An ended ballot cannot be chosen again.
    assert!(refused(json!({"ballot_id": second})).await.contains("ended"));
    // Approved by the next one, with the quorum met.
    let third = agm().await;
    propose(third.clone()).await;
    vote_and_close(third.clone(), &["for", "for"]).await;
    let view = p.get(&format!("/distributions/{id}")).await;
    assert_eq!(view["status"], "approved");
    let by: Vec<String> = app
        .sql("SELECT data->>'by' FROM audit_events WHERE action IN ('patronage.distribution_approved', 'patronage.distribution_draft') ORDER BY id")
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(by, ["ballot", "ballot", "ballot"]);
    // The ballot decided under the bylaws' rule for a distribution's approval, which
    // its result names.
    let basis = json(
        client
            .get(app.at(&format!("/api/v1/coops/demo/ballots/{third}")))
            .bearer_auth(&secretary)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await["legal_basis"]
        .clone();
    assert_eq!(basis["kind"], "distribution_approval");
    // The results e-mail names the rule it decided under (quoted-printable unfolded).
    assert!(
        app.outbox().iter().any(|m| m
            .replace("=\r\n", "")
            .contains("under the bylaws, version 2 (simple majority of votes cast excluding abstentions; quorum: 1/4 of the roll).")),
        "a results e-mail names the rule"
    );
    assert_eq!(basis["bylaws_version"], 2);
    assert_eq!(
        basis["rule"]["quorum"],
        json!({"kind": "fraction", "numerator": 1, "denominator": 4})
    );
}

#[tokio::test]
async fn bad_rules_are_refused_and_a_loss_year_posts_to_members_and_the_reserve() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let bad = |body: Value| p.post("/distributions", body);
    let refused = bad(json!({"fiscal_year_id": year, "surplus": "100.00", "overrides": {"reserve_rate": "1.5"}})).await;
    assert_eq!(
        problem(refused, 422, "validation").await["errors"][0]["field"],
        "reserve_rate"
    );
    let refused = bad(json!({"fiscal_year_id": year, "surplus": "100.001"})).await;
    assert_eq!(
        problem(refused, 422, "validation").await["errors"][0]["field"],
        "surplus"
    );
    let refused = bad(json!({"fiscal_year_id": year, "surplus": "100.00", "preset": "kibbutz"})).await;
    assert_eq!(
        problem(refused, 422, "validation").await["errors"][0]["field"],
        "preset"
    );
    assert_eq!(p.count("SELECT count(*) FROM distributions").await, 0);

    // A loss charged to members' accounts, in proportion to patronage: each account
    // bears its share but never goes below zero, and the reserve bears the rest.
    // Max has €500.00 of patronage retained from an earlier year; nobody else has any.
    let (max, max_number) = p.member("member@demo.coop").await;
    app.exec(&format!(
        "INSERT INTO capital_entries (coop_id, id, member_id, kind, entry_date, amount, reference, fiscal_year, \
         currency) \
         SELECT c.id, gen_random_uuid(), '{max}', 'patronage_retained', '2024-03-31', 500.00, 'earlier', 2023, 'EUR' \
         FROM coops c WHERE c.slug = 'demo'"
    ))
    .await;
    let members = json(
        // The demo's bylaws put at least 10 % in the reserve (idle in a loss year).
        bad(
            json!({"fiscal_year_id": year, "surplus": "-4207.00", "preset": "us_worker", "board_may_approve": true,
                   "overrides": {"reserve_rate": "0.10"}}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(members["allocation"]["loss_year"], true);
    assert_eq!(money(&line(&members, max_number)["retained"]), "-1607.00");
    let id = members["id"].as_str().unwrap();
    app.board_approves_distribution(id).await;
    json(
        p.post(
            &format!("/distributions/{id}/post"),
            json!({"notify": false, "date": "2026-03-31"}),
        )
        .await,
        200,
    )
    .await;
    let of_max = format!(
        "SELECT sum(CASE kind WHEN 'patronage_loss' THEN -amount ELSE amount END) \
         FROM capital_entries WHERE member_id = '{max}' AND kind IN ('patronage_retained', 'patronage_loss')"
    );
    assert_eq!(p.sum(&of_max).await, "0.00");
    assert_eq!(
        p.sum("SELECT sum(amount) FROM capital_entries WHERE kind = 'patronage_loss'")
            .await,
        "500.00"
    );
    assert_eq!(
        p.count("SELECT count(*) FROM capital_entries WHERE kind = 'patronage_loss'")
            .await,
        1
    );
    assert_eq!(p.sum("SELECT sum(reserve) FROM distribution_entries").await, "-3707.00");
    // The reversal restores every account: Max has his €500.00 again, the reserve 0.
    json(
        p.post(
            &format!("/distributions/{id}/reverse"),
            json!({"reason": "the loss goes to the reserve"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        p.sum(&of_max.replace(
            "kind IN",
            "NOT EXISTS (SELECT 1 FROM capital_entries r WHERE r.reverses = capital_entries.id) AND kind IN"
        ))
        .await,
        "500.00"
    );
    assert_eq!(
        p.sum("SELECT sum(reserve + share_return + patronage_cash + revolving) FROM distribution_entries")
            .await,
        "0.00"
    );

    // Borne by the reserve: the reserve takes the whole loss; nobody's account moves.
    let reserve = json(
        bad(json!({"fiscal_year_id": year, "surplus": "-4207.00",
            "overrides": {"loss_to": "reserve", "reserve_rate": "0.10"}, "board_may_approve": true}))
        .await,
        201,
    )
    .await;
    let id = reserve["id"].as_str().unwrap();
    app.board_approves_distribution(id).await;
    json(
        p.post(&format!("/distributions/{id}/post"), json!({"notify": false}))
            .await,
        200,
    )
    .await;
    let of_this = format!("SELECT {{}} FROM distribution_entries WHERE distribution_id = '{id}'");
    assert_eq!(p.sum(&of_this.replace("{}", "sum(reserve)")).await, "-4207.00");
    assert_eq!(p.count(&of_this.replace("{}", "count(*)")).await, 1);
    assert_eq!(
        p.count(&format!(
            "SELECT count(*) FROM capital_entries WHERE reference = '{id}'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn many_simultaneous_posts_leave_exactly_one_posting() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let id = p.approved(&year).await;
    let path = format!("/distributions/{id}/post");
    let posts = (0..12).map(|_| p.post(&path, json!({"notify": false})));
    let answers = futures::future::join_all(posts).await;
    for answer in answers {
        assert_eq!(json(answer, 200).await["status"], "posted");
    }
    assert_eq!(p.count("SELECT count(*) FROM distribution_postings").await, 1);
    // The reserve, and one row per member owed something: cash patronage and a share
    // return for the four who worked (Max, Marie, Théo, Rémi), a share return alone for
    // Amina, Sam and Bea (the demo's capital held through 2025); 4 retained amounts.
    assert_eq!(p.count("SELECT count(*) FROM distribution_entries").await, 8);
    assert_eq!(
        p.count("SELECT count(*) FROM distribution_entries WHERE share_return > 0 AND patronage_cash > 0")
            .await,
        4
    );
    assert_eq!(
        p.count("SELECT count(*) FROM capital_entries WHERE kind = 'patronage_retained'")
            .await,
        4
    );
    let total = p
        .sum(
            "SELECT (SELECT sum(reserve + share_return + patronage_cash) FROM distribution_entries) + \
             (SELECT sum(amount) FROM capital_entries WHERE kind = 'patronage_retained')",
        )
        .await;
    assert_eq!(total, "10000.00");
    assert_eq!(
        p.count("SELECT count(*) FROM audit_events WHERE action = 'patronage.distribution_posted'")
            .await,
        1
    );
}

#[tokio::test]
async fn cash_is_tracked_until_paid() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let id = p.approved(&year).await;
    json(
        p.post(&format!("/distributions/{id}/post"), json!({"notify": false}))
            .await,
        200,
    )
    .await;
    let (max, max_number) = p.member("member@demo.coop").await;
    let pay = |amount: &str| {
        json!({"member_id": max, "account": "patronage_cash_payable", "amount": amount, "date": "2026-04-10",
            "reference": "VIR-77"})
    };
    // Max is owed €682.80 in cash (20 % of €3,413.97, rounded up): a cent more is refused.
    let over = p.post(&format!("/distributions/{id}/payments"), pay("682.81")).await;
    problem(over, 422, "validation").await;
    let paid = json(
        p.post(&format!("/distributions/{id}/payments"), pay("600.00")).await,
        201,
    )
    .await;
    assert_eq!(money(&line(&paid, max_number)["cash_owed"]), "82.80");
    let paid = json(
        p.post(&format!("/distributions/{id}/payments"), pay("82.80")).await,
        201,
    )
    .await;
    assert_eq!(money(&line(&paid, max_number)["cash_owed"]), "0.00");
    problem(
        p.post(&format!("/distributions/{id}/reverse"), json!({"reason": "too late"}))
            .await,
        409,
        "conflict",
    )
    .await;
    // Each payment is reversed (with a reason, never before its date, once), and the
    // amount is owed again; then the posting itself can be reversed.
    let payments: Vec<String> = paid["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(payments.len(), 2);
    let reverse = |payment: &str| format!("/distributions/{id}/payments/{payment}/reverse");
    problem(
        p.post(&reverse(&payments[0]), json!({"reason": " "})).await,
        422,
        "validation",
    )
    .await;
    problem(
        p.post(
            &reverse(&payments[0]),
            json!({"reason": "bounced", "date": "2026-04-09"}),
        )
        .await,
        422,
        "validation",
    )
    .await;
    let unpaid = json(
        p.post(
            &reverse(&payments[0]),
            json!({"reason": "the transfer was returned", "date": "2026-04-12"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(money(&line(&unpaid, max_number)["cash_owed"]), "600.00");
    problem(
        p.post(&reverse(&payments[0]), json!({"reason": "twice"})).await,
        409,
        "conflict",
    )
    .await;
    problem(
        p.post(&reverse(&id), json!({"reason": "not a payment"})).await,
        404,
        "not-found",
    )
    .await;
    json(
        p.post(
            &reverse(&payments[1]),
            json!({"reason": "recorded twice", "date": "2026-04-12"}),
        )
        .await,
        200,
    )
    .await;
    let reversed = json(
        p.post(
            &format!("/distributions/{id}/reverse"),
            json!({"reason": "wrong surplus"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reversed["status"], "reversed");
    assert_eq!(money(&reversed["totals"]["owed"]), "0.00");
    assert_eq!(
        p.sum("SELECT sum(reserve + share_return + patronage_cash + revolving) FROM distribution_entries")
            .await,
        "0.00"
    );
    assert_eq!(
        p.count("SELECT count(*) FROM audit_events WHERE action = 'patronage.payment_reversed'")
            .await,
        2
    );
    let csv = app
        .client()
        .get(app.at(&format!("/api/v1/coops/demo/distributions/{id}/report.csv")))
        .bearer_auth(&p.treasurer)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("number,name,hours"), "{csv}");
    assert!(csv.contains(&format!("{max_number},Max Member,1607.00,")), "{csv}");
}

#[tokio::test]
async fn another_coops_distribution_answers_404() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let id = p.draft(&year, false).await["id"].as_str().unwrap().to_string();
    // The demo's treasurer is also the treasurer of another co-op.
    app.exec(
        "INSERT INTO coops (id, slug, name, currency, time_zone) VALUES (gen_random_uuid(), 'other', 'Other', 'EUR', 'Europe/Paris');
         INSERT INTO members (coop_id, id, user_id, roles, number, status, state)
           SELECT c.id, gen_random_uuid(), m.user_id, '{member,treasurer}', 1, 'member', m.state
           FROM coops c, members m JOIN users u ON u.id = m.user_id
           WHERE c.slug = 'other' AND u.email = 'treasurer@demo.coop';",
    )
    .await;
    for path in [
        format!("/api/v1/coops/other/distributions/{id}"),
        format!("/api/v1/coops/other/fiscal-years/{year}/hours"),
    ] {
        let response = app
            .client()
            .get(app.at(&path))
            .bearer_auth(&p.treasurer)
            .send()
            .await
            .unwrap();
        problem(response, 404, "not-found").await;
    }
    let response = app
        .client()
        .post(app.at(&format!("/api/v1/coops/other/distributions/{id}/post")))
        .bearer_auth(&p.treasurer)
        .send()
        .await
        .unwrap();
    problem(response, 404, "not-found").await;
    // A co-op the caller does not belong to at all.
    let member = app.demo_token("member@demo.coop").await;
    let response = app
        .client()
        .get(app.at("/api/v1/coops/other/fiscal-years"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    problem(response, 404, "not-found").await;
    // The database itself refuses ledger rows that point into another co-op (its
    // keys are checked per statement, decision 0006), and a member or distribution
    // named by the ledger cannot be deleted.
    let (client, connection) = tokio_postgres::connect(&app.database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let (max, _) = p.member("member@demo.coop").await;
    let other = "(SELECT id FROM coops WHERE slug = 'other')";
    let demo = "(SELECT id FROM coops WHERE slug = 'demo')";
    for statement in [
        format!(
            "INSERT INTO distribution_entries (coop_id, id, distribution_id, member_id, kind, reserve, entry_date) \
             VALUES ({other}, gen_random_uuid(), '{id}', NULL, 'allocation', 1, '2026-01-01')"
        ),
        format!(
            "INSERT INTO distribution_entries (coop_id, id, distribution_id, member_id, kind, share_return, \
             entry_date) \
             VALUES ({demo}, gen_random_uuid(), '{id}', gen_random_uuid(), 'allocation', 1, '2026-01-01')"
        ),
        format!(
            "INSERT INTO capital_entries (coop_id, id, member_id, kind, entry_date, amount, fiscal_year, currency) \
             VALUES ({other}, gen_random_uuid(), '{max}', 'patronage_retained', '2026-01-01', 1, 2025, 'EUR')"
        ),
        // A reversal of an entry that is not in the ledger (its key is checked per
        // statement too, migration 000100).
        format!(
            "INSERT INTO distribution_entries (coop_id, id, distribution_id, member_id, kind, reserve, entry_date, \
             reverses) VALUES ({demo}, gen_random_uuid(), '{id}', NULL, 'reversal', 1, '2026-01-01', \
             gen_random_uuid())"
        ),
    ] {
        let error = client.batch_execute(&statement).await.unwrap_err();
        assert_eq!(
            error.code(),
            Some(&tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION),
            "{statement}"
        );
    }
    // A posting's thousands of rows are checked in one hashed pass instead of a
    // lookup per row (migration 000080): 6,000 rows naming the demo's member are
    // accepted, and one row naming the other co-op's member among them fails the
    // whole statement, in both ledgers.
    let other_member = "(SELECT m.id FROM members m JOIN coops c ON c.id = m.coop_id WHERE c.slug = 'other')";
    let bulk = |last: &str| {
        [
            format!(
                "INSERT INTO distribution_entries (coop_id, id, distribution_id, member_id, kind, share_return, \
                 entry_date) \
                 SELECT {demo}, gen_random_uuid(), '{id}', CASE WHEN g < 6000 THEN '{max}'::uuid ELSE {last} END, \
                 'allocation', 1, '2026-01-01' FROM generate_series(1, 6000) g"
            ),
            format!(
                "INSERT INTO capital_entries (coop_id, id, member_id, kind, entry_date, amount, fiscal_year, \
                 currency) \
                 SELECT {demo}, gen_random_uuid(), CASE WHEN g < 6000 THEN '{max}'::uuid ELSE {last} END, \
                 'patronage_retained', '2026-01-01', 1, 2025, 'EUR' FROM generate_series(1, 6000) g"
            ),
        ]
    };
    for statement in bulk(other_member) {
        let error = client.batch_execute(&statement).await.unwrap_err();
        assert_eq!(
            error.code(),
            Some(&tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION),
            "{statement}"
        );
    }
    for statement in bulk(&format!("'{max}'")) {
        client.batch_execute(&statement).await.unwrap();
    }
    client
        .batch_execute(&format!(
            "INSERT INTO distribution_entries (coop_id, id, distribution_id, member_id, kind, share_return, entry_date) \
             VALUES ({demo}, gen_random_uuid(), '{id}', '{max}', 'allocation', 1, '2026-01-01')"
        ))
        .await
        .unwrap();
    for statement in [
        format!("DELETE FROM members WHERE id = '{max}'"),
        format!("DELETE FROM distributions WHERE id = '{id}'"),
    ] {
        let error = client.batch_execute(&statement).await.unwrap_err();
        assert_eq!(
            error.code(),
            Some(&tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION),
            "{statement}"
        );
    }
}

#[tokio::test]
async fn the_treasurer_and_a_member_use_the_pages() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
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
    let created = client
        .post(app.at("/c/demo/patronage/years"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("label", "2025"),
            ("starts_on", "2025-01-01"),
            ("ends_on", "2024-12-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 422);
    assert!(created.text().await.unwrap().contains("aria-invalid"));
    let created = client
        .post(app.at("/c/demo/patronage/years"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("label", "2025"),
            ("starts_on", "2025-01-01"),
            ("ends_on", "2025-12-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303);
    let year_page = created.headers()["location"].to_str().unwrap().to_string();
    let year: String = app.sql("SELECT id::text FROM fiscal_years").await[0].get(0);
    assert_eq!(year_page, format!("/c/demo/patronage/years/{year}"));
    let (_, max_number) = p.member("member@demo.coop").await;
    let bad = format!("member,period_start,period_end,hours\n{max_number},2025-01-01,2025-12-31,99999\n");
    let refused = client
        .post(app.at(&format!("{year_page}/import")))
        .form(&[("csrf", csrf.as_str()), ("csv", bad.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("line 2"));
    let good = format!("member,period_start,period_end,hours\n{max_number},2025-01-01,2025-12-31,1607\nmarie@demo.coop,2025-01-01,2025-12-31,1200\n");
    let imported = client
        .post(app.at(&format!("{year_page}/import")))
        .form(&[("csrf", csrf.as_str()), ("csv", good.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 303);
    let closed = client
        .post(app.at(&format!("{year_page}/close")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 303);
    let closed_page = client
        .get(app.at(&year_page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        closed_page.contains("name=\"surplus\"") && closed_page.contains("1607"),
        "{closed_page}"
    );
    // A bad rule is shown next to its field, and nothing is computed.
    let refused = client
        .post(app.at("/c/demo/patronage/distributions"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("fiscal_year_id", year.as_str()),
            ("surplus", "4821.00"),
            ("preset", ""),
            ("reserve_rate", "1.5"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("id=\"reserve_rate-error\""), "{refused}");
    assert_eq!(
        app.sql("SELECT count(*) FROM distributions").await[0].get::<_, i64>(0),
        0
    );
    let drafted = client
        .post(app.at("/c/demo/patronage/distributions"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("fiscal_year_id", year.as_str()),
            ("surplus", "4821.00"),
            ("preset", ""),
            ("reserve_rate", "0.10"),
            ("cash_min_rate", "0.20"),
            ("share_return_rate", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(drafted.status(), 303);
    let location = drafted.headers()["location"].to_str().unwrap().to_string();
    let page = client
        .get(app.at(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg"), "{page}");
    assert!(page.contains("Max Member: 1,607 h of 2,807 h"), "{page}");
    let print = client.get(app.at(&format!("{location}/print"))).send().await.unwrap();
    assert_eq!(print.status(), 200);
    let id = location.rsplit('/').next().unwrap().to_string();
    // The members approve it: without its ballot it is not proposed, and the page says
    // so beside the ballot's field, which lists only approval ballots.
    let without_ballot = client
        .post(app.at(&format!("{location}/propose")))
        .form(&[("csrf", csrf.as_str()), ("ballot_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(without_ballot.status(), 422);
    assert!(without_ballot.text().await.unwrap().contains("id=\"ballot_id-error\""));
    let ballot = p.approval_ballot().await;
    let page = app.page(&client, &location).await;
    assert!(
        page.contains(&format!("<option value=\"{ballot}\">Approve the distribution</option>")),
        "{page}"
    );
    assert!(
        page.contains("/ballots/new?decision_kind=distribution_approval"),
        "{page}"
    );
    let proposed = client
        .post(app.at(&format!("{location}/propose")))
        .form(&[("csrf", csrf.as_str()), ("ballot_id", ballot.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(proposed.status(), 303);
    // The member sees their hours, and their notice once proposed, in their language.
    let member = app.signed_in("marie@demo.coop").await;
    let my_page = async || {
        member
            .get(app.at("/c/demo/patronage/me"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let mine = my_page().await;
    assert!(mine.contains("1200"), "{mine}");
    let link = |distribution: &str| format!("/c/demo/patronage/distributions/{distribution}/notice");
    assert!(mine.contains(&link(&id)), "{mine}");
    // A member's notices are found by their "member_id" key in the stored inputs:
    // their id inside a string (here someone's name) is no key, and inputs stored
    // with jsonb's spacing (before migration 000020) are found too.
    let (marie, _) = p.member("marie@demo.coop").await;
    let (max, _) = p.member("member@demo.coop").await;
    let named_only = json!([{"member_id": max, "name": format!(r#""member_id":"{marie}""#)}]).to_string();
    let spaced = format!(r#"[{{"member_id": "{marie}", "name": "Marie"}}]"#);
    let (named_only_id, spaced_id) = (
        "00000000-0000-7000-8000-00000000d157",
        "00000000-0000-7000-8000-00000000d158",
    );
    for (copy, inputs) in [(named_only_id, &named_only), (spaced_id, &spaced)] {
        app.exec(&format!(
            "INSERT INTO distributions (coop_id, id, fiscal_year_id, status, surplus, rule_set, rule_set_hash, \
             inputs, result) SELECT coop_id, '{copy}', fiscal_year_id, 'proposed', surplus, rule_set, rule_set_hash, \
             '{inputs}', result FROM distributions WHERE id = '{id}'"
        ))
        .await;
    }
    let mine = my_page().await;
    assert!(mine.contains(&link(&id)) && mine.contains(&link(spaced_id)), "{mine}");
    assert!(!mine.contains(&link(named_only_id)), "{mine}");
    let notice = member
        .get(app.at(&format!("/c/demo/patronage/distributions/{id}/notice")))
        .send()
        .await
        .unwrap();
    assert_eq!(notice.status(), 200);
    let notice = notice.text().await.unwrap();
    assert!(
        notice.contains("<html lang=\"fr\">") && notice.contains("Avis"),
        "{notice}"
    );
    let forbidden = member.get(app.at(&location)).send().await.unwrap();
    assert_eq!(forbidden.status(), 403);
}

#[tokio::test]
async fn the_coop_saves_its_own_rule_set_and_a_new_distribution_starts_from_it() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let put = |token: String, body: Value| {
        let p = &p;
        async move { p.send(&token, reqwest::Method::PUT, "/rule-set", Some(body)).await }
    };
    // Checked as a distribution's rules are: nothing stored on a bad rule.
    let refused = put(
        p.treasurer.clone(),
        json!({"preset": "us_worker", "overrides": {"reserve_rate": "1.5"}}),
    )
    .await;
    assert_eq!(
        problem(refused, 422, "validation").await["errors"][0]["field"],
        "reserve_rate"
    );
    let member = app.demo_token("member@demo.coop").await;
    problem(put(member, json!({"preset": "us_worker"})).await, 403, "forbidden").await;
    assert_eq!(p.count("SELECT count(*) FROM coop_rule_sets").await, 0);
    // The board saves it; the treasurer reads it back.
    let board = app.demo_token("board@demo.coop").await;
    let saved = json(
        put(
            board,
            json!({"preset": "us_worker", "overrides": {"reserve_rate": "0.10", "share_return_rate": "0.05"}}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(saved["rule_set"]["reserve_rate"], "0.10");
    let read = p.get("/rule-set").await;
    assert_eq!(read["saved"]["preset"], "us_worker");
    assert_eq!(read["rule_set_hash"], saved["rule_set_hash"]);
    // A distribution that names no rules starts from it; one that names rules does not.
    let own = json(
        p.post("/distributions", json!({"fiscal_year_id": year, "surplus": "10000.00"}))
            .await,
        201,
    )
    .await;
    assert_eq!(own["rule_set_hash"], saved["rule_set_hash"]);
    assert_eq!(money(&own["totals"]["reserve"]), "1000.00");
    let named = json(
        p.post(
            "/distributions",
            json!({"fiscal_year_id": year, "surplus": "10000.00", "overrides": {"reserve_rate": "0.20"}}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(money(&named["totals"]["reserve"]), "2000.00");
    assert_eq!(
        p.count("SELECT count(*) FROM audit_events WHERE action = 'patronage.rule_set_saved'")
            .await,
        1
    );
    // The page: saved from the patronage home, a bad rate shown next to its field.
    let client = app.signed_in("treasurer@demo.coop").await;
    let home = client
        .get(app.at("/c/demo/patronage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("0.10"), "{home}");
    // The year's page says which rules a draft with nothing named will use.
    let year_page = client
        .get(app.at(&format!("/c/demo/patronage/years/{year}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(year_page.contains("<code>reserve_rate = 0.10</code>"), "{year_page}");
    let csrf = csrf_of(&home);
    let bad = client
        .post(app.at("/c/demo/patronage/rules"))
        .form(&[("csrf", csrf.as_str()), ("preset", "scop_fr"), ("cash_min_rate", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("field-error"));
    let good = client
        .post(app.at("/c/demo/patronage/rules"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("preset", "scop_fr"),
            ("cash_min_rate", "0.30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 303);
    assert_eq!(p.get("/rule-set").await["saved"]["overrides"]["cash_min_rate"], "0.30");
}

#[tokio::test]
async fn a_distribution_beyond_the_bylaws_in_force_is_refused() {
    let app = TestApp::demo().await;
    let p = Patronage::new(&app).await;
    let year = p.closed_year().await;
    let before = p.count("SELECT count(*) FROM distributions").await;
    // The demo's bylaws (version 2): at least 10 % to the reserve, at most 5 % a year
    // on shares, approved by the board.
    let refused = p
        .post(
            "/distributions",
            json!({"fiscal_year_id": year, "surplus": "10000.00",
                   "overrides": {"reserve_rate": "0.05", "share_return_rate": "0.08"}}),
        )
        .await;
    let body = problem(refused, 422, "validation").await;
    let errors: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "reserve_rate",
                "The bylaws (version 2) put at least 10 % of the surplus in the reserve."
            ),
            (
                "share_return_rate",
                "The bylaws (version 2) cap the return on shares at 5 % a year."
            ),
        ]
    );
    assert_eq!(p.count("SELECT count(*) FROM distributions").await, before);
    // At the limits, it is drafted.
    json(
        p.post(
            "/distributions",
            json!({"fiscal_year_id": year, "surplus": "10000.00",
                   "overrides": {"reserve_rate": "0.10", "share_return_rate": "0.05"}}),
        )
        .await,
        201,
    )
    .await;
}
