//! The loopback listener against a real socket: PKCE, the redirect, the page the tab
//! shows, and what is refused.

use super::*;

#[test]
fn the_challenge_is_s256_of_the_verifier() {
    // RFC 7636, appendix B.
    assert_eq!(
        challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let pkce = Pkce::new();
    assert_eq!(pkce.verifier().len(), 43);
    assert_eq!(pkce.challenge().len(), 43);
    assert_ne!(pkce.verifier(), Pkce::new().verifier());
}

#[test]
fn errors_on_the_redirect_keep_the_model_s_codes() {
    let e = returned_error("sso_not_configured", None);
    assert_eq!(e.code, ErrorCode::SsoNotConfigured);
    let e = returned_error("access_denied", Some("  User cancelled  "));
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::SsoFailed, "User cancelled")
    );
    assert_eq!(returned_error("<script>", None).code, ErrorCode::SsoFailed);
    assert!(!page("x", "<script>", "").contains("<script>"));
}

async fn get(port: u16, target: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let req = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

fn port_of(loopback: &Loopback) -> u16 {
    loopback.listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn only_the_flow_s_own_state_ends_the_wait() {
    let loopback = Loopback::bind().await.unwrap();
    let half = loopback.app_half();
    assert!(half.redirect_uri.starts_with("http://127.0.0.1:"));
    assert!(half.redirect_uri.ends_with("/sso"));
    let port = port_of(&loopback);
    let (_keep, cancel) = oneshot::channel();
    let waiting = tokio::spawn(loopback.wait(WAIT, cancel));

    assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
    let wrong = get(port, "/sso?code=abc&state=not-this-one").await;
    assert!(wrong.starts_with("HTTP/1.1 400"), "{wrong}");
    assert!(!waiting.is_finished());

    let browser = tokio::spawn(async move {
        get(port, &format!("/sso?code=the-code&state={}", half.state)).await
    });
    let returned = waiting.await.unwrap().expect("the code came back");
    assert_eq!(returned.code, "the-code");
    assert_eq!(challenge_of(&returned.verifier), half.code_challenge);
    returned.answer(Ok("You're signed in to Orgdesk.")).await;
    let page = browser.await.unwrap();
    assert!(page.starts_with("HTTP/1.1 200"));
    assert!(page.contains("You&#x27;re signed in") || page.contains("You're signed in"));
}

#[tokio::test]
async fn an_error_on_the_redirect_ends_the_wait_with_its_code() {
    let loopback = Loopback::bind().await.unwrap();
    let (port, state) = (port_of(&loopback), loopback.app_half().state);
    let (_keep, cancel) = oneshot::channel();
    let waiting = tokio::spawn(loopback.wait(WAIT, cancel));
    let target =
        format!("/sso?error=sso_failed&error_description=Email+not+verified&state={state}");
    let page = get(port, &target).await;
    assert!(page.contains("Email not verified"), "{page}");
    let err = ApiError::from(waiting.await.unwrap().err().expect("refused"));
    assert_eq!(err.code, ErrorCode::SsoFailed);
    assert_eq!(err.message, "Email not verified");
}

#[tokio::test]
async fn cancel_and_timeout_end_the_wait() {
    let loopback = Loopback::bind().await.unwrap();
    let (cancel_it, cancel) = oneshot::channel();
    let waiting = tokio::spawn(loopback.wait(WAIT, cancel));
    cancel_it.send(()).unwrap();
    let err = ApiError::from(waiting.await.unwrap().err().expect("cancelled"));
    assert!(err.message.contains("cancelled"), "{}", err.message);

    let loopback = Loopback::bind().await.unwrap();
    let (_keep, cancel) = oneshot::channel();
    let err = loopback.wait(Duration::from_millis(50), cancel).await.err();
    assert_eq!(
        ApiError::from(err.expect("timed out")).code,
        ErrorCode::SsoFailed
    );
}
