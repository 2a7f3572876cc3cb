//! The expected statuses: one row per documented operation, with the callers' statuses
//! on their own org and on a foreign one.

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    Json(&'static str),
    Png,
}

/// What `{id}` in a row's path names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Id {
    Invitation,
    ApiKey,
    Month,
    /// A paid card payment of the tenant.
    Payment,
    /// The session the tenant's owner calls with.
    OwnerSession,
    /// The tenant's webhook endpoint.
    Webhook,
    /// A delivery (a test event) of that endpoint.
    Delivery,
    /// A queued export of the tenant.
    Export,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Prep {
    None,
    Suspended,
    Archived,
}

pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    pub query: &'static str,
    pub body: Body,
    pub prep: Prep,
    pub id: Id,
    /// Statuses for the callers in [`CALLERS`] order, on their own org.
    pub own: &'static str,
    /// On the foreign org; `None`: the route is not org-scoped and answers as on `own`.
    pub foreign: Option<&'static str>,
    /// Sent with a fresh `Idempotency-Key` (a route that requires one).
    pub keyed: bool,
}

const FOREIGN: Option<&str> = Some("401 404 404 404 404 404");

pub const fn row(method: &'static str, path: &'static str, own: &'static str) -> Row {
    Row {
        method,
        path,
        query: "",
        body: Body::None,
        prep: Prep::None,
        id: Id::Invitation,
        own,
        foreign: FOREIGN,
        keyed: false,
    }
}

pub const fn public(
    method: &'static str,
    path: &'static str,
    body: Body,
    own: &'static str,
) -> Row {
    Row {
        method,
        path,
        query: "",
        body,
        prep: Prep::None,
        id: Id::Invitation,
        own,
        foreign: None,
        keyed: false,
    }
}

pub const fn with_body(
    method: &'static str,
    path: &'static str,
    body: &'static str,
    own: &'static str,
) -> Row {
    Row {
        method,
        path,
        query: "",
        body: Body::Json(body),
        prep: Prep::None,
        id: Id::Invitation,
        own,
        foreign: FOREIGN,
        keyed: false,
    }
}

const SIGNUP: &str =
    r#"{"email":"new{uniq}@example.com","password":"correct horse battery","display_name":"New"}"#;
const LOGIN: &str = r#"{"email":"outsider@example.com","password":"correct horse battery"}"#;
/// The same password again: the change goes through and the people keep their password.
const CHANGE_PASSWORD: &str =
    r#"{"current_password":"correct horse battery","new_password":"correct horse battery"}"#;
const CHANGE_EMAIL: &str =
    r#"{"new_email":"moved{uniq}@example.com","password":"correct horse battery"}"#;

