//! The card page, `GET /pay/card/{token}`: a small HTML page that loads Stripe.js, shows
//! Stripe's card element and confirms the SetupIntent with it — the card goes from the
//! browser to Stripe, never through this server — then calls
//! `POST /pay/card/{token}/complete`, which saves the card the SetupIntent attached.
//!
//! The token in the URL is the page's only credential: it was handed to an owner or admin
//! of the org, works for 30 minutes, and is kept as a hash. The page sends no referrer,
//! cannot be framed, and runs only its own script (by nonce) and Stripe's.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use orgdesk_model::payment::CardSummary;
use utoipa_axum::router::OpenApiRouter;

use crate::billing::BillingError;
use crate::cards::setup::{self, OpenSetup};
use crate::error::AppError;
use crate::state::AppState;
use crate::stripe::Stripe;

/// The page routes: outside the API document (they are a web page and its one call), yet
/// behind the same host guard, timeout and body limit as every route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/pay/card/{token}", axum::routing::get(card_page))
        .route(
            "/pay/card/{token}/complete",
            axum::routing::post(complete_page),
        )
}

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("the card is not confirmed at the processor yet")]
    NotConfirmed,
}

impl crate::error::DomainError for PageError {
    fn code(&self) -> orgdesk_model::ErrorCode {
        orgdesk_model::ErrorCode::InvalidState
    }

    fn detail(&self) -> String {
        "Stripe has not confirmed the card yet. Try again in a moment.".to_owned()
    }
}

async fn card_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match render(&state, &token).await {
        Ok(page) => page,
        Err(error) => {
            let status = if matches!(error, AppError::NotFound) {
                StatusCode::NOT_FOUND
            } else {
                tracing::error!(%error, "card page failed");
                StatusCode::BAD_GATEWAY
            };
            let message = if status == StatusCode::NOT_FOUND {
                "This link has expired or was already used. Start again from Billing → \
                 Payment method in Orgdesk."
            } else {
                "The payment processor could not be reached. Close this window and try \
                 again in a moment."
            };
            secured(status, notice_page("Add a card", message), None, None)
        }
    }
}

/// The open setup of a page token, and Stripe (404 for an unknown or expired token).
async fn open_setup<'a>(
    state: &'a AppState,
    token: &str,
) -> Result<(OpenSetup, &'a Stripe), AppError> {
    let found = setup::find(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let stripe = state
        .payments
        .card_processor()
        .map_err(BillingError::Payment)?;
    Ok((found, stripe))
}

async fn render(state: &AppState, token: &str) -> Result<Response, AppError> {
    let (found, stripe) = open_setup(state, token).await?;
    if found.completed {
        return Ok(secured(
            StatusCode::OK,
            notice_page(
                "Card saved",
                "This card is saved. You can close this window.",
            ),
            None,
            None,
        ));
    }
    let org_name = org_name(state, &found).await?;
    let secret = setup::client_secret(stripe, &found).await?;
    let nonce = nonce();
    let body = card_form(stripe, &org_name, &secret, token, &nonce);
    Ok(secured(StatusCode::OK, body, Some(&nonce), Some(stripe)))
}

async fn org_name(state: &AppState, setup: &OpenSetup) -> Result<String, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM orgs WHERE id = $1")
        .bind(setup.org.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|(name,)| name).ok_or(AppError::NotFound)
}

async fn complete_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<CardSummary>, AppError> {
    let (found, stripe) = open_setup(&state, &token).await?;
    setup::complete_intent(&state.db, stripe, &found.setup_intent)
        .await?
        .map(Json)
        .ok_or_else(|| PageError::NotConfirmed.into())
}

