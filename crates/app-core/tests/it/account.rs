//! One's own account through the core's services, against a real server on loopback:
//! two-factor enrolment and the two-step sign-in (a code, a recovery code), the recovery
//! codes saved where the save dialog answers, sessions ended, and deleting the account.

use crate::common;

use common::world::{sign_up, World, PASSWORD};
use orgdesk_app_core::session::{SignInInput, SignInOutcome, TwoFactorInput};
use orgdesk_app_core::AppError;
use orgdesk_model::account::ChangePasswordRequest;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::two_factor::TwoFactorProof;
use orgdesk_model::ErrorCode;
use totp_rs::{Algorithm, Builder, Secret};

/// The code an authenticator app shows `offset` seconds from now.
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

fn sign_in_as(url: &str, email: &str) -> SignInInput {
    SignInInput {
        server_url: Some(url.into()),
        email: email.into(),
        password: PASSWORD.into(),
    }
}

fn code_of(e: AppError) -> ErrorCode {
    orgdesk_model::ApiError::from(e).code
}

#[tokio::test(flavor = "multi_thread")]
async fn two_factor_sign_in_with_a_code_or_a_recovery_code() {
    let world = World::new().await;
    let app = world.launch();
    let url = world.server.base_url();
    sign_up(&app, &url, "ana@example.com").await;

    assert!(!app.two_factor.status().await.unwrap().enabled);
    let enrolment = app.two_factor.start().await.unwrap();
    assert!(enrolment.qr_code.starts_with("data:image/svg+xml;base64,"));
    assert!(enrolment.otpauth_uri.contains(&enrolment.secret));
    let wrong = app.two_factor.confirm("000000".into()).await.unwrap_err();
    assert_eq!(code_of(wrong), ErrorCode::InvalidTwoFactorCode);
    let codes = app
        .two_factor
        .confirm(code(&enrolment.secret, 0))
        .await
        .unwrap();
    assert_eq!(codes.codes.len(), 10);
    let status = app.two_factor.status().await.unwrap();
    assert!(status.enabled);
    assert_eq!(status.recovery_codes_left, 10);

    // The codes just shown are saved where the dialog answers, for the owner only.
    let dest = world.app_dir.path().join("chosen").join("codes.txt");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    world.dialog.will_answer(Some(dest.clone()));
    let saved = app
        .two_factor
        .save_recovery_codes("../orgdesk-recovery-codes")
        .await
        .unwrap()
        .expect("a place was chosen");
    assert_eq!(saved.path, dest.display().to_string());
    let asked = world.dialog.asked.lock().unwrap().last().cloned().unwrap();
    assert_eq!(asked.file_name, "orgdesk-recovery-codes.txt");
    let text = std::fs::read_to_string(&dest).unwrap();
    assert!(text.contains("ana@example.com"));
    for c in &codes.codes {
        assert!(text.contains(c.as_str()), "{c} saved");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Once the person has them, they are not kept: nothing more to save.
    app.two_factor.forget();
    let gone = app
        .two_factor
        .save_recovery_codes("codes")
        .await
        .unwrap_err();
    assert!(matches!(
        gone,
        AppError::Invalid {
            field: "recovery_codes",
            ..
        }
    ));

    // Signing in again asks for the second step; a wrong code may be tried again.
    app.session.sign_out().await.unwrap();
    let outcome = app
        .session
        .sign_in(sign_in_as(&url, "ana@example.com"))
        .await
        .unwrap();
    let SignInOutcome::TwoFactor { email, .. } = outcome else {
        panic!("two-factor is on: {outcome:?}");
    };
    assert_eq!(email, "ana@example.com");
    assert!(matches!(
        app.orgs.contexts().await,
        Err(AppError::NotSignedIn)
    ));
    let wrong = TwoFactorInput {
        code: Some("123456".into()),
        recovery_code: None,
    };
    let refused = app.session.sign_in_two_factor(wrong).await.unwrap_err();
    assert_eq!(code_of(refused), ErrorCode::InvalidTwoFactorCode);
    let recovery = TwoFactorInput {
        code: None,
        recovery_code: Some(codes.codes[0].clone()),
    };
    let session = app.session.sign_in_two_factor(recovery).await.unwrap();
    assert_eq!(session.me.user.email, "ana@example.com");
    assert_eq!(
        app.two_factor.status().await.unwrap().recovery_codes_left,
        9
    );

    // The sign-in is finished: its step cannot be used twice.
    let again = TwoFactorInput {
        code: None,
        recovery_code: Some(codes.codes[1].clone()),
    };
    let expired = app.session.sign_in_two_factor(again).await.unwrap_err();
    assert_eq!(code_of(expired), ErrorCode::MfaChallengeExpired);

    // A code from the app signs in too (the next step's, as the last one is used).
    app.session.sign_out().await.unwrap();
    let outcome = app
        .session
        .sign_in(sign_in_as(&url, "ana@example.com"))
        .await
        .unwrap();
    assert!(matches!(outcome, SignInOutcome::TwoFactor { .. }));
    let totp = TwoFactorInput {
        code: Some(code(&enrolment.secret, 30)),
        recovery_code: None,
    };
    app.session.sign_in_two_factor(totp).await.unwrap();
    assert_eq!(app.orgs.contexts().await.unwrap().value.len(), 1);

    // New recovery codes (a recovery code proves it): the old ones stop working, and the
    // new ones may be saved; one of them turns two-factor off.
    let proof = |recovery: &str| TwoFactorProof {
        code: None,
        recovery_code: Some(recovery.to_owned()),
    };
    let fresh = app
        .two_factor
        .regenerate(proof(&codes.codes[2]))
        .await
        .unwrap();
    assert_eq!(fresh.codes.len(), 10);
    assert!(fresh.codes.iter().all(|c| !codes.codes.contains(c)));
    world.dialog.will_answer(None);
    let cancelled = app.two_factor.save_recovery_codes("codes").await.unwrap();
    assert!(
        cancelled.is_none(),
        "the dialog was cancelled: nothing written"
    );
    let old = app
        .two_factor
        .disable(proof(&codes.codes[3]))
        .await
        .unwrap_err();
    assert_eq!(code_of(old), ErrorCode::InvalidTwoFactorCode);
    app.two_factor
        .disable(proof(&fresh.codes[0]))
        .await
        .unwrap();
    assert!(!app.two_factor.status().await.unwrap().enabled);
    let plain = app
        .session
        .sign_in(sign_in_as(&url, "ana@example.com"))
        .await
        .unwrap();
    assert!(matches!(plain, SignInOutcome::SignedIn { .. }));
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_end_one_at_a_time_or_all_but_this_one() {
    let world = World::new().await;
    let app = world.launch();
    let url = world.server.base_url();
    sign_up(&app, &url, "bo@example.com").await;
    let laptop = world.direct("bo@example.com").await;
    let phone = world.direct("bo@example.com").await;

    let sessions = app.sessions.list().await.unwrap().items;
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    let others: Vec<_> = sessions.iter().filter(|s| !s.current).collect();

    app.sessions.revoke(others[0].id).await.unwrap();
    assert_eq!(app.sessions.list().await.unwrap().items.len(), 2);
    let ended = [laptop.me().await.is_err(), phone.me().await.is_err()];
    assert_eq!(ended.iter().filter(|e| **e).count(), 1, "one of them ended");

    let revoked = app.sessions.revoke_others().await.unwrap();
    assert_eq!(revoked.revoked, 1);
    for c in [&laptop, &phone] {
        let e = c.me().await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::Unauthenticated);
    }
    let left = app.sessions.list().await.unwrap().items;
    assert_eq!(left.len(), 1);
    assert!(left[0].current, "this app is still signed in");

    // The security log says so, newest first.
    let events = app.sessions.events(None).await.unwrap().items;
    assert_eq!(
        events[0].event,
        orgdesk_model::security::SecurityEvent::SignedOutEverywhere
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_changes_its_name_and_password_and_is_deleted_once_it_owns_no_org() {
    let world = World::new().await;
    let app = world.launch();
    let url = world.server.base_url();
    sign_up(&app, &url, "cy@example.com").await;

    let me = app.account.update_profile("Cy Young".into()).await.unwrap();
    assert_eq!(me.user.display_name, "Cy Young");
    let restored = app.session.restore().await.session.unwrap();
    assert_eq!(
        restored.me.user.display_name, "Cy Young",
        "the session shows it"
    );

    let wrong = ChangePasswordRequest {
        current_password: "not my password".into(),
        new_password: "a new long password".into(),
    };
    let refused: orgdesk_model::ApiError =
        app.account.change_password(wrong).await.unwrap_err().into();
    assert_eq!(refused.field.as_deref(), Some("current_password"));

    let acme = CreateOrgRequest {
        name: "Acme Rockets".into(),
        ..Default::default()
    };
    let org = app.orgs.create(acme).await.unwrap().org.id;
    let refused: orgdesk_model::ApiError = app
        .account
        .delete(PASSWORD.into())
        .await
        .unwrap_err()
        .into();
    assert_eq!(refused.code, ErrorCode::OwnsOrganizations);
    assert!(
        refused.message.contains("Acme Rockets"),
        "{}",
        refused.message
    );
    assert!(
        app.session.restore().await.session.is_some(),
        "still signed in"
    );

    // Once the org is handed to Bo, Cy owns none and the account goes.
    hand_over(&world, &url, org).await;
    app.account.delete(PASSWORD.into()).await.unwrap();
    let startup = world.launch().session.restore().await;
    assert!(startup.session.is_none(), "signed out here");
    let gone = app
        .session
        .sign_in(sign_in_as(&url, "cy@example.com"))
        .await
        .unwrap_err();
    assert_eq!(code_of(gone), ErrorCode::InvalidCredentials);
}

/// Bo signs up, joins `org` by invitation, and Cy transfers the ownership to him.
async fn hand_over(world: &World, url: &str, org: orgdesk_model::OrgId) {
    use orgdesk_model::auth::SignupRequest;
    use orgdesk_model::invitation::CreateInvitationsRequest;
    use orgdesk_model::project::ProjectScope;
    let bo = orgdesk_client::Client::new(url).unwrap();
    let grant = bo
        .signup(&SignupRequest {
            email: "bo@example.com".into(),
            password: PASSWORD.into(),
            display_name: "Bo".into(),
        })
        .await
        .unwrap();
    let bo = bo.with_token(grant.token);
    let cy = world.direct("cy@example.com").await;
    let invite = CreateInvitationsRequest {
        emails: vec!["bo@example.com".into()],
        role: orgdesk_model::Role::Admin,
        project_scope: ProjectScope::All,
    };
    let issued = cy.invite(org, &invite).await.unwrap();
    let token = issued.invitations[0]
        .link
        .trim_start_matches("orgdesk://invite/")
        .to_owned();
    bo.accept_invitation(&token).await.unwrap();
    cy.transfer_ownership(org, grant.me.user.id).await.unwrap();
}
