//! A browser played over real HTTP through a single sign-on: the provider's login and
//! consent forms (oidc-provider's development interaction), its redirects to the server's
//! callback and on to the app's loopback address, cookies carried between them, only ever
//! to 127.0.0.1. Shared with the shell's and the end-to-end tests, which include this file.

use std::collections::HashMap;

/// Plays the browser from `url` (the provider's authorization URL) to the last page:
/// signs in as `login`, consents, follows every redirect. Answers the status and body of
/// the page it ends on (the app's loopback page, or wherever the flow stopped).
pub async fn play(url: &str, login: &str) -> (u16, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut cookies: HashMap<String, String> = HashMap::new();
    let mut current = url::Url::parse(url).unwrap();
    let mut form: Option<Vec<(&str, String)>> = None;
    let mut interactions = 0;
    for _ in 0..30 {
        assert_eq!(
            current.host_str(),
            Some("127.0.0.1"),
            "only loopback: {current}"
        );
        let mut req = match form.take() {
            Some(fields) => http.post(current.clone()).form(&fields),
            None => http.get(current.clone()),
        };
        if !cookies.is_empty() {
            let header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(reqwest::header::COOKIE, header.join("; "));
        }
        let resp = req.send().await.expect("the page answers");
        for set in resp.headers().get_all(reqwest::header::SET_COOKIE) {
            let set = set.to_str().unwrap_or_default();
            let pair = set.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let gone = value.is_empty() || set.to_ascii_lowercase().contains("max-age=0");
                if gone {
                    cookies.remove(name.trim());
                } else {
                    cookies.insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
        let status = resp.status();
        if status.is_redirection() {
            let location = resp.headers()[reqwest::header::LOCATION]
                .to_str()
                .unwrap()
                .to_owned();
            current = current.join(&location).unwrap();
            if current.path().starts_with("/interaction/") {
                // The first interaction is the login form, the next ones consent.
                interactions += 1;
                form = Some(if interactions == 1 {
                    vec![
                        ("prompt", "login".to_owned()),
                        ("login", login.to_owned()),
                        ("password", "x".to_owned()),
                    ]
                } else {
                    vec![("prompt", "consent".to_owned())]
                });
            }
            continue;
        }
        return (status.as_u16(), resp.text().await.unwrap_or_default());
    }
    panic!("the browser was redirected more than 30 times from {url}");
}
