//! `spawn_app(backend)`, accounts, request shortcuts and assertions shared by the tests.

use std::time::Duration;

use orgdesk_server::{Config, RunningServer};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use sqlx::{AnyPool, Connection, Executor, PgConnection};
use tempfile::TempDir;

pub const DEFAULT_PG_URL: &str = "postgres://postgres@localhost/postgres?host=/var/run/postgresql";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `<name>::sqlite` and `<name>::postgres` for `async fn <name>(Backend)`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::Backend::Postgres).await;
            }
        }
    )*};
}
pub(crate) use on_both_backends;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// Direct access to the same database, for setting up what no route does yet.
    pub db: AnyPool,
    /// The same database as the server's own handle (write transactions), for tests of
    /// the building blocks routes use.
    pub store: orgdesk_server::db::Db,
    server: Option<RunningServer>,
    config: Config,
    _dir: TempDir,
    pg_database: Option<(String, String)>,
}

/// A signed-up account.
#[derive(Debug, Clone)]
pub struct Account {
    pub token: String,
    pub user_id: String,
    pub personal_org_id: String,
}

pub fn pg_admin_url() -> String {
    std::env::var("ORGDESK_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

/// Creates a uniquely named database on the test PostgreSQL server; fails loudly when the
/// server cannot be reached.
pub async fn create_pg_database() -> (String, String) {
    let admin_url = pg_admin_url();
    let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL tests need a server: cannot connect to {admin_url} ({e}). Start one \
             (`pg_ctlcluster 15 main start`) or set ORGDESK_TEST_DATABASE_URL."
        )
    });
    let name = format!("orgdesk_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    let _ = admin.close().await;
    let mut url = url::Url::parse(&admin_url).expect("ORGDESK_TEST_DATABASE_URL is not a URL");
    url.set_path(&format!("/{name}"));
    (url.to_string(), name)
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |config| config).await
}

/// Like [`spawn_app`], with the configuration changed by `configure` first (another
/// payment provider, say).
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(Config) -> Config) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = configure(Config::local(dir.path().join("data")));
    let mut pg_database = None;
    if backend == Backend::Postgres {
        let (url, name) = create_pg_database().await;
        config.database_url = Some(url);
        pg_database = Some((pg_admin_url(), name));
    }
    let db_url = config.resolved_database_url();
    let server = orgdesk_server::spawn(config.clone())
        .await
        .expect("server starts");
    let db = orgdesk_server::db::Db::connect(&db_url)
        .await
        .expect("test connects to the database");
    TestApp {
        base: server.base_url(),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client"),
        db: db.pool().clone(),
        store: db,
        server: Some(server),
        config,
        _dir: dir,
        pg_database,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.server.take());
        if let Some((admin_url, name)) = self.pg_database.take() {
            // The test's runtime is busy dropping us: drop the database from a thread of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    admin.execute(sql.as_str()).await.ok()
                })
            })
            .join();
        }
    }
}

