//! How people read the model's enumerations, handed to the UI as constants of the
//! generated bindings (one place names each audit action, actor kind and security event).

pub fn audit_actions() -> std::collections::BTreeMap<&'static str, &'static str> {
    use orgdesk_model::audit::AuditAction;
    AuditAction::ALL
        .into_iter()
        .map(|a| (a.as_str(), a.label()))
        .collect()
}

pub fn audit_actor_kinds() -> std::collections::BTreeMap<&'static str, &'static str> {
    use orgdesk_model::audit::AuditActorKind;
    AuditActorKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

pub fn security_events() -> std::collections::BTreeMap<&'static str, &'static str> {
    use orgdesk_model::security::SecurityEvent;
    SecurityEvent::ALL
        .into_iter()
        .map(|e| (e.as_str(), e.label()))
        .collect()
}
