//! The daily limits on sign-ups and account mail, as [`Rule`]s of [`crate::limits`] (their
//! sizes come from [`AccountLimits`]), and the limit on wrong passwords where a signed-in
//! account confirms a change with its password.

use crate::config::AccountLimits;
use crate::limits::{Rule, DAY_MS, MINUTE_MS};

/// Sign-ups per client address.
pub fn signup_per_ip(limits: &AccountLimits) -> Rule {
    Rule {
        name: "account.signup.ip",
        max: limits.signups_per_ip,
        window_ms: DAY_MS,
    }
}

/// Password-reset requests per client address.
pub fn reset_per_ip(limits: &AccountLimits) -> Rule {
    Rule {
        name: "account.reset.ip",
        max: limits.resets_per_ip,
        window_ms: DAY_MS,
    }
}

/// Password-reset mails per address (asked for, or after a sign-up attempt).
pub fn reset_per_email(limits: &AccountLimits) -> Rule {
    Rule {
        name: "account.reset.email",
        max: limits.resets_per_email,
        window_ms: DAY_MS,
    }
}

/// Verification mails sent again per account.
pub fn verification_resend_per_user(limits: &AccountLimits) -> Rule {
    Rule {
        name: "account.verify_resend.user",
        max: limits.verification_resends_per_user,
        window_ms: DAY_MS,
    }
}

/// Changes of email started per account.
pub fn email_change_per_user(limits: &AccountLimits) -> Rule {
    Rule {
        name: "account.email_change.user",
        max: limits.email_changes_per_user,
        window_ms: DAY_MS,
    }
}

/// Password confirmations (change of password, of email, deleting the account) per
/// account: each is counted before the password is checked, and given back when it was
/// right, so only wrong ones use the allowance.
pub const PASSWORD_CONFIRM: Rule = Rule {
    name: "account.password_confirm.user",
    max: 10,
    window_ms: 60 * MINUTE_MS,
};
