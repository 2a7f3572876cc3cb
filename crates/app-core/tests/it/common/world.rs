//! A world for offline tests: a real server behind a fault-injecting proxy, and the app's
//! services over a data folder (preferences, local stores) and secrets that survive
//! "restarts".

use std::sync::Arc;
use std::time::Duration;

use orgdesk_app_core::host::TokioSpawner;
use orgdesk_app_core::outbox::edits::{CreateProject, TopUpCredits};
use orgdesk_app_core::outbox::ChangeState;
use orgdesk_app_core::prefs::JsonFilePrefs;
use orgdesk_app_core::secrets::MemorySecrets;
use orgdesk_app_core::session::{SignUpInput, StartupState};
use orgdesk_app_core::{Host, Services};
use orgdesk_client::Client;
use orgdesk_model::billing::TopUpRequest;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::CreateProjectRequest;
use orgdesk_model::OrgId;

use super::proxy::{Fault, FaultProxy};
use super::{server_with, Heard, NoBuiltInServer, PlayedBrowser, Recorded, ScriptedDialog};

pub const PASSWORD: &str = "correct horse battery";

pub struct World {
    pub server: orgdesk_server::RunningServer,
    pub proxy: FaultProxy,
    pub secrets: Arc<MemorySecrets>,
    /// What the save dialog answers, and what it was asked.
    pub dialog: Arc<ScriptedDialog>,
    /// What the app opens in "the system browser", played when a test says who signs in.
    pub browser: Arc<PlayedBrowser>,
    pub app_dir: tempfile::TempDir,
    _server_dir: tempfile::TempDir,
}

/// The app as one launch of it sees it: its services, and what it told the desktop.
pub struct App {
    pub services: Services,
    pub heard: Arc<Heard>,
    pub notified: Arc<Recorded>,
}

impl std::ops::Deref for App {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

impl World {
    pub async fn new() -> Self {
        Self::new_with(|config| config).await
    }

    /// A world whose server's configuration `tweak` changes.
    pub async fn new_with(
        tweak: impl FnOnce(orgdesk_server::Config) -> orgdesk_server::Config,
    ) -> Self {
        let (server, server_dir) = server_with(tweak).await;
        let proxy = FaultProxy::start(server.addr()).await;
        Self {
            server,
            proxy,
            secrets: Arc::new(MemorySecrets::default()),
            dialog: Arc::new(ScriptedDialog::default()),
            browser: Arc::new(PlayedBrowser::default()),
            app_dir: tempfile::tempdir().unwrap(),
            _server_dir: server_dir,
        }
    }

    /// The app as it starts (before it resumes the saved session, if any).
    pub fn launch(&self) -> App {
        let (heard, notified) = (Arc::new(Heard::default()), Arc::new(Recorded::default()));
        let services = Services::new(Host {
            data_dir: self.app_dir.path().to_path_buf(),
            spawner: Arc::new(TokioSpawner::current()),
            notifier: notified.clone(),
            ui: heard.clone(),
            keychain: self.secrets.clone(),
            prefs: Arc::new(JsonFilePrefs::open(self.app_dir.path().join("prefs.json"))),
            server: Arc::new(NoBuiltInServer),
            dialog: self.dialog.clone(),
            browser: self.browser.clone(),
        });
        App {
            services,
            heard,
            notified,
        }
    }

    /// The token of the `count`th link starting with `prefix` mailed to `email`, waiting
    /// for its delivery (the server writes mail to `.eml` files in its data folder).
    pub async fn mailed_token(&self, email: &str, prefix: &str, count: usize) -> String {
        let dir = self._server_dir.path().join("mail");
        for _ in 0..100 {
            let tokens = super::mail::mailed_tokens(&dir, email, prefix);
            if let Some(token) = tokens.get(count - 1) {
                return token.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail number {count} to {email} with a {prefix} link in {dir:?}")
    }

    /// The server's data folder (its SQLite database is `orgdesk.db` there).
    pub fn server_dir(&self) -> &std::path::Path {
        self._server_dir.path()
    }

    /// The server seen directly, not through the proxy, signed in as `email`.
    pub async fn direct(&self, email: &str) -> Client {
        let client = Client::new(&self.server.base_url()).unwrap();
        let login = orgdesk_model::auth::LoginRequest {
            email: email.into(),
            password: PASSWORD.into(),
        };
        let grant = client.login(&login).await.unwrap();
        client.with_token(grant.token)
    }
}

/// Signs up through `server_url`, as the sign-up form does.
pub async fn sign_up(app: &App, server_url: &str, email: &str) {
    let input = SignUpInput {
        server_url: Some(server_url.into()),
        email: email.into(),
        password: PASSWORD.into(),
        display_name: "Ana".into(),
    };
    app.session.sign_up(input).await.expect("signed up");
}

/// Signs up through the proxy and creates an org; answers its id.
pub async fn sign_up_with_org(world: &World, app: &App, email: &str) -> OrgId {
    sign_up(app, &world.proxy.url(), email).await;
    let acme = CreateOrgRequest {
        name: "Acme".into(),
        ..Default::default()
    };
    app.orgs.create(acme).await.expect("org created").org.id
}

pub async fn restore(app: &App) -> StartupState {
    app.session.restore().await
}

pub fn create(org_id: OrgId, name: &str) -> CreateProject {
    CreateProject {
        org_id,
        input: CreateProjectRequest {
            name: name.into(),
            ..Default::default()
        },
    }
}

pub fn top_up(org_id: OrgId, amount: i64) -> TopUpCredits {
    TopUpCredits {
        org_id,
        input: TopUpRequest {
            amount,
            payment_reference: None,
        },
    }
}

pub async fn reconnect(world: &World, app: &App) {
    world.proxy.set(Fault::None);
    assert!(
        app.connectivity.check_now().await,
        "the server answers again"
    );
    for _ in 0..5 {
        app.outbox.replay().await;
        let pending = app.outbox.changes().await.unwrap();
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
