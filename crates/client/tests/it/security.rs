//! The client's sign-in security calls against the real server on loopback: sessions,
//! two-factor enrolment and the two-step sign-in, and an org's security policy.

use crate::common;

use orgdesk_client::{Client, LoginStep};
use orgdesk_model::auth::LoginRequest;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::policy::UpdateOrgSecurityPolicy;
use orgdesk_model::two_factor::{LoginTwoFactorRequest, TwoFactorProof};
use orgdesk_model::ErrorCode;
use totp_rs::{Algorithm, Builder, Secret};

use common::{server_with_ana, PASSWORD};

fn code(secret: &str, offset: u64) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap() + offset;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(now)
        .to_string()
}

fn login(email: &str) -> LoginRequest {
    LoginRequest {
        email: email.into(),
        password: PASSWORD.into(),
    }
}

#[tokio::test]
async fn sessions_two_factor_and_the_org_policy() {
    let (_dir, server, grant) = server_with_ana().await;
    let base = server.base_url();
    let anonymous = Client::new(&base).unwrap();
    let first = Client::new(&base).unwrap().with_token(grant.token);

    // Sessions: the client's own is current; another can be ended.
    let LoginStep::SignedIn(other) = anonymous
        .login_step(&login("ana@example.com"))
        .await
        .unwrap()
    else {
        panic!("two-factor is off");
    };
    let list = first.sessions().await.unwrap();
    assert_eq!(list.items.len(), 2);
    let current = list.items.iter().find(|s| s.current).unwrap();
    assert_eq!(
        current.user_agent.as_deref(),
        Some(concat!("orgdesk/", env!("CARGO_PKG_VERSION")))
    );
    let theirs = list.items.iter().find(|s| !s.current).unwrap().id;
    first.revoke_session(theirs).await.unwrap();
    let second = Client::new(&base).unwrap().with_token(other.token);
    assert_eq!(
        second.me().await.unwrap_err().code(),
        ErrorCode::Unauthenticated
    );

    // Two-factor: enrol, then sign in in two steps.
    let shown = first.start_two_factor().await.unwrap();
    let codes = first
        .confirm_two_factor(&code(&shown.secret, 0))
        .await
        .unwrap();
    assert_eq!(codes.codes.len(), 10);
    assert!(first.two_factor().await.unwrap().enabled);
    let refused = anonymous
        .login(&login("ana@example.com"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::MfaRequired);
    let LoginStep::TwoFactor(challenge) = anonymous
        .login_step(&login("ana@example.com"))
        .await
        .unwrap()
    else {
        panic!("two-factor is on");
    };
    let grant = anonymous
        .login_two_factor(&LoginTwoFactorRequest {
            challenge: challenge.challenge,
            code: Some(code(&shown.secret, 30)),
            recovery_code: None,
        })
        .await
        .unwrap();
    assert_eq!(grant.me.user.email, "ana@example.com");
    let events = first.security_events(None, 2).await.unwrap();
    assert_eq!(events.items.len(), 2);
    assert!(events.next_cursor.is_some());

    // The org policy.
    let org = first
        .create_org(&CreateOrgRequest {
            name: "Acme".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .org
        .id;
    let policy = first
        .update_org_security(
            org,
            &UpdateOrgSecurityPolicy {
                require_two_factor: true,
                session_idle_timeout_minutes: Some(120),
                min_password_length: 12,
            },
        )
        .await
        .unwrap();
    assert!(policy.require_two_factor);
    assert_eq!(first.org_security(org).await.unwrap(), policy);

    // Off again, with a recovery code; then everywhere else signed out.
    first
        .disable_two_factor(&TwoFactorProof {
            code: None,
            recovery_code: Some(codes.codes[0].clone()),
        })
        .await
        .unwrap();
    assert_eq!(
        first.org_security(org).await.unwrap_err().code(),
        ErrorCode::MfaRequiredByOrg
    );
    assert_eq!(first.revoke_all_sessions(true).await.unwrap().revoked, 1);
    first.me().await.unwrap();
    server.shutdown().await;
}
