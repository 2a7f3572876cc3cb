//! The portfolio's one statement: every membership of a person with its org, role, the
//! org's policies that may shut them out, and each figure as a correlated subquery (the
//! same text on SQLite and PostgreSQL). Which figures the role may see is decided by
//! [`crate::portfolio::service`]; this reads them all.

use orgdesk_model::UserId;
use sqlx::AnyConnection;

use crate::error::AppError;
use crate::membership::sso_required::REQUIRES_SSO;
use crate::membership::view::{MemberRecord, FROM_ORG, ROLE, SELECT_ORG, TWO_FACTOR_MISSING};

/// One membership with every figure of its org, before the role table filters them.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PortfolioRecord {
    #[sqlx(flatten)]
    pub(crate) member: MemberRecord,
    /// 1 when the org requires two-factor sign-in and the person has not turned it on.
    pub two_factor_missing: i64,
    /// 1 when the org's "require SSO" applies to the person.
    pub requires_sso: i64,
    pub balance: Option<i64>,
    pub low_balance_threshold: Option<i64>,
    pub spent_this_month: i64,
    pub spent_last_month: i64,
    pub pending_invitations: i64,
    pub active_projects: i64,
}

/// The calendar months the figures count, and the moment pending invitations are judged.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Now, in unix milliseconds.
    pub now: i64,
    /// The first instant of this month (UTC).
    pub this_month: i64,
    /// The first instant of the previous month (UTC).
    pub last_month: i64,
}

/// Credits spent by usage in `[from, to)`; `$2`/`$3` bind this month, last month.
const SPENT: &str = "SELECT CAST(COALESCE(SUM(-e.amount), 0) AS BIGINT) FROM ledger_entries e \
     WHERE e.org_id = o.id AND e.kind = 'usage' AND e.created_at >= ";

/// Every org `user` belongs to (personal context first, then by name), in one statement.
pub(crate) async fn for_member(
    conn: &mut AnyConnection,
    user: UserId,
    clock: Clock,
) -> Result<Vec<PortfolioRecord>, AppError> {
    let sql = format!(
        "{SELECT_ORG}, {ROLE}, {TWO_FACTOR_MISSING}, \
         CASE WHEN {REQUIRES_SSO} THEN 1 ELSE 0 END AS requires_sso, \
         b.balance, b.low_balance_threshold, \
         ({SPENT} $2) AS spent_this_month, \
         ({SPENT} $3 AND e.created_at < $2) AS spent_last_month, \
         (SELECT COUNT(*) FROM invitations i WHERE i.org_id = o.id \
             AND i.status = 'pending' AND i.expires_at > $4) AS pending_invitations, \
         (SELECT COUNT(*) FROM projects pr WHERE pr.org_id = o.id AND pr.status = 'active' \
             AND (m.project_scoped = 0 OR EXISTS (SELECT 1 FROM membership_projects mp \
                 WHERE mp.org_id = o.id AND mp.user_id = m.user_id \
                 AND mp.project_id = pr.id))) AS active_projects \
         {FROM_ORG} \
         JOIN memberships m ON m.org_id = o.id \
         JOIN users u ON u.id = m.user_id \
         LEFT JOIN org_security_policies p ON p.org_id = o.id \
         LEFT JOIN two_factor t ON t.user_id = m.user_id \
         LEFT JOIN billing_accounts b ON b.org_id = o.id \
         WHERE m.user_id = $1 \
         ORDER BY CASE WHEN o.kind = 'personal' THEN 0 ELSE 1 END, o.sort_name, o.id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(user.to_string())
        .bind(clock.this_month)
        .bind(clock.last_month)
        .bind(clock.now)
        .fetch_all(conn)
        .await?)
}
