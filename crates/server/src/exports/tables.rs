//! The files of the archive that hold an org's records: for each, its columns, the query
//! of one page by key and its count ([`crate::exports::pages`] reads and writes them).
//!
//! What is never read, so never written: password hashes, token hashes, API key hashes,
//! webhook signing secrets (sealed or not), sessions, idempotency keys and request hashes.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

/// How a column is stored, and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    /// Unix milliseconds, written as RFC 3339.
    Time,
    /// 0 or 1, written as `false` or `true`.
    Flag,
    /// JSON text, written as JSON (in JSON lines) or as its text (in CSV).
    Json,
}

/// Which columns are the page key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A text id in this column: `$2` is the last one read.
    Text(usize),
    /// A number in this column: `$2` is the last one read.
    Int(usize),
    /// A time and a text id: `$2`, `$3` are the last ones read.
    TimeThenText(usize, usize),
}

/// One file of records.
pub struct Table {
    pub file: &'static str,
    pub format: Format,
    pub columns: &'static [(&'static str, Kind)],
    /// `$1` the org, then the key (see [`Key`]), then the page size; `{agg}` is the
    /// backend's string aggregate.
    pub select: &'static str,
    pub count: &'static str,
    pub key: Key,
}

use Kind::{Flag, Int, Json, Text, Time};

pub const TABLES: [Table; 8] = [
    Table {
        file: "members.csv",
        format: Format::Csv,
        columns: &[
            ("user_id", Text),
            ("email", Text),
            ("display_name", Text),
            ("role", Text),
            ("project_scoped", Flag),
            ("project_ids", Text),
            ("joined_at", Time),
        ],
        select: "SELECT m.user_id, u.email, u.display_name, \
                 CASE WHEN o.owner_user_id = m.user_id THEN 'owner' ELSE m.role END, \
                 m.project_scoped, \
                 (SELECT {agg} FROM membership_projects p \
                  WHERE p.org_id = m.org_id AND p.user_id = m.user_id), \
                 m.created_at \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 JOIN orgs o ON o.id = m.org_id \
                 WHERE m.org_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3",
        count: "SELECT COUNT(*) FROM memberships WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "invitations.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("email", Text),
            ("role", Text),
            ("project_scoped", Flag),
            ("status", Text),
            ("invited_by", Text),
            ("created_at", Time),
            ("expires_at", Time),
            ("updated_at", Time),
        ],
        select: "SELECT id, email, role, project_scoped, status, invited_by, created_at, \
                 expires_at, updated_at FROM invitations \
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM invitations WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "projects.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("slug", Text),
            ("name", Text),
            ("description", Text),
            ("status", Text),
            ("suspended_reason", Text),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        select: "SELECT id, slug, name, description, status, suspended_reason, created_at, \
                 updated_at FROM projects WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM projects WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "ledger.csv",
        format: Format::Csv,
        columns: &[
            ("seq", Int),
            ("id", Text),
            ("created_at", Time),
            ("kind", Text),
            ("amount", Int),
            ("balance_after", Int),
            ("project_id", Text),
            ("user_id", Text),
            ("api_key_id", Text),
            ("modality", Text),
            ("quantity", Int),
            ("rate_version", Int),
            ("reference", Text),
            ("description", Text),
            ("period", Text),
        ],
        select: "SELECT seq, id, created_at, kind, amount, balance_after, project_id, \
                 user_id, api_key_id, modality, quantity, rate_version, reference, \
                 description, period FROM ledger_entries \
                 WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        count: "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1",
        key: Key::Int(0),
    },
    Table {
        file: "usage.csv",
        format: Format::Csv,
        columns: &[
            ("ledger_seq", Int),
            ("created_at", Time),
            ("project_id", Text),
            ("user_id", Text),
            ("api_key_id", Text),
            ("modality", Text),
            ("quantity", Int),
            ("rate_version", Int),
            ("credits", Int),
            ("description", Text),
        ],
        select: "SELECT seq, created_at, project_id, user_id, api_key_id, modality, quantity, \
                 rate_version, -amount, description FROM ledger_entries \
                 WHERE org_id = $1 AND kind = 'usage' AND seq > $2 ORDER BY seq LIMIT $3",
        count: "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'usage'",
        key: Key::Int(0),
    },
    Table {
        file: "audit-log.jsonl",
        format: Format::JsonLines,
        columns: &[
            ("id", Text),
            ("created_at", Time),
            ("actor_id", Text),
            ("actor_kind", Text),
            ("action", Text),
            ("target_type", Text),
            ("target_id", Text),
            ("project_id", Text),
            ("ip", Text),
            ("user_agent", Text),
            ("details", Json),
        ],
        select: "SELECT id, created_at, actor_id, actor_kind, action, target_type, target_id, \
                 project_id, ip, user_agent, details FROM audit_events \
                 WHERE org_id = $1 AND (created_at, id) > ($2, $3) \
                 ORDER BY created_at, id LIMIT $4",
        count: "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
        key: Key::TimeThenText(1, 0),
    },
    Table {
        file: "api-keys.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("name", Text),
            ("prefix", Text),
            ("scopes", Text),
            ("project_id", Text),
            ("created_by", Text),
            ("created_at", Time),
            ("expires_at", Time),
            ("last_used_at", Time),
            ("revoked_at", Time),
        ],
        select: "SELECT id, name, prefix, scopes, project_id, created_by, created_at, \
                 expires_at, last_used_at, revoked_at FROM api_keys \
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM api_keys WHERE org_id = $1",
        key: Key::Text(0),
    },
    Table {
        file: "webhooks.csv",
        format: Format::Csv,
        columns: &[
            ("id", Text),
            ("url", Text),
            ("description", Text),
            ("all_events", Flag),
            ("events", Text),
            ("enabled", Flag),
            ("disabled_reason", Text),
            ("created_at", Time),
            ("updated_at", Time),
            ("last_attempt_at", Time),
            ("last_status_code", Int),
            ("last_success_at", Time),
            ("failure_streak", Int),
        ],
        select: "SELECT id, url, description, all_events, events, enabled, disabled_reason, \
                 created_at, updated_at, last_attempt_at, last_status_code, last_success_at, \
                 failure_streak FROM webhooks \
                 WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        count: "SELECT COUNT(*) FROM webhooks WHERE org_id = $1",
        key: Key::Text(0),
    },
];
