//! The demo's money: for each client org, API keys (org-wide, one per project, and one by
//! a member), a low-balance threshold, and about four months of ledger history: top-ups every
//! few weeks and daily usage across projects, people and modalities, priced at the rate
//! card. One org (Café Zürich) ends below its threshold, so the alert shows. Seeding is
//! deterministic and idempotent: an org that has keys or entries is left alone.

use orgdesk_model::api_key::{ApiKeyScope, CreateApiKeyRequest};
use orgdesk_model::billing::{LedgerKind, Modality};
use orgdesk_model::project::ProjectStatus;
use orgdesk_model::{ApiKeyId, OrgId, ProjectId, Role, UserId};
use sqlx::AnyConnection;

use crate::api_keys;
use crate::auth::Actor;
use crate::billing::{alerts, format_credits, rates, repo as billing_repo};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::ledger::LedgerError;
use crate::ledger::{self, Posting};
use crate::membership::OrgKey;

const DAY_MS: i64 = 86_400_000;
const DAYS: i64 = 120;
const THRESHOLD: i64 = 10_000;
/// The index (in the client list) of the org that ends below its threshold.
const LOW_ORG: usize = 1;

/// SplitMix64: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.next() % span).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let n = u64::try_from(items.len()).unwrap_or(1).max(1);
        &items[usize::try_from(self.next() % n).unwrap_or(0)]
    }
}

pub async fn seed(db: &Db, owner: UserId, org: OrgId, index: usize) -> Result<(), AppError> {
    let mut conn = db.pool().acquire().await?;
    let (keys,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_keys WHERE org_id = $1")
        .bind(org.to_string())
        .fetch_one(&mut *conn)
        .await?;
    let (entries,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(&mut *conn)
            .await?;
    let projects = active_projects(&mut conn, org).await?;
    let people = members(&mut conn, org).await?;
    drop(conn);
    if keys == 0 {
        make_keys(db, owner, org, &projects, &people).await?;
    }
    if entries == 0 {
        history(db, owner, org, index, &projects, &people).await?;
    }
    Ok(())
}

async fn active_projects(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Vec<(ProjectId, String)>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name FROM projects WHERE org_id = $1 AND status = $2 ORDER BY created_at, id",
    )
    .bind(org.to_string())
    .bind(ProjectStatus::Active.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, name)| {
            Ok((
                id.parse().map_err(|_| AppError::CorruptRow("project id"))?,
                name,
            ))
        })
        .collect()
}

async fn members(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<(UserId, Role)>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT user_id, role FROM memberships WHERE org_id = $1 ORDER BY created_at, user_id",
    )
    .bind(org.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, role)| {
            let id = id.parse().map_err(|_| AppError::CorruptRow("user id"))?;
            Ok((id, Role::parse(&role).unwrap_or(Role::Member)))
        })
        .collect()
}

async fn make_keys(
    db: &Db,
    owner: UserId,
    org: OrgId,
    projects: &[(ProjectId, String)],
    people: &[(UserId, Role)],
) -> Result<(), AppError> {
    let key = OrgKey::Id(org);
    let mut requests = vec![(
        owner,
        CreateApiKeyRequest {
            name: "Production backend".to_owned(),
            project_id: None,
            scopes: vec![ApiKeyScope::UsageWrite, ApiKeyScope::Read],
            expires_at: None,
        },
    )];
    for (id, name) in projects {
        requests.push((
            owner,
            CreateApiKeyRequest {
                name: format!("{name} CI"),
                project_id: Some(*id),
                scopes: vec![ApiKeyScope::UsageWrite],
                expires_at: None,
            },
        ));
    }
    if let (Some((member, _)), Some((project, _))) = (
        people.iter().find(|(_, r)| *r == Role::Member),
        projects.first(),
    ) {
        requests.push((
            *member,
            CreateApiKeyRequest {
                name: "Prototype notebook".to_owned(),
                project_id: Some(*project),
                scopes: vec![ApiKeyScope::UsageWrite],
                expires_at: None,
            },
        ));
    }
    for (by, request) in requests {
        api_keys::service::create(db, &Actor::internal(by), &key, &request).await?;
    }
    // The keys have been around for the whole history.
    sqlx::query("UPDATE api_keys SET created_at = $1 WHERE org_id = $2")
        .bind(now_ms() - (DAYS + 1) * DAY_MS)
        .bind(org.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Usage keys of the org: (id, the project it is limited to).
async fn usage_keys(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Vec<(ApiKeyId, Option<ProjectId>)>, AppError> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT id, project_id FROM api_keys WHERE org_id = $1 AND revoked_at IS NULL \
         ORDER BY created_at, id",
    )
    .bind(org.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, project)| {
            let id = id.parse().map_err(|_| AppError::CorruptRow("api key id"))?;
            let project = project
                .map(|p| p.parse().map_err(|_| AppError::CorruptRow("project id")))
                .transpose()?;
            Ok((id, project))
        })
        .collect()
}

