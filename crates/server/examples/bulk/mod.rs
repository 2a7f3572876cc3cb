//! Bulk seeding shared by the server's benchmark examples (`mod bulk;` in each): an org's
//! members inserted a batch at a time with multi-row INSERTs, indexed for search (terms and
//! prefixes) as the API would index them.

use orgdesk_model::{OrgId, Role, UserId};
use orgdesk_server::db::Param;
use orgdesk_server::membership::search;

/// Rows per multi-row INSERT.
const BATCH: usize = 500;

/// Inserts `count` members into `org`, the `i`-th named and mailed by `person(i)`; every
/// 20th is an admin, the others members.
pub async fn insert_members(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    count: usize,
    person: impl Fn(usize) -> (String, String),
) -> Result<(), sqlx::Error> {
    let org = org.to_string();
    let text = |s: &str| Param::Text(s.to_owned());
    for start in (0..count).step_by(BATCH) {
        let people: Vec<(String, String, String)> = (start..(start + BATCH).min(count))
            .map(|i| {
                let (name, email) = person(i);
                (UserId::new().to_string(), name, email)
            })
            .collect();
        insert_rows(
            conn,
            "INSERT INTO users (id, email, display_name, password_hash, created_at)",
            people.iter().map(|(id, name, email)| {
                vec![text(id), text(email), text(name), text("x"), Param::Int(0)]
            }),
        )
        .await?;
        insert_rows(
            conn,
            "INSERT INTO memberships (org_id, user_id, role, project_scoped, sort_name, created_at)",
            people.iter().enumerate().map(|(n, (id, name, _))| {
                let role = if (start + n).is_multiple_of(20) {
                    Role::Admin
                } else {
                    Role::Member
                };
                vec![
                    text(&org),
                    text(id),
                    text(role.as_str()),
                    Param::Int(0),
                    Param::Text(search::sort_name(name)),
                    Param::Int(0),
                ]
            }),
        )
        .await?;
        let terms: Vec<(&String, &String, Vec<String>)> = people
            .iter()
            .map(|(id, name, email)| (id, name, search::terms(name, email)))
            .collect();
        insert_rows(
            conn,
            "INSERT INTO member_terms (org_id, user_id, term)",
            terms.iter().flat_map(|(id, _, terms)| {
                terms
                    .iter()
                    .map(|term| vec![text(&org), text(id), text(term)])
            }),
        )
        .await?;
        insert_rows(
            conn,
            "INSERT INTO member_prefixes (org_id, prefix, sort_name, user_id)",
            terms.iter().flat_map(|(id, name, terms)| {
                search::prefixes(terms).into_iter().map(|prefix| {
                    vec![
                        text(&org),
                        Param::Text(prefix),
                        Param::Text(search::sort_name(name)),
                        text(id),
                    ]
                })
            }),
        )
        .await?;
    }
    Ok(())
}

/// One multi-row INSERT of `rows` after `head` (`INSERT INTO t (a, b)`).
async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    head: &str,
    rows: impl Iterator<Item = Vec<Param>>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<Vec<Param>> = rows.collect();
    let mut sql = format!("{head} VALUES ");
    let mut n = 0;
    for (r, row) in rows.iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        let marks: Vec<String> = row
            .iter()
            .map(|_| {
                n += 1;
                format!("${n}")
            })
            .collect();
        sql += &format!("({})", marks.join(", "));
    }
    let mut query = sqlx::query(&sql);
    for value in rows.into_iter().flatten() {
        query = match value {
            Param::Text(text) => query.bind(text),
            Param::Int(int) => query.bind(int),
        };
    }
    query.execute(conn).await?;
    Ok(())
}
