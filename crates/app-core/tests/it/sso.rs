//! Single sign-on through the core, against a real server, the real `oidc-provider` and
//! a real DNS server, all on loopback; the system browser is played over HTTP as a
//! browser would (the provider's login and consent forms, its redirects to the server's
//! callback and on to the app's loopback listener). An admin sets the connection up
//! (field errors, the secret never shown), claims and verifies a domain, tests the
//! connection (nobody signed in); a new person signs in by email and lands in the org,
//! the session in the keychain; a member whose org requires SSO is let in by "Continue
//! with <org> SSO"; waiting for the browser is cancellable, and errors the server sent
//! back on the loopback keep their codes.

use crate::common;

#[path = "../../../server/tests/api/dns_server.rs"]
#[allow(dead_code)]
mod dns_server;

use std::time::Duration;

use common::provider::{Provider, ProviderAccount, CLIENT_ID, CLIENT_SECRET};
use common::world::{sign_up, World, PASSWORD};
use dns_server::DnsServer;
use orgdesk_app_core::session::SignInInput;
use orgdesk_app_core::sso_sign_in::SsoSignInInput;
use orgdesk_app_core::AppError;
use orgdesk_model::invitation::CreateInvitationsRequest;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::sso::SsoConnectionRequest;
use orgdesk_model::{ApiError, ErrorCode, OrgId, Role};

fn refused(result: Result<impl std::fmt::Debug, AppError>) -> ApiError {
    ApiError::from(result.expect_err("refused"))
}

const ACCOUNTS: &[ProviderAccount<'static>] = &[
    ProviderAccount {
        login: "jo",
        email: "jo@acme.test",
        email_verified: true,
        name: "Jo Park",
    },
    ProviderAccount {
        login: "kim",
        email: "kim@acme.test",
        email_verified: true,
        name: "Kim Lee",
    },
    ProviderAccount {
        login: "unverified",
        email: "sam@acme.test",
        email_verified: false,
        name: "Sam Unverified",
    },
];

struct Sso {
    world: World,
    dns: DnsServer,
    provider: Provider,
}

/// A server that takes loopback issuers and asks the test's DNS server, and a provider
/// whose client returns to that server's callback.
async fn sso_world() -> Sso {
    let dns = DnsServer::start().await;
    let resolver = dns.addr;
    let world = World::new_with(|config| orgdesk_server::Config {
        allow_insecure_sso: true,
        dns_resolver: Some(resolver),
        ..config
    })
    .await;
    let callback = format!("{}/v1/auth/sso/callback", world.server.base_url());
    let provider = Provider::start(&callback, ACCOUNTS).await;
    Sso {
        world,
        dns,
        provider,
    }
}

