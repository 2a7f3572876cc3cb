//! What managing an account can fail with (beyond validation and the limits).

use orgdesk_model::{ErrorCode, FieldError};

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The password confirming a change is not the account's; `field` names it.
    #[error("wrong password in {field}")]
    WrongPassword { field: &'static str },
    #[error("the token is unknown, used or expired")]
    InvalidToken,
    #[error("the email is verified already")]
    AlreadyVerified,
    /// The account owns these organizations (by name).
    #[error("the account owns {} organization(s)", names.len())]
    OwnsOrganizations { names: Vec<String> },
}

impl DomainError for AccountError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::WrongPassword { .. } => ErrorCode::ValidationFailed,
            Self::InvalidToken => ErrorCode::InvalidToken,
            Self::AlreadyVerified => ErrorCode::InvalidState,
            Self::OwnsOrganizations { .. } => ErrorCode::OwnsOrganizations,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::WrongPassword { .. } => "Some fields need another look.".to_owned(),
            Self::InvalidToken => "This link is unknown, was used already, or has expired. \
                                   Ask for a new one."
                .to_owned(),
            Self::AlreadyVerified => "Your email is verified already.".to_owned(),
            Self::OwnsOrganizations { names } => format!(
                "You own {}. Transfer each to another member, or delete it, before deleting \
                 your account.",
                list(names)
            ),
        }
    }

    fn fields(&self) -> Vec<FieldError> {
        match self {
            Self::WrongPassword { field } => vec![FieldError {
                field: (*field).to_owned(),
                message: "This is not your current password.".to_owned(),
            }],
            _ => Vec::new(),
        }
    }
}

/// "Acme", "Acme and Beta", "Acme, Beta and Gamma".
fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_orgs_are_named_in_the_detail() {
        let names = |n: &[&str]| AccountError::OwnsOrganizations {
            names: n.iter().map(|s| (*s).to_owned()).collect(),
        };
        assert!(names(&["Acme"]).detail().starts_with("You own Acme. "));
        assert!(names(&["Acme", "Beta", "Gamma"])
            .detail()
            .starts_with("You own Acme, Beta and Gamma. "));
    }
}
