//! The Orgdesk desktop shell: typed commands over the core's services
//! (`orgdesk-app-core`), the events the UI hears, plugins, the window, deep links, the OS
//! keychain and the built-in server.

pub mod card_window;
pub mod commands;
pub mod deeplink;
pub mod embedded;
pub mod events;
pub mod host;
pub mod keychain;
pub mod labels;
pub mod main_window;
pub mod notices;
pub mod rendering;
pub mod tray;
pub mod windows;

use std::path::Path;
use std::sync::Arc;

use orgdesk_app_core::host::{Browser, Notifier, SaveDialog};
use orgdesk_app_core::prefs::JsonFilePrefs;
use orgdesk_app_core::secrets::SecretStore;
use orgdesk_app_core::{Host, Services};
use tauri::{Manager, Runtime};
use tauri_specta::collect_commands;

use crate::card_window::{AppCardWindow, CardWindow};
use crate::deeplink::PendingLink;
use crate::embedded::Embedded;
use crate::events::TauriEvents;
use crate::host::{NativeSaveDialog, SystemBrowser, TauriSpawner};
use crate::keychain::OsKeychain;
use crate::main_window::{AppBackground, Background};
use crate::notices::DesktopNotifier;

/// Every command the UI may call, for the invoke handler and the TypeScript bindings.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::{
        account, account_mail, api_keys, appearance, audit, billing, data, forms, invitations,
        links, members, navigation, orgs, outbox, payments, portfolio, projects, security, session,
        sso, startup, two_factor, webhooks, windows,
    };
    tauri_specta::Builder::<R>::new()
        .commands(collect_commands![
            session::restore_session,
            session::sign_up,
            session::sign_in,
            session::sign_out,
            session::sign_in_two_factor,
            orgs::list_contexts,
            orgs::get_org,
            orgs::resolve_org,
            orgs::get_overview,
            portfolio::portfolio,
            orgs::create_org,
            orgs::update_org,
            orgs::schedule_org_deletion,
            orgs::cancel_org_deletion,
            orgs::get_logo,
            orgs::upload_logo,
            orgs::remove_logo,
            forms::preview_slug,
            forms::check_org_fields,
            forms::plan_limits,
            navigation::save_location,
            windows::open_in_new_window,
            windows::name_window,
            startup::report_startup,
            projects::list_projects,
            projects::create_project,
            projects::update_project,
            projects::suspend_project,
            projects::unsuspend_project,
            projects::archive_project,
            projects::restore_project,
            projects::delete_project,
            members::list_members,
            members::change_member_role,
            members::set_member_scope,
            members::remove_member,
            members::leave_org,
            members::transfer_ownership,
            invitations::invite_members,
            invitations::list_invitations,
            invitations::revoke_invitation,
            invitations::resend_invitation,
            invitations::my_invitations,
            invitations::preview_invitation,
            invitations::accept_invitation,
            invitations::decline_invitation,
            audit::audit_log,
            audit::export_audit_log,
            links::take_deep_link,
            billing::get_billing,
            billing::change_plan,
            billing::top_up,
            billing::ledger,
            billing::usage_report,
            billing::export_usage_csv,
            billing::list_invoices,
            billing::get_invoice,
            billing::save_invoice_pdf,
            billing::set_low_balance_threshold,
            billing::set_spend_policy,
            billing::rate_card,
            payments::get_billing_profile,
            payments::update_billing_profile,
            payments::add_card,
            payments::close_card_window,
            payments::top_up_by_card,
            payments::list_payments,
            payments::check_payment,
            payments::payment_receipt,
            payments::save_receipt_pdf,
            api_keys::list_api_keys,
            api_keys::create_api_key,
            api_keys::revoke_api_key,
            outbox::connectivity_status,
            outbox::check_connection,
            outbox::list_outbox,
            outbox::discard_change,
            outbox::keep_mine,
            account::get_account,
            account::update_profile,
            account::change_password,
            account::change_email,
            account::delete_account,
            account::list_sessions,
            account::revoke_session,
            account::sign_out_other_sessions,
            account::security_events,
            appearance::get_theme,
            appearance::set_theme,
            two_factor::two_factor_status,
            two_factor::start_two_factor,
            two_factor::confirm_two_factor,
            two_factor::regenerate_recovery_codes,
            two_factor::disable_two_factor,
            two_factor::save_recovery_codes,
            two_factor::forget_recovery_codes,
            security::get_org_security,
            security::update_org_security,
            webhooks::webhook_events,
            webhooks::list_webhooks,
            webhooks::get_webhook,
            webhooks::create_webhook,
            webhooks::update_webhook,
            webhooks::delete_webhook,
            webhooks::send_test_webhook,
            webhooks::rotate_webhook_secret,
            webhooks::list_webhook_deliveries,
            webhooks::get_webhook_delivery,
            webhooks::redeliver_webhook,
            data::list_org_exports,
            data::start_org_export,
            data::follow_org_export,
            data::save_org_export,
            data::get_retention,
            data::update_retention,
            account_mail::resend_verification,
            account_mail::refresh_me,
            account_mail::verify_email,
            account_mail::request_password_reset,
            account_mail::reset_password,
            links::take_account_link,
            sso::sign_in_with_sso,
            sso::sign_in_to_org_with_sso,
            sso::cancel_sso,
            sso::get_sso_settings,
            sso::save_sso,
            sso::delete_sso,
            sso::test_sso,
            sso::list_domains,
            sso::claim_domain,
            sso::verify_domain,
            sso::remove_domain,
        ])
        .events(tauri_specta::collect_events![
            deeplink::DeepLinkArrived,
            events::ConnectivityChanged,
            events::DataRefreshed,
            events::OutboxChanged,
            events::SignedOut,
            events::ContextRequested,
        ])
        // How people read each audit action, from the one place that names them.
        .constant("AUDIT_ACTION_LABELS", labels::audit_actions())
        // How people read who made a change when no person is named (the server's operator).
        .constant("AUDIT_ACTOR_KIND_LABELS", labels::audit_actor_kinds())
        // How people read each event of an account's security log.
        .constant("SECURITY_EVENT_LABELS", labels::security_events())
        // The page registry (title, section, required capability, context kinds), in
        // sidebar order: the UI derives its sidebar, titles and page access from it.
        .constant("PAGES", orgdesk_model::AppPage::registry())
        .constant("PAGE_SECTIONS", orgdesk_model::navigation::sections())
        // When an answer from the store is shown with its age while online.
        .constant(
            "STALE_AFTER_MS",
            orgdesk_app_core::reads::SHOWN_AS_STALE_AFTER.as_millis() as u32,
        )
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
}