fn connection(issuer: &str, require_sso: bool) -> SsoConnectionRequest {
    SsoConnectionRequest {
        issuer: issuer.to_owned(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: Some(CLIENT_SECRET.to_owned()),
        allowed_domains: vec!["acme.test".into()],
        default_role: Role::Member,
        default_project_scope: ProjectScope::All,
        require_sso,
        create_members: true,
    }
}

/// Ada signs up and creates Acme, sets its connection up and verifies `acme.test`.
async fn acme_with_sso(sso: &Sso, owner: &common::world::App, require_sso: bool) -> OrgId {
    sign_up(owner, &sso.world.server.base_url(), "ada@corp.test").await;
    let acme = CreateOrgRequest {
        name: "Acme".into(),
        ..Default::default()
    };
    let org = owner.orgs.create(acme).await.unwrap().org.id;
    owner
        .org_sso
        .save(org, connection(&sso.provider.issuer, require_sso))
        .await
        .expect("connection saved");
    let claimed = owner
        .org_sso
        .claim_domain(org, "acme.test".into())
        .await
        .unwrap();
    sso.dns
        .zone
        .publish(&claimed.record_name, &[&claimed.record_value]);
    owner
        .org_sso
        .verify_domain(org, "acme.test".into())
        .await
        .expect("verified");
    org
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_sets_sso_up_and_tests_it_and_a_new_person_signs_in_by_email_into_the_org() {
    let sso = sso_world().await;
    let owner = sso.world.launch();
    sign_up(&owner, &sso.world.server.base_url(), "ada@corp.test").await;
    let acme = CreateOrgRequest {
        name: "Acme".into(),
        ..Default::default()
    };
    let org = owner.orgs.create(acme).await.unwrap().org.id;

    let settings = owner.org_sso.settings(org).await.unwrap();
    assert_eq!(settings.connection, None);
    assert_eq!(
        settings.redirect_uri,
        format!("{}/v1/auth/sso/callback", sso.world.server.base_url())
    );
    // No secret yet, and an issuer with no discovery document: refused, on their fields.
    let mut first = connection(&sso.provider.issuer, false);
    first.client_secret = Some("   ".into());
    let e = refused(owner.org_sso.save(org, first).await);
    assert_eq!(e.field.as_deref(), Some("client_secret"), "{e:?}");
    let nowhere = connection("http://127.0.0.1:9", false);
    let e = refused(owner.org_sso.save(org, nowhere).await);
    assert_eq!(e.code, ErrorCode::SsoDiscoveryFailed, "{e:?}");

    let saved = owner
        .org_sso
        .save(org, connection(&sso.provider.issuer, false))
        .await
        .unwrap();
    let saved = saved.connection.expect("a connection");
    assert!(saved.client_secret_set);
    assert_eq!(saved.allowed_domains, ["acme.test"]);
    // A blank secret keeps the stored one.
    let mut again = connection(&sso.provider.issuer, false);
    again.client_secret = None;
    owner
        .org_sso
        .save(org, again)
        .await
        .expect("kept the secret");

    // The domain: claimed, not verified until its TXT record is published.
    let claimed = owner
        .org_sso
        .claim_domain(org, " Acme.TEST ".into())
        .await
        .unwrap();
    assert_eq!(
        (claimed.domain.as_str(), claimed.record_name.as_str()),
        ("acme.test", "_orgdesk.acme.test")
    );
    assert!(claimed.verified_at.is_none());
    sso.dns
        .zone
        .publish(&claimed.record_name, &["something else"]);
    let e = refused(owner.org_sso.verify_domain(org, "acme.test".into()).await);
    assert_eq!(e.code, ErrorCode::DomainNotVerified);
    sso.dns
        .zone
        .publish(&claimed.record_name, &[&claimed.record_value]);
    let verified = owner
        .org_sso
        .verify_domain(org, "acme.test".into())
        .await
        .unwrap();
    assert!(verified.verified_at.is_some());
    let listed = owner.org_sso.domains(org).await.unwrap().items;
    assert_eq!(listed, [verified]);

    // "Test connection": the whole flow in the browser; whom the provider signed in, and
    // the admin's own session as it was.
    sso.world.browser.sign_in_as("jo");
    let tested = owner.org_sso.test(org).await.expect("tested");
    assert_eq!(
        (
            tested.subject.as_str(),
            tested.email.as_str(),
            tested.email_verified
        ),
        ("jo", "jo@acme.test", true)
    );
    assert_eq!(tested.name.as_deref(), Some("Jo Park"));
    let opened = sso.world.browser.opened();
    assert_eq!(opened.len(), 1);
    assert!(opened[0].starts_with(&sso.provider.issuer), "{opened:?}");
    let (status, body) = sso.world.browser.page().await;
    assert_eq!(status, 200);
    assert!(
        body.contains("The connection works: jo@acme.test"),
        "{body}"
    );
    let me = owner.account.summary().await.unwrap();
    assert_eq!(me.me.user.email, "ada@corp.test");
    let ada = sso.world.direct("ada@corp.test").await;
    let filter = Default::default();
    let members = ada.list_members(org, &filter, None, 50).await.unwrap();
    assert_eq!(members.value.items.len(), 1, "nobody was added");
    owner.session.sign_out().await.unwrap();

    // Jo, new here, continues with SSO by email: signed in, a member, in Acme.
    let info = owner
        .sso_sign_in
        .sign_in(SsoSignInInput {
            server_url: Some(sso.world.server.base_url()),
            email: "Jo@Acme.test".into(),
        })
        .await
        .expect("signed in with SSO");
    assert_eq!(info.me.user.email, "jo@acme.test");
    assert_eq!(info.location.map(|l| l.org_id), Some(org));
    let contexts = owner.orgs.contexts().await.unwrap().value;
    let acme = contexts.iter().find(|m| m.org.id == org).expect("a member");
    assert_eq!(acme.role, Role::Member);
    let (_, body) = sso.world.browser.page().await;
    assert!(
        body.contains("signed in to Orgdesk as jo@acme.test through Acme"),
        "{body}"
    );
    // The token is in the keychain like any other session's: a relaunch resumes it.
    drop(owner);
    let relaunched = sso.world.launch();
    let resumed = relaunched.session.restore().await.session.expect("resumed");
    assert_eq!(resumed.me.user.email, "jo@acme.test");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_of_an_org_requiring_sso_gets_in_through_continue_with_the_org_s_sso() {
    let sso = sso_world().await;
    let owner = sso.world.launch();
    let org = acme_with_sso(&sso, &owner, true).await;
    let slug = owner.orgs.get(org).await.unwrap().value.org.slug;

    // Kim has a password account and joins Acme through her invitation.
    let ada = sso.world.direct("ada@corp.test").await;
    let issued = ada
        .invite(
            org,
            &CreateInvitationsRequest {
                emails: vec!["kim@acme.test".into()],
                role: Role::Member,
                project_scope: ProjectScope::All,
            },
        )
        .await
        .unwrap();
    owner.session.sign_out().await.unwrap();
    sign_up(&owner, &sso.world.server.base_url(), "kim@acme.test").await;
    let token = issued.invitations[0]
        .link
        .strip_prefix("orgdesk://invite/")
        .unwrap()
        .to_owned();
    owner.invitations.accept(token).await.unwrap();

    // Her password session is refused Acme.
    owner.session.sign_out().await.unwrap();
    let input = SignInInput {
        server_url: Some(sso.world.server.base_url()),
        email: "kim@acme.test".into(),
        password: PASSWORD.into(),
    };
    owner.session.sign_in(input).await.unwrap();
    let e = refused(owner.orgs.overview(org).await);
    assert_eq!(e.code, ErrorCode::SsoRequired);

    // "Continue with Acme SSO": the provider signs her in, and Acme opens.
    sso.world.browser.sign_in_as("kim");
    let info = owner
        .sso_sign_in
        .sign_in_to_org(slug)
        .await
        .expect("signed in through Acme's SSO");
    assert_eq!(info.me.user.email, "kim@acme.test");
    assert_eq!(info.location.map(|l| l.org_id), Some(org));
    owner.orgs.overview(org).await.expect("Acme opens");
}

#[tokio::test(flavor = "multi_thread")]
async fn waiting_for_the_browser_is_cancellable_and_refusals_keep_their_codes() {
    let sso = sso_world().await;
    let owner = sso.world.launch();
    acme_with_sso(&sso, &owner, false).await;
    owner.session.sign_out().await.unwrap();
    let input = || SsoSignInInput {
        server_url: Some(sso.world.server.base_url()),
        email: "jo@acme.test".into(),
    };

    // Nobody plays the browser: the flow waits until cancelled.
    let waiting = {
        let flow = owner.sso_sign_in.clone();
        let input = input();
        tokio::spawn(async move { flow.sign_in(input).await })
    };
    for _ in 0..100 {
        if !sso.world.browser.opened().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        sso.world.browser.opened().len(),
        1,
        "the browser was opened"
    );
    owner.sso_sign_in.cancel();
    let e = refused(waiting.await.unwrap());
    assert!(e.message.contains("cancelled"), "{e:?}");

    // An email no org has verified: nothing to open.
    let e = refused(
        owner
            .sso_sign_in
            .sign_in(SsoSignInInput {
                server_url: Some(sso.world.server.base_url()),
                email: "someone@elsewhere.test".into(),
            })
            .await,
    );
    assert_eq!(e.code, ErrorCode::SsoNotConfigured);
    let e = refused(
        owner
            .sso_sign_in
            .sign_in(SsoSignInInput {
                server_url: Some(sso.world.server.base_url()),
                email: "not an email".into(),
            })
            .await,
    );
    assert_eq!(e.field.as_deref(), Some("email"));

    // The provider vouches for an email it has not verified: the server refuses on the
    // loopback redirect, and the app says so (and so does the browser's page).
    sso.world.browser.sign_in_as("unverified");
    let e = refused(
        owner
            .sso_sign_in
            .sign_in(SsoSignInInput {
                server_url: Some(sso.world.server.base_url()),
                email: "sam@acme.test".into(),
            })
            .await,
    );
    assert_eq!(e.code, ErrorCode::SsoFailed, "{e:?}");
    let (_, body) = sso.world.browser.page().await;
    assert!(body.contains("Not signed in"), "{body}");
    assert!(
        owner.session.restore().await.session.is_none(),
        "nobody is signed in"
    );
}
