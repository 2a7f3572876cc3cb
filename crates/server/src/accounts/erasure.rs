//! What deleting an account erases besides its row: the person's data in the audit logs
//! of the orgs they were in. The entries stay — an org's history keeps its shape — but
//! they no longer say who: the actor is gone (`actor_id` is set to NULL when the user row
//! goes, and the app shows "Deleted user"), the address and browser the person acted from
//! are cleared, and their email address and name are replaced in the entries' details.
//! Their API keys are revoked.

use orgdesk_model::UserId;
use serde_json::Value;
use sqlx::AnyConnection;

/// What the person's email address and name become in audit details.
pub const DELETED_USER: &str = "deleted user";

/// Erases `user` (with this email and display name) from every audit log and revokes
/// their API keys, in the deletion's transaction, before the user row goes.
pub async fn erase(
    conn: &mut AnyConnection,
    user: UserId,
    email: &str,
    display_name: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let id = user.to_string();
    sqlx::query("UPDATE audit_events SET ip = NULL, user_agent = NULL WHERE actor_id = $1")
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE created_by = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    // Every entry that names the person: by email anywhere in its details, or as its
    // target (a member event), where `display_name` is theirs too.
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, details, target_id FROM audit_events \
         WHERE target_id = $1 OR LOWER(details) LIKE $2",
    )
    .bind(&id)
    .bind(format!("%{}%", email.to_lowercase()))
    .fetch_all(&mut *conn)
    .await?;
    for (event, details, target) in rows {
        let Ok(mut value) = serde_json::from_str::<Value>(&details) else {
            continue;
        };
        let theirs = target.as_deref() == Some(id.as_str());
        if scrub(&mut value, email, display_name, theirs) {
            sqlx::query("UPDATE audit_events SET details = $1 WHERE id = $2")
                .bind(value.to_string())
                .bind(&event)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Replaces the email address (any case) wherever it is a whole string value, and — in an
/// entry about the person (`theirs`) — their `display_name` field. Answers whether
/// anything changed.
fn scrub(value: &mut Value, email: &str, display_name: &str, theirs: bool) -> bool {
    match value {
        Value::String(s) if s.eq_ignore_ascii_case(email) => {
            *s = DELETED_USER.to_owned();
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
            scrub(item, email, display_name, theirs) | changed
        }),
        Value::Object(fields) => fields.iter_mut().fold(false, |changed, (key, field)| {
            let named = theirs
                && key == "display_name"
                && field.as_str().is_some_and(|s| s == display_name);
            if named {
                *field = Value::String(DELETED_USER.to_owned());
                true
            } else {
                scrub(field, email, display_name, theirs) | changed
            }
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_email_goes_everywhere_and_the_name_only_where_it_is_theirs() {
        let mut removed =
            json!({ "email": "Ana@Example.com", "display_name": "Ana", "role": "member" });
        assert!(scrub(&mut removed, "ana@example.com", "Ana", true));
        assert_eq!(
            removed,
            json!({ "email": DELETED_USER, "display_name": DELETED_USER, "role": "member" })
        );
        let mut project = json!({ "name": "Ana", "slug": "ana", "x": ["ana@example.com"] });
        assert!(scrub(&mut project, "ana@example.com", "Ana", false));
        assert_eq!(
            project,
            json!({ "name": "Ana", "slug": "ana", "x": [DELETED_USER] })
        );
        let mut other = json!({ "email": "bo@example.com" });
        assert!(!scrub(&mut other, "ana@example.com", "Ana", false));
    }
}