/// Writes the TypeScript bindings the UI imports.
pub fn export_bindings(path: &Path) -> Result<(), specta_typescript::Error> {
    let header = "// Generated by tauri-specta from src-tauri. Do not edit: run \
                  `ORGDESK_WRITE_BINDINGS=1 cargo test -p orgdesk-app bindings`.\n";
    specta_builder::<tauri::Wry>().export(
        specta_typescript::Typescript::default().header(header),
        path,
    )
}

/// What the desktop gives the core besides the app data folder: the keychain, the
/// notifications, the save dialog and the browser (tests give stand-ins).
pub struct Desktop {
    pub keychain: Arc<dyn SecretStore>,
    pub notifier: Arc<dyn Notifier>,
    pub dialog: Arc<dyn SaveDialog>,
    pub browser: Arc<dyn Browser>,
}

/// Builds the core's services over an app data folder (preferences in `prefs.json` there)
/// and hands each to the commands: one managed state per service. Answers them, so the
/// caller may start their background work.
pub fn install<R: Runtime>(
    app: &tauri::AppHandle<R>,
    data_dir: &Path,
    desktop: Desktop,
) -> std::io::Result<Arc<Services>> {
    let Desktop {
        keychain,
        notifier,
        dialog,
        browser,
    } = desktop;
    // The folder, and what earlier versions left readable in it, for the owner only.
    orgdesk_app_core::owner_only::dir(data_dir)?;
    orgdesk_app_core::store::make_private(data_dir)?;
    let embedded = Arc::new(Embedded::new(data_dir.join("server")));
    let services = Services::new(Host {
        data_dir: data_dir.to_path_buf(),
        spawner: Arc::new(TauriSpawner),
        notifier,
        ui: Arc::new(TauriEvents(app.clone())),
        keychain,
        prefs: Arc::new(JsonFilePrefs::open(data_dir.join("prefs.json"))),
        server: embedded.clone(),
        dialog,
        browser,
    });
    app.manage(embedded);
    let card_window: Arc<dyn CardWindow> = Arc::new(AppCardWindow(app.clone()));
    app.manage(card_window);
    let background: Arc<dyn Background> = Arc::new(AppBackground(app.clone()));
    app.manage(background);
    app.manage(PendingLink::default());
    app.manage(events::DataChanged::default());
    let windows: Arc<dyn windows::AppWindows> = Arc::new(windows::TauriWindows(app.clone()));
    app.manage(windows);
    app.manage(services.session.clone());
    app.manage(services.connectivity.clone());
    app.manage(services.outbox.clone());
    app.manage(services.orgs.clone());
    app.manage(services.logos.clone());
    app.manage(services.projects.clone());
    app.manage(services.members.clone());
    app.manage(services.invitations.clone());
    app.manage(services.billing.clone());
    app.manage(services.payments.clone());
    app.manage(services.portfolio.clone());
    app.manage(services.exports.clone());
    app.manage(services.audit.clone());
    app.manage(services.api_keys.clone());
    app.manage(services.account.clone());
    app.manage(services.sessions.clone());
    app.manage(services.two_factor.clone());
    app.manage(services.security.clone());
    app.manage(services.account_mail.clone());
    app.manage(services.webhooks.clone());
    app.manage(services.org_exports.clone());
    app.manage(services.retention.clone());
    app.manage(services.org_sso.clone());
    app.manage(services.sso_sign_in.clone());
    app.manage(services.appearance.clone());
    Ok(Arc::new(services))
}

