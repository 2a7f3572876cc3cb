//! The client's account routes against the real server: verifying the email through the
//! mailed link, renaming, changing the password, resetting it, changing the email, and
//! deleting the account.

use crate::common;

use orgdesk_client::{Client, ClientError};
use orgdesk_model::account::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteAccountRequest, PasswordResetConfirm,
    UpdateProfileRequest, RESET_LINK_PREFIX, VERIFY_LINK_PREFIX,
};
use orgdesk_model::auth::LoginRequest;
use orgdesk_model::ErrorCode;

use common::{mailed_token, server_with_ana, PASSWORD};

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

async fn login(base: &str, email: &str, password: &str) -> Result<Client, ClientError> {
    let client = Client::new(base).unwrap();
    let grant = client
        .login(&LoginRequest {
            email: email.into(),
            password: password.into(),
        })
        .await?;
    Ok(client.with_token(grant.token))
}

#[tokio::test]
async fn account_round_trip() {
    let (dir, server, grant) = server_with_ana().await;
    let base = server.base_url();
    let anonymous = Client::new(&base).unwrap();
    assert!(!grant.me.email_verified);
    let ana = anonymous.clone().with_token(grant.token);

    // Verify through the mailed link; the link works once.
    let token = mailed_token(dir.path(), "ana@example.com", VERIFY_LINK_PREFIX).await;
    let verified = anonymous.verify_email(&token).await.unwrap();
    assert_eq!(verified.email, "ana@example.com");
    assert!(!verified.changed);
    assert!(ana.me().await.unwrap().value.email_verified);
    assert_eq!(
        code(anonymous.verify_email(&token).await),
        ErrorCode::InvalidToken
    );
    assert_eq!(
        code(ana.resend_verification().await),
        ErrorCode::InvalidState
    );

    let renamed = ana
        .update_profile(&UpdateProfileRequest {
            display_name: "Ana Lima".into(),
        })
        .await
        .unwrap();
    assert_eq!(renamed.user.display_name, "Ana Lima");

    // Change the password: the other session ends.
    let other = login(&base, "ana@example.com", PASSWORD).await.unwrap();
    let change = |current: &str| ChangePasswordRequest {
        current_password: current.into(),
        new_password: "second password here".into(),
    };
    assert_eq!(
        code(ana.change_password(&change("wrong one")).await),
        ErrorCode::ValidationFailed
    );
    ana.change_password(&change(PASSWORD)).await.unwrap();
    assert_eq!(code(other.me().await), ErrorCode::Unauthenticated);

    // Reset it through the mailed link.
    anonymous
        .request_password_reset("ana@example.com")
        .await
        .unwrap();
    anonymous
        .request_password_reset("nobody@example.com")
        .await
        .unwrap();
    let token = mailed_token(dir.path(), "ana@example.com", RESET_LINK_PREFIX).await;
    let reset = PasswordResetConfirm {
        token,
        new_password: "third password here".into(),
    };
    anonymous.confirm_password_reset(&reset).await.unwrap();
    assert_eq!(code(ana.me().await), ErrorCode::Unauthenticated);
    let ana = login(&base, "ana@example.com", "third password here")
        .await
        .unwrap();

    // Change the email: effective once the new address confirms.
    ana.change_email(&ChangeEmailRequest {
        new_email: "ana@example.org".into(),
        password: "third password here".into(),
    })
    .await
    .unwrap();
    let token = mailed_token(dir.path(), "ana@example.org", VERIFY_LINK_PREFIX).await;
    let moved = anonymous.verify_email(&token).await.unwrap();
    assert!(moved.changed);
    assert_eq!(ana.me().await.unwrap().value.user.email, "ana@example.org");

    // Delete the account.
    let delete = |password: &str| DeleteAccountRequest {
        password: password.into(),
    };
    assert_eq!(
        code(ana.delete_account(&delete("wrong one")).await),
        ErrorCode::ValidationFailed
    );
    ana.delete_account(&delete("third password here"))
        .await
        .unwrap();
    assert_eq!(
        code(login(&base, "ana@example.org", "third password here").await),
        ErrorCode::InvalidCredentials
    );
    server.shutdown().await;
}
