//! The portfolio's rule: a row for every org the caller belongs to, each figure only
//! where the role table lets their role see it (`None`, never 0, where not), and no
//! figure at all of an org whose policy shuts the session out (its "require SSO", or
//! two-factor sign-in the account has not turned on) — that org answers 403 to every
//! other read, so its row says only that it exists.

use chrono::Duration;
use orgdesk_model::portfolio::{FigureAccess, Portfolio, PortfolioOrg};
use orgdesk_model::OrgId;

use crate::auth::session::SessionRecord;
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::ledger::month_start;
use crate::portfolio::repo::{self, Clock, PortfolioRecord};

/// The clock of a portfolio read at `now` (unix milliseconds): calendar months in UTC,
/// as the billing page counts "spent this month".
pub fn clock_at(now: i64) -> Clock {
    let this_month = month_start(to_datetime(now));
    let last_month = month_start(to_datetime(this_month) - Duration::milliseconds(1));
    Clock {
        now,
        this_month,
        last_month,
    }
}

/// The caller's portfolio: one statement, then the role table.
pub async fn portfolio(db: &Db, session: &SessionRecord) -> Result<Portfolio, AppError> {
    let mut conn = db.pool().acquire().await?;
    let records = repo::for_member(&mut conn, session.user_id, clock_at(now_ms())).await?;
    let orgs = records
        .into_iter()
        .map(|record| row(record, session.sso_org_id))
        .collect::<Result<_, _>>()?;
    Ok(Portfolio { orgs })
}

fn row(record: PortfolioRecord, session_sso_org: Option<OrgId>) -> Result<PortfolioOrg, AppError> {
    let mut membership = record.member.into_view()?.into_membership();
    membership.sso_required =
        record.requires_sso == 1 && session_sso_org != Some(membership.org.id);
    let shut_out = membership.sso_required || record.two_factor_missing == 1;
    let may = if shut_out {
        FigureAccess::NONE
    } else {
        FigureAccess::of(membership.org.kind, membership.role)
    };
    let balance = record.balance.unwrap_or(0);
    let threshold = record.low_balance_threshold;
    let billing = |value| may.billing.then_some(value);
    Ok(PortfolioOrg {
        balance: billing(balance),
        low_balance_threshold: threshold.filter(|_| may.billing),
        low_balance: may
            .billing
            .then_some(threshold.is_some_and(|t| balance < t)),
        spent_this_month: billing(record.spent_this_month),
        spent_last_month: billing(record.spent_last_month),
        pending_invitations: may.invitations.then_some(record.pending_invitations),
        active_projects: may.projects.then_some(record.active_projects),
        membership,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc_calendar_months() {
        // 2026-11-01T00:00:00Z and 2026-10-01T00:00:00Z.
        let clock = clock_at(1_793_491_200_000 + 5_000);
        assert_eq!(clock.this_month, 1_793_491_200_000);
        assert_eq!(clock.last_month, 1_790_812_800_000);
        // The first millisecond of a month: last month is the one before.
        assert_eq!(clock_at(1_793_491_200_000).last_month, 1_790_812_800_000);
    }
}
