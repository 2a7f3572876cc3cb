//! An org with single sign-on against the real provider ([`crate::oidc_provider`]), and
//! the app's side of the flow: start, the browser, the loopback landing, the redemption.

use orgdesk_server::Config;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, spawn_app_with, Account, Backend, TestApp};
use crate::oidc_provider::{
    challenge_of, query_param, random_verifier, Browser, Provider, ProviderAccount,
};

/// Where the app listens in these tests (nothing does: the browser stops there).
pub const APP_REDIRECT: &str = "http://127.0.0.1:9/sso/done";
pub const APP_STATE: &str = "app-state-0123456789";

pub struct SsoWorld {
    pub app: TestApp,
    pub provider: Provider,
    pub owner: Account,
    pub org_id: String,
    pub slug: String,
}

/// The provider's accounts in every world: `jo` (acme.test, verified), `unverified`
/// (acme.test, not verified), `outsider` (elsewhere.test, verified).
pub fn accounts() -> Vec<ProviderAccount<'static>> {
    vec![
        ProviderAccount {
            login: "jo",
            email: "jo@acme.test",
            email_verified: true,
        },
        ProviderAccount {
            login: "kim",
            email: "kim@acme.test",
            email_verified: true,
        },
        ProviderAccount {
            login: "unverified",
            email: "unverified@acme.test",
            email_verified: false,
        },
        ProviderAccount {
            login: "outsider",
            email: "outsider@elsewhere.test",
            email_verified: true,
        },
    ]
}

/// The connection every world saves, changed by `tweak`.
pub fn connection(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "client_id": crate::oidc_provider::CLIENT_ID,
        "client_secret": crate::oidc_provider::CLIENT_SECRET,
        "allowed_domains": ["Acme.test"],
        "default_role": "member",
        "create_members": true,
    })
}

/// A server that accepts loopback issuers, a provider, an org owned by `owner@corp.test`
/// with the connection `tweak` makes of [`connection`].
pub async fn world(backend: Backend, tweak: impl FnOnce(&mut Value)) -> SsoWorld {
    world_with_ttl(backend, 3600, tweak).await
}

pub async fn world_with_ttl(
    backend: Backend,
    ttl: u64,
    tweak: impl FnOnce(&mut Value),
) -> SsoWorld {
    let app = spawn_app_with(backend, |config| Config {
        allow_insecure_sso: true,
        ..config
    })
    .await;
    let callback = format!("{}/v1/auth/sso/callback", app.base);
    let provider = Provider::start(&callback, &accounts(), ttl).await;
    let owner = app.signup("owner@corp.test").await;
    let org = app.new_org(&owner.token, "Acme").await;
    let org_id = org["org"]["id"].as_str().unwrap().to_owned();
    let slug = org["org"]["slug"].as_str().unwrap().to_owned();
    let mut body = connection(&provider.issuer);
    tweak(&mut body);
    let saved = put_sso(&app, &owner.token, &org_id, &body).await;
    expect_json(saved, StatusCode::OK).await;
    SsoWorld {
        app,
        provider,
        owner,
        org_id,
        slug,
    }
}

pub async fn put_sso(app: &TestApp, token: &str, org: &str, body: &Value) -> Response {
    app.request(
        reqwest::Method::PUT,
        &format!("/v1/orgs/{org}/sso"),
        Some(token),
    )
    .json(body)
    .send()
    .await
    .expect("request")
}

/// The app's half: its verifier and the start request's fields.
pub struct AppHalf {
    pub verifier: String,
}

impl AppHalf {
    pub fn new() -> Self {
        Self {
            verifier: random_verifier(),
        }
    }

    pub fn fields(&self) -> Value {
        json!({
            "code_challenge": challenge_of(&self.verifier),
            "redirect_uri": APP_REDIRECT,
            "state": APP_STATE,
        })
    }
}

/// Where a flow ended: the app's loopback address with its parameters.
#[derive(Debug)]
pub struct Landing {
    pub url: String,
    /// The provider's redirect to the server's callback.
    pub callback: String,
}

impl Landing {
    pub fn code(&self) -> Option<String> {
        query_param(&self.url, "code")
    }

    pub fn error(&self) -> Option<String> {
        query_param(&self.url, "error")
    }

    pub fn description(&self) -> String {
        query_param(&self.url, "error_description").unwrap_or_default()
    }
}

impl SsoWorld {
    /// `POST /v1/auth/sso/start` for this org by its slug.
    pub async fn start(&self, half: &AppHalf) -> Value {
        let mut body = half.fields();
        body["org"] = json!(self.slug);
        let response = self.app.post_json("/v1/auth/sso/start", None, &body).await;
        expect_json(response, StatusCode::OK).await
    }

    /// The browser from the authorization URL to the server's callback, then to the app.
    pub async fn browse(&self, authorization_url: &str, login: &str) -> Landing {
        let callback_base = format!("{}/v1/auth/sso/callback", self.app.base);
        let callback = Browser::new()
            .walk(authorization_url, login, &callback_base)
            .await;
        let url = self.follow_callback(&callback).await;
        Landing { url, callback }
    }

    /// GETs the server's callback as the browser would; returns where it sends the
    /// browser (303), failing on anything else.
    pub async fn follow_callback(&self, callback: &str) -> String {
        let response = self.callback(callback).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "callback: {response:?}"
        );
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(APP_REDIRECT), "{location}");
        assert_eq!(query_param(&location, "state").as_deref(), Some(APP_STATE));
        location
    }

    pub async fn callback(&self, url: &str) -> Response {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(url)
            .send()
            .await
            .expect("callback")
    }

    /// A whole sign-in as `login`: start, browser, landing.
    pub async fn sign_in(&self, login: &str) -> (AppHalf, Landing) {
        let half = AppHalf::new();
        let start = self.start(&half).await;
        let landing = self
            .browse(start["authorization_url"].as_str().unwrap(), login)
            .await;
        (half, landing)
    }

    /// Starts a flow and walks the browser to the provider's redirect to the server's
    /// callback, without following it.
    pub async fn sign_in_until_callback(&self, login: &str) -> (AppHalf, String) {
        let half = AppHalf::new();
        let start = self.start(&half).await;
        let callback_base = format!("{}/v1/auth/sso/callback", self.app.base);
        let callback = Browser::new()
            .walk(
                start["authorization_url"].as_str().unwrap(),
                login,
                &callback_base,
            )
            .await;
        (half, callback)
    }

    pub async fn redeem(&self, code: &str, verifier: &str) -> Response {
        let body = json!({ "code": code, "code_verifier": verifier });
        self.app.post_json("/v1/auth/sso/redeem", None, &body).await
    }

    /// Signs in as `login` and redeems: the session's token.
    pub async fn session_of(&self, login: &str) -> String {
        let (half, landing) = self.sign_in(login).await;
        let code = landing
            .code()
            .unwrap_or_else(|| panic!("no code: {}", landing.description()));
        let redeemed = expect_json(self.redeem(&code, &half.verifier).await, StatusCode::OK).await;
        assert_eq!(redeemed["kind"], "signed_in", "{redeemed}");
        redeemed["session"]["token"].as_str().unwrap().to_owned()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&self.app.db).await.unwrap();
        n
    }

    /// Audit actions of the org, newest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        let log = self
            .app
            .get(
                &format!("/v1/orgs/{}/audit-log", self.org_id),
                &self.owner.token,
            )
            .await;
        let log = expect_json(log, StatusCode::OK).await;
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }
}