async fn history(
    db: &Db,
    owner: UserId,
    org: OrgId,
    index: usize,
    projects: &[(ProjectId, String)],
    people: &[(UserId, Role)],
) -> Result<(), AppError> {
    if projects.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let mut rng = Rng(0x0D15_EA5E ^ u64::try_from(index).unwrap_or(0));
    let mut tx = db.write().await?;
    let keys = usage_keys(&mut tx, org).await?;
    let card = rates::current(&mut tx, now).await?;
    let low = index == LOW_ORG;
    if !low {
        billing_repo::set_threshold(&mut tx, org, Some(THRESHOLD), now).await?;
    }
    let top_up_size = if low {
        42_000
    } else {
        rng.range(6, 9) * 10_000
    };
    let mut invoice = 100 + i64::try_from(index).unwrap_or(0) * 50;
    let start = now - DAYS * DAY_MS;
    for day in 0..DAYS {
        let midnight = start - start % DAY_MS + day * DAY_MS;
        if day % 20 == 0 {
            invoice += 1;
            let mut posting = Posting::new(
                LedgerKind::TopUp,
                top_up_size,
                format!("Top-up of {} credits", format_credits(top_up_size)),
            );
            posting.user_id = Some(owner);
            posting.reference = Some(format!("INV-2026-{invoice:04}"));
            let at = midnight + 8 * 3_600_000;
            let posted = ledger::post(&mut tx, org, &posting, at).await?;
            alerts::after_credit(&mut tx, &posted, at).await?;
        }
        let mut times: Vec<i64> = (0..rng.range(3, 8))
            .map(|_| midnight + 9 * 3_600_000 + rng.range(0, 9 * 3_600_000))
            .collect();
        times.sort_unstable();
        for at in times {
            let (project, name) = rng.pick(projects);
            let project = *project;
            let modality = *rng.pick(&Modality::ALL);
            let quantity = match modality {
                Modality::Text => rng.range(40, 400),
                Modality::Image => rng.range(1, 24),
                Modality::Audio => rng.range(5, 90),
                Modality::Embedding => rng.range(100, 2000),
            };
            let per_unit = card
                .rates
                .iter()
                .find(|r| r.modality == modality)
                .map_or(1, |r| r.credits_per_unit);
            let price = per_unit * quantity;
            let candidates: Vec<ApiKeyId> = keys
                .iter()
                .filter(|(_, p)| p.is_none_or(|p| p == project))
                .map(|(k, _)| *k)
                .collect();
            let mut posting = Posting::new(
                LedgerKind::Usage,
                -price,
                format!(
                    "{} × {} in {name}: {} credits",
                    format_credits(quantity),
                    modality.as_str(),
                    format_credits(price)
                ),
            );
            posting.project_id = Some(project);
            posting.modality = Some(modality);
            posting.quantity = Some(quantity);
            posting.rate_version = Some(card.version);
            posting.api_key_id = (!candidates.is_empty()).then(|| *rng.pick(&candidates));
            posting.user_id = (rng.range(0, 4) > 0).then(|| rng.pick(people).0);
            match ledger::post(&mut tx, org, &posting, at).await {
                // The seeded past mails nobody.
                Ok(posted) => alerts::after_post(&mut tx, &posted, None, None, at).await?,
                Err(error) if error.domain::<LedgerError>().is_some() => continue,
                Err(other) => return Err(other),
            }
        }
    }
    if low {
        let balance = ledger::balance_of(&mut tx, org).await?;
        let threshold = (balance / 1000 + 5) * 1000;
        billing_repo::set_threshold(&mut tx, org, Some(threshold), now).await?;
        alerts::after_threshold_change(
            &mut tx,
            org,
            balance,
            Some(threshold),
            &Actor::internal(owner),
            None,
            now,
        )
        .await?;
    }
    sqlx::query(
        "UPDATE api_keys SET last_used_at = (SELECT MAX(created_at) FROM ledger_entries l \
         WHERE l.api_key_id = api_keys.id) WHERE org_id = $1",
    )
    .bind(org.to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
