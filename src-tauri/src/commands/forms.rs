//! The shared validation rules, offered to the UI for instant feedback. The server
//! applies the same rules and stays the authority.

use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::{slug, validate, FieldError, Plan, PlanLimits};

/// The slug an org of this name would get (before collision suffixes).
#[tauri::command]
#[specta::specta]
pub fn preview_slug(name: String) -> String {
    slug::generate(&name)
}

/// Every rule the org fields break; empty when the form may be sent.
#[tauri::command]
#[specta::specta]
pub fn check_org_fields(input: CreateOrgRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    validate::org_name(&input.name, &mut errors);
    if let Some(slug) = input.slug.as_deref().filter(|s| !s.trim().is_empty()) {
        validate::org_slug(slug, &mut errors);
    }
    validate::description(
        input.description.as_deref().unwrap_or_default(),
        &mut errors,
    );
    validate::website(input.website.as_deref().unwrap_or_default(), &mut errors);
    errors
}

/// What a plan allows, from the one plan table.
#[tauri::command]
#[specta::specta]
pub fn plan_limits(plan: Plan) -> PlanLimits {
    plan.limits()
}
