//! The built-in server as the app runs it: the app's own requests get through (sign-up,
//! an org, reads), while a request naming another host (a web page that rebound its name
//! to 127.0.0.1) or one without the launch's secret (another program, a page posting to
//! 127.0.0.1) is refused before it reaches a route.

use crate::common;

use std::sync::Arc;

use common::{app, invoke, window};
use orgdesk_app::embedded::Embedded;
use orgdesk_app_core::host::BuiltInServer;
use orgdesk_app_core::secrets::MemorySecrets;
use orgdesk_model::built_in::APP_SECRET_HEADER;
use serde_json::{json, Value};
use tauri::Manager;

async fn refused(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.expect("the server answers");
    assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "forbidden", "{problem}");
    problem
}

#[tokio::test(flavor = "multi_thread")]
async fn the_built_in_server_answers_the_app_and_refuses_everyone_else() {
    let app_dir = tempfile::tempdir().unwrap();
    let app = app(app_dir.path(), Arc::new(MemorySecrets::default()));
    let window = window(&app);
    let input = json!({"server_url": null, "email": "grace@example.com",
        "password": "correct horse battery", "display_name": "Grace Hopper"});
    let session = invoke(&window, "sign_up", json!({ "input": input }))
        .expect("signed up on the built-in server");
    assert_eq!(session["server"]["kind"], "embedded");
    let created = invoke(&window, "create_org", json!({"input": {"name": "Navy"}}))
        .expect("the app's requests get through");
    assert_eq!(created["org"]["slug"], "navy");

    let embedded = app.state::<Arc<Embedded>>().inner().clone();
    let address = embedded.address().await.unwrap();
    let port = url::Url::parse(&address.url).unwrap().port().unwrap();
    let http = reqwest::Client::new();
    let me = format!("{}/v1/health", address.url);

    // A page that rebound its own name to 127.0.0.1 (even knowing the secret).
    for host in [format!("rebind.evil.example:{port}"), "evil.example".into()] {
        let request = http
            .get(&me)
            .header("host", &host)
            .header(APP_SECRET_HEADER, &address.secret);
        refused(request).await;
    }
    // Another program on the machine, or a page posting to 127.0.0.1: no secret.
    refused(http.get(&me)).await;
    refused(http.get(&me).header(APP_SECRET_HEADER, "guess")).await;
    let signup = json!({"email": "mallory@example.com", "password": "correct horse battery",
        "display_name": "M"});
    refused(
        http.post(format!("{}/v1/auth/signup", address.url))
            .json(&signup),
    )
    .await;
    // The app's way in still works.
    let ok = http
        .get(&me)
        .header(APP_SECRET_HEADER, &address.secret)
        .send()
        .await
        .unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    embedded.stop().await;
}
