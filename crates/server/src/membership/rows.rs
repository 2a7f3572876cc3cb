//! Memberships in the database: the row, its search terms and its project scope, and the
//! org's one owner. The owner's row stores role `admin`; who owns the org is
//! `orgs.owner_user_id` (see the foundation migration: it references the owner's
//! membership row), and [`role_of`] derives the role the API shows.

use orgdesk_model::{OrgId, Plan, ProjectId, Role, UserId};
use sqlx::AnyConnection;

use crate::db::Params;
use crate::error::AppError;
use crate::membership::{search, MemberView};

/// The role stored on the membership row: everything but `member` is stored as `admin`.
fn stored_role(role: Role) -> &'static str {
    match role {
        Role::Member => "member",
        Role::Owner | Role::Admin => "admin",
    }
}

/// The role the API shows for a stored row.
pub fn role_of(stored: &str, user: UserId, owner: UserId) -> Result<Role, AppError> {
    if user == owner {
        return Ok(Role::Owner);
    }
    match stored {
        "admin" => Ok(Role::Admin),
        "member" => Ok(Role::Member),
        _ => Err(AppError::CorruptRow("membership role")),
    }
}

pub async fn owner_of(conn: &mut AnyConnection, org: OrgId) -> Result<UserId, AppError> {
    let (owner,): (String,) = sqlx::query_as("SELECT owner_user_id FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    owner.parse().map_err(|_| AppError::CorruptRow("org owner"))
}

/// Makes `owner` the org's one owner (their row must already be a plain `admin` row).
pub async fn set_owner(
    conn: &mut AnyConnection,
    org: OrgId,
    owner: UserId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orgs SET owner_user_id = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(owner.to_string())
    .bind(now)
    .bind(org.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds `user` to `org` with `role` and, for members, an optional project scope.
pub async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    role: Role,
    scope: Option<&[ProjectId]>,
    now: i64,
) -> Result<(), AppError> {
    let (display_name, email): (String, String) =
        sqlx::query_as("SELECT display_name, email FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_one(&mut *conn)
            .await?;
    let scope = scope.filter(|_| role == Role::Member);
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, project_scoped, sort_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org.to_string())
    .bind(user.to_string())
    .bind(stored_role(role))
    .bind(i64::from(scope.is_some()))
    .bind(search::sort_name(&display_name))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    write_terms(conn, org, user, &display_name, &email).await?;
    if let Some(ids) = scope {
        insert_scope(conn, org, user, ids).await?;
    }
    Ok(())
}

/// The search terms and prefixes of `user`'s row in `org`.
async fn write_terms(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    display_name: &str,
    email: &str,
) -> Result<(), sqlx::Error> {
    let terms = search::terms(display_name, email);
    for prefix in search::prefixes(&terms) {
        sqlx::query(
            "INSERT INTO member_prefixes (org_id, prefix, sort_name, user_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(org.to_string())
        .bind(prefix)
        .bind(search::sort_name(display_name))
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    }
    for term in terms {
        sqlx::query("INSERT INTO member_terms (org_id, user_id, term) VALUES ($1, $2, $3)")
            .bind(org.to_string())
            .bind(user.to_string())
            .bind(term)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// After `user` changed their display name or email: every membership row's list order
/// and search terms, rewritten from the account.
pub async fn refresh_person(conn: &mut AnyConnection, user: UserId) -> Result<(), AppError> {
    let (display_name, email): (String, String) =
        sqlx::query_as("SELECT display_name, email FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_one(&mut *conn)
            .await?;
    let orgs: Vec<(String,)> = sqlx::query_as("SELECT org_id FROM memberships WHERE user_id = $1")
        .bind(user.to_string())
        .fetch_all(&mut *conn)
        .await?;
    sqlx::query("UPDATE memberships SET sort_name = $1 WHERE user_id = $2")
        .bind(search::sort_name(&display_name))
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    for (org,) in orgs {
        for table in ["member_terms", "member_prefixes"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE org_id = $1 AND user_id = $2"
            ))
            .bind(&org)
            .bind(user.to_string())
            .execute(&mut *conn)
            .await?;
        }
        let org = org.parse().map_err(|_| AppError::CorruptRow("org id"))?;
        write_terms(conn, org, user, &display_name, &email).await?;
    }
    Ok(())
}

/// The organizations (not personal contexts) `user` is a member of, with their role.
pub async fn team_memberships(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Vec<(OrgId, Role)>, AppError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT m.org_id, m.role, o.owner_user_id FROM memberships m \
         JOIN orgs o ON o.id = m.org_id WHERE m.user_id = $1 AND o.kind = 'organization' \
         ORDER BY m.org_id",
    )
    .bind(user.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(org, stored, owner)| {
            let owner: UserId = owner
                .parse()
                .map_err(|_| AppError::CorruptRow("org owner"))?;
            let org = org.parse().map_err(|_| AppError::CorruptRow("org id"))?;
            Ok((org, role_of(&stored, user, owner)?))
        })
        .collect()
}

async fn insert_scope(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    ids: &[ProjectId],
) -> Result<(), sqlx::Error> {
    for project in ids {
        sqlx::query(
            "INSERT INTO membership_projects (org_id, user_id, project_id) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(org.to_string())
        .bind(user.to_string())
        .bind(project.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Sets the stored role and the scope (`None`: all projects; only members may have one).
pub async fn set_role_and_scope(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    role: Role,
    scope: Option<&[ProjectId]>,
) -> Result<(), sqlx::Error> {
    let scope = scope.filter(|_| role == Role::Member);
    sqlx::query("DELETE FROM membership_projects WHERE org_id = $1 AND user_id = $2")
        .bind(org.to_string())
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE memberships SET role = $1, project_scoped = $2 WHERE org_id = $3 AND user_id = $4",
    )
    .bind(stored_role(role))
    .bind(i64::from(scope.is_some()))
    .bind(org.to_string())
    .bind(user.to_string())
    .execute(&mut *conn)
    .await?;
    if let Some(ids) = scope {
        insert_scope(conn, org, user, ids).await?;
    }
    Ok(())
}

/// Removes a membership (its terms and scope go with it); `false` if there was none.
pub async fn delete(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org.to_string())
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The role and scope of `user` in `org`, if a member.
pub async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
) -> Result<Option<(Role, Option<Vec<ProjectId>>)>, AppError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT role, project_scoped FROM memberships WHERE org_id = $1 AND user_id = $2",
    )
    .bind(org.to_string())
    .bind(user.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((stored, scoped)) = row else {
        return Ok(None);
    };
    let owner = owner_of(conn, org).await?;
    let role = role_of(&stored, user, owner)?;
    let scope = if scoped == 1 {
        let mut all = scopes(conn, org, &[user]).await?;
        Some(all.pop().map(|(_, ids)| ids).unwrap_or_default())
    } else {
        None
    };
    Ok(Some((role, scope)))
}

/// The projects `user` is limited to in this org: `None` for all (owners, admins and
/// unscoped members).
pub async fn scope_of(
    conn: &mut AnyConnection,
    view: &MemberView,
    user: UserId,
) -> Result<Option<Vec<ProjectId>>, AppError> {
    if view.role != Role::Member {
        return Ok(None);
    }
    Ok(find(conn, view.org.id, user)
        .await?
        .and_then(|(_, scope)| scope))
}

/// The scoped projects of each of `users` that has any, in one query.
pub async fn scopes(
    conn: &mut AnyConnection,
    org: OrgId,
    users: &[UserId],
) -> Result<Vec<(UserId, Vec<ProjectId>)>, AppError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = Params::default();
    let org_param = params.text(org.to_string());
    let list: Vec<String> = users.iter().map(|u| params.text(u.to_string())).collect();
    let sql = format!(
        "SELECT user_id, project_id FROM membership_projects WHERE org_id = {org_param} \
         AND user_id IN ({}) ORDER BY user_id, project_id",
        list.join(", ")
    );
    let rows: Vec<(String, String)> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    let mut out: Vec<(UserId, Vec<ProjectId>)> = Vec::new();
    for (user, project) in rows {
        let user: UserId = user.parse().map_err(|_| AppError::CorruptRow("user id"))?;
        let project = project
            .parse()
            .map_err(|_| AppError::CorruptRow("project id"))?;
        match out.last_mut() {
            Some((last, ids)) if *last == user => ids.push(project),
            _ => out.push((user, vec![project])),
        }
    }
    Ok(out)
}

pub async fn count(conn: &mut AnyConnection, org: OrgId) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Ok(count)
}

/// The email addresses of the people who run `org` (its owner and admins, whose rows
/// store `admin`): whom the server tells about the org's credits and webhooks.
pub async fn admin_emails(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.role = 'admin' ORDER BY u.email",
    )
    .bind(org.to_string())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(email,)| email).collect())
}

/// The plan of `user`'s personal context, which sets how many orgs they may own. Locks
/// that row until the transaction ends, so concurrent creations by one person queue.
pub async fn lock_personal_plan(conn: &mut AnyConnection, user: UserId) -> Result<Plan, AppError> {
    sqlx::query("UPDATE orgs SET version = version WHERE personal_user_id = $1")
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    let (plan,): (String,) = sqlx::query_as("SELECT plan FROM orgs WHERE personal_user_id = $1")
        .bind(user.to_string())
        .fetch_one(conn)
        .await?;
    Plan::parse(&plan).ok_or(AppError::CorruptRow("org plan"))
}

/// How many organizations (not personal contexts) `user` owns.
pub async fn owned_org_count(conn: &mut AnyConnection, user: UserId) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM orgs WHERE owner_user_id = $1 AND kind = 'organization'",
    )
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    Ok(count)
}

/// How `user` is named to others.
pub async fn display_name(conn: &mut AnyConnection, user: UserId) -> Result<String, sqlx::Error> {
    let (name,): (String,) = sqlx::query_as("SELECT display_name FROM users WHERE id = $1")
        .bind(user.to_string())
        .fetch_one(conn)
        .await?;
    Ok(name)
}
