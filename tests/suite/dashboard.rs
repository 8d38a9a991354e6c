//! The co-op's dashboard per role, notifications since the last visit, and e-mail
//! preferences with the daily digest.

use crate::common::{json, TestApp};
use serde_json::Value;

async fn dashboard(app: &TestApp, email: &str) -> Value {
    let token = app.demo_token(email).await;
    json(
        app.api(&token, reqwest::Method::GET, "/api/v1/coops/demo/dashboard", None).await,
        200,
    )
    .await
}

#[tokio::test]
async fn explore() {
    let app = TestApp::demo().await;
    for who in ["member@demo.coop", "treasurer@demo.coop", "secretary@demo.coop"] {
        println!("{who}: {}", serde_json::to_string_pretty(&dashboard(&app, who).await).unwrap());
    }
    let client = app.signed_in("member@demo.coop").await;
    let html = client.get(app.at("/c/demo")).send().await.unwrap().text().await.unwrap();
    println!("{html}");
    let html = client.get(app.at("/c/demo/notifications")).send().await.unwrap().text().await.unwrap();
    println!("{html}");
    println!("{:?}", app.sql("SELECT entry_date::text, kind FROM capital_entries").await.iter().map(|r| (r.get::<_, String>(0), r.get::<_, String>(1))).collect::<Vec<_>>());
}