fn nonce() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Text for HTML: `& < > " '` escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The origin (`scheme://host[:port]`) of a URL.
fn origin(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

fn secured(
    status: StatusCode,
    body: String,
    nonce: Option<&str>,
    stripe: Option<&Stripe>,
) -> Response {
    let own = nonce.map(|n| format!("'nonce-{n}'")).unwrap_or_default();
    let (js, api) = stripe
        .map(|s| (origin(&s.config.js_url()), origin(&s.config.api_base)))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'none'; script-src {own} {js}; style-src {own}; \
         connect-src 'self' {api}; frame-src {js} https://hooks.stripe.com; img-src 'self' data:; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;color:#1d2230;background:#f5f6f8;\
margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}\
main{background:#fff;border:1px solid #dfe2e8;border-radius:10px;padding:28px 32px;\
width:min(440px,90vw);box-shadow:0 4px 18px rgba(20,30,50,.06)}h1{font-size:20px;margin:0 0 6px}\
p{margin:0 0 16px;color:#535a6b}#card{border:1px solid #c9ced8;border-radius:6px;padding:10px;\
margin-bottom:16px;min-height:22px}#card input{font:inherit;margin:2px;padding:4px;\
border:1px solid #dfe2e8;border-radius:4px}button{font:inherit;font-weight:600;color:#fff;\
background:#3451d1;border:0;border-radius:6px;padding:9px 18px;cursor:pointer}\
button:disabled{opacity:.6;cursor:default}#status{margin-top:14px;min-height:1.5em}\
.error{color:#b42318}.done{color:#067647}";

fn notice_page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} — Orgdesk</title></head><body><main><h1>{title}</h1><p>{message}</p>\
         </main></body></html>",
        title = escape(title),
        message = escape(message),
    )
}

fn card_form(stripe: &Stripe, org_name: &str, secret: &str, token: &str, nonce: &str) -> String {
    // JSON inside a script element: `<` escaped so that nothing can close the element.
    let config = serde_json::json!({
        "key": stripe.config.publishable_key,
        "secret": secret,
        "complete": format!("/pay/card/{token}/complete"),
    })
    .to_string()
    .replace('<', "\\u003c");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Add a card — Orgdesk</title><style nonce=\"{nonce}\">{STYLE}</style>\
<script nonce=\"{nonce}\" src=\"{js}\"></script></head><body><main>\
<h1>Add a card for {org}</h1>\
<p>Top-ups and plan renewals of {org} are charged to this card. The card number goes \
straight to Stripe; Orgdesk keeps only its brand, last four digits and expiry.</p>\
<form id=\"form\"><div id=\"card\" aria-label=\"Card details\"></div>\
<button id=\"save\" type=\"submit\">Save card</button>\
<div id=\"status\" role=\"status\" aria-live=\"polite\"></div></form></main>\
<script id=\"config\" type=\"application/json\">{config}</script>\
<script nonce=\"{nonce}\">{SCRIPT}</script></body></html>",
        js = escape(&stripe.config.js_url()),
        org = escape(org_name),
    )
}

const SCRIPT: &str = r#"
const config = JSON.parse(document.getElementById('config').textContent);
const stripe = Stripe(config.key);
const card = stripe.elements().create('card');
card.mount('#card');
const form = document.getElementById('form');
const save = document.getElementById('save');
const status = document.getElementById('status');
function say(text, kind) { status.textContent = text; status.className = kind || ''; }
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  save.disabled = true;
  say('Saving the card…');
  try {
    const result = await stripe.confirmCardSetup(config.secret, { payment_method: { card } });
    if (result.error) {
      say(result.error.message || 'The card was declined.', 'error');
      save.disabled = false;
      return;
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const answer = await fetch(config.complete, { method: 'POST' });
      if (answer.ok) {
        const saved = await answer.json();
        say('Card saved: ' + saved.brand + ' ending in ' + saved.last4 +
          '. You can close this window.', 'done');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    say('Stripe took the card, but Orgdesk could not confirm it yet. Close this window; it will show in Billing shortly.', 'error');
  } catch (error) {
    say('Something went wrong: ' + error, 'error');
    save.disabled = false;
  }
});
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_names_cannot_break_out_of_the_page() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"co\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"
        );
        assert_eq!(
            origin("http://127.0.0.1:8420/js.stripe.com/v3/"),
            "http://127.0.0.1:8420"
        );
        assert_eq!(origin("https://js.stripe.com/v3/"), "https://js.stripe.com");
    }
}
