//! The client against the real server on loopback: every route it wraps, the error codes it
//! turns problem documents back into, and the cache seam answering when the server is gone.

use orgdesk_client::{Client, ClientError, OrgRef};
use orgdesk_model::auth::{LoginRequest, SignupRequest};
use orgdesk_model::org::{CreateOrgRequest, ScheduleDeletionRequest, UpdateOrgRequest};
use orgdesk_model::ErrorCode;
use orgdesk_model::OrgId;

struct Server {
    running: orgdesk_server::RunningServer,
    _dir: tempfile::TempDir,
}

async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let running = orgdesk_server::spawn(orgdesk_server::Config::local(dir.path()))
        .await
        .unwrap();
    Server { running, _dir: dir }
}

async fn signed_up(base: &str, email: &str) -> Client {
    let client = Client::new(base).unwrap();
    let grant = client
        .signup(&SignupRequest {
            email: email.into(),
            password: "correct horse battery".into(),
            display_name: "Ana Lima".into(),
        })
        .await
        .unwrap();
    assert_eq!(grant.me.user.email, email);
    client.with_token(grant.token)
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> ErrorCode {
    r.expect_err("expected an error").code()
}

fn org(name: &str) -> CreateOrgRequest {
    CreateOrgRequest {
        name: name.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn auth_round_trip_and_error_codes() {
    let s = server().await;
    let base = s.running.base_url();
    let client = signed_up(&base, "ana@example.com").await;
    let me = client.me().await.unwrap();
    assert!(!me.from_cache);
    assert_eq!(me.value.user.display_name, "Ana Lima");

    let anonymous = Client::new(&base).unwrap();
    let wrong = LoginRequest {
        email: "ana@example.com".into(),
        password: "nope nope nope".into(),
    };
    assert_eq!(
        code(anonymous.login(&wrong).await),
        ErrorCode::InvalidCredentials
    );
    assert_eq!(code(anonymous.me().await), ErrorCode::Unauthenticated);

    let again = SignupRequest {
        email: " ANA@example.com ".into(),
        password: "another long password".into(),
        display_name: "Ana".into(),
    };
    assert_eq!(code(anonymous.signup(&again).await), ErrorCode::EmailTaken);

    client.logout().await.unwrap();
    assert_eq!(code(client.me().await), ErrorCode::Unauthenticated);
    s.running.shutdown().await;
}

#[tokio::test]
async fn orgs_pages_slugs_versions_and_logos() {
    let s = server().await;
    let client = signed_up(&s.running.base_url(), "bo@example.com").await;
    let acme = client.create_org(&org("Acme")).await.unwrap();
    client.create_org(&org("Bolt")).await.unwrap();

    // Cursor pagination, one at a time: Personal, Acme, Bolt.
    let mut names = Vec::new();
    let mut cursor = None;
    loop {
        let page = client.list_orgs(cursor.as_deref(), 1).await.unwrap();
        names.extend(
            page.items
                .into_iter()
                .map(|m| m.org.kind.as_str().to_owned() + ":" + &m.org.name),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(names.len(), 3);
    assert!(names[0].starts_with("personal:"));
    assert_eq!(&names[1..], ["organization:Acme", "organization:Bolt"]);
    assert_eq!(client.all_orgs().await.unwrap().value.len(), 3);

    // A renamed slug keeps resolving, and answers with the current one.
    let id = acme.org.id;
    let rename = UpdateOrgRequest {
        slug: Some("acme-co".into()),
        ..Default::default()
    };
    let renamed = client
        .update_org(id, Some(acme.org.version), &rename)
        .await
        .unwrap();
    let by_old = client
        .get_org(&OrgRef::Slug("acme".into()))
        .await
        .unwrap()
        .value;
    assert_eq!(by_old.org.slug, "acme-co");
    assert_eq!(by_old.org.id, id);

    // A stale version is refused.
    let stale = UpdateOrgRequest {
        name: Some("Acme Two".into()),
        ..Default::default()
    };
    assert_eq!(
        code(client.update_org(id, Some(acme.org.version), &stale).await),
        ErrorCode::VersionConflict
    );
    client
        .update_org(id, Some(renamed.org.version), &stale)
        .await
        .unwrap();

    // Logos: upload, read back with its ETag, 304 when known, remove.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let with_logo = client.put_logo(id, "image/png", png.clone()).await.unwrap();
    let etag = with_logo.logo.expect("logo info").etag;
    let logo = client.get_logo(id, None).await.unwrap().expect("a logo");
    assert_eq!(
        (logo.bytes, logo.content_type.as_str(), logo.etag.as_str()),
        (png, "image/png", etag.as_str())
    );
    assert!(
        client.get_logo(id, Some(&etag)).await.unwrap().is_none(),
        "304 when unchanged"
    );
    assert_eq!(
        code(client.put_logo(id, "image/gif", b"GIF89a".to_vec()).await),
        ErrorCode::UnsupportedMediaType
    );
    client.delete_logo(id).await.unwrap();
    assert!(client.get_logo(id, None).await.unwrap().is_none());

    let overview = client.overview(id).await.unwrap().value;
    assert_eq!(overview.member_count, 1);
    let slug = overview_slug(&client, id).await;
    let proof = ScheduleDeletionRequest {
        confirm_slug: slug,
        password: "correct horse battery".into(),
        ..Default::default()
    };
    let scheduled = client.schedule_deletion(id, &proof).await.unwrap();
    let pending = scheduled.org.pending_deletion.expect("pending deletion");
    assert!(pending.purge_at > pending.scheduled_at);
    let read = client.get_org(&OrgRef::Id(id)).await.unwrap().value;
    assert!(read.org.pending_deletion.is_some(), "read back scheduled");
    let rename = UpdateOrgRequest {
        name: Some("Still mine".into()),
        ..Default::default()
    };
    assert_eq!(
        code(client.update_org(id, None, &rename).await),
        ErrorCode::OrgPendingDeletion
    );
    let cancelled = client.cancel_deletion(id).await.unwrap();
    assert!(cancelled.org.pending_deletion.is_none());
    client.update_org(id, None, &rename).await.unwrap();
    s.running.shutdown().await;
}

#[tokio::test]
async fn another_tenant_gets_not_found() {
    let s = server().await;
    let base = s.running.base_url();
    let ana = signed_up(&base, "ana@example.com").await;
    let eve = signed_up(&base, "eve@example.com").await;
    let acme = ana.create_org(&org("Acme")).await.unwrap();
    assert_eq!(
        code(eve.get_org(&OrgRef::Id(acme.org.id)).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(eve.get_org(&OrgRef::Slug("acme".into())).await),
        ErrorCode::NotFound
    );
    assert_eq!(code(eve.overview(acme.org.id).await), ErrorCode::NotFound);
    s.running.shutdown().await;
}

#[tokio::test]
async fn reads_fall_back_to_the_cache_when_the_server_is_gone() {
    let s = server().await;
    let client = signed_up(&s.running.base_url(), "cy@example.com").await;
    let fresh = client.all_orgs().await.unwrap();
    assert!(!fresh.from_cache);
    s.running.shutdown().await;

    let cached = client.all_orgs().await.unwrap();
    assert!(cached.from_cache);
    assert_eq!(cached.value, fresh.value);
    assert_eq!(cached.fetched_at, fresh.fetched_at);
    // Nothing cached for this one: the connectivity error comes through.
    assert_eq!(
        code(client.overview(fresh.value[0].org.id).await),
        ErrorCode::ServerUnreachable
    );
}

async fn overview_slug(client: &Client, id: OrgId) -> String {
    client
        .get_org(&OrgRef::Id(id))
        .await
        .unwrap()
        .value
        .org
        .slug
}
