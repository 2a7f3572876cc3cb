//! How much invitation mail may go out, so that inviting cannot be turned into a way to
//! send mail to anyone: every message counts (a new invitation, a resend), and a revoked
//! invitation's message still counts, so invite/revoke loops run out like anything else.
//! Counted in the database ([`crate::limits`]) inside the invitation's own transaction:
//! every instance sees the same counts, and an invitation that is refused or rolled back
//! sends nothing and counts nothing.

use orgdesk_model::{OrgId, Plan, UserId};
use sqlx::AnyConnection;

use crate::error::AppError;
use crate::invitations::error::{InvitationError, MailLimitOf};
use crate::limits::{self, LimitError, Rule, DAY_MS};

/// Invitation messages one person may have sent in any 24 hours, across every org.
pub const PER_INVITER: Rule = Rule {
    name: "invitation_mail_inviter",
    max: 200,
    window_ms: DAY_MS,
};

/// Invitation messages one org may send in any 24 hours: twice its plan's seats (every
/// seat filled, and each invitation resent once), and never fewer than 20.
pub fn per_org(plan: Plan) -> Rule {
    Rule {
        name: "invitation_mail_org",
        max: plan.limits().seats.saturating_mul(2).max(20),
        window_ms: DAY_MS,
    }
}

/// Counts `messages` invitation messages for `inviter` and `org`, or fails with 429
/// `rate_limited` (and `Retry-After`) when either would go over its limit today.
pub async fn reserve(
    conn: &mut AnyConnection,
    inviter: UserId,
    org: OrgId,
    plan: Plan,
    messages: usize,
    now: i64,
) -> Result<(), AppError> {
    let org_rule = per_org(plan);
    let (inviter, org) = (inviter.to_string(), org.to_string());
    for _ in 0..messages {
        limits::reserve(conn, &PER_INVITER, &inviter, now)
            .await
            .map_err(|e| refusal(e, MailLimitOf::Inviter(PER_INVITER.max)))?;
        limits::reserve(conn, &org_rule, &org, now)
            .await
            .map_err(|e| refusal(e, MailLimitOf::Org(org_rule.max)))?;
    }
    Ok(())
}

fn refusal(error: LimitError, of: MailLimitOf) -> AppError {
    match error {
        LimitError::Exceeded {
            retry_after_secs, ..
        } => InvitationError::MailLimit {
            of,
            retry_after_secs,
        }
        .into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orgs_may_send_twice_their_seats_and_at_least_twenty() {
        assert_eq!(per_org(Plan::Free).max, 20);
        assert_eq!(per_org(Plan::Team).max, 100);
        assert_eq!(per_org(Plan::Business).max, 2000);
        assert_eq!(PER_INVITER.window_ms, 24 * 60 * 60 * 1000);
    }
}
