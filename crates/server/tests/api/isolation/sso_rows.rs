//! The matrix's rows for the SSO routes, owners and admins only (the `manage_security`
//! capability), sessions only. Domains: the tenant claims a domain its DNS server (on
//! loopback) has no record for, so verifying it answers 422 `domain_not_verified` to those
//! who may. The connection: the matrix's server has no identity provider and refuses inner
//! issuers, so owners and admins reach validation (an issuer on loopback is refused before
//! anything is sent) and "not configured"; the flow's public routes answer alike to
//! everyone.

use super::table::{public, row, with_body, Body, Row};

pub fn rows() -> Vec<Row> {
    const MANAGERS: &str = "401 404 403 403 200 200";
    vec![
        row("GET", "/v1/orgs/{org}/domains", MANAGERS),
        with_body(
            "POST",
            "/v1/orgs/{org}/domains",
            r#"{"domain":"d{uniq}.example"}"#,
            "401 404 403 403 201 201",
        ),
        row(
            "POST",
            "/v1/orgs/{org}/domains/{domain}/verify",
            "401 404 403 403 422 422",
        ),
        row(
            "DELETE",
            "/v1/orgs/{org}/domains/{domain}",
            "401 404 403 403 204 204",
        ),
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
