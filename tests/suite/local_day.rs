//! Every date a co-op's records carry is a day of the co-op's own calendar: at
//! 00:30 in Paris it is already tomorrow there while UTC still says today.

use crate::common::{json, Options, TestApp};
use serde_json::json;

/// Two co-ops at the ends of the clock: Kiritimati (UTC+14) is a day ahead of UTC
/// from 10:00 UTC, Pago Pago (UTC−11) a day behind until 11:00 UTC, so at any hour
/// of the day at least one of them lives on another date than UTC's. An application,
/// a founder's membership and the register's default date are each that co-op's day.
#[tokio::test]
async fn records_are_dated_by_the_coops_calendar_at_every_hour() {
    let app = TestApp::spawn(Options {
        settings: Box::new(|s| s.self_service_coops = true),
        ..Default::default()
    })
    .await;
    let marie = app.demo_token("marie@demo.coop").await;
    let utc = chrono::Utc::now().date_naive();
    let mut days_apart_from_utc = 0;
    for (slug, zone) in [("east", "Pacific/Kiritimati"), ("west", "Pacific/Pago_Pago")] {
        let body = json!({"slug": slug, "name": zone, "currency": "EUR", "locale": "en", "time_zone": zone});
        json(
            app.api(&marie, reqwest::Method::POST, "/api/v1/coops", Some(body))
                .await,
            201,
        )
        .await;
        let candidate = format!("candidate@{slug}.test");
        app.apply(slug, "Cande Candidate", &candidate, "").await;
        let today = app.today(slug).await;
        days_apart_from_utc += usize::from(today != utc);
        let register = json(
            app.api(
                &marie,
                reqwest::Method::GET,
                &format!("/api/v1/coops/{slug}/register"),
                None,
            )
            .await,
            200,
        )
        .await;
        let line = |email: &str| {
            register
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["email"] == email)
                .unwrap_or_else(|| panic!("{email} on the register of {slug}: {register}"))
                .clone()
        };
        let day = today.to_string();
        let founder = line("marie@demo.coop");
        assert_eq!(
            (&founder["status"], &founder["member_since"]),
            (&json!("member"), &json!(day)),
            "{zone}"
        );
        let applicant = line(&candidate);
        assert_eq!(
            (&applicant["status"], &applicant["applied_on"]),
            (&json!("applicant"), &json!(day)),
            "{zone}: the register of today lists today's application"
        );
        let dashboard = json(
            app.api(
                &marie,
                reqwest::Method::GET,
                &format!("/api/v1/coops/{slug}/dashboard"),
                None,
            )
            .await,
            200,
        )
        .await;
        assert_eq!(dashboard["today"], json!(day), "{zone}");
    }
    assert!(
        days_apart_from_utc >= 1,
        "one of the two co-ops is on another day than UTC ({utc})"
    );
}
