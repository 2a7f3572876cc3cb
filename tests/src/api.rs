//! A plain HTTP client for the server's API, to check what the app did from the outside.

use anyhow::{bail, Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub struct Api {
    http: reqwest::Client,
    base_url: String,
    token: Option<String>,
}

impl Api {
    pub fn new(base_url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: None,
        }
    }

    /// A client whose requests carry `token` as their bearer token, e.g. an API key's secret.
    pub fn with_token(base_url: &str, token: &str) -> Self {
        Self {
            token: Some(token.to_owned()),
            ..Self::new(base_url)
        }
    }

    /// `POST /v1/auth/login`; later requests carry the returned token.
    pub async fn log_in(&mut self, email: &str, password: &str) -> Result<()> {
        let (status, body) = self
            .send(self.http.post(self.url("/v1/auth/login")).json(&json!({
                "email": email,
                "password": password,
            })))
            .await?;
        if status != StatusCode::OK {
            bail!("POST /v1/auth/login answered {status}: {body}");
        }
        let token = body["token"]
            .as_str()
            .with_context(|| format!("no `token` in the login answer: {body}"))?;
        self.token = Some(token.to_owned());
        Ok(())
    }

    /// `POST /v1/auth/signup`; later requests carry the new account's token.
    pub async fn sign_up(&mut self, display_name: &str, email: &str, password: &str) -> Result<()> {
        let body = json!({ "email": email, "password": password, "display_name": display_name });
        let (status, body) = self
            .send(self.http.post(self.url("/v1/auth/signup")).json(&body))
            .await?;
        if status != StatusCode::CREATED {
            bail!("POST /v1/auth/signup answered {status}: {body}");
        }
        let token = body["token"]
            .as_str()
            .with_context(|| format!("no `token` in the signup answer: {body}"))?;
        self.token = Some(token.to_owned());
        Ok(())
    }

    /// `POST <path>` with a JSON body (Null sends none) and the session token.
    pub async fn post(&self, path: &str, body: &Value) -> Result<(StatusCode, Value)> {
        self.request(Method::POST, path, body).await
    }

    /// `POST <path>` with a JSON body, the bearer token and an `Idempotency-Key` header.
    pub async fn post_idempotent(
        &self,
        path: &str,
        body: &Value,
        idempotency_key: &str,
    ) -> Result<(StatusCode, Value)> {
        let mut request = self
            .http
            .post(self.url(path))
            .header("Idempotency-Key", idempotency_key)
            .json(body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// `PUT <path>` with a JSON body and the session token.
    pub async fn put(&self, path: &str, body: &Value) -> Result<(StatusCode, Value)> {
        self.request(Method::PUT, path, body).await
    }

    /// `PATCH <path>` with a JSON body and the session token.
    pub async fn patch(&self, path: &str, body: &Value) -> Result<(StatusCode, Value)> {
        self.request(Method::PATCH, path, body).await
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<(StatusCode, Value)> {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if !body.is_null() {
            request = request.json(body);
        }
        self.send(request).await
    }

    /// `GET <path>` with the session token: the status and the JSON body (Null if none).
    pub async fn get(&self, path: &str) -> Result<(StatusCode, Value)> {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(StatusCode, Value)> {
        let response = request.send().await.context("could not reach the server")?;
        let status = response.status();
        let text = response.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok((status, body))
    }
}

impl Api {
    /// Follows a verification link (`orgdesk://verify-email/<token>`); needs no session.
    pub async fn verify_email(&self, token: &str) -> Result<()> {
        let (status, body) = self
            .post("/v1/auth/verify-email", &json!({ "token": token }))
            .await?;
        anyhow::ensure!(
            status == 200,
            "following the verification link answered {status}: {body}"
        );
        Ok(())
    }

    /// Accepts the invitation whose link (`orgdesk://invite/<token>`) is the first one in
    /// `issued` (what inviting answered), as the invitee following the mailed link does;
    /// answers the new membership. The token proves the invitee's email, so this works for
    /// an account that has not verified it yet (and verifies it).
    pub async fn accept_invitation_link(&self, issued: &Value) -> Result<Value> {
        let link = issued["invitations"][0]["link"]
            .as_str()
            .with_context(|| format!("no invitation link in {issued}"))?;
        let token = link
            .strip_prefix("orgdesk://invite/")
            .with_context(|| format!("not an invitation link: {link}"))?;
        let (status, body) = self
            .post(&format!("/v1/invitations/{token}/accept"), &Value::Null)
            .await?;
        anyhow::ensure!(
            status == 200,
            "accepting the invitation answered {status}: {body}"
        );
        Ok(body)
    }

    /// Accepts the signed-in account's pending invitation to the org `slug` from its list
    /// (the account's email must be verified); answers the new membership.
    pub async fn accept_invitation_to(&self, slug: &str) -> Result<Value> {
        let (status, body) = self.get("/v1/me/invitations").await?;
        anyhow::ensure!(
            status == 200,
            "GET /v1/me/invitations answered {status}: {body}"
        );
        let id = body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["org"]["slug"] == slug)
            .and_then(|i| i["id"].as_str())
            .with_context(|| format!("no invitation to {slug}: {body}"))?
            .to_owned();
        let (status, body) = self
            .post(&format!("/v1/invitations/{id}/accept"), &Value::Null)
            .await?;
        anyhow::ensure!(
            status == 200,
            "accepting the invitation answered {status}: {body}"
        );
        Ok(body)
    }
}

impl Api {
    /// Turns on two-factor sign-in for the signed-in account, as an authenticator app
    /// would: starts the enrolment, confirms it with the code of the moment; answers the
    /// secret.
    pub async fn enrol_two_factor(&self) -> Result<String> {
        let (status, body) = self.post("/v1/me/two-factor", &Value::Null).await?;
        anyhow::ensure!(
            status.is_success(),
            "POST /v1/me/two-factor answered {status}: {body}"
        );
        let secret = body["secret"]
            .as_str()
            .with_context(|| format!("no secret in the enrolment: {body}"))?
            .to_owned();
        let code = totp_now(&secret)?;
        let (status, body) = self
            .post("/v1/me/two-factor/confirm", &json!({ "code": code }))
            .await?;
        anyhow::ensure!(
            status.is_success(),
            "confirming two-factor answered {status}: {body}"
        );
        Ok(secret)
    }
}

/// The code an authenticator app shows now for a base32 `secret` (RFC 6238: SHA-1, 6
/// digits, 30 s).
pub fn totp_now(secret: &str) -> Result<String> {
    totp_at(secret, 0)
}

/// The code an authenticator app shows `offset` seconds from now (a code works once: the
/// next time step's is a new one).
pub fn totp_at(secret: &str, offset: u64) -> Result<String> {
    use totp_rs::{Algorithm, Builder, Secret};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        + offset;
    let secret = Secret::try_from_base32(secret)
        .map_err(|e| anyhow::anyhow!("the secret {secret:?} is not base32: {e:?}"))?;
    let totp = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_secret(secret)
        .build()
        .map_err(|e| anyhow::anyhow!("no TOTP for the secret: {e:?}"))?;
    Ok(totp.generate(now).to_string())
}
