//! A world for offline tests: a real server behind a fault-injecting proxy, and the app
//! (mock runtime) over a data folder that survives "restarts".

use std::sync::Arc;
use std::time::Duration;

use orgdesk_app::keychain::MemorySecrets;
use orgdesk_app::outbox::{Change, ChangeState};
use orgdesk_app::state::AppState;
use orgdesk_client::Client;
use orgdesk_model::billing::TopUpRequest;
use orgdesk_model::project::CreateProjectRequest;
use orgdesk_model::OrgId;
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, Manager};

use super::proxy::{Fault, FaultProxy};
use super::{app, invoke, server, window};

pub struct World {
    pub server: orgdesk_server::RunningServer,
    pub proxy: FaultProxy,
    pub secrets: Arc<MemorySecrets>,
    pub app_dir: tempfile::TempDir,
    _server_dir: tempfile::TempDir,
}

impl World {
    pub async fn new() -> Self {
        let (server, server_dir) = server().await;
        let proxy = FaultProxy::start(server.addr()).await;
        Self {
            server,
            proxy,
            secrets: Arc::new(MemorySecrets::default()),
            app_dir: tempfile::tempdir().unwrap(),
            _server_dir: server_dir,
        }
    }

    /// The app as it starts: resumes the saved session (if any).
    pub fn launch(&self) -> (App<MockRuntime>, AppState) {
        let app = app(self.app_dir.path(), self.secrets.clone());
        let state = app.state::<AppState>().inner().clone();
        (app, state)
    }

    /// The server seen directly, not through the proxy, signed in as `email`.
    pub async fn direct(&self, email: &str) -> Client {
        let client = Client::new(&self.server.base_url()).unwrap();
        let login = orgdesk_model::auth::LoginRequest {
            email: email.into(),
            password: "correct horse battery".into(),
        };
        let grant = client.login(&login).await.unwrap();
        client.with_token(grant.token)
    }
}

/// Signs up through the proxy and creates an org; answers its id.
pub fn sign_up_with_org(world: &World, app: &App<MockRuntime>, email: &str) -> OrgId {
    let w = window(app);
    let input = json!({"server_url": world.proxy.url(), "email": email,
        "password": "correct horse battery", "display_name": "Ana"});
    invoke(&w, "sign_up", json!({ "input": input })).expect("signed up");
    let org = invoke(&w, "create_org", json!({"input": {"name": "Acme"}})).expect("org created");
    serde_json::from_value(org["org"]["id"].clone()).unwrap()
}

pub fn restore(app: &App<MockRuntime>) -> Value {
    invoke(&window(app), "restore_session", json!({})).unwrap()
}

pub fn create(org_id: OrgId, name: &str) -> Change {
    Change::CreateProject {
        org_id,
        input: CreateProjectRequest {
            name: name.into(),
            ..Default::default()
        },
    }
}

pub fn top_up(org_id: OrgId, amount: i64) -> Change {
    Change::TopUp {
        org_id,
        input: TopUpRequest {
            amount,
            payment_reference: None,
        },
    }
}

pub async fn reconnect(world: &World, state: &AppState) {
    world.proxy.set(Fault::None);
    assert!(state.check_connection().await, "the server answers again");
    for _ in 0..5 {
        state.replay_outbox().await;
        let pending = state.outbox().await.unwrap();
        if pending.iter().all(|c| c.state != ChangeState::Pending) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn names(client: &Client, org: OrgId) -> Vec<String> {
    let mut names: Vec<String> = client
        .all_projects(org)
        .await
        .unwrap()
        .value
        .into_iter()
        .map(|p| p.name)
        .collect();
    names.sort();
    names
}

pub async fn balance(client: &Client, org: OrgId) -> i64 {
    client.billing(org).await.unwrap().value.balance
}
