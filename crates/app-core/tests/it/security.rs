//! An org's security policy through the core, against a real server on loopback: reading
//! and changing it (field errors, the caller's own two-factor first), a member shut out of
//! that org only until they turn two-factor on, and the account's mailed links (verify the
//! email, reset the password).

use crate::common;

use common::mail::totp_now;
use common::world::{sign_up, World, PASSWORD};
use orgdesk_app_core::account_mail::ResetPasswordInput;
use orgdesk_app_core::session::SignInInput;
use orgdesk_app_core::AppError;
use orgdesk_client::Client;
use orgdesk_model::invitation::CreateInvitationsRequest;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::policy::UpdateOrgSecurityPolicy;
use orgdesk_model::{ApiError, ErrorCode, OrgId, Role};

fn code_of(result: Result<impl std::fmt::Debug, AppError>) -> ApiError {
    ApiError::from(result.expect_err("refused"))
}

/// Turns two-factor on for the account `client` is signed in as.
async fn enrol(client: &Client) {
    let enrolment = client.start_two_factor().await.unwrap();
    client
        .confirm_two_factor(&totp_now(&enrolment.secret))
        .await
        .unwrap();
}

fn policy(require: bool, idle: Option<u32>, min: u32) -> UpdateOrgSecurityPolicy {
    UpdateOrgSecurityPolicy {
        require_two_factor: require,
        session_idle_timeout_minutes: idle,
        min_password_length: min,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_requires_two_factor_and_a_member_is_shut_out_of_that_org_only_until_enrolled() {
    let world = World::new().await;
    let url = world.server.base_url();
    let owner = world.launch();
    sign_up(&owner, &url, "ada@example.com").await;
    let acme = CreateOrgRequest {
        name: "Acme".into(),
        ..Default::default()
    };
    let org: OrgId = owner.orgs.create(acme).await.unwrap().org.id;

    let before = owner.security.get(org).await.unwrap();
    assert!(!before.require_two_factor);
    assert_eq!(before.min_password_length, 10);
    assert_eq!(before.session_idle_timeout_minutes, None);
    assert_eq!(before.members_without_two_factor, 1);
    assert_eq!(before.updated_at, None);

    // Out of bounds: the field is named.
    let refused = code_of(owner.security.update(org, policy(false, Some(1), 10)).await);
    assert_eq!(refused.code, ErrorCode::ValidationFailed);
    assert_eq!(
        refused.field.as_deref(),
        Some("session_idle_timeout_minutes")
    );
    // Requiring it needs it on one's own account first.
    let refused = code_of(owner.security.update(org, policy(true, None, 12)).await);
    assert_eq!(refused.code, ErrorCode::InvalidState);
    assert!(
        refused.message.contains("two-factor"),
        "{}",
        refused.message
    );

    // Bo joins through his invitation link (which also verifies his email).
    let ada = world.direct("ada@example.com").await;
    let issued = ada
        .invite(
            org,
            &CreateInvitationsRequest {
                emails: vec!["bo@example.com".into()],
                role: Role::Member,
                project_scope: Default::default(),
            },
        )
        .await
        .unwrap();
    let member = world.launch();
    sign_up(&member, &url, "bo@example.com").await;
    let token = issued.invitations[0]
        .link
        .strip_prefix("orgdesk://invite/")
        .unwrap()
        .to_owned();
    member.invitations.accept(token).await.unwrap();
    member.orgs.overview(org).await.expect("Bo reads Acme");

    enrol(&ada).await;
    let saved = owner
        .security
        .update(org, policy(true, Some(60), 12))
        .await
        .unwrap();
    assert!(saved.require_two_factor);
    assert_eq!(saved.session_idle_timeout_minutes, Some(60));
    assert_eq!(saved.min_password_length, 12);
    assert_eq!(saved.members_without_two_factor, 1, "Bo has not enrolled");
    assert!(saved.updated_at.is_some());
    assert_eq!(owner.security.get(org).await.unwrap(), saved);

    // Bo (a member: not his to read) is refused the org, for that reason; his personal
    // context works.
    // What he read before may answer once from his local store; its refresh meets the
    // refusal, and from then on the org's reads are refused, never answered from there.
    let mut refused = None;
    for _ in 0..100 {
        match member.orgs.overview(org).await {
            Ok(fresh) => assert!(fresh.from_cache, "the server answered Bo"),
            Err(e) => {
                refused = Some(ApiError::from(e));
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(refused.expect("refused").code, ErrorCode::MfaRequiredByOrg);
    let again = code_of(member.orgs.overview(org).await);
    assert_eq!(again.code, ErrorCode::MfaRequiredByOrg);
    let personal = member.session.restore().await.session.unwrap();
    member
        .orgs
        .overview(personal.me.personal_org_id)
        .await
        .expect("Bo's personal context still works");

    // Once he turns two-factor on, the org opens (no refusal is remembered).
    enrol(&world.direct("bo@example.com").await).await;
    member
        .orgs
        .overview(org)
        .await
        .expect("Bo reads Acme again");
    assert_eq!(
        owner
            .security
            .get(org)
            .await
            .unwrap()
            .members_without_two_factor,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_the_policy_says_it_needs_the_server() {
    let world = World::new().await;
    let app = world.launch();
    let org = common::world::sign_up_with_org(&world, &app, "cy@example.com").await;
    app.security.get(org).await.unwrap();
    world.proxy.set(common::proxy::Fault::Refuse);
    let _ = app.connectivity.check_now().await;
    for result in [
        app.security.get(org).await,
        app.security.update(org, policy(false, None, 10)).await,
    ] {
        let refused = code_of(result);
        assert_eq!(refused.code, ErrorCode::ServerUnreachable);
        assert!(refused.message.contains("offline"), "{}", refused.message);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_verification_link_verifies_the_signed_in_account_and_a_reset_link_sets_a_password() {
    let world = World::new().await;
    let url = world.server.base_url();
    let app = world.launch();
    sign_up(&app, &url, "di@example.com").await;
    let me = app.session.restore().await.session.unwrap().me;
    assert!(!me.email_verified);
    // An invitation waits for the address; it is shown once the address is confirmed.
    let owner = world.launch();
    sign_up(&owner, &url, "eve@example.com").await;
    let acme = CreateOrgRequest {
        name: "Acme".into(),
        ..Default::default()
    };
    let org = owner.orgs.create(acme).await.unwrap().org.id;
    world
        .direct("eve@example.com")
        .await
        .invite(
            org,
            &CreateInvitationsRequest {
                emails: vec!["di@example.com".into()],
                role: Role::Member,
                project_scope: Default::default(),
            },
        )
        .await
        .unwrap();
    assert!(app.invitations.mine().await.unwrap().value.is_empty());

    app.account_mail.resend_verification().await.unwrap();
    // The second link (sign-up mailed the first, which stops working).
    let token = world
        .mailed_token("di@example.com", "orgdesk://verify-email/", 2)
        .await;
    let confirmed = app.account_mail.verify_email(&token, None).await.unwrap();
    assert_eq!(confirmed.verified.email, "di@example.com");
    assert!(confirmed.me.expect("signed in").email_verified);
    let shown = app.invitations.mine().await.unwrap();
    assert_eq!(shown.value.len(), 1, "read again from the server at once");
    assert!(!shown.from_cache);
    let resumed = app.session.restore().await.session.unwrap();
    assert!(
        resumed.me.email_verified,
        "the session's account is the new one"
    );
    assert!(app.account_mail.refresh_me().await.unwrap().email_verified);
    // A used link does not work twice.
    let refused = code_of(app.account_mail.verify_email(&token, None).await);
    assert_eq!(refused.code, ErrorCode::InvalidToken);

    // Signed out: asking answers alike for an address nobody has.
    app.session.sign_out().await.unwrap();
    for email in ["di@example.com", "nobody@example.com"] {
        app.account_mail
            .request_password_reset(Some(&url), email)
            .await
            .unwrap();
    }
    let token = world
        .mailed_token("di@example.com", "orgdesk://reset-password/", 1)
        .await;
    let new_password = "a brand new passphrase";
    app.account_mail
        .reset_password(ResetPasswordInput {
            server_url: Some(url.clone()),
            token,
            new_password: new_password.into(),
        })
        .await
        .unwrap();
    let old = app
        .session
        .sign_in(SignInInput {
            server_url: Some(url.clone()),
            email: "di@example.com".into(),
            password: PASSWORD.into(),
        })
        .await;
    assert_eq!(code_of(old).code, ErrorCode::InvalidCredentials);
    app.session
        .sign_in(SignInInput {
            server_url: Some(url),
            email: "di@example.com".into(),
            password: new_password.into(),
        })
        .await
        .expect("the new password signs in");
}
