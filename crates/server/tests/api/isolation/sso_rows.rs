//! The matrix's rows for the SSO routes. The matrix's server has no identity provider
//! and refuses inner issuers: owners and admins reach validation (an issuer on loopback
//! is refused before anything is sent) and "not configured"; the flow's public routes
//! answer alike to everyone.

use super::table::{public, row, with_body, Body, Row};

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/v1/orgs/{org}/sso", "401 404 403 403 200 200"),
        with_body(
            "PUT",
            "/v1/orgs/{org}/sso",
            r#"{"issuer":"https://127.0.0.1:9","client_id":"c{uniq}","client_secret":"s","default_role":"member"}"#,
            "401 404 403 403 422 422",
        ),
        row("DELETE", "/v1/orgs/{org}/sso", "401 404 403 403 404 404"),
        with_body(
            "POST",
            "/v1/orgs/{org}/sso/test",
            concat!(
                "{",
                r#""code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","#,
                r#""redirect_uri":"http://127.0.0.1:9/cb","state":"matrix-state-{uniq}""#,
                "}"
            ),
            "401 404 403 403 404 404",
        ),
        public(
            "POST",
            "/v1/auth/sso/start",
            Body::Json(concat!(
                r#"{"org":"no-such-org-{uniq}","#,
                r#""code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","#,
                r#""redirect_uri":"http://127.0.0.1:9/cb","state":"matrix-state-{uniq}"}"#
            )),
            "404 404 404 404 404 404",
        ),
        public(
            "GET",
            "/v1/auth/sso/callback",
            Body::None,
            "400 400 400 400 400 400",
        ),
        public(
            "POST",
            "/v1/auth/sso/redeem",
            Body::Json(
                r#"{"code":"odsso_matrix{uniq}","code_verifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"}"#,
            ),
            "401 401 401 401 401 401",
        ),
    ]
}