impl TestApp {
    /// Shuts the server down gracefully and starts a new one on the same database.
    pub async fn restart(&mut self, demo: bool) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        self.config.demo = demo;
        let server = orgdesk_server::spawn(self.config.clone())
            .await
            .expect("server restarts");
        self.base = server.base_url();
        self.server = Some(server);
    }

    /// Shuts the server down gracefully, without starting another ([`Self::restart`]
    /// starts it again).
    pub async fn shutdown(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// Stops the server at once, as a crash would: what it had in flight never finishes
    /// (its webhook attempts are abandoned). [`Self::restart`] starts it again.
    pub fn crash(&mut self) {
        drop(self.server.take());
    }

    /// Starts a second server on the same database, its configuration changed by
    /// `configure` (as another instance behind a load balancer would be).
    pub async fn another_instance(
        &self,
        configure: impl FnOnce(Config) -> Config,
    ) -> Result<RunningServer, orgdesk_server::ServerError> {
        orgdesk_server::spawn(configure(self.config.clone())).await
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token))
            .send()
            .await
            .expect("request")
    }

    pub async fn signup_raw(&self, email: &str, password: &str, name: &str) -> Response {
        let body = json!({ "email": email, "password": password, "display_name": name });
        self.post_json("/v1/auth/signup", None, &body).await
    }

    pub async fn signup(&self, email: &str) -> Account {
        self.signup_named(email, "Test Person").await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        let body = json!({ "email": email, "password": password });
        self.post_json("/v1/auth/login", None, &body).await
    }

    pub async fn create_org(&self, token: &str, body: Value) -> Response {
        self.post_json("/v1/orgs", Some(token), &body).await
    }

    /// Creates an org and returns its membership JSON.
    pub async fn new_org(&self, token: &str, name: &str) -> Value {
        expect_json(
            self.create_org(token, json!({ "name": name })).await,
            StatusCode::CREATED,
        )
        .await
    }

    /// Makes `user_id` a member of `org_id` with `role` (`admin` or `member`), straight
    /// in the database (with the search terms the server keeps).
    pub async fn add_member(&self, org_id: &str, user_id: &str, role: &str) {
        self.add_scoped_member(org_id, user_id, role, None).await;
    }

    /// Like [`Self::add_member`], limited to the projects `scope` when given.
    pub async fn add_scoped_member(
        &self,
        org_id: &str,
        user_id: &str,
        role: &str,
        scope: Option<&[&str]>,
    ) {
        let role = orgdesk_model::Role::parse(role).expect("a role");
        let scope: Option<Vec<orgdesk_model::ProjectId>> = scope.map(|ids| {
            ids.iter()
                .map(|id| id.parse().expect("project id"))
                .collect()
        });
        let mut conn = self.db.acquire().await.expect("connection");
        orgdesk_server::membership::rows::insert(
            &mut conn,
            org_id.parse().expect("org id"),
            user_id.parse().expect("user id"),
            role,
            scope.as_deref(),
            0,
        )
        .await
        .expect("insert membership");
    }

    /// Puts an org on another plan, straight in the database.
    pub async fn set_plan(&self, org_id: &str, plan: &str) {
        sqlx::query("UPDATE orgs SET plan = $1 WHERE id = $2")
            .bind(plan)
            .bind(org_id)
            .execute(&self.db)
            .await
            .expect("set plan");
    }

    /// The data folder of the server (the mail folder lives in it).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.config.data_dir.clone()
    }

    pub async fn post(&self, path: &str, token: &str) -> Response {
        self.request(Method::POST, path, Some(token))
            .send()
            .await
            .expect("request")
    }

    /// Signs up `email` with a display name.
    pub async fn signup_named(&self, email: &str, name: &str) -> Account {
        let response = self.signup_raw(email, PASSWORD, name).await;
        let grant = expect_json(response, StatusCode::CREATED).await;
        Account {
            token: grant["token"].as_str().expect("token").to_owned(),
            user_id: grant["me"]["user"]["id"]
                .as_str()
                .expect("user id")
                .to_owned(),
            personal_org_id: grant["me"]["personal_org_id"]
                .as_str()
                .expect("org id")
                .to_owned(),
        }
    }

    /// Creates a project and returns it.
    pub async fn new_project(&self, token: &str, org: &str, name: &str) -> Value {
        let response = self
            .post_json(
                &format!("/v1/orgs/{org}/projects"),
                Some(token),
                &json!({ "name": name }),
            )
            .await;
        expect_json(response, StatusCode::CREATED).await
    }
}

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts an RFC 9457 problem with this status and code, and returns it.
pub async fn expect_problem(response: Response, status: StatusCode, code: &str) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let problem = expect_json(response, status).await;
    assert_eq!(content_type, "application/problem+json", "{problem}");
    assert_eq!(problem["code"], code, "{problem}");
    assert_eq!(problem["status"], status.as_u16(), "{problem}");
    assert_eq!(
        problem["type"],
        format!("https://orgdesk.dev/problems/{code}"),
        "{problem}"
    );
    assert!(
        problem["title"].is_string() && problem["detail"].is_string(),
        "{problem}"
    );
    problem
}