pub fn table() -> Vec<Row> {
    vec![
        public("GET", "/v1/health", Body::None, "200 200 200 200 200 200"),
        public(
            "GET",
            "/v1/openapi.json",
            Body::None,
            "200 200 200 200 200 200",
        ),
        public(
            "POST",
            "/v1/auth/signup",
            Body::Json(SIGNUP),
            "201 201 201 201 201 201",
        ),
        public(
            "POST",
            "/v1/auth/login",
            Body::Json(LOGIN),
            "200 200 200 200 200 200",
        ),
        public(
            "POST",
            "/v1/auth/logout",
            Body::None,
            "401 204 204 204 204 204",
        ),
        public(
            "POST",
            "/v1/auth/login/two-factor",
            Body::Json(r#"{"challenge":"odc_unknown{uniq}","code":"123456"}"#),
            "401 401 401 401 401 401",
        ),
        public("GET", "/v1/me", Body::None, "401 200 200 200 200 200"),
        // The caller's own account: anonymous 401, everyone else acts on their own.
        public(
            "PATCH",
            "/v1/me",
            Body::Json(r#"{"display_name":"Renamed {uniq}"}"#),
            "401 200 200 200 200 200",
        ),
        // A wrong password (the people are kept for the whole matrix); the owner of the
        // tenant is refused first for owning it.
        public(
            "DELETE",
            "/v1/me",
            Body::Json(r#"{"password":"not the password"}"#),
            "401 422 422 422 422 409",
        ),
        public(
            "POST",
            "/v1/me/password",
            Body::Json(CHANGE_PASSWORD),
            "401 204 204 204 204 204",
        ),
        public(
            "POST",
            "/v1/me/email",
            Body::Json(CHANGE_EMAIL),
            "401 202 202 202 202 202",
        ),
        public(
            "POST",
            "/v1/me/verify-email/resend",
            Body::None,
            "401 202 202 202 202 202",
        ),
        // Mailed links and resets need no session: the token (or nothing) decides.
        public(
            "POST",
            "/v1/auth/verify-email",
            Body::Json(r#"{"token":"matrix-{uniq}"}"#),
            "422 422 422 422 422 422",
        ),
        public(
            "POST",
            "/v1/auth/password-reset",
            Body::Json(r#"{"email":"nobody{uniq}@example.com"}"#),
            "202 202 202 202 202 202",
        ),
        public(
            "POST",
            "/v1/auth/password-reset/confirm",
            Body::Json(r#"{"token":"matrix-{uniq}","new_password":"correct horse battery"}"#),
            "422 422 422 422 422 422",
        ),
        public(
            "GET",
            "/v1/me/sessions",
            Body::None,
            "401 200 200 200 200 200",
        ),
        // Only its owner may end a session; anyone else's id is not found.
        Row {
            id: Id::OwnerSession,
            foreign: Some("401 404 404 404 404 404"),
            ..public(
                "DELETE",
                "/v1/me/sessions/{id}",
                Body::None,
                "401 404 404 404 404 204",
            )
        },
        public(
            "POST",
            "/v1/me/sessions/revoke-all",
            Body::Json(r#"{"keep_current":true}"#),
            "401 200 200 200 200 200",
        ),
        public(
            "GET",
            "/v1/me/security-events",
            Body::None,
            "401 200 200 200 200 200",
        ),
        public(
            "GET",
            "/v1/me/two-factor",
            Body::None,
            "401 200 200 200 200 200",
        ),
        public(
            "POST",
            "/v1/me/two-factor",
            Body::None,
            "401 200 200 200 200 200",
        ),
        // After the row above every caller has an enrolment waiting; a wrong code.
        public(
            "POST",
            "/v1/me/two-factor/confirm",
            Body::Json(r#"{"code":"000000"}"#),
            "401 422 422 422 422 422",
        ),
        public(
            "POST",
            "/v1/me/two-factor/recovery-codes",
            Body::Json(r#"{"code":"000000"}"#),
            "401 409 409 409 409 409",
        ),
        public(
            "DELETE",
            "/v1/me/two-factor",
            Body::Json(r#"{"code":"000000"}"#),
            "401 409 409 409 409 409",
        ),
        public("GET", "/v1/orgs", Body::None, "401 200 200 200 200 200"),
        public(
            "POST",
            "/v1/orgs",
            Body::Json(r#"{"name":"Made {uniq}"}"#),
            "401 201 201 201 201 201",
        ),
        row("GET", "/v1/orgs/{org}", "401 404 200 200 200 200"),
        with_body(
            "PATCH",
            "/v1/orgs/{org}",
            r#"{"description":"changed {uniq}"}"#,
            "401 404 403 403 200 200",
        ),
        // Schedules the deletion (the password is every matrix account's).
        with_body(
            "DELETE",
            "/v1/orgs/{org}",
            r#"{"confirm_slug":"{org_slug}","password":"correct horse battery"}"#,
            "401 404 403 403 403 200",
        ),
        with_body(
            "POST",
            "/v1/orgs/{org}/deletion",
            r#"{"confirm_slug":"{org_slug}","password":"correct horse battery"}"#,
            "401 404 403 403 403 200",
        ),
        row("DELETE", "/v1/orgs/{org}/deletion", "401 404 403 403 403 409"),
        row("GET", "/v1/orgs/{org}/security", "401 404 403 403 200 200"),
        with_body(
            "PUT",
            "/v1/orgs/{org}/security",
            r#"{"require_two_factor":false,"session_idle_timeout_minutes":60,"min_password_length":12}"#,
            "401 404 403 403 200 200",
        ),
        Row {
            body: Body::Png,
            ..row("PUT", "/v1/orgs/{org}/logo", "401 404 403 403 200 200")
        },
        row("GET", "/v1/orgs/{org}/logo", "401 404 200 200 200 200"),
        row("DELETE", "/v1/orgs/{org}/logo", "401 404 403 403 204 204"),
        row("GET", "/v1/orgs/{org}/overview", "401 404 200 200 200 200"),
        row("GET", "/v1/orgs/{org}/projects", "401 404 200 200 200 200"),
        with_body(
            "POST",
            "/v1/orgs/{org}/projects",
            r#"{"name":"New {uniq}"}"#,
            "401 404 403 403 201 201",
        ),
        row(
            "GET",
            "/v1/orgs/{org}/projects/{project}",
            "401 404 404 200 200 200",
        ),
        with_body(
            "PATCH",
            "/v1/orgs/{org}/projects/{project}",
            r#"{"description":"x"}"#,
            "401 404 404 403 200 200",
        ),
        Row {
            query: "?confirm={project_slug}",
            ..row(
                "DELETE",
                "/v1/orgs/{org}/projects/{project}",
                "401 404 404 403 204 204",
            )
        },
        with_body(
            "POST",
            "/v1/orgs/{org}/projects/{project}/suspend",
            r#"{"reason":"r"}"#,
            "401 404 404 403 200 200",
        ),
        Row {
            prep: Prep::Suspended,
            ..row(
                "POST",
                "/v1/orgs/{org}/projects/{project}/unsuspend",
                "401 404 404 403 200 200",
            )
        },
        row(
            "POST",
            "/v1/orgs/{org}/projects/{project}/archive",
            "401 404 404 403 200 200",
        ),
        Row {
            prep: Prep::Archived,
            ..row(
                "POST",
                "/v1/orgs/{org}/projects/{project}/restore",
                "401 404 404 403 200 200",
            )
        },
        row("GET", "/v1/orgs/{org}/members", "401 404 200 200 200 200"),
        with_body(
            "PATCH",
            "/v1/orgs/{org}/members/{user_id}",
            r#"{"role":"admin"}"#,
            "401 404 403 403 200 200",
        ),
        row(
            "DELETE",
            "/v1/orgs/{org}/members/{user_id}",
            "401 404 403 403 204 204",
        ),
        row("POST", "/v1/orgs/{org}/leave", "401 404 204 204 204 409"),
        with_body(
            "POST",
            "/v1/orgs/{org}/transfer-ownership",
            r#"{"user_id":"{target}"}"#,
            "401 404 403 403 403 200",
        ),
        row(
            "GET",
            "/v1/orgs/{org}/invitations",
            "401 404 403 403 200 200",
        ),
        with_body(
            "POST",
            "/v1/orgs/{org}/invitations",
            r#"{"emails":["inv{uniq}@example.com"],"role":"member"}"#,
            "401 404 403 403 201 201",
        ),
        row(
            "DELETE",
            "/v1/orgs/{org}/invitations/{id}",
            "401 404 403 403 204 204",
        ),
        row(
            "POST",
            "/v1/orgs/{org}/invitations/{id}/resend",
            "401 404 403 403 200 200",
        ),
        public(
            "GET",
            "/v1/me/invitations",
            Body::None,
            "401 200 200 200 200 200",
        ),
        // Every caller's own orgs: what the tenant holds shows only to its members (the
        // tests in `portfolio.rs` check which figures each role gets).
        public(
            "GET",
            "/v1/me/portfolio",
            Body::None,
            "401 200 200 200 200 200",
        ),
        // By id, an invitation addressed to someone else does not exist for the caller.
        row("GET", "/v1/invitations/{token}", "401 404 404 404 404 404"),
        row(
            "POST",
            "/v1/invitations/{token}/accept",
            "401 404 404 404 404 404",
        ),
        row(
            "POST",
            "/v1/invitations/{token}/decline",
            "401 404 404 404 404 404",
        ),
        row("GET", "/v1/orgs/{org}/audit-log", "401 404 403 403 200 200"),
        row("GET", "/v1/orgs/{org}/billing", "401 404 403 403 200 200"),
        with_body(
            "PUT",
            "/v1/orgs/{org}/plan",
            r#"{"plan":"business"}"#,
            "401 404 403 403 403 200",
        ),
        with_body(
            "POST",
            "/v1/orgs/{org}/credits/top-ups",
            r#"{"amount":{uniq}}"#,
            "401 404 403 403 201 201",
        ),
        row("GET", "/v1/orgs/{org}/ledger", "401 404 403 403 200 200"),
        row("GET", "/v1/orgs/{org}/payments", "401 404 403 403 200 200"),
        // The matrix runs in `local` payment mode: card payments are refused there.
        Row {
            keyed: true,
            ..with_body(
                "POST",
                "/v1/orgs/{org}/payments",
                r#"{"credits":1000}"#,
                "401 404 403 403 409 409",
            )
        },
        Row {
            id: Id::Payment,
            ..row(
                "GET",
                "/v1/orgs/{org}/payments/{id}",
                "401 404 403 403 200 200",
            )
        },
        Row {
            id: Id::Payment,
            ..row(
                "GET",
                "/v1/orgs/{org}/payments/{id}/receipt",
                "401 404 403 403 200 200",
            )
        },
        Row {
            id: Id::Payment,
            ..row(
                "GET",
                "/v1/orgs/{org}/payments/{id}/receipt.pdf",
                "401 404 403 403 200 200",
            )
        },
        // Stripe's webhook has no caller: unsigned, it is refused whoever sends it.
        public(
            "POST",
            "/v1/payments/stripe/webhook",
            Body::Json("{}"),
            "400 400 400 400 400 400",
        ),
        Row {
            query: "?group_by=project",
            ..row("GET", "/v1/orgs/{org}/usage", "401 404 403 403 200 200")
        },
        Row {
            query: "?group_by=day",
            ..row(
                "GET",
                "/v1/orgs/{org}/reports/usage.csv",
                "401 404 403 403 200 200",
            )
        },
        row("GET", "/v1/orgs/{org}/invoices", "401 404 403 403 200 200"),
        Row {
            id: Id::Month,
            ..row(
                "GET",
                "/v1/orgs/{org}/invoices/{id}",
                "401 404 403 403 200 200",
            )
        },
        with_body(
            "PUT",
            "/v1/orgs/{org}/billing/alerts",
            r#"{"low_balance_threshold":{uniq}}"#,
            "401 404 403 403 200 200",
        ),
        with_body(
            "PUT",
            "/v1/orgs/{org}/billing/spend-policy",
            r#"{"kind":"projects","ids":["{project}"]}"#,
            "401 404 403 403 200 200",
        ),
        row(
            "GET",
            "/v1/orgs/{org}/billing/profile",
            "401 404 403 403 200 200",
        ),
        with_body(
            "PUT",
            "/v1/orgs/{org}/billing/profile",
            r#"{"company_name":"Tenant {uniq}"}"#,
            "401 404 403 403 200 200",
        ),
        // The matrix's server records payments (`local`): no card pages there.
        row(
            "POST",
            "/v1/orgs/{org}/billing/card",
            "401 404 403 403 409 409",
        ),
        public("GET", "/v1/rates", Body::None, "401 200 200 200 200 200"),
        row("GET", "/v1/orgs/{org}/api-keys", "401 404 200 200 200 200"),
        // {project} is outside the scoped member's scope.
        with_body(
            "POST",
            "/v1/orgs/{org}/api-keys",
            r#"{"name":"k{uniq}","project_id":"{project}","scopes":["usage:write"]}"#,
            "401 404 403 201 201 201",
        ),
        // The tenant's key was made by its owner: members cannot see it.
        Row {
            id: Id::ApiKey,
            ..row(
                "DELETE",
                "/v1/orgs/{org}/api-keys/{id}",
                "401 404 404 404 204 204",
            )
        },
        // Session tokens are no API keys; see `api_keys_never_cross_tenants`.
        public(
            "POST",
            "/v1/usage",
            Body::Json(r#"{"project":"{project}","modality":"text","quantity":1}"#),
            "401 401 401 401 401 401",
        ),
        Row {
            query: "?format=csv",
            ..row(
                "GET",
                "/v1/orgs/{org}/audit-log/export",
                "401 404 403 403 200 200",
            )
        },
    ]
    .into_iter()
    .chain(super::webhook_rows::rows())
    .chain(super::retention_rows::rows())
    .chain(super::export_rows::rows())
    .chain(super::sso_rows::rows())
    .collect()
}