/// With the tray there, closing the main window hides it and the app runs on; moved and
/// resized windows have their place written down.
fn window_event<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    use tauri::WindowEvent::{CloseRequested, Moved, Resized};
    let label = window.label();
    match event {
        CloseRequested { api, .. }
            if label == windows::MAIN && tray::keeps_running(window.app_handle()) =>
        {
            api.prevent_close();
            let _ = window.hide();
        }
        Moved(_) | Resized(_) if windows::is_remembered(windows::remembered_as(label)) => {
            windows::remember_soon(window.app_handle());
        }
        _ => {}
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ORGDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

pub fn run() {
    // Before anything else: the environment may change only while this is the one thread.
    let compositing = rendering::apply();
    init_logging();
    tracing::info!(?compositing, "webview compositing");
    let builder = specta_builder::<tauri::Wry>();
    let app = tauri::Builder::default()
        // First, so a second launch hands its arguments (an orgdesk:// link) to this one.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            windows::show_main(app);
        }))
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(windows::remembered_state())
                .map_label(windows::remembered_as)
                .with_filter(windows::is_remembered)
                .build(),
        )
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .on_window_event(window_event)
        .setup(move |app| {
            let began = std::time::Instant::now();
            let lap = |since: &mut std::time::Instant| {
                let ms = since.elapsed().as_millis();
                *since = std::time::Instant::now();
                ms
            };
            let mut since = began;
            builder.mount_events(app);
            let data_dir = app.path().app_data_dir()?;
            let desktop = Desktop {
                keychain: Arc::new(OsKeychain),
                notifier: Arc::new(DesktopNotifier(app.handle().clone())),
                dialog: Arc::new(NativeSaveDialog(app.handle().clone())),
                browser: Arc::new(SystemBrowser),
            };
            let services = install(app.handle(), &data_dir, desktop)?;
            let services_ms = lap(&mut since);
            // Opened here, not from the configuration: its background is the theme's.
            main_window::open(app.handle(), services.appearance.theme())?;
            let window_ms = lap(&mut since);
            services.start();
            tray::install(app.handle(), services.tray.clone());
            let tray_ms = lap(&mut since);
            deeplink::listen(app.handle());
            // Until this returns, the window stays unmapped and the page's first requests
            // to the app wait: figures to watch.
            tracing::info!(
                ms = began.elapsed().as_millis(),
                services_ms,
                window_ms,
                tray_ms,
                links_ms = lap(&mut since),
                "set up"
            );
            Ok(())
        })
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "Orgdesk could not start");
            std::process::exit(1);
        });
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Stops the built-in server, letting in-flight requests finish.
            let embedded = handle.state::<Arc<Embedded>>();
            tauri::async_runtime::block_on(embedded.stop());
        }
    });
}
